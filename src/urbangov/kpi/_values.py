"""KPI values (private; see :mod:`urbangov.kpi`): counts, rates, rounding, rules, and
:class:`CaseTimes`, the per-case instants the batch path counts.

Imported by :mod:`urbangov.kpi`, which re-exports everything public here; the counting
rules and the sources are documented there and in ``docs/kpi.md``.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Literal, Protocol

import attrs
import numpy as np

from urbangov._internal.instants import NAT
from urbangov.errors import KpiError, PolicyError
from urbangov.params import RuleSection

__all__ = [
    "FIELDS",
    "NAT",
    "HasKpi",
    "KpiCounts",
    "KpiRules",
    "closure_rate",
    "dispatch_rate",
    "extension_rate",
    "filing_rate",
    "on_time_rate",
    "percent",
    "rework_rate",
]

#: The :class:`~urbangov.kpi.KpiCounts` fields, in order (the columns of a ``KpiTable``).
FIELDS: tuple[str, ...] = (
    "received",
    "filed",
    "dispatched",
    "voided",
    "due",
    "closed",
    "closed_on_time",
    "reworked",
    "extended",
    "suspended",
    "overdue",
)

#: "Never" in int64 nanoseconds (``NaT``): the smallest int64.


# --------------------------------------------------------------------------- counts


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise KpiError(
            f"{value!r} is not a whole number of cases",
            field=attribute.name,
            hint="give an int ≥ 0",
        )
    if value < 0:
        raise KpiError(f"{value} is negative", field=attribute.name, hint="give an int ≥ 0")


def _int(value: object) -> object:
    # numpy integers become ints; anything else is left for the validator to reject
    return int(value) if isinstance(value, np.integer) else value


def _field() -> Any:
    return attrs.field(default=0, converter=_int, validator=_count)


@attrs.frozen(kw_only=True)
class KpiCounts:
    """The additive case counts of one period (考核统计基础指标).

    Every field is an int ≥ 0 (default 0); see the module docstring for the counting rule
    of each. The counts add (``a + b``, ``sum(counts)``), so the counts of a district are
    the sum of its streets', and a month's event counts the sum of its days'.

    Parameters
    ----------
    received, filed, dispatched, voided
        受理数, 立案数, 派遣数, 作废数: cases with that event in the period.
    due
        应结案数: cases whose deadline falls in the period.
    closed, closed_on_time
        结案数, 按期结案数: cases of ``due`` closed by the period end; of those, the ones
        on time (their handling clock stopped by the deadline, ``deadlines.stopped_at``).
    reworked, extended, suspended
        返工数, 延期数, 缓办数: cases of ``due`` with such an event.
    overdue
        超期数: cases of ``due`` not on time.

    Only what always holds is checked, so a published report that gives only some
    counts (``due`` and ``closed``, say) is a valid ``KpiCounts``.

    Raises
    ------
    KpiError
        If a count is not an int ≥ 0, or the counts break a rule their definitions
        imply: ``closed_on_time <= closed <= due``; ``reworked``, ``extended``,
        ``suspended <= due``; ``closed_on_time + overdue <= due`` (a case handled on
        time but not yet closed is neither).

    Examples
    --------
    >>> a = KpiCounts(received=3, due=2, closed=2, closed_on_time=1, overdue=1)
    >>> b = KpiCounts(received=1, due=1, overdue=1)
    >>> (a + b).received, sum([a, b]).overdue
    (4, 2)
    >>> KpiCounts(due=972, closed=911).closed  # a report that gives no on-time figure
    911
    >>> KpiCounts(due=2, closed=3)
    Traceback (most recent call last):
    ...
    urbangov.errors.KpiError: closed: 3 closed cases exceed the 2 due (应结案); closed counts
    only cases of due
    """

    received: int = _field()
    filed: int = _field()
    dispatched: int = _field()
    voided: int = _field()
    due: int = _field()
    closed: int = _field()
    closed_on_time: int = _field()
    reworked: int = _field()
    extended: int = _field()
    suspended: int = _field()
    overdue: int = _field()

    def __attrs_post_init__(self) -> None:
        due = self.due
        if self.closed > due:
            raise KpiError(
                f"{self.closed} closed cases exceed the {due} due (应结案)",
                field="closed",
                hint="closed counts only cases of due",
            )
        if self.closed_on_time > self.closed:
            raise KpiError(
                f"{self.closed_on_time} closed on time exceed the {self.closed} closed",
                field="closed_on_time",
                hint="a case closed by its deadline (within the period) is also closed",
            )
        for name in ("reworked", "extended", "suspended"):
            if getattr(self, name) > due:
                raise KpiError(
                    f"{getattr(self, name)} exceed the {due} due (应结案)",
                    field=name,
                    hint=f"{name} counts only cases of due",
                )
        if self.closed_on_time + self.overdue > due:
            raise KpiError(
                f"closed_on_time {self.closed_on_time} + overdue {self.overdue} exceed "
                f"the {due} due (应结案)",
                field="overdue",
                hint="a due case is closed on time, overdue, or neither (handled on time "
                "and not yet closed), never both",
            )

    def __add__(self, other: object) -> KpiCounts:
        if not isinstance(other, KpiCounts):
            return NotImplemented
        return KpiCounts(**{f: getattr(self, f) + getattr(other, f) for f in FIELDS})

    def __radd__(self, other: object) -> KpiCounts:
        # sum() starts from 0
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict, in field order.

        >>> KpiCounts(received=2).as_dict()["received"]
        2
        """
        return {f: getattr(self, f) for f in FIELDS}


