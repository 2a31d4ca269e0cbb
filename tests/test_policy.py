"""Tests of urbangov.policy (the real Policy) and the `validate` and `diff` commands.

The generic machinery is tested on fixture sections in test_params.py and
tests/properties/test_policy_properties.py; here the real sections are used.
"""

from __future__ import annotations

import pickle
import re
from datetime import date
from importlib import resources
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import urbangov
from urbangov.calendar import CalendarRules, TimeLimit, WorkSchedule
from urbangov.cases import WorkflowRules
from urbangov.cli import main
from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, structure
from urbangov.policy import Change, Policy, diff

DATA = resources.files("urbangov") / "data"
CORPUS = Path(__file__).parent / "fixtures" / "policies"
HEADER = 'kind = "policy"\nformat_version = 1\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------- the Policy


def test_public_names_are_exported() -> None:
    assert urbangov.Policy is Policy
    assert urbangov.Change is Change
    assert urbangov.diff is diff
    assert {"Policy", "Change", "diff"} <= set(urbangov.__all__)


def test_default_policy_file_equals_the_section_defaults() -> None:
    # The bundled file spells out every default; the sections' own defaults agree.
    assert Policy.default() == Policy()


def test_every_value_of_the_default_policy_is_commented() -> None:
    text = (DATA / "default_policy.toml").read_text(encoding="utf-8")
    commented = False
    depth = 0
    uncommented = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if depth:
            depth += stripped.count("[") - stripped.count("]")
            continue
        if not stripped:
            commented = False
        elif stripped.startswith("#"):
            commented = True
        elif re.match(r"^[A-Za-z_][\w.]*\s*=", stripped):
            if stripped.split("=")[0].strip() not in ("kind", "format_version") and not commented:
                uncommented.append(number)
            rest = stripped.split("=", 1)[1]
            depth = rest.count("[") - rest.count("]")
    assert uncommented == []


def test_dump_and_load_round_trip(tmp_path: Path) -> None:
    policy = Policy(calendar=CalendarRules(tz="Asia/Urumqi", holidays=(date(2025, 5, 6),)))
    path = tmp_path / "policy.toml"
    policy.dump(path)
    again = Policy.load(path)
    assert again == policy
    text = path.read_text(encoding="utf-8")
    assert again.dumps() == text  # a file urbangov wrote re-writes byte-identical
    assert text.startswith("# urbangov policy")
    assert '\nkind = "policy"\nformat_version = 1\n' in text


days = st.lists(st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31)), max_size=3)
real_policies = st.builds(
    Policy,
    calendar=st.builds(
        CalendarRules,
        schedule=st.sampled_from(
            [WorkSchedule.daily([("09:00", "12:00"), ("13:30", "18:00")]), WorkSchedule.always()]
        ),
        tz=st.sampled_from(["Asia/Shanghai", "Asia/Urumqi", "UTC"]),
        holidays=days.map(tuple),
        workdays=days.map(tuple),
        covers=st.lists(st.integers(min_value=2027, max_value=2030), max_size=2).map(tuple),
        provisional=st.booleans(),
    ),
    workflow=st.builds(
        WorkflowRules,
        close_without_verification=st.booleans(),
        first_asked_until=st.sampled_from(["dispatch", "handle", "close"]),
        queue_discipline=st.sampled_from(["fifo", "earliest_due"]),
    ),
)


@settings(max_examples=30)
@given(real_policies)
def test_real_policies_round_trip_through_toml(policy: Policy) -> None:
    text = policy.dumps()
    again = Policy.loads(text)
    assert again == policy
    assert again.dumps() == text


def test_policies_pickle() -> None:
    policy = Policy().reform({"calendar.covers": [2027], "workflow.first_asked_until": "handle"})
    assert pickle.loads(pickle.dumps(policy)) == policy


@attrs.frozen
class LimitTable:
    limits: FrozenMap[str, Dated[TimeLimit]] = attrs.field(default=FrozenMap())


