"""Scoring: 10,000,000 findings over 10,000 units in the batch path; the exact path's
rate.

Targets: ``score_batch`` of 10,000,000 findings over 10,000 units ≤ 3 s; ``score`` (the
exact path, a Decimal line per finding) ≥ 100,000 findings/s. The peer of the batch
path, measured in the same run, is the obvious pandas way to the same totals: a price
per finding, ``groupby(["unit", "leaf"]).sum()``, the clamp at each item's points, the
weighted sum per unit. The standard is the bundled ``province_checklist`` (10 weighted
major items, 291 sub-items), so every finding lands on one of 291 × 10,000 cells. At
``--tiny`` size the targets are not judged (they are for the full size). Both sides
are warmed by one untimed call and timed as the median of the same repeats, and every
unit's total is compared (batch with pandas, batch with the exact path).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from benchmarks._harness import (
    fmt_time,
    median_seconds,
    print_table,
    rss_bytes,
    target,
    warm_median,
)
from urbangov.scoring import (
    AssessedUnit,
    AssessmentStandard,
    Finding,
    FindingColumns,
    Findings,
    entries,
    score,
    score_batch,
)

STANDARD = "province_checklist"


def make_columns(std: AssessmentStandard, n: int, units: int, seed: int = 17) -> FindingColumns:
    rng = np.random.default_rng(seed)
    people = tuple(AssessedUnit(code=f"U{u:05d}") for u in range(units))
    return FindingColumns.of(
        people,
        rng.integers(0, units, n),
        rng.integers(0, len(entries(std)), n),
        count=rng.integers(1, 3, n),
    )


def pandas_totals(std: AssessmentStandard, cols: FindingColumns) -> pd.Series:
    """The same totals the obvious pandas way (floats)."""
    table = entries(std)
    leaves = {leaf.path: i for i, leaf in enumerate(std.leaves())}
    price = np.array([float(e.price) for e in table])
    leaf_of = np.array([leaves[e.leaf] for e in table])
    points = np.array([float(leaf.item.points) for leaf in std.leaves()])
    weight = {i.id: float(i.weight or 1) for i in std.items}
    major = np.array([weight[leaf.path.split(".")[0]] for leaf in std.leaves()])
    frame = pd.DataFrame(
        {"unit": cols.unit, "leaf": leaf_of[cols.entry], "points": price[cols.entry] * cols.count}
    )
    lost = frame.groupby(["unit", "leaf"])["points"].sum()
    cell = lost.index.get_level_values("leaf").to_numpy()
    clamped = np.minimum(lost.to_numpy(), points[cell]) * major[cell]
    per_unit = pd.Series(clamped, index=lost.index).groupby(level="unit").sum()
    full = float(std.total)
    return (full - per_unit).reindex(range(len(cols.units)), fill_value=full)


def exact_findings(std: AssessmentStandard, cols: FindingColumns, n: int) -> Findings:
    """The first ``n`` findings of ``cols`` as Finding values (built outside the timing)."""
    table = entries(std)
    rows = []
    for i in range(n):
        e = table[int(cols.entry[i])]
        rows.append(
            Finding(
                unit=cols.units[int(cols.unit[i])].code,
                item=e.leaf,
                rule=e.rule,
                stage=e.stage or "found",
                finder=e.finder,
                outcome=e.outcome,
                count=int(cols.count[i]),
            )
        )
    return Findings(units=cols.units, findings=tuple(rows))


def main(tiny: bool) -> None:
    n = 100_000 if tiny else 10_000_000
    units = 1_000 if tiny else 10_000
    n_exact = 20_000 if tiny else 500_000
    repeat = 3
    std = AssessmentStandard.bundled(STANDARD)
    cols = make_columns(std, n, units)

    def batch() -> Any:
        return score_batch(cols, std)

    result = batch()
    theirs = pandas_totals(std, cols)
    ours = result.total / 10**result.places
    same = bool(np.allclose(ours, theirs.to_numpy(), atol=0.006))  # every unit's total
    assert same, "score_batch and pandas give different totals"
    t_batch = warm_median(batch, repeat=repeat)
    t_pandas = warm_median(lambda: pandas_totals(std, cols), repeat=repeat)

    found = exact_findings(std, cols, n_exact)
    few = FindingColumns.from_findings(found, std)
    sheets = score(found, std)
    # the harness times with the garbage collector off, as every benchmark here does;
    # one run with it on shows what a long-lived process sees
    t_exact = median_seconds(lambda: score(found, std), repeat=repeat)
    rate = n_exact / t_exact
    start = time.perf_counter()
    score(found, std)
    rate_gc = n_exact / (time.perf_counter() - start)
    agree = score_batch(few, std).totals() == {c: s.total for c, s in sheets.items()}
    assert agree, "the exact path and the batch path give different totals"

    rows = [
        (
            f"score_batch, {n:,} findings × {units:,} units ({STANDARD})",
            fmt_time(t_batch),
            *target(t_batch, 3.0, "≤ 3 s", tiny=tiny),
        ),
        ("pandas groupby().sum() + clamp + weights (same totals)", fmt_time(t_pandas), "", ""),
        (
            "ratio pandas / urbangov (> 1: urbangov faster)",
            f"{t_pandas / t_batch:.1f}×",
            "",
            "",
        ),
        ("same totals as pandas (to 0.005)", str(same), "True", "ok" if same else "OVER"),
        (
            f"score (exact, a line per finding), {n_exact:,} findings × {units:,} units",
            f"{rate:,.0f} findings/s",
            *target(rate, 100_000, "≥ 100,000/s", tiny=tiny, at_least=True),
        ),
        ("the same, garbage collector on (one run)", f"{rate_gc:,.0f} findings/s", "", ""),
        ("exact totals == batch totals", str(agree), "True", "ok" if agree else "OVER"),
        ("resident memory after the run", f"{rss_bytes() / 2**30:.2f} GiB", "", ""),
    ]
    print_table("Scoring", ["measure", "value", "target", "verdict"], rows)
