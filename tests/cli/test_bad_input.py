"""The command line on bad input: exit 1, every problem listed, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from urbangov.cli import main

LOGS = Path(__file__).parents[1] / "fixtures" / "logs"
HUGE = '"10000000000000000000000000000 working days"'
POLICY = 'kind = "policy"\nformat_version = 1\n[deadlines.categories.exposed_garbage]\nnormal = '


def _run(*args: str | Path) -> Result:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_validate_checks_every_file_when_one_holds_a_huge_limit(tmp_path: Path) -> None:
    good = tmp_path / "a.toml"
    good.write_text('kind = "policy"\nformat_version = 1\n', encoding="utf-8")
    bad = tmp_path / "b.toml"
    bad.write_text(POLICY + HUGE + "\n", encoding="utf-8")
    other = tmp_path / "c.toml"
    other.write_text('kind = "policy"\nformat_version = 1\ncolour = 1\n', encoding="utf-8")
    result = _run("validate", good, bad, other)
    assert result.exit_code == 1
    assert f"✓ {good}" in result.output
    assert f"{bad}:4: deadlines.categories.exposed_garbage.normal" in result.output
    assert "more than 100 years" in result.output
    assert f"{other}:3: colour" in result.output
    assert "3 file(s) checked: 1 valid" in result.output


def test_validate_reads_case_logs(tmp_path: Path) -> None:
    assert _run("validate", LOGS / "good.csv").exit_code == 0
    result = _run("validate", LOGS / "naive_time.csv")
    assert result.exit_code == 1
    assert "naive_time.csv:4: at:" in result.output
    assert "(CaseLogError)" in result.output


def test_validate_says_what_it_reads_for_other_files(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("some notes\n", encoding="utf-8")
    result = _run("validate", path)
    assert result.exit_code == 1
    assert "case logs (.csv, .jsonl, .ndjson, .parquet)" in result.output
    # every kind files.load reads is named (the list is the registry's, not a copy)
    from urbangov import files

    assert "calibration-target" in files.KINDS
    assert f"({', '.join(sorted(files.KINDS))})" in result.output


@pytest.mark.parametrize(
    ("start", "limit"),
    [
        ("9999-12-31 23:00", "1 days"),
        ("2261-12-31 23:00", "1 days"),
        ("1600-01-01 09:00", "1 working days"),
        ("2024-09-30 17:00", "100000000000000000000 working days"),
    ],
)
def test_deadline_at_the_ends_of_time_is_an_error_not_a_traceback(start: str, limit: str) -> None:
    result = _run("deadline", start, limit)
    assert result.exit_code == 1
    assert "error: CalendarError" in result.output


def test_diff_and_kpi_report_a_huge_limit_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(POLICY + HUGE + "\n", encoding="utf-8")
    good = tmp_path / "good.toml"
    good.write_text('kind = "policy"\nformat_version = 1\n', encoding="utf-8")
    for args in (("diff", good, bad), ("kpi", "--policy", bad, LOGS / "good.csv")):
        result = _run(*args)
        assert result.exit_code == 1
        assert "error: PolicyError" in result.output
        assert "line 4" in result.output
