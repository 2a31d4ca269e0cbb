"""The shared vocabulary: levels, duty domains, zone tiers, urgency and case sources.

Values written to files are the lowercase English values (``"grid"``, ``"strict"``);
every ``parse`` also accepts the member name (``"GRID"``) and the Chinese term
(``"网格"``), and ``Level.parse`` accepts the integer.

>>> Level.parse("网格")
<Level.GRID: 4>
>>> ZoneTier.parse("严管区")
<ZoneTier.STRICT: 'strict'>
>>> Domain.SANITATION.chinese
'环境卫生'
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from enum import Enum, IntEnum, StrEnum
from typing import TypeVar

from urbangov.errors import UnknownTermError

__all__ = ["Domain", "Level", "Source", "Urgency", "ZoneTier", "parse_term"]

E = TypeVar("E", bound=Enum)


def parse_term(
    enum: type[E],
    value: object,
    chinese: Mapping[str, E],
    *,
    field: str | None = None,
) -> E:
    """Read ``value`` as a member of ``enum``: the member, its value, its name or its
    Chinese term. Raise :class:`UnknownTermError` naming the accepted words otherwise.

    >>> parse_term(Urgency, "紧急", _URGENCY_ZH)
    <Urgency.URGENT: 'urgent'>
    """
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        lookup = _WORDS.get(enum) or _words(enum, chinese)
        found = lookup.get(value)
        if found is None:
            text = value.strip()
            found = lookup.get(text) or lookup.get(text.lower())
        if found is not None:
            return found  # type: ignore[return-value]
    elif isinstance(value, int) and not isinstance(value, bool) and issubclass(enum, IntEnum):
        for member in enum:
            if member.value == value:
                return member
    words = [m.name.lower() if issubclass(enum, IntEnum) else str(m.value) for m in enum]
    suggestion = (
        difflib.get_close_matches(value, words + list(chinese), n=1)
        if isinstance(value, str)
        else []
    )
    hint = f"did you mean {suggestion[0]!r}?" if suggestion else f"use one of {', '.join(words)}"
    raise UnknownTermError(
        f"{value!r} is not a {enum.__name__}", field=field or enum.__name__, hint=hint
    )


def _words(enum: type[Enum], chinese: Mapping[str, Enum]) -> dict[str, Enum]:
    """Every accepted spelling of every member: value, name, lowercase name, Chinese."""
    words: dict[str, Enum] = dict(chinese)
    for member in enum:
        if isinstance(member.value, str):
            words[member.value] = member
        words[member.name] = member
        words[member.name.lower()] = member
    return words


# Filled once at import, after each enum is defined (a constant lookup table).
_WORDS: dict[type[Enum], dict[str, Enum]] = {}


class Level(IntEnum):
    """A level of the responsibility hierarchy (属地管理 levels), highest first.

    ``CITY`` 市, ``DISTRICT`` 区/县, ``STREET`` 街道/镇, ``COMMUNITY`` 社区/村,
    ``GRID`` 网格 (万米单元网格). A hierarchy may use any contiguous subset.
    """

    CITY = 0
    DISTRICT = 1
    STREET = 2
    COMMUNITY = 3
    GRID = 4

    @property
    def chinese(self) -> str:
        """The Chinese term (市, 区, 街道, 社区, 网格)."""
        return _LEVEL_NAMES_ZH[self]

    @property
    def code_length(self) -> int:
        """Digits in a unit code at this level: 6, 6, 9, 12, 15."""
        return _CODE_LENGTH[self]

    @classmethod
    def parse(cls, value: object, *, field: str | None = None) -> Level:
        """Read a level from a member, an int, a name (``"grid"``, ``"GRID"``) or
        the Chinese (``"网格"``).

        >>> Level.parse(2), Level.parse("street"), Level.parse("街道")
        (<Level.STREET: 2>, <Level.STREET: 2>, <Level.STREET: 2>)
        """
        return parse_term(cls, value, _LEVEL_ZH, field=field)

    @property
    def slug(self) -> str:
        """The lowercase name written to files (``"grid"``)."""
        return self.name.lower()


_LEVEL_NAMES_ZH = {
    Level.CITY: "市",
    Level.DISTRICT: "区",
    Level.STREET: "街道",
    Level.COMMUNITY: "社区",
    Level.GRID: "网格",
}
_LEVEL_ZH: dict[str, Level] = {
    "市": Level.CITY,
    "城市": Level.CITY,
    "区": Level.DISTRICT,
    "县": Level.DISTRICT,
    "区县": Level.DISTRICT,
    "區": Level.DISTRICT,
    "街道": Level.STREET,
    "镇": Level.STREET,
    "鎮": Level.STREET,
    "街道办": Level.STREET,
    "社区": Level.COMMUNITY,
    "村": Level.COMMUNITY,
    "社區": Level.COMMUNITY,
    "网格": Level.GRID,
    "網格": Level.GRID,
}
_CODE_LENGTH = {
    Level.CITY: 6,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}


class Domain(StrEnum):
    """The twelve management domains of the duty matrix (RULES.md §1; seed 001 篇5 §二).

    Each has a lead unit and cooperating units, resolved by ``DutyMatrix``.
    """

    SANITATION = "sanitation"
    """环境卫生 — environmental sanitation: road cleaning, garbage."""
    CITY_APPEARANCE = "city_appearance"
    """市容市貌 — city appearance: street trade, advertising, frontages."""
    MUNICIPAL_FACILITIES = "municipal_facilities"
    """市政设施 — municipal facilities: roads, lamps, manholes, bus stops."""
    FARMERS_MARKETS = "farmers_markets"
    """农贸市场 — farmers' markets."""
    CONSTRUCTION_SITES = "construction_sites"
    """建设工地 — construction and demolition sites."""
    CATERING_SMALL_TRADES = "catering_small_trades"
    """餐饮及"五小"行业 — catering and the "five small" trades."""
    RESIDENTIAL_AREAS = "residential_areas"
    """居民区 — residential estates."""
    LANDSCAPING = "landscaping"
    """园林绿化 — parks and green space."""
    WATERWAYS = "waterways"
    """河道水面 — rivers and water surfaces."""
    ENVIRONMENTAL_PROTECTION = "environmental_protection"
    """环境保护 — environmental protection: dust, noise, emissions."""
    URBAN_TRAFFIC = "urban_traffic"
    """城市交通 — urban traffic and parking order."""
    PEST_CONTROL = "pest_control"
    """除"四害" — eliminating the "four pests"."""

    @property
    def chinese(self) -> str:
        """The Chinese term of the domain (环境卫生…)."""
        return _DOMAIN_NAMES_ZH[self]

    @classmethod
    def parse(cls, value: object, *, field: str | None = None) -> Domain:
        """Read a domain from its value, name or Chinese term.

        >>> Domain.parse("园林绿化")
        <Domain.LANDSCAPING: 'landscaping'>
        """
        return parse_term(cls, value, _DOMAIN_ZH, field=field)


