"""Permissions (准许): :func:`permits`, its batch form and :class:`PermitColumns` (private).

Imported by :mod:`urbangov.zones`, which re-exports everything public here.

How an activity is decided at a place and instant (``docs/zones.md`` has the sources):

1. a buffer the place is inside (e.g. 100 m of a school gate) that bans the activity
   and holds now forbids it — ``zones.buffers.NAME``;
2. else the tier's permission for the activity (or the tier's ``default``):
   ``forbidden`` and ``allowed`` decide — ``zones.tiers.TIER.ACTIVITY``;
   ``designated`` allows it only inside a stall area or vendor point that covers the
   place, allows the activity and is open now — ``zones.areas.NAME`` (the first open one
   by name) — and otherwise not;
3. a refusal under a leniency in force (e.g. 春运) is not fined (``fined`` false,
   ``leniency`` naming it).

The rules in force are those of the instant's local date.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import NAT, datetime64_ns, to_us
from urbangov.calendar import WorkCalendar
from urbangov.errors import HierarchyError, NaiveDatetimeError, PolicyError
from urbangov.hierarchy import Hierarchy, Segment, Unit
from urbangov.params import did_you_mean
from urbangov.zones._engine import MIN_US, Decision, Engine, engine_for
from urbangov.zones._rules import HasZones, ZoneRules

__all__ = ["Decision", "PermitColumns", "permits", "permits_batch"]

_NS_PER_MIN = 60_000_000_000
_CACHED = 100_000


def _activity(rules: ZoneRules, activity: object) -> str:
    if not isinstance(activity, str) or activity not in rules.activities:
        raise PolicyError(
            f"unknown activity {activity!r}",
            field="activity",
            hint=did_you_mean(str(activity), rules.activities),
        )
    return activity


def permits(
    activity: str,
    place: str | Unit | Segment,
    at: _dt.datetime,
    policy: ZoneRules | HasZones,
    hierarchy: Hierarchy,
    *,
    calendar: WorkCalendar | None = None,
) -> Decision:
    """Whether ``activity`` may take place at ``place`` at ``at`` (级差管理准许), and why.

    Parameters
    ----------
    activity
        An activity slug of the rules (``stall`` 摆摊设点, ``street_front_trade``
        出店经营, ``night_market``…; the city may add its own).
    place
        A unit or segment code of ``hierarchy`` (or the unit or segment).
    at
        Any aware ``datetime``.
    policy
        A :class:`ZoneRules` or a ``Policy``.
    hierarchy
        The city's units and segments, with their zone attributes.
    calendar
        Working and rest days and the time zone (default: the policy's own calendar; for
        a bare :class:`ZoneRules`, China's).

    Returns
    -------
    Decision
        ``allowed``, the ``rule`` that decided, the ``reason`` and ``until`` (see the
        module docstring for the order of the rules).

    Raises
    ------
    PolicyError
        For an unknown activity (with a did-you-mean) or an area naming an unknown place.
    HierarchyError
        For an unknown place.
    NaiveDatetimeError
        For a naive ``at``.
    CalendarCoverageError
        When an area or buffer of the place filters working or rest days and ``at`` lies
        in a year the calendar does not cover (a change is looked for up to the end of the
        covered years only).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
    ...     {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
    ...      "attributes": {"road_class": "main"}}])
    >>> at = _dt.datetime(2025, 6, 1, 18, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> d = permits("stall", "320105001", at, ZoneRules(), h)
    >>> d.allowed, d.rule, d.until
    (False, 'zones.tiers.strict.default', None)
    >>> print(d.reason)
    stall (摆摊设点) is forbidden in the strict zone (严管区)
    """
    rules = ZoneRules.of(policy)
    engine = engine_for(rules, hierarchy, calendar, policy)
    if activity not in rules.activities:
        _activity(rules, activity)
    minute = to_us(at, "at") // MIN_US
    code = place.code if isinstance(place, Unit | Segment) else place
    found = engine.cols.index.get(code) if isinstance(code, str) else None
    if found is None:
        engine.cols.find(code)  # raises the helpful error
    c = engine.class_of(activity, found)  # type: ignore[arg-type]
    v, until = engine.lookup(activity, c, minute)
    return _decision(engine, v, until)


def _decision(engine: Engine, v: int, until: int | None) -> Decision:
    cached = engine.decisions.get((v, until))
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    base = engine.verdicts[v]
    when = None if until is None else _dt.datetime.fromtimestamp(until * 60, engine.zone)
    decision = attrs.evolve(base, until=when)
    if len(engine.decisions) >= _CACHED:
        engine.decisions.clear()
    engine.decisions[(v, until)] = decision
    return decision


@attrs.frozen(eq=False)
class PermitColumns:
    """The answers of :func:`permits_batch`, as columns.

    ``verdict[i]`` indexes :attr:`verdicts` (each a :class:`Decision` without ``until``);
    ``until`` holds UTC ``datetime64[ns]`` instants (``NaT`` for ``None``); :meth:`decision`
    gives row ``i`` as the scalar :func:`permits` would.
    """

    verdict: npt.NDArray[np.int32]
    until: npt.NDArray[np.datetime64]
    verdicts: tuple[Decision, ...]
    tz: str

    def __len__(self) -> int:
        return len(self.verdict)

    @property
    def allowed(self) -> npt.NDArray[np.bool_]:
        """Whether each row is allowed."""
        flags = np.array([v.allowed for v in self.verdicts], dtype=np.bool_)
        return flags[self.verdict]

    @property
    def fined(self) -> npt.NDArray[np.bool_]:
        """Whether a violation in each row would be fined."""
        flags = np.array([v.fined for v in self.verdicts], dtype=np.bool_)
        return flags[self.verdict]

    def rules(self) -> tuple[str, ...]:
        """The deciding rule of each row."""
        names = [v.rule for v in self.verdicts]
        return tuple(names[int(v)] for v in self.verdict)

    def decision(self, i: int) -> Decision:
        """Row ``i`` as a :class:`Decision`."""
        from zoneinfo import ZoneInfo

        base = self.verdicts[int(self.verdict[i])]
        ns = int(self.until[i].astype("datetime64[ns]").view(np.int64))
        when = (
            None
            if ns == NAT
            else _dt.datetime.fromtimestamp(ns // 1_000_000_000, ZoneInfo(self.tz))
        )
        return attrs.evolve(base, until=when)


def permits_batch(
    activity: str | Sequence[str],
    places: Sequence[str],
    at: npt.ArrayLike,
    policy: ZoneRules | HasZones,
    hierarchy: Hierarchy,
    *,
    calendar: WorkCalendar | None = None,
) -> PermitColumns:
    """:func:`permits` over many (place, instant) pairs at once (vectorised).

    Parameters
    ----------
    activity
        One activity slug for every row, or one per row.
    places
        Unit or segment codes, one per row.
    at
        ``datetime64`` instants in UTC, one per row (no ``NaT``).
    policy, hierarchy, calendar
        As for :func:`permits`.

    Returns
    -------
    PermitColumns
        Row ``i`` equals ``permits(activity[i], places[i], at[i], …)``.

    Examples
    --------
    >>> import numpy as np
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None)])
    >>> out = permits_batch("stall", ["320105"] * 2,
    ...                     np.array(["2025-06-01T10:00", "2025-06-01T12:00"], "datetime64[ns]"),
    ...                     ZoneRules(), h)
    >>> out.rules()
    ('zones.tiers.control.default', 'zones.tiers.control.default')
    """
    rules = ZoneRules.of(policy)
    engine = engine_for(rules, hierarchy, calendar, policy)
    ns = datetime64_ns(at, "at", NaiveDatetimeError)
    if (ns == NAT).any():
        raise NaiveDatetimeError(
            f"row {int(np.argmax(ns == NAT))} has no instant (NaT)",
            field="at",
            hint="give an instant for every row",
        )
    minutes = np.floor_divide(ns, _NS_PER_MIN)
    index = engine.cols.index
    rows = np.fromiter((index.get(p, -1) for p in places), dtype=np.intp, count=len(places))
    if len(rows) != len(minutes):
        raise PolicyError(
            f"{len(rows)} places but {len(minutes)} instants",
            field="places",
            hint="give one place and one instant per row",
        )
    if (rows < 0).any():
        bad = int(np.argmax(rows < 0))
        raise HierarchyError(
            "no such unit or segment in the hierarchy",
            field=f"places[{bad}] = {places[bad]!r}",
            hint="check the code (streets have 9 digits, communities 12, grids 15)",
        )
    verdict = np.empty(len(rows), dtype=np.int32)
    until = np.full(len(rows), NAT, dtype=np.int64)
    if isinstance(activity, str):
        groups = [(_activity(rules, activity), np.arange(len(rows)))]
    else:
        acts = np.asarray(activity, dtype=object)
        if len(acts) != len(rows):
            raise PolicyError(
                f"{len(acts)} activities for {len(rows)} rows",
                field="activity",
                hint="give one activity, or one per row",
            )
        groups = [(_activity(rules, a), np.flatnonzero(acts == a)) for a in dict.fromkeys(acts)]
    for name, members in groups:
        _fill(engine, name, rows[members], minutes[members], members, verdict, until)
    for array in (verdict, until):
        array.flags.writeable = False
    stamps = until.view("datetime64[ns]")
    return PermitColumns(verdict, stamps, tuple(engine.verdicts), engine.calendar.tz)


def _fill(
    engine: Engine,
    activity: str,
    rows: npt.NDArray[np.intp],
    minutes: npt.NDArray[np.int64],
    members: npt.NDArray[np.intp],
    verdict: npt.NDArray[np.int32],
    until: npt.NDArray[np.int64],
) -> None:
    classes = engine.classes_of(activity, rows)
    limits = _limits(engine, minutes)
    for c in np.unique(classes):
        mine = np.flatnonzero(classes == c)
        t = minutes[mine]
        line = engine.timeline(activity, int(c), int(t.min()))
        line = engine.timeline(activity, int(c), int(t.max()))
        limit = limits[mine]
        covered = engine.covered_end(activity, int(c))
        if covered is not None:
            limit = np.minimum(limit, covered)
        while True:
            edges = np.asarray(line.edges, dtype=np.int64)
            pos = np.searchsorted(edges, t, side="right") - 1
            has = pos + 1 < len(edges)
            if line.end is None:
                break
            need = ~has & (line.end < limit)
            if not need.any():
                break
            engine._extend(activity, int(c), line, line.y1 + 1)
        verdicts = np.asarray(line.verdicts, dtype=np.int32)
        verdict[members[mine]] = verdicts[pos]
        nxt = edges[np.minimum(pos + 1, len(edges) - 1)]
        ok = has & (nxt < limit)
        until[members[mine]] = np.where(ok, nxt * _NS_PER_MIN, NAT)


def _limits(engine: Engine, minutes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The horizon (:meth:`Engine.horizon`) of each UTC minute, vectorised."""
    lo = engine.year_of(int(minutes.min())) if len(minutes) else 2000
    hi = engine.year_of(int(minutes.max())) if len(minutes) else 2000
    years = np.arange(lo, hi + 1)
    starts = np.array([engine.year_start(int(y)) for y in years], dtype=np.int64)
    year = years[np.searchsorted(starts, minutes, side="right") - 1]
    target = year + 1
    if engine.last_year is not None:
        target = np.maximum(target, engine.last_year + 1)
    if not len(target):
        return target.astype(np.int64)
    first = int(target.min())
    table = np.array(
        [engine.year_start(y + 1) for y in range(first, int(target.max()) + 1)], dtype=np.int64
    )
    return table[target - first]
