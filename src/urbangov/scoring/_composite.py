"""Composite scores, annual aggregation and grades (private; :mod:`urbangov.scoring`
re-exports).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import attrs

from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._numbers import Exact, Rounding, exact, half_up, number
from urbangov.scoring._sheets import ScoreSheet
from urbangov.scoring._terms import Grade

__all__ = [
    "CompositeScore",
    "Cutoff",
    "Cutoffs",
    "Scored",
    "annual",
    "composite",
    "exact_of",
    "grade",
    "shown_of",
]

Scored = Any
"""A score as the functions of this package take it: a Decimal, Fraction or int, a
:class:`CompositeScore`, a :class:`ScoreSheet`, or ``None`` (no data)."""


def exact_of(value: Scored) -> Fraction | None:
    """The unrounded value of a score (``None``: no data)."""
    if value is None:
        return None
    if isinstance(value, CompositeScore | ScoreSheet):
        return value.exact
    return exact(value)


def shown_of(value: Scored) -> Fraction | None:
    """The published (rounded) value of a score, as a Fraction (``None``: no data)."""
    if value is None:
        return None
    if isinstance(value, CompositeScore):
        return None if value.value is None else Fraction(value.value)
    if isinstance(value, ScoreSheet):
        return None if value.total is None else Fraction(value.total)
    return exact(value)


@attrs.frozen
class CompositeScore:
    """A weighted composite of parts (综合得分), with its declared rounding.

    Attributes
    ----------
    parts, weights
        The parts (exact, ``None``: no data) and their weights, by name.
    exact
        Σ weight × part, unrounded (``None`` when a part has no data).
    value
        The published value: :attr:`exact` rounded as :attr:`rounding` declares.
    rounding
        The declared rounding (:class:`Rounding`).
    """

    parts: FrozenMap[str, Fraction | None]
    weights: FrozenMap[str, Fraction]
    exact: Fraction | None
    value: Decimal | None
    rounding: Rounding

    def part(self, name: str) -> Decimal | None:
        """A part as published: rounded to the composite's places."""
        found = self.parts[name]
        return None if found is None else half_up(found, self.rounding.places)


def composite(
    parts: Mapping[str, Scored], weights: Mapping[str, Exact], *, rounding: Rounding
) -> CompositeScore:
    """A weighted composite score, rounded as declared (综合得分 = Σ 权重 × 分项).

    Parameters
    ----------
    parts
        The parts by name (Decimals, Fractions, score sheets, composites; ``None``: no
        data).
    weights
        A weight per part (``{"system": Decimal("0.4"), "on_site": Decimal("0.4"),
        "duty": Decimal("0.2")}``): 南通 长效管理 总分 = 系统 40% + 现场 40% + 履职 20%.
    rounding
        Its places and step (:class:`Rounding`): required, because published figures
        differ by it.

    Raises
    ------
    StandardError
        When a part has no weight or a weight no part, or a weight is negative.

    Examples
    --------
    南通 8月 2017, 中兴街道: 95.65 × 40% + 93.73 × 40% + 95.80 × 20% = 94.912 → 94.91.

    >>> from decimal import Decimal as D
    >>> w = {"system": D("0.4"), "on_site": D("0.4"), "duty": D("0.2")}
    >>> c = composite({"system": D("95.65"), "on_site": D("93.73"), "duty": D("95.80")}, w,
    ...               rounding=Rounding(places=2))
    >>> c.value, c.exact
    (Decimal('94.91'), Fraction(11864, 125))
    """
    if set(parts) != set(weights):
        extra = sorted(set(parts) - set(weights))
        lacking = sorted(set(weights) - set(parts))
        name = (extra or lacking)[0]
        raise StandardError(
            f"the part {name!r} has no weight" if extra else f"the weight {name!r} has no part",
            field=f"weights.{name}" if extra else f"parts.{name}",
            hint=did_you_mean(name, weights if extra else parts),
        )
    ws = {k: exact(v) for k, v in weights.items()}
    for name, w in ws.items():
        if w < 0:
            raise StandardError(
                f"the weight {w} is negative", field=f"weights.{name}", hint="give 0 or more"
            )
    values = {k: exact_of(v) for k, v in parts.items()}
    frozen_parts = FrozenMap(values)
    frozen_weights = FrozenMap(ws)
    if any(v is None for v in values.values()):
        return CompositeScore(frozen_parts, frozen_weights, None, None, rounding)
    present = {k: v for k, v in values.items() if v is not None}
    total = sum((ws[k] * v for k, v in present.items()), Fraction(0))
    places = rounding.places
    if rounding.step == "total":
        value = half_up(total, places)
    elif rounding.step == "terms":
        value = sum((half_up(ws[k] * v, places) for k, v in present.items()), Decimal(0))
    else:
        value = half_up(
            sum((ws[k] * Fraction(half_up(v, places)) for k, v in present.items()), Fraction(0)),
            places,
        )
    return CompositeScore(frozen_parts, frozen_weights, total, value, rounding)


