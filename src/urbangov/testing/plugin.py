"""The pytest plugin (entry point ``pytest11``): rule-case files as tests.

Installed with urbangov, it collects every file named ``*.rules.toml`` (only those: a
project's other TOML is never collected) as one test per case, and shows a failing case
as ``urbangov test`` does — where, what was expected and what came, and the rules that
produced it. A file that does not load is a collection error listing every problem.

It also offers fixtures (``urbangov_city``: a small city; ``urbangov_dispatched_case``:
the :func:`~urbangov.testing.dispatched_case` builder), shows a failed ``==`` between two
policies or two cases as what differs (not two reprs of hundreds of lines), and takes
``--urbangov-policy FILE`` to run every rule case under another policy.

The plugin imports urbangov's core only (no hypothesis), so pytest works without the
``testing`` extra.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from urbangov.errors import RuleCaseError
from urbangov.hierarchy import Hierarchy
from urbangov.policy import Policy
from urbangov.testing._files import RuleCase, load_rule_cases
from urbangov.testing._fixtures import compare_lines, dispatched_case, small_city
from urbangov.testing._runner import run_case

__all__ = [
    "RuleCaseFileNode",
    "RuleCaseItem",
    "pytest_addoption",
    "pytest_assertrepr_compare",
    "pytest_collect_file",
    "urbangov_city",
    "urbangov_dispatched_case",
]

SUFFIX = ".rules.toml"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("urbangov", "urbangov rule cases")
    group.addoption(
        "--urbangov-policy",
        default=None,
        metavar="FILE",
        help="run every rule case (*.rules.toml) under this policy file instead of the "
        "files' own base policy",
    )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX):
        node: pytest.Collector = RuleCaseFileNode.from_parent(parent, path=file_path)
        return node
    return None


class RuleCaseFileNode(pytest.File):
    """A rule-case file: one :class:`RuleCaseItem` per case."""

    def collect(self) -> Iterator[pytest.Item]:
        loaded = load_rule_cases(self.path)
        for case in loaded.cases:
            yield RuleCaseItem.from_parent(self, name=case.name, case=case)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, RuleCaseError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


_POLICY = pytest.StashKey[Policy]()


def _policy(config: pytest.Config) -> Policy | None:
    """The ``--urbangov-policy`` policy, read once per session."""
    path = config.getoption("urbangov_policy", None)
    if path is None:
        return None
    if _POLICY not in config.stash:
        config.stash[_POLICY] = Policy.load(path)
    return config.stash[_POLICY]


class RuleCaseItem(pytest.Item):
    """One rule case as a test."""

    def __init__(self, *, case: RuleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        result = run_case(self.case, policy=_policy(self.config))
        if not result.passed:
            error = RuleCaseError(
                result.message(), field=self.case.name, file=self.case.file, line=self.case.line
            )
            error.result = result  # type: ignore[attr-defined]
            raise error

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        result = getattr(excinfo.value, "result", None)
        if result is not None:
            return result.message()
        if isinstance(excinfo.value, RuleCaseError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.line - 1 if self.case.line is not None else None
        return self.path, line, f"rule case: {self.case.name} ({self.case.subject.name})"


def pytest_assertrepr_compare(config: pytest.Config, op: str, left: object, right: object) -> Any:
    """Short explanations of a failed ``==`` between two policies or two cases."""
    if op == "==":
        return compare_lines(left, right)
    return None


@pytest.fixture
def urbangov_city() -> Hierarchy:
    """A small city: one district, two streets, three communities, four grids."""
    return small_city()


@pytest.fixture
def urbangov_dispatched_case() -> Callable[..., Any]:
    """The :func:`urbangov.testing.dispatched_case` builder."""
    return dispatched_case
