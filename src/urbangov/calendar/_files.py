"""Calendar files (``kind = "calendar"``): reading one into a calendar, and every
problem of one (private: :class:`~urbangov.calendar.WorkCalendar` ``.load`` and
``.check_file``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from urbangov._internal import documents as _files
from urbangov.calendar._days import check_days, read_days
from urbangov.calendar._schedule import WorkSchedule
from urbangov.calendar._time import zone
from urbangov.errors import CalendarError, UrbangovError

__all__ = ["calendar_file_problems", "load_calendar"]

C = TypeVar("C")


def load_calendar(
    cls: Callable[..., C],
    path: str | Path,
    *,
    schedule: WorkSchedule | None,
    tz: str | None,
    provisional: bool,
    default: WorkSchedule,
) -> C:
    """``cls`` (a ``WorkCalendar`` class) built from the calendar file at ``path``; the
    arguments win over the file's ``schedule`` and ``tz``, ``default`` is the schedule
    when neither gives one."""
    doc = _files.read_document(path, "calendar", CalendarError)
    days = read_days(doc)
    file_schedule = doc.data.get("schedule")
    if schedule is None:
        try:
            schedule = (
                WorkSchedule.from_toml(file_schedule, field="schedule")
                if file_schedule is not None
                else default
            )
        except CalendarError as exc:
            raise exc.located(file=doc.file, line=doc.line_of(("schedule",))) from None
    tz_name = tz if tz is not None else doc.data.get("tz", "Asia/Shanghai")
    try:
        if not isinstance(tz_name, str):
            raise CalendarError(f"{tz_name!r} is not a time zone name", field="tz")
        return cls(
            schedule,
            tz_name,
            days.holidays,
            days.workdays,
            days.covers,
            provisional,
            days.chinese,
        )
    except CalendarError as exc:
        raise exc.located(file=doc.file, line=doc.line_of(("tz",))) from None


def calendar_file_problems(path: str | Path) -> tuple[UrbangovError, ...]:
    """Every problem of the calendar file at ``path``, each naming its key, file and line."""
    try:
        doc = _files.read_document(path, "calendar", CalendarError)
    except CalendarError as exc:
        return (exc,)
    problems = check_days(doc)
    file_schedule = doc.data.get("schedule")
    if file_schedule is not None:
        try:
            WorkSchedule.from_toml(file_schedule, field="schedule")
        except CalendarError as exc:
            problems.append(exc.located(file=doc.file, line=doc.line_of(("schedule",))))
    tz_name = doc.data.get("tz", "Asia/Shanghai")
    try:
        if not isinstance(tz_name, str):
            raise CalendarError(f"{tz_name!r} is not a time zone name", field="tz")
        zone(tz_name)
    except CalendarError as exc:
        problems.append(exc.located(file=doc.file, line=doc.line_of(("tz",))))
    return tuple(problems)
