"""Laws of the organisation, the duty matrix and the accountability graph."""

from __future__ import annotations

import pickle
import tempfile
from itertools import pairwise
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov.errors import OrganisationError
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
    load_city,
)
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Domain, Level

ASSET_KINDS = (
    None,
    "road",
    "road.city_list",
    "road.other",
    "kiosk",
    "estate.with_property_company",
)
FAST = settings(max_examples=30, deadline=None)


@st.composite
def hierarchies(draw: st.DrawFn) -> Hierarchy:
    rows: list[tuple[str, str, str, str | None]] = [("320105", "区", "district", None)]
    for s in range(1, draw(st.integers(1, 3)) + 1):
        street = f"320105{s:03d}"
        rows.append((street, f"街道{s}", "street", "320105"))
        for c in range(1, draw(st.integers(1, 2)) + 1):
            community = f"{street}{c:03d}"
            rows.append((community, f"社区{s}-{c}", "community", street))
            for g in range(1, draw(st.integers(1, 3)) + 1):
                rows.append((f"{community}{g:03d}", f"网格{s}-{c}-{g}", "grid", community))
    return Hierarchy.from_rows(rows)


@st.composite
def cities(draw: st.DrawFn) -> City:
    h = draw(hierarchies())
    n_dept = draw(st.integers(1, 4))
    departments = [Department(f"d{i}", f"部门{i}", DepartmentKind.BUREAU) for i in range(n_dept)]
    codes = [d.code for d in departments]
    parties = st.one_of(st.sampled_from(codes), st.just(Level.DISTRICT))
    rules = [DutyRule(d, None, "320105", draw(parties)) for d in Domain]
    keys = {r.key for r in rules}
    units = [u.code for u in h.units]
    # the pair that decides precedence: an exact asset kind high up on a unit's chain and
    # its dotted parent kind deeper on the same chain, with different leads
    for _ in range(draw(st.integers(1, 2))):
        domain = draw(st.sampled_from(list(Domain)))
        deep = draw(st.sampled_from([u for u in units if h.unit(u).level > Level.DISTRICT]))
        high = draw(st.sampled_from(_chain(h, deep)[1:]))
        exact = draw(st.sampled_from(("road.city_list", "road.other")))
        lead_high, lead_deep = draw(st.lists(parties, min_size=2, max_size=2, unique=True))
        pair = [DutyRule(domain, exact, high, lead_high), DutyRule(domain, "road", deep, lead_deep)]
        if not keys & {r.key for r in pair}:
            keys |= {r.key for r in pair}
            rules += pair
    for _ in range(draw(st.integers(0, 12))):
        rule = DutyRule(
            draw(st.sampled_from(list(Domain))),
            draw(st.sampled_from(ASSET_KINDS)),
            draw(st.sampled_from(units)),
            draw(st.sampled_from(codes)),
            cooperating=tuple(draw(st.lists(st.sampled_from(codes), max_size=2))),
            supervising=tuple(draw(st.lists(parties, max_size=1))),
        )
        if rule.key not in keys:
            keys.add(rule.key)
            rules.append(rule)
    heads = draw(st.lists(st.sampled_from(units), unique=True, max_size=len(units)))
    persons = [
        Person(
            f"p{i}",
            f"人{i}",
            Role.GRID_CHIEF if h.unit(u).level is Level.GRID else Role.FIRST_RESPONSIBLE,
            unit=u,
        )
        for i, u in enumerate(heads)
    ]
    org = Organisation(departments=departments, persons=persons, duties=DutyMatrix(rules))
    return City(h, org)


def _chain(h: Hierarchy, unit: str) -> list[str]:
    return [unit, *(a.code for a in h.ancestors(unit))]


