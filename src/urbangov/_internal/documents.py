"""Reading and writing urbangov's versioned files (private; used by every loader).

``tomllib`` reports no positions, so :class:`TomlDocument` keeps a small index from
key paths to line numbers, built from the text: errors can then name the file and the
line of the offending value. Every file starts with ``kind`` and ``format_version``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from urbangov.errors import UrbangovError

__all__ = ["FORMAT_VERSION", "KINDS", "TomlDocument", "read_document", "write_text"]

FORMAT_VERSION = 1
KINDS = ("policy", "city", "calendar", "taxonomy", "standard", "findings", "rule-cases")

PathKey = tuple[str | int, ...]
ErrorType = Callable[..., UrbangovError]

_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)
_TOML_LINE = re.compile(r"at line (\d+)")


def _split_key(text: str) -> tuple[str, ...]:
    parts: list[str] = []
    for piece in re.finditer(r"""("([^"]*)"|'([^']*)'|[A-Za-z0-9_\-]+)""", text):
        if piece.group(2) is not None:
            parts.append(piece.group(2))
        elif piece.group(3) is not None:
            parts.append(piece.group(3))
        else:
            parts.append(piece.group(1))
    return tuple(parts)


def _line_index(text: str) -> dict[PathKey, int]:
    """Map key paths (``("units", 3, "parent")``) to 1-based line numbers.

    Handles tables, arrays of tables and dotted keys; a key's path is recorded at the
    line where it is assigned (the first line of a multi-line value).
    """
    index: dict[PathKey, int] = {}
    counters: dict[tuple[str, ...], int] = {}
    table: PathKey = ()
    depth = 0  # bracket depth of multi-line arrays / inline tables
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if depth > 0:
            depth += _bracket_balance(stripped)
            continue
        if not stripped or stripped.startswith("#"):
            continue
        table_match = _TABLE.match(stripped) if stripped.startswith("[") else None
        if table_match:
            names = _split_key(table_match.group(2))
            if table_match.group(1) == "[[":
                count = counters.get(names, -1) + 1
                counters[names] = count
                # nested arrays of tables restart when their parent element changes
                for other in list(counters):
                    if len(other) > len(names) and other[: len(names)] == names:
                        del counters[other]
                table = (*_resolve(names, counters), count)
            else:
                table = _resolve(names, counters)
            index.setdefault(table, number)
            continue
        key_match = _KEY.match(line)
        if key_match:
            path = (*table, *_split_key(key_match.group(1)))
            index.setdefault(path, number)
            rest = line[key_match.end() :]
            depth = max(0, _bracket_balance(_strip_strings(rest)))
    return index


def _resolve(names: tuple[str, ...], counters: dict[tuple[str, ...], int]) -> PathKey:
    """Insert array-of-table indexes for every prefix of ``names`` that is an array."""
    out: list[str | int] = []
    for i, name in enumerate(names):
        out.append(name)
        prefix = names[: i + 1]
        if prefix in counters and i + 1 < len(names):
            out.append(counters[prefix])
    return tuple(out)


def _strip_strings(text: str) -> str:
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    text = re.sub(r"'[^']*'", "''", text)
    return text.split("#", 1)[0]


def _bracket_balance(text: str) -> int:
    text = _strip_strings(text)
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


class TomlDocument:
    """A parsed TOML file with the file name and a key→line index for error messages.

    The index is built from ``text`` on the first :meth:`line_of` (only errors ask for
    lines, so a file that loads cleanly never pays for it).
    """

    __slots__ = ("_lines", "_text", "data", "file")

    def __init__(
        self,
        data: dict[str, Any],
        file: str,
        lines: dict[PathKey, int] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self.data = data
        self.file = file
        self._lines = lines
        self._text = text

    def line_of(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        lines = self._lines
        if lines is None:
            lines = self._lines = _line_index(self._text) if self._text is not None else {}
            self._text = None
        for end in range(len(path), 0, -1):
            line = lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def dotted(path: PathKey) -> str:
    """``("units", 3, "parent")`` → ``"units[3].parent"``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def undotted(field: str | None) -> PathKey:
    """``"units[3].parent"`` → ``("units", 3, "parent")`` (the inverse of :func:`dotted`).

    >>> undotted("items[2].rules[0].found.city")
    ('items', 2, 'rules', 0, 'found', 'city')
    """
    out: list[str | int] = []
    for part in (field or "").split("."):
        name, *indexes = part.split("[")
        if name:
            out.append(name)
        out.extend(int(ix.rstrip("]")) for ix in indexes)
    return tuple(out)


def read_text(path: str | Path, error: ErrorType) -> str:
    """Read a UTF-8 file, raising ``error`` naming the file on any failure."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", file=file) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            "the file is not valid UTF-8",
            file=file,
            line=line,
            hint="save it as UTF-8 (urbangov files are always UTF-8)",
        ) from exc


