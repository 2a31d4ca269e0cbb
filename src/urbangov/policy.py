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

from collections.abc import Iterable
from importlib.resources import files
from typing import ClassVar

import attrs

from urbangov.calendar import CalendarRules, WorkCalendar
from urbangov.cases import WorkflowRules
from urbangov.deadlines import DeadlineRules
from urbangov.errors import PolicyError, combine
from urbangov.escalation import EscalationPolicy
from urbangov.kpi import KpiRules
from urbangov.params import (
    Change,
    Composite,
    check_file,
    did_you_mean,
    diff,
    dumps,
    load,
    loads,
    reform,
)
from urbangov.scoring import AssessmentRules
from urbangov.taxonomy import LocalClasses, Taxonomy
from urbangov.zones import ZoneRules

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
    local_classes: LocalClasses = attrs.field(factory=LocalClasses)
    """The city's own component and event classes (``taxonomy.LocalClasses``)."""
    workflow: WorkflowRules = attrs.field(factory=WorkflowRules)
    """Choices about the case workflow (``cases.WorkflowRules``)."""
    deadlines: DeadlineRules = attrs.field(factory=DeadlineRules)
    """Handling time limits, warnings and extensions (``deadlines.DeadlineRules``)."""
    kpi: KpiRules = attrs.field(factory=KpiRules)
    """How KPI counts are taken (``kpi.KpiRules``)."""
    zones: ZoneRules = attrs.field(factory=ZoneRules)
    """Tiered zones: classification, permissions, stall areas, patrols (``zones.ZoneRules``)."""
    escalation: EscalationPolicy = attrs.field(factory=EscalationPolicy)
    """Handling levels, time-out steps, accountability triggers and chains
    (``escalation.EscalationPolicy``)."""
    assessment: AssessmentRules = attrs.field(factory=AssessmentRules)
    """Grades, rankings, composites and bonds (``scoring.AssessmentRules``)."""

    _comment: ClassVar[str] = _COMMENT

    def __attrs_post_init__(self) -> None:
        # One source of truth: every row of the limit table names a class of this
        # policy's own taxonomy.
        taxonomy = self.taxonomy()
        problems = _unknown_rows(self.deadlines, taxonomy)
        problems += _unknown_severities(self.escalation, taxonomy)
        if problems:
            raise combine(problems)

    @classmethod
    def default(cls) -> Policy:
        """The bundled default policy (``urbangov/data/default_policy.toml``).

        >>> Policy.default() == Policy()
        True
        """
        return cls.load(files("urbangov").joinpath("data", "default_policy.toml"))

    def work_calendar(self) -> WorkCalendar:
        """The working calendar of the ``calendar`` section (holidays, office hours),
        built once per value: every rule function of this policy uses it.

        >>> import datetime as _dt
        >>> Policy().work_calendar().is_workday(_dt.date(2024, 10, 1))  # National Day
        False
        >>> Policy().work_calendar() is Policy().work_calendar()
        True
        """
        return self.calendar.work_calendar()

    def taxonomy(self) -> Taxonomy:
        """The taxonomy of this policy: the bundled national one extended by the city's
        own classes (``local_classes``). Deadlines, KPIs and the CLI resolve categories
        with it.

        >>> Policy().taxonomy().resolve("暴露垃圾").slug
        'exposed_garbage'
        """
        return self.local_classes.taxonomy()


def _unknown_rows(rules: DeadlineRules, taxonomy: Taxonomy) -> list[PolicyError]:
    """A problem for each limit-table row naming a class or major class the taxonomy
    lacks (with a did-you-mean)."""
    return _unknown_classes(rules.categories, rules.major_classes, taxonomy, "deadlines")


def _unknown_severities(rules: EscalationPolicy, taxonomy: Taxonomy) -> list[PolicyError]:
    """A problem for each severity row naming a class or major class the taxonomy lacks."""
    levels = rules.levels
    return _unknown_classes(levels.categories, levels.major_classes, taxonomy, "escalation.levels")


def _unknown_classes(
    categories: Iterable[str], major_classes: Iterable[str], taxonomy: Taxonomy, where: str
) -> list[PolicyError]:
    """A problem for each category slug and major class code the taxonomy lacks, at
    ``where.categories.SLUG`` and ``where.major_classes.CODE``."""
    problems: list[PolicyError] = []
    slugs = [c.slug for c in taxonomy.categories()]
    known = set(slugs)
    for slug in categories:
        if slug not in known:
            problems.append(
                PolicyError(
                    f"{slug!r} is not a category of the policy's taxonomy",
                    field=f"{where}.categories.{slug}",
                    hint=did_you_mean(slug, slugs)
                    + " (a city's own classes go under [[local_classes.categories]])",
                )
            )
    majors = [m.full_code for m in taxonomy.majors]
    for code in major_classes:
        if code not in majors:
            problems.append(
                PolicyError(
                    f"{code!r} is not a major class of the policy's taxonomy",
                    field=f"{where}.major_classes.{code}",
                    hint=did_you_mean(code, majors)
                    + " (major classes are written with their kind letter: E01, C01)",
                )
            )
    return problems
