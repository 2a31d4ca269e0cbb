"""The batch path of scoring: findings as columns, points in int64 fixed point
(private; :mod:`urbangov.scoring` re-exports).

Every price, floor and mark is a whole number of ``10**-places`` points (the standard
checks it), so a finding's points are exact integers; rate lines are rounded half-up in
integer arithmetic; weights and normalisation are carried as exact integer ratios. The
totals equal :func:`~urbangov.scoring.score`'s exactly (Hypothesis checks it).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from urbangov.errors import FindingsError
from urbangov.scoring._columns import (
    ASSESSMENT_SOURCES,
    CASE_SOURCES,
    BatchScores,
    FindingColumns,
    entries,
)
from urbangov.scoring._numbers import decimals
from urbangov.scoring._plan import Node, Plan, plan
from urbangov.scoring._rates import KPI_RATES, RateBands, RateLinear, RateTarget
from urbangov.scoring._rules import Given, PerTrigger, RankAdjust, Rule
from urbangov.scoring._standard import AssessmentStandard

__all__ = ["score_batch"]

_BIG = 2**53  # float64 sums of integers are exact below this


# --------------------------------------------------------------------------- scoring


def _scaled(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    assert scaled == scaled.to_integral_value(), (value, places)
    return int(scaled)


def _frac(value: Decimal) -> tuple[int, int]:
    f = Fraction(value)
    return f.numerator, f.denominator


def _round(num: NDArray[Any], den: NDArray[Any] | int, places: int) -> NDArray[Any]:
    """num / den rounded half away from zero to ``places`` decimals, as an integer count
    of ``10**-places`` (den > 0; exact, also for object arrays)."""
    scaled = num * 10**places
    whole = (2 * abs(scaled) + den) // (2 * den)
    out: NDArray[Any] = np.where(scaled < 0, -whole, whole)
    return out


class _Batch:
    """The arrays of one batch scoring (an implementation detail of score_batch)."""

    def __init__(self, the_plan: Plan, cols: FindingColumns) -> None:
        self.plan = the_plan
        self.cols = cols
        std = the_plan.standard
        self.places = std.places
        self.scale = 10**std.places
        self.U = len(cols.units)
        self.S = len(the_plan.sources)
        leaves = the_plan.leaves
        self.rules: list[tuple[int, Rule]] = [
            (i, r) for i, leaf in enumerate(leaves) for r in leaf.item.rules
        ]
        self.R = len(self.rules)
        self.leaf_start = np.array(
            [0, *np.cumsum([len(leaf.item.rules) for leaf in leaves])[:-1]], dtype=np.int64
        )
        kinds = np.array([u.kind for u in cols.units], dtype=object)
        codes = np.array([u.code for u in cols.units], dtype=object)
        self.unit_ok = np.ones((self.U, len(leaves)), dtype=np.bool_)
        for i, leaf in enumerate(leaves):
            if leaf.applies_to:
                wanted = list(leaf.applies_to)
                self.unit_ok[:, i] = np.isin(kinds, wanted) | np.isin(codes, wanted)
        self.source_ok = np.ones((self.S, len(leaves)), dtype=np.bool_)
        for s, (source, _) in enumerate(the_plan.sources):
            for i, leaf in enumerate(leaves):
                if source is not None and leaf.assessed_by and source not in leaf.assessed_by:
                    self.source_ok[s, i] = False
        self.sums = np.zeros((self.S, self.U, self.R), dtype=np.int64)
        self.has = np.zeros((self.S, self.U, self.R), dtype=np.int64)

    # ------------------------------------------------------------------ lines

    def add(
        self,
        s: NDArray[np.int64] | int,
        u: NDArray[np.int64],
        r: NDArray[np.int64],
        points: NDArray[Any],
        *,
        count: bool = True,
    ) -> None:
        """Add signed integer points at (source, unit, rule); ``count`` the lines too
        (rate rules need to know which units have data)."""
        if len(points) == 0:
            return
        key = (s * self.U + u) * self.R + r if not isinstance(s, int) or s else u * self.R + r
        size = self.S * self.U * self.R
        pts = np.asarray(points, dtype=np.int64)
        if int(np.abs(pts).sum()) < _BIG:
            flat = np.bincount(key, weights=pts.astype(np.float64), minlength=size)
            self.sums += flat.astype(np.int64).reshape(self.S, self.U, self.R)
        else:  # pragma: no cover - beyond 2**53 points
            flat_i = np.zeros(size, dtype=np.int64)
            np.add.at(flat_i, key, pts)
            self.sums += flat_i.reshape(self.S, self.U, self.R)
        if count:
            self.has += np.bincount(key, minlength=size).reshape(self.S, self.U, self.R)

    def targets(
        self, leaf: NDArray[np.int64], source: NDArray[np.int64], *, strict: bool = True
    ) -> list[tuple[int, NDArray[np.bool_]]]:
        """For each source sheet, which rows count in it (``strict``: rows about their
        item, whose source must assess it)."""
        if self.S == 1 and self.plan.sources[0][0] is None:
            return [(0, np.ones(len(leaf), dtype=np.bool_))]
        weighed = {self.plan.sources[s][0]: s for s in range(self.S)}
        mapped = np.full(len(ASSESSMENT_SOURCES) + 1, -2, dtype=np.int64)
        mapped[0] = -1
        for k, a in enumerate(ASSESSMENT_SOURCES):
            mapped[k + 1] = weighed.get(a, -2)
        where = mapped[source + 1]
        if (where == -2).any():
            bad = ASSESSMENT_SOURCES[int(source[np.flatnonzero(where == -2)[0]])]
            raise FindingsError(
                f"the standard does not weigh the source {bad.value!r}", field="source"
            )
        out = []
        for s in range(self.S):
            mask = ((where == s) | (where == -1)) & self.source_ok[s, leaf]
            if strict and ((where == s) & ~self.source_ok[s, leaf]).any():
                raise FindingsError(
                    f"a row names the source {self.plan.sources[s][0]} for an item it does "
                    "not assess",
                    field="source",
                )
            out.append((s, mask))
        return out

    def findings(self) -> None:
        cols = self.cols
        table = entries(self.plan.standard)
        if len(cols.entry) and (cols.entry.min() < 0 or cols.entry.max() >= len(table)):
            raise FindingsError(
                "an entry code is outside the standard's entries",
                field="entry",
                hint="codes index entries(standard)",
            )
        if len(cols.unit) and (cols.unit.min() < 0 or cols.unit.max() >= self.U):
            raise FindingsError(
                "a unit code is outside units", field="unit", hint="codes index units"
            )
        if len(cols.count) and cols.count.min() < 1:
            raise FindingsError("a count is below 1", field="count", hint="give counts ≥ 1")
        rule_of = {(self.plan.leaves[i].path, r.id): g for g, (i, r) in enumerate(self.rules)}
        e_rule = np.array([rule_of[(e.leaf, e.rule)] for e in table], dtype=np.int64)
        e_leaf = np.array([self.rules[g][0] for g in e_rule], dtype=np.int64)
        e_price = np.array([_scaled(e.price, self.places) for e in table], dtype=np.int64)
        mult = np.ones((self.R, len(CASE_SOURCES) + 1), dtype=np.int64)
        mult_scale = 1
        factors = [f for _, r in self.rules for f in getattr(r, "multipliers", {}).values()]
        mult_places = max((decimals(f) for f in factors), default=0)
        mult_scale = 10**mult_places
        mult *= mult_scale
        for g, (_, r) in enumerate(self.rules):
            for src, factor in getattr(r, "multipliers", {}).items():
                mult[g, CASE_SOURCES.index(src) + 1] = _scaled(factor, mult_places)
        rule = e_rule[cols.entry]
        leaf = e_leaf[cols.entry]
        if not self.unit_ok.all():
            wrong = ~self.unit_ok[cols.unit, leaf]
            if wrong.any():
                n = int(np.flatnonzero(wrong)[0])
                path = self.plan.leaves[int(leaf[n])].path
                raise FindingsError(
                    f"{path!r} does not apply to {cols.units[int(cols.unit[n])].label}",
                    field=f"findings[{n}]",
                )
        bonus = np.array([leaf_.item.bonus for leaf_ in self.plan.leaves], dtype=np.bool_)
        signed = np.where(bonus[e_leaf], e_price, -e_price)  # per entry
        pooled = self.S == 1 and self.plan.sources[0][0] is None
        plain = not factors or not (cols.case_source >= 0).any()
        if pooled and plain and len(table):
            # count findings per (unit, entry), then price the counts: no per-finding
            # arithmetic beyond one key
            size = self.U * len(table)
            key = cols.unit * len(table) + cols.entry
            ones = not (cols.count != 1).any()
            counted = np.bincount(
                key, weights=None if ones else cols.count.astype(np.float64), minlength=size
            )
            per_entry = counted.astype(np.int64).reshape(self.U, len(table)) * signed
            starts = np.flatnonzero(np.r_[True, e_rule[1:] != e_rule[:-1]])
            self.sums[0][:, e_rule[starts]] += np.add.reduceat(per_entry, starts, axis=1)
            return
        if factors and (cols.case_source >= 0).any():
            points = signed[cols.entry] * mult[rule, cols.case_source + 1] // mult_scale
        else:
            points = signed[cols.entry]
        if (cols.count != 1).any():
            points = points * cols.count
        if pooled:
            self.add(0, cols.unit, rule, points, count=False)
            return
        for s, mask in self.targets(leaf, cols.source):
            self.add(s, cols.unit[mask], rule[mask], points[mask], count=False)

    def rates(self) -> None:
        """KPI, tally and mark lines (the rows are few: per unit and period)."""
        cols = self.cols
        codes = {u.code: i for i, u in enumerate(cols.units)}
        for g, (i, rule) in enumerate(self.rules):
            if not isinstance(rule, RateTarget | RateLinear | RateBands | Given):
                continue
            leaf = self.plan.leaves[i]
            if isinstance(rule, Given):
                rows = [m for m in cols.marks if m.item == leaf.path]
                n = np.array([_scaled(m.value, self.places) for m in rows], dtype=np.int64)
                d = np.ones(len(rows), dtype=np.int64)
            elif rule.rate is not None:
                rows = [k for k in cols.kpis if k.subset == rule.subset]
                top, bottom = KPI_RATES[rule.rate]
                n = np.array([getattr(k.counts, top) for k in rows], dtype=np.int64)
                d = np.array([getattr(k.counts, bottom) for k in rows], dtype=np.int64)
                if rule.exclude_suspended:
                    d = d - np.array([k.counts.suspended for k in rows], dtype=np.int64)
            else:
                rows = [t for t in cols.tallies if t.name == rule.tally]
                n = np.array([t.count for t in rows], dtype=np.int64)
                d = np.array([t.of for t in rows], dtype=np.int64)
            unit = np.array([codes[r.unit] for r in rows], dtype=np.int64)
            src = np.array(
                [-1 if r.source is None else ASSESSMENT_SOURCES.index(r.source) for r in rows],
                dtype=np.int64,
            )
            valid = (d > 0) & self.unit_ok[unit, i] if len(rows) else np.zeros(0, dtype=np.bool_)
            points = self._rate_points(rule, leaf.item, n, d)
            strict = isinstance(rule, Given)
            for s, mask in self.targets(np.full(len(rows), i, dtype=np.int64), src, strict=strict):
                pick = mask & valid
                self.add(
                    np.full(int(pick.sum()), s, dtype=np.int64),
                    unit[pick],
                    np.full(int(pick.sum()), g, dtype=np.int64),
                    points[pick],
                )
            if isinstance(rule, RateLinear | Given):
                many = self.has[:, :, g] > 1
                if many.any():
                    u = int(np.argwhere(many)[0][1])
                    raise FindingsError(
                        f"{leaf.path!r} reads one record per unit, and {cols.units[u].label} "
                        "has several",
                        field="marks" if isinstance(rule, Given) else "kpis",
                    )

    def _rate_points(
        self, rule: Rule, item: Any, n: NDArray[np.int64], d: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Each record's signed points (integers of 10**-places), exactly."""
        if len(n) == 0:
            return np.zeros(0, dtype=np.int64)
        points_scaled = _scaled(item.points, self.places)
        if isinstance(rule, Given):
            return n - points_scaled
        safe = np.where(d > 0, d, 1).astype(object)
        top = n.astype(object)
        if isinstance(rule, RateTarget):
            a, b = _frac(rule.target_percent)
            pn, pd = _frac(rule.per_point)
            gap = a * safe - 100 * b * top
            if rule.direction == "at_most":
                gap = -gap
            gap = np.where(gap > 0, gap, 0)
            return -_round(gap * pn, b * safe * pd, self.places).astype(np.int64)
        if isinstance(rule, RateLinear):
            bn, bd = _frac(rule.base)
            pn, pd = _frac(rule.per_point)
            num = bn * pd * safe + 100 * pn * bd * top
            den = bd * pd * safe
            lo_n, lo_d = _frac(rule.min)
            hi_n, hi_d = _frac(rule.max)
            value = _round(num, den, self.places)
            value = np.where(num * hi_d > hi_n * den, _scaled(rule.max, self.places), value)
            value = np.where(num * lo_d < lo_n * den, _scaled(rule.min, self.places), value)
            return (value - points_scaled).astype(np.int64)
        assert isinstance(rule, RateBands)
        out = np.zeros(len(n), dtype=np.int64)
        for band in reversed(rule.bands):
            bn, bd = _frac(band.bound)
            lhs = 100 * top * bd
            rhs = bn * safe
            holds = lhs <= rhs if band.at_most_percent is not None else lhs < rhs
            out = np.where(holds.astype(bool), -_scaled(band.deduct, self.places), out)
        return out

    def triggers(self) -> None:
        cols = self.cols
        codes = {u.code: i for i, u in enumerate(cols.units)}
        for g, (i, rule) in enumerate(self.rules):
            if not isinstance(rule, PerTrigger):
                continue
            rows = [t for t in cols.triggers if rule.price(t.measure) is not None]
            unit = np.array([codes[str(t.unit)] for t in rows], dtype=np.int64)
            src = np.array(
                [
                    -1 if getattr(t, "source", None) is None else ASSESSMENT_SOURCES.index(t.source)
                    for t in rows
                ],
                dtype=np.int64,
            )
            points = np.array(
                [-_scaled(rule.price(t.measure) or Decimal(0), self.places) for t in rows],
                dtype=np.int64,
            )
            ok = self.unit_ok[unit, i] if len(rows) else np.zeros(0, dtype=np.bool_)
            for s, mask in self.targets(np.full(len(rows), i, dtype=np.int64), src, strict=False):
                pick = mask & ok
                self.add(
                    np.full(int(pick.sum()), s, dtype=np.int64),
                    unit[pick],
                    np.full(int(pick.sum()), g, dtype=np.int64),
                    points[pick],
                )

    # ------------------------------------------------------------------ trees

    def leaf_scores(self, sums: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Leaf scores (S, U, L) at 10**-places, and which lack data."""
        capped = sums.copy()
        for g, (_, rule) in enumerate(self.rules):
            cap = getattr(rule, "cap", None)
            if cap is not None:
                c = _scaled(cap, self.places)
                capped[:, :, g] = np.clip(capped[:, :, g], -c, c)
        per_leaf = np.add.reduceat(capped, self.leaf_start, axis=2) if self.R else capped
        leaves = self.plan.leaves
        base = np.array(
            [0 if lf.item.bonus else _scaled(lf.item.points, self.places) for lf in leaves],
            dtype=np.int64,
        )
        floor = np.array([_scaled(lf.item.floor, self.places) for lf in leaves], dtype=np.int64)
        top = np.array([_scaled(lf.item.points, self.places) for lf in leaves], dtype=np.int64)
        values = np.clip(base + per_leaf, floor, top)
        missing = np.zeros(values.shape, dtype=np.bool_)
        if self.plan.standard.missing == "no_data":
            for g, (i, rule) in enumerate(self.rules):
                if isinstance(rule, RateTarget | RateLinear | RateBands | Given):
                    lacking = (
                        (self.has[:, :, g] == 0)
                        & self.unit_ok[None, :, i]
                        & self.source_ok[:, None, i]
                    )
                    missing[:, :, i] |= lacking
        return values, missing

    def tree(
        self, values: NDArray[np.int64], missing: NDArray[np.bool_]
    ) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.bool_], int]:
        """The root's raw score, maximum (both at 10**-e), no-data mask and e."""
        parts = [self.node(n, values, missing) for n in self.plan.nodes]
        return self.combine(parts, None)

    def node(
        self, node: Node, values: NDArray[np.int64], missing: NDArray[np.bool_]
    ) -> tuple[Any, Any, Any, Any, int, Node]:
        if node.leaf >= 0:
            ok = self.unit_ok[None, :, node.leaf] & self.source_ok[:, None, node.leaf]
            ok = np.broadcast_to(ok, (self.S, self.U))
            top = np.full((self.S, self.U), _scaled(node.item.points, self.places), dtype=np.int64)
            return (
                values[:, :, node.leaf],
                top,
                ok,
                missing[:, :, node.leaf] & ok,
                self.places,
                node,
            )
        parts = [self.node(c, values, missing) for c in node.children]
        value, maximum, nodata, e = self.combine(parts, node)
        ok = np.zeros((self.S, self.U), dtype=np.bool_)
        for p in parts:
            ok |= p[2]
        return value, maximum, ok, nodata, e, node

    def combine(
        self, parts: list[tuple[Any, Any, Any, Any, int, Node]], node: Node | None
    ) -> tuple[Any, Any, Any, int]:
        """Weighted sum of the applicable regular children, clamped, plus bonus ones."""
        dw = max((decimals(p[5].weight) for p in parts), default=0)
        e = max((p[4] for p in parts), default=self.places) + dw
        shape = (self.S, self.U)
        factors = [_scaled(p[5].weight, dw) * 10 ** (e - dw - p[4]) for p in parts]
        # int64 when no sum can overflow it, Python ints otherwise
        bound = sum(
            f * max(int(np.abs(p[0]).max(initial=0)), int(np.abs(p[1]).max(initial=0)))
            for f, p in zip(factors, parts, strict=True)
        )
        kind: Any = np.int64 if bound < 2**62 else object
        value = np.zeros(shape, dtype=kind)
        maximum = np.zeros(shape, dtype=kind)
        bonus = np.zeros(shape, dtype=kind)
        nodata = np.zeros(shape, dtype=np.bool_)
        for (v, top, ok, nd, _ce, child), w in zip(parts, factors, strict=True):
            contribution = np.where(ok, v.astype(kind) * w, 0)
            if child.item.bonus:
                bonus = bonus + contribution
            else:
                value = value + contribution
                maximum = maximum + np.where(ok, top.astype(kind) * w, 0)
            nodata |= nd & ok
        if node is None:
            value = np.maximum(value, 0)
        else:
            floor = _scaled(node.item.floor, self.places) * 10 ** (e - self.places)
            value = np.where(value > maximum, maximum, np.where(value < floor, floor, value))
        return value + bonus, maximum, nodata, e

    def exact(
        self, value: NDArray[Any], maximum: NDArray[Any], nodata: NDArray[np.bool_], e: int
    ) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.bool_]]:
        """Each sheet's exact total as numerator / denominator (S, U)."""
        std = self.plan.standard
        empty = maximum == 0
        if std.normalise:
            tn, td = _frac(std.total)
            num = value * tn
            den = np.where(empty, 1, maximum) * td
        else:
            num = value
            den = np.full(value.shape, 10**e, dtype=object)
        return num, den, nodata | empty


