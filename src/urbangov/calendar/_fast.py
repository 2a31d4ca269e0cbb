"""The scalar hot path of :meth:`urbangov.calendar.WorkCalendar.add` (private).

Adding working hours to one instant is the call a case system makes most. The exact
path converts the start to UTC microseconds (an aware subtraction, which asks the
start's zone for its offset), binary-searches the flat window list twice and builds the
result with ``fromtimestamp``. Each of those is a C call that costs about a microsecond
on a small machine, so this module does the same arithmetic on local wall-clock fields
instead, for calendars whose zone keeps one UTC offset over the whole span (China's
since 1991):

* **Reading the start.** For each input zone seen (a :class:`zoneinfo.ZoneInfo`,
  pendulum's zones included, or a fixed :class:`datetime.timezone`) a table gives, for
  every local day near the span, the shift from that zone's wall clock to the calendar's
  (``calendar offset - zone offset``). A day is in the table only when the zone's offset
  is the same at both its midnights, with ``fold=0`` and ``fold=1``, so no change of
  offset, skipped or repeated hour can fall inside it; the start is then its ordinal
  plus ``hour``/``minute``/``second``/``microsecond`` plus the shift. Sampling offsets
  at midnights needs a zone's changes of offset to be more than a day apart: in
  2002–2027 no two changes of any zone in the tz database are closer than eight days
  (a test checks it). A start on a day left out of its zone's table (near a change),
  or in a zone of another kind (pytz, dateutil, past the first 32 zones), is shifted by
  its own ``utcoffset()``, read exactly as the exact path's subtraction reads it. A
  test compares this path with the exact one over every IANA zone, both folds, other
  kinds of tzinfo and instants near changes.
* **Position.** The working time before the start is the working time before its day
  plus, for a start between the day's first opening and last close, a walk over that
  day's windows.
* **Inverse.** A block index of the working-time line (blocks no longer than the
  shortest working day) gives the due day in one lookup and one comparison; a walk over
  its windows gives the due wall-clock time.
* **The result** is built from the due day's ``(year, month, day)`` and the wall-clock
  time with the positional ``datetime`` constructor.

Anything else (a naive start or not a datetime, a start or due time outside the covered
years, a provisional year, a due time at a window closing at 24:00, pauses, a limit that
is not a positive number of working hours or minutes) returns ``None`` and the caller
takes the exact path, which also raises or warns. Calendars
whose own zone changes its offset inside the span have no hot path.

Switch it off with ``URBANGOV_FAST_PATH=0`` (:data:`SWITCH`): the test suite runs the
calendar tests both ways, and property tests compare the two paths directly.
"""

from __future__ import annotations

import datetime as _dt
from array import array
from bisect import bisect_left
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from urbangov._internal.switch import SWITCH, enabled
from urbangov.calendar._batch import Clock

__all__ = ["SWITCH", "FastAdd", "enabled"]

DAY_US = 86_400_000_000
MINUTE_US = 60_000_000
SECOND_US = 1_000_000
EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
MARGIN = 2  # local days of an input zone kept on each side of the span
MAX_ZONES = 32  # input zones given a table per calendar; others read utcoffset() per call
_DT = _dt.datetime
_US = _dt.timedelta(microseconds=1)
# The wall-clock ordinal of any datetime, pendulum's included, without a method lookup
# on the instance (pendulum's instances have a __dict__ that the lookup would read).
_toordinal = _dt.date.toordinal
# The start's UTC offset as the exact path's subtraction reads it (from its tzinfo,
# whatever a datetime subclass does with its own utcoffset method).
_utcoffset = _dt.datetime.utcoffset


DayKindRecord = tuple[tuple[tuple[int, int], ...], int, int]

# ``URBANGOV_FAST_PATH=0`` (SWITCH, the one switch of every fast path) makes every
# WorkCalendar.add take the exact path; it is read when a calendar first computes.


