"""The escalation state of many cases at once: :func:`state_batch` (private;
:mod:`urbangov.escalation` re-exports the public names)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import NAT, aware, stdlib, to_ns
from urbangov.calendar import TimeLimit, TimeUnit, WorkCalendar
from urbangov.cases import CaseColumns, EventKind
from urbangov.deadlines import deadline_batch
from urbangov.errors import PolicyError
from urbangov.escalation._context import Context, PolicyLike, context, need_policy, severity_in
from urbangov.escalation._rules import Compiled
from urbangov.escalation._values import Severity, StepAction
from urbangov.hierarchy import Hierarchy
from urbangov.vocabulary import Level

__all__ = ["StateColumns", "state_batch"]

I64 = npt.NDArray[np.int64]


def _ns(t: _dt.datetime) -> int:
    return to_ns(t, "at")


@attrs.frozen(eq=False)
class StateColumns:
    """The escalation state of many cases at one instant (the batch :class:`EscalationState`),
    one row per case of the :class:`~urbangov.cases.CaseColumns`.

    Attributes
    ----------
    level, base_level
        ``int8`` :class:`~urbangov.vocabulary.Level` values: the level handling each
        case now and before any time-out step.
    unit, units
        ``int32`` codes into ``units``: the unit at ``level``.
    due, overdue
        ``datetime64[ns]`` UTC due times (``NaT``: none) and ``bool`` overdue flags.
    taken
        ``int8``: how many steps were taken (the first ``taken`` of the case's rules).
    next_step, next_at, step_names
        ``int16`` codes into ``step_names`` (``-1``: no next step) and ``datetime64[ns]``
        UTC times of the next step.
    escalations
        ``int8``: how many ``escalate`` steps were taken.
    taken_at
        ``datetime64[ns]`` UTC, one row per case and one column per name of
        ``step_names``: when each step taken fell due (``NaT``: not taken) — the times of
        :attr:`EscalationState.taken`.

    Two values are equal when every column is (``NaT`` equal to ``NaT``).
    """

    level: npt.NDArray[np.int8]
    base_level: npt.NDArray[np.int8]
    unit: npt.NDArray[np.int32]
    units: tuple[str, ...]
    due: npt.NDArray[np.datetime64]
    overdue: npt.NDArray[np.bool_]
    taken: npt.NDArray[np.int8]
    next_step: npt.NDArray[np.int16]
    next_at: npt.NDArray[np.datetime64]
    step_names: tuple[str, ...]
    escalations: npt.NDArray[np.int8]
    taken_at: npt.NDArray[np.datetime64]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateColumns):
            return NotImplemented
        return all(
            _same(getattr(self, f.name), getattr(other, f.name)) for f in attrs.fields(StateColumns)
        )

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return int(self.level.size)

    def row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as plain values (levels as :class:`Level`, codes as strings, instants
        as ``numpy.datetime64``): what :func:`state_batch`'s example prints."""
        nxt = int(self.next_step[i])
        times = self.taken_at[i]
        return {
            "level": Level(int(self.level[i])),
            "base_level": Level(int(self.base_level[i])),
            "unit": self.units[int(self.unit[i])],
            "due": self.due[i],
            "overdue": bool(self.overdue[i]),
            "taken": int(self.taken[i]),
            "next_step": None if nxt < 0 else self.step_names[nxt],
            "next_at": self.next_at[i],
            "escalations": int(self.escalations[i]),
            "taken_at": {
                name: times[j] for j, name in enumerate(self.step_names) if not np.isnat(times[j])
            },
        }


def _same(a: object, b: object) -> bool:
    """Equal tuples, or arrays of one dtype and shape with equal values (``NaT`` equal)."""
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    x, y = np.asarray(a), np.asarray(b)
    if x.dtype != y.dtype or x.shape != y.shape:
        return False
    if x.dtype.kind == "M":
        x, y = x.view(np.int64), y.view(np.int64)
    return bool(np.array_equal(x, y))


def _batch_unit(limit: TimeLimit) -> tuple[int, str]:
    """(whole amount, unit name) of a limit for ``WorkCalendar.add_batch``."""
    unit = limit.unit
    if unit is TimeUnit.WORKING_DAYS:
        return int(limit.amount), "working_days"
    if unit is TimeUnit.DAYS:
        return int(limit.amount), "days"
    per = 60 if unit in (TimeUnit.WORKING_HOURS, TimeUnit.HOURS) else 1
    return int(limit.amount * per), "working_minutes" if unit.working else "minutes"


def _segments(columns: CaseColumns, ctx: Context, at_ns: int) -> tuple[I64, tuple[_dt.date, ...]]:
    """Per case, the span of dates with constant rules its filing date falls in."""
    bounds = ctx.rules.change_dates()
    n = columns.n_cases
    if not bounds:
        return np.zeros(n, dtype=np.int64), bounds
    t_ev = columns.at.view(np.int64)
    rows = np.flatnonzero((columns.kind == EventKind.FILE.code) & (t_ev <= at_ns))
    filed = columns.reported_at.view(np.int64).copy()
    if rows.size:  # events are grouped by case: a case's first filing leads its rows
        cs = columns.case[rows]
        first = np.ones(rows.size, dtype=np.bool_)
        first[1:] = cs[1:] != cs[:-1]
        filed[cs[first]] = t_ev[rows[first]]
    edges = np.array(
        [_ns(_dt.datetime(d.year, d.month, d.day, tzinfo=ctx.tz)) for d in bounds], dtype=np.int64
    )
    return np.searchsorted(edges, filed, side="right").astype(np.int64), bounds


def _codes_used(codes: npt.NDArray[Any], size: int) -> npt.NDArray[np.intp]:
    """The distinct values of codes in ``0..size-1``, ascending (``np.unique`` by
    counting)."""
    return np.flatnonzero(np.bincount(codes, minlength=size))


def _segment_date(bounds: tuple[_dt.date, ...], segment: int) -> _dt.date:
    return _dt.date.min if segment == 0 else bounds[segment - 1]


def _grid_tables(
    columns: CaseColumns, hierarchy: Hierarchy
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], npt.NDArray[np.int32], tuple[str, ...]]:
    """Per grid code: its unit's level, its root's level and the unit at each level."""
    k = len(columns.grids)
    own = np.zeros(k, dtype=np.int8)
    root = np.zeros(k, dtype=np.int8)
    table = np.full((k, len(Level)), -1, dtype=np.int32)
    units: dict[str, int] = {}
    for g in _codes_used(columns.grid, k).tolist():
        unit = hierarchy.unit(columns.grids[g])
        line = (unit, *hierarchy.ancestors(unit))
        own[g], root[g] = unit.level, line[-1].level
        for u in line:
            table[g, u.level] = units.setdefault(u.code, len(units))
    return own, root, table, tuple(units)


