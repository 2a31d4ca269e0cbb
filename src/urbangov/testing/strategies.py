"""Hypothesis strategies for urbangov's values (the ``testing`` extra: hypothesis only).

Every strategy makes only values that validate (by construction, not by filtering), so
they shrink well; they lean on the edges where rules break: make-up workdays (调休上班)
and holidays, the opening and closing minutes of office hours, year ends, every state of
the workflow, zero limits.

- time: :func:`aware_datetimes`, :func:`time_limits`, :func:`work_calendars`;
- places: :func:`grid_codes`, :func:`hierarchies`, :func:`units`, :func:`places`,
  :func:`activities`;
- cases: :func:`categories`, :func:`fresh_cases`, :func:`case_events`,
  :func:`case_histories`, :func:`cases`, :func:`event_logs`;
- rules: :func:`kpi_counts`, :func:`reforms`, :func:`policies`;
- assessment: :func:`standards`, :func:`findings`.

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
import functools
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from urbangov.testing._extra import require_hypothesis

require_hypothesis()  # the 'testing' extra, named in the error when it is missing

from hypothesis import strategies as st  # noqa: E402

from urbangov.calendar import TimeLimit, WorkCalendar, WorkSchedule  # noqa: E402
from urbangov.cases import (  # noqa: E402
    Case,
    CaseEvent,
    EventKind,
    Outcome,
    Status,
    WorkflowRules,
    allowed_events,
)
from urbangov.hierarchy import Hierarchy, Segment, Unit  # noqa: E402
from urbangov.policy import Policy  # noqa: E402
from urbangov.taxonomy import Category, Taxonomy  # noqa: E402
from urbangov.testing._measure_strategies import findings, kpi_counts, standards  # noqa: E402
from urbangov.vocabulary import Source, Urgency, ZoneTier  # noqa: E402
from urbangov.zones import ZoneRules  # noqa: E402

__all__ = [
    "activities",
    "aware_datetimes",
    "case_events",
    "case_histories",
    "cases",
    "categories",
    "event_logs",
    "findings",
    "fresh_cases",
    "grid_codes",
    "hierarchies",
    "kpi_counts",
    "places",
    "policies",
    "reforms",
    "standards",
    "time_limits",
    "units",
    "work_calendars",
]

_ZONES = (ZoneInfo("Asia/Shanghai"), _dt.UTC, _dt.timezone(_dt.timedelta(hours=8)))
_DEPARTMENTS = ("sanitation_station", "street_office", "construction_bureau", "traffic_police")
_ACTORS = ("operator_1", "operator_2", "supervisor_9", "officer_3")


_EDGE_TIMES = tuple(
    _dt.time(h, m)
    for h, m in ((0, 0), (8, 59), (9, 0), (11, 59), (12, 0), (13, 30), (17, 59), (18, 0), (23, 59))
)


@functools.cache
def _special_days() -> tuple[_dt.date, ...]:
    """Make-up workdays (调休上班: weekend days that are workdays), weekday holidays and
    year ends of the bundled calendar's years (2020–2026)."""
    cal = WorkCalendar.china()
    out: list[_dt.date] = []
    d = _dt.date(2020, 1, 1)
    while d.year <= 2026:
        weekend = d.weekday() >= 5
        if weekend == cal.is_workday(d) or (d.month, d.day) in ((12, 31), (1, 1)):
            out.append(d)
        d += _dt.timedelta(days=1)
    return tuple(out)


