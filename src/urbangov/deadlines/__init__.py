"""Deadlines (处置时限): the limit table, due times, suspensions, extensions, warnings.

A city gives every dispatched problem a handling time limit (处置时限) — "在规定的时间里,
按要求将问题菜单整改到位" (《城市管理协管员考核办法》篇5 §四(二)). The limits themselves are
not in the source documents: :class:`DeadlineRules`, the Policy's ``deadlines`` section, ships
defaults taken from published municipal time-limit tables (each cited in
``data/default_policy.toml`` and in ``docs/deadlines.md``), and every value can be
overridden and dated.

Conventions (the contract):

- The limit is looked up by category × urgency (紧急 / 一般) × zone tier: the category's
  own row, else its major class's row (keyed ``"E01"``, ``"C01"``: the taxonomy's full
  major code), else the table's default row. Within a row a zone tier's own value beats
  the row's value, and an urgent limit falls back to the normal one. A case with
  ``zone=None`` takes the table's ``default_tier``. :func:`limit_for` says which applied.
- The rules in force are those on the filing date (立案日期, the local date in the
  calendar's zone), so a later policy change does not move open cases.
- The handling clock starts at the first ``dispatch`` (派遣); ``due_at`` is ``None``
  before. Neither ``send_back`` (回退) nor ``verify_fail`` (返工) restarts it, unless
  ``restart_on_rework`` is set: then it restarts in full at the latest ``verify_fail``.
- A suspension (缓办/挂账) stops the clock and ``resume`` restarts it: the span is a pause.
  While a suspension that began before the due time is open, there is no due time
  (``None``; the clock is stopped).
- An approved extension (延期) is added **from the due time, in its own unit**, with the
  same pauses: ``due = calendar.add(due, extension)``. So 1 working day added to a
  working-hours due time ends at the close of the next working day; 2 working hours
  added to a due time at 18:00 end at 11:00 the next working day (with 09:00 opening).
  Extensions are applied in the order approved, whenever they were approved.
- The clock stops for good when the case is handled (处置反馈, the last ``handle`` that
  was not followed by ``verify_fail``) or voided. A case is overdue (超期) when that
  stop — or, for an open case, the time asked about — is after the due time.
- Warnings (预警) are the warning points (default 50% and 80%) of the limit's time that
  the running clock used before it stopped. Time is working time for working-unit
  limits and elapsed time for calendar-unit limits (manhole covers: 6 hours).
- Functions taking ``at`` judge the case as known at ``at``: events after it are ignored.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> from urbangov.calendar import WorkCalendar
>>> from urbangov.cases import Case, CaseEvent
>>> t = datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
>>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=[
...     CaseEvent("accept", t), CaseEvent("file", t),
...     CaseEvent("dispatch", t, department="street")])
>>> due_at(case, DeadlineRules())  # exposed garbage: 4 working hours
datetime.datetime(2024, 5, 6, 14, 30, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
"""

from urbangov._internal.public import publish
from urbangov.deadlines._columns import (
    DeadlineColumns,
    deadline_batch,
    due_at_batch,
    overdue_batch,
    provisional_batch,
    warning_levels_batch,
)
from urbangov.deadlines._deadlines import (
    Deadline,
    deadline,
    due_at,
    is_overdue,
    remaining,
    stage_due_at,
    stopped_at,
    warnings,
)
from urbangov.deadlines._lookup import AppliedLimit, limit_for, lookup
from urbangov.deadlines._rules import (
    DEFAULT_CATEGORY_LIMITS,
    DeadlineRules,
    HasDeadlines,
    LimitRow,
    StageLimits,
    TierLimits,
)

__all__ = [
    "DEFAULT_CATEGORY_LIMITS",
    "AppliedLimit",
    "Deadline",
    "DeadlineColumns",
    "DeadlineRules",
    "HasDeadlines",
    "LimitRow",
    "StageLimits",
    "TierLimits",
    "deadline",
    "deadline_batch",
    "due_at",
    "due_at_batch",
    "is_overdue",
    "limit_for",
    "lookup",
    "overdue_batch",
    "provisional_batch",
    "remaining",
    "stage_due_at",
    "stopped_at",
    "warning_levels_batch",
    "warnings",
]

publish(__name__, __all__)
