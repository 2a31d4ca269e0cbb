"""Escalation and accountability (升级与问责): handling levels, hearing and response levels,
time-out steps, who is held to account, triggers, the ownerless-garbage chain and 吹哨报到.

Sources: 《中心城区网格化综合监管工作推进会讲话》§二(五) (小事不出网格、大事不出镇办),
《城市管理协管员考核办法》篇5 §四(一) (several departments or streets), 篇9 §二.3 (案件分级
审理) and §一(二)1 (两级响应), 篇1 §五.3 (无主垃圾); the published 12345 procedure and ladder
of measures are in tests/published/test_escalation_rules.py.
"""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov import escalation
from urbangov.calendar import TimeLimit
from urbangov.cases import Case, CaseColumns, CaseEvent
from urbangov.errors import (
    EscalationError,
    HierarchyError,
    NaiveDatetimeError,
    PolicyError,
    UnknownTermError,
)
from urbangov.escalation import (
    EscalationPolicy,
    Magnitude,
    Measure,
    ResponseLevel,
    Severity,
    Step,
    TriggerRule,
)
from urbangov.graph import AccountabilityGraph
from urbangov.hierarchy import Hierarchy
from urbangov.kpi import FIELDS, KpiCounts, KpiTable
from urbangov.org import DepartmentKind
from urbangov.params import diff
from urbangov.policy import Policy
from urbangov.sim import sample_city
from urbangov.vocabulary import Level

SH = ZoneInfo("Asia/Shanghai")
CITY = sample_city()
H = CITY.hierarchy
GRAPH = AccountabilityGraph.from_city(CITY)
POLICY = Policy()
GRID = "320105001001001"  # 南湖一社区第1网格
SAME_COMMUNITY = "320105001001002"
SAME_STREET = "320105001002001"  # 南湖二社区
OTHER_STREET = "320105002001001"  # 滨湖


def at(m: int, d: int, hh: int = 9, mm: int = 0, y: int = 2024) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def dispatched(
    category: str = "暴露垃圾",
    when: dt.datetime | None = None,
    *,
    grid: str = GRID,
    department: str = "street_office_001",
    more: tuple[CaseEvent, ...] = (),
) -> Case:
    t = when or at(5, 6)
    history = (
        CaseEvent("accept", t),
        CaseEvent("file", t),
        CaseEvent("dispatch", t, department=department),
        *more,
    )
    return Case.new("A1", category, grid, reported_at=t, history=history)


# ----------------------------------------------------------------- handling level


def test_a_minor_problem_is_handled_in_the_grid_a_major_one_in_the_street() -> None:
    # 《中心城区网格化综合监管工作推进会讲话》§二(五): 小事不出网格、大事不出镇办
    case = dispatched()
    assert escalation.handling_level(case, POLICY, H) is Level.GRID
    assert escalation.handling_level(case, POLICY, H, severity="大事") is Level.STREET
    assert escalation.handling_unit(case, POLICY, H, severity="major").name == "南湖街道"


def test_demolishing_an_illegal_building_is_major_by_default() -> None:
    assert escalation.severity(dispatched("违法建设拆除"), POLICY) is Severity.MAJOR
    assert escalation.handling_level(dispatched("违法建设拆除"), POLICY, H) is Level.STREET


def test_severity_comes_from_the_category_then_its_major_class() -> None:
    rules = EscalationPolicy(levels={"major_classes": {"E01": "major"}, "categories": {}})
    assert escalation.severity(dispatched("暴露垃圾"), rules) is Severity.MAJOR  # E01 市容环境
    rules = EscalationPolicy(
        levels={"major_classes": {"E01": "major"}, "categories": {"exposed_garbage": "minor"}}
    )
    assert escalation.severity(dispatched("暴露垃圾"), rules) is Severity.MINOR


def test_several_territories_go_to_their_coordinator() -> None:
    case = dispatched()
    assert escalation.handling_level(case, POLICY, H, territories=[SAME_COMMUNITY]) is (
        Level.COMMUNITY
    )
    assert escalation.handling_level(case, POLICY, H, territories=[SAME_STREET]) is Level.STREET
    unit = escalation.handling_unit(case, POLICY, H, territories=[OTHER_STREET])
    assert (unit.code, unit.level) == ("320105", Level.DISTRICT)
    # a major problem spanning two communities of one street still closes in the street
    assert (
        escalation.handling_level(case, POLICY, H, severity="major", territories=[SAME_STREET])
        is Level.STREET
    )


