"""Calendar arguments: time zones, dates, day collections and pauses (private)."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from urbangov._internal.instants import MAX_YEAR, MIN_YEAR, to_us
from urbangov.errors import CalendarError

__all__ = [
    "add_elapsed",
    "check_year",
    "date_of",
    "days_arg",
    "pauses_us",
    "years_of",
    "zone",
]


def zone(tz: str) -> ZoneInfo:
    try:
        return _zone_cached(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CalendarError(
            f"{tz!r} is not an IANA time zone",
            field="tz",
            hint="give a name such as 'Asia/Shanghai'",
        ) from None


@functools.cache
def _zone_cached(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def date_of(d: object, field: str) -> _dt.date:
    if isinstance(d, _dt.datetime) or not isinstance(d, _dt.date):
        raise CalendarError(
            f"{d!r} is not a date", field=field, hint="give a datetime.date (not a datetime)"
        )
    return d


def days_arg(value: object, field: str, default: str) -> dict[_dt.date, str]:
    if isinstance(value, Mapping):
        items = [(date_of(k, field), str(v)) for k, v in value.items()]
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
        items = [(date_of(k, field), default) for k in value]
    else:
        raise CalendarError(f"{value!r} is not a collection of dates", field=field)
    return dict(items)


def add_elapsed(t: int, amount: int, spans: Sequence[tuple[int, int]]) -> int:
    if amount == 0:
        return t
    current, rest = t, amount
    for a, b in spans:
        if b <= current:
            continue
        if a > current:
            if rest <= a - current:
                break
            rest -= a - current
        current = max(current, b)
    return current + rest


def pauses_us(
    pauses: Iterable[tuple[_dt.datetime, _dt.datetime]], after: int
) -> list[tuple[int, int]]:
    spans = []
    for i, pair in enumerate(pauses):
        try:
            a, b = pair
        except (TypeError, ValueError):
            raise CalendarError(
                f"{pair!r} is not a (from, to) pair", field=f"pauses[{i}]"
            ) from None
        lo, hi = to_us(a, f"pauses[{i}][0]"), to_us(b, f"pauses[{i}][1]")
        if hi < lo:
            raise CalendarError(
                "a pause ends before it begins", field=f"pauses[{i}]", hint="give (from, to)"
            )
        spans.append((lo, hi))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return [(lo, hi) for lo, hi in merged if hi > after]


def check_year(y: object, field: str) -> str | None:
    """Why ``y`` is not a year a calendar can cover, or ``None``."""
    if isinstance(y, bool) or not isinstance(y, int):
        return f"{y!r} is not a year (a whole number such as 2027)"
    if not MIN_YEAR <= y <= MAX_YEAR:
        return f"{y} is outside the years {MIN_YEAR}..{MAX_YEAR} a calendar can cover"
    return None


def years_of(value: Iterable[int]) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise CalendarError(f"{value!r} is not a collection of years", field="covers")
    years = tuple(value)
    for y in years:
        why = check_year(y, "covers")
        if why is not None:
            raise CalendarError(why, field="covers", hint="give years such as 2027")
    return years
