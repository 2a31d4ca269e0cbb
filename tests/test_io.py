"""Case logs (urbangov.io): the layout, round-trips, byte-identical re-writes, bad rows."""

from __future__ import annotations

import builtins
import csv
import datetime as _dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from urbangov import io, sim
from urbangov.calendar import TimeLimit
from urbangov.cases import Case, CaseColumns, CaseEvent, EventKind, Outcome, Status
from urbangov.errors import CaseLogError, MissingExtraError
from urbangov.vocabulary import Source, Urgency, ZoneTier

LOGS = Path(__file__).parent / "fixtures" / "logs"
HEADER = ",".join(io.COLUMNS)
SH = _dt.timezone(_dt.timedelta(hours=8))
FORMATS = ("csv", "jsonl", "parquet")


def _write(path: Path, *lines: str) -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


# --------------------------------------------------------------------------- the good log


def test_good_log_reads_every_field() -> None:
    a1, a2, a3 = io.read_cases(LOGS / "good.csv")
    assert (a1.id, a1.category, a1.grid, a1.segment) == (
        "A1",
        "exposed_garbage",
        "320102001001001",
        "S001",
    )
    assert (a1.source, a1.urgency, a1.zone) == (Source.HOTLINE, Urgency.NORMAL, ZoneTier.STRICT)
    assert a1.reported_at == _dt.datetime(2024, 5, 6, 9, tzinfo=SH)
    assert a1.status is Status.CLOSED
    assert a1.history[0].actor == "operator_7"
    assert a1.history[2].department == "sanitation_station"
    assert a1.history[2].at.microsecond == 250_000
    assert a1.history[3].outcome is Outcome.EDUCATED
    assert a1.history[3].note == "门前三包, 已整改"
    assert a2.reported_at.utcoffset() == _dt.timedelta(0)  # the file's own offset is kept
    assert a2.urgency is Urgency.URGENT
    assert a2.history[-1].extension == TimeLimit.working_days(5)
    assert a2.history[-1].note == 'waiting for the owner, see "notice 3"'
    assert a3.status is Status.REJECTED
    assert a3.history[0].note == "duplicate of A1"


def test_good_log_columns_equal_cases() -> None:
    cols = io.read_columns(LOGS / "good.csv")
    assert cols == CaseColumns.from_cases(io.read_cases(LOGS / "good.csv"))
    assert cols.ids == ("A1", "A2", "A3")
    assert cols.n_events == 6 + 4 + 1


def test_good_log_rewrites_byte_identical(tmp_path: Path) -> None:
    out = tmp_path / "again.csv"
    io.write_cases(out, io.read_cases(LOGS / "good.csv"))
    assert out.read_bytes() == (LOGS / "good.csv").read_bytes()


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", FORMATS)
def test_columns_round_trip_and_rewrite(tmp_path: Path, fmt: str) -> None:
    cols = sim.example_log(300, seed=11)
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    io.write_columns(first, cols)
    back = io.read_columns(first)
    assert back == cols
    io.write_columns(second, back)
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_cases_round_trip_and_rewrite(tmp_path: Path, fmt: str) -> None:
    cases = sim.example_log(60, seed=12).to_cases()
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    io.write_cases(first, cases)
    back = io.read_cases(first)
    assert back == cases
    io.write_cases(second, back)
    assert second.read_bytes() == first.read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_columns_and_cases_write_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    cols = sim.example_log(80, seed=13)
    io.write_columns(tmp_path / f"c.{fmt}", cols, tz="Asia/Shanghai")
    io.write_cases(tmp_path / f"k.{fmt}", cols.to_cases("Asia/Shanghai"))
    assert (tmp_path / f"c.{fmt}").read_bytes() == (tmp_path / f"k.{fmt}").read_bytes()


