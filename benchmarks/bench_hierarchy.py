"""Hierarchy at scale: build 1,000,000 grids from rows, then ``ancestors`` and ``coordinator``.

Targets (judged at full size only): build ≤ 30 s and ≤ 2 GiB; ``coordinator`` of two
grids ≤ 5 µs median; ``ancestors`` ≤ 2 µs median. Peers measured in the same run, on
the same inputs, warmed alike, their answers compared with urbangov's for every input: a
plain parent-dict walk (all pairs), and ``networkx.lowest_common_ancestor`` on the same
tree built once (a few pairs only: it checks the whole graph on every call), timed
alone against urbangov on those same pairs.
"""

from __future__ import annotations

import random
import time

import networkx as nx

from benchmarks._harness import (
    fmt_time,
    median_seconds,
    print_table,
    rss_bytes,
    target,
    warm_per_call,
)
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

    parents = {u.code: u.parent for u in h}
    # every answer compared, outside the timings
    for a, b in pairs:
        assert h.coordinator([a, b]).code == _parent_walk_lca(parents, a, b), (a, b)
    for a in singles:
        assert [u.code for u in h.ancestors(a)] == _parent_walk_ancestors(parents, a), a
    coord = warm_per_call(h.coordinator, pairs)
    anc = warm_per_call(h.ancestors, singles)
    walk_coord = warm_per_call(_parent_walk_lca, [(parents, a, b) for a, b in pairs], star=True)
    walk_anc = warm_per_call(_parent_walk_ancestors, [(parents, a) for a in singles], star=True)

    # networkx on the same tree, built once, a few pairs only (it validates the whole DAG
    # per call); urbangov timed on the very same pairs
    graph = nx.DiGraph()
    graph.add_edges_from((u.parent, u.code) for u in h if u.parent is not None)
    nx_pairs = [p for p in pairs if p[0][:6] == p[1][:6]][: 3 if tiny else 5]
    for a, b in nx_pairs:
        assert nx.lowest_common_ancestor(graph, a, b) == h.coordinator([a, b]).code

    def nx_all() -> None:
        for a, b in nx_pairs:
            nx.lowest_common_ancestor(graph, a, b)

    def ours_all() -> None:
        for p in nx_pairs:
            h.coordinator(p)

    repeat = 3
    nx_coord = median_seconds(nx_all, repeat=repeat) / len(nx_pairs)  # warmed by the check
    ours_coord = median_seconds(ours_all, repeat=repeat, number=1_000) / len(nx_pairs)

    n_grids = len(grids)
    print_table(
        f"hierarchy: {n_grids:,} grids, {len(h):,} units",
        ["measure", "urbangov", "target", "", "parent-dict walk", "ratio", "networkx", "ratio"],
        [
            [
                "build from rows",
                fmt_time(build),
                *target(build, 30, "≤ 30 s", tiny=tiny),
                "",
                "",
                "",
                "",
            ],
            [
                "memory of build",
                f"{grown / 2**20:.0f} MiB",
                *target(grown, 2 * 2**30, "≤ 2048 MiB", tiny=tiny),
                "",
                "",
                "",
                "",
            ],
            [
                f"coordinator(2 grids), {len(pairs):,} pairs",
                fmt_time(coord),
                *target(coord, 5e-6, "≤ 5 µs", tiny=tiny),
                fmt_time(walk_coord),
                f"{walk_coord / coord:.1f}×",
                "",
                "",
            ],
            [
                f"coordinator(2 grids), the {len(nx_pairs)} networkx pairs",
                fmt_time(ours_coord),
                "",
                "",
                "",
                "",
                fmt_time(nx_coord),
                f"{nx_coord / ours_coord:,.0f}×",
            ],
            [
                "ancestors(grid)",
                fmt_time(anc),
                *target(anc, 2e-6, "≤ 2 µs", tiny=tiny),
                fmt_time(walk_anc),
                f"{walk_anc / anc:.1f}×",
                "",
                "",
            ],
        ],
    )
    print("ratio = peer time / urbangov time (higher means urbangov is faster)")
