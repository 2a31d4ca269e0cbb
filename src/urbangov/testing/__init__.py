"""Testing rule changes (规则变更测试): rule-case files, the runner, the impact of a change on
a case log, fixtures, and Hypothesis strategies.

- :func:`load_rule_cases`, :func:`run`, :func:`compare` — rule-case files
  (``kind = "rule-cases"``, ``*.rules.toml``): each case names a :class:`Subject` (a rule
  function: ``due_at``, ``transition``, ``kpi``, ``permits``, ``zone``,
  ``working_time``, ``handling_level``, ``escalation_state``, ``score``, ``grade``,
  ``rank``, ``bonds``), an optional policy and reform, inputs and expected outputs;
  ``urbangov test`` and the pytest plugin (:mod:`urbangov.testing.plugin`) run them;
- :func:`impact` — what a policy change moves in a real case log (due times, on-time
  verdicts, rates per unit and, with a standard, scores, grades and ranks);
  ``urbangov impact``;
- :func:`dispatched_case`, :func:`small_city`, :func:`short_repr` — fixtures and short
  reprs for users' own tests;
- :mod:`urbangov.testing.strategies` and :class:`WorkflowMachine` — Hypothesis
  strategies and the workflow state machine (the ``testing`` extra: hypothesis only).

Everything but the last line imports without hypothesis, so ``urbangov test`` and the
pytest plugin work with the core install.

>>> from urbangov.testing import SUBJECTS
>>> sorted(SUBJECTS)
['bonds', 'due_at', 'escalation_state', 'grade', 'handling_level', 'kpi', 'permits',
 'rank', 'score', 'transition', 'working_time', 'zone']
"""

from __future__ import annotations

import importlib
from typing import Any

from urbangov._internal.public import publish
from urbangov.testing._files import (
    ERROR_NAMES,
    PolicySpec,
    RuleCase,
    RuleCaseFile,
    check_rule_cases,
    load_rule_cases,
)
from urbangov.testing._fixtures import dispatched_case, short_repr, small_city
from urbangov.testing._impact import CaseMove, Impact, ScoreMove, UnitMove, impact
from urbangov.testing._runner import (
    MISSING,
    CaseResult,
    Difference,
    Mismatch,
    Report,
    compare,
    find_rule_files,
    run,
    run_case,
)
from urbangov.testing._subject import Input, Outcome, Output, Subject, show
from urbangov.testing._subjects import SUBJECTS, subject_named

__all__ = [
    "ERROR_NAMES",
    "MISSING",
    "SUBJECTS",
    "CaseMove",
    "CaseResult",
    "Difference",
    "Impact",
    "Input",
    "Mismatch",
    "Outcome",
    "Output",
    "PolicySpec",
    "Report",
    "RuleCase",
    "RuleCaseFile",
    "ScoreMove",
    "Subject",
    "UnitMove",
    "WorkflowMachine",
    "check_rule_cases",
    "compare",
    "dispatched_case",
    "find_rule_files",
    "impact",
    "load_rule_cases",
    "run",
    "run_case",
    "short_repr",
    "show",
    "small_city",
    "strategies",
    "subject_named",
]

_NEEDS_HYPOTHESIS = {"strategies": "urbangov.testing.strategies", "WorkflowMachine": None}

publish(__name__, [n for n in __all__ if n not in _NEEDS_HYPOTHESIS])


def __getattr__(name: str) -> Any:
    # The Hypothesis parts load on first use, so the runner and the plugin need no extra.
    if name not in _NEEDS_HYPOTHESIS:
        raise AttributeError(f"module 'urbangov.testing' has no attribute {name!r}")
    from urbangov.testing._extra import require_hypothesis

    require_hypothesis()
    if name == "strategies":
        return importlib.import_module("urbangov.testing.strategies")
    return importlib.import_module("urbangov.testing.workflow").WorkflowMachine


def __dir__() -> list[str]:
    return sorted(__all__)
