"""Dated parameter values (按时间生效的参数): :class:`Period` and :class:`Dated`.

Private: :mod:`urbangov.params` re-exports both; see its docstring for the file format.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date
from typing import Any, Generic, TypeVar

import attrs

from urbangov.errors import PolicyError

__all__ = ["Dated", "Period"]

T = TypeVar("T")

_PERIOD_KEYS = ("value", "from", "until")
_PERIOD_HINT = (
    "periods are half-open [from, until): let each one end (until) on or before the day "
    "the next one starts (from)"
)


# --------------------------------------------------------------------------- Dated


@attrs.frozen
class Period(Generic[T]):
    """One entry of a :class:`Dated` value: ``value`` in force on ``[start, until)``.

    ``start`` is written ``from`` in TOML. A missing bound is open; an entry with
    neither bound is the *default* for the dates that no period covers.
    """

    value: T
    start: date | None = None
    until: date | None = None

    @property
    def is_default(self) -> bool:
        """True for the entry with neither ``from`` nor ``until``."""
        return self.start is None and self.until is None

    def covers(self, d: date) -> bool:
        """Whether ``d`` lies in ``[start, until)`` (always false for the default).

        >>> from datetime import date
        >>> Period(4, date(2024, 1, 1), date(2025, 1, 1)).covers(date(2025, 1, 1))
        False
        """
        if self.is_default:
            return False
        return (self.start is None or self.start <= d) and (self.until is None or d < self.until)

    def describe(self) -> str:
        """The period as text, ``[2024-01-01, 2025-01-01)``."""
        if self.is_default:
            return "the default"
        return f"[{self.start or '…'}, {self.until or '…'})"


def _period_order(period: Period[Any]) -> tuple[int, date]:
    return (0 if period.is_default else 1, period.start or date.min)


def _sorted_periods(periods: Iterable[Period[Any]]) -> tuple[Period[Any], ...]:
    return tuple(sorted(periods, key=_period_order))


@attrs.frozen
class Dated(Generic[T]):
    """A parameter whose value changes on given dates (按时间生效的参数).

    In TOML a dated value is an array of inline tables
    ``[{ value = 4, until = 2025-01-01 }, { value = 2, from = 2025-01-01 }]``; periods are
    half-open ``[from, until)`` and must not overlap; one entry with neither ``from`` nor
    ``until`` is the default for dates no period covers. A plain value means "always".

    Examples
    --------
    >>> from datetime import date
    >>> hours = Dated((Period(4), Period(2, start=date(2025, 1, 1))))
    >>> hours.at(date(2024, 12, 31)), hours.at(date(2025, 1, 1))
    (4, 2)
    >>> Dated((Period(4, until=date(2025, 1, 1)),)).at(date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: no value in force on 2025-01-01: ...
    """

    periods: tuple[Period[T], ...] = attrs.field(converter=_sorted_periods)

    def __attrs_post_init__(self) -> None:
        if not self.periods:
            raise PolicyError(
                "a dated value needs at least one entry",
                hint="write a plain value, or [{ value = …, from = …, until = … }]",
            )
        defaults = [p for p in self.periods if p.is_default]
        if len(defaults) > 1:
            raise PolicyError(
                f"{len(defaults)} entries have neither from nor until; only one may be the default",
                hint="give the others a from or an until date",
            )
        bounded = [p for p in self.periods if not p.is_default]
        for p in bounded:
            if p.start is not None and p.until is not None and p.start >= p.until:
                raise PolicyError(
                    f"the period {p.describe()} is empty: from must come before until",
                    hint=_PERIOD_HINT,
                )
        for before, after in itertools.pairwise(bounded):
            if before.until is None or after.start is None or before.until > after.start:
                raise PolicyError(
                    f"the periods {before.describe()} and {after.describe()} overlap",
                    hint=_PERIOD_HINT,
                )

    @classmethod
    def always(cls, value: T) -> Dated[T]:
        """A value that holds on every date (written as a plain value).

        >>> from datetime import date
        >>> Dated.always(4).at(date(1999, 1, 1))
        4
        """
        return cls((Period(value),))

    @property
    def default(self) -> Period[T] | None:
        """The default entry, if there is one."""
        first = self.periods[0]
        return first if first.is_default else None

    def at(self, d: date) -> T:
        """The value in force on date ``d``.

        Raises
        ------
        PolicyError
            If no period covers ``d`` and there is no default.

        >>> from datetime import date
        >>> Dated((Period(1), Period(2, date(2024, 1, 1), date(2024, 2, 1)))).at(date(2024, 2, 1))
        1
        """
        for period in self.periods:
            if period.covers(d):
                return period.value
        default = self.default
        if default is None:
            covered = ", ".join(p.describe() for p in self.periods)
            raise PolicyError(
                f"no value in force on {d}: the periods are {covered} and there is no default",
                hint="add a period covering that date, or an entry with neither from nor until",
            )
        return default.value

    def since(self, d: date, value: T) -> Dated[T]:
        """This value with ``value`` in force from ``d`` on (a reform from a date).

        Periods that start on or after ``d`` are dropped; a period running across ``d``
        is cut at ``d``; the default entry is kept for the dates before.

        >>> from datetime import date
        >>> Dated.always(4).since(date(2025, 1, 1), 2).at(date(2025, 3, 1))
        2
        """
        kept: list[Period[T]] = []
        for p in self.periods:
            if p.is_default:
                kept.append(p)
            elif p.start is None or p.start < d:
                cut = d if p.until is None else min(p.until, d)
                kept.append(attrs.evolve(p, until=cut))
        return Dated((*kept, Period(value, start=d)))
