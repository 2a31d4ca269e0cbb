"""Working time (工作时间): China's official holidays and make-up workdays, exactly.

Time limits in city management run in working time — working hours (工作时) and working
days (工作日) — and China's calendar moves working days onto weekends (调休): around
each long official holiday (法定节假日) a Saturday or Sunday becomes a make-up workday
(调休上班). A :class:`WorkCalendar` knows every such day from the State Council General
Office's annual notices (国务院办公厅关于YYYY年部分节假日安排的通知), 2004 through 2026,
and refuses to guess outside them.

Conventions (the contract; ``docs/calendar.md`` explains each):

- A day is worked if it is a make-up workday, or a Monday–Friday that is not a listed
  holiday. A listed holiday is a rest day even on a weekday.
- Working hours count only inside the schedule's windows of working days. A start
  outside a window starts at the next opening. A limit that ends exactly at a window's
  close is due **at the close**, not at the next opening.
- N working days end at the close of the last window of the Nth working day after the
  start day; the start day is never counted, whatever the start time.
- Calendar hours, minutes and days ignore the calendar: they are elapsed time (a day
  is 24 hours).
- A zero limit is due at the start itself.
- Inputs are any aware ``datetime`` (pendulum's included); a naive one raises
  :class:`~urbangov.errors.NaiveDatetimeError`. Results are stdlib ``datetime`` in the
  calendar's zone. Any IANA zone works: window edges are local wall-clock times
  (``fold=0`` where a daylight-saving change makes them ambiguous or skipped), and
  working time is real elapsed time.
- A date outside the covered years raises
  :class:`~urbangov.errors.CalendarCoverageError`; ``provisional=True`` treats
  uncovered years as Monday–Friday and warns with
  :class:`~urbangov.errors.ProvisionalCalendarWarning`.

>>> from datetime import datetime
>>> from zoneinfo import ZoneInfo
>>> SHANGHAI = ZoneInfo("Asia/Shanghai")
>>> cal = WorkCalendar.china(schedule=WorkSchedule.daily([("09:00", "12:00"), ("13:30", "18:00")]))
>>> cal.add(datetime(2024, 9, 30, 17, tzinfo=SHANGHAI), TimeLimit.working_days(5))
datetime.datetime(2024, 10, 12, 18, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
"""

from urbangov._internal.public import publish
from urbangov.calendar._calendar import (
    DEFAULT_SCHEDULE,
    PROVISIONAL_SPAN,
    WorkCalendar,
)
from urbangov.calendar._rules import CalendarRules
from urbangov.calendar._schedule import WorkSchedule
from urbangov.calendar._values import (
    DayInfo,
    DayKind,
    TimeLimit,
    TimeUnit,
)

__all__ = [
    "DEFAULT_SCHEDULE",
    "PROVISIONAL_SPAN",
    "CalendarRules",
    "DayInfo",
    "DayKind",
    "TimeLimit",
    "TimeUnit",
    "WorkCalendar",
    "WorkSchedule",
]

publish(__name__, __all__)