_DOMAIN_NAMES_ZH = {
    Domain.SANITATION: "环境卫生",
    Domain.CITY_APPEARANCE: "市容市貌",
    Domain.MUNICIPAL_FACILITIES: "市政设施",
    Domain.FARMERS_MARKETS: "农贸市场",
    Domain.CONSTRUCTION_SITES: "建设工地",
    Domain.CATERING_SMALL_TRADES: '餐饮及"五小"行业',
    Domain.RESIDENTIAL_AREAS: "居民区",
    Domain.LANDSCAPING: "园林绿化",
    Domain.WATERWAYS: "河道水面",
    Domain.ENVIRONMENTAL_PROTECTION: "环境保护",
    Domain.URBAN_TRAFFIC: "城市交通",
    Domain.PEST_CONTROL: '除"四害"',
}
_DOMAIN_ZH: dict[str, Domain] = {zh: d for d, zh in _DOMAIN_NAMES_ZH.items()} | {
    "餐饮及五小行业": Domain.CATERING_SMALL_TRADES,
    "除四害": Domain.PEST_CONTROL,
    "環境衛生": Domain.SANITATION,
    "市容市貌管理": Domain.CITY_APPEARANCE,
}


class ZoneTier(StrEnum):
    """A tier of tiered zone management (级差管理; RULES.md §3, seed 001 篇9, 篇7)."""

    STRICT = "strict"
    """严管区 — main roads, stations, squares, scenic spots: all violations forbidden."""
    CONTROL = "control"
    """控制区 — other roads and back alleys: patrol, strict at peak hours."""
    GENERAL = "general"
    """一般区 — the urban–rural fringe: mobile patrol, 堵疏结合."""
    REGULATED = "regulated"
    """规范区 — stalls allowed where they harm neither appearance, traffic nor residents."""

    @property
    def chinese(self) -> str:
        """The Chinese term (严管区, 控制区, 一般区, 规范区)."""
        return _ZONE_NAMES_ZH[self]

    @classmethod
    def parse(cls, value: object, *, field: str | None = None) -> ZoneTier:
        """Read a zone tier from its value, name or Chinese term (严管 or 严管区).

        >>> ZoneTier.parse("控制")
        <ZoneTier.CONTROL: 'control'>
        """
        return parse_term(cls, value, _ZONE_ZH, field=field)


