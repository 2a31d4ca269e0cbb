"""Rule-case files and their runner (urbangov.testing): strict located loading, exact
comparison, tolerances, expected errors, explanations naming the rule, policy overrides
and baseline comparison, the subject registry."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from urbangov import Policy, RuleCaseError, files
from urbangov.testing import (
    SUBJECTS,
    Input,
    Outcome,
    Output,
    Subject,
    check_rule_cases,
    compare,
    dispatched_case,
    load_rule_cases,
    run,
    short_repr,
    small_city,
    subject_named,
)
from urbangov.testing import readers as reader

FIXTURES = Path(__file__).parent / "fixtures" / "rule_cases"
INVALID = FIXTURES / "invalid"
SH = ZoneInfo("Asia/Shanghai")
HEADER = 'kind = "rule-cases"\nformat_version = 1\n\n'

DUE_CASE = """
[[cases]]
name = "exposed garbage in the strict zone"
subject = "due_at"
[cases.input]
category = "exposed_garbage"
zone = "strict"
dispatched = 2024-05-06T09:00:00+08:00
[cases.expected]
due = {due}
"""


def write(tmp_path: Path, text: str, name: str = "cases.rules.toml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def test_the_fixture_file_passes_every_case() -> None:
    report = run(FIXTURES / "deadlines.rules.toml")
    assert len(report.results) == 10
    assert report.ok, "\n".join(r.message() for r in report.failed)


def test_a_folder_runs_every_rules_file_in_it_and_no_other_toml() -> None:
    report = run(FIXTURES)  # invalid/ holds *.toml files not named *.rules.toml
    names = {"assessment.rules.toml", "deadlines.rules.toml", "governance.rules.toml"}
    assert {r.case.file for r in report.results} == {str(FIXTURES / n) for n in names}


def test_the_escalation_and_assessment_fixture_passes_every_case() -> None:
    report = run(FIXTURES / "governance.rules.toml")
    assert len(report.results) == 7
    assert report.ok, "\n".join(r.message() for r in report.failed)
    subjects = {r.case.subject.name for r in report.results}
    assert subjects == {"handling_level", "escalation_state", "grade", "rank"}


def test_a_ranking_case_shows_both_tables_and_the_rules(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "b is second"
subject = "ranking"
[cases.input]
scores = { a = 95, b = 94.999, c = 90 }
[cases.expected]
ranks = { a = 1, b = 2, c = 3 }
red_flag = ["a"]
"""
    (result,) = run(write(tmp_path, text)).results
    assert not result.passed
    assert [str(m) for m in result.mismatches] == [
        "ranks: expected {a = 1, b = 2, c = 3}, got {a = 1, b = 1, c = 3}",
        "red_flag: expected [a], got [a, b]",
    ]
    assert "assessment.ranking_precision = 0.01" in result.message()


