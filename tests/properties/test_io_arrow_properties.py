"""Laws of the Arrow form of a case log: from_arrow(to_arrow(c)) == c, every reader
(CSV, JSON Lines, Parquet, an Arrow table; fast paths on and off) gives the same columns
or the same error, and Arrow's parse of the canonical time forms equals the numpy
parser's."""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov import io, sim
from urbangov._internal.instants import to_ns
from urbangov._internal.switch import SWITCH
from urbangov.cases import Case, CaseColumns
from urbangov.errors import CaseLogError
from urbangov.io._table import render
from urbangov.io._times import parse_instants
from urbangov.testing import strategies as ugst

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)


@st.composite
def awkward_cases(draw: st.DrawFn) -> list[Case]:
    """Cases with unique ids and notes of any text (commas, quotes, line breaks)."""
    cases = draw(st.lists(ugst.cases(max_events=8), max_size=6, unique_by=lambda c: c.id))
    return [
        attrs.evolve(c, history=tuple(attrs.evolve(e, note=draw(_TEXT)) for e in c.history))
        for c in cases
    ]


@settings(max_examples=40)
@given(st.integers(0, 60), st.integers(0, 2**32 - 1), st.sampled_from(["Asia/Shanghai", "UTC"]))
def test_from_arrow_of_to_arrow_is_the_columns(n: int, seed: int, tz: str) -> None:
    cols = sim.example_log(n, seed=seed)
    table = io.to_arrow(cols, tz=tz)
    assert table.schema == io.arrow_schema(tz)
    assert io.from_arrow(table) == cols


@settings(max_examples=30)
@given(awkward_cases())
def test_every_reader_reads_the_same_columns(cases: list[Case]) -> None:
    cols = CaseColumns.from_cases(cases)
    assert io.from_arrow(io.to_arrow(cols)) == cols
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("csv", "jsonl", "parquet"):
            path = Path(tmp) / f"c.{fmt}"
            io.write_columns(path, cols)
            assert io.read_columns(path) == cols, fmt
            io.write_cases(path, cases)  # Parquet: at as text with each time's offset
            assert io.read_columns(path) == cols, fmt
        plain = Path(tmp) / "plain.parquet"  # written by pyarrow itself, default options
        pq.write_table(io.to_arrow(cols), plain)
        assert io.read_columns(plain) == cols
        assert io.read_cases(plain) == tuple(cases)


# --------------------------------------------------------------------------- one meaning

_HEADER = ("case_id", "event", "at", "department", "extension", "note", "category", "grid",
           "source", "urgency", "zone")  # fmt: skip
_BASE = [
    ("A1", "report", "2024-05-06T09:00:00+08:00", "", "", "", "exposed_garbage",
     "320102001001001", "hotline", "normal", "strict"),
    ("A1", "accept", "2024-05-06T09:05:00+08:00", "", "", "门前三包", "", "", "", "", ""),
    ("A1", "file", "2024-05-06T09:06:00.250000+08:00", "", "", "", "", "", "", "", ""),
    ("A1", "dispatch", "2024-05-06T09:07:00+08:00", "street", "", "", "", "", "", "", ""),
    ("A1", "extend", "2024-05-06T10:00:00+08:00", "", "5 working days", "", "", "", "", "", ""),
    ("B2", "report", "2024-05-07T01:00:00+00:00", "", "", "", "暴露垃圾", "320102001001002",
     "public", "urgent", ""),
    ("B2", "reject", "2024-05-07T09:00:00+08:00", "", "", "a,\"b\"", "", "", "", "", ""),
]  # fmt: skip
_CELLS = st.sampled_from(
    ["", " ", "\u3000", "report", "accept", "handle", "bogus", "A1", "B2", "C3",
     "2024-05-06T09:00:00+08:00", "2024-05-06T08:00:00+08:00", "2024-05-06T09:00:00",
     "2024-02-30T09:00:00+08:00", "2024-05-06T09:00:00.123456789+08:00",
     "2024-05-06 09:00:00Z", "1677-01-01T00:00:00+00:00", "2300-01-01T00:00:00+00:00",
     "2024-05-06T24:00:00+08:00", "暴露垃圾", "exposed_garbage", "no_such_thing",
     "320102001001001", "abc", "hotline", "radio", "normal", "strict", "5 working days",
     "4 workin hours", "门", 'a,"b"']
)  # fmt: skip


