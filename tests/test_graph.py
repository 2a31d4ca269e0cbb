"""The accountability graph: edges of every kind, escalation chains, read-only view."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import networkx as nx
import pytest

from urbangov.errors import HierarchyError, OrganisationError
from urbangov.graph import EDGE_KINDS, AccountabilityGraph
from urbangov.org import City, load_city

FIXTURE = Path(__file__).parent / "fixtures" / "org_city.toml"
GRID = "320105001001001"


@pytest.fixture(scope="module")
def city() -> City:
    return load_city(FIXTURE)


@pytest.fixture(scope="module")
def graph(city: City) -> AccountabilityGraph:
    return AccountabilityGraph.from_city(city)


def _kinds(g: AccountabilityGraph, a: str, b: str) -> set[str]:
    return {d["kind"] for d in g.graph.get_edge_data(a, b, default={}).values()}


def test_escalation_chain_from_a_grid_names_the_people(graph: AccountabilityGraph) -> None:
    chain = graph.escalation_chain(GRID)
    assert [s.unit.code for s in chain] == [
        GRID,
        "320105001001",
        "320105001",
        "320105",
        "320100",
    ]
    people = [s.first_responsible.code if s.first_responsible else None for s in chain]
    assert people == ["p_grid_1", "p_nanhu_c1", "p_nanhu", "p_district", None]
    # every step follows a reports_to edge of the graph
    for lower, upper in itertools.pairwise(chain):
        assert "reports_to" in _kinds(graph, lower.unit.code, upper.unit.code)


def test_first_responsible(graph: AccountabilityGraph) -> None:
    head = graph.first_responsible("320105001")
    assert head is not None
    assert head.title == "街道主任"
    assert graph.first_responsible("320105002") is None
    with pytest.raises(HierarchyError):
        graph.first_responsible("999")


def test_every_edge_kind_appears(graph: AccountabilityGraph) -> None:
    found = {d["kind"] for _, _, d in graph.graph.edges(data=True)}
    assert found == set(EDGE_KINDS)


def test_duty_edges_carry_domain_and_asset_kind(graph: AccountabilityGraph) -> None:
    leads = [(a, b, d) for a, b, d in graph.edges("leads") if a == "hw_station"]
    assert len(leads) == 1
    _a, b, data = leads[0]
    assert b == "320105"
    assert data["domain"] == "sanitation"
    assert data["asset_kind"] == "road.city_list"
    # a Level lead ("the street") becomes a self-loop on each street of the territory
    street_loops = {
        a
        for a, b, d in graph.edges("leads")
        if a == b and d["domain"] == "sanitation" and d["asset_kind"] is None
    }
    assert street_loops == {"320105001", "320105002"}


def test_accountability_edges(graph: AccountabilityGraph) -> None:
    assert _kinds(graph, "p_grid_1", GRID) == {"heads"}
    assert _kinds(graph, "p_worker_1", GRID) == {"staffs"}
    assert _kinds(graph, "brigade", "squadron_north") == {"commands"}
    assert _kinds(graph, "team_nanhu", "p_officer_1") == {"commands"}
    assert _kinds(graph, "p_officer_1", "S1") == {"covers"}
    assert _kinds(graph, "squadron_north", "sector_north") == {"covers"}
    assert _kinds(graph, "cmc_assess", "cmc_manage") == {"supervises"}
    assert _kinds(graph, "cmc_assess", "info_centre") == {"hosted_by"}
    assert _kinds(graph, "p_section_head", "squadron_north") == {"pairs_with"}
    assert _kinds(graph, "cityapp_bureau", "brigade") >= {"commands", "contracts"}
    assert _kinds(graph, "f_shop", "S1") == {"responsible_for"}


def test_queries_answer_the_fixture_duties(graph: AccountabilityGraph) -> None:
    # the expected parties are read off org_city.toml's [[organisation.duties]] by hand
    assert graph.lead_for("sanitation", GRID, "road.city_list") == "hw_station"
    assert graph.lead_for("sanitation", GRID) == "320105001"  # lead = "level:street"
    assert graph.lead_for("city_appearance", GRID, "bus_stop") == "cons_bureau"
    assert graph.cooperating_for("city_appearance", GRID) == ("cityapp_bureau", "brigade")
    # cooperating = ["cityapp_bureau", "level:street"]: the grid's own street
    assert graph.cooperating_for("municipal_facilities", GRID) == ("cityapp_bureau", "320105001")
    assert graph.cooperating_for("city_appearance", GRID, "kiosk") == ()
    assert graph.supervising_for("sanitation", GRID) == ("cityapp_bureau",)
    assert graph.supervising_for("sanitation", GRID, "road.city_list") == (
        "cityapp_bureau",
        "320105001",
    )


def test_graph_is_read_only(graph: AccountabilityGraph) -> None:
    assert nx.is_frozen(graph.graph)
    with pytest.raises(nx.NetworkXError):
        graph.graph.add_edge("a", "b")


def test_equality_and_pickle(graph: AccountabilityGraph, city: City) -> None:
    again = pickle.loads(pickle.dumps(graph))
    assert again == graph
    assert hash(again) == hash(graph)
    assert again.graph.number_of_edges() == graph.graph.number_of_edges()
    assert AccountabilityGraph.build(city.hierarchy, city.organisation) == graph


def test_build_validates_against_the_hierarchy(city: City) -> None:
    from urbangov.hierarchy import Hierarchy

    lone = Hierarchy.from_rows([("320105", "示例区", "district", None)])
    with pytest.raises(OrganisationError):
        AccountabilityGraph.build(lone, city.organisation)


def test_unknown_edge_kind(graph: AccountabilityGraph) -> None:
    with pytest.raises(OrganisationError, match="unknown edge kind"):
        list(graph.edges("owns"))


def test_demo_section_prints_duty_matrix_and_escalation(city: City) -> None:
    from rich.console import Console

    from urbangov.cli.demo_org import demo_section

    console = Console(record=True, width=200)
    demo_section(console, city)
    text = console.export_text()
    assert "Duty matrix for 南湖街道" in text
    assert "区环卫所" in text  # road.city_list lead (《城市管理协管员考核办法》篇5 §二(一))
    assert "road.city_list" in text
    assert "Escalation chain from 南湖一社区第1网格" in text
    assert "街道主任" in text
    assert "示例市" not in text  # the chain stops at the district
    console = Console(record=True, width=200)
    demo_section(console, city, lang="zh", street="320105002")
    assert "滨湖街道职责分工" in console.export_text()
