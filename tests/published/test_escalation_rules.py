"""Published escalation rules as worked examples: a 12345 procedure's reminder and
written criticism, and a city's ladder of accountability measures. Each expected figure
cites the rule it comes from.

12345催办通报程序 (http://fsou.com/html/text/lar/172733/17273310_2.html), (四)跟踪监督:
"对超过办理期限又未报告说明理由的, 由局'12345'受理工作组在办理时限到期次日发出《催办通知书》,
同时抄报该部门分管局领导和局'12345'督查组; 经一次催办仍超过办理时限5个工作日且不报告说明理由的,
由局'12345'督查组书面通报批评。催办和通报情况作为考核和追究问责的依据。"

过错责任追究办法 (http://ask.fsou.com/html/text/lar/171009/17100950_1.html): 书面检查, 通报
批评, 告诫/诫勉, 扣减单位年度目标考核分 1–5 分, 限期调离, 责令辞职, 免职/辞退/解聘.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from urbangov import escalation
from urbangov.calendar import TimeLimit
from urbangov.cases import Case, CaseEvent
from urbangov.escalation import Measure, StepAction
from urbangov.policy import Policy
from urbangov.sim import sample_city

SH = ZoneInfo("Asia/Shanghai")
H = sample_city().hierarchy
POLICY = Policy.default()
CAL = POLICY.work_calendar()


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def case(start: dt.datetime, limit: str, *more: CaseEvent) -> Case:
    """A case under the 12345 procedure: accumulated waste (4 working days) by default;
    ``limit`` replaces its limit (the procedure is about the due date, not the class)."""
    history = (
        CaseEvent("accept", start),
        CaseEvent("file", start),
        CaseEvent("dispatch", start, department="street_office_001"),
        *more,
    )
    return Case.new("H1", "积存垃圾渣土", "320105001001001", reported_at=start, history=history)


def policy(limit: str) -> Policy:
    return POLICY.reform({"deadlines.categories.accumulated_waste.normal": limit})


def steps(c: Case, p: Policy) -> dict[str, dt.datetime]:
    return {s.name: s.at for s in escalation.timeline(c, p, H)}


@pytest.mark.parametrize(
    ("start", "limit", "due_day", "reminder_day"),
    [
        # due Mon 2024-05-06 14:30 (4 working hours) → reminder the next working day, Tue
        (at(2024, 5, 6), "4 working hours", dt.date(2024, 5, 6), dt.date(2024, 5, 7)),
        # due Fri 2024-05-10 → Sat 05-11 is a make-up working day (调休上班): the reminder
        (at(2024, 5, 9), "1 working days", dt.date(2024, 5, 10), dt.date(2024, 5, 11)),
        # due Fri 2024-06-07 → the Dragon Boat Festival (Mon 06-10) is not worked: Tue 06-11
        (at(2024, 6, 6), "1 working days", dt.date(2024, 6, 7), dt.date(2024, 6, 11)),
        # reported on Sun 09-29, itself a make-up working day; due Mon 09-30 → National Day
        # 10-01 to 10-07: Tue 10-08
        (at(2024, 9, 29), "1 working days", dt.date(2024, 9, 30), dt.date(2024, 10, 8)),
    ],
)
def test_the_reminder_notice_goes_out_the_working_day_after_the_due_date(
    start: dt.datetime, limit: str, due_day: dt.date, reminder_day: dt.date
) -> None:
    # 12345: 在办理时限到期次日发出《催办通知书》 — the day after, counted in working days
    c, p = case(start, limit), policy(limit)
    due = escalation.state(c, start, p, H).due
    assert due is not None
    assert due.date() == due_day
    found = steps(c, p)
    assert found["reminder_notice"].date() == reminder_day == CAL.next_workday(due_day)
    # 同时抄报该部门分管局领导: the copy to the responsible leader goes with it
    assert found["copy_to_leader"] == found["reminder_notice"]


def test_the_reminder_is_the_platforms_notice_copied_to_the_leader() -> None:
    first, copy, criticism = POLICY.escalation.steps.at(dt.date(2024, 1, 1))
    assert (first.action, first.title) == (StepAction.REMIND, "《催办通知书》")
    assert (copy.action, copy.title) == (StepAction.NOTIFY_HEAD, "抄报分管领导")
    assert (criticism.action, criticism.measure) == (
        StepAction.CIRCULATE,
        Measure.NOTICE_OF_CRITICISM,
    )


def test_still_overdue_five_working_days_after_the_reminder_is_a_written_criticism() -> None:
    # due Mon 2024-05-06 14:30; reminder Tue 05-07; +5 working days with Sat 05-11 worked
    # (调休): Wed 8, Thu 9, Fri 10, Sat 11, Mon 13 → the criticism falls due Mon 05-13
    c = case(at(2024, 5, 6), "4 working hours")
    p = policy("4 working hours")
    found = steps(c, p)
    assert found["written_criticism"].date() == dt.date(2024, 5, 13)
    assert CAL.workdays_between(dt.date(2024, 5, 8), dt.date(2024, 5, 14)) == 5
    late = escalation.state(c, at(2024, 5, 13, 18), p, H)
    assert late.measures == (Measure.NOTICE_OF_CRITICISM,)
    triggers = escalation.triggers(None, p, cases=[c], at=at(2024, 5, 13, 18))
    # 催办和通报情况作为考核和追究问责的依据: the criticism is a trigger the assessment reads
    assert [(t.unit, str(t.measure)) for t in triggers] == [
        ("street_office_001", "notice_of_criticism")
    ]


def test_a_case_handled_after_the_reminder_but_within_five_days_is_not_criticised() -> None:
    # handled Fri 05-10 (after the reminder, before 05-13): one reminder, no 通报
    c = case(at(2024, 5, 6), "4 working hours", CaseEvent("handle", at(2024, 5, 10, 10)))
    p = policy("4 working hours")
    assert list(steps(c, p)) == ["reminder_notice", "copy_to_leader"]
    assert escalation.triggers(None, p, cases=[c], at=at(2024, 6, 1)) == []


def test_an_explained_delay_is_an_approved_extension_that_moves_every_step() -> None:
    # 又未报告说明理由: a unit that explains and is granted an extension (延期) is not overdue
    extend = CaseEvent("extend", at(2024, 5, 6, 10), extension=TimeLimit.working_days(5))
    c = case(at(2024, 5, 6), "4 working hours", extend)
    p = policy("4 working hours")
    s = escalation.state(c, at(2024, 5, 10, 17), p, H)  # due Sat 05-11 18:00 (调休) now
    assert not s.overdue
    assert s.taken == ()
    unexplained = escalation.state(case(at(2024, 5, 6), "4 working hours"), s.at, p, H)
    assert [t.name for t in unexplained.taken] == ["reminder_notice", "copy_to_leader"]


def test_reading_the_five_days_from_the_due_date_is_one_reform() -> None:
    # The text's "仍超过办理时限5个工作日" may be read from the due date: since = "due"
    p = policy("4 working hours").reform({"escalation.steps": [
        {"name": "reminder_notice", "action": "remind", "after": "1 working days"},
        {"name": "written_criticism", "action": "circulate", "after": "5 working days",
         "since": "due", "measure": "notice_of_criticism"},
    ]})  # fmt: skip
    found = steps(case(at(2024, 5, 6), "4 working hours"), p)
    assert found["written_criticism"].date() == dt.date(2024, 5, 11)  # Sat, 调休 worked


def test_a_later_policy_does_not_move_a_filed_cases_steps() -> None:
    # the rules of the filing date decide (snapshotted at filing)
    c = case(at(2024, 5, 6), "4 working hours")
    p = policy("4 working hours")
    later = p.reform(
        {"escalation.steps": [{"name": "reminder_notice", "action": "remind",
                               "after": "3 working days"}]},
        valid_from=dt.date(2024, 5, 7),
    )  # fmt: skip
    assert steps(c, later) == steps(c, p)
    filed_later = case(at(2024, 5, 7), "4 working hours")
    assert list(steps(filed_later, later)) == ["reminder_notice"]


def test_the_measures_ladder_is_the_published_order() -> None:
    assert [m.chinese for m in sorted(Measure, reverse=True)] == [
        "免职", "责令辞职", "限期调离", "扣减目标考核分", "诫勉", "通报批评", "书面检查",
    ]  # fmt: skip
    assert [m.rank for m in Measure] == [1, 2, 3, 4, 5, 6, 7]
    assert Measure.parse("告诫") is Measure.ADMONITION
    assert Measure.parse("扣减单位年度目标考核分") is Measure.DEDUCT_TARGET_POINTS
    assert Measure.parse("辞退") is Measure.DISMISSAL


def test_a_deduction_is_one_to_five_points() -> None:
    # 扣减单位年度目标考核分 1–5 分
    rule = POLICY.escalation.triggers["low_on_time_rate"].at(dt.date(2024, 1, 1))
    assert rule.measure is Measure.DEDUCT_TARGET_POINTS
    assert rule.points is not None
    assert 1 <= rule.points <= 5
