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
import functools
import typing
from enum import Enum, IntEnum, StrEnum
from typing import Any, Self

from urbangov.errors import UnknownTermError, UrbangovError

__all__ = ["Domain", "IntTerm", "Level", "Source", "Term", "Urgency", "ZoneTier"]


class _Bilingual:
    """What every urbangov enum shares: its Chinese term and a forgiving ``parse``."""

    __slots__ = ()
    _chinese: str
    _aliases: tuple[str, ...]

    @property
    def chinese(self) -> str:
        """The Chinese term."""
        return self._chinese

    @classmethod
    def parse(
        cls,
        value: object,
        *,
        field: str | None = None,
        error: type[UrbangovError] = UnknownTermError,
    ) -> Self:
        """Read a member from itself, its value, its name (any case), its Chinese term or
        an alias (traditional characters, short forms); an ``IntTerm`` also from its int.

        Raises
        ------
        UnknownTermError
            Naming ``field`` and the accepted words, with a did-you-mean (a loader passes
            its own ``error`` class, e.g. ``TaxonomyError``).
        """
        if isinstance(value, cls):
            return value
        table = typing.cast(dict[str, Self], _spellings(typing.cast(Any, cls)))
        if isinstance(value, str):
            found = table.get(value)
            if found is None:
                text = value.strip()
                found = table.get(text) or table.get(text.lower())
            if found is not None:
                return found
        elif isinstance(value, int) and not isinstance(value, bool) and issubclass(cls, IntEnum):
            for member in cls:
                if member.value == value:
                    return member
        words = [_word(m) for m in cls]  # type: ignore[attr-defined]
        chinese = [m._chinese for m in cls if m._chinese]  # type: ignore[attr-defined]
        near = (
            difflib.get_close_matches(value, words + chinese, n=1) if isinstance(value, str) else []
        )
        hint = f"did you mean {near[0]!r}?" if near else f"use one of {', '.join(words)}"
        raise error(
            f"{value!r} is not {_article(cls.__name__)} {cls.__name__}",
            field=field or cls.__name__,
            hint=hint,
        )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _word(member: Enum) -> str:
    """The spelling a file uses: the value of a ``Term``, the lowercase name of an
    ``IntTerm``."""
    return member.name.lower() if isinstance(member, IntEnum) else str(member.value)


@functools.cache
def _spellings(enum: type[_Bilingual]) -> dict[str, object]:
    """Every accepted spelling of every member (a constant derived from the class)."""
    words: dict[str, object] = {}
    for member in enum:  # type: ignore[attr-defined]
        for alias in member._aliases:
            words[alias] = member
        if member._chinese:
            words[member._chinese] = member
        if isinstance(member.value, str):
            words[member.value] = member
        words[member.name] = member
        words[member.name.lower()] = member
    return words