def test_written_csv_is_utf8_with_newline_ends(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    io.write_columns(path, sim.example_log(40, seed=3))
    raw = path.read_bytes()
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    assert raw.decode("utf-8").splitlines()[0] == HEADER


@pytest.mark.parametrize(
    "change",
    [
        _dt.datetime(2024, 3, 31, 1, tzinfo=_dt.UTC),  # London springs forward, GMT → BST
        _dt.datetime(2024, 10, 27, 1, tzinfo=_dt.UTC),  # and falls back, BST → GMT
    ],
)
def test_written_local_times_change_offset_at_the_instant_of_a_dst_change(
    tmp_path: Path, change: _dt.datetime
) -> None:
    # Every instant of the day in its own offset, as datetime.isoformat writes it: the
    # offset of the day's midnight would keep the instant right and the text wrong.
    london = ZoneInfo("Europe/London")
    second, micro = _dt.timedelta(seconds=1), _dt.timedelta(microseconds=1)
    times = [
        change - _dt.timedelta(hours=1),  # the UTC midnight of the day
        change - second,
        change - micro,
        change,
        change + micro,
        change + second,
        change + _dt.timedelta(hours=12),
    ]
    history = [CaseEvent("accept", times[0]), CaseEvent("file", times[1])]
    history += [CaseEvent("void", times[2])]
    cases = [Case.new("L1", "暴露垃圾", "320102001001001", reported_at=times[0], history=history)]
    cases += [
        Case.new(f"L{i}", "暴露垃圾", "320102001001001", reported_at=t)
        for i, t in enumerate(times[3:], 2)
    ]
    path = tmp_path / "log.csv"
    io.write_columns(path, CaseColumns.from_cases(cases), tz="Europe/London")
    with path.open(encoding="utf-8", newline="") as f:
        written = [row["at"] for row in csv.DictReader(f)]
    instants = [times[0], times[0], times[1], times[2], *times[3:]]
    assert written == [t.astimezone(london).isoformat() for t in instants]
    summer, winter = "+01:00", "+00:00"
    before, after = (winter, summer) if change.month == 3 else (summer, winter)
    assert [w[-6:] for w in written] == [before] * 4 + [after] * 4
    assert io.read_columns(path) == CaseColumns.from_cases(cases)


def test_empty_logs_round_trip(tmp_path: Path) -> None:
    for fmt in FORMATS:
        path = tmp_path / f"empty.{fmt}"
        io.write_cases(path, [])
        assert io.read_cases(path) == ()
        assert io.read_columns(path) == CaseColumns.from_cases([])
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8") == HEADER + "\n"


def test_awkward_text_round_trips(tmp_path: Path) -> None:
    t = _dt.datetime(2024, 5, 6, 9, tzinfo=SH)
    notes = ["a,b", 'say "hi"', "two\nlines", "carriage\rreturn", "  padded  ", "门前三包"]
    history = [CaseEvent("accept", t, note=notes[0], actor="x, y")] + [
        CaseEvent("file" if i == 0 else "void", t, note=n) for i, n in enumerate(notes[1:3])
    ]
    cases = [
        Case.new(
            "A,1", "exposed_garbage", "320102001001001", reported_at=t, history=tuple(history)
        ),
        Case.new(
            'B"2',
            "exposed_garbage",
            "320102001001002",
            reported_at=t,
            history=(CaseEvent("reject", t, note="\r\n".join(notes[3:])),),
        ),
    ]
    for fmt in FORMATS:
        path = tmp_path / f"odd.{fmt}"
        io.write_cases(path, cases)
        assert io.read_cases(path) == tuple(cases)
        assert io.read_columns(path) == CaseColumns.from_cases(cases)


def test_parquet_of_text_nulls_large_strings_and_row_groups(tmp_path: Path) -> None:
    # a Parquet log of text columns only (times as ISO 8601 text, as write_cases writes
    # them and other tools export them), large strings, nulls for none, many row groups
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    cols = sim.example_log(300, seed=14)
    io.write_cases(tmp_path / "a.parquet", cols.to_cases())
    table = pq.read_table(tmp_path / "a.parquet")
    assert pa.types.is_string(table.column("at").type)
    other = {
        name: pa.array([v or None for v in table.column(name).to_pylist()], pa.large_string())
        for name in table.column_names
    }
    pq.write_table(pa.table(other), tmp_path / "b.parquet", row_group_size=100)
    assert io.read_columns(tmp_path / "b.parquet") == cols


def test_crlf_file_reads_like_lf(tmp_path: Path) -> None:
    text = (LOGS / "good.csv").read_text(encoding="utf-8")
    path = tmp_path / "crlf.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert io.read_cases(path) == io.read_cases(LOGS / "good.csv")


def test_byte_order_mark_is_not_data(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (LOGS / "good.csv").read_bytes())
    assert io.read_columns(path) == io.read_columns(LOGS / "good.csv")


def test_chinese_terms_and_names_are_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "zh.csv",
        "case_id,event,at,category,grid,source,urgency,zone,department",
        "A1,上报,2024-05-06T09:00:00+08:00,暴露垃圾,320102001001002,热线,NORMAL,严管区,",
        "A1,受理,2024-05-06T09:01:00+08:00,,,,,,",
        "A1,立案,2024-05-06T09:02:00+08:00,,,,,,",
        "A1,派遣,2024-05-06T09:03:00+08:00,,,,,,street",
    )
    (case,) = io.read_cases(path)
    assert case.category == "exposed_garbage"
    assert case.source is Source.HOTLINE
    assert case.zone is ZoneTier.STRICT
    assert [e.kind for e in case.history] == [
        EventKind.ACCEPT,
        EventKind.FILE,
        EventKind.DISPATCH,
    ]


