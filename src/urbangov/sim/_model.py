"""The simulation's model parameters: categories, departments, behaviour (private).

These describe a city and its people, not its rules (rules are the Policy): how often
each problem occurs, how long handling takes, how many handlers a department has and
when they work, how reports are filed or rejected. Every default is an urbangov choice,
not a figure from the sources; ``docs/simulation.md`` lists them.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import attrs

from urbangov.calendar import WorkSchedule
from urbangov.errors import SimulationError
from urbangov.frozen import FrozenMap
from urbangov.org import DepartmentKind

__all__ = [
    "PROFILES",
    "SOURCES",
    "Behaviour",
    "CategoryModel",
    "DepartmentModel",
    "default_categories",
    "default_department",
]

#: The reporting channels the model draws (``Source`` values).
SOURCES = ("supervisor", "hotline", "video", "public")
#: Activity profiles: how a category's problems spread over hours, days and seasons.
PROFILES = ("garbage", "stall", "flood", "traffic", "construction", "facility", "flat")
Hours = Literal["office", "shifts", "always"]


def _positive(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise SimulationError(f"{value!r} is not a positive number", field=attribute.name)


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SimulationError(f"{value!r} is not a number >= 0", field=attribute.name)
    if not (value >= 0 and math.isfinite(value)):
        raise SimulationError(f"{value!r} is not a number >= 0", field=attribute.name)


def _probability(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SimulationError(f"{value!r} is not a probability in [0, 1]", field=attribute.name)


@attrs.frozen
class CategoryModel:
    """How one category of problem behaves.

    Parameters
    ----------
    rate
        Problems occurring per grid of weight 1 per day, on an ordinary working day
        (before discovery: some are never reported).
    service_minutes
        Mean handling time in the handling department's working minutes.
    profile
        The activity profile (one of ``garbage``, ``stall``, ``flood``, ``traffic``,
        ``construction``, ``facility``): hour-of-day, rest-day and seasonal factors;
        ``flat`` has none (a homogeneous Poisson process, for checks against theory).

    Examples
    --------
    >>> CategoryModel(0.05, 60, "garbage").profile
    'garbage'
    """

    rate: float = attrs.field(validator=_non_negative)
    service_minutes: float = attrs.field(validator=_positive)
    profile: str = attrs.field(default="facility")

    def __attrs_post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise SimulationError(
                f"{self.profile!r} is not an activity profile",
                field="profile",
                hint=f"use one of {', '.join(PROFILES)}",
            )


@attrs.frozen
class DepartmentModel:
    """A department's handlers: how many serve at once, and when they work.

    Parameters
    ----------
    servers
        Handlers (teams) working cases at the same time (an int >= 1).
    hours
        ``"office"``: the policy's working calendar (official holidays, 调休, office
        hours); ``"shifts"``: ``shift`` windows every day of the year, holidays
        included (sanitation and enforcement); ``"always"``: round the clock (police).
    shift
        The daily windows of ``"shifts"`` (default 06:00–22:00).

    Examples
    --------
    >>> DepartmentModel(3, "always").hours
    'always'
    """

    servers: int = attrs.field()
    hours: Hours = attrs.field(default="office")
    shift: WorkSchedule = attrs.field(factory=lambda: WorkSchedule.daily("06:00-22:00"))

    def __attrs_post_init__(self) -> None:
        if isinstance(self.servers, bool) or not isinstance(self.servers, int) or self.servers < 1:
            raise SimulationError(
                f"{self.servers!r} is not a whole number of handlers >= 1", field="servers"
            )
        if self.hours not in ("office", "shifts", "always"):
            raise SimulationError(
                f"{self.hours!r} is not a kind of working hours",
                field="hours",
                hint="use 'office', 'shifts' or 'always'",
            )


def _sources(value: object) -> FrozenMap[str, float]:
    found = FrozenMap(dict(value))  # type: ignore[call-overload]
    unknown = sorted(set(found) - set(SOURCES))
    if unknown:
        raise SimulationError(
            f"{unknown[0]!r} is not a channel", field="sources", hint=f"use {SOURCES}"
        )
    for k, v in found.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
            raise SimulationError(f"{v!r} is not a probability in [0, 1]", field=k)
    return found


@attrs.frozen
class Behaviour:
    """How reporters, the command centre and handlers act (probabilities and delays).

    Discovery: a grid's supervisors (监督员) find a problem with probability
    ``1 - exp(-patrol_detection * R)``, ``R`` the grid's weighted patrol rounds of the
    day's patrol plan; a problem they miss is reported through ``hotline``, ``video``
    or ``public`` with the probabilities of ``public_report`` (the rest never are).
    Intake: ``reject_report`` (不予受理) by channel, then ``reject_filing`` (不予立案) and
    ``void`` (作废, duplicates) of accepted reports; delays are exponential, elapsed
    minutes (the command centre works round the clock). Handling: ``suspend`` (缓办) at
    dispatch for an exponential ``suspend_hours``; a handler who starts a case that
    would finish after its due time asks for an extension (延期 of ``extension_days``
    working days), granted with probability ``extend``; verification (核查) after
    ``verify_minutes`` of the department's working time fails with probability
    ``rework`` (返工), at most ``max_attempts`` handlings. Handling times are
    ``service`` distributed: log-normal with coefficient of variation ``service_cv``
    (default), or exponential.

    >>> Behaviour().rework, Behaviour(rework=0.1).rework
    (0.05, 0.1)
    """

    patrol_detection: float = attrs.field(default=0.25, validator=_non_negative)
    public_report: FrozenMap[str, float] = attrs.field(
        factory=lambda: FrozenMap({"hotline": 0.15, "video": 0.05, "public": 0.10}),
        converter=_sources,
    )
    reject_report: FrozenMap[str, float] = attrs.field(
        factory=lambda: FrozenMap(
            {"supervisor": 0.01, "hotline": 0.08, "video": 0.03, "public": 0.10}
        ),
        converter=_sources,
    )
    reject_filing: float = attrs.field(default=0.03, validator=_probability)
    void: float = attrs.field(default=0.02, validator=_probability)
    urgent: float = attrs.field(default=0.05, validator=_probability)
    accept_minutes: float = attrs.field(default=10.0, validator=_non_negative)
    file_minutes: float = attrs.field(default=15.0, validator=_non_negative)
    dispatch_minutes: float = attrs.field(default=20.0, validator=_non_negative)
    suspend: float = attrs.field(default=0.01, validator=_probability)
    suspend_hours: float = attrs.field(default=72.0, validator=_positive)
    extend: float = attrs.field(default=0.3, validator=_probability)
    extension_days: int = attrs.field(default=1)
    service: Literal["lognormal", "exponential"] = attrs.field(default="lognormal")
    service_cv: float = attrs.field(default=1.0, validator=_non_negative)
    verify_minutes: float = attrs.field(default=30.0, validator=_non_negative)
    rework: float = attrs.field(default=0.05, validator=_probability)
    max_attempts: int = attrs.field(default=3)
    close_minutes: float = attrs.field(default=10.0, validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        for name in ("extension_days", "max_attempts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise SimulationError(f"{value!r} is not a whole number >= 1", field=name)
        if self.service not in ("lognormal", "exponential"):
            raise SimulationError(
                f"{self.service!r} is not a service distribution",
                field="service",
                hint="use 'lognormal' or 'exponential'",
            )
        if sum(self.public_report.values()) > 1:
            raise SimulationError(
                "the public channels add up to more than 1", field="public_report"
            )


# Relative frequencies of the commonest problems of digital city management (events of
# street order and sanitation dominate); every other category has weight 1. urbangov
# choice, not measured data: the totals are scaled by SyntheticCity's ``density``.
_WEIGHTS: dict[str, tuple[float, float, str]] = {
    # slug: (weight, mean service in working minutes, profile)
    "exposed_garbage": (30, 60, "garbage"),
    "street_occupying_trade": (25, 45, "stall"),
    "piled_materials": (14, 90, "facility"),
    "illegal_small_ads": (14, 40, "facility"),
    "dirty_road": (12, 45, "garbage"),
    "illegal_car_parking": (10, 50, "traffic"),
    "illegal_bike_parking": (10, 40, "traffic"),
    "outside_shop_trading": (12, 45, "stall"),
    "accumulated_waste": (8, 240, "garbage"),
    "unlicensed_vendor": (8, 45, "stall"),
    "open_air_barbecue": (4, 40, "stall"),
    "litter_bin": (5, 90, "garbage"),
    "estate_sanitation": (4, 120, "garbage"),
    "construction_waste": (3, 240, "construction"),
    "road_spillage": (3, 90, "construction"),
    "construction_dust": (3, 240, "construction"),
    "construction_noise": (2, 180, "construction"),
    "illegal_construction": (2, 180, "construction"),
    "illegal_construction_demolition": (0.3, 3000, "construction"),
    "waterlogged_road": (2, 120, "flood"),
    "blocked_sewer": (2, 240, "flood"),
    "storm_drain_grate": (1.5, 180, "flood"),
    "storm_manhole_cover": (1, 120, "flood"),
    "sewage_manhole_cover": (1, 120, "flood"),
    "damaged_road_surface": (3, 480, "facility"),
    "street_light": (4, 240, "facility"),
    "bike_share_parking": (4, 60, "traffic"),
    "abandoned_furniture": (3, 90, "garbage"),
    "dirty_green_space": (3, 60, "garbage"),
    "pest_breeding": (1, 240, "garbage"),
    "public_toilet": (2, 120, "garbage"),
    "garbage_room": (2, 120, "garbage"),
}


def default_categories(slugs: tuple[str, ...], density: float) -> FrozenMap[str, CategoryModel]:
    """Category models for ``slugs`` scaled so that their rates add up to ``density``
    problems per grid of weight 1 per ordinary working day."""
    weights = {s: _WEIGHTS.get(s, (1.0, 180.0, "facility")) for s in slugs}
    total = sum(w for w, _, _ in weights.values())
    return FrozenMap(
        (s, CategoryModel(density * w / total, float(m), p))
        for s, (w, m, p) in sorted(weights.items())
    )


_KIND_HOURS: dict[DepartmentKind, Hours] = {
    DepartmentKind.STATION: "shifts",  # 环卫所, 绿化所: every day
    DepartmentKind.BRIGADE: "shifts",  # enforcement: staggered hours (错时执法)
    DepartmentKind.SQUADRON: "shifts",
    DepartmentKind.TEAM: "shifts",
    DepartmentKind.POLICE: "always",
}


def default_department(kind: DepartmentKind | None, servers: int) -> DepartmentModel:
    """The working hours urbangov gives a department of ``kind`` (stations and
    enforcement work shifts every day, police round the clock, others office hours)."""
    hours: Hours = _KIND_HOURS.get(kind, "office") if kind is not None else "office"
    return DepartmentModel(servers, hours)
