"""Duty-matrix and accountability-graph queries, per call, against networkx.

``lead_for`` (a dictionary hit per (asset kind, ancestor)) and ``escalation_chain`` (the
hierarchy's ancestor index plus a head lookup) against the same answers computed with
networkx the efficient way: the ``reports_to``, ``leads`` and ``heads`` edges are each
put in their own graph once, before timing; a query is ``nx.shortest_path`` to the root
on the first, then a scan of the ``leads`` edges into the unit's chain (exact asset
kind, its dotted parents, then any), or a head lookup per step. Both sides answer the
same 2,000 queries (200 at ``--tiny``), warmed by one untimed pass, and every answer is
compared. Target: both urbangov queries ≤ 20 µs median on the sample district scaled up
(judged at full size only).
"""

from __future__ import annotations

import random

import networkx as nx

from benchmarks._harness import fmt_time, print_table, target, warm_per_call
from urbangov.graph import AccountabilityGraph
from urbangov.hierarchy import Hierarchy
from urbangov.org import (
    City,
    Department,
    DepartmentKind,
    DutyMatrix,
    DutyRule,
    Organisation,
    Person,
    Role,
)
from urbangov.vocabulary import Domain, Level

KINDS = ("road.city_list", "road.other", "kiosk", "bus_stop", None)


def make_city(streets: int, communities: int, grids: int) -> City:
    rows: list[tuple[str, str, str, str | None]] = [("320105", "区", "district", None)]
    persons = [Person("p_d", "区长", Role.FIRST_RESPONSIBLE, unit="320105")]
    for s in range(1, streets + 1):
        street = f"320105{s:03d}"
        rows.append((street, f"街{s}", "street", "320105"))
        persons.append(Person(f"p_{street}", "主任", Role.FIRST_RESPONSIBLE, unit=street))
        for c in range(1, communities + 1):
            community = f"{street}{c:03d}"
            rows.append((community, f"社{c}", "community", street))
            for g in range(1, grids + 1):
                grid = f"{community}{g:03d}"
                rows.append((grid, f"格{g}", "grid", community))
                persons.append(Person(f"p_{grid}", "网格长", Role.GRID_CHIEF, unit=grid))
    h = Hierarchy.from_rows(rows)
    departments = [
        Department(code, code, DepartmentKind.BUREAU)
        for code in ("hw_station", "cons_bureau", "culture_bureau", "office")
    ]
    rules = [DutyRule(d, None, "320105", Level.STREET) for d in Domain]
    rules += [
        DutyRule(Domain.SANITATION, "road.city_list", "320105", "hw_station"),
        DutyRule(Domain.CITY_APPEARANCE, "bus_stop", "320105", "cons_bureau"),
        DutyRule(Domain.CITY_APPEARANCE, "kiosk", "320105", "culture_bureau"),
    ]
    rules += [
        DutyRule(Domain.FARMERS_MARKETS, None, u.code, "office") for u in h.at_level("street")
    ]
    org = Organisation(departments=departments, persons=persons, duties=DutyMatrix(rules))
    return City(h, org)


class NetworkxPeer:
    """The same queries on the accountability graph with networkx, each kind of edge in
    its own graph, built once."""

    def __init__(self, g: nx.MultiDiGraph[str], root: str) -> None:
        def of_kind(kind: str) -> list[tuple[str, str, dict[str, object]]]:
            return [(a, b, d) for a, b, d in g.edges(data=True) if d["kind"] == kind]

        self.root = root
        self.reports: nx.DiGraph[str] = nx.DiGraph()
        self.reports.add_edges_from((a, b) for a, b, _ in of_kind("reports_to"))
        self.leads: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        self.leads.add_edges_from(of_kind("leads"))
        self.heads: nx.DiGraph[str] = nx.DiGraph()
        self.heads.add_edges_from((a, b) for a, b, _ in of_kind("heads"))

    def chain(self, unit: str) -> list[str]:
        return list(nx.shortest_path(self.reports, unit, self.root))

    def escalation(self, unit: str) -> list[tuple[str, str | None]]:
        """(unit, first responsible person) along the chain to the root."""
        heads = self.heads
        return [
            (u, next(iter(heads.predecessors(u)), None) if u in heads else None)
            for u in self.chain(unit)
        ]

    def lead(self, domain: str, unit: str, kind: str | None) -> str:
        chain = self.chain(unit)
        wanted: list[str | None] = [None]
        if kind is not None:
            parts = kind.split(".")
            wanted = [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + [None]
        leads = self.leads
        for want in wanted:
            for code in chain:
                if code not in leads:
                    continue
                for a, _b, data in leads.in_edges(code, data=True):
                    if data["domain"] == domain and data["asset_kind"] == want:
                        return a
        raise LookupError(unit)


def main(tiny: bool) -> None:
    streets, communities, grids = (3, 3, 5) if tiny else (7, 10, 40)
    city = make_city(streets, communities, grids)
    graph = AccountabilityGraph.from_city(city)
    g = graph.graph
    units = [u.code for u in city.hierarchy.grids()]
    rnd = random.Random(7)
    sample = [rnd.choice(units) for _ in range(200 if tiny else 2000)]
    queries = [
        (rnd.choice(["sanitation", "city_appearance"]), u, rnd.choice(KINDS)) for u in sample
    ]
    peer = NetworkxPeer(g, "320105")

    for q in queries:  # the same answers, query by query
        assert graph.lead_for(*q) == peer.lead(*q), q
    for u in sample:
        ours = [
            (s.unit.code, s.first_responsible.code if s.first_responsible else None)
            for s in graph.escalation_chain(u)
        ]
        assert ours == peer.escalation(u), u

    t_lead = warm_per_call(graph.lead_for, queries, star=True)
    t_nx_lead = warm_per_call(peer.lead, queries, star=True)
    t_chain = warm_per_call(graph.escalation_chain, sample)
    t_nx_chain = warm_per_call(peer.escalation, sample)
    limit = 20e-6
    print_table(
        f"Accountability queries ({len(city.hierarchy)} units, {g.number_of_edges()} edges; "
        f"{len(queries):,} queries, same answers)",
        ["query", "urbangov", "networkx", "ratio", "target", "verdict"],
        [
            [
                "lead_for",
                fmt_time(t_lead),
                fmt_time(t_nx_lead),
                f"{t_nx_lead / t_lead:.1f}×",
                *target(t_lead, limit, "≤ 20 µs", tiny=tiny),
            ],
            [
                "escalation_chain",
                fmt_time(t_chain),
                fmt_time(t_nx_chain),
                f"{t_nx_chain / t_chain:.1f}×",
                *target(t_chain, limit, "≤ 20 µs", tiny=tiny),
            ],
        ],
    )
    print("ratio = networkx time / urbangov time (higher means urbangov is faster)")


if __name__ == "__main__":
    main(tiny=True)
