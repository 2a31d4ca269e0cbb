"""The rate rules of a standard (private; :mod:`urbangov.scoring` re-exports): points off
per percentage point short of a target, a clamped linear score, bands.

A rate is read from a unit's KPI counts (:class:`~urbangov.KpiCounts`, exactly, as a
:class:`~fractions.Fraction`) or from a named tally, never from a rounded percentage.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Literal

import attrs

from urbangov import kpi
from urbangov.errors import FindingsError, StandardError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._convert import (
    rule_cap,
    rule_id,
    to_decimal,
    to_flag,
    to_optional_decimal,
    to_optional_text,
    to_text,
)

__all__ = ["KPI_RATES", "Band", "RateBands", "RateLinear", "RateTarget", "rate_of"]


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
    结案率. That formula is for counts whose ``due`` includes the cases in 缓办 and whose
    numerator does not (a published report's). Counts urbangov computes from a log
    count a suspended-and-resumed case in ``due`` and in ``closed`` alike; for them the
    rule is the policy's ``kpi.exclude_suspended_from_due`` (which removes the cases still
    suspended at the period end from every due-based count), with
    ``exclude_suspended = false`` in the standard.

    >>> counts = kpi.KpiCounts(due=100, closed=90, closed_on_time=80, suspended=4, overdue=20)
    >>> rate_of(counts, "on_time"), rate_of(counts, "on_time", exclude_suspended=True)
    (Fraction(4, 5), Fraction(5, 6))

    Raises
    ------
    FindingsError
        With ``exclude_suspended``, when the numerator exceeds due − suspended: the
        counts' suspended cases are counted as closed too, and the rate would pass 100%.
    """
    numerator, denominator = KPI_RATES[name]
    top, bottom = getattr(counts, numerator), getattr(counts, denominator)
    if exclude_suspended and denominator == "due":
        bottom -= counts.suspended
        if top > bottom:
            raise FindingsError(
                f"{numerator} ({top}) exceeds due − suspended ({bottom}), so the "
                f"{name} rate without suspended cases would pass 100%: these counts "
                f"count their suspended cases as {numerator.replace('_', ' ')} too",
                field="suspended",
                hint="exclude_suspended is for published counts whose due includes the "
                "cases in 缓办; for counts computed from a case log set "
                "exclude_suspended = false in the standard and the policy's "
                "kpi.exclude_suspended_from_due = true",
            )
    return None if bottom <= 0 else Fraction(top, bottom)


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


_TO_RATE = to_optional_text("rate")


def _to_rate(value: object) -> str | None:
    return _TO_RATE(value)


_TO_TALLY = to_optional_text("tally")


def _to_tally(value: object) -> str | None:
    return _TO_TALLY(value)


_TO_SUBSET_REQUIRED = to_text("subset", empty=False)


def _to_subset_required(value: object) -> str:
    return _TO_SUBSET_REQUIRED(value)


_TO_EXCLUDE_SUSPENDED = to_flag("exclude_suspended")


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

    Examples
    --------
    >>> from fractions import Fraction
    >>> rule = RateTarget(rate="on_time", target_percent=70, per_point=1)
    >>> rule.shortfall(Fraction(13, 20))  # 65%: five points short
    Fraction(5, 1)
    """

    kind: ClassVar[str] = "rate_target"

    id: str = attrs.field(default="rate_target", converter=rule_id)
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

    id: str = attrs.field(default="rate_linear", converter=rule_id)
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
        # rate × 100 against the bound a / b, exactly, in integers (denominators > 0)
        a, b = self.bound.as_integer_ratio()
        percent, bound = rate.numerator * 100 * b, a * rate.denominator
        if self.at_most_percent is not None:
            return percent <= bound
        return percent < bound

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

    id: str = attrs.field(default="rate_bands", converter=rule_id)
    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    cap: Decimal | None = attrs.field(default=None, converter=rule_cap)

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
