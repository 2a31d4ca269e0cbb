"""Deadlines (处置时限): the limit table, due times, suspensions, extensions, warnings.

Private: :mod:`urbangov.deadlines` re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import aware
from urbangov.calendar import TimeLimit, WorkCalendar
from urbangov.cases import Case, CaseColumns, EventKind
from urbangov.deadlines._rules import (
    DEFAULT_CATEGORY_LIMITS,
    AppliedLimit,
    DeadlineRules,
    HasDeadlines,
    LimitRow,
    StageLimits,
    TierLimits,
    _rules_date,
    _section,
    limit_for,
    lookup,
)
from urbangov.errors import PolicyError
from urbangov.params import Dated

__all__ = [
    "DEFAULT_CATEGORY_LIMITS",
    "AppliedLimit",
    "Deadline",
    "DeadlineRules",
    "HasDeadlines",
    "LimitRow",
    "StageLimits",
    "TierLimits",
    "deadline",
    "due_at",
    "due_at_batch",
    "is_overdue",
    "limit_for",
    "lookup",
    "overdue_batch",
    "remaining",
    "stage_due_at",
    "warning_levels_batch",
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


_FINISHED = frozenset({EventKind.HANDLE, EventKind.VERIFY_PASS, EventKind.CLOSE})


_Pause = tuple[_dt.datetime, _dt.datetime]
# (applied limit, start, closed pauses, open suspension, extensions, stop)
_Clock = tuple[
    AppliedLimit, _dt.datetime, list[_Pause], _dt.datetime | None, list[TimeLimit],
    _dt.datetime | None,
]  # fmt: skip


def _clock_of(
    case: Case, table: DeadlineRules, cal: WorkCalendar, at: _dt.datetime | None
) -> _Clock | None:
    events = case.history if at is None else tuple(e for e in case.history if e.at <= at)
    start = next((e.at for e in events if e.kind is EventKind.DISPATCH), None)
    if start is None:
        return None
    applied = limit_for(case, table, tz=cal.tz)
    if table.restart_on_rework.at(applied.on):
        start = max([start, *(e.at for e in events if e.kind is EventKind.VERIFY_FAIL)])
    pauses: list[tuple[_dt.datetime, _dt.datetime]] = []
    open_pause: _dt.datetime | None = None
    extensions: list[TimeLimit] = []
    last_handle: _dt.datetime | None = None
    for e in events:
        if e.kind is EventKind.HANDLE:
            last_handle = e.at
        if e.at < start:
            continue
        if e.kind is EventKind.SUSPEND:
            open_pause = e.at
        elif e.kind is EventKind.RESUME and open_pause is not None:
            pauses.append((open_pause, e.at))
            open_pause = None
        elif e.kind is EventKind.EXTEND and e.extension is not None:
            extensions.append(e.extension)
    stopped: _dt.datetime | None = None
    last = events[-1]
    if last.kind in _FINISHED and last_handle is not None:
        stopped = last_handle
    elif last.kind is EventKind.VOID:
        stopped = last.at
    return applied, start, pauses, open_pause, extensions, stopped


def deadline(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
    at: _dt.datetime | None = None,
) -> Deadline | None:
    """The full deadline of ``case`` as known at ``at`` (default: its whole history).

    ``None`` before the first dispatch. See the module's conventions for pauses (缓办),
    extensions (延期) and rework (返工).

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
    >>> d = deadline(case, DeadlineRules(), WorkCalendar.china())
    >>> d.due.hour, d.due.minute, d.provisional  # one working hour later than 14:30
    (15, 30, False)
    """
    if at is not None:
        aware(at, "at")
    found = _clock_of(case, _section(rules_or_policy), calendar, at)
    if found is None:
        return None
    applied, start, pauses, open_pause, extensions, stopped = found
    due: _dt.datetime | None = calendar.add(start, applied.limit, pauses=pauses)
    for ext in extensions:
        due = calendar.add(due, ext, pauses=pauses)  # type: ignore[arg-type]
    assert due is not None
    provisional = bool(calendar.provisional_years_in(start, due))
    if open_pause is not None and open_pause < due:
        due = None
    shown: list[tuple[_dt.datetime, _dt.datetime | None]] = list(pauses)
    if open_pause is not None:
        shown.append((open_pause, None))
    return Deadline(applied, start, due, tuple(shown), tuple(extensions), stopped, provisional)


def due_at(
    case: Case, rules_or_policy: DeadlineRules | HasDeadlines, calendar: WorkCalendar
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
    >>> due_at(case, DeadlineRules(), WorkCalendar.china())  # across National Day
    datetime.datetime(2024, 10, 8, 11, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
    """
    found = deadline(case, rules_or_policy, calendar)
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


def _stop(d: Deadline, at: _dt.datetime) -> _dt.datetime:
    stop = at if d.stopped is None else min(d.stopped, at)
    open_from = next((p for p, q in d.pauses if q is None), None)
    return stop if open_from is None else min(stop, open_from)


