"""Fuzzing every loader: a mutated valid file loads, or raises an ``UrbangovError``.

The seeds are files urbangov ships or reads every day — the sample district, the default
policy, the bundled holidays and taxonomy, a small JSON city, a small case log in each
format, a bundled assessment standard, a findings file and rule-case files (of the
escalation and assessment subjects, and a score and a bonds case with inline findings).
Hypothesis mutates their bytes and lines (bytes replaced, inserted, deleted, the file
cut short; lines deleted, repeated, swapped, replaced by hostile text; numbers replaced
by huge or non-finite ones) and the law is that the only exceptions are
``UrbangovError`` subclasses, and that ``files.check`` finds a problem exactly when
``files.load`` fails.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urbangov import files, io
from urbangov.errors import UrbangovError
from urbangov.hierarchy import Hierarchy

DATA = Path(__file__).parents[2] / "src" / "urbangov" / "data"
FIXTURES = Path(__file__).parents[1] / "fixtures"
LOG = FIXTURES / "logs" / "good.csv"
# a score case with inline findings and a bonds case: no file beside them to look for
ASSESSMENT_CASES = b"""kind = "rule-cases"
format_version = 1

[[cases]]
name = "a street's total"
subject = "score"
abs = 0.01
[cases.input]
standard = "digital_city_management"
unit = "320105001"
[cases.input.findings]
units = [{ code = "320105001", name = "\xe5\x8d\x97\xe6\xb9\x96" }]
kpis = [
  { unit = "320105001", due = 100, closed = 80, closed_on_time = 65, suspended = 5 },
  { unit = "320105001", subset = "urgent", due = 4, closed = 4, closed_on_time = 4 },
]
tallies = [{ unit = "320105001", name = "handled_same_day", count = 9, of = 10 }]
findings = [{ unit = "320105001", item = "rework", outcome = "sent_back", count = 2 }]
[cases.expected]
total = 94.23
items = { on_time = 48.42 }

[[cases]]
name = "bonds"
subject = "bonds"
[cases.input]
grades = { "320105001" = "excellent", "320105002" = "standard" }
winners = ["320105001"]
on = 2024-12-31
[cases.expected]
error = "PolicyError"
"""

SMALL_CITY = Hierarchy.from_rows(
    [
        {"code": "320100", "name": "南京市", "level": "city", "area_m2": 6.5e9},
        ("320105", "建邺区", "district", "320100"),
        ("320105001", "南湖街道", "street", "320105"),
        {"code": "320105001001", "name": "社区", "level": "community", "parent": "320105001",
         "attributes": {"population": 12000, "tags": ["old town"]}},
    ]
).dumps("json")  # fmt: skip

HOSTILE = [
    b"",
    b"[[units]]",
    b"[workflow]",
    b'kind = "policy"',
    b"format_version = 1.0",
    b"x = nan",
    b"x = inf",
    b"x = 1e400",
    b"x = " + b"9" * 5000,
    b"x = " + b"[" * 3000,
    b'"\\ud800"',
    b"\xef\xbb\xbf",
    "门前三包".encode("gbk"),
    b"\x00\xff\xfe",
    b'{"a": 1, "a": 2}',
    b"NaN",
    b",,,,,,,,,,,,,,,,",
    b'"',
    b"2300-01-01T00:00:00+08:00",
    b"2024-05-06T09:00:00.123456789+08:00",
    b"100000000000000000000 working days",
    "\u3000".encode(),
]
_NUMBER = re.compile(rb"\d+(?:\.\d+)?")


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` after one to three random mutations."""
    for _ in range(draw(st.integers(1, 3))):
        data = draw(_mutation(data))
    return data


def _mutation(data: bytes) -> st.SearchStrategy[bytes]:
    n = max(len(data), 1)
    lines = data.split(b"\n")
    at = st.integers(0, n - 1)
    line = st.integers(0, len(lines) - 1)
    numbers = [m.span() for m in _NUMBER.finditer(data)]

    def replace_byte(i: int, b: int) -> bytes:
        return data[:i] + bytes([b]) + data[i + 1 :]

    def insert(i: int, text: bytes) -> bytes:
        return data[:i] + text + data[i:]

    def drop_line(k: int) -> bytes:
        return b"\n".join(lines[:k] + lines[k + 1 :])

    def repeat_line(k: int) -> bytes:
        return b"\n".join([*lines[: k + 1], lines[k], *lines[k + 1 :]])

    def swap(k: int, j: int) -> bytes:
        out = list(lines)
        out[k], out[j] = out[j], out[k]
        return b"\n".join(out)

    def set_line(k: int, text: bytes) -> bytes:
        return b"\n".join([*lines[:k], text, *lines[k + 1 :]])

    options: list[st.SearchStrategy[bytes]] = [
        st.builds(replace_byte, at, st.integers(0, 255)),
        st.builds(insert, at, st.sampled_from(HOSTILE)),
        st.builds(lambda i: data[:i], at),
        st.builds(lambda i, k: data[:i] + data[i + k :], at, st.integers(1, 64)),
        st.builds(drop_line, line),
        st.builds(repeat_line, line),
        st.builds(swap, line, line),
        st.builds(set_line, line, st.sampled_from(HOSTILE)),
    ]
    if numbers:

        def number(k: int, text: bytes) -> bytes:
            a, b = numbers[k]
            return data[:a] + text + data[b:]

        replacement = st.sampled_from([b"-1", b"0", b"1e400", b"nan", b"9" * 30, b"9" * 5000])
        options.append(st.builds(number, st.integers(0, len(numbers) - 1), replacement))
    return st.one_of(options)


