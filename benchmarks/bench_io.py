"""Case logs: reading a 1,000,000-event log into ``CaseColumns`` from CSV, JSON Lines and
Parquet, against the peers that read the same file in the same run.

Targets at 1,000,000 events: ``io.read_columns`` ≤ 5 s from CSV, ≤ 0.3 s from Parquet,
≤ 3 s from JSON Lines. Peers, on the same files: pandas ``read_csv`` (every column as
text — it only splits the file) and with ``to_datetime(..., utc=True)`` of the time
column; ``pyarrow.parquet.read_table`` and ``pandas.read_parquet``; ``pyarrow.json.
read_json`` and ``pandas.read_json(lines=True)``. The peers only decode: none resolves
codes or checks a row, so a ratio above 1 is the price of urbangov's checks. Also shown:
``io.to_arrow`` / ``io.from_arrow`` and writing. ``--tiny``: about 10,000 events.

The log is ``sim.example_log`` (a seeded synthetic mix of closed, open, extended,
reworked, suspended, sent-back, rejected and voided cases, about 5.3 events a case, some
notes quoted because they hold commas).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.json as pj
import pyarrow.parquet as pq

from benchmarks._harness import (
    fmt_time,
    median_wall_and_cpu,
    print_table,
    target,
    warm_median,
)
from urbangov import io, sim

TARGETS_S = {"csv": 5.0, "parquet": 0.3, "jsonl": 3.0}
EVENTS_PER_CASE = 5.34  # the example log's mix


def main(tiny: bool) -> None:
    """Write the example log in each format, then time urbangov's readers and the peers."""
    n_events = 10_000 if tiny else 1_000_000
    repeat = 3
    cols = sim.example_log(round(n_events / EVENTS_PER_CASE), seed=2024)
    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {fmt: Path(tmp) / f"log.{fmt}" for fmt in ("csv", "jsonl", "parquet")}
        write_s = warm_median(lambda: io.write_columns(paths["csv"], cols), repeat=repeat)
        io.write_columns(paths["jsonl"], cols)
        io.write_columns(paths["parquet"], cols)
        for fmt, path in paths.items():
            assert io.read_columns(path) == cols, fmt  # the benchmark reads what it wrote
        size_mb = paths["csv"].stat().st_size / 2**20

        def timed(fn: Callable[[], Any]) -> tuple[float, float]:
            fn()  # every side warmed by one untimed call, then the median of the same repeats
            return median_wall_and_cpu(fn, repeat=repeat)

        def plain() -> pd.DataFrame:
            return pd.read_csv(paths["csv"], dtype=str, keep_default_na=False)

        def pandas_times() -> pd.Series:
            return pd.to_datetime(plain()["at"], format="ISO8601", utc=True)

        # the same answers: pandas' times are the log's instants (report rows and events)
        instants = np.concatenate([cols.reported_at, cols.at]).astype("datetime64[ns]")
        theirs = pandas_times().dt.tz_convert(None).to_numpy().astype("datetime64[ns]")
        assert np.array_equal(np.sort(theirs), np.sort(instants))
        assert pq.read_table(paths["parquet"]).num_rows == cols.n_events + cols.n_cases

        peers: dict[str, list[tuple[str, Callable[[], Any]]]] = {
            "csv": [
                ("pandas read_csv (text only)",
                 lambda: pd.read_csv(paths["csv"], dtype=str, keep_default_na=False)),
                ("pandas read_csv + to_datetime", pandas_times),
            ],
            "parquet": [
                ("pyarrow.parquet.read_table", lambda: pq.read_table(paths["parquet"])),
                ("pandas.read_parquet", lambda: pd.read_parquet(paths["parquet"])),
            ],
            "jsonl": [
                ("pyarrow.json.read_json", lambda: pj.read_json(paths["jsonl"])),
                ("pandas.read_json(lines=True)",
                 lambda: pd.read_json(paths["jsonl"], lines=True, dtype=False)),
            ],
        }  # fmt: skip
        names = {"csv": "CSV", "parquet": "Parquet", "jsonl": "JSON Lines"}
        for fmt, path in paths.items():
            wall, cpu = timed(lambda path=path: io.read_columns(path))  # type: ignore[misc]
            limit = TARGETS_S[fmt]
            cells = target(wall, limit, f"≤ {limit:g} s", tiny=tiny)
            rows.append(
                (f"urbangov read_columns ({names[fmt]})", fmt_time(wall), fmt_time(cpu),
                 "1.00", "1.00", " ".join(cells))
            )  # fmt: skip
            for label, peer in peers[fmt]:
                their_wall, their_cpu = timed(peer)
                rows.append(
                    (f"  {label}", fmt_time(their_wall), fmt_time(their_cpu),
                     f"{wall / their_wall:.2f}", f"{cpu / their_cpu:.2f}", "")
                )  # fmt: skip
        table = io.to_arrow(cols)
        for label, fn in (
            ("urbangov to_arrow", lambda: io.to_arrow(cols)),
            ("urbangov from_arrow", lambda: io.from_arrow(table)),
        ):
            wall, cpu = timed(fn)
            rows.append((label, fmt_time(wall), fmt_time(cpu), "", "", ""))
        rows.append(("urbangov write_columns (CSV)", fmt_time(write_s), "", "", "", ""))
    print_table(
        f"case log, {cols.n_events:,} events of {cols.n_cases:,} cases, CSV {size_mb:.1f} MiB "
        "(targets at 1,000,000 events; ratio = urbangov / peer, in the same run)",
        ("what", "wall", "cpu", "urbangov / this (wall)", "(cpu)", "target"),
        rows,
    )
