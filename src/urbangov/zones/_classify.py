"""Classification of places into tiers: :class:`ZoneMap`, :func:`classify`, :func:`tier_of`
and :func:`stamp` (private).

Imported by :mod:`urbangov.zones`, which re-exports everything public here.

The rule, for each unit and segment (``docs/zones.md`` explains it):

1. its own explicit ``zone`` (``Unit.zone``, ``Segment.zone``) — rule ``override``;
2. else the first classification rule its own attributes meet — ``zones.classify.NAME``;
3. else, with ``inherit`` (the default), the tier its parent got (a segment's parent is
   the unit it lies in), naming the rule and the place it came from;
4. else the section's ``default_tier`` — ``zones.default_tier``.
"""

from __future__ import annotations

import datetime as _dt
import weakref
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.calendar import WorkCalendar
from urbangov.cases import Case
from urbangov.errors import PolicyError
from urbangov.hierarchy import Hierarchy, Segment, Unit
from urbangov.params import Dated
from urbangov.vocabulary import Level, ZoneTier
from urbangov.zones._places import SEGMENT_LEVEL, TIERS, Places, places_of
from urbangov.zones._rules import HasZones, ZoneRules
from urbangov.zones._values import ClassRule

__all__ = ["OVERRIDE", "ZoneEntry", "ZoneMap", "classify", "remember", "stamp", "tier_of"]

OVERRIDE = "override"
"""The rule named when a place's own ``zone`` decided its tier."""
DEFAULT_TIER = "zones.default_tier"
_CACHE_SIZE = 16


@attrs.frozen
class ZoneEntry:
    """One place's tier and why: ``rule`` is ``"override"`` (its own ``zone``),
    ``"zones.classify.NAME"`` (the classification rule named NAME) or
    ``"zones.default_tier"``; ``via`` is the code of the ancestor it inherited the tier
    from, or ``None`` when the place decided itself (or took the default)."""

    code: str
    tier: ZoneTier
    rule: str
    via: str | None = None

    def explain(self) -> str:
        """The entry as a sentence.

        >>> from urbangov.vocabulary import ZoneTier
        >>> print(ZoneEntry("320105007", ZoneTier.GENERAL, "zones.classify.fringe").explain())
        320105007: general zone (一般区) by zones.classify.fringe
        """
        text = f"{self.code}: {self.tier.value} zone ({self.tier.chinese}) by {self.rule}"
        return text + (f", inherited from {self.via}" if self.via else "")


def _eq_arrays(a: object, b: object) -> bool:
    return bool(np.array_equal(a, b))  # type: ignore[arg-type]


