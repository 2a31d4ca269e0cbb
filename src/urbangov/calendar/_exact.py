"""The exact path of working-time arithmetic on a :class:`Clock` (private).

The reference :meth:`~urbangov.calendar.WorkCalendar.add` and ``working_time_between``
use; instants are integer microseconds since the epoch (UTC).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from urbangov.calendar._batch import Clock
from urbangov.calendar._time import add_elapsed
from urbangov.calendar._values import TimeLimit, TimeUnit
from urbangov.errors import CalendarError

__all__ = ["add_days", "add_exact", "add_work", "between", "paused_work"]


def add_work(clock: Clock, t: int, amount: int, spans: Sequence[tuple[int, int]]) -> int:
    """``t`` plus ``amount`` working µs, skipping the pause ``spans`` (exact path)."""
    day = clock.day_of(t)
    if amount == 0 or spans or not 0 <= day < clock.ndays:
        clock.check_days(day, day)
    if amount == 0:
        return t
    current, rest = t, amount
    for a, b in spans:
        if b <= current:
            continue
        if a > current:
            available = between(clock, current, a)
            if rest <= available:
                break
            rest -= available
        current = max(current, b)
    if current != t:
        clock.check_days(day, max(day, clock.day_of(current)))
    found = clock.instant(clock.position(current) + rest)
    if found is None:
        raise clock.uncovered(clock.year_of(clock.ndays))
    due, due_day = found
    clock.check_days(day, due_day)
    return due


def add_days(clock: Clock, t: int, n: int) -> int:
    """The close of the ``n``-th working day after ``t``'s day (exact path)."""
    day = clock.day_of(t)
    clock.check_days(day, day)
    if n == 0:
        return t
    k = clock.l_wd_rank[day] + n - 1
    if k >= len(clock.l_wd_days):
        raise clock.uncovered(clock.year_of(clock.ndays))
    due_day = clock.l_wd_days[k]
    clock.check_days(day, due_day)
    return clock.l_last_close[due_day]


def between(clock: Clock, a: int, b: int) -> int:
    """Working µs from ``a`` to ``b`` (negative when ``b < a``)."""
    da, db = clock.day_of(a), clock.day_of(b)
    clock.check_days(min(da, db), max(da, db))
    return clock.position(b) - clock.position(a)


def paused_work(clock: Clock, a: int, b: int, spans: list[tuple[int, int]]) -> int:
    """Working µs inside the pause ``spans`` between ``a`` and ``b``."""
    total = 0
    for lo, hi in spans:
        lo, hi = max(lo, a), min(hi, b)
        if lo < hi:
            total += between(clock, lo, hi)
    return total


def add_exact(
    clock_of: Callable[[], Clock],
    t: int,
    limit: TimeLimit,
    spans: list[tuple[int, int]],
    *,
    paused: bool,
) -> int:
    """``limit`` from ``t`` (µs), skipping the pause ``spans`` (merged, those ending after
    ``t``); ``paused``: pauses were given (even if none reaches past ``t``). ``clock_of``
    builds the clock only for working units."""
    if not isinstance(limit, TimeLimit):
        raise CalendarError(f"{limit!r} is not a TimeLimit", field="limit")
    unit = limit.unit
    if unit.working and unit is not TimeUnit.WORKING_DAYS and not paused:
        return add_work(clock_of(), t, limit.working_us, ())
    if unit is TimeUnit.WORKING_DAYS:
        clock = clock_of()
        due = add_days(clock, t, int(limit.amount))
        if spans:
            due = add_work(clock, t, between(clock, t, due), spans)
        return due
    if unit.working:
        return add_work(clock_of(), t, limit.microseconds(), spans)
    return add_elapsed(t, limit.microseconds(), spans)
