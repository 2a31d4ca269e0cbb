"""Aware instants: the one check, the one conversion, the one ``NAT`` (private).

Every public function that takes a time checks it here, so one mistake raises one error
class everywhere: a naive datetime, a ``date`` or a string where an aware ``datetime``
is required, or a tzinfo that gives no UTC offset, is a
:class:`~urbangov.errors.NaiveDatetimeError` naming the argument.

Batch paths hold instants as int64 nanoseconds since the epoch (UTC), the view of
``datetime64[ns]``; :data:`NAT` is numpy's ``NaT`` in that view. Instants urbangov
stores lie in the years :data:`MIN_YEAR`..:data:`MAX_YEAR` (whole years inside
``datetime64[ns]``'s range, 1677-09-21..2262-04-11), so whatever is saved loads back.

>>> import datetime as dt
>>> to_ns(dt.datetime(1970, 1, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=8))), "at")
0
>>> aware(dt.datetime(2024, 1, 1), "at")
Traceback (most recent call last):
...
urbangov.errors.NaiveDatetimeError: at: 2024-01-01T00:00:00 has no time zone; ...
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from urbangov.errors import NaiveDatetimeError, UrbangovError

__all__ = [
    "EPOCH",
    "MAX_YEAR",
    "MIN_YEAR",
    "NAT",
    "NAT64",
    "US",
    "aware",
    "check_range",
    "datetime64_ns",
    "from_us",
    "stdlib",
    "to_ns",
    "to_us",
]

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
US = _dt.timedelta(microseconds=1)
NAT: int = int(np.iinfo(np.int64).min)
"""``NaT`` as int64 nanoseconds (the smallest int64)."""
NAT64 = np.datetime64("NaT", "ns")
MIN_YEAR, MAX_YEAR = 1678, 2261
"""The years (UTC) an instant urbangov stores may fall in: inside ``datetime64[ns]``."""

_SUB: Callable[[Any, Any], _dt.timedelta] = _dt.datetime.__sub__
_FROMTS = _dt.datetime.fromtimestamp
_HINT = "give an aware datetime, e.g. datetime(2024, 5, 6, 9, tzinfo=ZoneInfo('Asia/Shanghai'))"


def aware(value: object, field: str) -> _dt.datetime:
    """``value`` itself if it is a timezone-aware ``datetime`` (pendulum's included).

    Raises
    ------
    NaiveDatetimeError
        Naming ``field``, for a naive datetime, anything that is not a datetime (a
        ``date``, a string), or a tzinfo that gives no valid UTC offset.
    """
    if not isinstance(value, _dt.datetime):
        raise NaiveDatetimeError(
            f"{value!r} is not a datetime ({type(value).__name__})", field=field, hint=_HINT
        )
    try:
        offset = value.utcoffset()
    except (TypeError, ValueError) as exc:
        raise NaiveDatetimeError(
            f"{value!r} has a tzinfo that gives no valid UTC offset ({exc})",
            field=field,
            hint="use a zoneinfo.ZoneInfo zone, e.g. ZoneInfo('Asia/Shanghai')",
        ) from None
    if offset is None:
        raise NaiveDatetimeError(f"{value.isoformat()} has no time zone", field=field, hint=_HINT)
    return value


def stdlib(value: _dt.datetime) -> _dt.datetime:
    """A stdlib ``datetime`` equal to ``value`` (pendulum and other subclasses are
    rebuilt, keeping the tzinfo and the fold)."""
    if type(value) is _dt.datetime:
        return value
    return _dt.datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=value.tzinfo,
        fold=value.fold,
    )


def to_us(value: object, field: str) -> int:
    """Microseconds since the epoch (UTC) of an aware datetime (exact, no pendulum maths).

    >>> import datetime as dt
    >>> to_us(dt.datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC), "at")
    1
    """
    try:
        # The C subtraction of the base class: exact, and skips pendulum's __sub__.
        return _SUB(value, EPOCH) // US
    except (TypeError, ValueError):
        aware(value, field)  # raises the error that says what is wrong
        raise


def to_ns(value: object, field: str) -> int:
    """Nanoseconds since the epoch (UTC) of an aware datetime."""
    return to_us(value, field) * 1000


def from_us(us: int, zone: _dt.tzinfo) -> _dt.datetime:
    """The stdlib datetime in ``zone`` of ``us`` microseconds since the epoch."""
    seconds, micro = divmod(us, 1_000_000)
    out = _FROMTS(seconds, zone)
    return out.replace(microsecond=micro) if micro else out


def check_range(value: _dt.datetime, field: str, error: type[UrbangovError]) -> _dt.datetime:
    """``value`` if its UTC year lies in :data:`MIN_YEAR`..:data:`MAX_YEAR`; otherwise
    ``error`` naming ``field`` (the one range every stored instant keeps to)."""
    try:
        year = value.astimezone(_dt.UTC).year
    except OverflowError:
        year = value.year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise error(
            f"{value.isoformat()} is outside the years {MIN_YEAR}..{MAX_YEAR}",
            field=field,
            hint="urbangov stores instants as datetime64[ns]; check the year",
        )
    return value


def datetime64_ns(values: object, field: str, error: type[UrbangovError]) -> NDArray[np.int64]:
    """``datetime64`` values as int64 nanoseconds since the epoch (UTC); anything else is
    ``error`` naming ``field``."""
    arr = np.asarray(values)
    if arr.dtype.kind != "M":
        raise error(
            f"expected datetime64 (UTC) instants, got dtype {arr.dtype}",
            field=field,
            hint="pass a numpy datetime64[ns] array of UTC instants",
        )
    ns: NDArray[np.int64] = arr.astype("datetime64[ns]", copy=False).view(np.int64)
    return ns
