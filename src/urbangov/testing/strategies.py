"""Hypothesis strategies for cases, events and categories (needs the ``test`` extra).

Use them in your own property tests:

>>> from hypothesis import given
>>> from urbangov.testing import strategies as us
>>> @given(us.cases())
... def test_closed_cases_have_a_close_time(case):
...     assert (case.closed_at is not None) == (case.status.value == "closed")
>>> test_closed_cases_have_a_close_time()
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from urbangov.calendar import TimeLimit
from urbangov.cases import (
    Case,
    CaseEvent,
    EventKind,
    Outcome,
    Status,
    WorkflowRules,
    allowed_events,
)
from urbangov.taxonomy import Category, Taxonomy
from urbangov.vocabulary import Source, Urgency, ZoneTier

__all__ = [
    "aware_datetimes",
    "case_events",
    "case_histories",
    "cases",
    "categories",
    "event_logs",
    "fresh_cases",
    "time_limits",
]

_ZONES = (ZoneInfo("Asia/Shanghai"), _dt.UTC, _dt.timezone(_dt.timedelta(hours=8)))
_DEPARTMENTS = ("sanitation_station", "street_office", "construction_bureau", "traffic_police")
_ACTORS = ("operator_1", "operator_2", "supervisor_9", "officer_3")


def aware_datetimes(
    min_value: _dt.datetime = _dt.datetime(2020, 1, 1),
    max_value: _dt.datetime = _dt.datetime(2026, 12, 31),
) -> st.SearchStrategy[_dt.datetime]:
    """Aware datetimes (Asia/Shanghai, UTC or +08:00) between two naive bounds."""
    return st.datetimes(min_value, max_value, timezones=st.sampled_from(_ZONES))


def categories(taxonomy: Taxonomy | None = None) -> st.SearchStrategy[Category]:
    """Categories of ``taxonomy`` (default: the bundled one)."""
    tax = taxonomy if taxonomy is not None else Taxonomy.default()
    return st.sampled_from(tax.categories())


def time_limits() -> st.SearchStrategy[TimeLimit]:
    """Time limits in every unit (hours to the quarter hour, whole days and minutes)."""
    return st.one_of(
        st.integers(0, 40).map(lambda q: TimeLimit.working_hours(Decimal(q) / 4)),
        st.integers(0, 30).map(TimeLimit.working_days),
        st.integers(0, 600).map(TimeLimit.working_minutes),
        st.integers(0, 48).map(lambda h: TimeLimit.hours(Decimal(h) / 2)),
        st.integers(0, 30).map(TimeLimit.days),
        st.integers(0, 600).map(TimeLimit.minutes),
    )


def fresh_cases(taxonomy: Taxonomy | None = None) -> st.SearchStrategy[Case]:
    """Cases with no history yet (status REPORTED)."""
    return st.builds(
        Case,
        id=st.integers(1, 10**9).map(lambda n: f"C{n:09d}"),
        category=categories(taxonomy).map(lambda c: c.slug),
        grid=st.sampled_from(("320102001001001", "320102001001002", "320102002001001")),
        source=st.sampled_from(Source),
        urgency=st.sampled_from(Urgency),
        reported_at=aware_datetimes(),
        segment=st.none() | st.sampled_from(("S001", "S002")),
        zone=st.none() | st.sampled_from(ZoneTier),
    )


def _gaps() -> st.SearchStrategy[_dt.timedelta]:
    return st.integers(0, 3 * 86_400).map(lambda s: _dt.timedelta(seconds=s))


def case_events(kind: EventKind, after: _dt.datetime) -> st.SearchStrategy[CaseEvent]:
    """A well-formed event of ``kind`` at or after ``after``: a department on dispatch,
    an extension on extend, sometimes an outcome on handle or close."""
    return st.builds(
        CaseEvent,
        kind=st.just(kind),
        at=_gaps().map(lambda gap: after + gap),
        actor=st.none() | st.sampled_from(_ACTORS),
        department=st.sampled_from(_DEPARTMENTS) if kind is EventKind.DISPATCH else st.none(),
        extension=time_limits() if kind is EventKind.EXTEND else st.none(),
        outcome=st.none() | st.sampled_from(Outcome)
        if kind in (EventKind.HANDLE, EventKind.CLOSE)
        else st.none(),
        note=st.sampled_from(("", "", "photo attached", "门前三包")),
    )


@st.composite
def case_histories(
    draw: st.DrawFn,
    start: _dt.datetime | None = None,
    rules: WorkflowRules = WorkflowRules(),  # noqa: B008 - frozen value
    max_events: int = 15,
) -> tuple[CaseEvent, ...]:
    """A valid history from REPORTED: each event allowed by ``rules`` where it falls."""
    at = start if start is not None else draw(aware_datetimes())
    status = Status.REPORTED
    out: list[CaseEvent] = []
    for _ in range(draw(st.integers(0, max_events))):
        allowed = allowed_events(status, rules)
        if not allowed:
            break
        kind = draw(st.sampled_from(allowed))
        event = draw(case_events(kind, at))
        out.append(event)
        at = event.at
        status = _TARGET[kind]
    return tuple(out)


_TARGET = {
    EventKind.ACCEPT: Status.ACCEPTED,
    EventKind.REJECT: Status.REJECTED,
    EventKind.FILE: Status.FILED,
    EventKind.DISPATCH: Status.DISPATCHED,
    EventKind.HANDLE: Status.HANDLED,
    EventKind.SEND_BACK: Status.FILED,
    EventKind.SUSPEND: Status.SUSPENDED,
    EventKind.RESUME: Status.DISPATCHED,
    EventKind.EXTEND: Status.DISPATCHED,
    EventKind.VERIFY_PASS: Status.VERIFIED,
    EventKind.VERIFY_FAIL: Status.DISPATCHED,
    EventKind.CLOSE: Status.CLOSED,
    EventKind.VOID: Status.VOIDED,
}


@st.composite
def cases(
    draw: st.DrawFn,
    taxonomy: Taxonomy | None = None,
    rules: WorkflowRules = WorkflowRules(),  # noqa: B008 - frozen value
    max_events: int = 15,
) -> Case:
    """Cases with a valid random history under ``rules``."""
    case = draw(fresh_cases(taxonomy))
    history = draw(case_histories(case.reported_at, rules, max_events))
    return Case(
        id=case.id,
        category=case.category,
        grid=case.grid,
        source=case.source,
        urgency=case.urgency,
        reported_at=case.reported_at,
        segment=case.segment,
        zone=case.zone,
        history=history,
    )


@st.composite
def event_logs(
    draw: st.DrawFn, max_events: int = 12, backwards: bool = True
) -> tuple[Case, tuple[CaseEvent, ...]]:
    """A fresh case and events of any kind (often invalid; with ``backwards``, now and
    then earlier than the one before): for testing validators against :func:`apply`."""
    case = draw(fresh_cases())
    at = case.reported_at
    out: list[CaseEvent] = []
    for _ in range(draw(st.integers(0, max_events))):
        if draw(st.integers(0, 2)):  # mostly follow the table, to get deep
            status = _replayed(case, out)
            allowed = allowed_events(status) or tuple(EventKind)
            kind = draw(st.sampled_from(allowed))
        else:
            kind = draw(st.sampled_from(EventKind))
        if backwards and draw(st.integers(0, 9)) == 0:
            event = draw(case_events(kind, at - _dt.timedelta(hours=draw(st.integers(1, 48)))))
        else:
            event = draw(case_events(kind, at))
        out.append(event)
        at = max(at, event.at)
    return case, tuple(out)


def _replayed(case: Case, events: list[CaseEvent]) -> Status:
    """The status the table gives if every event so far were allowed."""
    return _TARGET[events[-1].kind] if events else case.status
