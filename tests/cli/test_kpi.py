"""``urbangov kpi LOG``: groups, totals over the whole span, formats, 80 columns."""

from __future__ import annotations

import csv
import datetime as dt
import io as text_io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from urbangov import Policy, io, kpi, sim
from urbangov.cli import main
from urbangov.cli.kpi import kpi_table

CITY = str(sim.sample_city_path())
SH = ZoneInfo("Asia/Shanghai")


def _log(tmp_path: Path, n: int = 400, seed: int = 21) -> Path:
    path = tmp_path / "log.csv"
    io.write_columns(path, sim.example_log(n, seed=seed))
    return path


def test_kpi_command_prints_the_rate_table_by_street(tmp_path: Path) -> None:
    path = _log(tmp_path)
    args = ["kpi", str(path), "--city", CITY, "--period", "month"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "received" in result.output
    assert "南湖街道" in result.output  # a street of the city file given
    assert "total" in result.output
    zh = CliRunner().invoke(main, ["--lang", "zh", "kpi", str(path), "--city", CITY])
    assert zh.exit_code == 0, zh.output
    assert "结案率" in zh.output
    assert "合计" in zh.output


def test_grouping_by_a_level_without_a_city_says_to_give_one(tmp_path: Path) -> None:
    path = _log(tmp_path, 50)
    result = CliRunner().invoke(main, ["kpi", str(path), "--by", "street"])
    assert result.exit_code == 1
    assert "--city FILE" in result.output
    assert "Traceback" not in result.output
    # without --by or --city the log is grouped by grid
    by_grid = CliRunner().invoke(main, ["kpi", str(path), "--format", "json"])
    assert by_grid.exit_code == 0, by_grid.output
    assert "grid" in json.loads(by_grid.output)[0]


def test_csv_and_json_give_every_count_and_rate_and_the_total(tmp_path: Path) -> None:
    path = _log(tmp_path)
    args = ["kpi", str(path), "--city", CITY, "--period", "month"]
    out = CliRunner().invoke(main, [*args, "--format", "csv"])
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(text_io.StringIO(out.output)))
    assert {"street", "name", "period", "due", "closed_on_time", "extension_rate"} <= set(rows[0])
    total = rows[-1]
    assert total["street"] == ""
    assert total["period"] == ""
    table = kpi_table(
        sim.example_log(400, seed=21),
        by="street",
        period="month",
        hierarchy=sim.sample_city().hierarchy,
    )
    whole = table.total()
    assert int(total["due"]) == whole.due
    assert int(total["closed"]) == whole.closed
    assert total["closure_rate"] == str(kpi.percent(kpi.closure_rate(whole)))
    as_json = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).output)
    assert as_json[-1]["due"] == whole.due
    assert len(as_json) == len(rows)


def test_the_table_is_readable_at_80_columns(tmp_path: Path) -> None:
    path = _log(tmp_path)
    result = CliRunner(env={"COLUMNS": "80"}).invoke(
        main, ["kpi", str(path), "--city", CITY, "--period", "year"], terminal_width=80
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines if "─" in line or "南湖" in line) <= 80
    assert "…" not in result.output  # no cropped figures
    assert "on-time %" in result.output


def test_kpi_groupings_share_one_total() -> None:
    cols = sim.example_log(300, seed=22)
    tree = sim.sample_city().hierarchy
    by_street = kpi_table(cols, by="street", period="month", hierarchy=tree)
    overall = kpi_table(cols, by="none", period="month")
    by_category = kpi_table(cols, by="category", period="month")
    assert by_street.total() == overall.total() == by_category.total()
    assert by_street.total().received > 0


def test_provisional_counts_years_without_holiday_data(tmp_path: Path) -> None:
    # Cases dispatched in late 2026 with limits ending in 2027, a year not yet covered.
    log = sim.example_log(200, seed=5, start=dt.datetime(2026, 12, 1, tzinfo=SH), days=20)
    path = tmp_path / "late.csv"
    io.write_columns(path, log)
    plain = CliRunner().invoke(main, ["kpi", str(path), "--period", "year"])
    assert plain.exit_code == 1
    assert "--provisional" in plain.output
    assert "with_days" not in plain.output
    ok = CliRunner().invoke(main, ["kpi", str(path), "--period", "year", "--provisional"])
    assert ok.exit_code == 0, ok.output
    assert "provisional" in ok.output
    assert Policy.default().calendar.provisional is False
