"""Case logs as Arrow tables, Parquet files and data frames (urbangov.io): the schema,
what each reader takes, and every refusal located (column, row)."""

from __future__ import annotations

import datetime as _dt
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from urbangov import io, sim
from urbangov._internal.switch import SWITCH
from urbangov.cases import CaseColumns
from urbangov.errors import CaseLogError

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pc = pytest.importorskip("pyarrow.compute")

LOGS = Path(__file__).parent / "fixtures" / "logs"
ROOT = Path(__file__).resolve().parents[1]


def _good() -> CaseColumns:
    return io.read_columns(LOGS / "good.csv")


def _small() -> pa.Table:
    """The good log as an Arrow table of plain strings (what other tools export)."""
    return io.to_arrow(_good()).cast(
        pa.schema(
            [(n, pa.string()) if n != "at" else (n, pa.timestamp("us", "UTC")) for n in io.COLUMNS]
        )
    )


# --------------------------------------------------------------------------- the schema


def test_the_schema_is_the_columns_of_a_log_file_with_typed_times() -> None:
    schema = io.arrow_schema("UTC")
    assert schema.names == list(io.COLUMNS)
    assert schema.field("at").type == pa.timestamp("us", tz="UTC")
    text = pa.dictionary(pa.int32(), pa.string())
    assert all(schema.field(n).type == text for n in io.COLUMNS if n != "at")


def test_to_arrow_has_the_rows_write_columns_writes(tmp_path: Path) -> None:
    cols = _good()
    table = io.to_arrow(cols)
    io.write_columns(tmp_path / "log.csv", cols)
    lines = (tmp_path / "log.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert table.column("case_id").to_pylist() == [line.split(",")[0] for line in lines]
    assert table.column("event").to_pylist()[:3] == ["report", "accept", "file"]
    assert table.column("grid").to_pylist()[:2] == ["320102001001001", None]  # null: none
    first = table.column("at")[0].as_py()
    assert first == _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("tz", "label"),
    [
        ("Asia/Shanghai", "Asia/Shanghai"),
        (_dt.UTC, "UTC"),
        (ZoneInfo("Asia/Kathmandu"), "Asia/Kathmandu"),
        (_dt.timezone(_dt.timedelta(hours=5, minutes=30)), "+05:30"),
    ],
)
def test_the_zone_labels_the_times_and_changes_no_instant(tz: object, label: str) -> None:
    table = io.to_arrow(_good(), tz=tz)  # type: ignore[arg-type]
    assert table.schema.field("at").type.tz == label
    assert io.from_arrow(table) == _good()


def test_a_zone_arrow_cannot_name_is_refused() -> None:
    with pytest.raises(CaseLogError) as info:
        io.to_arrow(_good(), tz=_dt.timezone(_dt.timedelta(seconds=30)))
    assert info.value.field == "tz"
    with pytest.raises(CaseLogError) as info:
        io.to_arrow(_good(), tz="Mars/Olympus")
    assert info.value.field == "tz"


def test_to_arrow_refuses_what_write_columns_refuses() -> None:
    cols = _good()
    values = {a.name: getattr(cols, a.name) for a in cols.__attrs_attrs__}
    values["at"] = cols.at + np.timedelta64(1, "ns")
    with pytest.raises(CaseLogError) as info:
        io.to_arrow(CaseColumns(**values))
    assert info.value.field == "at"
    with pytest.raises(CaseLogError) as info:
        io.to_arrow("not columns")  # type: ignore[arg-type]
    assert info.value.field == "columns"


# --------------------------------------------------------------------------- Parquet


def test_parquet_written_by_pyarrow_from_to_arrow_reads_back(tmp_path: Path) -> None:
    cols = sim.example_log(200, seed=8)
    pq.write_table(io.to_arrow(cols), tmp_path / "log.parquet", row_group_size=97)
    assert io.read_columns(tmp_path / "log.parquet") == cols


def test_write_columns_writes_the_arrow_table(tmp_path: Path) -> None:
    cols = sim.example_log(50, seed=9)
    io.write_columns(tmp_path / "log.parquet", cols, tz="UTC")
    assert pq.read_table(tmp_path / "log.parquet").equals(io.to_arrow(cols, tz="UTC"))


def test_read_cases_of_typed_parquet_shows_times_in_the_column_zone(tmp_path: Path) -> None:
    cols = _good()
    io.write_columns(tmp_path / "log.parquet", cols, tz="UTC")
    cases = io.read_cases(tmp_path / "log.parquet")
    assert cases == cols.to_cases()
    assert {c.reported_at.utcoffset() for c in cases} == {_dt.timedelta(0)}


