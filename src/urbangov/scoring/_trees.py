"""A unit's items scored from its lines: the item trees of each source sheet, the rank
adjustments, the combined sheet (private; an implementation detail of scoring).

An item with no line under it scores the same for every unit of the same kind, so it
is scored once per (unit kind, source) and shared; only the items with lines are
scored afresh.
"""

from __future__ import annotations

import bisect
import operator
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from urbangov.scoring._findings import AssessedUnit
from urbangov.scoring._findings_files import Findings
from urbangov.scoring._inputs import Inputs
from urbangov.scoring._items import Item
from urbangov.scoring._numbers import half_up
from urbangov.scoring._plan import Node, Plan
from urbangov.scoring._rules import RankAdjust
from urbangov.scoring._sheets import ItemScore, Line, ScoreSheet, SourceSheet
from urbangov.scoring._terms import AssessmentSource

__all__ = ["Memo", "combine_sheet", "rank_lines", "unit_sheets"]

_ZERO = Decimal(0)
_points = operator.itemgetter(3)  # Line.points


Memo = dict[tuple[int, tuple[tuple[str, str], int]], Any]


def unit_sheets(
    the_plan: Plan,
    unit: AssessedUnit,
    inputs: Inputs,
    extra: Mapping[int, Sequence[tuple[int, Line]]],
    memo: Memo,
) -> tuple[list[SourceSheet], list[str]]:
    sheets = []
    reasons: list[str] = []
    lines = inputs.lines.get(unit.code)
    missing = inputs.missing.get(unit.code)
    std = the_plan.standard
    for s, (source, weight) in enumerate(the_plan.sources):
        leaf_lines: Mapping[int, Sequence[Line]] = lines[s] if lines is not None else {}
        if extra.get(s):
            merged: dict[int, list[Line]] = {k: list(v) for k, v in leaf_lines.items()}
            for i, line in extra[s]:
                merged.setdefault(i, []).append(line)
            leaf_lines = merged
        gaps = missing[s] if missing is not None else {}
        touched = sorted({i for i, v in leaf_lines.items() if v} | set(gaps))
        key = the_plan.unit_key(unit)
        at = _Where(unit, source, leaf_lines, gaps, touched, memo, (key, s))
        items = [x for x in (_eval(n, at) for n in the_plan.nodes) if x is not None]
        reasons.extend(gaps[i] for i in sorted(gaps))
        raw, maximum = _combine_children(items, std.total, _ZERO, None)
        exact: Fraction | None = None
        if raw is not None and maximum > 0:
            exact = (
                Fraction(raw)
                if not std.normalise
                else Fraction(raw) * Fraction(std.total) / Fraction(maximum)
            )
        elif maximum == 0:
            reasons.append("no item of the standard applies to the unit")
        sheets.append(SourceSheet(source, weight, tuple(items), raw, maximum, exact))
    return sheets, reasons


@attrs.frozen
class _Where:
    """What one sheet's items are scored with (an implementation detail)."""

    unit: AssessedUnit
    source: AssessmentSource | None
    lines: Mapping[int, Sequence[Line]]
    gaps: Mapping[int, str]
    touched: list[int]  # sorted leaves with lines or gaps
    memo: Memo
    key: tuple[tuple[str, str], int]


def _eval(node: Node, at: _Where) -> ItemScore | None:
    """The item's score: shared when no line is under it, else scored afresh."""
    first, end = node.span
    k = bisect.bisect_left(at.touched, first)
    if k == len(at.touched) or at.touched[k] >= end:
        return _pristine(node, at)
    return _score_item(node, at)


def _pristine(node: Node, at: _Where) -> ItemScore | None:
    """An item with no line under it, scored once per unit key and source."""
    memo_key = (id(node), at.key)
    if memo_key not in at.memo:
        at.memo[memo_key] = _score_item(node, attrs.evolve(at, lines={}, gaps={}, touched=[]))
    found: ItemScore | None = at.memo[memo_key]
    return found


@attrs.frozen
class _Base:
    """An item's children with no lines, and their sums (an implementation detail)."""

    children: tuple[ItemScore | None, ...]
    whole: bool  # every child applies (none is None)
    value: Decimal  # Σ weight × score of the regular children
    bonus: Decimal  # Σ weight × score of the bonus children
    maximum: Decimal  # Σ weight × points of the regular children


def _base(node: Node, at: _Where) -> _Base:
    memo_key = (-id(node), at.key)
    found = at.memo.get(memo_key)
    if isinstance(found, _Base):
        return found
    kids = tuple(_pristine(c, at) for c in node.children)
    value = bonus = maximum = _ZERO
    for kid in kids:
        if kid is None or kid.score is None:
            continue
        if kid.bonus:
            bonus += kid.weight * kid.score
        else:
            value += kid.weight * kid.score
            maximum += kid.weight * kid.points
    base = _Base(kids, all(k is not None for k in kids), value, bonus, maximum)
    at.memo[memo_key] = base
    return base