def score_batch(
    columns: FindingColumns,
    standard: AssessmentStandard,
    *,
    rules: object = None,
    on: _dt.date | None = None,
) -> BatchScores:
    """Score findings given as columns (the batch path of :func:`score`): the same
    totals, exactly, in int64 fixed point, without a line per finding.

    Examples
    --------
    >>> from urbangov.scoring import Findings, score
    >>> std = AssessmentStandard.bundled("digital_city_management")
    >>> f = Findings(findings=[{"unit": "u1", "item": "rework", "outcome": "sent_back",
    ...                         "count": 3}])
    >>> score_batch(FindingColumns.from_findings(f, std), std).totals() == {
    ...     c: s.total for c, s in score(f, std).items()}
    True
    """
    the_plan = plan(standard, rules=rules, on=on)
    batch = _Batch(the_plan, columns)
    batch.findings()
    batch.rates()
    batch.triggers()
    no_data_unit = np.array([u.no_data for u in columns.units], dtype=np.bool_)
    values, missing = batch.leaf_scores(batch.sums)
    raw, maximum, nodata, e = batch.tree(values, missing)
    num, den, lacking = batch.exact(raw, maximum, nodata, e)
    if any(isinstance(r, RankAdjust) for _, r in batch.rules):
        num, den, lacking = _ranked(batch, num, den, lacking, no_data_unit, e)
    weights = [Fraction(w) for _, w in the_plan.sources]
    total_num = np.zeros(batch.U, dtype=object)
    total_den = np.ones(batch.U, dtype=object)
    for s, w in enumerate(weights):
        # total += w × num_s / den_s
        total_num = total_num * den[s] * w.denominator + num[s] * w.numerator * total_den
        total_den = total_den * den[s] * w.denominator
    none = lacking.any(axis=0) | no_data_unit
    safe_den = np.where(total_den == 0, 1, total_den)
    rounded = _round(total_num, safe_den, standard.places)
    total = np.where(none, 0, rounded).astype(np.int64)
    total.setflags(write=False)
    none.setflags(write=False)
    return BatchScores(columns.units, standard.places, total, none, total_num, safe_den)


