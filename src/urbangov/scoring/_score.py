"""Scoring findings against a standard, exactly (private; :mod:`urbangov.scoring`
re-exports :func:`score`).

The exact path: Decimal points, Fraction totals, one :class:`Line` per finding and per
rule application. :mod:`urbangov.scoring._batch` computes the same totals in int64 fixed
point over columns.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import typing
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from urbangov.errors import FindingsError, PolicyError, StandardError
from urbangov.frozen import FrozenMap
from urbangov.kpi import percent
from urbangov.params import Dated, did_you_mean
from urbangov.scoring._findings import AssessedUnit, Finding, TriggerLike
from urbangov.scoring._findings_files import Findings
from urbangov.scoring._items import Item
from urbangov.scoring._numbers import decimals, half_up
from urbangov.scoring._rules import (
    Given,
    PerCase,
    PerFinding,
    PerTrigger,
    RankAdjust,
    RateBands,
    RateLinear,
    RateTarget,
    Rule,
    rate_of,
)
from urbangov.scoring._sheets import ItemScore, Line, ScoreSheet, SourceSheet
from urbangov.scoring._standard import AssessmentStandard, Leaf
from urbangov.scoring._terms import AssessmentSource

__all__ = ["Node", "Plan", "current", "leaf_of", "plan", "score"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


# --------------------------------------------------------------------------- the plan


@attrs.frozen
class Node:
    """An item of the standard with what scoring needs (an implementation detail)."""

    path: str
    item: Item
    weight: Decimal
    applies_to: tuple[str, ...]
    assessed_by: tuple[AssessmentSource, ...]
    leaf: int  # index into the plan's leaves, -1 for an item with sub-items
    children: tuple[Node, ...]
    span: tuple[int, int]  # the leaves under it: [first, end)
    starts: tuple[int, ...] = ()  # where each child's leaves start
    capped: bool = False  # a rule of this leaf has a cap


@attrs.frozen
class Plan:
    """A standard prepared for scoring: its nodes, leaves, sources and weights."""

    standard: AssessmentStandard
    nodes: tuple[Node, ...]
    leaves: tuple[Leaf, ...]
    sources: tuple[tuple[AssessmentSource | None, Decimal], ...]
    codes: frozenset[str]  # the unit kinds and codes items apply to

    def unit_key(self, unit: AssessedUnit) -> tuple[str, str]:
        """What decides which items apply to ``unit``: its kind, and its code when an
        item names it."""
        return unit.kind, unit.code if unit.code in self.codes else ""

    def source_index(self, source: AssessmentSource | None) -> int:
        """The index of ``source`` among the weighed sources."""
        for i, (s, _) in enumerate(self.sources):
            if s == source:
                return i
        raise KeyError(source)


def current(dated: Any, day: _dt.date | None, field: str) -> Any:
    """The value of a dated parameter on ``day`` (any day when it always holds)."""
    if not isinstance(dated, Dated):
        return dated
    if day is None:
        if len(dated.periods) == 1 and dated.periods[0].is_default:
            return dated.periods[0].value
        raise PolicyError(
            f"{field} changes over time and no date was given",
            field=field,
            hint="pass on=date, or give the findings a start date",
        )
    return dated.at(day)


def plan(standard: AssessmentStandard, *, rules: object = None, on: _dt.date | None = None) -> Plan:
    """Prepare ``standard`` for scoring (top-level weights from the Policy when it says
    ``weights_from``)."""
    weights: Mapping[str, Decimal] | None = None
    if standard.weights_from is not None:
        if rules is None:
            raise StandardError(
                f"the standard {standard.id!r} takes its weights from "
                f"assessment.{standard.weights_from}",
                field="weights_from",
                hint="pass rules= a Policy or its AssessmentRules (the CLI: --policy FILE)",
            )
        from urbangov.scoring._section import AssessmentRules

        section = AssessmentRules.of(rules)
        weights = current(
            getattr(section, standard.weights_from), on, f"assessment.{standard.weights_from}"
        )
        ids = [i.id for i in standard.items]
        assert weights is not None
        if sorted(weights) != sorted(ids):
            raise StandardError(
                f"assessment.{standard.weights_from} weighs {', '.join(weights)}, "
                f"but the standard's items are {', '.join(ids)}",
                field=f"assessment.{standard.weights_from}",
                hint="give one weight per top-level item of the standard",
            )
        got = sum((weights[i.id] * i.points for i in standard.items if not i.bonus), _ZERO)
        if got != standard.total:
            raise StandardError(
                f"with assessment.{standard.weights_from} the items' points add up to {got}, "
                f"not the total {standard.total}",
                field=f"assessment.{standard.weights_from}",
                hint="make the weights add up to 1 (for items each worth the total)",
            )
    leaves: list[Leaf] = []

    def build(
        items: tuple[Item, ...],
        prefix: str,
        applies: tuple[str, ...],
        assessed: tuple[AssessmentSource, ...],
        top: bool,
    ) -> tuple[Node, ...]:
        out = []
        for item in items:
            path = f"{prefix}.{item.id}" if prefix else item.id
            applies_to = item.applies_to or applies
            assessed_by = item.assessed_by or assessed
            if weights is not None and top:
                weight = weights[item.id]
            else:
                weight = item.weight if item.weight is not None else _ONE
            index = -1
            children: tuple[Node, ...] = ()
            first = len(leaves)
            if item.is_leaf:
                index = len(leaves)
                leaves.append(standard.leaf(path))
            else:
                children = build(item.items, path, applies_to, assessed_by, False)
            span = (first, len(leaves))
            starts = tuple(c.span[0] for c in children)
            capped = any(getattr(r, "cap", None) is not None for r in item.rules)
            out.append(
                Node(
                    path,
                    item,
                    weight,
                    applies_to,
                    assessed_by,
                    index,
                    children,
                    span,
                    starts,
                    capped,
                )
            )
        return tuple(out)

    nodes = build(standard.items, "", (), (), True)
    codes = frozenset(c for leaf in leaves for c in leaf.applies_to)
    sources: tuple[tuple[AssessmentSource | None, Decimal], ...] = (
        tuple(standard.source_weights.items()) if standard.source_weights else ((None, _ONE),)
    )
    return Plan(standard, nodes, tuple(leaves), sources, codes)


# --------------------------------------------------------------------------- score


def score(
    findings: Findings,
    standard: AssessmentStandard,
    *,
    rules: object = None,
    triggers: Iterable[TriggerLike] = (),
    on: _dt.date | None = None,
) -> FrozenMap[str, ScoreSheet]:
    """Score every unit of ``findings`` against ``standard`` (考核评分), exactly.

    Parameters
    ----------
    findings
        What was found (:class:`Findings`, e.g. ``Findings.load(path)``).
    standard
        The standard (:class:`AssessmentStandard`).
    rules
        A Policy, or its ``AssessmentRules``: needed when the standard takes its weights
        from the Policy (``weights_from``).
    triggers
        Escalation triggers to score besides the findings' own (anything with ``unit``,
        ``measure`` and ``rule``).
    on
        The day the Policy's dated values are read at (default: the findings' start).

    Returns
    -------
    FrozenMap[str, ScoreSheet]
        One sheet per unit, by unit code, in the findings' order.

    Raises
    ------
    FindingsError
        For a row the standard cannot score (unknown item, rule, finder or outcome; an
        item that does not apply to the unit), naming the file and the line.

    Examples
    --------
    >>> from decimal import Decimal
    >>> std = AssessmentStandard(id="mini", total=10, items=[{"id": "roads", "points": 10,
    ...     "rules": [{"kind": "per_finding", "found": {"city": Decimal("0.3")},
    ...                "not_fixed": {"city": 1}}]}])
    >>> found = Findings(findings=[
    ...     {"unit": "320105001", "item": "roads", "finder": "city"},
    ...     {"unit": "320105001", "item": "roads", "finder": "city", "stage": "not_fixed"}])
    >>> sheet = score(found, std)["320105001"]
    >>> sheet.total
    Decimal('8.70')
    >>> print(sheet.explain())
    320105001 (320105001), mini: 8.70 of 10
      roads: 8.7 of 10
        -0.3  per_finding: found by city (0.3) — a finding
        -1  per_finding: not_fixed by city (1) — a finding
    """
    if findings.standard and findings.standard != standard.id:
        raise FindingsError(
            f"the findings are for the standard {findings.standard!r}, not {standard.id!r}",
            field="standard",
            file=findings.file,
            hint="score them against their own standard, or change standard = … in the file",
        )
    day = on or findings.start
    the_plan = plan(standard, rules=rules, on=day)
    inputs = _Inputs(the_plan, findings, tuple(triggers))
    units = findings.units
    memo: _Memo = {}
    pre = {u.code: _unit_sheets(the_plan, u, inputs, {}, memo) for u in units}
    if any(isinstance(leaf_rule, RankAdjust) for _, leaf_rule in standard.rules()):
        extra = _rank_lines(the_plan, units, pre)
        pre = {
            u.code: _unit_sheets(the_plan, u, inputs, extra.get(u.code, {}), memo) for u in units
        }
    return FrozenMap({u.code: _combine(the_plan, findings, u, *pre[u.code]) for u in units})


# --------------------------------------------------------------------------- inputs


class _Inputs:
    """Every row of the findings resolved against the plan, by unit and source."""

    __slots__ = ("lines", "missing", "plan")

    def __init__(
        self, the_plan: Plan, findings: Findings, triggers: tuple[TriggerLike, ...]
    ) -> None:
        self.plan = the_plan
        n = len(the_plan.sources)
        # lines[unit][source][leaf] → lines; missing[unit][source][leaf] → reason
        self.lines: dict[str, list[dict[int, list[Line]]]] = defaultdict(
            lambda: [defaultdict(list) for _ in range(n)]
        )
        self.missing: dict[str, list[dict[int, str]]] = defaultdict(lambda: [{} for _ in range(n)])
        units = {u.code: u for u in findings.units}
        self._findings(findings, units)
        self._rates(findings, units)
        self._triggers(findings, triggers, units)

    def targets(
        self,
        leaf: Leaf,
        source: AssessmentSource | None,
        where: dict[str, Any],
        *,
        strict: bool = True,
    ) -> list[int]:
        """The source sheets a row counts in (``strict``: a row about this item, whose
        source must assess it; otherwise a row about the unit, counted where it may)."""
        sources = self.plan.sources
        if sources[0][0] is None:
            return [0]
        if source is None:
            return [
                i
                for i, (s, _) in enumerate(sources)
                if not leaf.assessed_by or s in leaf.assessed_by
            ]
        if source not in self.plan.standard.source_weights:
            raise FindingsError(
                f"the standard does not weigh the source {source.value!r}",
                hint="use one of " + ", ".join(s.value for s, _ in sources if s is not None),
                **where,
            )
        if leaf.assessed_by and source not in leaf.assessed_by:
            if not strict:
                return []
            raise FindingsError(
                f"{leaf.path!r} is not assessed by {source.value!r}",
                hint="it is assessed by " + ", ".join(s.value for s in leaf.assessed_by),
                **where,
            )
        return [self.plan.source_index(source)]

    def _findings(self, findings: Findings, units: Mapping[str, AssessedUnit]) -> None:
        std = self.plan.standard
        leaves = self.plan.leaves
        index = {leaf.path: i for i, leaf in enumerate(leaves)}
        # per distinct (item, rule, stage, finder, outcome, case source): the leaf, its
        # signed points and the line's words, resolved once
        cache: dict[tuple[Any, ...], tuple[int, Leaf, str, str, Decimal, str]] = {}
        lines = self.lines
        pooled = len(self.plan.sources) == 1
        checked: set[tuple[int, str]] = set()  # (leaf, unit) pairs known to apply
        for n, f in enumerate(findings.findings):
            # enum members and None are singletons: their ids hash faster than they do
            key = (f.item, f.rule, f.finder, f.outcome, id(f.stage), id(f.case_source))
            hit = cache.get(key)
            if hit is None:
                where = self._where(findings, "findings", n, f.line)
                leaf_i, rule, price, reason = _resolve(f, std, index, where)
                leaf = leaves[leaf_i]
                signed = price if leaf.item.bonus else -price
                hit = cache[key] = (leaf_i, leaf, rule.id, rule.kind, signed, reason)
            leaf_i, leaf, rule_id, kind, points, reason = hit
            if leaf.applies_to and (leaf_i, f.unit) not in checked:
                unit = units[f.unit]
                if not unit.matches(leaf.applies_to):
                    raise FindingsError(
                        f"{leaf.path!r} does not apply to {unit.label} ({unit.kind})",
                        hint="it applies to " + ", ".join(leaf.applies_to),
                        **self._where(findings, "findings", n, f.line),
                    )
                checked.add((leaf_i, f.unit))
            if f.count != 1:
                points, reason = points * f.count, f"{reason} × {f.count}"
            line = Line(leaf.path, rule_id, kind, points, reason, f)
            if pooled:
                lines[f.unit][0][leaf_i].append(line)
                continue
            for s in self.targets(leaf, f.source, self._where(findings, "findings", n, f.line)):
                lines[f.unit][s][leaf_i].append(line)

    @staticmethod
    def _where(findings: Findings, table: str, n: int, line: int | None) -> dict[str, Any]:
        return {"field": f"{table}[{n}]", "file": findings.file, "line": line}

    def _rates(self, findings: Findings, units: Mapping[str, AssessedUnit]) -> None:
        std = self.plan.standard
        by_unit: dict[str, list[tuple[str, int, Any]]] = defaultdict(list)
        for table in ("kpis", "tallies", "marks"):
            for n, row in enumerate(getattr(findings, table)):
                by_unit[row.unit].append((table, n, row))
        for n, mark in enumerate(findings.marks):
            leaf = leaf_of(std, mark.item, self._where(findings, "marks", n, mark.line))
            if not any(isinstance(r, Given) for r in leaf.item.rules):
                raise FindingsError(
                    f"{mark.item!r} has no given rule, so it takes no mark",
                    hint='record marks only for items whose rule is kind = "given"',
                    **self._where(findings, "marks", n, mark.line),
                )
        for i, leaf in enumerate(self.plan.leaves):
            rated = [
                r
                for r in leaf.item.rules
                if isinstance(r, RateTarget | RateLinear | RateBands | Given)
            ]
            if not rated:
                continue
            for unit in findings.units:
                if not unit.matches(leaf.applies_to):
                    continue
                rows = by_unit.get(unit.code, [])
                for s, (source, _) in enumerate(self.plan.sources):
                    if source is not None and leaf.assessed_by and source not in leaf.assessed_by:
                        continue
                    for rule in rated:
                        self._rate(leaf, i, rule, unit, s, rows, findings)

    def _rate(
        self,
        leaf: Leaf,
        i: int,
        rule: Rule,
        unit: AssessedUnit,
        s: int,
        rows: list[tuple[str, int, Any]],
        findings: Findings,
    ) -> None:
        std = self.plan.standard
        places = std.places
        chosen = [
            (table, n, row)
            for table, n, row in rows
            if _reads(rule, table, row, leaf)
            and s
            in self.targets(
                leaf, row.source, self._where(findings, table, n, row.line), strict=table == "marks"
            )
        ]
        out = self.lines[unit.code][s][i]
        rates: list[tuple[str, int, Any, Fraction | None]] = []
        for table, n, row in chosen:
            if table == "marks":
                rates.append((table, n, row, None))
                continue
            rated = typing.cast(RateTarget, rule)
            rate = (
                row.rate
                if table == "tallies"
                else rate_of(row.counts, str(rated.rate), exclude_suspended=rated.exclude_suspended)
            )
            if rate is not None:
                rates.append((table, n, row, rate))
        if not rates:
            what = (
                "mark" if isinstance(rule, Given) else typing.cast(RateTarget, rule).describe_rate()
            )
            if std.missing == "no_data":
                self.missing[unit.code][s][i] = f"{leaf.path}: no {what}"
            else:
                out.append(
                    Line(
                        leaf.path,
                        rule.id,
                        rule.kind,
                        _ZERO,
                        f"no {what}: nothing deducted (missing = full)",
                    )
                )
            return
        if isinstance(rule, RateLinear | Given) and len(rates) > 1:
            table, n, row, _ = rates[1]
            raise FindingsError(
                f"{leaf.path!r} reads one {'mark' if isinstance(rule, Given) else 'record'} "
                f"per unit, and {unit.label} has {len(rates)}",
                hint="give one row per unit and source",
                **self._where(findings, table, n, row.line),
            )
        for table, n, row, rate in rates:
            line = _rate_line(rule, leaf, rate, row, places)
            if isinstance(rule, Given):
                _check_mark(row.value, leaf.item, places, self._where(findings, table, n, row.line))
            if line is not None:
                out.append(line)

    def _triggers(
        self, findings: Findings, extra: tuple[TriggerLike, ...], units: Mapping[str, AssessedUnit]
    ) -> None:
        priced = [
            (i, leaf, r)
            for i, leaf in enumerate(self.plan.leaves)
            for r in leaf.item.rules
            if isinstance(r, PerTrigger)
        ]
        every: list[tuple[int, Any]] = list(enumerate(findings.triggers)) + [(-1, t) for t in extra]
        if not every:
            return
        for n, trigger in every:
            code = str(trigger.unit)
            unit = units.get(code)
            if unit is None:
                if n < 0:
                    continue  # a trigger of a unit this assessment does not cover
                raise FindingsError(
                    f"{code!r} is no unit of the findings",
                    field=f"triggers[{n}].unit",
                    file=findings.file,
                    line=getattr(trigger, "line", None),
                )
            for i, leaf, rule in priced:
                if not unit.matches(leaf.applies_to):
                    continue
                price = rule.price(trigger.measure)
                if price is None:
                    continue
                measure = str(getattr(trigger.measure, "value", trigger.measure))
                line = Line(leaf.path, rule.id, rule.kind, -price, f"{measure} ({price})", trigger)
                source = getattr(trigger, "source", None)
                where = self._where(findings, "triggers", n, getattr(trigger, "line", None))
                for s in self.targets(leaf, source, where, strict=False):
                    self.lines[code][s][i].append(line)


def _reads(rule: Rule, table: str, row: Any, leaf: Leaf) -> bool:
    if isinstance(rule, Given):
        return table == "marks" and row.item == leaf.path
    if table == "kpis":
        return getattr(rule, "rate", None) is not None and bool(
            row.subset == getattr(rule, "subset", None)
        )
    if table == "tallies":
        return bool(getattr(rule, "tally", None) == row.name)
    return False


def _check_mark(value: Decimal, item: Item, places: int, where: dict[str, Any]) -> None:
    if not item.floor <= value <= item.points:
        raise FindingsError(
            f"the mark {value} is outside the item's [{item.floor}, {item.points}]",
            hint="give a mark within the item's points",
            **where,
        )
    if decimals(value) > places:
        raise FindingsError(
            f"the mark {value} has more decimals than the standard's places ({places})",
            hint="round it as the method publishes it",
            **where,
        )


def _pct(rate: Fraction) -> str:
    return f"{percent(rate)}%"


def _rate_line(rule: Rule, leaf: Leaf, rate: Fraction | None, row: Any, places: int) -> Line | None:
    item = leaf.item
    if isinstance(rule, Given):
        return Line(
            leaf.path, rule.id, rule.kind, row.value - item.points, f"marked {row.value}", row
        )
    assert rate is not None
    what = rule.describe_rate()  # type: ignore[union-attr]
    if isinstance(rule, RateTarget):
        short = rule.shortfall(rate)
        if not short:
            return Line(
                leaf.path,
                rule.id,
                rule.kind,
                _ZERO,
                f"{what} {_pct(rate)} meets {rule.target_percent}%",
                row,
            )
        points = half_up(short * Fraction(rule.per_point), places)
        sign = "<" if rule.direction == "at_least" else ">"
        return Line(
            leaf.path,
            rule.id,
            rule.kind,
            -points,
            f"{what} {_pct(rate)} {sign} {rule.target_percent}%: "
            f"{half_up(short, 4).normalize()} points × {rule.per_point}",
            row,
        )
    if isinstance(rule, RateLinear):
        value = half_up(rule.value(rate), places)
        return Line(
            leaf.path,
            rule.id,
            rule.kind,
            value - item.points,
            f"{what} {_pct(rate)}: clamp({rule.base} + {rule.per_point} × rate%, "
            f"{rule.min}, {rule.max}) = {value}",
            row,
        )
    if isinstance(rule, RateBands):
        band = rule.band(rate)
        if band is None:
            return None
        return Line(
            leaf.path,
            rule.id,
            rule.kind,
            -band.deduct,
            f"{what} {_pct(rate)} {band.describe()} ({band.deduct})",
            row,
        )
    raise AssertionError(rule)  # pragma: no cover


def leaf_of(std: AssessmentStandard, path: str, where: Mapping[str, Any]) -> Leaf:
    """The leaf a row names, or a FindingsError naming the row's field, file and line."""
    try:
        return std.leaf(path, error=FindingsError, field=f"{where['field']}.item")
    except FindingsError as exc:
        raise FindingsError(
            exc.message, field=exc.field, file=where["file"], line=where["line"], hint=exc.hint
        ) from None