def _score_item(node: Node, at: _Where) -> ItemScore | None:
    item = node.item
    unit, source, lines, gaps = at.unit, at.source, at.lines, at.gaps
    if node.leaf >= 0:
        if node.applies_to and not unit.matches(node.applies_to):
            return None
        if source is not None and node.assessed_by and source not in node.assessed_by:
            return None
        given = lines.get(node.leaf, ())
        base = _ZERO if item.bonus else item.points
        if node.capped:
            mine = list(given)
            _caps(item, mine, node.path)
            given = mine
        total = base + sum(map(_points, given), _ZERO)
        if item.floor <= total <= item.points:  # the common case: no adjustment line
            kept = tuple(given)
        else:
            mine = list(given)
            total = _clamp(total, item.floor, item.points, node.path, mine)
            kept = tuple(mine)
        found: Decimal | None = None if node.leaf in gaps else total
        return ItemScore(node.path, item.name, item.points, found, node.weight, item.bonus, kept)
    # start from the children with no lines and rescore only those with some
    start = _base(node, at)
    kids = list(start.children)
    value, bonus, lacking = start.value, start.bonus, False
    first, end = node.span
    lo = bisect.bisect_left(at.touched, first)
    hi = bisect.bisect_left(at.touched, end, lo)
    changed = {bisect.bisect_right(node.starts, leaf) - 1 for leaf in at.touched[lo:hi]}
    for i in changed:
        old, new = kids[i], _score_item(node.children[i], at)
        kids[i] = new
        if new is None or old is None:  # applicability is the unit's, so both are None
            continue
        if new.score is None or old.score is None:
            lacking = True
        elif new.bonus:
            bonus += new.weight * (new.score - (old.score or _ZERO))
        else:
            value += new.weight * (new.score - (old.score or _ZERO))
    children: tuple[ItemScore, ...] = (
        tuple(kids)  # type: ignore[arg-type]
        if start.whole
        else tuple(k for k in kids if k is not None)
    )
    if not children:
        return None
    own: list[Line] = []
    score_: Decimal | None = None
    if not lacking:
        score_ = _clamp(value, item.floor, start.maximum, node.path, own) + bonus
    return ItemScore(
        node.path, item.name, start.maximum, score_, node.weight, item.bonus, tuple(own), children
    )


def _combine_children(
    children: Sequence[ItemScore],
    points: Decimal,
    floor: Decimal,
    own: list[Line] | None,
    path: str = "",
) -> tuple[Decimal | None, Decimal]:
    """The weighted sum of regular children clamped to [floor, their maximum], plus the
    bonus children; and that maximum."""
    regular = [c for c in children if not c.bonus]
    maximum = sum((c.weight * c.points for c in regular), _ZERO)
    if any(c.score is None for c in children):
        return None, maximum
    value = sum((c.weight * c.score for c in regular if c.score is not None), _ZERO)
    value = _clamp(value, floor, maximum, path, own) if own is not None else max(value, floor)
    value += sum((c.weight * c.score for c in children if c.bonus and c.score is not None), _ZERO)
    return value, maximum


def _clamp(value: Decimal, floor: Decimal, top: Decimal, path: str, own: list[Line]) -> Decimal:
    if value > top:
        own.append(Line(path, "clamp", "clamp", top - value, f"capped at the item's points {top}"))
        return top
    if value < floor:
        own.append(Line(path, "clamp", "clamp", floor - value, f"floored at {floor} (扣完为止)"))
        return floor
    return value


def _caps(item: Item, own: list[Line], path: str) -> None:
    for rule in item.rules:
        cap = getattr(rule, "cap", None)
        if cap is None:
            continue
        moved = sum((line.points for line in own if line.rule == rule.id), _ZERO)
        if abs(moved) > cap:
            excess = abs(moved) - cap
            own.append(
                Line(
                    path,
                    "cap",
                    "cap",
                    excess if moved < 0 else -excess,
                    f"{rule.id} capped at {cap}",
                )
            )


def rank_lines(
    the_plan: Plan,
    units: Sequence[AssessedUnit],
    pre: Mapping[str, tuple[list[SourceSheet], list[str]]],
) -> dict[str, dict[int, list[tuple[int, Line]]]]:
    """The rank-adjustment lines of every unit, from the totals before adjustment."""
    from urbangov.scoring._rank import competition_ranks

    places = the_plan.standard.places
    out: dict[str, dict[int, list[tuple[int, Line]]]] = defaultdict(lambda: defaultdict(list))
    ranked = [
        (i, leaf, r)
        for i, leaf in enumerate(the_plan.leaves)
        for r in leaf.item.rules
        if isinstance(r, RankAdjust)
    ]
    for s in range(len(the_plan.sources)):
        groups: dict[str, dict[str, Fraction]] = defaultdict(dict)
        for unit in units:
            if unit.no_data:
                continue
            exact = pre[unit.code][0][s].exact
            if exact is not None:
                groups[unit.group][unit.code] = exact
        for group, scores in groups.items():
            ranks = competition_ranks({c: half_up(v, places) for c, v in scores.items()})
            where = f" in group {group}" if group else ""
            for code, rank in ranks.items():
                unit = next(u for u in units if u.code == code)
                for i, leaf, rule in ranked:
                    if not unit.matches(leaf.applies_to):
                        continue
                    points = rule.points(rank)
                    line = Line(
                        leaf.path,
                        rule.id,
                        rule.kind,
                        points,
                        f"rank {rank} of {len(scores)}{where}",
                    )
                    out[code][s].append((i, line))
    return out


def combine_sheet(
    the_plan: Plan,
    findings: Findings,
    unit: AssessedUnit,
    sheets: list[SourceSheet],
    reasons: list[str],
) -> ScoreSheet:
    std = the_plan.standard
    exact: Fraction | None = Fraction(0)
    for sheet in sheets:
        if sheet.exact is None or exact is None:
            exact = None
        else:
            exact += Fraction(sheet.weight) * sheet.exact
    if unit.no_data:
        exact = None
        reasons = ["the unit is marked no_data", *reasons]
    total = None if exact is None else half_up(exact, std.places)
    return ScoreSheet(
        unit,
        std.id,
        findings.period,
        std.total,
        std.places,
        tuple(sheets),
        exact,
        total,
        tuple(dict.fromkeys(reasons)),
    )