def test_write_cases_keeps_each_offset_in_parquet(tmp_path: Path) -> None:
    cases = io.read_cases(LOGS / "good.csv")  # A2 is reported at +00:00, the rest +08:00
    io.write_cases(tmp_path / "log.parquet", cases)
    assert pa.types.is_string(pq.read_table(tmp_path / "log.parquet").column("at").type)
    back = io.read_cases(tmp_path / "log.parquet")
    assert [c.reported_at.utcoffset() for c in back] == [c.reported_at.utcoffset() for c in cases]


# --------------------------------------------------------------------------- what from_arrow takes


def test_plain_strings_large_strings_views_and_dictionaries_read_alike() -> None:
    table = _small()
    expected = _good()
    assert io.from_arrow(table) == expected
    for kind in (pa.large_string(), pa.dictionary(pa.int8(), pa.string())):
        other = table.cast(
            pa.schema([(f.name, f.type if f.name == "at" else kind) for f in table.schema])
        )
        assert io.from_arrow(other) == expected, kind
    if hasattr(pa, "string_view"):
        view = table.set_column(0, "case_id", table.column("case_id").cast(pa.string_view()))
        assert io.from_arrow(view) == expected


def test_chunks_with_different_dictionaries_are_unified() -> None:
    table = _small()
    halves = [table.slice(0, 5), table.slice(5)]
    chunks = {
        name: pa.chunked_array(
            [pc.dictionary_encode(h.column(name).combine_chunks()) for h in halves]
        )
        for name in table.column_names
        if name != "at"
    }
    chunks["at"] = table.column("at")
    mixed = pa.table({name: chunks[name] for name in table.column_names})
    assert mixed.column("grid").num_chunks == 2
    assert io.from_arrow(mixed) == _good()


@pytest.mark.parametrize("fast", ["1", "0"])
def test_chunks_with_different_dictionaries_holding_nulls_read(
    fast: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrow cannot unify dictionaries that hold a null entry ("Cannot yet unify
    # dictionaries with nulls"): such a column reads as its values do
    monkeypatch.setenv(SWITCH, fast)
    table = _small()
    zone = table.column("zone").combine_chunks()
    halves = []
    for part in (zone.slice(0, 5), zone.slice(5)):
        encoded = pc.dictionary_encode(part)
        texts = [*encoded.dictionary.to_pylist(), None]  # an entry no index uses... a null
        halves.append(pa.DictionaryArray.from_arrays(encoded.indices, pa.array(texts, pa.string())))
    column = pa.chunked_array(halves)
    assert not column.chunk(0).dictionary.equals(column.chunk(1).dictionary)
    assert io.from_arrow(_set(table, "zone", column)) == _good()


def test_a_dictionary_may_repeat_and_hold_empty_text() -> None:
    table = _small()
    ids = table.column("case_id").to_pylist()
    dictionary = pa.array(["A1", "A2", "A3", "A1", ""])
    indices = pa.array([3 if v == "A1" and i % 2 else ["A1", "A2", "A3"].index(v)
                        for i, v in enumerate(ids)], pa.int32())  # fmt: skip
    case_id = pa.DictionaryArray.from_arrays(indices, dictionary)
    assert io.from_arrow(table.set_column(0, "case_id", case_id)) == _good()


def test_a_column_of_nulls_may_have_any_type_and_a_record_batch_reads() -> None:
    table = _small()
    no_segments = _set(table, "segment", pa.nulls(table.num_rows, pa.float64()))
    cols = io.from_arrow(no_segments)
    assert cols.segments == ()
    assert io.from_arrow(table.to_batches()[0]) == _good()


def test_any_object_with_an_arrow_stream_reads() -> None:
    polars = pytest.importorskip("polars")
    frame = polars.from_arrow(_small())
    assert io.from_arrow(frame) == _good()
    with pytest.raises(CaseLogError) as info:
        io.from_arrow({"case_id": ["A1"]})
    assert info.value.field == "table"


# --------------------------------------------------------------------------- refusals, located


def _error(table: pa.Table) -> CaseLogError:
    with pytest.raises(CaseLogError) as info:
        io.from_arrow(table)
    return info.value


def test_a_naive_timestamp_column_is_refused_naming_the_column() -> None:
    table = _small()
    naive = table.set_column(2, "at", table.column("at").cast(pa.timestamp("us")))
    error = _error(naive)
    assert (error.field, error.line) == ("at", None)
    assert "without a time zone" in error.message


def test_a_time_finer_than_a_microsecond_is_refused_with_its_row() -> None:
    table = _small()
    ns = table.column("at").cast(pa.int64()).to_numpy() * 1000
    ns[3] += 1
    error = _error(table.set_column(2, "at", pa.array(ns, pa.timestamp("ns", tz="UTC"))))
    assert (error.field, error.line) == ("at", 4)
    assert "more than 6 fractional digits" in error.message
    assert "(row 4)" in str(error)


def test_a_time_outside_the_years_a_log_stores_is_refused_with_its_row() -> None:
    table = _small()
    seconds = table.column("at").cast(pa.int64()).to_numpy() // 10**6
    seconds[5] = 10_413_792_000  # 2300-01-01, which datetime64[ns] cannot hold
    error = _error(table.set_column(2, "at", pa.array(seconds, pa.timestamp("s", tz="UTC"))))
    assert (error.field, error.line) == ("at", 6)
    assert "'2300-01-01T00:00:00+00:00' is outside the years 1678..2261" in error.message


def test_a_null_time_is_required() -> None:
    table = _small()
    at = pa.array([None if i == 2 else v for i, v in enumerate(table.column("at").to_pylist())],
                  pa.timestamp("us", tz="UTC"))  # fmt: skip
    error = _error(table.set_column(2, "at", at))
    assert (error.field, error.line, error.message) == ("at", 3, "the field is required (row 3)")


def test_an_unknown_zone_on_the_times_is_refused() -> None:
    table = _small()
    error = _error(
        table.set_column(2, "at", table.column("at").cast(pa.timestamp("us", "Nowhere")))
    )
    assert error.field == "at"
    assert "'Nowhere' is not a time zone" in error.message


def _set(table: pa.Table, name: str, column: object) -> pa.Table:
    return table.set_column(table.column_names.index(name), name, column)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda t: t.drop_columns(["urgency"]), "urgency", "required column"),
        (lambda t: t.append_column("colour", pa.array(["red"] * t.num_rows)), "colour",
         "unknown column"),
        (lambda t: _set(t, "grid", pa.array(range(t.num_rows))), "grid", "not string"),
        (lambda t: _set(t, "at", pa.array([1.5] * t.num_rows)), "at",
         "a timestamp with a time zone, or string"),
    ],
)  # fmt: skip
def test_column_problems_name_the_column_and_no_row(
    change: Callable[[pa.Table], pa.Table], field: str, words: str
) -> None:
    error = _error(change(_small()))
    assert (error.field, error.line) == (field, None)
    assert words in error.message


