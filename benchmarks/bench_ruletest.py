"""Rule cases and impact: 10,000 rule cases, and the impact of a change on a log of
about 1,000,000 events.

Targets: loading and running 10,000 rule cases (due times, transitions, KPI rates,
permits, working time, mixed) ≤ 10 s; ``testing.impact`` of a 1,000,000-event log
(about 190,000 cases, two policies, due times, verdicts and rates per street) ≤ 10 s
on 2 cores. There is no peer for a rule-case runner; the impact is set beside the
plain batch calls it makes (two ``due_at_batch``, two ``overdue_batch``, two
``counts_from_columns``), so the figure shows what the comparison itself costs.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks._harness import fmt_time, judged, print_table
from urbangov import Policy, deadlines, kpi
from urbangov.sim import example_log, sample_city
from urbangov.testing import impact, load_rule_cases, run

HEADER = 'kind = "rule-cases"\nformat_version = 1\n'
KINDS = (
    """
[[cases]]
name = "due {i}"
subject = "due_at"
[cases.input]
category = "exposed_garbage"
zone = "strict"
dispatched = 2024-05-{day:02d}T09:{minute:02d}:00+08:00
[cases.expected]
limit = "4 working hours"
""",
    """
[[cases]]
name = "transition {i}"
subject = "transition"
[cases.input]
category = "dirty_road"
dispatched = 2024-05-{day:02d}T09:{minute:02d}:00+08:00
event = {{ event = "handle", at = 2024-05-{day:02d}T10:{minute:02d}:00+08:00 }}
[cases.expected]
status = "handled"
""",
    """
[[cases]]
name = "kpi {i}"
subject = "kpi"
[cases.input]
counts = {{ due = {due}, closed = {minute}, closed_on_time = {minute} }}
[cases.expected]
closure_rate = "{minute}/{due}"
""",
    """
[[cases]]
name = "permits {i}"
subject = "permits"
[cases.input]
activity = "stall"
place = "320105001"
at = 2025-06-{day:02d}T18:{minute:02d}:00+08:00
[cases.expected]
allowed = false
""",
    """
[[cases]]
name = "working time {i}"
subject = "working_time"
[cases.input]
start = 2024-09-30T17:{minute:02d}:00+08:00
limit = "5 working days"
[cases.expected]
end = 2024-10-12T18:00:00+08:00
""",
)


def rule_file(path: Path, n: int) -> None:
    parts = [HEADER]
    for i in range(n):
        text = KINDS[i % len(KINDS)]
        parts.append(text.format(i=i, day=1 + i % 28, minute=i % 60, due=60 + i % 40))
    path.write_text("".join(parts), encoding="utf-8")


def main(tiny: bool) -> None:
    n = 500 if tiny else 10_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "many.rules.toml"
        rule_file(path, n)
        start = time.perf_counter()
        loaded = load_rule_cases(path)
        loaded_at = time.perf_counter()
        report = run(loaded)
        ran_at = time.perf_counter()
    total = ran_at - start
    rows = [
        [f"{n:,} rule cases", "load", fmt_time(loaded_at - start)],
        ["", "run", fmt_time(ran_at - loaded_at)],
        ["", "total", f"{fmt_time(total)} ({judged(total, 10, 'target ≤ 10 s', tiny=tiny)})"],
        ["", "per case", fmt_time(total / n)],
    ]
    print_table("rule cases", ["what", "step", "time"], rows)
    if report.failed:
        raise SystemExit(report.failed[0].message())

    cases = 4_000 if tiny else 190_000
    log = example_log(cases, seed=3)
    old = Policy.default()
    new = old.reform({"deadlines.categories.exposed_garbage.normal": "2 working hours"})
    hierarchy = sample_city().hierarchy
    start = time.perf_counter()
    found = impact(log, baseline=old, policy=new, by="street", hierarchy=hierarchy)
    took = time.perf_counter() - start
    at = found.at
    start = time.perf_counter()
    for policy in (old, new):
        due = deadlines.due_at_batch(log, policy)
        deadlines.overdue_batch(log, policy, at=at)
        kpi.counts_from_columns(log, by="street", start=found.start, end=found.end, due=due,
                                rules=policy, hierarchy=hierarchy)  # fmt: skip
    plain = time.perf_counter() - start
    rows = [
        [f"{log.n_events:,} events", "impact", fmt_time(took)
         + f" ({judged(took, 10, 'target ≤ 10 s', tiny=tiny)})"],
        [f"{log.n_cases:,} cases", "its batch calls alone", fmt_time(plain)],
        ["", "moved", f"{len(found.cases):,} cases, {len(found.units)} street rates"],
    ]  # fmt: skip
    print_table("impact of a change on a case log", ["log", "step", "time"], rows)


if __name__ == "__main__":
    main(tiny=False)
