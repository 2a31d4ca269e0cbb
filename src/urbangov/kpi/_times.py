"""Per-case instants for the KPI batch path: :class:`CaseTimes` (private).

:mod:`urbangov.kpi` re-exports :class:`CaseTimes` and :data:`STOP_KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov.cases import CaseColumns, EventKind
from urbangov.errors import KpiError
from urbangov.frozen import FrozenMap, readonly_array

__all__ = ["STOP_KINDS", "CaseTimes", "to_ns"]


def _instants(value: object, field: str, n: int | None = None) -> NDArray[np.datetime64]:
    if (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and value.dtype == _NS
        and not value.flags.writeable
        and (n is None or len(value) == n)
    ):  # shared if nothing writable lies under it, else copied (frozen.readonly_array)
        return readonly_array(value, _NS, field=field, error=KpiError)
    try:
        arr = np.array(value, dtype="datetime64[ns]", copy=True)
    except (TypeError, ValueError) as exc:
        raise KpiError(f"cannot read as datetime64[ns]: {exc}", field=field) from None
    if arr.ndim != 1 or (n is not None and len(arr) != n):
        raise KpiError(
            f"has shape {arr.shape}, expected ({n},)" if n is not None else "is not 1-d",
            field=field,
            hint="give one instant per case (NaT: never)",
        )
    arr.setflags(write=False)
    return arr


_NS = np.dtype("datetime64[ns]")


def to_ns(value: object, n: int, field: str) -> NDArray[np.int64]:
    """Per-case instants as int64 ns (NaT: the smallest int64), checked to have ``n`` rows."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "M":
        arr = value.astype("datetime64[ns]", copy=False)
    else:
        arr = _instants(value, field)
    if arr.ndim != 1 or len(arr) != n:
        raise KpiError(
            f"has {arr.shape} values for {n} cases",
            field=field,
            hint="give one deadline per case (datetime64[ns] UTC, NaT: none)",
        )
    return arr.view(np.int64)


def _ro(value: object, dtype: Any, field: str) -> NDArray[Any]:
    return readonly_array(value, dtype, field=field, error=KpiError)


def _pause_case(value: object) -> NDArray[np.int64]:
    return _ro(value, np.int64, "pause_case")


def _pause_at(value: object) -> NDArray[np.datetime64]:
    return _instants(value, "pause_at")


def _pause_suspend(value: object) -> NDArray[np.bool_]:
    return _ro(value, np.bool_, "pause_suspend")


STOP_KINDS: tuple[EventKind, ...] = (
    EventKind.HANDLE,
    EventKind.VERIFY_FAIL,
    EventKind.VOID,
    EventKind.CLOSE,
)
"""The events :attr:`CaseTimes.stop_kind` codes: the ones that stop or restart the
handling clock (``deadlines.stopped_at``)."""


def _stop_case(value: object) -> NDArray[np.int64] | None:
    return None if value is None else _ro(value, np.int64, "stop_case")


def _stop_at(value: object) -> NDArray[np.datetime64] | None:
    return None if value is None else _instants(value, "stop_at")


def _stop_kind(value: object) -> NDArray[np.int8] | None:
    return None if value is None else _ro(value, np.int8, "stop_kind")


def _check_events(times: Any, name: str, fields: tuple[str, str, str], n: int) -> None:
    """Per-event arrays of one length, naming cases 0..n-1 in case order."""
    case, at, other = (getattr(times, f) for f in fields)
    m = len(case)
    if len(at) != m or len(other) != m:
        raise KpiError(
            f"{', '.join(fields)} differ in length",
            field=fields[1],
            hint=f"give one row per {name} event",
        )
    if m and (case.min() < 0 or case.max() >= n):
        raise KpiError(f"a {name} event names no case", field=fields[0], hint="use 0..n-1")
    if m > 1 and (case[1:] < case[:-1]).any():
        raise KpiError(
            f"{name} events are not in case order",
            field=fields[0],
            hint="sort them by case, each case's events in time order",
        )
    if name == "stop" and m and (other.min() < 0 or other.max() >= len(STOP_KINDS)):
        raise KpiError(
            "a stop_kind is outside 0..3",
            field="stop_kind",
            hint="0 handle, 1 verify_fail, 2 void, 3 close",
        )


