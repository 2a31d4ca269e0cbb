"""Time-out escalation and accountability triggers of a simulated run: :func:`escalate`
→ :class:`Escalations` (private; :mod:`urbangov.sim` re-exports the public names).

Everything here is the escalation package's batch path on the run's case table, as
known at the run's end: ``escalation.state_batch`` for the steps each case took and
when, ``escalation.triggers`` over the KPI tables by street and by department and over
the cases. ``docs/simulation.md`` ("Escalation and triggers") states it exactly.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from urbangov import escalation, kpi
from urbangov._internal.instants import to_ns
from urbangov.cases import CaseColumns, EventKind
from urbangov.errors import MissingExtraError, SimulationError
from urbangov.escalation import StateColumns, Trigger
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy
from urbangov.org import City
from urbangov.vocabulary import Level

if TYPE_CHECKING:
    from urbangov.sim._result import SimResult
    from urbangov.sim._synthetic import SyntheticCity

__all__ = [
    "Escalations",
    "StepCounts",
    "city_of",
    "departments_of",
    "escalate",
    "months_of",
    "streets_of",
]

I64 = npt.NDArray[np.int64]
#: The KPI tables whose rows are judged by the policy's trigger thresholds, in order.
TRIGGER_TABLES = ("street", "department")


def city_of(city: object) -> City:
    """The ``org.City`` of a :class:`SyntheticCity` or of an ``org.City``."""
    from urbangov.sim._synthetic import SyntheticCity

    if isinstance(city, SyntheticCity):
        return city.city
    if isinstance(city, City):
        return city
    raise SimulationError(
        f"{type(city).__name__} is not a city",
        field="city",
        hint="give the SyntheticCity (or org.City) the result was simulated on",
    )


def months_of(start: _dt.datetime, end: _dt.datetime, tz: _dt.tzinfo) -> tuple[_dt.date, ...]:
    """The first days of the calendar months (in ``tz``) that ``[start, end)`` touches:
    the period keys of the result's monthly KPI tables.

    >>> import datetime as dt
    >>> from zoneinfo import ZoneInfo
    >>> sh = ZoneInfo("Asia/Shanghai")
    >>> months_of(dt.datetime(2024, 5, 6, tzinfo=sh), dt.datetime(2024, 7, 1, tzinfo=sh), sh)
    (datetime.date(2024, 5, 1), datetime.date(2024, 6, 1))
    """
    first = start.astimezone(tz).date().replace(day=1)
    last = (end.astimezone(tz) - _dt.timedelta(microseconds=1)).date()
    out = []
    d = first
    while d <= last:
        out.append(d)
        d = (d.replace(day=28) + _dt.timedelta(days=4)).replace(day=1)
    return tuple(out)


def _same(a: object, b: object) -> bool:
    x, y = np.asarray(a), np.asarray(b)
    return x.dtype == y.dtype and x.shape == y.shape and bool(np.array_equal(x, y))


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _keys(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class StepCounts:
    """How many cases took each time-out step in each month, by unit: one row per key,
    one column per step name (a step counts in the month it fell due).

    Keys are shaped as the KPI table's of the same name: ``(unit, month)`` by street or
    department, ``month`` for the whole city; every unit of that KPI table appears with
    every month of the run, zeros included.

    Examples
    --------
    >>> import datetime
    >>> import numpy as np
    >>> may = datetime.date(2024, 5, 1)
    >>> t = StepCounts(("street", "period"), (("a", may),), ("remind",), np.array([[3]]))
    >>> dict(t.get(("a", may))), dict(t.total())
    ({'remind': 3}, {'remind': 3})
    """

    by: tuple[str, ...] = attrs.field(converter=_strings)
    keys: tuple[Any, ...] = attrs.field(converter=_keys)
    steps: tuple[str, ...] = attrs.field(converter=_strings)
    values: npt.NDArray[np.int64] = attrs.field()
    _index: dict[Any, int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        values = np.array(self.values, dtype=np.int64).reshape(len(self.keys), len(self.steps))
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "_index", {k: i for i, k in enumerate(self.keys)})

    def get(self, key: Any) -> FrozenMap[str, int]:
        """The counts of one key, by step name."""
        try:
            row = self._index[key]
        except KeyError:
            raise SimulationError(
                f"{key!r} is not a key of the step counts by {', '.join(self.by)}",
                field="key",
                hint=f"keys look like {self.keys[0]!r}" if self.keys else "the table is empty",
            ) from None
        return FrozenMap(zip(self.steps, self.values[row].tolist(), strict=True))

    def items(self) -> Iterator[tuple[Any, FrozenMap[str, int]]]:
        """``(key, counts)`` in key order."""
        for key in self.keys:
            yield key, self.get(key)

    def total(self) -> FrozenMap[str, int]:
        """The counts over every key (each case's step counts once)."""
        return FrozenMap(zip(self.steps, self.values.sum(axis=0).tolist(), strict=True))

    def __len__(self) -> int:
        return len(self.keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StepCounts):
            return NotImplemented
        return ((self.by, self.keys, self.steps) == (other.by, other.keys, other.steps)) and _same(
            self.values, other.values
        )

    __hash__ = None  # type: ignore[assignment]

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame``: one row per key (indexed by ``by``), one column per
        step.

        Raises
        ------
        MissingExtraError
            If pandas is not installed (``pip install 'urbangov[parquet]'``).
        """
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise MissingExtraError(
                "pandas is not installed",
                field="to_pandas",
                hint="install the parquet extra: pip install 'urbangov[parquet]'",
            ) from None
        if len(self.by) == 1:
            index = pd.Index(list(self.keys), name=self.by[0], dtype=object)
        else:
            index = pd.MultiIndex.from_tuples(list(self.keys), names=list(self.by))
        return pd.DataFrame(np.asarray(self.values), index=index, columns=list(self.steps))


@attrs.frozen(eq=False)
class Escalations:
    """The time-out escalation and accountability triggers of a simulated run, as known
    at its end (:func:`escalate`).

    Attributes
    ----------
    at
        The instant the state is of: the run's end.
    state
        Per case (rows of ``result.cases``): ``escalation.state_batch(result.cases, at,
        policy, hierarchy)`` — level, steps taken and when each fell due
        (``state.taken_at``), next step and when, overdue.
    counts
        :class:`StepCounts` by ``"street"`` (the case's grid's street), ``"department"``
        (the case's last dispatch) and ``"month"`` (the whole city): cases whose step
        fell due in each month.
    triggers
        By month (the KPI tables' period keys): the accountability triggers
        (:class:`~urbangov.escalation.Trigger`) of the month — those
        ``escalation.triggers`` finds in the month's rows of the KPI tables by street,
        then by department, then those it finds in the cases
        (``escalation.triggers(None, policy, cases=result.cases, at=at)``) whose step
        fell due in the month.

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> import numpy as np
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import SyntheticCity, run
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> esc = run(SyntheticCity.generate(grids=60, streets=2, seed=3), Policy.default(),
    ...           start=start, days=21, seed=1).escalations
    >>> row = int(np.argmax(esc.state.taken))
    >>> [name for name, at in esc.steps_of(row)]
    ['reminder_notice', 'copy_to_leader']
    >>> esc.months, esc.triggers[esc.months[0]][0].measure.value
    ((datetime.date(2024, 5, 1),), 'written_check')
    """

    at: _dt.datetime
    state: StateColumns
    counts: FrozenMap[str, StepCounts]
    triggers: FrozenMap[_dt.date, tuple[Trigger, ...]]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Escalations):
            return NotImplemented
        return (self.at, self.state, self.counts, self.triggers) == (
            other.at,
            other.state,
            other.counts,
            other.triggers,
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def months(self) -> tuple[_dt.date, ...]:
        """The months of the run (first days)."""
        return tuple(self.triggers)

    def all_triggers(self) -> tuple[Trigger, ...]:
        """Every trigger of the run, month by month."""
        return tuple(t for month in self.triggers.values() for t in month)

    def steps_of(self, row: int) -> tuple[tuple[str, _dt.datetime], ...]:
        """The steps case ``row`` took by :attr:`at` and when each fell due (aware, in
        :attr:`at`'s zone), in order."""
        times = self.state.taken_at[row].view(np.int64)
        zone = self.at.tzinfo
        out = [
            (name, _instant(int(times[j]), zone))
            for j, name in enumerate(self.state.step_names)
            if times[j] != np.iinfo(np.int64).min
        ]
        return tuple(sorted(out, key=lambda x: x[1]))


def _instant(ns: int, zone: _dt.tzinfo | None) -> _dt.datetime:
    epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
    return (epoch + _dt.timedelta(microseconds=ns // 1000)).astimezone(zone)


def _month_index(times: I64, bounds: I64) -> I64:
    """Per instant (ns), the index of the month it falls in (the last for the run's end
    instant itself)."""
    found: I64 = np.searchsorted(bounds, times, side="right").astype(np.int64) - 1
    return np.clip(found, 0, bounds.size - 1)


def _bounds(months: tuple[_dt.date, ...], start: _dt.datetime, tz: _dt.tzinfo) -> I64:
    """The first instant of each month in the run (the run's start for the first)."""
    out = [to_ns(start, "start")]
    out += [to_ns(_dt.datetime(m.year, m.month, 1, tzinfo=tz), "month") for m in months[1:]]
    return np.array(out, dtype=np.int64)


def departments_of(columns: CaseColumns) -> I64:
    """Per case, the code (into ``columns.departments``) of the department of its last
    dispatch (-1: none), the grouping of the KPI tables by department
    (``kpi.CaseTimes.from_columns``)."""
    out = np.full(columns.n_cases, -1, dtype=np.int64)
    rows = np.flatnonzero(columns.kind == EventKind.DISPATCH.code)
    if rows.size:  # events are grouped by case, in order
        cs = columns.case[rows]
        last = np.ones(rows.size, dtype=np.bool_)
        last[:-1] = cs[1:] != cs[:-1]
        out[cs[last]] = columns.event_department[rows[last]]
    return out


def streets_of(columns: CaseColumns, h: Hierarchy) -> tuple[npt.NDArray[np.int64], list[str]]:
    """Per case, the code (into the list returned) of its grid's street (-1: none), the
    grouping of the KPI tables by street."""
    streets: list[str] = []
    index: dict[str, int] = {}
    of_grid = np.full(len(columns.grids), -1, dtype=np.int64)
    used = np.bincount(columns.grid, minlength=len(columns.grids)) > 0
    for g in np.flatnonzero(used).tolist():
        unit = h.unit(columns.grids[g])
        for u in (unit, *h.ancestors(unit)):
            if u.level is Level.STREET:
                if u.code not in index:
                    index[u.code] = len(streets)
                    streets.append(u.code)
                of_grid[g] = index[u.code]
    codes: npt.NDArray[np.int64] = of_grid[columns.grid]
    return codes, streets


def _counts(
    name: str,
    table: kpi.KpiTable | None,
    group: npt.NDArray[np.int64] | None,
    labels: list[str] | tuple[str, ...],
    months: tuple[_dt.date, ...],
    month_of: I64,
    taken: npt.NDArray[np.bool_],
    steps: tuple[str, ...],
) -> StepCounts:
    m = len(months)
    if group is None:
        values = np.zeros((m, len(steps)), dtype=np.int64)
        for j in range(len(steps)):
            values[:, j] = np.bincount(month_of[taken[:, j], j], minlength=m)[:m]
        return StepCounts(("period",), months, steps, values)
    assert table is not None
    keys: tuple[tuple[Any, ...], ...] = table.keys()  # type: ignore[assignment]
    units = list(dict.fromkeys(k[0] for k in keys if k[0] is not None))
    where = {u: i for i, u in enumerate(units)}
    remap = np.array([where.get(label, -1) for label in labels] + [-1], dtype=np.int64)
    unit = remap[np.where(group >= 0, group, len(labels))]
    values = np.zeros((len(units) * m, len(steps)), dtype=np.int64)
    for j in range(len(steps)):
        rows = taken[:, j] & (unit >= 0)
        flat = unit[rows] * m + month_of[rows, j]
        values[:, j] = np.bincount(flat, minlength=len(units) * m)[: len(units) * m]
    keys = tuple((u, d) for u in units for d in months)
    return StepCounts((name, "period"), keys, steps, values)


def escalate(result: SimResult, city: SyntheticCity | City) -> Escalations:
    """The time-out escalation and accountability triggers of a run (what
    ``sim.run`` puts in ``result.escalations``), from its case table, KPI tables and
    policy, with the escalation package's own functions.

    Parameters
    ----------
    result
        A finished run.
    city
        The city it ran on (its hierarchy places the cases).

    Returns
    -------
    Escalations

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import SyntheticCity, run
    >>> city = SyntheticCity.generate(grids=60, streets=2, seed=3)
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> result = run(city, Policy.default(), start=start, days=14, seed=1)
    >>> escalate(result, city) == result.escalations
    True
    >>> result.escalations.state.step_names
    ('reminder_notice', 'copy_to_leader', 'written_criticism')
    """
    h = city_of(city).hierarchy
    policy = result.policy
    tz = ZoneInfo(policy.work_calendar().tz)
    at = result.end
    columns = result.cases
    state = escalation.state_batch(columns, at, policy, h)
    months = months_of(result.start, at, tz)
    month_of = _month_index(state.taken_at.view(np.int64), _bounds(months, result.start, tz))
    taken = ~np.isnat(state.taken_at)
    steps = state.step_names
    counts: dict[str, StepCounts] = {}
    if "street" in result.kpis:
        codes, streets = streets_of(columns, h)
        counts["street"] = _counts(
            "street", result.kpi("street"), codes, streets, months, month_of, taken, steps
        )
    counts["department"] = _counts(
        "department",
        result.kpi("department"),
        departments_of(columns),
        columns.departments,
        months,
        month_of,
        taken,
        steps,
    )
    counts["month"] = _counts("month", None, None, (), months, month_of, taken, steps)
    return Escalations(
        at=at,
        state=state,
        counts=FrozenMap(counts),
        triggers=_triggers(result, months, state, month_of),
    )


def _triggers(
    result: SimResult,
    months: tuple[_dt.date, ...],
    state: StateColumns,
    month_of: I64,
) -> FrozenMap[_dt.date, tuple[Trigger, ...]]:
    policy = result.policy
    by_month: dict[_dt.date, list[Trigger]] = {m: [] for m in months}
    for name in TRIGGER_TABLES:
        if name not in result.kpis:
            continue
        for t in escalation.triggers(result.kpi(name), policy):
            by_month[t.figures["period"]].append(t)
    found = escalation.triggers(None, policy, cases=result.cases, at=result.end, state=state)
    column = {s: j for j, s in enumerate(state.step_names)}
    # a case's trigger is of a step it took: look its id up among the cases that took it
    ids = result.cases.ids
    row_of: dict[str, int] = {}
    for j in sorted({column[t.figures["step"]] for t in found}):
        rows = np.flatnonzero(~np.isnat(state.taken_at[:, j]))
        row_of.update((ids[r], r) for r in rows.tolist())
    for t in found:
        row = row_of[t.figures["case"]]
        by_month[months[int(month_of[row, column[t.figures["step"]]])]].append(t)
    return FrozenMap((m, tuple(ts)) for m, ts in by_month.items())
