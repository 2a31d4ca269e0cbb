"""The :class:`Policy`: every rule section of a city in one value (政策).

A ``Policy`` is a frozen attrs class with one field per rule section; each section is a
frozen attrs class defined in its own module (``calendar.CalendarRules``,
``cases.WorkflowRules``…). The machinery here is generic over any such composite
(:class:`Composite`): policy files (``load``, ``dump``), dates (``at``), reforms
(``reform``, ``evolve``) and differences (:func:`diff`). Adding a section is adding one
field to :class:`Policy`; the values inside a section are structured strictly by
:mod:`urbangov.params`.

>>> policy = Policy.default()
>>> Policy.loads(policy.dumps()) == policy
True
>>> for change in diff(policy, policy.reform({"workflow.first_asked_until": "close"})):
...     print(change.path, change.old.value, "→", change.new.value)
workflow.first_asked_until dispatch → close
"""

from __future__ import annotations

from importlib.resources import files
from typing import ClassVar

import attrs

from urbangov.calendar import CalendarRules, WorkCalendar
from urbangov.cases import WorkflowRules
from urbangov.deadlines import DeadlineRules
from urbangov.kpi import KpiRules
from urbangov.params import (
    Change,
    Composite,
    check_file,
    diff,
    dumps,
    load,
    loads,
    reform,
)
from urbangov.scoring import AssessmentRules

__all__ = [
    "Change",
    "Composite",
    "Policy",
    "check_file",
    "diff",
    "dumps",
    "load",
    "loads",
    "reform",
]


_COMMENT = """\
urbangov policy (城市管理政策参数), written by urbangov.
Check it with `urbangov validate FILE`; compare two with `urbangov diff OLD NEW`.
A dated value is [{ value = …, from = YYYY-MM-DD, until = YYYY-MM-DD }, …]:
half-open periods that do not overlap; an entry with neither from nor until is the
default; a plain value holds always."""


@attrs.frozen
class Policy(Composite):
    """Every parameter a city could change, one field per rule section.

    Build it with :meth:`default`, :meth:`load` or the constructor; change it with
    :meth:`evolve` (whole sections) or :meth:`reform` (dotted paths); compare two with
    :func:`diff`; resolve the dated values with :meth:`at`.

    Examples
    --------
    >>> import datetime as _dt
    >>> policy = Policy.default().reform({"calendar.tz": "Asia/Urumqi"})
    >>> policy.calendar.tz
    'Asia/Urumqi'
    >>> policy.at(_dt.date(2025, 1, 1)) == policy
    True
    """

    calendar: CalendarRules = attrs.field(factory=CalendarRules)
    """Office hours, time zone and local extra days (``calendar.CalendarRules``)."""
    workflow: WorkflowRules = attrs.field(factory=WorkflowRules)
    """Choices about the case workflow (``cases.WorkflowRules``)."""
    deadlines: DeadlineRules = attrs.field(factory=DeadlineRules)
    """Handling time limits, warnings and extensions (``deadlines.DeadlineRules``)."""
    kpi: KpiRules = attrs.field(factory=KpiRules)
    """How KPI counts are taken (``kpi.KpiRules``)."""
    assessment: AssessmentRules = attrs.field(factory=AssessmentRules)
    """Grades, rankings, composites and bonds (``scoring.AssessmentRules``)."""

    _comment: ClassVar[str] = _COMMENT

    @classmethod
    def default(cls) -> Policy:
        """The bundled default policy (``urbangov/data/default_policy.toml``).

        >>> Policy.default() == Policy()
        True
        """
        return cls.load(files("urbangov").joinpath("data", "default_policy.toml"))

    def work_calendar(self) -> WorkCalendar:
        """The working calendar of the ``calendar`` section (holidays, office hours).

        >>> import datetime as _dt
        >>> Policy().work_calendar().is_workday(_dt.date(2024, 10, 1))  # National Day
        False
        """
        return self.calendar.work_calendar()
