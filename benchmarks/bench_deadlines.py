"""Deadlines at scale: due times of 1,000,000 columnar cases with suspensions and extensions.

Target (judged at full size only): ``due_at_batch`` for 1,000,000 cases with pauses
≤ 1 s. Also shown: ``overdue_batch`` and ``warning_levels_batch`` on the same cases,
and the scalar ``due_at`` per case (the reference the batch path equals: checked on a
sample, then timed on it, warmed like the batch) with the ratio.

The synthetic log: every case is accepted, filed and dispatched within 2024–2025 office
hours; 20% are suspended (缓办) and resumed, 10% get an extension (延期), half are
handled; categories cycle over the cited table's working-hours, working-days and
calendar-hours limits.
"""

from __future__ import annotations

import datetime as dt
import time

import numpy as np

from benchmarks._harness import fmt_time, print_table, target, warm_median, warm_per_call
from urbangov.calendar import TimeUnit, WorkCalendar
from urbangov.cases import CaseColumns, EventKind
from urbangov.deadlines import (
    DeadlineRules,
    due_at,
    due_at_batch,
    overdue_batch,
    warning_levels_batch,
)

SEC = 1_000_000_000
CATEGORIES = (
    "exposed_garbage",
    "dirty_road",
    "accumulated_waste",
    "sewage_manhole_cover",
    "green_space",
    "illegal_small_ads",
)


def make_columns(n: int, seed: int = 0) -> CaseColumns:
    """``n`` synthetic cases as columns (built directly, as ``urbangov.io`` would)."""
    rng = np.random.default_rng(seed)
    day = rng.integers(0, 700, n)
    minute = rng.integers(0, 9 * 60, n)  # 08:00–17:00 Shanghai = 00:00–09:00 UTC
    t0 = (
        np.datetime64("2024-01-01T00:00", "ns")
        + day.astype("timedelta64[D]")
        + minute.astype("timedelta64[m]")
    ).view(np.int64)
    suspend = rng.random(n) < 0.2
    extend = rng.random(n) < 0.1
    handle = rng.random(n) < 0.5
    hour = 3_600  # random offsets are whole seconds (× SEC), as real logs are
    per_case = 3 + 2 * suspend + extend + handle
    case = np.repeat(np.arange(n), per_case)
    m = case.size
    kind = np.empty(m, dtype=np.int8)
    at = np.empty(m, dtype=np.int64)
    ext_min = np.zeros(m, dtype=np.int64)
    ext_unit = np.full(m, -1, dtype=np.int8)
    first = np.concatenate([[0], np.cumsum(per_case)[:-1]])
    pos = first.copy()

    def put(mask: np.ndarray, k: EventKind, when: np.ndarray) -> None:
        rows = pos[mask]
        kind[rows] = k.code
        at[rows] = when[mask]
        pos[mask] += 1

    everyone = np.ones(n, dtype=np.bool_)
    put(everyone, EventKind.ACCEPT, t0)
    put(everyone, EventKind.FILE, t0 + rng.integers(0, hour, n) * SEC)
    dispatch = t0 + hour * SEC
    put(everyone, EventKind.DISPATCH, dispatch)
    s_at = dispatch + rng.integers(0, 20 * hour, n) * SEC
    put(suspend, EventKind.SUSPEND, s_at)
    r_at = s_at + rng.integers(1, 48 * hour, n) * SEC
    put(suspend, EventKind.RESUME, r_at)
    last = np.where(suspend, r_at, dispatch)
    e_at = last + rng.integers(0, 5 * hour, n) * SEC
    ext_rows = pos[extend]
    put(extend, EventKind.EXTEND, e_at)
    ext_min[ext_rows] = 120
    ext_unit[ext_rows] = CaseColumns.UNITS.index(TimeUnit.WORKING_HOURS)
    last = np.where(extend, e_at, last)
    put(handle, EventKind.HANDLE, last + rng.integers(0, 30 * hour, n) * SEC)
    categories = tuple(sorted(CATEGORIES))
    return CaseColumns(
        ids=tuple(f"C{i}" for i in range(n)),
        category=np.arange(n) % len(categories),
        categories=categories,
        grid=np.zeros(n, dtype=np.int32),
        grids=("320102001001001",),
        urgency=rng.integers(0, 2, n),
        source=np.zeros(n, dtype=np.int8),
        zone=rng.integers(-1, 4, n),
        reported_at=t0.view("datetime64[ns]"),
        case=case,
        kind=kind,
        at=at.view("datetime64[ns]"),
        extension_min=ext_min,
        extension_unit=ext_unit,
        event_department=np.where(kind == EventKind.DISPATCH.code, 0, -1).astype(np.int32),
        departments=("sanitation",),
        actor=np.full(m, -1, dtype=np.int32),
        actors=(),
        outcome=np.full(m, -1, dtype=np.int8),
        note=np.full(m, -1, dtype=np.int32),
        notes=(),
        segment=np.full(n, -1, dtype=np.int32),
        segments=(),
    )


NAT = np.iinfo(np.int64).min


def _ns(value: dt.datetime | None) -> int:
    """Nanoseconds since the epoch, UTC (``NaT``'s integer for ``None``)."""
    if value is None:
        return NAT
    utc = value.astimezone(dt.UTC).replace(tzinfo=None)
    return int(np.datetime64(utc, "ns").view(np.int64))


def main(tiny: bool) -> None:
    n = 5_000 if tiny else 1_000_000
    cal = WorkCalendar.china()
    rules = DeadlineRules()
    built = time.perf_counter()
    cols = make_columns(n)
    built = time.perf_counter() - built
    at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    repeat = 5 if tiny else 3
    # each function warmed by one untimed call (the calendar's clock is built there)
    t_due = warm_median(lambda: due_at_batch(cols, rules, cal), repeat=repeat)
    t_over = warm_median(lambda: overdue_batch(cols, rules, cal, at), repeat=repeat)
    t_warn = warm_median(lambda: warning_levels_batch(cols, rules, cal, at), repeat=repeat)
    # the scalar reference on a sample: the same answers, then its time per case
    sample = make_columns(300)
    scalar_cases = list(sample.to_cases())
    batch = due_at_batch(sample, rules, cal).view(np.int64).tolist()
    for c, got in zip(scalar_cases, batch, strict=True):
        due = due_at(c, rules, cal)
        assert got == _ns(due), c.id
    per_case = warm_per_call(lambda c: due_at(c, rules, cal), scalar_cases)
    rows = [
        ("build columns (setup)", fmt_time(built), "", "", ""),
        ("due_at_batch", fmt_time(t_due), "", *target(t_due, 1.0, "≤ 1 s", tiny=tiny)),
        ("overdue_batch", fmt_time(t_over), "", "", ""),
        ("warning_levels_batch", fmt_time(t_warn), "", "", ""),
        (
            "scalar due_at × n (extrapolated; same due times)",
            fmt_time(per_case * n),
            f"{per_case * n / t_due:.0f}× the batch",
            "",
            "",
        ),
    ]
    print_table(
        f"deadlines: {n:,} cases (20% suspended, 10% extended)",
        ["what", "time", "ratio", "target", "verdict"],
        rows,
    )
