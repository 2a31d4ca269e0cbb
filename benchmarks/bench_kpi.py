"""KPI batch counts: 10,000,000 case rows grouped by 1,000 units, one month.

Target (judged at full size only): ``kpi.counts_from_columns`` ≤ 3 s on 2 cores, and
faster than the obvious pandas ``groupby().sum()`` over the same columns (indicator
columns built with pandas comparisons, then summed per unit) — both measured in this
run on the same inputs, both warmed, median of the same repeats, ratio printed, and
every count of every unit compared.
Also shown: the same counts per unit *and* week (``period="week"``), and the share of the
time spent deriving the per-case instants from an event log (``CaseTimes.from_columns``)
on a tenth of the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from benchmarks._harness import (
    fmt_time,
    median_seconds,
    print_table,
    rss_bytes,
    target,
    warm_median,
)
from urbangov.cases import CaseColumns, EventKind
from urbangov.kpi import FIELDS, CaseTimes, counts_from_columns

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 5, 1, tzinfo=SH)
END = dt.datetime(2024, 6, 1, tzinfo=SH)
NAT = np.iinfo(np.int64).min
HOUR = 3_600 * 10**9
DAY = 24 * HOUR


def _ns(value: dt.datetime) -> int:
    return int(np.datetime64(value.astimezone(dt.UTC).replace(tzinfo=None), "ns").view(np.int64))


def make_columns(n: int, units: int, seed: int = 9) -> dict[str, Any]:
    """Per-case instants (int64 ns, NaT: never) and a unit code, spread over ~6 weeks."""
    rng = np.random.default_rng(seed)
    base = _ns(START) - 7 * DAY
    accepted = base + rng.integers(0, 45 * DAY, n)
    filed = np.where(rng.random(n) < 0.99, accepted + rng.integers(0, 2 * HOUR, n), NAT)
    dispatched = np.where(
        (filed != NAT) & (rng.random(n) < 0.97), filed + rng.integers(0, 4 * HOUR, n), NAT
    )
    has = dispatched != NAT
    due = np.where(has, dispatched + rng.integers(HOUR, 5 * DAY, n), NAT)
    closed = np.where(has & (rng.random(n) < 0.9), dispatched + rng.integers(HOUR, 7 * DAY, n), NAT)
    voided = np.where((filed != NAT) & ~has & (rng.random(n) < 0.5), filed + HOUR, NAT)

    def some(p: float, after: Any) -> Any:
        return np.where(has & (rng.random(n) < p), after + rng.integers(0, DAY, n), NAT)

    return {
        "unit": rng.integers(0, units, n).astype(np.int64),
        "accepted_at": accepted,
        "filed_at": filed,
        "dispatched_at": dispatched,
        "voided_at": voided,
        "closed_at": closed,
        "reworked_at": some(0.01, dispatched),
        "extended_at": some(0.005, dispatched),
        "suspended_at": some(0.002, dispatched),
        "due": due,
    }


def case_times(cols: dict[str, Any], units: int) -> CaseTimes:
    names = [f"G{u:04d}" for u in range(units)]
    instants = {k: v.view("datetime64[ns]") for k, v in cols.items() if k.endswith("_at")}
    # the handling clock stops at the handle event: here handled when closed (so on time
    # is closed by the deadline, as the pandas peer counts it)
    handled = np.flatnonzero(cols["closed_at"] != NAT)
    return CaseTimes(
        **instants,
        groups={"grid": (cols["unit"], names)},
        stop_case=handled,
        stop_at=cols["closed_at"][handled].view("datetime64[ns]"),
        stop_kind=np.zeros(handled.size, dtype=np.int8),
    )


def pandas_counts(df: pd.DataFrame) -> pd.DataFrame:
    """The obvious pandas way: boolean indicator columns, then groupby().sum()."""
    s, e = pd.Timestamp(START), pd.Timestamp(END)

    def within(col: str) -> pd.Series:
        return (df[col] >= s) & (df[col] < e)

    due = within("due")
    on_time = due & (df["closed_at"] <= df["due"])
    ind = pd.DataFrame(
        {
            "unit": df["unit"],
            "received": within("accepted_at"),
            "filed": within("filed_at"),
            "dispatched": within("dispatched_at"),
            "voided": within("voided_at"),
            "due": due,
            "closed": due & (df["closed_at"] < e),
            "closed_on_time": on_time,
            "reworked": due & (df["reworked_at"] < e),
            "extended": due & (df["extended_at"] < e),
            "suspended": due & (df["suspended_at"] < e),
            "overdue": due & ~on_time,
        }
    )
    return ind.groupby("unit").sum()


def event_log(cols: dict[str, Any], n: int) -> CaseColumns:
    """The first ``n`` cases as an event log (accept, file, dispatch, close)."""
    kinds = (EventKind.ACCEPT, EventKind.FILE, EventKind.DISPATCH, EventKind.CLOSE)
    names = ("accepted_at", "filed_at", "dispatched_at", "closed_at")
    case_parts, kind_parts, at_parts = [], [], []
    for kind, name in zip(kinds, names, strict=True):
        t = cols[name][:n]
        rows = np.flatnonzero(t != NAT)
        case_parts.append(rows)
        kind_parts.append(np.full(rows.size, kind.code, dtype=np.int8))
        at_parts.append(t[rows])
    case = np.concatenate(case_parts)
    order = np.lexsort((np.concatenate(at_parts), case))
    m = case.size
    dep = np.where(np.concatenate(kind_parts) == EventKind.DISPATCH.code, 0, -1)
    return CaseColumns(
        ids=[f"C{i}" for i in range(n)],
        category=np.zeros(n),
        categories=("exposed_garbage",),
        grid=cols["unit"][:n],
        grids=[f"G{u:04d}" for u in range(int(cols["unit"][:n].max()) + 1)],
        urgency=np.zeros(n),
        source=np.zeros(n),
        zone=np.full(n, -1),
        reported_at=cols["accepted_at"][:n].view("datetime64[ns]"),
        case=case[order],
        kind=np.concatenate(kind_parts)[order],
        at=np.concatenate(at_parts)[order].view("datetime64[ns]"),
        extension_min=np.zeros(m),
        extension_unit=np.full(m, -1),
        event_department=dep[order],
        departments=("sanitation",),
        actor=np.full(m, -1),
        actors=(),
        outcome=np.full(m, -1),
        note=np.full(m, -1),
        notes=(),
        segment=np.full(n, -1),
        segments=(),
    )


def main(tiny: bool) -> None:
    n = 10_000 if tiny else 10_000_000
    units = 100 if tiny else 1_000
    repeat = 5 if tiny else 3
    cols = make_columns(n, units)
    times = case_times(cols, units)
    due = cols["due"].view("datetime64[ns]")

    def ours() -> Any:
        return counts_from_columns(times, by="grid", start=START, end=END, due=due)

    def ours_weekly() -> Any:
        return counts_from_columns(times, by="grid", period="week", due=due)

    frame = pd.DataFrame(
        {k: (v if k == "unit" else v.view("datetime64[ns]")) for k, v in cols.items()}
    )
    for k in frame.columns:
        if k != "unit":
            frame[k] = frame[k].dt.tz_localize("UTC")

    # every count of every unit compared (these calls also warm both sides alike)
    table = ours()
    theirs = pandas_counts(frame).reindex(range(units), fill_value=0)
    mine = np.array([[table.get(f"G{u:04d}").as_dict()[f] for f in FIELDS] for u in range(units)])
    same = bool(np.array_equal(mine, theirs[list(FIELDS)].to_numpy()))
    assert same, "urbangov and pandas count differently"
    t_ours = median_seconds(ours, repeat=repeat)
    t_pandas = median_seconds(lambda: pandas_counts(frame), repeat=repeat)
    t_weekly = warm_median(ours_weekly, repeat=repeat)
    small = n // 10
    log = event_log(cols, small)
    t_derive = warm_median(lambda: CaseTimes.from_columns(log), repeat=repeat)
    rows = [
        (
            f"counts_from_columns, {n:,} cases × {units:,} units, one month",
            fmt_time(t_ours),
            *target(t_ours, 3.0, "≤ 3 s", tiny=tiny),
        ),
        (
            "pandas indicator columns + groupby().sum() (same counts)",
            fmt_time(t_pandas),
            "",
            "",
        ),
        (
            "ratio pandas / urbangov (> 1: urbangov faster)",
            f"{t_pandas / t_ours:.1f}×",
            *target(t_pandas / t_ours, 1.0, "> 1", tiny=tiny, at_least=True),
        ),
        ("counts_from_columns by unit × week", fmt_time(t_weekly), "", ""),
        (
            f"CaseTimes.from_columns, {small:,} cases ({log.n_events:,} events)",
            fmt_time(t_derive),
            "",
            "",
        ),
        (
            f"same counts as pandas (all {units:,} units, {len(FIELDS)} counts)",
            str(same),
            "True",
            "ok" if same else "DIFFERENT",
        ),
        ("resident memory after the run", f"{rss_bytes() / 2**30:.2f} GiB", "", ""),
    ]
    print_table(
        f"KPI batch counts (same inputs, both warmed, median of {repeat})",
        ["measure", "value", "target", "verdict"],
        rows,
    )
