"""The columnar path of :mod:`urbangov.deadlines` (private).

Computes, for every case of a :class:`~urbangov.cases.CaseColumns`, the same handling
clock as the scalar functions — start, pauses, extensions, due time, stop — with numpy
and the calendar's batch methods (``add_batch``, ``between_batch``). Pauses are applied
in *offset space*: the working (or elapsed) time from the step's start, iterated over
the k-th pause of every case at once, exactly as ``WorkCalendar.add`` does one case at a
time. The rare row whose due time the whole-minute ``add_batch`` cannot place exactly
(a sub-minute remainder crossing a window's close) is computed by the scalar path.

"""

from __future__ import annotations

import datetime as _dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import NAT
from urbangov.calendar import TimeLimit, TimeUnit, WorkCalendar
from urbangov.cases import CaseColumns, EventKind
from urbangov.deadlines._context import Context
from urbangov.deadlines._lookup import lookup
from urbangov.deadlines._rules import DeadlineRules

__all__ = ["BatchClock", "batch_clock"]

I64 = npt.NDArray[np.int64]
MIN_NS = 60_000_000_000
DAY_NS = 86_400_000_000_000

# Batch unit codes: 0 working minutes, 1 working days, 2 minutes, 3 days.
_WMIN, _WDAY, _MIN, _DAY = 0, 1, 2, 3
_UNIT_NAMES = ("working_minutes", "working_days", "minutes", "days")
_SCALAR_UNIT = (
    TimeUnit.WORKING_MINUTES,
    TimeUnit.WORKING_DAYS,
    TimeUnit.MINUTES,
    TimeUnit.DAYS,
)


def _batch_unit(limit: TimeLimit) -> tuple[int, int]:
    """(unit code, whole amount) of a limit in batch units."""
    unit = limit.unit
    if unit is TimeUnit.WORKING_DAYS:
        return _WDAY, int(limit.amount)
    if unit is TimeUnit.DAYS:
        return _DAY, int(limit.amount)
    per = 60 if unit in (TimeUnit.WORKING_HOURS, TimeUnit.HOURS) else 1
    code = _WMIN if unit.working else _MIN
    return code, int(limit.amount * per)


_UNIT_OF_COLUMN = np.array(  # CaseColumns.extension_unit code → batch unit code
    [_batch_unit(TimeLimit(1, u))[0] for u in CaseColumns.UNITS], dtype=np.int64
)


def _first_last(case: I64, rows: npt.NDArray[np.intp], n: int, values: I64, *, last: bool) -> I64:
    out = np.full(n, NAT, dtype=np.int64)
    if rows.size:
        cs = case[rows]
        keep = np.ones(rows.size, dtype=np.bool_)
        if last:
            keep[:-1] = cs[1:] != cs[:-1]
        else:
            keep[1:] = cs[1:] != cs[:-1]
        out[cs[keep]] = values[rows[keep]]
    return out


def _rank(cs: I64) -> I64:
    """Position of each row within its case (rows grouped by case)."""
    if cs.size == 0:
        return cs
    first = np.ones(cs.size, dtype=np.bool_)
    first[1:] = cs[1:] != cs[:-1]
    starts = np.flatnonzero(first)
    group = np.cumsum(first) - 1
    rank: I64 = np.arange(cs.size, dtype=np.int64) - starts[group]
    return rank


def _ns_view(values: npt.NDArray[np.datetime64]) -> I64:
    out: I64 = values.astype("datetime64[ns]", copy=False).view(np.int64)
    return out


def _local_ns(t: _dt.datetime) -> int:
    return (t - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)) // _dt.timedelta(microseconds=1) * 1000


def _dt64(ns: I64) -> npt.NDArray[np.datetime64]:
    return ns.view("datetime64[ns]")