_ZONE_NAMES_ZH = {
    ZoneTier.STRICT: "严管区",
    ZoneTier.CONTROL: "控制区",
    ZoneTier.GENERAL: "一般区",
    ZoneTier.REGULATED: "规范区",
}
_ZONE_ZH: dict[str, ZoneTier] = {}
for _tier, _zh in _ZONE_NAMES_ZH.items():
    _ZONE_ZH[_zh] = _tier
    _ZONE_ZH[_zh[:-1]] = _tier
_ZONE_ZH |= {"嚴管區": ZoneTier.STRICT, "嚴管": ZoneTier.STRICT, "規範區": ZoneTier.REGULATED}


class Urgency(StrEnum):
    """How urgent a case is: ``URGENT`` 紧急 or ``NORMAL`` 一般."""

    URGENT = "urgent"
    """紧急."""
    NORMAL = "normal"
    """一般."""

    @property
    def chinese(self) -> str:
        """The Chinese term (紧急, 一般)."""
        return "紧急" if self is Urgency.URGENT else "一般"

    @classmethod
    def parse(cls, value: object, *, field: str | None = None) -> Urgency:
        """Read an urgency from its value, name or Chinese term.

        >>> Urgency.parse("一般")
        <Urgency.NORMAL: 'normal'>
        """
        return parse_term(cls, value, _URGENCY_ZH, field=field)


_URGENCY_ZH = {"紧急": Urgency.URGENT, "緊急": Urgency.URGENT, "一般": Urgency.NORMAL}


class Source(StrEnum):
    """Where a case came from (案件来源)."""

    SUPERVISOR = "supervisor"
    """监督员上报 — found by a city-management supervisor on patrol."""
    HOTLINE = "hotline"
    """热线 — a hotline call (12319, 12345)."""
    VIDEO = "video"
    """视频监控 — spotted on video surveillance."""
    PUBLIC = "public"
    """公众举报 — reported by the public (app, mini-program, letter)."""
    MEDIA = "media"
    """媒体曝光 — exposed by the media."""
    LEADER = "leader"
    """领导交办 — assigned by a leader."""
    CITY_DISPATCH = "city_dispatch"
    """市级派遣 — dispatched down from the city platform."""

    @property
    def chinese(self) -> str:
        """The Chinese term (监督员上报, 热线…)."""
        return _SOURCE_NAMES_ZH[self]

    @classmethod
    def parse(cls, value: object, *, field: str | None = None) -> Source:
        """Read a source from its value, name or Chinese term.

        >>> Source.parse("热线")
        <Source.HOTLINE: 'hotline'>
        """
        return parse_term(cls, value, _SOURCE_ZH, field=field)


_SOURCE_NAMES_ZH = {
    Source.SUPERVISOR: "监督员上报",
    Source.HOTLINE: "热线",
    Source.VIDEO: "视频监控",
    Source.PUBLIC: "公众举报",
    Source.MEDIA: "媒体曝光",
    Source.LEADER: "领导交办",
    Source.CITY_DISPATCH: "市级派遣",
}
_SOURCE_ZH: dict[str, Source] = {zh: s for s, zh in _SOURCE_NAMES_ZH.items()} | {
    "监督员": Source.SUPERVISOR,
    "视频": Source.VIDEO,
    "公众": Source.PUBLIC,
    "媒体": Source.MEDIA,
    "领导": Source.LEADER,
    "市派": Source.CITY_DISPATCH,
}


_WORDS.update(
    {
        Level: _words(Level, _LEVEL_ZH),
        Domain: _words(Domain, _DOMAIN_ZH),
        ZoneTier: _words(ZoneTier, _ZONE_ZH),
        Urgency: _words(Urgency, _URGENCY_ZH),
        Source: _words(Source, _SOURCE_ZH),
    }
)