_ZERO = KpiCounts()


# --------------------------------------------------------------------------- rates


def _rate(numerator: int, denominator: int) -> Fraction | None:
    return None if denominator == 0 else Fraction(numerator, denominator)


def filing_rate(counts: KpiCounts) -> Fraction | None:
    """Filing rate (立案率): filed (立案数) over received (受理数).

    Can exceed 1 when cases received before the period are filed in it.

    >>> filing_rate(KpiCounts(received=4, filed=3))
    Fraction(3, 4)
    >>> filing_rate(KpiCounts()) is None
    True
    """
    return _rate(counts.filed, counts.received)


def dispatch_rate(counts: KpiCounts) -> Fraction | None:
    """Dispatch rate (派遣率): dispatched (派遣数) over filed (立案数); can exceed 1.

    >>> dispatch_rate(KpiCounts(filed=4, dispatched=4))
    Fraction(1, 1)
    """
    return _rate(counts.dispatched, counts.filed)


def closure_rate(counts: KpiCounts) -> Fraction | None:
    """Closure rate (结案率): closed (结案数) over due (应结案数); in [0, 1].

    >>> closure_rate(KpiCounts(due=4, closed=3, overdue=4))
    Fraction(3, 4)
    """
    return _rate(counts.closed, counts.due)


def on_time_rate(counts: KpiCounts) -> Fraction | None:
    """On-time closure rate (按期结案率): closed on time (按期结案数) over due; in [0, 1].

    >>> on_time_rate(KpiCounts(due=4, closed=3, closed_on_time=2, overdue=2))
    Fraction(1, 2)
    """
    return _rate(counts.closed_on_time, counts.due)


def rework_rate(counts: KpiCounts) -> Fraction | None:
    """Rework rate (返工率): reworked (返工数) over due (应结案数); in [0, 1].

    >>> rework_rate(KpiCounts(due=4, reworked=1, overdue=4))
    Fraction(1, 4)
    """
    return _rate(counts.reworked, counts.due)


def extension_rate(counts: KpiCounts) -> Fraction | None:
    """Extension rate (延期率): extended (延期数) over due (应结案数); in [0, 1].

    >>> extension_rate(KpiCounts(due=5, extended=1, overdue=5))
    Fraction(1, 5)
    """
    return _rate(counts.extended, counts.due)


MAX_PLACES = 20
"""The most decimal places :func:`percent` rounds to."""


