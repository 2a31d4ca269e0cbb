"""The quick checks and shortcuts of the log readers equal the plain computations they
stand for, on any input, bad input included: a column's codes with Arrow's nulls kept
as a mask, an index that steps through its codes, a dictionary in increasing order,
one unsigned bound for a buffer of indices, timestamps cleared by their bounds, the
case index of report rows in id order, and the vectorised workflow check."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov._internal.switch import SWITCH
from urbangov.cases import CaseColumns, EventKind, Status
from urbangov.cases._states import _LOOSE, _STRICT, TARGET
from urbangov.cases._validity import invalid_mask
from urbangov.errors import CaseLogError
from urbangov.io._cells import CodedColumn, _steps_through
from urbangov.io._convert import _case_index
from urbangov.io._table import Table

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

_WORDS = st.sampled_from(["a", "b", "门", "a b", "report", "accept", "", " "])


def _plain_codes(distinct: list[str], index: np.ndarray) -> tuple[list[str], list[int]]:
    """What ``codes`` stands for: the texts used, in dictionary order, and each row's."""
    used = sorted(set(index.tolist()))
    return [distinct[k] for k in used], [used.index(k) for k in index.tolist()]


@st.composite
def coded_columns(draw: st.DrawFn) -> tuple[CodedColumn, list[str]]:
    """A :class:`CodedColumn`, with or without a validity mask, and its cells."""
    distinct = draw(st.lists(_WORDS.filter(bool), unique=True, max_size=5))
    n = draw(st.integers(0, 12))
    masked = draw(st.booleans())
    if masked:
        distinct.append("")  # a masked column's "" is last, and no index points at it
    top = len(distinct) - 1 if masked else len(distinct)
    if top == 0:
        return CodedColumn(distinct or [""], np.zeros(n, np.int32)), [""] * n
    ordered = draw(st.booleans())  # (an index that steps through its codes, sometimes)
    values = sorted(draw(st.lists(st.integers(0, top - 1), min_size=n, max_size=n)))
    if not ordered:
        values = draw(st.permutations(values))
    index = np.array(values, dtype=draw(st.sampled_from([np.int32, np.int64])))
    if not masked:
        return CodedColumn(distinct, index), [distinct[k] for k in values]
    valid = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=np.bool_)
    cells = [distinct[k] if ok else "" for k, ok in zip(values, valid.tolist(), strict=True)]
    return CodedColumn(distinct, index, valid), cells


@given(coded_columns(), st.data())
def test_a_coded_column_gives_its_cells_with_or_without_a_mask(
    found: tuple[CodedColumn, list[str]], data: st.DataObject
) -> None:
    column, cells = found
    filled_index = column._index()
    distinct, codes = column.codes()
    assert (distinct, codes.tolist()) == _plain_codes(list(column.distinct), filled_index)
    assert [distinct[c] for c in codes.tolist()] == cells
    assert [column.text(i) for i in range(len(column))] == cells
    assert column.filled().tolist() == [bool(c) for c in cells]
    rows = np.array(
        data.draw(st.lists(st.integers(0, max(len(cells) - 1, 0)), max_size=len(cells) * 2))
        if cells
        else [],
        dtype=np.int64,
    )
    taken = column.take(rows)
    assert [taken.text(i) for i in range(len(rows))] == [cells[r] for r in rows.tolist()]
    distinct, codes = taken.codes()
    assert [distinct[c] for c in codes.tolist()] == [cells[r] for r in rows.tolist()]


@given(st.lists(st.integers(0, 5), max_size=12), st.integers(1, 6), st.booleans())
def test_an_index_that_steps_through_its_codes_uses_each_of_them(
    values: list[int], size: int, ordered: bool
) -> None:
    index = np.array(sorted(values) if ordered else values, dtype=np.int32)
    index = index[index < size]
    if _steps_through(index, size):
        assert (np.bincount(index, minlength=size) > 0).all()
        assert np.all(np.diff(index) >= 0)


