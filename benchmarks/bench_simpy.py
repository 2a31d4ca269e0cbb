"""The engine against its model written the obvious way in SimPy.

The peer: SimPy 4 with a process per case and a ``simpy.Resource`` per department with
the engine's number of handlers (FIFO, as the default policy's discipline). It takes
the engine's dispatched cases (each case's queue arrival — dispatch, or resumption
after a suspension — its department and due time) and simulates the rest of the model:
handling that proceeds only in the department's working minutes (elapsed time mapped
through the same working-minute line the engine uses: the policy's calendar for
offices, the 06:00–22:00 shift every day for stations and enforcement, round the clock
for police), log-normal handling times of the category's mean (cv 1), verification of
an exponential 30 working minutes failing with probability 0.05 (at most 3 handlings),
on its own random numbers. urbangov's time is the whole ``sim.run`` (reports, intake,
dispatch, due times, queues, case table, checks and KPI tables) without the governance
hooks the peer does not model (``Hooks(escalation=None, scoring=None)``; a run with
them is printed besides, one seed), measured warm (the process's first run, which
builds the working-time clocks, is printed apart); SimPy's covers only the queues.
Target: urbangov ≥ 10× faster on a ~100,000-report city. Agreement: the share of
dispatched cases whose handling clock stopped by their due time, and the mean hours
from queue arrival to that stop, over several seeds (means ± sd).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import statistics
import time
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks._harness import fmt_time, print_table
from urbangov.cases import CaseColumns, EventKind
from urbangov.policy import Policy
from urbangov.sim import Hooks, SimResult, SyntheticCity, run
from urbangov.sim._lines import clock_of

SH = ZoneInfo("Asia/Shanghai")
#: The model the peer implements: no escalation and no assessment hooks.
SAME_MODEL = Hooks(escalation=None, scoring=None)
START = dt.datetime(2024, 5, 6, tzinfo=SH)
NS_PER_MIN = 60 * 10**9
_CODE = {k: CaseColumns.KINDS.index(k) for k in EventKind}


class Line:
    """A department's working-minute line at minute resolution: position (working
    minutes since the start) of each elapsed minute, and the way back."""

    def __init__(self, clock: object, start_ns: int, minutes: int) -> None:
        if clock is None:
            self.pos = np.arange(minutes + 1, dtype=np.int64)
        else:
            grid = start_ns + np.arange(minutes + 1, dtype=np.int64) * NS_PER_MIN
            epoch = np.full(grid.size, start_ns, dtype=np.int64).view("datetime64[ns]")
            between = clock.between_batch(epoch, grid.view("datetime64[ns]"))  # type: ignore[attr-defined]
            self.pos = between.view(np.int64) // NS_PER_MIN
        self.limit = minutes

    def position(self, elapsed: float) -> float:
        m = min(int(elapsed), self.limit - 1)
        working = self.pos[m + 1] > self.pos[m]  # this minute is worked
        return float(self.pos[m]) + ((elapsed - m) if working else 0.0)

    def elapsed(self, position: float) -> float:
        """The first elapsed time at which ``position`` working minutes have passed."""
        whole = math.floor(position)
        m = int(np.searchsorted(self.pos, whole, side="left"))
        if m >= self.limit:
            return float(self.limit) + (position - whole)
        # minute m is where the line reaches `whole`; the fraction is worked after it
        if position > whole:
            m = int(np.searchsorted(self.pos, whole + 1, side="left")) - 1
            return float(m) + (position - whole)
        return float(m)


def _queued(result: SimResult) -> dict[str, np.ndarray]:
    """Per case of the engine's run: queue arrival, department, due time (elapsed
    minutes) and category of the dispatched cases, and the engine's own outcome."""
    cases = result.cases
    start_ns = int(result.start.timestamp()) * 10**9
    kind, at, case = cases.kind, cases.at.view(np.int64), cases.case
    n = cases.n_cases
    arrival = np.full(n, -1, dtype=np.int64)
    dispatched = kind == _CODE[EventKind.DISPATCH]
    arrival[case[dispatched]] = at[dispatched]
    resumed = kind == _CODE[EventKind.RESUME]
    arrival[case[resumed]] = at[resumed]
    department = np.full(n, -1, dtype=np.int64)
    department[case[dispatched]] = cases.event_department[dispatched]
    # the engine's clock stop: the last handle of a case whose verification passed
    stop = np.full(n, -1, dtype=np.int64)
    handled = kind == _CODE[EventKind.HANDLE]
    stop[case[handled]] = at[handled]  # events are in time order: the last wins
    passed = np.zeros(n, dtype=bool)
    passed[case[kind == _CODE[EventKind.VERIFY_PASS]]] = True
    stop[~passed] = -1
    due = result.due.view(np.int64)
    keep = (arrival >= 0) & (due != np.iinfo(np.int64).min)
    rows = np.flatnonzero(keep)
    return {
        "rows": rows,
        "arrival": (arrival[rows] - start_ns) / NS_PER_MIN,
        "department": department[rows],
        "due": (due[rows] - start_ns) / NS_PER_MIN,
        "category": cases.category[rows],
        "stop": np.where(stop[rows] >= 0, (stop[rows] - start_ns) / NS_PER_MIN, np.nan),
    }