def test_events_may_come_before_their_report_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "late.csv",
        "case_id,event,at,category,grid,source,urgency",
        "A1,accept,2024-05-06T09:01:00+08:00,,,,",
        "A1,report,2024-05-06T09:00:00+08:00,exposed_garbage,320102001001002,hotline,normal",
    )
    (case,) = io.read_cases(path)
    assert case.status is Status.ACCEPTED


def test_unknown_columns_are_ignored_only_when_allowed() -> None:
    with pytest.raises(CaseLogError):
        io.read_columns(LOGS / "unknown_column.csv")
    cols = io.read_columns(LOGS / "unknown_column.csv", allow_unknown_columns=True)
    assert cols.ids == ("A1",)
    cases = io.read_cases(LOGS / "unknown_key.jsonl", allow_unknown_columns=True)
    assert cases[0].status is Status.ACCEPTED


def test_check_false_reads_an_invalid_history() -> None:
    cols = io.read_columns(LOGS / "not_allowed.csv", check=False)
    assert cols.invalid().tolist() == [False, True]


def test_time_limits_in_every_unit_round_trip(tmp_path: Path) -> None:
    t = _dt.datetime(2024, 5, 6, 9, tzinfo=SH)
    steps = [CaseEvent(k, t, department="d" if k == "dispatch" else None)
             for k in ("accept", "file", "dispatch")]  # fmt: skip
    limits = [
        TimeLimit.working_hours(Decimal("0.25")),
        TimeLimit.working_minutes(45),
        TimeLimit.working_days(15),
        TimeLimit.hours(Decimal("1.5")),
        TimeLimit.minutes(7),
        TimeLimit.days(3),
    ]
    history = steps + [CaseEvent("extend", t, extension=lim) for lim in limits]
    cases = [
        Case.new("A1", "exposed_garbage", "320102001001001", reported_at=t, history=tuple(history))
    ]
    path = tmp_path / "ext.csv"
    io.write_cases(path, cases)
    assert [e.extension for e in io.read_cases(path)[0].history[3:]] == limits
    assert io.read_columns(path) == CaseColumns.from_cases(cases)


# --------------------------------------------------------------------------- bad rows

BAD = [
    # file, line, field
    ("bad_time.csv", 3, "at"),
    ("naive_time.csv", 4, "at"),
    ("unknown_event.csv", 3, "event"),
    ("unknown_category.csv", 2, "category"),
    ("missing_report.csv", 4, "case_id"),
    ("unknown_column.csv", 1, "priority"),
    ("bad_extension.csv", 6, "extension"),
    ("not_utf8.csv", 3, "note"),
    ("empty.csv", 1, "header"),
    ("empty_grid.csv", 2, "grid"),
    ("second_report.csv", 4, "case_id"),
    ("not_allowed.csv", 4, "event"),
    ("back_in_time.csv", 4, "at"),
    ("no_department.csv", 5, "department"),
    ("attribute_on_event.csv", 3, "grid"),
    ("short_row.csv", 3, "actor"),
    ("bad_time.jsonl", 2, "at"),
    ("unknown_key.jsonl", 2, "priority"),
]