def percent(rate: Fraction | None, places: int = 2) -> Decimal | None:
    """A rate as a percentage rounded half-up (四舍五入) to ``places`` decimals.

    Exact at every ``places`` from 0 to :data:`MAX_PLACES` (20): the rounding is done
    on the fraction with integers, never on a float or in a 28-digit ``Decimal``
    context. ``None`` (no denominator) passes through.

    >>> percent(Fraction(10225, 18086))  # 56.5354…%
    Decimal('56.54')
    >>> percent(Fraction(1, 8), places=1), percent(Fraction(1, 1)), percent(None)
    (Decimal('12.5'), Decimal('100.00'), None)
    >>> percent(Fraction(1, 3), places=20)
    Decimal('33.33333333333333333333')

    Raises
    ------
    KpiError
        Naming ``places`` when it is not a whole number from 0 to 20, or ``rate`` when
        it is not exact.
    """
    if rate is None:
        return None
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        raise KpiError(
            f"{places!r} is not a number of places from 0 to {MAX_PLACES}",
            field="places",
            hint=f"give a whole number from 0 to {MAX_PLACES}",
        )
    if not isinstance(rate, Fraction | int):
        raise KpiError(
            f"{rate!r} is not an exact rate",
            field="rate",
            hint="pass a Fraction, as the rate functions return",
        )
    # the scaled rate num / den (den > 0), rounded half-up (away from zero) on the exact
    # value with integers: never through a float
    num, den = rate.numerator * 100 * 10**places, rate.denominator
    whole, rest = divmod(abs(num), den)
    if 2 * rest >= den:
        whole += 1
    # built from its digits: exact however many there are (no context rounding)
    _, digits, exponent = Decimal(whole).as_tuple()
    assert isinstance(exponent, int)
    return Decimal((1 if num < 0 and whole else 0, digits, exponent - places))


# --------------------------------------------------------------------------- rules


def _stop_rule(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("handle", "close"):
        raise PolicyError(
            f"{value!r} is not 'handle' or 'close'",
            field=f"kpi.{attribute.name}",
            hint="on time means handled by the due time ('handle') or closed by it ('close')",
        )


def _is_bool(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise PolicyError(
            f"{value!r} is not true or false",
            field=f"kpi.{attribute.name}",
            hint="write true or false",
        )


@attrs.frozen
class KpiRules(RuleSection):
    """The Policy's ``kpi`` section: the choices a city makes about counting.

    Parameters
    ----------
    exclude_suspended_from_due
        Remove from ``due`` (应结案) — and so from every count of ``due`` — the cases that
        are suspended (缓办/挂账) at the end of the period: their last event before the
        period end is a ``suspend``. Default ``False``: a suspended case whose deadline
        falls in the period counts as due (and overdue unless closed by its deadline).
        Some cities report suspended cases separately (挂账案件不计入应结案); the reports
        urbangov reproduces do not say, so the default keeps them.
    on_time_stops_at
        When a case is judged on time (按期): ``"handle"`` (default) — its handling
        clock stopped by its due time, exactly as ``deadlines.is_overdue`` judges it (the
        last 处置反馈 not followed by 返工, or 作废); ``"close"`` — its 结案 by its due time,
        for cities whose reports judge the closing time. Deadlines follow the same choice
        when given a Policy.

    Examples
    --------
    >>> KpiRules().exclude_suspended_from_due
    False
    >>> KpiRules(exclude_suspended_from_due="yes")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: kpi.exclude_suspended_from_due: 'yes' is not true or false;
    write true or false
    """

    exclude_suspended_from_due: bool = attrs.field(default=False, validator=_is_bool)
    on_time_stops_at: Literal["handle", "close"] = attrs.field(
        default="handle", validator=_stop_rule
    )

    section: ClassVar[str] = "kpi"


class HasKpi(Protocol):
    """Anything with a ``kpi`` section (a ``Policy``)."""

    @property
    def kpi(self) -> KpiRules: ...


def _rules_of(rules: KpiRules | HasKpi, on: _dt.date) -> KpiRules:
    return KpiRules.of(rules).at(on)