def test_time_limits_follow_the_value_type_convention() -> None:
    table = structure({"limits": {"exposed_garbage": "4 working hours"}}, LimitTable)
    assert table.limits["exposed_garbage"] == Dated.always(TimeLimit.working_hours(4))
    with pytest.raises(PolicyError) as info:
        structure({"limits": {"exposed_garbage": "4 workin hours"}}, LimitTable)
    assert info.value.field == "limits.exposed_garbage"
    assert "4 workin hours" in info.value.message


def test_load_accepts_a_str_path(tmp_path: Path) -> None:
    Policy().dump(tmp_path / "p.toml")
    assert Policy.load(str(tmp_path / "p.toml")) == Policy()


def test_at_returns_a_policy_and_keeps_undated_values() -> None:
    policy = Policy.default()
    assert policy.at(date(2025, 3, 1)) == policy


def test_work_calendar_uses_the_calendar_section() -> None:
    # 2024-10-01 is National Day (国务院办公厅 2024 holiday notice); 2024-10-08 a Tuesday.
    cal = Policy().work_calendar()
    assert not cal.is_workday(date(2024, 10, 1))
    assert cal.is_workday(date(2024, 10, 8))
    extra = Policy().reform({"calendar.holidays": [date(2024, 10, 8)]}).work_calendar()
    assert not extra.is_workday(date(2024, 10, 8))


def test_reform_of_a_real_section_is_checked() -> None:
    policy = Policy()
    assert policy.reform({"calendar.tz": "Asia/Urumqi"}).calendar.tz == "Asia/Urumqi"
    with pytest.raises(PolicyError) as info:
        policy.reform({"calendar.tz": 8})
    assert info.value.field == "calendar.tz"
    with pytest.raises(PolicyError) as info:
        policy.reform({"calendar.holidays": ["2024-10-08"]})
    assert info.value.field == "calendar.holidays[0]"
    with pytest.raises(PolicyError) as info:
        policy.reform({"calendar.schedule": "nine to five"})
    assert (info.value.field or "").startswith("calendar.schedule")
    with pytest.raises(PolicyError) as info:
        policy.reform({"calendar.schedule": ["09:00-12:00", "13:00-99:00"]})
    assert info.value.field == "calendar.schedule[1]"
    with pytest.raises(PolicyError) as info:
        policy.reform({"calendar.provisonal": True})
    assert info.value.hint == "did you mean 'provisional'?"


def test_diff_names_the_reformed_parameter() -> None:
    old = Policy()
    new = old.reform({"calendar.tz": "Asia/Urumqi", "calendar.covers": [2027]})
    assert diff(old, new) == [
        Change("calendar.covers", (), (2027,)),
        Change("calendar.tz", "Asia/Shanghai", "Asia/Urumqi"),
    ]


def test_evolve_replaces_a_section() -> None:
    rules = CalendarRules(provisional=True)
    assert Policy().evolve(calendar=rules).calendar == rules
    with pytest.raises(PolicyError, match="unknown key 'calender'"):
        Policy().evolve(calender=rules)


def test_loading_a_bad_policy_names_file_line_and_path(tmp_path: Path) -> None:
    path = write(tmp_path, "p.toml", HEADER + "\n[calendar]\ntz = 8\nprovisonal = true\n")
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    problems = info.value.problems
    assert [(p.field, p.line, p.file) for p in problems] == [
        ("calendar.tz", 5, str(path)),
        ("calendar.provisonal", 6, str(path)),
    ]


# ----------------------------------------------------------------- urbangov validate