def _stats(arrival: np.ndarray, stop: np.ndarray, due: np.ndarray) -> tuple[float, float]:
    """On-time share (stopped by the due time) and mean hours from arrival to stop."""
    stopped = np.isfinite(stop)
    on_time = float(np.mean(stopped & (np.nan_to_num(stop, nan=np.inf) <= due)))
    return on_time, float(np.mean(stop[stopped] - arrival[stopped]) / 60.0)


def simpy_queues(
    city: SyntheticCity, policy: Policy, result: SimResult, seed: int
) -> tuple[float, tuple[float, float]]:
    """The queues of ``result``'s dispatched cases in SimPy; (seconds, statistics)."""
    import simpy

    data = _queued(result)
    b = city.behaviour
    minutes = result.days * 1440
    start_ns = int(result.start.timestamp()) * 10**9
    calendar = policy.work_calendar()
    names = result.cases.departments
    lines: dict[tuple[str, str], Line] = {}
    line_of: list[Line] = []
    for name in names:
        model = city.department(name)
        key = (model.hours, str(model.shift) if model.hours == "shifts" else "")
        if key not in lines:
            clock = clock_of(model, calendar, result.start, result.days)
            lines[key] = Line(clock, start_ns, minutes)
        line_of.append(lines[key])
    slugs = result.cases.categories
    mean = np.array([city.categories[s].service_minutes for s in slugs])[data["category"]]
    rng = np.random.default_rng(seed)
    n = data["rows"].size
    sigma2 = math.log1p(b.service_cv**2)
    service = np.maximum(1, np.ceil(rng.lognormal(np.log(mean) - sigma2 / 2, math.sqrt(sigma2),
                                                  size=(b.max_attempts, n))))  # fmt: skip
    verify = np.ceil(rng.exponential(b.verify_minutes, size=(b.max_attempts, n)))
    fail = rng.random(size=(b.max_attempts, n)) < b.rework
    fail[-1] = False
    stop = np.full(n, np.nan)
    t0 = time.perf_counter()
    env = simpy.Environment()
    pools = [simpy.Resource(env, capacity=city.department(d).servers) for d in names]
    arrival, department = data["arrival"].tolist(), data["department"].tolist()
    service_l, verify_l, fail_l = service.tolist(), verify.tolist(), fail.tolist()

    def case(i: int):  # type: ignore[no-untyped-def]
        yield env.timeout(arrival[i])
        line, pool = line_of[department[i]], pools[department[i]]
        for attempt in range(b.max_attempts):
            with pool.request() as request:
                yield request
                begin = line.position(env.now)
                finish = line.elapsed(begin + service_l[attempt][i])
                yield env.timeout(max(0.0, finish - env.now))
            checked = line.elapsed(line.position(env.now) + verify_l[attempt][i])
            yield env.timeout(max(0.0, checked - env.now))
            if not fail_l[attempt][i]:
                if checked < minutes:
                    stop[i] = finish
                return

    for i in range(n):
        env.process(case(i))
    env.run(until=minutes)
    seconds = time.perf_counter() - t0
    return seconds, _stats(data["arrival"], stop, data["due"])


