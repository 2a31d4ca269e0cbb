"""Every row of the findings resolved against a standard's plan, as lines by unit,
source and leaf (private; an implementation detail of scoring)."""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from urbangov.errors import FindingsError
from urbangov.kpi import percent
from urbangov.params import did_you_mean
from urbangov.scoring._findings import AssessedUnit, Finding, TriggerLike
from urbangov.scoring._findings_files import Findings
from urbangov.scoring._items import Item
from urbangov.scoring._numbers import decimals, half_up
from urbangov.scoring._plan import Plan
from urbangov.scoring._rates import RateBands, RateLinear, RateTarget, rate_of
from urbangov.scoring._rules import Given, PerCase, PerFinding, PerTrigger, Rule
from urbangov.scoring._sheets import Line
from urbangov.scoring._standard import AssessmentStandard, Leaf
from urbangov.scoring._terms import AssessmentSource

__all__ = ["Inputs", "check_mark", "leaf_of", "resolve_finding"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


class Inputs:
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
                leaf_i, rule, price, reason = resolve_finding(f, std, index, where)
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
                check_mark(row.value, leaf.item, places, self._where(findings, table, n, row.line))
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


def check_mark(value: Decimal, item: Item, places: int, where: dict[str, Any]) -> None:
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
            f"{half_up(short, 4).normalize():f} points × {rule.per_point}",
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


def resolve_finding(
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
