"""The vectorised workflow check of ``CaseColumns`` (private).

``CaseColumns.invalid``, ``problems`` and ``check`` call these; the transition table is
the one :func:`urbangov.cases.apply` uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from urbangov.cases._states import _LOOSE, _STRICT, TARGET, EventKind, Status

if TYPE_CHECKING:
    from urbangov.cases._columns import CaseColumns

__all__ = ["invalid_mask", "previous_status", "problem_messages"]

KINDS: tuple[EventKind, ...] = tuple(EventKind)
STATUSES: tuple[Status, ...] = tuple(Status)
_TARGET_CODE = np.array([TARGET[k].code for k in KINDS], dtype=np.int8)


def _allowed(table: Any) -> NDArray[np.bool_]:
    out = np.zeros((len(STATUSES), len(KINDS)), dtype=np.bool_)
    for s, row in table.items():
        for k in row:
            out[s.code, k.code] = True
    return out


_ALLOWED_STRICT = _allowed(_STRICT)
_ALLOWED_LOOSE = _allowed(_LOOSE)


def previous_status(columns: CaseColumns) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """The status before each event, assuming the events before it were valid (every
    event kind leads to one status, so this needs no scan), and the first-event mask."""
    case, kind = columns.case, columns.kind
    m = len(case)
    first = np.ones(m, dtype=np.bool_)
    if m > 1:
        np.not_equal(case[1:], case[:-1], out=first[1:])
    prev = np.empty(m, dtype=np.int8)
    if m:
        prev[0] = Status.REPORTED.code
        prev[1:] = np.take(_TARGET_CODE, kind[:-1])
        prev[first] = Status.REPORTED.code
    return prev, first


def invalid_mask(columns: CaseColumns, loose: bool) -> NDArray[np.bool_]:
    """The events the workflow does not allow (see ``CaseColumns.invalid``)."""
    kind = columns.kind
    prev, first = previous_status(columns)
    table = (_ALLOWED_LOOSE if loose else _ALLOWED_STRICT).ravel()  # [status, kind]
    allowed = np.take(table, prev.astype(np.int16) * len(KINDS) + kind)
    at = columns.at.view(np.int64)
    in_order = np.empty(len(at), dtype=np.bool_)  # not earlier than the event before
    if len(at):
        np.greater_equal(at[1:], at[:-1], out=in_order[1:])
        firsts = np.flatnonzero(first)  # ... or than the report
        reported = columns.reported_at.view(np.int64)[columns.case[firsts]]
        in_order[firsts] = at[firsts] >= reported
    ok = allowed & in_order
    ok &= (columns.event_department >= 0) == (kind == EventKind.DISPATCH.code)
    ok &= (columns.extension_unit >= 0) == (kind == EventKind.EXTEND.code)
    ok &= (columns.outcome < 0) | (kind == EventKind.HANDLE.code) | (kind == EventKind.CLOSE.code)
    bad = ~ok
    bad.setflags(write=False)
    return bad


def problem_messages(columns: CaseColumns, loose: bool, limit: int | None) -> tuple[str, ...]:
    """One message per case with an invalid event (see ``CaseColumns.problems``)."""
    bad = invalid_mask(columns, loose)
    rows = np.flatnonzero(bad)
    if rows.size == 0:
        return ()
    cases = columns.case[rows]
    keep = np.ones(rows.size, dtype=np.bool_)
    keep[1:] = cases[1:] != cases[:-1]
    firsts = rows[keep]
    if limit is not None:
        firsts = firsts[:limit]
    prev, _ = previous_status(columns)
    starts = np.searchsorted(columns.case, np.arange(columns.n_cases))
    out = []
    for j in firsts.tolist():
        c = int(columns.case[j])
        status = STATUSES[int(prev[j])]
        kind = KINDS[int(columns.kind[j])]
        table = _LOOSE if loose else _STRICT
        where = f"case {columns.ids[c]}: event {j - int(starts[c])} ({kind.value})"
        if kind not in table[status]:
            allowed = ", ".join(k.value for k in KINDS if k in table[status]) or "none"
            out.append(f"{where} is not allowed in state {status.value}; allowed: {allowed}")
        else:
            out.append(
                f"{where} is earlier than the event before it, or its department, "
                "extension or outcome does not fit the event"
            )
    return tuple(out)
