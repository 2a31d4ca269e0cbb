"""The values a ``zones`` section is made of: words, windows, date spans, rules (private).

Imported by :mod:`urbangov.zones`, which re-exports everything public here; see that
module and ``docs/zones.md`` for what each value means and where it comes from.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from typing import Any, Self

import attrs

from urbangov.errors import PolicyError, UrbangovError
from urbangov.vocabulary import Level, Term, ZoneTier

__all__ = [
    "ActivityRule",
    "AreaKind",
    "Buffer",
    "Campaign",
    "ClassRule",
    "Cleaning",
    "DateSpan",
    "DayFilter",
    "Event",
    "KeyAreas",
    "Leniency",
    "Permission",
    "PlaceKind",
    "ShiftPatrol",
    "StallArea",
    "Window",
]

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def check_slug(value: object, field: str) -> str:
    """``value`` if it is a lowercase slug (``night_market``); else a ``PolicyError``."""
    if not isinstance(value, str) or not _SLUG.match(value):
        raise PolicyError(
            f"{value!r} is not a slug",
            field=field,
            hint="use lowercase letters, digits and _, starting with a letter (night_market)",
        )
    return value


# ------------------------------------------------------------------ words


class Permission(Term):
    """What a tier says about an activity (级差管理的准许程度).

    ``forbidden`` 禁止 — never, not even in a designated area (严管区: 嚴禁設置攤點攤區);
    ``designated`` 定点 — only inside a designated stall area or vendor point that is open
    (控制区: 由統一招標設置、管理); ``allowed`` 允许 — anywhere in the tier (规范区, where it
    harms neither appearance, traffic nor residents).
    """

    FORBIDDEN = "forbidden", "禁止"
    DESIGNATED = "designated", "定点", "限定区域"
    ALLOWED = "allowed", "允许"


class AreaKind(Term):
    """The kinds of designated places carved out of the tiers."""

    STALL_AREA = "stall_area", "摊区", "攤區", "季节性限时性摊区"
    """季节性、限时性摊区 — a seasonal or time-limited stall area."""
    VENDOR_POINT = "vendor_point", "流动经营集中摆卖点", "摆卖点", "擺賣點"
    """流动经营集中摆卖点 — a gathering point for mobile vendors."""
    TENDERED_POINT = "tendered_point", "招标摊点"
    """招标摊点 — a stall point let by tender (the control zone's only stalls)."""
    MARKET = "market", "早夜市", "早市", "夜市"
    """早市/夜市 — a morning or night market at a named place and hours."""


class DayFilter(Term):
    """Days on which an area, buffer or leniency holds: weekdays, or the working calendar's
    working days (工作日, make-up workdays 调休上班 included) and rest days (休息日)."""

    MON = "mon", "周一"
    TUE = "tue", "周二"
    WED = "wed", "周三"
    THU = "thu", "周四"
    FRI = "fri", "周五"
    SAT = "sat", "周六"
    SUN = "sun", "周日"
    WORKING_DAYS = "working_days", "工作日"
    REST_DAYS = "rest_days", "休息日"


class PlaceKind(Term):
    """The kind of a place a classification rule may apply to: a level, or a segment."""

    CITY = "city", "市"
    DISTRICT = "district", "区"
    STREET = "street", "街道"
    COMMUNITY = "community", "社区"
    GRID = "grid", "网格"
    SEGMENT = "segment", "路段"

    @property
    def code(self) -> int:
        """0–4 for the levels (as :class:`~urbangov.vocabulary.Level`), 5 for a segment."""
        return 5 if self is PlaceKind.SEGMENT else int(Level.parse(self.value))


# ------------------------------------------------------------------ value types


def _clock(text: str, field: str, *, end: bool) -> int:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if match is None:
        raise PolicyError(f"{text!r} is not a time of day", field=field, hint="write HH:MM")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise PolicyError(
            f"{text!r} is not a time of day", field=field, hint="write 00:00–23:59 (24:00 ends)"
        )
    return hours * 60 + minutes


@attrs.frozen(order=True)
class Window:
    """A daily window of wall-clock time, ``"04:30-07:30"``, to the minute.

    A window whose end is not after its start crosses midnight (``"18:00-02:00"``): the
    part after midnight belongs to the day the window opened. ``"00:00-24:00"`` is the
    whole day.

    >>> Window.from_toml("18:00-02:00").crosses_midnight
    True
    >>> str(Window.from_toml("4:30-7:30"))
    '04:30-07:30'
    >>> Window.from_toml("07:30-07:30")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: hours: '07:30-07:30' is an empty window; ...
    """

    start: int
    end: int

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        """Read ``"HH:MM-HH:MM"``."""
        where = field or "hours"
        if isinstance(value, Window):
            return value  # type: ignore[return-value]
        if not isinstance(value, str) or value.count("-") != 1:
            raise PolicyError(
                f"{value!r} is not a window", field=where, hint="write e.g. '04:30-07:30'"
            )
        first, last = value.split("-")
        start = _clock(first, where, end=False)
        end = _clock(last, where, end=True)
        if start == end or (start == 0 and end == 0):
            raise PolicyError(
                f"{value!r} is an empty window",
                field=where,
                hint="give different times; '00:00-24:00' is the whole day",
            )
        return cls(start, end)

    def to_toml(self) -> str:
        """``"HH:MM-HH:MM"``."""
        return str(self)

    def __str__(self) -> str:
        return (
            f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"
        )

    @property
    def crosses_midnight(self) -> bool:
        """Whether the window ends on the next day."""
        return self.end <= self.start


def _md(text: str, field: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text.strip())
    if match is not None:
        month, day = int(match.group(1)), int(match.group(2))
        try:
            _dt.date(2000, month, day)  # a leap year: 02-29 is a day of the year
        except ValueError:
            pass
        else:
            return month, day
    raise PolicyError(
        f"{text!r} is not a month and day", field=field, hint="write MM-DD, e.g. '05-06'"
    )


@attrs.frozen
class DateSpan:
    """Days ``first`` to ``last``, both included: recurring every year (``"05-06"`` to
    ``"09-30"``; a span may wrap the new year, ``"11-15"`` to ``"02-15"``) or absolute
    dates (``2025-01-14`` to ``2025-02-22``).

    Written in TOML as ``{ first = "05-06", last = "09-30" }``.

    >>> import datetime as _dt
    >>> span = DateSpan.from_toml({"first": "05-06", "last": "09-30"})
    >>> span.covers(_dt.date(2031, 9, 30)), span.covers(_dt.date(2031, 10, 1))
    (True, False)
    >>> DateSpan.from_toml({"first": _dt.date(2025, 1, 14), "last": _dt.date(2025, 2, 22)}).first
    (2025, 1, 14)
    """

    first: tuple[int, int, int]
    last: tuple[int, int, int]

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        """Read ``{ first = …, last = … }`` (both month-days or both dates)."""
        where = field or "dates"
        if isinstance(value, DateSpan):
            return value  # type: ignore[return-value]
        if not isinstance(value, Mapping) or set(value) != {"first", "last"}:
            raise PolicyError(
                f"{value!r} is not a span of days",
                field=where,
                hint='write { first = "05-06", last = "09-30" } or two dates',
            )
        ends = []
        for key in ("first", "last"):
            item = value[key]
            if isinstance(item, _dt.date) and not isinstance(item, _dt.datetime):
                ends.append((item.year, item.month, item.day))
            elif isinstance(item, str):
                ends.append((0, *_md(item, f"{where}.{key}")))
            else:
                raise PolicyError(
                    f"{item!r} is neither a date nor a month-day",
                    field=f"{where}.{key}",
                    hint='write 2025-01-14 (no quotes) or "05-06"',
                )
        first, last = ends
        if (first[0] == 0) != (last[0] == 0):
            raise PolicyError(
                "first and last must both be dates or both month-days",
                field=where,
                hint='write { first = "05-06", last = "09-30" } or two dates',
            )
        if first[0] and first > last:
            raise PolicyError(f"{value!r} ends before it starts", field=where, hint="swap them")
        return cls(first, last)

    def to_toml(self) -> dict[str, Any]:
        """``{"first": …, "last": …}`` as read."""
        return {"first": self._end(self.first), "last": self._end(self.last)}

    @staticmethod
    def _end(end: tuple[int, int, int]) -> str | _dt.date:
        year, month, day = end
        return _dt.date(year, month, day) if year else f"{month:02d}-{day:02d}"

    @property
    def recurring(self) -> bool:
        """Whether the span recurs every year (month-days) rather than naming dates."""
        return self.first[0] == 0

    def covers(self, d: _dt.date) -> bool:
        """Whether ``d`` lies in the span (ends included)."""
        if not self.recurring:
            return self.first <= (d.year, d.month, d.day) <= self.last
        md = (0, d.month, d.day)
        if self.first <= self.last:
            return self.first <= md <= self.last
        return md >= self.first or md <= self.last

    def __str__(self) -> str:
        return f"{self._end(self.first)}..{self._end(self.last)}"


@attrs.frozen
class ActivityRule:
    """A tier's word on one activity: a :class:`Permission` and, optionally, the condition
    it comes with (shown in the reason). In TOML ``"forbidden"`` or
    ``{ permission = "allowed", condition = "…" }``.

    >>> ActivityRule.from_toml("禁止").permission
    <Permission.FORBIDDEN: 'forbidden'>
    >>> ActivityRule.from_toml({"permission": "allowed", "condition": "off the road"}).to_toml()
    {'permission': 'allowed', 'condition': 'off the road'}
    """

    permission: Permission
    condition: str = ""

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        """Read a permission word or a ``{ permission, condition }`` table."""
        where = field or "permission"
        if isinstance(value, ActivityRule):
            return value  # type: ignore[return-value]
        if isinstance(value, str):
            return cls(Permission.parse(value, field=where, error=PolicyError))
        if (
            isinstance(value, Mapping)
            and "permission" in value
            and set(value)
            <= {
                "permission",
                "condition",
            }
        ):
            condition = value.get("condition", "")
            if not isinstance(condition, str):
                raise PolicyError(f"{condition!r} is not text", field=f"{where}.condition")
            permission = Permission.parse(
                value["permission"], field=f"{where}.permission", error=PolicyError
            )
            return cls(permission, condition)
        raise PolicyError(
            f"{value!r} is not a permission",
            field=where,
            hint='write "forbidden", "designated", "allowed" or '
            '{ permission = "allowed", condition = "…" }',
        )

    def to_toml(self) -> str | dict[str, str]:
        """The word, or the table when there is a condition."""
        if not self.condition:
            return self.permission.value
        return {"permission": self.permission.value, "condition": self.condition}


# ------------------------------------------------------------------ rule tables


def _slugs(field: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]) -> None:
        for i, item in enumerate(value):
            check_slug(item, f"{field}[{i}]")

    return check


