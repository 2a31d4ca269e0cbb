"""Case logs as Arrow tables: the log schema, Parquet files, and pyarrow's JSON reader
(private; used by :mod:`urbangov.io`).

The Arrow form of a log has the columns of a log file (:data:`COLUMNS`, one row per
event and one report row per case): ``at`` is a timestamp with a time zone (UTC
instants, labelled with the zone they are shown in), every other column is text,
dictionary-encoded, ``null`` for none (:func:`log_schema`). Parquet logs are this table.

Reading an Arrow table goes column by column into the :class:`Table` the file readers
fill, so an Arrow table, a Parquet file and a CSV file of the same log give the same
:class:`~urbangov.cases.CaseColumns` and the same errors. A text column becomes a
:class:`CodedColumn` from Arrow's own dictionary (a dictionary column is used as it is,
another is encoded by ``pyarrow.compute``), and a timestamp column an
:class:`InstantColumn` (its integers, checked with numpy masks): no Python string per
cell. A dictionary's indices are Arrow's own buffer (no copy), cleared by one numpy
bound over the whole buffer (the exact check, which leaves nulls out, looks only when
that bound fails), and its nulls stay Arrow's validity mask: nothing is written for the
rows a column leaves empty, which are most rows of most columns. A timestamp column whose
integers all lie in the years a log stores needs no mask. With the fast paths off
(``URBANGOV_FAST_PATH=0``) text columns are read from their bytes as CSV cells are
(:class:`ByteColumn`), every index is checked exactly and every time masked: the plain
path the fast one must equal.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import re
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from urbangov._internal import switch
from urbangov._internal.instants import MAX_YEAR, MIN_YEAR
from urbangov.cases import CaseColumns
from urbangov.errors import CaseLogError, MissingExtraError
from urbangov.io._arrow_codes import (
    check_indices,
    chunk_starts,
    coded_column,
    indices_within,
    utf8_error,
)
from urbangov.io._cells import (
    ByteColumn,
    CodedColumn,
    Column,
    InstantColumn,
    ParsedTimes,
    TextColumn,
)
from urbangov.io._convert import REPORT
from urbangov.io._table import COLUMNS, Table, check_header
from urbangov.io._times import offset_text
from urbangov.io._written import check_writable, extension_text

__all__ = [
    "arrow_from_columns",
    "arrow_from_text",
    "log_schema",
    "modules",
    "parquet_modules",
    "read_jsonl",
    "read_parquet",
    "table_from_arrow",
    "write_parquet",
    "zone_name",
]

_TEXT_HINT = "store every column of a case log as text (strings), and at as a timestamp"
_OFFSET = re.compile(r"([+-])([01][0-9]|2[0-3]):?([0-5][0-9])")
# a surrogate written as a JSON escape (\ud800..\udfff): the Python reader decides
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abAB]")
_NS_PER = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


def _days(year: int) -> int:
    return (_dt.date(year, 1, 1) - _dt.date(1970, 1, 1)).days


_FIRST_NS = _days(MIN_YEAR) * 86_400 * 10**9  # the first instant a log stores
_END_NS = _days(MAX_YEAR + 1) * 86_400 * 10**9  # just after the last


def modules(what: str = "Arrow tables") -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.compute``, or :class:`MissingExtraError` naming the
    extra that brings them."""
    try:
        pa = importlib.import_module("pyarrow")
        pc = importlib.import_module("pyarrow.compute")
    except ImportError as exc:
        raise MissingExtraError(
            f"{what} need pyarrow, which is in the 'parquet' extra",
            field="format" if what.startswith("Parquet") else None,
            hint="install it with: pip install 'urbangov[parquet]'",
        ) from exc
    return pa, pc


def parquet_modules() -> tuple[Any, Any, Any]:
    pa, pc = modules("Parquet case logs")
    try:
        pq = importlib.import_module("pyarrow.parquet")
    except ImportError as exc:  # pragma: no cover - pyarrow ships its parquet module
        raise MissingExtraError(
            "Parquet case logs need pyarrow with Parquet support, which is in the 'parquet' extra",
            field="format",
            hint="install it with: pip install 'urbangov[parquet]'",
        ) from exc
    return pa, pc, pq


# --------------------------------------------------------------------------- the schema