def annual(
    periods: Mapping[str, Mapping[str, Scored]],
    *,
    missing: Literal["skip", "no_data"],
    rounding: Rounding,
    weights: Mapping[str, Exact] | None = None,
) -> FrozenMap[str, CompositeScore]:
    """Monthly (or any periods') scores aggregated per unit (日巡察、月考评、年评比).

    Parameters
    ----------
    periods
        Scores by period label and unit (``{"2024-01": {"320105001": sheet, …}, …}``).
    missing
        A unit without a score in some period: ``"skip"`` — its mean (or weighted mean)
        over the periods it has; ``"no_data"`` — no annual score.
    rounding
        The declared rounding of the annual value.
    weights
        A weight per period (e.g. months and a year-end review); default: equal (the
        mean).

    Examples
    --------
    >>> from decimal import Decimal as D
    >>> year = annual({"1": {"a": D("90")}, "2": {"a": D("95"), "b": D("80")}},
    ...               missing="skip", rounding=Rounding(places=2))
    >>> year["a"].value, year["b"].value
    (Decimal('92.50'), Decimal('80.00'))
    """
    if missing not in ("skip", "no_data"):
        raise StandardError(
            f"{missing!r} is not a way to treat missing periods",
            field="missing",
            hint="use 'skip' or 'no_data'",
        )
    base = {p: exact(weights[p]) if weights is not None else Fraction(1) for p in periods}
    if weights is not None and set(weights) != set(periods):
        name = sorted(set(weights) ^ set(periods))[0]
        raise StandardError(
            f"the period {name!r} has no weight, or the weight no period", field=f"weights.{name}"
        )
    units: dict[str, None] = {}
    for scores in periods.values():
        units.update(dict.fromkeys(scores))
    out: dict[str, CompositeScore] = {}
    for unit in units:
        parts = {p: exact_of(periods[p].get(unit)) for p in periods}
        if missing == "skip":
            parts = {p: v for p, v in parts.items() if v is not None}
            if not parts:
                parts = dict.fromkeys(periods)
        total = sum((base[p] for p in parts), Fraction(0))
        ws = {p: (base[p] / total if total else Fraction(0)) for p in parts}
        out[unit] = composite(parts, ws, rounding=rounding)
    return FrozenMap(out)


# --------------------------------------------------------------------------- grades


def _at_least(value: object) -> Decimal:
    return number(value, "at_least")


def _grade(value: object) -> Grade:
    return Grade.parse(value, field="grade", error=StandardError)


@attrs.frozen
class Cutoff:
    """A score at or above ``at_least`` earns ``grade``."""

    at_least: Decimal = attrs.field(converter=_at_least)
    grade: Grade = attrs.field(converter=_grade)