def _to_datetime(ns: int) -> _dt.datetime:
    return _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC) + _dt.timedelta(microseconds=ns // 1000)


def _between(cal: WorkCalendar, a: I64, b: I64) -> I64:
    out: I64 = cal.between_batch(_dt64(a), _dt64(b)).view(np.int64)
    return out


def _add(cal: WorkCalendar, t: I64, n: I64, unit: int) -> I64:
    out: I64 = cal.add_batch(_dt64(t), n, _UNIT_NAMES[unit]).view(np.int64)
    return out


def _add_step(cal: WorkCalendar, t: I64, n: I64, unit: I64, pa: I64, pb: I64) -> I64:
    """``cal.add(t, limit, pauses)`` per row; ``pa``/``pb`` are (K, rows) pause bounds."""
    due = np.empty_like(t)
    paused = (pb > t).any(axis=0) if pb.size else np.zeros(t.size, dtype=np.bool_)
    for code in range(4):
        rows = np.flatnonzero((unit == code) & ~paused)
        if rows.size:
            due[rows] = _add(cal, t[rows], n[rows], code)
    rows = np.flatnonzero(paused)
    if rows.size:
        due[rows] = _add_paused(cal, t[rows], n[rows], unit[rows], pa[:, rows], pb[:, rows])
    return due


def _add_paused(cal: WorkCalendar, t: I64, n: I64, unit: I64, pa: I64, pb: I64) -> I64:
    working = unit <= _WDAY
    amount = np.where(unit == _MIN, n * MIN_NS, np.where(unit == _DAY, n * DAY_NS, 0))
    amount = np.where(unit == _WMIN, n * MIN_NS, amount)
    wd = np.flatnonzero(unit == _WDAY)
    if wd.size:
        plain = _add(cal, t[wd], n[wd], _WDAY)
        amount[wd] = _between(cal, t[wd], plain)
    has = pa != NAT
    offs_a = np.zeros_like(pa)
    offs_b = np.zeros_like(pb)
    for k in range(pa.shape[0]):
        rows = np.flatnonzero(has[k])
        if not rows.size:
            continue
        w = rows[working[rows]]
        e = rows[~working[rows]]
        if w.size:
            offs_a[k, w] = _between(cal, t[w], pa[k, w])
            offs_b[k, w] = _between(cal, t[w], pb[k, w])
        if e.size:
            offs_a[k, e] = pa[k, e] - t[e]
            offs_b[k, e] = pb[k, e] - t[e]
    c = np.zeros_like(t)
    r = amount.copy()
    done = amount == 0
    for k in range(pa.shape[0]):
        a, b = offs_a[k], offs_b[k]
        valid = has[k] & ~done & (b > c)
        ahead = valid & (a > c)
        gap = a - c
        stop = ahead & (r <= gap)
        done |= stop
        r = np.where(ahead & ~stop, r - gap, r)
        c = np.where(valid & ~stop, b, c)
    target = c + r
    due = np.where(amount == 0, t, t + target)  # elapsed rows
    w = np.flatnonzero(working & (amount != 0))
    if w.size:
        due[w] = _working_instant(cal, t[w], target[w], n[w], unit[w], pa[:, w], pb[:, w])
    return due


def _working_instant(
    cal: WorkCalendar, t: I64, target: I64, n: I64, unit: I64, pa: I64, pb: I64
) -> I64:
    """The instant at working offset ``target`` from ``t`` (the first such instant)."""
    whole, rest = np.divmod(target, MIN_NS)
    base = _add(cal, t, whole, _WMIN)
    cand = base + rest
    ok = rest == 0
    check = np.flatnonzero(~ok)
    if check.size:
        ok[check] = _between(cal, base[check], cand[check]) == rest[check]
        ok[check] &= whole[check] > 0
    for i in np.flatnonzero(~ok):  # rare: the scalar path, exactly as deadlines does it
        pauses = [
            (_to_datetime(int(pa[k, i])), _to_datetime(int(pb[k, i])))
            for k in range(pa.shape[0])
            if pa[k, i] != NAT
        ]
        limit = TimeLimit(int(n[i]), _SCALAR_UNIT[int(unit[i])])
        due = cal.add(_to_datetime(int(t[i])), limit, pauses=pauses)
        cand[i] = (
            (due - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)) // _dt.timedelta(microseconds=1)
        ) * 1000
    return cand


