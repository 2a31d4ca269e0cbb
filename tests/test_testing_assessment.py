"""Rule cases of the assessment package: the ``score`` subject (findings from a file or
inline, a standard by name or file, totals, grades, ranks and the red flag, one unit's
items) and the ``bonds`` subject (the ledger of the policy's bond scheme); tolerances
over tables of numbers; every bad input a located ``RuleCaseError``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from urbangov import FindingsError, Policy, RuleCaseError
from urbangov.scoring import Findings
from urbangov.testing import SUBJECTS, compare, load_rule_cases, run

FIXTURES = Path(__file__).parent / "fixtures" / "rule_cases"
ASSESSMENT = FIXTURES / "assessment.rules.toml"
FINDINGS = Path(__file__).parent / "fixtures" / "findings" / "may_2024.toml"
HEADER = 'kind = "rule-cases"\nformat_version = 1\n\n'


def write(tmp_path: Path, text: str, name: str = "cases.rules.toml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def nantong(tmp_path: Path, text: str) -> Path:
    """A rule-case file next to copies of the 南通 standard and findings."""
    for name in ("nantong_2017_08.toml", "nantong_long_term.toml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    return write(tmp_path, text)


def test_the_assessment_fixture_passes_every_case() -> None:
    report = run(ASSESSMENT)
    assert len(report.results) == 6
    assert report.ok, "\n".join(r.message() for r in report.failed)
    assert {r.case.subject.name for r in report.results} == {"score", "bonds"}


def test_the_published_nantong_totals_need_their_tolerance(tmp_path: Path) -> None:
    # 8月份南通市区城市长效综合管理考核通报 (2017): 金沙街道 recomputes to 92.94 from its
    # printed parts and is printed 92.93; every other total is reproduced exactly
    text = ASSESSMENT.read_text(encoding="utf-8").replace("abs = 0.01\n", "", 1)
    path = tmp_path / "exact.rules.toml"
    path.write_text(text, encoding="utf-8")
    for name in ("nantong_2017_08.toml", "nantong_long_term.toml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    first = run(path).results[0]
    assert not first.passed
    assert [m.output for m in first.mismatches] == ["totals"]
    assert first.values["totals"]["金沙街道"] == Decimal("92.94")  # type: ignore[index]


def test_the_nantong_ranks_need_the_tie_rule(tmp_path: Path) -> None:
    # without assessment.tie = { then = ["system"] }, 新开 and 钟秀 share 4th place
    text = ASSESSMENT.read_text(encoding="utf-8").replace(
        '[cases.policy]\nreform = { "assessment.tie" = { then = ["system"] } }\n', "", 1
    )
    path = tmp_path / "no_tie.rules.toml"
    path.write_text(text, encoding="utf-8")
    for name in ("nantong_2017_08.toml", "nantong_long_term.toml"):
        (tmp_path / name).write_bytes((FIXTURES / name).read_bytes())
    first = run(path).results[0]
    assert [m.output for m in first.mismatches] == ["ranks"]
    ranks = first.values["ranks"]
    assert (ranks["新开街道"], ranks["钟秀街道"], ranks["小海街道"]) == (4, 4, 6)  # type: ignore[index]


def test_a_tolerance_may_sit_on_a_table_of_numbers(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "金沙 within 0.01"
subject = "score"
[cases.input]
findings = "nantong_2017_08.toml"
standard = "nantong_long_term.toml"
[cases.expected]
totals = { value = { "金沙街道" = 92.93 }, abs = 0.01 }
"""
    (result,) = run(nantong(tmp_path, text)).results
    # the table is compared whole: 18 other units came too
    assert [m.output for m in result.mismatches] == ["totals"]
    assert "金沙街道 = 92.94" in str(result.mismatches[0])