@pytest.mark.parametrize(("name", "line", "field"), BAD)
@pytest.mark.parametrize("reader", [io.read_columns, io.read_cases])
def test_bad_row_names_file_line_and_field(name: str, line: int, field: str, reader: Any) -> None:
    path = LOGS / name
    with pytest.raises(CaseLogError) as info:
        reader(path)
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, field)
    assert err.hint  # says what to do
    assert str(path) in str(err)


def test_bad_row_after_a_multiline_note_names_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "multi.csv",
        "case_id,event,at,note,category,grid,source,urgency",
        "A1,report,2024-05-06T09:00:00+08:00,,exposed_garbage,320102001001002,hotline,normal",
        'A1,accept,2024-05-06T09:01:00+08:00,"line one',
        'line two",,,,',
        "A1,file,2024-05-06T09:02,,,,,",
    )
    with pytest.raises(CaseLogError) as info:
        io.read_columns(path)
    assert (info.value.line, info.value.field) == (5, "at")


def test_blank_line_is_an_error(tmp_path: Path) -> None:
    text = (LOGS / "good.csv").read_text(encoding="utf-8").replace("\nA2,", "\n\nA2,", 1)
    path = tmp_path / "blank.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CaseLogError) as info:
        io.read_columns(path)
    assert info.value.line == 9


def test_empty_required_event_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "e.csv",
        "case_id,event,at,category,grid,source,urgency",
        "A1,report,2024-05-06T09:00:00+08:00,exposed_garbage,320102001001002,hotline,normal",
        "A1,,2024-05-06T09:01:00+08:00,,,,",
    )
    with pytest.raises(CaseLogError) as info:
        io.read_columns(path)
    assert (info.value.line, info.value.field) == (3, "event")


def test_missing_required_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", "case_id,event,at,category,grid,source")
    with pytest.raises(CaseLogError) as info:
        io.read_columns(path)
    assert (info.value.line, info.value.field) == (1, "urgency")


def test_json_values_must_be_strings(tmp_path: Path) -> None:
    path = _write(tmp_path / "n.jsonl", '{"case_id": 1, "event": "report"}')
    with pytest.raises(CaseLogError) as info:
        io.read_columns(path)
    assert (info.value.line, info.value.field) == (1, "case_id")


