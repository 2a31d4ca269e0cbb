"""Case-log tables into :class:`CaseColumns` and :class:`Case` values (private; writing
is in ``_written``).

Used by :mod:`urbangov.io`. Reading is vectorised over a column at a time: each distinct
value of a coded column is resolved once (a dict), times are parsed with numpy, and the
workflow is checked with :meth:`CaseColumns.invalid`; the first bad row raises
:class:`~urbangov.errors.CaseLogError` naming the file, line and field.

A column of event details (actor, department, …) is read on the rows it fills only, in
file order, and scattered to the events: most events leave most of them empty. When the
report rows give the case ids in the order of their codes (as urbangov writes logs), a
row's case is its id's code; otherwise, and with the fast paths off, ids are mapped to
cases. Every array is made in the dtype :class:`CaseColumns` keeps and handed over
read-only, so the constructor takes it without a copy.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov._internal import switch
from urbangov.calendar import TimeLimit, TimeUnit
from urbangov.cases import (
    Case,
    CaseColumns,
    CaseEvent,
    EventKind,
    Outcome,
    Status,
    WorkflowRules,
    check_grid,
    transitions,
)
from urbangov.errors import CaseLogError, UrbangovError
from urbangov.io._cells import Codes, Column
from urbangov.io._table import EVENT_COLUMNS, REPORT_COLUMNS, Table
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Source, Urgency, ZoneTier

__all__ = ["REPORT", "Layout", "cases_from_table", "columns_from_table", "limit_of"]

T = TypeVar("T")

REPORT = "report"
_REPORT_WORDS = frozenset({"report", "REPORT", "上报"})
_KINDS = CaseColumns.KINDS
_UNITS = CaseColumns.UNITS
# How CaseColumns stores an extension: an integer amount of this many per unit.
_PER = {
    TimeUnit.WORKING_HOURS: 60,
    TimeUnit.HOURS: 60,
    TimeUnit.WORKING_MINUTES: 1,
    TimeUnit.MINUTES: 1,
    TimeUnit.WORKING_DAYS: 1,
    TimeUnit.DAYS: 1,
}
_LOOSE = WorkflowRules(close_without_verification=True)  # what Case itself accepts


@attrs.frozen
class Layout:
    """Where each case's rows are in the file: its report row and its event rows (in
    :class:`CaseColumns` order), with the case of each event (``CaseColumns.case``)."""

    report_rows: NDArray[np.int64]
    event_rows: NDArray[np.int64]
    case: NDArray[np.int64]

    def starts(self) -> NDArray[np.int64]:
        """Where each case's events start (and, last, the number of events)."""
        n = self.report_rows.size
        return np.searchsorted(self.case, np.arange(n + 1)).astype(np.int64)


# --------------------------------------------------------------------------- reading


def _codes(
    table: Table,
    field: str,
    column: Column,
    resolve: Callable[[str], T],
    row_of: Callable[[int], int] = int,
) -> tuple[list[T], Codes]:
    """Resolve each distinct cell once; raise for the first (in file order) bad one.

    Returns the resolved distinct values and, per row, the index of its value.
    """
    distinct, inverse = column.codes()
    resolved: list[T] = []
    bad: list[tuple[int, UrbangovError]] = []
    for k, text in enumerate(distinct):
        try:
            resolved.append(resolve(text))
        except UrbangovError as exc:
            bad.append((row_of(int(np.argmax(inverse == k))), exc))
            resolved.append(None)  # type: ignore[arg-type]
    if bad:
        row, error = min(bad, key=lambda b: b[0])
        raise table.error(row, field, error.message, error.hint)
    return resolved, inverse


def _required_codes(table: Table, field: str, column: Column) -> tuple[list[str], Codes]:
    """:func:`_codes` with :func:`_required` (the same errors), for columns of many
    distinct values (case ids): one pass over the distinct texts, no call per text."""
    distinct, inverse = column.codes()
    if "" in distinct or any(map(str.isspace, distinct)):
        bad = [k for k, text in enumerate(distinct) if not text or text.isspace()]
        row, k = min((int(np.argmax(inverse == k)), k) for k in bad)
        try:
            _required(field)(distinct[k])
        except CaseLogError as exc:
            raise table.error(row, field, exc.message, exc.hint) from None
    return distinct, inverse


