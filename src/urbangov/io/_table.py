"""Case logs as tables of text cells: CSV and JSON Lines files (private).

Used by :mod:`urbangov.io` (Parquet files and Arrow tables: ``_arrow``). A
:class:`Table` is a log's columns of cells (``""`` for an empty field) with the file
name and a way back from a row to its line.
"""

from __future__ import annotations

import csv
import io as _stdio
import json
import re
from collections.abc import Callable, Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from urbangov._internal.documents import write_text
from urbangov.errors import CaseLogError
from urbangov.io._cells import ByteColumn, CodedColumn, Column, TextColumn, split_csv

__all__ = [
    "COLUMNS",
    "EVENT_COLUMNS",
    "REPORT_COLUMNS",
    "REQUIRED",
    "Table",
    "check_header",
    "format_of",
    "read_bytes",
    "read_text_table",
    "render",
    "write_table",
]

#: The columns of a case log, in the order urbangov writes them.
COLUMNS: tuple[str, ...] = (
    "case_id",
    "event",
    "at",
    "actor",
    "department",
    "extension",
    "outcome",
    "note",
    "category",
    "grid",
    "segment",
    "source",
    "urgency",
    "zone",
)
#: Columns filled only on ``report`` rows (the case's attributes).
REPORT_COLUMNS: tuple[str, ...] = ("category", "grid", "segment", "source", "urgency", "zone")
#: Columns filled only on event rows.
EVENT_COLUMNS: tuple[str, ...] = ("actor", "department", "extension", "outcome", "note")
#: Columns every file must have.
REQUIRED: tuple[str, ...] = ("case_id", "event", "at", "category", "grid", "source", "urgency")

FORMATS = ("csv", "jsonl", "parquet")
_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


@attrs.frozen
class Table:
    """The columns of a log file as text cells, ``""`` for an empty field."""

    file: str | None  # None: an Arrow table in memory
    columns: dict[str, Column]
    n: int
    line_of: Callable[[int], int]  # row index → line (CSV, JSON Lines) or row number

    def error(self, row: int, field: str, message: str, hint: str | None = None) -> CaseLogError:
        """A :class:`CaseLogError` for ``row`` and ``field``; for a table in memory
        the message names the row (counted from 1)."""
        line = self.line_of(row)
        if self.file is None:
            message = f"{message} (row {line})"
        return CaseLogError(message, field=field, file=self.file, line=line, hint=hint)

    def column(self, name: str) -> Column:
        """The column ``name`` (all empty when the file has no such column)."""
        found = self.columns.get(name)
        return found if found is not None else CodedColumn([""], np.zeros(self.n, np.int64))


def format_of(path: str | Path, format: str | None) -> str:
    """The log format: ``format`` if given, else from the file's suffix."""
    if format is not None:
        if format not in FORMATS:
            raise CaseLogError(
                f"{format!r} is not a log format",
                field="format",
                hint="use one of " + ", ".join(FORMATS),
            )
        return format
    found = _SUFFIXES.get(Path(path).suffix.lower())
    if found is None:
        raise CaseLogError(
            f"cannot tell the log format from the suffix {Path(path).suffix!r}",
            field="format",
            file=str(path),
            hint="name the file .csv, .jsonl or .parquet, or pass format=",
        )
    return found


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a text log, without a byte-order mark (spreadsheets write one)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise CaseLogError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc
    return raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw


def _decode(raw: bytes, file: str) -> tuple[bytes, str]:
    try:
        return raw, raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        before = raw[start : exc.start].decode("utf-8", errors="replace")
        raise CaseLogError(
            f"the file is not valid UTF-8 (byte {raw[exc.start]:#04x})",
            field=_field_at(raw, before),
            file=file,
            line=line,
            hint="save the log as UTF-8",
        ) from None


def _field_at(raw: bytes, before: str) -> str | None:
    """The column a bad byte falls in, from the header and the text before it."""
    if before.lstrip().startswith("{"):  # JSON Lines: the last key before the byte
        return _key_before(before, len(before))
    header_bytes = raw.split(b"\n", 1)[0]
    try:
        header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        return None  # the header itself is not text: no column to name
    header = header_bytes.decode("utf-8").rstrip("\r")
    try:
        names = next(csv.reader([header]), [])
        index = len(next(csv.reader([before + "x"]))) - 1
    except csv.Error:
        return None
    return names[index] if 0 <= index < len(names) else None


# --------------------------------------------------------------------------- reading