def test_a_dictionary_index_outside_its_dictionary_is_refused_with_its_row() -> None:
    table = _small()
    indices = pa.array([0] * table.num_rows, pa.int32()).to_numpy().copy()
    indices[4] = 7
    zone = pa.DictionaryArray.from_arrays(pa.array(indices), pa.array(["strict"]), safe=False)
    error = _error(_set(table, "zone", zone))
    assert (error.field, error.line) == ("zone", 5)


def _with_index(column: object, index: np.ndarray, valid: np.ndarray) -> object:
    """``column`` (a dictionary array) with ``index`` under it, null where not ``valid``
    (the index under a null is kept as given)."""
    indices = pa.Array.from_buffers(
        pa.from_numpy_dtype(index.dtype),
        len(index),
        [pa.py_buffer(np.packbits(valid, bitorder="little").tobytes()), pa.py_buffer(index)],
    )
    return pa.DictionaryArray.from_arrays(indices, column.dictionary, safe=False)  # type: ignore[attr-defined]


@pytest.mark.parametrize("fast", ["1", "0"])
def test_the_index_under_a_null_means_nothing(fast: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SWITCH, fast)
    table = _small()
    zone = pc.dictionary_encode(table.column("zone").combine_chunks())
    valid = zone.is_valid().to_numpy(zero_copy_only=False)
    index = np.where(valid, zone.indices.fill_null(0).to_numpy(), 99).astype(np.int32)
    assert io.from_arrow(_set(table, "zone", _with_index(zone, index, valid))) == _good()
    index[np.flatnonzero(~valid)[0]] = -1  # a negative index under a null too
    assert io.from_arrow(_set(table, "zone", _with_index(zone, index, valid))) == _good()
    row = int(np.flatnonzero(~valid)[1])  # ... but not under a value
    valid[row] = True
    error = _error(_set(table, "zone", _with_index(zone, index, valid)))
    assert (error.field, error.line) == ("zone", row + 1)
    assert "outside its dictionary" in error.message


@pytest.mark.parametrize("fast", ["1", "0"])
def test_a_negative_int8_index_into_a_long_dictionary_is_refused(
    fast: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SWITCH, fast)
    table = _small()
    words = [f"n{i}" for i in range(200)]  # longer than int8 indices reach
    index = np.zeros(table.num_rows, dtype=np.int8)
    index[3] = -57  # 199 read as unsigned: still refused
    note = pa.DictionaryArray.from_arrays(pa.array(index), pa.array(words), safe=False)
    error = _error(_set(table, "note", note))
    assert (error.field, error.line) == ("note", 4)


