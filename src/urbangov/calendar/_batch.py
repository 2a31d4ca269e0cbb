"""The working-time clock behind :class:`urbangov.calendar.WorkCalendar` (private).

A :class:`Clock` lays every working window of every day in the calendar's span on the
UTC time line, in integer microseconds (scalar path, Python ints) and nanoseconds
(batch path, numpy ``int64``; always exactly 1000× the microsecond figures). The
working-time position of an instant is the working time before it since the span
began; adding working time is inverting that monotone function with a binary search
(``bisect`` for one instant, ``np.searchsorted`` for millions). Window edges are
local wall-clock times converted with ``fold=0`` (PEP 495), so zones with daylight
saving are handled: a window's length is its real, elapsed length.

Imported only by :mod:`urbangov.calendar`.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import NAT, datetime64_ns
from urbangov.errors import CalendarCoverageError, CalendarError, ProvisionalCalendarWarning

__all__ = ["BATCH_UNITS", "CHUNK", "Clock", "batch_add", "batch_between", "chunks"]

BATCH_UNITS = ("working_minutes", "working_days", "minutes", "days")

I64 = npt.NDArray[np.int64]
DAY_US = 86_400_000_000
MIN_US = 60_000_000
EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
CHUNK = 1 << 20  # rows per batch chunk: temporaries stay a few times 8 MiB

# A covered day, a provisional (Mon–Fri) day, a day outside coverage.
COVERED, PROVISIONAL, UNCOVERED = 0, 1, 2  # the status of a year


def chunks(n: int) -> Iterable[slice]:
    """Slices of ``range(n)`` of at most :data:`CHUNK` rows."""
    for lo in range(0, n, CHUNK):
        yield slice(lo, min(n, lo + CHUNK))


class Clock:
    """Working windows of a span of years, for one schedule, zone and set of days.

    Built once per calendar (lazily) and never changed afterwards.
    """

    def __init__(
        self,
        *,
        years: tuple[int, int],
        zone: _dt.tzinfo,
        periods: tuple[tuple[Any, Any, tuple[tuple[int, int], ...]], ...],
        period_of_doy: list[int],
        overrides: Mapping[_dt.date, bool],
        status_of_year: Callable[[int], int],
        covered: tuple[int, ...],
    ) -> None:
        y0, y1 = years
        self.covered = covered
        self.y0, self.y1 = y0, y1
        first = _dt.date(y0, 1, 1).toordinal() - EPOCH_ORDINAL
        last = _dt.date(y1 + 1, 1, 1).toordinal() - EPOCH_ORDINAL
        self.day0 = first
        self.ndays = last - first
        self.zone = zone
        days = np.arange(first, last, dtype=np.int64)
        self._day_flags(days, overrides, status_of_year)
        period = _period_of_days(days, period_of_doy)
        opens, closes = _window_edges(periods)
        self.width = opens.shape[1]
        self._windows(days, period, opens, closes)
        self._scalar_copies()
        self._batch_copies()

    def _day_flags(
        self,
        days: I64,
        overrides: Mapping[_dt.date, bool],
        status_of_year: Callable[[int], int],
    ) -> None:
        """Which days are worked, and each day's coverage status (with prefix sums)."""
        first, n = self.day0, self.ndays
        year = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
        work = ((days + 3) % 7) < 5  # 1970-01-01 was a Thursday; Mon=0
        for d, is_worked in overrides.items():
            i = d.toordinal() - EPOCH_ORDINAL - first
            if 0 <= i < n:
                work[i] = is_worked
        self.work = work
        status = np.array([status_of_year(y) for y in range(self.y0, self.y1 + 1)], dtype=np.int8)
        self.status = status[year - self.y0]
        self.bad_prefix = _prefix(self.status == UNCOVERED)
        self.prov_prefix = _prefix(self.status == PROVISIONAL)

    def _windows(self, days: I64, period: I64, opens: I64, closes: I64) -> None:
        """Every day's windows in UTC µs, their lengths and the working time before each."""
        first, n, width, zone = self.day0, self.ndays, self.width, self.zone
        # UTC offset at each local midnight (fold=0), then per window edge where it moves.
        offsets = _midnight_offsets(zone, first, n + 1)
        self.fixed_offset: int | None = int(offsets[0]) if (offsets == offsets[0]).all() else None
        # With one offset over the span, the scalar hot path (calendar._fast) works on
        # wall-clock times in this zone.
        local_open = days[:, None] * DAY_US + opens[period] * MIN_US
        local_close = days[:, None] * DAY_US + closes[period] * MIN_US
        off_open = np.repeat(offsets[:-1, None], width, axis=1)
        off_close = off_open.copy()
        if self.fixed_offset is None:
            for i in np.flatnonzero(offsets[:-1] != offsets[1:]).tolist():
                for w in range(width):
                    off_open[i, w] = _offset_us(zone, first + i, int(opens[period[i], w]))
                    off_close[i, w] = _offset_us(zone, first + i, int(closes[period[i], w]))
        wopen = local_open - off_open
        wclose = local_close - off_close
        wlen = np.maximum(wclose - wopen, 0) * self.work[:, None]
        self.day_start = np.append(days * DAY_US - offsets[:-1], (first + n) * DAY_US - offsets[-1])
        self.wopen = wopen
        self.wlen = wlen
        self.wcum = np.cumsum(wlen, axis=1) - wlen
        self.wcum_end = self.wcum + wlen
        self.daycum = np.concatenate([[0], np.cumsum(wlen.sum(axis=1))]).astype(np.int64)
        self.last_close = wclose[:, -1]
        self.wd_days = np.flatnonzero(self.work).astype(np.int64)
        self.wd_rank = np.cumsum(self.work).astype(np.int64)  # workdays with index <= d

    def _scalar_copies(self) -> None:
        """Plain-Python copies for the scalar path (bisect on lists beats numpy per call)."""
        wlen, width = self.wlen, self.width
        self.l_day_start: list[int] = self.day_start.tolist()
        # Every window of positive length, in time order, flat: its opening, length,
        # working time before it since the span began, and its day.
        keep = wlen.ravel() > 0
        self.l_open: list[int] = self.wopen.ravel()[keep].tolist()
        self.l_len: list[int] = wlen.ravel()[keep].tolist()
        self.l_before: list[int] = (self.daycum[:-1, None] + self.wcum).ravel()[keep].tolist()
        self.l_after: list[int] = [b + ln for b, ln in zip(self.l_before, self.l_len, strict=True)]
        self.l_win_day: list[int] = np.repeat(np.arange(self.ndays), width)[keep].tolist()
        self.l_last_close: list[int] = self.last_close.tolist()
        self.l_wd_days: list[int] = self.wd_days.tolist()
        self.l_wd_rank: list[int] = self.wd_rank.tolist()
        self.l_bad: list[int] = self.bad_prefix.tolist()
        self.l_prov: list[int] = self.prov_prefix.tolist()

    def _batch_copies(self) -> None:
        """Nanosecond copies for the batch path, with a block index of the working-time
        line replacing a binary search in the batch inverse: with blocks no longer than
        the shortest working day, a target's day is the block's first candidate or the
        next working day. Sentinels past the end (day ``ndays``) spare the clamps."""
        self.n_day_start = self.day_start * 1000
        self.n_wopen = (self.wopen * 1000).ravel()
        self.n_wlen = (self.wlen * 1000).ravel()
        self.n_wcum = (self.wcum * 1000).ravel()
        self.n_wcum_end = (self.wcum_end * 1000).ravel()
        self.n_daycum = self.daycum * 1000
        self.n_daycum_end = self.n_daycum[1:]
        self.n_last_close = self.last_close * 1000
        worked_days = np.flatnonzero(self.daycum[1:] > self.daycum[:-1])
        self.n_worked_days = np.append(worked_days, self.ndays).astype(np.int64)
        self.n_worked_end = np.append(self.n_daycum_end[worked_days], np.iinfo(np.int64).max)
        self.n_total = int(self.daycum[-1]) * 1000
        self.block = int(np.diff(self.daycum)[worked_days].min()) * 1000 if worked_days.size else 0
        self.blocks: I64 | None = None
        if self.block and self.n_total // self.block < 50_000_000:
            edges = np.arange(0, self.n_total // self.block + 2, dtype=np.int64) * self.block
            self.blocks = np.searchsorted(self.n_worked_end, edges, side="left").astype(np.int64)
        pad = np.zeros(self.width, dtype=np.int64)
        self.n_wopen = np.append(self.n_wopen, pad)
        self.n_wcum = np.append(self.n_wcum, pad)
        self.n_wcum_end = np.append(self.n_wcum_end, pad)

    # -- coverage ----------------------------------------------------------------------
    def uncovered(self, year: int) -> CalendarCoverageError:
        """The error for a computation touching ``year``, saying how to add the year."""
        span = f"{self.covered[0]}–{self.covered[-1]}" if self.covered else "none"
        return CalendarCoverageError(
            f"{year} is outside the calendar's coverage (covered years: {span})",
            field="date",
            hint=f"add {year}'s official holidays and make-up workdays with "
            f"cal.with_days(holidays=..., workdays=..., covers=({year},)) or a calendar file "
            "(WorkCalendar.load), or opt in to WorkCalendar.china(provisional=True)",
        )

    def check_days(self, lo: int, hi: int) -> None:
        """Raise for days outside coverage in ``[lo, hi]``; warn for provisional ones."""
        if lo < 0:
            raise self.uncovered(self.year_of(lo))
        if hi >= self.ndays:
            raise self.uncovered(self.year_of(hi))
        if self.l_bad[hi + 1] != self.l_bad[lo]:
            bad = lo + int(np.argmax(self.status[lo : hi + 1] == UNCOVERED))
            raise self.uncovered(self.year_of(bad))
        if self.l_prov[hi + 1] != self.l_prov[lo]:
            self.warn(lo, hi)

    def warn(self, lo: int, hi: int) -> None:
        """Emit :class:`ProvisionalCalendarWarning` naming the provisional years of
        days ``[lo, hi]``."""
        days = np.flatnonzero(self.status[lo : hi + 1] == PROVISIONAL) + lo
        years = sorted({self.year_of(int(d)) for d in days})
        warnings.warn(
            f"years {', '.join(map(str, years))} have no official holiday data; working time "
            "was computed as Monday–Friday (provisional)",
            ProvisionalCalendarWarning,
            stacklevel=4,
        )

    def check_batch(self, lo: I64, hi: I64) -> I64:
        """Vectorised :meth:`check_days` over day ranges ``[lo, hi]``; returns ``lo``."""
        if lo.size == 0:
            return lo
        low, high = int(lo.min()), int(hi.max())
        if low < 0:
            raise self.uncovered(self.year_of(low))
        if high >= self.ndays:
            raise self.uncovered(self.year_of(high))
        if self.l_bad[-1]:
            crossed = self.bad_prefix[hi + 1] != self.bad_prefix[lo]
            if crossed.any():
                i = int(np.argmax(crossed))
                self.check_days(int(lo[i]), int(hi[i]))
        if self.l_prov[-1]:
            touched = self.prov_prefix[hi + 1] != self.prov_prefix[lo]
            if touched.any():
                self.warn(int(lo[touched].min()), int(hi[touched].max()))
        return lo

    # -- days --------------------------------------------------------------------------
    def year_of(self, day: int) -> int:
        """The year of day index ``day`` (any integer, inside the span or not)."""
        return _dt.date.fromordinal(EPOCH_ORDINAL + self.day0 + day).year

    def day_of(self, us: int) -> int:
        """The local day index of an instant (µs since the epoch, UTC)."""
        if self.fixed_offset is not None:
            return (us + self.fixed_offset) // DAY_US - self.day0
        return bisect_right(self.l_day_start, us) - 1

    def day_index(self, d: _dt.date) -> int:
        return d.toordinal() - EPOCH_ORDINAL - self.day0

    # -- scalar ------------------------------------------------------------------------
    def position(self, us: int) -> int:
        """Working µs before instant ``us`` since the span began."""
        i = bisect_right(self.l_open, us) - 1
        if i < 0:
            return 0
        elapsed = us - self.l_open[i]
        length = self.l_len[i]
        return self.l_before[i] + (elapsed if elapsed < length else length)

    def instant(self, target: int) -> tuple[int, int] | None:
        """The earliest instant whose position reaches ``target`` > 0, and the day of its
        window (``None`` past the span). A target that ends exactly at a window's close
        returns the close, not the next opening."""
        j = bisect_left(self.l_after, target)
        if j >= len(self.l_after):
            return None
        return self.l_open[j] + target - self.l_before[j], self.l_win_day[j]

    # -- batch -------------------------------------------------------------------------
    def days_of(self, ns: I64) -> I64:
        """Local day indexes of instants in ns (vectorised :meth:`day_of`)."""
        if self.fixed_offset is not None:
            out: I64 = (ns + self.fixed_offset * 1000) // (DAY_US * 1000) - self.day0
            return out
        found: I64 = np.searchsorted(self.n_day_start, ns, side="right") - 1
        return found

    def positions(self, ns: I64, day: I64) -> I64:
        """Vectorised :meth:`position` in ns (``day`` must lie inside the span)."""
        base = day * self.width
        pos = self.n_daycum[day]
        for w in range(self.width):
            k = base + w
            pos = pos + np.clip(ns - self.n_wopen[k], 0, self.n_wlen[k])
        out: I64 = pos
        return out

    def instants(self, target: I64) -> tuple[I64, I64]:
        """Vectorised :meth:`instant` for targets >= 0; days equal to ``ndays`` mark
        targets past the span (their due times are meaningless)."""
        if self.blocks is not None:
            b = np.minimum(target // self.block, self.blocks.size - 1)
            w = self.blocks[b]
            w += self.n_worked_end[w] < target
            day = self.n_worked_days[w]
        else:
            day = np.searchsorted(self.n_daycum_end, target, side="left")
        inside = day
        rest = target - self.n_daycum[inside]
        base = inside * self.width
        w = np.zeros_like(rest)
        for i in range(self.width - 1):
            w += self.n_wcum_end[base + i] < rest
        k = base + w
        due: I64 = self.n_wopen[k] + rest - self.n_wcum[k]
        return due, day


def batch_add(
    clock_of: Callable[[], Clock], starts: object, amounts: object, unit: str
) -> npt.NDArray[np.datetime64]:
    """``WorkCalendar.add_batch``: chunked, NaT-preserving (``clock_of`` builds the clock
    only for working units)."""
    if unit not in BATCH_UNITS:
        raise CalendarError(
            f"{unit!r} is not a batch unit", field="unit", hint=f"use one of {BATCH_UNITS}"
        )
    t_all = as_ns(starts, "starts")
    n_all = np.broadcast_to(whole_amounts(amounts), t_all.shape)
    out = np.empty(t_all.shape, dtype=np.int64)
    flat_t, flat_n, flat_o = t_all.reshape(-1), n_all.reshape(-1), out.reshape(-1)
    clock = clock_of() if unit.startswith("working") else None
    for part in chunks(flat_t.size):
        flat_o[part] = _add_part(clock, flat_t[part], flat_n[part], unit)
    return out.view("datetime64[ns]")


def _add_part(clock: Clock | None, t: I64, n: I64, unit: str) -> I64:
    nat = t == NAT
    has_nat = bool(nat.any())
    if clock is None:
        if has_nat:
            t = np.where(nat, 0, t)
        due: I64 = t + n * (60_000_000_000 if unit == "minutes" else 86_400_000_000_000)
    else:
        if has_nat:
            t = np.where(nat, clock.n_day_start[0], t)
        day = clock.check_batch(clock.days_of(t), clock.days_of(t))
        if unit == "working_minutes":
            due, due_day = clock.instants(clock.positions(t, day) + n * 60_000_000_000)
        else:
            k = clock.wd_rank[day] + n - 1
            if (k >= clock.wd_days.size).any():
                raise clock.uncovered(clock.year_of(clock.ndays))
            due_day = clock.wd_days[np.maximum(k, 0)]
            due = clock.n_last_close[due_day]
        zero = n == 0
        if zero.any():
            due = np.where(zero, t, due)
            due_day = np.where(zero, day, due_day)
        if (due_day >= clock.ndays).any():
            raise clock.uncovered(clock.year_of(clock.ndays))
        clock.check_batch(day, due_day)
    if has_nat:
        due = np.where(nat, NAT, due)
    return due


def batch_between(clock: Clock, starts: object, ends: object) -> npt.NDArray[np.timedelta64]:
    """``WorkCalendar.between_batch``: chunked, NaT-preserving."""
    a_in, b_in = as_ns(starts, "starts"), as_ns(ends, "ends")
    if a_in.size == 1 and b_in.size > 1 and a_in.item() != NAT:
        return _since(clock, int(a_in.item()), b_in, np.broadcast_shapes(a_in.shape, b_in.shape))
    a_all, b_all = np.broadcast_arrays(a_in, b_in)
    out = np.empty(a_all.shape, dtype=np.int64)
    fa, fb, fo = a_all.reshape(-1), b_all.reshape(-1), out.reshape(-1)
    for part in chunks(fa.size):
        a, b = fa[part], fb[part]
        nat = (a == NAT) | (b == NAT)
        if nat.any():
            a = np.where(nat, clock.n_day_start[0], a)
            b = np.where(nat, clock.n_day_start[0], b)
        da, db = clock.days_of(a), clock.days_of(b)
        clock.check_batch(np.minimum(da, db), np.maximum(da, db))
        fo[part] = np.where(nat, NAT, clock.positions(b, db) - clock.positions(a, da))
    return out.view("timedelta64[ns]")


def _since(
    clock: Clock, start: int, ends: I64, shape: tuple[int, ...]
) -> npt.NDArray[np.timedelta64]:
    """:func:`batch_between` from one instant: its position is found once."""
    first = np.array([start], dtype=np.int64)
    d0 = clock.days_of(first)
    p0 = int(clock.positions(first, d0)[0])
    day0 = int(d0[0])
    out = np.empty(shape, dtype=np.int64)
    fb, fo = np.broadcast_to(ends, shape).reshape(-1), out.reshape(-1)
    for part in chunks(fb.size):
        b = fb[part]
        nat = b == NAT
        if nat.any():
            b = np.where(nat, start, b)
        db = clock.days_of(b)
        clock.check_batch(np.minimum(db, day0), np.maximum(db, day0))
        fo[part] = np.where(nat, NAT, clock.positions(b, db) - p0)
    return out.view("timedelta64[ns]")


def as_ns(values: object, field: str) -> I64:
    """``datetime64`` values as int64 nanoseconds since the epoch (UTC)."""
    return datetime64_ns(values, field, CalendarError)


def whole_amounts(values: object) -> I64:
    """Batch amounts as int64, rejecting fractions, negatives and non-numbers."""
    arr = np.asarray(values)
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
            raise CalendarError(
                "batch amounts must be whole numbers", field="amounts", hint="round them first"
            )
    elif arr.dtype.kind not in "iu":
        raise CalendarError(f"amounts of dtype {arr.dtype} are not numbers", field="amounts")
    ints: I64 = arr.astype(np.int64, copy=False)
    if (ints < 0).any():
        raise CalendarError("a time limit cannot be negative", field="amounts")
    return ints


def _period_of_days(days: I64, period_of_doy: list[int]) -> I64:
    """The schedule period of each date, from its day of a leap year (0..365)."""
    dates = days.astype("datetime64[D]")
    month_start = dates.astype("datetime64[M]")
    month = (month_start - dates.astype("datetime64[Y]")).astype(np.int64)
    mday = (dates - month_start).astype(np.int64)
    cum_days = np.array([0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335])
    period: I64 = np.asarray(period_of_doy, dtype=np.int64)[cum_days[month] + mday]
    return period


def _window_edges(
    periods: tuple[tuple[Any, Any, tuple[tuple[int, int], ...]], ...],
) -> tuple[I64, I64]:
    """Per schedule period, its windows' openings and closings in minutes, padded to the
    widest period with empty windows at its last close."""
    width = max(len(p[2]) for p in periods)
    opens = np.zeros((len(periods), width), dtype=np.int64)
    closes = np.zeros((len(periods), width), dtype=np.int64)
    for p, (_s, _e, windows) in enumerate(periods):
        for w in range(width):
            a, b = windows[w] if w < len(windows) else (windows[-1][1], windows[-1][1])
            opens[p, w], closes[p, w] = a, b
    return opens, closes


def _prefix(flags: npt.NDArray[np.bool_]) -> I64:
    out: I64 = np.concatenate([[0], np.cumsum(flags)]).astype(np.int64)
    return out


def _midnight_offsets(zone: _dt.tzinfo, first: int, count: int) -> I64:
    """UTC offsets (µs) at local midnight of ``count`` days from day ``first``: sampled
    weekly, and day by day only in weeks where the offset changes."""
    step = 7
    marks = list(range(0, count, step))
    if marks[-1] != count - 1:
        marks.append(count - 1)
    sampled = {m: _offset_us(zone, first + m, 0) for m in marks}
    out = np.empty(count, dtype=np.int64)
    for a, b in itertools.pairwise(marks):
        if sampled[a] == sampled[b]:
            out[a:b] = sampled[a]
        else:
            out[a:b] = [_offset_us(zone, first + i, 0) for i in range(a, b)]
    out[marks[-1]] = sampled[marks[-1]]
    return out


def _offset_us(zone: _dt.tzinfo, day: int, minute: int) -> int:
    """UTC offset (µs) of local wall time ``minute`` after midnight of day ``day``
    (days since 1970-01-01), with ``fold=0`` for ambiguous or skipped times."""
    local = _dt.datetime(1970, 1, 1) + _dt.timedelta(days=day, minutes=minute)
    offset = zone.utcoffset(local)
    assert offset is not None
    return offset // _dt.timedelta(microseconds=1)
