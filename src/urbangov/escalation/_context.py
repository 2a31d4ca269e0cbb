"""What an escalation function takes from a Policy besides its own section (private).

One source of truth: given a Policy, a function uses the policy's own calendar
(``policy.work_calendar()``), taxonomy (``policy.taxonomy()``) and time zone; given a
bare :class:`EscalationPolicy`, the bundled calendar and taxonomy.
"""

from __future__ import annotations

import datetime as _dt
import functools
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import attrs

from urbangov.calendar import WorkCalendar
from urbangov.cases import Case, EventKind
from urbangov.deadlines import HasDeadlines
from urbangov.errors import PolicyError, TaxonomyError
from urbangov.escalation._rules import Compiled, EscalationPolicy, HasEscalation
from urbangov.escalation._values import Severity
from urbangov.taxonomy import Taxonomy

__all__ = [
    "Context",
    "Known",
    "PolicyLike",
    "context",
    "known_events",
    "known_filing",
    "need_policy",
    "severity_in",
]


class PolicyLike(HasDeadlines, HasEscalation, Protocol):
    """Anything with ``deadlines`` and ``escalation`` sections (a ``Policy``): what the
    time-out steps need (they count from the due time)."""


@functools.cache
def _default_calendar() -> WorkCalendar:
    return WorkCalendar.china()


@attrs.frozen(eq=False)
class Context:
    """The section, the calendar, the taxonomy and the time zone of a call."""

    rules: EscalationPolicy
    calendar: WorkCalendar
    taxonomy: Taxonomy
    tz: ZoneInfo
    policy: Any  # what the caller passed: a Policy gives deadlines their own section


def context(policy: object) -> Context:
    """The context of a call on ``policy`` (an :class:`EscalationPolicy` or a Policy)."""
    rules = EscalationPolicy.of(policy)
    own_calendar: Any = getattr(policy, "work_calendar", None)
    calendar = own_calendar() if callable(own_calendar) else _default_calendar()
    own_taxonomy: Any = getattr(policy, "taxonomy", None)
    taxonomy = own_taxonomy() if callable(own_taxonomy) else Taxonomy.default()
    return Context(rules, calendar, taxonomy, _zone(calendar.tz), policy)


@functools.cache
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


_ENDS = frozenset({EventKind.CLOSE, EventKind.REJECT, EventKind.VOID})


@attrs.frozen
class Known:
    """What a case's events up to an instant say: its filing date (or report date), the
    department holding it, and whether it ended (closed, rejected, voided)."""

    filed: _dt.date
    department: str | None
    ended: bool


def known_events(case: Case, at: _dt.datetime | None, tz: _dt.tzinfo) -> Known:
    """One pass over the events known at ``at``. The filing date (立案日期) decides the
    rules, as deadlines decide a case's limit by it."""
    filed: _dt.datetime | None = None
    holder: str | None = None
    ended = False
    for e in case.history:
        if at is not None and e.at > at:
            break
        kind = e.kind
        if kind is EventKind.DISPATCH:
            holder = e.department
        elif kind is EventKind.SEND_BACK:
            holder = None
        elif kind is EventKind.FILE and filed is None:
            filed = e.at
        ended = kind in _ENDS
    return Known((filed or case.reported_at).astimezone(tz).date(), holder, ended)


def known_filing(case: Case, at: _dt.datetime | None, tz: _dt.tzinfo) -> _dt.date:
    """The date whose rules decide a case, as known at ``at`` (``None``: its whole
    history): its filing date (立案日期) in the calendar's zone, else its report date."""
    return known_events(case, at, tz).filed


def severity_in(rules: Compiled, taxonomy: Taxonomy, category: str) -> Severity:
    """The severity the rules give a category: its own row, its major class's, else the
    default."""
    found = rules.categories.get(category)
    if found is not None:
        return found
    if rules.major_classes:
        try:
            major = taxonomy.major_of(category).full_code
        except (TaxonomyError, KeyError):
            major = None
        if major is not None and major in rules.major_classes:
            return rules.major_classes[major]
    return rules.default


def need_policy(policy: object, what: str) -> None:
    """Raise unless ``policy`` has a ``deadlines`` section (escalation steps count from
    the due time, which the deadlines section gives)."""
    if getattr(policy, "deadlines", None) is None:
        raise PolicyError(
            f"{what} needs the policy's deadlines as well as its escalation section",
            field="policy",
            hint="pass the Policy, not its escalation section",
        )
