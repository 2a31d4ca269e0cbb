"""Structured values back to plain data, and fixed at a date (private: the inverses of
:func:`~urbangov.params.structure` that :mod:`urbangov.params` re-exports)."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

import attrs

from urbangov.errors import PolicyError
from urbangov.frozen import FrozenMap
from urbangov.params._dated import Dated
from urbangov.params._structure import _enum_word, _init_fields, _looks_like_periods, is_value_type

__all__ = ["resolve", "unstructure"]

C = TypeVar("C")


def unstructure(value: Any) -> Any:
    """Turn a structured value back into plain TOML data (the inverse of :func:`structure`).

    ``None`` fields are left out; a :class:`Dated` that always holds is written plainly.

    >>> from urbangov.params import Period
    >>> unstructure(Dated((Period(4), Period(2, start=date(2025, 1, 1)))))
    [{'value': 4}, {'value': 2, 'from': datetime.date(2025, 1, 1)}]
    """
    if isinstance(value, Dated):
        if len(value.periods) == 1 and value.periods[0].is_default:
            plain = unstructure(value.periods[0].value)
            if not _looks_like_periods(plain):
                return plain
        entries = []
        for p in value.periods:
            entry: dict[str, Any] = {"value": unstructure(p.value)}
            if p.start is not None:
                entry["from"] = p.start
            if p.until is not None:
                entry["until"] = p.until
            entries.append(entry)
        return entries
    if is_value_type(type(value)):
        return value.to_toml()
    if isinstance(value, Enum):
        return _enum_word(value)
    if attrs.has(type(value)):
        out = {}
        for f in _init_fields(type(value)):
            item = getattr(value, f.name)
            if item is not None:
                out[f.name] = unstructure(item)
        return out
    if isinstance(value, Mapping):
        return {unstructure(k): unstructure(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [unstructure(v) for v in value]
    if isinstance(value, Decimal) and value.is_zero() and value.is_signed():
        return value.copy_abs()  # TOML reads -0 as the integer 0: write 0, an equal value
    return value


# ------------------------------------------------------------------ resolving at a date


def resolve(value: C, d: date, *, path: str = "") -> C:
    """``value`` with every :class:`Dated` inside it fixed to its value at ``d``.

    Sections use it to implement ``at``: ``def at(self, d): return resolve(self, d)``.

    >>> from urbangov.params import Period
    >>> resolve(Dated((Period(4), Period(2, start=date(2025, 1, 1)))), date(2025, 2, 1))
    Dated(periods=(Period(value=2, start=None, until=None),))
    """
    return typing.cast(C, _resolve(value, d, path))


def _resolve(value: Any, d: date, path: str) -> Any:
    if isinstance(value, Dated):
        try:
            current = value.at(d)
        except PolicyError as exc:
            raise PolicyError(exc.message, field=path or None, hint=exc.hint) from None
        return Dated.always(_resolve(current, d, path))
    if is_value_type(type(value)) or isinstance(value, Enum):
        return value
    if attrs.has(type(value)):
        changes = {}
        for f in _init_fields(type(value)):
            old = getattr(value, f.name)
            new = _resolve(old, d, f"{path}.{f.name}" if path else f.name)
            if new is not old:
                changes[f.alias or f.name] = new
        return attrs.evolve(value, **changes) if changes else value
    if isinstance(value, FrozenMap):
        items = {k: _resolve(v, d, f"{path}.{k}") for k, v in value.items()}
        same = all(items[k] is v for k, v in value.items())
        return value if same else FrozenMap(items)
    if isinstance(value, tuple):
        parts = tuple(_resolve(v, d, f"{path}[{i}]") for i, v in enumerate(value))
        return value if all(a is b for a, b in zip(parts, value, strict=True)) else parts
    return value