def is_overdue(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
    at: _dt.datetime,
) -> bool:
    """Whether ``case`` is overdue (超期) at ``at``: not handled by its due time.

    A case handled (处置反馈) or voided after its due time stays overdue; a case not yet
    dispatched, or suspended before its due time, is not.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "道路不洁", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> cal = WorkCalendar.china()  # road cleaning: 2 working hours, due 11:00
    >>> is_overdue(case, DeadlineRules(), cal, t.replace(hour=11)), is_overdue(
    ...     case, DeadlineRules(), cal, t.replace(hour=11, minute=1))
    (False, True)
    """
    d = deadline(case, rules_or_policy, calendar, at)
    if d is None or d.due is None:
        return False
    stop = at if d.stopped is None else d.stopped
    return stop > d.due


def remaining(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
    at: _dt.datetime,
) -> _dt.timedelta | None:
    """The time left (剩余时限) at ``at``: working time for working-unit limits, elapsed
    time for calendar ones, less suspensions; negative once overdue. Frozen when the
    clock stopped (handled, voided or suspended). ``None`` before dispatch.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> remaining(case, DeadlineRules(), WorkCalendar.china(), t.replace(hour=10))
    datetime.timedelta(seconds=10800)
    """
    d = deadline(case, rules_or_policy, calendar, at)
    if d is None:
        return None
    due = d.due if d.due is not None else _closed_due(d, calendar)
    return _measure(calendar, _stop(d, at), due, d.pauses, _working(d.applied))


def _closed_due(d: Deadline, cal: WorkCalendar) -> _dt.datetime:
    closed = [(p, q) for p, q in d.pauses if q is not None]
    due = cal.add(d.start, d.applied.limit, pauses=closed)
    for ext in d.extensions:
        due = cal.add(due, ext, pauses=closed)
    return due


def warnings(
    case: Case,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
    at: _dt.datetime,
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
    >>> warnings(case, DeadlineRules(), WorkCalendar.china(), t.replace(hour=11))
    (Fraction(1, 2),)
    """
    table = _section(rules_or_policy)
    d = deadline(case, table, calendar, at)
    if d is None:
        return ()
    due = d.due if d.due is not None else _closed_due(d, calendar)
    working = _working(d.applied)
    total = _measure(calendar, d.start, due, d.pauses, working)
    used = _measure(calendar, d.start, _stop(d, at), d.pauses, working)
    points = [Fraction(p) for p in table.warning_points.at(d.applied.on)]
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
    calendar: WorkCalendar,
) -> _dt.datetime | None:
    """When a stage's own limit (环节时限) expires: ``accept`` (受理, from the report),
    ``file`` (立案, from acceptance), ``dispatch`` (派遣, from filing) or ``verify`` (核查,
    from the latest handling report). ``None`` if the stage has no limit or has not
    started.

    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t)
    >>> rules = DeadlineRules(stages={"accept": "1 working hours"})
    >>> stage_due_at(case, "accept", rules, WorkCalendar.china()).hour
    10
    """
    if stage not in _STAGES:
        raise PolicyError(
            f"{stage!r} is not a stage", field="stage", hint=f"use one of {', '.join(_STAGES)}"
        )
    table = _section(rules_or_policy)
    value: Dated[TimeLimit] | None = getattr(table.stages, stage)
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
    return calendar.add(start, value.at(_rules_date(case, calendar.tz)))


# ------------------------------------------------------------------ batch (columnar)


def due_at_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
) -> npt.NDArray[np.datetime64]:
    """Due times of many cases at once (vectorised :func:`due_at`).

    Parameters
    ----------
    columns
        The cases in columnar form (:class:`~urbangov.cases.CaseColumns`).
    rules_or_policy
        A :class:`DeadlineRules` or anything with a ``deadlines`` attribute.
    calendar
        The :class:`~urbangov.calendar.WorkCalendar`.

    Returns
    -------
    numpy.ndarray
        ``datetime64[ns]`` UTC per case: ``NaT`` before dispatch and while an open
        suspension stopped the clock. Equal to :func:`due_at` for whole-microsecond
        inputs.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseColumns, CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> due_at_batch(CaseColumns.from_cases([case]), DeadlineRules(), WorkCalendar.china())
    array(['2024-05-06T06:30:00.000000000'], dtype='datetime64[ns]')
    """
    from urbangov.deadlines._batch import batch_clock

    return batch_clock(columns, _section(rules_or_policy), calendar, None, stops=False).due


def overdue_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
    at: _dt.datetime,
) -> npt.NDArray[np.bool_]:
    """Overdue flags (超期) of many cases at ``at`` (vectorised :func:`is_overdue`).

    >>> from urbangov.cases import CaseColumns
    >>> overdue_batch(CaseColumns.from_cases([]), DeadlineRules(), WorkCalendar.china(),
    ...               _dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))
    array([], dtype=bool)
    """
    from urbangov.deadlines._batch import batch_clock

    return batch_clock(columns, _section(rules_or_policy), calendar, aware(at, "at")).overdue()


def warning_levels_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar,
    at: _dt.datetime,
) -> npt.NDArray[np.int8]:
    """Warning levels (预警级别) of many cases at ``at``: how many warning points each
    case's clock passed (``len(warnings(...))``); 0 before dispatch.

    >>> from urbangov.cases import CaseColumns
    >>> warning_levels_batch(CaseColumns.from_cases([]), DeadlineRules(),
    ...                      WorkCalendar.china(), _dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))
    array([], dtype=int8)
    """
    from urbangov.deadlines._batch import batch_clock

    table = _section(rules_or_policy)
    return batch_clock(columns, table, calendar, aware(at, "at")).warning_levels(table)