def test_several_departments_go_to_the_street_committee_or_the_district_office() -> None:
    # 篇5 §四(一): 一般性问题 → 街道城市管理委员会; 长期管理不落实的难点问题 → 区城市管理办公室
    case = dispatched()
    two = ["hw_station", "cons_bureau"]
    assert escalation.handling_level(case, POLICY, H, departments=two) is Level.STREET
    assert escalation.handling_level(case, POLICY, H, departments=two, difficult=True) is (
        Level.DISTRICT
    )
    # one department named twice is one department
    assert escalation.handling_level(case, POLICY, H, departments=["a", "a"]) is Level.GRID


def test_a_several_department_problem_unresolved_for_20_working_days_goes_to_the_district() -> None:
    case = dispatched(when=at(5, 6))  # Mon; 20 working days, Sat 05-11 (调休) one → 05-31 18:00
    two = ["hw_station", "cons_bureau"]
    before, after = at(5, 31, 17), at(5, 31, 18, 1)
    assert escalation.handling_level(case, POLICY, H, departments=two, at=before) is Level.STREET
    assert escalation.handling_level(case, POLICY, H, departments=two, at=after) is Level.DISTRICT
    handled = dispatched(when=at(5, 6), more=(CaseEvent("handle", at(5, 20)),))
    assert escalation.handling_level(handled, POLICY, H, departments=two, at=after) is (
        Level.STREET
    )


def test_the_handling_level_never_rises_above_the_root() -> None:
    h = Hierarchy.from_rows(
        [
            ("320105001", "南湖街道", "street", None),
            ("320105001001", "一社区", "community", "320105001"),
        ]
    )
    case = dispatched(grid="320105001001")
    assert escalation.handling_level(case, POLICY, h, severity="major") is Level.STREET
    two = ["a", "b"]
    assert escalation.handling_level(case, POLICY, h, departments=two, difficult=True) is (
        Level.STREET
    )


def test_territories_in_another_tree_have_no_coordinator() -> None:
    h = Hierarchy.from_rows(
        [("320105", "区", "district", None), ("320106", "乙区", "district", None)]
    )
    with pytest.raises(HierarchyError, match="no common ancestor"):
        escalation.handling_level(dispatched(grid="320105"), POLICY, h, territories=["320106"])


# ----------------------------------------------------------------- hearing and response


@pytest.mark.parametrize(
    ("fine", "size", "impact", "who"),
    [
        (0, "ordinary", "ordinary", DepartmentKind.SQUADRON),
        (9_999, "一般", "一般", DepartmentKind.SQUADRON),
        (10_000, "ordinary", "ordinary", DepartmentKind.BRIGADE),
        (0, "较大", "ordinary", DepartmentKind.BRIGADE),
        (0, "ordinary", "large", DepartmentKind.BRIGADE),
        (Decimal("50000"), "ordinary", "ordinary", DepartmentKind.BUREAU),
        (0, "重大", "ordinary", DepartmentKind.BUREAU),
        ("20000.50", "ordinary", "major", DepartmentKind.BUREAU),
    ],
)
def test_cases_are_heard_by_fine_size_and_impact(
    fine: object, size: str, impact: str, who: DepartmentKind
) -> None:
    # 篇9 §二.3: 按照处罚金额、案件大小、影响程度实行局、大队、中队分级审理 (thresholds: policy)
    assert escalation.hearing_level(fine, size, impact, POLICY) is who  # type: ignore[arg-type]


def test_hearing_thresholds_are_the_policys_and_dated() -> None:
    policy = POLICY.reform(
        {"escalation.hearing.brigade_fine": 2000}, valid_from=dt.date(2025, 1, 1)
    )
    assert escalation.hearing_level(
        3000, "ordinary", "ordinary", policy, on=dt.date(2024, 6, 1)
    ) is (DepartmentKind.SQUADRON)
    assert escalation.hearing_level(
        3000, "ordinary", "ordinary", policy, on=dt.date(2025, 6, 1)
    ) is (DepartmentKind.BRIGADE)


