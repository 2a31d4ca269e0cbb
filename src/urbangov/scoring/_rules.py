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

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Literal

import attrs

from urbangov import kpi
from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._convert import (
    to_decimal,
    to_decimal_map,
    to_decimals,
    to_optional_decimal,
    to_source_map,
    to_sources,
    to_text,
)
from urbangov.scoring._terms import FindingStage
from urbangov.vocabulary import Source

__all__ = [
    "ANY_FINDER",
    "KPI_RATES",
    "RULE_KINDS",
    "Band",
    "Given",
    "PerCase",
    "PerFinding",
    "PerTrigger",
    "RankAdjust",
    "RateBands",
    "RateLinear",
    "RateTarget",
    "Rule",
    "rate_of",
]

#: The key of a per-finding price that applies whoever found the problem.
ANY_FINDER = "*"

#: The KPI rates a rate rule may read from :class:`~urbangov.KpiCounts`, with their
#: numerators and denominators (``urbangov.kpi``'s definitions).
KPI_RATES: FrozenMap[str, tuple[str, str]] = FrozenMap(
    {
        "filing": ("filed", "received"),
        "dispatch": ("dispatched", "filed"),
        "closure": ("closed", "due"),
        "on_time": ("closed_on_time", "due"),
        "rework": ("reworked", "due"),
        "extension": ("extended", "due"),
    }
)


def rate_of(
    counts: kpi.KpiCounts, name: str, *, exclude_suspended: bool = False
) -> Fraction | None:
    """The rate ``name`` of ``counts`` as an exact Fraction (``None``: no denominator).

    With ``exclude_suspended``, a due-based rate divides by 应结案 − 缓办 (due −
    suspended), as 《金华市区数字化城市管理工作考核细则(试行)》 defines 按期结案率 and
    结案率.

    >>> counts = kpi.KpiCounts(due=100, closed=90, closed_on_time=80, suspended=4, overdue=20)
    >>> rate_of(counts, "on_time"), rate_of(counts, "on_time", exclude_suspended=True)
    (Fraction(4, 5), Fraction(5, 6))
    """
    numerator, denominator = KPI_RATES[name]
    top, bottom = getattr(counts, numerator), getattr(counts, denominator)
    if exclude_suspended and denominator == "due":
        bottom -= counts.suspended
    return None if bottom <= 0 else Fraction(top, bottom)


def _multiplier(multipliers: FrozenMap[Source, Decimal], source: Source | None) -> Decimal:
    return multipliers.get(source, _ONE) if source is not None else _ONE


_ONE = Decimal(1)


def _finder_prices(field: str) -> Callable[[object], FrozenMap[str, Decimal]]:
    return to_decimal_map(field, any_key=ANY_FINDER)


def _check_rate(rule: Any) -> None:
    if (rule.rate is None) == (rule.tally is None):
        raise StandardError(
            "a rate rule reads either a KPI rate or a tally",
            field="rate",
            hint=f'give rate = one of {", ".join(KPI_RATES)}, or tally = "name"',
        )
    if rule.rate is not None and rule.rate not in KPI_RATES:
        raise StandardError(
            f"{rule.rate!r} is not a KPI rate",
            field="rate",
            hint=did_you_mean(rule.rate, KPI_RATES),
        )
    if rule.exclude_suspended and (rule.rate is None or KPI_RATES[rule.rate][1] != "due"):
        raise StandardError(
            "exclude_suspended applies to due-based KPI rates only",
            field="exclude_suspended",
            hint="use it with closure, on_time, rework or extension",
        )


def _optional_text(field: str) -> Callable[[object], str | None]:
    inner = to_text(field, empty=False)

    def convert(value: object) -> str | None:
        return None if value is None else inner(value)

    return convert


def _flag(field: str) -> Callable[[object], bool]:
    def convert(value: object) -> bool:
        if not isinstance(value, bool):
            raise StandardError(
                f"{value!r} is not true or false", field=field, hint="write true or false"
            )
        return value

    return convert


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


_TO_RATE = _optional_text("rate")


def _to_rate(value: object) -> str | None:
    return _TO_RATE(value)


_TO_TALLY = _optional_text("tally")


def _to_tally(value: object) -> str | None:
    return _TO_TALLY(value)


