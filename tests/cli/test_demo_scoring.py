"""The assessment section of ``urbangov demo``: the simulated month's ranking of the
seven sample streets and their departments with grades and red flags, then a simulated
year's annual grades and bond ledger — each the scoring package's own result."""

from __future__ import annotations

import io
import re

from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console

from urbangov.cli import main
from urbangov.cli.demo_scoring import demo_section
from urbangov.cli.score import money
from urbangov.scoring import (
    AssessmentRules,
    AssessmentStandard,
    annual,
    grade,
    rank,
    red_flag,
    score,
    settle_bonds,
)
from urbangov.sim import SimResult, assessment_findings, sample_city

CITY = sample_city()


def _section(month: SimResult, year: SimResult, lang: str = "en", width: int = 80) -> str:
    buffer = io.StringIO()
    demo_section(Console(width=width, file=buffer), CITY, month, lang=lang, year=year)
    return buffer.getvalue()


def test_the_ranking_shown_is_the_scoring_packages_on_the_simulated_month(
    demo_month: SimResult, demo_year: SimResult
) -> None:
    policy = demo_month.policy
    rules = AssessmentRules.of(policy)
    (month,) = demo_month.scores.months  # type: ignore[union-attr]
    found = assessment_findings(demo_month, CITY)[month]
    sheets = score(found, AssessmentStandard.bundled("digital_city_management"), rules=policy)
    tie, precision = rules.value("tie", month), rules.value("ranking_precision", month)
    ranking = rank(sheets, tie=tie, precision=precision,
                   groups={c: s.unit.group for c, s in sheets.items()})  # fmt: skip
    out = _section(demo_month, demo_year, width=100)
    shown = re.findall(r"^\s+(\d+|—)\s+(\S+)\s+(街道|部门)\s+([\d.]+|no data)\s", out, re.M)
    expected = [
        ("—" if e.rank is None else str(e.rank), sheets[e.unit].unit.name, e.group,
         "no data" if sheets[e.unit].total is None else str(sheets[e.unit].total))
        for e in ranking.entries
    ]  # fmt: skip
    assert shown == expected
    assert len(shown) == 15  # seven streets, eight district departments
    cutoffs = rules.value("grades", month)
    first = ranking.entries[0]
    assert grade(sheets[first.unit], cutoffs).value in out.split(sheets[first.unit].unit.name)[1]
    streets = {c: s for c, s in sheets.items() if s.unit.group == "街道"}
    (holder,) = red_flag(streets, tie, precision=precision)
    assert f"Red flag (流动红旗), 街道: {sheets[holder].unit.name}" in out


def test_the_years_grades_and_ledger_are_the_scoring_packages_on_the_simulated_year(
    demo_month: SimResult, demo_year: SimResult
) -> None:
    scores = demo_year.scores
    assert scores is not None
    assert len(scores.months) == 12
    rules = AssessmentRules.of(demo_year.policy)
    year = annual({f"{m:%Y-%m}": s for m, s in scores.sheets.items()}, missing="skip",
                  rounding=rules.value("rounding", scores.months[0]))  # fmt: skip
    cutoffs = rules.value("grades", scores.months[0])
    grades = {c: grade(year[c], cutoffs) for c in rules.street_bonds.units}
    ledger = settle_bonds(grades, rules.street_bonds)  # type: ignore[arg-type]
    assert ledger == scores.bonds
    out = _section(demo_month, demo_year)
    for street in CITY.hierarchy.at_level("street"):
        row = re.search(rf"{street.name}\s+│\s+([\d.]+) │ (\w+)", out)
        assert row is not None
        assert row.groups() == (str(year[street.code].value), grades[street.code].value)
    total = ledger.total()
    cells = [money(total.paid_in), money(total.refunded), money(total.reward)]
    assert re.search(r"total\s+" + r"\s+".join(map(re.escape, cells)), out)
    assert f"net cost {money(ledger.net_cost)} yuan" in out
    assert "The ledger balances: True" in out
    assert "synthetic" not in out  # nothing made up: simulated, and said so
    assert "simulated" in out


def test_the_demo_section_reads_at_80_columns_in_both_languages(
    demo_month: SimResult, demo_year: SimResult
) -> None:
    for lang, words in (
        ("en", ("rank", "paid in", "Red flag")),
        ("zh", ("排名", "缴纳", "流动红旗")),
    ):
        text = _section(demo_month, demo_year, lang=lang)
        assert max(cell_len(line) for line in text.splitlines()) <= 80
        for word in words:
            assert word in text


def test_the_demo_ranks_streets_and_departments_and_settles_bonds() -> None:
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "May 2024 ranking (the simulated month)" in out
    assert "standard digital_city_management" in out
    assert "Red flag (流动红旗), 街道:" in out
    assert "Red flag (流动红旗), 部门:" in out
    assert "2024, simulated: annual score and grade" in out
    assert "bond ledger" in out
    for unit in ("南湖街道", "江心洲街道", "区环卫所"):
        assert unit in out
