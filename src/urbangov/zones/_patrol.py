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

import datetime as _dt
from collections.abc import Iterator
from fractions import Fraction

import attrs
import numpy as np

from urbangov.calendar import DayKind, WorkCalendar
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy
from urbangov.vocabulary import Level, ZoneTier
from urbangov.zones._classify import classify, places
from urbangov.zones._places import TIERS
from urbangov.zones._rules import HasZones, ZoneRules
from urbangov.zones._values import Cleaning, PatrolKind, ShiftPatrol, Window

__all__ = ["Patrol", "PatrolPlan", "patrol_plan"]


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
    rules = ZoneRules.of(policy)
    resolved = rules.at(day)
    zone_map = classify(hierarchy, rules, on=day)
    cols = places(rules, hierarchy)
    if calendar is None:
        work_calendar = getattr(policy, "work_calendar", None)
        calendar = work_calendar() if callable(work_calendar) else WorkCalendar.china()
    holiday = calendar.day_info(day).kind is DayKind.HOLIDAY
    events = tuple(n for n, e in resolved.events.items() if any(s.covers(day) for s in e.dates))
    busy = holiday or bool(events)
    cleaning = (resolved.holiday_cleaning if busy else resolved.cleaning).at(day)
    units = cols.n_units
    has_child = np.zeros(len(cols), dtype=np.bool_)
    parents = cols.parent[:units]
    has_child[parents[parents >= 0]] = True
    near = cols.near.copy()
    for ix in cols.by_level[1:]:
        below = ix[cols.parent[ix] >= 0]  # roots may stand at any level
        near[below] |= near[cols.parent[below]]
    key_mask = cols.near_mask(resolved.key_areas.near)
    leaves = [
        i
        for i in np.flatnonzero(~has_child[:units])
        if within is None or cols.codes[i].startswith(within)
    ]
    # each tier's patrols of the day and the shifts a fixed post covers, resolved once
    shifts_of: dict[ZoneTier, tuple[tuple[str, ShiftPatrol, Fraction, str], ...]] = {}
    posted_of: dict[ZoneTier, frozenset[str]] = {}
    for tier in TIERS:
        of_tier = resolved.patrols.get(tier, FrozenMap())
        rules_of_tier = [(shift, dated.at(day)) for shift, dated in of_tier.items()]
        shifts_of[tier] = tuple(
            (shift, rule, Fraction(rule.staff, rule.units_per_team),
             f"zones.patrols.{tier.value}.{shift}")
            for shift, rule in rules_of_tier
        )  # fmt: skip
        posted_of[tier] = frozenset(
            shift for shift, rule in rules_of_tier if rule.kind is PatrolKind.FIXED_POST
        )
    key = resolved.key_areas
    key_staff = Fraction(key.staff, key.units_per_team)
    out: list[Patrol] = []
    for i in leaves:
        tier = TIERS[zone_map.tiers[i]]
        code = cols.codes[i]
        for shift, rule, staff, source in shifts_of[tier]:
            out.append(Patrol(code, shift, rule.kind, rule.rounds, staff, tier, source))
        if key_mask and near[i] & key_mask:
            posted = posted_of[tier]
            for shift in key.shifts:
                if shift not in posted:
                    out.append(
                        Patrol(code, shift, PatrolKind.KEY_AREA, 1, key_staff, tier,
                               "zones.key_areas")
                    )  # fmt: skip
    street = _campaign(hierarchy, resolved, day)
    if street is not None:
        campaign = resolved.campaign
        # the team's staff is shared by all of the street's units in the campaign's tiers,
        # whatever part of the city is planned
        targets = [
            i
            for i in np.flatnonzero(~has_child[:units])
            if cols.codes[i].startswith(street) and TIERS[zone_map.tiers[i]] in campaign.tiers
        ]
        for i in targets:
            code = cols.codes[i]
            if within is None or code.startswith(within):
                tier = TIERS[zone_map.tiers[i]]
                staff = Fraction(campaign.staff, len(targets))
                patrol = Patrol(
                    code, campaign.shift, PatrolKind.CAMPAIGN, 1, staff, tier, "zones.campaign"
                )
                out.append(patrol)
    order = {s: n for n, s in enumerate(resolved.shifts)}
    out.sort(key=lambda p: (p.unit, order.get(p.shift, len(order)), p.kind.value))
    source = "zones.holiday_cleaning" if busy else "zones.cleaning"
    return PatrolPlan(day, tuple(out), resolved.shifts, cleaning, source, holiday, events, street)


def _campaign(hierarchy: Hierarchy, rules: ZoneRules, day: _dt.date) -> str | None:
    streets = hierarchy.at_level(Level.STREET)
    if not streets:
        return None
    turn = (day.toordinal() // rules.campaign.every_days) % len(streets)
    return streets[turn].code