def _steps(value: object) -> tuple[Cutoff, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise StandardError(
            "expected an array of cut-offs",
            field="steps",
            hint='write [{ at_least = 90, grade = "excellent" }, …]',
        )
    return tuple(v if isinstance(v, Cutoff) else Cutoff(**v) for v in value)


@attrs.frozen
class Cutoffs:
    """Grade cut-offs (等次划分): the first step a score reaches gives its grade,
    otherwise ``below``.

    Steps are listed from the highest cut-off down, each grade once. Published methods
    often give the grades and not the cut-offs (《城市管理协管员考核办法》篇5 §五(二)
    names 优秀 / 达标 / 不达标 only): they are parameters.

    Examples
    --------
    >>> from decimal import Decimal
    >>> cuts = Cutoffs.of({"excellent": 90, "standard": 80}, below="substandard")
    >>> cuts.grade(Decimal("89.99")), cuts.grade(Decimal("90"))
    (<Grade.STANDARD: 'standard'>, <Grade.EXCELLENT: 'excellent'>)
    """

    steps: tuple[Cutoff, ...] = attrs.field(converter=_steps)
    below: Grade = attrs.field(converter=_grade)

    def __attrs_post_init__(self) -> None:
        for i in range(1, len(self.steps)):
            if self.steps[i].at_least >= self.steps[i - 1].at_least:
                raise StandardError(
                    "cut-offs must go from the highest down",
                    field=f"steps[{i}].at_least",
                    hint="list the best grade first",
                )
        grades = [s.grade for s in self.steps] + [self.below]
        if len(set(grades)) != len(grades):
            raise StandardError(
                "a grade is given twice", field="steps", hint="give each grade once"
            )

    @classmethod
    def of(cls, steps: Mapping[Grade | str, Exact], *, below: Grade | str) -> Cutoffs:
        """Cut-offs from ``{grade: at_least}`` (listed best first) and the grade below."""
        return cls(
            tuple(
                Cutoff(at_least=Decimal(v) if isinstance(v, int) else v, grade=g)
                for g, v in steps.items()
            ),
            below,
        )

    def grade(self, score: Exact) -> Grade:
        """The grade of ``score`` (compared exactly)."""
        value = exact(score)
        for step in self.steps:
            if value >= step.at_least:
                return step.grade
        return self.below


def grade(
    score: Scored, cutoffs: Cutoffs | Mapping[str, Cutoffs], *, group: str | None = None
) -> Grade | None:
    """The grade of a score (考核等次); ``None`` for a unit with no data (无数据).

    A :class:`ScoreSheet` or :class:`CompositeScore` is graded on its published
    (rounded) value, as published grades are; a number is compared exactly.

    Parameters
    ----------
    cutoffs
        One :class:`Cutoffs`, or cut-offs by group (``"default"`` for the groups not
        listed) — the source seldom gives them: they are the Policy's.
    group
        The unit's group, when cut-offs differ by group.

    Examples
    --------
    许昌 数字城管, 2021-10: 93.46 优秀, 88 良好, 82.94 合格 (cut-offs assumed here: the
    report does not give them).

    >>> from decimal import Decimal as D
    >>> cuts = Cutoffs.of({"excellent": 90, "good": 85, "pass": 60}, below="fail")
    >>> [grade(D(s), cuts).chinese for s in ("93.46", "88", "82.94")]
    ['优秀', '良好', '合格']
    >>> grade(None, cuts) is None
    True
    """
    shown = shown_of(score)
    if shown is None:
        return None
    if isinstance(cutoffs, Cutoffs):
        return cutoffs.grade(shown)
    key = group if group is not None and group in cutoffs else "default"
    if key not in cutoffs:
        raise StandardError(
            f"no cut-offs for the group {group!r} and no default",
            field=f"grades.{group}",
            hint="add cut-offs for the group, or a 'default' entry",
        )
    return cutoffs[key].grade(shown)
