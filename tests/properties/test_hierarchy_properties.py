"""Laws of the hierarchy, over random forests."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import hierarchies, hierarchy_rows
from urbangov import Hierarchy, HierarchyError, Level, Unit


def _reference_lca(parents: dict[str, str | None], codes: list[str]) -> str | None:
    """Lowest common ancestor by plain parent-dict walks (the reference)."""

    def chain(code: str) -> list[str]:
        out = [code]
        while parents[out[-1]] is not None:
            out.append(parents[out[-1]])  # type: ignore[arg-type]
        return out

    common = set(chain(codes[0]))
    for code in codes[1:]:
        common &= set(chain(code))
    for code in chain(codes[0]):
        if code in common:
            return code
    return None


@given(hierarchies())
def test_generated_valid_trees_validate(h: Hierarchy) -> None:
    assert Hierarchy(h.units) == h


@given(hierarchies(), st.data())
def test_coordinator_is_the_lowest_common_ancestor(h: Hierarchy, data: st.DataObject) -> None:
    codes = data.draw(st.lists(st.sampled_from([u.code for u in h]), min_size=1, max_size=4))
    parents = {u.code: u.parent for u in h}
    expected = _reference_lca(parents, codes)
    if expected is None:
        try:
            h.coordinator(codes)
        except HierarchyError:
            return
        raise AssertionError("units in different trees must raise")
    found = h.coordinator(codes)
    assert found.code == expected
    # it covers every input: each is the coordinator or below it
    for code in codes:
        assert code == found.code or found in h.ancestors(code)


@given(hierarchies())
def test_ancestors_follow_parents_to_a_root(h: Hierarchy) -> None:
    for u in h:
        chain = h.ancestors(u)
        current = u
        for a in chain:
            assert current.parent == a.code
            assert a.level == current.level - 1
            current = a
        assert current.parent is None


@given(hierarchies())
def test_descendants_are_exactly_the_units_below(h: Hierarchy) -> None:
    for u in h.roots():
        below = {d.code for d in h.descendants(u)}
        expected = {x.code for x in h if u in h.ancestors(x)}
        assert below == expected


@settings(max_examples=30)
@given(hierarchies())
def test_dump_load_round_trip(h: Hierarchy) -> None:
    with tempfile.TemporaryDirectory() as d:
        for name in ("c.toml", "c.json"):
            path = Path(d) / name
            h.dump(path)
            assert Hierarchy.load(path) == h


@given(hierarchies())
def test_every_public_value_pickles_equal(h: Hierarchy) -> None:
    assert pickle.loads(pickle.dumps(h)) == h
    for u in h.units[:5]:
        assert pickle.loads(pickle.dumps(u)) == u


_MUTATIONS = ("drop_parent", "wrong_level", "foreign_code", "duplicate", "bad_length")


@given(
    hierarchy_rows().filter(lambda us: any(u.parent for u in us)),
    st.sampled_from(_MUTATIONS),
    st.data(),
)
def test_every_mutation_breaking_a_code_rule_raises(
    units: list[Unit], mutation: str, data: st.DataObject
) -> None:
    children = [u for u in units if u.parent is not None]
    victim = data.draw(st.sampled_from(children))
    rest = [u for u in units if u is not victim]
    if mutation == "drop_parent":
        rest = [u for u in rest if u.code != victim.parent]
        broken = [*rest, victim]
    elif mutation == "wrong_level":
        other = Level(victim.level - 1) if victim.level > Level.DISTRICT else Level.GRID
        broken = [*rest, attrs.evolve(victim, level=other)]
    elif mutation == "foreign_code":
        code = ("9" if victim.code[0] != "9" else "8") + victim.code[1:]
        broken = [*rest, attrs.evolve(victim, code=code)]
    elif mutation == "duplicate":
        broken = [*units, attrs.evolve(victim, name="copy")]
    else:
        broken = [*rest, attrs.evolve(victim, code=victim.code + "1")]
    try:
        Hierarchy(broken)
    except HierarchyError:
        return
    raise AssertionError(f"{mutation} of {victim.code} was accepted")