def _slug(field: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: str) -> None:
        check_slug(value, field)

    return check


def _tier_word(value: object) -> ZoneTier:
    return ZoneTier.parse(value, field="tier", error=PolicyError)


@attrs.frozen
class ClassRule:
    """One classification rule (分区规则): places whose attributes meet every condition
    given get ``tier``. Rules are tried in order; the first match wins.

    Conditions (each optional; an empty one does not constrain):
    ``road_class`` — the place's ``road_class`` attribute is one of these;
    ``near`` — the place's ``near`` attribute (a list) names one of these;
    ``fringe`` — the place's ``fringe`` attribute (the urban–rural fringe, 城郊结合部) is
    this boolean; ``places`` — the place is one of these kinds (levels, or ``segment``).

    >>> ClassRule("window_site", "strict", near=("station", "school")).tier
    <ZoneTier.STRICT: 'strict'>
    """

    name: str = attrs.field(validator=_slug("name"))
    tier: ZoneTier = attrs.field(converter=_tier_word)
    road_class: tuple[str, ...] = attrs.field(default=(), validator=_slugs("road_class"))
    near: tuple[str, ...] = attrs.field(default=(), validator=_slugs("near"))
    fringe: bool | None = None
    places: tuple[PlaceKind, ...] = ()


@attrs.frozen
class StallArea:
    """A designated stall area or vendor point (季节性、限时性摊区; 流动经营集中摆卖点):
    the places it covers, what it allows there, and when it is open.

    ``places`` are unit or segment codes; a unit covers the units below it and the
    segments lying in them. ``dates`` are :class:`DateSpan` s (none: all year), ``days``
    :class:`DayFilter` s (none: every day; several: any of them), ``hours`` daily
    :class:`Window` s (none: all day). A window after midnight belongs to the day it
    opened, whose date and day filters decide.
    """

    places: tuple[str, ...]
    kind: AreaKind = AreaKind.STALL_AREA
    title: str = ""
    activities: tuple[str, ...] = attrs.field(default=("stall",), validator=_slugs("activities"))
    dates: tuple[DateSpan, ...] = ()
    days: tuple[DayFilter, ...] = ()
    hours: tuple[Window, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not self.places:
            raise PolicyError("an area covers no place", field="places", hint="list unit codes")
        if not self.activities:
            raise PolicyError("an area allows no activity", field="activities")


@attrs.frozen
class Buffer:
    """A no-activity buffer around named sites (e.g. 100 m of a school gate, 合肥).

    A place is inside when its ``distance_m`` attribute gives, for ``site``, a distance
    of at most ``radius_m`` metres (urbangov does no geometry: the city file records the
    distance from each place to the nearest site of each kind). ``days`` and ``hours``
    limit when the buffer holds (none: always).
    """

    site: str = attrs.field(validator=_slug("site"))
    radius_m: int
    activities: tuple[str, ...] = attrs.field(validator=_slugs("activities"))
    title: str = ""
    days: tuple[DayFilter, ...] = ()
    hours: tuple[Window, ...] = ()

    def __attrs_post_init__(self) -> None:
        if isinstance(self.radius_m, bool) or not isinstance(self.radius_m, int):
            raise PolicyError(f"{self.radius_m!r} is not whole metres", field="radius_m")
        if self.radius_m < 0:
            raise PolicyError(f"{self.radius_m} is negative", field="radius_m")


@attrs.frozen
class Leniency:
    """Dated leniency (从宽处理): during ``periods``, a violation of one of ``activities``
    (none: any) in one of ``tiers`` (none: any) is not fined — still not allowed, but
    corrected by persuasion instead (e.g. minor violations during 春运).
    """

    periods: tuple[DateSpan, ...]
    activities: tuple[str, ...] = attrs.field(default=(), validator=_slugs("activities"))
    tiers: tuple[ZoneTier, ...] = ()
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.periods:
            raise PolicyError("a leniency needs periods", field="periods")


@attrs.frozen
class Event:
    """A major event (重大活动) during which cleaning is lengthened and made more frequent,
    as on official holidays."""

    dates: tuple[DateSpan, ...]
    title: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.dates:
            raise PolicyError("an event needs dates", field="dates")


def _positive(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError(f"{value!r} is not a whole number ≥ 1", field=attribute.name)


class PatrolKind(Term):
    """Kinds of patrol (巡查方式) by tier and shift (《城市管理协管员考核办法》篇9, 篇1)."""

    FIXED_POST = "fixed_post", "定人定岗定责", "定岗"
    """定人、定责、定岗 — officers posted at fixed places (严管区)."""
    KEY_AREA = "key_area", "重点区域早晚巡查"
    """早、晚两次对重点区域进行巡查 — key areas twice a day, morning and evening."""
    DAILY_PATROL = "daily_patrol", "日常巡查"
    """日常巡查 — the control zone's daily patrol, strict at peak hours."""
    CAMPAIGN = "campaign", "集中整治"
    """集中整治 — a concentrated campaign ("一周整治一条街")."""
    MOBILE_PATROL = "mobile_patrol", "机动巡查"
    """机动巡查 — the general zone's mobile patrol (堵疏结合)."""
    NIGHT_SQUADRON = "night_squadron", "夜间中队"
    """夜间执法中队 — night enforcement closing the late gap (错时执法)."""


def _patrol_kind(value: object) -> PatrolKind:
    return PatrolKind.parse(value, field="kind", error=PolicyError)


@attrs.frozen
class ShiftPatrol:
    """How a tier's units are patrolled in one shift: the :class:`PatrolKind`, the staff
    of one team, how many units one team covers and how many rounds it makes. A unit's
    staff need is ``staff / units_per_team`` (exact).
    """

    kind: PatrolKind = attrs.field(converter=_patrol_kind)
    staff: int = attrs.field(default=1, validator=_positive)
    units_per_team: int = attrs.field(default=1, validator=_positive)
    rounds: int = attrs.field(default=1, validator=_positive)


@attrs.frozen
class KeyAreas:
    """Key areas (重点区域) patrolled twice a day: places whose ``near`` attribute names one
    of ``near`` get a ``key_area`` round in each of ``shifts`` unless a fixed post already
    stands there."""

    near: tuple[str, ...] = attrs.field(default=("market",), validator=_slugs("near"))
    shifts: tuple[str, ...] = ("morning", "evening")
    staff: int = attrs.field(default=1, validator=_positive)
    units_per_team: int = attrs.field(default=4, validator=_positive)


@attrs.frozen
class Campaign:
    """Concentrated campaigns (集中整治) rotating over streets: every ``every_days`` days
    the next street (by code) gets a campaign team of ``staff`` over its units of
    ``tiers`` in ``shift`` ("一周整治一条街")."""

    tiers: tuple[ZoneTier, ...] = (ZoneTier.CONTROL,)
    every_days: int = attrs.field(default=7, validator=_positive)
    shift: str = "day"
    staff: int = attrs.field(default=6, validator=_positive)


@attrs.frozen
class Cleaning:
    """Street cleaning (保洁) of a day: hours of cleaning and rounds."""

    hours: int = attrs.field(validator=_positive)
    rounds: int = attrs.field(validator=_positive)


def reraise(exc: UrbangovError, prefix: str) -> PolicyError:
    """``exc`` as a :class:`PolicyError` whose field is under ``prefix``."""
    field = f"{prefix}.{exc.field}" if exc.field else prefix
    return PolicyError(exc.message, field=field, hint=exc.hint)
