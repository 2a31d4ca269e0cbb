"""Public names of classes defined in private modules (private).

A package face calls :func:`publish` once, after its re-exports: every class in
``__all__`` that a private module of the package defines then names the package as its
``__module__``, so a pickle records ``urbangov.calendar.TimeLimit``
rather than a private path, and a later move between private modules breaks nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import attrs

__all__ = ["publish"]


def publish(package: str, names: Iterable[str]) -> None:
    """Give every class of ``names`` in ``package`` that a private module of
    ``package`` defines the public ``__module__`` ``package``.

    The class's own methods (and properties) name the package too, so doctest finds
    their examples beside the class's; module-level functions keep their defining
    module (doctest finds them there).

    The types of an attrs class's fields are resolved first, against the module that
    defines it (the structurer reads them from the class).
    """
    namespace = vars(sys.modules[package])
    prefix = package + "._"
    for name in names:
        obj = namespace[name]
        if not isinstance(obj, type) or not obj.__module__.startswith(prefix):
            continue
        module = obj.__module__
        if attrs.has(obj):
            attrs.resolve_types(obj, globalns=vars(sys.modules[module]))
        obj.__module__ = package
        for member in vars(obj).values():
            function = getattr(member, "__func__", getattr(member, "fget", member))
            if callable(function) and getattr(function, "__module__", None) == module:
                function.__module__ = package