_TO_SUBSET_REQUIRED = to_text("subset", empty=False)


def _to_subset_required(value: object) -> str:
    return _TO_SUBSET_REQUIRED(value)


_TO_EXCLUDE_SUSPENDED = _flag("exclude_suspended")


def _to_exclude_suspended(value: object) -> bool:
    return _TO_EXCLUDE_SUSPENDED(value)


_TO_TARGET_PERCENT = to_decimal("target_percent")


def _to_target_percent(value: object) -> Decimal:
    return _TO_TARGET_PERCENT(value)


_TO_PER_POINT_POSITIVE = to_decimal("per_point", positive=True)


def _to_per_point_positive(value: object) -> Decimal:
    return _TO_PER_POINT_POSITIVE(value)


_TO_BASE = to_decimal("base")


def _to_base(value: object) -> Decimal:
    return _TO_BASE(value)


_TO_PER_POINT = to_decimal("per_point")


def _to_per_point(value: object) -> Decimal:
    return _TO_PER_POINT(value)


_TO_MIN = to_decimal("min")


def _to_min(value: object) -> Decimal:
    return _TO_MIN(value)


_TO_MAX = to_decimal("max")


def _to_max(value: object) -> Decimal:
    return _TO_MAX(value)


_TO_AT_MOST_PERCENT = to_optional_decimal("at_most_percent")


def _to_at_most_percent(value: object) -> Decimal | None:
    return _TO_AT_MOST_PERCENT(value)


_TO_BELOW_PERCENT = to_optional_decimal("below_percent")


def _to_below_percent(value: object) -> Decimal | None:
    return _TO_BELOW_PERCENT(value)


_TO_DEDUCT = to_decimal("deduct")


def _to_deduct(value: object) -> Decimal:
    return _TO_DEDUCT(value)


_TO_BY_RANK = to_decimals("by_rank")


def _to_by_rank(value: object) -> tuple[Decimal, ...]:
    return _TO_BY_RANK(value)


_TO_MEASURES_POSITIVE = to_decimal_map("measures", positive=True)


def _to_measures_positive(value: object) -> FrozenMap[str, Decimal]:
    return _TO_MEASURES_POSITIVE(value)


_TO_CAP_POSITIVE = to_optional_decimal("cap", positive=True)


def _to_cap_positive(value: object) -> Decimal | None:
    return _TO_CAP_POSITIVE(value)


_TO_ID_REQUIRED = to_text("id", empty=False)


