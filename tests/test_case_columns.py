"""The columnar form of cases: round trips, the vectorised check, derived fields."""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov.calendar import TimeLimit
from urbangov.cases import (
    Case,
    CaseColumns,
    CaseEvent,
    EventKind,
    Status,
    WorkflowRules,
    apply,
)
from urbangov.errors import CaseLogError, TransitionError
from urbangov.testing import strategies as us

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SH)


def make(case_id: str, kinds: list[str], **kw: Any) -> Case:
    case = Case.new(case_id, "暴露垃圾", "320102001001001", reported_at=T0, **kw)
    for i, kind in enumerate(kinds):
        extra: dict[str, Any] = {}
        if kind == "dispatch":
            extra["department"] = f"dep_{i % 2}"
        if kind == "extend":
            extra["extension"] = TimeLimit.working_hours("1.5")
        case = apply(case, CaseEvent(kind, T0 + dt.timedelta(minutes=i), **extra))
    return case


FULL = ["accept", "file", "dispatch", "extend", "handle", "verify_fail", "handle", "verify_pass"]
CASES = (
    make("A", [*FULL, "close"]),
    make("B", ["reject"]),
    make("C", []),
    make("D", ["accept", "file", "dispatch", "send_back"], zone="严管区", segment="S9"),
    make("E", ["accept", "file", "dispatch", "suspend", "resume"], source="热线"),
)


def test_from_cases_layout() -> None:
    cols = CaseColumns.from_cases(CASES)
    assert cols.n_cases == 5
    assert cols.n_events == 9 + 1 + 0 + 4 + 5
    assert cols.case.dtype == np.int64
    assert cols.kind.dtype == np.int8
    assert cols.at.dtype == np.dtype("datetime64[ns]")
    assert cols.kind[:3].tolist() == [EventKind.ACCEPT.code, EventKind.FILE.code, 3]
    assert cols.at[0] == np.datetime64("2024-05-06T01:00:00", "ns")  # 09:00 Shanghai in UTC
    ext = cols.extension_min[cols.kind == EventKind.EXTEND.code]
    assert ext.tolist() == [90]  # 1.5 working hours
    assert cols.categories == ("exposed_garbage",)
    assert cols.ZONES[cols.zone[3]].value == "strict"
    assert cols.zone[0] == -1


def test_round_trip_to_cases() -> None:
    cols = CaseColumns.from_cases(CASES)
    assert cols.to_cases() == CASES
    assert CaseColumns.from_cases(cols.to_cases()) == cols


