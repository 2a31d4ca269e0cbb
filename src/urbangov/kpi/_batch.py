"""The numpy batch path of :mod:`urbangov.kpi` (private; see ``urbangov.kpi``).

From a :class:`~urbangov.kpi.CaseTimes` (per case, the instants the counting rules look
at, and the case's group codes), :func:`period_edges` makes the period bins,
:func:`group_codes` the key parts, and :func:`count_matrix` one row of counts per
(group, period) with comparisons (or ``np.searchsorted``) and ``np.bincount`` on combined
keys — no Python loop per case. Instants are int64 nanoseconds since the epoch (UTC);
``NaT`` (the smallest int64) means "never".
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from urbangov._internal.instants import aware
from urbangov.errors import KpiError, UrbangovError
from urbangov.hierarchy import Hierarchy
from urbangov.kpi._times import STOP_KINDS, CaseTimes
from urbangov.kpi._values import FIELDS, NAT
from urbangov.vocabulary import Level

__all__ = ["Binned", "GroupSpec", "count_matrix", "group_codes", "period_edges"]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_US = _dt.timedelta(microseconds=1)
_COLUMN_GROUPS = ("grid", "category", "source", "urgency", "zone", "segment", "department")
_PERIODS = ("day", "week", "month", "year")
_FEW_EDGES = 16

GroupSpec = str | Level | NDArray[Any]


# --------------------------------------------------------------------------- periods


def _ns(value: _dt.datetime) -> int:
    return ((value - _EPOCH) // _US) * 1000


def _floor(d: _dt.date, period: str) -> _dt.date:
    if period == "week":
        return d - _dt.timedelta(days=d.weekday())
    if period == "month":
        return d.replace(day=1)
    if period == "year":
        return d.replace(month=1, day=1)
    return d


def _next(d: _dt.date, period: str) -> _dt.date:
    if period == "day":
        return d + _dt.timedelta(days=1)
    if period == "week":
        return d + _dt.timedelta(days=7)
    if period == "month":
        return (
            d.replace(year=d.year + 1, month=1) if d.month == 12 else d.replace(month=d.month + 1)
        )
    return d.replace(year=d.year + 1)


def _local_midnight_ns(d: _dt.date, zone: _dt.tzinfo) -> int:
    return _ns(_dt.datetime(d.year, d.month, d.day, tzinfo=zone))


def period_edges(
    times: CaseTimes,
    due_ns: NDArray[np.int64],
    period: str | Sequence[_dt.datetime] | None,
    start: _dt.datetime | None,
    end: _dt.datetime | None,
    tz: str | _dt.tzinfo,
) -> tuple[NDArray[np.int64], tuple[Hashable, ...] | None, _dt.date]:
    """Bin edges (int64 ns), the key of each bin (``None``: no period key) and the date
    at which the rules are resolved."""
    if period is None:
        if start is None or end is None:
            raise KpiError("no period", field="period", hint="give period= or both start= and end=")
        s, e = aware(start, "start"), aware(end, "end")
        if not s < e:
            raise KpiError("the period ends before it starts", field="end", hint="end > start")
        return np.array([_ns(s), _ns(e)], dtype=np.int64), None, s.date()
    if not isinstance(period, str):
        if start is not None or end is not None:
            raise KpiError(
                "start/end with explicit bins", field="start", hint="give the bins alone"
            )
        bins = [aware(b, f"period[{i}]") for i, b in enumerate(period)]
        ns = np.array([_ns(b) for b in bins], dtype=np.int64)
        if len(bins) < 2 or (np.diff(ns) <= 0).any():
            raise KpiError(
                "bins must be at least two increasing instants",
                field="period",
                hint="give edges [t0, t1, …]: periods [t0, t1), [t1, t2), …",
            )
        return ns, tuple(bins[:-1]), bins[0].date()
    if period not in _PERIODS:
        raise KpiError(
            f"{period!r} is not a period",
            field="period",
            hint="give 'day', 'week', 'month', 'year' or a list of bin edges",
        )
    zone = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
    lo_ns = _ns(aware(start, "start")) if start is not None else None
    hi_ns = _ns(aware(end, "end")) if end is not None else None
    if lo_ns is not None and hi_ns is not None and not lo_ns < hi_ns:
        raise KpiError("the period ends before it starts", field="end", hint="end > start")
    last = 0
    if lo_ns is None or hi_ns is None:
        cols = (times.accepted_at, times.filed_at, times.dispatched_at, times.voided_at)
        arrays = [c.view(np.int64) for c in cols] + [due_ns]
        last = max((int(a.max()) for a in arrays if a.size), default=NAT)  # NaT is the least
        if last == NAT:
            return np.zeros(0, dtype=np.int64), (), _dt.date(1970, 1, 1)
        if lo_ns is None:
            top = np.iinfo(np.int64).max
            lo_ns = min(int(np.min(a, where=a != NAT, initial=top)) for a in arrays)
    # natural period boundaries from the one containing the first instant, past the last
    # instant (or up to ``end``), clipped to ``start`` when it is given
    d = _floor(_local(lo_ns, zone).date(), period)
    edges = [lo_ns if start is not None else _local_midnight_ns(d, zone)]
    labels: list[Hashable] = [d]
    while True:
        d = _next(d, period)
        edge = _local_midnight_ns(d, zone)
        if hi_ns is not None and edge >= hi_ns:
            edges.append(hi_ns)
            break
        if hi_ns is None and edge > last:
            edges.append(edge)
            break
        edges.append(edge)
        labels.append(d)
    return np.array(edges, dtype=np.int64), tuple(labels), _local(edges[0], zone).date()


def _local(ns: int, zone: _dt.tzinfo) -> _dt.datetime:
    return (_EPOCH + _dt.timedelta(microseconds=ns // 1000)).astimezone(zone)


# --------------------------------------------------------------------------- groups


def group_codes(
    times: CaseTimes,
    by: GroupSpec | Sequence[GroupSpec],
    hierarchy: Hierarchy | None,
    has_period: bool,
) -> tuple[list[str], list[NDArray[np.int64] | None], list[int], list[tuple[Any, ...]]]:
    """Names, per-case codes (``None`` for the period), sizes and labels of each key part."""
    specs: list[GroupSpec] = [by] if isinstance(by, str | Level | np.ndarray) else list(by)
    n = times.n_cases
    names: list[str] = []
    codes: list[NDArray[np.int64] | None] = []
    sizes: list[int] = []
    labels: list[tuple[Any, ...]] = []
    for i, spec in enumerate(specs):
        field = f"by[{i}]"
        if isinstance(spec, np.ndarray):
            if spec.ndim != 1 or len(spec) != n:
                raise KpiError(
                    f"has shape {spec.shape} for {n} cases", field=field, hint="one key per case"
                )
            uniq, inverse = np.unique(spec, return_inverse=True)
            names.append(f"key{i}" if len(specs) > 1 else "key")
            codes.append(inverse.astype(np.int64).reshape(-1))
            sizes.append(len(uniq))
            labels.append(tuple(uniq.tolist()))
            continue
        if spec == "period":
            if not has_period:
                raise KpiError(
                    "grouped by period without a period", field=field, hint="give period="
                )
            names.append("period")
            codes.append(None)
            sizes.append(0)
            labels.append(())
            continue
        if isinstance(spec, str) and spec in _COLUMN_GROUPS:
            if spec not in times.groups:
                raise KpiError(
                    f"these cases carry no {spec!r} codes",
                    field=field,
                    hint=f"available: {', '.join(times.groups) or 'none'}",
                )
            raw, lab = times.groups[spec]
            names.append(spec)
            codes.append(raw.astype(np.int64) + 1)
            sizes.append(len(lab) + 1)
            labels.append((None, *lab))
            continue
        try:
            level = Level.parse(spec, field=field)
        except UrbangovError:
            raise KpiError(
                f"{spec!r} is not something to group by",
                field=field,
                hint=f"give one of {', '.join(_COLUMN_GROUPS)}, 'period', a level "
                "(with hierarchy=) or a per-case array",
            ) from None
        if hierarchy is None:
            raise KpiError(
                f"grouping by {level.slug} needs the hierarchy",
                field=field,
                hint="pass hierarchy=",
            )
        if "grid" not in times.groups:
            raise KpiError("these cases carry no grid codes", field=field)
        raw, grids = times.groups["grid"]
        units = hierarchy.territories_of(grids, level)
        uniq_units = sorted(set(units))
        position = {u: j for j, u in enumerate(uniq_units)}
        mapping = np.array([position[u] for u in units] + [0], dtype=np.int64)
        names.append(level.slug)
        codes.append(mapping[raw] if n else np.zeros(0, dtype=np.int64))
        sizes.append(len(uniq_units))
        labels.append(tuple(uniq_units))
    if has_period and "period" not in names:
        names.append("period")
        codes.append(None)
        sizes.append(0)
        labels.append(())
    return names, codes, sizes, labels


# --------------------------------------------------------------------------- counting


def _per_event(case_end: NDArray[np.int64] | np.int64, case: NDArray[np.int64]) -> Any:
    """The period end of each event's case (one end for all: itself)."""
    return case_end[case] if isinstance(case_end, np.ndarray) else case_end


