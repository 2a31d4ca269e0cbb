"""Immutable containers: :class:`FrozenMap` and deep freezing of plain data.

Domain values hold tuples, frozensets and ``FrozenMap`` so that they hash, pickle and
compare equal after a round-trip (process pools and Dask workers depend on it).

>>> m = FrozenMap({"b": 2, "a": 1})
>>> m["a"], len(m), m == {"a": 1, "b": 2}
(1, 2, True)
>>> hash(m) == hash(FrozenMap(a=1, b=2))
True
>>> m.set("c", 3)
FrozenMap({'b': 2, 'a': 1, 'c': 3})
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from urbangov.errors import UrbangovError

__all__ = ["FrozenMap", "freeze", "readonly_array", "thaw"]

K = TypeVar("K")
V = TypeVar("V")
_MISSING: Any = object()


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable, picklable mapping that keeps insertion order.

    Equality is by content (order-insensitive) and also holds against a plain ``dict``
    with the same items. Hashing requires hashable values, like a tuple.

    Examples
    --------
    >>> m = FrozenMap({"grid": 4})
    >>> m["grid"]
    4
    >>> m["grid"] = 5
    Traceback (most recent call last):
    ...
    TypeError: 'FrozenMap' object does not support item assignment
    """

    __slots__ = ("_data", "_hash")

    _data: dict[K, V]
    _hash: int | None

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = (), /, **kwargs: V) -> None:
        data: dict[Any, Any] = dict(items)
        if kwargs:
            data.update(kwargs)
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._data.items())))
        assert self._hash is not None
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("FrozenMap is immutable; use .set() or .delete() for a new map")

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (self._data,))

    def __or__(self, other: Mapping[K, V]) -> FrozenMap[K, V]:
        return FrozenMap({**self._data, **other})

    def set(self, key: K, value: V) -> FrozenMap[K, V]:
        """Return a new map with ``key`` set to ``value``."""
        return FrozenMap({**self._data, key: value})

    def delete(self, key: K) -> FrozenMap[K, V]:
        """Return a new map without ``key`` (``KeyError`` if absent).

        >>> FrozenMap(a=1, b=2).delete("a")
        FrozenMap({'b': 2})
        """
        if key not in self._data:
            raise KeyError(key)
        return FrozenMap({k: v for k, v in self._data.items() if k != key})

    def to_dict(self) -> dict[K, V]:
        """A plain, mutable ``dict`` copy (shallow)."""
        return dict(self._data)


_SCALARS = (str, int, float, bool, Decimal, _dt.date, _dt.time, type(None))


def freeze(value: Any) -> Any:
    """Deep-freeze plain data: dicts become :class:`FrozenMap`, lists and tuples become
    tuples, sets become frozensets; scalars are returned as they are.

    >>> freeze({"a": [1, {"b": [2]}]})
    FrozenMap({'a': (1, FrozenMap({'b': (2,)}))})
    """
    if isinstance(value, (*_SCALARS, FrozenMap, frozenset)):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Undo :func:`freeze` for writing files: maps become dicts, tuples become lists.

    >>> thaw(freeze({"a": [1, {"b": [2]}]}))
    {'a': [1, {'b': [2]}]}
    """
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(thaw(v) for v in value)
    return value


def readonly_array(
    value: object,
    dtype: Any,
    *,
    field: str,
    error: type[UrbangovError] = UrbangovError,
) -> npt.NDArray[Any]:
    """A one-dimensional, read-only numpy array of ``value`` (columns inside frozen values).

    A numpy array that is already read-only, of ``dtype`` and one-dimensional, and that no
    writable array lies under (``base``), is taken as it is: nobody can write through it,
    so sharing it is safe and a large column is not copied. Anything else — a list, a
    writable array or a read-only view of a writable one — is copied, so a caller who
    changes their array afterwards never changes the column. (A builder that hands over
    its own arrays sets ``flags.writeable = False`` first and makes no writable view of
    them afterwards.)

    Raises ``error`` naming ``field`` when ``value`` cannot be read as ``dtype`` or is not
    one-dimensional.

    >>> a = readonly_array([1, 2], "int64", field="x")
    >>> a.flags.writeable, a.dtype.name
    (False, 'int64')
    >>> readonly_array(a, "int64", field="x") is a      # read-only already: shared
    True
    >>> mine = np.array([1, 2])
    >>> readonly_array(mine, "int64", field="x") is mine  # writable: copied
    False
    >>> readonly_array([[1]], "int64", field="x")
    Traceback (most recent call last):
    ...
    urbangov.errors.UrbangovError: x: must be one-dimensional, not 2-d
    """
    if (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and not value.flags.writeable
        and value.dtype == np.dtype(dtype)
        and _sealed(value)
    ):
        return value
    try:
        arr = np.array(value, dtype=dtype, copy=True)
    except (TypeError, ValueError) as exc:
        raise error(f"cannot read as {np.dtype(dtype)}: {exc}", field=field) from None
    if arr.ndim != 1:
        raise error(f"must be one-dimensional, not {arr.ndim}-d", field=field)
    arr.setflags(write=False)
    return arr


def _sealed(arr: npt.NDArray[Any]) -> bool:
    """Whether nothing under ``arr`` can be written: every array in its ``base`` chain is
    read-only, and the memory's owner, if not an array, exposes a read-only buffer."""
    base: object = arr.base
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    if base is None:
        return True
    try:
        return memoryview(base).readonly  # type: ignore[arg-type]
    except TypeError:
        return False
