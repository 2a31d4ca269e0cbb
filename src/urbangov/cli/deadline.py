"""``urbangov deadline START LIMIT``: the due time of a time limit, and the days it crosses.

``START`` is parsed by pendulum; a string without an offset (``"2024-09-30 17:00"``) is a
wall-clock time in the calendar's zone (``--tz``, default Asia/Shanghai), one with an
offset (``"2024-09-30T09:00Z"``) is that instant. ``LIMIT`` is any
:meth:`~urbangov.calendar.TimeLimit.parse` form (``"5 working days"``, ``"4工作时"``).

The command's core is :func:`deadline_report` (no I/O) and :func:`render_deadline`
(the tables), so that other commands can reuse them with limits they look up
themselves (e.g. by case category and zone).
"""

from __future__ import annotations

import datetime as _dt
import warnings

import attrs
import click
import pendulum
from rich.console import Console
from rich.table import Table

from urbangov.calendar import DEFAULT_SCHEDULE, DayInfo, TimeLimit, WorkCalendar, WorkSchedule
from urbangov.cli._common import console, fail, label
from urbangov.cli.deadline_rules import resolve_limit, rule_options
from urbangov.errors import (
    CalendarCoverageError,
    CalendarError,
    ProvisionalCalendarWarning,
    UrbangovError,
)
from urbangov.policy import Policy

__all__ = ["DeadlineReport", "deadline", "deadline_report", "parse_start", "render_deadline"]

_WEEKDAYS = (("Mon", "周一"), ("Tue", "周二"), ("Wed", "周三"), ("Thu", "周四"), ("Fri", "周五"),
             ("Sat", "周六"), ("Sun", "周日"))  # fmt: skip
_KINDS = {
    "workday": ("workday", "工作日"),
    "makeup_workday": ("make-up workday", "调休上班"),
    "holiday": ("holiday", "法定节假日"),
    "weekend": ("weekend", "周末"),
}


@attrs.frozen
class DeadlineReport:
    """What ``urbangov deadline`` shows: the due time and each day from start to due."""

    start: _dt.datetime
    limit: TimeLimit
    due: _dt.datetime
    days: tuple[tuple[DayInfo, _dt.timedelta], ...]  # each day with the working time counted
    working_days: int  # working days from the start's date to the due date, both included
    provisional_years: tuple[int, ...] = ()


def parse_start(text: str, tz: str) -> _dt.datetime:
    """An aware start time from text; without an offset it is wall-clock time in ``tz``.

    >>> parse_start("2024-09-30 17:00", "Asia/Shanghai").isoformat()
    '2024-09-30T17:00:00+08:00'
    """
    try:
        parsed = pendulum.parse(text, tz=tz)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise CalendarError(
            f"{text!r} is not a date and time: {exc}",
            field="START",
            hint="write e.g. '2024-09-30 17:00' or '2024-09-30T09:00Z'",
        ) from None
    if not isinstance(parsed, _dt.datetime):
        if isinstance(parsed, _dt.date):
            raise CalendarError(
                f"{text!r} has no time of day", field="START", hint="write '2024-09-30 17:00'"
            )
        raise CalendarError(f"{text!r} is not a date and time", field="START")
    return parsed


