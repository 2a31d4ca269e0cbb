"""The simulation engine: a megacity year and the sample district's month.

Targets: a synthetic megacity of ~50,000 grids and ~10,000,000 reports in a year
≤ 120 s on 2 cores with peak memory ≤ 8 GiB (cases/s, bytes per case and the
extrapolation to 1,000,000 grids are printed); the sample district month ≤ 5 s. The
peer: SimPy running the same FIFO multi-server queue of one department (no working
calendar, no rules), on arrivals it finishes: the same arrivals and service times, the
same mean wait asserted, both warmed and timed as the median of 3. At ``--tiny`` the
targets are not judged.
"""

from __future__ import annotations

import datetime as dt
import math
import resource
import time
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks._harness import fmt_time, judged, median_seconds, print_table, rss_bytes
from urbangov.policy import Policy
from urbangov.sim import SyntheticCity, run
from urbangov.sim._queue import serve

SH = ZoneInfo("Asia/Shanghai")


def _peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _simpy_fifo(arrival: list[float], service: list[float], servers: int) -> float:
    import simpy

    env = simpy.Environment()
    pool = simpy.Resource(env, capacity=servers)
    waits: list[float] = []

    def job(at: float, s: float):  # type: ignore[no-untyped-def]
        yield env.timeout(at - env.now) if at > env.now else env.timeout(0)
        with pool.request() as req:
            t = env.now
            yield req
            waits.append(env.now - t)
            yield env.timeout(s)

    def source():  # type: ignore[no-untyped-def]
        for at, s in zip(arrival, service, strict=True):
            if at > env.now:
                yield env.timeout(at - env.now)
            env.process(job(at, s))

    env.process(source())
    env.run()
    return float(np.mean(waits))


def main(tiny: bool) -> None:
    policy = Policy.default()
    # the sample district, one month
    sample = SyntheticCity.sample()
    start = dt.datetime(2024, 5, 1, tzinfo=SH)
    t0 = time.perf_counter()
    month = run(sample, policy, start=start, days=31, seed=1)
    t_month = time.perf_counter() - t0
    # the megacity year (tiny: 2,000 grids, two weeks)
    grids, days = (2_000, 14) if tiny else (50_000, 365)
    t0 = time.perf_counter()
    city = SyntheticCity.generate(
        grids=grids, streets=grids // 200, districts=max(1, grids // 2_000), seed=1
    )
    t_city = time.perf_counter() - t0
    base_rss = rss_bytes()
    t0 = time.perf_counter()
    year = run(city, policy, start=dt.datetime(2024, 1, 1, tzinfo=SH), days=days, seed=1)
    t_year = time.perf_counter() - t0
    n = year.cases.n_cases
    peak = _peak()
    per_case = (peak - base_rss) / max(n, 1)
    rate = n / t_year
    national = t_year * 1_000_000 / grids * (365 / days)
    rows = [
        ("sample district, 31 days", f"{month.cases.n_cases:,}", fmt_time(t_month),
         f"{month.cases.n_cases / t_month:,.0f}", "", judged(t_month, 5.0, "≤ 5 s", tiny=tiny)),
        (f"synthetic city, {grids:,} grids, {days} days", f"{n:,}", fmt_time(t_year),
         f"{rate:,.0f}", f"{peak / 2**30:.2f} GiB",
         judged(t_year, 120.0, "≤ 120 s", tiny=tiny)
         + ("" if tiny else "; " + judged(peak / 2**30, 8.0, "≤ 8 GiB", tiny=tiny))),
    ]  # fmt: skip
    print_table(
        "sim.run (targets: sample month ≤ 5 s; 50,000-grid year ≤ 120 s, ≤ 8 GiB)",
        ["run", "reports", "time", "reports/s", "peak memory", "target"],
        rows,
    )
    print(f"city generated in {fmt_time(t_city)}; {per_case:,.0f} bytes per report at the peak")
    print(f"extrapolated to 1,000,000 grids for a year: {fmt_time(national)} "
          f"(~{n * 1_000_000 / grids * 365 / days / 1e6:,.0f} million reports), "
          f"{per_case * n * 1_000_000 / grids * 365 / days / 2**30:,.0f} GiB")  # fmt: skip
    # the queue step against SimPy on one department's FIFO queue
    m = 20_000 if tiny else 300_000
    rng = np.random.default_rng(5)
    arrival = np.floor(np.cumsum(rng.exponential(10.0, m))).astype(np.int64)
    svc = np.maximum(1, np.round(rng.exponential(25.0, m))).astype(np.int64)
    zero = np.zeros((1, m), dtype=np.int64)
    never = zero.astype(bool)
    got = serve(arrival, arrival, svc[None], zero, never, 3, False)
    peer_wait = _simpy_fifo(arrival.tolist(), svc.tolist(), 3)
    ours_wait = float((got.start[0] - arrival).mean())
    assert math.isclose(ours_wait, peer_wait, rel_tol=1e-9), (ours_wait, peer_wait)
    # both warmed by one untimed call (above), then the median of the same repeats
    t_ours = median_seconds(
        lambda: serve(arrival, arrival, svc[None], zero, never, 3, False), repeat=3
    )
    t_peer = median_seconds(lambda: _simpy_fifo(arrival.tolist(), svc.tolist(), 3), repeat=3)
    print_table(
        f"one department's FIFO queue, {m:,} cases, 3 handlers",
        ["engine", "time", "mean wait (min)", "ratio"],
        [
            ("urbangov sim._queue", fmt_time(t_ours), f"{ours_wait:.2f}", "1.0"),
            ("SimPy 4 (Resource)", fmt_time(t_peer), f"{peer_wait:.2f}", f"{t_peer / t_ours:.1f}×"),
        ],
    )
