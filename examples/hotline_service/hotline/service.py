"""Where urbangov sits in the service: intake, events, views, overdue polling, KPIs.

No HTTP and no SQL here: functions over urbangov values and the store's rows, so the
rules are tested once (in urbangov) and the service only wires them. The library is the
source of truth for every answer: a case's state is rebuilt by replaying its stored
events through :func:`urbangov.cases.apply`, under the policy loaded at startup.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from hotline.store import CaseRow, EventRow
from urbangov import Policy, UrbangovError, deadlines, escalation, kpi, sim, zones
from urbangov.cases import Case, CaseColumns, CaseEvent, apply, dispatch_to_lead
from urbangov.escalation import EscalationState, TimedStep
from urbangov.graph import AccountabilityGraph
from urbangov.kpi import KpiCounts
from urbangov.org import City, load_city
from urbangov.vocabulary import Level

__all__ = [
    "BadRequestError",
    "Report",
    "World",
    "case_view",
    "event_of",
    "event_row",
    "intake",
    "kpi_view",
    "overdue_view",
    "parse_instant",
    "rebuild",
    "rows_of",
]

#: Groupings of ``GET /kpi?by=``: levels of the city's hierarchy, or a case field.
LEVELS = ("district", "street", "community")
FIELDS = ("grid", "category", "source", "urgency", "zone", "department")


class BadRequestError(Exception):
    """A request urbangov never saw because it is malformed before any rule applies
    (text that is not a time, a month that is not ``YYYY-MM``)."""

    def __init__(self, message: str, *, field: str, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.message, self.field, self.hint = message, field, hint


@dataclass(frozen=True)
class World:
    """What the service loads once at startup: the city, its policy, the graph."""

    city: City
    policy: Policy
    graph: AccountabilityGraph
    city_file: Path
    policy_file: Path | None

    @classmethod
    def load(cls, city_file: str | Path | None, policy_file: str | Path | None) -> World:
        """Load the city and the policy (defaults: the bundled sample district and the
        default policy); every error is urbangov's, naming the file and line."""
        city_path = Path(city_file) if city_file else Path(str(sim.sample_city_path()))
        city = load_city(city_path)
        policy = Policy.load(policy_file) if policy_file else Policy.default()
        policy.work_calendar()  # built once per Policy value: build it before requests
        world = cls(
            city,
            policy,
            AccountabilityGraph.from_city(city),
            city_path,
            Path(policy_file) if policy_file else None,
        )
        return world

    @classmethod
    def from_environment(cls) -> World:
        """:meth:`load` with ``URBANGOV_CITY`` and ``URBANGOV_POLICY``."""
        return cls.load(os.environ.get("URBANGOV_CITY"), os.environ.get("URBANGOV_POLICY"))

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's zone: times in answers are given in it."""
        return ZoneInfo(str(self.policy.work_calendar().tz))

    def name(self, code: str) -> str:
        """The name of a unit or department code (the code itself if it names none)."""
        try:
            return self.city.party(code).name
        except (LookupError, UrbangovError):
            return code


# ------------------------------------------------------------------ parsing


def parse_instant(text: str, field: str) -> dt.datetime:
    """An ISO 8601 time (``2024-09-30T16:00:00+08:00``). A time without an offset
    parses too: urbangov refuses it with ``NaiveDatetimeError`` naming ``field``."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise BadRequestError(
            f"{text!r} is not an ISO 8601 time",
            field=field,
            hint="write e.g. 2024-09-30T16:00:00+08:00 (with the UTC offset)",
        ) from None


def parse_month(text: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → the month's first day and the next month's."""
    try:
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise BadRequestError(
            f"{text!r} is not a month", field="month", hint="write YYYY-MM, e.g. 2024-05"
        ) from None
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following


# ------------------------------------------------------------------ intake and replay


@dataclass(frozen=True)
class Report:
    """A report as the hotline receives it (strings, checked by urbangov)."""

    category: str
    grid: str
    reported_at: str
    source: str = "hotline"
    urgency: str = "normal"
    segment: str | None = None
    actor: str | None = None
    note: str = ""


