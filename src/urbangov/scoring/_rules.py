"""The rule kinds of an assessment standard (private; :mod:`urbangov.scoring` re-exports).

Every kind is found in a published city method; ``docs/scoring.md`` lists them with
their sources. A rule sits on a leaf item and produces *lines*: signed points, each
traceable to the finding, KPI record, tally, mark or trigger that caused it.

=============== ================================================ =====================
kind            what it reads                                    effect on its item
=============== ================================================ =====================
``per_finding`` findings, priced by stage and by who found them  deducts (adds in a
                                                                 bonus item)
``per_case``    findings naming an outcome, × the case source    deducts (adds in a
                multiplier                                       bonus item)
``rate_target`` a rate: per percentage point short of a target   deducts
``rate_linear`` a rate: clamp(base + per_point × rate%, min,     sets the score
                max)
``rate_bands``  a rate per record (e.g. per day): the first band deducts
                it falls in
``rank_adjust`` the unit's rank on the other items               adds (signed)
``per_trigger`` escalation triggers, priced by measure           deducts
``given``       a mark recorded for the item (a survey, a panel) sets the score
=============== ================================================ =====================
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.scoring._convert import (
    rule_cap,
    rule_id,
    to_decimal_map,
    to_decimals,
    to_source_map,
    to_sources,
)
from urbangov.scoring._rates import RateBands, RateLinear, RateTarget
from urbangov.scoring._terms import FindingStage
from urbangov.vocabulary import Source

__all__ = [
    "ANY_FINDER",
    "RULE_KINDS",
    "Given",
    "PerCase",
    "PerFinding",
    "PerTrigger",
    "RankAdjust",
    "Rule",
]

#: The key of a per-finding price that applies whoever found the problem.
ANY_FINDER = "*"


def _multiplier(multipliers: FrozenMap[Source, Decimal], source: Source | None) -> Decimal:
    return multipliers.get(source, _ONE) if source is not None else _ONE


_ONE = Decimal(1)


def _finder_prices(field: str) -> Callable[[object], FrozenMap[str, Decimal]]:
    return to_decimal_map(field, any_key=ANY_FINDER)


# --------------------------------------------------------------------------- rules


_TO_FOUND = _finder_prices("found")


def _to_found(value: object) -> FrozenMap[str, Decimal]:
    return _TO_FOUND(value)


_TO_NOT_FIXED = _finder_prices("not_fixed")


def _to_not_fixed(value: object) -> FrozenMap[str, Decimal]:
    return _TO_NOT_FIXED(value)


_TO_REPEATED = _finder_prices("repeated")


def _to_repeated(value: object) -> FrozenMap[str, Decimal]:
    return _TO_REPEATED(value)


_TO_OUTCOMES = to_decimal_map("outcomes")


def _to_outcomes(value: object) -> FrozenMap[str, Decimal]:
    return _TO_OUTCOMES(value)


_TO_MULTIPLIERS = to_source_map("multipliers")


def _to_multipliers(value: object) -> FrozenMap[Source, Decimal]:
    return _TO_MULTIPLIERS(value)


_TO_SOURCES = to_sources("sources")


def _to_sources(value: object) -> tuple[Source, ...]:
    return _TO_SOURCES(value)


_TO_BY_RANK = to_decimals("by_rank")


def _to_by_rank(value: object) -> tuple[Decimal, ...]:
    return _TO_BY_RANK(value)


_TO_MEASURES_POSITIVE = to_decimal_map("measures", positive=True)


def _to_measures_positive(value: object) -> FrozenMap[str, Decimal]:
    return _TO_MEASURES_POSITIVE(value)


@attrs.frozen(kw_only=True)
class PerFinding:
    """Points per finding, priced by its stage and by who found it (逐宗扣分).

    Parameters
    ----------
    id
        The rule's name within its item (default ``"per_finding"``).
    found, not_fixed, repeated
        Points per finding at each :class:`FindingStage`, by finder (``{ city = 0.3,
        district = 0.2, bureau = 0.1 }``); a plain number prices every finder (key
        ``"*"``). A stage left empty cannot be reported.
    multipliers
        Factor by the case's :class:`~urbangov.Source` (``{ media = 2 }``).
    cap
        The most this rule may deduct (or add) in one item (扣完为止 at the cap).

    Examples
    --------
    The 2016 城市管理工作督查考核扣分细则: 市/区文明办 and 局 inspectors, 0.3 / 0.2 / 0.1 per
    problem, 1 / 0.5 / 0.3 when not fixed in time, 2 / 1 / 0.6 when reported twice
    running.

    >>> from decimal import Decimal
    >>> rule = PerFinding(found={"city": "0.3"}, not_fixed={"city": 1})
    Traceback (most recent call last):
    ...
    urbangov.errors.StandardError: found.city: expected a number, found '0.3'; write it ...
    >>> rule = PerFinding(found={"city": Decimal("0.3")}, not_fixed={"city": 1})
    >>> rule.price(FindingStage.NOT_FIXED, "city")
    Decimal('1')
    """

    kind: ClassVar[str] = "per_finding"
    reads: ClassVar[str] = "findings"

    id: str = attrs.field(default="per_finding", converter=rule_id)
    found: FrozenMap[str, Decimal] = attrs.field(factory=FrozenMap, converter=_to_found)
    not_fixed: FrozenMap[str, Decimal] = attrs.field(factory=FrozenMap, converter=_to_not_fixed)
    repeated: FrozenMap[str, Decimal] = attrs.field(factory=FrozenMap, converter=_to_repeated)
    multipliers: FrozenMap[Source, Decimal] = attrs.field(
        factory=FrozenMap, converter=_to_multipliers
    )
    cap: Decimal | None = attrs.field(default=None, converter=rule_cap)

    def __attrs_post_init__(self) -> None:
        if not (self.found or self.not_fixed or self.repeated):
            raise StandardError(
                "a per-finding rule prices no stage",
                field="found",
                hint="give found = { finder = points, … } (and not_fixed, repeated)",
            )

    def prices(self, stage: FindingStage) -> FrozenMap[str, Decimal]:
        """The prices of ``stage`` by finder."""
        found: FrozenMap[str, Decimal] = getattr(self, stage.value)
        return found

    def price(self, stage: FindingStage, finder: str | None) -> Decimal | None:
        """The points of one finding at ``stage`` found by ``finder`` (``None``: not
        priced)."""
        table = self.prices(stage)
        if finder is not None and finder in table:
            return table[finder]
        return table.get(ANY_FINDER)

    def multiplier(self, source: Source | None) -> Decimal:
        """The factor for a finding whose case came from ``source`` (1 when none is set)."""
        return _multiplier(self.multipliers, source)


@attrs.frozen(kw_only=True)
class PerCase:
    """Points per case by its outcome (每件扣分), multiplied by the case's source.

    Parameters
    ----------
    outcomes
        Points per case by outcome (``{ sent_back = 0.2, failed_three_times = 0.5,
        falsified = 1, buck_passing = 1 }``).
    multipliers
        Factor by :class:`~urbangov.Source` (``{ leader = 2, department = 2, media = 2 }``:
        领导交办、部门转办、媒体曝光 deducted double).
    sources
        Only cases from these sources may be reported here (empty: any).
    cap
        The most this rule may deduct (or add) in one item.

    Examples
    --------
    >>> from decimal import Decimal
    >>> rule = PerCase(outcomes={"sent_back": Decimal("0.2")}, multipliers={"媒体曝光": 2})
    >>> from urbangov import Source
    >>> rule.multiplier(Source.MEDIA), rule.multiplier(None)
    (Decimal('2'), Decimal('1'))
    """

    kind: ClassVar[str] = "per_case"
    reads: ClassVar[str] = "findings"

    id: str = attrs.field(default="per_case", converter=rule_id)
    outcomes: FrozenMap[str, Decimal] = attrs.field(converter=_to_outcomes)
    multipliers: FrozenMap[Source, Decimal] = attrs.field(
        factory=FrozenMap, converter=_to_multipliers
    )
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_to_sources)
    cap: Decimal | None = attrs.field(default=None, converter=rule_cap)

    def __attrs_post_init__(self) -> None:
        if not self.outcomes:
            raise StandardError(
                "a per-case rule prices no outcome",
                field="outcomes",
                hint="give outcomes = { sent_back = 0.2, … }",
            )

    def multiplier(self, source: Source | None) -> Decimal:
        """The factor for a case from ``source`` (1 when none is set)."""
        return _multiplier(self.multipliers, source)


@attrs.frozen(kw_only=True)
class RankAdjust:
    """Points by the unit's rank on the rest of the standard, within its group
    (株洲 垃圾分类, 2021-06: +2, +1, 0, −0.5, −1 for ranks 1–5).

    Ranks are competition ranks (1, 2, 2, 4) of the totals before adjustment, compared at
    the standard's places; a rank beyond the list adds nothing; a unit with no data is
    not ranked. The rule's item must be a bonus item.

    >>> from decimal import Decimal
    >>> RankAdjust(by_rank=[2, 1, 0, Decimal("-0.5"), -1]).points(2)
    Decimal('1')
    """

    kind: ClassVar[str] = "rank_adjust"
    reads: ClassVar[str] = "ranks"

    id: str = attrs.field(default="rank_adjust", converter=rule_id)
    by_rank: tuple[Decimal, ...] = attrs.field(converter=_to_by_rank)

    def __attrs_post_init__(self) -> None:
        if not self.by_rank:
            raise StandardError("no points by rank", field="by_rank", hint="write e.g. [2, 1, 0]")

    def points(self, rank: int) -> Decimal:
        """The points of ``rank`` (1-based)."""
        return self.by_rank[rank - 1] if 1 <= rank <= len(self.by_rank) else Decimal(0)


@attrs.frozen(kw_only=True)
class PerTrigger:
    """Points off per escalation trigger of the unit, by its measure (问责扣分).

    ``measures`` maps a measure's value (``"deduct_target_points"``) to points; a
    trigger whose measure is not listed deducts nothing (a measure may be only a written
    self-criticism). Triggers are anything with ``unit``, ``measure`` (compared by its
    string value) and ``rule`` attributes.

    >>> from decimal import Decimal
    >>> PerTrigger(measures={"notice": Decimal("0.5")}).price("notice")
    Decimal('0.5')
    """

    kind: ClassVar[str] = "per_trigger"
    reads: ClassVar[str] = "triggers"

    id: str = attrs.field(default="per_trigger", converter=rule_id)
    measures: FrozenMap[str, Decimal] = attrs.field(converter=_to_measures_positive)
    cap: Decimal | None = attrs.field(default=None, converter=rule_cap)

    def __attrs_post_init__(self) -> None:
        if not self.measures:
            raise StandardError(
                "no measure is priced", field="measures", hint="give measures = { … }"
            )

    def price(self, measure: object) -> Decimal | None:
        """The points of a trigger with ``measure`` (its string value), or ``None``."""
        return self.measures.get(str(getattr(measure, "value", measure)))


@attrs.frozen(kw_only=True)
class Given:
    """The item's score as recorded for the unit (a survey result, a panel's mark):
    a ``[[marks]]`` row of the findings. It must be the item's only rule.

    >>> Given().kind
    'given'
    """

    kind: ClassVar[str] = "given"
    reads: ClassVar[str] = "marks"

    id: str = attrs.field(default="given", converter=rule_id)


Rule = PerFinding | PerCase | RateTarget | RateLinear | RateBands | RankAdjust | PerTrigger | Given
"""Any rule kind."""

#: Rule classes by their ``kind`` in a standard file.
RULE_KINDS: FrozenMap[str, type[Any]] = FrozenMap(
    {
        cls.kind: cls
        for cls in (
            PerFinding,
            PerCase,
            RateTarget,
            RateLinear,
            RateBands,
            RankAdjust,
            PerTrigger,
            Given,
        )
    }
)