def _schedule(
    rules: Compiled,
    cal: WorkCalendar,
    start: I64,
    due: I64,
    stop: I64,
    at_ns: int,
    names: dict[str, int],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int16], I64, npt.NDArray[np.int8], I64]:
    """Steps taken, next step, its time, escalations and the times of the steps taken
    (one column per name) of the rows given (see ``_steps.schedule``, the scalar
    reference)."""
    m = start.size
    taken_at = np.full((m, len(names)), NAT, dtype=np.int64)
    taken = np.zeros(m, dtype=np.int8)
    escalations = np.zeros(m, dtype=np.int8)
    nxt = np.full(m, -1, dtype=np.int16)
    nxt_at = np.full(m, NAT, dtype=np.int64)
    done = start == NAT
    times: list[I64] = []
    prev: I64 | None = None
    for i, step in enumerate(rules.steps):
        a = rules.anchors[i]
        anchor = start if a == -2 else due if a == -1 else times[a]
        done |= anchor == NAT  # an open suspension stopped the clock: no next step
        live = np.flatnonzero(~done)
        t = np.full(m, NAT, dtype=np.int64)
        if step.after.amount:
            amount, unit = _batch_unit(step.after)
            found = cal.add_batch(anchor[live].view("datetime64[ns]"), amount, unit)
            t[live] = found.view(np.int64)
        else:
            t[live] = anchor[live]
        if prev is not None:
            t[live] = np.maximum(t[live], prev[live])  # never before the step before it
        prev = t
        times.append(t)
        act = ~done
        cut = act & (stop != NAT) & (stop <= t)
        future = act & ~cut & (t > at_ns)
        nxt[future] = names[step.name]
        nxt_at[future] = t[future]
        took = act & ~cut & ~future
        taken += took
        taken_at[took, names[step.name]] = t[took]
        if step.action is StepAction.ESCALATE:
            escalations += took
        done |= cut | future
        if done.all():
            break
    return taken, nxt, nxt_at, escalations, taken_at


def segment_rules(
    columns: CaseColumns, ctx: Context, at_ns: int
) -> tuple[I64, dict[int, Compiled], dict[str, int]]:
    """Per case its span of constant rules (as known at ``at_ns``), the compiled rules of
    each span that occurs, and the step names of those rules (name → column)."""
    seg, bounds = _segments(columns, ctx, at_ns)
    segments = _codes_used(seg, len(bounds) + 1).tolist() if columns.n_cases else []
    compiled = {s: ctx.rules.compiled(_segment_date(bounds, s)) for s in segments}
    names: dict[str, int] = {}
    for rules in compiled.values():
        for step in rules.steps:
            names.setdefault(step.name, len(names))
    return seg, compiled, names