@attrs.frozen(eq=False)
class BatchClock:
    """Per-case clock columns (int64 ns, ``NAT`` = none)."""

    start: I64
    due_closed: I64  # the due time ignoring an open suspension
    open_from: I64
    stopped: I64
    at: int | None
    seg: I64
    working: npt.NDArray[np.bool_]
    pa: I64
    pb: I64
    cal: WorkCalendar
    bounds: tuple[_dt.date, ...]

    @property
    def due(self) -> npt.NDArray[np.datetime64]:
        due = self.due_closed.copy()
        due[(self.open_from != NAT) & (self.open_from < due)] = NAT
        return _dt64(due)

    def provisional(self) -> npt.NDArray[np.bool_]:
        """Per case, whether start..due touches a provisional year of the calendar."""
        years = self.cal.provisional_years
        out = np.zeros(self.start.size, dtype=np.bool_)
        if not years:
            return out
        live = (self.start != NAT) & (self.due_closed != NAT)
        zone = ZoneInfo(self.cal.tz)
        for year in years:
            lo = _local_ns(_dt.datetime(year, 1, 1, tzinfo=zone))
            hi = _local_ns(_dt.datetime(year + 1, 1, 1, tzinfo=zone))
            out |= live & (self.start < hi) & (self.due_closed >= lo)
        return out

    def overdue(self) -> npt.NDArray[np.bool_]:
        due = self.due.view(np.int64)
        assert self.at is not None
        stop = np.where(self.stopped != NAT, self.stopped, self.at)
        out: npt.NDArray[np.bool_] = (due != NAT) & (stop > due)
        return out

    def _measure(self, rows: npt.NDArray[np.intp], a: I64, b: I64) -> I64:
        work = self.working[rows]
        out = np.where(work, 0, b - a)
        w = np.flatnonzero(work)
        if w.size:
            out[w] = _between(self.cal, a[w], b[w])
        for k in range(self.pa.shape[0]):
            lo = np.maximum(self.pa[k, rows], a)
            hi = np.minimum(self.pb[k, rows], b)
            sel = (self.pa[k, rows] != NAT) & (lo < hi)
            if not sel.any():
                continue
            sw = np.flatnonzero(sel & work)
            se = np.flatnonzero(sel & ~work)
            if sw.size:
                out[sw] -= _between(self.cal, lo[sw], hi[sw])
            out[se] -= hi[se] - lo[se]
        return out

    def warning_levels(self, table: DeadlineRules) -> npt.NDArray[np.int8]:
        assert self.at is not None
        n = self.start.size
        levels = np.zeros(n, dtype=np.int8)
        rows = np.flatnonzero(self.start != NAT)
        if not rows.size:
            return levels
        start = self.start[rows]
        stop = np.where(self.stopped[rows] != NAT, self.stopped[rows], self.at)
        opened = self.open_from[rows]
        stop = np.where((opened != NAT) & (opened < stop), opened, stop)
        total = self._measure(rows, start, self.due_closed[rows]) // 1000
        used = self._measure(rows, start, stop) // 1000
        seg = self.seg[rows]
        for s in np.unique(seg):
            on = _segment_date(self.bounds, int(s))
            sel = seg == s
            tot, use = total[sel], used[sel]
            lev = np.zeros(tot.size, dtype=np.int8)
            for p in table.warning_points.at(on):
                frac = Fraction(p)
                num, den = frac.numerator, frac.denominator
                q, rem = np.divmod(tot, den)
                floor = q * num + (rem * num) // den
                ceil = floor + ((rem * num) % den != 0)
                lev += ((tot <= 0) | (use >= ceil)).astype(np.int8)
            levels[rows[sel]] = lev
        return levels


def _segment_date(bounds: tuple[_dt.date, ...], seg: int) -> _dt.date:
    if seg == 0:
        return (bounds[0] - _dt.timedelta(days=1)) if bounds else _dt.date(2000, 1, 1)
    return bounds[seg - 1]


@attrs.frozen
class _Events:
    """The event columns known at the asked instant (all when ``at`` is ``None``)."""

    n: int
    case: I64
    kind: npt.NDArray[np.int8]
    t: I64
    ext_min: I64
    ext_unit: npt.NDArray[np.int8]

    def rows(self, k: EventKind) -> npt.NDArray[np.intp]:
        return np.flatnonzero(self.kind == k.code)

    def first(self, k: EventKind) -> I64:
        return _first_last(self.case, self.rows(k), self.n, self.t, last=False)

    def last(self, k: EventKind) -> I64:
        return _first_last(self.case, self.rows(k), self.n, self.t, last=True)


