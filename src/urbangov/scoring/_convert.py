"""Converters from plain (TOML) data to the scoring values' field types (private).

Each converter is made for one field, so that its error names the field; a loader
adds the path, the file and the line. Python callers may pass plain data too
(``{"city": Decimal("0.3")}`` for a ``FrozenMap``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from enum import Enum
from typing import TypeVar

from urbangov.errors import StandardError, UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.scoring._numbers import number
from urbangov.vocabulary import Source

__all__ = [
    "name_text",
    "note_text",
    "rule_cap",
    "rule_id",
    "source_text",
    "to_decimal",
    "to_decimal_map",
    "to_decimals",
    "to_flag",
    "to_optional_decimal",
    "to_optional_text",
    "to_source_map",
    "to_sources",
    "to_text",
    "to_texts",
]

E = TypeVar("E", bound=Enum)


def to_decimal(field: str, *, positive: bool = False) -> Callable[[object], Decimal]:
    """A converter to a Decimal (``positive``: > 0)."""

    def convert(value: object) -> Decimal:
        out = number(value, field)
        if positive and out <= 0:
            raise StandardError(f"{out} is not positive", field=field, hint="give a number > 0")
        return out

    return convert


def to_optional_decimal(
    field: str, *, positive: bool = False
) -> Callable[[object], Decimal | None]:
    """A converter to a Decimal or ``None``."""
    inner = to_decimal(field, positive=positive)

    def convert(value: object) -> Decimal | None:
        return None if value is None else inner(value)

    return convert


def to_decimals(field: str) -> Callable[[object], tuple[Decimal, ...]]:
    """A converter to a tuple of Decimals."""

    def convert(value: object) -> tuple[Decimal, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise StandardError(
                f"expected an array of numbers, found {value!r}",
                field=field,
                hint="write e.g. [2, 1, 0, -0.5, -1]",
            )
        return tuple(number(v, f"{field}[{i}]") for i, v in enumerate(value))

    return convert


def to_decimal_map(
    field: str, *, any_key: str | None = None, positive: bool = False
) -> Callable[[object], FrozenMap[str, Decimal]]:
    """A converter to a map of words to Decimals; with ``any_key``, a plain number
    ``n`` means ``{any_key: n}``."""

    def convert(value: object) -> FrozenMap[str, Decimal]:
        if any_key is not None and not isinstance(value, Mapping) and not isinstance(value, str):
            value = {any_key: value}
        if not isinstance(value, Mapping):
            raise StandardError(
                f"expected a table of numbers, found {value!r}",
                field=field,
                hint="write e.g. { city = 0.3, district = 0.2 }",
            )
        out: dict[str, Decimal] = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key:
                raise StandardError(f"{key!r} is not a word", field=field, hint="use a text key")
            amount = number(item, f"{field}.{key}")
            if positive and amount <= 0:
                raise StandardError(
                    f"{amount} is not positive", field=f"{field}.{key}", hint="give a number > 0"
                )
            out[key] = amount
        return FrozenMap(out)

    return convert


def to_source_map(field: str) -> Callable[[object], FrozenMap[Source, Decimal]]:
    """A converter to a map of case sources (:class:`~urbangov.Source`) to positive
    Decimals (multipliers)."""
    words = to_decimal_map(field, positive=True)

    def convert(value: object) -> FrozenMap[Source, Decimal]:
        plain: object = value
        if isinstance(value, Mapping):
            plain = {(k.value if isinstance(k, Source) else k): v for k, v in value.items()}
        found = words(plain)
        return FrozenMap(
            {
                Source.parse(k, field=f"{field}.{k}", error=StandardError): v
                for k, v in found.items()
            }
        )

    return convert


def to_sources(field: str) -> Callable[[object], tuple[Source, ...]]:
    """A converter to a tuple of case sources."""

    def convert(value: object) -> tuple[Source, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise StandardError(
                f"expected an array of case sources, found {value!r}",
                field=field,
                hint='write e.g. ["leader", "department", "media"]',
            )
        return tuple(
            Source.parse(v, field=f"{field}[{i}]", error=StandardError) for i, v in enumerate(value)
        )

    return convert


def to_text(
    field: str, *, empty: bool = True, error: type[UrbangovError] = StandardError
) -> Callable[[object], str]:
    """A converter that checks a string (non-empty unless ``empty``)."""

    def convert(value: object) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise error(
                f"expected {'a' if empty else 'a non-empty'} string, found {value!r}",
                field=field,
                hint='write it in quotes, e.g. "sanitation"',
            )
        return value

    return convert


def to_optional_text(
    field: str, *, error: type[UrbangovError] = StandardError
) -> Callable[[object], str | None]:
    """A converter to a non-empty string, or ``None`` (``""`` too means none)."""
    inner = to_text(field, empty=False, error=error)

    def convert(value: object) -> str | None:
        return None if value is None or value == "" else inner(value)

    return convert


def to_flag(field: str, *, error: type[UrbangovError] = StandardError) -> Callable[[object], bool]:
    """A converter that checks ``true`` or ``false``."""

    def convert(value: object) -> bool:
        if not isinstance(value, bool):
            raise error(f"{value!r} is not true or false", field=field, hint="write true or false")
        return value

    return convert


def to_texts(field: str) -> Callable[[object], tuple[str, ...]]:
    """A converter to a tuple of non-empty strings."""
    one = to_text(field, empty=False)

    def convert(value: object) -> tuple[str, ...]:
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise StandardError(
                f"expected an array of strings, found {value!r}",
                field=field,
                hint='write e.g. ["street", "hw_station"]',
            )
        return tuple(one(v) for v in value)

    return convert


_RULE_ID = to_text("id", empty=False)
_RULE_CAP = to_optional_decimal("cap", positive=True)


def rule_id(value: object) -> str:
    """The converter of an ``id`` (a rule's, a standard's)."""
    return _RULE_ID(value)


_NAME = to_text("name")
_SOURCE = to_text("source")
_NOTE = to_text("note")


def name_text(value: object) -> str:
    """The converter of a ``name`` (a title)."""
    return _NAME(value)


def source_text(value: object) -> str:
    """The converter of a ``source`` (where something comes from, by title)."""
    return _SOURCE(value)


def note_text(value: object) -> str:
    """The converter of a ``note``."""
    return _NOTE(value)


def rule_cap(value: object) -> Decimal | None:
    """The converter of a rule's ``cap``."""
    return _RULE_CAP(value)
