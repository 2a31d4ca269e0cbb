"""Laws of case logs: read(write(v)) == v, re-writes are byte-identical, and the
vectorised time parser and formatter agree with ``datetime``."""

from __future__ import annotations

import csv
import datetime as _dt
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import instants_near_offset_changes
from urbangov import io, sim
from urbangov._internal.instants import to_ns
from urbangov.cases import Case, CaseColumns
from urbangov.io._times import format_instants, parse_instants
from urbangov.testing import strategies as ugst

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)


@st.composite
def case_lists(draw: st.DrawFn, awkward: bool = False) -> list[Case]:
    """Cases with unique ids; with ``awkward``, notes of any text (commas, quotes, line
    breaks, Chinese)."""
    cases = draw(st.lists(ugst.cases(max_events=8), max_size=6, unique_by=lambda c: c.id))
    if not awkward:
        return cases
    out = []
    for case in cases:
        history = tuple(attrs.evolve(e, note=draw(_TEXT)) for e in case.history)
        out.append(attrs.evolve(case, history=history))
    return out


def _round_trip(fmt: str, cases: list[Case]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / f"a.{fmt}", Path(tmp) / f"b.{fmt}"
        io.write_cases(first, cases)
        back = io.read_cases(first)
        assert back == tuple(cases)
        io.write_cases(second, back)
        assert second.read_bytes() == first.read_bytes()
        cols = CaseColumns.from_cases(cases)
        assert io.read_columns(first) == cols
        if fmt == "csv":  # a quoted header name sends the file down the csv-module path
            slow = Path(tmp) / "slow.csv"
            slow.write_bytes(b'"case_id"' + first.read_bytes().removeprefix(b"case_id"))
            assert io.read_columns(slow) == cols
        io.write_columns(second, cols)
        assert io.read_columns(second) == cols


@settings(max_examples=40)
@given(case_lists(awkward=True))
def test_csv_round_trip(cases: list[Case]) -> None:
    _round_trip("csv", cases)


@settings(max_examples=25)
@given(case_lists(awkward=True))
def test_jsonl_round_trip(cases: list[Case]) -> None:
    _round_trip("jsonl", cases)


@settings(max_examples=10)
@given(case_lists())
def test_parquet_round_trip(cases: list[Case]) -> None:
    _round_trip("parquet", cases)


@settings(max_examples=25)
@given(st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_columns_rewrite_byte_identical(n: int, seed: int) -> None:
    cols = sim.example_log(n, seed=seed, grids=("320102001001001", "320102001001002"))
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a.csv", Path(tmp) / "b.csv"
        io.write_columns(first, cols, tz="UTC")
        back = io.read_columns(first)
        assert back == cols
        io.write_columns(second, back, tz="UTC")
        assert second.read_bytes() == first.read_bytes()


_OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda m: _dt.timezone(_dt.timedelta(minutes=m))
)
_ZONES = st.sampled_from(
    [ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kathmandu"), _dt.UTC]
)


def _fail(row: int, message: str, hint: str) -> Exception:
    return AssertionError(f"row {row}: {message}")


@given(
    st.lists(
        st.datetimes(_dt.datetime(1900, 1, 1), _dt.datetime(2200, 12, 31), timezones=_OFFSETS),
        max_size=20,
    )
)
def test_vectorised_parse_agrees_with_datetime(values: list[_dt.datetime]) -> None:
    texts = [v.isoformat() for v in values]
    got = parse_instants(texts, _fail)
    assert got.tolist() == [to_ns(v, "at") for v in values]


@given(
    st.lists(
        st.datetimes(_dt.datetime(1990, 1, 1), _dt.datetime(2200, 12, 31)).map(
            lambda d: d.replace(tzinfo=_dt.UTC)
        ),
        max_size=20,
    ),
    _ZONES | _OFFSETS,
)
def test_vectorised_format_agrees_with_isoformat(
    values: list[_dt.datetime], zone: _dt.tzinfo
) -> None:
    ns = np.array([to_ns(v, "at") for v in values], dtype=np.int64)
    assert format_instants(ns, zone) == [v.astimezone(zone).isoformat() for v in values]


_ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Amsterdam", "Africa/Monrovia", "UTC")


@settings(max_examples=40)
@given(
    st.lists(
        st.datetimes(
            _dt.datetime(1678, 1, 1), _dt.datetime(1910, 1, 1), timezones=st.just(_dt.UTC)
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(_ZONES),
)
def test_instants_of_local_mean_time_read_back(times: list[_dt.datetime], zone: str) -> None:
    # before 1901 the tz database keeps local mean time (Shanghai +08:05:43, Monrovia
    # -00:44:30): write_columns writes the exact offset and the reader takes it back
    times = sorted(times)
    from urbangov.cases import CaseEvent

    history = tuple(
        CaseEvent("accept" if i == 0 else "reject", t) for i, t in enumerate(times[1:2])
    )
    case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=times[0], history=history)
    cols = CaseColumns.from_cases([case])
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("csv", "jsonl"):
            path = Path(tmp) / f"lmt.{fmt}"
            io.write_columns(path, cols, tz=zone)
            assert io.read_columns(path) == cols
            (back,) = io.read_cases(path)
            assert back.reported_at.astimezone(_dt.UTC) == times[0]


@given(st.lists(instants_near_offset_changes(), min_size=1, max_size=20))
def test_vectorised_format_agrees_with_isoformat_around_offset_changes(
    drawn: list[tuple[str, _dt.datetime]],
) -> None:
    # the instants of one call share a zone (the first drawn); a day around a change of
    # offset holds instants of both offsets
    zone = ZoneInfo(drawn[0][0])
    values = [v for _, v in drawn]
    ns = np.array([to_ns(v, "at") for v in values], dtype=np.int64)
    assert format_instants(ns, zone) == [v.astimezone(zone).isoformat() for v in values]


@settings(max_examples=25)
@given(st.lists(instants_near_offset_changes(("Europe/London",)), min_size=1, max_size=8))
def test_written_log_times_are_isoformat_in_the_zone(
    drawn: list[tuple[str, _dt.datetime]],
) -> None:
    london = ZoneInfo("Europe/London")
    cases = [
        Case.new(f"L{i}", "exposed_garbage", "320102001001001", reported_at=v)
        for i, (_, v) in enumerate(drawn)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.csv"
        io.write_columns(path, CaseColumns.from_cases(cases), tz="Europe/London")
        with path.open(encoding="utf-8", newline="") as f:
            written = [row["at"] for row in csv.DictReader(f)]
    assert written == [v.astimezone(london).isoformat() for _, v in drawn]