def zone_name(tz: str | _dt.tzinfo) -> str:
    """The Arrow time-zone label of ``tz``: a tz database name or an offset ``+08:00``.

    >>> zone_name("Asia/Shanghai"), zone_name(_dt.timezone(_dt.timedelta(hours=-5)))
    ('Asia/Shanghai', '-05:00')
    """
    if isinstance(tz, str):
        zone_of(tz, field="tz")
        return tz
    if tz is _dt.UTC:
        return "UTC"
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    if isinstance(tz, _dt.timezone):
        offset = tz.utcoffset(None)
        if offset % _dt.timedelta(minutes=1) == _dt.timedelta(0):
            return offset_text(int(offset.total_seconds()))
    raise CaseLogError(
        f"{tz!r} has no name an Arrow timestamp can carry",
        field="tz",
        hint="give a tz database name (Asia/Shanghai, UTC) or a timezone of whole minutes",
    )


def zone_of(name: str, *, field: str = "at", file: str | None = None) -> _dt.tzinfo:
    """The zone an Arrow time-zone label names (a tz database name or ``±HH:MM``)."""
    offset = _OFFSET.fullmatch(name)
    if offset is not None:
        sign = -1 if offset[1] == "-" else 1
        delta = _dt.timedelta(hours=int(offset[2]), minutes=int(offset[3]))
        return _dt.timezone(sign * delta)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise CaseLogError(
            f"{name!r} is not a time zone",
            field=field,
            file=file,
            hint="use a tz database name (Asia/Shanghai, UTC) or an offset (+08:00)",
        ) from None


def log_schema(tz: str | _dt.tzinfo = "Asia/Shanghai") -> Any:
    """The Arrow schema urbangov writes: :data:`COLUMNS` in order, ``at`` a
    ``timestamp[us, tz]``, the others ``dictionary<int32, string>``."""
    pa, _ = modules()
    text = pa.dictionary(pa.int32(), pa.string())
    return pa.schema(
        [(n, pa.timestamp("us", tz=zone_name(tz)) if n == "at" else text) for n in COLUMNS]
    )


# --------------------------------------------------------------------------- writing