def intake(report: Report, number: str, world: World) -> Case:
    """Classify, accept, file and dispatch a report, all at its reported time (the
    operator takes the call, files it and dispatches it on the line).

    ``Case.new`` resolves the category (slug, Chinese name or code: ``Taxonomy.resolve``,
    with a did-you-mean) and checks the grid is a unit of the city; the zone tier is
    stamped at filing (``zones.stamp``), so the limit table's tier applies; the lead
    department comes from the city's duty matrix (``dispatch_to_lead``).
    """
    policy, city = world.policy, world.city
    at = parse_instant(report.reported_at, "reported_at")
    case = Case.new(
        number,
        report.category,
        report.grid,
        reported_at=at,
        source=report.source,
        urgency=report.urgency,
        segment=report.segment,
        taxonomy=policy.taxonomy(),
        hierarchy=city.hierarchy,
    )
    case = apply(case, CaseEvent("accept", at, actor=report.actor, note=report.note), policy)
    case = apply(case, CaseEvent("file", at, actor=report.actor), policy)
    case = zones.stamp(case, policy, city.hierarchy)
    return dispatch_to_lead(case, at, city, taxonomy=policy.taxonomy(), rules=policy)


def event_of(kind: str, at: str | None, world: World, **parts: Any) -> CaseEvent:
    """A :class:`CaseEvent` from a request (``at`` defaults to the server's clock)."""
    when = parse_instant(at, "at") if at is not None else dt.datetime.now(world.tz)
    return CaseEvent(kind, when, **parts)


def rows_of(case: Case, seq: int) -> tuple[CaseRow, list[EventRow]]:
    """The store's rows of a case."""
    case_row = CaseRow(
        seq=seq,
        id=case.id,
        category=case.category,
        grid=case.grid,
        segment=case.segment,
        source=case.source.value,
        urgency=case.urgency.value,
        zone=None if case.zone is None else case.zone.value,
        reported_at=case.reported_at.isoformat(),
    )
    return case_row, [event_row(n, e) for n, e in enumerate(case.history)]


def event_row(n: int, e: CaseEvent) -> EventRow:
    """The store's row of event ``n`` of a case."""
    return EventRow(
        n=n,
        kind=e.kind.value,
        at=e.at.isoformat(),
        actor=e.actor,
        department=e.department,
        extension=None if e.extension is None else str(e.extension),
        outcome=None if e.outcome is None else e.outcome.value,
        note=e.note,
    )


def rebuild(row: CaseRow, events: Iterable[EventRow], world: World) -> Case:
    """The case now: its report, then every stored event replayed through ``apply``
    under the policy (an event the rules no longer allow would raise here: the store
    holds only what the library accepted)."""
    case = Case(
        id=row.id,
        category=row.category,
        grid=row.grid,
        segment=row.segment,
        source=row.source,
        urgency=row.urgency,
        zone=row.zone,
        reported_at=dt.datetime.fromisoformat(row.reported_at),
    )
    for e in events:
        event = CaseEvent(
            e.kind,
            dt.datetime.fromisoformat(e.at),
            actor=e.actor,
            department=e.department,
            extension=e.extension,
            outcome=e.outcome,
            note=e.note,
        )
        case = apply(case, event, world.policy)
    return case


# ------------------------------------------------------------------ views


def _time(value: dt.datetime | None, world: World) -> str | None:
    return None if value is None else value.astimezone(world.tz).isoformat()