def _required(name: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if not text:
            raise CaseLogError("the field is required", field=name, hint=f"give the {name}")
        _not_blank(text, name)
        return text

    return check


def _not_blank(text: str, name: str) -> None:
    """Refuse a cell of only spaces (``" "``, ``"\u3000"``, a line break): the same
    rule :class:`~urbangov.cases.Case` keeps for codes, so both readers agree."""
    if text and not text.strip():
        raise CaseLogError(
            f"{text!r} is blank", field=name, hint=f"give the {name}, or leave the cell empty"
        )


def _grid(text: str) -> str:
    _required("grid")(text)
    try:
        return check_grid(text)
    except UrbangovError as exc:
        raise CaseLogError(exc.message, field="grid", hint=exc.hint) from None


def _event_kind(text: str) -> EventKind | None:
    if text in _REPORT_WORDS:
        return None
    if not text:
        raise CaseLogError(
            "the field is required", hint="give report or an event: " + _event_words()
        )
    try:
        return EventKind.parse(text, field="event")
    except UrbangovError as exc:
        raise CaseLogError(
            f"{text!r} is not an event", hint="use report or one of: " + _event_words()
        ) from exc


def _event_words() -> str:
    return ", ".join(k.value for k in EventKind)


def _extension(text: str) -> tuple[int, int]:
    if not text:
        return (0, -1)
    try:
        limit = TimeLimit.parse(text, field="extension")
    except UrbangovError as exc:
        raise CaseLogError(exc.message, hint=exc.hint) from None
    return (int(limit.amount * _PER[limit.unit]), _UNITS.index(limit.unit))


def _optional_enum(parse: Callable[..., Any], name: str) -> Callable[[str], Any]:
    def resolve(text: str) -> Any:
        if not text:
            return None
        try:
            return parse(text, field=name)
        except UrbangovError as exc:
            raise CaseLogError(exc.message, hint=exc.hint) from None

    return resolve


def _enum(parse: Callable[..., Any], name: str) -> Callable[[str], Any]:
    optional = _optional_enum(parse, name)

    def resolve(text: str) -> Any:
        _required(name)(text)
        return optional(text)

    return resolve


def _lookup_codes(
    table: Table, name: str, column: Column, row_of: Callable[[int], int] = int
) -> tuple[tuple[str, ...], NDArray[np.int32]]:
    """Sorted distinct non-empty cells and each row's code in them (-1: empty); a blank
    cell (only spaces) raises for its first row."""
    distinct, inverse = column.codes()
    blank = [k for k, v in enumerate(distinct) if v and not v.strip()]
    if blank:
        rows = [(row_of(int(np.argmax(inverse == k))), distinct[k]) for k in blank]
        row, text = min(rows)
        raise table.error(
            row, name, f"{text!r} is blank", f"give the {name}, or leave the cell empty"
        )
    lookup, code = _lookup(distinct)
    return lookup, _sealed(np.take(code, inverse))


def _lookup(distinct: list[str]) -> tuple[tuple[str, ...], NDArray[np.int32]]:
    """The sorted non-empty texts of ``distinct`` and, for each, its position in them
    (-1: empty), as an int32 table to index with a column's codes."""
    lookup = sorted(set(distinct) - {""})
    rank = {v: i for i, v in enumerate(lookup)}
    return tuple(lookup), np.array([rank.get(v, -1) for v in distinct] + [-1], dtype=np.int32)


def _sealed(values: NDArray[Any]) -> NDArray[Any]:
    """``values``, made read-only: :class:`CaseColumns` then takes the array as it is
    instead of copying it (nothing else holds it)."""
    values.setflags(write=False)
    return values


def columns_from_table(
    table: Table, taxonomy: Taxonomy | None, check: bool = True
) -> tuple[CaseColumns, Layout]:
    """The :class:`CaseColumns` of a log table, and where each case's rows are."""
    kind_all, report_rows, event_rows, ids, case_of = _case_index(table)
    _only_on(table, REPORT_COLUMNS, kind_all >= 0, "a report row")
    event_cells = _filled_rows(table, EVENT_COLUMNS, kind_all < 0, "an event row")
    at_column = table.column("at")

    def fail(row: int, message: str, hint: str) -> CaseLogError:
        if not at_column.text(row):
            message, hint = "the field is required", "give the time with its UTC offset"
        return table.error(row, "at", message, hint)

    at_all = at_column.instants(fail)
    event_cases = case_of[event_rows]
    if event_cases.size > 1 and (event_cases[1:] < event_cases[:-1]).any():
        order = np.argsort(event_cases, kind="stable")
        rows, case = event_rows[order], event_cases[order]
    else:  # each case's rows together, cases in report order: as urbangov writes logs
        rows, case = event_rows, event_cases
    values: dict[str, Any] = {
        "ids": ids,
        **_report_values(table, report_rows, taxonomy),
        "reported_at": _sealed(at_all[report_rows]).view("datetime64[ns]"),
        "case": _sealed(case),
        "kind": _sealed(kind_all[rows]),
        "at": _sealed(at_all[rows]).view("datetime64[ns]"),
        **_event_values(table, rows, event_cells),
    }
    columns = CaseColumns(**values)
    layout = Layout(report_rows, rows, columns.case)
    if check:
        _check_workflow(table, columns, layout)
    return columns, layout


def _case_index(
    table: Table,
) -> tuple[NDArray[np.int8], NDArray[np.int64], NDArray[np.int64], list[str], Codes]:
    """Each row's event code (-1 on report rows), the report and event rows, the case
    ids in report order, and each row's case index; one report row per case."""
    column = table.column
    kinds, kind_inverse = _codes(table, "event", column("event"), _event_kind)
    kind_code = np.array([-1 if k is None else k.code for k in kinds] + [0], dtype=np.int8)
    kind_all = np.take(kind_code, kind_inverse)
    is_report = kind_all < 0
    report_rows = np.flatnonzero(is_report).astype(np.int64, copy=False)
    event_rows = np.flatnonzero(~is_report).astype(np.int64, copy=False)
    id_texts, id_inverse = _required_codes(table, "case_id", column("case_id"))
    report_ids = id_inverse[report_rows]
    if switch.enabled() and np.array_equal(report_ids, np.arange(len(id_texts))):
        # each id has one report row, in the order of the ids (as urbangov writes logs):
        # the case of a row is the code of its id
        return kind_all, report_rows, event_rows, id_texts, id_inverse
    ids = [id_texts[k] for k in report_ids.tolist()]
    case_map = np.full(len(id_texts) + 1, -1, dtype=np.int64)
    case_map[report_ids[::-1]] = np.arange(len(ids) - 1, -1, -1)  # the first report row wins
    second = case_map[report_ids] != np.arange(len(ids))  # (the ids texts are distinct)
    if second.any():
        k = int(np.argmax(second))
        raise table.error(
            int(report_rows[k]),
            "case_id",
            f"a second report row for case {ids[k]!r}",
            "give each case exactly one report row",
        )
    case_of = case_map[id_inverse]
    if (case_of < 0).any():
        row = int(np.argmax(case_of < 0))
        raise table.error(
            row,
            "case_id",
            f"case {column('case_id').text(row)!r} has no report row",
            "add a row with event = report carrying the case's category, grid, source and "
            "urgency (every event belongs to a reported case)",
        )
    return kind_all, report_rows, event_rows, ids, case_of


def _enum_codes(
    table: Table,
    name: str,
    parse: Callable[..., Any],
    members: tuple[Any, ...],
    required: bool,
    rows: NDArray[np.int64],
) -> NDArray[np.int8]:
    """The codes (into ``members``; -1: none) of an enum column on ``rows`` (in file
    order)."""
    resolve = _enum(parse, name) if required else _optional_enum(parse, name)
    found, inverse = _codes(table, name, table.column(name).take(rows), resolve, _row_in(rows))
    code = np.array([-1 if f is None else members.index(f) for f in found] + [0], np.int8)
    return _sealed(code[inverse])


def _row_in(rows: NDArray[np.int64]) -> Callable[[int], int]:
    """The row of the ``k``-th of ``rows``."""

    def row(k: int) -> int:
        return int(rows[k])

    return row


def _report_values(
    table: Table, report_rows: NDArray[np.int64], taxonomy: Taxonomy | None
) -> dict[str, Any]:
    """The per-case columns read from the report rows."""
    report_row = _row_in(report_rows)

    def on_reports(name: str) -> Column:
        return table.column(name).take(report_rows)

    tax = taxonomy if taxonomy is not None else Taxonomy.default()

    def category(text: str) -> str:
        _required("category")(text)
        try:
            return tax.resolve(text, field="category").slug
        except UrbangovError as exc:
            raise CaseLogError(exc.message, hint=exc.hint) from None

    slugs, cat_inverse = _codes(table, "category", on_reports("category"), category, report_row)
    categories = sorted(set(slugs))
    cat_code = np.array([categories.index(c) for c in slugs] + [0], dtype=np.int32)
    grid_cells = on_reports("grid")
    _codes(table, "grid", grid_cells, _grid, report_row)
    grids, grid_codes = _lookup_codes(table, "grid", grid_cells, report_row)
    segments, segment_codes = _lookup_codes(table, "segment", on_reports("segment"), report_row)
    return {
        "category": _sealed(cat_code[cat_inverse]),
        "categories": categories,
        "grid": grid_codes,
        "grids": grids,
        "urgency": _enum_codes(
            table, "urgency", Urgency.parse, CaseColumns.URGENCIES, True, report_rows
        ),
        "source": _enum_codes(
            table, "source", Source.parse, CaseColumns.SOURCES, True, report_rows
        ),
        "zone": _enum_codes(table, "zone", ZoneTier.parse, CaseColumns.ZONES, False, report_rows),
        "segment": segment_codes,
        "segments": segments,
    }


def _event_values(
    table: Table, rows: NDArray[np.int64], filled_rows: dict[str, NDArray[np.int64]]
) -> dict[str, Any]:
    """The per-event columns of the event ``rows`` (in case order). Each column is read
    on the rows it fills only (``filled_rows``, in file order, so that a bad cell raises
    for its first row; all event rows, as :func:`_filled_rows` has checked): most event
    rows leave most of these columns empty."""
    position = np.zeros(table.n, dtype=np.int64)  # each event row's place in ``rows``
    position[rows] = np.arange(rows.size)

    def filled(name: str) -> tuple[Column, NDArray[np.int64]]:
        at = filled_rows[name]
        return table.column(name).take(at), at

    def per_event(
        at: NDArray[np.int64], codes: NDArray[Any], none: int, dtype: Any
    ) -> NDArray[Any]:
        out = np.zeros(rows.size, dtype) if none == 0 else np.full(rows.size, none, dtype)
        out[position[at]] = codes
        return _sealed(out)

    out_at = filled_rows["outcome"]
    outcome = _enum_codes(table, "outcome", Outcome.parse, CaseColumns.OUTCOMES, False, out_at)
    cells, ext_at = filled("extension")
    extensions, ext_inverse = _codes(table, "extension", cells, _extension, _row_in(ext_at))
    minutes = np.array([m for m, _ in extensions] + [0], dtype=np.int64)[ext_inverse]
    units = np.array([u for _, u in extensions] + [-1], dtype=np.int8)[ext_inverse]
    cells, dep_at = filled("department")
    departments, dep_codes = _lookup_codes(table, "department", cells, _row_in(dep_at))
    cells, actor_at = filled("actor")
    actors, actor_codes = _lookup_codes(table, "actor", cells, _row_in(actor_at))
    cells, note_at = filled("note")
    distinct_notes, note_inverse = cells.codes()
    notes, note_code = _lookup(distinct_notes)
    return {
        "extension_min": per_event(ext_at, minutes, 0, np.int64),
        "extension_unit": per_event(ext_at, units, -1, np.int8),
        "event_department": per_event(dep_at, dep_codes, -1, np.int32),
        "departments": departments,
        "actor": per_event(actor_at, actor_codes, -1, np.int32),
        "actors": actors,
        "outcome": per_event(out_at, outcome, -1, np.int8),
        "note": per_event(note_at, note_code[note_inverse], -1, np.int32),
        "notes": notes,
    }


def _only_on(table: Table, names: Iterable[str], wrong: NDArray[np.bool_], where: str) -> None:
    """Raise for the first row that ``wrong`` marks and that fills one of ``names``."""
    for name in names:
        if name not in table.columns:
            continue
        bad = table.columns[name].filled() & wrong
        if bad.any():
            raise _misplaced(table, name, int(np.argmax(bad)), where)


def _filled_rows(
    table: Table, names: Iterable[str], wrong: NDArray[np.bool_], where: str
) -> dict[str, NDArray[np.int64]]:
    """The rows each of ``names`` fills (in file order), checked as :func:`_only_on`
    checks them (the same error for the same row)."""
    found: dict[str, NDArray[np.int64]] = {}
    for name in names:
        rows = np.flatnonzero(table.column(name).filled()).astype(np.int64, copy=False)
        misplaced = rows[wrong[rows]]
        if misplaced.size:
            raise _misplaced(table, name, int(misplaced[0]), where)
        found[name] = rows
    return found


def _misplaced(table: Table, name: str, row: int, where: str) -> CaseLogError:
    return table.error(
        row,
        name,
        f"only {where} carries {name} (found {table.column(name).text(row)!r})",
        "case attributes go on the report row, event details on event rows",
    )


def _check_workflow(table: Table, columns: CaseColumns, layout: Layout) -> None:
    bad = columns.invalid(_LOOSE)
    if not bad.any():
        return
    positions = np.flatnonzero(bad)
    cases = columns.case[positions]
    first = np.ones(positions.size, dtype=np.bool_)
    first[1:] = cases[1:] != cases[:-1]
    candidates = positions[first]
    j = int(candidates[np.argmin(layout.event_rows[candidates])])
    row = int(layout.event_rows[j])
    c = int(columns.case[j])
    table_of = transitions(_LOOSE)
    status = Status.REPORTED
    start = int(layout.starts()[c])
    for k in range(start, j):
        status = table_of[status][_KINDS[int(columns.kind[k])]]
    kind = _KINDS[int(columns.kind[j])]
    before = columns.at[j - 1] if j > start else columns.reported_at[c]
    case_id = columns.ids[c]
    if kind not in table_of[status]:
        allowed = ", ".join(k.value for k in EventKind if k in table_of[status]) or "none"
        raise table.error(
            row,
            "event",
            f"case {case_id}: {kind.value} ({kind.chinese}) is not allowed in state "
            f"{status.value} ({status.chinese}); allowed: {allowed}",
            "give the case's events in order (see the transition table in docs/cases.md)",
        )
    if columns.at[j] < before:
        raise table.error(
            row,
            "at",
            f"case {case_id}: {kind.value} is earlier than the event (or report) before it",
            "events never go back in time; give them in order",
        )
    dispatch = kind is EventKind.DISPATCH
    if (columns.event_department[j] >= 0) != dispatch:
        message = (
            "a dispatch event needs the department dispatched to"
            if dispatch
            else f"only a dispatch event names a department, not {kind.value}"
        )
        raise table.error(row, "department", message, "fill department on dispatch rows only")
    extend = kind is EventKind.EXTEND
    if (columns.extension_unit[j] >= 0) != extend:
        message = (
            "an extend event needs the approved extension"
            if extend
            else f"only an extend event carries an extension, not {kind.value}"
        )
        raise table.error(
            row, "extension", message, "fill extension (e.g. '5 working days') on extend rows"
        )
    raise table.error(
        row,
        "outcome",
        f"an enforcement outcome is recorded on handle or close, not {kind.value}",
        "move the outcome to the handle (处置反馈) event",
    )


def cases_from_table(table: Table, columns: CaseColumns, layout: Layout) -> tuple[Case, ...]:
    """The :class:`Case` values of a checked table; each time keeps its file's offset."""
    at_text = table.column("at").text
    parse = _dt.datetime.fromisoformat
    limits: dict[tuple[int, int], TimeLimit] = {}
    out: list[Case] = []
    starts = layout.starts()
    for c in range(columns.n_cases):
        row = int(layout.report_rows[c])
        history: list[CaseEvent] = []
        for j in range(int(starts[c]), int(starts[c + 1])):
            unit = int(columns.extension_unit[j])
            extension = None
            if unit >= 0:
                key = (int(columns.extension_min[j]), unit)
                extension = limits.get(key)
                if extension is None:
                    extension = limits[key] = limit_of(*key)
            dep, act, outc, note = (
                int(columns.event_department[j]),
                int(columns.actor[j]),
                int(columns.outcome[j]),
                int(columns.note[j]),
            )
            event_row = int(layout.event_rows[j])
            try:
                event = CaseEvent(
                    _KINDS[int(columns.kind[j])],
                    parse(at_text(event_row)),
                    actor=None if act < 0 else columns.actors[act],
                    department=None if dep < 0 else columns.departments[dep],
                    extension=extension,
                    outcome=None if outc < 0 else CaseColumns.OUTCOMES[outc],
                    note="" if note < 0 else columns.notes[note],
                )
            except UrbangovError as exc:  # pragma: no cover - the column checks come first
                raise table.error(event_row, exc.field or "event", exc.message, exc.hint) from None
            history.append(event)
        seg, zone = int(columns.segment[c]), int(columns.zone[c])
        try:
            case = Case(
                id=columns.ids[c],
                category=columns.categories[int(columns.category[c])],
                grid=columns.grids[int(columns.grid[c])],
                source=CaseColumns.SOURCES[int(columns.source[c])],
                urgency=CaseColumns.URGENCIES[int(columns.urgency[c])],
                reported_at=parse(at_text(row)),
                segment=None if seg < 0 else columns.segments[seg],
                zone=None if zone < 0 else CaseColumns.ZONES[zone],
                history=tuple(history),
            )
        except UrbangovError as exc:  # pragma: no cover - the column checks come first
            raise table.error(row, exc.field or "case_id", exc.message, exc.hint) from None
        out.append(case)
    return tuple(out)


def limit_of(minutes: int, unit: int) -> TimeLimit:
    """The :class:`TimeLimit` of an extension as :class:`CaseColumns` codes it."""
    u = _UNITS[unit]
    return TimeLimit(Decimal(minutes) / _PER[u], u)
