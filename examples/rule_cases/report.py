"""The exposed-garbage change, end to end in Python: the rule cases under the proposed
policy, the cases whose result differs from the policy in force, and what the change
would have done to May's cases in the sample district.

Run it from anywhere: ``python examples/rule_cases/report.py``.
"""

from __future__ import annotations

from pathlib import Path

from urbangov import Policy, kpi, testing
from urbangov.sim import sample_city

HERE = Path(__file__).resolve().parent


def main() -> None:
    in_force = Policy.load(HERE / "policy_in_force.toml")
    proposed = Policy.load(HERE / "policy_proposed.toml")
    cases = HERE / "exposed_garbage.rules.toml"

    report = testing.run(cases)
    print(f"rule cases under the proposed policy: {len(report.passed)} passed, "
          f"{len(report.failed)} failed")  # fmt: skip
    for result in report.failed:
        print(result.message())

    moved = testing.compare(cases, baseline=in_force)
    kept = len(report.results) - len(moved)
    print(f"differ from the policy in force: {len(moved)}; unchanged: {kept}")
    for difference in moved:
        outputs = ", ".join(name for name, _, _ in difference.changes)
        print(f"  {difference.case.name}: {outputs}")

    found = testing.impact(
        HERE / "cases_2024_05.csv",
        baseline=in_force,
        policy=proposed,
        by="street",
        hierarchy=sample_city().hierarchy,
    )
    due_moved = sum(1 for c in found.cases if c.baseline_due != c.policy_due)
    print(f"May 2024, {found.n_cases} cases: {due_moved} due times move, "
          f"{found.verdicts_changed} change their on-time verdict")  # fmt: skip
    names = {u.code: u.name for u in sample_city().hierarchy.units}
    for move in found.units:
        if move.measure == "on_time_rate":
            print(f"  {names[move.unit]}: on-time rate {kpi.percent(move.baseline)}% → "
                  f"{kpi.percent(move.policy)}%")  # fmt: skip


if __name__ == "__main__":
    main()