def arrow_from_columns(columns: CaseColumns, tz: str | _dt.tzinfo) -> Any:
    """The log of ``columns`` as an Arrow table of :func:`log_schema` (rows as
    :func:`~urbangov.io.write_columns` writes them: each case's report row, then its
    events)."""
    pa, _ = modules()
    schema = log_schema(tz)
    check_writable(columns)
    n, m = columns.n_cases, columns.n_events
    starts = np.searchsorted(columns.case, np.arange(n))
    report_pos = np.arange(n) + starts
    event_pos = np.arange(m) + columns.case + 1
    total = n + m

    def coded(dictionary: Sequence[str], on_reports: Any = None, on_events: Any = None) -> Any:
        index = np.full(total, -1, dtype=np.int32)
        if on_reports is not None:
            index[report_pos] = on_reports
        if on_events is not None:
            index[event_pos] = on_events
        missing = index < 0
        indices = pa.array(index, pa.int32(), mask=missing if missing.any() else None)
        return pa.DictionaryArray.from_arrays(indices, pa.array(list(dictionary), pa.string()))

    at = np.empty(total, dtype=np.int64)
    at[report_pos] = columns.reported_at.view(np.int64)
    at[event_pos] = columns.at.view(np.int64)
    ext_codes = np.full(m, -1, dtype=np.int64)
    with_ext = np.flatnonzero(columns.extension_unit >= 0)
    pairs = np.stack(
        [columns.extension_min[with_ext], columns.extension_unit[with_ext].astype(np.int64)], 1
    )
    distinct, inverse = np.unique(pairs, axis=0, return_inverse=True)
    ext_codes[with_ext] = inverse.ravel()
    ext_texts = [extension_text(a, u) for a, u in distinct.tolist()]
    arrays = {
        "case_id": coded(columns.ids, np.arange(n), columns.case),
        "event": coded((REPORT, *(k.value for k in CaseColumns.KINDS)), 0, columns.kind + 1),
        "at": pa.array(at // 1000, pa.int64()).cast(schema.field("at").type),
        "actor": coded(columns.actors, None, columns.actor),
        "department": coded(columns.departments, None, columns.event_department),
        "extension": coded(ext_texts, None, ext_codes),
        "outcome": coded([o.value for o in CaseColumns.OUTCOMES], None, columns.outcome),
        "note": coded(columns.notes, None, columns.note),
        "category": coded(columns.categories, columns.category),
        "grid": coded(columns.grids, columns.grid),
        "segment": coded(columns.segments, columns.segment),
        "source": coded([s.value for s in CaseColumns.SOURCES], columns.source),
        "urgency": coded([u.value for u in CaseColumns.URGENCIES], columns.urgency),
        "zone": coded([z.value for z in CaseColumns.ZONES], columns.zone),
    }
    return pa.Table.from_arrays([arrays[name] for name in COLUMNS], schema=schema)


def arrow_from_text(columns: Sequence[Sequence[str]]) -> Any:
    """A log of text cells (in :data:`COLUMNS` order; ``""`` for none) as an Arrow
    table: ``at`` stays text (each time with its own offset), the other columns as in
    :func:`log_schema`."""
    pa, pc = modules("Parquet case logs")
    arrays = []
    for name, cells in zip(COLUMNS, columns, strict=True):
        array = pa.array(cells, pa.string())
        if name != "at":
            array = pc.dictionary_encode(pc.if_else(pc.equal(array, ""), None, array))
        arrays.append(array)
    return pa.Table.from_arrays(arrays, names=list(COLUMNS))


def write_parquet(path: str | Path, table: Any) -> None:
    """Write an Arrow log table as a Parquet file (zstd; byte-identical for equal
    tables)."""
    _, _, pq = parquet_modules()
    pq.write_table(table, path, compression="zstd")


# --------------------------------------------------------------------------- reading


def read_parquet(path: str | Path, allow_unknown: bool) -> Table:
    """Read a Parquet log into a :class:`Table`."""
    pa, _, pq = parquet_modules()
    file = str(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise CaseLogError(
            f"cannot read the Parquet file: {exc}",
            file=file,
            hint="check that it is a whole Parquet file, of string columns",
        ) from None
    try:
        _ = table.column_names  # pyarrow decodes the names here
    except UnicodeDecodeError:
        raise CaseLogError(
            "a column name is not valid UTF-8 text",
            file=file,
            hint="check that it is a whole Parquet file, of string columns",
        ) from None
    return table_from_arrow(table, file, allow_unknown)


def table_from_arrow(table: Any, file: str | None, allow_unknown: bool) -> Table:
    """The :class:`Table` of an Arrow log table; ``file`` ``None`` for a table in
    memory (errors then name the row)."""
    pa, pc = modules()
    names = table.column_names
    check_header(names, file, allow_unknown, line=None)
    coded = switch.enabled()
    columns: dict[str, Column] = {}
    for name in names:
        if name not in COLUMNS:
            continue
        column = table.column(name)
        if name == "at" and pa.types.is_timestamp(column.type):
            columns[name] = _instants(pa, column, file)
        else:
            columns[name] = _text(pa, pc, column, name, file, coded and name != "at")
    return Table(file, columns, table.num_rows, lambda row: row + 1)


def _is_text(pa: Any, kind: Any) -> bool:
    is_view = getattr(pa.types, "is_string_view", lambda _: False)
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or is_view(kind))


def _text(pa: Any, pc: Any, column: Any, name: str, file: str | None, coded: bool) -> Column:
    """A text column: a :class:`CodedColumn` (``coded``) or a :class:`ByteColumn`."""
    n = len(column)
    kind = column.type
    values = kind.value_type if pa.types.is_dictionary(kind) else kind
    if column.null_count == n:  # no value at all (a column of nulls, of any type)
        return CodedColumn([""], np.zeros(n, dtype=np.int64))
    if not _is_text(pa, values):
        expected = "a timestamp with a time zone, or string" if name == "at" else "string"
        raise CaseLogError(
            f"the column has type {kind}, not {expected}",
            field=name,
            file=file,
            hint=_TEXT_HINT,
        )
    # every index inside its dictionary, under nulls too (else, and with the fast paths
    # off, the exact check looks)
    inside = (
        pa.types.is_dictionary(kind)
        and switch.enabled()
        and all(map(indices_within, column.chunks))
    )
    if pa.types.is_dictionary(kind) and not inside:
        for chunk, start in zip(column.chunks, chunk_starts(column), strict=True):
            check_indices(pc, chunk.indices, len(chunk.dictionary), name, file, start)
    if not coded:
        plain = column.cast(values) if pa.types.is_dictionary(kind) else column
        if not (pa.types.is_string(values) or pa.types.is_large_string(values)):
            plain = plain.cast(pa.large_string())
        cells = _byte_cells(pa, plain, name, file)
        if name == "at" and switch.enabled():
            parsed = _canonical_instants(pa, pc, plain)
            if parsed is not None:
                return ParsedTimes(cells, parsed)
        return cells
    if not pa.types.is_dictionary(kind):
        array = column.combine_chunks()
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            array = array.cast(pa.large_string())
        column = pa.chunked_array([pc.dictionary_encode(array)])
    chunks = column.chunks
    dictionary = chunks[0].dictionary
    if any(not chunk.dictionary.equals(dictionary) for chunk in chunks[1:]):
        try:
            chunks = column.unify_dictionaries().chunks
        except pa.ArrowInvalid:  # Arrow cannot unify dictionaries holding a null entry
            array = column.cast(values).combine_chunks()
            if not (pa.types.is_string(values) or pa.types.is_large_string(values)):
                array = array.cast(pa.large_string())
            chunks = [pc.dictionary_encode(array)]
        dictionary = chunks[0].dictionary
        inside = False  # (new indices)
    indices = pa.concat_arrays([chunk.indices for chunk in chunks])
    return coded_column(pa, pc, dictionary, indices, name, file, inside)


_CANONICAL = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?[+-][0-9]{2}:[0-9]{2}$"
)