def _duration(value: dt.timedelta) -> str:
    """``-43:00:00``: hours (any number), minutes, seconds, with the sign in front."""
    seconds = round(value.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _step(step: TimedStep | None, world: World) -> dict[str, Any] | None:
    if step is None:
        return None
    return {
        "name": step.name,
        "title": step.step.title,
        "action": step.step.action.value,
        "at": _time(step.at, world),
        "level": step.level.slug,
        "measure": None if step.step.measure is None else step.step.measure.value,
    }


def _escalation(state: EscalationState, world: World) -> dict[str, Any]:
    return {
        "level": state.level.slug,
        "unit": {"code": state.unit, "name": world.name(state.unit)},
        "taken": [_step(t, world) for t in state.taken],
        "next": _step(state.next, world),
        "must_act": [{"code": c, "name": world.name(c)} for c in state.must_act],
    }


def case_view(case: Case, at: dt.datetime, world: World) -> dict[str, Any]:
    """Everything a hotline screen shows about a case at ``at``."""
    policy, h = world.policy, world.city.hierarchy
    state = escalation.state(case, at, policy, h)  # checks ``at`` (aware) first
    limit = deadlines.limit_for(case, policy) if case.dispatched_at is not None else None
    left = deadlines.remaining(case, policy, at=at)
    department = case.department
    street = h.territory_of(case.grid, Level.STREET) if h.unit(case.grid).level > 2 else None
    return {
        "id": case.id,
        "category": case.category,
        "category_name": policy.taxonomy().resolve(case.category).name,
        "grid": {"code": case.grid, "name": world.name(case.grid)},
        "street": None if street is None else {"code": street.code, "name": street.name},
        "source": case.source.value,
        "urgency": case.urgency.value,
        "zone": None if case.zone is None else case.zone.value,
        "reported_at": _time(case.reported_at, world),
        "status": case.status.value,
        "status_name": case.status.chinese,
        "department": None
        if department is None
        else {"code": department, "name": world.name(department)},
        "limit": None if limit is None else str(limit.limit),
        "limit_explanation": None if limit is None else limit.explain(),
        "due": _time(deadlines.due_at(case, policy), world),
        "at": _time(at, world),
        "overdue": deadlines.is_overdue(case, policy, at=at),
        "remaining": None if left is None else _duration(left),
        "remaining_seconds": None if left is None else round(left.total_seconds()),
        "escalation": _escalation(state, world),
        "accountable": [
            {"distance": a.distance, "role": a.role, "code": a.code, "name": a.name, "rule": a.rule}
            for a in escalation.accountable(case, at, world.graph, policy, state=state)
        ],
        "history": [_event_view(n, e, world) for n, e in enumerate(case.history)],
    }


def _event_view(n: int, e: CaseEvent, world: World) -> dict[str, Any]:
    return {
        "n": n,
        "kind": e.kind.value,
        "at": _time(e.at, world),
        "actor": e.actor,
        "department": e.department,
        "extension": None if e.extension is None else str(e.extension),
        "outcome": None if e.outcome is None else e.outcome.value,
        "note": e.note,
    }


def overdue_view(cases: Sequence[Case], at: dt.datetime, world: World) -> dict[str, Any]:
    """The open cases past due at ``at`` (their clock still running), most overdue
    first, each with its escalation step."""
    found: list[tuple[dt.datetime, str, dict[str, Any]]] = []
    for case in cases:
        state = escalation.state(case, at, world.policy, world.city.hierarchy)
        if not (state.overdue and state.stopped is None and state.must_act):
            continue
        assert state.due is not None
        taken = state.taken[-1] if state.taken else None
        found.append(
            (
                state.due,
                case.id,
                {
                    "id": case.id,
                    "category": case.category,
                    "grid": case.grid,
                    "department": state.department,
                    "due": _time(state.due, world),
                    "level": state.level.slug,
                    "step": None if taken is None else taken.name,
                    "step_title": None if taken is None else taken.step.title,
                    "next": _step(state.next, world),
                },
            )
        )
    found.sort(key=lambda x: (x[0], x[1]))
    return {"at": _time(at, world), "count": len(found), "cases": [x[2] for x in found]}


def _rates(counts: KpiCounts) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in ("filing", "dispatch", "closure", "on_time", "rework", "extension"):
        shown = kpi.percent(getattr(kpi, f"{name}_rate")(counts))
        out[f"{name}_rate"] = None if shown is None else str(shown)
    return out


def kpi_view(cases: Sequence[Case], month: str, by: str, world: World) -> dict[str, Any]:
    """The month's KPI counts and rates by ``by``, from ``kpi.counts_from_columns`` on
    the stored cases (the numbers ``urbangov kpi`` gives on an export of the store)."""
    first, _ = parse_month(month)
    if by not in (*LEVELS, *FIELDS):
        raise BadRequestError(
            f"{by!r} is not a grouping",
            field="by",
            hint=f"use one of {', '.join((*LEVELS, *FIELDS))}",
        )
    group: Any = Level.parse(by, field="by") if by in LEVELS else by
    rows: list[dict[str, Any]] = []
    total = KpiCounts()
    if cases:
        columns = CaseColumns.from_cases(cases)
        common: dict[str, Any] = {
            "period": "month",
            "deadlines": world.policy,
            "hierarchy": world.city.hierarchy,
            "tz": world.tz,
        }
        table = kpi.counts_from_columns(columns, by=group, **common)
        units = world.city.hierarchy
        for parts, counts in table.items():
            key, period = cast(tuple[object, dt.date], parts)
            if period == first:
                code = None if key is None else str(key)
                name = units.unit(code).name if code is not None and code in units else None
                rows.append({by: code, "name": name, **counts.as_dict(), **_rates(counts)})
        total = kpi.counts_from_columns(columns, **common).get(first)
    return {
        "month": month,
        "by": by,
        "rows": rows,
        "total": {**total.as_dict(), **_rates(total)},
    }
