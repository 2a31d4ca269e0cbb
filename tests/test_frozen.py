"""FrozenMap: immutable, hashable, picklable, equal by content."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from urbangov import FrozenMap
from urbangov.frozen import freeze, thaw

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=4), st.integers(), max_size=6))
def test_equal_and_same_hash_whatever_the_order(d: dict[str, int]) -> None:
    a = FrozenMap(d)
    b = FrozenMap(dict(reversed(list(d.items()))))
    assert a == b == d
    assert hash(a) == hash(b)


@given(st.dictionaries(st.text(max_size=4), st.integers(), max_size=6))
def test_pickle_round_trip(d: dict[str, int]) -> None:
    m = FrozenMap(d)
    again = pickle.loads(pickle.dumps(m))
    assert again == m
    assert isinstance(again, FrozenMap)


@given(plain)
def test_thaw_undoes_freeze(value: object) -> None:
    assert thaw(freeze(value)) == value


@given(plain)
def test_frozen_values_hash(value: object) -> None:
    hash(freeze(value))  # raises TypeError if anything mutable is left
    assert freeze(freeze(value)) == freeze(value)


def test_mutation_is_refused() -> None:
    m = FrozenMap(a=1)
    with pytest.raises(TypeError):
        m["a"] = 2  # type: ignore[index]
    with pytest.raises(AttributeError, match="immutable"):
        m._data = {}  # type: ignore[misc]
    assert m.set("b", 2) == {"a": 1, "b": 2}
    assert m == {"a": 1}
    with pytest.raises(KeyError):
        m.delete("zz")


def test_union_returns_a_new_map() -> None:
    assert (FrozenMap(a=1) | {"b": 2}) == {"a": 1, "b": 2}