class FastAdd:
    """The hot path of one calendar's clock: ``fast(start, working_us)`` is the due time
    (a stdlib datetime in the calendar's zone) or ``None`` when the exact path must
    decide (see the module docstring).

    Built by :meth:`build` from a :class:`Clock`, once per calendar; it owns its tables.
    The only state that changes after building is a per-input-zone cache of shift
    tables (at most :data:`MAX_ZONES`) and the last zone seen: an implementation detail
    that never changes an answer.
    """

    __slots__ = (
        "_any_irregular",
        "_base",
        "_before",
        "_block_bits",
        "_day_kind",
        "_first_of_block",
        "_fixed",
        "_irregular",
        "_last",
        "_n",
        "_offsets_us",
        "_size",
        "_tables",
        "_unread",
        "_w_day",
        "_w_record",
        "_w_start",
        "_zone",
    )
    _any_irregular: bool
    _base: int
    _before: array[int]
    _block_bits: int
    _day_kind: list[DayKindRecord]
    _first_of_block: array[int]
    _fixed: int
    _irregular: array[int]
    _last: tuple[Any, list[int | None]]
    _n: int
    _offsets_us: dict[_dt.timedelta, int]
    _size: int
    _tables: dict[Any, list[int | None]]
    _unread: list[int | None]
    _w_day: array[int]
    _w_record: list[tuple[tuple[tuple[int, int], ...], int, int, int]]
    _w_start: array[int]
    _zone: _dt.tzinfo

    @classmethod
    def build(cls, clock: Clock) -> FastAdd | None:
        """The hot path of ``clock``, or ``None`` when its zone changes offset inside
        the span or it has no working time (then only the exact path exists)."""
        fixed = clock.fixed_offset
        if fixed is None:
            return None
        worked = np.flatnonzero(clock.daycum[1:] > clock.daycum[:-1])
        if not worked.size:
            return None
        total = int(clock.daycum[-1])
        w_start = array("q", [*clock.daycum[worked].tolist(), total])
        # Blocks of 2**block_bits µs, no longer than the shortest working day (a shift
        # is cheaper than dividing such big ints).
        block_bits = int(np.diff(w_start).min()).bit_length() - 1
        if total >> block_bits > 4 * clock.ndays + 1000:
            return None
        self = cls()
        self._fixed = fixed
        self._zone = clock.zone
        self._n = clock.ndays
        self._base = clock.day0 + EPOCH_ORDINAL - MARGIN
        self._size = clock.ndays + 2 * MARGIN
        day_windows = _day_windows(clock, fixed)
        # Working µs before each day (n + 1), and per day a shared record of its windows
        # with its first opening and last close (a start outside them needs no walk).
        self._before = array("q", clock.daycum.tolist())
        self._day_kind = _day_kinds(day_windows)
        # Per working day ``j``, in order: the working µs before it (ending with the
        # total), its day index, and (windows, year, month, day).
        self._w_start = w_start
        self._w_day = array("q", worked.tolist())
        self._w_record = _working_day_records(clock, worked, day_windows)
        # A block index of the working-time line: ``first_of_block[k]`` is the first
        # working day ending at or after the last µs of block ``k``, so a target in
        # block ``k`` falls on that day or the one before.
        block = 1 << block_bits
        ends = w_start[1:]
        self._block_bits = block_bits
        self._first_of_block = array(
            "q", [bisect_left(ends, (k + 1) * block - 1) for k in range(total // block + 1)]
        )
        # Days outside coverage or provisional: the exact path raises or warns for them.
        self._irregular = array(
            "q", [b + p for b, p in zip(clock.l_bad, clock.l_prov, strict=True)]
        )
        self._any_irregular = self._irregular[-1] > 0
        # Shift tables by input zone (a zone with no table — another kind of tzinfo, or
        # past MAX_ZONES — gets ``unread``: each start is shifted by its own utcoffset()).
        self._tables = {}
        self._unread = [None] * self._size
        self._offsets_us = {}
        self._last = (None, self._unread)
        return self

    def _table(self, tz: Any) -> list[int | None]:
        """The shift table of input zone ``tz``, built once (``unread`` if it has none)."""
        table = self._tables.get(tz) if tz is not None else None
        if table is not None:
            return table
        if len(self._tables) >= MAX_ZONES:
            return self._unread
        if type(tz) is _dt.timezone:
            offset = tz.utcoffset(None)
            table = [self._fixed - offset // _US] * self._size
        elif isinstance(tz, ZoneInfo) and type(tz).utcoffset is ZoneInfo.utcoffset:
            table = _shift_table(tz, self._base, self._size, self._fixed)
        else:
            return self._unread
        self._tables[tz] = table
        return table

    def _own_shift(self, start: Any) -> int | None:
        """The shift of ``start`` by its own UTC offset (as the exact path reads it), or
        ``None`` for a naive start."""
        offset = _utcoffset(start)
        if offset is None:
            return None
        us = self._offsets_us.get(offset)
        if us is None:
            us = offset // _US
            if len(self._offsets_us) < 1000:
                self._offsets_us[offset] = us
        return self._fixed - us

    def _local(self, start: Any) -> tuple[int, int] | None:
        """``start`` as (day index, µs after the calendar's local midnight), or ``None``."""
        try:
            tz = start.tzinfo
            seen = self._last  # (zone, table) of the previous call, read once
            if seen[0] is tz:
                shifts = seen[1]
            else:
                shifts = self._table(tz)
                self._last = (tz, shifts)
            # No bounds check: past the table raises IndexError; before it, a negative
            # index reads some shift (at most ±38 hours, so at most two days of carry)
            # and the day below is still negative, which the caller rejects.
            i = _toordinal(start) - self._base
            shift = shifts[i]
            if shift is None:  # near a change of offset, or a zone without a table
                shift = self._own_shift(start)
                if shift is None:
                    return None
            x = (
                ((start.hour * 60 + start.minute) * 60 + start.second) * SECOND_US
                + start.microsecond
                + shift
            )
        except (AttributeError, TypeError, ValueError, IndexError):
            return None  # the exact path raises the right error, if any
        day = i - MARGIN
        while x >= DAY_US:  # shifts are within ±38 hours: at most two turns
            x -= DAY_US
            day += 1
        while x < 0:
            x += DAY_US
            day -= 1
        return day, x

    def __call__(self, start: Any, working_us: int) -> _dt.datetime | None:
        """The due time of ``working_us`` (> 0) working µs from ``start``, or ``None``."""
        local = self._local(start)
        if local is None:
            return None
        day, x = local
        if not 0 <= day < self._n:
            return None
        windows, first_open, last_close = self._day_kind[day]
        before = self._before
        if x <= first_open:
            position = before[day]
        elif x >= last_close:
            position = before[day + 1]
        else:
            position = before[day]
            for a, length in windows:
                if x <= a:
                    break
                x_in = x - a
                position += x_in if x_in < length else length
        target = position + working_us
        w_start = self._w_start
        try:
            j = self._first_of_block[target >> self._block_bits]
            if w_start[j] >= target:  # working day j - 1 ends at or after the target
                j -= 1
            windows, y, m, d = self._w_record[j]
        except IndexError:  # past the span (the last block points past the last day)
            return None
        if self._any_irregular and self._irregular[self._w_day[j] + 1] != self._irregular[day]:
            return None
        return self._due(windows, target - w_start[j], y, m, d)

    def _due(
        self, windows: tuple[tuple[int, int], ...], rest: int, y: int, m: int, d: int
    ) -> _dt.datetime | None:
        """The wall-clock instant ``rest`` working µs into a working day's windows."""
        due = DAY_US
        for a, length in windows:
            if rest <= length:
                due = a + rest
                break
            rest -= length
        if due >= DAY_US:
            return None
        hour, minute = _HOUR_MINUTE[due // MINUTE_US]
        micro = due % MINUTE_US
        second = 0
        if micro:
            second, micro = divmod(micro, SECOND_US)
        return _DT(y, m, d, hour, minute, second, micro, self._zone)


_HOUR_MINUTE = tuple((h, m) for h in range(24) for m in range(60))


def _day_windows(clock: Clock, fixed: int) -> list[tuple[tuple[int, int], ...]]:
    """Every day's windows in local µs after midnight: (opening, length) pairs of
    positive length (none on rest days); identical tuples shared between days (the
    tables are read at a random day on each call, so they are kept compact)."""
    n = clock.ndays
    midnights = (np.arange(n, dtype=np.int64) + clock.day0) * DAY_US - fixed
    opens = (clock.wopen - midnights[:, None]).tolist()
    lengths = clock.wlen.tolist()
    shared: dict[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]] = {}
    out: list[tuple[tuple[int, int], ...]] = []
    for day_opens, day_lengths in zip(opens, lengths, strict=True):
        pairs = tuple((a, ln) for a, ln in zip(day_opens, day_lengths, strict=True) if ln > 0)
        out.append(shared.setdefault(pairs, pairs))
    return out


def _day_kinds(day_windows: list[tuple[tuple[int, int], ...]]) -> list[DayKindRecord]:
    """Per day, its windows with its first opening and last close (a rest day has both
    at midnight's end); one shared record per distinct windows tuple."""
    kinds: dict[tuple[tuple[int, int], ...], DayKindRecord] = {}
    for windows in day_windows:
        if windows in kinds:
            continue
        if windows:
            a, ln = windows[-1]
            kinds[windows] = (windows, windows[0][0], a + ln)
        else:
            kinds[windows] = (windows, DAY_US, DAY_US)
    return [kinds[windows] for windows in day_windows]


def _working_day_records(
    clock: Clock, worked: np.ndarray[Any, Any], day_windows: list[tuple[tuple[int, int], ...]]
) -> list[tuple[tuple[tuple[int, int], ...], int, int, int]]:
    """Per working day: its windows and its (year, month, day)."""
    dates = (worked + clock.day0).astype("datetime64[D]")
    years = dates.astype("datetime64[Y]")
    months = dates.astype("datetime64[M]")
    return [
        (day_windows[day], y, m, d)
        for day, y, m, d in zip(
            worked.tolist(),
            (years.astype(np.int64) + 1970).tolist(),
            ((months - years).astype(np.int64) + 1).tolist(),
            ((dates - months).astype(np.int64) + 1).tolist(),
            strict=True,
        )
    ]


def _shift_table(tz: ZoneInfo, base: int, size: int, fixed: int) -> list[int | None]:
    """Per local day ``base + k`` of zone ``tz``: ``fixed`` minus its UTC offset, or
    ``None`` for a day that a change of offset touches (see the module docstring).

    A day is kept when its two midnights have the same offset with ``fold=0`` and
    ``fold=1``: with changes more than a day apart, a change whose skipped or repeated
    wall-clock times fell inside the day would give its midnights different offsets, and
    one that covered a midnight would give that midnight different offsets by fold.
    """

    def offset_us(ordinal: int, fold: int) -> int:
        offset = tz.utcoffset(_DT.fromordinal(ordinal).replace(fold=fold))
        assert offset is not None  # a ZoneInfo always has an offset
        return offset // _US

    # Offsets at the local midnights of days base .. base + size, fold=0; then fold=1
    # where it can differ: at midnights next to a change (a midnight inside a change's
    # skipped or repeated hours has the old offset with fold=0 and the new one a day on).
    offsets = [offset_us(ordinal, 0) for ordinal in range(base, base + size + 1)]
    folded = list(offsets)
    for k in range(size):
        if offsets[k] != offsets[k + 1]:
            folded[k] = offset_us(base + k, 1)
            folded[k + 1] = offset_us(base + k + 1, 1)
    table: list[int | None] = []
    shifts: dict[int, int] = {}  # one int object per distinct shift (tables stay small)
    for k in range(size):
        o = offsets[k]
        steady = o == folded[k] == offsets[k + 1] == folded[k + 1]
        table.append(shifts.setdefault(fixed - o, fixed - o) if steady else None)
    return table
