"""Duty-matrix and accountability-graph queries, per call, against networkx walks.

``lead_for`` (a dictionary hit per (asset kind, ancestor)) and ``escalation_chain`` (the
hierarchy's ancestor index plus a head lookup) against the same answers computed on the
graph: ``nx.shortest_path`` along ``reports_to`` edges to the root, and a scan of the
``leads`` edges into the unit's ancestors (``nx.ancestors``-style walk). Targets: both
urbangov queries ≤ 20 µs median on the sample district scaled up.
"""

from __future__ import annotations

import random

import networkx as nx

from benchmarks._harness import fmt_time, per_call_median, print_table, verdict
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


def _nx_escalation(g: nx.MultiDiGraph[str], root: str, unit: str) -> list[str]:
    def is_report(a: str, b: str, k: int) -> bool:
        return bool(g.edges[a, b, k]["kind"] == "reports_to")

    reports = nx.subgraph_view(g, filter_edge=is_report)
    return list(nx.shortest_path(reports, unit, root))


def _nx_lead(g: nx.MultiDiGraph[str], root: str, domain: str, unit: str, kind: str | None) -> str:
    chain = _nx_escalation(g, root, unit)
    for want in (kind, None):
        for code in chain:
            for a, _b, data in g.in_edges(code, data=True):
                if (
                    data["kind"] == "leads"
                    and data["domain"] == domain
                    and data["asset_kind"] == want
                ):
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
    nx_queries = queries[: 50 if tiny else 200]

    t_lead = per_call_median(lambda q: graph.lead_for(*q), queries)
    t_chain = per_call_median(graph.escalation_chain, sample)
    t_nx_chain = per_call_median(
        lambda u: _nx_escalation(g, "320105", u), sample[: len(nx_queries)]
    )
    t_nx_lead = per_call_median(lambda q: _nx_lead(g, "320105", *q), nx_queries)
    target = 20e-6
    print_table(
        f"Accountability queries ({len(city.hierarchy)} units, {g.number_of_edges()} edges)",
        ["query", "urbangov", "networkx walk", "ratio", "target"],
        [
            [
                "lead_for",
                fmt_time(t_lead),
                fmt_time(t_nx_lead),
                f"{t_nx_lead / t_lead:.0f}×",
                verdict(t_lead, target),
            ],
            [
                "escalation_chain",
                fmt_time(t_chain),
                fmt_time(t_nx_chain),
                f"{t_nx_chain / t_chain:.0f}×",
                verdict(t_chain, target),
            ],
        ],
    )


if __name__ == "__main__":
    main(tiny=True)
