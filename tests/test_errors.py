"""Errors: one base class, messages naming field, file and line, pickling intact."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

import urbangov
from urbangov import errors

SRC = Path(urbangov.__file__).parent

#: Every error class urbangov.errors defines (the base and its subclasses).
DEFINED = sorted(
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.UrbangovError)
)


def _raised_in_src(name: str) -> bool:
    """``raise Name(`` somewhere in src, or Name passed as the class a helper raises
    (``error=Name``, ``error: type[...] = Name``), outside ``errors.py`` itself."""
    pattern = re.compile(rf"raise\s+{name}\b|\berror\b[^=\n]*=\s*{name}\b")
    return any(
        pattern.search(path.read_text(encoding="utf-8"))
        for path in SRC.rglob("*.py")
        if path.name != "errors.py"
    )


@pytest.mark.parametrize("name", DEFINED)
def test_every_error_class_is_raised_somewhere_and_exported(name: str) -> None:
    # An error class the library defines but never raises is not kept; every one it
    # raises is importable from urbangov itself.
    assert _raised_in_src(name), f"nothing in src/ raises {name}: remove it or raise it"
    assert name in urbangov.__all__
    assert getattr(urbangov, name) is getattr(errors, name)


def test_the_warning_is_exported() -> None:
    assert urbangov.ProvisionalCalendarWarning is errors.ProvisionalCalendarWarning
    assert "ProvisionalCalendarWarning" in urbangov.__all__


def test_calendar_error_is_importable_from_urbangov() -> None:
    from urbangov import CalendarError

    with pytest.raises(CalendarError):
        urbangov.TimeLimit.parse("4 workin hours")


@pytest.mark.parametrize("name", DEFINED)
def test_design_errors_are_exported_and_subclass_the_base(name: str) -> None:
    cls = getattr(urbangov, name)
    assert issubclass(cls, urbangov.UrbangovError)
    assert name in urbangov.__all__


def test_message_names_field_file_line_and_hint() -> None:
    err = errors.PolicyError("bad", field="a.b", file="p.toml", line=3, hint="fix it")
    assert str(err) == "a.b: bad (p.toml, line 3); fix it"


@pytest.mark.parametrize("name", DEFINED)
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
