"""Patrol plans (巡查安排): :func:`patrol_plan` and :class:`PatrolPlan` (private).

Imported by :mod:`urbangov.zones`, which re-exports everything public here.

For a day, every leaf unit (a grid, or a unit with no children) gets, per shift, the
patrol its tier's ``patrols`` table names (fixed posts in the strict zone, daily patrol in
the control zone, mobile patrol in the general zone, a night squadron…); key areas get a
round in the morning and the evening shifts unless a fixed post stands there; the street
whose turn it is gets a campaign team over its control-zone units ("一周整治一条街"); on
official holidays and during major events cleaning is longer and more frequent. A unit's
staff need is exact (``Fraction``): a team of ``staff`` covering ``units_per_team`` units
needs ``staff / units_per_team`` per unit, so the staffing a rule change costs is a sum.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterator
from fractions import Fraction

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.calendar import DayKind, WorkCalendar
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy
from urbangov.vocabulary import Level, ZoneTier
from urbangov.zones._classify import classify, places
from urbangov.zones._places import TIERS
from urbangov.zones._rules import HasZones, ZoneRules
from urbangov.zones._values import Cleaning, PatrolKind, Window

__all__ = ["Patrol", "PatrolPlan", "PatrolTable", "patrol_plan", "patrol_table"]


@attrs.frozen
class Patrol:
    """One unit's patrol in one shift: its kind, rounds, the staff it needs (exact) and
    the rule that set it (``zones.patrols.TIER.SHIFT``, ``zones.key_areas``,
    ``zones.campaign``)."""

    unit: str
    shift: str
    kind: PatrolKind
    rounds: int
    staff: Fraction
    tier: ZoneTier
    rule: str


@attrs.frozen
class PatrolPlan:
    """A day's patrols per unit and shift, and its cleaning (built by :func:`patrol_plan`).

    ``holiday`` says the day is an official holiday (法定节假日); ``events`` names the major
    events (重大活动) on it; ``cleaning`` is the day's cleaning and ``cleaning_rule`` the
    rule it came from; ``campaign_street`` is the street of the rotating campaign.
    """

    day: _dt.date
    patrols: tuple[Patrol, ...]
    shifts: FrozenMap[str, Window]
    cleaning: Cleaning
    cleaning_rule: str
    holiday: bool = False
    events: tuple[str, ...] = ()
    campaign_street: str | None = None

    def __iter__(self) -> Iterator[Patrol]:
        return iter(self.patrols)

    def __len__(self) -> int:
        return len(self.patrols)

    def staff(self, within: str | None = None, shift: str | None = None) -> Fraction:
        """The staff the plan needs in the territory of unit ``within`` (all units when
        ``None``; unit codes extend their parents', so a street's code covers its grids),
        in ``shift`` or in all shifts."""
        return sum(
            (
                p.staff
                for p in self.patrols
                if (within is None or p.unit.startswith(within))
                and (shift is None or p.shift == shift)
            ),
            Fraction(0),
        )

    def by_unit(self) -> FrozenMap[str, Fraction]:
        """The staff each unit needs over all shifts."""
        out: dict[str, Fraction] = {}
        for p in self.patrols:
            out[p.unit] = out.get(p.unit, Fraction(0)) + p.staff
        return FrozenMap(out)

    def of(self, unit: str) -> tuple[Patrol, ...]:
        """The patrols of one unit, in shift order."""
        order = list(self.shifts)
        found = [p for p in self.patrols if p.unit == unit]
        return tuple(sorted(found, key=lambda p: order.index(p.shift)))


def _same(a: npt.NDArray[np.generic], b: npt.NDArray[np.generic]) -> bool:
    return a.dtype == b.dtype and np.array_equal(a, b)


@attrs.frozen
class PatrolTable:
    """A day's patrol plan as columns, one row per patrol in :class:`PatrolPlan`'s order
    (built by :func:`patrol_table`).

    ``unit`` indexes ``units`` (the units patrolled, by code), ``shift`` indexes the
    day's ``shifts`` (as :attr:`PatrolPlan.shifts`) and ``kind`` indexes ``kinds``
    (every :class:`PatrolKind`); ``rounds`` is each patrol's rounds.
    """

    day: _dt.date
    units: tuple[str, ...]
    shifts: FrozenMap[str, Window]
    kinds: tuple[PatrolKind, ...]
    unit: npt.NDArray[np.int64] = attrs.field(eq=attrs.cmp_using(eq=_same), repr=False)
    shift: npt.NDArray[np.int64] = attrs.field(eq=attrs.cmp_using(eq=_same), repr=False)
    kind: npt.NDArray[np.int8] = attrs.field(eq=attrs.cmp_using(eq=_same), repr=False)
    rounds: npt.NDArray[np.int64] = attrs.field(eq=attrs.cmp_using(eq=_same), repr=False)

    def __len__(self) -> int:
        return int(self.unit.size)


def patrol_plan(
    hierarchy: Hierarchy,
    policy: ZoneRules | HasZones,
    day: _dt.date,
    *,
    calendar: WorkCalendar | None = None,
    within: str | None = None,
) -> PatrolPlan:
    """The patrol plan (巡查安排) of ``day``: patrols per leaf unit and shift from its tier.

    Parameters
    ----------
    hierarchy
        The city; its leaf units (grids) are patrolled.
    policy
        A :class:`ZoneRules` or a ``Policy`` (its rules of ``day`` apply).
    day
        The local date planned.
    calendar
        Says whether ``day`` is an official holiday (default: the policy's own; for a
        bare :class:`ZoneRules`, China's).
    within
        Plan only the territory of this unit (e.g. one street).

    Examples
    --------
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
    ...     {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
    ...      "attributes": {"road_class": "main"}}])
    >>> plan = patrol_plan(h, ZoneRules(), _dt.date(2025, 10, 1))
    >>> for p in plan.of("320105001"):
    ...     print(p.shift, p.kind.value, p.staff)
    morning fixed_post 1
    day fixed_post 1
    evening fixed_post 1
    night night_squadron 1/10
    >>> plan.holiday, plan.cleaning.hours, plan.cleaning_rule
    (True, 12, 'zones.holiday_cleaning')
    """
    rows = _rows(hierarchy, policy, day, calendar, within)
    codes, slots = rows.codes, rows.slots
    patrols = tuple(
        Patrol(codes[u], *slots[s])
        for u, s in zip(rows.unit.tolist(), rows.slot.tolist(), strict=True)
    )
    resolved = rows.resolved
    source = "zones.holiday_cleaning" if rows.busy else "zones.cleaning"
    cleaning = (resolved.holiday_cleaning if rows.busy else resolved.cleaning).at(day)
    return PatrolPlan(
        day, patrols, resolved.shifts, cleaning, source, rows.holiday, rows.events, rows.street
    )


def patrol_table(
    hierarchy: Hierarchy,
    policy: ZoneRules | HasZones,
    day: _dt.date,
    *,
    calendar: WorkCalendar | None = None,
    within: str | None = None,
) -> PatrolTable:
    """The patrol plan (巡查安排) of ``day`` as columns: the patrols of
    :func:`patrol_plan`, in its order, without an object per patrol (a city of 10,000
    grids has some 40,000 patrols a day). Same arguments as :func:`patrol_plan`.

    Examples
    --------
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
    ...     {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
    ...      "attributes": {"road_class": "main"}}])
    >>> table = patrol_table(h, ZoneRules(), _dt.date(2025, 10, 1))
    >>> len(table), table.units, [table.kinds[k].value for k in table.kind]
    (4, ('320105001',), ['fixed_post', 'fixed_post', 'fixed_post', 'night_squadron'])
    >>> [list(table.shifts)[s] for s in table.shift], table.rounds.tolist()
    (['morning', 'day', 'evening', 'night'], [1, 1, 1, 1])
    """
    rows = _rows(hierarchy, policy, day, calendar, within)
    used = np.flatnonzero(np.bincount(rows.unit, minlength=len(rows.codes)))
    units = tuple(map(rows.codes.__getitem__, used.tolist()))
    shifts = rows.resolved.shifts  # every shift a rule names is one of them
    names = list(shifts)
    shift_of = np.array([names.index(s[0]) for s in rows.slots], dtype=np.int64)
    kinds = tuple(PatrolKind)
    kind_of = np.array([kinds.index(s[1]) for s in rows.slots], dtype=np.int8)
    rounds_of = np.array([s[2] for s in rows.slots], dtype=np.int64)
    slot = rows.slot
    return PatrolTable(
        day=day,
        units=units,
        shifts=shifts,
        kinds=kinds,
        unit=np.searchsorted(used, rows.unit).astype(np.int64),
        shift=shift_of[slot],
        kind=kind_of[slot],
        rounds=rounds_of[slot],
    )


#: A patrol's fields but its unit: shift, kind, rounds, staff, tier and rule.
_Slot = tuple[str, PatrolKind, int, Fraction, ZoneTier, str]


@attrs.frozen
class _Rows:
    """A day's patrols as (unit, slot) pairs in the plan's order, and what else the plan
    says (the one computation behind :func:`patrol_plan` and :func:`patrol_table`)."""

    codes: tuple[str, ...]  # of the places
    unit: npt.NDArray[np.int64]  # into codes
    slot: npt.NDArray[np.int64]  # into slots
    slots: tuple[_Slot, ...]
    resolved: ZoneRules
    busy: bool
    holiday: bool
    events: tuple[str, ...]
    street: str | None


def _rows(
    hierarchy: Hierarchy,
    policy: ZoneRules | HasZones,
    day: _dt.date,
    calendar: WorkCalendar | None,
    within: str | None,
) -> _Rows:
    rules = ZoneRules.of(policy)
    resolved = rules.at(day)
    zone_map = classify(hierarchy, rules, on=day)
    cols = places(rules, hierarchy)
    if calendar is None:
        work_calendar = getattr(policy, "work_calendar", None)
        calendar = work_calendar() if callable(work_calendar) else WorkCalendar.china()
    holiday = calendar.day_info(day).kind is DayKind.HOLIDAY
    events = tuple(n for n, e in resolved.events.items() if any(s.covers(day) for s in e.dates))
    units = cols.n_units
    has_child = np.zeros(len(cols), dtype=np.bool_)
    parents = cols.parent[:units]
    has_child[parents[parents >= 0]] = True
    near = cols.near.copy()
    for ix in cols.by_level[1:]:
        below = ix[cols.parent[ix] >= 0]  # roots may stand at any level
        near[below] |= near[cols.parent[below]]
    key_mask = cols.near_mask(resolved.key_areas.near)
    all_leaves = np.flatnonzero(~has_child[:units])
    leaf = _Leaves(cols.codes, all_leaves)
    leaves = all_leaves[leaf.within(within)]
    tier = zone_map.tiers[leaves]
    slots: list[_Slot] = []
    unit_parts: list[npt.NDArray[np.int64]] = []
    slot_parts: list[npt.NDArray[np.int64]] = []

    def add(slot: _Slot, at: npt.NDArray[np.int64]) -> None:
        slot_parts.append(np.full(at.size, len(slots), dtype=np.int64))
        unit_parts.append(at)
        slots.append(slot)

    # each tier's patrols of the day, then key areas where no fixed post stands, then
    # the campaign: a unit's patrols of one shift and kind keep this order
    posted_of: dict[int, frozenset[str]] = {}
    for t, zone in enumerate(TIERS):
        of_tier = resolved.patrols.get(zone, FrozenMap())
        rules_of_tier = [(shift, dated.at(day)) for shift, dated in of_tier.items()]
        at = leaves[tier == t].astype(np.int64)
        for shift, rule in rules_of_tier:
            staff = Fraction(rule.staff, rule.units_per_team)
            add((shift, rule.kind, rule.rounds, staff, zone, f"zones.patrols.{zone.value}.{shift}"),
                at)  # fmt: skip
        posted_of[t] = frozenset(
            shift for shift, rule in rules_of_tier if rule.kind is PatrolKind.FIXED_POST
        )
    key = resolved.key_areas
    if key_mask:
        keyed = (near[leaves] & key_mask) != 0
        key_staff = Fraction(key.staff, key.units_per_team)
        for t, zone in enumerate(TIERS):
            at = leaves[keyed & (tier == t)].astype(np.int64)
            for shift in key.shifts:
                if shift not in posted_of[t]:
                    add((shift, PatrolKind.KEY_AREA, 1, key_staff, zone, "zones.key_areas"), at)
    street = _campaign(hierarchy, resolved, day)
    if street is not None:
        campaign = resolved.campaign
        # the team's staff is shared by all of the street's units in the campaign's tiers,
        # whatever part of the city is planned
        wanted = np.array([TIERS[t] in campaign.tiers for t in range(len(TIERS))])
        in_street = leaf.within(street) & wanted[zone_map.tiers[all_leaves]]
        targets = all_leaves[in_street]
        if targets.size:
            staff = Fraction(campaign.staff, int(targets.size))
            chosen = all_leaves[in_street & leaf.within(within)].astype(np.int64)
            for t, zone in enumerate(TIERS):
                at = chosen[zone_map.tiers[chosen] == t]
                add((campaign.shift, PatrolKind.CAMPAIGN, 1, staff, zone, "zones.campaign"), at)
    unit = np.concatenate(unit_parts) if unit_parts else np.zeros(0, dtype=np.int64)
    slot = np.concatenate(slot_parts) if slot_parts else np.zeros(0, dtype=np.int64)
    # the plan's order: unit code, the shift's place in the day, the kind's name (stable)
    order = {s: n for n, s in enumerate(resolved.shifts)}
    shift_rank = np.array([order.get(s[0], len(order)) for s in slots], dtype=np.int64)
    names = sorted({s[1].value for s in slots})
    kind_rank = np.array([names.index(s[1].value) for s in slots], dtype=np.int64)
    code_rank = np.empty(units, dtype=np.int64)
    code_rank[all_leaves[leaf.by_code]] = np.arange(all_leaves.size)
    sort = np.lexsort((kind_rank[slot], shift_rank[slot], code_rank[unit]))
    return _Rows(cols.codes, unit[sort], slot[sort], tuple(slots), resolved,
                 holiday or bool(events), holiday, events, street)  # fmt: skip


class _Leaves:
    """The leaf units' codes in code order, so that a territory's leaves (codes extend
    their parents') are found by bisection."""

    def __init__(self, codes: tuple[str, ...], leaves: npt.NDArray[np.intp]) -> None:
        mine = [codes[i] for i in leaves.tolist()]
        self.by_code = np.array(sorted(range(len(mine)), key=mine.__getitem__), dtype=np.int64)
        self.sorted = [mine[i] for i in self.by_code.tolist()]

    def within(self, prefix: str | None) -> npt.NDArray[np.bool_]:
        """Which leaves lie in the territory of ``prefix`` (all for ``None``)."""
        out = np.zeros(len(self.sorted), dtype=np.bool_)
        if prefix is None:
            out[:] = True
            return out
        lo = bisect.bisect_left(self.sorted, prefix)
        hi = bisect.bisect_left(self.sorted, prefix + "\U0010ffff", lo)
        out[self.by_code[lo:hi]] = True
        return out


def _campaign(hierarchy: Hierarchy, rules: ZoneRules, day: _dt.date) -> str | None:
    streets = hierarchy.at_level(Level.STREET)
    if not streets:
        return None
    turn = (day.toordinal() // rules.campaign.every_days) % len(streets)
    return streets[turn].code