def _events(columns: CaseColumns, at_ns: int | None) -> _Events:
    case, kind, t_ev = columns.case, columns.kind, _ns_view(columns.at)
    ext_min, ext_unit = columns.extension_min, columns.extension_unit
    if at_ns is not None:
        keep = t_ev <= at_ns
        if not keep.all():
            case, kind, t_ev = case[keep], kind[keep], t_ev[keep]
            ext_min, ext_unit = ext_min[keep], ext_unit[keep]
    return _Events(columns.n_cases, case, kind, t_ev, ext_min, ext_unit)


def _segments(
    columns: CaseColumns, ev: _Events, table: DeadlineRules, cal: WorkCalendar
) -> tuple[tuple[_dt.date, ...], I64]:
    """The table's change dates, and per case the segment of them its filing date is in
    (the rules of the filing date are constant between change dates)."""
    bounds = tuple(table.change_dates())
    n = columns.n_cases
    if bounds:
        filed = ev.first(EventKind.FILE)
        filed = np.where(filed == NAT, _ns_view(columns.reported_at), filed)
    else:
        filed = np.zeros(n, dtype=np.int64)
    zone = ZoneInfo(cal.tz)
    edges = np.array(
        [_local_ns(_dt.datetime(d.year, d.month, d.day, tzinfo=zone)) for d in bounds],
        dtype=np.int64,
    )
    seg: I64 = np.searchsorted(edges, filed, side="right").astype(np.int64)
    return bounds, seg


def _base_limits(
    columns: CaseColumns, ctx: Context, bounds: tuple[_dt.date, ...], seg: I64
) -> tuple[I64, I64, npt.NDArray[np.bool_]]:
    """Per case the limit's batch unit and amount, and per segment whether rework
    restarts the clock: the scalar lookup, once per (category, urgency, tier, segment)."""
    table = ctx.table
    n_seg = len(bounds) + 1
    n_urg, n_zone = len(CaseColumns.URGENCIES), len(CaseColumns.ZONES) + 1
    n_cat = len(columns.categories)
    unit_tab = np.zeros((n_cat, n_urg, n_zone, n_seg), dtype=np.int64)
    amount_tab = np.zeros((n_cat, n_urg, n_zone, n_seg), dtype=np.int64)
    restart_tab = np.zeros(n_seg, dtype=np.bool_)
    used_cats = np.flatnonzero(np.bincount(columns.category, minlength=n_cat))
    for s in range(n_seg):
        on = _segment_date(bounds, s)
        restart_tab[s] = table.restart_on_rework.at(on)
        for ci in used_cats:
            for ui, urg in enumerate(CaseColumns.URGENCIES):
                for zi in range(n_zone):
                    tier = None if zi == 0 else CaseColumns.ZONES[zi - 1]
                    applied = lookup(
                        table, columns.categories[ci], urg, tier, on=on, taxonomy=ctx.taxonomy
                    )
                    unit_tab[ci, ui, zi, s], amount_tab[ci, ui, zi, s] = _batch_unit(applied.limit)
    idx = (columns.category, columns.urgency, columns.zone.astype(np.int64) + 1, seg)
    return unit_tab[idx], amount_tab[idx], restart_tab


def _pauses(ev: _Events, start: I64) -> tuple[I64, I64, I64]:
    """Closed pauses as (K, n) bound columns (a suspend at or after the start closed by
    the next event when it is a resume), and the start of an open suspension per case."""
    case, kind, t_ev, n = ev.case, ev.kind, ev.t, ev.n
    sus = ev.rows(EventKind.SUSPEND)
    sus = sus[t_ev[sus] >= start[case[sus]]]
    nxt = sus + 1
    closed = np.zeros(sus.size, dtype=np.bool_)
    inside = nxt < case.size
    closed[inside] = (case[nxt[inside]] == case[sus[inside]]) & (
        kind[nxt[inside]] == EventKind.RESUME.code
    )
    open_from = np.full(n, NAT, dtype=np.int64)
    open_from[case[sus[~closed]]] = t_ev[sus[~closed]]
    cs = case[sus[closed]]
    rank = _rank(cs)
    k_max = int(rank.max()) + 1 if rank.size else 0
    pa = np.full((k_max, n), NAT, dtype=np.int64)
    pb = np.full((k_max, n), NAT, dtype=np.int64)
    pa[rank, cs] = t_ev[sus[closed]]
    pb[rank, cs] = t_ev[sus[closed] + 1]
    return pa, pb, open_from


