"""What a deadline function takes from a Policy besides the limit table (private).

One source of truth (DESIGN "One source of truth"): given a Policy, a function uses the
policy's own calendar (``policy.work_calendar()``), its taxonomy
(``policy.taxonomy()``, for the major class of a city's own categories) and its KPI
rule for when the clock stops (``policy.kpi.on_time_stops_at``). Given a bare
:class:`DeadlineRules`, the bundled calendar and taxonomy and the default rule apply.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs

from urbangov.calendar import WorkCalendar
from urbangov.deadlines._rules import DeadlineRules, HasDeadlines
from urbangov.errors import PolicyError
from urbangov.taxonomy import Taxonomy

__all__ = ["Context", "context", "stop_rule"]

STOP_RULES = ("handle", "close")


@attrs.frozen
class Context:
    """The limit table, the calendar, the taxonomy (``None``: the bundled one) and the
    stop rule a deadline function works with."""

    table: DeadlineRules
    calendar: WorkCalendar
    taxonomy: Taxonomy | None
    stops_at: str


@functools.cache
def _default_calendar() -> WorkCalendar:
    return WorkCalendar.china()


def stop_rule(rules_or_policy: object) -> str:
    """``"handle"`` or ``"close"``: the ``on_time_stops_at`` of a KPI section, or of a
    policy's ``kpi`` section; else ``"handle"``."""
    rule = getattr(rules_or_policy, "on_time_stops_at", None)
    if rule is None:
        rule = getattr(getattr(rules_or_policy, "kpi", None), "on_time_stops_at", "handle")
    if rule not in STOP_RULES:
        raise PolicyError(
            f"{rule!r} is not 'handle' or 'close'",
            field="kpi.on_time_stops_at",
            hint="on time means handled by the due time ('handle') or closed by it ('close')",
        )
    return str(rule)


def context(rules_or_policy: DeadlineRules | HasDeadlines, calendar: object = None) -> Context:
    """The context of a call: the table, and the calendar (default: the policy's own).

    Raises
    ------
    PolicyError
        If ``rules_or_policy`` has no deadlines section, if ``calendar`` is not a
        :class:`WorkCalendar`, or if it differs from the policy's own calendar (a
        calendar built from other rules would give other due times).
    """
    table = DeadlineRules.of(rules_or_policy)
    own_calendar: Any = getattr(rules_or_policy, "work_calendar", None)
    own: WorkCalendar | None = own_calendar() if callable(own_calendar) else None
    if calendar is None:
        cal = own if own is not None else _default_calendar()
    elif not isinstance(calendar, WorkCalendar):
        raise PolicyError(
            f"{calendar!r} is not a WorkCalendar",
            field="calendar",
            hint="leave calendar out to use the policy's own",
        )
    elif own is not None and calendar is not own and calendar != own:
        raise PolicyError(
            "the calendar differs from the policy's own calendar section",
            field="calendar",
            hint="leave calendar out (the policy's own is used), or reform the policy's "
            "calendar section (policy.reform({'calendar.…': …}))",
        )
    else:
        cal = calendar
    own_taxonomy: Any = getattr(rules_or_policy, "taxonomy", None)
    taxonomy = own_taxonomy() if callable(own_taxonomy) else None
    return Context(table, cal, taxonomy, stop_rule(rules_or_policy))