def _edge_datetimes(min_value: _dt.datetime, max_value: _dt.datetime) -> Any:
    days = [d for d in _special_days() if min_value.date() <= d <= max_value.date()]
    if not days:
        return st.nothing()
    return st.builds(
        lambda d, t, tz: _dt.datetime.combine(d, t, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(
            tz
        ),
        st.sampled_from(days),
        st.sampled_from(_EDGE_TIMES),
        st.sampled_from(_ZONES),
    ).filter(lambda t: min_value <= t.replace(tzinfo=None) <= max_value)


def aware_datetimes(
    min_value: _dt.datetime = _dt.datetime(2020, 1, 1),
    max_value: _dt.datetime = _dt.datetime(2026, 12, 31),
) -> st.SearchStrategy[_dt.datetime]:
    """Aware datetimes (Asia/Shanghai, UTC or +08:00) between two naive bounds, one in
    four at an edge: a make-up workday, a weekday holiday or a year end, at midnight or
    at an opening or closing minute of the default office hours."""
    plain = st.datetimes(min_value, max_value, timezones=st.sampled_from(_ZONES))
    return st.one_of(plain, plain, plain, _edge_datetimes(min_value, max_value))


_SCHEDULES = (
    WorkSchedule.daily([("09:00", "12:00"), ("13:30", "18:00")]),
    WorkSchedule.daily([("08:30", "12:00"), ("14:30", "17:30")]),
    WorkSchedule.daily([("09:00", "17:00")]),
    WorkSchedule.always(),
)


def work_calendars() -> st.SearchStrategy[WorkCalendar]:
    """China's working calendars with a drawn office schedule (two windows, one, or
    24×7), in Asia/Shanghai or Asia/Urumqi, now and then with a local extra holiday or
    make-up workday."""
    base = st.builds(
        WorkCalendar.china,
        schedule=st.sampled_from(_SCHEDULES),
        tz=st.sampled_from(("Asia/Shanghai", "Asia/Urumqi")),
    )
    extra = st.dates(_dt.date(2020, 1, 1), _dt.date(2026, 12, 31))

    @st.composite
    def local(draw: st.DrawFn) -> WorkCalendar:
        cal = draw(base)
        if draw(st.booleans()):
            return cal
        day = draw(extra)
        if cal.is_workday(day):
            return cal.with_days(holidays=(day,))
        return cal.with_days(workdays=(day,))

    return local()


_DISTRICTS = ("320105", "320102", "110101", "440305")


def grid_codes(district: str | None = None) -> st.SearchStrategy[str]:
    """15-digit grid codes (district 6 + street 3 + community 3 + grid 3 digits)."""
    prefix = st.just(district) if district is not None else st.sampled_from(_DISTRICTS)
    part = st.integers(1, 999).map(lambda n: f"{n:03d}")
    return st.builds(lambda d, a, b, c: d + a + b + c, prefix, part, part, part)


@st.composite
def hierarchies(draw: st.DrawFn, max_streets: int = 3, max_children: int = 3) -> Hierarchy:
    """Valid hierarchies: one district, 1–``max_streets`` streets, each with
    communities and grids (1–``max_children`` each); some streets on a main road or next
    to a school (zone attributes), some with an explicit zone."""
    district = draw(st.sampled_from(_DISTRICTS))
    rows: list[Any] = [(district, "区", "district", None)]
    for s in range(1, draw(st.integers(1, max_streets)) + 1):
        street = f"{district}{s:03d}"
        row: dict[str, Any] = {"code": street, "name": f"街道{s}", "level": "street",
                               "parent": district}  # fmt: skip
        attributes = draw(
            st.sampled_from(({}, {"road_class": "main"}, {"near": ["school"]}, {"fringe": True}))
        )
        if attributes:
            row["attributes"] = attributes
        zone = draw(st.none() | st.sampled_from(ZoneTier))
        if zone is not None:
            row["zone"] = zone.value
        rows.append(row)
        for c in range(1, draw(st.integers(1, max_children)) + 1):
            community = f"{street}{c:03d}"
            rows.append((community, f"社区{s}-{c}", "community", street))
            for g in range(1, draw(st.integers(1, max_children)) + 1):
                rows.append((f"{community}{g:03d}", f"网格{s}-{c}-{g}", "grid", community))
    return Hierarchy.from_rows(rows)


def units(hierarchy: Hierarchy | None = None) -> st.SearchStrategy[Unit]:
    """Units of ``hierarchy`` (default: of a drawn one), every level."""
    if hierarchy is not None:
        return st.sampled_from(hierarchy.units)
    return hierarchies().flatmap(lambda h: st.sampled_from(h.units))


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
    return _event_fields(kind).map(lambda fields: _event(kind, after, *fields))


def _event(
    kind: EventKind,
    after: _dt.datetime,
    gap: _dt.timedelta,
    actor: str | None,
    department: str | None,
    extension: TimeLimit | None,
    outcome: Outcome | None,
    note: str,
) -> CaseEvent:
    return CaseEvent(
        kind,
        after + gap,
        actor=actor,
        department=department,
        extension=extension,
        outcome=outcome,
        note=note,
    )


@functools.cache
def _event_fields(kind: EventKind) -> st.SearchStrategy[tuple[Any, ...]]:
    """(gap, actor, department, extension, outcome, note) of an event of ``kind``: built
    once per kind, so that drawing many events does not rebuild (and re-validate) it."""
    return st.tuples(
        _gaps(),
        st.none() | st.sampled_from(_ACTORS),
        st.sampled_from(_DEPARTMENTS) if kind is EventKind.DISPATCH else st.none(),
        time_limits() if kind is EventKind.EXTEND else st.none(),
        st.none() | st.sampled_from(Outcome)
        if kind in (EventKind.HANDLE, EventKind.CLOSE)
        else st.none(),
        st.sampled_from(("", "", "photo attached", "门前三包")),
    )


@st.composite
def case_histories(
    draw: st.DrawFn,
    start: _dt.datetime | None = None,
    rules: WorkflowRules = WorkflowRules(),  # noqa: B008 - frozen value
    max_events: int = 15,
) -> tuple[CaseEvent, ...]:
    """A valid history from REPORTED: each event allowed by ``rules`` where it falls.

    The history ends in a status drawn evenly from those ``max_events`` events can reach
    (so closed, open, rejected and voided cases are all common), by the shortest way
    there with detours now and then (send back, suspend and resume, extend, rework),
    and it may go round a loop at its end status. It shrinks towards shorter histories
    that end earlier on the way to closing.
    """
    at = start if start is not None else draw(aware_datetimes())
    steps = _steps(rules)
    targets = [s for s in Status if steps[Status.REPORTED][s] <= max_events]
    target = draw(st.sampled_from(targets))
    status, budget = Status.REPORTED, max_events
    out: list[CaseEvent] = []
    while budget > 0:
        # the events after which the target is still within reach, the nearest first
        ways = sorted(
            (steps[_TARGET[k]][target], n, k)
            for n, k in enumerate(allowed_events(status, rules))
            if steps[_TARGET[k]][target] <= budget - 1
        )
        if not ways or (status is target and not draw(st.booleans())):
            break
        detour = draw(st.integers(0, 2)) == 2
        kind = draw(st.sampled_from([k for *_, k in ways])) if detour else ways[0][2]
        event = draw(case_events(kind, at))
        out.append(event)
        at = event.at
        status = _TARGET[kind]
        budget -= 1
    return tuple(out)


@functools.lru_cache(maxsize=16)
def _steps(rules: WorkflowRules) -> dict[Status, dict[Status, int]]:
    """The fewest events from each status to each other under ``rules`` (a large
    number where there is no way)."""
    out: dict[Status, dict[Status, int]] = {}
    for origin in Status:
        found = {origin: 0}
        frontier = [origin]
        while frontier:
            nxt = []
            for status in frontier:
                for kind in allowed_events(status, rules):
                    if _TARGET[kind] not in found:
                        found[_TARGET[kind]] = found[status] + 1
                        nxt.append(_TARGET[kind])
            frontier = nxt
        out[origin] = {s: found.get(s, _NO_WAY) for s in Status}
    return out


_NO_WAY = 10**9


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
    """Cases with a valid random history under ``rules``, ending in every status about
    equally often (see :func:`case_histories`)."""
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


_LIMIT_ROWS = ("exposed_garbage", "dirty_road", "illegal_construction")


def _limit_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 16).map(lambda q: f"{Decimal(q) / 2} working hours"),
        st.integers(1, 20).map(lambda d: f"{d} working days"),
        st.integers(1, 48).map(lambda h: f"{h} hours"),
    )


