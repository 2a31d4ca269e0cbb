"""The Policy's ``assessment`` section: :class:`AssessmentRules` (private;
:mod:`urbangov.scoring` re-exports).

Standards are files of their own (``kind = "standard"``); what a city changes about
grading, ranking and money is here, dated, so ``reform`` and ``diff`` reach it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, RuleSection, did_you_mean
from urbangov.scoring._bonds import BondScheme, GradeOutcome, Payer, UnitBond
from urbangov.scoring._composite import Cutoff, Cutoffs
from urbangov.scoring._dated import current
from urbangov.scoring._numbers import Rounding, decimals
from urbangov.scoring._rank import TieRule
from urbangov.scoring._standard import AssessmentStandard
from urbangov.scoring._terms import Grade

__all__ = ["AssessmentRules", "default_bureau_bonds", "default_street_bonds"]

D = Decimal


def _always(field: str, check: Any = None) -> Any:
    def convert(value: object) -> Any:
        dated = value if isinstance(value, Dated) else Dated.always(_plain(value))
        if check is not None:
            for period in dated.periods:
                check(period.value, field)
        return dated

    return convert


def _plain(value: object) -> object:
    """What Python callers may pass for a dated value: a dict of weights becomes a map of
    Decimals (ints accepted); anything else is kept for the check to judge."""
    if isinstance(value, Mapping) and not isinstance(value, FrozenMap):
        return FrozenMap(
            {
                k: D(v) if isinstance(v, int) and not isinstance(v, bool) else v
                for k, v in value.items()
            }
        )
    return value


def _weights(value: object, field: str) -> None:
    if not isinstance(value, Mapping) or not value:
        raise PolicyError(
            f"{value!r} is not a table of weights",
            field=field,
            hint="write e.g. { system = 0.4, on_site = 0.6 }",
        )
    for key, weight in value.items():
        if not isinstance(weight, Decimal) or weight < 0:
            raise PolicyError(
                f"{weight!r} is not a weight ≥ 0", field=f"{field}.{key}", hint="give a number ≥ 0"
            )


def _precision(value: object, field: str) -> None:
    if not isinstance(value, Decimal) or value <= 0 or value != D(1).scaleb(-decimals(value)):
        raise PolicyError(
            f"{value!r} is not a precision", field=field, hint="give a power of ten, e.g. 0.01"
        )


def _size(value: object, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PolicyError(f"{value!r} is not a list length", field=field, hint="give an int ≥ 0")


def _standard(value: object, field: str) -> None:
    names = AssessmentStandard.bundled_names()
    if not isinstance(value, str) or value not in names:
        raise PolicyError(
            f"{value!r} is not a bundled assessment standard",
            field=field,
            hint=f"use one of {', '.join(names)}"
            + (f" ({did_you_mean(value, names)})" if isinstance(value, str) else ""),
        )


def _grades(value: object) -> FrozenMap[str, Dated[Cutoffs]]:
    if not isinstance(value, Mapping) or "default" not in value:
        raise PolicyError(
            "grade cut-offs need a 'default' entry",
            field="grades",
            hint="add [assessment.grades.default]",
        )
    return FrozenMap(
        {k: (v if isinstance(v, Dated) else Dated.always(v)) for k, v in value.items()}
    )


def default_street_bonds() -> BondScheme:
    """The street bond scheme of 《城市管理协管员考核办法》篇5 §五(二) (the Policy's
    default ``assessment.street_bonds``)."""
    units = {
        "320105001": ("南湖街道", 200_000),
        "320105002": ("滨湖街道", 200_000),
        "320105003": ("兴隆街道", 200_000),
        "320105004": ("南苑街道", 200_000),
        "320105005": ("沙洲街道", 100_000),
        "320105006": ("双闸街道", 100_000),
        "320105007": ("江心洲街道", 100_000),
    }
    return BondScheme(
        name="街道城市管理保证金",
        units=FrozenMap(
            {code: UnitBond(name, D(amount)) for code, (name, amount) in units.items()}
        ),
        payers=(
            Payer("secretary", "书记", D(5000)),
            Payer("director", "主任", D(5000)),
            Payer("deputy_director", "分管主任", D(5000)),
        ),
        outcomes={
            Grade.EXCELLENT: GradeOutcome(reward=D(1)),
            Grade.STANDARD: GradeOutcome(reward=D("0.5")),
            Grade.SUBSTANDARD: GradeOutcome(refund_unit=False, refund_personal=False),
        },
        winner_award=D(30_000),
    )


def default_bureau_bonds() -> BondScheme:
    """The city-appearance bureau's chief and secretary, 5,000 yuan each, settled "参照市
    考核办法" (by the city's method, which the source does not give): refunded unless
    不达标, no reward — urbangov's default."""
    return BondScheme(
        name="区市容局局长、书记个人保证金",
        units=FrozenMap({"cityapp_bureau": UnitBond("区市容局", D(0))}),
        payers=(Payer("chief", "局长", D(5000)), Payer("secretary", "书记", D(5000))),
        outcomes={
            Grade.EXCELLENT: GradeOutcome(),
            Grade.STANDARD: GradeOutcome(),
            Grade.SUBSTANDARD: GradeOutcome(refund_unit=False, refund_personal=False),
        },
    )


def _default_grades() -> FrozenMap[str, Dated[Cutoffs]]:
    cuts = Cutoffs(
        (Cutoff(D(90), Grade.EXCELLENT), Cutoff(D(80), Grade.STANDARD)), Grade.SUBSTANDARD
    )
    return FrozenMap({"default": Dated.always(cuts)})


