"""``urbangov simulate CITY POLICY``: runs, saves a result that loads, fails cleanly."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from urbangov.cli import main
from urbangov.policy import Policy
from urbangov.sim import SimResult


def test_simulate_the_sample_district_and_save(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = CliRunner().invoke(
        main, ["simulate", "sample", "default", "--days", "3", "--seed", "5", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "sample district: 3 days from 2024-05-01, seed 5" in result.output
    assert "南湖街道" in result.output
    assert f"saved to {out}" in result.output
    saved = SimResult.load(out)
    assert saved.days == 3
    assert saved.seed == 5
    assert saved.policy == Policy.default()


def test_simulate_reads_policy_and_city_files(tmp_path: Path) -> None:
    from urbangov.sim import sample_city_path

    policy = tmp_path / "p.toml"
    Policy.default().reform({"workflow.queue_discipline": "earliest_due"}).dump(policy)
    city = str(sample_city_path())
    result = CliRunner().invoke(
        main, ["--lang", "zh", "simulate", city, str(policy), "--days", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "按期结案率" in result.output


def test_a_span_outside_the_calendar_fails_with_a_cli_hint() -> None:
    result = CliRunner().invoke(
        main, ["simulate", "sample", "default", "--start", "2026-12-30", "--days", "5"]
    )
    assert result.exit_code == 1
    assert "CalendarCoverageError" in result.output
    assert "--start" in result.output
    assert "Traceback" not in result.output


def test_a_missing_city_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["simulate", str(tmp_path / "nope.toml"), "default"])
    assert result.exit_code == 1
    assert "error:" in result.output
