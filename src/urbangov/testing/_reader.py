"""The core of the rule-case readers (private; :mod:`urbangov.testing.readers`
re-exports it): the readers of plain values — text, numbers, instants, days, limits,
words, lists, tables and paths — that take the public module's ``Reader``."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

from urbangov._internal.documents import PathKey, dotted
from urbangov.calendar import TimeLimit
from urbangov.errors import UrbangovError
from urbangov.frozen import FrozenMap

if TYPE_CHECKING:  # the Reader of one file lives in the public module
    from urbangov.testing.readers import Reader

__all__ = [
    "BAD",
    "NONE_WORD",
    "Parse",
    "boolean",
    "count",
    "day",
    "describe",
    "instant",
    "limit",
    "many",
    "mapping",
    "number",
    "optional",
    "relative_path",
    "text",
    "tolerance",
    "word",
]

T = TypeVar("T")
Parse = Callable[["Reader", Any, PathKey], Any]

BAD: Any = object()
"""Returned by a parse function that recorded a problem."""

NONE_WORD = "none"
"""How a rule-case file writes "no value" (TOML has no null): ``due = "none"``."""

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def describe(value: object) -> str:
    """A value as the messages name it (``the string '4'``, ``a table``)."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | Decimal | float):
        return f"the number {value}"
    if isinstance(value, _dt.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, _dt.date | _dt.time):
        return f"the {type(value).__name__} {value.isoformat()}"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"


# ------------------------------------------------------------------ scalar parsers


def text(reader: Reader, value: object, path: PathKey) -> Any:
    if isinstance(value, str) and value.strip():
        return value
    return reader.wrong(path, "a non-empty string", value)


def boolean(reader: Reader, value: object, path: PathKey) -> Any:
    return value if isinstance(value, bool) else reader.wrong(path, "true or false", value)


def count(reader: Reader, value: object, path: PathKey) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return reader.wrong(path, "a whole number ≥ 0", value)


def number(reader: Reader, value: object, path: PathKey) -> Any:
    """A number kept exact: an integer, a decimal (``0.7704``) or a fraction string
    (``"40394/52434"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, Decimal) and value.is_finite():
        return Fraction(value)
    if isinstance(value, str):
        found = _FRACTION.match(value)
        if found and int(found.group(2)) != 0:
            return Fraction(int(found.group(1)), int(found.group(2)))
    return reader.wrong(path, 'a number (77.04, or a fraction such as "3/4")', value)


def tolerance(reader: Reader, value: object, path: PathKey) -> Any:
    found = number(reader, value, path)
    if found is not BAD and found < 0:
        return reader.problem(path, f"a tolerance is ≥ 0, not {value}")
    return found


def instant(reader: Reader, value: object, path: PathKey) -> Any:
    """An aware date-time, written with its offset (``2024-05-06T09:00:00+08:00``)."""
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return reader.problem(
                path,
                f"{value.isoformat()} has no UTC offset",
                f"write it with one, e.g. {value.isoformat()}+08:00",
            )
        return value
    return reader.wrong(path, "a date-time with its offset (2024-05-06T09:00:00+08:00)", value)


def day(reader: Reader, value: object, path: PathKey) -> Any:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    return reader.wrong(path, "a date (2024-05-06, without quotes)", value)


def limit(reader: Reader, value: object, path: PathKey) -> Any:
    if not isinstance(value, str):
        return reader.wrong(path, "a time limit such as '4 working hours'", value)
    try:
        return TimeLimit.parse(value)
    except UrbangovError as error:
        return reader.wrong(path, "a time limit such as '4 working hours'", value, error.hint)


def optional(parse: Parse) -> Parse:
    """``parse``, or ``None`` for the word ``"none"``."""

    def read(reader: Reader, value: object, path: PathKey) -> Any:
        return None if value == NONE_WORD else parse(reader, value, path)

    return read


def word(enum: type[Enum]) -> Parse:
    """A member of a vocabulary enum, by its value, name or Chinese term."""

    def read(reader: Reader, value: object, path: PathKey) -> Any:
        parse = getattr(enum, "parse", None)
        try:
            if callable(parse):
                return parse(value, field=dotted(path))
            return enum(value)
        except (UrbangovError, ValueError) as error:
            hint = error.hint if isinstance(error, UrbangovError) else None
            words = ", ".join(str(m.value) for m in enum)
            return reader.problem(path, f"{value!r} is not a {enum.__name__}", hint or words)

    return read


def many(parse: Parse) -> Parse:
    """An array of values read with ``parse``, as a tuple."""

    def read(reader: Reader, value: object, path: PathKey) -> Any:
        if not isinstance(value, list):
            return reader.wrong(path, "an array", value)
        items = [parse(reader, item, (*path, i)) for i, item in enumerate(value)]
        return BAD if any(item is BAD for item in items) else tuple(items)

    return read


def mapping(parse: Parse) -> Parse:
    """A table of values read with ``parse``, keyed by unit code or name, as a
    :class:`~urbangov.frozen.FrozenMap` (``{ "320105001" = 92.5, … }``)."""

    def read(reader: Reader, value: object, path: PathKey) -> Any:
        if not isinstance(value, Mapping):
            return reader.wrong(path, 'a table ({ "320105001" = …, … })', value)
        items = {str(k): parse(reader, v, (*path, str(k))) for k, v in value.items()}
        return BAD if any(v is BAD for v in items.values()) else FrozenMap(items)

    return read


def relative_path(reader: Reader, value: object, path: PathKey) -> Any:
    """A file named relative to the rule-case file's folder; it must exist."""
    if not isinstance(value, str) or not value.strip():
        return reader.wrong(path, "a file path (relative to this file)", value)
    found = (reader.folder / value).resolve()
    if not found.is_file():
        return reader.problem(path, f"no file {value!r} next to this file", f"looked for {found}")
    return found
