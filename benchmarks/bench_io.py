"""Case logs: reading a 1,000,000-event CSV log into ``CaseColumns``.

Target: ``io.read_columns`` on a 1,000,000-event CSV log ≤ 5 s. Peer, on the
same file in the same run: pandas ``read_csv`` (every column as text — it only splits the
file), and pandas ``read_csv`` plus ``to_datetime(..., utc=True)`` of the time column
(still short of urbangov's work: no codes, no checks). Also shown: writing the log, and
reading the same log as JSON Lines and Parquet. Every reader reads the same file,
warmed by one untimed call, median of the same repeats; pandas' instants are checked
against the log's. ``--tiny``: about 10,000 events, and the target is not judged.

The log is ``io.example_log`` (a seeded synthetic mix of closed, open, extended,
reworked, suspended, sent-back, rejected and voided cases, about 5.3 events a case, some
notes quoted because they hold commas).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._harness import fmt_time, print_table, target, warm_median
from urbangov import io, sim

TARGET_S = 5.0
EVENTS_PER_CASE = 5.34  # the example log's mix


def main(tiny: bool) -> None:
    """Write the example log, then time urbangov's readers and pandas on it."""
    n_events = 10_000 if tiny else 1_000_000
    repeat = 3
    cols = sim.example_log(round(n_events / EVENTS_PER_CASE), seed=2024)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {fmt: Path(tmp) / f"log.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
        write_s = warm_median(lambda: io.write_columns(paths["csv"], cols), repeat=repeat)
        io.write_columns(paths["jsonl"], cols)
        io.write_columns(paths["parquet"], cols)
        size_mb = paths["csv"].stat().st_size / 2**20

        def plain() -> pd.DataFrame:
            return pd.read_csv(paths["csv"], dtype=str, keep_default_na=False)

        def pandas_times() -> pd.Series:
            return pd.to_datetime(plain()["at"], format="ISO8601", utc=True)

        # the same answers: urbangov reads back what it wrote, and pandas' times are the
        # log's instants (report rows and events alike)
        assert io.read_columns(paths["csv"]) == cols
        assert io.read_columns(paths["jsonl"]) == cols
        assert io.read_columns(paths["parquet"]) == cols
        instants = np.concatenate([cols.reported_at, cols.at]).astype("datetime64[ns]")
        theirs = pandas_times().dt.tz_convert(None).to_numpy().astype("datetime64[ns]")
        assert np.array_equal(np.sort(theirs), np.sort(instants))
        # every reader warmed by one untimed call, then the median of the same repeats
        ours = warm_median(lambda: io.read_columns(paths["csv"]), repeat=repeat)
        t_plain = warm_median(plain, repeat=repeat)
        with_times = warm_median(pandas_times, repeat=repeat)
        jsonl = warm_median(lambda: io.read_columns(paths["jsonl"]), repeat=repeat)
        parquet = warm_median(lambda: io.read_columns(paths["parquet"]), repeat=repeat)
    rows = [
        (
            "urbangov read_columns (CSV)",
            fmt_time(ours),
            "1.00",
            *target(ours, TARGET_S, f"≤ {TARGET_S:.0f} s", tiny=tiny),
        ),
        ("pandas read_csv (text only)", fmt_time(t_plain), f"{ours / t_plain:.2f}", "", ""),
        (
            "pandas read_csv + to_datetime (same instants)",
            fmt_time(with_times),
            f"{ours / with_times:.2f}",
            "",
            "",
        ),
        ("urbangov read_columns (JSON Lines)", fmt_time(jsonl), "", "", ""),
        ("urbangov read_columns (Parquet)", fmt_time(parquet), "", "", ""),
        ("urbangov write_columns (CSV)", fmt_time(write_s), "", "", ""),
    ]
    print_table(
        f"case log, {cols.n_events:,} events of {cols.n_cases:,} cases, CSV {size_mb:.1f} MiB "
        f"(target: read ≤ {TARGET_S:.0f} s at 1,000,000 events; ratio = urbangov / peer)",
        ("what", "median", "urbangov / this", "target", "verdict"),
        rows,
    )