def _canonical_instants(pa: Any, pc: Any, column: Any) -> NDArray[np.int64] | None:
    """The instants of a text column whose every cell has one of the two forms urbangov
    writes, parsed by Arrow's cast (which refuses what the numpy parser refuses: a
    month 13, February 30, hour 24, minute or second 60, offset +24:00); ``None`` when
    a cell has another form, or is refused, or lies outside the years a log stores,
    so the numpy parser reads the column and names the bad row."""
    if column.null_count or not pc.all(pc.match_substring_regex(column, _CANONICAL)).as_py():
        return None
    year = pc.cast(pc.utf8_slice_codeunits(column, 0, 4), pa.int16()).to_numpy()
    if len(year) and not (year.min() >= MIN_YEAR and year.max() <= MAX_YEAR):
        return None
    try:
        instants = pc.cast(column, pa.timestamp("ns", tz="UTC"))
    except pa.ArrowException:
        return None
    ns: NDArray[np.int64] = instants.cast(pa.int64()).to_numpy().astype(np.int64)
    return ns


def _byte_cells(pa: Any, column: Any, name: str, file: str | None) -> Column:
    """A string column of an Arrow table as a :class:`ByteColumn` over its own buffers
    (no Python string per cell); nulls read as empty. A cell that is not UTF-8 raises,
    naming the column and the row (rows count from 1)."""
    n = len(column)
    array = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    try:
        array.validate(full=True)
    except pa.ArrowException:
        raise _bad_cell(pa, array, name, file) from None
    _, offsets_buf, data_buf = array.buffers()
    wide = pa.types.is_large_string(array.type)
    raw_offsets = np.frombuffer(offsets_buf, dtype=np.int64 if wide else np.int32)
    offsets: NDArray[np.int64] = raw_offsets[array.offset : array.offset + n + 1].astype(np.int64)
    data = np.zeros(0, dtype=np.uint8) if data_buf is None else np.frombuffer(data_buf, np.uint8)
    if (data == 0).any():  # a NUL character: keep exact strings
        return TextColumn(["" if v is None else v for v in array.to_pylist()])
    length = np.diff(offsets)
    if array.null_count:
        length[~array.is_valid().to_numpy(zero_copy_only=False)] = 0
    return ByteColumn(data, offsets[:-1].copy(), length)


def _bad_cell(pa: Any, array: Any, name: str, file: str | None) -> CaseLogError:
    """The error for the first cell of ``array`` that is not valid UTF-8."""
    binary = array.view(pa.large_binary() if pa.types.is_large_string(array.type) else pa.binary())
    for i, value in enumerate(binary.to_pylist()):
        if value is None:
            continue
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            return utf8_error(name, file, i)
    return utf8_error(name, file, None)


