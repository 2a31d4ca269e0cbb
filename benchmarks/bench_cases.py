"""The case workflow at scale: ``cases.apply`` one event at a time, and the columnar check.

Targets (judged at full size only, as rates): applying 1,000,000 events through
``apply`` ≤ 10 s (≥ 100,000 events/s); validating 10,000,000 columnar events
(``CaseColumns.invalid``) ≤ 5 s (≥ 2,000,000 events/s). No peer is named: figures are
printed as events per second (warmed, median of 3), with the derived per-case fields and
the conversion from ``Case`` values for scale.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import attrs
import numpy as np

from benchmarks._harness import fmt_time, print_table, rss_bytes, target, warm_median
from urbangov.calendar import TimeLimit
from urbangov.cases import Case, CaseColumns, CaseEvent, EventKind, Status, apply

T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PATH = (
    "accept",
    "file",
    "dispatch",
    "extend",
    "handle",
    "verify_fail",
    "handle",
    "verify_pass",
    "close",
)


def _events() -> tuple[CaseEvent, ...]:
    out = []
    for i, kind in enumerate(PATH):
        extra: dict[str, object] = {}
        if kind == "dispatch":
            extra["department"] = "sanitation_station"
        if kind == "extend":
            extra["extension"] = TimeLimit.working_days(3)
        out.append(CaseEvent(kind, T0 + dt.timedelta(hours=i), **extra))  # type: ignore[arg-type]
    return tuple(out)


def bench_apply(n_events: int, repeat: int) -> tuple[float, int]:
    """Apply ``n_events`` events (whole 9-event lives of cases); seconds (warmed, median
    of ``repeat``) and events."""
    events = _events()
    n_cases = n_events // len(events)
    fresh = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=T0)

    def run() -> Case:
        for _ in range(n_cases):
            case = fresh
            for event in events:
                case = apply(case, event)
        return case

    assert run().status is Status.CLOSED
    return warm_median(run, repeat=repeat), n_cases * len(events)


def synthetic_columns(n_events: int) -> CaseColumns:
    """``n_events`` valid events: cases each living the 9-event path, built with numpy."""
    per = len(PATH)
    n_cases = n_events // per
    m = n_cases * per
    kinds = np.array([EventKind(k).code for k in PATH], dtype=np.int8)
    offsets = np.arange(per, dtype=np.int64) * 3_600_000_000_000  # one hour apart, in ns
    base = np.datetime64("2024-05-06T01:00:00", "ns").astype(np.int64)
    reported = base + np.arange(n_cases, dtype=np.int64) * 60_000_000_000
    case = np.repeat(np.arange(n_cases, dtype=np.int64), per)
    at = (np.repeat(reported, per) + np.tile(offsets, n_cases)).view("datetime64[ns]")
    kind = np.tile(kinds, n_cases)
    dispatch = kind == EventKind.DISPATCH.code
    extend = kind == EventKind.EXTEND.code
    return CaseColumns(
        ids=tuple(f"C{i}" for i in range(n_cases)),
        category=np.zeros(n_cases, dtype=np.int32),
        categories=("exposed_garbage",),
        grid=np.zeros(n_cases, dtype=np.int32),
        grids=("320102001001001",),
        urgency=np.zeros(n_cases, dtype=np.int8),
        source=np.zeros(n_cases, dtype=np.int8),
        zone=np.full(n_cases, -1, dtype=np.int8),
        reported_at=reported.view("datetime64[ns]"),
        segment=np.full(n_cases, -1, dtype=np.int32),
        segments=(),
        case=case,
        kind=kind,
        at=at,
        extension_min=np.where(extend, 3, 0).astype(np.int64),
        extension_unit=np.where(
            extend, CaseColumns.UNITS.index(TimeLimit.working_days(1).unit), -1
        ).astype(np.int8),
        event_department=np.where(dispatch, 0, -1).astype(np.int32),
        departments=("sanitation_station",),
        actor=np.full(m, -1, dtype=np.int32),
        actors=(),
        outcome=np.full(m, -1, dtype=np.int8),
        note=np.full(m, -1, dtype=np.int32),
        notes=(),
    )


def main(tiny: bool) -> None:
    n_apply = 9_000 if tiny else 1_000_002  # whole cases of 9 events
    n_columns = 90_000 if tiny else 10_000_008
    repeat = 3

    seconds, done = bench_apply(n_apply, repeat)
    rows = [
        [
            "apply (one event at a time)",
            f"{done:,}",
            fmt_time(seconds),
            f"{done / seconds:,.0f}",
            # 10 s per 1,000,000 events
            *target(done / seconds, 100_000, "≥ 100,000/s", tiny=tiny, at_least=True),
        ]
    ]

    start = time.perf_counter()
    cols = synthetic_columns(n_columns)
    build = time.perf_counter() - start
    assert not cols.invalid().any()
    check = warm_median(cols.invalid, repeat=repeat)
    rows.append(
        [
            "CaseColumns.invalid (vectorised)",
            f"{cols.n_events:,}",
            fmt_time(check),
            f"{cols.n_events / check:,.0f}",
            # 5 s per 10,000,000 events
            *target(cols.n_events / check, 2_000_000, "≥ 2,000,000/s", tiny=tiny, at_least=True),
        ]
    )
    derived = cols.derived()
    assert int(derived.rework_count.sum()) == cols.n_cases
    derive = warm_median(cols.derived, repeat=repeat)
    rows.append(
        [
            "CaseColumns.derived",
            f"{cols.n_events:,}",
            fmt_time(derive),
            f"{cols.n_events / derive:,.0f}",
            "",
            "",
        ]
    )
    rows.append(
        [
            "CaseColumns(...) from arrays (once)",
            f"{cols.n_events:,}",
            fmt_time(build),
            f"{cols.n_events / build:,.0f}",
            "",
            "",
        ]
    )
    first_two = _events()[:2]
    fresh = Case.new("K", "暴露垃圾", "320102001001001", reported_at=T0)
    opened = apply(apply(fresh, first_two[0]), first_two[1])
    small = [attrs.evolve(opened, id=f"K{i}") for i in range(2_000 if tiny else 50_000)]
    converted = CaseColumns.from_cases(small)
    assert converted.to_cases() == tuple(small)
    conv = warm_median(lambda: CaseColumns.from_cases(small), repeat=repeat)
    rows.append(
        [
            "CaseColumns.from_cases",
            f"{converted.n_events:,}",
            fmt_time(conv),
            f"{converted.n_events / conv:,.0f}",
            "",
            "",
        ]
    )
    print_table(
        f"cases: workflow throughput (events/second; warmed, median of {repeat})",
        ["operation", "events", "time", "events/s", "target", "verdict"],
        rows,
    )
    print(f"RSS after run: {rss_bytes() / 2**20:,.0f} MiB")
