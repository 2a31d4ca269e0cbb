"""urbangov — Chinese city-management governance rules as a typed, tested library.

The responsibility hierarchy from district to grid, working time around official
holidays, the case workflow, deadlines, KPIs and assessment, as pure functions over
immutable values. See ``docs/`` for a page per module.

>>> import urbangov
>>> urbangov.Level.GRID.chinese
'网格'
"""

from __future__ import annotations

import importlib
from typing import Any

from urbangov import calendar, deadlines, escalation, io, kpi, scoring, zones
from urbangov._version import __version__
from urbangov.calendar import TimeLimit, WorkCalendar, WorkSchedule
from urbangov.cases import Case, CaseEvent, EventKind, Status
from urbangov.errors import (
    CalendarCoverageError,
    CalendarError,
    CaseError,
    CaseLogError,
    EscalationError,
    FindingsError,
    HierarchyError,
    KpiError,
    MissingExtraError,
    NaiveDatetimeError,
    OrganisationError,
    PolicyError,
    ProvisionalCalendarWarning,
    RuleCaseError,
    SimulationError,
    StandardError,
    TaxonomyError,
    TransitionError,
    UnknownTermError,
    UrbangovError,
)
from urbangov.frozen import FrozenMap
from urbangov.graph import AccountabilityGraph
from urbangov.hierarchy import Hierarchy, Segment, Unit
from urbangov.kpi import KpiCounts
from urbangov.org import DutyMatrix, Organisation
from urbangov.policy import Change, Policy, diff
from urbangov.scoring import AssessmentStandard, Grade, ScoreSheet
from urbangov.vocabulary import Domain, Level, Source, Urgency, ZoneTier

__all__ = [
    "AccountabilityGraph",
    "AssessmentStandard",
    "CalendarCoverageError",
    "CalendarError",
    "Case",
    "CaseError",
    "CaseEvent",
    "CaseLogError",
    "Change",
    "Domain",
    "DutyMatrix",
    "EscalationError",
    "EventKind",
    "FindingsError",
    "FrozenMap",
    "Grade",
    "Hierarchy",
    "HierarchyError",
    "KpiCounts",
    "KpiError",
    "Level",
    "MissingExtraError",
    "NaiveDatetimeError",
    "Organisation",
    "OrganisationError",
    "Policy",
    "PolicyError",
    "ProvisionalCalendarWarning",
    "RuleCaseError",
    "ScoreSheet",
    "Segment",
    "SimulationError",
    "Source",
    "StandardError",
    "Status",
    "TaxonomyError",
    "TimeLimit",
    "TransitionError",
    "Unit",
    "UnknownTermError",
    "UrbangovError",
    "Urgency",
    "WorkCalendar",
    "WorkSchedule",
    "ZoneTier",
    "__version__",
    "calendar",
    "deadlines",
    "diff",
    "escalation",
    "io",
    "kpi",
    "scoring",
    "zones",
]

_LAZY_MODULES: frozenset[str] = frozenset({"testing"})


def __getattr__(name: str) -> Any:
    # Heavy subpackages (sim, testing) load on first use.
    if name in _LAZY_MODULES:
        return importlib.import_module(f"urbangov.{name}")
    raise AttributeError(f"module 'urbangov' has no attribute {name!r}")
