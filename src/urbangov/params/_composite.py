"""The base of a value made of rule sections, such as the Policy (private).

:mod:`urbangov.params` re-exports :class:`Composite`.
"""

from __future__ import annotations

import datetime as _dt
import typing
from collections.abc import Callable, Mapping
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar, Self

import attrs

from urbangov._internal.documents import write_text
from urbangov.errors import UrbangovError
from urbangov.params._dated import Dated
from urbangov.params._files import check_file, dumps, load, loads
from urbangov.params._reform import reform
from urbangov.params._unstructure import resolve

__all__ = ["Composite"]


class Composite:
    """Base of a frozen attrs class made of sections, such as :class:`Policy`.

    It gives ``load``/``loads``/``dump``/``dumps``, ``at``, ``evolve``, ``reform`` and
    ``check_file`` with no code of its own: adding a section is adding one field.
    ``_kind`` and ``_comment`` set the file kind and the header comment.
    """

    __slots__ = ()
    _kind: ClassVar[str] = "policy"
    _comment: ClassVar[str] = "urbangov policy"

    @classmethod
    def loads(cls, text: str, *, file: str = "<string>") -> Self:
        """Read from TOML text (see :func:`loads`)."""
        return loads(text, cls, kind=cls._kind, file=file)

    @classmethod
    def load(cls, path: str | Path | Traversable) -> Self:
        """Read from a TOML file; all its problems raise one :class:`PolicyError`."""
        return load(path, cls, kind=cls._kind)

    @classmethod
    def check_file(cls, path: str | Path) -> tuple[UrbangovError, ...]:
        """Every problem of the file (empty when it is valid)."""
        return check_file(path, cls, kind=cls._kind)

    def dumps(self) -> str:
        """TOML text with a header comment; ``loads(dumps())`` equals ``self``, and a
        written file re-writes byte-identical."""
        return dumps(self, kind=self._kind, comment=self._comment)

    def dump(self, path: str | Path) -> None:
        """Write :meth:`dumps` to ``path`` (UTF-8, ``\\n`` line ends)."""
        write_text(path, self.dumps())

    def at(self, d: _dt.date) -> Self:
        """Every section at date ``d`` (its own ``at``; otherwise dated values resolved)."""
        changes: dict[str, Any] = {}
        for f in attrs.fields(typing.cast(Any, type(self))):
            section = getattr(self, f.name)
            method: Callable[[_dt.date], Any] | None = getattr(section, "at", None)
            if method is not None and not isinstance(section, Dated):
                changes[f.alias or f.name] = method(d)
            else:
                changes[f.alias or f.name] = resolve(section, d, path=f.name)
        return typing.cast(Self, attrs.evolve(typing.cast(Any, self), **changes))

    def evolve(self, **sections: object) -> Self:
        """A copy with whole sections replaced, checked like a file's sections."""
        return reform(self, sections)

    def reform(self, changes: Mapping[str, object], valid_from: _dt.date | None = None) -> Self:
        """A copy with parameters replaced by dotted path (see :func:`reform`)."""
        return reform(self, changes, valid_from=valid_from)