def _check(suffix: str, content: bytes, load: Callable[[Path], Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzzed{suffix}"
        path.write_bytes(content)
        try:
            load(path)
        except UrbangovError as error:
            failed: UrbangovError | None = error
        else:
            failed = None
        if suffix in (".toml", ".json"):
            _, problems = files.check(path)
            assert all(isinstance(p, UrbangovError) for p in problems)
            assert bool(problems) == (failed is not None), (failed, problems)


def _seed(name: str) -> bytes:
    return (DATA / name).read_bytes()


_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]
FUZZ = settings(suppress_health_check=_SLOW)


def fewer(n: int) -> settings:
    """The fuzz settings with at most ``n`` examples (for the seeds that load slowly)."""
    return settings(suppress_health_check=_SLOW, max_examples=n)


@fewer(15)
@given(st.data())
def test_fuzzed_sample_district(data: st.DataObject) -> None:
    _check(".toml", data.draw(mutated(_seed("sample_district.toml"))), files.load)


@FUZZ
@given(st.data())
def test_fuzzed_default_policy(data: st.DataObject) -> None:
    _check(".toml", data.draw(mutated(_seed("default_policy.toml"))), files.load)


@fewer(40)
@given(st.data())
def test_fuzzed_holidays(data: st.DataObject) -> None:
    _check(".toml", data.draw(mutated(_seed("holidays_cn.toml"))), files.load)


@FUZZ
@given(st.data())
def test_fuzzed_taxonomy(data: st.DataObject) -> None:
    _check(".toml", data.draw(mutated(_seed("taxonomy.toml"))), files.load)


@FUZZ
@given(st.data())
def test_fuzzed_json_city(data: st.DataObject) -> None:
    _check(".json", data.draw(mutated(SMALL_CITY.encode())), files.load)


def _both_readers(path: Path) -> None:
    for reader in (io.read_columns, io.read_cases):
        reader(path)


@FUZZ
@given(st.data())
def test_fuzzed_csv_log(data: st.DataObject) -> None:
    _check(".csv", data.draw(mutated(LOG.read_bytes())), _both_readers)


@pytest.fixture(scope="module")
def log_in(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = {}
    cols = io.read_columns(LOG)
    for fmt in ("jsonl", "parquet"):
        path = tmp_path_factory.mktemp("seed") / f"log.{fmt}"
        io.write_columns(path, cols)
        out[fmt] = path.read_bytes()
    return out


@FUZZ
@given(st.data())
def test_fuzzed_jsonl_log(log_in: dict[str, bytes], data: st.DataObject) -> None:
    _check(".jsonl", data.draw(mutated(log_in["jsonl"])), _both_readers)


@fewer(40)
@given(st.data())
def test_fuzzed_parquet_log(log_in: dict[str, bytes], data: st.DataObject) -> None:
    pytest.importorskip("pyarrow")
    _check(".parquet", data.draw(mutated(log_in["parquet"])), _both_readers)


@fewer(40)
@given(st.data())
def test_fuzzed_standard(data: st.DataObject) -> None:
    _check(".toml", data.draw(mutated(_seed("standards/digital_city_management.toml"))),
           files.load)  # fmt: skip


@fewer(40)
@given(st.data())
def test_fuzzed_findings(data: st.DataObject) -> None:
    seed = (FIXTURES / "findings" / "may_2024.toml").read_bytes()
    _check(".toml", data.draw(mutated(seed)), files.load)


@fewer(40)
@given(st.data())
def test_fuzzed_rule_cases(data: st.DataObject) -> None:
    seed = (FIXTURES / "rule_cases" / "governance.rules.toml").read_bytes()
    _check(".toml", data.draw(mutated(seed)), files.load)


@fewer(40)
@given(st.data())
def test_fuzzed_assessment_rule_cases(data: st.DataObject) -> None:
    _check(".toml", data.draw(mutated(ASSESSMENT_CASES)), files.load)