@st.composite
def reforms(draw: st.DrawFn, max_changes: int = 3) -> dict[str, object]:
    """Reforms the default policy accepts (dotted path → value): limit-table rows and
    their strict-zone limits, the workflow's choices, KPI counting rules."""
    choices: list[tuple[str, st.SearchStrategy[Any]]] = [
        *((f"deadlines.categories.{slug}.normal", _limit_text()) for slug in _LIMIT_ROWS),
        ("workflow.close_without_verification", st.booleans()),
        ("workflow.first_asked_until", st.sampled_from(("dispatch", "handle", "close"))),
        ("kpi.on_time_stops_at", st.sampled_from(("handle", "close"))),
        ("kpi.exclude_suspended_from_due", st.booleans()),
    ]
    picked = draw(st.lists(st.sampled_from(range(len(choices))), max_size=max_changes, unique=True))
    return {choices[i][0]: draw(choices[i][1]) for i in sorted(picked)}


@functools.cache
def _default_policy() -> Policy:
    return Policy.default()


def policies(max_changes: int = 3) -> st.SearchStrategy[Policy]:
    """The bundled default policy with a drawn reform (:func:`reforms`), its limits
    sometimes changed from a date."""
    return st.builds(
        _reformed,
        reforms(max_changes),
        st.none() | st.dates(_dt.date(2021, 1, 1), _dt.date(2026, 1, 1)),
    )


