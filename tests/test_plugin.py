"""The pytest plugin: *.rules.toml collected (and nothing else), one item per case,
failures shown as ``urbangov test`` shows them, short comparisons of policies and cases."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HEADER = 'kind = "rule-cases"\nformat_version = 1\n'
CASES = (
    HEADER
    + """
[[cases]]
name = "4 working hours"
subject = "due_at"
[cases.input]
category = "exposed_garbage"
dispatched = 2024-05-06T09:00:00+08:00
[cases.expected]
due = 2024-05-06T14:30:00+08:00

[[cases]]
name = "2 working hours"
subject = "due_at"
[cases.input]
category = "exposed_garbage"
dispatched = 2024-05-06T09:00:00+08:00
[cases.expected]
due = 2024-05-06T11:00:00+08:00
"""
)


def test_one_item_per_case_and_a_failure_explained(pytester: pytest.Pytester) -> None:
    pytester.makefile(".rules.toml", garbage=CASES)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*garbage.rules.toml::4 working hours PASSED*",
            "*garbage.rules.toml::2 working hours FAILED*",
            "*garbage.rules.toml:13: 2 working hours (due_at)",
            "  due: expected 2024-05-06T11:00:00+08:00, got 2024-05-06T14:30:00+08:00",
            "  because: limit 4 working hours: category 'exposed_garbage'*",
        ]
    )


def test_other_toml_is_never_collected(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", pyproject_like=CASES, cases=CASES)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_a_bad_file_is_a_collection_error_listing_its_problem(pytester: pytest.Pytester) -> None:
    pytester.makefile(".rules.toml", bad=CASES.replace('"due_at"', '"due_att"', 1))
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*cases?0?.subject: 'due_att' is not a subject*did you mean*"])


def test_urbangov_policy_runs_every_case_under_another_policy(pytester: pytest.Pytester) -> None:
    from urbangov import Policy

    pytester.makefile(".rules.toml", garbage=CASES)
    reformed = {"deadlines.categories.exposed_garbage.normal": "2 working hours"}
    Policy.default().reform(reformed).dump(pytester.path / "new.toml")
    result = pytester.runpytest("-p", "no:cacheprovider", "--urbangov-policy", "new.toml")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*garbage.rules.toml:4: 4 working hours (due_at)"])


def test_failed_equality_of_policies_shows_what_differs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from urbangov import Policy

        def test_same(urbangov_dispatched_case, urbangov_city):
            assert len(urbangov_city.grids()) == 4
            assert urbangov_dispatched_case().status.value == "dispatched"
            new = Policy.default().reform({"workflow.first_asked_until": "close"})
            assert Policy.default() == new
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*<Policy: the default> == <Policy: 1 change(s) from the default: "
            "workflow.first_asked_until>: 1 difference(s)",
            "*workflow.first_asked_until: dispatch → close",
        ]
    )
    assert "CalendarRules(" not in result.stdout.str()
