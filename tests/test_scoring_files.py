"""Standard and findings files: strict loading with path, line and did-you-mean, every
problem listed, round trips; the Policy's assessment section; the docs page runs."""

from __future__ import annotations

import doctest
import re
from decimal import Decimal
from pathlib import Path

import pytest

from urbangov import Policy
from urbangov.errors import FindingsError, PolicyError, StandardError
from urbangov.scoring import AssessmentRules, AssessmentStandard, Findings, score

DOCS = Path(__file__).resolve().parents[1] / "docs" / "scoring.md"

GOOD = """\
kind = "standard"
format_version = 1
id = "inspection"
total = 10

[[items]]
id = "roads"
name = "道路保洁"
points = 6

[[items.rules]]
kind = "per_finding"
found = { city = 0.3, district = 0.2 }

[[items]]
id = "markets"
points = 4

[[items.rules]]
kind = "per_case"
outcomes = { spill = 0.5 }
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", AssessmentStandard.bundled_names())
def test_bundled_standards_round_trip_byte_identical(tmp_path: Path, name: str) -> None:
    std = AssessmentStandard.bundled(name)
    path = tmp_path / f"{name}.toml"
    std.dump(path)
    again = AssessmentStandard.load(path)
    assert again == std
    assert again.dumps() == path.read_text(encoding="utf-8")
    assert AssessmentStandard.check_file(path) == ()


def test_a_misspelt_key_names_its_line_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", GOOD.replace("found = {", "fund = {"))
    with pytest.raises(
        StandardError, match=r"items\[0\]\.rules\[0\]\.fund: unknown key 'fund'"
    ) as info:
        AssessmentStandard.load(path)
    assert info.value.line == 13
    assert "did you mean 'found'?" in str(info.value)


def test_check_file_lists_every_problem_and_load_raises_the_first(tmp_path: Path) -> None:
    text = GOOD.replace("points = 6", "points = 6\ncolour = 1").replace(
        "spill = 0.5", 'spill = "0.5"'
    )
    path = write(tmp_path, "s.toml", text)
    problems = AssessmentStandard.check_file(path)
    assert [(p.field, p.line) for p in problems] == [
        ("items[0].colour", 10),
        ("items[1].rules[0].outcomes.spill", 22),
    ]
    with pytest.raises(StandardError) as info:
        AssessmentStandard.load(path)
    assert (info.value.field, info.value.line) == ("items[0].colour", 10)


def test_a_points_mismatch_names_the_level(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", GOOD.replace("total = 10", "total = 12"))
    (problem,) = AssessmentStandard.check_file(path)
    assert problem.field == "items"
    assert "add up to 10, not the total 12" in problem.message
    assert problem.file == str(path)


def test_header_is_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", GOOD.replace('kind = "standard"', 'kind = "findings"'))
    with pytest.raises(StandardError, match="expected kind 'standard'"):
        AssessmentStandard.load(path)


def test_unknown_bundled_name_suggests() -> None:
    with pytest.raises(StandardError, match="did you mean 'grid_worker'"):
        AssessmentStandard.bundled("grid_workers")


FINDINGS = """\
kind = "findings"
format_version = 1
period = "2024-05"
start = 2024-05-01
source = "monthly"

[[units]]
code = "320105001"
name = "南湖街道"
group = "core"

[[units]]
code = "320105002"
name = "滨湖街道"

[[findings]]
unit = "320105001"
item = "roads"
finder = "city"
id = "F-1"
note = "南湖路暴露垃圾"

