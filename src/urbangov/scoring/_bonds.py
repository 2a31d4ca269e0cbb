"""Bonds (保证金): paid in at the start of the year, refunded, rewarded or forfeited by
the annual grade (private; :mod:`urbangov.scoring` re-exports).

The scheme of 《城市管理协管员考核办法》篇5 §五(二), as the Policy's default: unit bonds
of 200,000 yuan (南湖、滨湖、兴隆、南苑) and 100,000 (沙洲、双闸、江心洲); 5,000 each
from the street's secretary, director and responsible deputy director; 优秀 → the unit
bond refunded and an equal reward; 达标 → refunded and 0.5×; 不达标 → unit and personal
bonds forfeited; 30,000 once for a street the city names a winner.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, did_you_mean
from urbangov.scoring._dated import current
from urbangov.scoring._numbers import number
from urbangov.scoring._terms import Grade

__all__ = [
    "BondLedger",
    "BondScheme",
    "GradeOutcome",
    "LedgerRow",
    "Payer",
    "UnitBond",
    "settle_bonds",
]

_ZERO = Decimal(0)


def _dated(kind: type, field: str) -> Callable[[object], Dated[Any]]:
    def convert(value: object) -> Any:
        if isinstance(value, Dated):
            return value
        if kind is Decimal:
            value = number(value, field, PolicyError, minimum=_ZERO)
        elif kind is bool and not isinstance(value, bool):
            raise PolicyError(
                f"{value!r} is not true or false", field=field, hint="write true or false"
            )
        elif kind is tuple:
            value = tuple(value) if isinstance(value, list | tuple) else value
        return Dated.always(value)

    return convert


def _money(value: object) -> Decimal:
    return number(value, "amount", PolicyError, minimum=_ZERO)


_TO_AMOUNT = _dated(Decimal, "amount")


def _to_amount(value: object) -> Dated[Decimal]:
    return _TO_AMOUNT(value)


_TO_REFUND_UNIT = _dated(bool, "refund_unit")


def _to_refund_unit(value: object) -> Dated[bool]:
    return _TO_REFUND_UNIT(value)


_TO_REWARD = _dated(Decimal, "reward")


def _to_reward(value: object) -> Dated[Decimal]:
    return _TO_REWARD(value)


_TO_REFUND_PERSONAL = _dated(bool, "refund_personal")


def _to_refund_personal(value: object) -> Dated[bool]:
    return _TO_REFUND_PERSONAL(value)


_TO_PAYERS = _dated(tuple, "payers")


def _to_payers(value: object) -> Dated[tuple[Payer, ...]]:
    return _TO_PAYERS(value)


_TO_WINNER_AWARD = _dated(Decimal, "winner_award")


def _to_winner_award(value: object) -> Dated[Decimal]:
    return _TO_WINNER_AWARD(value)


@attrs.frozen
class UnitBond:
    """A unit's bond (单位保证金): its name and the amount it pays in each year (yuan)."""

    name: str
    amount: Dated[Decimal] = attrs.field(converter=_to_amount)


@attrs.frozen
class Payer:
    """A person who pays a personal bond (个人保证金) in each unit of a scheme: their
    role (``"secretary"``), title (``书记``) and amount (yuan)."""

    role: str
    title: str
    amount: Decimal = attrs.field(converter=_money)


@attrs.frozen
class GradeOutcome:
    """What a grade does to the bonds (奖惩).

    Parameters
    ----------
    refund_unit
        The unit bond is returned (otherwise forfeited).
    reward
        A reward as a multiple of the unit bond (优秀 1, 达标 0.5).
    refund_personal
        The personal bonds are returned (otherwise forfeited).
    """

    refund_unit: Dated[bool] = attrs.field(
        factory=lambda: Dated.always(True), converter=_to_refund_unit
    )
    reward: Dated[Decimal] = attrs.field(factory=lambda: Dated.always(_ZERO), converter=_to_reward)
    refund_personal: Dated[bool] = attrs.field(
        factory=lambda: Dated.always(True), converter=_to_refund_personal
    )


