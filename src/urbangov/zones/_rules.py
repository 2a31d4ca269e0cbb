"""The Policy's ``zones`` section, :class:`ZoneRules`, and its defaults (private).

Imported by :mod:`urbangov.zones`, which re-exports everything public here. Every default
repeats a value of ``data/default_policy.toml``, which cites its source.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from typing import Any, ClassVar, Protocol

import attrs

from urbangov.errors import PolicyError, combine
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, RuleSection, did_you_mean, structure
from urbangov.vocabulary import ZoneTier
from urbangov.zones._values import (
    ActivityRule,
    Buffer,
    Campaign,
    ClassRule,
    Cleaning,
    DateSpan,
    Event,
    KeyAreas,
    Leniency,
    PatrolKind,
    Permission,
    ShiftPatrol,
    StallArea,
    Window,
    check_slug,
)

__all__ = ["DEFAULT", "HasZones", "ZoneRules"]

DEFAULT = "default"
"""The key of a tier table's entry for activities it does not name."""


def _structured(value: object, tp: Any, name: str) -> Any:
    """``value`` structured into ``tp`` as a file's would be, so the constructor takes what
    a policy file says; values already structured pass through."""
    try:
        return structure(value, tp)
    except PolicyError as exc:
        field = f"{name}.{exc.field}" if exc.field else name
        raise PolicyError(exc.message, field=field, hint=exc.hint) from None


def _windows(value: object) -> FrozenMap[str, Window]:
    return _structured(value, FrozenMap[str, Window], "shifts")  # type: ignore[no-any-return]


def _to_default_tier(value: object) -> Dated[ZoneTier]:
    return _structured(value, Dated[ZoneTier], "default_tier")  # type: ignore[no-any-return]


def _to_inherit(value: object) -> Dated[bool]:
    return _structured(value, Dated[bool], "inherit")  # type: ignore[no-any-return]


def _to_activities(value: object) -> FrozenMap[str, str]:
    return _structured(value, FrozenMap[str, str], "activities")  # type: ignore[no-any-return]


def _to_classify(value: object) -> Dated[tuple[ClassRule, ...]]:
    return _structured(value, Dated[tuple[ClassRule, ...]], "classify")  # type: ignore[no-any-return]


def _to_tiers(value: object) -> FrozenMap[ZoneTier, FrozenMap[str, Dated[ActivityRule]]]:
    return _structured(value, FrozenMap[ZoneTier, FrozenMap[str, Dated[ActivityRule]]], "tiers")  # type: ignore[no-any-return]


def _to_areas(value: object) -> FrozenMap[str, StallArea]:
    return _structured(value, FrozenMap[str, StallArea], "areas")  # type: ignore[no-any-return]


def _to_buffers(value: object) -> FrozenMap[str, Buffer]:
    return _structured(value, FrozenMap[str, Buffer], "buffers")  # type: ignore[no-any-return]


def _to_leniency(value: object) -> FrozenMap[str, Leniency]:
    return _structured(value, FrozenMap[str, Leniency], "leniency")  # type: ignore[no-any-return]


def _to_patrols(value: object) -> FrozenMap[ZoneTier, FrozenMap[str, Dated[ShiftPatrol]]]:
    return _structured(value, FrozenMap[ZoneTier, FrozenMap[str, Dated[ShiftPatrol]]], "patrols")  # type: ignore[no-any-return]


def _to_key_areas(value: object) -> KeyAreas:
    return _structured(value, KeyAreas, "key_areas")  # type: ignore[no-any-return]


def _to_campaign(value: object) -> Campaign:
    return _structured(value, Campaign, "campaign")  # type: ignore[no-any-return]


def _to_cleaning(value: object) -> Dated[Cleaning]:
    return _structured(value, Dated[Cleaning], "cleaning")  # type: ignore[no-any-return]


def _to_holiday_cleaning(value: object) -> Dated[Cleaning]:
    return _structured(value, Dated[Cleaning], "holiday_cleaning")  # type: ignore[no-any-return]


def _to_events(value: object) -> FrozenMap[str, Event]:
    return _structured(value, FrozenMap[str, Event], "events")  # type: ignore[no-any-return]


# ------------------------------------------------------------------ the defaults
# Each value repeats data/default_policy.toml, which cites the source of each.

_ACTIVITIES = {
    "stall": "摆摊设点",
    "street_front_trade": "出店经营",
    "morning_market": "早市",
    "night_market": "夜市",
    "outdoor_advertising": "户外广告",
    "outdoor_barbecue": "露天烧烤",
    "roadside_parking": "占道停车",
}
_WINDOW_SITES = ("station", "port", "square", "scenic_spot", "school", "market")


