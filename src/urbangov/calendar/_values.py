"""Time limits (:class:`TimeLimit`, :class:`TimeUnit`) and described days
(:class:`DayKind`, :class:`DayInfo`) (private).

Imported only by :mod:`urbangov.calendar`, which re-exports both classes; see that
module and ``docs/calendar.md`` for the conventions.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Self

import attrs

from urbangov.errors import CalendarError
from urbangov.vocabulary import Term

__all__ = ["LIMIT_YEARS", "MAX_AMOUNT", "DayInfo", "DayKind", "TimeLimit", "TimeUnit"]

_US_PER_MIN = 60_000_000


class TimeUnit(Term):
    """The unit of a :class:`TimeLimit`.

    Working units (工作时, 工作日) count only working time of a
    :class:`~urbangov.calendar.WorkCalendar`; the others are elapsed (calendar) time.
    """

    WORKING_HOURS = "working_hours", "工作时"
    WORKING_MINUTES = "working_minutes", "工作分钟"
    WORKING_DAYS = "working_days", "工作日"
    HOURS = "hours", "小时"
    MINUTES = "minutes", "分钟"
    DAYS = "days", "天"

    @property
    def working(self) -> bool:
        """Whether the unit counts working time only."""
        return self in _WORKING


_WORKING = frozenset({TimeUnit.WORKING_HOURS, TimeUnit.WORKING_MINUTES, TimeUnit.WORKING_DAYS})

# Words accepted by TimeLimit.parse (lower case, inner spaces collapsed), per unit.
_WORDS: dict[str, TimeUnit] = {}
for _unit, _words in {
    TimeUnit.WORKING_HOURS: (
        "working hours",
        "working hour",
        "work hours",
        "work hour",
        "working_hours",
        "工作时",
        "工作小时",
        "工时",
    ),
    TimeUnit.WORKING_MINUTES: (
        "working minutes",
        "working minute",
        "working_minutes",
        "工作分钟",
    ),
    TimeUnit.WORKING_DAYS: (
        "working days",
        "working day",
        "work days",
        "work day",
        "workdays",
        "workday",
        "working_days",
        "工作日",
    ),
    TimeUnit.HOURS: ("hours", "hour", "小时", "钟头"),
    TimeUnit.MINUTES: ("minutes", "minute", "分钟"),
    TimeUnit.DAYS: ("days", "day", "calendar days", "calendar day", "天", "自然日"),
}.items():
    for _w in _words:
        _WORDS[_w] = _unit

_NAMES = {
    TimeUnit.WORKING_HOURS: ("working hour", "working hours", "工作时"),
    TimeUnit.WORKING_MINUTES: ("working minute", "working minutes", "工作分钟"),
    TimeUnit.WORKING_DAYS: ("working day", "working days", "工作日"),
    TimeUnit.HOURS: ("hour", "hours", "小时"),
    TimeUnit.MINUTES: ("minute", "minutes", "分钟"),
    TimeUnit.DAYS: ("day", "days", "天"),
}

_LIMIT_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*个?\s*(.+?)\s*$")
_EXAMPLES = "expected e.g. '4 working hours', '15 working days', '6 hours', '4工作时', '7天'"

LIMIT_YEARS = 100
"""The longest time limit: 100 years of its unit (see :data:`MAX_AMOUNT`)."""

MAX_AMOUNT: Mapping[TimeUnit, int] = {
    TimeUnit.DAYS: 36_525,
    TimeUnit.WORKING_DAYS: 36_525,
    TimeUnit.HOURS: 876_600,
    TimeUnit.WORKING_HOURS: 876_600,
    TimeUnit.MINUTES: 52_596_000,
    TimeUnit.WORKING_MINUTES: 52_596_000,
}
"""The largest amount of each unit: 100 years (36,525 days or working days, 876,600
hours or working hours, 52,596,000 minutes or working minutes). No city-management
limit comes near; a larger number is a typing mistake, and refusing it keeps every due
time inside the years a datetime holds."""


def _short(value: object) -> str:
    """``value`` for a message (a ``Decimal`` as its number, anything else as its
    ``repr``), cut to a readable length: a number of 5,000 digits stays short."""
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= 40 else text[:30] + "…" + text[-8:]


def _to_decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool):
        raise CalendarError(f"{value!r} is not an amount", field=field, hint="give a number")
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))  # the literal the user wrote, not its binary expansion
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise CalendarError(
                f"{_short(value)} is not a number", field=field, hint="give e.g. 4 or 0.5"
            ) from None
    else:
        raise CalendarError(
            f"{_short(value)} ({type(value).__name__}) is not an amount",
            field=field,
            hint="give an int, a Decimal or a numeric string",
        )
    if not amount.is_finite():
        raise CalendarError(f"{_short(value)} is not a finite amount", field=field)
    return amount


def _amount_converter(value: object) -> Decimal:
    return _to_decimal(value, "amount")


def _check_limit(instance: TimeLimit, attribute: Any, amount: Decimal) -> None:
    unit = instance.unit
    name = unit.value.replace("_", " ")
    if amount < 0:
        raise CalendarError(
            f"a time limit cannot be negative (got {_short(amount)})",
            field="amount",
            hint="give 0 or more",
        )
    top = MAX_AMOUNT[unit]
    if amount > top:
        raise CalendarError(
            f"{_short(amount)} {name} is more than {LIMIT_YEARS} years (at most {top:,} {name})",
            field="amount",
            hint="check the number; no time limit is that long",
        )
    # exact, whatever the digits: no Decimal context (28 digits) is involved
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite, checked on conversion
    places = 0 if exponent >= 0 else -exponent - _trailing_zeros(digits, -exponent)
    if unit in (TimeUnit.WORKING_HOURS, TimeUnit.HOURS):
        scaled = int(amount.scaleb(2)) if places <= 2 else None  # hundredths of an hour
        if scaled is None or scaled * 60 % 100 != 0:
            raise CalendarError(
                f"{_short(amount)} hours is not a whole number of minutes",
                field="amount",
                hint="hour limits are fractional to the minute (0.5, 0.25, 1.75); "
                "use minutes for finer limits",
            )
    elif places:
        raise CalendarError(
            f"{_short(amount)} {name} is not a whole number",
            field="amount",
            hint="day and minute limits are integers",
        )


def _trailing_zeros(digits: tuple[int, ...], most: int) -> int:
    """How many of the last ``most`` digits are zeros, from the end."""
    count = 0
    for d in reversed(digits):
        if d or count >= most:
            break
        count += 1
    return count


def _unit_converter(value: object) -> TimeUnit:
    if isinstance(value, TimeUnit):
        return value
    if isinstance(value, str):
        text = " ".join(value.strip().lower().split())
        if text in _WORDS:
            return _WORDS[text]
        try:
            return TimeUnit(text)
        except ValueError:
            pass
        try:
            return TimeUnit[value.strip().upper()]
        except KeyError:
            pass
    raise CalendarError(
        f"{_short(value)} is not a time unit",
        field="unit",
        hint="use one of " + ", ".join(u.value for u in TimeUnit),
    )


@attrs.frozen
class TimeLimit:
    """A time limit (办理时限): an exact, non-negative amount of a :class:`TimeUnit`.

    Working hours (工作时) are fractional to the minute; working days (工作日), days and
    minutes are integers. Zero is allowed (the due time is the start); the longest limit
    is 100 years of its unit (:data:`MAX_AMOUNT`: 36,525 days, 876,600 hours, 52,596,000
    minutes). ``str()`` gives the canonical English form, which :meth:`parse` reads back.

    Examples
    --------
    >>> TimeLimit.working_hours(4)
    TimeLimit(amount=Decimal('4'), unit=<TimeUnit.WORKING_HOURS: 'working_hours'>)
    >>> str(TimeLimit.parse("15个工作日")), str(TimeLimit.parse("0.5 working hours"))
    ('15 working days', '0.5 working hours')
    >>> TimeLimit.parse("4工作时") == TimeLimit.working_hours(4)
    True
    """

    amount: Decimal = attrs.field(converter=_amount_converter, validator=_check_limit)
    unit: TimeUnit = attrs.field(converter=_unit_converter)
    working_us: int = attrs.field(init=False, eq=False, repr=False, hash=False)
    """The working microseconds of a working-hour or working-minute limit; 0 for every
    other unit (computed once: the calendar's hot path reads it on every ``add``)."""

    def __attrs_post_init__(self) -> None:
        per = _MINUTES_PER.get(self.unit)
        working = per is not None and self.unit in _WORKING
        us = int(self.amount * per) * 60_000_000 if working and per is not None else 0
        object.__setattr__(self, "working_us", us)

    # -- constructors -------------------------------------------------------------
    @classmethod
    def working_hours(cls, amount: object) -> Self:
        """Working hours (工作时), fractional to the minute: ``working_hours(0.5)``."""
        return cls(amount, TimeUnit.WORKING_HOURS)

    @classmethod
    def working_minutes(cls, amount: object) -> Self:
        """Whole working minutes (工作分钟)."""
        return cls(amount, TimeUnit.WORKING_MINUTES)

    @classmethod
    def working_days(cls, amount: object) -> Self:
        """Whole working days (工作日)."""
        return cls(amount, TimeUnit.WORKING_DAYS)

    @classmethod
    def hours(cls, amount: object) -> Self:
        """Elapsed hours (小时), fractional to the minute; the calendar is ignored."""
        return cls(amount, TimeUnit.HOURS)

    @classmethod
    def minutes(cls, amount: object) -> Self:
        """Whole elapsed minutes (分钟); the calendar is ignored."""
        return cls(amount, TimeUnit.MINUTES)

    @classmethod
    def days(cls, amount: object) -> Self:
        """Whole calendar days (天, 自然日), each 24 elapsed hours."""
        return cls(amount, TimeUnit.DAYS)

    @classmethod
    def parse(cls, text: str, *, field: str | None = None) -> Self:
        """Read a limit written in English or Chinese.

        Accepts ``"4 working hours"``, ``"4工作时"``, ``"4个工作小时"``, ``"15工作日"``,
        ``"15个工作日"``, ``"30 working minutes"``, ``"6 hours"``, ``"6小时"``,
        ``"7 days"``, ``"7天"`` and the canonical ``str()`` of any limit.

        Raises
        ------
        CalendarError
            Naming ``field`` when the text is not a limit (or a negative one).

        Examples
        --------
        >>> TimeLimit.parse("6小时")
        TimeLimit(amount=Decimal('6'), unit=<TimeUnit.HOURS: 'hours'>)
        >>> TimeLimit.parse("4 workin hours", field="limits.garbage")
        Traceback (most recent call last):
        ...
        urbangov.errors.CalendarError: limits.garbage: '4 workin hours' is not a time limit; ...
        """
        name = field or "time limit"
        if not isinstance(text, str):
            raise CalendarError(f"{_short(text)} is not a time limit", field=name, hint=_EXAMPLES)
        if text.strip().startswith("-"):
            raise CalendarError(
                f"{_short(text)}: a time limit cannot be negative",
                field=name,
                hint="give 0 or more",
            )
        match = _LIMIT_RE.match(text)
        unit = _WORDS.get(" ".join(match.group(2).lower().split())) if match else None
        if match is None or unit is None:
            raise CalendarError(f"{_short(text)} is not a time limit", field=name, hint=_EXAMPLES)
        try:
            return cls(Decimal(match.group(1)), unit)
        except CalendarError as exc:
            raise CalendarError(
                f"{_short(text)}: {exc.message}", field=name, hint=exc.hint
            ) from None

    @classmethod
    def from_toml(cls, value: object, *, field: str | None = None) -> Self:
        """Read a limit from a policy file: a string (see :meth:`parse`) or a table
        ``{ amount = 4, unit = "working_hours" }``.

        >>> TimeLimit.from_toml("4 working hours") == TimeLimit.working_hours(4)
        True
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls.parse(value, field=field)
        if isinstance(value, Mapping) and set(value) == {"amount", "unit"}:
            amount = value["amount"]
            if isinstance(amount, str | bool) or not isinstance(amount, int | Decimal | float):
                raise CalendarError(
                    f"{_short(amount)} is not a number",
                    field=f"{field}.amount" if field else "amount",
                    hint="write the amount as a number, without quotes: amount = 4",
                )
            if not isinstance(value["unit"], str | TimeUnit):
                raise CalendarError(
                    f"{_short(value['unit'])} is not a time unit",
                    field=f"{field}.unit" if field else "unit",
                    hint="use one of " + ", ".join(u.value for u in TimeUnit),
                )
            try:
                return cls(amount, value["unit"])
            except CalendarError as exc:
                sub = f"{field}.{exc.field}" if field else exc.field
                raise CalendarError(exc.message, field=sub, hint=exc.hint) from None
        raise CalendarError(
            f"{_short(value)} is not a time limit", field=field or "time limit", hint=_EXAMPLES
        )

    def to_toml(self) -> str:
        """The canonical string, e.g. ``"4 working hours"`` (``from_toml`` reads it back)."""
        return str(self)

    def __str__(self) -> str:
        one, many, _ = _NAMES[self.unit]
        return f"{_plain(self.amount)} {one if self.amount == 1 else many}"

    @property
    def chinese(self) -> str:
        """The Chinese form, e.g. ``'4工作时'``, ``'15工作日'``."""
        return f"{_plain(self.amount)}{_NAMES[self.unit][2]}"

    @property
    def working(self) -> bool:
        """Whether the limit counts working time only (工作时, 工作日)."""
        return self.unit in _WORKING

    def microseconds(self) -> int:
        """The limit in microseconds, for every unit except working days."""
        per = _MINUTES_PER.get(self.unit)
        if per is None:
            raise CalendarError(
                "working days have no fixed length", field="unit", hint="use WorkCalendar.add"
            )
        return int(self.amount * per) * 60_000_000


_MINUTES_PER = {
    TimeUnit.WORKING_HOURS: 60,
    TimeUnit.HOURS: 60,
    TimeUnit.WORKING_MINUTES: 1,
    TimeUnit.MINUTES: 1,
    TimeUnit.DAYS: 1440,
}


def _plain(amount: Decimal) -> str:
    text = format(amount.normalize(), "f")
    return text


# -- days described ---------------------------------------------------------------


class DayKind(Term):
    """What kind of day a date is (for display; :meth:`WorkCalendar.is_workday` decides):
    工作日, 调休上班, 法定节假日 or 周末."""

    WORKDAY = "workday", "工作日"
    MAKEUP_WORKDAY = "makeup_workday", "调休上班"
    HOLIDAY = "holiday", "法定节假日"
    WEEKEND = "weekend", "周末"

    @property
    def worked(self) -> bool:
        """Whether such a day is a working day."""
        return self in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)


@attrs.frozen
class DayInfo:
    """One date described: its :class:`DayKind`, the holiday's name (English and
    Chinese) for holidays and make-up workdays, and whether it is provisional."""

    date: _dt.date
    kind: DayKind
    name: str | None = None
    chinese: str | None = None
    provisional: bool = False


# -- the calendar ---------------------------------------------------------------------