def test_arrays_are_read_only() -> None:
    cols = CaseColumns.from_cases(CASES)
    for name in ("case", "kind", "at", "category", "reported_at", "extension_min"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(cols, name)[0] = 0
    # and stay so after pickling
    again = pickle.loads(pickle.dumps(cols))
    assert again == cols
    with pytest.raises(ValueError, match="read-only"):
        again.kind[0] = 1


def test_columns_built_from_a_callers_arrays_do_not_change_with_them() -> None:
    cols = CaseColumns.from_cases(CASES)
    mine = np.array(cols.kind)  # a writable copy the caller keeps
    built = _with(cols, kind=mine)
    mine[:] = 0
    assert built == cols
    assert not np.shares_memory(built.kind, mine)


def test_read_only_columns_are_shared_not_copied() -> None:
    # evolving one column keeps the others' memory (no copy of a large table)
    cols = CaseColumns.from_cases(CASES)
    again = _with(cols, notes=("n",))
    assert again.at is cols.at
    assert again.case is cols.case


def test_equality_is_by_content() -> None:
    a, b = CaseColumns.from_cases(CASES), CaseColumns.from_cases(CASES)
    assert a == b
    assert a is not b
    assert a != CaseColumns.from_cases(CASES[:-1])


def test_derived_fields() -> None:
    d = CaseColumns.from_cases(CASES).derived()
    assert d.rework_count.tolist() == [1, 0, 0, 0, 0]
    assert d.extension_count.tolist() == [1, 0, 0, 0, 0]
    assert d.suspension_count.tolist() == [0, 0, 0, 0, 1]
    assert d.send_back_count.tolist() == [0, 0, 0, 1, 0]
    statuses = [Status.CLOSED, Status.REJECTED, Status.REPORTED, Status.FILED, Status.DISPATCHED]
    assert d.status.tolist() == [s.code for s in statuses]
    assert np.isnat(d.closed_at[1:]).all()
    assert d.closed_at[0] == np.datetime64("2024-05-06T01:08:00", "ns")
    assert d.dispatched_at[0] == np.datetime64("2024-05-06T01:02:00", "ns")
    assert np.isnat(d.filed_at[2])
    # D was sent back: no department holds it; E is with dep_0 (dispatched at i=2)
    cols = CaseColumns.from_cases(CASES)
    assert d.department[3] == -1
    assert cols.departments[d.department[4]] == "dep_0"


def _with(cols: CaseColumns, **changes: Any) -> CaseColumns:
    import attrs

    values = {f.name: getattr(cols, f.name) for f in attrs.fields(CaseColumns)}
    values.update(changes)
    return CaseColumns(**values)


def test_invalid_events_are_flagged_and_reported() -> None:
    cols = CaseColumns.from_cases(CASES)
    assert not cols.invalid().any()
    cols.check()  # no error
    kind = cols.kind.copy()
    kind[1] = EventKind.CLOSE.code  # case A: close right after accept
    bad = _with(cols, kind=kind)
    mask = bad.invalid()
    assert mask[1]
    assert not mask[0]
    (message,) = bad.problems()
    assert message.startswith("case A: event 1 (close) is not allowed in state accepted")
    assert "allowed: reject, file, void" in message
    with pytest.raises(TransitionError, match="1 case\\(s\\)"):
        bad.check()


def test_time_going_back_is_invalid() -> None:
    cols = CaseColumns.from_cases(CASES)
    at = cols.at.copy()
    at[2] = at[1] - np.timedelta64(1, "s")
    assert _with(cols, at=at).invalid()[2]
    early = cols.reported_at.copy()
    early[0] = at[0] + np.timedelta64(1, "s")  # reported after its first event
    assert _with(cols, reported_at=early).invalid()[0]


def test_close_without_verification_in_columns() -> None:
    case = make("A", ["accept", "file", "dispatch", "handle"])
    loose = WorkflowRules(close_without_verification=True)
    closed = apply(case, CaseEvent("close", T0 + dt.timedelta(hours=1)), loose)
    cols = CaseColumns.from_cases([closed])
    assert cols.invalid()[-1]
    assert not cols.invalid(loose).any()


def test_department_and_extension_must_fit_the_event() -> None:
    cols = CaseColumns.from_cases(CASES)
    dep = cols.event_department.copy()
    dep[0] = 0  # a department on an accept
    assert _with(cols, event_department=dep).invalid()[0]
    unit = cols.extension_unit.copy()
    unit[0] = 0  # an extension on an accept
    assert _with(cols, extension_unit=unit).invalid()[0]


def test_unsorted_events_are_grouped_by_case() -> None:
    cols = CaseColumns.from_cases(CASES)
    # whole cases in reverse order: the constructor regroups them, keeping each case's order
    starts = np.searchsorted(cols.case, np.arange(cols.n_cases + 1))
    blocks = [np.arange(starts[i], starts[i + 1]) for i in range(cols.n_cases)][::-1]
    order = np.concatenate(blocks)
    shuffled = _with(
        cols,
        **{
            name: getattr(cols, name)[order]
            for name in (
                "case",
                "kind",
                "at",
                "extension_min",
                "extension_unit",
                "event_department",
                "actor",
                "outcome",
                "note",
            )
        },
    )
    assert shuffled == cols


def test_bad_arrays_name_the_field() -> None:
    cols = CaseColumns.from_cases(CASES)
    with pytest.raises(CaseLogError) as info:
        _with(cols, kind=cols.kind[:-1])
    assert info.value.field == "kind"
    with pytest.raises(CaseLogError, match="outside") as info:
        _with(cols, category=np.full(cols.n_cases, 5))
    assert info.value.field == "category"
    with pytest.raises(CaseLogError, match="whole microsecond"):
        _with(cols, at=cols.at + np.timedelta64(1, "ns")).to_cases()


@pytest.mark.parametrize(
    "ids", [("A", "A", "C", "D", "E"), ("E", "A", "C", "A", "D"), ("A", "B", "C", "D", "B")]
)
def test_duplicate_ids_are_an_error_in_any_order(ids: tuple[str, ...]) -> None:
    cols = CaseColumns.from_cases(CASES)
    with pytest.raises(CaseLogError, match="duplicate case ids") as info:
        _with(cols, ids=ids)
    assert info.value.field == "ids"
    assert _with(cols, ids=("E", "A", "C", "B", "D")).ids == ("E", "A", "C", "B", "D")


def test_ids_must_be_text() -> None:
    cols = CaseColumns.from_cases(CASES)
    with pytest.raises(CaseLogError, match=r"case 2's id 3 is not text \(a str\)") as info:
        _with(cols, ids=("A", "B", 3, "D", "E"))
    assert info.value.field == "ids"


# ------------------------------------------------------------------ batch == scalar


def _scalar_first_invalid(case: Case, events: tuple[CaseEvent, ...]) -> int | None:
    for i, event in enumerate(events):
        try:
            case = apply(case, event)
        except TransitionError:
            return i
    return None


@settings(max_examples=40)
@given(st.lists(us.event_logs(), min_size=1, max_size=4))
def test_vectorised_check_finds_the_first_invalid_event_like_apply(
    logs: list[tuple[Case, tuple[CaseEvent, ...]]],
) -> None:
    # Build columns from raw (possibly invalid) histories by bypassing the constructor's
    # check: columns of each valid prefix, then the raw events appended.
    ids = [f"X{i}" for i in range(len(logs))]
    cases = [c for c, _ in logs]
    base = CaseColumns.from_cases(
        [Case(**{**_fields(c), "id": i, "history": ()}) for c, i in zip(cases, ids, strict=True)]
    )
    events = [(i, e) for i, (_, evs) in enumerate(logs) for e in evs]
    ev_cols = _event_columns(events, base)
    cols = _with(base, **ev_cols)
    mask = cols.invalid()
    starts = np.searchsorted(cols.case, np.arange(cols.n_cases + 1))
    for i, (case, evs) in enumerate(logs):
        first = _scalar_first_invalid(case, evs)
        case_mask = mask[starts[i] : starts[i + 1]]
        got = int(np.argmax(case_mask)) if case_mask.any() else None
        assert got == first, (i, [e.kind.value for e in evs])


def _fields(case: Case) -> dict[str, Any]:
    import attrs

    return {f.name: getattr(case, f.name) for f in attrs.fields(Case) if f.init}


def _event_columns(events: list[tuple[int, CaseEvent]], base: CaseColumns) -> dict[str, Any]:
    deps = sorted({e.department for _, e in events if e.department})
    units = list(base.UNITS)
    ns = [
        ((e.at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)) * 1000
        for _, e in events
    ]
    return {
        "case": np.array([i for i, _ in events], dtype=np.int64),
        "kind": np.array([e.kind.code for _, e in events], dtype=np.int8),
        "at": np.array(ns, dtype=np.int64).view("datetime64[ns]"),
        "extension_min": np.zeros(len(events), dtype=np.int64),
        "extension_unit": np.array(
            [-1 if e.extension is None else units.index(e.extension.unit) for _, e in events],
            dtype=np.int8,
        ),
        "event_department": np.array(
            [-1 if e.department is None else deps.index(e.department) for _, e in events],
            dtype=np.int32,
        ),
        "departments": tuple(deps),
        "actor": np.full(len(events), -1, dtype=np.int32),
        "outcome": np.array(
            [-1 if e.outcome is None else list(base.OUTCOMES).index(e.outcome) for _, e in events],
            dtype=np.int8,
        ),
        "note": np.full(len(events), -1, dtype=np.int32),
    }


@settings(max_examples=40)
@given(st.lists(us.cases(), min_size=0, max_size=4, unique_by=lambda c: c.id))
def test_columns_round_trip_and_derive_like_the_cases(cases: list[Case]) -> None:
    cols = CaseColumns.from_cases(cases)
    assert cols.to_cases() == tuple(cases)
    assert not cols.invalid().any()
    assert pickle.loads(pickle.dumps(cols)) == cols
    d = cols.derived()

    def ns(value: dt.datetime | None) -> np.datetime64:
        if value is None:
            return np.datetime64("NaT", "ns")
        return np.datetime64(value.astimezone(dt.UTC).replace(tzinfo=None), "ns")

    for i, case in enumerate(cases):
        assert d.rework_count[i] == case.rework_count
        assert d.extension_count[i] == case.extension_count
        assert d.suspension_count[i] == case.suspension_count
        assert d.send_back_count[i] == case.send_back_count
        assert tuple(Status)[d.status[i]] is case.status
        for name in ("accepted_at", "filed_at", "dispatched_at", "closed_at"):
            got, want = getattr(d, name)[i], ns(getattr(case, name))
            assert (np.isnat(got) and np.isnat(want)) or got == want, name
        dep = d.department[i]
        assert (None if dep < 0 else cols.departments[dep]) == case.department


def test_derived_columns_with_nat_equal_themselves_and_their_pickle() -> None:
    # An open case has no closed_at (NaT): NaT must compare equal to NaT here, so the
    # value equals itself and its pickle (executors rely on it).
    import pickle

    from urbangov import sim

    d = sim.example_log(5, seed=3).derived()
    assert np.isnat(d.closed_at).any()
    assert d == d
    assert pickle.loads(pickle.dumps(d)) == d
    other = sim.example_log(5, seed=4).derived()
    assert d != other
