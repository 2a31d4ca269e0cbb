"""``urbangov test``: the pass/fail table, failures explained, exit codes, JSON, and the
cases that differ between a baseline and a new policy."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from urbangov import Policy
from urbangov.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "rule_cases"
GOOD = FIXTURES / "deadlines.rules.toml"
FAILING = """kind = "rule-cases"
format_version = 1

[[cases]]
name = "exposed garbage within 2 working hours"
subject = "due_at"
[cases.input]
category = "exposed_garbage"
dispatched = 2024-05-06T09:00:00+08:00
[cases.expected]
due = 2024-05-06T11:00:00+08:00
"""


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def test_every_case_passing_exits_0_with_a_table_and_a_summary() -> None:
    code, out = invoke("test", str(GOOD))
    assert code == 0
    assert "✓" in out
    assert "✗" not in out
    assert out.rstrip().endswith("10 rule case(s): 10 passed, 0 failed")


def test_a_failing_case_exits_1_naming_file_line_expected_actual_and_the_rule(
    tmp_path: Path,
) -> None:
    path = tmp_path / "change.rules.toml"
    path.write_text(FAILING, encoding="utf-8")
    code, out = invoke("test", str(path), str(GOOD))
    assert code == 1
    assert f"{path}:4: exposed garbage within 2 working hours (due_at)" in out
    assert "due: expected 2024-05-06T11:00:00+08:00, got 2024-05-06T14:30:00+08:00" in out
    assert "because: limit 4 working hours: category 'exposed_garbage'" in out
    assert "11 rule case(s): 10 passed, 1 failed" in out


def test_the_table_fits_80_columns() -> None:
    _, out = invoke("test", str(GOOD))
    table = out.split("\n\n")[0]
    assert max(len(line.rstrip()) for line in table.splitlines()) <= 80


def test_a_new_policy_makes_it_pass_and_the_baseline_lists_what_moved(tmp_path: Path) -> None:
    path = tmp_path / "change.rules.toml"
    path.write_text(FAILING, encoding="utf-8")
    Policy.default().dump(tmp_path / "old.toml")
    reform = {"deadlines.categories.exposed_garbage.normal": "2 working hours"}
    Policy.default().reform(reform).dump(tmp_path / "new.toml")
    new, old = str(tmp_path / "new.toml"), str(tmp_path / "old.toml")
    code, out = invoke("test", str(path), "--policy", new)
    assert (code, out.rstrip().splitlines()[-1]) == (0, "1 rule case(s): 1 passed, 0 failed")
    code, out = invoke("test", str(path), "--policy", new, "--baseline", old, "--format", "json")
    data = json.loads(out)
    (moved,) = data["differences"]
    assert moved["changes"][0] == {
        "output": "due",
        "baseline": "2024-05-06T14:30:00+08:00",
        "policy": "2024-05-06T11:00:00+08:00",
    }
    code, out = invoke("test", str(path), "--policy", new, "--baseline", old)
    assert "1 case(s) give another result under" in out


def test_json_lists_every_case_with_expected_and_actual(tmp_path: Path) -> None:
    path = tmp_path / "change.rules.toml"
    path.write_text(FAILING, encoding="utf-8")
    code, out = invoke("test", str(path), "--format", "json")
    data = json.loads(out)
    assert (code, data["passed"], data["failed"]) == (1, 0, 1)
    (case,) = data["cases"]
    assert (case["line"], case["expected"], case["actual"]) == (
        4,
        {"due": "2024-05-06T11:00:00+08:00"},
        {"due": "2024-05-06T14:30:00+08:00"},
    )


def test_a_bad_file_exits_1_without_a_traceback() -> None:
    code, out = invoke("test", str(FIXTURES / "invalid" / "unknown_subject.toml"))
    assert code == 1
    assert "error: RuleCaseError: cases[0].subject: 'due_att' is not a subject" in out
    assert "Traceback" not in out


def test_a_folder_without_rule_cases_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "other.toml").write_text('kind = "policy"\nformat_version = 1\n', "utf-8")
    code, out = invoke("test", str(tmp_path))
    assert code == 1
    assert "no rule cases found" in out
