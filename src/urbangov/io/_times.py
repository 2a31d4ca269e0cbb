"""ISO 8601 instants with their UTC offset, parsed and written with numpy (private).

Used by :mod:`urbangov.io`. The fast path reads the two forms urbangov writes,
``YYYY-MM-DDTHH:MM:SS±HH:MM`` and ``YYYY-MM-DDTHH:MM:SS.ffffff±HH:MM``, for a whole column
at once; any other text goes through :meth:`datetime.datetime.fromisoformat` one row at a
time (which accepts ``Z``, a space for ``T``, and so on, and rejects what is not a time).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from urbangov._internal.instants import MAX_YEAR, MIN_YEAR, to_ns

__all__ = [
    "format_instants",
    "offset_text",
    "outside_years",
    "parse_instants",
    "parse_instants_at",
    "too_fine",
]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_US = _dt.timedelta(microseconds=1)
_DAY_NS = 86_400 * 10**9
_MIN_YEAR, _MAX_YEAR = MIN_YEAR, MAX_YEAR
_DIM = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_FINE = re.compile(r"[.,][0-9]{7,}")  # a fraction of a second finer than microseconds


def _parse_one(text: str) -> int | tuple[str, str]:
    """One instant in ns, or (message, hint) if the text is not an aware ISO 8601 time.

    A fraction finer than a microsecond is refused, not cut: ``Case`` times are
    ``datetime`` values, which hold microseconds.
    """
    if _FINE.search(text):
        return too_fine(text)
    try:
        value = _dt.datetime.fromisoformat(text)
    except ValueError:
        return (
            f"{text!r} is not an ISO 8601 date and time",
            "write e.g. 2024-05-06T09:30:00+08:00",
        )
    if value.tzinfo is None or value.utcoffset() is None:
        return (
            f"{text!r} has no UTC offset",
            "add the offset, e.g. 2024-05-06T09:30:00+08:00 (times are never naive)",
        )
    if not _MIN_YEAR <= value.astimezone(_dt.UTC).year <= _MAX_YEAR:
        return outside_years(text)
    return to_ns(value, "at")


def too_fine(text: str) -> tuple[str, str]:
    """The message and hint for a time finer than a microsecond."""
    return (
        f"{text!r} has more than 6 fractional digits of a second",
        "urbangov keeps times to the microsecond; round the time to 6 digits",
    )


def outside_years(text: str) -> tuple[str, str]:
    """The message and hint for a time outside the years a log stores."""
    return (f"{text!r} is outside the years {_MIN_YEAR}..{_MAX_YEAR}", "check the year")


def parse_instants(
    values: Sequence[str], fail: Callable[[int, str, str], Exception]
) -> NDArray[np.int64]:
    """Nanoseconds since the epoch (UTC) of ISO 8601 texts with offsets.

    ``fail(row, message, hint)`` builds the error raised for the first bad row.

    >>> def fail(row, message, hint):
    ...     return ValueError(f"row {row}: {message}")
    >>> parse_instants(["1970-01-01T08:00:00+08:00", "1970-01-01T00:00:00.000001Z"], fail)
    array([   0, 1000])
    >>> parse_instants(["2024-05-06T09:00:00"], fail)
    Traceback (most recent call last):
    ...
    ValueError: row 0: '2024-05-06T09:00:00' has no UTC offset
    """
    n = len(values)
    try:
        buf = np.frombuffer("".join(values).encode("ascii"), dtype=np.uint8)
    except UnicodeEncodeError:  # a non-ASCII character somewhere: every row takes the slow path
        buf = np.zeros(0, dtype=np.uint8)
        length = np.full(n, -1, dtype=np.int64)
    else:
        length = np.fromiter(map(len, values), dtype=np.int64, count=n)
    start = np.cumsum(length) - length
    return parse_instants_at(buf, start, length, values.__getitem__, fail)


def parse_instants_at(
    buf: NDArray[np.uint8],
    start: NDArray[np.int64],
    length: NDArray[np.int64],
    text_of: Callable[[int], str],
    fail: Callable[[int, str, str], Exception],
) -> NDArray[np.int64]:
    """:func:`parse_instants` of the ASCII fields ``buf[start:start + length]``;
    ``text_of(row)`` gives a row's text for the rows the fast path does not read."""
    n = len(start)
    out = np.zeros(n, dtype=np.int64)
    if n == 0:
        return out
    ok, ns = _fast(buf, start, length)
    out[ok] = ns[ok]
    for i in np.flatnonzero(~ok).tolist():
        got = _parse_one(text_of(i))
        if isinstance(got, tuple):
            raise fail(i, *got)
        out[i] = got
    return out