def deadline_report(
    start: _dt.datetime, limit: TimeLimit, calendar: WorkCalendar
) -> DeadlineReport:
    """Compute a :class:`DeadlineReport` (no printing; warnings are collected).

    >>> from zoneinfo import ZoneInfo
    >>> r = deadline_report(
    ...     _dt.datetime(2024, 9, 30, 17, tzinfo=ZoneInfo("Asia/Shanghai")),
    ...     TimeLimit.working_days(5),
    ...     WorkCalendar.china(),
    ... )
    >>> r.due.isoformat(), r.working_days, len(r.days)
    ('2024-10-12T18:00:00+08:00', 6, 13)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        due = calendar.add(start, limit)
        zone = due.tzinfo
        first = start.astimezone(zone).date()
        last = due.date()
        rows = []
        for info in calendar.days(first, last):
            day_start = _dt.datetime.combine(info.date, _dt.time(0), tzinfo=zone)
            day_end = _dt.datetime.combine(
                info.date + _dt.timedelta(days=1), _dt.time(0), tzinfo=zone
            )
            lo, hi = max(day_start, start), min(day_end, due)
            counted = calendar.working_time_between(lo, hi) if lo < hi else _dt.timedelta(0)
            rows.append((info, counted))
        working = calendar.workdays_between(first, last + _dt.timedelta(days=1))
        provisional = calendar.provisional_years_in(start, due)
    return DeadlineReport(start.astimezone(zone), limit, due, tuple(rows), working, provisional)


def _hours(delta: _dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}" if minutes else ""


def render_deadline(ctx: click.Context, report: DeadlineReport, out: Console) -> None:
    """Print the due time and the table of days crossed."""
    due = report.due
    zh = label(ctx, "en", "zh") == "zh"
    weekday = _WEEKDAYS[due.weekday()][1 if zh else 0]
    since = f"{report.start:%Y-%m-%d %H:%M}"
    out.print(
        label(ctx, "Due", "截止时间")
        + f": [bold]{due:%Y-%m-%d %H:%M}[/bold] {weekday} ({due.tzinfo})"
        + label(
            ctx, f"  — {report.limit} from {since}", f"  — 自 {since} 起 {report.limit.chinese}"
        )
    )
    out.print(
        label(ctx, "Working days crossed (start and due day included)", "跨越工作日（含起止日）")
        + f": {report.working_days}"
    )
    if report.provisional_years:
        years = ", ".join(map(str, report.provisional_years))
        out.print(
            label(
                ctx,
                f"[yellow]Provisional:[/yellow] no official holiday data for {years}; "
                "counted as Monday–Friday",
                f"[yellow]临时结果：[/yellow]{years}年无官方节假日数据，按周一至周五计算",
            )
        )
    table = Table(title=label(ctx, "Days from start to due", "起止期间逐日"))
    for en, cn, justify in (
        ("date", "日期", "left"),
        ("day", "星期", "left"),
        ("kind", "类型", "left"),
        ("holiday", "节日", "left"),
        ("working time", "计入工作时间", "right"),
    ):
        table.add_column(label(ctx, en, cn), justify=justify)  # type: ignore[arg-type]
    for info, counted in report.days:
        kind = _KINDS[info.kind.value][1 if zh else 0]
        name = (info.chinese or info.name or "") if zh else (info.name or "")
        style = None if info.kind.worked else "dim"
        table.add_row(
            info.date.isoformat(),
            _WEEKDAYS[info.date.weekday()][1 if zh else 0],
            kind,
            name,
            _hours(counted),
            style=style,
        )
    out.print(table)


def _calendar(
    policy_file: str | None, schedule: str | None, tz: str | None, provisional: bool
) -> WorkCalendar:
    """The policy's working calendar (the default policy's without ``--policy``), with
    the office hours, zone and provisional mode the options override."""
    policy = Policy.load(policy_file) if policy_file else Policy.default()
    changes: dict[str, object] = {}
    if schedule is not None:
        changes["calendar.schedule"] = WorkSchedule.from_toml(
            schedule, field="--schedule"
        ).to_toml()
    if tz is not None:
        changes["calendar.tz"] = tz
    if provisional:
        changes["calendar.provisional"] = True
    return (policy.reform(changes) if changes else policy).work_calendar()


@click.command("deadline")
@click.argument("start", required=False)
@click.argument("limit", required=False)
@click.option(
    "--schedule",
    default=None,
    help="Office hours, comma-separated windows (or 'always') [default: the policy's, "
    f"{DEFAULT_SCHEDULE} in the default policy].",
)
@click.option("--tz", default=None, help="IANA time zone [default: the policy's, Asia/Shanghai].")
@click.option(
    "--provisional",
    is_flag=True,
    help="Count years without official holiday data as Monday–Friday.",
)
@rule_options
@click.pass_context
def deadline(
    ctx: click.Context,
    /,
    start: str | None,
    limit: str | None,
    schedule: str | None,
    tz: str | None,
    provisional: bool,
    **rule: str | None,
) -> None:
    """Due time of a working-time LIMIT from START, and the days it crosses.

    LIMIT is e.g. "5 working days" or "4工作时"; START e.g. "2024-09-30 17:00",
    wall-clock time in --tz.

    With --category (and --zone, --urgency) the limit comes from the policy's time-limit
    table (处置时限), and the command says which limit applied and why; START is then
    optional."""
    try:
        calendar = _calendar(rule.get("policy_file"), schedule, tz, provisional)
        begin = None if start is None else parse_start(start, calendar.tz)
        chosen = resolve_limit(ctx, rule, begin, limit)
        if chosen is None or begin is None:
            return
        report = deadline_report(begin, chosen, calendar)
    except CalendarCoverageError as error:
        fail(
            error,
            hint="pass --provisional to count the year as Monday–Friday, or give a policy "
            "whose calendar section covers it (--policy FILE)",
        )
        return
    except UrbangovError as error:
        fail(error)
        return
    render_deadline(ctx, report, console())