def read_text_table(raw: bytes, file: str, format: str, allow_unknown: bool) -> Table:
    """Read the bytes of a CSV or JSON Lines log into a :class:`Table` (header and cell
    checks only)."""
    raw, text = _decode(raw, file)
    if format == "jsonl":
        return _read_jsonl(text, file, allow_unknown)
    return _read_csv(raw, text, file, allow_unknown)


def check_header(
    names: Sequence[str], file: str | None, allow_unknown: bool, *, line: int | None = 1
) -> None:
    """Check the column names (a header line, or an Arrow table's columns: ``line``
    ``None``)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise CaseLogError(
                f"the column {name!r} appears twice",
                field=name,
                file=file,
                line=line,
                hint="keep one column of each name",
            )
        seen.add(name)
        if name not in COLUMNS and not allow_unknown:
            raise CaseLogError(
                f"unknown column {name!r}",
                field=name,
                file=file,
                line=line,
                hint="the columns are " + ", ".join(COLUMNS) + " (pass allow_unknown_columns="
                "True to ignore others)",
            )
    for name in REQUIRED:
        if name not in seen:
            raise CaseLogError(
                f"the required column {name!r} is missing",
                field=name,
                file=file,
                line=line,
                hint="the header needs " + ", ".join(REQUIRED),
            )


def _read_csv(raw: bytes, text: str, file: str, allow_unknown: bool) -> Table:
    if not text or text.isspace():
        raise CaseLogError(
            "the file is empty",
            field="header",
            file=file,
            line=1,
            hint="a case log starts with a header line: " + ",".join(COLUMNS),
        )
    header_end = raw.find(b"\n")
    header_end = len(raw) if header_end < 0 else header_end
    header_line = raw[:header_end].decode("utf-8")
    if '"' not in header_line and "\r" not in header_line:
        header = header_line.split(",")
        check_header(header, file, allow_unknown)
        split = split_csv(raw, header_end, len(header))
        if split is not None:  # the fast path: no Python string per cell
            buf, starts, lengths = split
            columns: dict[str, Column] = {
                name: ByteColumn(buf, starts[k], lengths[k])
                for k, name in enumerate(header)
                if name in COLUMNS
            }
            return Table(file, columns, len(starts[0]), lambda row: row + 2)
    reader = csv.reader(_stdio.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows = list(reader)
    except csv.Error as exc:
        raise CaseLogError(
            f"not valid CSV: {exc}",
            file=file,
            line=reader.line_num,
            hint="quote fields that hold commas, quotes or line breaks",
        ) from None
    check_header(header, file, allow_unknown)
    first_lines: list[int] = []

    def line_of(row: int) -> int:
        if not first_lines:  # only when reporting an error: a second pass for the lines
            again = csv.reader(_stdio.StringIO(text, newline=""))
            next(again)
            last = again.line_num
            for _ in again:
                first_lines.append(last + 1)
                last = again.line_num
        return first_lines[row] if row < len(first_lines) else last_line

    last_line = text.count("\n") + 1
    width = len(header)
    if any(len(r) != width for r in rows):
        i = next(i for i, r in enumerate(rows) if len(r) != width)
        problem = "is empty" if not rows[i] else f"has {len(rows[i])} fields, not {width}"
        raise CaseLogError(
            f"the row {problem}",
            field=header[min(len(rows[i]), width - 1)] if rows[i] else "case_id",
            file=file,
            line=line_of(i),
            hint="give every row one field per header column (no blank lines)",
        )
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    text_columns: dict[str, Column] = {
        name: TextColumn(col) for name, col in zip(header, cells, strict=True) if name in COLUMNS
    }
    return Table(file, text_columns, len(rows), line_of)


def _read_jsonl(text: str, file: str, allow_unknown: bool) -> Table:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    n = len(lines)
    fast = None if "\\u" in text else _jsonl_fast(lines, allow_unknown)
    seen = fast if fast is not None else _jsonl_checked(lines, file, allow_unknown)
    columns: dict[str, Column] = {name: TextColumn(col) for name, col in seen.items()}
    return Table(file, columns, n, lambda row: row + 1)


def _jsonl_fast(lines: list[str], allow_unknown: bool) -> dict[str, list[str]] | None:
    """The columns of a well-formed JSON Lines log, parsed in one call (``None``: let
    :func:`_jsonl_checked` find the problem)."""
    try:
        records = json.loads("[" + ",".join(lines) + "]", object_pairs_hook=_pairs)
    except (ValueError, RecursionError):  # syntax, a 5,000-digit number, deep nesting
        return None
    if len(records) != len(lines) or not all(type(r) is dict for r in records):
        return None
    keys = set().union(*records)
    if not allow_unknown and not keys <= set(COLUMNS):
        return None
    seen: dict[str, list[str]] = {}
    for name in COLUMNS:
        if name not in keys:
            continue
        values = list(map(dict.get, records, repeat(name), repeat("")))
        kinds = set(map(type, values))
        if not kinds <= {str, type(None)}:
            return None
        seen[name] = ["" if v is None else v for v in values] if type(None) in kinds else values
    return seen


_KEY_BEFORE = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _key_before(line: str, at: int) -> str | None:
    """The last key of a JSON object line that begins before offset ``at``."""
    keys = [m.group(1) for m in _KEY_BEFORE.finditer(line[:at])]
    return keys[-1] if keys else None


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        key = next(k for i, (k, _) in enumerate(pairs) if k in dict(pairs[:i]))
        raise _RepeatedKeyError(key)
    return out


class _RepeatedKeyError(ValueError):
    """A key given twice in one JSON object (raised inside ``json.loads``)."""


def _jsonl_checked(lines: list[str], file: str, allow_unknown: bool) -> dict[str, list[str]]:
    """The columns of a JSON Lines log, line by line, raising for the first bad line."""
    seen: dict[str, list[str]] = {}
    hint = "write one JSON object per line (no blank lines), every value a string"
    for i, line in enumerate(lines):
        try:
            record = json.loads(line, object_pairs_hook=_pairs)
        except _RepeatedKeyError as exc:
            raise CaseLogError(
                f"the key {exc.args[0]!r} appears twice", field=str(exc.args[0]), file=file,
                line=i + 1, hint="keep one of them",
            ) from None  # fmt: skip
        except json.JSONDecodeError as exc:
            raise CaseLogError(
                f"not a JSON object: {exc.msg}",
                field=_key_before(line, exc.pos),
                file=file,
                line=i + 1,
                hint=hint,
            ) from None
        except (ValueError, RecursionError):
            raise CaseLogError(
                "the line holds a number too long or values nested too deep to read",
                field=_key_before(line, len(line)),
                file=file,
                line=i + 1,
                hint=hint,
            ) from None
        if not isinstance(record, dict):
            raise CaseLogError("not a JSON object", file=file, line=i + 1, hint=hint)
        for key, value in record.items():
            if key not in COLUMNS:
                if allow_unknown:
                    continue
                raise CaseLogError(
                    f"unknown key {key!r}",
                    field=key,
                    file=file,
                    line=i + 1,
                    hint="the keys are " + ", ".join(COLUMNS) + " (pass allow_unknown_columns="
                    "True to ignore others)",
                )
            if value is None:
                continue
            if not isinstance(value, str):
                raise CaseLogError(
                    f"{_shown(value)} is not a string",
                    field=key,
                    file=file,
                    line=i + 1,
                    hint="write every value as a JSON string (or null)",
                )
            _check_text(value, key, file, i + 1)
            column = seen.get(key)
            if column is None:
                column = seen[key] = [""] * len(lines)
            column[i] = value
    return seen


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:30] + "…" + text[-5:]


def _check_text(value: str, key: str, file: str, line: int) -> None:
    """Refuse a string no file can store: a lone surrogate (``"\\ud800"``)."""
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise CaseLogError(
                f"{_shown(value)} holds a lone surrogate, which is not a character",
                field=key,
                file=file,
                line=line,
                hint="write the character itself, or a surrogate pair",
            ) from None


# --------------------------------------------------------------------------- writing


def write_table(path: str | Path, format: str, columns: Sequence[Sequence[str]]) -> None:
    """Write columns (in :data:`COLUMNS` order, all the same length) to a CSV or JSON
    Lines file."""
    write_text(path, render(format, columns))


def render(format: str, columns: Sequence[Sequence[str]]) -> str:
    """The text of a CSV or JSON Lines log."""
    rows = zip(*columns, strict=True)
    if format == "jsonl":
        return "".join(
            json.dumps(
                {k: v for k, v in zip(COLUMNS, row, strict=True) if v},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + "\n"
            for row in rows
        )
    buffer = _stdio.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    if any("\r" in "".join(col) for col in columns):
        # the csv module does not quote a lone carriage return with "\n" line ends
        for row in rows:
            buffer.write(",".join(_quoted(v) for v in row) + "\n")
    else:
        writer.writerows(rows)
    return buffer.getvalue()


def _quoted(value: str) -> str:
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value
