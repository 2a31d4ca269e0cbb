"""``urbangov zones`` and ``urbangov permits`` on the sample district."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from urbangov.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_zones_prints_counts_per_tier_and_every_street() -> None:
    code, out = run("zones", "sample")
    assert code == 0, out
    assert "Places per tier" in out
    assert "江心洲街道" in out
    assert "zones.classify.urban_rural_fringe" in out  # the fringe street (涉农街道)


def test_zones_csv_and_json_list_every_unit_and_segment() -> None:
    code, out = run("zones", "sample", "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 416 + 28  # the sample district's 416 units and 28 road segments
    by_code = {r["code"]: r for r in rows}
    assert by_code["S32010500102"]["rule"] == "override"  # the sample's 严管街
    assert by_code["320105005003001"]["tier"] == "regulated"
    assert by_code["320105005003001"]["via"] == "320105005003"
    code, out = run("zones", "sample", "--format", "json")
    assert json.loads(out)[0]["code"] == "320100"


def test_zones_in_chinese_and_bad_policy_without_traceback(tmp_path: Path) -> None:
    code, out = run("--lang", "zh", "zones", "sample")
    assert "各级别区域数" in out
    bad = tmp_path / "p.toml"
    bad.write_text('kind = "policy"\nformat_version = 1\n[zones]\ndefault_tir = "strict"\n')
    code, out = run("zones", "sample", "--policy", str(bad))
    assert code == 1
    assert "did you mean 'default_tier'?" in out
    assert "Traceback" not in out


def test_permits_prints_the_decision_and_its_rule() -> None:
    code, out = run("permits", "stall", "320105001002004", "2025-06-07 18:00")
    assert code == 0, out
    assert "not allowed" in out
    assert "zones.buffers.school_gate" in out  # 80 m from a school gate
    code, out = run("permits", "roadside_parking", "S32010500101", "2025-02-01 10:00")
    assert "zones.leniency.spring_festival_travel" in out
    assert "2025-02-23 00:00" in out  # the day after 2025's 春运


def test_permits_errors_name_the_argument() -> None:
    code, out = run("permits", "stal", "320105", "2025-06-07 18:00")
    assert code == 1
    assert "did you mean 'stall'?" in out
    code, out = run("permits", "stall", "999", "2025-06-07 18:00")
    assert code == 1
    assert "no such unit or segment" in out