def test_validate_passes_valid_files(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    Policy().dump(policy)
    files = [str(policy), str(DATA / "sample_district.toml"), str(DATA / "taxonomy.toml")]
    result = CliRunner().invoke(main, ["validate", *files])
    assert result.exit_code == 0, result.output
    assert "3 file(s) checked: 3 valid, 0 problem(s)" in result.output


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.toml", HEADER + "\n[calendar]\ntz = 8\nprovisonal = true\n")
    good = tmp_path / "good.toml"
    Policy().dump(good)
    result = CliRunner().invoke(main, ["validate", str(bad), str(good)])
    assert result.exit_code == 1
    assert f"✗ {bad}:5: calendar.tz: expected a string" in result.output
    assert f"✗ {bad}:6: calendar.provisonal: unknown key" in result.output
    assert "did you mean 'provisional'?" in result.output
    assert "2 file(s) checked: 1 valid, 2 problem(s) in 1 file(s)" in result.output


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.toml", "the file is empty"),
        ("not_utf8.toml", "not valid UTF-8"),
        ("wrong_format_version.toml", "unsupported format_version"),
        ("missing_kind.toml", "has no kind"),
    ],
)
def test_validate_reports_broken_files(name: str, words: str) -> None:
    result = CliRunner().invoke(main, ["validate", str(CORPUS / name)])
    assert result.exit_code == 1
    assert words in result.output


def test_validate_of_a_non_utf8_policy_names_the_key() -> None:
    path = CORPUS / "not_utf8.toml"
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"✗ {path}:5: workflow.note: the file is not valid UTF-8" in result.output


def test_validate_names_the_kinds_it_reads_for_an_unknown_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "s.toml", 'kind = "weather"\nformat_version = 1\n')
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "does not read files of kind 'weather'" in result.output
    assert (
        "known kinds: calendar, calibration-target, city, findings, policy, rule-cases, standard, "
        "taxonomy" in result.output
    )


def test_validate_checks_a_city_files_organisation(tmp_path: Path) -> None:
    # A duty rule whose lead is no department: load_city rejects it, so validate must.
    path = write(
        tmp_path,
        "c.toml",
        'kind = "city"\nformat_version = 1\n[[units]]\ncode = "320105"\nname = "建邺区"\n'
        'level = "district"\n[[organisation.departments]]\ncode = "bureau"\n'
        'name = "区市容局"\nkind = "bureau"\n[[organisation.duties]]\n'
        'domain = "sanitation"\nterritory = "320105"\nlead = "bureaux"\n',
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "'bureaux' is not a department" in result.output
    assert "Traceback" not in result.output


def test_validate_dispatches_city_files_to_the_hierarchy_checker(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "city.toml",
        'kind = "city"\nformat_version = 1\n[[units]]\ncode = "320101"\nname = "x"\n'
        'level = "city"\n',
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "320101" in result.output


# ----------------------------------------------------------------- urbangov diff


def test_diff_command_prints_the_changes(tmp_path: Path) -> None:
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    Policy().dump(old)
    Policy().reform({"calendar.tz": "Asia/Urumqi"}).dump(new)
    result = CliRunner().invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert "calendar.tz" in result.output
    assert '"Asia/Shanghai"' in result.output
    assert '"Asia/Urumqi"' in result.output
    assert "1 change(s)" in result.output


def test_diff_command_of_equal_policies(tmp_path: Path) -> None:
    Policy().dump(tmp_path / "a.toml")
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "a.toml"), str(DATA / "default_policy.toml")]
    )
    assert result.exit_code == 0
    assert "The policies are the same." in result.output


def test_diff_command_fails_on_a_bad_file(tmp_path: Path) -> None:
    Policy().dump(tmp_path / "a.toml")
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "a.toml"), str(CORPUS / "empty.toml")]
    )
    assert result.exit_code == 1
    assert "the file is empty" in result.output