def parse_toml(text: str, file: str, error: ErrorType, *, decimal: bool = False) -> TomlDocument:
    """Parse TOML text; syntax errors become ``error`` with the file and line."""
    if not text.strip():
        raise error(
            "the file is empty",
            file=file,
            hint='start it with kind = "…" and format_version = 1',
        )
    try:
        data = tomllib.loads(text, parse_float=Decimal) if decimal else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        raise error(
            f"not valid TOML: {exc}",
            file=file,
            line=int(found.group(1)) if found else None,
        ) from exc
    return TomlDocument(data, file, text=text)


def parse_json(text: str, file: str, error: ErrorType) -> TomlDocument:
    """Parse JSON text into the same document form (lines for syntax errors only)."""
    if not text.strip():
        raise error("the file is empty", file=file)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno) from exc
    if not isinstance(data, dict):
        raise error("the top level must be an object", file=file, line=1)
    return TomlDocument(data, file, {})


def read_document(
    path: str | Path,
    kind: str | tuple[str, ...],
    error: ErrorType,
    *,
    decimal: bool = False,
) -> TomlDocument:
    """Read a TOML (``.toml``) or JSON (``.json``) file and check its header.

    The header is ``kind`` (one of ``kind``) and ``format_version`` (1); both are
    removed from ``data`` so that loaders see only their own keys.
    """
    file = str(path)
    text = read_text(path, error)
    if Path(path).suffix.lower() == ".json":
        doc = parse_json(text, file, error)
    else:
        doc = parse_toml(text, file, error, decimal=decimal)
    check_header(doc, kind, error)
    return doc


def check_header(doc: TomlDocument, kind: str | tuple[str, ...], error: ErrorType) -> str:
    """Validate and pop ``kind`` and ``format_version``; return the kind."""
    kinds = (kind,) if isinstance(kind, str) else kind
    found = doc.data.pop("kind", None)
    if found is None:
        raise error(
            "the file has no kind",
            field="kind",
            file=doc.file,
            line=1,
            hint=f'add kind = "{kinds[0]}" as the first line',
        )
    if found not in kinds:
        raise error(
            f"expected kind {' or '.join(repr(k) for k in kinds)}, found {found!r}",
            field="kind",
            file=doc.file,
            line=doc.line_of(("kind",)),
            hint="urbangov validate dispatches on kind; use the loader for that kind",
        )
    version = doc.data.pop("format_version", None)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise error(
            f"unsupported format_version {version!r}",
            field="format_version",
            file=doc.file,
            line=doc.line_of(("format_version",)),
            hint=f"this urbangov reads format_version = {FORMAT_VERSION}",
        )
    return str(found)


def peek_kind(path: str | Path, error: ErrorType) -> str:
    """The ``kind`` of a file without validating the rest (for ``urbangov validate``)."""
    file = str(path)
    text = read_text(path, error)
    doc = parse_json(text, file, error) if file.endswith(".json") else parse_toml(text, file, error)
    kind = doc.data.get("kind")
    if not isinstance(kind, str):
        raise error("the file has no kind", field="kind", file=file, line=1)
    return kind


def header(kind: str) -> dict[str, Any]:
    """The first two keys of every file urbangov writes."""
    return {"kind": kind, "format_version": FORMAT_VERSION}


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text with ``\\n`` line ends (byte-identical on every platform)."""
    Path(path).write_text(text, encoding="utf-8", newline="\n")


def dumps_json(data: Mapping[str, Any]) -> str:
    """Canonical JSON text: UTF-8 characters kept, two-space indent, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