def _ranked(
    batch: _Batch,
    num: NDArray[Any],
    den: NDArray[Any],
    lacking: NDArray[np.bool_],
    no_data_unit: NDArray[np.bool_],
    e: int,
) -> tuple[Any, Any, Any]:
    """Add the rank-adjustment lines and score again."""
    from urbangov.scoring._rank import competition_ranks

    places = batch.places
    groups: dict[str, list[int]] = {}
    for u, unit in enumerate(batch.cols.units):
        groups.setdefault(unit.group, []).append(u)
    for g, (i, rule) in enumerate(batch.rules):
        if not isinstance(rule, RankAdjust):
            continue
        s_list, u_list, p_list = [], [], []
        for s in range(batch.S):
            for members in groups.values():
                scores = {
                    str(u): Fraction(
                        int(_round(np.array([num[s, u]], dtype=object), int(den[s, u]), places)[0])
                    )
                    for u in members
                    if not lacking[s, u] and not no_data_unit[u]
                }
                for key, r in competition_ranks(scores).items():
                    u = int(key)
                    if batch.unit_ok[u, i] and batch.source_ok[s, i]:
                        s_list.append(s)
                        u_list.append(u)
                        p_list.append(_scaled(rule.points(r), places))
        batch.add(
            np.array(s_list, dtype=np.int64),
            np.array(u_list, dtype=np.int64),
            np.full(len(s_list), g, dtype=np.int64),
            np.array(p_list, dtype=np.int64),
        )
    values, missing = batch.leaf_scores(batch.sums)
    raw, maximum, nodata, e2 = batch.tree(values, missing)
    return batch.exact(raw, maximum, nodata, e2)