def _reference_rule(
    matrix: DutyMatrix, h: Hierarchy, domain: Domain, unit: str, kind: str | None
) -> DutyRule:
    """The most specific rule by a plain scan (the spec, not the index)."""
    kinds: list[str | None] = [None]
    if kind is not None:
        parts = kind.split(".")
        kinds = [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + [None]
    chain = _chain(h, unit)
    best = None
    for rule in matrix.rules:
        if rule.domain is not domain or rule.asset_kind not in kinds:
            continue
        if rule.territory not in chain:
            continue
        rank = (kinds.index(rule.asset_kind), chain.index(rule.territory))
        if best is None or rank < best[0]:
            best = (rank, rule)
    assert best is not None
    return best[1]


def _known(matrix: DutyMatrix, kind: str) -> bool:
    """The spec of a known asset kind: it, or a dotted parent, is a kind of the matrix's
    rules or the bundled taxonomy — or a parent of it has a rule of its own."""
    named = {r.asset_kind for r in matrix.rules} | {
        c.asset_kind for c in Taxonomy.default().categories()
    }
    prefixes = {".".join(k.split(".")[:i]) for k in named if k for i in range(1, k.count(".") + 2)}
    parts = kind.split(".")
    parents = [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]
    return kind in prefixes or any(p in {r.asset_kind for r in matrix.rules} for p in parents)


@FAST
@given(cities(), st.data())
def test_most_specific_rule_wins(city: City, data: st.DataObject) -> None:
    h = city.hierarchy
    unit = data.draw(st.sampled_from([u.code for u in h.units]))
    domain = data.draw(st.sampled_from(list(Domain)))
    kind = data.draw(st.sampled_from(ASSET_KINDS))
    if kind is not None and not _known(city.organisation.duties, kind):
        # an asset kind neither the matrix nor the taxonomy knows is an error
        with pytest.raises(OrganisationError, match="asset kind"):
            city.duties.rule_for(domain, unit, kind)
        return
    expected = _reference_rule(city.organisation.duties, h, domain, unit, kind)
    assert city.duties.rule_for(domain, unit, kind) == expected
    lead = city.lead_for(domain, unit, kind)
    if isinstance(expected.lead, Level):
        assert lead == h.territory_of(unit, expected.lead).code
    else:
        assert lead == expected.lead


def _shadowing_pairs(matrix: DutyMatrix, h: Hierarchy) -> list[tuple[DutyRule, DutyRule]]:
    """(exact, parent) rules of one domain: ``parent``'s asset kind is a dotted parent of
    ``exact``'s, and ``parent`` lies strictly deeper on the chain of ``exact``'s territory."""
    return [
        (exact, parent)
        for exact in matrix.rules
        for parent in matrix.rules
        if exact.domain is parent.domain
        and exact.asset_kind is not None
        and parent.asset_kind is not None
        and exact.asset_kind.startswith(parent.asset_kind + ".")
        and exact.territory in _chain(h, parent.territory)[1:]
    ]


@FAST
@given(cities())
def test_an_exact_asset_kind_beats_its_parent_kind_at_a_deeper_territory(city: City) -> None:
    h, matrix = city.hierarchy, city.organisation.duties
    pairs = _shadowing_pairs(matrix, h)
    assert pairs, "cities() plants at least one such pair"
    for exact, parent in pairs:
        kind = exact.asset_kind
        for unit in [parent.territory, *(u.code for u in h.descendants(parent.territory))]:
            expected = _reference_rule(matrix, h, exact.domain, unit, kind)
            assert expected.asset_kind == kind  # the deeper `road` rule never wins
            assert city.duties.rule_for(exact.domain, unit, kind) == expected
            lead = city.lead_for(exact.domain, unit, kind)
            if isinstance(expected.lead, Level):
                assert lead == h.territory_of(unit, expected.lead).code
            else:
                assert lead == expected.lead
            # the parent kind itself, there, is the deeper rule's (or a deeper one's)
            parent_rule = city.duties.rule_for(exact.domain, unit, parent.asset_kind)
            assert parent_rule == _reference_rule(matrix, h, exact.domain, unit, parent.asset_kind)
            assert parent_rule.asset_kind == parent.asset_kind


@FAST
@given(cities(), st.data())
def test_a_deeper_rule_overrides(city: City, data: st.DataObject) -> None:
    h = city.hierarchy
    grid = data.draw(st.sampled_from([g.code for g in h.grids()]))
    domain = data.draw(st.sampled_from(list(Domain)))
    rules = [r for r in city.organisation.duties.rules if r.key != (domain, None, grid)]
    deeper = DutyRule(domain, None, grid, "d0")
    matrix = DutyMatrix([*rules, deeper])
    assert matrix.lead_for(domain, grid, hierarchy=h) == "d0"
    assert matrix.rule_for(domain, grid, hierarchy=h) == deeper


@FAST
@given(cities())
def test_escalation_chain_ends_at_a_root_and_follows_reports_to(city: City) -> None:
    g = AccountabilityGraph.from_city(city)
    for unit in city.hierarchy.units:
        chain = g.escalation_chain(unit.code)
        assert chain[0].unit == unit
        assert chain[-1].unit.parent is None
        for lower, upper in pairwise(chain):
            kinds = {
                d["kind"] for d in g.graph.get_edge_data(lower.unit.code, upper.unit.code).values()
            }
            assert "reports_to" in kinds
        for step in chain:
            assert step.first_responsible == city.organisation.head_of(step.unit)


@FAST
@given(cities())
def test_load_dump_and_pickle_round_trip(city: City) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "city.toml"
        city.dump(path)
        assert load_city(path) == city
    assert pickle.loads(pickle.dumps(city)) == city
    assert pickle.loads(pickle.dumps(AccountabilityGraph.from_city(city))).city == city


@FAST
@given(cities(), st.data())
def test_broken_organisations_raise(city: City, data: st.DataObject) -> None:
    h, org = city.hierarchy, city.organisation
    rules = org.duties.rules
    breakage = data.draw(
        st.sampled_from(["no_lead", "disagree", "unknown_department", "unknown_unit", "dup_code"])
    )

    def build() -> object:
        if breakage == "no_lead":
            domain = data.draw(st.sampled_from(list(Domain)))
            kept = [r for r in rules if not (r.domain is domain and r.asset_kind is None)]
            return City(h, attrs.evolve(org, duties=DutyMatrix(kept)))
        if breakage == "disagree":
            rule = data.draw(st.sampled_from(rules))
            other = attrs.evolve(rule, lead="d0" if rule.lead != "d0" else Level.DISTRICT)
            return DutyMatrix([*rules, other])
        if breakage == "unknown_department":
            rule = attrs.evolve(data.draw(st.sampled_from(rules)), lead="nowhere")
            return Organisation(departments=org.departments, duties=[rule])
        if breakage == "unknown_unit":
            bad = Person("stray", "某", Role.FIRST_RESPONSIBLE, unit="320199")
            return City(h, attrs.evolve(org, persons=(*org.persons, bad)))
        dup = Person(org.departments[0].code, "某", Role.LEADER)
        return attrs.evolve(org, persons=(*org.persons, dup))

    with pytest.raises(OrganisationError):
        build()


@FAST
@given(cities())
def test_every_generated_organisation_validates(city: City) -> None:
    assert city.organisation.duties.gaps(city.hierarchy) == ()
    assert city.organisation.duties.problems(city.hierarchy) == []
    # rebuilding from plain data gives the same value
    assert Organisation.from_data(city.organisation.to_data()) == city.organisation


def _reference_gaps(matrix: DutyMatrix, h: Hierarchy) -> tuple[tuple[Domain, str], ...]:
    """``DutyMatrix.gaps`` as first written: every unit judged, top-down then bottom-up."""
    by_level = sorted(h.units, key=lambda u: (u.level, u.code))
    kids: dict[str, list[str]] = {}
    for u in by_level:
        if u.parent is not None:
            kids.setdefault(u.parent, []).append(u.code)
    roots = [u.code for u in h.units if u.parent is None]
    found: list[tuple[Domain, str]] = []
    for dom in Domain:
        territories = {
            r.territory for r in matrix.rules if r.domain is dom and r.asset_kind is None
        }
        inherited: dict[str, bool] = {}
        for u in by_level:
            above = inherited[u.parent] if u.parent is not None else False
            inherited[u.code] = above or u.code in territories
        ok: dict[str, bool] = {}
        any_rule: dict[str, bool] = {}
        for u in reversed(by_level):
            below = kids.get(u.code, ())
            ok[u.code] = inherited[u.code] or (bool(below) and all(ok[k] for k in below))
            any_rule[u.code] = u.code in territories or any(any_rule[k] for k in below)
        stack = sorted(roots, reverse=True)
        while stack:
            code = stack.pop()
            if ok[code]:
                continue
            below = kids.get(code, ())
            if not below or not any_rule[code]:
                found.append((dom, code))
            else:
                stack.extend(sorted(below, reverse=True))
    return tuple(found)


@settings(max_examples=80, deadline=None)
@given(hierarchies(), st.data())
def test_gaps_are_those_of_judging_every_unit(h: Hierarchy, data: st.DataObject) -> None:
    units = [u.code for u in h.units] + ["320199"]  # and a territory the city lacks
    rules = {
        (d, t): DutyRule(d, None, t, "d0")
        for d, t in data.draw(
            st.lists(st.tuples(st.sampled_from(list(Domain)), st.sampled_from(units)), max_size=25)
        )
    }
    matrix = DutyMatrix(list(rules.values()))
    assert matrix.gaps(h) == _reference_gaps(matrix, h)
