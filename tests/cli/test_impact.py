"""``urbangov impact``: what a rule change moves in a case log, as tables, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from urbangov import Policy
from urbangov import io as urbangov_io
from urbangov.cli import main
from urbangov.sim import example_log, sample_city_path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("impact")
    urbangov_io.write_columns(folder / "log.csv", example_log(1500, seed=8))
    Policy.default().dump(folder / "old.toml")
    reform = {"deadlines.categories.exposed_garbage.normal": "1 working hours"}
    Policy.default().reform(reform).dump(folder / "new.toml")
    return {name: str(folder / f"{name}.{ext}") for name, ext in
            (("log", "csv"), ("old", "toml"), ("new", "toml"))}  # fmt: skip


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})
    return result.exit_code, result.output


def test_tables_fit_80_columns_and_say_what_moved(files: dict[str, str]) -> None:
    code, out = invoke("impact", files["log"], "--baseline", files["old"], "--policy", files["new"])
    assert code == 0
    assert "1,500 cases as known at" in out
    assert "exposed_garbage" in out
    assert "on_time_rate" in out
    assert max(len(line.rstrip()) for line in out.splitlines()[1:]) <= 80


def test_streets_by_name_with_the_city(files: dict[str, str]) -> None:
    with resources.as_file(sample_city_path()) as city:
        code, out = invoke("impact", files["log"], "--baseline", files["old"], "--policy",
                           files["new"], "--city", str(city))  # fmt: skip
    assert code == 0
    assert "rates by street" in out
    assert "街道 320105" in out


def test_csv_rows_are_tidy(files: dict[str, str]) -> None:
    code, out = invoke("impact", files["log"], "--baseline", files["old"], "--policy",
                       files["new"], "--format", "csv")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert set(rows[0]) == {"kind", "key", "measure", "baseline", "policy", "change"}
    assert {r["kind"] for r in rows} == {"case", "unit"}
    assert all(r["change"].startswith("-") for r in rows if r["measure"] == "due")


def test_json_counts_and_identity_is_empty(files: dict[str, str]) -> None:
    code, out = invoke("impact", files["log"], "--baseline", files["old"], "--policy",
                       files["old"], "--format", "json")  # fmt: skip
    data = json.loads(out)
    assert (code, data["cases"], data["verdicts_changed"], data["changes"]) == (0, 1500, 0, [])


def test_a_level_without_the_city_is_an_error_naming_the_flag(files: dict[str, str]) -> None:
    code, out = invoke("impact", files["log"], "--baseline", files["old"], "--policy",
                       files["new"], "--by", "street")  # fmt: skip
    assert code == 1
    assert "--city FILE" in out
    assert "Traceback" not in out


def test_a_missing_policy_file_is_an_error(files: dict[str, str], tmp_path: Path) -> None:
    code, out = invoke("impact", files["log"], "--baseline", str(tmp_path / "x.toml"),
                       "--policy", files["new"])  # fmt: skip
    assert (code, "cannot read the file" in out) == (1, True)


# ------------------------------------------------------------------ --standard

EXAMPLE = Path(__file__).parents[2] / "examples" / "rule_cases"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The example's log and policies by street, and the tallies a log cannot give."""
    from urbangov.scoring import Findings
    from urbangov.sim import sample_city

    streets = [u.code for u in sample_city().hierarchy.units if u.level.slug == "street"]
    daily = tmp_path_factory.mktemp("daily") / "daily.toml"
    Findings(
        tallies=[{"unit": s, "name": "handled_same_day", "count": 9, "of": 10} for s in streets]
    ).dump(daily)
    with resources.as_file(sample_city_path()) as city:
        return [
            "impact", str(EXAMPLE / "cases_2024_05.csv"),
            "--baseline", str(EXAMPLE / "policy_in_force.toml"),
            "--policy", str(EXAMPLE / "policy_proposed.toml"),
            "--city", str(city), "--findings", str(daily),
        ]  # fmt: skip


def test_scores_grades_and_ranks_that_move_fit_80_columns(example: list[str]) -> None:
    code, out = invoke(*example, "--standard", "digital_city_management")
    assert code == 0, out
    assert "7 unit score(s) move" in out
    assert "scores by street (digital_city_management)" in out
    # 南湖街道 drops from 85.27 (达标, first) to 69.00 (不达标, second)
    scores = out[out.index("scores by street") :].splitlines()
    nanhu = next(line for line in scores if line.startswith(" 南湖街道 320105001"))
    assert "85.27" in nanhu
    assert "69.00" in nanhu
    assert "-16.27" in nanhu
    assert "standard →" in nanhu
    assert "1 → 2" in nanhu
    assert max(len(line.rstrip()) for line in out.splitlines()[1:]) <= 80


def test_score_rows_in_csv_and_json(example: list[str]) -> None:
    code, out = invoke(*example, "--standard", "digital_city_management", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    scores = [r for r in rows if r["kind"] == "score"]
    assert scores[0] == {"kind": "score", "key": "320105001", "measure": "score",
                         "baseline": "85.27", "policy": "69.00", "change": "-16.27"}  # fmt: skip
    assert {r["measure"] for r in scores} == {"score", "grade", "rank"}
    code, out = invoke(*example, "--standard", "digital_city_management", "--format", "json")
    data = json.loads(out)
    assert (code, data["standard"], data["scores_changed"]) == (0, "digital_city_management", 7)
    assert [r for r in data["changes"] if r["kind"] == "score"] == scores


def test_a_standard_needing_what_a_log_cannot_give_names_the_flag(example: list[str]) -> None:
    without = example[: example.index("--findings")]
    code, out = invoke(*without, "--standard", "digital_city_management")
    assert code == 1
    assert "reads the tally 'handled_same_day', which a case log does not give" in out
    assert "give it in --findings FILE" in out
    assert "Traceback" not in out


def test_findings_need_a_standard_and_a_standard_s_name_is_checked(example: list[str]) -> None:
    code, out = invoke(*example)
    assert (code, "--findings goes with --standard" in out) == (1, True)
    code, out = invoke(*example, "--standard", "digital_city_managment")
    assert code == 1
    assert "did you mean 'digital_city_management'" in out
