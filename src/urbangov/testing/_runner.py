"""Running rule cases, and comparing two policies on them (private;
:mod:`urbangov.testing` re-exports the names).

:func:`run` gives each case a :class:`CaseResult`: passed or not, every output the
subject computed, the explanation of the result (which rules produced it) and, for a
failing case, each :class:`Mismatch`. :func:`compare` runs the cases under a baseline
and a new policy and returns a :class:`Difference` for each case whose result moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from urbangov import errors
from urbangov.errors import UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.policy import Policy
from urbangov.testing._files import RuleCase, RuleCaseFile, load_rule_cases, policy_of
from urbangov.testing._subject import Subject, _values, agrees, show
from urbangov.testing._subjects import SUBJECTS

__all__ = [
    "MISSING",
    "CaseResult",
    "Difference",
    "Mismatch",
    "Report",
    "compare",
    "find_rule_files",
    "run",
    "run_case",
]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""The actual value of an output the subject did not compute."""

Source = str | Path | RuleCaseFile | RuleCase


@attrs.frozen
class Mismatch:
    """An expected output and what the rules gave instead (``error`` for the class)."""

    output: str
    expected: object
    actual: object

    def __str__(self) -> str:
        got = "nothing" if self.actual is MISSING else show(self.actual)
        return f"{self.output}: expected {show(self.expected)}, got {got}"


@attrs.frozen(repr=False)
class CaseResult:
    """The result of one rule case.

    ``values`` are the outputs the subject computed (empty when it raised),
    ``explanation`` says which rules produced them, ``error`` is the error the rule
    raised (expected or not), ``mismatches`` why the case failed.
    """

    case: RuleCase
    passed: bool
    values: FrozenMap[str, object] = attrs.field(converter=_values)
    explanation: str
    error: UrbangovError | None = None
    mismatches: tuple[Mismatch, ...] = ()

    def __repr__(self) -> str:
        verdict = "passed" if self.passed else "failed"
        return f"<CaseResult {self.case.name!r} {verdict}>"

    def actual(self) -> dict[str, object]:
        """The outputs the case expects, as computed (or the error's class)."""
        if self.error is not None:
            return {"error": type(self.error).__name__}
        return {k: self.values.get(k, MISSING) for k in self.case.expected}

    def message(self) -> str:
        """The failure as ``urbangov test`` and pytest show it: where, what was
        expected and what came, and because of which rules."""
        case = self.case
        head = f"{case.where}: {case.name} ({case.subject.name})"
        if self.passed:
            return f"{head}: passed"
        lines = [head]
        lines.extend(f"  {m}" for m in self.mismatches)
        if self.error is not None and case.error is None:
            lines.append(f"  raised {type(self.error).__name__}: {self.error}")
        else:
            first, *rest = self.explanation.split("; ")
            lines.append(f"  because: {first}")
            lines.extend(f"           {part}" for part in rest)
        return "\n".join(lines)


def _error_class(name: str) -> type[UrbangovError]:
    found: type[UrbangovError] = getattr(errors, name)
    return found


def run_case(
    case: RuleCase, *, policy: Policy | None = None, cache: dict[object, Policy] | None = None
) -> CaseResult:
    """Run one rule case (under ``policy`` in place of the file's base policy, when
    given: a case that names its own policy path keeps it)."""
    chosen = case.policy if policy is None else policy_of(
        case.file_policy, case.case_policy, policy, cache
    )  # fmt: skip
    try:
        outcome = case.subject.run(case.inputs, chosen)
    except UrbangovError as exc:
        wanted = case.error
        if wanted is not None and isinstance(exc, _error_class(wanted)):
            return CaseResult(case, True, {}, str(exc), exc)
        name = type(exc).__name__
        mismatch = Mismatch("error", wanted if wanted is not None else "none", name)
        return CaseResult(case, False, {}, str(exc), exc, (mismatch,))
    if case.error is not None:
        mismatch = Mismatch("error", case.error, "none")
        return CaseResult(case, False, outcome.values, outcome.explanation, None, (mismatch,))
    mismatches = []
    for name, want in case.expected.items():
        got = outcome.values.get(name, MISSING)
        if not _agrees(case, name, want, got):
            mismatches.append(Mismatch(name, want, _shown(case, name, want, got)))
    return CaseResult(
        case, not mismatches, outcome.values, outcome.explanation, None, tuple(mismatches)
    )


