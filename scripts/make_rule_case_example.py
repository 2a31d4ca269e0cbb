"""Build the files of ``examples/rule_cases/``: the policy in force, the proposed one
and last month's case log.

- ``policy_in_force.toml`` is the bundled default policy file as it stands;
- ``policy_proposed.toml`` is the same file with the exposed-garbage row tightened (2
  working hours, 1 in the strict zone) — the change the example's rule cases test;
- ``cases_2024_05.csv`` is a synthetic log of May 2024 in the sample district
  (``urbangov.sim.example_log``, two in five reports exposed garbage), standing in for
  last month's real cases.

Run it from the repository root; ``tests/test_examples.py`` checks the files are what
it writes.
"""

from __future__ import annotations

import datetime as dt
import sys
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import numpy as np

from urbangov import io
from urbangov.cases import CaseColumns
from urbangov.sim import example_log

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "rule_cases"

OLD_ROW = """# A: 暴露垃圾 4个工作时.
[deadlines.categories.exposed_garbage]
normal = "4 working hours"
"""
NEW_ROW = """# A: 暴露垃圾 4个工作时.
# Proposed: exposed garbage within 2 working hours, 1 in the strict zone (严管区).
[deadlines.categories.exposed_garbage]
normal = "2 working hours"
tiers = { strict = { normal = "1 working hours" } }
"""


def build(out: Path) -> None:
    """Write the three files into ``out``."""
    text = resources.files("urbangov").joinpath("data", "default_policy.toml").read_text("utf-8")
    if OLD_ROW not in text:
        raise SystemExit("the bundled policy's exposed-garbage row changed: update OLD_ROW")
    (out / "policy_in_force.toml").write_text(text, encoding="utf-8", newline="\n")
    proposed = text.replace(OLD_ROW, NEW_ROW)
    (out / "policy_proposed.toml").write_text(proposed, encoding="utf-8", newline="\n")
    start = dt.datetime(2024, 5, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    io.write_columns(out / "cases_2024_05.csv", _log(start))


def _log(start: dt.datetime) -> CaseColumns:
    """600 reports over May 2024, two in five of them exposed garbage (暴露垃圾, the
    commonest report of a street's log), the rest of any category."""
    log = example_log(600, seed=5, start=start, days=31)
    names = list(log.categories)
    if "exposed_garbage" not in names:
        names = sorted([*names, "exposed_garbage"])
    slugs = [log.categories[int(c)] for c in log.category]
    rng = np.random.default_rng(5)
    slugs = ["exposed_garbage" if rng.random() < 0.4 else s for s in slugs]
    codes = np.array([names.index(s) for s in slugs], dtype=log.category.dtype)
    return attrs.evolve(log, category=codes, categories=tuple(names))


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