@given(st.lists(_WORDS | st.text(max_size=3), max_size=8), st.booleans())
def test_a_dictionary_holds_no_text_twice_as_a_set_says(texts: list[str], ordered: bool) -> None:
    from urbangov.io._arrow_codes import _distinct

    if ordered:
        texts = sorted(texts)
    assert _distinct(pc, pa.array(texts, pa.string()), texts) == (len(set(texts)) == len(texts))


@given(
    st.lists(st.integers(-(2**62), 2**62), max_size=8),
    st.sampled_from(["int8", "int16", "int32", "int64", "uint8", "uint32"]),
    st.integers(0, 200),
)
def test_one_unsigned_bound_says_whether_indices_are_inside(
    values: list[int], dtype: str, size: int
) -> None:
    from urbangov.io._arrow_codes import _inside

    info = np.iinfo(dtype)
    array = np.array([min(max(v, info.min), info.max) for v in values], dtype=dtype)
    plain = all(0 <= int(v) < size for v in array.tolist())
    assert _inside(array, size) == plain


_UNITS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
_FIRST_S = int(_dt.datetime(1678, 1, 1, tzinfo=_dt.UTC).timestamp())
_END_S = int(_dt.datetime(2262, 1, 1, tzinfo=_dt.UTC).timestamp())


