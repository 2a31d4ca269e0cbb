"""Departments' working-time lines (private): the calendar each kind of department
works by, and instants to and from working time since the run's start.

Offices work the policy's calendar; stations and enforcement teams their shift every
day, weekends included (built once per shift and span: a calendar compiles its clock on
first use, and replicates share it); police around the clock (no calendar: elapsed
time).
"""

from __future__ import annotations

import datetime as _dt
import functools

import numpy as np
import numpy.typing as npt

from urbangov.calendar import WorkCalendar, WorkSchedule
from urbangov.sim._model import DepartmentModel

__all__ = ["clock_of", "instant", "position"]

I64 = npt.NDArray[np.int64]
MIN = 60 * 10**9


def clock_of(
    model: DepartmentModel, calendar: WorkCalendar, start: _dt.datetime, days: int
) -> WorkCalendar | None:
    """The calendar a department of ``model`` works by in a run of ``days`` from
    ``start`` under the policy's ``calendar`` (``None``: round the clock)."""
    if model.hours == "office":
        return calendar
    if model.hours == "always":
        return None
    # the years the run and its due times touch (a clock compiles per year covered);
    # a run outside the policy's calendar keeps all of it (and its errors)
    first = start.year
    last = (start + _dt.timedelta(days=days)).year + 1
    years = tuple(y for y in calendar.coverage if first <= y <= last)
    if not set(range(first, last)) <= set(years):
        years = calendar.coverage
    return _shift_calendar(model.shift, calendar.tz, years, calendar.provisional)


@functools.lru_cache(maxsize=16)
def _shift_calendar(
    shift: WorkSchedule, tz: str, years: tuple[int, ...], provisional: bool
) -> WorkCalendar:
    weekends = [
        d
        for y in sorted(years)
        for d in (_dt.date(y, 1, 1) + _dt.timedelta(days=i) for i in range(366))
        if d.year == y and d.weekday() >= 5
    ]
    return WorkCalendar(shift, tz, (), weekends, frozenset(years), provisional)


def position(clock: WorkCalendar | None, start_ns: int, t: I64) -> I64:
    """Working time (ns) of ``clock`` from the run's start to each instant ``t`` (ns)."""
    if clock is None:
        out: I64 = t - start_ns
        return out
    epoch = np.array([start_ns], dtype=np.int64).view("datetime64[ns]")
    found: I64 = clock.between_batch(epoch, t.view("datetime64[ns]")).view(np.int64)
    return found


def instant(clock: WorkCalendar | None, start_ns: int, minutes: I64) -> I64:
    """The instants (ns) ``minutes`` working minutes of ``clock`` after the run's start."""
    if not minutes.size:
        return np.zeros(0, dtype=np.int64)
    if clock is None:
        out: I64 = start_ns + minutes * MIN
        return out
    epoch = np.full(minutes.size, start_ns, dtype=np.int64).view("datetime64[ns]")
    found: I64 = clock.add_batch(epoch, minutes, "working_minutes").view(np.int64)
    return found