@attrs.frozen
class ZoneMap:
    """The tier of every unit and segment of a hierarchy (分区结果), and the rule behind
    each: a frozen, picklable value built by :func:`classify`.

    ``zone_map[code]`` gives a :class:`ZoneEntry`; :meth:`tier_of` the tier alone;
    :meth:`counts` the places per tier.

    Examples
    --------
    >>> from urbangov.hierarchy import Hierarchy
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
    ...     {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
    ...      "attributes": {"near": ["station"]}}])
    >>> zones = classify(h, ZoneRules())
    >>> zones["320105001"].rule, zones.tier_of("320105")
    ('zones.classify.window_site', <ZoneTier.CONTROL: 'control'>)
    """

    codes: tuple[str, ...] = attrs.field(repr=False)
    levels: npt.NDArray[np.int8] = attrs.field(eq=attrs.cmp_using(eq=_eq_arrays), repr=False)
    tiers: npt.NDArray[np.int8] = attrs.field(eq=attrs.cmp_using(eq=_eq_arrays), repr=False)
    rules: npt.NDArray[np.int16] = attrs.field(eq=attrs.cmp_using(eq=_eq_arrays), repr=False)
    sources: npt.NDArray[np.int32] = attrs.field(eq=attrs.cmp_using(eq=_eq_arrays), repr=False)
    rule_names: tuple[str, ...] = attrs.field(repr=False)
    _index: dict[str, int] = attrs.field(init=False, factory=dict, eq=False, repr=False, hash=False)

    def __reduce__(self) -> tuple[Any, ...]:
        fields = (self.codes, self.levels, self.tiers, self.rules, self.sources)
        return (ZoneMap, (*fields, self.rule_names))

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[str]:
        return iter(self.codes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._lookup()

    def _lookup(self) -> dict[str, int]:
        if not self._index and self.codes:
            self._index.update((c, i) for i, c in enumerate(self.codes))
        return self._index

    def position(self, place: str | Unit | Segment) -> int:
        """The row of a place (``PolicyError`` naming it when it is not in the map)."""
        code = place.code if isinstance(place, Unit | Segment) else place
        found = self._lookup().get(code) if isinstance(code, str) else None
        if found is None:
            raise PolicyError(
                "no such unit or segment in the zone map",
                field=repr(code),
                hint="classify the hierarchy that holds it",
            )
        return found

    def positions(self, codes: Sequence[str]) -> npt.NDArray[np.int64]:
        """The rows of many places by code, in their order (``PolicyError`` naming the
        first that is not in the map): ``zone_map.tiers[zone_map.positions(codes)]``
        are their tiers' indexes into ``ZoneTier``.

        >>> from urbangov.hierarchy import Hierarchy
        >>> from urbangov.zones import ZoneRules, classify
        >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None)])
        >>> classify(h, ZoneRules()).positions(["320105"]).tolist()
        [0]
        """
        lookup = self._lookup()
        found = [lookup.get(c, -1) if isinstance(c, str) else -1 for c in codes]
        out = np.array(found, dtype=np.int64)
        if out.size and out.min() < 0:
            self.position(codes[int(np.argmin(out))])  # raises, naming it
        return out

    def __getitem__(self, place: str | Unit | Segment) -> ZoneEntry:
        i = self.position(place)
        source = int(self.sources[i])
        via = self.codes[source] if source >= 0 and source != i else None
        return ZoneEntry(self.codes[i], TIERS[self.tiers[i]], self.rule_names[self.rules[i]], via)

    def tier_of(self, place: str | Unit | Segment) -> ZoneTier:
        """The tier of a unit or segment."""
        return TIERS[int(self.tiers[self.position(place)])]

    def counts(self, level: Level | str | int | None = None) -> dict[ZoneTier, int]:
        """Places per tier (of one level; ``"segment"`` for segments), every tier listed.

        >>> from urbangov.hierarchy import Hierarchy
        >>> classify(Hierarchy.from_rows([("320105", "示例区", "区", None)]), ZoneRules()).counts()
        {<ZoneTier.STRICT: 'strict'>: 0, <ZoneTier.CONTROL: 'control'>: 1, ...}
        """
        tiers = self.tiers
        if level is not None:
            code = SEGMENT_LEVEL if level == "segment" else int(Level.parse(level, field="level"))
            tiers = tiers[self.levels == code]
        found = np.bincount(tiers.astype(np.int64), minlength=len(TIERS))
        return {t: int(found[i]) for i, t in enumerate(TIERS)}

    def items(self) -> Iterator[ZoneEntry]:
        """Every entry, units (by code) then segments."""
        for code in self.codes:
            yield self[code]


def _fixed(value: Dated[Any], on: _dt.date | None, field: str) -> Any:
    if on is not None:
        return value.at(on)
    if len(value.periods) == 1 and value.periods[0].is_default:
        return value.periods[0].value
    raise PolicyError(
        "the value changes on dates, so the date whose rules apply is needed",
        field=field,
        hint="pass on=DATE (the CLI's --on)",
    )


def remember(rules: ZoneRules, key: tuple[Any, ...], owner: object, build: Any) -> Any:
    """``build()``, cached in ``rules`` under ``key`` while ``owner`` is the same object
    (a cache of an immutable value: it never changes an answer)."""
    cache = rules._cache
    found = cache.get(key)
    if found is not None and found[0] is owner:
        return found[1]
    value = build()
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = (owner, value)
    return value


#: Each live hierarchy's places (they do not depend on the rules), by object identity;
#: an entry goes when its hierarchy does.
_PLACES: dict[int, tuple[weakref.ref[Hierarchy], Places]] = {}


def places(rules: ZoneRules, hierarchy: Hierarchy) -> Places:
    """The hierarchy's :class:`Places`, built once for every policy that classifies it
    (``rules`` is not needed: kept for the callers' symmetry with the rules' caches)."""
    key = id(hierarchy)
    found = _PLACES.get(key)
    if found is not None and found[0]() is hierarchy:
        return found[1]
    value = places_of(hierarchy)
    _PLACES[key] = (weakref.ref(hierarchy, lambda _: _PLACES.pop(key, None)), value)
    return value


def classify(
    hierarchy: Hierarchy, policy: ZoneRules | HasZones, *, on: _dt.date | None = None
) -> ZoneMap:
    """Classify every unit and segment of ``hierarchy`` into a tier (级差管理分区).

    Parameters
    ----------
    hierarchy
        The units (with their ``zone`` and ``attributes``) and segments.
    policy
        A :class:`ZoneRules` or anything with a ``zones`` section (a ``Policy``).
    on
        The date whose rules apply; needed only when the classification, the default
        tier or ``inherit`` are dated.

    Returns
    -------
    ZoneMap
        Each code's tier and the rule that decided it (see the module docstring).

    Examples
    --------
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
    ...     {"code": "320105007", "name": "江心洲街道", "level": "street", "parent": "320105",
    ...      "attributes": {"fringe": True}},
    ...     ("320105007001", "江心洲一社区", "community", "320105007")])
    >>> zones = classify(h, ZoneRules())
    >>> entry = zones["320105007001"]
    >>> entry.tier, entry.rule, entry.via
    (<ZoneTier.GENERAL: 'general'>, 'zones.classify.urban_rural_fringe', '320105007')
    """
    rules = ZoneRules.of(policy)
    default = _fixed(rules.default_tier, on, "zones.default_tier")
    inherit = _fixed(rules.inherit, on, "zones.inherit")
    table = _fixed(rules.classify, on, "zones.classify")
    key = ("map", id(hierarchy), default, inherit, table)
    cols = places(rules, hierarchy)
    return remember(  # type: ignore[no-any-return]
        rules, key, hierarchy, lambda: _classify(cols, table, default, inherit)
    )


def _classify(
    cols: Places,
    table: tuple[ClassRule, ...],
    default: ZoneTier,
    inherit: bool,
) -> ZoneMap:
    n = len(cols)
    own = np.full(n, -1, dtype=np.int16)
    for r, rule in enumerate(table):
        hit = _matches(cols, rule) & (own < 0)
        own[hit] = r
    rule_tier = np.array([TIERS.index(r.tier) for r in table] + [-1], dtype=np.int8)
    has_override = cols.override >= 0
    own_tier = np.where(has_override, cols.override, rule_tier[own])
    own_rule = np.where(has_override, 0, np.where(own >= 0, own + 2, -1)).astype(np.int16)
    tiers = np.empty(n, dtype=np.int8)
    rules = np.empty(n, dtype=np.int16)
    sources = np.empty(n, dtype=np.int32)
    default_code = TIERS.index(default)
    for ix in cols.by_level:  # parents (one level up) are always resolved first
        if not ix.size:
            continue
        t = own_tier[ix]
        has = t >= 0
        parent = cols.parent[ix]
        up = ~has & (parent >= 0) if inherit else np.zeros(ix.size, dtype=np.bool_)
        tiers[ix] = np.where(has, t, np.where(up, tiers[parent], default_code))
        rules[ix] = np.where(has, own_rule[ix], np.where(up, rules[parent], 1))
        sources[ix] = np.where(has, ix, np.where(up, sources[parent], -1))
    names = (OVERRIDE, DEFAULT_TIER, *(f"zones.classify.{r.name}" for r in table))
    for array in (tiers, rules, sources):
        array.flags.writeable = False
    levels = cols.level.copy()
    levels.flags.writeable = False
    return ZoneMap(cols.codes, levels, tiers, rules, sources, names)


def _matches(cols: Places, rule: ClassRule) -> npt.NDArray[np.bool_]:
    hit = np.ones(len(cols), dtype=np.bool_)
    if rule.places:
        hit &= np.isin(cols.level, [p.code for p in rule.places])
    if rule.road_class:
        codes = [cols.roads.index(r) for r in rule.road_class if r in cols.roads]
        hit &= np.isin(cols.road, codes)
    if rule.near:
        hit &= (cols.near & cols.near_mask(rule.near)) != 0
    if rule.fringe is not None:
        hit &= cols.fringe == int(rule.fringe)
    return hit


def tier_of(
    place: str | Unit | Segment,
    hierarchy: Hierarchy,
    policy: ZoneRules | HasZones,
    *,
    on: _dt.date | None = None,
) -> ZoneTier:
    """The tier of one unit or segment (see :func:`classify`; the map is cached in the
    rules, so repeated calls are dictionary lookups).

    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None)])
    >>> tier_of("320105", h, ZoneRules())
    <ZoneTier.CONTROL: 'control'>
    """
    return classify(hierarchy, policy, on=on).tier_of(place)


def local_date(at: _dt.datetime, tz: str) -> _dt.date:
    """The date of ``at`` in ``tz``."""
    return at.astimezone(ZoneInfo(tz)).date()


def stamp(
    case: Case,
    policy: ZoneRules | HasZones,
    hierarchy: Hierarchy,
    *,
    calendar: WorkCalendar | None = None,
) -> Case:
    """The case with ``zone`` set to the tier of its segment (when it names one) or its
    grid, under the rules of its filing date (立案日期; the report date before filing) in
    the calendar's zone — so that the limit table's tier applies (a case in the strict
    zone gets the strict limit).

    Parameters
    ----------
    case
        The case; a zone it already has is replaced.
    policy
        A :class:`ZoneRules` or a ``Policy``.
    hierarchy
        Holds the case's grid (and segment).
    calendar
        Only its time zone is used, for the filing date (default: the policy's calendar
        zone, else Asia/Shanghai).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
    ...     {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
    ...      "zone": "strict"}])
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> stamp(Case.new("A1", "暴露垃圾", "320105001", reported_at=t), ZoneRules(), h).zone
    <ZoneTier.STRICT: 'strict'>
    """
    rules = ZoneRules.of(policy)
    if calendar is not None:
        tz = calendar.tz
    else:
        tz = getattr(getattr(policy, "calendar", None), "tz", "Asia/Shanghai")
    filed = case.filed_at if case.filed_at is not None else case.reported_at
    on = local_date(filed, tz)
    place = case.segment if case.segment is not None else case.grid
    return attrs.evolve(case, zone=classify(hierarchy, rules, on=on).tier_of(place))