class Term(_Bilingual, StrEnum):
    """Base of urbangov's string enums: ``MEMBER = "value", "中文", *aliases``.

    Files hold the value; :meth:`parse` reads the value, the name, the Chinese term or
    an alias; :attr:`chinese` gives the term.

    >>> class Tier(Term):
    ...     STRICT = "strict", "严管区", "严管"
    >>> Tier.parse("严管"), Tier.STRICT.chinese, Tier.STRICT == "strict"
    (<Tier.STRICT: 'strict'>, '严管区', True)
    >>> Tier.parse("strickt")
    Traceback (most recent call last):
    ...
    urbangov.errors.UnknownTermError: Tier: 'strickt' is not a Tier; did you mean 'strict'?
    """

    _value_: str

    def __new__(cls, value: str, chinese: str = "", *aliases: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._chinese = chinese
        member._aliases = aliases
        return member


class IntTerm(_Bilingual, IntEnum):
    """Base of urbangov's ordered int enums: ``MEMBER = 0, "中文", *aliases``; files hold
    the lowercase name, :meth:`parse` also reads the int."""

    _value_: int

    def __new__(cls, value: int, chinese: str = "", *aliases: str) -> Self:
        member = int.__new__(cls, value)
        member._value_ = value
        member._chinese = chinese
        member._aliases = aliases
        return member


class Level(IntTerm):
    """A level of the responsibility hierarchy (属地管理 levels), highest first.

    ``CITY`` 市, ``DISTRICT`` 区/县, ``STREET`` 街道/镇, ``COMMUNITY`` 社区/村,
    ``GRID`` 网格 (万米单元网格). A hierarchy may use any contiguous subset.

    >>> Level.parse(2), Level.parse("street"), Level.parse("街道")
    (<Level.STREET: 2>, <Level.STREET: 2>, <Level.STREET: 2>)
    """

    CITY = 0, "市", "城市"
    DISTRICT = 1, "区", "县", "区县", "區"
    STREET = 2, "街道", "镇", "鎮", "街道办"
    COMMUNITY = 3, "社区", "村", "社區"
    GRID = 4, "网格", "網格"

    @property
    def code_length(self) -> int:
        """Digits in a unit code at this level: 6, 6, 9, 12, 15."""
        return (6, 6, 9, 12, 15)[self.value]

    @property
    def slug(self) -> str:
        """The lowercase name written to files (``"grid"``)."""
        return self.name.lower()


class Domain(Term):
    """The twelve management domains of the duty matrix (《城市管理协管员考核办法》篇5 §二).

    Each has a lead unit and cooperating units, resolved by ``DutyMatrix``.

    >>> Domain.parse("园林绿化")
    <Domain.LANDSCAPING: 'landscaping'>
    """

    SANITATION = "sanitation", "环境卫生", "環境衛生"
    """环境卫生 — environmental sanitation: road cleaning, garbage."""
    CITY_APPEARANCE = "city_appearance", "市容市貌", "市容市貌管理"
    """市容市貌 — city appearance: street trade, advertising, frontages."""
    MUNICIPAL_FACILITIES = "municipal_facilities", "市政设施"
    """市政设施 — municipal facilities: roads, lamps, manholes, bus stops."""
    FARMERS_MARKETS = "farmers_markets", "农贸市场"
    """农贸市场 — farmers' markets."""
    CONSTRUCTION_SITES = "construction_sites", "建设工地"
    """建设工地 — construction and demolition sites."""
    CATERING_SMALL_TRADES = "catering_small_trades", '餐饮及"五小"行业', "餐饮及五小行业"
    """餐饮及"五小"行业 — catering and the "five small" trades."""
    RESIDENTIAL_AREAS = "residential_areas", "居民区"
    """居民区 — residential estates."""
    LANDSCAPING = "landscaping", "园林绿化"
    """园林绿化 — parks and green space."""
    WATERWAYS = "waterways", "河道水面"
    """河道水面 — rivers and water surfaces."""
    ENVIRONMENTAL_PROTECTION = "environmental_protection", "环境保护"
    """环境保护 — environmental protection: dust, noise, emissions."""
    URBAN_TRAFFIC = "urban_traffic", "城市交通"
    """城市交通 — urban traffic and parking order."""
    PEST_CONTROL = "pest_control", '除"四害"', "除四害"
    """除"四害" — eliminating the "four pests"."""


class ZoneTier(Term):
    """A tier of tiered zone management (级差管理; 《城市管理协管员考核办法》篇7, 篇9).

    >>> ZoneTier.parse("控制"), ZoneTier.parse("严管区")
    (<ZoneTier.CONTROL: 'control'>, <ZoneTier.STRICT: 'strict'>)
    """

    STRICT = "strict", "严管区", "严管", "嚴管區", "嚴管"
    """严管区 — main roads, stations, squares, scenic spots: all violations forbidden."""
    CONTROL = "control", "控制区", "控制"
    """控制区 — other roads and back alleys: patrol, strict at peak hours."""
    GENERAL = "general", "一般区", "一般"
    """一般区 — the urban–rural fringe: mobile patrol, 堵疏结合."""
    REGULATED = "regulated", "规范区", "规范", "規範區"
    """规范区 — stalls allowed where they harm neither appearance, traffic nor residents."""


class Urgency(Term):
    """How urgent a case is: ``URGENT`` 紧急 or ``NORMAL`` 一般.

    >>> Urgency.parse("一般")
    <Urgency.NORMAL: 'normal'>
    """

    URGENT = "urgent", "紧急", "緊急"
    """紧急."""
    NORMAL = "normal", "一般"
    """一般."""


class Source(Term):
    """Where a case came from (案件来源).

    >>> Source.parse("热线")
    <Source.HOTLINE: 'hotline'>
    """

    SUPERVISOR = "supervisor", "监督员上报", "监督员"
    """监督员上报 — found by a city-management supervisor on patrol."""
    HOTLINE = "hotline", "热线"
    """热线 — a hotline call (12319, 12345)."""
    VIDEO = "video", "视频监控", "视频"
    """视频监控 — spotted on video surveillance."""
    PUBLIC = "public", "公众举报", "公众"
    """公众举报 — reported by the public (app, mini-program, letter)."""
    MEDIA = "media", "媒体曝光", "媒体"
    """媒体曝光 — exposed by the media."""
    LEADER = "leader", "领导交办", "领导"
    """领导交办 — assigned by a leader."""
    CITY_DISPATCH = "city_dispatch", "市级派遣", "市派"
    """市级派遣 — dispatched down from the city platform."""
    DEPARTMENT = "department", "部门转办", "转办"
    """部门转办 — forwarded by another department (assessment methods such as
    《金华市区数字化城市管理工作考核细则(试行)》 deduct double for such cases)."""
