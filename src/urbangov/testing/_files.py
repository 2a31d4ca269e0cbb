"""Rule-case files (``kind = "rule-cases"``, named ``*.rules.toml``): strict loading
(private; :mod:`urbangov.testing` re-exports the names).

A file holds an optional file-wide ``[policy]`` and an array ``[[cases]]``; each case has
a ``name``, a ``subject`` (see ``_subjects.py``), an optional ``policy``, an ``[input]``
table and an ``[expected]`` table (outputs, or ``error = "ErrorClass"``), with ``abs``
and ``rel`` tolerances for numbers. Every problem of a file is collected and raised as
one :class:`~urbangov.errors.RuleCaseError`, each naming the dotted key, the file and
the line. See ``docs/testing.md`` for the format.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from urbangov import errors
from urbangov._internal.documents import PathKey, read_document
from urbangov.errors import PolicyError, RuleCaseError, UrbangovError, combine
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.policy import Policy
from urbangov.testing import readers as r
from urbangov.testing._subject import Subject
from urbangov.testing._subjects import SUBJECTS, subject_named
from urbangov.testing.readers import BAD, Reader

__all__ = [
    "ERROR_NAMES",
    "PolicySpec",
    "RuleCase",
    "RuleCaseFile",
    "check_rule_cases",
    "load_rule_cases",
    "policy_of",
]

KIND = "rule-cases"

ERROR_NAMES: tuple[str, ...] = tuple(
    name
    for name in errors.__all__
    if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), UrbangovError)
)
"""The error classes a case may expect (``error = "TransitionError"``)."""


def _frozen(value: object) -> object:
    """A hashable stand-in for TOML data (for the policy cache's keys)."""
    if isinstance(value, Mapping):
        return tuple((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


@attrs.frozen
class PolicySpec:
    """The policy a file or a case names: a ``path`` (resolved, or ``None``: inherit) and
    a ``reform`` (dotted path → value, applied in order) from ``valid_from``."""

    path: Path | None = None
    reform: tuple[tuple[str, object], ...] = ()
    valid_from: _dt.date | None = None
    line: int | None = attrs.field(default=None, eq=False)

    def key(self) -> object:
        return (self.path, _frozen(self.reform), self.valid_from)


@functools.cache
def _default_policy() -> Policy:
    """The bundled default policy, read once (an immutable value)."""
    return Policy.default()


def policy_of(
    file_spec: PolicySpec,
    case_spec: PolicySpec,
    base: Policy | None = None,
    cache: dict[object, Policy] | None = None,
) -> Policy:
    """The policy a case runs under.

    It starts from the case's own ``path`` when it names one (pinned: ``base`` does not
    replace it), else from ``base`` (``urbangov test --policy NEW``), else from the
    file's ``path``, else from the bundled default policy; then the file's reform (when
    the case does not name its own path) and the case's reform are applied.

    Raises
    ------
    PolicyError
        A policy file that does not load, or a reform it refuses.
    """
    cache = cache if cache is not None else {}
    key = (id(base) if base is not None else None, file_spec.key(), case_spec.key())
    found = cache.get(key)
    if found is not None:
        return found
    if case_spec.path is not None:
        policy = _load(case_spec.path, cache)
        steps = [case_spec]
    else:
        if base is not None:
            policy = base
        elif file_spec.path is not None:
            policy = _load(file_spec.path, cache)
        else:
            policy = _default_policy()
        steps = [file_spec, case_spec]
    for spec in steps:
        if spec.reform:
            policy = policy.reform(dict(spec.reform), valid_from=spec.valid_from)
    cache[key] = policy
    return policy


def _load(path: Path, cache: dict[object, Policy]) -> Policy:
    key = ("file", path)
    if key not in cache:
        cache[key] = Policy.load(path)
    return cache[key]


def _map(value: Mapping[str, Any]) -> FrozenMap[str, Any]:
    return FrozenMap(value)


@attrs.frozen(repr=False)
class RuleCase:
    """One rule case: what it tests, under which policy, its inputs and what it expects.

    ``expected`` maps output names to expected values (``None`` for ``"none"``);
    ``error`` names the error class expected instead. ``tolerances`` holds each numeric
    output's ``(abs, rel)``. ``policy`` is the policy the file gives it.
    """

    name: str
    subject: Subject
    file: str
    line: int | None
    inputs: FrozenMap[str, Any] = attrs.field(converter=_map)
    expected: FrozenMap[str, Any] = attrs.field(converter=_map)
    error: str | None
    tolerances: FrozenMap[str, tuple[Fraction | None, Fraction | None]] = attrs.field(
        converter=_map
    )
    file_policy: PolicySpec
    case_policy: PolicySpec
    policy: Policy = attrs.field(eq=False)
    description: str = ""

    @property
    def where(self) -> str:
        """``file:line``."""
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __repr__(self) -> str:
        # short on purpose: a failing assertion shows the case, not its whole policy
        return f"<RuleCase {self.name!r} ({self.subject.name}) at {self.where}>"


@attrs.frozen(repr=False)
class RuleCaseFile:
    """The cases of one rule-case file, in file order."""

    path: Path
    cases: tuple[RuleCase, ...]

    def __repr__(self) -> str:
        return f"<RuleCaseFile {self.path} ({len(self.cases)} cases)>"

    def __iter__(self) -> Any:
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)


# ------------------------------------------------------------------ reading


def _reform(reader: Reader, value: object, path: PathKey) -> Any:
    if not isinstance(value, Mapping):
        return reader.wrong(path, 'a table of dotted paths ({ "deadlines.x.normal" = … })', value)
    out: list[tuple[str, object]] = []
    bad = False
    for key, item in value.items():
        if "." not in key and isinstance(item, Mapping):
            reader.problem(
                (*path, key),
                f"{key!r} is a whole section: a reform names the parameter's dotted path",
                'quote the dotted path: "deadlines.categories.exposed_garbage.normal" = …',
            )
            bad = True
        out.append((key, item))
    return BAD if bad else tuple(out)


_POLICY_FIELDS: dict[str, tuple[r.Parse, bool]] = {
    "path": (r.relative_path, False),
    "reform": (_reform, False),
    "valid_from": (r.day, False),
}


def _policy_spec(reader: Reader, value: object, path: PathKey) -> Any:
    line = reader.doc.line_of(path)
    if isinstance(value, str):
        found = r.relative_path(reader, value, path)
        return BAD if found is BAD else PolicySpec(found, line=line)
    table = reader.table(value, path, _POLICY_FIELDS, "a policy")
    if table is BAD:
        return BAD
    if "valid_from" in table and "reform" not in table:
        return reader.problem((*path, "valid_from"), "valid_from goes with a reform")
    return PolicySpec(
        table.get("path"), table.get("reform", ()), table.get("valid_from"), line=line
    )


def _expected(
    reader: Reader, subject: Subject, value: object, path: PathKey, inputs: Mapping[str, Any]
) -> Any:
    """``(expected, error, tolerances)`` from an ``[expected]`` table."""
    if not isinstance(value, Mapping):
        return reader.wrong(path, "a table of expected outputs", value)
    if not value:
        return reader.problem(path, "a case expects nothing", "name at least one output")
    expected: dict[str, Any] = {}
    tolerances: dict[str, tuple[Fraction | None, Fraction | None]] = {}
    error: str | None = None
    bad = False
    for key, item in value.items():
        where = (*path, key)
        if key == "error":
            if not isinstance(item, str) or item not in ERROR_NAMES:
                reader.problem(
                    where,
                    f"{item!r} is not an urbangov error class",
                    did_you_mean(str(item), ERROR_NAMES),
                )
                bad = True
            else:
                error = item
            continue
        output = subject.outputs.get(key)
        if output is None:
            names = list(subject.outputs)
            hint = did_you_mean(key, [*names, "error"])
            reader.problem(where, f"{subject.name} has no output {key!r}", hint)
            bad = True
            continue
        missing = [n for n in output.needs if n not in inputs]
        if missing:
            reader.problem(where, f"{key} needs the input {missing[0]!r}", f"add {missing[0]} = …")
            bad = True
            continue
        if output.numeric and _tolerance_form(item):
            fields = {"value": (output.parse, True), "abs": (r.tolerance, False),
                      "rel": (r.tolerance, False)}  # fmt: skip
            found = reader.table(item, where, fields, "an expected number")
            if found is BAD:
                bad = True
                continue
            expected[key] = found["value"]
            tolerances[key] = (found.get("abs"), found.get("rel"))
            continue
        parsed = output.parse(reader, item, where)
        if parsed is BAD:
            bad = True
        else:
            expected[key] = parsed
    if error is not None and expected:
        return reader.problem(path, "a case expects an error or outputs, not both")
    return BAD if bad else (expected, error, tolerances)


def _tolerance_form(item: object) -> bool:
    """Whether an expected numeric output is written ``{ value = …, abs = …, rel = … }``
    (a table of numbers by unit is not, unless its value is under ``value``)."""
    if not isinstance(item, Mapping):
        return False
    return bool({"value", "abs", "rel"} & set(item))


_CASE_KEYS = ("name", "subject", "description", "policy", "input", "expected", "abs", "rel")


def _case(
    reader: Reader, value: object, path: PathKey, file_spec: PolicySpec,
    subjects: Mapping[str, Subject], cache: dict[object, Policy],
) -> Any:  # fmt: skip
    if not isinstance(value, Mapping):
        return reader.wrong(path, "a table ([[cases]])", value)
    bad = False
    for key in value:
        if key not in _CASE_KEYS:
            reader.problem(
                (*path, key), f"unknown key {key!r} in a case", did_you_mean(key, _CASE_KEYS)
            )
            bad = True
    name = r.text(reader, value.get("name"), (*path, "name")) if "name" in value else None
    if name is None:
        reader.problem(path, "a case has no name", 'add name = "…" (what the case shows)')
    subject: Subject | None = None
    if "subject" not in value:
        reader.problem(path, "a case has no subject", f"add subject = one of {', '.join(subjects)}")
    else:
        word = value["subject"]
        subject = subject_named(word, subjects) if isinstance(word, str) else None
        if subject is None:
            hint = did_you_mean(str(word), list(subjects))
            reader.problem((*path, "subject"), f"{word!r} is not a subject", hint)
    spec = (
        _policy_spec(reader, value["policy"], (*path, "policy"))
        if "policy" in value
        else PolicySpec()
    )
    inputs = (
        subject.read_inputs(reader, value.get("input", {}), (*path, "input"))
        if subject is not None
        else BAD
    )
    found = BAD
    if subject is not None and inputs is not BAD:
        if "expected" not in value:
            reader.problem(path, "a case has no [expected] table", "add what the rules should give")
        else:
            found = _expected(reader, subject, value["expected"], (*path, "expected"), inputs)
    abs_ = r.tolerance(reader, value["abs"], (*path, "abs")) if "abs" in value else None
    rel = r.tolerance(reader, value["rel"], (*path, "rel")) if "rel" in value else None
    description = value.get("description", "")
    if not isinstance(description, str):
        reader.wrong((*path, "description"), "a string", description)
        bad = True
    if bad or name is BAD or name is None or subject is None or spec is BAD or found is BAD:
        return BAD
    if abs_ is BAD or rel is BAD or inputs is BAD:
        return BAD
    expected, error, tolerances = found
    if error is None:
        for key, output in subject.outputs.items():
            if output.numeric and key in expected and key not in tolerances:
                tolerances[key] = (abs_, rel)
    try:
        policy = policy_of(file_spec, spec, cache=cache)
    except PolicyError as exc:
        where = (*path, "policy") if "policy" in value else ("policy",)
        return reader.problem(where, f"the policy does not load: {exc}")
    return RuleCase(
        name=name,
        subject=subject,
        file=reader.doc.file,
        line=reader.doc.line_of(path),
        inputs=inputs,
        expected=expected,
        error=error,
        tolerances={k: v for k, v in tolerances.items() if v != (None, None)},
        file_policy=file_spec,
        case_policy=spec,
        policy=policy,
        description=description,
    )


def load_rule_cases(
    path: str | Path, *, subjects: Mapping[str, Subject] = SUBJECTS
) -> RuleCaseFile:
    """Read a rule-case file strictly.

    Parameters
    ----------
    path
        The file (``kind = "rule-cases"``; by convention named ``*.rules.toml``).
    subjects
        The subjects its cases may name (default: every subject urbangov ships).

    Returns
    -------
    RuleCaseFile

    Raises
    ------
    RuleCaseError
        Naming the dotted key, the file and the line of the first problem; ``.problems``
        lists every problem of the file.

    Examples
    --------
    >>> load_rule_cases("no/such/file.rules.toml")
    Traceback (most recent call last):
    ...
    urbangov.errors.RuleCaseError: cannot read the file: ...
    """
    file = Path(path)
    doc = read_document(file, KIND, RuleCaseError, decimal=True)
    reader = Reader(doc, file.resolve().parent)
    data = doc.data
    for key in data:
        if key not in ("policy", "cases", "description"):
            reader.problem((key,), f"unknown key {key!r}", did_you_mean(key, ["policy", "cases"]))
    file_spec = PolicySpec()
    if "policy" in data:
        found = _policy_spec(reader, data["policy"], ("policy",))
        file_spec = found if found is not BAD else PolicySpec()
    cases: list[RuleCase] = []
    raw = data.get("cases")
    if not isinstance(raw, list) or not raw:
        reader.problem(("cases",), "the file has no cases", "add [[cases]] tables")
        raw = []
    cache: dict[object, Policy] = {}
    if file_spec.path is not None or file_spec.reform:
        try:
            policy_of(file_spec, PolicySpec(), cache=cache)
        except PolicyError as exc:
            reader.problem(("policy",), f"the policy does not load: {exc}")
            file_spec = PolicySpec()
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        case = _case(reader, item, ("cases", i), file_spec, subjects, cache)
        if case is BAD:
            continue
        if case.name in seen:
            reader.problem(
                ("cases", i, "name"),
                f"two cases are named {case.name!r} (the other is case {seen[case.name] + 1})",
                "give each case its own name",
            )
            continue
        seen[case.name] = i
        cases.append(case)
    if reader.problems:
        raise combine(reader.problems)
    return RuleCaseFile(file, tuple(cases))


def check_rule_cases(path: str | Path) -> tuple[UrbangovError, ...]:
    """Every problem of a rule-case file (empty exactly when :func:`load_rule_cases`
    succeeds): what ``urbangov validate`` lists.

    >>> check_rule_cases("no/such/file.rules.toml")[0].message[:20]
    'cannot read the file'
    """
    try:
        load_rule_cases(path)
    except RuleCaseError as error:
        return error.problems or (error,)
    return ()
