"""``urbangov compare`` and ``urbangov calibrate``: tables at 80 columns, CSV and JSON
rows, saved comparisons and plots, and errors with hints that name flags."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from urbangov.cli import main
from urbangov.policy import Policy
from urbangov.sim import METRICS, Comparison

NARROW = {"COLUMNS": "80"}


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    folder = tmp_path_factory.mktemp("policies")
    base, proposed = folder / "in_force.toml", folder / "proposed.toml"
    Policy.default().dump(base)
    Policy.default().reform(
        {"deadlines.categories.exposed_garbage.normal": "2 working hours"}
    ).dump(proposed)
    return str(base), str(proposed)


def _compare(*args: str, env: dict[str, str] | None = None) -> object:
    return CliRunner().invoke(
        main, ["compare", *args, "--replicates", "2", "--days", "2", "--workers", "1"], env=env
    )


def test_compare_prints_a_summary_table_that_fits_80_columns(policies: tuple[str, str]) -> None:
    result = _compare("sample", *policies, "--seed", "3", env=NARROW)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.output  # type: ignore[attr-defined]
    assert "sample district: 2 policies × 2 replicates, 2 days from 2024-05-06, seed 3" in out
    assert "base in_force" in out
    assert "on time rate %" in out
    assert "proposed" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_compare_in_chinese(policies: tuple[str, str]) -> None:
    result = CliRunner().invoke(
        main, ["--lang", "zh", "compare", "sample", *policies, "--replicates", "2",
               "--days", "1", "--workers", "1", "--metric", "on_time_rate"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "按期结案率" in result.output
    assert "基准" in result.output


def test_compare_csv_rows_cover_every_metric_of_the_city_or_every_street(
    policies: tuple[str, str],
) -> None:
    result = _compare("sample", *policies, "--format", "csv")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(result.output)))  # type: ignore[attr-defined]
    assert len(rows) == 2 * len(METRICS)
    assert {r["unit"] for r in rows} == {"total"}
    assert {r["variant"] for r in rows} == {"in_force", "proposed"}
    by_street = _compare("sample", *policies, "--format", "csv", "--by", "street",
                         "--metric", "received")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(by_street.output)))  # type: ignore[attr-defined]
    assert len(rows) == 2 * (1 + 7)  # the city and its seven streets


def test_compare_json_rows_parse_and_carry_no_nan(policies: tuple[str, str]) -> None:
    result = _compare("sample", *policies, "--format", "json", "--by", "street")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "NaN" not in result.output  # type: ignore[attr-defined]
    rows = json.loads(result.output)  # type: ignore[attr-defined]
    base = [r for r in rows if r["variant"] == "in_force"]
    assert all(r["diff"] is None for r in base)  # the baseline has no difference
    proposed = next(r for r in rows if r["variant"] == "proposed" and r["metric"] == "received")
    assert proposed["diff"] == 0.0  # the same reports: common random numbers


def test_compare_saves_and_draws(policies: tuple[str, str], tmp_path: Path) -> None:
    out, png = tmp_path / "sweep", tmp_path / "sweep.png"
    result = _compare("sample", "default", policies[1], "--out", str(out), "--plot", str(png))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    saved = Comparison.load(out)
    assert saved.variants == ("default", "proposed")
    assert saved.replicates == 2
    assert png.read_bytes().startswith(b"\x89PNG")
    assert f"drawn to {png}" in result.output  # type: ignore[attr-defined]


def test_two_policies_of_one_name_are_an_error_with_a_hint(policies: tuple[str, str]) -> None:
    result = _compare("sample", policies[0], policies[0])
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "two policies are named 'in_force'" in result.output  # type: ignore[attr-defined]
    assert "Traceback" not in result.output  # type: ignore[attr-defined]


def test_a_bad_plot_suffix_and_a_missing_city_fail_cleanly(
    policies: tuple[str, str], tmp_path: Path
) -> None:
    result = _compare("sample", *policies, "--plot", str(tmp_path / "x.jpg"))
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert ".png or .svg" in result.output  # type: ignore[attr-defined]
    missing = _compare(str(tmp_path / "nope.toml"), *policies)
    assert missing.exit_code == 1  # type: ignore[attr-defined]
    assert "error:" in missing.output  # type: ignore[attr-defined]
    assert "Traceback" not in missing.output  # type: ignore[attr-defined]


# ------------------------------------------------------------------ calibrate

TARGET = """\
kind = "calibration-target"
format_version = 1
source = "郑州 weekly report, 2019-04-08..14, at 1/20 of its size"
start = 2019-04-08
days = 7

[counts]
received = 2579
due = 2622
closed = 2176
closed_on_time = 2020
"""


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "week.toml"
    path.write_text(TARGET, encoding="utf-8")
    return path


def test_calibrate_prints_every_figure_and_marks_the_fitted(target: Path) -> None:
    result = CliRunner().invoke(
        main, ["calibrate", "sample", "default", "--target", str(target), "--warmup", "7"],
        env=NARROW,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "fitted to" in result.output
    lines = {line.split()[0] + " " + line.split()[1]: line for line in result.output.splitlines()
             if len(line.split()) > 2}  # fmt: skip
    assert lines["received 2,579"].rstrip().endswith("✓")
    assert lines["on time"].rstrip().endswith("✓")
    assert not lines["closure rate"].rstrip().endswith("✓")
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_calibrate_json_gives_the_parameters(target: Path) -> None:
    result = CliRunner().invoke(
        main, ["calibrate", "sample", "default", "--target", str(target), "--warmup", "7",
               "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["parameters"]) == {"arrival_scale", "capacity_scale", "service_scale"}
    fitted = [f["figure"] for f in data["figures"] if f["fitted"]]
    assert fitted == ["received", "on_time_rate"]
    assert abs(data["figures"][0]["relative_error"]) <= 0.02


def test_a_fit_out_of_reach_names_the_flags_to_change(target: Path) -> None:
    result = CliRunner().invoke(
        main, ["calibrate", "sample", "default", "--target", str(target), "--warmup", "0",
               "--max-iterations", "1", "--tolerance", "0.0001"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "no fit within" in result.output
    assert "--tolerance" in result.output
    assert "--max-iterations" in result.output


def test_a_target_of_the_wrong_kind_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    Policy.default().dump(path)
    result = CliRunner().invoke(main, ["calibrate", "sample", "default", "--target", str(path)])
    assert result.exit_code == 1
    assert "calibration-target" in result.output
    assert "Traceback" not in result.output
