"""The parts of the ``escalation`` section: :class:`LevelRules`, :class:`HearingRules`,
:class:`ResponseRules`, :class:`WhistleRules` (private; :mod:`urbangov.escalation`
re-exports them). Every default repeats a value of ``data/default_policy.toml``, which
cites its source.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, TypeVar

import attrs

from urbangov.calendar import TimeLimit
from urbangov.errors import PolicyError
from urbangov.escalation._values import Magnitude, Severity, WhistleSituation
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, structure
from urbangov.vocabulary import Level

__all__ = [
    "HearingRules",
    "LevelRules",
    "ResponseRules",
    "WhistleRules",
    "dated",
    "structured",
]


def structured(value: object, tp: Any, name: str) -> Any:
    """``value`` structured into ``tp`` as a file's would be (strict), so the constructor
    takes what a policy file says; values already structured pass through."""
    try:
        return structure(value, tp)
    except PolicyError as exc:
        field = f"{name}.{exc.field}" if exc.field else name
        raise PolicyError(exc.message, field=field, hint=exc.hint) from None


def _to_minor(value: object) -> Dated[Level]:
    return structured(value, Dated[Level], "minor")  # type: ignore[no-any-return]


def _to_major(value: object) -> Dated[Level]:
    return structured(value, Dated[Level], "major")  # type: ignore[no-any-return]


def _to_default(value: object) -> Dated[Severity]:
    return structured(value, Dated[Severity], "default")  # type: ignore[no-any-return]


def _to_categories(value: object) -> FrozenMap[str, Dated[Severity]]:
    return structured(value, FrozenMap[str, Dated[Severity]], "categories")  # type: ignore[no-any-return]


def _to_major_classes(value: object) -> FrozenMap[str, Dated[Severity]]:
    return structured(value, FrozenMap[str, Dated[Severity]], "major_classes")  # type: ignore[no-any-return]


def _to_departments(value: object) -> Dated[Level]:
    return structured(value, Dated[Level], "departments")  # type: ignore[no-any-return]


def _to_difficult(value: object) -> Dated[Level]:
    return structured(value, Dated[Level], "difficult")  # type: ignore[no-any-return]


def _to_unresolved_after(value: object) -> Dated[TimeLimit]:
    return structured(value, Dated[TimeLimit], "unresolved_after")  # type: ignore[no-any-return]


def _to_brigade_fine(value: object) -> Dated[Decimal]:
    return structured(value, Dated[Decimal], "brigade_fine")  # type: ignore[no-any-return]


def _to_bureau_fine(value: object) -> Dated[Decimal]:
    return structured(value, Dated[Decimal], "bureau_fine")  # type: ignore[no-any-return]


def _to_brigade_size(value: object) -> Dated[Magnitude]:
    return structured(value, Dated[Magnitude], "brigade_size")  # type: ignore[no-any-return]


def _to_bureau_size(value: object) -> Dated[Magnitude]:
    return structured(value, Dated[Magnitude], "bureau_size")  # type: ignore[no-any-return]


def _to_brigade_impact(value: object) -> Dated[Magnitude]:
    return structured(value, Dated[Magnitude], "brigade_impact")  # type: ignore[no-any-return]


def _to_bureau_impact(value: object) -> Dated[Magnitude]:
    return structured(value, Dated[Magnitude], "bureau_impact")  # type: ignore[no-any-return]


def _to_difficulty(value: object) -> Dated[Magnitude]:
    return structured(value, Dated[Magnitude], "difficulty")  # type: ignore[no-any-return]


def _to_impact(value: object) -> Dated[Magnitude]:
    return structured(value, Dated[Magnitude], "impact")  # type: ignore[no-any-return]


def _to_needs(value: object) -> Dated[Literal["either", "both"]]:
    return structured(value, Dated[Literal["either", "both"]], "needs")  # type: ignore[no-any-return]


def _to_level(value: object) -> Dated[Level]:
    return structured(value, Dated[Level], "level")  # type: ignore[no-any-return]


def _to_situations(value: object) -> Dated[tuple[WhistleSituation, ...]]:
    return structured(value, Dated[tuple[WhistleSituation, ...]], "situations")  # type: ignore[no-any-return]


T = TypeVar("T")


def dated(value: T) -> Dated[T]:
    return Dated.always(value)


# ------------------------------------------------------------------ sub-sections


@attrs.frozen
class LevelRules:
    """Which level handles a case (``escalation.levels``; 小事不出网格、大事不出镇办).

    Parameters
    ----------
    minor, major
        The levels that close minor and major problems: the grid and the street
        (《中心城区网格化综合监管工作推进会讲话》§二(五)).
    default
        The severity of a category neither table names (default ``minor``: an urbangov
        default, not in the sources, which do not classify problems).
    categories, major_classes
        Severity by category slug and by major class (``"E01"``); shipped: demolishing an
        illegal building is major (the street has no enforcement power for it, 北京吹哨报到).
    departments
        The level of a problem involving several departments that is general: the
        street committee (街道城市管理委员会, 《城市管理协管员考核办法》篇5 §四(一)).
    difficult
        The level of one that is difficult, or unresolved for ``unresolved_after``: the
        district's city-management office (区城市管理办公室, 篇5 §四(一)).
    unresolved_after
        Working time after dispatch from which such a problem counts as long unresolved
        (长期管理不落实; the source gives no figure: 20 working days is an urbangov default).
    """

    minor: Dated[Level] = attrs.field(factory=lambda: dated(Level.GRID), converter=_to_minor)
    major: Dated[Level] = attrs.field(factory=lambda: dated(Level.STREET), converter=_to_major)
    default: Dated[Severity] = attrs.field(
        factory=lambda: dated(Severity.MINOR), converter=_to_default
    )
    categories: FrozenMap[str, Dated[Severity]] = attrs.field(
        factory=lambda: FrozenMap({"illegal_construction_demolition": dated(Severity.MAJOR)}),
        converter=_to_categories,
    )
    major_classes: FrozenMap[str, Dated[Severity]] = attrs.field(
        factory=FrozenMap, converter=_to_major_classes
    )
    departments: Dated[Level] = attrs.field(
        factory=lambda: dated(Level.STREET), converter=_to_departments
    )
    difficult: Dated[Level] = attrs.field(
        factory=lambda: dated(Level.DISTRICT), converter=_to_difficult
    )
    unresolved_after: Dated[TimeLimit] = attrs.field(
        factory=lambda: dated(TimeLimit.working_days(20)),
        converter=_to_unresolved_after,
    )


@attrs.frozen
class HearingRules:
    """Who hears an enforcement case (``escalation.hearing``; 案件分级审理): the bureau,
    a brigade or a squadron, "按照处罚金额、案件大小、影响程度" (《城市管理协管员考核办法》篇9
    §二.3). The source gives no thresholds; every default is an urbangov default.

    A case goes to the bureau when its fine, size or impact reaches the bureau's
    threshold, else to the brigade when one reaches the brigade's, else it stays with the
    squadron. Fines are yuan.
    """

    brigade_fine: Dated[Decimal] = attrs.field(
        factory=lambda: dated(Decimal(10000)),
        converter=_to_brigade_fine,
    )
    bureau_fine: Dated[Decimal] = attrs.field(
        factory=lambda: dated(Decimal(50000)),
        converter=_to_bureau_fine,
    )
    brigade_size: Dated[Magnitude] = attrs.field(
        factory=lambda: dated(Magnitude.LARGE),
        converter=_to_brigade_size,
    )
    bureau_size: Dated[Magnitude] = attrs.field(
        factory=lambda: dated(Magnitude.MAJOR),
        converter=_to_bureau_size,
    )
    brigade_impact: Dated[Magnitude] = attrs.field(
        factory=lambda: dated(Magnitude.LARGE),
        converter=_to_brigade_impact,
    )
    bureau_impact: Dated[Magnitude] = attrs.field(
        factory=lambda: dated(Magnitude.MAJOR),
        converter=_to_bureau_impact,
    )


@attrs.frozen
class ResponseRules:
    """The two-level response to illegal construction (``escalation.response``; 两级响应,
    《城市管理协管员考核办法》篇9 §一(二)1): level one (bureau leaders command) when the
    demolition's difficulty reaches ``difficulty`` or its impact reaches ``impact``
    (``needs = "either"``), or both (``"both"``); else level two (the special action team).
    The source names the criteria, not the thresholds: urbangov defaults.
    """

    difficulty: Dated[Magnitude] = attrs.field(
        factory=lambda: dated(Magnitude.MAJOR),
        converter=_to_difficulty,
    )
    impact: Dated[Magnitude] = attrs.field(
        factory=lambda: dated(Magnitude.MAJOR), converter=_to_impact
    )
    needs: Dated[Literal["either", "both"]] = attrs.field(
        factory=lambda: dated("either"),
        converter=_to_needs,
    )


@attrs.frozen
class WhistleRules:
    """Summoning departments (``escalation.whistle``; 街乡吹哨、部门报到): the level that
    may whistle (the street) and the situations in which it may (北京吹哨报到: three).
    """

    level: Dated[Level] = attrs.field(factory=lambda: dated(Level.STREET), converter=_to_level)
    situations: Dated[tuple[WhistleSituation, ...]] = attrs.field(
        factory=lambda: dated(tuple(WhistleSituation)),
        converter=_to_situations,
    )