def _resolve(
    f: Finding, std: AssessmentStandard, index: Mapping[str, int], where: dict[str, Any]
) -> tuple[int, Rule, Decimal, str]:
    """The leaf, rule, price and reason of a finding (checked against the standard)."""
    leaf = leaf_of(std, f.item, where)
    taking = [r for r in leaf.item.rules if isinstance(r, PerFinding | PerCase)]
    at = {**where, "field": f"{where['field']}.rule"}
    if f.rule is not None:
        rule = next((r for r in taking if r.id == f.rule), None)
        if rule is None:
            raise FindingsError(
                f"{leaf.path!r} has no finding rule {f.rule!r}",
                hint=did_you_mean(f.rule, [r.id for r in taking])
                if taking
                else "its rules take no findings",
                **at,
            )
    elif len(taking) == 1:
        rule = taking[0]
    elif not taking:
        kinds = ", ".join(r.kind for r in leaf.item.rules)
        raise FindingsError(
            f"{leaf.path!r} takes no findings (its rules: {kinds})",
            hint="report its data as kpis, tallies, marks or triggers",
            **at,
        )
    else:
        raise FindingsError(
            f"{leaf.path!r} has several finding rules",
            hint="name one: rule = " + " or ".join(repr(r.id) for r in taking),
            **at,
        )
    if isinstance(rule, PerFinding):
        price = rule.price(f.stage, f.finder)
        if price is None:
            table = rule.prices(f.stage)
            hint = (
                f"finders priced at {f.stage.value}: {', '.join(table)}"
                if table
                else f"this rule does not price {f.stage.value}"
            )
            raise FindingsError(
                f"{leaf.path!r} does not price {f.stage.value} by {f.finder!r}",
                hint=hint,
                **{**where, "field": f"{where['field']}.finder"},
            )
        reason = f"{f.stage.value} by {f.finder or 'anyone'} ({price})"
    else:
        if f.outcome is None or f.outcome not in rule.outcomes:
            shown = "no outcome" if f.outcome is None else f"the outcome {f.outcome!r}"
            raise FindingsError(
                f"{leaf.path!r} does not price {shown}",
                hint=did_you_mean(f.outcome or "", rule.outcomes),
                **{**where, "field": f"{where['field']}.outcome"},
            )
        if rule.sources and f.case_source not in rule.sources:
            raise FindingsError(
                f"{leaf.path!r} takes only cases from {', '.join(s.value for s in rule.sources)}",
                hint="give case_source = one of them, or report it under another item",
                **{**where, "field": f"{where['field']}.case_source"},
            )
        price = rule.outcomes[f.outcome]
        reason = f"{f.outcome} ({price})"
    factor = rule.multiplier(f.case_source)
    if factor != _ONE:
        assert f.case_source is not None
        reason += f" × {factor} ({f.case_source.value} {f.case_source.chinese})"
    return index[leaf.path], rule, price * factor, reason


# --------------------------------------------------------------------------- trees


_Memo = dict[tuple[int, tuple[tuple[str, str], int]], Any]
"""Items with no line under them, by path, unit key and source: the same for every unit
of a kind (scored once, shared: they are frozen values)."""


def _unit_sheets(
    the_plan: Plan,
    unit: AssessedUnit,
    inputs: _Inputs,
    extra: Mapping[int, Sequence[tuple[int, Line]]],
    memo: _Memo,
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
    memo: _Memo
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
        mine = list(lines.get(node.leaf, ()))
        if node.capped:
            _caps(item, mine, node.path)
        base = _ZERO if item.bonus else item.points
        total = base + sum((line.points for line in mine), _ZERO)
        total = _clamp(total, item.floor, item.points, node.path, mine)
        found: Decimal | None = None if node.leaf in gaps else total
        return ItemScore(
            node.path, item.name, item.points, found, node.weight, item.bonus, tuple(mine)
        )
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


def _rank_lines(
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


def _combine(
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
