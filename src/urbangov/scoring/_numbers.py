"""Exact points and money (private): half-up rounding, decimal places, declared rounding.

Points and yuan are :class:`~decimal.Decimal`; an unrounded value (a weighted or
normalised total, a mean of months) is a :class:`~fractions.Fraction`, so nothing is
lost before the one rounding a method declares. :mod:`urbangov.scoring` re-exports
:class:`Rounding` and :func:`half_up`.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from urbangov.errors import StandardError, UrbangovError

__all__ = ["Exact", "Rounding", "decimals", "exact", "half_up", "number"]

Exact = Fraction | Decimal | int
"""A number taken exactly: a Fraction, a Decimal or an int."""


def exact(value: Exact) -> Fraction:
    """``value`` as a Fraction, exactly (a float is refused: it is not exact).

    >>> exact(Decimal("94.912"))
    Fraction(11864, 125)
    """
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise StandardError(
            f"{value!r} is not an exact number",
            field="score",
            hint="pass a Decimal (Decimal('93.46')), a Fraction or an int, never a float",
        )
    return Fraction(value)


def half_up(value: Exact, places: int) -> Decimal:
    """``value`` rounded half away from zero (四舍五入) to ``places`` decimals, exactly.

    >>> half_up(Fraction(94308, 1000), 2), half_up(Decimal("92.935"), 2)
    (Decimal('94.31'), Decimal('92.94'))
    >>> half_up(Fraction(-1, 200), 2)  # away from zero
    Decimal('-0.01')
    """
    scaled = exact(value) * 10**places
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if scaled < 0 else whole).scaleb(-places)


def decimals(value: Decimal) -> int:
    """The decimal places ``value`` needs (``Decimal("0.30")`` needs 1).

    >>> decimals(Decimal("0.30")), decimals(Decimal("200000")), decimals(Decimal("0.125"))
    (1, 0, 3)
    """
    if value.is_zero():
        return 0
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def number(
    value: object,
    field: str,
    error: type[UrbangovError] = StandardError,
    *,
    minimum: Decimal | None = None,
) -> Decimal:
    """A Decimal from a TOML or Python number (int or Decimal; floats and bools refused),
    at least ``minimum`` when one is given."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        if minimum is not None and value < minimum:
            raise error(f"{value} is below {minimum}", field=field, hint=f"give {minimum} or more")
        return value
    if isinstance(value, Decimal):  # NaN or infinity: TOML's nan and inf
        raise error(f"{value} is not a finite number", field=field, hint="give a finite number")
    hint = "write it without quotes" if isinstance(value, str) else None
    if isinstance(value, float):
        hint = "pass a Decimal (Decimal('0.3')) so the value stays exact"
    raise error(f"expected a number, found {value!r}", field=field, hint=hint)


def _places(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise StandardError(
            f"{value!r} is not a number of decimal places",
            field=attribute.name,
            hint="give an int from 0 to 6",
        )


@attrs.frozen
class Rounding:
    """How a composite score is rounded (its declared rounding step and places).

    Parameters
    ----------
    places
        Decimal places of the published value, rounded half-up (四舍五入).
    step
        Where the rounding happens: ``"total"`` — the exact weighted sum is rounded once
        (default); ``"terms"`` — each weighted term is rounded, then summed; ``"parts"`` —
        each part is rounded to ``places`` first, then weighted, summed and rounded.

    Examples
    --------
    >>> from fractions import Fraction
    >>> Rounding(places=2).apply(Fraction(94308, 1000))
    Decimal('94.31')
    >>> Rounding(places=2, step="sum")
    Traceback (most recent call last):
    ...
    urbangov.errors.StandardError: step: 'sum' is not a rounding step; use 'total', ...
    """

    places: int = attrs.field(default=2, validator=_places)
    step: Literal["total", "terms", "parts"] = "total"

    def __attrs_post_init__(self) -> None:
        if self.step not in ("total", "terms", "parts"):
            raise StandardError(
                f"{self.step!r} is not a rounding step",
                field="step",
                hint="use 'total', 'terms' or 'parts'",
            )

    def apply(self, value: Exact) -> Decimal:
        """``value`` rounded half-up to :attr:`places`."""
        return half_up(value, self.places)
