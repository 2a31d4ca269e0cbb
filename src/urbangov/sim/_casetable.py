"""Building the run's case tables in place (private).

The events of a case are a fixed sequence of *slots* (accept, file, dispatch, suspend,
resume, extend, handle and verify per attempt, close), each present or not per case.
:func:`fill_events` writes the present events of every case straight into the final
per-event arrays — one pass to count each case's events, one pass per slot to write
them — so no (cases × slots) matrix is built and nothing is copied afterwards: the
arrays are made read-only and handed to :class:`~urbangov.cases.CaseColumns`, which
takes read-only arrays over as they are (:func:`urbangov.frozen.readonly_array`).

The order is the one the model states: events grouped by case, in slot order within a
case; with ``end_ns`` an event's time is at least that of the events before it (events
never go back in time) and events at or after the end are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.calendar import TimeUnit
from urbangov.cases import CaseColumns, EventKind

__all__ = ["CHUNK", "Events", "Slot", "Statics", "chunks", "fill_events", "sealed", "table"]

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
NAT = np.iinfo(np.int64).min
_DISPATCH = EventKind.DISPATCH.code
_EXTEND = EventKind.EXTEND.code
_WORKING_DAYS = CaseColumns.UNITS.index(TimeUnit.WORKING_DAYS)


A = TypeVar("A", bound=np.ndarray[Any, Any])


def sealed(arr: A) -> A:
    """``arr``, made read-only (the engine hands it over and never writes it again)."""
    arr.setflags(write=False)
    return arr


CHUNK = 1 << 20  # cases per chunk of element-wise work


def chunks(n: int) -> list[slice]:
    """Slices of ``range(n)`` of at most :data:`CHUNK`: element-wise work done chunk by
    chunk allocates temporaries the allocator reuses, instead of fresh pages every time."""
    size = CHUNK
    return [slice(lo, min(n, lo + size)) for lo in range(0, n, size)]


@attrs.frozen(eq=False)
class Slot:
    """One event slot: its kind (one code, or one per case), its times (``NAT``:
    absent) and whether it is present (``None``: wherever its time is not ``NAT``)."""

    kind: int | npt.NDArray[np.int8]
    times: I64
    present: Bool | None = None

    def keep(self, part: slice, run: I64 | None, end_ns: int | None) -> Bool:
        """Which cases of ``part`` keep this slot's event; moves ``run`` (the time so
        far of each case of ``part``) on to include it."""
        times = self.times[part]
        present: Bool = times != NAT if self.present is None else self.present[part]
        if run is None or end_ns is None:
            return present
        np.maximum(run, np.where(present, times, NAT), out=run)
        keep: Bool = present & (run < end_ns)
        return keep


@attrs.frozen(eq=False)
class Events:
    """The per-event columns of a case table (read-only)."""

    case: I64
    kind: npt.NDArray[np.int8]
    at: I64
    extension_min: I64
    extension_unit: npt.NDArray[np.int8]
    department: npt.NDArray[np.int32]


def fill_events(
    n: int,
    slots: Sequence[Slot],
    dept: npt.NDArray[np.int32],
    *,
    end_ns: int | None = None,
    extension: int = 0,
) -> Events:
    """The events of ``n`` cases from their ``slots`` (see the module docstring).

    A dispatch event names the case's department ``dept``; an extend event carries
    ``extension`` working days.
    """
    count = np.zeros(n, dtype=np.int64)
    for part in chunks(n):
        run = _start(part, end_ns)
        for slot in slots:
            count[part] += slot.keep(part, run, end_ns)
    total = int(count.sum())
    pos = np.cumsum(count)
    pos -= count  # where each case's next event goes
    case = np.repeat(np.arange(n, dtype=np.int64), count)
    del count
    kind = np.empty(total, dtype=np.int8)
    at = np.empty(total, dtype=np.int64)
    ext_min = np.zeros(total, dtype=np.int64)
    ext_unit = np.full(total, -1, dtype=np.int8)
    department = np.full(total, -1, dtype=np.int32)
    for part in chunks(n):
        run = _start(part, end_ns)
        here = pos[part]  # a view: moving it on moves ``pos``
        for slot in slots:
            rows = np.flatnonzero(slot.keep(part, run, end_ns))
            idx = here[rows]
            at[idx] = (slot.times[part] if run is None else run)[rows]
            if isinstance(slot.kind, int):
                kind[idx] = slot.kind
                if slot.kind == _DISPATCH:
                    department[idx] = dept[part][rows]
                elif slot.kind == _EXTEND:
                    ext_min[idx] = extension
                    ext_unit[idx] = _WORKING_DAYS
            else:
                kind[idx] = slot.kind[part][rows]
            here[rows] += 1
    return Events(
        sealed(case), sealed(kind), sealed(at), sealed(ext_min), sealed(ext_unit),
        sealed(department),
    )  # fmt: skip


def _start(part: slice, end_ns: int | None) -> I64 | None:
    if end_ns is None:
        return None
    return np.full(part.stop - part.start, NAT, dtype=np.int64)


@attrs.frozen(eq=False)
class Statics:
    """The per-case columns of the run's case tables (read-only, shared by them)."""

    ids: tuple[str, ...]
    category: npt.NDArray[np.int32]
    categories: tuple[str, ...]
    grid: npt.NDArray[np.int32]
    grids: tuple[str, ...]
    urgency: npt.NDArray[np.int8]
    source: npt.NDArray[np.int8]
    zone: npt.NDArray[np.int8]
    reported_at: npt.NDArray[np.datetime64]
    segment: npt.NDArray[np.int32]

    def rows(self, part: slice) -> Statics:
        """The cases of ``part`` (views of the same read-only columns)."""
        if part.start == 0 and part.stop == len(self.ids):
            return self
        return Statics(
            ids=self.ids[part], category=self.category[part], categories=self.categories,
            grid=self.grid[part], grids=self.grids, urgency=self.urgency[part],
            source=self.source[part], zone=self.zone[part],
            reported_at=self.reported_at[part], segment=self.segment[part],
        )  # fmt: skip


def _constant(value: int, dtype: type[np.signedinteger[Any]], n: int) -> npt.NDArray[Any]:
    return sealed(np.full(n, value, dtype=dtype))


def table(statics: Statics, events: Events, departments: tuple[str, ...]) -> CaseColumns:
    """The case table of ``statics`` and ``events`` (no column is copied)."""
    m = events.case.size
    return CaseColumns(
        ids=statics.ids,
        category=statics.category,
        categories=statics.categories,
        grid=statics.grid,
        grids=statics.grids,
        urgency=statics.urgency,
        source=statics.source,
        zone=statics.zone,
        reported_at=statics.reported_at,
        case=events.case,
        kind=events.kind,
        at=events.at.view("datetime64[ns]"),
        extension_min=events.extension_min,
        extension_unit=events.extension_unit,
        event_department=events.department,
        departments=departments,
        actor=_constant(-1, np.int32, m),
        actors=(),
        outcome=_constant(-1, np.int8, m),
        note=_constant(-1, np.int32, m),
        notes=(),
        segment=statics.segment,
        segments=(),
    )
