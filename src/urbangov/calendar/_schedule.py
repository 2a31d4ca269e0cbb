"""Office hours: :class:`WorkSchedule` (private).

Imported only by :mod:`urbangov.calendar`, which re-exports it; see that module and
``docs/calendar.md`` for the conventions.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self

import attrs

from urbangov.errors import CalendarError

__all__ = ["WorkSchedule"]


Window = tuple[int, int]  # minutes after local midnight, [open, close), close <= 1440
Period = tuple[tuple[int, int], tuple[int, int], tuple[Window, ...]]  # (from MD, to MD, windows)

_HHMM = re.compile(r"^\s*([0-2]?[0-9]):([0-5][0-9])\s*$")


def _minute(value: object, field: str) -> int:
    if isinstance(value, _dt.time):
        if value.second or value.microsecond or value.tzinfo is not None:
            raise CalendarError(
                f"{value} must be a whole minute without a timezone",
                field=field,
                hint="office hours are local wall-clock times like '09:00'",
            )
        return value.hour * 60 + value.minute
    if isinstance(value, str):
        m = _HHMM.match(value)
        if m:
            total = int(m.group(1)) * 60 + int(m.group(2))
            if total <= 1440:
                return total
    raise CalendarError(
        f"{value!r} is not a time of day", field=field, hint="write 'HH:MM', e.g. '09:00'"
    )


def _windows(value: object, field: str) -> tuple[Window, ...]:
    if isinstance(value, str):
        items: list[object] = [p for p in value.split(",") if p.strip()]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise CalendarError(
            f"{value!r} is not a list of windows",
            field=field,
            hint="give e.g. [('09:00', '12:00'), ('13:30', '18:00')]",
        )
    if not items:
        raise CalendarError(
            "a schedule needs at least one window",
            field=field,
            hint="give e.g. [('09:00', '12:00')]; rest days come from the calendar",
        )
    out: list[Window] = []
    for i, item in enumerate(items):
        where = f"{field}[{i}]"
        pair: Sequence[object]
        if isinstance(item, str):
            pair = item.split("-")
        elif isinstance(item, Sequence):
            pair = item
        else:
            pair = ()
        if len(pair) != 2:
            raise CalendarError(
                f"{item!r} is not a window", field=where, hint="give ('09:00', '12:00')"
            )
        start, end = _minute(pair[0], where), _minute(pair[1], where)
        if start >= end:
            raise CalendarError(
                f"window {item!r} does not open before it closes",
                field=where,
                hint="windows lie within one day; '24:00' closes at midnight",
            )
        if start == 1440:
            raise CalendarError(f"window {item!r} opens at 24:00", field=where)
        if out and start < out[-1][1]:
            raise CalendarError(
                f"window {item!r} overlaps or precedes the one before it",
                field=where,
                hint="list windows in order, without overlap",
            )
        out.append((start, end))
    return tuple(out)


def _month_day(value: object, field: str) -> tuple[int, int]:
    if isinstance(value, str):
        m = re.match(r"^\s*(\d{1,2})-(\d{1,2})\s*$", value)
        if m:
            month, day = int(m.group(1)), int(m.group(2))
            try:
                _dt.date(2000, month, day)
            except ValueError:
                pass
            else:
                return (month, day)
    if isinstance(value, tuple) and len(value) == 2:
        return _month_day(f"{value[0]}-{value[1]}", field)
    raise CalendarError(
        f"{value!r} is not a month and day", field=field, hint="write 'MM-DD', e.g. '05-01'"
    )


def _whole_year(windows: tuple[Window, ...]) -> Period:
    return ((1, 1), (12, 31), windows)


def _fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _day_of_leap_year(md: tuple[int, int]) -> int:
    return _dt.date(2000, md[0], md[1]).timetuple().tm_yday - 1


def _check_periods(instance: WorkSchedule, attribute: Any, periods: tuple[Period, ...]) -> None:
    if not periods:
        raise CalendarError("a schedule needs at least one period", field="schedule")
    owner = [-1] * 366
    for p, (start, end, _windows) in enumerate(periods):
        a, b = _day_of_leap_year(start), _day_of_leap_year(end)
        days = range(a, b + 1) if a <= b else [*range(a, 366), *range(0, b + 1)]
        for d in days:
            if owner[d] != -1:
                raise CalendarError(
                    f"periods {owner[d]} and {p} both cover {_md_of(d)}",
                    field=f"schedule[{p}]",
                    hint="seasonal periods must not overlap",
                )
            owner[d] = p
    if -1 in owner:
        raise CalendarError(
            f"no period covers {_md_of(owner.index(-1))}",
            field="schedule",
            hint="seasonal periods must cover the whole year (including 02-29)",
        )


def _md_of(day: int) -> str:
    d = _dt.date(2000, 1, 1) + _dt.timedelta(days=day)
    return f"{d.month:02d}-{d.day:02d}"


@attrs.frozen
class WorkSchedule:
    """Office hours (办公时间): the working windows of each working day (工作日).

    Windows are local wall-clock times ``[open, close)`` in whole minutes; ``"24:00"``
    closes at midnight. A schedule is the same every day (:meth:`daily`), changes by
    season (:meth:`seasonal`, e.g. summer and winter hours, 夏令/冬令作息时间), or runs
    round the clock (:meth:`always`, 24×7). Which days are worked comes from the
    :class:`~urbangov.calendar.WorkCalendar`, not from the schedule.

    Examples
    --------
    >>> s = WorkSchedule.daily([("09:00", "12:00"), ("13:30", "18:00")])
    >>> str(s), s.to_toml()
    ('09:00-12:00,13:30-18:00', ['09:00-12:00', '13:30-18:00'])
    >>> WorkSchedule.from_toml(s.to_toml()) == s
    True
    """

    periods: tuple[Period, ...] = attrs.field(validator=_check_periods)

    def __repr__(self) -> str:
        return f"WorkSchedule.from_toml({self.to_toml()!r})"

    @classmethod
    def daily(cls, windows: object) -> Self:
        """The same windows every working day: ``daily([("09:00", "12:00"), ...])`` or
        ``daily("09:00-12:00,13:30-18:00")``."""
        return cls((_whole_year(_windows(windows, "schedule")),))

    @classmethod
    def seasonal(cls, periods: Iterable[tuple[object, object, object]]) -> Self:
        """Windows by date range: ``seasonal([("05-01", "09-30", summer), ("10-01",
        "04-30", winter)])``. Ranges are inclusive month-days, may wrap the year end,
        and must cover every day of the year exactly once.

        >>> import datetime
        >>> s = WorkSchedule.seasonal([
        ...     ("05-01", "09-30", [("08:30", "12:00"), ("14:30", "18:00")]),
        ...     ("10-01", "04-30", [("09:00", "12:00"), ("13:30", "17:30")]),
        ... ])
        >>> s.windows_on(datetime.date(2024, 7, 1))[1]
        (datetime.time(14, 30), datetime.time(18, 0))
        """
        out: list[Period] = []
        for i, item in enumerate(periods):
            if not (isinstance(item, Sequence) and len(item) == 3):
                raise CalendarError(
                    f"{item!r} is not (from, to, windows)",
                    field=f"schedule[{i}]",
                    hint="give ('05-01', '09-30', [('08:30', '12:00'), ...])",
                )
            start = _month_day(item[0], f"schedule[{i}].from")
            end = _month_day(item[1], f"schedule[{i}].to")
            out.append((start, end, _windows(item[2], f"schedule[{i}].windows")))
        return cls(tuple(out))

    @classmethod
    def always(cls) -> Self:
        """Round the clock (24×7 units such as 12319 hotlines): one window 00:00–24:00
        on every working day. Pair it with a calendar whose every day is worked for
        true 24×7 time."""
        return cls.daily([("00:00", "24:00")])

    @classmethod
    def parse(cls, text: str, *, field: str | None = None) -> Self:
        """A daily schedule from ``"09:00-12:00,13:30-18:00"`` (the CLI form)."""
        return cls((_whole_year(_windows(text, field or "schedule")),))

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        """Read a schedule from a file: ``"always"``, ``"09:00-12:00,13:30-18:00"``, a
        list of ``"HH:MM-HH:MM"`` windows (daily), or a list of seasonal tables
        ``{ from = "05-01", to = "09-30", windows = [...] }``."""
        name = field or "schedule"
        if isinstance(value, cls):
            return value
        try:
            if value == "always":
                return cls.always()
            if isinstance(value, str):
                return cls.parse(value, field=name)
            if isinstance(value, Sequence) and value and all(isinstance(v, Mapping) for v in value):
                periods = []
                for i, table in enumerate(value):
                    assert isinstance(table, Mapping)
                    if set(table) != {"from", "to", "windows"}:
                        raise CalendarError(
                            f"keys {sorted(table)} are not from, to, windows",
                            field=f"[{i}]",
                            hint='write { from = "05-01", to = "09-30", windows = [...] }',
                        )
                    periods.append((table["from"], table["to"], table["windows"]))
                return cls.seasonal(periods)
            return cls((_whole_year(_windows(value, "")),))
        except CalendarError as exc:
            sub = exc.field or ""
            sub = sub.removeprefix("schedule")
            full = name + sub if sub.startswith("[") or not sub else f"{name}.{sub}"
            raise CalendarError(exc.message, field=full, hint=exc.hint) from None

    def to_toml(self) -> list[str] | list[dict[str, Any]]:
        """Plain TOML data that :meth:`from_toml` reads back to an equal schedule."""
        if len(self.periods) == 1 and self.periods[0][:2] == ((1, 1), (12, 31)):
            return [f"{_fmt(a)}-{_fmt(b)}" for a, b in self.periods[0][2]]
        return [
            {
                "from": f"{s[0]:02d}-{s[1]:02d}",
                "to": f"{e[0]:02d}-{e[1]:02d}",
                "windows": [f"{_fmt(a)}-{_fmt(b)}" for a, b in w],
            }
            for s, e, w in self.periods
        ]

    def __str__(self) -> str:
        data = self.to_toml()
        if all(isinstance(x, str) for x in data):
            return ",".join(str(x) for x in data)
        return "; ".join(
            f"{p['from']}..{p['to']}: {','.join(p['windows'])}"  # type: ignore[index]
            for p in data
        )

    def period_of(self, d: _dt.date) -> int:
        """The index of the period in force on date ``d``."""
        key = (d.month, d.day)
        for i, (start, end, _w) in enumerate(self.periods):
            if (start <= key <= end) if start <= end else (key >= start or key <= end):
                return i
        raise AssertionError("validated schedules cover every day")  # pragma: no cover

    def windows_on(self, d: _dt.date) -> tuple[tuple[_dt.time, _dt.time], ...]:
        """The windows on date ``d`` as ``datetime.time`` pairs (``24:00`` as 23:59:59.999999
        is never produced: a midnight close is shown as ``time(0, 0)``)."""
        return tuple(
            (_dt.time(a // 60, a % 60), _dt.time((b // 60) % 24, b % 60))
            for a, b in self.periods[self.period_of(d)][2]
        )

    def minutes_per_day(self, d: _dt.date) -> int:
        """Working minutes on a working day ``d`` (ignoring daylight-saving shifts)."""
        return sum(b - a for a, b in self.periods[self.period_of(d)][2])