def _instants(pa: Any, column: Any, file: str | None) -> InstantColumn:
    """A timestamp column as an :class:`InstantColumn`: its integers, with a problem
    code where a row is null, finer than a microsecond or outside the years a log
    stores."""
    kind = column.type
    if kind.tz is None:
        raise CaseLogError(
            f"the column has type {kind}, a timestamp without a time zone",
            field="at",
            file=file,
            hint="store UTC instants with their zone, e.g. timestamp[us, tz=Asia/Shanghai] "
            "(times are never naive)",
        )
    zone = zone_of(kind.tz, file=file)
    per = _NS_PER[kind.unit]
    array = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    integers = array.cast(pa.int64())
    raw = (integers.fill_null(0) if array.null_count else integers).to_numpy(zero_copy_only=False)
    first, end = -(-_FIRST_NS // per), -(-_END_NS // per)  # bounds in the column's unit
    problem = np.zeros(len(raw), dtype=np.int8)
    plain = bool(array.null_count) or per == 1 or not switch.enabled()
    if plain or not _all_within(raw, first, end):
        valid = array.is_valid().to_numpy(zero_copy_only=False)
        problem[~valid] = InstantColumn.NULL
        problem[valid & ((raw < first) | (raw >= end))] = InstantColumn.OUTSIDE
        if per == 1:
            problem[(problem == 0) & (raw % 1000 != 0)] = InstantColumn.FINER
        ns = np.where(problem == 0, raw, 0) * per
    else:  # no null, no fraction finer than a microsecond, every instant in the years
        ns = raw * per

    def shown(row: int) -> str:
        text = np.datetime_as_string(np.datetime64(int(raw[row]), kind.unit))
        return f"{text}+00:00"

    return InstantColumn(ns, problem, zone, shown)


def _all_within(raw: NDArray[np.int64], first: int, end: int) -> bool:
    """Whether every value of ``raw`` is in ``first`` (inclusive) to ``end``."""
    return not raw.size or (int(raw.min()) >= first and int(raw.max()) < end)


# --------------------------------------------------------------------------- JSON Lines


def read_jsonl(raw: bytes, file: str, allow_unknown: bool) -> Table | None:
    """A JSON Lines log read by pyarrow's JSON reader, or ``None`` when the Python
    reader must read it (no pyarrow, the fast paths off, or input whose reading or
    errors only the Python reader gets exactly right: a JSON escape of a surrogate, a
    line that does not start with ``{``, a line holding other than one object, bytes
    that are not UTF-8, a value that is not a string, a key given twice, …)."""
    if not switch.enabled():
        return None
    try:
        pa = importlib.import_module("pyarrow")
        pj = importlib.import_module("pyarrow.json")
    except ImportError:
        return None
    if not raw or _SURROGATE_ESCAPE.search(raw):
        return None
    whole = np.frombuffer(raw, dtype=np.uint8)
    starts = np.concatenate([[0], np.flatnonzero(whole == 10) + 1])
    if starts[-1] == len(raw):
        starts = starts[:-1]
    if (whole[starts] != ord("{")).any():  # a blank line, leading space, a split object
        return None
    schema = pa.schema([(name, pa.string()) for name in COLUMNS])
    options = pj.ParseOptions(
        explicit_schema=schema, unexpected_field_behavior="infer" if allow_unknown else "error"
    )
    try:
        table = pj.read_json(pa.BufferReader(raw), parse_options=options)
        names = table.column_names
        for name in names:
            table.column(name).validate(full=True)  # UTF-8: the reader does not check it
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    if table.num_rows != len(starts):  # two objects on a line
        return None
    for name in names:
        if name not in COLUMNS and not _plain_extra(pa, table.column(name).type):
            return None  # Python's json decides on numbers and nesting
    return table_from_arrow(table.select([n for n in names if n in COLUMNS]), file, True)


def _plain_extra(pa: Any, kind: Any) -> bool:
    """Whether an unknown key's values are of a type both readers take alike."""
    return bool(pa.types.is_string(kind) or pa.types.is_null(kind) or pa.types.is_boolean(kind))