def main(tiny: bool) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    grids, days, seeds = (800, 7, (1, 2)) if tiny else (12_000, 14, (1, 2, 3))
    city = SyntheticCity.generate(
        grids=grids, streets=max(1, grids // 200), districts=max(1, grids // 3000), seed=1
    )
    policy = Policy.default()
    # the first run of a process builds the policy's and the shifts' working-time clocks
    # and hashes the city's codes (kept for later runs): timed apart, as "cold"
    t0 = time.perf_counter()
    run(city, policy, start=START, days=days, seed=0, hooks=SAME_MODEL)
    t_cold = time.perf_counter() - t0
    ours, queues, peer, ours_stats, peer_stats, reports = [], [], [], [], [], []
    for seed in seeds:
        stages: dict[str, float] = {}

        def tell(stage: str, done: float, stages: dict[str, float] = stages) -> None:
            stages.setdefault(stage, time.perf_counter())

        t0 = time.perf_counter()
        result = run(city, policy, start=START, days=days, seed=seed, hooks=SAME_MODEL,
                     progress=tell)  # fmt: skip
        ours.append(time.perf_counter() - t0)
        queues.append(stages["case table"] - stages["queues"])
        reports.append(result.cases.n_cases)
        data = _queued(result)
        ours_stats.append(_stats(data["arrival"], data["stop"], data["due"]))
        seconds, stats = simpy_queues(city, policy, result, seed)
        peer.append(seconds)
        peer_stats.append(stats)

    def spread(values: list[float], scale: float = 1.0, places: int = 2) -> str:
        m = statistics.mean(values) * scale
        s = (statistics.stdev(values) if len(values) > 1 else 0.0) * scale
        return f"{m:.{places}f} ± {s:.{places}f}"

    # the same run with the built-in escalation and assessment, which the peer lacks
    t0 = time.perf_counter()
    run(city, policy, start=START, days=days, seed=seeds[0])
    t_governed = time.perf_counter() - t0
    t_ours, t_peer = statistics.median(ours), statistics.median(peer)
    t_queue = statistics.median(queues)
    print_table(
        f"the model on a {grids:,}-grid city, {days} days (~{statistics.mean(reports):,.0f} "
        f"reports), seeds {', '.join(map(str, seeds))} (target: urbangov ≥ 10× SimPy)",
        ["engine", "time (median)", "on time (%)", "hours to stop", "SimPy's time ÷ this"],
        [
            ("urbangov sim.run (whole run)", fmt_time(t_ours),
             spread([s[0] for s in ours_stats], 100), spread([s[1] for s in ours_stats]),
             f"{t_peer / t_ours:.1f}×"),
            ("urbangov sim.run + escalation, scores", fmt_time(t_governed), "", "",
             f"{t_peer / t_governed:.1f}×"),
            ("urbangov: the run's queue stage", fmt_time(t_queue), "", "",
             f"{t_peer / t_queue:.1f}×"),
            ("SimPy 4 (queues only)", fmt_time(t_peer),
             spread([s[0] for s in peer_stats], 100), spread([s[1] for s in peer_stats]),
             "1.0×"),
        ],
    )  # fmt: skip
    print(f"urbangov's first run in the process (seed 0, clocks built): {fmt_time(t_cold)}, "
          f"SimPy's time ÷ this {t_peer / t_cold:.1f}×")  # fmt: skip
    gap = abs(statistics.mean(s[0] for s in ours_stats) - statistics.mean(s[0] for s in peer_stats))
    print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end on "
          f"{os.cpu_count()} cores (other jobs share them)")  # fmt: skip
    print(f"on-time shares differ by {100 * gap:.2f} points "
          f"({'agree' if gap < 0.02 else 'DIFFER'}: within 2 points)")  # fmt: skip