def test_a_fine_must_be_an_amount_of_yuan() -> None:
    with pytest.raises(PolicyError, match="not an amount of yuan"):
        escalation.hearing_level(-1, "ordinary", "ordinary", POLICY)
    with pytest.raises(PolicyError, match="Decimal"):
        escalation.hearing_level(1.5, "ordinary", "ordinary", POLICY)  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="size"):
        escalation.hearing_level(1, "huge", "ordinary", POLICY)


def test_the_two_level_response_follows_difficulty_and_impact() -> None:
    # 篇9 §一(二)1: 根据违法建设的清拆难度和影响面的不同 … 两级响应
    assert escalation.response_level("ordinary", "large", POLICY) is ResponseLevel.LEVEL_TWO
    assert escalation.response_level("major", "ordinary", POLICY) is ResponseLevel.LEVEL_ONE
    both = POLICY.reform({"escalation.response.needs": "both"})
    assert escalation.response_level("major", "ordinary", both) is ResponseLevel.LEVEL_TWO
    assert escalation.response_level(Magnitude.MAJOR, "重大", both) is ResponseLevel.LEVEL_ONE


# ----------------------------------------------------------------- the section


def test_the_default_steps_are_the_published_procedure() -> None:
    steps = POLICY.escalation.steps.at(dt.date(2025, 1, 1))
    assert [(s.name, s.action.value, str(s.after), s.since) for s in steps] == [
        ("reminder_notice", "remind", "1 working day", "due"),
        ("copy_to_leader", "notify_head", "0 working days", "reminder_notice"),
        ("written_criticism", "circulate", "5 working days", "reminder_notice"),
    ]
    assert steps[-1].measure is Measure.NOTICE_OF_CRITICISM


def test_the_section_round_trips_reforms_and_diffs() -> None:
    new = POLICY.reform({"escalation.levels.major": "district"}, valid_from=dt.date(2025, 1, 1))
    assert Policy.loads(new.dumps()) == new
    changes = diff(POLICY, new)
    assert [c.path for c in changes] == ["escalation.levels.major"]
    case = dispatched("违法建设拆除", at(3, 1, y=2025))
    assert escalation.handling_level(case, new, H) is Level.DISTRICT
    assert escalation.handling_level(dispatched("违法建设拆除"), new, H) is Level.STREET


