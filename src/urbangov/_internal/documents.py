"""Reading and writing urbangov's versioned files (private; used by every loader).

``tomllib`` and ``json`` report no positions, so :class:`TomlDocument` keeps a small
index from key paths to line numbers, built from the text
(:mod:`urbangov._internal.positions`): errors can then name the file and the line of the
offending value, in TOML and JSON files alike. Every file starts with ``kind`` and
``format_version``.

The rules every text file follows (``docs/foundations.md``): UTF-8, a leading
byte-order mark ignored; arrays and tables nested at most
:data:`~urbangov._internal.positions.MAX_DEPTH` deep; integers of at most 4,300 digits;
in JSON, no repeated key in an object, no ``NaN`` or ``Infinity``, no number too large
for a float, and no lone surrogate (``"\\ud800"``) in a string.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from urbangov._internal.positions import (
    MAX_DEPTH,
    PathKey,
    json_lines,
    json_path_at,
    key_on_line,
    toml_lines,
    too_deep,
)
from urbangov.errors import UrbangovError

__all__ = [
    "FORMAT_VERSION",
    "KINDS",
    "PathKey",
    "TomlDocument",
    "check_header",
    "decode",
    "parse_json",
    "parse_toml",
    "read_document",
    "write_text",
]

FORMAT_VERSION = 1
KINDS = (
    "policy",
    "city",
    "calendar",
    "taxonomy",
    "standard",
    "findings",
    "rule-cases",
    "calibration-target",
)
MAX_DIGITS = 4300
"""The most digits an integer in a file may have (Python's own limit for reading text)."""

ErrorType = Callable[..., UrbangovError]

_TOML_LINE = re.compile(r"at line (\d+)")
_BOM = "\ufeff"
_LONG_NUMBER = re.compile(r"[0-9][0-9_]{" + str(MAX_DIGITS) + ",}")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\[\s\S])*"')
_line_index = toml_lines  # the key→line index of TOML text (kept for params' messages)


class TomlDocument:
    """A parsed TOML (or JSON) file with the file name and a key→line index for error
    messages.

    The index is built from ``text`` on the first :meth:`line_of` (only errors ask for
    lines, so a file that loads cleanly never pays for it).
    """

    __slots__ = ("_json", "_lines", "_text", "data", "file")

    def __init__(
        self,
        data: dict[str, Any],
        file: str,
        lines: dict[PathKey, int] | None = None,
        *,
        text: str | None = None,
        json_text: bool = False,
    ) -> None:
        self.data = data
        self.file = file
        self._lines = lines
        self._text = text
        self._json = json_text

    def line_of(self, path: PathKey) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        lines = self._lines
        if lines is None:
            text = self._text
            if text is not None and self._json:
                lines = json_lines(text)[0]
            else:
                lines = toml_lines(text) if text is not None else {}
            self._lines = lines
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
    """Read a UTF-8 file (a leading byte-order mark is dropped), raising ``error``
    naming the file on any failure."""
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", file=file) from exc
    return decode(raw, file, error)


