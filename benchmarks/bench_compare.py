"""Policy sweeps: ``sim.compare`` on a ~1,000,000-report city with 2 workers against 1,
and what a national-scale sweep costs.

Target: 2 local workers ≥ 1.6× one (each replicate is an independent run; the work is
split into tasks of whole replicates). Printed besides: reports per second per core,
peak memory of a worker per report and per grid, and the extrapolation to a national
sweep (1,000,000 grids, a year, per variant and replicate). A sweep's result is the
same on any executor, so the figures measure only speed.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
import os
import resource
import time
from zoneinfo import ZoneInfo

from benchmarks._harness import fmt_time, print_table, rss_bytes
from urbangov.policy import Policy
from urbangov.sim import SyntheticCity, compare, run

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 3, 4, tzinfo=SH)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children_peak() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def main(tiny: bool) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    grids, days, replicates = (1_500, 14, 2) if tiny else (40_000, 42, 2)
    city = SyntheticCity.generate(
        grids=grids, streets=max(1, grids // 200), districts=max(1, grids // 3000), seed=1
    )
    base = Policy.default()
    variants = {
        "in force": base,
        "earliest due": base.reform({"workflow.queue_discipline": "earliest_due"}),
    }
    # one run in this process: its size, speed and memory
    before = rss_bytes()
    t0 = time.perf_counter()
    one = run(city, base, start=START, days=days, seed=1, workers=1)
    t_run = time.perf_counter() - t0
    n = one.cases.n_cases
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    per_report = max(0, peak - before) / max(n, 1)
    del one
    timings, cores, results = {}, {}, {}
    for workers in (1, 2):
        context = multiprocessing.get_context("spawn")
        cpu = _children_cpu()
        t_pool = time.perf_counter()
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            pool.submit(int, 0).result()  # start the workers before timing
            t0 = time.perf_counter()
            results[workers] = compare(
                variants, city, start=START, days=days, replicates=replicates, seed=1,
                executor=pool,
            )  # fmt: skip
            timings[workers] = time.perf_counter() - t0
        # the workers' CPU time over the pool's life: the cores the sweep really had
        cores[workers] = (_children_cpu() - cpu) / (time.perf_counter() - t_pool)
    assert results[1] == results[2], "a sweep must not depend on its executor"
    runs = len(variants) * replicates
    ratio = timings[1] / timings[2]
    print_table(
        f"sim.compare: {len(variants)} policies × {replicates} replicates on a {grids:,}-grid "
        f"city, {days} days (~{n:,} reports a run); target 2 workers ≥ 1.6× 1",
        ["workers", "time", "runs/min", "reports/s", "cores had", "speed-up"],
        [
            (w, fmt_time(t), f"{60 * runs / t:.1f}", f"{runs * n / t:,.0f}", f"{cores[w]:.2f}",
             f"{timings[1] / t:.2f}×" + ("" if w == 1 or tiny else
                                         (" ok" if ratio >= 1.6 else " UNDER")))
            for w, t in timings.items()
        ],
    )  # fmt: skip
    rate = n / t_run
    national = 1_000_000 * 200  # reports a year in 1,000,000 grids (~200 a grid a year)
    print(f"one run in this process: {fmt_time(t_run)}, {rate:,.0f} reports/s on one core, "
          f"{per_report:,.0f} bytes a report at the peak "
          f"({per_report * n / grids / 2**20:,.2f} MiB a grid for {days} days)")  # fmt: skip
    print(f"a worker's peak memory: {_children_peak() / 2**30:.2f} GiB; load average "
          f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end on "
          f"{os.cpu_count()} cores (other jobs share them)")  # fmt: skip
    print(f"national scale (1,000,000 grids, a year, ~{national / 1e6:,.0f} million reports): "
          f"{national / rate / 3600:,.1f} core-hours and ~{per_report * national / 2**30:,.0f} "
          f"GiB per variant and replicate, if one run held the whole year")  # fmt: skip
