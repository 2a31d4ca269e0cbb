"""Working time: urbangov against pandas ``CustomBusinessHour`` and ``numpy.busday_offset``.

Measured in the same run, on the same random deadlines (starts 2005–2025, Shanghai),
every side warmed by one untimed call and timed as the median of the same repeats:

- scalar ``WorkCalendar.add`` of a working-hour limit, per call, for stdlib, UTC and
  pendulum inputs (target ≤ 5 µs median), against the exact path on every input;
- ``add_batch`` of 1,000,000 working-hour deadlines (target ≤ 0.2 s), and pandas
  ``CustomBusinessHour`` with the same holidays and windows on a sample, against
  ``add_batch`` of that same sample (target ≥ 400× faster per deadline);
- ``add_batch`` of working-day deadlines against ``numpy.busday_offset`` with the same
  holidays and a Monday–Friday weekmask (target within 2× of numpy);
- how many sampled deadlines pandas and numpy get wrong (every one compared): neither
  can express a make-up workday (调休上班) on a weekend;
- peak memory of a batch against the size of its inputs (target ~3×).

Targets are judged at full size only.
"""

from __future__ import annotations

import tracemalloc
import warnings
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from benchmarks._harness import (
    fmt_time,
    per_call_median,
    print_table,
    target,
    warm_median,
    warm_per_call,
)
from urbangov.calendar import TimeLimit, WorkCalendar, WorkSchedule

SH = ZoneInfo("Asia/Shanghai")
WINDOWS = [("09:00", "12:00"), ("13:30", "18:00")]
CAL = WorkCalendar.china(schedule=WorkSchedule.daily(WINDOWS))
EIGHT_H = np.timedelta64(8, "h")