def test_unknown_suffix_needs_a_format(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(CaseLogError) as info:
        io.read_columns(path)
    assert info.value.field == "format"
    assert io.read_columns(path, format="csv").n_cases == 0


# --------------------------------------------------------------------------- writing errors


def test_write_refuses_duplicate_ids(tmp_path: Path) -> None:
    case = sim.example_log(1).to_cases()[0]
    with pytest.raises(CaseLogError) as info:
        io.write_cases(tmp_path / "d.csv", [case, case])
    assert info.value.field == "case_id"


def test_write_refuses_sub_microsecond_instants(tmp_path: Path) -> None:
    cols = sim.example_log(2)
    values = {a.name: getattr(cols, a.name) for a in cols.__attrs_attrs__}
    values["at"] = cols.at + np.timedelta64(1, "ns")
    with pytest.raises(CaseLogError) as info:
        io.write_columns(tmp_path / "ns.csv", CaseColumns(**values))
    assert info.value.field == "at"


def test_parquet_without_the_extra_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = builtins.__import__

    def no_pyarrow(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    monkeypatch.setattr("importlib.import_module", lambda name: no_pyarrow(name))
    with pytest.raises(MissingExtraError, match="parquet"):
        io.write_cases(tmp_path / "x.parquet", [])


# --------------------------------------------------------------------------- the example log


def test_example_log_is_valid_and_seeded() -> None:
    cols = sim.example_log(500, seed=4)
    assert not cols.invalid().any()
    assert cols == sim.example_log(500, seed=4)
    assert cols != sim.example_log(500, seed=5)
    assert 4.5 < cols.n_events / cols.n_cases < 6.5
    assert {cols.KINDS[k] for k in np.unique(cols.kind)} >= {
        EventKind.EXTEND,
        EventKind.VERIFY_FAIL,
        EventKind.SUSPEND,
        EventKind.SEND_BACK,
    }


# --------------------------------------------------------------------------- urbangov kpi


def test_kpi_command_reports_a_bad_log() -> None:
    from click.testing import CliRunner

    from urbangov.cli import main

    result = CliRunner().invoke(main, ["kpi", str(LOGS / "naive_time.csv")])
    assert result.exit_code == 1
    assert "naive_time.csv, line 4" in result.output


def test_kpi_table_groupings_share_one_total() -> None:
    from urbangov.cli.kpi import kpi_table

    cols = sim.example_log(300, seed=22)
    hierarchy = sim.sample_city().hierarchy
    by_street = kpi_table(cols, by="street", period="month", hierarchy=hierarchy)
    overall = kpi_table(cols, by="none", period="month")
    by_category = kpi_table(cols, by="category", period="month")
    assert by_street.total() == overall.total() == by_category.total()
    assert by_street.total().received > 0


# --------------------------------------------------------------------------- one rule, located

REPORT = "A1,report,2024-05-06T09:00:00+08:00,exposed_garbage,320102001001001,hotline,normal"
SHORT = "case_id,event,at,category,grid,source,urgency"


def _both(path: Path) -> list[CaseLogError]:
    """The errors both readers raise for ``path`` (they must agree)."""
    found = []
    for reader in (io.read_columns, io.read_cases):
        with pytest.raises(CaseLogError) as info:
            reader(path)
        found.append(info.value)
    assert str(found[0]) == str(found[1])
    return found


def test_a_time_finer_than_a_microsecond_is_refused_not_cut(tmp_path: Path) -> None:
    path = _write(tmp_path / "ns.csv", SHORT, REPORT.replace("09:00:00+", "09:00:00.123456789+"))
    error = _both(path)[0]
    assert (error.field, error.line) == ("at", 2)
    assert "6 fractional digits" in error.message


@pytest.mark.parametrize("cell", [" ", "\u3000", "\n", "\t "])
@pytest.mark.parametrize("column", ["department", "actor"])
def test_a_blank_code_is_refused_by_both_readers_with_its_line(
    tmp_path: Path, cell: str, column: str
) -> None:
    department = cell if column == "department" else "street"
    actor = cell if column == "actor" else "op"
    cases = [{"case_id": "A1", "event": "report", "at": "2024-05-06T09:00:00+08:00",
              "category": "exposed_garbage", "grid": "320102001001001", "source": "hotline",
              "urgency": "normal"}]  # fmt: skip
    for i, kind in enumerate(("accept", "file", "dispatch")):
        row = {"case_id": "A1", "event": kind, "at": f"2024-05-06T09:0{i + 1}:00+08:00"}
        row["actor"] = actor
        if kind == "dispatch":
            row["department"] = department
        cases.append(row)
    import json

    path = tmp_path / "blank.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in cases), encoding="utf-8")
    error = _both(path)[0]
    assert error.field == column
    assert error.line == (4 if column == "department" else 2)
    assert "blank" in error.message


@pytest.mark.parametrize("grid", ["abc", "1", "g1"])
def test_a_grid_that_is_no_unit_code_is_refused_by_both_readers(tmp_path: Path, grid: str) -> None:
    path = _write(tmp_path / "grid.csv", SHORT, REPORT.replace("320102001001001", grid))
    error = _both(path)[0]
    assert (error.field, error.line) == ("grid", 2)


def test_a_lone_surrogate_is_refused_on_reading(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"case_id":"A1","event":"report","at":"2024-05-06T09:00:00+08:00",'
        '"category":"exposed_garbage","grid":"320102001001001","source":"hotline",'
        '"urgency":"normal"}\n'
        '{"case_id":"A1","event":"accept","at":"2024-05-06T09:01:00+08:00","note":"\\ud800"}\n',
        encoding="utf-8",
    )
    error = _both(path)[0]
    assert (error.field, error.line) == ("note", 2)
    assert "surrogate" in error.message


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"case_id": "A1", "event": "rep', "event"),
        ('{"case_id": "A1", "event": ' + "[" * 3000 + "]" * 3000 + "}", "event"),
        ('{"case_id": "A1", "at": ' + "9" * 5000 + "}", "at"),
        ('{"case_id": "A1", "case_id": "A2"}', "case_id"),
    ],
)
def test_json_lines_syntax_errors_name_line_and_field(
    tmp_path: Path, line: str, field: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(REPORT_JSON + "\n" + line + "\n", encoding="utf-8")
    error = _both(path)[0]
    assert (error.field, error.line) == (field, 2)


REPORT_JSON = (
    '{"case_id":"A1","event":"report","at":"2024-05-06T09:00:00+08:00",'
    '"category":"exposed_garbage","grid":"320102001001001","source":"hotline",'
    '"urgency":"normal"}'
)


def test_json_lines_utf8_errors_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes(
        (REPORT_JSON + "\n").encode()
        + b'{"case_id":"A1","event":"accept","at":"2024-05-06T09:01:00+08:00","note":"'
        + "门前三包".encode("gbk")
        + b'"}\n'
    )
    error = _both(path)[0]
    assert (error.field, error.line) == ("note", 2)
    path.write_bytes(b'{ "case_id" : "A\xff1" }\n')  # spaces around the colon
    assert (_both(path)[0].field, _both(path)[0].line) == ("case_id", 1)


@pytest.mark.parametrize("amount", ["100000000000000000000", "1" + "0" * 28])
def test_an_absurd_extension_is_refused_on_reading_with_its_line(
    tmp_path: Path, amount: str
) -> None:
    rows = [
        "case_id,event,at,department,extension,category,grid,source,urgency",
        "A1,report,2024-05-06T09:00:00+08:00,,,exposed_garbage,320102001001001,hotline,normal",
        "A1,accept,2024-05-06T09:01:00+08:00,,,,,,",
        "A1,file,2024-05-06T09:02:00+08:00,,,,,,",
        "A1,dispatch,2024-05-06T09:03:00+08:00,street,,,,,",
        f"A1,extend,2024-05-06T09:04:00+08:00,,{amount} working days,,,,",
    ]
    error = _both(_write(tmp_path / "ext.csv", *rows))[0]
    assert (error.field, error.line) == ("extension", 6)
    assert "100 years" in error.message


def test_corrupt_parquet_strings_name_the_column_and_row(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    good = tmp_path / "good.parquet"
    io.write_columns(good, io.read_columns(LOGS / "good.csv"))
    table = pq.read_table(good)
    values = [b"" if v is None else v.encode() for v in table.column("note").to_pylist()]
    values[3] = b"\xff\xfe"
    offsets = np.cumsum([0, *map(len, values)]).astype(np.int32)
    note = pa.Array.from_buffers(
        pa.string(),
        len(values),
        [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(values))],
    )
    bad = tmp_path / "bad.parquet"
    pq.write_table(table.set_column(table.column_names.index("note"), "note", note), bad)
    error = _both(bad)[0]
    assert (error.field, error.line) == ("note", 4)


def test_parquet_column_errors_name_the_column_without_a_line(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "extra.parquet"
    pq.write_table(pa.table({"case_id": ["A1"], "colour": ["red"]}), path)
    error = _both(path)[0]
    assert (error.field, error.line) == ("colour", None)


def test_write_refuses_instants_a_log_cannot_read_back(tmp_path: Path) -> None:
    cols = io.read_columns(LOGS / "good.csv")
    early = np.array(cols.reported_at)
    early[0] = np.datetime64("1677-12-31T23:00", "ns")
    import attrs

    with pytest.raises(CaseLogError, match=r"1678\.\.2261") as info:
        io.write_columns(tmp_path / "x.csv", attrs.evolve(cols, reported_at=early))
    assert info.value.field == "reported_at"


def test_a_parquet_column_name_that_is_not_utf8_is_a_case_log_error(tmp_path: Path) -> None:
    # found by fuzzing: pyarrow raised UnicodeDecodeError reading the column names
    pytest.importorskip("pyarrow")
    path = tmp_path / "log.parquet"
    io.write_columns(path, io.read_columns(LOGS / "good.csv"))
    data = bytearray(path.read_bytes())
    at = data.find(b"\x18\x07case_id")  # the schema's first column name, in the footer
    assert at > 0
    data[at + 2] = 0x80
    path.write_bytes(bytes(data))
    error = _both(path)[0]
    assert "column name is not valid UTF-8" in error.message
    assert error.file == str(path)
