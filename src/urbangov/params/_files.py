"""Policy-like files: strict TOML reading with lines, and canonical writing (private).

:mod:`urbangov.params` re-exports :func:`loads`, :func:`load`, :func:`check_file` and
:func:`dumps`; any attrs class of sections can be read and written with them.
"""

from __future__ import annotations

from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import tomli_w

from urbangov._internal.documents import check_header, decode, header, parse_toml
from urbangov.errors import PolicyError, UrbangovError
from urbangov.params._structure import structure
from urbangov.params._unstructure import unstructure

__all__ = ["check_file", "dumps", "load", "loads"]

C = TypeVar("C")


def loads(text: str, cls: type[C], *, kind: str = "policy", file: str = "<string>") -> C:
    """Read a ``cls`` from TOML text that starts with ``kind`` and ``format_version = 1``.

    Floats are read as ``Decimal`` (exact); every problem of the text is collected.

    Raises
    ------
    PolicyError
        Naming the file, the line and the dotted path of the first problem; its
        ``.problems`` lists every problem.

    >>> import attrs
    >>> @attrs.frozen
    ... class Rules:
    ...     hours: int = 4
    >>> loads('kind = "policy"\\nformat_version = 1\\nhours = 2\\n', Rules)
    Rules(hours=2)
    """
    doc = parse_toml(text, file, PolicyError, decimal=True, kind=kind)
    check_header(doc, kind, PolicyError)
    return structure(doc.data, cls, doc=doc)


def load(path: str | Path | Traversable, cls: type[C], *, kind: str = "policy") -> C:
    """Read a ``cls`` from a TOML file (see :func:`loads`); errors name file and line."""
    file = str(path)
    try:
        raw = (Path(path) if isinstance(path, str) else path).read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read the file: {exc.strerror or exc}", file=file) from exc
    return loads(decode(raw, file, PolicyError), cls, kind=kind, file=file)


def check_file(path: str | Path, cls: type, *, kind: str = "policy") -> tuple[UrbangovError, ...]:
    """Every problem of a policy file (empty when the file is valid).

    Used by ``urbangov validate``; a file that cannot be read or parsed gives one problem.

    >>> check_file("no/such/policy.toml", object)[0].message
    'cannot read the file: No such file or directory'
    """
    try:
        load(path, cls, kind=kind)
    except PolicyError as exc:
        return exc.problems or (exc,)
    return ()


def dumps(value: Any, *, kind: str = "policy", comment: str = "") -> str:
    """TOML text for ``value``: ``comment`` lines, the header, then the tables.

    The same value always gives the same bytes, and ``loads(dumps(v)) == v``.

    >>> import attrs
    >>> @attrs.frozen
    ... class Rules:
    ...     hours: int = 4
    >>> print(dumps(Rules(), comment="my rules"))
    # my rules
    kind = "policy"
    format_version = 1
    hours = 4
    """
    lines = "".join(f"# {line}".rstrip() + "\n" for line in comment.splitlines())
    return lines + tomli_w.dumps({**header(kind), **unstructure(value)})