_TO_STANDARD = _always("standard", _standard)


def _to_standard(value: object) -> Any:
    return _TO_STANDARD(value)


_TO_COMPOSITE_WEIGHTS = _always("composite_weights", _weights)


def _to_composite_weights(value: object) -> Any:
    return _TO_COMPOSITE_WEIGHTS(value)


_TO_GRID_WORKER_WEIGHTS = _always("grid_worker_weights", _weights)


def _to_grid_worker_weights(value: object) -> Any:
    return _TO_GRID_WORKER_WEIGHTS(value)


_TO_ROUNDING = _always("rounding")


def _to_rounding(value: object) -> Any:
    return _TO_ROUNDING(value)


_TO_RANKING_PRECISION = _always("ranking_precision", _precision)


def _to_ranking_precision(value: object) -> Any:
    return _TO_RANKING_PRECISION(value)


_TO_TIE = _always("tie")


def _to_tie(value: object) -> Any:
    return _TO_TIE(value)


_TO_RED_LIST = _always("red_list", _size)


def _to_red_list(value: object) -> Any:
    return _TO_RED_LIST(value)


_TO_BLACK_LIST = _always("black_list", _size)


def _to_black_list(value: object) -> Any:
    return _TO_BLACK_LIST(value)


@attrs.frozen
class AssessmentRules(RuleSection):
    """The Policy's ``assessment`` section: grading, ranking, composites and bonds.

    Parameters
    ----------
    standard
        The bundled assessment standard the city scores its streets and departments by
        each month (what a simulation's monthly scores use); default
        ``digital_city_management`` (数字城管, after 金华's 考核细则).
    grades
        Grade cut-offs by group (``"default"`` for groups not listed). Default: 优秀 ≥
        90, 达标 ≥ 80, else 不达标 — urbangov's, since 篇5 names the grades only.
    composite_weights
        Weights of a composite's parts; default 南通's 系统 40%, 现场 40%, 履职 20%.
    grid_worker_weights
        Weights of a grid worker's reporting, verification, accuracy and timeliness
        (the bundled ``grid_worker`` standard reads them); default equal, urbangov's.
    rounding
        How composites and annual scores are rounded (default 2 places, once, half-up).
    ranking_precision
        What "equal" means in a ranking (default 0.01, the published places).
    tie
        How equal scores are ordered (default: they share a rank, and a red flag).
    red_list, black_list
        Lengths of the red and black lists (default 5, 榆林 12345, 2022).
    street_bonds, bureau_bonds
        The bond schemes (:class:`BondScheme`) of 篇5 §五(二).

    Examples
    --------
    >>> import datetime as dt
    >>> from urbangov import Policy
    >>> rules = AssessmentRules.of(Policy()).at(dt.date(2024, 1, 1))
    >>> rules.grades["default"].at(dt.date(2024, 1, 1)).below
    <Grade.SUBSTANDARD: 'substandard'>
    >>> new = Policy().reform({"assessment.street_bonds.outcomes.standard.reward": 0})
    >>> new.assessment.street_bonds.outcomes[Grade.STANDARD].reward.at(dt.date(2024, 1, 1))
    Decimal('0')
    """

    section: ClassVar[str] = "assessment"

    standard: Dated[str] = attrs.field(default="digital_city_management", converter=_to_standard)
    grades: FrozenMap[str, Dated[Cutoffs]] = attrs.field(factory=_default_grades, converter=_grades)
    composite_weights: Dated[FrozenMap[str, Decimal]] = attrs.field(
        factory=lambda: {"system": D("0.4"), "on_site": D("0.4"), "duty": D("0.2")},
        converter=_to_composite_weights,
    )
    grid_worker_weights: Dated[FrozenMap[str, Decimal]] = attrs.field(
        factory=lambda: {
            "reporting": D("0.25"),
            "verification": D("0.25"),
            "accuracy": D("0.25"),
            "timeliness": D("0.25"),
        },
        converter=_to_grid_worker_weights,
    )
    rounding: Dated[Rounding] = attrs.field(factory=Rounding, converter=_to_rounding)
    ranking_precision: Dated[Decimal] = attrs.field(
        factory=lambda: D("0.01"), converter=_to_ranking_precision
    )
    tie: Dated[TieRule] = attrs.field(factory=TieRule, converter=_to_tie)
    red_list: Dated[int] = attrs.field(default=5, converter=_to_red_list)
    black_list: Dated[int] = attrs.field(default=5, converter=_to_black_list)
    street_bonds: BondScheme = attrs.field(factory=default_street_bonds)
    bureau_bonds: BondScheme = attrs.field(factory=default_bureau_bonds)

    def value(self, name: str, on: _dt.date | None = None) -> Any:
        """The parameter ``name`` on day ``on`` (any day when it always holds).

        >>> from urbangov import Policy
        >>> AssessmentRules.of(Policy()).value("red_list")
        5
        >>> AssessmentRules.of(Policy()).value("grades")["default"].below.chinese
        '不达标'
        """
        found = getattr(self, name, None)
        if found is None or name not in attrs.fields_dict(type(self)):
            raise PolicyError(
                f"the assessment section has no {name!r}",
                field=f"assessment.{name}",
                hint=did_you_mean(name, attrs.fields_dict(type(self))),
            )
        if isinstance(found, FrozenMap) and name == "grades":
            return FrozenMap(
                {k: current(v, on, f"assessment.grades.{k}") for k, v in found.items()}
            )
        return current(found, on, f"assessment.{name}")
