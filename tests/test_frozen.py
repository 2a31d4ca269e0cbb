"""FrozenMap: immutable, hashable, picklable, equal by content; read-only columns
(``readonly_array``) that never alias memory a caller can still write."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from urbangov import FrozenMap
from urbangov.frozen import freeze, readonly_array, thaw

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


# ------------------------------------------------------------------ readonly_array


def test_a_callers_writable_array_is_copied_so_later_writes_do_not_leak() -> None:
    mine = np.arange(4, dtype=np.int64)
    column = readonly_array(mine, np.int64, field="x")
    mine[0] = 99
    assert column.tolist() == [0, 1, 2, 3]
    assert not column.flags.writeable
    assert not np.shares_memory(column, mine)


def test_a_read_only_view_of_a_writable_array_is_copied() -> None:
    mine = np.arange(4, dtype=np.int64)
    view = mine[1:]
    view.setflags(write=False)
    column = readonly_array(view, np.int64, field="x")
    mine[1] = 99
    assert column.tolist() == [1, 2, 3]
    assert not np.shares_memory(column, mine)


def test_a_read_only_view_of_a_writable_buffer_is_copied() -> None:
    buffer = bytearray(16)
    view = np.frombuffer(buffer, dtype=np.int64)
    view.setflags(write=False)
    column = readonly_array(view, np.int64, field="x")
    buffer[0] = 7
    assert column.tolist() == [0, 0]


def test_a_sealed_array_is_taken_over_without_a_copy() -> None:
    sealed = np.arange(4, dtype=np.int64)
    sealed.setflags(write=False)
    assert readonly_array(sealed, np.int64, field="x") is sealed
    # a read-only view of a read-only array, and an array over immutable bytes
    half = sealed[::2]
    assert readonly_array(half, np.int64, field="x") is half
    frozen_bytes = np.frombuffer(bytes(16), dtype=np.int64)
    assert readonly_array(frozen_bytes, np.int64, field="x") is frozen_bytes
    # the wrong dtype is converted (a new array), never reinterpreted
    as_int32 = readonly_array(sealed, np.int32, field="x")
    assert as_int32.dtype == np.int32
    assert as_int32.tolist() == [0, 1, 2, 3]
    assert not as_int32.flags.writeable


def test_a_column_cannot_be_written() -> None:
    column = readonly_array([1, 2], np.int64, field="x")
    with pytest.raises(ValueError, match="read-only"):
        column[0] = 5
