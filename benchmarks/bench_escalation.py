"""Escalation at scale: the batch state of 1,000,000 open cases, and a hotline's request
path (due time + escalation state + the people accountable) for one case.

Targets (full size): ``state_batch`` of 1,000,000 open cases ≤ 1 s; the request path ≤
50 µs at the 99th percentile (p50 and p99 printed, over the requests, of each request's
best of five calls; the raw p99 of single calls is printed beside it, as a loaded
machine's scheduler adds milliseconds to about one call in a hundred). Peers measured in
the same run: the
scalar ``state`` looped over a sample of the batch's cases (extrapolated to the whole
batch; its answers must equal the batch's), and the same request answered by walking the
networkx graph of ``AccountabilityGraph.graph`` directly (``reports_to`` out-edges up the
territory, ``heads``/``staffs`` in-edges at each unit, ``commands`` in-edges up the
department's chain, ``pairs_with`` in-edges at every target) after the same ``state``;
its answers must equal urbangov's. At ``--tiny`` the targets are not judged.

The synthetic log: open cases (accepted, filed, dispatched, never handled) in the sample
district's 362 grids, dispatched in office hours over the 20 days before the instant
asked about, so some are not yet due, some reminded, some criticised; 20% were suspended
and resumed, 10% extended by 2 working hours; categories cycle over working-hour,
working-day and calendar-hour limits.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import statistics
import time
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import networkx as nx
import numpy as np

from benchmarks._harness import fmt_time, judged, print_table, warm_median
from urbangov import escalation
from urbangov.calendar import TimeUnit
from urbangov.cases import Case, CaseColumns, EventKind
from urbangov.graph import AccountabilityGraph
from urbangov.policy import Policy
from urbangov.sim import sample_city
from urbangov.vocabulary import Level

SEC = 1_000_000_000
SH = ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2024, 6, 3, 10, 0, tzinfo=SH)
CATEGORIES = (
    "accumulated_waste",
    "dirty_road",
    "exposed_garbage",
    "green_space",
    "illegal_construction_demolition",
    "sewage_manhole_cover",
)
STAFF = ("grid_worker", "assistant", "supervisor")


def make_columns(n: int, grids: tuple[str, ...], seed: int = 0) -> CaseColumns:
    """``n`` open cases as columns (built directly, as ``urbangov.io`` would)."""
    rng = np.random.default_rng(seed)
    day = rng.integers(1, 21, n)
    minute = rng.integers(0, 8 * 60, n)  # 09:00–17:00 Shanghai = 01:00–09:00 UTC
    at_day = np.datetime64("2024-06-03T01:00", "ns")
    t0 = (at_day - day.astype("timedelta64[D]") + minute.astype("timedelta64[m]")).view(np.int64)
    suspend = rng.random(n) < 0.2
    extend = rng.random(n) < 0.1
    per_case = 3 + 2 * suspend + extend
    case = np.repeat(np.arange(n), per_case)
    m = case.size
    kind = np.empty(m, dtype=np.int8)
    at = np.empty(m, dtype=np.int64)
    ext_min = np.zeros(m, dtype=np.int64)
    ext_unit = np.full(m, -1, dtype=np.int8)
    pos = np.concatenate([[0], np.cumsum(per_case)[:-1]])

    def put(mask: np.ndarray, k: EventKind, when: np.ndarray) -> None:
        rows = pos[mask]
        kind[rows] = k.code
        at[rows] = when[mask]
        pos[mask] += 1

    everyone = np.ones(n, dtype=np.bool_)
    put(everyone, EventKind.ACCEPT, t0)
    put(everyone, EventKind.FILE, t0 + rng.integers(0, 600, n) * SEC)
    dispatch = t0 + 900 * SEC
    put(everyone, EventKind.DISPATCH, dispatch)
    s_at = dispatch + rng.integers(0, 4 * 3600, n) * SEC
    put(suspend, EventKind.SUSPEND, s_at)
    r_at = s_at + rng.integers(1, 24 * 3600, n) * SEC
    put(suspend, EventKind.RESUME, r_at)
    last = np.where(suspend, r_at, dispatch)
    e_at = last + rng.integers(0, 3600, n) * SEC
    rows = pos[extend]
    put(extend, EventKind.EXTEND, e_at)
    ext_min[rows] = 120
    ext_unit[rows] = CaseColumns.UNITS.index(TimeUnit.WORKING_HOURS)
    return CaseColumns(
        ids=tuple(f"C{i}" for i in range(n)),
        category=np.arange(n) % len(CATEGORIES),
        categories=CATEGORIES,
        grid=rng.integers(0, len(grids), n),
        grids=grids,
        urgency=np.zeros(n, dtype=np.int8),
        source=np.zeros(n, dtype=np.int8),
        zone=np.full(n, -1, dtype=np.int8),
        reported_at=t0.view("datetime64[ns]"),
        case=case,
        kind=kind,
        at=at.view("datetime64[ns]"),
        extension_min=ext_min,
        extension_unit=ext_unit,
        event_department=np.where(kind == EventKind.DISPATCH.code, 0, -1).astype(np.int32),
        departments=("street_office_001",),
        actor=np.full(m, -1, dtype=np.int32),
        actors=(),
        outcome=np.full(m, -1, dtype=np.int8),
        note=np.full(m, -1, dtype=np.int32),
        notes=(),
        segment=np.full(n, -1, dtype=np.int32),
        segments=(),
    )


# ----------------------------------------------------------------- the networkx peer


def _kind(g: nx.MultiDiGraph[str], a: str, b: str, kind: str) -> bool:
    return any(d["kind"] == kind for d in g.get_edge_data(a, b).values())


def nx_accountable(
    g: nx.MultiDiGraph[str], places: tuple[str, ...], level: Level, lead: str
) -> list[tuple[int, str, str]]:
    """(distance, code, role) of everyone answerable, found by walking the graph."""
    handling = min(int(level), int(Level.STREET))
    found: list[tuple[int, str, str]] = []
    targets: list[str] = []
    for place in places:
        line, unit = [place], place
        while True:
            up = [b for _, b, d in g.out_edges(unit, data=True) if d["kind"] == "reports_to"]
            if not up or Level[g.nodes[up[0]]["level"].upper()] < handling:
                break
            unit = up[0]
            line.append(unit)
        for distance, u in enumerate(line):
            targets.append(u)
            people = [(a, d["kind"]) for a, _, d in g.in_edges(u, data=True)]
            if distance == 0:
                found += [(0, a, g.nodes[a]["role"]) for a, k in people
                          if k == "staffs" and g.nodes[a]["role"] in STAFF]  # fmt: skip
            heads = [a for a, k in people if k == "heads"]
            if heads:
                found.append((distance, heads[0], g.nodes[heads[0]]["role"]))
            elif distance:
                found.append((distance, u, "unit"))
    out: list[tuple[int, str, str]] = []
    for entry in sorted(found, key=lambda x: x[0]):  # stable: staff, then heads, nearest first
        if all(entry[1] != c for _, c, _ in out):
            out.append(entry)
    far = max(d for d, _, _ in out) + 1
    seen = {c for _, c, _ in out}
    out.append((far, lead, "lead_department"))
    seen.add(lead)
    chain, dep = [lead], lead
    while dep in g:
        up = [a for a, _, d in g.in_edges(dep, data=True)
              if d["kind"] == "commands" and g.nodes[a]["type"] == "department"]  # fmt: skip
        if not up:
            break
        dep = up[0]
        chain.append(dep)
    by_level = sorted(set(targets), key=lambda u: -Level[g.nodes[u]["level"].upper()])
    for target in (*by_level, *chain):
        if target not in g:
            continue
        for a, _, d in g.in_edges(target, data=True):
            if d["kind"] == "pairs_with" and a not in seen:
                seen.add(a)
                out.append((far + 1, a, "pairing"))
    return out


# ----------------------------------------------------------------- timing


def _percentiles(fn: Any, inputs: list[Any], rounds: int = 5) -> tuple[float, float, float]:
    """p50 and p99 over ``inputs`` of one call each (the collector off): of each input's
    best of ``rounds`` calls (what the code takes; a call the scheduler preempted is
    retried), and the raw p99 of the first round (what a loaded machine adds)."""
    best = [float("inf")] * len(inputs)
    first: list[float] = []
    gc.disable()
    try:
        for r in range(rounds):
            for i, x in enumerate(inputs):
                t = time.perf_counter()
                fn(x)
                took = time.perf_counter() - t
                best[i] = min(best[i], took)
                if r == 0:
                    first.append(took)
    finally:
        gc.enable()
    best.sort()
    first.sort()
    p99 = min(len(best) - 1, int(0.99 * len(best)))
    return statistics.median(best), best[p99], first[p99]


def _request(policy: Policy, graph: AccountabilityGraph) -> Any:
    h = graph.hierarchy

    def urbangov_path(case: Case) -> tuple[Any, ...]:
        s = escalation.state(case, AT, policy, h)
        people = escalation.accountable(case, AT, graph, policy, state=s)
        return s.due, s, people

    def networkx_path(case: Case) -> tuple[Any, ...]:
        s = escalation.state(case, AT, policy, h)
        lead = s.department or ""
        return s.due, s, nx_accountable(graph.graph, (case.grid,), s.level, lead)

    return urbangov_path, networkx_path


def main(tiny: bool) -> None:
    n = 5_000 if tiny else 1_000_000
    sample_n = 300 if tiny else 2_000
    requests = 500 if tiny else 5_000
    city = sample_city()
    graph = AccountabilityGraph.from_city(city)
    h = city.hierarchy
    grids = tuple(u.code for u in h.grids())
    policy = Policy.default()
    columns = make_columns(n, grids)
    cases = list(_head(columns, sample_n).to_cases())

    # the batch state against the scalar one looped
    # both warmed by one untimed call, then the median of the same repeats
    t_batch = warm_median(lambda: escalation.state_batch(columns, AT, policy, h), repeat=3)
    batch = escalation.state_batch(columns, AT, policy, h)
    scalar = [escalation.state(c, AT, policy, h) for c in cases]
    t_scalar = (
        warm_median(lambda: [escalation.state(c, AT, policy, h) for c in cases], repeat=3)
        / len(cases)
        * n
    )
    same = all(
        (batch.row(i)["taken"], batch.row(i)["level"], batch.row(i)["next_step"])
        == (len(s.taken), s.level, s.next.name if s.next else None)
        for i, s in enumerate(scalar)
    )
    assert same, "state_batch and state differ"
    taken = np.bincount(batch.taken, minlength=4).tolist()

    # the request path against the networkx walk
    rnd = random.Random(7)
    chosen = [rnd.choice(cases) for _ in range(requests)]
    ours, peer = _request(policy, graph)
    agree = all(
        [(a.distance, a.code, a.role) for a in ours(c)[2]]
        == nx_accountable(graph.graph, (c.grid,), ours(c)[1].level, ours(c)[1].department)
        for c in chosen  # every request
    )
    assert agree, "urbangov and the networkx walk name different people"
    for c in chosen:  # warm the memo of accountable answers, as a running service has it
        ours(c)
    p50, p99, raw99 = _percentiles(ours, chosen)
    n50, n99, _ = _percentiles(peer, chosen)
    # an equal graph shares the memo: a different organisation name makes a new one
    fresh = AccountabilityGraph.build(h, attrs.evolve(city.organisation, name="cold"))
    firsts = {c.grid: (c, s) for c, s in zip(cases, scalar, strict=True)}
    c50, _, _ = _percentiles(
        lambda cs: escalation.accountable(cs[0], AT, fresh, policy, state=cs[1]),
        list(firsts.values()),
        rounds=1,
    )

    print_table(
        f"Escalation state of {n:,} open cases (steps taken 0/1/2/3: {taken})",
        ["path", "time", "peer (scalar state looped)", "ratio", "answers", "target"],
        [
            [
                "state_batch",
                fmt_time(t_batch),
                fmt_time(t_scalar) + (" (extrapolated)" if not tiny else ""),
                f"{t_scalar / t_batch:.0f}×",
                "equal" if same else "DIFFER",
                judged(t_batch, 1.0, "≤ 1 s", tiny=tiny),
            ]
        ],
    )
    print_table(
        f"Request path: due + state + accountable, {requests:,} requests",
        ["path", "p50", "p99", "p99 raw", "answers", "target"],
        [
            ["urbangov", fmt_time(p50), fmt_time(p99), fmt_time(raw99),
             "equal" if agree else "DIFFER", judged(p99, 50e-6, "p99 ≤ 50 µs", tiny=tiny)],
            ["networkx walk", fmt_time(n50), fmt_time(n99), "", "",
             f"{n50 / p50:.1f}× urbangov p50"],
            ["accountable, first call per grid", fmt_time(c50), "", "", "", "(not memoised yet)"],
        ],
    )  # fmt: skip


def _head(columns: CaseColumns, k: int) -> CaseColumns:
    """The first ``k`` cases of ``columns``."""
    stop = int(np.searchsorted(columns.case, k))
    names = ("case", "kind", "at", "extension_min", "extension_unit", "event_department",
             "actor", "outcome", "note")  # fmt: skip
    per_case = ("category", "grid", "urgency", "source", "zone", "reported_at", "segment")
    values: dict[str, Any] = {f: getattr(columns, f) for f in (
        "categories", "grids", "departments", "actors", "notes", "segments")}  # fmt: skip
    values |= {f: getattr(columns, f)[:stop] for f in names}
    values |= {f: getattr(columns, f)[:k] for f in per_case}
    values["ids"] = columns.ids[:k]
    return CaseColumns(**values)


if __name__ == "__main__":
    main(tiny=True)