def test_a_cell_that_is_not_utf8_is_refused_with_its_row() -> None:
    table = _small()
    notes = [b"" if v is None else v.encode() for v in table.column("note").to_pylist()]
    notes[2] = b"\xff"
    offsets = np.cumsum([0, *map(len, notes)]).astype(np.int32)
    bad = pa.Array.from_buffers(
        pa.string(),
        len(notes),
        [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(notes))],
    )
    coded = pa.DictionaryArray.from_arrays(pa.array(range(len(notes)), pa.int32()), bad)
    for column in (bad, coded):
        error = _error(_set(table, "note", column))
        assert (error.field, error.line) == ("note", 3), column.type
        assert "not valid UTF-8" in error.message


def test_a_row_error_in_memory_names_the_row_counted_from_one() -> None:
    table = _small()
    events = table.column("event").to_pylist()
    events[1] = "acept"
    error = _error(table.set_column(1, "event", pa.array(events)))
    assert (error.field, error.line, error.file) == ("event", 2, None)
    assert str(error).startswith("event: 'acept' is not an event (row 2); ")


# --------------------------------------------------------------------------- data frames


def test_pandas_frames_of_objects_and_categories_read() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(LOGS / "good.csv", dtype=str)  # empty cells are NaN
    assert io.from_pandas(frame) == _good()
    assert io.from_pandas(io.to_pandas(_good())) == _good()
    frame["at"] = pd.to_datetime(frame["at"], format="ISO8601", utc=True)
    assert io.from_pandas(frame) == _good()


def test_pandas_naive_times_and_mixed_columns_are_refused() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(LOGS / "good.csv", dtype=str)
    naive = frame.assign(
        at=pd.to_datetime(frame["at"], format="ISO8601", utc=True).dt.tz_localize(None)
    )
    with pytest.raises(CaseLogError, match="without a time zone") as info:
        io.from_pandas(naive)
    assert info.value.field == "at"
    mixed = frame.assign(grid=[1, *frame["grid"][1:]])
    with pytest.raises(CaseLogError) as info:
        io.from_pandas(mixed)
    assert info.value.field == "grid"
    with pytest.raises(CaseLogError) as info:
        io.from_pandas(frame.to_dict())
    assert info.value.field == "frame"


def test_polars_frames_read_and_lazy_frames_are_refused() -> None:
    pl = pytest.importorskip("polars")
    frame = pl.read_csv(LOGS / "good.csv", infer_schema=False)
    assert io.from_polars(frame) == _good()
    assert io.from_polars(io.to_polars(_good())) == _good()
    with pytest.raises(CaseLogError, match="collect") as info:
        io.from_polars(frame.lazy())
    assert info.value.field == "frame"


# --------------------------------------------------------------------------- without the extras


def _without(modules: str, code: str) -> subprocess.CompletedProcess[str]:
    script = (
        "import sys\n"
        + "".join(f"sys.modules[{m!r}] = None\n" for m in modules.split())
        + textwrap.dedent(code)
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_without_pyarrow_arrow_and_parquet_name_the_extra(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    io.write_columns(log, _good())
    result = _without(
        "pyarrow pyarrow.compute pyarrow.parquet pyarrow.json",
        f"""
        from urbangov import io
        from urbangov.errors import MissingExtraError
        cols = io.read_columns({str(log)!r})  # JSON Lines need no extra
        print("jsonl", cols.ids)
        for call in (lambda: io.to_arrow(cols), lambda: io.from_pandas(None),
                     lambda: io.write_columns({str(tmp_path / "x.parquet")!r}, cols)):
            try:
                call()
            except MissingExtraError as exc:
                print("missing:", exc)
        """,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "jsonl ('A1', 'A2', 'A3')"
    assert len(lines) == 4
    assert all("pip install 'urbangov[parquet]'" in line for line in lines[1:])
    assert "Parquet case logs need pyarrow" in lines[3]


def test_without_polars_the_polars_extra_is_named() -> None:
    result = _without(
        "polars",
        """
        from urbangov import io, sim
        from urbangov.errors import MissingExtraError
        try:
            io.to_polars(sim.example_log(1))
        except MissingExtraError as exc:
            print(exc)
        """,
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'urbangov[polars]'" in result.stdout


def test_json_lines_read_alike_with_and_without_pyarrow(tmp_path: Path) -> None:
    cols = sim.example_log(40, seed=6)
    log = tmp_path / "log.jsonl"
    io.write_columns(log, cols)
    out = tmp_path / "back.json"
    result = _without(
        "pyarrow pyarrow.json",
        f"""
        import json
        from urbangov import io
        cols = io.read_columns({str(log)!r})
        json.dump([cols.ids, cols.at.astype("int64").tolist()], open({str(out)!r}, "w"))
        """,
    )
    assert result.returncode == 0, result.stderr
    ids, at = json.loads(out.read_text())
    assert tuple(ids) == cols.ids
    assert at == cols.at.astype("int64").tolist()