def test_one_unit_s_items_compare_only_the_items_named(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "钟秀's parts"
subject = "score"
[cases.input]
findings = "nantong_2017_08.toml"
standard = "nantong_long_term.toml"
unit = "钟秀街道"
[cases.expected]
items = { system = 95.20, duty = 95.35 }
"""
    (result,) = run(nantong(tmp_path, text)).results
    assert [str(m) for m in result.mismatches] == [
        "items: expected {system = 476/5 (95.2), duty = 1907/20 (95.35)}, "
        "got {system = 95.20, duty = 95.25}"
    ]
    # the explanation is the unit's sheet: the standard, each item and its rule
    assert result.explanation.startswith("standard nantong_long_term (南通市区城市长效管理考核)")
    assert "system 系统考核: 95.20 of 100 × weight 0.4" in result.explanation
    assert "given: marked 95.20" in result.explanation


def test_a_standard_weighing_sources_names_each_source_s_items(tmp_path: Path) -> None:
    (tmp_path / "may.toml").write_bytes(FINDINGS.read_bytes())
    text = """
[[cases]]
name = "滨湖's roads, monthly"
subject = "score"
[cases.input]
findings = "may.toml"
unit = "320105002"
[cases.expected]
items = { "monthly:sanitation.street_roads" = 0 }
"""
    (result,) = run(write(tmp_path, text)).results
    # the standard is the bundled one the findings name (long_term_management)
    assert "standard long_term_management" in result.explanation
    items = result.values["items"]
    assert isinstance(items, Mapping)
    assert set(items) >= {"monthly:sanitation.street_roads", "random:sanitation.street_roads"}
    assert not result.passed


def test_the_summary_of_many_units_names_the_items_that_lost_points(tmp_path: Path) -> None:
    (tmp_path / "may.toml").write_bytes(FINDINGS.read_bytes())
    text = """
[[cases]]
name = "May"
subject = "score"
[cases.input]
findings = "may.toml"
standard = "long_term_management"
[cases.expected]
red_flag = ["nobody"]
"""
    (result,) = run(write(tmp_path, text)).results
    assert not result.passed
    assert "滨湖街道 (320105002): " in result.explanation
    assert "sanitation.street_roads" in result.explanation
    assert "per_finding -" in result.explanation
    assert "1 more unit(s)" in result.explanation  # 9 units, 8 explained one by one


def test_inline_findings_errors_are_located_at_their_row(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "bad mark"
subject = "score"
[cases.input]
standard = "nantong_long_term.toml"
[cases.input.findings]
marks = [
  { unit = "a", item = "system", value = 90 },
  { unit = "a", item = "system", valeu = 90 },
]
[cases.expected]
totals = {}
"""
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(nantong(tmp_path, text))
    error = caught.value
    assert (error.field, error.line) == ("cases[0].input.findings.marks[1].valeu", 13)
    assert "did you mean 'value'?" in str(error)


@pytest.mark.parametrize(
    ("findings", "field", "line", "words"),
    [
        ('{ colour = "red" }', "cases[0].input.findings.colour", 10, "unknown key 'colour'"),
        (
            '{ units = [{ code = "a" }], marks = [{ unit = "b", item = "system", value = 1 }] }',
            "cases[0].input.findings.marks[0].unit",
            10,
            "'b' is no unit of the findings",
        ),
        (
            '{ marks = [{ unit = "a", item = "system" }] }',
            "cases[0].input.findings.marks[0]",
            10,
            "missing key 'value'",
        ),
        (
            '{ kpis = [{ unit = "a", due = -1 }] }',
            "cases[0].input.findings.kpis[0].due",
            10,
            "is negative",
        ),
        ('{ marks = "x" }', "cases[0].input.findings.marks", 10, "an array of tables"),
        ('"no_such.toml"', "cases[0].input.findings", 10, "no file 'no_such.toml'"),
        ("42", "cases[0].input.findings", 10, "a findings file (a path) or a table"),
    ],
)
def test_bad_findings_are_located(
    tmp_path: Path, findings: str, field: str, line: int, words: str
) -> None:
    text = f"""
[[cases]]
name = "bad"
subject = "score"
[cases.input]
standard = "nantong_long_term.toml"
findings = {findings}
[cases.expected]
order = []
"""
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(nantong(tmp_path, text))
    assert (caught.value.field, caught.value.line) == (field, line), str(caught.value)
    assert words in str(caught.value)


def test_a_findings_file_that_does_not_load_names_its_own_file_and_line(tmp_path: Path) -> None:
    bad = FINDINGS.read_text(encoding="utf-8").replace('finder = "city"', 'findr = "city"', 1)
    (tmp_path / "bad.toml").write_text(bad, encoding="utf-8")
    text = '[[cases]]\nname = "x"\nsubject = "score"\n[cases.input]\nfindings = "bad.toml"\n'
    text += "[cases.expected]\norder = []\n"
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(write(tmp_path, text))
    assert (caught.value.field, caught.value.line) == ("cases[0].input.findings", 8)
    assert "the findings file does not load" in str(caught.value)
    assert f"{tmp_path / 'bad.toml'}, line" in str(caught.value)
    assert "did you mean 'finder'?" in str(caught.value)


@pytest.mark.parametrize(
    ("inputs", "field", "words"),
    [
        (
            'standard = "digital_city_managment"',
            "cases[0].input.standard",
            "did you mean 'digital_city_management'?",
        ),
        ('standard = "nope.toml"', "cases[0].input.standard", "no file 'nope.toml'"),
        ("", "cases[0].input", "have no 'standard'"),
        (
            'standard = "nantong_long_term.toml"\nunit = "钟秀"',
            "cases[0].input.unit",
            "'钟秀' is no unit of the findings",
        ),
        (
            'standard = "nantong_long_term.toml"\ngroup = "x"',
            "cases[0].input.group",
            "unknown key 'group'",
        ),
    ],
)
def test_bad_score_inputs_are_located(tmp_path: Path, inputs: str, field: str, words: str) -> None:
    text = f"""
[[cases]]
name = "bad"
subject = "score"
[cases.input]
findings = {{ marks = [{{ unit = "a", item = "system", value = 90 }}] }}
{inputs}
[cases.expected]
order = []
"""
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(nantong(tmp_path, text))
    assert caught.value.field == field, str(caught.value)
    assert words in str(caught.value)


def test_an_output_of_one_unit_needs_the_unit(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "no unit"
subject = "score"
[cases.input]
findings = "nantong_2017_08.toml"
standard = "nantong_long_term.toml"
[cases.expected]
total = 94.31
"""
    with pytest.raises(RuleCaseError, match="total needs the input 'unit'"):
        load_rule_cases(nantong(tmp_path, text))


def test_findings_for_another_standard_fail_as_the_scoring_package_says(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "wrong standard"
subject = "score"
[cases.input]
findings = "nantong_2017_08.toml"
standard = "digital_city_management"
[cases.expected]
error = "FindingsError"
"""
    (result,) = run(nantong(tmp_path, text)).results
    assert result.passed
    assert "the findings are for the standard 'nantong_long_term'" in result.explanation


# ------------------------------------------------------------------ bonds

STREETS = ("320105001", "320105002", "320105003", "320105004", "320105005", "320105006",
           "320105007")  # fmt: skip


def bonds_case(grades: dict[str, str], expected: str, extra: str = "") -> str:
    table = ", ".join(f'"{u}" = "{g}"' for u, g in grades.items())
    return (
        f'[[cases]]\nname = "bonds"\nsubject = "bonds"\n[cases.input]\ngrades = {{ {table} }}\n'
        f"{extra}[cases.expected]\n{expected}\n"
    )


def test_a_failing_bond_case_names_the_scheme_and_the_outcomes(tmp_path: Path) -> None:
    grades = dict.fromkeys(STREETS, "达标")
    (result,) = run(write(tmp_path, bonds_case(grades, "total_reward = 500000"))).results
    # 篇5 §五(二): 达标 → 0.5 × 1,100,000 of unit bonds
    assert [str(m) for m in result.mismatches] == ["total_reward: expected 500000, got 550000"]
    message = result.message()
    assert "because: scheme 街道城市管理保证金 (assessment.street_bonds)" in message
    assert "(assessment.street_bonds.outcomes.standard)" in message
    assert "personal bonds per unit: 分管主任 5000, 主任 5000, 书记 5000" in message


def test_the_bureau_scheme_is_named(tmp_path: Path) -> None:
    expected = "personal_forfeited = { cityapp_bureau = 10000 }"
    text = bonds_case({"cityapp_bureau": "不达标"}, expected, 'scheme = "bureau_bonds"\n')
    (result,) = run(write(tmp_path, text)).results
    assert result.passed, result.message()


@pytest.mark.parametrize(
    ("extra", "grades", "field", "words"),
    [
        (
            'scheme = "street_bond"\n',
            {"320105001": "优秀"},
            "cases[0].input.scheme",
            "did you mean 'street_bonds'?",
        ),
        ("", {"320105001": "great"}, "cases[0].input.grades.320105001", "'great' is not a Grade"),
        (
            'winners = "320105001"\n',
            {"320105001": "优秀"},
            "cases[0].input.winners",
            "expected an array",
        ),
    ],
)
def test_bad_bond_inputs_are_located(
    tmp_path: Path, extra: str, grades: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(write(tmp_path, bonds_case(grades, "balanced = true", extra)))
    assert caught.value.field == field, str(caught.value)
    assert caught.value.line is not None
    assert words in str(caught.value)


def test_a_bond_reform_moves_only_the_bond_cases() -> None:
    # what if the reward for 达标 were 0? The 南通 and 金华 score cases do not move
    baseline = Policy.default()
    new = baseline.reform({"assessment.street_bonds.outcomes.standard.reward": 0})
    moved = compare(ASSESSMENT, baseline=baseline, policy=new)
    assert [d.case.name for d in moved] == [
        "篇5 bonds: 优秀 an equal reward, 达标 0.5×, 不达标 forfeited, 优胜 30,000"
    ]
    changes = {name: (old, after) for name, old, after in moved[0].changes}
    assert changes["total_reward"] == (Decimal(550000), Decimal(300000))  # the 优秀 streets' only
    assert "net_cost" in changes


def test_a_grade_cut_off_reform_moves_the_grades_of_a_score_case() -> None:
    # cut-offs of 95 / 90: every 南通 street of 2017-08 is 达标, none 优秀; the 金华
    # example drops from 达标 to 不达标 (86.80); the bond cases, whose grades are given,
    # do not move
    baseline = Policy.default()
    steps = [{"at_least": 95, "grade": "excellent"}, {"at_least": 90, "grade": "standard"}]
    new = baseline.reform({"assessment.grades.default": {"steps": steps, "below": "substandard"}})
    moved = {d.case.name: d for d in compare(ASSESSMENT, baseline=baseline, policy=new)}
    assert set(moved) == {
        "南通 2017-08: published totals and ranks",
        "南通 2017-08 without a tie rule: 钟秀 shares 4th place",
        "数字城管: 按期结案率 65% and 结案率 80% under the 金华 method",
    }
    changes = {n: (a, b) for n, a, b in moved["南通 2017-08: published totals and ranks"].changes}
    old, after = changes["grades"]
    assert isinstance(old, Mapping)
    assert isinstance(after, Mapping)
    assert {g.value for g in old.values()} == {"excellent"}
    assert {g.value for g in after.values()} == {"standard"}


def test_the_subjects_are_registered_with_their_outputs() -> None:
    assert {"totals", "grades", "ranks", "red_flag", "items"} <= set(SUBJECTS["score"].outputs)
    assert SUBJECTS["score"].outputs["totals"].numeric
    assert SUBJECTS["score"].outputs["items"].partial
    assert {"refunded", "forfeited", "reward", "total_paid_in"} <= set(SUBJECTS["bonds"].outputs)


# ------------------------------------------------------------------ the scoring fix


@pytest.mark.parametrize(
    ("rows", "field", "words"),
    [
        (
            {"findings": [{"unit": "a", "item": "x", "bogus": 1}]},
            "findings[0].bogus",
            "unknown key 'bogus'",
        ),
        ({"kpis": [{"unit": "a", "bogus": 3}]}, "kpis[0].bogus", "unknown key 'bogus'"),
        ({"findings": [{"item": "x"}]}, "findings[0]", "missing key 'unit'"),
        (
            {"tallies": [{"unit": "a", "name": "t", "count": 1, "of": -1}]},
            "tallies[0].of",
            "not a whole number",
        ),
    ],
)
def test_findings_built_from_plain_rows_raise_findings_errors_naming_the_table(
    rows: dict[str, list[dict[str, object]]], field: str, words: str
) -> None:
    # Findings(...) with a misspelt or missing key raised a bare TypeError
    with pytest.raises(FindingsError) as caught:
        Findings(**rows)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert words in str(caught.value)


def test_inline_findings_keep_the_rule_case_file_s_lines_for_scoring_errors(
    tmp_path: Path,
) -> None:
    text = """
[[cases]]
name = "an item the standard lacks"
subject = "score"
[cases.input]
standard = "nantong_long_term.toml"
[cases.input.findings]
marks = [
  { unit = "a", item = "system", value = 90 },
  { unit = "a", item = "sytem", value = 90 },
]
[cases.expected]
order = ["a"]
"""
    path = nantong(tmp_path, text)
    (result,) = run(path).results
    assert result.error is not None
    assert (result.error.file, result.error.line) == (str(path), 13)
    assert "did you mean 'system'?" in str(result.error)


def test_exact_numbers_are_fractions_and_money_is_decimal() -> None:
    (result,) = [r for r in run(ASSESSMENT).results if r.case.name.startswith("篇5")]
    assert result.values["total_paid_in"] == Decimal(1205000)
    assert result.case.expected["total_paid_in"] == Fraction(1205000)
    assert result.case.inputs["on"] == dt.date(2024, 12, 31)
