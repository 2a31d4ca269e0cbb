"""KPI counts per group key: :class:`KpiTable` (private).

:mod:`urbangov.kpi` re-exports :class:`KpiTable`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov.errors import KpiError, MissingExtraError
from urbangov.kpi._values import _ZERO, FIELDS, KpiCounts

__all__ = ["Key", "KpiTable"]


Key = Hashable


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _key_tuple(value: Iterable[Key]) -> tuple[Key, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class KpiTable:
    """KPI counts per group key (unit, department, category, source, period…).

    Rows with every count zero are left out; :meth:`get` gives all-zero counts for them.
    A key is the value of the single grouping (``"320105001"``, ``date(2024, 5, 1)``), a
    tuple when grouped by several, ``()`` when not grouped at all; a key of another
    shape is an error. :meth:`total` is counted over the table's whole span and keys
    (``total``): ``due`` and ``closed`` do not add across periods (a case due in May and
    closed in June is closed in the year, not in May), so a table with periods cannot
    add its rows up.

    Examples
    --------
    >>> import numpy as np
    >>> table = KpiTable(("unit",), ("a", "b"), np.array([[1] + [0] * 10, [2] + [0] * 10]))
    >>> table.get("b").received, table.get("zzz").received, table.total().received
    (2, 0, 3)
    >>> table.get(("a", "b"))
    Traceback (most recent call last):
    ...
    urbangov.errors.KpiError: key: ('a', 'b') is not a key of a table grouped by unit; ...
    """

    by: tuple[str, ...] = attrs.field(converter=_names)
    _keys: tuple[Key, ...] = attrs.field(converter=_key_tuple)
    values: NDArray[np.int64] = attrs.field()
    _total: KpiCounts | None = attrs.field(default=None, kw_only=True, alias="total")
    _index: dict[Key, int] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        values = np.array(self.values, dtype=np.int64)
        if values.ndim != 2 or values.shape != (len(self._keys), len(FIELDS)):
            raise KpiError(
                f"values have shape {values.shape}, not ({len(self._keys)}, {len(FIELDS)})",
                field="values",
                hint="one row per key, one column per KpiCounts field",
            )
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        index = {k: i for i, k in enumerate(self._keys)}
        if len(index) != len(self._keys):
            raise KpiError("duplicate keys", field="keys", hint="give each key once")
        object.__setattr__(self, "_index", index)

    def keys(self) -> tuple[Key, ...]:
        """The keys with a non-zero row, in grouping order."""
        return self._keys

    def get(self, key: Key) -> KpiCounts:
        """The counts of ``key`` (all zero when it has none).

        Raises
        ------
        KpiError
            If ``key`` has another shape than the table's keys (a tuple of the wrong
            length, a tuple for a single grouping, a date where units are keyed…).
        """
        row = self._index.get(key)
        if row is None:
            self._check_key(key)
            return _ZERO
        return KpiCounts(**dict(zip(FIELDS, self.values[row].tolist(), strict=True)))

    def _check_key(self, key: Key) -> None:
        n = len(self.by)
        parts: tuple[Any, ...] | None
        if n == 0:
            parts = () if key == () else None
        elif n == 1:
            parts = None if isinstance(key, tuple) else (key,)
        else:
            parts = key if isinstance(key, tuple) and len(key) == n else None
        if parts is not None and self._keys:
            sample = self._keys[0] if n != 1 else (self._keys[0],)
            assert isinstance(sample, tuple)
            for part, known in zip(parts, sample, strict=True):
                if part is not None and known is not None and not isinstance(part, type(known)):
                    parts = None
                    break
        if parts is None:
            shape = ", ".join(self.by) or "nothing"
            example = self._keys[0] if self._keys else ()
            raise KpiError(
                f"{key!r} is not a key of a table grouped by {shape}",
                field="key",
                hint=f"give a key shaped like {example!r}",
            )

    def items(self) -> Iterator[tuple[Key, KpiCounts]]:
        """``(key, counts)`` pairs, in key order."""
        for key in self._keys:
            yield key, self.get(key)

    def total(self) -> KpiCounts:
        """The counts over the table's whole span and every key: counted so by
        :func:`counts_from_columns`; the rows added up for a table without periods
        built by hand (each case in one row, one period: the rows add).

        Raises
        ------
        KpiError
            For a hand-built table grouped by period without a ``total``.
        """
        if self._total is not None:
            return self._total
        if "period" in self.by:
            raise KpiError(
                "the rows of periods do not add up to the whole span's counts",
                field="total",
                hint="count the whole span (counts_from_columns gives tables their total)",
            )
        sums = self.values.sum(axis=0).tolist() if len(self._keys) else [0] * len(FIELDS)
        return KpiCounts(**dict(zip(FIELDS, sums, strict=True)))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Key]:
        return iter(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KpiTable):
            return NotImplemented
        return (
            self.by == other.by
            and self._keys == other._keys
            and np.array_equal(self.values, other.values)
            and self.total() == other.total()
        )

    __hash__ = None  # type: ignore[assignment]

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame``: one row per key (indexed by ``by``), the counts, and the
        six rates as floats (NaN where the denominator is 0).

        Raises
        ------
        MissingExtraError
            If pandas is not installed (``pip install 'urbangov[parquet]'``).
        """
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise MissingExtraError(
                "pandas is not installed",
                field="to_pandas",
                hint="install the parquet extra: pip install 'urbangov[parquet]'",
            ) from None
        names = list(self.by) or ["key"]
        if len(names) == 1:
            index = pd.Index(list(self._keys), name=names[0], dtype=object)
        else:
            index = pd.MultiIndex.from_tuples(list(self._keys), names=names)
        frame = pd.DataFrame(np.asarray(self.values), index=index, columns=list(FIELDS))
        v = {f: frame[f].to_numpy(dtype=np.float64) for f in FIELDS}
        with np.errstate(divide="ignore", invalid="ignore"):
            for name, num, den in _RATES:
                frame[name] = np.where(v[den] > 0, v[num] / v[den], np.nan)
        return frame


_RATES = (
    ("filing_rate", "filed", "received"),
    ("dispatch_rate", "dispatched", "filed"),
    ("closure_rate", "closed", "due"),
    ("on_time_rate", "closed_on_time", "due"),
    ("rework_rate", "reworked", "due"),
    ("extension_rate", "extended", "due"),
)
