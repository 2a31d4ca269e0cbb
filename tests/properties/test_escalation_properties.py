"""Laws of escalation: the handling level is monotone in severity and scope, the
coordinator is the lowest cover, steps are ordered and never before dispatch, a filed
case's steps do not move with a later policy, accountability is nearest first with a rule
for everyone, batch == scalar, and a state at an instant ignores later events."""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.properties.test_deadline_properties import cases
from urbangov import escalation
from urbangov.cases import Case, CaseColumns
from urbangov.graph import AccountabilityGraph
from urbangov.policy import Policy
from urbangov.sim import sample_city
from urbangov.vocabulary import Level

CITY = sample_city()
H = CITY.hierarchy
GRAPH = AccountabilityGraph.from_city(CITY)
POLICY = Policy()
GRIDS = [u.code for u in H.grids()]
PLACES = [u.code for u in H.units if u.level >= Level.STREET]
ACTIONS = ["remind", "notify_head", "escalate", "supervise", "circulate"]
AFTER = ["0 working days", "1 working days", "3 working days", "2 working hours",
         "45 working minutes", "6 hours", "1 days"]  # fmt: skip

settings_ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def step_lists(draw: st.DrawFn) -> list[dict[str, object]]:
    """A valid list of time-out steps: each counts from the due time, the dispatch or an
    earlier step."""
    out: list[dict[str, object]] = []
    for i in range(draw(st.integers(0, 5))):
        since = draw(st.sampled_from(["due", "dispatch", *(s["name"] for s in out)]))
        step: dict[str, object] = {
            "name": f"s{i}",
            "action": draw(st.sampled_from(ACTIONS)),
            "after": draw(st.sampled_from(AFTER)),
            "since": since,
        }
        if draw(st.booleans()):
            step["measure"] = draw(st.sampled_from(["notice_of_criticism", "written_check"]))
        out.append(step)
    return out


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    """The default policy with random steps, perhaps replaced by others from a date."""
    policy = POLICY.reform({"escalation.steps": draw(step_lists())})
    if draw(st.booleans()):
        change = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
        policy = policy.reform({"escalation.steps": draw(step_lists())}, valid_from=change)
    return policy


def placed(case: Case, grid: str) -> Case:
    return attrs.evolve(case, grid=grid)


def _cover(unit: str, place: str) -> bool:
    return unit == place or unit in {u.code for u in H.ancestors(place)}


# ----------------------------------------------------------------- levels


@settings_
@given(
    cases(),
    st.sampled_from(GRIDS),
    st.lists(st.sampled_from(PLACES), max_size=3),
    st.lists(st.sampled_from(["a", "b", "c"]), max_size=3),
    st.booleans(),
)
def test_the_handling_level_is_monotone_in_severity_and_scope(
    case: Case, grid: str, territories: list[str], departments: list[str], difficult: bool
) -> None:
    c = placed(case, grid)

    def level(severity: str, places: list[str]) -> Level:
        return escalation.handling_level(
            c, POLICY, H, severity=severity, territories=places, departments=departments,
            difficult=difficult,
        )  # fmt: skip

    for places in (territories, territories[:1], []):
        assert level("major", places) <= level("minor", places)  # a higher level: smaller
    wider = [*territories, grid[:9]]  # the grid's street as well
    for severity in ("minor", "major"):
        assert level(severity, wider) <= level(severity, territories)


@settings_
@given(cases(), st.sampled_from(GRIDS), st.lists(st.sampled_from(PLACES), min_size=1, max_size=4))
def test_the_coordinator_covers_every_territory_and_no_lower_unit_does(
    case: Case, grid: str, territories: list[str]
) -> None:
    c = placed(case, grid)
    unit = escalation.handling_unit(c, POLICY, H, territories=territories)
    places = [grid, *territories]
    assert all(_cover(unit.code, p) for p in places)
    for child in H.children(unit):
        assert not all(_cover(child.code, p) for p in places)


# ----------------------------------------------------------------- steps


@settings_
@given(cases(), st.sampled_from(GRIDS), policies())
def test_steps_are_ordered_in_time_and_never_before_dispatch(
    case: Case, grid: str, policy: Policy
) -> None:
    c = placed(case, grid)
    times = [s.at for s in escalation.timeline(c, policy, H)]
    assert times == sorted(times)
    if times:
        assert c.dispatched_at is not None
        assert times[0] >= c.dispatched_at
    levels = [s.level for s in escalation.timeline(c, policy, H)]
    assert levels == sorted(levels, reverse=True)  # climbing only