def _fast(
    buf: NDArray[np.uint8], start: NDArray[np.int64], length: NDArray[np.int64]
) -> tuple[NDArray[np.bool_], NDArray[np.int64]]:
    """Parse the canonical forms: fields of 25 or 32 characters at ``start`` in ``buf``."""
    frac = length == 32
    ok = (length == 25) | frac
    # rows of another length read from a harmless place (and are marked not ok)
    start = np.where(ok, start, 0)
    padded = np.concatenate([buf, np.zeros(32, dtype=np.uint8)])

    def char(k: NDArray[np.int64] | int) -> NDArray[np.int32]:
        found: NDArray[np.int32] = padded[start + k].astype(np.int32)
        return found

    def dig(k: NDArray[np.int64] | int) -> NDArray[np.int32]:
        d = char(k) - 48
        ok[...] &= (d >= 0) & (d <= 9)
        return d

    year = dig(0) * 1000 + dig(1) * 100 + dig(2) * 10 + dig(3)
    month = dig(5) * 10 + dig(6)
    day = dig(8) * 10 + dig(9)
    hour = dig(11) * 10 + dig(12)
    minute = dig(14) * 10 + dig(15)
    second = dig(17) * 10 + dig(18)
    for k, c in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")):
        ok &= char(k) == ord(c)
    ok &= ~frac | (char(19) == ord("."))
    micro = np.zeros(len(length), dtype=np.int64)
    for k in range(20, 26):
        d = char(k) - 48
        ok &= ~frac | ((d >= 0) & (d <= 9))
        micro = micro * 10 + np.where(frac, d, 0)
    base = np.where(frac, 26, 19)
    sign_char = char(base)
    ok &= (sign_char == ord("+")) | (sign_char == ord("-"))
    oh = dig(base + 1) * 10 + dig(base + 2)
    om = dig(base + 4) * 10 + dig(base + 5)
    ok &= char(base + 3) == ord(":")
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _DIM[np.clip(month, 1, 12) - 1] + (leap & (month == 2))
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= dim)
    ok &= (hour < 24) & (minute < 60) & (second < 60) & (oh < 24) & (om < 60)
    ok &= (year >= _MIN_YEAR) & (year <= _MAX_YEAR)
    # days from the civil date (H. Hinnant's algorithm)
    y = (year - (month <= 2)).astype(np.int64)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days = era * 146_097 + doe - 719_468
    sign = np.where(sign_char == ord("-"), -1, 1)
    clock = hour * 3600 + minute * 60 + second - sign * (oh * 3600 + om * 60)
    ns = ((days * 86_400 + clock) * 1_000_000 + micro) * 1000
    return ok, ns


def offset_text(seconds: int) -> str:
    """An offset as :meth:`datetime.isoformat` writes it.

    >>> offset_text(8 * 3600), offset_text(0), offset_text(-(5 * 3600 + 30 * 60))
    ('+08:00', '+00:00', '-05:30')
    """
    sign = "-" if seconds < 0 else "+"
    hh, rest = divmod(abs(seconds), 3600)
    mm, ss = divmod(rest, 60)
    return f"{sign}{hh:02d}:{mm:02d}" + (f":{ss:02d}" if ss else "")


def _offset_seconds(ns: NDArray[np.int64], zone: _dt.tzinfo) -> NDArray[np.int64]:
    """The UTC offset of ``zone`` (in whole seconds) at each instant."""

    def at(t_ns: int) -> int:
        moment = _EPOCH + _dt.timedelta(microseconds=t_ns // 1000)
        off = moment.astimezone(zone).utcoffset()
        return 0 if off is None else int(off.total_seconds())

    if ns.size == 0:
        return np.zeros(0, dtype=np.int64)
    days, inverse = np.unique(ns // _DAY_NS, return_inverse=True)
    first = np.array([at(int(d) * _DAY_NS) for d in days], dtype=np.int64)
    last = np.array([at(int(d) * _DAY_NS + _DAY_NS - 1000) for d in days], dtype=np.int64)
    out = first[inverse]
    for i in np.flatnonzero((first != last)[inverse]).tolist():  # a day with a transition
        out[i] = at(int(ns[i]))
    return out


def format_instants(ns: NDArray[np.int64], zone: _dt.tzinfo) -> list[str]:
    """ISO 8601 texts of instants in ``zone``, as :meth:`datetime.isoformat` writes
    them (no fraction when it is zero).

    >>> from zoneinfo import ZoneInfo
    >>> format_instants(np.array([0, 1000]), ZoneInfo("Asia/Shanghai"))
    ['1970-01-01T08:00:00+08:00', '1970-01-01T08:00:00.000001+08:00']
    """
    n = ns.size
    if n == 0:
        return []
    offsets = _offset_seconds(ns, zone)
    local_us = ns // 1000 + offsets * 1_000_000
    days, rest = np.divmod(local_us, 86_400 * 1_000_000)
    secs, micro = np.divmod(rest, 1_000_000)
    # the civil date of a day number (H. Hinnant's algorithm)
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    out = np.zeros((n, 40), dtype=np.uint8)

    def put(k: int, value: NDArray[np.int64], width: int) -> None:
        for i in range(width):
            out[:, k + width - 1 - i] = 48 + value // 10**i % 10

    put(0, year, 4)
    put(5, month, 2)
    put(8, day, 2)
    put(11, secs // 3600, 2)
    put(14, secs // 60 % 60, 2)
    put(17, secs % 60, 2)
    for k, c in ((4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")):
        out[:, k] = ord(c)
    frac = micro != 0
    out[frac, 19] = ord(".")
    digits = np.zeros((n, 6), dtype=np.uint8)
    for i in range(6):
        digits[:, 5 - i] = 48 + micro // 10**i % 10
    out[frac, 20:26] = digits[frac]
    kinds, inverse = np.unique(offsets, return_inverse=True)
    for code, seconds in enumerate(kinds.tolist()):
        text = np.frombuffer(offset_text(seconds).encode("ascii"), dtype=np.uint8)
        rows = inverse == code
        for base, mask in ((19, rows & ~frac), (26, rows & frac)):
            out[mask, base : base + text.size] = text
    texts: list[str] = out.view("S40").ravel().astype("U40").tolist()
    return texts
