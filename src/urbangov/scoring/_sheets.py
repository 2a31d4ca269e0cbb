"""Score sheets (考核评分表): every point of a unit, traceable to a finding and a rule
(private; :mod:`urbangov.scoring` re-exports).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple

import attrs

from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.scoring._findings import AssessedUnit
from urbangov.scoring._numbers import half_up
from urbangov.scoring._terms import AssessmentSource

__all__ = ["ItemScore", "Line", "ScoreSheet", "SourceSheet"]


class Line(NamedTuple):
    """One line of a score sheet: points an item gains or loses, and why.

    ``points`` is signed (a deduction is negative); ``rule`` is the rule's id, or
    ``"cap"`` / ``"clamp"`` / ``"missing"`` for the adjustments the standard makes;
    ``evidence`` is the finding, KPI record, tally, mark or trigger that caused it. (A
    named tuple: a sheet holds one per finding, and they are many.)
    """

    item: str
    rule: str
    kind: str
    points: Decimal
    reason: str
    evidence: Any = None

    def describe(self) -> str:
        """The line as text: ``-0.30  per_finding: found by district (0.3) — F-12``."""
        evidence = getattr(self.evidence, "describe", None)
        shown = f" — {evidence()}" if callable(evidence) else ""
        return f"{_signed(self.points)}  {self.rule}: {self.reason}{shown}"


class ItemScore(NamedTuple):
    """One item of a unit's sheet: its applicable maximum, its score and its lines.

    ``score`` is ``None`` when the item lacks data (see the standard's ``missing``). (A
    named tuple, like :class:`Line`: a sheet holds one per item scored.)
    """

    path: str
    name: str
    points: Decimal
    score: Decimal | None
    weight: Decimal
    bonus: bool
    lines: tuple[Line, ...] = ()
    items: tuple[ItemScore, ...] = ()

    @property
    def id(self) -> str:
        """The item's own id (the last part of its path)."""
        return self.path.rsplit(".", 1)[-1]

    def walk(self) -> tuple[ItemScore, ...]:
        """This item and every item under it, depth first."""
        out: list[ItemScore] = [self]
        for child in self.items:
            out.extend(child.walk())
        return tuple(out)


@attrs.frozen
class SourceSheet:
    """A unit's items as one assessment source scored them (one sheet when the standard
    pools its sources: ``source`` is then ``None``)."""

    source: AssessmentSource | None
    weight: Decimal
    items: tuple[ItemScore, ...]
    raw: Decimal | None
    maximum: Decimal
    exact: Fraction | None


@attrs.frozen
class ScoreSheet:
    """A unit's score against a standard, with every point traceable (:meth:`explain`).

    Attributes
    ----------
    unit
        The unit (:class:`AssessedUnit`).
    standard, period
        The standard's id and the findings' period.
    out_of
        The standard's full score.
    sources
        One :class:`SourceSheet` per assessment source the standard weighs.
    exact
        The unrounded total (a :class:`~fractions.Fraction`; ``None``: no data). Rank on
        it when a method ranks unrounded totals.
    total
        ``exact`` rounded half-up to the standard's places: the published figure.
    missing
        Why the unit has no data (empty when it has).
    """

    unit: AssessedUnit
    standard: str
    period: str
    out_of: Decimal
    places: int
    sources: tuple[SourceSheet, ...]
    exact: Fraction | None
    total: Decimal | None
    missing: tuple[str, ...] = ()

    @property
    def no_data(self) -> bool:
        """Whether the unit is reported as 无数据 (no total, not ranked)."""
        return self.exact is None

    def majors(self) -> FrozenMap[str, Fraction | None]:
        """The top-level items' scores, combined over the sources by their weights
        (exact; ``None``: no data), by item id."""
        out: dict[str, Fraction | None] = {}
        for sheet in self.sources:
            for item in sheet.items:
                before = out.get(item.id, Fraction(0))
                if item.score is None or (item.id in out and before is None):
                    out[item.id] = None
                else:
                    assert before is not None
                    out[item.id] = before + Fraction(sheet.weight) * Fraction(item.score)
        return FrozenMap(out)

    def item(self, path: str, source: AssessmentSource | str | None = None) -> ItemScore:
        """The scored item at dotted ``path`` (of ``source``, or of the only source)."""
        sheets = self.sources
        if source is not None:
            wanted = AssessmentSource.parse(source, field="source", error=StandardError)
            sheets = tuple(s for s in sheets if s.source == wanted)
        elif len(sheets) > 1:
            raise StandardError(
                "the standard weighs several sources",
                field="source",
                hint="name one: " + ", ".join(str(s.source) for s in self.sources),
            )
        found = {i.path: i for sheet in sheets for top in sheet.items for i in top.walk()}
        if path not in found:
            raise StandardError(
                f"{path!r} is not on {self.unit.label}'s sheet",
                field="item",
                hint=did_you_mean(path, found),
            )
        return found[path]

    def explain(self) -> str:
        """Every point of the sheet: each item's score, and each line with its finding
        and rule."""
        head = f"{self.unit.label} ({self.unit.code}), {self.standard}"
        if self.period:
            head += f" {self.period}"
        total = "no data (无数据)" if self.total is None else f"{self.total} of {self.out_of}"
        out = [f"{head}: {total}"]
        out.extend(f"  no data: {why}" for why in self.missing)
        for sheet in self.sources:
            if sheet.source is not None:
                score = "no data" if sheet.exact is None else f"{half_up(sheet.exact, self.places)}"
                out.append(
                    f"source {sheet.source.value} ({sheet.source.chinese}), weight {sheet.weight}: "
                    f"{score} of {self.out_of}"
                )
            elif sheet.exact is not None and sheet.raw is not None and sheet.raw != sheet.exact:
                out.append(f"raw {sheet.raw} of {sheet.maximum}, reported out of {self.out_of}")
            for item in sheet.items:
                _explain(item, 1 if sheet.source is None else 2, out)
        return "\n".join(out)


def _explain(item: ItemScore, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    score = "no data" if item.score is None else f"{item.score}"
    name = f" {item.name}" if item.name else ""
    weight = "" if item.weight == 1 else f" × weight {item.weight}"
    kind = " (bonus)" if item.bonus else ""
    out.append(f"{pad}{item.id}{name}{kind}: {score} of {item.points}{weight}")
    for line in item.lines:
        out.append(f"{pad}  {line.describe()}")
    for child in item.items:
        _explain(child, depth + 1, out)


def _signed(points: Decimal) -> str:
    return f"+{points}" if points > 0 else f"{points}" if points < 0 else f"±{points}"