def _due(
    cal: WorkCalendar, ev: _Events, start: I64, unit: I64, amount: I64, pa: I64, pb: I64
) -> I64:
    """The base limit from the start, then each extension in order from the previous due
    time, every step less the pauses."""
    due = np.full(ev.n, NAT, dtype=np.int64)
    live = np.flatnonzero(start != NAT)
    due[live] = _add_step(cal, start[live], amount[live], unit[live], pa[:, live], pb[:, live])
    ext = ev.rows(EventKind.EXTEND)
    ext = ext[ev.t[ext] >= start[ev.case[ext]]]
    ecs = ev.case[ext]
    erank = _rank(ecs)
    for k in range(int(erank.max()) + 1 if erank.size else 0):
        sel = erank == k
        rows = ecs[sel]
        units = _UNIT_OF_COLUMN[ev.ext_unit[ext[sel]].astype(np.int64)]
        due[rows] = _add_step(cal, due[rows], ev.ext_min[ext[sel]], units, pa[:, rows], pb[:, rows])
    return due


def _stopped(ev: _Events, start: I64, stops_at: str) -> I64:
    """When each clock stopped for good (``deadlines.stopped_at``): the last handle not
    followed by a verify_fail (its last event is handle, verify_pass or close), or the
    close when the policy judges the closing time; a void (always the last event) either
    way."""
    n = ev.n
    if not ev.case.size:
        return np.full(n, NAT, dtype=np.int64)
    # each case's last event: events are grouped by case
    is_end = np.ones(ev.case.size, dtype=np.bool_)
    np.not_equal(ev.case[1:], ev.case[:-1], out=is_end[:-1])
    ends = np.flatnonzero(is_end)
    cs = ev.case[ends]
    last_kind = np.full(n, NAT, dtype=np.int64)
    last_kind[cs] = ev.kind[ends]
    last_at = np.full(n, NAT, dtype=np.int64)
    last_at[cs] = ev.t[ends]
    if stops_at == "close":
        stopped = ev.last(EventKind.CLOSE)
    else:
        handle = ev.last(EventKind.HANDLE)
        finished = (
            (last_kind == EventKind.HANDLE.code)
            | (last_kind == EventKind.VERIFY_PASS.code)
            | (last_kind == EventKind.CLOSE.code)
        ) & (handle != NAT)
        stopped = np.where(finished, handle, NAT)
    stopped = np.where(last_kind == EventKind.VOID.code, last_at, stopped)
    out: I64 = np.where(start == NAT, NAT, stopped)
    return out


def batch_clock(
    columns: CaseColumns,
    ctx: Context,
    at: _dt.datetime | None,
    *,
    stops: bool = True,
) -> BatchClock:
    """The clock columns of every case, as known at ``at`` (all events when ``None``);
    ``stops=False`` skips when each clock stopped (due times do not need it)."""
    at_ns = None if at is None else _local_ns(at)
    ev = _events(columns, at_ns)
    bounds, seg = _segments(columns, ev, ctx.table, ctx.calendar)
    base_unit, base_amount, restart = _base_limits(columns, ctx, bounds, seg)
    start = ev.first(EventKind.DISPATCH)
    if restart.any():
        vf = ev.last(EventKind.VERIFY_FAIL)
        again = restart[seg] & (vf != NAT) & (start != NAT)
        start[again] = np.maximum(start[again], vf[again])
    pa, pb, open_from = _pauses(ev, start)
    due = _due(ctx.calendar, ev, start, base_unit, base_amount, pa, pb)
    stopped = _stopped(ev, start, ctx.stops_at) if stops else np.full(ev.n, NAT, dtype=np.int64)
    return BatchClock(
        start=start,
        due_closed=due,
        open_from=np.where(start == NAT, NAT, open_from),
        stopped=stopped,
        at=at_ns,
        seg=seg,
        working=(base_unit == _WMIN) | (base_unit == _WDAY),
        pa=pa,
        pb=pb,
        cal=ctx.calendar,
        bounds=bounds,
    )
