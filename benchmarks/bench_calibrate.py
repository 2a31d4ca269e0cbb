"""Calibration at full size: a 13,000-grid city fitted to the 郑州 weekly report of
2019-04-08..14 (``docs/howto/calibrate.md``), then one reform compared on it.

``--tiny`` fits one twentieth of the city to one twentieth of the figures. Printed: the
runs and time the fit takes, the fitted factors, and every figure of the report with
the simulated value and the relative error (fitted figures marked).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from benchmarks._harness import fmt_time, print_table
from urbangov.kpi import KpiCounts
from urbangov.policy import Policy
from urbangov.sim import SyntheticCity, calibrate, compare

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2019, 4, 8, tzinfo=SH)
# 郑州 weekly report, 2019-04-08..14, all cases (每周运行分析报告); docs/sources.md
WEEK = KpiCounts(received=51571, filed=51229, dispatched=49151, due=52434, closed=43523,
                 closed_on_time=40394, reworked=276, extended=104)  # fmt: skip


def _shown(name: str, value: float) -> str:
    return f"{value:.2%}" if name.endswith("_rate") else f"{value:,.0f}"


def main(tiny: bool) -> None:
    scale = 20 if tiny else 1
    target = KpiCounts(**{k: round(v / scale) for k, v in WEEK.as_dict().items()})
    grids = 13_000 // scale
    city = SyntheticCity.generate(
        grids=grids, streets=max(4, grids // 200), districts=max(1, grids // 2500), seed=1
    )
    policy = Policy.default()
    t0 = time.perf_counter()
    fit = calibrate(city, policy, target, start=START, days=7, seed=1)
    t_fit = time.perf_counter() - t0
    p = fit.parameters
    print_table(
        f"sim.calibrate: {grids:,} grids to the 郑州 week of 2019-04-08 (1/{scale}) in "
        f"{fit.iterations} runs, {fmt_time(t_fit)}: arrivals ×{p['arrival_scale']:.3f}, "
        f"handlers ×{p['capacity_scale']:.3f}",
        ["figure", "published", "simulated", "error", "fitted"],
        [
            (n, _shown(n, w), _shown(n, a), f"{e:+.1%}", "✓" if f else "")
            for n, w, a, e, f in fit.rows()
        ],
    )
    reform = policy.reform({"workflow.queue_discipline": "earliest_due"})
    t0 = time.perf_counter()
    sweep = compare(
        {"in force": policy, "earliest due": reform}, fit.city, start=START, days=7,
        warmup_days=14, replicates=3 if tiny else 5, seed=1,
    )  # fmt: skip
    row = sweep.summary().get("earliest due", "on_time_rate")
    took = fmt_time(time.perf_counter() - t0)
    print(f"earliest due first on the calibrated city: on-time {row.mean:.1%}, "
          f"{row.diff:+.1%} ({row.diff_low:+.1%} to {row.diff_high:+.1%}) against the rules "
          f"in force, {sweep.replicates} paired replicates in {took}")  # fmt: skip
