"""What a rule case can test: a :class:`Subject` is one rule function with its inputs
and outputs declared (private; :mod:`urbangov.testing` re-exports the names).

A subject reads its ``[cases.input]`` table (strictly, every problem located), runs the
rule under a policy and returns an :class:`Outcome`: the value of every output it
computed and the explanation of the result (which rules produced it). The runner
compares the outputs a case expects with these, exactly, or within ``abs``/``rel`` for
outputs marked numeric. Adding a subject is one :class:`Subject` value in the registry
(``_subjects.py``; see ``docs/testing.md``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum, IntEnum
from fractions import Fraction
from typing import Any

import attrs

from urbangov._internal.documents import PathKey
from urbangov.calendar import TimeLimit
from urbangov.frozen import FrozenMap
from urbangov.policy import Policy
from urbangov.testing.readers import BAD, NONE_WORD, Parse, Reader

__all__ = ["Input", "Outcome", "Output", "Subject", "show"]


def _values(value: Mapping[str, object]) -> FrozenMap[str, object]:
    return FrozenMap(value)


def _inputs(value: Mapping[str, Input]) -> FrozenMap[str, Input]:
    return FrozenMap(value)


def _outputs(value: Mapping[str, Output]) -> FrozenMap[str, Output]:
    return FrozenMap(value)


@attrs.frozen
class Input:
    """One key of a subject's ``[cases.input]`` table: how to read it, whether it is
    required, and what it is (for the docs and for did-you-mean hints)."""

    parse: Parse = attrs.field(eq=False, repr=False)
    required: bool = False
    doc: str = ""
    needs: tuple[str, ...] = ()


@attrs.frozen
class Output:
    """One key a case may expect: how to read the expected value, whether ``abs`` and
    ``rel`` apply (numbers, or tables of numbers by unit), the inputs it needs
    (``overdue`` needs ``at``), and whether a table compares only the keys the case
    names (``partial``: a sheet's items) or every key."""

    parse: Parse = attrs.field(eq=False, repr=False)
    doc: str = ""
    numeric: bool = False
    needs: tuple[str, ...] = ()
    partial: bool = False


@attrs.frozen
class Outcome:
    """What a subject computed: the value of each output (``None`` for none) and the
    explanation — the rules that produced the result, in words."""

    values: FrozenMap[str, object] = attrs.field(converter=_values)
    explanation: str


InputReader = Callable[[Reader, Mapping[str, Any], PathKey], "dict[str, Any] | Any"]


@attrs.frozen
class Subject:
    """A rule function as rule cases see it.

    Parameters
    ----------
    name
        What ``subject = "…"`` says (``due_at``).
    summary
        One line for ``docs/testing.md`` and error hints.
    run
        ``run(inputs, policy) -> Outcome``: the rule, under the case's policy.
    inputs
        The keys of ``[cases.input]``.
    outputs
        The keys a case may expect (besides ``error``).
    aliases
        Other names for the subject (``deadline`` for ``due_at``).
    one_of
        Groups of inputs of which a case gives exactly one (``counts`` or ``cases``),
        or at most one when the group ends with ``None`` (``city`` or ``units``).
    read
        A reader of the whole input table replacing the per-key one (for subjects whose
        inputs are a case's own keys); it returns the inputs or ``BAD``.
    """

    name: str
    summary: str
    run: Callable[[Mapping[str, Any], Policy], Outcome] = attrs.field(eq=False, repr=False)
    inputs: FrozenMap[str, Input] = attrs.field(converter=_inputs, repr=False)
    outputs: FrozenMap[str, Output] = attrs.field(converter=_outputs, repr=False)
    aliases: tuple[str, ...] = ()
    one_of: tuple[tuple[str | None, ...], ...] = attrs.field(default=(), repr=False)
    read: InputReader | None = attrs.field(default=None, eq=False, repr=False)

    def read_inputs(self, reader: Reader, value: object, path: PathKey) -> Any:
        """The case's inputs, read strictly (``BAD`` after recording the problems)."""
        if not isinstance(value, Mapping):
            return reader.wrong(path, f"a table (the inputs of {self.name})", value)
        if self.read is not None:
            found = self.read(reader, value, path)
        else:
            fields = {name: (i.parse, i.required) for name, i in self.inputs.items()}
            found = reader.table(value, path, fields, f"the inputs of {self.name}")
        if found is BAD:
            return BAD
        for name, spec in self.inputs.items():
            missing = [n for n in spec.needs if name in found and n not in found]
            if missing:
                words = " and ".join(missing)
                return reader.problem(path, f"{name} needs {words}", f"add {missing[0]} = …")
        for group in self.one_of:
            names = [n for n in group if n is not None]
            given = [n for n in names if n in found]
            if len(given) > 1 or (not given and None not in group):
                words = " or ".join(names)
                return reader.problem(
                    path, f"give {'one' if not given else 'only one'} of {words}", None
                )
        return found


def show(value: object) -> str:
    """A value as the runner prints it: TOML-like, one line.

    >>> show(Fraction(3, 4)), show(None), show(True)
    ('3/4 (0.75)', 'none', 'true')
    >>> from urbangov.vocabulary import Level
    >>> show(Level.GRID), show({"a": 1, "b": None})
    ('grid', '{a = 1, b = none}')
    """
    if value is None:
        return NONE_WORD
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        shown = Decimal(value.numerator) / Decimal(value.denominator)
        return f"{value} ({shown.quantize(Decimal('0.000001')).normalize():f})"
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, IntEnum):  # Level, Severity: the word files use
        return value.name.lower()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, TimeLimit):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return repr(value) if value != value.strip() or not value else value
    return str(value)