def _groups(value: Mapping[str, tuple[Any, Sequence[Any]]]) -> FrozenMap[str, Any]:
    out = {}
    for name, pair in value.items():
        codes, labels = pair
        out[name] = (_ro(codes, np.int64, f"groups.{name}"), tuple(labels))
    return FrozenMap(out)


@attrs.frozen(eq=False)
class CaseTimes:
    """Per case, the instants the KPI counting rules read, and its group codes.

    Build it with :meth:`from_columns`, or directly from arrays (a case table from a
    database): every instant array is ``datetime64[ns]`` UTC with ``NaT`` for "never",
    one value per case. ``pause_case``/``pause_at``/``pause_suspend`` list the
    ``suspend`` (``True``) and ``resume`` (``False``) events, in each case's order; they
    are needed only for ``KpiRules(exclude_suspended_from_due=True)``. ``groups`` maps a
    grouping name to per-case codes (``-1``: none) and their labels.
    ``stop_case``/``stop_at``/``stop_kind`` list the events that start and stop the
    handling clock — :data:`STOP_KINDS` ``handle`` 0, ``verify_fail`` 1, ``void`` 2,
    ``close`` 3 — in each case's order: on time (按期) is judged from them exactly as
    ``deadlines.stopped_at`` judges it. A table without them can count everything but
    the on-time figures (counting due cases then raises :class:`KpiError`).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array(["2024-05-06T01:00"], dtype="datetime64[ns]")
    >>> nat = np.array(["NaT"], dtype="datetime64[ns]")
    >>> times = CaseTimes(t, t, t, nat, nat, nat, nat, nat, groups={"grid": ([0], ("g1",))})
    >>> times.n_cases
    1
    """

    accepted_at: NDArray[np.datetime64] = attrs.field()
    filed_at: NDArray[np.datetime64] = attrs.field()
    dispatched_at: NDArray[np.datetime64] = attrs.field()
    voided_at: NDArray[np.datetime64] = attrs.field()
    closed_at: NDArray[np.datetime64] = attrs.field()
    reworked_at: NDArray[np.datetime64] = attrs.field()
    extended_at: NDArray[np.datetime64] = attrs.field()
    suspended_at: NDArray[np.datetime64] = attrs.field()
    pause_case: NDArray[np.int64] = attrs.field(default=(), converter=_pause_case)
    pause_at: NDArray[np.datetime64] = attrs.field(default=(), converter=_pause_at)
    pause_suspend: NDArray[np.bool_] = attrs.field(default=(), converter=_pause_suspend)
    groups: FrozenMap[str, Any] = attrs.field(factory=FrozenMap, converter=_groups)
    stop_case: NDArray[np.int64] | None = attrs.field(default=None, converter=_stop_case)
    stop_at: NDArray[np.datetime64] | None = attrs.field(default=None, converter=_stop_at)
    stop_kind: NDArray[np.int8] | None = attrs.field(default=None, converter=_stop_kind)

    def __attrs_post_init__(self) -> None:
        for f in attrs.fields(CaseTimes)[:8]:
            object.__setattr__(self, f.name, _instants(getattr(self, f.name), f.name))
        n = len(self.accepted_at)
        for f in attrs.fields(CaseTimes)[:8]:
            if len(getattr(self, f.name)) != n:
                raise KpiError(
                    f"has {len(getattr(self, f.name))} rows for {n} cases",
                    field=f.name,
                    hint="give one instant per case (NaT: never)",
                )
        given = [self.stop_case is not None, self.stop_at is not None, self.stop_kind is not None]
        if any(given) and not all(given):
            raise KpiError(
                "give stop_case, stop_at and stop_kind together",
                field="stop_case",
                hint="they list the events that stop the handling clock",
            )
        if all(given):
            _check_events(self, "stop", ("stop_case", "stop_at", "stop_kind"), n)
        m = len(self.pause_case)
        if len(self.pause_at) != m or len(self.pause_suspend) != m:
            raise KpiError(
                "pause_case, pause_at and pause_suspend differ in length",
                field="pause_at",
                hint="give one row per suspend or resume event",
            )
        if m and (self.pause_case.min() < 0 or self.pause_case.max() >= n):
            raise KpiError("a pause names no case", field="pause_case", hint="use 0..n-1")
        if m > 1 and (self.pause_case[1:] < self.pause_case[:-1]).any():
            order = np.argsort(self.pause_case, kind="stable")
            for name in ("pause_case", "pause_at", "pause_suspend"):
                arr = getattr(self, name)[order]
                arr.setflags(write=False)
                object.__setattr__(self, name, arr)
        for name, (codes, labels) in self.groups.items():
            if len(codes) != n:
                raise KpiError(f"has {len(codes)} codes for {n} cases", field=f"groups.{name}")
            if n and (codes.min() < -1 or codes.max() >= len(labels)):
                raise KpiError(
                    f"a code is outside -1..{len(labels) - 1}",
                    field=f"groups.{name}",
                    hint="codes index the labels; -1 means none",
                )

    @property
    def n_cases(self) -> int:
        """The number of cases."""
        return len(self.accepted_at)

    @classmethod
    def from_columns(cls, columns: CaseColumns) -> CaseTimes:
        """The instants and groups of ``columns`` (vectorised; assumes valid events).

        ``department`` is the department of each case's last dispatch.
        """
        n, case, kind, at = columns.n_cases, columns.case, columns.kind, columns.at

        def rows_of(k: EventKind) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
            rows = np.flatnonzero(kind == k.code)
            return case[rows], rows

        def first_at(k: EventKind, found: Any = None) -> NDArray[np.datetime64]:
            out = np.full(n, np.datetime64("NaT", "ns"))
            cs, rows = rows_of(k) if found is None else found
            if rows.size:
                keep = np.ones(rows.size, dtype=np.bool_)
                keep[1:] = cs[1:] != cs[:-1]
                out[cs[keep]] = at[rows[keep]]
            return _sealed(out)

        department = np.full(n, -1, dtype=np.int64)
        dispatches = rows_of(EventKind.DISPATCH)
        cs, rows = dispatches
        if rows.size:
            last = np.ones(rows.size, dtype=np.bool_)
            last[:-1] = cs[1:] != cs[:-1]
            department[cs[last]] = columns.event_department[rows[last]]
        pause = np.flatnonzero((kind == EventKind.SUSPEND.code) | (kind == EventKind.RESUME.code))
        stop_code = np.full(len(EventKind), -1, dtype=np.int8)
        for code, k in enumerate(STOP_KINDS):
            stop_code[k.code] = code
        stop = np.flatnonzero(stop_code[kind] >= 0)
        # the arrays built here are handed over sealed (read-only, nothing writable
        # under them), so the constructor takes them without a copy
        return cls(
            accepted_at=first_at(EventKind.ACCEPT),
            filed_at=first_at(EventKind.FILE),
            dispatched_at=first_at(EventKind.DISPATCH, dispatches),
            voided_at=first_at(EventKind.VOID),
            closed_at=first_at(EventKind.CLOSE),
            reworked_at=first_at(EventKind.VERIFY_FAIL),
            extended_at=first_at(EventKind.EXTEND),
            suspended_at=first_at(EventKind.SUSPEND),
            pause_case=_sealed(case[pause]),
            pause_at=_sealed(at[pause]),
            pause_suspend=_sealed(kind[pause] == EventKind.SUSPEND.code),
            groups={
                "grid": (columns.grid, columns.grids),
                "category": (columns.category, columns.categories),
                "source": (columns.source, CaseColumns.SOURCES),
                "urgency": (columns.urgency, CaseColumns.URGENCIES),
                "zone": (columns.zone, CaseColumns.ZONES),
                "segment": (columns.segment, columns.segments),
                "department": (_sealed(department), columns.departments),
            },
            stop_case=_sealed(case[stop]),
            stop_at=_sealed(at[stop]),
            stop_kind=_sealed(stop_code[kind[stop]]),
        )


def _sealed(arr: NDArray[Any]) -> NDArray[Any]:
    """``arr`` (a fresh array nothing else refers to), made read-only."""
    arr.setflags(write=False)
    return arr