def _to_id_required(value: object) -> str:
    return _TO_ID_REQUIRED(value)


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

    id: str = attrs.field(default="per_finding", converter=_to_id_required)
    found: FrozenMap[str, Decimal] = attrs.field(factory=FrozenMap, converter=_to_found)
    not_fixed: FrozenMap[str, Decimal] = attrs.field(factory=FrozenMap, converter=_to_not_fixed)
    repeated: FrozenMap[str, Decimal] = attrs.field(factory=FrozenMap, converter=_to_repeated)
    multipliers: FrozenMap[Source, Decimal] = attrs.field(
        factory=FrozenMap, converter=_to_multipliers
    )
    cap: Decimal | None = attrs.field(default=None, converter=_to_cap_positive)

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

    >>> from decimal import Decimal
    >>> rule = PerCase(outcomes={"sent_back": Decimal("0.2")}, multipliers={"媒体曝光": 2})
    >>> from urbangov import Source
    >>> rule.multiplier(Source.MEDIA), rule.multiplier(None)
    (Decimal('2'), Decimal('1'))
    """

    kind: ClassVar[str] = "per_case"
    reads: ClassVar[str] = "findings"

    id: str = attrs.field(default="per_case", converter=_to_id_required)
    outcomes: FrozenMap[str, Decimal] = attrs.field(converter=_to_outcomes)
    multipliers: FrozenMap[Source, Decimal] = attrs.field(
        factory=FrozenMap, converter=_to_multipliers
    )
    sources: tuple[Source, ...] = attrs.field(default=(), converter=_to_sources)
    cap: Decimal | None = attrs.field(default=None, converter=_to_cap_positive)

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
class _Rated:
    """What every rate rule reads: a KPI rate of a subset of cases, or a tally."""

    rate: str | None = attrs.field(default=None, converter=_to_rate)
    tally: str | None = attrs.field(default=None, converter=_to_tally)
    subset: str = attrs.field(default="all", converter=_to_subset_required)
    exclude_suspended: bool = attrs.field(default=False, converter=_to_exclude_suspended)

    @property
    def reads(self) -> str:
        """``"kpis"`` or ``"tallies"``."""
        return "kpis" if self.rate is not None else "tallies"

    def describe_rate(self) -> str:
        """The rate in words (``on_time rate of urgent cases``)."""
        if self.tally is not None:
            return f"tally {self.tally}"
        what = f"{self.rate} rate" + ("" if self.subset == "all" else f" of {self.subset} cases")
        return what + (" (due − suspended)" if self.exclude_suspended else "")


@attrs.frozen(kw_only=True)
class RateTarget(_Rated):
    """Points off per percentage point short of a target rate (每少一个百分点扣 x 分).

    Parameters
    ----------
    rate, tally, subset, exclude_suspended
        What is measured: a KPI rate (``on_time``, ``closure``…) of a subset of cases
        (``"urgent"``), or a named tally; ``exclude_suspended`` divides by 应结案 − 缓办.
    target_percent
        The target, in percent (``70``).
    per_point
        Points off per percentage point short (proportional: 68.5% is 1.5 points short).
    direction
        ``"at_least"`` (default: a higher rate is better) or ``"at_most"`` (a rework
        rate).

    >>> from fractions import Fraction
    >>> rule = RateTarget(rate="on_time", target_percent=70, per_point=1)
    >>> rule.shortfall(Fraction(13, 20))  # 65%: five points short
    Fraction(5, 1)
    """

    kind: ClassVar[str] = "rate_target"

    id: str = attrs.field(default="rate_target", converter=_to_id_required)
    target_percent: Decimal = attrs.field(converter=_to_target_percent)
    per_point: Decimal = attrs.field(converter=_to_per_point_positive)
    direction: Literal["at_least", "at_most"] = "at_least"

    def __attrs_post_init__(self) -> None:
        _check_rate(self)
        if self.direction not in ("at_least", "at_most"):
            raise StandardError(
                f"{self.direction!r} is not a direction",
                field="direction",
                hint="use 'at_least' or 'at_most'",
            )

    def shortfall(self, rate: Fraction) -> Fraction:
        """Percentage points short of the target (0 when it is met)."""
        gap = Fraction(self.target_percent) - rate * 100
        if self.direction == "at_most":
            gap = -gap
        return max(gap, Fraction(0))


@attrs.frozen(kw_only=True)
class RateLinear(_Rated):
    """The item's score as a clamped linear function of a rate:
    clamp(base + per_point × rate%, min, max).

    ``base = -75, per_point = 1, min = 0, max = 20`` is clamp(20 − (95 − r), 0, 20);
    ``per_point = 0.6, max = 60`` is 60 × the rate (数字化城管考核评分标准(区政府、功能区管委会):
    按时结案率 × 60).

    >>> from fractions import Fraction
    >>> RateLinear(rate="on_time", base=-75, per_point=1, max=20).value(Fraction(4, 5))
    Fraction(5, 1)
    """

    kind: ClassVar[str] = "rate_linear"

    id: str = attrs.field(default="rate_linear", converter=_to_id_required)
    base: Decimal = attrs.field(default=Decimal(0), converter=_to_base)
    per_point: Decimal = attrs.field(converter=_to_per_point)
    min: Decimal = attrs.field(default=Decimal(0), converter=_to_min)
    max: Decimal = attrs.field(converter=_to_max)

    def __attrs_post_init__(self) -> None:
        _check_rate(self)
        if self.min > self.max:
            raise StandardError(f"min {self.min} exceeds max {self.max}", field="min")

    def value(self, rate: Fraction) -> Fraction:
        """The clamped score for ``rate`` (exact, before rounding)."""
        raw = Fraction(self.base) + Fraction(self.per_point) * rate * 100
        return min(max(raw, Fraction(self.min)), Fraction(self.max))


@attrs.frozen(kw_only=True)
class Band:
    """One band of a :class:`RateBands` rule: a rate at most (or below) a bound, in
    percent, deducts ``deduct`` points."""

    at_most_percent: Decimal | None = attrs.field(default=None, converter=_to_at_most_percent)
    below_percent: Decimal | None = attrs.field(default=None, converter=_to_below_percent)
    deduct: Decimal = attrs.field(converter=_to_deduct)

    def __attrs_post_init__(self) -> None:
        if (self.at_most_percent is None) == (self.below_percent is None):
            raise StandardError(
                "a band has exactly one bound",
                field="below_percent",
                hint="give at_most_percent = … (rate ≤ bound) or below_percent = … (rate < bound)",
            )

    @property
    def bound(self) -> Decimal:
        """The band's bound in percent."""
        found = self.at_most_percent if self.at_most_percent is not None else self.below_percent
        assert found is not None
        return found

    def holds(self, rate: Fraction) -> bool:
        """Whether ``rate`` falls in this band."""
        percent = rate * 100
        if self.at_most_percent is not None:
            return percent <= Fraction(self.at_most_percent)
        return percent < Fraction(self.bound)

    def describe(self) -> str:
        """``≤ 0%`` or ``< 50%``."""
        return f"≤ {self.bound}%" if self.at_most_percent is not None else f"< {self.bound}%"


