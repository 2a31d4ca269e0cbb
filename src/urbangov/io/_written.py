"""Case logs to write: :class:`CaseColumns` and :class:`Case` values as columns of text
cells (private; used by :mod:`urbangov.io`)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from urbangov._internal.instants import MAX_YEAR, MIN_YEAR
from urbangov.cases import Case, CaseColumns
from urbangov.errors import CaseLogError
from urbangov.io._convert import REPORT, limit_of
from urbangov.io._table import COLUMNS
from urbangov.io._times import format_instants

__all__ = ["check_writable", "extension_text", "table_from_cases", "table_from_columns"]

_KINDS = CaseColumns.KINDS


def table_from_cases(cases: Sequence[Case]) -> list[list[str]]:
    """The columns (in :data:`COLUMNS` order) of a log holding ``cases``."""
    seen: set[str] = set()
    rows: list[tuple[str, ...]] = []
    for case in cases:
        if case.id in seen:
            raise CaseLogError(
                f"two cases have the id {case.id!r}",
                field="case_id",
                hint="give each case its own id (a log keys events by case id)",
            )
        seen.add(case.id)
        rows.append(
            (case.id, REPORT, case.reported_at.isoformat(), "", "", "", "", "",
             case.category, case.grid, case.segment or "", case.source.value,
             case.urgency.value, "" if case.zone is None else case.zone.value)
        )  # fmt: skip
        for e in case.history:
            rows.append(
                (case.id, e.kind.value, e.at.isoformat(), e.actor or "", e.department or "",
                 "" if e.extension is None else str(e.extension),
                 "" if e.outcome is None else e.outcome.value, e.note,
                 "", "", "", "", "", "")
            )  # fmt: skip
    if not rows:
        return [[] for _ in COLUMNS]
    return [list(col) for col in zip(*rows, strict=True)]


def check_writable(columns: CaseColumns) -> None:
    """Raise unless a log of ``columns`` reads back equal: no empty string in a lookup,
    instants in whole microseconds and in the years a log stores."""
    for name in ("ids", "categories", "grids", "segments", "departments", "actors", "notes"):
        if "" in getattr(columns, name):
            raise CaseLogError(
                "an empty string in the lookup would read back as none",
                field=name,
                hint="use -1 codes for none instead of an empty string",
            )
    for name in ("at", "reported_at"):
        ns = getattr(columns, name).view(np.int64)
        if (ns % 1000).any():
            raise CaseLogError(
                "an instant is not a whole microsecond; the log would lose it",
                field=name,
                hint="round the times to microseconds before writing",
            )
        years = getattr(columns, name).astype("datetime64[Y]").astype(np.int64) + 1970
        outside = (years < MIN_YEAR) | (years > MAX_YEAR)
        if outside.any():
            i = int(np.argmax(outside))
            raise CaseLogError(
                f"{getattr(columns, name)[i]} (UTC) is outside the years {MIN_YEAR}..{MAX_YEAR} "
                "a case log stores",
                field=name,
                hint="a log read back would refuse it; check the times",
            )


def extension_text(minutes: int, unit: int) -> str:
    """The text of an extension as :class:`CaseColumns` codes it (``'5 working days'``)."""
    return str(limit_of(minutes, unit))


def table_from_columns(columns: CaseColumns, zone: _dt.tzinfo) -> list[list[str]]:
    """The columns (in :data:`COLUMNS` order) of a log holding ``columns``, times in
    ``zone``."""
    check_writable(columns)
    n, m = columns.n_cases, columns.n_events
    starts = np.searchsorted(columns.case, np.arange(n))
    report_pos = np.arange(n) + starts
    event_pos = np.arange(m) + columns.case + 1
    total = n + m

    def fill(on_reports: Any, on_events: Any) -> list[str]:
        out = np.full(total, "", dtype=object)
        if on_reports is not None:
            out[report_pos] = on_reports
        if on_events is not None:
            out[event_pos] = on_events
        cells: list[str] = out.tolist()
        return cells

    def look(values: Iterable[Any], codes: NDArray[Any]) -> NDArray[Any]:
        table = np.array([*values, ""], dtype=object)
        found: NDArray[Any] = table[codes]  # code -1 → ""
        return found

    ext = np.full(m, "", dtype=object)
    with_ext = np.flatnonzero(columns.extension_unit >= 0)
    if with_ext.size:
        pairs = zip(
            columns.extension_min[with_ext].tolist(),
            columns.extension_unit[with_ext].tolist(),
            strict=True,
        )
        texts: dict[tuple[int, int], str] = {}
        ext[with_ext] = [texts.get(p) or texts.setdefault(p, str(limit_of(*p))) for p in pairs]
    times = format_instants(
        np.concatenate([columns.reported_at.view(np.int64), columns.at.view(np.int64)]), zone
    )
    return [
        fill(np.array(columns.ids, dtype=object), look(columns.ids, columns.case)),
        fill(REPORT, look((k.value for k in _KINDS), columns.kind)),
        fill(np.array(times[:n], dtype=object), np.array(times[n:], dtype=object)),
        fill(None, look(columns.actors, columns.actor)),
        fill(None, look(columns.departments, columns.event_department)),
        fill(None, ext),
        fill(None, look((o.value for o in CaseColumns.OUTCOMES), columns.outcome)),
        fill(None, look(columns.notes, columns.note)),
        fill(look(columns.categories, columns.category), None),
        fill(look(columns.grids, columns.grid), None),
        fill(look(columns.segments, columns.segment), None),
        fill(look((s.value for s in CaseColumns.SOURCES), columns.source), None),
        fill(look((u.value for u in CaseColumns.URGENCIES), columns.urgency), None),
        fill(look((z.value for z in CaseColumns.ZONES), columns.zone), None),
    ]
