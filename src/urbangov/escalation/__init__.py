"""Escalation and accountability (升级与问责): who handles a case, when it rises, who must
act next and who is answerable.

"小事不出网格、大事不出镇办" (《中心城区网格化综合监管工作推进会讲话》§二(五)): minor problems
are closed in the grid, major ones in the street. The Policy's ``escalation`` section
(:class:`EscalationPolicy`) holds the rules as dated data; ``docs/escalation.md``
explains the model and cites every default.

- :func:`handling_level`, :func:`handling_unit` — the level (and unit) that handles a
  case, from its severity, its territories and the departments involved;
  :func:`hearing_level` (案件分级审理) and :func:`response_level` (两级响应);
- :func:`state` → :class:`EscalationState` (level, steps taken, who must act, the next
  step and when), :func:`timeline`, :func:`state_batch` → :class:`StateColumns`;
- :func:`accountable` → :class:`Answerable` people, nearest first, each with the rule
  that named them; :func:`triggers` → :class:`Trigger` (unit, measure, rule, figures);
- :func:`chain` (the ownerless-garbage chain) and :func:`whistle` (吹哨报到).
"""

from urbangov._internal.public import publish
from urbangov.escalation._accountable import Answerable, accountable
from urbangov.escalation._batch import StateColumns, state_batch
from urbangov.escalation._chains import ChainStep, Summons, chain, whistle
from urbangov.escalation._context import PolicyLike
from urbangov.escalation._level import (
    handling_level,
    handling_unit,
    hearing_level,
    response_level,
    severity,
)
from urbangov.escalation._parts import HearingRules, LevelRules, ResponseRules, WhistleRules
from urbangov.escalation._rules import EscalationPolicy, HasEscalation
from urbangov.escalation._steps import EscalationState, TimedStep, state, timeline
from urbangov.escalation._triggers import Trigger, triggers
from urbangov.escalation._values import (
    DUE,
    SINCE_DISPATCH,
    Chain,
    Link,
    Magnitude,
    Measure,
    ResponseLevel,
    Severity,
    Step,
    StepAction,
    TriggerKind,
    TriggerRule,
    WhistleSituation,
)

__all__ = [
    "DUE",
    "SINCE_DISPATCH",
    "Answerable",
    "Chain",
    "ChainStep",
    "EscalationPolicy",
    "EscalationState",
    "HasEscalation",
    "HearingRules",
    "LevelRules",
    "Link",
    "Magnitude",
    "Measure",
    "PolicyLike",
    "ResponseLevel",
    "ResponseRules",
    "Severity",
    "StateColumns",
    "Step",
    "StepAction",
    "Summons",
    "TimedStep",
    "Trigger",
    "TriggerKind",
    "TriggerRule",
    "WhistleRules",
    "WhistleSituation",
    "accountable",
    "chain",
    "handling_level",
    "handling_unit",
    "hearing_level",
    "response_level",
    "severity",
    "state",
    "state_batch",
    "timeline",
    "triggers",
    "whistle",
]

publish(__name__, __all__)