def _reformed(changes: dict[str, object], since: _dt.date | None) -> Policy:
    """The default policy reformed: limits (dated values) from ``since``, the rest plain."""
    dated = {k: v for k, v in changes.items() if k.startswith("deadlines.")}
    plain = {k: v for k, v in changes.items() if k not in dated}
    policy = _default_policy()
    if plain:
        policy = policy.reform(plain)
    return policy.reform(dated, valid_from=since) if dated else policy


# ------------------------------------------------------------------ places

_SEGMENT_ATTRIBUTES: tuple[dict[str, Any], ...] = (
    {},
    {"road_class": "main"},
    {"road_class": "alley"},
    {"near": ["market"]},
)


@st.composite
def places(draw: st.DrawFn, hierarchy: Hierarchy | None = None) -> tuple[Hierarchy, str]:
    """A hierarchy and the code of one of its units or road segments (段): given, or a
    drawn one (:func:`hierarchies`) with 0–3 segments on main roads, in alleys or by a
    market, some with an explicit zone; one place in three is a segment when there are
    any. For ``zones.permits`` and ``zones.tier_of``, with :func:`activities`."""
    if hierarchy is None:
        hierarchy = draw(hierarchies(max_streets=2, max_children=2))
        segments = []
        for n in range(draw(st.integers(0, 3))):
            unit = draw(st.sampled_from(hierarchy.units))
            zone = draw(st.none() | st.sampled_from(ZoneTier))
            segments.append(
                Segment(f"S{n + 1:03d}", f"路段{n + 1}", unit.code,
                        attributes=draw(st.sampled_from(_SEGMENT_ATTRIBUTES)), zone=zone)
            )  # fmt: skip
        if segments:
            hierarchy = Hierarchy(units=hierarchy.units, segments=segments)
    codes = [u.code for u in hierarchy.units]
    roads = [s.code for s in hierarchy.segments]
    if roads and draw(st.integers(0, 2)) == 2:
        return hierarchy, draw(st.sampled_from(roads))
    return hierarchy, draw(st.sampled_from(codes))


def activities(policy: object = None) -> st.SearchStrategy[str]:
    """The activity slugs the zone rules know (``stall``, ``night_market``…) of
    ``policy`` (a Policy or ``ZoneRules``; default: the bundled default policy)."""
    rules = ZoneRules.of(policy if policy is not None else _default_policy())
    return st.sampled_from(sorted(rules.activities))
