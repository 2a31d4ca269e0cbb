"""Differences between two policies, parameter by parameter (private).

:mod:`urbangov.params` re-exports :class:`Change` and :func:`diff`.
"""

from __future__ import annotations

from typing import Any

import attrs

from urbangov.frozen import FrozenMap
from urbangov.params._dated import Dated
from urbangov.params._reform import is_section
from urbangov.params._unstructure import unstructure

__all__ = ["Change", "diff"]


@attrs.frozen
class Change:
    """One difference between two policies: the parameter's dotted path, old and new.

    ``old`` is ``None`` for an entry only the new policy has, ``new`` for one only the
    old policy has.
    """

    path: str
    old: object
    new: object


def diff(old: Any, new: Any) -> list[Change]:
    """The parameters that differ between ``old`` and ``new``, ordered by path.

    Sections and nested tables are compared field by field and key by key; a dated
    value, an array or a value type (``TimeLimit``) is one parameter.

    >>> @attrs.frozen
    ... class Rules:
    ...     hours: int = 4
    ...     strict: bool = False
    >>> diff(Rules(), Rules(hours=2))
    [Change(path='hours', old=4, new=2)]
    """
    found: list[tuple[tuple[str, ...], Change]] = []
    _diff(old, new, (), found)
    return [change for _, change in sorted(found, key=lambda pair: pair[0])]


def _diff(old: Any, new: Any, path: tuple[str, ...], out: list[Any]) -> None:
    if old == new and type(old) is type(new):
        return
    kind = type(old)
    if kind is type(new) and is_section(kind) and not isinstance(old, Dated):
        for f in attrs.fields(kind):
            if f.init:
                _diff(getattr(old, f.name), getattr(new, f.name), (*path, f.name), out)
    elif isinstance(old, FrozenMap) and isinstance(new, FrozenMap):
        for key in [*old, *(k for k in new if k not in old)]:
            name = str(unstructure(key))
            _diff(old.get(key), new.get(key), (*path, name), out)
    else:
        out.append((path, Change(".".join(path), old, new)))