def _suspended_at_end(
    times: CaseTimes, case_end: NDArray[np.int64] | np.int64, candidates: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Per case: is its last suspend/resume event before ``case_end`` (per case, or one
    for all) a suspend?"""
    out = np.zeros(times.n_cases, dtype=np.bool_)
    pc = times.pause_case
    if not pc.size:
        return out
    before = candidates[pc] & (times.pause_at.view(np.int64) < _per_event(case_end, pc))
    rows = np.flatnonzero(before)
    if rows.size:
        cs = pc[rows]
        last = np.ones(rows.size, dtype=np.bool_)
        last[:-1] = cs[1:] != cs[:-1]
        out[cs[last]] = times.pause_suspend[rows[last]]
    return out


def _stopped_at_end(
    times: CaseTimes,
    case_end: NDArray[np.int64] | np.int64,
    candidates: NDArray[np.bool_],
    stops_at: str,
) -> NDArray[np.int64]:
    """Per case (among ``candidates``): when its handling clock stopped, as known before
    ``case_end`` (per case, or one for all; ``NAT``: still running) —
    ``deadlines.stopped_at(case, before=end)``."""
    out = np.full(times.n_cases, NAT, dtype=np.int64)
    if times.stop_case is None or times.stop_at is None or times.stop_kind is None:
        if candidates.any():
            raise KpiError(
                "the CaseTimes have no handling events, so on time cannot be judged",
                field="stop_case",
                hint="build them with CaseTimes.from_columns, or give stop_case, stop_at "
                "and stop_kind (the handle, verify_fail, void and close events)",
            )
        return out
    sc, kinds = times.stop_case, times.stop_kind
    wanted = np.zeros(len(STOP_KINDS), dtype=np.bool_)
    wanted[[2, 3] if stops_at == "close" else [0, 1, 2]] = True  # STOP_KINDS codes
    use = wanted[kinds]
    use &= candidates[sc]
    use &= times.stop_at.view(np.int64) < _per_event(case_end, sc)
    rows = np.flatnonzero(use)
    if rows.size:
        cs = sc[rows]
        last = np.ones(rows.size, dtype=np.bool_)
        last[:-1] = cs[1:] != cs[:-1]
        keep = rows[last]
        at = times.stop_at.view(np.int64)[keep]
        out[cs[last]] = np.where(kinds[keep] == 1, NAT, at)  # a rework restarts the clock
    return out


class Binned:
    """What a count reads that does not depend on the grouping, computed once for any
    number of groupings of the same cases, periods and rules: each instant's bin (its
    number of edges at or before it: ``1..n_bins`` inside, ``0`` before or ``NaT``,
    ``n_bins + 1`` after) and whether it falls in one, and the masks of the cases due in
    each period that are closed, closed on time, reworked, extended, suspended and
    overdue."""

    def __init__(
        self,
        times: CaseTimes,
        due_ns: NDArray[np.int64],
        edges: NDArray[np.int64],
        exclude_suspended: bool,
        stops_at: str,
    ) -> None:
        n = times.n_cases
        self.n = n
        self.edges = edges
        self.n_bins = len(edges) - 1
        self._tmp = np.empty(n, dtype=np.bool_)
        events = (times.accepted_at, times.filed_at, times.dispatched_at, times.voided_at)
        self.events = [self._bin(t.view(np.int64)) for t in events]
        due_bin, due = self._bin(due_ns)
        case_end: NDArray[np.int64] | np.int64
        if self.n_bins == 1:
            case_end = edges[1]
        else:
            case_end = edges[(due_bin.astype(np.intp) - 1) % self.n_bins + 1]
        if exclude_suspended:
            due &= ~_suspended_at_end(times, case_end, due)
        masks = [due]
        for instant in (
            times.closed_at.view(np.int64),
            times.reworked_at.view(np.int64),
            times.extended_at.view(np.int64),
            times.suspended_at.view(np.int64),
        ):
            # happened (not NaT), while due, before the period end
            mask = np.greater(instant, NAT)
            np.logical_and(mask, due, out=mask)
            np.less(instant, case_end, out=self._tmp)
            np.logical_and(mask, self._tmp, out=mask)
            masks.append(mask)
        # on time (按期): the clock stopped, as known at the period end, by the deadline
        stop = _stopped_at_end(times, case_end, due, stops_at)
        on_time = (stop != NAT) & (stop <= due_ns) & due
        del stop
        masks.insert(2, masks[1] & on_time)  # closed on time
        masks.append(due & ~on_time)  # overdue
        self.due_bin = due_bin
        self.due_masks = masks

    def _bin(self, t: NDArray[np.int64]) -> tuple[NDArray[Any], NDArray[np.bool_]]:
        """Each instant's bin (with one bin: ``1`` for all, only ``valid`` says which
        fall in it) and whether it falls in one (``NaT`` never does)."""
        valid = np.empty(self.n, dtype=np.bool_)
        if self.n_bins == 1:
            np.greater_equal(t, self.edges[0], out=valid)
            np.less(t, self.edges[1], out=self._tmp)
            np.logical_and(valid, self._tmp, out=valid)
            return np.ones(0, dtype=np.uint8), valid
        b: NDArray[Any]
        if len(self.edges) <= _FEW_EDGES:  # a few comparisons beat a binary search
            b = np.zeros(self.n, dtype=np.uint8)
            for edge in self.edges:
                np.greater_equal(t, edge, out=self._tmp)
                np.add(b, self._tmp, out=b)
        else:
            b = np.searchsorted(self.edges, t, side="right")
        np.greater_equal(b, 1, out=valid)
        np.less_equal(b, self.n_bins, out=self._tmp)
        np.logical_and(valid, self._tmp, out=valid)
        return b, valid

    def count(self, g: NDArray[np.int64], n_groups: int) -> NDArray[np.int64]:
        """Counts per (group, bin), one column per field, for the group codes ``g``."""
        tally = _Tally(g, n_groups, self.n_bins)
        out = np.empty((tally.total, len(FIELDS)), dtype=np.int64)
        if self.n_bins == 1:  # one key for every instant: count the events together
            key = tally.gb + 1
            out[:, 0:4] = tally.count_many(key, [valid for _, valid in self.events])
        else:
            key = np.empty(self.n, dtype=np.intp)
            for col, (b, valid) in enumerate(self.events):
                np.add(tally.gb, b, out=key)
                out[:, col] = tally.count(key, valid)
            np.add(tally.gb, self.due_bin, out=key)
        out[:, 4:11] = tally.count_many(key, self.due_masks)
        return out


class _Tally:
    """Counts per (group, bin) with a reused buffer. A key is ``1 + group * n_bins +
    bin``; multiplying it by a mask sends the cases outside the mask to key 0, which is
    dropped: a count costs one multiply and one ``bincount``, with no large allocation."""

    def __init__(self, g: NDArray[np.int64], n_groups: int, n_bins: int) -> None:
        self.total = n_groups * n_bins
        self.gb = (g * n_bins).astype(np.intp, copy=False)
        self.key = np.empty(len(g), dtype=np.intp)

    def count(self, key: NDArray[np.intp], mask: NDArray[np.bool_]) -> NDArray[np.int64]:
        """Cases per key among those in ``mask``."""
        np.multiply(key, mask, out=self.key)
        counted: NDArray[np.int64] = np.bincount(self.key, minlength=self.total + 1)
        return counted[1:]

    def count_many(
        self, key: NDArray[np.intp], masks: list[NDArray[np.bool_]]
    ) -> NDArray[np.int64]:
        """Cases per key in each mask (one column per mask). Every mask must be false
        where ``key`` is not a valid key. With few masks and keys, the masks become the
        bits of one code per case and a single ``bincount`` counts them all."""
        k = len(masks)
        size = (self.total + 2) << k
        if size > max(4 * len(key), 1 << 20):
            return np.stack([self.count(key, m) for m in masks], axis=1)
        bits = np.zeros(len(key), dtype=np.uint8)
        shifted = np.empty_like(bits)
        for i, mask in enumerate(masks):
            np.left_shift(mask.view(np.uint8), i, out=shifted)
            np.bitwise_or(bits, shifted, out=bits)
        np.left_shift(key, k, out=self.key)
        np.add(self.key, bits, out=self.key, casting="unsafe")
        counted = np.bincount(self.key, minlength=size)[:size].reshape(self.total + 2, 1 << k)
        combos = (np.arange(1 << k)[:, None] >> np.arange(k)) & 1
        result: NDArray[np.int64] = counted[1 : self.total + 1] @ combos
        return result


def count_matrix(
    binned: Binned | None,
    codes: list[NDArray[np.int64] | None],
    sizes: list[int],
    labels: list[tuple[Any, ...]],
    bin_labels: tuple[Hashable, ...] | None,
) -> tuple[NDArray[np.int64], list[Hashable]]:
    """One row of counts (columns :data:`FIELDS`) per non-empty key, and the keys
    (``binned``: the cases' bins and masks; ``None`` when there is no period)."""
    if binned is None or binned.n_bins <= 0:
        return np.zeros((0, len(FIELDS)), dtype=np.int64), []
    n, n_bins = binned.n, binned.n_bins
    # combine the non-period key parts into one code per case: mixed radix when the
    # product of their sizes is small, else the rows of distinct parts that occur
    parts = [j for j, c in enumerate(codes) if c is not None]
    present = [c for c in codes if c is not None]
    product = 1
    for j in parts:
        product *= sizes[j]
    uniq: NDArray[np.int64] | None = None
    if parts and product * n_bins > max(4 * n, 1 << 16):
        uniq, inverse = np.unique(np.stack(present, axis=1), axis=0, return_inverse=True)
        g = inverse.astype(np.int64).reshape(-1)
        n_groups = len(uniq)
    else:
        g = np.zeros(n, dtype=np.int64)
        for j, c in zip(parts, present, strict=True):
            g = g * sizes[j] + c
        n_groups = product
    out = binned.count(g, n_groups)
    rows = np.flatnonzero(out.any(axis=1))
    matrix = out[rows]
    group_of, bin_of = np.divmod(rows, n_bins)
    decoded: dict[int, NDArray[np.int64]] = {}
    if uniq is not None:
        for i, j in enumerate(parts):
            decoded[j] = uniq[group_of, i]
    else:  # mixed radix, last part fastest
        rest = group_of
        for j in reversed(parts):
            rest, decoded[j] = np.divmod(rest, sizes[j])
    columns: list[list[Any]] = []
    for j, code in enumerate(codes):
        if code is None:
            assert bin_labels is not None
            columns.append([bin_labels[b] for b in bin_of.tolist()])
        else:
            lab = labels[j]
            columns.append([lab[k] for k in decoded[j].tolist()])
    keys: list[Hashable]
    if len(codes) == 0:
        keys = [()] * len(rows)
    elif len(codes) == 1:
        keys = columns[0]
    else:
        keys = list(zip(*columns, strict=True))
    return matrix, keys
