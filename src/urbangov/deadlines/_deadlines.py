"""Deadlines (处置时限): the limit table, due times, suspensions, extensions, warnings.

Private: :mod:`urbangov.deadlines` re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs

from urbangov._internal.instants import aware
from urbangov.calendar import TimeLimit, TimeUnit, WorkCalendar
from urbangov.cases import Case, CaseEvent, EventKind
from urbangov.deadlines._context import Context, context, stop_rule
from urbangov.deadlines._lookup import AppliedLimit, limit_for, rules_date
from urbangov.deadlines._rules import DeadlineRules, HasDeadlines
from urbangov.errors import CalendarCoverageError, PolicyError
from urbangov.params import Dated

__all__ = [
    "Deadline",
    "deadline",
    "due_at",
    "is_overdue",
    "remaining",
    "stage_due_at",
    "stopped_at",
    "warnings",
]

# ------------------------------------------------------------------ the handling clock


@attrs.frozen
class Deadline:
    """A case's handling deadline as known at some time (处置时限的计算结果).

    Attributes
    ----------
    applied
        The :class:`AppliedLimit`.
    start
        When the clock started: the first dispatch (or the latest rework when
        ``restart_on_rework``).
    due
        The due time, or ``None`` while an open suspension stopped the clock.
    pauses
        ``(suspend, resume)`` pairs; ``resume`` is ``None`` for an open suspension.
    extensions
        The approved extensions (延期) counted, in order.
    stopped
        When the clock stopped for good (handled or voided), else ``None``.
    provisional
        Whether the calendar was provisional (no official holiday data) anywhere from
        ``start`` to ``due``.
    """

    applied: AppliedLimit
    start: _dt.datetime
    due: _dt.datetime | None
    pauses: tuple[tuple[_dt.datetime, _dt.datetime | None], ...]
    extensions: tuple[TimeLimit, ...]
    stopped: _dt.datetime | None
    provisional: bool

    @property
    def overdue_at_stop(self) -> bool:
        """Whether the case was handled (or voided) after its due time (超期办结)."""
        return self.stopped is not None and self.due is not None and self.stopped > self.due


_Pause = tuple[_dt.datetime, _dt.datetime]
# (applied limit, start, closed pauses, open suspension, extensions, stop)
_Clock = tuple[
    AppliedLimit, _dt.datetime, list[_Pause], _dt.datetime | None, list[TimeLimit],
    _dt.datetime | None,
]  # fmt: skip


def _known(
    case: Case, at: _dt.datetime | None, before: _dt.datetime | None
) -> tuple[CaseEvent, ...]:
    """The events known at ``at`` (at or before it) or ``before`` (strictly before)."""
    events = case.history
    if at is not None:
        events = tuple(e for e in events if e.at <= at)
    if before is not None:
        events = tuple(e for e in events if e.at < before)
    return events


def _stop_of(events: tuple[CaseEvent, ...], stops_at: str) -> _dt.datetime | None:
    """When the handling clock stopped for good (处置计时终止), from the events so far.

    ``"handle"``: at the last handle (处置反馈) not followed by a verify_fail (返工);
    ``"close"``: at the close (结案). Either way a void (作废) stops it.
    """
    stopped: _dt.datetime | None = None
    for e in events:
        if e.kind is EventKind.VOID:
            return e.at
        if stops_at == "close":
            if e.kind is EventKind.CLOSE:
                stopped = e.at
        elif e.kind is EventKind.HANDLE:
            stopped = e.at
        elif e.kind is EventKind.VERIFY_FAIL:
            stopped = None
    return stopped


def _clock_of(case: Case, ctx: Context, at: _dt.datetime | None) -> _Clock | None:
    events = _known(case, at, None)
    start = next((e.at for e in events if e.kind is EventKind.DISPATCH), None)
    if start is None:
        return None
    table = ctx.table
    applied = limit_for(case, table, tz=ctx.calendar.tz, taxonomy=ctx.taxonomy)
    if table.restart_on_rework.at(applied.on):
        start = max([start, *(e.at for e in events if e.kind is EventKind.VERIFY_FAIL)])
    pauses: list[tuple[_dt.datetime, _dt.datetime]] = []
    open_pause: _dt.datetime | None = None
    extensions: list[TimeLimit] = []
    for e in events:
        if e.at < start:
            continue
        if e.kind is EventKind.SUSPEND:
            open_pause = e.at
        elif e.kind is EventKind.RESUME and open_pause is not None:
            pauses.append((open_pause, e.at))
            open_pause = None
        elif e.kind is EventKind.EXTEND and e.extension is not None:
            extensions.append(e.extension)
    stopped = _stop_of(events, ctx.stops_at)
    return applied, start, pauses, open_pause, extensions, stopped


def stopped_at(
    case: Case,
    rules_or_policy: object = None,
    *,
    at: _dt.datetime | None = None,
    before: _dt.datetime | None = None,
) -> _dt.datetime | None:
    """When the case's handling clock stopped for good (处置计时终止), or ``None`` while it
    runs: the one rule deadlines and KPIs share for "on time".

    The clock stops at the last handle (处置反馈) not followed by a verify_fail (返工), or
    at a void (作废); a Policy whose ``kpi.on_time_stops_at`` is ``"close"`` stops it at
    the close (结案) instead. A case is *on time* when its clock stopped at or before its
    due time. ``at`` (events at or before it) or ``before`` (strictly before: the end
    of a KPI period) judge the case as known then.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 14, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> h = _dt.timedelta(hours=1)
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street"), CaseEvent("handle", t + h),
    ...     CaseEvent("verify_fail", t + 2 * h)])
    >>> stopped_at(case) is None  # sent back for rework: the clock runs again
    True
    >>> stopped_at(case, before=t + 2 * h).hour  # as known before the rework
    15
    """
    if at is not None:
        aware(at, "at")
    if before is not None:
        aware(before, "before")
    return _stop_of(_known(case, at, before), stop_rule(rules_or_policy))


def deadline(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> Deadline | None:
    """The full deadline of ``case`` as known at ``at`` (default: its whole history).

    ``None`` before the first dispatch. See the module's conventions for pauses (缓办),
    extensions (延期) and rework (返工). ``calendar`` defaults to the policy's own (the
    bundled calendar for bare :class:`DeadlineRules`).

    Raises
    ------
    CalendarCoverageError
        If the computation leaves the calendar's covered years.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street"),
    ...     CaseEvent("suspend", t.replace(hour=10)),
    ...     CaseEvent("resume", t.replace(hour=11))])
    >>> d = deadline(case, DeadlineRules())
    >>> d.due.hour, d.due.minute, d.provisional  # one working hour later than 14:30
    (15, 30, False)
    """
    if at is not None:
        aware(at, "at")
    return _deadline(case, context(rules_or_policy, calendar), at)


def _deadline(case: Case, ctx: Context, at: _dt.datetime | None) -> Deadline | None:
    found = _clock_of(case, ctx, at)
    if found is None:
        return None
    calendar = ctx.calendar
    applied, start, pauses, open_pause, extensions, stopped = found
    computed = _due_time(calendar, start, applied.limit, extensions, pauses)
    provisional = bool(calendar.provisional_years_in(start, computed))
    due = None if open_pause is not None and open_pause < computed else computed
    shown: list[tuple[_dt.datetime, _dt.datetime | None]] = list(pauses)
    if open_pause is not None:
        shown.append((open_pause, None))
    return Deadline(applied, start, due, tuple(shown), tuple(extensions), stopped, provisional)


def _due_time(
    calendar: WorkCalendar,
    start: _dt.datetime,
    limit: TimeLimit,
    extensions: Sequence[TimeLimit],
    pauses: Sequence[tuple[_dt.datetime, _dt.datetime]],
) -> _dt.datetime:
    """The limit from ``start``, then each extension from the due time, less pauses."""
    return calendar.add_chain(start, (limit, *extensions), pauses=pauses)


def due_at(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
) -> _dt.datetime | None:
    """When ``case``'s handling limit (处置时限) expires, or ``None``.

    ``None`` before the first dispatch (派遣) and while a suspension (缓办) that began
    before the due time is open. The limit runs from the first dispatch, suspended spans
    do not count, approved extensions (延期) are added from the due time in their own
    unit, under the rules in force on the filing date.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 9, 30, 16, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A2", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> due_at(case, DeadlineRules())  # across National Day
    datetime.datetime(2024, 10, 8, 11, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
    """
    found = _deadline(case, context(rules_or_policy, calendar), None)
    return None if found is None else found.due


def _working(applied: AppliedLimit) -> bool:
    return applied.limit.unit.working


def _measure(
    cal: WorkCalendar,
    a: _dt.datetime,
    b: _dt.datetime,
    pauses: Sequence[tuple[_dt.datetime, _dt.datetime | None]],
    working: bool,
) -> _dt.timedelta:
    """Counted time from ``a`` to ``b`` (negative when ``b < a``), less closed pauses."""
    if b < a:
        return -_measure(cal, b, a, pauses, working)
    closed = [(p, q) for p, q in pauses if q is not None]
    if working:
        return cal.working_time_between(a, b, pauses=closed)
    total = b - a
    for p, q in closed:
        lo, hi = max(p, a), min(q, b)
        if lo < hi:
            total -= hi - lo
    return total


def _stop(d: Deadline | _Beyond, at: _dt.datetime) -> _dt.datetime:
    stop = at if d.stopped is None else min(d.stopped, at)
    open_from = next((p for p, q in d.pauses if q is None), None)
    return stop if open_from is None else min(stop, open_from)


def _covered_through(cal: WorkCalendar, a: _dt.datetime, b: _dt.datetime) -> bool:
    """Whether every year from ``a``'s to ``b``'s (local) is covered by ``cal``."""
    if cal.provisional:
        return True
    zone = ZoneInfo(cal.tz)
    years = set(cal.coverage)
    lo, hi = a.astimezone(zone).year, b.astimezone(zone).year
    return all(y in years for y in range(lo, hi + 1))


@attrs.frozen
class _Beyond:
    """A clock whose due time lies past the calendar's covered years, asked about at an
    instant inside them: the limit is not used up by then (see :func:`is_overdue`)."""

    applied: AppliedLimit
    start: _dt.datetime
    pauses: tuple[tuple[_dt.datetime, _dt.datetime | None], ...]
    extensions: tuple[TimeLimit, ...]
    stopped: _dt.datetime | None


def _known_at(case: Case, ctx: Context, at: _dt.datetime) -> Deadline | _Beyond | None:
    """The deadline as known at ``at``, or :class:`_Beyond` when its due time is past the
    calendar's coverage while ``at`` (and the start) are covered."""
    try:
        return _deadline(case, ctx, at)
    except CalendarCoverageError:
        found = _clock_of(case, ctx, at)
        if found is None or not _covered_through(ctx.calendar, found[1], at):
            raise
        applied, start, pauses, open_pause, extensions, stopped = found
        shown: list[tuple[_dt.datetime, _dt.datetime | None]] = list(pauses)
        if open_pause is not None:
            shown.append((open_pause, None))
        return _Beyond(applied, start, tuple(shown), tuple(extensions), stopped)


def _at(at: object) -> _dt.datetime:
    return aware(at, "at")


def is_overdue(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> bool:
    """Whether ``case`` is overdue (超期) at ``at``: its clock still running, or stopped,
    after its due time (the one definition deadlines and KPIs share: :func:`stopped_at`).

    A case handled (处置反馈) or voided after its due time stays overdue; a case not yet
    dispatched, or suspended before its due time, is not. ``calendar`` defaults to the
    policy's own. The answer needs only ``at`` to be covered by the calendar: a due time
    in a year not yet covered is after ``at``, so the case is not overdue.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "道路不洁", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> rules = DeadlineRules()  # road cleaning: 2 working hours, due 11:00
    >>> is_overdue(case, rules, at=t.replace(hour=11)), is_overdue(
    ...     case, rules, at=t.replace(hour=11, minute=1))
    (False, True)
    """
    when = _at(at)
    d = _known_at(case, context(rules_or_policy, calendar), when)
    if d is None or isinstance(d, _Beyond) or d.due is None:
        return False
    stop = when if d.stopped is None else d.stopped
    return stop > d.due


def remaining(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> _dt.timedelta | None:
    """The time left (剩余时限) at ``at``: working time for working-unit limits, elapsed
    time for calendar ones, less suspensions; negative once overdue. Frozen when the
    clock stopped (handled, voided or suspended). ``None`` before dispatch.

    Answered whenever ``at`` is covered, for limits of working hours or minutes and of
    elapsed time, even when the due time falls in a year not yet covered; for a limit
    of working days whose due day is not covered the count of working time left is
    unknown, and :class:`~urbangov.errors.CalendarCoverageError` says so.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> remaining(case, DeadlineRules(), at=t.replace(hour=10))
    datetime.timedelta(seconds=10800)
    """
    when = _at(at)
    ctx = context(rules_or_policy, calendar)
    d = _known_at(case, ctx, when)
    if d is None:
        return None
    cal = ctx.calendar
    working = _working(d.applied)
    if isinstance(d, _Beyond):
        total = _fixed_total(d, ctx)
        return total - _measure(cal, d.start, _stop(d, when), d.pauses, working)
    due = d.due if d.due is not None else _closed_due(d, cal)
    return _measure(cal, _stop(d, when), due, d.pauses, working)


def _fixed_total(d: _Beyond, ctx: Context) -> _dt.timedelta:
    """The whole limit with its extensions as a length of (working or elapsed) time, for
    a clock whose due time is past the calendar's coverage; working days have none."""
    limits = (d.applied.limit, *d.extensions)
    kinds = {limit.unit.working for limit in limits}
    if len(kinds) != 1 or any(limit.unit is TimeUnit.WORKING_DAYS for limit in limits):
        years = ", ".join(str(y) for y in ctx.calendar.coverage[-1:])
        raise CalendarCoverageError(
            "the due time falls after the calendar's covered years and the limit counts "
            "working days, so the working time left is unknown",
            field="at",
            hint=f"add the next year's holidays (the calendar covers up to {years}), or "
            "use a provisional calendar (calendar.provisional = true in the policy; "
            "--provisional on the command line)",
        )
    return _dt.timedelta(microseconds=sum(limit.microseconds() for limit in limits))


def _closed_due(d: Deadline, cal: WorkCalendar) -> _dt.datetime:
    closed = [(p, q) for p, q in d.pauses if q is not None]
    return _due_time(cal, d.start, d.applied.limit, d.extensions, closed)


def warnings(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> tuple[Fraction, ...]:
    """The warning points (预警, e.g. 50% and 80% of the limit used) that the case's
    running clock passed by ``at`` (or by when it stopped); ``()`` before dispatch.
    ``len(...)`` is the warning level of :func:`warning_levels_batch`.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> warnings(case, DeadlineRules(), at=t.replace(hour=11))
    (Fraction(1, 2),)
    """
    when = _at(at)
    ctx = context(rules_or_policy, calendar)
    d = _known_at(case, ctx, when)
    if d is None:
        return ()
    cal = ctx.calendar
    working = _working(d.applied)
    if isinstance(d, _Beyond):
        total = _fixed_total(d, ctx)
    else:
        due = d.due if d.due is not None else _closed_due(d, cal)
        total = _measure(cal, d.start, due, d.pauses, working)
    used = _measure(cal, d.start, _stop(d, when), d.pauses, working)
    points = [Fraction(p) for p in ctx.table.warning_points.at(d.applied.on)]
    if total <= _dt.timedelta(0):
        return tuple(points)
    return tuple(p for p in points if Fraction(used // _US) >= p * (total // _US))


_US = _dt.timedelta(microseconds=1)

_STAGES = {
    "accept": (None, EventKind.ACCEPT),
    "file": (EventKind.ACCEPT, EventKind.FILE),
    "dispatch": (EventKind.FILE, EventKind.DISPATCH),
    "verify": (EventKind.HANDLE, EventKind.VERIFY_PASS),
}


def stage_due_at(
    case: Case,
    stage: str,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
) -> _dt.datetime | None:
    """When a stage's own limit (环节时限) expires: ``accept`` (受理, from the report),
    ``file`` (立案, from acceptance), ``dispatch`` (派遣, from filing) or ``verify`` (核查,
    from the latest handling report). ``None`` if the stage has no limit or has not
    started.

    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t)
    >>> rules = DeadlineRules(stages={"accept": "1 working hours"})
    >>> stage_due_at(case, "accept", rules).hour
    10
    """
    if stage not in _STAGES:
        raise PolicyError(
            f"{stage!r} is not a stage", field="stage", hint=f"use one of {', '.join(_STAGES)}"
        )
    ctx = context(rules_or_policy, calendar)
    value: Dated[TimeLimit] | None = getattr(ctx.table.stages, stage)
    if value is None:
        return None
    begin_kind, _ = _STAGES[stage]
    if begin_kind is None:
        start: _dt.datetime | None = case.reported_at
    else:
        times = [e.at for e in case.history if e.kind is begin_kind]
        start = (
            times[-1] if begin_kind is EventKind.HANDLE and times else (times[0] if times else None)
        )
    if start is None:
        return None
    return ctx.calendar.add(start, value.at(rules_date(case, ctx.calendar.tz)))