def _agrees(case: RuleCase, name: str, want: object, got: object) -> bool:
    if got is MISSING:
        return False
    output = case.subject.outputs[name]
    abs_, rel = case.tolerances.get(name, (None, None))
    return agrees(want, got, numeric=output.numeric, partial=output.partial, abs_=abs_, rel=rel)


def _shown(case: RuleCase, name: str, want: object, got: object) -> object:
    """What a mismatch shows of ``got``: a partial table only at the keys expected."""
    if (
        case.subject.outputs[name].partial
        and isinstance(want, Mapping)
        and isinstance(got, Mapping)
    ):
        return FrozenMap({k: got[k] for k in want if k in got})
    return got


def find_rule_files(paths: Iterable[str | Path]) -> tuple[Path, ...]:
    """The rule-case files among ``paths``: files as given, and every ``*.rules.toml``
    under a folder (sorted)."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(path.rglob("*.rules.toml")))
        else:
            out.append(path)
    return tuple(out)


def _cases(
    sources: Source | Iterable[Source], subjects: Mapping[str, Subject]
) -> Iterator[RuleCase]:
    if isinstance(sources, str | Path | RuleCaseFile | RuleCase):
        sources = [sources]
    for source in sources:
        if isinstance(source, RuleCase):
            yield source
        elif isinstance(source, RuleCaseFile):
            yield from source.cases
        else:
            for path in find_rule_files([source]):
                yield from load_rule_cases(path, subjects=subjects).cases


@attrs.frozen(repr=False)
class Report:
    """The results of a run, in file and case order."""

    results: tuple[CaseResult, ...]

    @property
    def passed(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if r.passed)

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def ok(self) -> bool:
        """Whether every case passed."""
        return all(r.passed for r in self.results)

    def __repr__(self) -> str:
        return f"<Report {len(self.passed)} passed, {len(self.failed)} failed>"


def run(
    sources: Source | Iterable[Source],
    *,
    policy: Policy | None = None,
    subjects: Mapping[str, Subject] = SUBJECTS,
) -> Report:
    """Run rule cases: files, folders (every ``*.rules.toml`` in them), loaded files or
    cases.

    Parameters
    ----------
    sources
        What to run.
    policy
        Run under this policy instead of each file's base policy (a case's own policy
        path is kept; reforms in the files still apply on top).
    subjects
        The subjects the files may name.

    Returns
    -------
    Report

    Raises
    ------
    RuleCaseError
        A file that does not load (every problem of it, located).
    """
    cache: dict[object, Policy] = {}
    results = tuple(run_case(c, policy=policy, cache=cache) for c in _cases(sources, subjects))
    return Report(results)


@attrs.frozen(repr=False)
class Difference:
    """A case whose result differs between two policies: both results and each
    output that moved as ``(output, baseline value, new value)``."""

    baseline: CaseResult
    policy: CaseResult
    changes: tuple[tuple[str, object, object], ...]

    @property
    def case(self) -> RuleCase:
        return self.policy.case

    def __repr__(self) -> str:
        return f"<Difference {self.case.name!r}: {', '.join(c[0] for c in self.changes)}>"


def _signature(result: CaseResult) -> dict[str, object]:
    if result.error is not None:
        return {"error": type(result.error).__name__}
    return dict(result.values)


def compare(
    sources: Source | Iterable[Source],
    *,
    baseline: Policy,
    policy: Policy | None = None,
    subjects: Mapping[str, Subject] = SUBJECTS,
) -> tuple[Difference, ...]:
    """The cases whose result differs between ``baseline`` and ``policy`` (default: the
    files' own policies), with both results; outputs the case expects come first.

    A case that names its own policy path runs under it both times, so it never differs.
    """
    cache: dict[object, Policy] = {}
    out = []
    for case in _cases(sources, subjects):
        old = run_case(case, policy=baseline, cache=cache)
        new = run_case(case, policy=policy, cache=cache)
        a, b = _signature(old), _signature(new)
        names = [*case.expected, *(k for k in (*a, *b) if k not in case.expected)]
        changes = []
        for name in dict.fromkeys(names):
            x, y = a.get(name, MISSING), b.get(name, MISSING)
            if x != y or type(x) is not type(y):
                changes.append((name, x, y))
        if changes:
            out.append(Difference(old, new, tuple(changes)))
    return tuple(out)
