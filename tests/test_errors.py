"""Errors: one base class, messages naming field, file and line, pickling intact."""

from __future__ import annotations

import pickle

import pytest

import urbangov
from urbangov import errors

DESIGN_ERRORS = [
    "UrbangovError",
    "HierarchyError",
    "OrganisationError",
    "PolicyError",
    "CalendarCoverageError",
    "NaiveDatetimeError",
    "TransitionError",
    "CaseError",
    "CaseLogError",
    "StandardError",
    "RuleCaseError",
]


@pytest.mark.parametrize("name", DESIGN_ERRORS)
def test_design_errors_are_exported_and_subclass_the_base(name: str) -> None:
    cls = getattr(urbangov, name)
    assert issubclass(cls, urbangov.UrbangovError)
    assert name in urbangov.__all__


def test_message_names_field_file_line_and_hint() -> None:
    err = errors.PolicyError("bad", field="a.b", file="p.toml", line=3, hint="fix it")
    assert str(err) == "a.b: bad (p.toml, line 3); fix it"


@pytest.mark.parametrize("name", DESIGN_ERRORS)
def test_errors_pickle_with_their_parts(name: str) -> None:
    cls = getattr(errors, name)
    err = cls("bad", field="x", file="f.toml", line=9, hint="h")
    again = pickle.loads(pickle.dumps(err))
    assert type(again) is cls
    assert (again.field, again.file, again.line, again.hint) == ("x", "f.toml", 9, "h")
    assert str(again) == str(err)


def test_located_adds_a_location() -> None:
    err = errors.HierarchyError("dup", field="320100").located(file="c.toml", line=4)
    assert (err.file, err.line) == ("c.toml", 4)
    assert isinstance(err, errors.HierarchyError)


def test_provisional_warning_is_a_user_warning() -> None:
    assert issubclass(errors.ProvisionalCalendarWarning, UserWarning)


def test_policy_error_keeps_every_problem_across_pickling() -> None:
    err = errors.PolicyError("2 problems", field="a", file="p.toml", line=1)
    err.problems = (
        errors.PolicyError("bad", field="a.b", file="p.toml", line=3),
        errors.PolicyError("worse", field="c", file="p.toml", line=7),
    )
    again = pickle.loads(pickle.dumps(err))
    assert [(p.field, p.line) for p in again.problems] == [("a.b", 3), ("c", 7)]
    assert str(again) == str(err)
