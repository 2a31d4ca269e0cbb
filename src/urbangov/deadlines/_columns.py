"""Deadlines of many cases at once, over ``CaseColumns`` (private).

:mod:`urbangov.deadlines` re-exports these; each equals its scalar function case by case
(Hypothesis checks it).
"""

from __future__ import annotations

import datetime as _dt

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import aware
from urbangov.calendar import WorkCalendar
from urbangov.cases import CaseColumns
from urbangov.deadlines._batch import batch_clock
from urbangov.deadlines._context import context
from urbangov.deadlines._rules import DeadlineRules, HasDeadlines

__all__ = [
    "DeadlineColumns",
    "deadline_batch",
    "due_at_batch",
    "overdue_batch",
    "provisional_batch",
    "warning_levels_batch",
]


def _at(at: object) -> _dt.datetime:
    return aware(at, "at")


def due_at_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
) -> npt.NDArray[np.datetime64]:
    """Due times of many cases at once (vectorised :func:`due_at`).

    Parameters
    ----------
    columns
        The cases in columnar form (:class:`~urbangov.cases.CaseColumns`).
    rules_or_policy
        A :class:`DeadlineRules` or anything with a ``deadlines`` attribute (a Policy,
        whose calendar and taxonomy are then used).
    calendar
        The :class:`~urbangov.calendar.WorkCalendar` (default: the policy's own).

    Returns
    -------
    numpy.ndarray
        ``datetime64[ns]`` UTC per case: ``NaT`` before dispatch and while an open
        suspension stopped the clock. Equal to :func:`due_at` for whole-microsecond
        inputs. :func:`provisional_batch` says which touched a provisional year.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import Case, CaseColumns, CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street")])
    >>> due_at_batch(CaseColumns.from_cases([case]), DeadlineRules())
    array(['2024-05-06T06:30:00.000000000'], dtype='datetime64[ns]')
    """
    return batch_clock(columns, context(rules_or_policy, calendar), None, stops=False).due


def provisional_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
) -> npt.NDArray[np.bool_]:
    """Per case, whether its clock ran through a provisional year (no official holiday
    data, computed as Monday–Friday): the batch form of :attr:`Deadline.provisional`.

    >>> from urbangov.cases import CaseColumns
    >>> provisional_batch(CaseColumns.from_cases([]), DeadlineRules())
    array([], dtype=bool)
    """
    return batch_clock(columns, context(rules_or_policy, calendar), None, stops=False).provisional()


def overdue_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> npt.NDArray[np.bool_]:
    """Overdue flags (超期) of many cases at ``at`` (vectorised :func:`is_overdue`).

    >>> from urbangov.cases import CaseColumns
    >>> overdue_batch(CaseColumns.from_cases([]), DeadlineRules(),
    ...               at=_dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))
    array([], dtype=bool)
    """
    return batch_clock(columns, context(rules_or_policy, calendar), _at(at)).overdue()


def warning_levels_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> npt.NDArray[np.int8]:
    """Warning levels (预警级别) of many cases at ``at``: how many warning points each
    case's clock passed (``len(warnings(...))``); 0 before dispatch.

    >>> from urbangov.cases import CaseColumns
    >>> warning_levels_batch(CaseColumns.from_cases([]), DeadlineRules(),
    ...                      at=_dt.datetime(2024, 1, 1, tzinfo=_dt.UTC))
    array([], dtype=int8)
    """
    ctx = context(rules_or_policy, calendar)
    return batch_clock(columns, ctx, _at(at)).warning_levels(ctx.table)


@attrs.frozen(eq=False)
class DeadlineColumns:
    """The batch form of :class:`Deadline`: per case, ``datetime64[ns]`` UTC columns
    (``NaT``: none) of when the handling clock started (``start``), when the limit
    expires (``due``; ``NaT`` before dispatch and while an open suspension stopped the
    clock) and when the clock stopped for good (``stopped``: :func:`stopped_at`)."""

    start: npt.NDArray[np.datetime64]
    due: npt.NDArray[np.datetime64]
    stopped: npt.NDArray[np.datetime64]


def deadline_batch(
    columns: CaseColumns,
    rules_or_policy: DeadlineRules | HasDeadlines,
    calendar: WorkCalendar | None = None,
    at: _dt.datetime | None = None,
) -> DeadlineColumns:
    """Start, due and stop times of many cases as known at ``at`` (default: their whole
    histories), in one pass: the vectorised :func:`deadline` (its ``start``, ``due`` and
    ``stopped``), for callers that need more than one of them (escalation steps).

    Equal to :func:`deadline` case by case for whole-microsecond inputs.

    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import Case, CaseColumns, CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street"),
    ...     CaseEvent("handle", t.replace(hour=15))])
    >>> cols = deadline_batch(CaseColumns.from_cases([case]), DeadlineRules())
    >>> cols.due, cols.stopped
    (array(['2024-05-06T06:30:00.000000000'], dtype='datetime64[ns]'), \
array(['2024-05-06T07:00:00.000000000'], dtype='datetime64[ns]'))
    >>> deadline_batch(CaseColumns.from_cases([case]), DeadlineRules(),
    ...                at=t.replace(hour=14)).stopped
    array(['NaT'], dtype='datetime64[ns]')
    """
    when = None if at is None else _at(at)
    clock = batch_clock(columns, context(rules_or_policy, calendar), when)
    start = clock.start.view("datetime64[ns]")
    return DeadlineColumns(start, clock.due, clock.stopped.view("datetime64[ns]"))