_FOR_COLUMN = {  # values that fit the column, so that the deeper checks are reached
    "event": ["accept", "file", "dispatch", "handle", "extend", "close", "void", "受理", "上报"],
    "at": ["2024-05-06T09:00:00+08:00", "2024-05-06T08:59:59.999999+08:00",
           "2024-05-06T09:00:00Z", "2024-05-06 09:00:00+08:00", "2024-05-06T09:00:00",
           "2024-05-06T09:00:00.1234567+08:00", "2261-12-31T23:00:00-05:00"],
    "department": ["street", "sanitation_station", "", " "],
    "extension": ["5 working days", "4工作时", "0 minutes", "1000 years", ""],
    "category": ["exposed_garbage", "暴露垃圾", "unlicensed_vendor", "no_such_thing", ""],
    "grid": ["320102001001001", "320102", "3201020010010019", "", "\u3000"],
    "source": ["hotline", "热线", "SUPERVISOR", "", "radio"],
    "urgency": ["normal", "urgent", "URGENT", "", "high"],
    "zone": ["strict", "严管区", "", "nowhere"],
}  # fmt: skip


@st.composite
def mutated_logs(draw: st.DrawFn) -> list[tuple[str, ...]]:
    """The small log above with a few cells replaced by tricky values, most of them
    values that fit the cell's column."""
    rows = [list(r) for r in _BASE]
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(rows) - 1))
        j = draw(st.integers(0, len(_HEADER) - 1))
        fitting = _FOR_COLUMN.get(_HEADER[j])
        cells = st.sampled_from(fitting) | _CELLS if fitting else _CELLS
        rows[i][j] = draw(cells)
    return [tuple(r) for r in rows]


def _outcome(read: Callable[[], CaseColumns]) -> tuple[str, object]:
    try:
        return ("ok", read())
    except CaseLogError as exc:
        message = exc.message
        if exc.file is None and exc.line is not None:  # a table in memory names the row
            suffix = f" (row {exc.line})"
            message = message.removesuffix(suffix) if message.endswith(suffix) else "no row"
        return ("error", (exc.field, message, exc.hint))


@settings(max_examples=120)
@given(mutated_logs(), st.booleans())
def test_csv_json_lines_parquet_and_arrow_agree_on_any_log(
    rows: list[tuple[str, ...]], fast: bool
) -> None:
    columns = [list(col) for col in zip(*rows, strict=True)]
    text = dict(zip(_HEADER, columns, strict=True))
    table = pa.table({name: pa.array(col, pa.string()) for name, col in text.items()})
    full = [text.get(name, [""] * len(rows)) for name in io.COLUMNS]
    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as tmp:
        mp.setenv(SWITCH, "1" if fast else "0")
        csv, jsonl, parquet = (Path(tmp) / f"log.{f}" for f in ("csv", "jsonl", "parquet"))
        csv.write_text(render("csv", full), encoding="utf-8")
        jsonl.write_text(render("jsonl", full), encoding="utf-8")
        pq.write_table(table, parquet)
        outcomes = {
            "csv": _outcome(lambda: io.read_columns(csv)),
            "jsonl": _outcome(lambda: io.read_columns(jsonl)),
            "parquet": _outcome(lambda: io.read_columns(parquet)),
            "arrow": _outcome(lambda: io.from_arrow(table)),
        }
        lines = {}
        for fmt, path in (("csv", csv), ("jsonl", jsonl), ("parquet", parquet)):
            try:
                io.read_columns(path)
            except CaseLogError as exc:
                lines[fmt] = exc.line
    first = outcomes["csv"]
    for fmt, outcome in outcomes.items():
        assert outcome[0] == first[0], (fmt, outcomes)
        if first[0] == "ok":
            assert outcome[1] == first[1], fmt
        else:
            assert outcome[1] == first[1], (fmt, outcomes)
    if lines:  # the same row: CSV counts its header line, the others count rows from 1
        assert lines["csv"] == lines["jsonl"] + 1 == lines["parquet"] + 1, lines