def _bands(value: object) -> tuple[Band, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise StandardError(
            "expected a non-empty array of bands",
            field="bands",
            hint="write e.g. [{ at_most_percent = 0, deduct = 0.3 }, "
            "{ below_percent = 50, deduct = 0.25 }]",
        )
    out = []
    for i, band in enumerate(value):
        if isinstance(band, Band):
            out.append(band)
            continue
        if not isinstance(band, Mapping):
            raise StandardError(f"{band!r} is not a band", field=f"bands[{i}]")
        unknown = sorted(set(band) - {"at_most_percent", "below_percent", "deduct"})
        if unknown:
            raise StandardError(
                f"unknown key {unknown[0]!r} in a band",
                field=f"bands[{i}].{unknown[0]}",
                hint=did_you_mean(str(unknown[0]), ["at_most_percent", "below_percent", "deduct"]),
            )
        try:
            out.append(Band(**band))
        except StandardError as exc:
            raise StandardError(
                exc.message, field=f"bands[{i}].{exc.field}", hint=exc.hint
            ) from None
    return tuple(out)


@attrs.frozen(kw_only=True)
class RateBands(_Rated):
    """Piecewise bands of a rate, one line per record (e.g. per day): the first band the
    rate falls in deducts its points.

    Bands are listed from the lowest bound up; a rate in no band deducts nothing.

    >>> from decimal import Decimal
    >>> from fractions import Fraction
    >>> rule = RateBands(tally="handled_same_day", bands=[
    ...     {"at_most_percent": 0, "deduct": Decimal("0.3")},
    ...     {"below_percent": 50, "deduct": Decimal("0.25")}])
    >>> rule.band(Fraction(0)).deduct, rule.band(Fraction(1, 4)).deduct, rule.band(Fraction(3, 5))
    (Decimal('0.3'), Decimal('0.25'), None)
    """

    kind: ClassVar[str] = "rate_bands"

    id: str = attrs.field(default="rate_bands", converter=_to_id_required)
    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    cap: Decimal | None = attrs.field(default=None, converter=_to_cap_positive)

    def __attrs_post_init__(self) -> None:
        _check_rate(self)
        for i in range(1, len(self.bands)):
            if self.bands[i].bound < self.bands[i - 1].bound:
                raise StandardError(
                    "bands must be listed from the lowest bound up",
                    field=f"bands[{i}]",
                    hint="the first band a rate falls in applies",
                )

    def band(self, rate: Fraction) -> Band | None:
        """The band ``rate`` falls in, or ``None``."""
        return next((b for b in self.bands if b.holds(rate)), None)


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

    id: str = attrs.field(default="rank_adjust", converter=_to_id_required)
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

    id: str = attrs.field(default="per_trigger", converter=_to_id_required)
    measures: FrozenMap[str, Decimal] = attrs.field(converter=_to_measures_positive)
    cap: Decimal | None = attrs.field(default=None, converter=_to_cap_positive)

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

    id: str = attrs.field(default="given", converter=_to_id_required)


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