def test_a_policy_file_names_the_bad_step_and_its_line(tmp_path: object) -> None:
    text = POLICY.dumps().replace('since = "reminder_notice"', 'since = "remider_notice"', 1)
    with pytest.raises(PolicyError) as info:
        Policy.loads(text, file="p.toml")
    err = info.value
    assert err.field == "escalation.steps[1].since"
    assert err.file == "p.toml"
    assert err.line is not None
    assert "did you mean 'reminder_notice'?" in str(err)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"levels": {"minor": "street", "major": "grid"}}, "levels.major", "below minor"),
        (
            {"levels": {"departments": "district", "difficult": "street"}},
            "levels.difficult",
            "below",
        ),
        ({"hearing": {"bureau_size": "ordinary"}}, "hearing.bureau_size", "below the brigade"),
        (
            {"steps": [{"name": "a", "action": "remind", "after": "1 working days"}] * 2},
            "steps[1].name",
            "taken",
        ),
        (
            {"steps": [{"name": "due", "action": "remind", "after": "1 working days"}]},
            "steps[0].name",
            "taken",
        ),
        (
            {
                "triggers": {
                    "Bad": {"kind": "overdue_count", "threshold": 2, "measure": "written_check"}
                }
            },
            "triggers.Bad",
            "slug",
        ),
    ],
)
def test_invalid_sections_name_the_field(change: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(PolicyError) as info:
        EscalationPolicy(**change)  # type: ignore[arg-type]
    assert field in {p.field for p in (info.value.problems or (info.value,))}
    assert words in str(info.value)


def test_a_severity_row_must_name_a_class_of_the_policys_taxonomy() -> None:
    with pytest.raises(PolicyError, match="did you mean 'exposed_garbage'"):
        POLICY.reform({"escalation.levels.categories": {"exposed_garbag": "major"}})
    with pytest.raises(PolicyError, match=r"escalation\.levels\.major_classes\.E99"):
        POLICY.reform({"escalation.levels.major_classes": {"E99": "major"}})


def test_points_belong_to_deductions_of_one_to_five() -> None:
    with pytest.raises(PolicyError, match="outside 1–5"):
        TriggerRule("on_time_rate", "0.7", "deduct_target_points", points=6)
    with pytest.raises(PolicyError, match="only the deduct_target_points"):
        Step("x", "circulate", "1 working days", measure="notice_of_criticism", points=1)
    with pytest.raises(PolicyError, match=r"fraction in \(0, 1\]"):
        TriggerRule("on_time_rate", "70", "written_check")


def test_the_section_pickles_by_its_public_class_without_its_cache() -> None:
    rules = EscalationPolicy()
    rules.compiled(dt.date(2024, 1, 1))
    again = pickle.loads(pickle.dumps(rules))
    assert again == rules
    assert b"_rules" not in pickle.dumps(rules)


# ----------------------------------------------------------------- state and timeline


def test_before_dispatch_there_is_no_step() -> None:
    t = at(5, 6)
    case = Case.new("A1", "暴露垃圾", GRID, reported_at=t, history=(CaseEvent("accept", t),))
    s = escalation.state(case, at(6, 1), POLICY, H)
    assert (s.due, s.next, s.taken, s.department, s.overdue) == (None, None, (), None, False)
    assert s.must_act == (GRID,)
    assert escalation.timeline(case, POLICY, H) == ()


def test_a_case_handled_on_time_takes_no_step() -> None:
    case = dispatched(more=(CaseEvent("handle", at(5, 6, 11)),))
    s = escalation.state(case, at(6, 1), POLICY, H)
    assert (s.taken, s.next, s.overdue, s.must_act) == ((), None, False, ())
    assert escalation.timeline(case, POLICY, H) == ()


def test_a_case_handled_after_the_reminder_stops_there() -> None:
    # due Mon 05-06 14:30; reminder Tue 05-07 18:00; handled Wed
    case = dispatched(more=(CaseEvent("handle", at(5, 8, 10)),))
    names = [t.name for t in escalation.timeline(case, POLICY, H)]
    assert names == ["reminder_notice", "copy_to_leader"]
    s = escalation.state(case, at(6, 1), POLICY, H)
    assert s.overdue
    assert s.next is None
    assert s.stopped == at(5, 8, 10)


def test_rework_restarts_the_steps_the_clock_restarts() -> None:
    # handled late, sent back for rework (返工): the clock runs again, so do the steps
    case = dispatched(
        more=(CaseEvent("handle", at(5, 8, 10)), CaseEvent("verify_fail", at(5, 8, 11)))
    )
    s = escalation.state(case, at(6, 1), POLICY, H)
    assert [t.name for t in s.taken] == ["reminder_notice", "copy_to_leader", "written_criticism"]


def test_an_extension_moves_the_due_time_and_every_step() -> None:
    # an explanation the platform accepts is an approved extension (延期)
    plain = dispatched()
    longer = dispatched(
        more=(CaseEvent("extend", at(5, 6, 10), extension=TimeLimit.working_days(2)),)
    )
    a = escalation.timeline(plain, POLICY, H)
    b = escalation.timeline(longer, POLICY, H)
    assert [x.at.date() for x in a] == [dt.date(2024, 5, 7)] * 2 + [dt.date(2024, 5, 13)]
    assert [x.at.date() for x in b] == [dt.date(2024, 5, 9)] * 2 + [dt.date(2024, 5, 15)]


def test_a_suspension_before_the_due_time_holds_the_steps() -> None:
    case = dispatched(more=(CaseEvent("suspend", at(5, 6, 10)),))
    s = escalation.state(case, at(6, 1), POLICY, H)
    assert (s.due, s.next, s.taken) == (None, None, ())


def test_steps_may_count_from_dispatch() -> None:
    policy = POLICY.reform(
        {"escalation.steps": [
            {"name": "phone_reminder", "action": "remind", "after": "2 working hours",
             "since": "dispatch", "title": "电话催办"},
            {"name": "late", "action": "circulate", "after": "0 working days"},
        ]}
    )  # fmt: skip
    s = escalation.state(dispatched(), at(5, 6, 12), policy, H)
    assert [t.name for t in s.taken] == ["phone_reminder"]
    assert s.taken[0].at == at(5, 6, 11)
    assert s.next is not None
    assert (s.next.name, s.next.at) == ("late", at(5, 6, 14, 30))


def test_a_step_never_falls_before_the_one_before_it() -> None:
    policy = POLICY.reform(
        {"escalation.steps": [
            {"name": "late", "action": "remind", "after": "1 working days"},
            {"name": "early", "action": "notify_head", "after": "1 working hours",
             "since": "dispatch"},
        ]}
    )  # fmt: skip
    times = [t.at for t in escalation.timeline(dispatched(), policy, H)]
    assert times[1] == times[0] == at(5, 7, 18)


def test_escalate_steps_climb_a_level_each_up_to_the_root() -> None:
    escalate = {"action": "escalate", "after": "1 working days", "since": "due"}
    steps = [{"name": f"up{i}", **escalate} for i in range(6)]
    policy = POLICY.reform({"escalation.steps": steps})
    s = escalation.state(dispatched(), at(6, 20), policy, H)
    assert s.base_level is Level.GRID
    assert [t.level for t in s.taken] == [
        Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY, Level.CITY, Level.CITY
    ]  # fmt: skip
    assert (s.level, s.unit, s.escalations) == (Level.CITY, "320100", 6)


def test_state_needs_an_aware_time_and_the_whole_policy() -> None:
    with pytest.raises(NaiveDatetimeError):
        escalation.state(dispatched(), dt.datetime(2024, 6, 1), POLICY, H)
    with pytest.raises(PolicyError, match="pass the Policy"):
        escalation.state(dispatched(), at(6, 1), EscalationPolicy(), H)  # type: ignore[arg-type]


def test_state_takes_pendulum_times_and_answers_in_the_calendars_zone() -> None:
    import pendulum

    s = escalation.state(dispatched(), pendulum.datetime(2024, 5, 8, 1, tz="UTC"), POLICY, H)
    assert s.at == at(5, 8, 9)
    assert s.at.tzinfo == SH


def test_who_must_act_is_the_department_holding_the_case_and_the_handling_unit() -> None:
    s = escalation.state(dispatched(), at(5, 7), POLICY, H, territories=[OTHER_STREET])
    assert s.must_act == ("street_office_001", "320105")
    back = dispatched(more=(CaseEvent("send_back", at(5, 6, 10)),))
    assert escalation.state(back, at(5, 7), POLICY, H).department is None


# ----------------------------------------------------------------- batch


def test_the_batch_state_of_an_example_log_equals_the_scalar_one() -> None:
    from urbangov.sim import example_log

    cols = example_log(120, seed=5)
    cases = cols.to_cases()
    when = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
    batch = escalation.state_batch(cols, when, POLICY, H)
    assert len(batch) == len(cases)
    for i, case in enumerate(cases):
        s = escalation.state(case, when, POLICY, H)
        row = batch.row(i)
        assert (row["level"], row["unit"], row["taken"], row["overdue"]) == (
            s.level, s.unit, len(s.taken), s.overdue
        )  # fmt: skip
        assert row["next_step"] == (s.next.name if s.next else None)
        assert [str(t) for t in row["taken_at"]] == [x.name for x in s.taken]
        assert [int(t.view(np.int64)) for t in row["taken_at"].values()] == [
            int(x.at.timestamp() * 10**6) * 1000 for x in s.taken
        ]


def test_batch_states_compare_by_value_and_pickle() -> None:
    from urbangov.sim import example_log

    cols = example_log(60, seed=2)
    when = dt.datetime(2024, 3, 15, tzinfo=dt.UTC)
    batch = escalation.state_batch(cols, when, POLICY, H)
    assert batch == escalation.state_batch(cols, when, POLICY, H)
    assert pickle.loads(pickle.dumps(batch)) == batch
    assert batch != escalation.state_batch(cols, when + dt.timedelta(days=30), POLICY, H)
    assert batch.taken_at.shape == (len(batch), len(batch.step_names))
    assert batch.taken.sum() > 0
    # a step is taken exactly when its time is known
    assert (np.sum(~np.isnat(batch.taken_at), axis=1) == batch.taken).all()


def test_batch_levels_may_come_from_the_caller() -> None:
    cols = CaseColumns.from_cases([dispatched()])
    batch = escalation.state_batch(cols, at(5, 7), POLICY, H, levels=[int(Level.DISTRICT)])
    assert batch.row(0)["unit"] == "320105"
    with pytest.raises(PolicyError, match="one Level value"):
        escalation.state_batch(cols, at(5, 7), POLICY, H, levels=[9])


# ----------------------------------------------------------------- accountability


def test_accountable_names_the_chain_nearest_first_each_with_its_rule() -> None:
    people = escalation.accountable(dispatched(), at(5, 8), GRAPH, POLICY)
    assert [(a.distance, a.role, a.name) for a in people[:5]] == [
        (0, "grid_worker", "林某18"),
        (0, "grid_chief", "高某17"),
        (1, "first_responsible", "郭某15"),
        (2, "first_responsible", "孙某11"),  # the street's 第一责任人 (篇5 §一(一))
        (3, "lead_department", "南湖街道办事处"),
    ]
    assert "篇5 §一(一)" in people[3].rule
    pairings = [a for a in people if a.role == "pairing"]
    assert {a.code for a in pairings} >= {"p0010", "p0016", "cityapp_bureau"}  # 包抓
    assert all(a.rule for a in people)


def test_before_dispatch_the_lead_of_the_duty_answers() -> None:
    t = at(5, 6)
    case = Case.new("A1", "暴露垃圾", GRID, reported_at=t, history=(CaseEvent("accept", t),))
    lead = next(
        a for a in escalation.accountable(case, t, GRAPH, POLICY) if a.role == "lead_department"
    )
    assert lead.code == "street_office_001"  # sanitation of other roads: the street (篇5 §二(一))
    assert "duty matrix" in lead.rule


def test_a_case_climbing_brings_in_the_higher_heads() -> None:
    up = {"action": "escalate", "after": "0 working days"}
    steps = [
        {"name": "up1", "action": "escalate", "after": "1 working days"},
        {"name": "up2", "since": "up1", **up},
        {"name": "up3", "since": "up2", **up},
    ]  # grid → community → street → district
    policy = POLICY.reform({"escalation.steps": steps})
    before = escalation.accountable(dispatched(), at(5, 6, 15), GRAPH, policy)
    after = escalation.accountable(dispatched(), at(5, 8), GRAPH, policy)
    assert "p0001" not in {a.code for a in before}  # 区长
    assert "p0001" in {a.code for a in after}
    assert escalation.state(dispatched(), at(5, 8), policy, H).level is Level.DISTRICT


def test_a_department_outside_the_organisation_still_answers() -> None:
    people = escalation.accountable(
        dispatched(department="unknown_office"), at(5, 8), GRAPH, POLICY
    )
    lead = next(a for a in people if a.role == "lead_department")
    assert (lead.code, lead.name, lead.kind) == ("unknown_office", "unknown_office", "department")


# ----------------------------------------------------------------- triggers


def _table(*rows: KpiCounts) -> KpiTable:
    keys = tuple(f"32010500{i + 1}" for i in range(len(rows)))
    values = np.array([[r.as_dict()[f] for f in FIELDS] for r in rows])
    return KpiTable(("street",), keys, values)


def test_kpi_thresholds_trigger_measures() -> None:
    table = _table(
        KpiCounts(due=10, closed=10, closed_on_time=7, overdue=3),  # 70%: on target
        KpiCounts(due=10, closed=9, closed_on_time=6, overdue=2),  # 60%
    )
    found = escalation.triggers(table, POLICY)
    assert [(t.unit, t.measure, t.rule) for t in found] == [
        ("320105001", Measure.WRITTEN_CHECK, "escalation.triggers.repeated_overdue"),
        ("320105002", Measure.DEDUCT_TARGET_POINTS, "escalation.triggers.low_on_time_rate"),
    ]
    assert found[1].points == 1
    assert found[1].figures["on_time_rate"] == Decimal("60.00")
    assert str(found[0].measure) == "written_check"  # what an assessment standard reads


def test_case_histories_trigger_the_step_measures_against_the_department() -> None:
    late = dispatched()
    on_time = attrs.evolve(dispatched(more=(CaseEvent("handle", at(5, 6, 11)),)), id="B")
    found = escalation.triggers(None, POLICY, cases=[late, on_time], at=at(6, 1))
    assert [(t.unit, t.measure.value, t.rule, t.figures["case"]) for t in found] == [
        ("street_office_001", "notice_of_criticism", "escalation.steps.written_criticism", "A1")
    ]
    assert escalation.triggers(None, POLICY, cases=[late], at=at(5, 13, 17)) == []
    with pytest.raises(PolicyError, match="at="):
        escalation.triggers(None, POLICY, cases=[late])


def test_case_triggers_from_a_given_state_are_the_same() -> None:
    late = dispatched()
    on_time = attrs.evolve(dispatched(more=(CaseEvent("handle", at(5, 6, 11)),)), id="B")
    columns = CaseColumns.from_cases([late, on_time])
    state = escalation.state_batch(columns, at(6, 1), POLICY, H)
    given = escalation.triggers(None, POLICY, cases=columns, at=at(6, 1), state=state)
    assert given == escalation.triggers(None, POLICY, cases=columns, at=at(6, 1))
    assert [t.figures["case"] for t in given] == ["A1"]


def test_a_state_of_other_cases_is_refused() -> None:
    columns = CaseColumns.from_cases([dispatched()])
    two = CaseColumns.from_cases([dispatched(), attrs.evolve(dispatched(), id="B")])
    state = escalation.state_batch(two, at(6, 1), POLICY, H)
    with pytest.raises(PolicyError, match="not of these cases"):
        escalation.triggers(None, POLICY, cases=columns, at=at(6, 1), state=state)
    with pytest.raises(PolicyError, match="without the cases"):
        escalation.triggers(None, POLICY, state=state)


# ----------------------------------------------------------------- chains and whistles


def test_the_ownerless_garbage_chain_has_no_community_step() -> None:
    # 篇1 §五.3: 协管员 → 执法队员/中队 → 街道城管科 → 区局综合科 → 环卫部门清运
    steps = escalation.chain("ownerless_garbage", dispatched(), GRAPH, POLICY)
    assert [(s.link.name, s.party) for s in steps] == [
        ("report", "p0036"),  # 市容协管员 of 南湖一社区
        ("investigate", "squadron_north"),  # 中队包片: the north sector, not the night squadron
        ("trace", "cg_section_001"),
        ("report_district", "cityapp_general_section"),
        ("clear", "hw_station"),
    ]
    units = [CITY.organisation.get(s.party) for s in steps]
    assert not any(getattr(u, "kind", None) is DepartmentKind.COMMUNITY for u in units)


def test_the_investigating_officer_is_the_one_holding_the_segment() -> None:
    case = attrs.evolve(dispatched(), segment="S32010500101")
    investigate = escalation.chain("ownerless_garbage", case, GRAPH, POLICY)[1]
    assert investigate.officer == "p0157"  # 个人包段 (篇7)


def test_a_chain_the_city_cannot_staff_is_an_error_naming_the_link() -> None:
    org = attrs.evolve(
        CITY.organisation,
        departments=tuple(
            d for d in CITY.organisation.departments if d.code != "cityapp_general_section"
        ),
    )
    graph = AccountabilityGraph.build(H, org)
    with pytest.raises(EscalationError) as info:
        escalation.chain("ownerless_garbage", dispatched(), graph, POLICY)
    assert info.value.field == "links.report_district"
    with pytest.raises(EscalationError, match="no chain 'stray_dogs'"):
        escalation.chain("stray_dogs", dispatched(), GRAPH, POLICY)


def test_a_street_whistles_only_in_the_three_situations() -> None:
    case = dispatched("违法建设拆除", grid=OTHER_STREET)
    for situation in ("residents", "joint_enforcement", "emergency"):
        summons = escalation.whistle(case, situation, GRAPH, POLICY)
        assert summons.unit == "320105002"
        assert "street_office_002" not in summons.departments  # not the street's own office
    assert "squadron_north" in escalation.whistle(case, "综合执法", GRAPH, POLICY).departments
    narrow = POLICY.reform({"escalation.whistle.situations": ["emergency"]})
    with pytest.raises(EscalationError, match="may not whistle"):
        escalation.whistle(case, "residents", GRAPH, narrow)
    with pytest.raises(UnknownTermError):
        escalation.whistle(case, "parking", GRAPH, POLICY)
