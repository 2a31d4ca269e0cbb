"""Deadlines: the limit table, due times, pauses, extensions, warnings, overdue.

Figures come from the tables cited in ``data/default_policy.toml``:
A = 数字化城市管理立案、结案标准(事件类) (https://renrendoc.com/paper/191493937.html);
B = 济源市数字化城市管理城市事件…标准 (https://ishare.iask.com/f/2gaIATvprR5.html);
C = 天津市城市道路管线井管理办法 (井盖 6小时).
The calendar is the default: 09:00–12:00 and 13:30–18:00 on working days.
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov.calendar import TimeLimit, WorkCalendar
from urbangov.cases import Case, CaseColumns, CaseEvent
from urbangov.deadlines import (
    DeadlineRules,
    LimitRow,
    deadline,
    due_at,
    due_at_batch,
    is_overdue,
    limit_for,
    lookup,
    overdue_batch,
    remaining,
    stage_due_at,
    warning_levels_batch,
    warnings,
)
from urbangov.errors import PolicyError
from urbangov.params import Dated, Period, structure, unstructure

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar.china()
RULES = DeadlineRules()
MON = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SH)  # Monday 6 May 2024, a working day


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, minute, tzinfo=SH)


def case(category: str, *events: CaseEvent, t: dt.datetime = MON, **kw: object) -> Case:
    """A case reported, accepted, filed and dispatched at ``t``, then ``events``."""
    head = (
        CaseEvent("accept", t),
        CaseEvent("file", t),
        CaseEvent("dispatch", t, department="street"),
    )
    return Case.new(
        "A1", category, "320102001001001", reported_at=t, history=[*head, *events], **kw
    )


class _Policy:
    """Anything with a ``deadlines`` attribute stands for a Policy."""

    def __init__(self, rules: DeadlineRules) -> None:
        self.deadlines = rules


# ----------------------------------------------------------------- the cited tables


@pytest.mark.parametrize(
    ("category", "due"),
    [
        ("暴露垃圾", at(6, 14, 30)),  # A: 4个工作时 → 09:00–12:00 + 13:30–14:30
        ("道路不洁", at(6, 11)),  # A: 道路保洁 2个工作时
        ("私搭乱建", at(6, 14, 30)),  # A: 停工 4个工作时
        ("道路积水", at(6, 14, 30)),  # A: 路面积水 4个工作时
        ("绿地脏乱", at(6, 14, 30)),  # A: 绿地保洁 4个工作时
        ("积存垃圾渣土", at(10, 18)),  # B: 4工作日 → close of Fri 10 May
        ("绿地", at(11, 18)),  # A: 绿地养护 5个工作日; Sat 11 May 2024 was 调休上班
        ("污水井盖", at(6, 15)),  # C: 6小时, calendar hours
    ],
)
def test_limits_from_the_cited_tables(category: str, due: dt.datetime) -> None:
    assert due_at(case(category), RULES, CAL) == due


def test_demolition_is_its_own_category_of_twenty_working_days() -> None:
    # A: 私搭乱建 3、拆除 20个工作日: 20 working days after Mon 6 May 2024 (Sat 11 May a
    # make-up workday, 调休上班) end at the close of Fri 31 May
    c = Case(
        id="D1",
        category="illegal_construction_demolition",
        grid="320102001001001",
        reported_at=MON,
        history=case("私搭乱建").history,
    )
    assert due_at(c, RULES, CAL) == at(31, 18)


def test_manhole_cover_limit_runs_through_the_night_and_weekend() -> None:
    # C: 6 hours are elapsed hours: Saturday 22:00 → Sunday 04:00
    sat = dt.datetime(2024, 5, 11, 22, tzinfo=SH)
    assert due_at(case("雨水井盖", t=sat), RULES, CAL) == dt.datetime(2024, 5, 12, 4, tzinfo=SH)


def test_working_hours_skip_the_national_day_holiday() -> None:
    # 2024-09-30 16:00 + 4 working hours: 2 h that day, the rest after the 1–7 Oct holiday
    t = dt.datetime(2024, 9, 30, 16, tzinfo=SH)
    assert due_at(case("暴露垃圾", t=t), RULES, CAL) == dt.datetime(2024, 10, 8, 11, tzinfo=SH)


# ----------------------------------------------------------------- which limit applies


def test_category_row_then_major_class_then_default() -> None:
    on = dt.date(2024, 1, 1)
    assert lookup(RULES, "exposed_garbage", on=on).level == "category"
    water = lookup(RULES, "dirty_water_surface", on=on)  # E0105 has no row; E01 has one
    assert (water.level, water.key, str(water.limit)) == ("major_class", "E01", "4 working hours")
    light = lookup(RULES, "street_light", on=on)  # C01 has no row: the default
    assert (light.level, str(light.limit)) == ("default", "5 working days")
    unknown = lookup(RULES, "not_in_taxonomy", on=on)
    assert unknown.level == "default"


def test_zone_tier_and_urgency_resolution() -> None:
    row = LimitRow(
        "4 working hours",
        urgent="2 working hours",
        tiers={"strict": {"normal": "3 working hours"}, "general": {"urgent": "1 working hours"}},
    )
    rules = attrs.evolve(RULES, categories={"exposed_garbage": row})
    on = dt.date(2024, 1, 1)

    def limit(urgency: str, zone: str | None) -> str:
        return str(lookup(rules, "exposed_garbage", urgency, zone, on=on).limit)

    assert limit("normal", "strict") == "3 working hours"  # the tier's own value
    assert (
        limit("urgent", "strict") == "2 working hours"
    )  # the row's urgent beats the tier's normal
    assert limit("urgent", "general") == "1 working hour"  # the tier's urgent
    assert limit("normal", "general") == "4 working hours"
    assert limit("normal", None) == "4 working hours"  # default tier control: no override
    default_strict = attrs.evolve(rules, default_tier="strict")
    applied = lookup(default_strict, "exposed_garbage", "normal", None, on=on)
    assert (str(applied.limit), applied.tier_from, applied.tier_row) == (
        "3 working hours",
        "default_tier",
        True,
    )


def test_urgent_falls_back_to_normal_and_says_so() -> None:
    applied = limit_for(case("暴露垃圾", urgency="紧急"), RULES)
    assert applied.urgent_fallback
    assert "no urgent limit" in applied.explain()
    assert str(applied.limit) == "4 working hours"


def test_explain_names_row_tier_and_date() -> None:
    text = limit_for(case("暴露垃圾", zone="strict"), RULES).explain()
    assert "category 'exposed_garbage'" in text
    assert "tier strict (严管区)" in text
    assert "rules of 2024-05-06" in text


def test_rules_are_those_of_the_filing_date() -> None:
    # 4 working hours until 2024-05-07, 2 working hours from then
    row = LimitRow(
        Dated(
            (
                Period(TimeLimit.working_hours(4), until=dt.date(2024, 5, 7)),
                Period(TimeLimit.working_hours(2), start=dt.date(2024, 5, 7)),
            )
        )
    )
    rules = attrs.evolve(RULES, categories={"exposed_garbage": row})
    filed_monday = case("暴露垃圾")
    assert due_at(filed_monday, rules, CAL) == at(6, 14, 30)
    filed_tuesday = case("暴露垃圾", t=at(7, 9))
    assert due_at(filed_tuesday, rules, CAL) == at(7, 11)
    assert rules.change_dates() == (dt.date(2024, 5, 7),)
    cols = CaseColumns.from_cases([filed_monday, attrs.evolve(filed_tuesday, id="A2")])
    got = due_at_batch(cols, rules, CAL)
    assert got.tolist() == [
        np.datetime64("2024-05-06T06:30", "ns").item(),
        np.datetime64("2024-05-07T03:00", "ns").item(),
    ]


def test_filing_date_is_local_in_the_calendar_zone() -> None:
    # filed 2024-05-06 23:30 Shanghai = 15:30 UTC: the Shanghai date counts
    row = LimitRow(
        Dated(
            (
                Period(TimeLimit.working_hours(4), until=dt.date(2024, 5, 7)),
                Period(TimeLimit.working_hours(2), start=dt.date(2024, 5, 7)),
            )
        )
    )
    rules = attrs.evolve(RULES, categories={"exposed_garbage": row})
    late = dt.datetime(2024, 5, 6, 15, 30, tzinfo=dt.UTC)
    assert limit_for(case("暴露垃圾", t=late), rules).on == dt.date(2024, 5, 6)


def test_rules_from_anything_with_a_deadlines_attribute() -> None:
    assert due_at(case("暴露垃圾"), _Policy(RULES), CAL) == at(6, 14, 30)
    with pytest.raises(PolicyError, match="deadlines"):
        due_at(case("暴露垃圾"), object(), CAL)  # type: ignore[arg-type]


# ----------------------------------------------------------------- the clock


def test_no_due_time_before_dispatch() -> None:
    c = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=MON, history=[
        CaseEvent("accept", MON), CaseEvent("file", MON)])  # fmt: skip
    assert due_at(c, RULES, CAL) is None
    assert deadline(c, RULES, CAL) is None
    assert remaining(c, RULES, CAL, at(9, 9)) is None
    assert warnings(c, RULES, CAL, at(9, 9)) == ()
    assert not is_overdue(c, RULES, CAL, at(9, 9))


def test_send_back_does_not_restart_the_clock() -> None:
    c = case(
        "暴露垃圾",
        CaseEvent("send_back", at(6, 10)),
        CaseEvent("dispatch", at(6, 11), department="sanitation"),
    )
    assert due_at(c, RULES, CAL) == at(6, 14, 30)


def test_rework_restarts_only_when_the_rules_say_so() -> None:
    c = case(
        "暴露垃圾",
        CaseEvent("handle", at(6, 10)),
        CaseEvent("verify_fail", at(6, 11)),
    )
    assert due_at(c, RULES, CAL) == at(6, 14, 30)
    restart = attrs.evolve(RULES, restart_on_rework=True)
    # 11:00 + 4 working hours: 1 h to 12:00, then 13:30–16:30
    assert due_at(c, restart, CAL) == at(6, 16, 30)


def test_a_suspension_stops_the_clock_and_resume_restarts_it() -> None:
    c = case("暴露垃圾", CaseEvent("suspend", at(6, 10)), CaseEvent("resume", at(7, 10)))
    # 1 h used by 10:00 Monday; 3 h left from 10:00 Tuesday: 10–12, 13:30–14:30
    assert due_at(c, RULES, CAL) == at(7, 14, 30)


def test_an_open_suspension_leaves_no_due_time() -> None:
    c = case("暴露垃圾", CaseEvent("suspend", at(6, 10)))
    assert due_at(c, RULES, CAL) is None
    assert not is_overdue(c, RULES, CAL, at(20, 9))
    assert remaining(c, RULES, CAL, at(20, 9)) == dt.timedelta(hours=3)  # frozen at 10:00
    assert warnings(c, RULES, CAL, at(20, 9)) == ()  # 1 of 4 hours used: no point passed


def test_a_suspension_after_the_due_time_does_not_save_the_case() -> None:
    c = case("道路不洁", CaseEvent("suspend", at(6, 15)))
    assert due_at(c, RULES, CAL) == at(6, 11)
    assert is_overdue(c, RULES, CAL, at(6, 16))


def test_an_extension_in_working_days_counts_from_the_due_time() -> None:
    ext = CaseEvent("extend", at(6, 10), extension=TimeLimit.working_days(1))
    # due 14:30 Monday; +1 working day: close of Tuesday
    assert due_at(case("暴露垃圾", ext), RULES, CAL) == at(7, 18)


def test_an_extension_in_working_hours_crosses_the_night() -> None:
    ext = CaseEvent("extend", at(6, 10), extension=TimeLimit.working_hours(5))
    # due 14:30 Monday; 3.5 h to 18:00, 1.5 h on Tuesday → 10:30
    assert due_at(case("暴露垃圾", ext), RULES, CAL) == at(7, 10, 30)


def test_extensions_add_in_order_and_suspensions_inside_them_count() -> None:
    c = case(
        "道路不洁",  # due 11:00
        CaseEvent("extend", at(6, 10), extension=TimeLimit.working_hours(2)),  # → 14:30
        CaseEvent("suspend", at(6, 14)),
        CaseEvent("resume", at(6, 15)),  # 1 h stopped inside the extension → 15:30
        CaseEvent("extend", at(6, 15, 5), extension=TimeLimit.parse("30 minutes")),  # → 16:00
    )
    assert due_at(c, RULES, CAL) == at(6, 16)
    assert deadline(c, RULES, CAL).extensions == (  # type: ignore[union-attr]
        TimeLimit.working_hours(2),
        TimeLimit.parse("30 minutes"),
    )


def test_handled_in_time_is_never_overdue_and_late_stays_overdue() -> None:
    on_time = case("道路不洁", CaseEvent("handle", at(6, 10, 59)))
    assert not is_overdue(on_time, RULES, CAL, at(30, 9))
    late = case("道路不洁", CaseEvent("handle", at(6, 11, 1)), CaseEvent("verify_pass", at(6, 12)))
    assert is_overdue(late, RULES, CAL, at(30, 9))
    assert deadline(late, RULES, CAL).overdue_at_stop  # type: ignore[union-attr]
    assert remaining(late, RULES, CAL, at(30, 9)) == -dt.timedelta(minutes=1)


def test_handled_exactly_at_the_due_time_is_on_time() -> None:
    micro = dt.timedelta(microseconds=1)
    on_time = case("道路不洁", CaseEvent("handle", at(6, 11)))  # due 11:00, handled 11:00
    assert not is_overdue(on_time, RULES, CAL, at(30, 9))
    assert not deadline(on_time, RULES, CAL).overdue_at_stop  # type: ignore[union-attr]
    assert remaining(on_time, RULES, CAL, at(30, 9)) == dt.timedelta(0)
    late = case("道路不洁", CaseEvent("handle", at(6, 11) + micro))
    assert is_overdue(late, RULES, CAL, at(30, 9))
    assert deadline(late, RULES, CAL).overdue_at_stop  # type: ignore[union-attr]
    # while the clock runs, a case is overdue only once its due time has passed
    running = case("道路不洁")
    assert not is_overdue(running, RULES, CAL, at(6, 11))
    assert is_overdue(running, RULES, CAL, at(6, 11) + micro)
    cols = CaseColumns.from_cases([on_time, attrs.evolve(late, id="A2")])
    assert overdue_batch(cols, RULES, CAL, at(30, 9)).tolist() == [False, True]
    cols = CaseColumns.from_cases([running])
    assert overdue_batch(cols, RULES, CAL, at(6, 11)).tolist() == [False]
    assert overdue_batch(cols, RULES, CAL, at(6, 11) + micro).tolist() == [True]


def test_events_at_the_dispatch_instant_count() -> None:
    # The clock starts at the dispatch; an event at that very instant is on the clock.
    ext = case("暴露垃圾", CaseEvent("extend", MON, extension=TimeLimit.working_hours(1)))
    assert due_at(ext, RULES, CAL) == at(6, 15, 30)  # 14:30 + 1 working hour
    # suspended the moment it was dispatched: no working time used until Tuesday 09:00
    paused = case("暴露垃圾", CaseEvent("suspend", MON), CaseEvent("resume", at(7, 9)))
    assert due_at(paused, RULES, CAL) == at(7, 14, 30)  # 09:00–12:00 + 13:30–14:30
    assert deadline(paused, RULES, CAL).pauses == ((MON, at(7, 9)),)  # type: ignore[union-attr]
    still = case("暴露垃圾", CaseEvent("suspend", MON))
    assert due_at(still, RULES, CAL) is None
    assert remaining(still, RULES, CAL, at(20, 9)) == dt.timedelta(hours=4)
    handled = case("暴露垃圾", CaseEvent("handle", MON))
    assert deadline(handled, RULES, CAL).stopped == MON  # type: ignore[union-attr]
    assert not is_overdue(handled, RULES, CAL, at(30, 9))
    rows = [attrs.evolve(c, id=f"A{i}") for i, c in enumerate((ext, paused, still, handled))]
    batch = due_at_batch(CaseColumns.from_cases(rows), RULES, CAL)
    assert batch.astype("datetime64[m]").astype(str).tolist() == [  # UTC, +08:00 in Shanghai
        "2024-05-06T07:30",
        "2024-05-07T06:30",
        "NaT",
        "2024-05-06T06:30",
    ]


def test_judged_as_known_at_the_time_asked() -> None:
    # handled at 15:00, late; at 10:00 it was neither handled nor overdue
    c = case("道路不洁", CaseEvent("handle", at(6, 15)))
    assert not is_overdue(c, RULES, CAL, at(6, 10))
    assert is_overdue(c, RULES, CAL, at(6, 12))
    assert remaining(c, RULES, CAL, at(6, 10)) == dt.timedelta(hours=1)
    # an extension approved at 10:30 is not known at 10:00
    ext = case("道路不洁", CaseEvent("extend", at(6, 10, 30), extension=TimeLimit.working_hours(2)))
    assert is_overdue(ext, RULES, CAL, at(6, 11, 30)) is False
    assert deadline(ext, RULES, CAL, at(6, 10)).due == at(6, 11)  # type: ignore[union-attr]


def test_rework_keeps_the_clock_running() -> None:
    c = case(
        "道路不洁",
        CaseEvent("handle", at(6, 10)),
        CaseEvent("verify_fail", at(6, 10, 30)),
    )
    assert is_overdue(c, RULES, CAL, at(6, 11, 30))  # back with the department, past 11:00


def test_voided_after_send_back_stops_the_clock() -> None:
    c = case("道路不洁", CaseEvent("send_back", at(6, 10)), CaseEvent("void", at(6, 10, 30)))
    assert not is_overdue(c, RULES, CAL, at(7, 9))
    assert deadline(c, RULES, CAL).stopped == at(6, 10, 30)  # type: ignore[union-attr]


# ----------------------------------------------------------------- remaining and warnings


def test_remaining_is_working_time_for_working_limits() -> None:
    c = case("暴露垃圾")
    assert remaining(c, RULES, CAL, at(6, 12, 30)) == dt.timedelta(hours=1)  # lunch not counted
    assert remaining(c, RULES, CAL, at(6, 16)) == -dt.timedelta(hours=1, minutes=30)


def test_remaining_is_elapsed_time_for_calendar_limits() -> None:
    c = case("污水井盖")  # 6 hours
    assert remaining(c, RULES, CAL, at(6, 12, 30)) == dt.timedelta(hours=2, minutes=30)


def test_warning_points_at_half_and_four_fifths_of_the_limit() -> None:
    c = case("暴露垃圾")  # 4 working hours from 09:00
    assert warnings(c, RULES, CAL, at(6, 10, 59)) == ()
    assert warnings(c, RULES, CAL, at(6, 11)) == (Fraction(1, 2),)  # 2 of 4 hours
    assert warnings(c, RULES, CAL, at(6, 13, 30)) == (Fraction(1, 2),)  # 3 h: lunch
    assert warnings(c, RULES, CAL, at(6, 13, 42)) == (Fraction(1, 2), Fraction(4, 5))  # 3.2 h
    custom = attrs.evolve(RULES, warning_points=[Decimal("0.25")])
    assert warnings(c, custom, CAL, at(6, 10)) == (Fraction(1, 4),)


def test_warning_levels_batch_counts_points() -> None:
    cases_ = [attrs.evolve(case("暴露垃圾", t=at(6, h)), id=f"A{h}") for h in (9, 10, 11)]
    cols = CaseColumns.from_cases(cases_)
    assert warning_levels_batch(cols, RULES, CAL, at(6, 13, 42)).tolist() == [2, 1, 0]
    assert overdue_batch(cols, RULES, CAL, at(6, 15)).tolist() == [True, False, False]


def test_stage_limits() -> None:
    rules = attrs.evolve(RULES, stages={"dispatch": "1 working hours", "verify": "2 hours"})
    c = case("暴露垃圾", CaseEvent("handle", at(6, 10)))
    assert stage_due_at(c, "dispatch", rules, CAL) == at(6, 10)
    assert stage_due_at(c, "verify", rules, CAL) == at(6, 12)
    assert stage_due_at(c, "accept", rules, CAL) is None  # no limit set
    with pytest.raises(PolicyError, match="not a stage"):
        stage_due_at(c, "close", rules, CAL)


def test_provisional_results_say_so() -> None:
    cal = WorkCalendar.china(provisional=True)
    t = dt.datetime(2027, 3, 1, 9, tzinfo=SH)
    with pytest.warns(UserWarning, match="2027"):
        d = deadline(case("暴露垃圾", t=t), RULES, cal)
    assert d is not None
    assert d.provisional
    assert not deadline(case("暴露垃圾"), RULES, cal).provisional  # type: ignore[union-attr]


# ----------------------------------------------------------------- the section as data


def test_section_round_trips_through_toml_data() -> None:
    assert structure(unstructure(RULES), DeadlineRules) == RULES
    assert pickle.loads(pickle.dumps(RULES)) == RULES
    assert RULES.at(dt.date(2024, 1, 1)) == RULES
    result = deadline(case("暴露垃圾", CaseEvent("suspend", at(6, 10))), RULES, CAL)
    assert pickle.loads(pickle.dumps(result)) == result


def test_bad_values_name_the_field() -> None:
    with pytest.raises(PolicyError, match=r"categories\.exposed_garbage\.normal"):
        structure({"categories": {"exposed_garbage": {"normal": "4 workin hours"}}}, DeadlineRules)
    with pytest.raises(PolicyError, match="warning_points"):
        DeadlineRules(warning_points=[0.5, 1.5])
    with pytest.raises(PolicyError, match="default_tier"):
        structure({"default_tier": "stric"}, DeadlineRules)
    with pytest.raises(PolicyError, match="did you mean"):
        structure({"categorie": {}}, DeadlineRules)


def test_every_shipped_default_cites_a_limit_from_the_tables() -> None:
    limits = {k: str(v.normal.at(dt.date(2024, 1, 1))) for k, v in RULES.categories.items()}
    assert limits["exposed_garbage"] == "4 working hours"  # A
    assert limits["dirty_road"] == "2 working hours"  # A
    assert limits["illegal_construction"] == "4 working hours"  # A 停工
    assert limits["illegal_construction_demolition"] == "20 working days"  # A 拆除
    assert limits["accumulated_waste"] == "4 working days"  # B
    assert limits["waterlogged_road"] == "4 working hours"  # A
    assert limits["green_space"] == "5 working days"  # A 绿地养护
    assert limits["sewage_manhole_cover"] == "6 hours"  # C


# ----------------------------------------------------------------- policy and CLI helper


def test_the_default_policy_carries_the_section() -> None:
    from urbangov.policy import Policy

    policy = Policy.default()
    assert policy.deadlines == RULES
    assert due_at(case("暴露垃圾"), policy, CAL) == at(6, 14, 30)
    reformed = policy.reform(
        {"deadlines.categories.exposed_garbage.normal": "2 working hours"},
        valid_from=dt.date(2024, 5, 7),
    )
    assert due_at(case("暴露垃圾"), reformed, CAL) == at(6, 14, 30)  # filed before the reform
    assert due_at(case("暴露垃圾", t=at(7, 9)), reformed, CAL) == at(7, 11)


def test_cli_helper_resolves_chinese_names_and_explains() -> None:
    from urbangov.cli.deadline_rules import applied_limit

    applied = applied_limit("暴露垃圾", "严管区", "一般", on_date="2024-05-06")
    assert (applied.category, str(applied.limit), applied.tier_from) == (
        "exposed_garbage",
        "4 working hours",
        "case",
    )
    assert applied_limit("道路积水", None, "urgent", on_date="2024-05-06").urgent_fallback
    with pytest.raises(PolicyError, match="--on"):
        applied_limit("暴露垃圾", on_date="6 May")


def test_a_naive_time_is_refused() -> None:
    from urbangov.errors import NaiveDatetimeError

    with pytest.raises(NaiveDatetimeError, match="at"):
        is_overdue(case("暴露垃圾"), RULES, CAL, dt.datetime(2024, 5, 6, 12))
    with pytest.raises(NaiveDatetimeError):
        overdue_batch(
            CaseColumns.from_cases([case("暴露垃圾")]), RULES, CAL, dt.datetime(2024, 5, 6)
        )


def test_shipped_rows_name_taxonomy_categories_and_major_classes() -> None:
    from urbangov.taxonomy import Taxonomy

    tax = Taxonomy.default()
    # the demolition stage is not (yet) a category of the bundled taxonomy
    missing = [k for k in RULES.categories if k not in tax]
    assert set(missing) <= {"illegal_construction_demolition"}
    assert {m.full_code for m in tax.majors} >= set(RULES.major_classes)


def test_cli_prints_the_limit_and_why() -> None:
    from click.testing import CliRunner

    from urbangov.cli import main

    args = ["deadline", "--category", "暴露垃圾", "--zone", "strict", "--urgency", "normal"]
    result = CliRunner().invoke(main, [*args, "--on", "2024-05-06"])
    assert result.exit_code == 0, result.output
    assert "Limit: 4 working hours" in result.output
    assert "category 'exposed_garbage'" in result.output
    assert "tier strict (严管区)" in result.output
    zh = CliRunner().invoke(main, ["--lang", "zh", "deadline", "--category", "污水井盖"])
    assert "处置时限: 6小时" in zh.output


def test_cli_with_a_start_shows_the_due_time_of_the_policy_limit() -> None:
    from click.testing import CliRunner

    from urbangov.cli import main

    result = CliRunner().invoke(main, ["deadline", "2024-05-06 09:00", "--category", "道路不洁"])
    assert result.exit_code == 0, result.output
    assert "Limit: 2 working hours" in result.output
    assert "2024-05-06 11:00" in result.output
    both = CliRunner().invoke(
        main, ["deadline", "2024-05-06 09:00", "2 working hours", "--category", "道路不洁"]
    )
    assert both.exit_code == 1
    assert "not both" in both.output
    lonely = CliRunner().invoke(main, ["deadline", "--zone", "strict"])
    assert lonely.exit_code == 1
    assert "--category" in lonely.output