@attrs.frozen(eq=False)
class StepsBatch:
    """The time-out steps of many cases at an instant, before levels and units."""

    due: I64
    stop: I64
    segment: I64
    compiled: dict[int, Compiled]
    taken: npt.NDArray[np.int8]
    next: npt.NDArray[np.int16]
    next_at: I64
    escalations: npt.NDArray[np.int8]
    names: tuple[str, ...]
    taken_at: I64


def steps_batch(
    columns: CaseColumns, ctx: Context, policy: PolicyLike, when: _dt.datetime
) -> StepsBatch:
    """The steps taken by ``when``, the next one and when, of every case."""
    n = columns.n_cases
    at_ns = _ns(when)
    dl = deadline_batch(columns, policy, at=when)
    start, due, stop = (x.view(np.int64) for x in (dl.start, dl.due, dl.stopped))
    seg, compiled, names = segment_rules(columns, ctx, at_ns)
    taken = np.zeros(n, dtype=np.int8)
    escalations = np.zeros(n, dtype=np.int8)
    nxt = np.full(n, -1, dtype=np.int16)
    nxt_at = np.full(n, NAT, dtype=np.int64)
    taken_at = np.full((n, len(names)), NAT, dtype=np.int64)
    for s, rules in compiled.items():
        rows = np.flatnonzero(seg == s) if len(compiled) > 1 else np.arange(n)
        got = _schedule(rules, ctx.calendar, start[rows], due[rows], stop[rows], at_ns, names)
        taken[rows], nxt[rows], nxt_at[rows], escalations[rows], taken_at[rows] = got
    return StepsBatch(
        due, stop, seg, compiled, taken, nxt, nxt_at, escalations, tuple(names), taken_at
    )


def state_batch(
    columns: CaseColumns,
    at: _dt.datetime,
    policy: PolicyLike,
    hierarchy: Hierarchy,
    *,
    levels: npt.ArrayLike | None = None,
) -> StateColumns:
    """The escalation state of many cases at ``at`` (the vectorised :func:`state`).

    Equal to :func:`state` case by case, for cases whose only territory is their grid and
    that involve one department (what a case log records); ``levels`` gives each case's
    handling level instead (``int`` :class:`~urbangov.vocabulary.Level` values, e.g. from
    :func:`handling_level` with the cases' territories and departments).

    Examples
    --------
    >>> import datetime as _dt
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import Case, CaseEvent
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import sample_city
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street_office_001")])
    >>> s = state_batch(CaseColumns.from_cases([case]), t + _dt.timedelta(days=2), Policy(),
    ...                 sample_city().hierarchy)
    >>> s.row(0)["taken"], s.row(0)["next_step"], s.row(0)["overdue"]
    (2, 'written_criticism', True)
    """
    when = stdlib(aware(at, "at"))
    need_policy(policy, "state_batch")
    ctx = context(policy)
    n = columns.n_cases
    steps = steps_batch(columns, ctx, policy, when)
    seg, compiled = steps.segment, steps.compiled
    own, root, table, units = _grid_tables(columns, hierarchy)
    grid = columns.grid.astype(np.int64)
    if levels is None:
        need = np.zeros((len(columns.categories), int(seg.max()) + 1 if n else 1), dtype=np.int8)
        for s, rules in compiled.items():
            for c in _codes_used(columns.category, len(columns.categories)).tolist():
                sev = severity_in(rules, ctx.taxonomy, columns.categories[c])
                need[c, s] = rules.major if sev is Severity.MAJOR else rules.minor
        base = need[columns.category, seg] if n else np.zeros(0, dtype=np.int8)
        base = np.minimum(base, own[grid])  # the lowest unit covering the grid is itself
    else:
        base = np.asarray(levels, dtype=np.int8)
        if base.shape != (n,) or (n and (base.min() < 0 or base.max() > max(Level))):
            raise PolicyError(
                "levels must give one Level value (0–4) per case",
                field="levels",
                hint="pass e.g. [int(handling_level(case, policy, h)) for case in cases]",
            )
    base = np.maximum(base, root[grid]).astype(np.int8)
    taken, nxt, nxt_at, escalations = steps.taken, steps.next, steps.next_at, steps.escalations
    due, stop = steps.due, steps.stop
    at_ns = _ns(when)
    level = np.maximum(base.astype(np.int16) - escalations, root[grid]).astype(np.int8)
    overdue = (due != NAT) & (np.where(stop != NAT, stop, at_ns) > due)
    return StateColumns(
        level=level,
        base_level=base,
        unit=table[grid, level],
        units=units,
        due=due.view("datetime64[ns]"),
        overdue=overdue,
        taken=taken,
        next_step=nxt,
        next_at=nxt_at.view("datetime64[ns]"),
        step_names=steps.names,
        escalations=escalations,
        taken_at=steps.taken_at.view("datetime64[ns]"),
    )