def as_fraction(value: object) -> Fraction | None:
    """An actual number as an exact fraction (``None`` for a non-number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    return None


def numbers_agree(
    expected: Fraction | None, actual: object, abs_: Fraction | None, rel: Fraction | None
) -> bool:
    """Whether an actual number equals the expected one, or lies within ``abs_`` or
    ``rel`` (relative to the expected value) of it."""
    if expected is None or actual is None:
        return expected is None and actual is None
    found = as_fraction(actual)
    if found is None:
        return False
    gap = abs(found - expected)
    if gap == 0:
        return True
    if abs_ is not None and gap <= abs_:
        return True
    return rel is not None and gap <= rel * abs(expected)


def agrees(
    expected: object,
    actual: object,
    *,
    numeric: bool = False,
    partial: bool = False,
    abs_: Fraction | None = None,
    rel: Fraction | None = None,
) -> bool:
    """Whether an actual output matches the expected one: numbers within ``abs_`` or
    ``rel`` when ``numeric``, tables key by key (every key, or with ``partial`` the
    keys expected), anything else exactly (``None`` only for ``None``).

    >>> from fractions import Fraction as F
    >>> agrees({"a": F(9443, 100)}, {"a": Decimal("94.43")}, numeric=True)
    True
    >>> agrees({"a": F(9493, 100)}, {"a": Decimal("94.94")}, numeric=True, abs_=F(1, 100))
    True
    >>> agrees({"a": F(1)}, {"a": Decimal(1), "b": Decimal(2)}, numeric=True)
    False
    >>> agrees({"a": F(1)}, {"a": Decimal(1), "b": Decimal(2)}, numeric=True, partial=True)
    True
    """
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return False
        if partial:
            if any(key not in actual for key in expected):
                return False
        elif set(expected) != set(actual):
            return False
        return all(
            agrees(value, actual[key], numeric=numeric, abs_=abs_, rel=rel)
            for key, value in expected.items()
        )
    if numeric:
        return numbers_agree(expected, actual, abs_, rel)  # type: ignore[arg-type]
    return bool(expected == actual) and (expected is None) == (actual is None)