@settings_
@given(cases(), st.sampled_from(GRIDS), policies(), step_lists(), st.integers(1, 400))
def test_a_policy_change_after_filing_does_not_move_a_filed_cases_steps(
    case: Case, grid: str, policy: Policy, others: list[dict[str, object]], days: int
) -> None:
    c = placed(case, grid)
    filed = c.filed_at or c.reported_at
    later = policy.reform(
        {"escalation.steps": others}, valid_from=filed.date() + dt.timedelta(days=days)
    )
    assert escalation.timeline(c, later, H) == escalation.timeline(c, policy, H)


@settings_
@given(cases(), st.sampled_from(GRIDS), policies(), st.integers(0, 60 * 24 * 60))
def test_a_state_at_an_instant_ignores_the_events_after_it(
    case: Case, grid: str, policy: Policy, minutes: int
) -> None:
    c = placed(case, grid)
    when = c.reported_at + dt.timedelta(minutes=minutes)
    known = attrs.evolve(c, history=tuple(e for e in c.history if e.at <= when))
    assert escalation.state(c, when, policy, H) == escalation.state(known, when, policy, H)


@settings_
@given(
    st.lists(cases(), min_size=1, max_size=6),
    st.lists(st.sampled_from(GRIDS), min_size=6, max_size=6),
    policies(),
    st.integers(0, 60 * 24 * 60),
)
def test_the_batch_state_equals_the_scalar_state(
    drawn: list[Case], grids: list[str], policy: Policy, minutes: int
) -> None:
    cases_ = [
        attrs.evolve(c, id=f"C{i}", grid=g)
        for i, (c, g) in enumerate(zip(drawn, grids, strict=False))
    ]
    when = cases_[0].reported_at + dt.timedelta(minutes=minutes)
    batch = escalation.state_batch(CaseColumns.from_cases(cases_), when, policy, H)
    for i, c in enumerate(cases_):
        s = escalation.state(c, when, policy, H)
        row = batch.row(i)
        next_at = np.datetime64("NaT", "ns")
        if s.next is not None:
            next_at = np.datetime64(s.next.at.astimezone(dt.UTC).replace(tzinfo=None), "ns")
        due = np.datetime64("NaT", "ns")
        if s.due is not None:
            due = np.datetime64(s.due.astimezone(dt.UTC).replace(tzinfo=None), "ns")
        assert row["level"] is s.level
        assert row["base_level"] is s.base_level
        assert row["unit"] == s.unit
        assert row["overdue"] is s.overdue
        assert row["taken"] == len(s.taken)
        assert row["escalations"] == s.escalations
        assert row["next_step"] == (None if s.next is None else s.next.name)
        assert row["next_at"].view(np.int64) == next_at.view(np.int64)
        assert row["due"].view(np.int64) == due.view(np.int64)
        taken_at = {
            x.name: np.datetime64(x.at.astimezone(dt.UTC).replace(tzinfo=None), "ns")
            for x in s.taken
        }
        assert {k: int(v.view(np.int64)) for k, v in row["taken_at"].items()} == {
            k: int(v.view(np.int64)) for k, v in taken_at.items()
        }


@settings_
@given(
    st.lists(cases(), min_size=1, max_size=6),
    st.lists(st.sampled_from(GRIDS), min_size=6, max_size=6),
    policies(),
    st.integers(0, 60 * 24 * 60),
)
def test_case_triggers_from_the_batch_state_equal_those_computed_afresh(
    drawn: list[Case], grids: list[str], policy: Policy, minutes: int
) -> None:
    cases_ = [
        attrs.evolve(c, id=f"C{i}", grid=g)
        for i, (c, g) in enumerate(zip(drawn, grids, strict=False))
    ]
    when = cases_[0].reported_at + dt.timedelta(minutes=minutes)
    columns = CaseColumns.from_cases(cases_)
    state = escalation.state_batch(columns, when, policy, H)
    assert escalation.triggers(
        None, policy, cases=columns, at=when, state=state
    ) == escalation.triggers(None, policy, cases=columns, at=when)


# ----------------------------------------------------------------- accountability


@settings_
@given(cases(), st.sampled_from(GRIDS), policies(), st.integers(0, 60 * 24 * 60),
       st.lists(st.sampled_from(GRIDS), max_size=2))  # fmt: skip
def test_accountable_is_nearest_first_and_every_entry_names_a_rule(
    case: Case, grid: str, policy: Policy, minutes: int, territories: list[str]
) -> None:
    c = placed(case, grid)
    when = c.reported_at + dt.timedelta(minutes=minutes)
    people = escalation.accountable(c, when, GRAPH, policy, territories=territories)
    distances = [a.distance for a in people]
    assert distances == sorted(distances)
    assert all(a.rule and a.code and a.name for a in people)
    assert len({a.code for a in people}) == len(people)  # nobody twice
    s = escalation.state(c, when, policy, H, territories=territories)
    assert escalation.accountable(c, when, GRAPH, policy, territories=territories, state=s) == (
        people
    )