def decode(raw: bytes, file: str, error: ErrorType) -> str:
    """UTF-8 text of a file's bytes (a leading byte-order mark dropped); a byte that is
    not UTF-8 raises ``error`` naming the file, the line and the key on that line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        readable = raw.decode("utf-8", "replace")
        if file.lower().endswith(".json"):
            at = len(raw[: exc.start].decode("utf-8", "replace"))
            key: PathKey | None = json_path_at(readable, at) or None
        else:
            key = key_on_line(readable, line)
        raise error(
            f"the file is not valid UTF-8 (byte {raw[exc.start]:#04x})",
            field=dotted(key) if key else None,
            file=file,
            line=line,
            hint="save it as UTF-8 (urbangov files are always UTF-8; GBK is not read)",
        ) from None
    return text.removeprefix(_BOM)


def _empty(file: str, error: ErrorType, kind: str) -> UrbangovError:
    return error(
        "the file is empty",
        field="kind",
        file=file,
        line=1,
        hint=f'start it with kind = "{kind}" and format_version = 1',
    )


def _last_line(text: str) -> int:
    return max(1, len(text.splitlines()))


def parse_toml(
    text: str, file: str, error: ErrorType, *, decimal: bool = False, kind: str = "…"
) -> TomlDocument:
    """Parse TOML text; syntax errors become ``error`` with the file, the line and the
    key assigned on that line (for an unfinished value at the end, the last key)."""
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise _empty(file, error, kind)
    deep = too_deep(text)
    if deep is not None:
        raise _too_deep(error, file, deep[0], key_on_line(text, deep[0], at_end=True))
    try:
        data = tomllib.loads(text, parse_float=Decimal) if decimal else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        at_end = found is None
        line = int(found.group(1)) if found else _last_line(text)
        key = key_on_line(text, line, at_end=at_end)
        where = "the file ends before a value is finished" if at_end else str(exc)
        raise error(
            f"not valid TOML: {where}",
            field=dotted(key) if key else None,
            file=file,
            line=line,
            hint="check the TOML syntax on this line (quotes, brackets, commas)",
        ) from None
    except RecursionError:  # pragma: no cover - too_deep refuses such files first
        raise _too_deep(error, file, None, None) from None
    except ValueError:  # an integer of more digits than Python reads
        found_number = _LONG_NUMBER.search(text)
        at = text.count("\n", 0, found_number.start()) + 1 if found_number else None
        key = key_on_line(text, at, at_end=True) if at else None
        raise error(
            f"a number has more than {MAX_DIGITS} digits",
            field=dotted(key) if key else None,
            file=file,
            line=at,
            hint="no urbangov value needs such a number; check the file",
        ) from None
    return TomlDocument(data, file, text=text)


def _too_deep(error: ErrorType, file: str, line: int | None, key: PathKey | None) -> UrbangovError:
    return error(
        f"arrays and tables are nested more than {MAX_DEPTH} deep",
        field=dotted(key) if key else None,
        file=file,
        line=line,
        hint="no urbangov file nests so deep; check the brackets",
    )


class _JsonValueError(ValueError):
    """A JSON value urbangov refuses (raised inside ``json.loads`` hooks)."""

    def __init__(self, message: str, token: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.token = token
        self.hint = hint


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _JsonValueError(
            f"a number has more than {MAX_DIGITS} digits", text[:20], "check the file"
        )
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonValueError(f"{text[:40]} is too large for a number", text, "check the file")
    return value


def _json_constant(text: str) -> Any:
    raise _JsonValueError(
        f"{text} is not a JSON number", text, "JSON has no NaN or Infinity; give a number"
    )


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _JsonValueError("a key appears twice in one object", None, "keep one of them")
    return out


def _json_offset(text: str, token: str | None) -> int | None:
    """Where ``token`` first stands outside a string in ``text``."""
    if token is None:
        return None
    bare = _JSON_STRING.sub(lambda m: " " * len(m.group()), text)
    at = bare.find(token)
    return at if at >= 0 else None


def _json_problem(text: str, file: str, error: ErrorType, exc: _JsonValueError) -> UrbangovError:
    if exc.token is None:  # a repeated key: the scanner finds the repeat
        repeats = json_lines(text)[1]
        path, line = repeats[0] if repeats else ((), None)
        return error(exc.message, field=dotted(path) or None, file=file, line=line, hint=exc.hint)
    at = _json_offset(text, exc.token)
    line = None if at is None else text.count("\n", 0, at) + 1
    path = json_path_at(text, at) if at is not None else ()
    return error(exc.message, field=dotted(path) or None, file=file, line=line, hint=exc.hint)


def _lone_surrogate(text: str) -> tuple[int, str] | None:
    """The offset and text of the first JSON string holding a lone surrogate escape."""
    if "\\u" not in text:
        return None
    for match in _JSON_STRING.finditer(text):
        token = match.group()
        if "\\u" not in token:
            continue
        try:
            json.loads(token).encode("utf-8")
        except UnicodeEncodeError:
            return match.start(), token
        except ValueError:
            continue
    return None


def parse_json(text: str, file: str, error: ErrorType, *, kind: str = "…") -> TomlDocument:
    """Parse JSON text into the same document form, with lines for every key."""
    text = text.removeprefix(_BOM)
    if not text.strip():
        raise _empty(file, error, kind)
    deep = too_deep(text, json_text=True)
    if deep is not None:
        path = json_path_at(text, deep[1])
        while path and isinstance(path[-1], int):  # name the key, not 64 indexes
            path = path[:-1]
        raise _too_deep(error, file, deep[0], path)
    try:
        data = json.loads(
            text,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
            object_pairs_hook=_json_object,
        )
    except _JsonValueError as exc:
        raise _json_problem(text, file, error, exc) from None
    except json.JSONDecodeError as exc:
        path = json_path_at(text, exc.pos)
        raise error(
            f"not valid JSON: {exc.msg}",
            field=dotted(path) or None,
            file=file,
            line=exc.lineno,
            hint="check the JSON syntax on this line (quotes, brackets, commas)",
        ) from None
    except RecursionError:  # pragma: no cover - too_deep refuses such files first
        raise _too_deep(error, file, None, None) from None
    lone = _lone_surrogate(text)
    if lone is not None:
        at, token = lone
        raise error(
            f"the string {token[:40]} holds a lone surrogate, which is not a character",
            field=dotted(json_path_at(text, at)) or None,
            file=file,
            line=text.count("\n", 0, at) + 1,
            hint="write the character itself, or a surrogate pair",
        )
    if not isinstance(data, dict):
        raise error("the top level must be an object", field="kind", file=file, line=1)
    return TomlDocument(data, file, text=text, json_text=True)


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
    first = kind if isinstance(kind, str) else kind[0]
    if Path(path).suffix.lower() == ".json":
        doc = parse_json(text, file, error, kind=first)
    else:
        doc = parse_toml(text, file, error, decimal=decimal, kind=first)
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
    if not isinstance(found, str) or found not in kinds:
        raise error(
            f"expected kind {' or '.join(repr(k) for k in kinds)}, found {found!r}",
            field="kind",
            file=doc.file,
            line=doc.line_of(("kind",)),
            hint="urbangov validate dispatches on kind; use the loader for that kind",
        )
    missing = "format_version" not in doc.data
    version = doc.data.pop("format_version", None)
    if missing:
        raise error(
            "the file has no format_version",
            field="format_version",
            file=doc.file,
            line=doc.line_of(("kind",)) or 1,
            hint=f"add format_version = {FORMAT_VERSION} after the kind",
        )
    if type(version) is not int or version != FORMAT_VERSION:
        written = f"{version!r} ({type(version).__name__})" if type(version) is not int else ""
        raise error(
            f"unsupported format_version {written or repr(version)}",
            field="format_version",
            file=doc.file,
            line=doc.line_of(("format_version",)),
            hint=f"this urbangov reads format_version = {FORMAT_VERSION} (an integer)",
        )
    return found


def peek_kind(path: str | Path, error: ErrorType) -> str:
    """The ``kind`` of a file without validating the rest (for ``urbangov validate``)."""
    file = str(path)
    text = read_text(path, error)
    json_file = file.lower().endswith(".json")
    doc = parse_json(text, file, error) if json_file else parse_toml(text, file, error)
    kind = doc.data.get("kind")
    if not isinstance(kind, str):
        raise error(
            "the file has no kind" if kind is None else f"kind must be a string, not {kind!r}",
            field="kind",
            file=file,
            line=doc.line_of(("kind",)) or 1,
        )
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