def test_the_handling_level_follows_the_severity_given(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "major"
subject = "handling_level"
[cases.input]
category = "exposed_garbage"
dispatched = 2024-05-06T09:00:00+08:00
severity = "major"
[cases.expected]
level = "grid"
"""
    (result,) = run(write(tmp_path, text)).results
    assert [str(m) for m in result.mismatches] == ["level: expected grid, got street"]
    assert "handled at the street level (街道): 320105001 南湖街道" in result.message()


@pytest.mark.parametrize(
    ("inputs", "field", "line", "words"),
    [
        ('scores = { a = "lots" }', "cases[0].input.scores.a", 9, "expected a number"),
        ("scores = [90, 80]", "cases[0].input.scores", 9, "expected a table"),
        ("scores = {}\nscore = 1", "cases[0].input.score", 10, "did you mean 'scores'?"),
    ],
)
def test_bad_ranking_inputs_are_located(
    tmp_path: Path, inputs: str, field: str, line: int, words: str
) -> None:
    text = f"""
[[cases]]
name = "bad"
subject = "rank"
[cases.input]
{inputs}
[cases.expected]
order = []
"""
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(write(tmp_path, text))
    assert caught.value.field == field
    assert caught.value.line == line
    assert words in str(caught.value)


def test_every_subject_is_in_the_docs_table() -> None:
    page = (Path(__file__).parents[1] / "docs" / "testing.md").read_text(encoding="utf-8")
    for name in SUBJECTS:
        assert f"| `{name}`" in page, f"docs/testing.md lists no subject {name!r}"


# ------------------------------------------------------------------ strict loading

INVALID_FILES = {
    # file: (dotted field, line, words of the message)
    "unknown_subject.toml": ("cases[0].subject", 6, "did you mean 'due_at'?"),
    "unknown_output.toml": ("cases[0].expected.deu", 11, "did you mean 'due'?"),
    "naive_time.toml": ("cases[0].input.dispatched", 9, "has no UTC offset"),
    "bad_reform.toml": ("cases[0].policy", 7, "exposed_garbag"),
    "unquoted_reform.toml": ("cases[0].policy.reform.deadlines", 7, "quote the dotted path"),
    "unknown_error.toml": ("cases[0].expected.error", 12, "did you mean 'TransitionError'?"),
    "duplicate_name.toml": ("cases[1].name", 13, "two cases are named 'same name'"),
    "bad_history.toml": ("cases[0].input.history[1]", 11, "not allowed in state accepted"),
    "output_needs_input.toml": ("cases[0].expected.overdue", 11, "needs the input 'at'"),
    "both_inputs.toml": ("cases[0].input", 7, "give only one of counts or cases"),
    "bad_syntax.toml": ("cases[0].subject", 6, "not valid TOML"),
    "no_expected.toml": ("cases[0]", 4, "has no [expected] table"),
}


@pytest.mark.parametrize("name", sorted(INVALID_FILES))
def test_a_bad_file_is_a_located_rule_case_error(name: str) -> None:
    field, line, words = INVALID_FILES[name]
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(INVALID / name)
    error = caught.value
    assert (error.field, error.line, error.file) == (field, line, str(INVALID / name))
    assert words in str(error)


def test_every_invalid_fixture_is_listed() -> None:
    assert {p.name for p in INVALID.glob("*.toml")} == set(INVALID_FILES)


@pytest.mark.parametrize("name", sorted(INVALID_FILES))
def test_check_finds_problems_exactly_when_load_fails(name: str) -> None:
    assert check_rule_cases(INVALID / name)
    assert files.check(INVALID / name)[0] == "rule-cases"


def test_a_valid_file_has_no_problems_and_loads_through_the_registry() -> None:
    path = FIXTURES / "deadlines.rules.toml"
    assert check_rule_cases(path) == ()
    assert files.check(path) == ("rule-cases", ())
    assert len(files.load(path, "rule-cases")) == 10


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    text = DUE_CASE.format(due='"none"').replace('"due_at"', '"due_att"')
    text += DUE_CASE.format(due="2024-05-06").replace("strict zone", "second")
    with pytest.raises(RuleCaseError) as caught:
        load_rule_cases(write(tmp_path, text))
    assert [p.field for p in caught.value.problems] == ["cases[0].subject", "cases[1].expected.due"]


def test_unknown_top_level_and_case_keys_have_suggestions(tmp_path: Path) -> None:
    text = DUE_CASE.format(due='"none"').replace('subject = "due_at"', 'subjct = "due_at"')
    problems = check_rule_cases(write(tmp_path, "polcy = 'x.toml'\n" + text))
    hints = {p.field: p.hint for p in problems}
    assert hints["polcy"] == "did you mean 'policy'?"
    assert hints["cases[0].subjct"] == "did you mean 'subject'?"


def test_a_policy_path_that_does_not_exist_is_located(tmp_path: Path) -> None:
    (problem,) = check_rule_cases(
        write(tmp_path, 'policy = "nowhere.toml"\n' + DUE_CASE.format(due='"none"'))
    )
    assert (problem.field, problem.line) == ("policy", 4)
    assert "no file 'nowhere.toml'" in problem.message


# ------------------------------------------------------------------ comparison and explanations


def test_a_failing_due_time_names_the_limit_row_and_tier(tmp_path: Path) -> None:
    (result,) = run(write(tmp_path, DUE_CASE.format(due="2024-05-06T11:00:00+08:00"))).results
    assert not result.passed
    assert str(result.mismatches[0]) == (
        "due: expected 2024-05-06T11:00:00+08:00, got 2024-05-06T14:30:00+08:00"
    )
    message = result.message()
    assert message.startswith(f"{tmp_path / 'cases.rules.toml'}:5: exposed garbage in the strict")
    assert "category 'exposed_garbage'" in message
    assert "tier strict (严管区)" in message


def test_aware_datetimes_compare_as_instants(tmp_path: Path) -> None:
    # 14:30 in Shanghai is 06:30 UTC: the same instant, written another way
    (result,) = run(write(tmp_path, DUE_CASE.format(due="2024-05-06T06:30:00Z"))).results
    assert result.passed


def test_a_failing_transition_names_the_table_row(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "close straight after handling"
subject = "transition"
[cases.input]
category = "exposed_garbage"
dispatched = 2024-05-06T09:00:00+08:00
event = { event = "handle", at = 2024-05-06T10:00:00+08:00 }
[cases.expected]
status = "closed"
"""
    (result,) = run(write(tmp_path, text)).results
    assert str(result.mismatches[0]) == "status: expected closed, got handled"
    assert (
        "transition table row dispatched (派遣) --handle (处置反馈)--> handled" in result.message()
    )


def test_a_city_without_verification_closes_straight_from_handled(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "no separate verification"
subject = "transition"
policy = { reform = { "workflow.close_without_verification" = true } }
[cases.input]
category = "exposed_garbage"
history = [
  { event = "accept", at = 2024-05-06T09:00:00+08:00 },
  { event = "file", at = 2024-05-06T09:00:00+08:00 },
  { event = "dispatch", at = 2024-05-06T09:00:00+08:00, department = "street_office" },
  { event = "handle", at = 2024-05-06T10:00:00+08:00 },
]
event = { event = "close", at = 2024-05-06T11:00:00+08:00 }
[cases.expected]
status = "closed"
allowed = []
"""
    assert run(write(tmp_path, text)).ok


def test_an_unexpected_error_fails_and_shows_its_message(tmp_path: Path) -> None:
    text = DUE_CASE.format(due='"none"').replace('"exposed_garbage"', '"暴露垃圾桶"')
    (result,) = run(write(tmp_path, text)).results
    assert not result.passed
    assert str(result.mismatches[0]) == "error: expected none, got CaseError"
    assert "raised CaseError" in result.message()


def test_an_expected_error_of_another_class_fails(tmp_path: Path) -> None:
    text = DUE_CASE.format(due='"none"').replace('due = "none"', 'error = "KpiError"')
    (result,) = run(write(tmp_path, text)).results
    assert str(result.mismatches[0]) == "error: expected KpiError, got none"


KPI_CASE = """
[[cases]]
name = "a published week"
subject = "kpi"
{tolerance}
[cases.input]
counts = {{ received = 51571, filed = 51229, due = 52434, closed = 43523, closed_on_time = 40394 }}
[cases.expected]
on_time_rate = {value}
"""


@pytest.mark.parametrize(
    ("tolerance", "value", "passes"),
    [
        ("", '"40394/52434"', True),  # exact
        ("", "0.7704", False),  # the rounded figure is not the exact rate
        ("abs = 0.00005", "0.7704", True),
        ("abs = 0.000001", "0.7704", False),
        ("rel = 0.0001", "0.7704", True),
        ("", "{ value = 0.77, abs = 0.005 }", True),  # a tolerance on the output itself
    ],
)
def test_numbers_are_exact_unless_a_tolerance_is_given(
    tmp_path: Path, tolerance: str, value: str, passes: bool
) -> None:
    # 郑州 week of 2019-04-08..14: on time 40394 of 52434 due (tests/published)
    text = KPI_CASE.format(tolerance=tolerance, value=value)
    (result,) = run(write(tmp_path, text)).results
    assert result.passed is passes
    assert (
        "on_time_rate = closed_on_time/due = 40394/52434 (kpi.on_time_rate)" in result.explanation
    )


def test_kpi_counts_of_a_small_case_log(tmp_path: Path) -> None:
    text = """
[[cases]]
name = "one on time, one late"
subject = "kpi"
[cases.input]
start = 2024-05-06T00:00:00+08:00
end = 2024-05-07T00:00:00+08:00
cases = [
  { category = "dirty_road", history = [
      { event = "accept", at = 2024-05-06T09:00:00+08:00 },
      { event = "file", at = 2024-05-06T09:00:00+08:00 },
      { event = "dispatch", at = 2024-05-06T09:00:00+08:00, department = "street_office" },
      { event = "handle", at = 2024-05-06T10:00:00+08:00 },
      { event = "verify_pass", at = 2024-05-06T10:30:00+08:00 },
      { event = "close", at = 2024-05-06T10:30:00+08:00 } ] },
  { category = "dirty_road", dispatched = 2024-05-06T09:00:00+08:00 },
]
[cases.expected]
due = 2
closed = 1
closed_on_time = 1
on_time_percent = 50
"""
    (result,) = run(write(tmp_path, text)).results
    assert result.passed, result.message()
    assert "case-2: due 2024-05-06T11:00:00+08:00" in result.explanation


# ------------------------------------------------------------------ policies


def test_a_file_wide_policy_and_a_case_reform_from_a_date(tmp_path: Path) -> None:
    Policy.default().reform(
        {"deadlines.categories.exposed_garbage.normal": "3 working hours"}
    ).dump(tmp_path / "city.toml")
    text = 'policy = "city.toml"\n' + DUE_CASE.format(due="2024-05-06T12:00:00+08:00")
    text += """
[[cases]]
name = "from 2025 on, 1 working hour"
subject = "due_at"
[cases.policy]
reform = { "deadlines.categories.exposed_garbage.normal" = "1 working hours" }
valid_from = 2025-01-01
[cases.input]
category = "exposed_garbage"
dispatched = 2024-12-31T09:00:00+08:00
[cases.expected]
due = 2024-12-31T12:00:00+08:00
"""
    assert run(write(tmp_path, text)).ok  # the reform is not in force on 2024-12-31


def test_policy_replaces_the_base_but_not_a_case_pinned_to_its_own_file(tmp_path: Path) -> None:
    Policy.default().dump(tmp_path / "old.toml")
    text = DUE_CASE.format(due="2024-05-06T14:30:00+08:00")
    text += (
        DUE_CASE.format(due="2024-05-06T14:30:00+08:00")
        .replace("in the strict zone", "pinned")
        .replace('subject = "due_at"', 'subject = "due_at"\npolicy = "old.toml"')
    )
    new = Policy.default().reform(
        {"deadlines.categories.exposed_garbage.normal": "2 working hours"}
    )
    path = write(tmp_path, text)
    report = run(path, policy=new)
    assert [r.passed for r in report.results] == [False, True]
    (moved,) = compare(path, baseline=Policy.default(), policy=new)
    assert moved.case.name == "exposed garbage in the strict zone"
    assert moved.changes[0][0] == "due"
    assert (moved.changes[0][1].hour, moved.changes[0][2].hour) == (14, 11)
    assert ("limit", moved.changes[1][1], moved.changes[1][2]) == moved.changes[1]


def test_the_same_policy_twice_moves_no_case() -> None:
    policy = Policy.default()
    assert compare(FIXTURES, baseline=policy, policy=policy) == ()


# ------------------------------------------------------------------ the registry


def test_every_subject_names_its_outputs_and_aliases_resolve() -> None:
    assert set(SUBJECTS) == {
        *("due_at", "transition", "kpi", "permits", "zone", "working_time"),
        *("handling_level", "escalation_state", "grade", "rank", "score", "bonds"),
    }
    for subject in SUBJECTS.values():
        assert subject.outputs
        assert subject.summary
    assert subject_named("deadline") is SUBJECTS["due_at"]
    assert subject_named("ranking") is SUBJECTS["rank"]
    assert subject_named("escalation") is SUBJECTS["escalation_state"]
    assert subject_named("tier_of") is SUBJECTS["zone"]
    assert subject_named("scores") is SUBJECTS["score"]
    assert subject_named("bond_ledger") is SUBJECTS["bonds"]
    assert subject_named("scoring") is None


def test_a_new_subject_is_one_entry(tmp_path: Path) -> None:
    # what adding handling_level or score looks like: a run function and an entry
    def double(inputs: dict[str, object], policy: Policy) -> Outcome:
        return Outcome({"twice": 2 * inputs["count"]}, "count × 2 (the doubling rule)")

    doubling = Subject(
        "double",
        "twice a count",
        double,
        {"count": Input(reader.count, required=True)},
        {"twice": Output(reader.count)},
    )
    text = '[[cases]]\nname = "two"\nsubject = "double"\n[cases.input]\ncount = 2\n'
    text += "[cases.expected]\ntwice = 5\n"
    subjects = {**SUBJECTS, "double": doubling}
    (result,) = run(write(tmp_path, text), subjects=subjects).results
    assert result.message().splitlines()[1:] == [
        "  twice: expected 5, got 4",
        "  because: count × 2 (the doubling rule)",
    ]


# ------------------------------------------------------------------ fixtures and reprs


def test_short_reprs_of_policies_and_cases() -> None:
    policy = Policy.default().reform({"workflow.first_asked_until": "close"})
    assert (
        short_repr(policy) == "<Policy: 1 change(s) from the default: workflow.first_asked_until>"
    )
    case = dispatched_case(zone="strict", then=[("handle", dt.datetime(2024, 5, 6, 11, tzinfo=SH))])
    assert short_repr(case) == (
        "<Case C1 exposed_garbage handled, 4 events, grid 320105001001001, zone strict>"
    )
    assert len(repr(load_rule_cases(FIXTURES / "deadlines.rules.toml").cases[0])) < 160


def test_the_small_city_puts_its_main_road_street_in_the_strict_zone(tmp_path: Path) -> None:
    from urbangov import zones

    assert zones.tier_of("320105001", small_city(), Policy.default()).value == "strict"
    assert zones.tier_of("320105002", small_city(), Policy.default()).value == "control"


def test_the_runner_and_the_plugin_import_without_hypothesis() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import urbangov.testing, urbangov.testing.plugin\n"
        f"print(urbangov.testing.run({str(FIXTURES)!r}).ok)\n"
        "from urbangov.errors import MissingExtraError\n"
        "try:\n"
        "    urbangov.testing.strategies\n"
        "except MissingExtraError as exc:\n"
        "    print('missing:', exc.hint)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "True",
        "missing: install it with: pip install 'urbangov[testing]'",
    ]