def _to_units(value: object) -> FrozenMap[str, UnitBond]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{value!r} is not a table of unit bonds", field="units")
    return FrozenMap({str(k): v for k, v in value.items()})


def _to_outcomes(value: object) -> FrozenMap[Grade, GradeOutcome]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{value!r} is not a table of outcomes by grade", field="outcomes")
    return FrozenMap(
        {Grade.parse(k, field=f"outcomes.{k}", error=PolicyError): o for k, o in value.items()}
    )


@attrs.frozen
class BondScheme:
    """A bond scheme (保证金制度): who pays in, and what each grade does.

    Parameters
    ----------
    name
        Its title.
    units
        The units' bonds by unit code (:class:`UnitBond`).
    payers
        The personal bonds each unit's people pay (:class:`Payer`).
    outcomes
        What each grade does (:class:`GradeOutcome`), by :class:`Grade`.
    winner_award
        A one-off award to a unit the city names a winner (优胜), in yuan.

    Examples
    --------
    >>> from decimal import Decimal
    >>> scheme = BondScheme(name="demo", units={"s1": UnitBond("一街道", Decimal(100000))},
    ...                     payers=[Payer("director", "主任", Decimal(5000))],
    ...                     outcomes={"excellent": GradeOutcome(reward=Decimal(1)),
    ...                               "substandard": GradeOutcome(refund_unit=False,
    ...                                                           refund_personal=False)})
    >>> ledger = settle_bonds({"s1": "excellent"}, scheme)
    >>> for r in ledger.rows:
    ...     print(r.title or "unit", r.paid_in, r.refunded, r.reward)
    unit 100000 100000 100000
    主任 5000 5000 0
    """

    name: str = ""
    units: FrozenMap[str, UnitBond] = attrs.field(factory=FrozenMap, converter=_to_units)
    payers: Dated[tuple[Payer, ...]] = attrs.field(
        factory=lambda: Dated.always(()), converter=_to_payers
    )
    outcomes: FrozenMap[Grade, GradeOutcome] = attrs.field(
        factory=FrozenMap, converter=_to_outcomes
    )
    winner_award: Dated[Decimal] = attrs.field(
        factory=lambda: Dated.always(_ZERO), converter=_to_winner_award
    )


@attrs.frozen
class LedgerRow:
    """One bond of a ledger: a unit's (``payer`` empty) or a person's (``payer`` their
    role), with its grade and the money in yuan.

    ``paid_in`` is always ``refunded + forfeited``; ``reward`` and ``award`` are paid on
    top (unit rows only).
    """

    unit: str
    unit_name: str
    payer: str
    title: str
    grade: Grade | None
    paid_in: Decimal
    refunded: Decimal
    reward: Decimal
    forfeited: Decimal
    award: Decimal

    @property
    def paid_out(self) -> Decimal:
        """What the unit or person receives: refund, reward and award."""
        return self.refunded + self.reward + self.award


@attrs.frozen
class BondLedger:
    """The year's bond ledger (保证金台账): one row per unit and per personal bond."""

    scheme: str
    rows: tuple[LedgerRow, ...]

    def total(self) -> LedgerRow:
        """The sums of every column (a row for unit ``"total"``)."""

        def column(name: str) -> Decimal:
            return sum((getattr(r, name) for r in self.rows), _ZERO)

        names = ("paid_in", "refunded", "reward", "forfeited", "award")
        return LedgerRow("total", "合计", "", "", None, *(column(n) for n in names))

    @property
    def balanced(self) -> bool:
        """Whether every bond paid in is either refunded or forfeited, row by row and in
        total."""
        total = self.total()
        return all(r.paid_in == r.refunded + r.forfeited for r in self.rows) and (
            total.paid_in == total.refunded + total.forfeited
        )

    @property
    def net_cost(self) -> Decimal:
        """What the scheme costs the government: rewards and awards less forfeits."""
        total = self.total()
        return total.reward + total.award - total.forfeited

    def row(self, unit: str, payer: str = "") -> LedgerRow:
        """The row of ``unit``'s bond, or of its ``payer``'s personal bond."""
        for r in self.rows:
            if r.unit == unit and r.payer == payer:
                return r
        raise PolicyError(
            f"no bond of {unit!r} {payer!r} in the ledger", field="unit", hint="see .rows"
        )


