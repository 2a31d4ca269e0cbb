"""The case workflow: DESIGN.md's transition table, events, derived fields, dispatch."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pendulum
import pytest
from hypothesis import given

from urbangov.calendar import TimeLimit
from urbangov.cases import (
    Case,
    CaseEvent,
    EventKind,
    FirstAskedUntil,
    Outcome,
    QueueDiscipline,
    Status,
    WorkflowRules,
    allowed_events,
    apply,
    dispatch_to_lead,
    first_asked_owner,
    lead_department,
    replay,
    transitions,
)
from urbangov.errors import (
    CaseError,
    NaiveDatetimeError,
    PolicyError,
    TransitionError,
)
from urbangov.policy import Policy
from urbangov.testing import strategies as us
from urbangov.vocabulary import Domain, Source, Urgency, ZoneTier

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SH)
GRID = "320102001001001"


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def ev(kind: str, minutes: int = 0, **kw: Any) -> CaseEvent:
    if kind == "dispatch":
        kw.setdefault("department", "street_office")
    if kind == "extend":
        kw.setdefault("extension", TimeLimit.working_days(3))
    return CaseEvent(kind, at(minutes), **kw)


def new_case(**kw: Any) -> Case:
    return Case.new("A1", kw.pop("category", "暴露垃圾"), GRID, reported_at=T0, **kw)


def run(kinds: list[str], rules: WorkflowRules = WorkflowRules()) -> Case:  # noqa: B008
    case = new_case()
    for i, kind in enumerate(kinds):
        case = apply(case, ev(kind, i), rules)
    return case


# ------------------------------------------------------------------ the table (DESIGN)

DESIGN_TABLE = {
    Status.REPORTED: {"accept": Status.ACCEPTED, "reject": Status.REJECTED},
    Status.ACCEPTED: {"file": Status.FILED, "reject": Status.REJECTED, "void": Status.VOIDED},
    Status.FILED: {"dispatch": Status.DISPATCHED, "void": Status.VOIDED},
    Status.DISPATCHED: {
        "handle": Status.HANDLED,
        "send_back": Status.FILED,
        "suspend": Status.SUSPENDED,
        "extend": Status.DISPATCHED,
    },
    Status.SUSPENDED: {"resume": Status.DISPATCHED},
    Status.HANDLED: {"verify_pass": Status.VERIFIED, "verify_fail": Status.DISPATCHED},
    Status.VERIFIED: {"close": Status.CLOSED},
    Status.CLOSED: {},
    Status.REJECTED: {},
    Status.VOIDED: {},
}
PATH_TO = {
    Status.REPORTED: [],
    Status.ACCEPTED: ["accept"],
    Status.FILED: ["accept", "file"],
    Status.DISPATCHED: ["accept", "file", "dispatch"],
    Status.SUSPENDED: ["accept", "file", "dispatch", "suspend"],
    Status.HANDLED: ["accept", "file", "dispatch", "handle"],
    Status.VERIFIED: ["accept", "file", "dispatch", "handle", "verify_pass"],
    Status.CLOSED: ["accept", "file", "dispatch", "handle", "verify_pass", "close"],
    Status.REJECTED: ["reject"],
    Status.VOIDED: ["accept", "void"],
}


def test_transition_table_is_exactly_designs() -> None:
    table = transitions()
    assert {s: {k.value: t for k, t in row.items()} for s, row in table.items()} == DESIGN_TABLE


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("kind", list(EventKind))
def test_every_status_event_pair_follows_the_table(status: Status, kind: EventKind) -> None:
    case = run(PATH_TO[status])
    assert case.status is status
    event = ev(kind.value, 100)
    expected = DESIGN_TABLE[status].get(kind.value)
    if expected is None:
        with pytest.raises(TransitionError) as info:
            apply(case, event)
        message = str(info.value)
        assert status.value in message
        assert kind.value in message
        for allowed in DESIGN_TABLE[status]:
            assert allowed in message
        assert case.status is status  # unchanged
        assert len(case.history) == len(PATH_TO[status])
    else:
        after = apply(case, event)
        assert after.status is expected
        assert after.history == (*case.history, event)


def test_terminal_states_allow_nothing() -> None:
    for status in (Status.CLOSED, Status.REJECTED, Status.VOIDED):
        assert allowed_events(status) == ()
        assert status.terminal
    with pytest.raises(TransitionError, match="allowed: none"):
        apply(run(PATH_TO[Status.CLOSED]), ev("accept", 99))


def test_close_without_verification_is_a_rule() -> None:
    kinds = ["accept", "file", "dispatch", "handle"]
    with pytest.raises(TransitionError, match="allowed: verify_pass, verify_fail"):
        run([*kinds, "close"])
    loose = WorkflowRules(close_without_verification=True)
    assert run([*kinds, "close"], loose).status is Status.CLOSED
    # verification still works under the loose rules
    assert run([*kinds, "verify_pass", "close"], loose).status is Status.CLOSED


def test_apply_accepts_a_policy_like_object() -> None:
    class Policy:
        workflow = WorkflowRules(close_without_verification=True)

    case = run(["accept", "file", "dispatch", "handle"])
    assert apply(case, ev("close", 9), Policy()).status is Status.CLOSED


def test_rework_send_back_suspension_and_extension_cycle() -> None:
    kinds = ["accept", "file", "dispatch", "send_back", "dispatch", "extend", "suspend"]
    kinds += ["resume", "handle", "verify_fail", "extend", "handle", "verify_pass", "close"]
    case = run(kinds)
    assert case.status is Status.CLOSED
    assert case.rework_count == 1
    assert case.extension_count == 2
    assert case.suspension_count == 1
    assert case.send_back_count == 1
    assert case.extensions == (TimeLimit.working_days(3), TimeLimit.working_days(3))
    assert case.filed_at == at(1)
    assert case.dispatched_at == at(2)  # the first dispatch: the handling limit starts there
    assert case.closed_at == at(13)
    assert case.accepted_at == at(0)


def test_current_department_follows_dispatch_and_send_back() -> None:
    case = run(["accept", "file"])
    assert case.department is None
    case = apply(case, ev("dispatch", 5, department="housing_bureau"))
    assert case.department == "housing_bureau"
    case = apply(case, ev("send_back", 6))
    assert case.department is None
    case = apply(case, ev("dispatch", 7, department="street_office"))
    assert case.department == "street_office"
    assert case.departments == ("housing_bureau", "street_office")


# ------------------------------------------------------------------ time


def test_events_never_go_back_in_time() -> None:
    case = run(["accept", "file"])
    with pytest.raises(TransitionError, match="earlier than the event before") as info:
        apply(case, CaseEvent("dispatch", at(1) - dt.timedelta(seconds=1), department="x"))
    assert info.value.field == "history[2]"
    # equal times are allowed
    assert apply(case, ev("dispatch", 1)).status is Status.DISPATCHED


def test_first_event_not_before_the_report() -> None:
    case = new_case()
    with pytest.raises(TransitionError, match="earlier"):
        apply(case, CaseEvent("accept", T0 - dt.timedelta(minutes=1)))


def test_naive_times_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        CaseEvent("accept", dt.datetime(2024, 5, 6, 9))
    assert info.value.field == "at"
    with pytest.raises(NaiveDatetimeError) as info:
        Case.new("A", "暴露垃圾", GRID, reported_at=dt.datetime(2024, 5, 6, 9))
    assert info.value.field == "reported_at"


def test_pendulum_times_are_stored_as_stdlib() -> None:
    p = pendulum.datetime(2024, 5, 6, 9, tz="Asia/Shanghai")
    event = CaseEvent("accept", p)
    assert type(event.at) is dt.datetime
    assert event.at == p
    assert pickle.loads(pickle.dumps(event)) == event


def test_other_zones_compare_by_instant() -> None:
    case = new_case()
    utc = dt.datetime(2024, 5, 6, 1, 0, tzinfo=dt.UTC)  # = 09:00 Shanghai
    assert apply(case, CaseEvent("accept", utc)).status is Status.ACCEPTED
    with pytest.raises(TransitionError):
        apply(case, CaseEvent("accept", utc - dt.timedelta(microseconds=1)))


# ------------------------------------------------------------------ event shape


def test_department_exactly_on_dispatch() -> None:
    with pytest.raises(CaseError, match="needs the department") as info:
        CaseEvent("dispatch", T0)
    assert info.value.field == "department"
    with pytest.raises(CaseError, match="only a dispatch event") as info:
        CaseEvent("handle", T0, department="x")
    assert info.value.field == "department"


def test_extension_exactly_on_extend() -> None:
    with pytest.raises(CaseError, match="needs the approved extension"):
        CaseEvent("extend", T0)
    with pytest.raises(CaseError, match="only an extend event"):
        CaseEvent("handle", T0, extension=TimeLimit.working_days(2))
    with pytest.raises(CaseError, match="not a TimeLimit"):
        CaseEvent("extend", T0, extension=5)  # type: ignore[arg-type]


def test_outcomes_are_recorded_on_handle_or_close() -> None:
    # 《中心城区网格化综合监管工作推进会讲话》§二(三), 《城市管理协管员考核办法》篇9:
    # 立案查处 vs 教育整改 are separate outcomes
    kinds = ["accept", "file", "dispatch"]
    case = run(kinds)
    case = apply(case, ev("handle", 5, outcome="教育整改"))
    assert case.outcome is Outcome.EDUCATED
    assert Outcome.PENALISED.chinese == "立案查处"
    with pytest.raises(CaseError, match="handle or close"):
        CaseEvent("dispatch", T0, department="x", outcome=Outcome.PENALISED)


def test_event_kind_parses_chinese() -> None:
    assert CaseEvent("返工", T0).kind is EventKind.VERIFY_FAIL
    assert CaseEvent("结案", T0).kind is EventKind.CLOSE
    with pytest.raises(CaseError, match="not an EventKind"):
        CaseEvent("closed", T0)


# ------------------------------------------------------------------ the case value


def test_case_new_resolves_chinese_name_and_code() -> None:
    assert new_case(category="E0102").category == "exposed_garbage"
    assert new_case(category="占道经营").category == "street_occupying_trade"
    with pytest.raises(CaseError, match="did you mean") as info:
        new_case(category="暴露垃")
    assert info.value.field == "category"


def test_case_constructor_wants_a_slug() -> None:
    with pytest.raises(CaseError, match="not a taxonomy slug") as info:
        Case(id="A", category="暴露垃圾", grid=GRID, reported_at=T0)
    assert info.value.field == "category"


def test_case_fields_parse_vocabulary() -> None:
    case = new_case(source="热线", urgency="紧急", zone="严管区", segment="S1")
    assert (case.source, case.urgency, case.zone) == (
        Source.HOTLINE,
        Urgency.URGENT,
        ZoneTier.STRICT,
    )


def test_constructor_derives_status_and_checks_history() -> None:
    history = tuple(ev(k, i) for i, k in enumerate(["accept", "file", "dispatch"]))
    case = new_case(history=history)
    assert case.status is Status.DISPATCHED
    with pytest.raises(TransitionError, match="history\\[1\\]"):
        new_case(history=(ev("accept"), ev("dispatch", 1)))
    with pytest.raises(TypeError):
        Case(id="A", category="x", grid=GRID, reported_at=T0, status=Status.CLOSED)  # type: ignore[call-arg]


def test_replay_is_strict_where_the_constructor_is_not() -> None:
    kinds = ["accept", "file", "dispatch", "handle", "close"]
    case = run(kinds, WorkflowRules(close_without_verification=True))
    rebuilt = Case(**{f.name: getattr(case, f.name) for f in attrs.fields(Case) if f.init})
    assert rebuilt == case  # the constructor accepts any rules' history
    with pytest.raises(TransitionError):
        replay(case)  # the default rules do not
    assert replay(case, WorkflowRules(close_without_verification=True)) == case


def test_apply_returns_a_new_value_and_leaves_the_old() -> None:
    case = run(["accept"])
    after = apply(case, ev("file", 1))
    assert case.status is Status.ACCEPTED
    assert len(case.history) == 1
    assert after is not case
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        after.status = Status.CLOSED  # type: ignore[misc]


@given(us.cases())
def test_cases_pickle_and_compare_equal(case: Case) -> None:
    again = pickle.loads(pickle.dumps(case))
    assert again == case
    assert hash(again) == hash(case)
    assert again.status is case.status


@given(us.cases())
def test_apply_and_constructor_agree(case: Case) -> None:
    assert replay(case) == case
    fresh = attrs.evolve(case, history=())
    for event in case.history:
        fresh = apply(fresh, event)
    assert fresh == case


# ------------------------------------------------------------------ rules section


def test_workflow_rules_parse_strictly() -> None:
    assert WorkflowRules(first_asked_until="handle").first_asked_until is FirstAskedUntil.HANDLE
    with pytest.raises(PolicyError) as info:
        WorkflowRules(first_asked_until="forever")  # type: ignore[arg-type]
    assert info.value.field == "workflow.first_asked_until"
    with pytest.raises(PolicyError):
        WorkflowRules(close_without_verification="yes")  # type: ignore[arg-type]
    with pytest.raises(PolicyError) as info:
        WorkflowRules(queue_discipline="random")  # type: ignore[arg-type]
    assert info.value.field == "workflow.queue_discipline"
    rules = WorkflowRules(close_without_verification=True)
    assert rules.at(dt.date(2030, 1, 1)) is rules
    assert pickle.loads(pickle.dumps(rules)) == rules


# ------------------------------------------------------------------ 首问负责制


@pytest.mark.parametrize(
    ("until", "owner_after"),
    [
        # (first_asked_until, owner after: accept, file, dispatch, handle, verify, close)
        ("dispatch", ["op1", "op1", None, None, None, None]),
        ("handle", ["op1", "op1", "op1", None, None, None]),
        ("close", ["op1", "op1", "op1", "op1", "op1", None]),
    ],
)
def test_first_asked_responsibility_ends_where_the_policy_says(
    until: str, owner_after: list[str | None]
) -> None:
    rules = WorkflowRules(first_asked_until=until)  # type: ignore[arg-type]
    kinds = ["accept", "file", "dispatch", "handle", "verify_pass", "close"]
    case = new_case()
    assert first_asked_owner(case, rules) is None  # nobody was asked yet
    for i, (kind, owner) in enumerate(zip(kinds, owner_after, strict=True)):
        actor = "op1" if kind == "accept" else "someone_else"
        case = apply(case, ev(kind, 10 * i, actor=actor), rules)
        assert first_asked_owner(case, rules) == owner, kind
    # asked about a moment in the past, the answer is as it was then
    assert first_asked_owner(case, rules, at=at(5)) == "op1"


def test_first_asked_ends_on_reject_or_void() -> None:
    rules = WorkflowRules(first_asked_until="close")  # type: ignore[arg-type]
    case = apply(new_case(), ev("accept", 0, actor="op1"))
    assert first_asked_owner(apply(case, ev("void", 1)), rules) is None


# ------------------------------------------------------------------ dispatch by duty


class FakeMatrix:
    """The lead depends on the asset: the city's road list → sanitation station
    (《城市管理协管员考核办法》篇5 §二)."""

    def __init__(self) -> None:
        self.calls: list[tuple[Domain, object, str | None]] = []

    def lead_for(self, domain: Domain, unit: object, asset_kind: str | None = None) -> str:
        self.calls.append((domain, unit, asset_kind))
        if domain is Domain.SANITATION and asset_kind == "road.city_list":
            return "sanitation_station"
        return "street_office"


def test_lead_department_uses_the_categorys_domain_and_asset() -> None:
    matrix = FakeMatrix()
    case = new_case()
    assert lead_department(case, matrix) == "street_office"
    assert matrix.calls == [(Domain.SANITATION, GRID, "road.other")]
    assert lead_department(case, matrix, asset_kind="road.city_list") == "sanitation_station"


def test_lead_department_passes_the_hierarchy_to_an_unbound_matrix() -> None:
    class Unbound:
        def lead_for(
            self, domain: Domain, unit: object, asset_kind: str | None = None, *, hierarchy: object
        ) -> str:
            return f"{domain.value}@{unit}@{hierarchy}"

    assert lead_department(new_case(), Unbound(), "H") == f"sanitation@{GRID}@H"


def test_dispatch_to_lead_records_the_department() -> None:
    case = run(["accept", "file"])
    after = dispatch_to_lead(case, at(9), FakeMatrix(), actor="dispatcher")
    assert after.status is Status.DISPATCHED
    assert after.department == "street_office"
    assert after.history[-1].actor == "dispatcher"


def test_lead_department_with_the_sample_districts_duty_matrix() -> None:
    # 《城市管理协管员考核办法》篇5 §二: roads not on the city's list are the street's
    # (the lead is Level.STREET)
    from pathlib import Path

    import urbangov
    from urbangov import org
    from urbangov.vocabulary import Level

    path = Path(urbangov.__file__).parent / "data" / "sample_district.toml"
    city = org.load_city(path)
    grid = city.hierarchy.grids()[0].code
    street = next(u for u in city.hierarchy.ancestors(grid) if u.level is Level.STREET)
    case = Case.new("S1", "暴露垃圾", grid, reported_at=T0)
    matrix = city.organisation.duties
    assert lead_department(case, matrix, city.hierarchy) == street.code
    assert lead_department(case, matrix.bind(city.hierarchy)) == street.code
    on_city_road = lead_department(case, matrix, city.hierarchy, asset_kind="road.city_list")
    assert on_city_road != street.code


def test_apply_keeps_every_field_of_the_case() -> None:
    # apply copies every attrs field but history and status (none dropped, whatever is
    # added to Case later), and its result equals the case built from the longer history.
    case = Case.new(
        "F1",
        "exposed_garbage",
        "320102001001001",
        reported_at=T0,
        source="hotline",
        urgency="urgent",
        segment="320102001001001001",
        zone="strict",
    )
    after = apply(case, CaseEvent("accept", T0))
    for field in attrs.fields(Case):
        if field.name not in ("history", "status"):
            assert getattr(after, field.name) == getattr(case, field.name), field.name
    assert after == attrs.evolve(case, history=(CaseEvent("accept", T0),))


# ------------------------------------------------------------------ case values (CaseError)

NY = ZoneInfo("America/New_York")


def test_event_order_compares_instants_not_wall_clock_fields() -> None:
    # 2024-11-03 01:30 EST (fold=1) is 06:30Z; 01:40 EDT (fold=0) is 05:40Z, 50 min before
    reported = dt.datetime(2024, 11, 3, 1, 30, fold=1, tzinfo=NY)
    case = Case.new("A1", "暴露垃圾", GRID, reported_at=reported)
    with pytest.raises(TransitionError, match="earlier than the event before"):
        apply(case, CaseEvent("accept", dt.datetime(2024, 11, 3, 1, 40, tzinfo=NY)))
    with pytest.raises(TransitionError, match="history\\[0\\]"):
        Case.new(
            "A1",
            "暴露垃圾",
            GRID,
            reported_at=reported,
            history=(CaseEvent("accept", dt.datetime(2024, 11, 3, 1, 40, tzinfo=NY)),),
        )
    later = dt.datetime(2024, 11, 3, 1, 10, fold=1, tzinfo=NY)  # 06:10Z: after 05:40Z
    early = Case.new("A2", "暴露垃圾", GRID, reported_at=dt.datetime(2024, 11, 3, 1, 40, tzinfo=NY))
    assert apply(early, CaseEvent("accept", later)).status is Status.ACCEPTED


def test_columns_back_to_cases_across_the_london_change_of_clocks() -> None:
    london = ZoneInfo("Europe/London")
    first = dt.datetime(2024, 10, 27, 0, 57, tzinfo=dt.UTC)  # 01:57 BST
    second = dt.datetime(2024, 10, 27, 1, 4, tzinfo=dt.UTC)  # 01:04 GMT, 7 minutes later
    case = Case.new(
        "A1",
        "暴露垃圾",
        GRID,
        reported_at=first,
        history=(CaseEvent("accept", first), CaseEvent("file", second)),
    )
    from urbangov.cases import CaseColumns

    (back,) = CaseColumns.from_cases([case]).to_cases(london)
    # (an ambiguous local time never compares equal across zones: compare in UTC)
    assert [e.at.astimezone(dt.UTC) for e in back.history] == [first, second]
    assert [e.at.fold for e in back.history] == [0, 1]


@pytest.mark.parametrize(
    ("when", "field"),
    [
        (dt.datetime(2300, 1, 1, tzinfo=dt.UTC), "reported_at"),
        (dt.datetime(1600, 1, 1, tzinfo=dt.UTC), "reported_at"),
        (dt.datetime(2262, 1, 1, 7, tzinfo=SH), "reported_at"),  # 2261-12-31 23:00Z is kept
    ],
)
def test_case_times_lie_in_the_stored_years(when: dt.datetime, field: str) -> None:
    if when.year == 2262:
        assert Case.new("A1", "暴露垃圾", GRID, reported_at=when).reported_at == when
        return
    with pytest.raises(CaseError, match=r"1678\.\.2261") as info:
        Case.new("A1", "暴露垃圾", GRID, reported_at=when)
    assert info.value.field == field
    with pytest.raises(CaseError) as info:
        CaseEvent("accept", when)
    assert info.value.field == "at"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "grid", ["abc", "1", "32010200100100x", "３２０１００", " ", "320102001001001 "]
)
def test_a_grid_has_the_shape_of_a_unit_code(grid: str) -> None:
    with pytest.raises(CaseError) as info:
        Case.new("A1", "暴露垃圾", grid, reported_at=T0)
    assert info.value.field == "grid"
    with pytest.raises(CaseError):
        Case(id="A1", category="exposed_garbage", grid=grid, reported_at=T0)


def test_case_new_checks_the_unit_against_a_hierarchy() -> None:
    from urbangov.hierarchy import Hierarchy, Segment

    h = Hierarchy.from_rows(
        [
            ("320102", "玄武区", "district", None),
            ("320102001", "街道", "street", "320102"),
            ("320102001001", "社区", "community", "320102001"),
            ("320102001001001", "网格", "grid", "320102001001"),
        ],
        [Segment("S1", "中山路", "320102001")],
    )
    assert Case.new("A1", "暴露垃圾", GRID, reported_at=T0, hierarchy=h, segment="S1").grid == GRID
    with pytest.raises(CaseError, match="no unit of the hierarchy") as info:
        Case.new("A1", "暴露垃圾", "320102001001002", reported_at=T0, hierarchy=h)
    assert info.value.field == "grid"
    with pytest.raises(CaseError, match="no road segment") as info:
        Case.new("A1", "暴露垃圾", GRID, reported_at=T0, hierarchy=h, segment="S2")
    assert info.value.field == "segment"


def test_an_extension_is_read_in_every_time_limit_form() -> None:
    # the same strings a case log's extension column takes
    for text in ("1 working day", "1 working days", "1工作日", "1个工作日"):
        assert CaseEvent("extend", T0, extension=text).extension == TimeLimit.working_days(1)
    with pytest.raises(CaseError, match="not a time limit") as info:
        CaseEvent("extend", T0, extension="1 wrking day")
    assert info.value.field == "extension"


def test_text_that_no_file_can_store_is_refused() -> None:
    with pytest.raises(CaseError, match="lone surrogate") as info:
        CaseEvent("accept", T0, note="\ud800")
    assert info.value.field == "note"
    with pytest.raises(CaseError) as info:
        CaseEvent("accept", T0, actor="\u3000")
    assert info.value.field == "actor"


def test_bad_values_of_a_case_are_case_errors_not_transition_errors() -> None:
    import urbangov

    assert "CaseError" in urbangov.__all__
    for make in (
        lambda: new_case(category="no_such_category"),
        lambda: new_case(source="carrier pigeon"),
        lambda: new_case(urgency=0.9),
        lambda: CaseEvent("launch", T0),
        lambda: Case(id=" ", category="exposed_garbage", grid=GRID, reported_at=T0),
    ):
        with pytest.raises(CaseError) as info:
            make()
        assert not isinstance(info.value, TransitionError)


def test_queue_discipline_defaults_to_first_dispatched_first() -> None:
    # urbangov choice, the sources are silent: fifo unless the policy says earliest_due
    assert WorkflowRules().queue_discipline is QueueDiscipline.FIFO
    assert Policy.default().workflow.queue_discipline is QueueDiscipline.FIFO
    reformed = Policy.default().reform({"workflow.queue_discipline": "先到期先办"})
    assert reformed.workflow.queue_discipline is QueueDiscipline.EARLIEST_DUE