def _starts(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.datetime64("2005-01-01T00:00", "ns")
    seconds = rng.integers(0, 20 * 365 * 86400, n)
    return base + (seconds * 60 // 60).astype("timedelta64[s]").astype("timedelta64[ns]")


def _holidays() -> list[np.datetime64]:
    return [np.datetime64(d.isoformat()) for d in CAL.holidays]


def _makeup_days() -> np.ndarray:
    return np.array([d.isoformat() for d in CAL.workdays], dtype="datetime64[D]")


def bench_scalar(n: int, tiny: bool) -> list[list[object]]:
    rng = np.random.default_rng(1)
    starts = [
        datetime(2005, 1, 1, tzinfo=SH) + timedelta(minutes=int(m))
        for m in rng.integers(0, 20 * 365 * 1440, n)
    ]
    limits = [TimeLimit.working_hours(int(h)) for h in rng.integers(1, 40, n)]
    pairs = list(zip(starts, limits, strict=True))
    rows = []
    inputs: dict[str, list[tuple[datetime, TimeLimit]]] = {
        "stdlib, Asia/Shanghai": pairs,
        "stdlib, UTC": [(s.astimezone(UTC), lim) for s, lim in pairs],
    }
    try:
        import pendulum

        inputs["pendulum, Europe/London"] = [
            (pendulum.instance(s).in_timezone("Europe/London"), lim) for s, lim in pairs
        ]
    except ImportError:  # pragma: no cover - pendulum is a core dependency
        pass
    # The hot path must earn its place (calendar._fast): the same calls on the exact path.
    exact = CAL._add_exact
    for name, data in inputs.items():
        assert all(CAL.add(s, lim) == exact(s, lim) for s, lim in data)  # every input
        t = warm_per_call(CAL.add, data, star=True)
        t_exact = warm_per_call(exact, data, star=True)
        rows.append([f"add(), {name}", fmt_time(t), "", *target(t, 5e-6, "≤ 5 µs", tiny=tiny)])
        rows.append(
            [
                "  exact path (URBANGOV_FAST_PATH=0)",
                fmt_time(t_exact),
                f"{t_exact / t:.1f}× hot",
                "",
                "",
            ]
        )
    # This machine's speed, for reading the figures above: add() does one aware
    # subtraction (to read the start) and one fromtimestamp (to build the result).
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    sub = per_call_median(lambda s: s - epoch, starts)
    build = per_call_median(lambda s: datetime.fromtimestamp(1727686800, SH), starts)
    rows.append(["(calibration: aware datetime subtraction)", fmt_time(sub), "", "", ""])
    rows.append(["(calibration: datetime.fromtimestamp(x, tz))", fmt_time(build), "", "", ""])
    return rows


def bench_working_hours(
    n: int, sample: int, tiny: bool
) -> tuple[list[list[object]], list[list[object]]]:
    import pandas as pd

    starts = _starts(n, 2)
    hours = np.random.default_rng(3).integers(1, 40, n)
    minutes = hours * 60
    repeat = 3
    ours = warm_median(lambda: CAL.add_batch(starts, minutes), repeat=repeat)
    due = CAL.add_batch(starts, minutes)
    some, some_minutes = starts[:sample], minutes[:sample]
    ours_sample = warm_median(lambda: CAL.add_batch(some, some_minutes), repeat=repeat)

    # pandas: wall-clock Shanghai times, the same windows and holidays, Monday–Friday.
    offsets = {
        int(h): pd.offsets.CustomBusinessHour(
            n=int(h),
            start=[a for a, _ in WINDOWS],
            end=[b for _, b in WINDOWS],
            holidays=_holidays(),
            weekmask="Mon Tue Wed Thu Fri",
        )
        for h in np.unique(hours[:sample])
    }
    local = pd.to_datetime(starts[:sample] + EIGHT_H)

    def run_pandas() -> list[pd.Timestamp]:
        return [ts + offsets[int(h)] for ts, h in zip(local, hours[:sample], strict=True)]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = warm_median(run_pandas, repeat=repeat)
        pandas_due = np.array(run_pandas(), dtype="datetime64[ns]") - EIGHT_H
    per_ours, per_pandas = ours_sample / sample, theirs / sample
    # pandas moves a due time that ends at a close to the next opening (urbangov: the
    # close, the calendar's convention); count only due times with different working time.
    wrong = CAL.between_batch(due[:sample], pandas_due) != np.timedelta64(0)
    makeup = _makeup_days()
    spans_makeup = _spans(starts[:sample], due[:sample], makeup)
    speed = [
        [
            f"add_batch, {n:,} working-hour deadlines",
            fmt_time(ours),
            "",
            *target(ours, 0.2, "≤ 0.2 s", tiny=tiny),
        ],
        [f"add_batch, the {sample:,} sampled", f"{fmt_time(per_ours)}/deadline", "", "", ""],
        [
            f"pandas CustomBusinessHour, the same {sample:,}",
            f"{fmt_time(per_pandas)}/deadline",
            f"urbangov {per_pandas / per_ours:,.0f}× faster",
            *target(per_pandas / per_ours, 400, "≥ 400×", tiny=tiny, at_least=True),
        ],
    ]
    errors = [
        [
            "pandas CustomBusinessHour",
            f"{int(wrong.sum())} of {sample:,}",
            f"{int((wrong & spans_makeup).sum())} of {int(spans_makeup.sum())} "
            "crossing a make-up day",
        ]
    ]
    return speed, errors


def bench_working_days(n: int, tiny: bool) -> tuple[list[list[object]], list[list[object]]]:
    starts = _starts(n, 4)
    days = np.random.default_rng(5).integers(1, 20, n)
    ours = warm_median(lambda: CAL.add_batch(starts, days, unit="working_days"), repeat=3)
    due = CAL.add_batch(starts, days, unit="working_days")
    holidays = np.array(_holidays(), dtype="datetime64[D]")
    calendar = np.busdaycalendar(weekmask="1111100", holidays=holidays)
    close = np.timedelta64(18 * 60, "m")

    def run_numpy() -> np.ndarray:
        local_day = (starts + EIGHT_H).astype("datetime64[D]")
        due_day = np.busday_offset(local_day, days, roll="backward", busdaycal=calendar)
        return due_day.astype("datetime64[ns]") + close - EIGHT_H

    theirs = warm_median(run_numpy, repeat=3)
    wrong = run_numpy() != due
    spans_makeup = _spans(starts, due, _makeup_days())
    speed = [
        [f"add_batch, {n:,} working-day deadlines", fmt_time(ours), "", "", ""],
        [
            "numpy.busday_offset, same deadlines",
            fmt_time(theirs),
            f"urbangov/numpy = {ours / theirs:.2f}",
            *target(ours / theirs, 2.0, "≤ 2", tiny=tiny),
        ],
    ]
    errors = [
        [
            "numpy.busday_offset",
            f"{int(wrong.sum()):,} of {n:,}",
            f"{int((wrong & spans_makeup).sum()):,} of {int(spans_makeup.sum()):,} "
            "crossing a make-up day",
        ]
    ]
    return speed, errors


def _spans(starts: np.ndarray, due: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Whether each [start, due] (local dates) contains one of ``days``."""
    a = (starts + EIGHT_H).astype("datetime64[D]")
    b = (due + EIGHT_H).astype("datetime64[D]")
    lo = np.searchsorted(days, a, side="left")
    hi = np.searchsorted(days, b, side="right")
    out: np.ndarray = hi > lo
    return out


def bench_memory(n: int, tiny: bool) -> list[list[object]]:
    starts = _starts(n, 6)
    minutes = np.random.default_rng(7).integers(0, 2400, n)
    inputs = starts.nbytes + minutes.nbytes
    tracemalloc.start()
    CAL.add_batch(starts, minutes)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    ratio = peak / inputs
    return [
        [
            f"add_batch peak memory, {n:,} rows",
            f"{peak / 2**20:,.0f} MiB",
            f"{ratio:.2f}× inputs",
            *target(ratio, 3.0, "≤ 3×", tiny=tiny),
        ]
    ]


def main(tiny: bool) -> None:
    n = 5_000 if tiny else 1_000_000
    sample = 500 if tiny else 2_000
    scalar_n = 1_000 if tiny else 20_000
    memory_n = 20_000 if tiny else 10_000_000
    rows = bench_scalar(scalar_n, tiny)
    hours_speed, hours_errors = bench_working_hours(n, sample, tiny)
    days_speed, days_errors = bench_working_days(n, tiny)
    rows += hours_speed + days_speed + bench_memory(memory_n, tiny)
    print_table(
        "working time (09:00-12:00, 13:30-18:00, Asia/Shanghai)",
        ["measure", "time", "ratio", "target", "verdict"],
        rows,
    )
    print()
    print_table(
        "deadlines the peers get wrong (no make-up workdays, 调休上班)",
        ["peer", "wrong", "of which"],
        hours_errors + days_errors,
    )