[[findings]]
unit = "320105002"
item = "markets"
outcome = "spill"
count = 2
"""


def test_findings_toml_round_trip(tmp_path: Path) -> None:
    path = write(tmp_path, "f.toml", FINDINGS)
    found = Findings.load(path)
    assert [u.code for u in found.units] == ["320105001", "320105002"]
    assert found.findings[0].source.value == "monthly"  # the file's default source  # type: ignore[union-attr]
    assert Findings.loads(found.dumps()) == found
    sheets = score(found, AssessmentStandard.loads(GOOD))
    assert {c: s.total for c, s in sheets.items()} == {
        "320105001": Decimal("9.70"),
        "320105002": Decimal("9.00"),
    }
    assert "F-1, 南湖路暴露垃圾" in sheets["320105001"].explain()


def test_findings_errors_name_field_file_and_line(tmp_path: Path) -> None:
    text = FINDINGS.replace('finder = "city"', 'findr = "city"')
    text = text.replace('unit = "320105002"\nitem', 'unit = "320105009"\nitem')
    problems = Findings.check_file(write(tmp_path, "f.toml", text))
    # every problem, each at its key's line
    assert [(p.field, p.line) for p in problems] == [
        ("findings[0].findr", 19),
        ("findings[1].unit", 24),
    ]
    assert "did you mean 'finder'" in str(problems[0])
    assert "did you mean '320105002'" in str(problems[1])
    with pytest.raises(FindingsError) as info:
        Findings.load(tmp_path / "f.toml")
    assert info.value.line == 19


def test_a_finding_the_standard_cannot_score_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "f.toml", FINDINGS.replace('item = "roads"', 'item = "rods"'))
    with pytest.raises(FindingsError, match=r"did you mean 'roads'") as info:
        score(Findings.load(path), AssessmentStandard.loads(GOOD))
    assert (info.value.file, info.value.line) == (str(path), 16)  # the row's line


def test_findings_csv(tmp_path: Path) -> None:
    text = (
        "unit,item,finder,stage,outcome,count,unit_name,group\n"
        "320105001,roads,city,not_fixed,,,南湖街道,core\n"
        "320105001,roads,district,,,3,,\n"
        "320105002,markets,,,spill,1,滨湖街道,\n"
    )
    found = Findings.load(write(tmp_path, "f.csv", text))
    assert [(u.code, u.name, u.group) for u in found.units] == [
        ("320105001", "南湖街道", "core"),
        ("320105002", "滨湖街道", ""),
    ]
    assert [f.count for f in found.findings] == [1, 3, 1]
    bad = write(tmp_path, "bad.csv", "unit,item,findr\nu,roads,city\n")
    (problem,) = Findings.check_file(bad)
    assert "did you mean 'finder'" in str(problem)
    worse = write(tmp_path, "worse.csv", "unit,item,count\nu,roads,x\nu,roads,1\nu,roads,0\n")
    assert [p.line for p in Findings.check_file(worse)] == [2, 4]


def test_assessment_section_defaults_and_round_trip() -> None:
    policy = Policy.default()
    assert policy == Policy()
    assert Policy.loads(policy.dumps()) == policy
    assert isinstance(AssessmentRules.of(policy), AssessmentRules)
    text = policy.dumps().replace("red_list = 5", "red_list = -1")
    with pytest.raises(PolicyError, match=r"assessment\.red_list.*not a list length") as info:
        Policy.loads(text)
    assert info.value.line is not None
    with pytest.raises(PolicyError, match="did you mean 'grades'"):
        Policy.default().reform({"assessment.grade": {}})


def test_the_default_policy_comments_name_titles_not_internal_files() -> None:
    text = (
        Path(__file__).resolve().parents[1] / "src" / "urbangov" / "data" / "default_policy.toml"
    ).read_text("utf-8")
    section = text[text.index("[assessment]") - 200 :]
    assert "《城市管理协管员考核办法》篇5 §五(二)" in section
    assert not re.search(r"seed|RULES\.md|DESIGN\.md", section)


def test_docs_page_examples_run() -> None:
    text = "\n".join(
        "" if line.startswith("```") else line for line in DOCS.read_text("utf-8").splitlines()
    )
    test = doctest.DocTestParser().get_doctest(text, {}, "scoring.md", str(DOCS), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False
    )
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert len(test.examples) >= 15


def test_docs_page_toml_examples_are_valid(tmp_path: Path) -> None:
    blocks = re.findall(r"```toml\n(.*?)```", DOCS.read_text("utf-8"), re.S)
    assert blocks
    for i, block in enumerate(blocks):
        kind = re.search(r'^kind = "(\w+)"', block, re.M)
        assert kind is not None
        path = write(tmp_path, f"b{i}.toml", block)
        checker = (
            AssessmentStandard.check_file if kind.group(1) == "standard" else Findings.check_file
        )
        assert checker(path) == (), block[:80]


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    text = (
        'kind = "findings"\nformat_version = 1\n'
        '[[findings]]\nunit = "u"\nitem = "a"\nstage = "nope"\n'
        '[[findings]]\nunit = "u"\nitem = "b"\ncount = 0\n'
        '[[findings]]\nunit = "u"\n'
    )
    problems = Findings.check_file(write(tmp_path, "f.toml", text))
    assert [(p.field, p.line) for p in problems] == [
        ("findings[0].stage", 6),
        ("findings[1].count", 10),
        ("findings[2].item", 11),
    ]
    assert "use one of found, not_fixed, repeated" in str(problems[0])