def _yuan(value: Decimal) -> Decimal:
    """Whole yuan written without a decimal point (100000, not 100000.0)."""
    return value.quantize(_ONE) if value == value.to_integral_value() else value


_ONE = Decimal(1)


def settle_bonds(
    grades: Mapping[str, Grade | str],
    scheme: BondScheme,
    winners: Iterable[str] = (),
    *,
    on: _dt.date | None = None,
) -> BondLedger:
    """Settle a year's bonds by the units' annual grades (保证金奖惩).

    Parameters
    ----------
    grades
        The annual grade of every unit of the scheme, by unit code.
    scheme
        The bond scheme (the Policy's ``assessment.street_bonds``, ``bureau_bonds``).
    winners
        Units the city named winners (市政府评为城市管理优胜街道): a one-off award.
    on
        A day of the settled year, to read dated amounts (needed only when they change).

    Returns
    -------
    BondLedger
        Per unit and per person: paid in, refunded, reward, forfeited, award.

    Raises
    ------
    PolicyError
        A unit of the scheme without a grade, a grade for a unit outside it, a winner
        outside it, or a grade the scheme does not settle.
    """
    codes = list(scheme.units)
    for unit in grades:
        if unit not in scheme.units:
            raise PolicyError(
                f"{unit!r} pays no bond under {scheme.name or 'the scheme'}",
                field=f"units.{unit}",
                hint=did_you_mean(unit, codes),
            )
    chosen = set(winners)
    for unit in chosen:
        if unit not in scheme.units:
            raise PolicyError(
                f"the winner {unit!r} pays no bond under {scheme.name or 'the scheme'}",
                field="winners",
                hint=did_you_mean(unit, codes),
            )
    payers: tuple[Payer, ...] = current(scheme.payers, on, "payers")
    award_amount: Decimal = current(scheme.winner_award, on, "winner_award")
    rows: list[LedgerRow] = []
    for code, bond in scheme.units.items():
        if code not in grades:
            raise PolicyError(
                f"no grade for {bond.name} ({code})",
                field=f"grades.{code}",
                hint="grade every unit of the scheme",
            )
        grade = Grade.parse(grades[code], field=f"grades.{code}", error=PolicyError)
        outcome = scheme.outcomes.get(grade)
        if outcome is None:
            raise PolicyError(
                f"the scheme does not settle the grade {grade.value} ({grade.chinese})",
                field=f"outcomes.{grade.value}",
                hint="it settles " + ", ".join(g.value for g in scheme.outcomes),
            )
        amount: Decimal = current(bond.amount, on, f"units.{code}.amount")
        refund = amount if current(outcome.refund_unit, on, "refund_unit") else _ZERO
        reward = _yuan(amount * current(outcome.reward, on, "reward"))
        award = award_amount if code in chosen else _ZERO
        rows.append(
            LedgerRow(
                code, bond.name, "", "", grade, amount, refund, reward, amount - refund, award
            )
        )
        personal = current(outcome.refund_personal, on, "refund_personal")
        for payer in payers:
            back = payer.amount if personal else _ZERO
            rows.append(
                LedgerRow(
                    code,
                    bond.name,
                    payer.role,
                    payer.title,
                    grade,
                    payer.amount,
                    back,
                    _ZERO,
                    payer.amount - back,
                    _ZERO,
                )
            )
    return BondLedger(scheme.name, tuple(rows))