def test_validate_lists_every_problem_of_calendar_and_taxonomy_files(tmp_path: Path) -> None:
    calendar = write(
        tmp_path,
        "cal.toml",
        'kind = "calendar"\nformat_version = 1\ncolour = "red"\ntz = "Mars/Base"\n',
    )
    taxonomy = write(
        tmp_path,
        "tax.toml",
        'kind = "taxonomy"\nformat_version = 1\n[[categories]]\nslug = "x"\nname = "x"\n'
        'kind = "evnt"\ncode = "0102"\ndomain = "sanitation"\n[[categories]]\nslug = "y"\n',
    )
    result = CliRunner().invoke(main, ["validate", str(calendar), str(taxonomy)])
    assert result.exit_code == 1
    assert f"✗ {calendar}:3: colour: unknown key" in result.output
    assert f"✗ {calendar}:4: tz: 'Mars/Base'" in result.output
    assert f"✗ {taxonomy}:6: categories[0].kind:" in result.output
    assert f"✗ {taxonomy}:9: categories[1]: missing key" in result.output
    assert "2 file(s) checked: 0 valid" in result.output


# ------------------------------------------------------------------ bad input, located


def test_a_sections_own_checks_run_while_a_sibling_field_is_wrong(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.toml",
        HEADER + '[calendar]\ntz = "Mars/Base"\nprovisional = "yes"\nschedule = ["09:00-25:00"]\n',
    )
    problems = Policy.check_file(path)
    assert sorted((p.field, p.line) for p in problems) == [
        ("calendar.provisional", 5),
        ("calendar.schedule[0]", 6),
        ("calendar.tz", 4),
    ]


@pytest.mark.parametrize("version", ["1.0", '"1"', "true", "2"])
def test_format_version_is_the_integer_1(tmp_path: Path, version: str) -> None:
    path = write(tmp_path, "p.toml", f'kind = "policy"\nformat_version = {version}\n')
    (problem,) = Policy.check_file(path)
    assert (problem.field, problem.line) == ("format_version", 2)


def test_a_missing_format_version_names_a_line(tmp_path: Path) -> None:
    (problem,) = Policy.check_file(write(tmp_path, "p.toml", 'kind = "policy"\n'))
    assert (problem.field, problem.line) == ("format_version", 1)


def test_a_syntax_error_names_the_key_on_its_own_line_or_none(tmp_path: Path) -> None:
    text = HEADER + '[workflow]\nclose_without_verification = false\nfirst_asked_until = "x\n'
    (problem,) = Policy.check_file(write(tmp_path, "p.toml", text))
    assert (problem.field, problem.line) == ("workflow.first_asked_until", 5)
    text = HEADER + "[workflow]\nclose_without_verification = false\n!!!\n"
    (problem,) = Policy.check_file(write(tmp_path, "q.toml", text))
    assert (problem.field, problem.line) == (None, 5)  # not the key before it


def test_a_truncated_file_names_its_last_line(tmp_path: Path) -> None:
    text = HEADER + "[deadlines]\nwarning_points = [0.5,\n"
    (problem,) = Policy.check_file(write(tmp_path, "p.toml", text))
    assert (problem.field, problem.line) == ("deadlines.warning_points", 4)
    assert "ends before" in problem.message


def test_a_byte_order_mark_is_ignored_as_in_case_logs(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(
        b"\xef\xbb\xbf" + (HEADER + "[workflow]\nfirst_asked_until = 'close'\n").encode()
    )
    assert Policy.load(path).workflow.first_asked_until == "close"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "[workflow]\ncolour = 1\n").encode())
    (problem,) = Policy.check_file(path)
    assert (problem.field, problem.line) == ("workflow.colour", 4)


@pytest.mark.parametrize(
    "limit",
    [
        '"10000000000000000000000000000 working days"',
        '"100000000000000000000 working days"',
        '{ amount = "4", unit = "working_hours" }',
        '{ amount = 1e400, unit = "hours" }',
    ],
)
def test_bad_time_limits_in_a_policy_are_policy_errors(tmp_path: Path, limit: str) -> None:
    text = HEADER + f"[deadlines.categories.exposed_garbage]\nnormal = {limit}\n"
    problems = Policy.check_file(write(tmp_path, "p.toml", text))
    assert len(problems) == 1
    assert isinstance(problems[0], PolicyError)
    assert problems[0].line == 4
    assert str(problems[0].field).startswith("deadlines.categories.exposed_garbage.normal")
