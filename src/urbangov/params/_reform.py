"""Reforms (改革方案): parameters replaced by dotted path, checked as a file is (private).

:mod:`urbangov.params` re-exports :func:`reform`.
"""

from __future__ import annotations

import datetime as _dt
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import attrs

from urbangov.errors import PolicyError, combine
from urbangov.frozen import FrozenMap
from urbangov.params._dated import Dated
from urbangov.params._structure import (
    did_you_mean,
    field_types,
    is_value_type,
    optional_inner,
    structure,
)
from urbangov.params._unstructure import unstructure

__all__ = ["is_section", "reform"]

C = TypeVar("C")


def _without_none(tp: Any) -> Any:
    """``X`` for ``X | None``, else ``tp`` itself."""
    inner = optional_inner(tp)
    return tp if inner is None else inner


def is_section(tp: Any) -> bool:
    return isinstance(tp, type) and attrs.has(tp) and not is_value_type(tp)


def reform(value: C, changes: Mapping[str, object], *, valid_from: _dt.date | None = None) -> C:
    """``value`` with the parameters at the dotted paths replaced (a reform, 改革方案).

    The new values are checked exactly as a file's values are (the reform is applied to
    the value's TOML data, which is then structured again). A plain value replaces every
    period of a dated parameter; with ``valid_from`` it holds from that date on (earlier
    periods are cut there, later ones dropped, the default entry kept).

    Raises
    ------
    PolicyError
        Naming the dotted path, for unknown paths, wrong types or rejected values;
        ``.problems`` lists every problem of the reform.

    >>> from urbangov.params import Dated
    >>> @attrs.frozen
    ... class Rules:
    ...     hours: Dated[int] = Dated.always(4)
    >>> new = reform(Rules(), {"hours": 2}, valid_from=_dt.date(2025, 1, 1))
    >>> new.hours.at(_dt.date(2024, 12, 31)), new.hours.at(_dt.date(2025, 1, 1))
    (4, 2)
    """
    data = unstructure(value)
    problems: list[PolicyError] = []
    for key, new in changes.items():
        try:
            _apply(data, value, type(value), key, new, valid_from)
        except PolicyError as error:
            problems.append(error)
    try:
        result = structure(data, type(value))
    except PolicyError as error:
        problems.extend(typing.cast(tuple[PolicyError, ...], error.problems or (error,)))
    if problems:
        _raise_all(problems)
    return result


def _apply(
    data: dict[str, Any],
    value: Any,
    tp: Any,
    key: str,
    new: object,
    valid_from: _dt.date | None,
) -> None:
    """Set ``key`` in the plain ``data`` of ``value`` (whose type is ``tp``) to ``new``."""
    parts = key.split(".")
    if not key or not all(parts):
        raise PolicyError("not a dotted path", field=key or None, hint="write e.g. 'calendar.tz'")
    container: Any = data
    for depth, part in enumerate(parts):
        here = ".".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        tp = _without_none(tp)
        if is_section(tp):
            names = [f.name for f in attrs.fields(tp) if f.init]
            if part not in names:
                raise PolicyError(
                    f"unknown key {part!r} in {tp.__name__}",
                    field=here,
                    hint=did_you_mean(part, names),
                )
            child_tp = field_types(tp)[part]
            value = getattr(value, part) if value is not None else None
        elif typing.get_origin(tp) is FrozenMap and isinstance(container, dict):
            key_tp, child_tp = typing.get_args(tp)
            part = _canonical_key(part, key_tp, here)
            value = _entry(value, part)
            if value is None and not last:
                raise PolicyError(f"no entry {part!r} to change", field=here, hint="set it whole")
        else:
            kind = "dated value" if typing.get_origin(tp) is Dated else "single value"
            where = ".".join(parts[:depth])
            raise PolicyError(f"a {kind} has no part {part!r}", field=where, hint="set it whole")
        if last:
            container[part] = _new_value(value, child_tp, new, valid_from, here)
            return
        if not isinstance(container.get(part), dict):
            container[part] = {}
        container, tp = container[part], child_tp


def _canonical_key(key: str, key_tp: Any, field: str) -> str:
    """The key as a file writes it (``"严管区"`` → ``"strict"`` for an enum key)."""
    if key_tp is str:
        return key
    try:
        return str(unstructure(structure(key, key_tp)))
    except PolicyError as error:
        raise PolicyError(error.message, field=field, hint=error.hint) from None


def _entry(mapping: Any, key: str) -> Any:
    if not isinstance(mapping, FrozenMap):
        return None
    for k, v in mapping.items():
        if (unstructure(k) if isinstance(k, Enum) else k) == key:
            return v
    return None


def _new_value(
    current: Any, tp: Any, new: object, valid_from: _dt.date | None, field: str
) -> object:
    """The plain data a reform writes: ``new``, or the periods with ``new`` from a date."""
    if valid_from is None:
        return new
    if typing.get_origin(_without_none(tp)) is not Dated:
        raise PolicyError("not a dated value", field=field, hint="reform it without valid_from")
    if current is None:
        return [{"value": new, "from": valid_from}]
    entries = unstructure(current.since(valid_from, None))
    for entry in entries:
        if entry.get("from") == valid_from and "until" not in entry:
            entry["value"] = new
    return entries


def _raise_all(problems: list[PolicyError]) -> typing.NoReturn:
    raise combine(problems, what=" in the reform", hint="fix each one", sort=False)