def _default_classify() -> Dated[tuple[ClassRule, ...]]:
    return Dated.always(
        (
            ClassRule("main_road", ZoneTier.STRICT, road_class=("expressway", "main")),
            ClassRule("window_site", ZoneTier.STRICT, near=_WINDOW_SITES),
            ClassRule("urban_rural_fringe", ZoneTier.GENERAL, fringe=True),
            ClassRule("back_street", ZoneTier.CONTROL, road_class=("secondary", "branch", "alley")),
        )
    )


def _rule(word: str, condition: str = "") -> Dated[ActivityRule]:
    return Dated.always(ActivityRule(Permission.parse(word), condition))


_HARMLESS = (
    "where it harms neither the city's appearance, traffic nor residents "
    "(不影响市容、交通秩序及市民生活)"
)


def _default_tiers() -> FrozenMap[ZoneTier, FrozenMap[str, Dated[ActivityRule]]]:
    no_barbecue = {"outdoor_barbecue": _rule("forbidden")}
    return FrozenMap(
        {
            ZoneTier.STRICT: FrozenMap({DEFAULT: _rule("forbidden")}),
            ZoneTier.CONTROL: FrozenMap({DEFAULT: _rule("designated"), **no_barbecue}),
            ZoneTier.GENERAL: FrozenMap({DEFAULT: _rule("designated"), **no_barbecue}),
            ZoneTier.REGULATED: FrozenMap(
                {DEFAULT: _rule("designated"), "stall": _rule("allowed", _HARMLESS), **no_barbecue}
            ),
        }
    )


def _default_buffers() -> FrozenMap[str, Buffer]:
    return FrozenMap(
        {
            "school_gate": Buffer(
                "school_gate",
                100,
                ("stall", "morning_market", "night_market", "outdoor_barbecue"),
                title="学校门口",
            )
        }
    )


def _span(first: _dt.date, last: _dt.date) -> DateSpan:
    return DateSpan.from_toml({"first": first, "last": last})


def _default_leniency() -> FrozenMap[str, Leniency]:
    return FrozenMap(
        {
            "spring_festival_travel": Leniency(
                (
                    _span(_dt.date(2025, 1, 14), _dt.date(2025, 2, 22)),
                    _span(_dt.date(2026, 2, 2), _dt.date(2026, 3, 13)),
                ),
                activities=("roadside_parking",),
                title="春运",
            )
        }
    )


def _default_shifts() -> FrozenMap[str, Window]:
    return _windows(
        {
            "morning": "06:30-09:30",
            "day": "09:30-17:00",
            "evening": "17:00-21:00",
            "night": "21:00-02:00",
        }
    )


def _patrol(kind: str, staff: int = 1, per: int = 1, rounds: int = 1) -> Dated[ShiftPatrol]:
    return Dated.always(ShiftPatrol(PatrolKind.parse(kind), staff, per, rounds))


def _default_patrols() -> FrozenMap[ZoneTier, FrozenMap[str, Dated[ShiftPatrol]]]:
    post = _patrol("fixed_post")
    night = _patrol("night_squadron", 4, 40)
    return FrozenMap(
        {
            ZoneTier.STRICT: FrozenMap(
                {"morning": post, "day": post, "evening": post, "night": night}
            ),
            ZoneTier.CONTROL: FrozenMap(
                {
                    "morning": _patrol("daily_patrol", 2, 6),
                    "day": _patrol("daily_patrol", 2, 12),
                    "evening": _patrol("daily_patrol", 2, 6),
                    "night": _patrol("night_squadron", 4, 80),
                }
            ),
            ZoneTier.GENERAL: FrozenMap({"day": _patrol("mobile_patrol", 2, 30)}),
            ZoneTier.REGULATED: FrozenMap(
                {"day": _patrol("daily_patrol", 2, 12), "evening": _patrol("daily_patrol", 2, 12)}
            ),
        }
    )


# ------------------------------------------------------------------ the section


