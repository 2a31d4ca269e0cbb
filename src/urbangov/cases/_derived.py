"""Per-case fields derived from the events of ``CaseColumns`` (private).

:mod:`urbangov.cases` re-exports :class:`DerivedColumns`; ``CaseColumns.derived()``
calls :func:`derive`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov._internal.instants import NAT64
from urbangov.cases._states import TARGET, EventKind, Status

if TYPE_CHECKING:
    from urbangov.cases._columns import CaseColumns

__all__ = ["DerivedColumns", "derive"]

_TARGET_CODE = np.array([TARGET[k].code for k in EventKind], dtype=np.int8)


def _nan_ok(field: attrs.Attribute[Any]) -> bool:
    """Instants compare NaT equal to NaT (an event that never happened, in both)."""
    return field.name.endswith("_at")


@attrs.frozen(eq=False)
class DerivedColumns:
    """Per-case fields derived from the events of :class:`CaseColumns`.

    Instants are ``datetime64[ns]`` UTC (``NaT`` when the event never happened); counts
    are int64; ``status`` holds :attr:`Status.code` values; ``department`` the code of the
    department holding the case (``-1``: none).
    """

    accepted_at: NDArray[np.datetime64]
    filed_at: NDArray[np.datetime64]
    dispatched_at: NDArray[np.datetime64]
    closed_at: NDArray[np.datetime64]
    rework_count: NDArray[np.int64]
    extension_count: NDArray[np.int64]
    suspension_count: NDArray[np.int64]
    send_back_count: NDArray[np.int64]
    status: NDArray[np.int8]
    department: NDArray[np.int32]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DerivedColumns):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name), equal_nan=_nan_ok(f))
            for f in attrs.fields(DerivedColumns)
        )

    __hash__ = None  # type: ignore[assignment]


def derive(columns: CaseColumns) -> DerivedColumns:
    """Per-case times, counts, final status and current department of ``columns``."""
    n, case, kind = columns.n_cases, columns.case, columns.kind

    def first_at(k: EventKind) -> NDArray[np.datetime64]:
        out = np.full(n, NAT64)
        rows = np.flatnonzero(kind == k.code)
        if rows.size:
            cs = case[rows]
            keep = np.ones(rows.size, dtype=np.bool_)
            keep[1:] = cs[1:] != cs[:-1]
            out[cs[keep]] = columns.at[rows[keep]]
        return out

    def count(k: EventKind) -> NDArray[np.int64]:
        return np.bincount(case[kind == k.code], minlength=n).astype(np.int64)

    def last_rows(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        rows = np.flatnonzero(mask)
        cs = case[rows]
        keep = np.ones(rows.size, dtype=np.bool_)
        keep[:-1] = cs[1:] != cs[:-1]
        return cs[keep], rows[keep]

    status = np.full(n, Status.REPORTED.code, dtype=np.int8)
    cs, rows = last_rows(np.ones(len(case), dtype=np.bool_))
    status[cs] = _TARGET_CODE[kind[rows]]
    department = np.full(n, -1, dtype=np.int32)
    cs, rows = last_rows((kind == EventKind.DISPATCH.code) | (kind == EventKind.SEND_BACK.code))
    department[cs] = np.where(
        kind[rows] == EventKind.DISPATCH.code, columns.event_department[rows], -1
    )
    values: dict[str, Any] = {
        "accepted_at": first_at(EventKind.ACCEPT),
        "filed_at": first_at(EventKind.FILE),
        "dispatched_at": first_at(EventKind.DISPATCH),
        "closed_at": first_at(EventKind.CLOSE),
        "rework_count": count(EventKind.VERIFY_FAIL),
        "extension_count": count(EventKind.EXTEND),
        "suspension_count": count(EventKind.SUSPEND),
        "send_back_count": count(EventKind.SEND_BACK),
        "status": status,
        "department": department,
    }
    for arr in values.values():
        arr.setflags(write=False)
    return DerivedColumns(**values)
