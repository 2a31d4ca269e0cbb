"""Hierarchy at scale: build 1,000,000 grids from rows, then ``ancestors`` and ``coordinator``.

Targets: build ≤ 30 s and ≤ 2 GiB; ``coordinator`` of two grids ≤ 5 µs median;
``ancestors`` ≤ 2 µs median. Peers measured in the same run: a plain parent-dict walk,
and ``networkx.lowest_common_ancestor`` on the same tree (on a few pairs only: it checks
the whole graph on every call).
"""

from __future__ import annotations

import random
import time

import networkx as nx

from benchmarks._harness import fmt_time, per_call_median, print_table, rss_bytes, verdict
from urbangov import Hierarchy


def make_rows(cities: int, districts: int, streets: int, communities: int, grids: int) -> list:
    """A forest of ``cities`` cities (codes 110100, 120100, …) with the given fan-outs."""
    rows = []
    for c in range(cities):
        city = f"{11 + c:02d}0100"
        rows.append((city, f"市{c}", "city", None))
        for d in range(1, districts + 1):
            district = f"{city[:4]}{d:02d}"
            rows.append((district, f"区{d}", "district", city))
            for s in range(1, streets + 1):
                street = f"{district}{s:03d}"
                rows.append((street, f"街{s}", "street", district))
                for m in range(1, communities + 1):
                    community = f"{street}{m:03d}"
                    rows.append((community, f"社{m}", "community", street))
                    for g in range(1, grids + 1):
                        rows.append((f"{community}{g:03d}", f"格{g}", "grid", community))
    return rows


def _parent_walk_lca(parents: dict[str, str | None], a: str, b: str) -> str | None:
    seen = set()
    x: str | None = a
    while x is not None:
        seen.add(x)
        x = parents[x]
    y: str | None = b
    while y is not None and y not in seen:
        y = parents[y]
    return y


def _parent_walk_ancestors(parents: dict[str, str | None], a: str) -> list[str]:
    out = []
    x = parents[a]
    while x is not None:
        out.append(x)
        x = parents[x]
    return out


def main(tiny: bool) -> None:
    shape = (1, 2, 3, 4, 5) if tiny else (10, 10, 20, 25, 20)  # full: 1,000,000 grids
    rows = make_rows(*shape)
    rss0 = rss_bytes()
    start = time.perf_counter()
    h = Hierarchy.from_rows(rows)
    build = time.perf_counter() - start
    grown = rss_bytes() - rss0
    grids = [u.code for u in h.grids()]
    rng = random.Random(7)
    by_city: dict[str, list[str]] = {}
    for code in grids:
        by_city.setdefault(code[:4], []).append(code)
    pairs = []
    for _ in range(2_000 if tiny else 20_000):
        a = rng.choice(grids)
        pairs.append((a, rng.choice(by_city[a[:4]])))  # two grids of one city (one tree)
    singles = [a for a, _ in pairs]

    coord = per_call_median(lambda p: h.coordinator(p), pairs)
    anc = per_call_median(h.ancestors, singles)
    parents = {u.code: u.parent for u in h}
    walk_coord = per_call_median(lambda p: _parent_walk_lca(parents, *p), pairs)
    walk_anc = per_call_median(lambda a: _parent_walk_ancestors(parents, a), singles)
    for a, b in pairs[:200]:
        assert h.coordinator([a, b]).code == _parent_walk_lca(parents, a, b)

    # networkx on the same tree, a few pairs only (it validates the whole DAG per call)
    graph = nx.DiGraph()
    graph.add_edges_from((u.parent, u.code) for u in h if u.parent is not None)
    nx_pairs = [p for p in pairs if p[0][:6] == p[1][:6]][: 3 if tiny else 5]
    start = time.perf_counter()
    for a, b in nx_pairs:
        assert nx.lowest_common_ancestor(graph, a, b) == h.coordinator([a, b]).code
    nx_coord = (time.perf_counter() - start) / max(1, len(nx_pairs))

    n_grids = len(grids)
    print_table(
        f"hierarchy: {n_grids:,} grids, {len(h):,} units",
        ["measure", "urbangov", "target", "", "parent-dict walk", "ratio", "networkx", "ratio"],
        [
            ["build from rows", fmt_time(build), "≤ 30 s", verdict(build, 30), "", "", "", ""],
            [
                "memory of build",
                f"{grown / 2**20:.0f} MiB",
                "≤ 2048 MiB",
                verdict(grown, 2 * 2**30),
                "",
                "",
                "",
                "",
            ],
            [
                "coordinator(2 grids)",
                fmt_time(coord),
                "≤ 5 µs",
                verdict(coord, 5e-6),
                fmt_time(walk_coord),
                f"{walk_coord / coord:.1f}×",
                fmt_time(nx_coord),
                f"{nx_coord / coord:,.0f}×",
            ],
            [
                "ancestors(grid)",
                fmt_time(anc),
                "≤ 2 µs",
                verdict(anc, 2e-6),
                fmt_time(walk_anc),
                f"{walk_anc / anc:.1f}×",
                "",
                "",
            ],
        ],
    )
    print("ratio = peer time / urbangov time (higher means urbangov is faster)")