@attrs.frozen
class ZoneRules(RuleSection):
    """The Policy's ``zones`` section: tiered zone management (级差管理).

    Parameters
    ----------
    default_tier
        The tier of a place no rule, override or ancestor classifies (default
        ``control`` 控制区: "城区其它道路" are the control zone). The deadlines section's
        ``default_tier`` is the tier of a case with no zone stamped; :func:`stamp` stamps
        every case, so this one decides for stamped cases.
    inherit
        Whether a place that no rule matches takes the tier of its nearest ancestor that
        has one (default true: a grid in the urban–rural fringe street is in the general
        zone).
    activities
        The activity slugs the rules know, each with its Chinese term; a city adds its own.
    classify
        The ordered classification rules (:class:`ClassRule`); the first match wins.
    tiers
        Per tier, the :class:`ActivityRule` of each activity, with ``default`` for the
        rest. Every tier has a table with a ``default``.
    areas
        Designated stall areas and vendor points (:class:`StallArea`) by name.
    buffers
        No-activity buffers around sites (:class:`Buffer`) by name.
    leniency
        Dated leniency (:class:`Leniency`) by name.
    shifts
        The day's patrol shifts (错时执法) as windows.
    patrols
        Per tier, the :class:`ShiftPatrol` of each shift.
    key_areas, campaign
        Twice-daily key-area patrols (:class:`KeyAreas`) and rotating campaigns
        (:class:`Campaign`).
    cleaning, holiday_cleaning
        Street cleaning on ordinary days, and on official holidays and major events.
    events
        Major events (:class:`Event`) by name.

    Examples
    --------
    >>> import datetime as _dt
    >>> rules = ZoneRules()
    >>> [r.name for r in rules.classify.at(_dt.date(2025, 1, 1))]
    ['main_road', 'window_site', 'urban_rural_fringe', 'back_street']
    >>> ZoneRules(buffers={"gate": {"site": "school", "radius_m": 100, "activities": ["stal"]}})
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: buffers.gate.activities[0]: unknown activity 'stal'; ...
    """

    section: ClassVar[str] = "zones"

    default_tier: Dated[ZoneTier] = attrs.field(
        factory=lambda: Dated.always(ZoneTier.CONTROL),
        converter=_to_default_tier,
    )
    inherit: Dated[bool] = attrs.field(
        factory=lambda: Dated.always(True),
        converter=_to_inherit,
    )
    activities: FrozenMap[str, str] = attrs.field(
        factory=lambda: FrozenMap(_ACTIVITIES),
        converter=_to_activities,
    )
    classify: Dated[tuple[ClassRule, ...]] = attrs.field(
        factory=_default_classify,
        converter=_to_classify,
    )
    tiers: FrozenMap[ZoneTier, FrozenMap[str, Dated[ActivityRule]]] = attrs.field(
        factory=_default_tiers,
        converter=_to_tiers,
    )
    areas: FrozenMap[str, StallArea] = attrs.field(factory=FrozenMap, converter=_to_areas)
    buffers: FrozenMap[str, Buffer] = attrs.field(
        factory=_default_buffers,
        converter=_to_buffers,
    )
    leniency: FrozenMap[str, Leniency] = attrs.field(
        factory=_default_leniency,
        converter=_to_leniency,
    )
    shifts: FrozenMap[str, Window] = attrs.field(factory=_default_shifts, converter=_windows)
    patrols: FrozenMap[ZoneTier, FrozenMap[str, Dated[ShiftPatrol]]] = attrs.field(
        factory=_default_patrols,
        converter=_to_patrols,
    )
    key_areas: KeyAreas = attrs.field(factory=KeyAreas, converter=_to_key_areas)
    campaign: Campaign = attrs.field(factory=Campaign, converter=_to_campaign)
    cleaning: Dated[Cleaning] = attrs.field(
        factory=lambda: Dated.always(Cleaning(8, 2)),
        converter=_to_cleaning,
    )
    holiday_cleaning: Dated[Cleaning] = attrs.field(
        factory=lambda: Dated.always(Cleaning(12, 3)),
        converter=_to_holiday_cleaning,
    )
    events: FrozenMap[str, Event] = attrs.field(factory=FrozenMap, converter=_to_events)
    _cache: dict[Any, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False, alias="_cache"
    )

    def __attrs_post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise combine(problems, sort=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled rules are a cache: pickle only the value.
        values = {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}
        return (functools.partial(ZoneRules, **values), ())

    def change_dates(self) -> tuple[_dt.date, ...]:
        """Every date on which a dated value of the section changes (sorted); between
        two consecutive dates the resolved rules are constant.

        >>> ZoneRules().change_dates()
        ()
        """
        return tuple(sorted(_change_dates(self)))

    def last_date(self) -> _dt.date | None:
        """The last date any dated value, area, leniency or event names (for how far ahead
        a change can come); ``None`` when nothing names a date."""
        found = set(_change_dates(self)) | set(_span_dates(self))
        return max(found) if found else None


def _change_dates(value: object) -> set[_dt.date]:
    out: set[_dt.date] = set()
    if isinstance(value, Dated):
        for p in value.periods:
            out.update(d for d in (p.start, p.until) if d is not None)
    elif isinstance(value, FrozenMap):
        for v in value.values():
            out |= _change_dates(v)
    elif isinstance(value, ZoneRules):
        for f in attrs.fields(ZoneRules):
            if f.init:
                out |= _change_dates(getattr(value, f.name))
    return out


def _span_dates(rules: ZoneRules) -> Iterable[_dt.date]:
    spans = [s for a in rules.areas.values() for s in a.dates]
    spans += [s for lenient in rules.leniency.values() for s in lenient.periods]
    spans += [s for e in rules.events.values() for s in e.dates]
    for span in spans:
        if not span.recurring:
            yield _dt.date(*span.last)


def _known(word: str, known: Iterable[str], field: str, what: str) -> PolicyError | None:
    choices = list(known)
    if word in choices:
        return None
    return PolicyError(f"unknown {what} {word!r}", field=field, hint=did_you_mean(word, choices))


def _problems(rules: ZoneRules) -> Iterable[PolicyError]:
    known = list(rules.activities)
    for slug, term in rules.activities.items():
        try:
            check_slug(slug, f"activities.{slug}")
        except PolicyError as exc:
            yield exc
        if slug == DEFAULT:
            yield PolicyError(
                f"{DEFAULT!r} is reserved", field=f"activities.{slug}", hint="name it otherwise"
            )
        if not isinstance(term, str):
            yield PolicyError(f"{term!r} is not text", field=f"activities.{slug}")
    for tier in ZoneTier:
        table = rules.tiers.get(tier)
        if table is None or DEFAULT not in table:
            yield PolicyError(
                f"the {tier.value} tier ({tier.chinese}) has no default permission",
                field=f"tiers.{tier.value}.{DEFAULT}",
                hint='add default = "forbidden" (or "designated", "allowed")',
            )
    for tier, table in rules.tiers.items():
        for activity in table:
            if activity != DEFAULT:
                found = _known(activity, known, f"tiers.{tier.value}.{activity}", "activity")
                if found is not None:
                    yield found
    for kind, items in (("areas", rules.areas), ("buffers", rules.buffers)):
        for name, item in items.items():
            yield from _slug_problem(name, f"{kind}.{name}")
            for i, activity in enumerate(item.activities):
                found = _known(activity, known, f"{kind}.{name}.activities[{i}]", "activity")
                if found is not None:
                    yield found
    for name, lenient in rules.leniency.items():
        yield from _slug_problem(name, f"leniency.{name}")
        for i, activity in enumerate(lenient.activities):
            found = _known(activity, known, f"leniency.{name}.activities[{i}]", "activity")
            if found is not None:
                yield found
    yield from _classify_problems(rules.classify)
    yield from _patrol_problems(rules)


def _slug_problem(name: str, field: str) -> Iterable[PolicyError]:
    try:
        check_slug(name, field)
    except PolicyError as exc:
        yield exc


def _classify_problems(classify: Dated[tuple[ClassRule, ...]]) -> Iterable[PolicyError]:
    for period in classify.periods:
        seen: set[str] = set()
        for i, rule in enumerate(period.value):
            if rule.name in seen:
                yield PolicyError(
                    f"two classification rules are named {rule.name!r}",
                    field=f"classify[{i}].name",
                    hint="give each rule its own name (decisions name rules by it)",
                )
            seen.add(rule.name)


def _patrol_problems(rules: ZoneRules) -> Iterable[PolicyError]:
    shifts = list(rules.shifts)
    for tier, table in rules.patrols.items():
        for shift in table:
            found = _known(shift, shifts, f"patrols.{tier.value}.{shift}", "shift")
            if found is not None:
                yield found
    for i, shift in enumerate(rules.key_areas.shifts):
        found = _known(shift, shifts, f"key_areas.shifts[{i}]", "shift")
        if found is not None:
            yield found
    found = _known(rules.campaign.shift, shifts, "campaign.shift", "shift")
    if found is not None:
        yield found


class HasZones(Protocol):
    """Anything with a ``zones`` section (a ``Policy``)."""

    @property
    def zones(self) -> ZoneRules: ...