# --------------------------------------------------------------------------- time parsing

_OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda m: _dt.timezone(_dt.timedelta(minutes=m))
)


def _fail(row: int, message: str, hint: str) -> Exception:
    return ValueError(f"row {row}: {message}")


@given(
    st.lists(
        st.datetimes(_dt.datetime(1678, 1, 2), _dt.datetime(2261, 12, 30), timezones=_OFFSETS),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from("0123456789+-:.TZ ")), max_size=2),
)
def test_arrow_reads_the_canonical_forms_as_the_numpy_parser_does(
    values: list[_dt.datetime], edits: list[tuple[int, str]]
) -> None:
    from urbangov.io._arrow import _canonical_instants

    texts = [v.isoformat() for v in values]
    for k, char in edits:  # a character changed: the two parsers must still agree
        i = k % len(texts)
        j = k % len(texts[i])
        texts[i] = texts[i][:j] + char + texts[i][j + 1 :]
    column = pa.chunked_array([pa.array(texts, pa.string())])
    arrow = _canonical_instants(pa, pytest.importorskip("pyarrow.compute"), column)
    try:
        numpy = parse_instants(texts, _fail)
    except ValueError:
        assert arrow is None
        return
    if arrow is not None:
        assert arrow.tolist() == numpy.tolist()
    if not edits:
        assert numpy.tolist() == [to_ns(v, "at") for v in values]


@settings(max_examples=30)
@given(st.integers(0, 30), st.integers(0, 2**32 - 1))
def test_pandas_and_polars_round_trip(n: int, seed: int) -> None:
    pytest.importorskip("pandas")
    pytest.importorskip("polars")
    cols = sim.example_log(n, seed=seed)
    assert io.from_pandas(io.to_pandas(cols)) == cols
    assert io.from_polars(io.to_polars(cols)) == cols


def test_the_canonical_form_of_other_columns_is_what_a_file_gives() -> None:
    # lookups out of order and with unused entries come back sorted and pruned
    cols = sim.example_log(20, seed=3)
    order = np.arange(len(cols.grids))[::-1]
    grids = (*tuple(cols.grids[i] for i in order), "320102999999999")
    shuffled = attrs.evolve(cols, grids=grids, grid=np.argsort(order)[cols.grid])
    assert shuffled != cols
    assert io.from_arrow(io.to_arrow(shuffled)) == cols
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        io.write_columns(path, shuffled)
        assert io.read_columns(path) == cols


# --------------------------------------------------------------------------- dictionaries

_INDEX_TYPES = [pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8()]


@st.composite
def dictionary_columns(draw: st.DrawFn, cells: list[str], index_type: object) -> object:
    """``cells`` (``""``: none) as an Arrow dictionary column in any layout a writer may
    give it: entries in any order, unused or repeated entries, ``""`` or a null entry
    for none besides a null cell (with any index under it, inside the dictionary or
    not), one to three chunks each with the dictionary before it or its own, each
    chunk a slice of a longer array. (Chunks of different dictionaries with a null
    entry are left out: pyarrow cannot unify them.)"""
    texts = sorted(set(cells) - {""})
    cuts = sorted(draw(st.lists(st.integers(0, len(cells)), max_size=2)))
    bounds = [0, *cuts, len(cells)]
    entries: list[str | None] = []
    chunks = []
    null_entry = draw(st.booleans())  # a null entry; then every chunk has one dictionary
    for lo, hi in itertools.pairwise(bounds):
        if not entries or (not null_entry and draw(st.booleans())):
            extra = st.sampled_from(["unused", "门", "", *([None] if null_entry else []), *texts])
            entries = [*draw(st.permutations(texts)), *draw(st.lists(extra, max_size=3))]
            entries = draw(st.permutations(entries))
        chunks.append(_dictionary_chunk(draw, cells[lo:hi], entries, index_type))
    return pa.chunked_array(chunks, pa.dictionary(index_type, pa.string()))


