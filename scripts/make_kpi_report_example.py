"""Build the case log of ``examples/kpi_report/``: May 2024 in the sample district.

``cases_2024_05.csv`` is a simulated month (``urbangov.sim.run`` on
``SyntheticCity.sample()`` under the default policy, seed 2024 — the tutorial's month),
written with ``urbangov.io.write_columns``: the same columns a city exports from its
case system, standing in for last month's real log.

Run it from the repository root; ``tests/test_examples.py`` checks the file is what it
writes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from urbangov import Policy, io, sim

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "kpi_report"
MAY = dt.datetime(2024, 5, 1, tzinfo=ZoneInfo("Asia/Shanghai"))


def build(out: Path) -> None:
    """Write ``cases_2024_05.csv`` into ``out``."""
    month = sim.run(sim.SyntheticCity.sample(), Policy.default(), start=MAY, days=31, seed=2024)
    io.write_columns(out / "cases_2024_05.csv", month.cases)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
