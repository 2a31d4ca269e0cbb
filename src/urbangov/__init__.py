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

from urbangov._version import __version__
from urbangov.errors import (
    CalendarCoverageError,
    CaseLogError,
    HierarchyError,
    NaiveDatetimeError,
    OrganisationError,
    PolicyError,
    RuleCaseError,
    StandardError,
    TransitionError,
    UrbangovError,
)
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy, Segment, Unit
from urbangov.vocabulary import Domain, Level, Source, Urgency, ZoneTier

__all__ = [
    "CalendarCoverageError",
    "CaseLogError",
    "Domain",
    "FrozenMap",
    "Hierarchy",
    "HierarchyError",
    "Level",
    "NaiveDatetimeError",
    "OrganisationError",
    "PolicyError",
    "RuleCaseError",
    "Segment",
    "Source",
    "StandardError",
    "TransitionError",
    "Unit",
    "UrbangovError",
    "Urgency",
    "ZoneTier",
    "__version__",
]

_LAZY_MODULES: frozenset[str] = frozenset()


def __getattr__(name: str) -> Any:
    # Heavy subpackages (sim, testing) load on first use.
    if name in _LAZY_MODULES:
        return importlib.import_module(f"urbangov.{name}")
    raise AttributeError(f"module 'urbangov' has no attribute {name!r}")