@settings(max_examples=60)
@given(
    st.sampled_from(list(_UNITS)),
    st.lists(st.integers(_FIRST_S - 5, _END_S + 5) | st.none(), max_size=6),
    st.lists(st.integers(0, 999), min_size=6, max_size=6),
)
def test_timestamps_cleared_by_their_bounds_read_as_each_one_checked(
    unit: str, seconds: list[int | None], fractions: list[int]
) -> None:
    from urbangov.io._arrow import _instants

    per = _UNITS[unit]
    values = [
        None if s is None else s * (10**9 // per) + (f if per < 10**9 else 0)
        for s, f in zip(seconds, fractions, strict=False)
    ]
    column = pa.chunked_array([pa.array(values, pa.timestamp(unit, tz="UTC"))])
    found = {}
    with pytest.MonkeyPatch.context() as mp:
        for fast in ("1", "0"):
            mp.setenv(SWITCH, fast)
            got = _instants(pa, column, None)
            found[fast] = (got.ns.tolist(), got.problem.tolist())
    assert found["1"] == found["0"]


@st.composite
def case_tables(draw: st.DrawFn) -> Table:
    """A log's case id and event columns: a few cases, each with one report row (or
    none, or two) and some events, the rows in any order, the ids' dictionary in any
    order, with unused or blank ids sometimes."""
    n_cases = draw(st.integers(0, 4))
    ids = [f"C{i}" for i in range(n_cases)]
    rows: list[tuple[str, str]] = []
    for case_id in ids:
        rows += [(case_id, "report")] * draw(st.sampled_from([1, 1, 1, 0, 2]))
        rows += [(case_id, "accept")] * draw(st.integers(0, 3))
    if draw(st.booleans()):
        rows = draw(st.permutations(rows))
    if rows and draw(st.integers(0, 9)) == 0:
        i = draw(st.integers(0, len(rows) - 1))
        rows[i] = (draw(st.sampled_from(["", " ", "C9"])), rows[i][1])
    texts = sorted({r[0] for r in rows} | set(draw(st.lists(st.sampled_from(["X", "Y"])))))
    if draw(st.booleans()):
        texts = draw(st.permutations(texts))
    case_id = CodedColumn(texts, np.array([texts.index(r[0]) for r in rows], dtype=np.int32))
    events = ["report", "accept"]
    event = CodedColumn(events, np.array([events.index(r[1]) for r in rows], dtype=np.int32))
    return Table(None, {"case_id": case_id, "event": event}, len(rows), lambda row: row + 1)


def _index_or_error(table: Table) -> object:
    try:
        kind, report_rows, event_rows, ids, case_of = _case_index(table)
    except CaseLogError as exc:
        return ("error", exc.field, exc.message, exc.line)
    parts = (kind, report_rows, event_rows, case_of)
    return ("ok", list(ids), *(a.tolist() for a in parts))


@settings(max_examples=120)
@given(case_tables())
def test_the_case_index_of_report_rows_in_id_order_is_the_plain_one(table: Table) -> None:
    found = {}
    with pytest.MonkeyPatch.context() as mp:
        for fast in ("1", "0"):
            mp.setenv(SWITCH, fast)
            found[fast] = _index_or_error(table)
    assert found["1"] == found["0"]


# --------------------------------------------------------------------------- the workflow

_KINDS = tuple(EventKind)


def _plain_invalid(columns: CaseColumns, loose: bool) -> list[bool]:
    """The workflow check event by event, as ``CaseColumns.invalid`` words it."""
    table = _LOOSE if loose else _STRICT
    at = columns.at.view(np.int64).tolist()
    reported = columns.reported_at.view(np.int64).tolist()
    out = []
    for j in range(columns.n_events):
        kind = _KINDS[int(columns.kind[j])]
        first = j == 0 or columns.case[j] != columns.case[j - 1]
        status = Status.REPORTED if first else TARGET[_KINDS[int(columns.kind[j - 1])]]
        before = reported[int(columns.case[j])] if first else at[j - 1]
        ok = (
            kind in table[status]
            and at[j] >= before
            and (columns.event_department[j] >= 0) == (kind is EventKind.DISPATCH)
            and (columns.extension_unit[j] >= 0) == (kind is EventKind.EXTEND)
            and (columns.outcome[j] < 0 or kind in (EventKind.HANDLE, EventKind.CLOSE))
        )
        out.append(not ok)
    return out


@st.composite
def raw_columns(draw: st.DrawFn) -> CaseColumns:
    """Columns of any events, in any order of kinds and times (mostly invalid)."""
    n = draw(st.integers(1, 4))
    m = draw(st.integers(0, 14))

    def per_event(values: st.SearchStrategy[int]) -> list[int]:
        return draw(st.lists(values, min_size=m, max_size=m))

    case = np.sort(np.array(per_event(st.integers(0, n - 1)), dtype=np.int64))
    ints = st.integers(0, 3)
    return CaseColumns(
        ids=[f"C{i}" for i in range(n)],
        category=np.zeros(n, np.int32),
        categories=["exposed_garbage"],
        grid=np.zeros(n, np.int32),
        grids=["320102001001001"],
        urgency=np.zeros(n, np.int8),
        source=np.zeros(n, np.int8),
        zone=np.full(n, -1, np.int8),
        reported_at=np.array(draw(st.lists(ints, min_size=n, max_size=n)), "datetime64[ns]"),
        case=case,
        kind=np.array(per_event(st.integers(0, len(_KINDS) - 1)), dtype=np.int8),
        at=np.array(per_event(ints), "datetime64[ns]"),
        extension_min=np.zeros(m, np.int64),
        extension_unit=np.array(per_event(st.sampled_from([-1, -1, 0])), dtype=np.int8),
        event_department=np.array(per_event(st.sampled_from([-1, 0])), dtype=np.int32),
        departments=["street"],
        actor=np.full(m, -1, np.int32),
        actors=[],
        outcome=np.array(per_event(st.sampled_from([-1, -1, 0])), dtype=np.int8),
        note=np.full(m, -1, np.int32),
        notes=[],
        segment=np.full(n, -1, np.int32),
        segments=[],
    )


@settings(max_examples=200)
@given(raw_columns(), st.booleans())
def test_the_vectorised_workflow_check_is_the_check_event_by_event(
    columns: CaseColumns, loose: bool
) -> None:
    assert invalid_mask(columns, loose).tolist() == _plain_invalid(columns, loose)


@given(
    st.lists(st.integers(-3, 8), max_size=6),
    st.integers(0, 6),
    st.booleans(),
)
def test_codes_outside_their_lookup_are_refused_for_the_first_one(
    values: list[int], size: int, none: bool
) -> None:
    from urbangov.cases._columns import _codes_in

    low = -1 if none else 0
    bad = [i for i, v in enumerate(values) if not low <= v < size]
    if not bad:
        _codes_in(np.array(values, dtype=np.int64), size, "grid", none=none)
        return
    with pytest.raises(CaseLogError) as info:
        _codes_in(np.array(values, dtype=np.int64), size, "grid", none=none)
    assert info.value.message.startswith(f"code {values[bad[0]]} at row {bad[0]} ")
