"""The Policy's ``calendar`` section (private).

:mod:`urbangov.calendar` re-exports :class:`CalendarRules`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from typing import ClassVar

import attrs

from urbangov.calendar._calendar import DEFAULT_SCHEDULE, WorkCalendar, check_tz, schedule_of
from urbangov.calendar._schedule import WorkSchedule
from urbangov.calendar._time import days_arg, years_of
from urbangov.params import RuleSection

__all__ = ["CalendarRules"]


def _holiday_dates(value: Iterable[_dt.date]) -> tuple[_dt.date, ...]:
    return tuple(sorted(days_arg(value, "holidays", "")))


def _workday_dates(value: Iterable[_dt.date]) -> tuple[_dt.date, ...]:
    return tuple(sorted(days_arg(value, "workdays", "")))


@attrs.frozen
class CalendarRules(RuleSection):
    """The Policy's ``calendar`` section: office hours, zone and local extra days.

    Parameters (all policy parameters, each with its default):

    ``schedule``
        Office hours (default :data:`DEFAULT_SCHEDULE`, 09:00–12:00 and 13:30–18:00).
    ``tz``
        IANA zone (default ``"Asia/Shanghai"``).
    ``holidays``, ``workdays``
        Local extra rest days and make-up workdays (调休), overriding the bundled ones.
    ``covers``
        Years to treat as covered beyond 2004–2026 (with their days listed above).
    ``provisional``
        Treat uncovered years as Monday–Friday, with a warning.

    >>> CalendarRules().work_calendar() == WorkCalendar.china()
    True
    """

    schedule: WorkSchedule = attrs.field(default=DEFAULT_SCHEDULE, converter=schedule_of)
    tz: str = attrs.field(default="Asia/Shanghai", validator=check_tz)
    holidays: tuple[_dt.date, ...] = attrs.field(default=(), converter=_holiday_dates)
    workdays: tuple[_dt.date, ...] = attrs.field(default=(), converter=_workday_dates)
    covers: tuple[int, ...] = attrs.field(default=(), converter=years_of)
    provisional: bool = False

    section: ClassVar[str] = "calendar"

    def work_calendar(self) -> WorkCalendar:
        """The :class:`WorkCalendar` these rules describe (bundled days plus the extras),
        built once per value (a calendar is immutable)."""
        return _calendar_of(self)


@functools.lru_cache(maxsize=64)
def _calendar_of(rules: CalendarRules) -> WorkCalendar:
    cal = WorkCalendar.china(rules.schedule, rules.tz, rules.provisional)
    if rules.holidays or rules.workdays or rules.covers:
        cal = cal.with_days(rules.holidays, rules.workdays, rules.covers)
    return cal
