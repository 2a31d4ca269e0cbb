"""``urbangov score``: the ranking, grades, red flag and bond ledger of a findings file;
CSV and JSON output; ``--explain``; errors without tracebacks, naming flags."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from urbangov.cli import main

MAY = Path(__file__).resolve().parents[1] / "fixtures" / "findings" / "may_2024.toml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_score_prints_the_ranking_grades_and_red_flags() -> None:
    code, out = run("score", str(MAY), "--standard", "long_term_management")
    assert code == 0, out
    assert "南湖街道" in out
    assert "Red flag (流动红旗) (街道): 南湖街道" in out  # nothing found: 100.00
    # 区建设局: 2 × 0.3 off its 24 points (5 + 7 + 3 + 6 + 3 of the modules it leads) is
    # 97.50 of 100; 区环卫所: 0.5 off its 8 is 93.75
    assert "Red flag (流动红旗) (部门): 区建设局" in out
    lines = [line for line in out.splitlines() if "滨湖街道" in line]
    # 滨湖: −0.3 and −0.6 (no source: in the monthly and random sheets alike) off the 36
    # points of the items a street owns → 35.1 / 36 = 97.50 of 100
    assert "97.50" in lines[0]
    assert "excellent" in lines[0]


def test_score_in_chinese() -> None:
    code, out = run("--lang", "zh", "score", str(MAY), "--standard", "long_term_management")
    assert code == 0, out
    assert "流动红旗 (街道)：南湖街道" in out
    assert "优秀" in out


def test_score_csv_and_json() -> None:
    code, out = run("score", str(MAY), "--standard", "long_term_management", "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    # 沙洲 and 江心洲 tie at 35.7 / 36 = 99.17: they share the 2nd place, listed by code
    assert [(r["unit"], r["rank"]) for r in rows if r["group"] == "街道"][:4] == [
        ("320105001", "1"),
        ("320105005", "2"),
        ("320105007", "2"),
        ("320105003", "4"),
    ]
    code, out = run("score", str(MAY), "--standard", "long_term_management", "--format", "json")
    data = json.loads(out)
    assert data["red_flags"]["部门"] == ["cons_bureau"]
    assert data["units"][0]["total"] == "100.00"


def test_score_group_and_bonds() -> None:
    code, out = run(
        "score", str(MAY), "--standard", "long_term_management", "--group", "街道",
        "--bonds", "--winner", "320105007", "--format", "json",
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert {u["group"] for u in data["units"]} == {"街道"}
    assert data["ledger_balanced"] is True
    jiangxinzhou = next(r for r in data["ledger"] if r["unit"] == "320105007" and not r["payer"])
    # 优秀: 100,000 returned, an equal reward, and the city's 30,000 for a winner
    assert (jiangxinzhou["refunded"], jiangxinzhou["reward"], jiangxinzhou["award"]) == (
        "100000",
        "100000",
        "30000",
    )
    code, out = run("score", str(MAY), "--standard", "long_term_management", "--bonds")
    assert code == 0
    assert "Bond ledger" in out
    assert "balanced" in out


def test_score_explain_prints_every_point() -> None:
    code, out = run(
        "score", str(MAY), "--standard", "long_term_management", "--explain", "滨湖街道"
    )
    assert code == 0, out
    assert "滨湖街道 (320105002), long_term_management 2024-05: 97.50 of 100" in out
    line = "-0.6  per_finding: not_fixed by district (0.6) — F-02, 2024-05-08, 滨湖路暴露垃圾"
    assert line in out


def test_score_errors_name_the_flag_without_a_traceback(tmp_path: Path) -> None:
    code, out = run("score", str(MAY), "--standard", "long_term_managment")
    assert code == 1
    assert "--standard" in out
    assert "did you mean 'long_term_management'" in out
    assert "Traceback" not in out
    code, out = run("score", str(MAY), "--standard", "digital_city_management")
    assert code == 1
    assert "for the standard 'long_term_management'" in out
    code, out = run("score", str(MAY), "--standard", "long_term_management", "--group", "核心区")
    assert code == 1
    assert "--group" in out
    code, out = run("score", str(MAY), "--standard", "long_term_management", "--explain", "nobody")
    assert code == 1
    assert "--explain" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        MAY.read_text("utf-8").replace('finder = "city"', 'findr = "city"', 1), encoding="utf-8"
    )
    code, out = run("score", str(bad), "--standard", "long_term_management")
    assert code == 1
    assert "bad.toml, line" in out
    assert "did you mean 'finder'" in out


def test_score_bonds_needs_the_scheme_s_units(tmp_path: Path) -> None:
    few = tmp_path / "few.csv"
    few.write_text("unit,item,finder\n320105001,sanitation.street_roads,city\n", encoding="utf-8")
    code, out = run("score", str(few), "--standard", "long_term_management", "--bonds")
    assert code == 1
    assert "--bonds" in out
    assert "needs a grade for 320105002" in out
