"""The simulation engine: a megacity year and the sample district's month.

Targets: a synthetic megacity of ~50,000 grids and ~10,000,000 reports in a year
≤ 120 s on 2 cores with peak memory ≤ 8 GiB (reports/s, bytes per report and the
extrapolation to 1,000,000 grids are printed); the sample district month ≤ 5 s. The
runs include the built-in governance hooks (escalation and assessment), as
``sim.run`` does by default.

Peers: the *heap-queue step* — the textbook loop that serves each case on the
earliest free of ``c`` handlers with ``heapq`` (no calendar, no rules, no rework), the
least a Python simulation does per case — run on the same number of cases as the
megacity year, so the ratio says how much the whole engine costs beyond that one step;
and SimPy running the same FIFO multi-server queue of one department (no working
calendar, no rules), on arrivals it finishes: the same arrivals and service times, the
same mean wait asserted, both warmed and timed as the median of 3.

Memory is the peak resident set of this process over the run (``ru_maxrss``) minus
the resident set before it, per report; worker processes (the department queues of a
large run) are counted separately: the largest worker's peak, which includes the pages
it shares with this process. At ``--tiny`` the targets are not judged.
"""

from __future__ import annotations

import datetime as dt
import heapq
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


def _worker_peak() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def _heap_step(arrival: list[int], service: list[int], servers: int) -> int:
    """The heap-queue peer: each case, in arrival order, starts on the earliest free of
    ``servers`` handlers (one ``heapreplace`` per case); returns the last finish."""
    free = [0] * servers
    replace = heapq.heapreplace
    last = 0
    for a, s in zip(arrival, service, strict=True):
        f = free[0]
        end = (a if a > f else f) + s
        replace(free, end)
        if end > last:
            last = end
    return last


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
    workers = _worker_peak()
    per_case = (peak - base_rss) / max(n, 1)
    rate = n / t_year
    scale = 1_000_000 / grids * 365 / days
    national = t_year * scale
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
    helpers = (f"largest worker process peak {workers / 2**30:.2f} GiB" if workers
               else "no worker processes")  # fmt: skip
    print(f"city generated in {fmt_time(t_city)}; {per_case:,.0f} bytes per report at the peak "
          f"(resident {base_rss / 2**30:.2f} GiB before the run); {helpers}")  # fmt: skip
    print(f"extrapolated to 1,000,000 grids for a year: {fmt_time(national)} "
          f"(~{n * scale / 1e6:,.0f} million reports), "
          f"{per_case * n * scale / 2**30:,.0f} GiB")  # fmt: skip
    # the engine against the heap-queue step alone, on as many cases as the year
    rng = np.random.default_rng(7)
    arrival = np.floor(np.cumsum(rng.exponential(1.0, n))).astype(np.int64).tolist()
    service = np.maximum(1, np.round(rng.exponential(2.5, n))).astype(np.int64).tolist()
    t0 = time.perf_counter()
    _heap_step(arrival, service, 3)
    t_heap = time.perf_counter() - t0
    del arrival, service
    print_table(
        f"the whole engine against the heap-queue step alone, {n:,} cases",
        ["engine", "time", "cases/s", "ratio"],
        [
            ("urbangov sim.run (every stage)", fmt_time(t_year), f"{rate:,.0f}",
             f"{t_year / t_heap:.1f}×"),
            ("heap-queue step (heapq, 3 handlers)", fmt_time(t_heap), f"{n / t_heap:,.0f}",
             "1.0"),
        ],
    )  # fmt: skip
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
