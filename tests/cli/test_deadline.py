"""``urbangov deadline``: the policy's calendar, and hints that name CLI flags."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from urbangov import Policy
from urbangov.cli import main


def test_a_due_time_past_the_covered_years_says_to_pass_provisional() -> None:
    result = CliRunner().invoke(main, ["deadline", "2026-12-30 17:00", "5 working days"])
    assert result.exit_code == 1
    assert "--provisional" in result.output
    assert "with_days" not in result.output  # a Python call means nothing on the command line
    assert "Traceback" not in result.output
    ok = CliRunner().invoke(
        main, ["deadline", "2026-12-30 17:00", "5 working days", "--provisional"]
    )
    assert ok.exit_code == 0, ok.output
    assert "Provisional" in ok.output


def test_the_policys_office_hours_apply_unless_schedule_is_given(tmp_path: Path) -> None:
    # Exposed garbage, 4 working hours from Monday 2024-05-06 09:00: 14:30 with the
    # default hours (09:00–12:00, 13:30–18:00); 15:00 when the office opens at 09:30.
    policy = tmp_path / "p.toml"
    Policy.default().reform({"calendar.schedule": ["09:30-12:00", "13:30-18:00"]}).dump(policy)
    args = ["deadline", "2024-05-06 09:00", "--category", "暴露垃圾"]
    default = CliRunner().invoke(main, args)
    assert default.exit_code == 0, default.output
    assert "2024-05-06 14:30" in default.output
    mine = CliRunner().invoke(main, [*args, "--policy", str(policy)])
    assert mine.exit_code == 0, mine.output
    assert "2024-05-06 15:00" in mine.output
    override = CliRunner().invoke(
        main, [*args, "--policy", str(policy), "--schedule", "09:00-12:00,13:30-18:00"]
    )
    assert "2024-05-06 14:30" in override.output