def _dictionary_chunk(
    draw: st.DrawFn, cells: list[str], entries: list[str | None], index_type: object
) -> object:
    size = len(entries)
    nones = [k for k, e in enumerate(entries) if not e]  # "" and null entries
    garbage = st.integers(-3, size + 3) if index_type != pa.uint8() else st.integers(0, size + 3)
    front, back = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    index = [draw(garbage) for _ in range(front)]
    valid = [draw(st.booleans()) for _ in range(front)]
    for cell in cells:
        if cell:
            index.append(draw(st.sampled_from([k for k, e in enumerate(entries) if e == cell])))
            valid.append(True)
        elif nones and draw(st.booleans()):
            index.append(draw(st.sampled_from(nones)))
            valid.append(True)
        else:
            index.append(draw(garbage))
            valid.append(False)
    index += [draw(garbage) for _ in range(back)]
    valid += [draw(st.booleans()) for _ in range(back)]
    dtype = np.dtype(index_type.to_pandas_dtype())  # type: ignore[attr-defined]
    indices = pa.Array.from_buffers(
        index_type,
        len(index),
        [
            pa.py_buffer(np.packbits(np.array(valid, np.bool_), bitorder="little").tobytes()),
            pa.py_buffer(np.array(index).astype(dtype).tobytes()),
        ],
    ).slice(front, len(cells))
    return pa.DictionaryArray.from_arrays(indices, pa.array(entries, pa.string()), safe=False)


def _null_entries(table: object) -> bool:
    return any(
        chunk.dictionary.null_count
        for column in table.columns  # type: ignore[attr-defined]
        for chunk in column.chunks
    )


@settings(max_examples=120)
@given(mutated_logs(), st.data(), st.booleans())
def test_a_dictionary_column_in_any_layout_reads_as_its_text(
    rows: list[tuple[str, ...]], data: st.DataObject, corrupt: bool
) -> None:
    columns = [list(col) for col in zip(*rows, strict=True)]
    text = dict(zip(_HEADER, columns, strict=True))
    table = pa.table(
        {
            name: data.draw(dictionary_columns(col, data.draw(st.sampled_from(_INDEX_TYPES))))
            for name, col in text.items()
        }
    )
    if corrupt:  # a cell whose index is outside its dictionary: refused for its row
        j = data.draw(st.integers(0, len(_HEADER) - 1))
        chunk = table.column(j).chunks[0]
        if not len(chunk):
            return
        index = chunk.indices.to_numpy(zero_copy_only=False).copy()
        index = np.nan_to_num(index, nan=0).astype(chunk.indices.type.to_pandas_dtype())
        index[data.draw(st.integers(0, len(index) - 1))] = len(chunk.dictionary)
        bad = pa.DictionaryArray.from_arrays(pa.array(index), chunk.dictionary, safe=False)
        rest = table.column(j).chunks[1:]
        table = table.set_column(j, _HEADER[j], pa.chunked_array([bad, *rest]))
    outcomes = {}
    with pytest.MonkeyPatch.context() as mp, tempfile.TemporaryDirectory() as tmp:
        for fast in (True, False):
            mp.setenv(SWITCH, "1" if fast else "0")
            outcomes["arrow", fast] = _outcome(lambda: io.from_arrow(table))
            if not corrupt and not _null_entries(table):  # (pyarrow cannot write those)
                parquet = Path(tmp) / "log.parquet"
                pq.write_table(table, parquet)
                outcomes["parquet", fast] = _outcome(functools.partial(io.read_columns, parquet))
        if not corrupt:  # the same cells as CSV
            csv = Path(tmp) / "log.csv"
            full = [text.get(name, [""] * len(rows)) for name in io.COLUMNS]
            csv.write_text(render("csv", full), encoding="utf-8")
            outcomes["csv", True] = _outcome(lambda: io.read_columns(csv))
    first = outcomes["arrow", False]
    for key, outcome in outcomes.items():
        assert outcome == first, (key, outcomes)
