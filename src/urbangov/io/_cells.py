"""Columns of text cells, and a vectorised CSV splitter (private; used by urbangov.io).

A column is a :class:`TextColumn` (a sequence of ``str``), a :class:`ByteColumn`
(fields of one UTF-8 buffer, given by start and length arrays, so that a million cells
need no million Python strings), a :class:`CodedColumn` (distinct texts and a code per
row: an Arrow dictionary, its indices and validity mask as Arrow holds them) or an
:class:`InstantColumn` (instants already typed: an Arrow timestamp column). Each gives
distinct values with per-row codes, a filled mask, single cells for messages, and
parsed instants.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeAlias

import numpy as np
from numpy.typing import NDArray

from urbangov.io._times import outside_years, parse_instants, parse_instants_at, too_fine

__all__ = [
    "ByteColumn",
    "CodedColumn",
    "Codes",
    "Column",
    "InstantColumn",
    "ParsedTimes",
    "TextColumn",
    "split_csv",
]

Fail = Callable[[int, str, str], Exception]
#: Per row, the position of its cell in a list of distinct cells (int32 when it is an
#: Arrow dictionary's own indices, else int64).
Codes: TypeAlias = NDArray[np.signedinteger[Any]]
_MATRIX_LIMIT = 64 * 2**20  # bytes of the cell matrix built to find distinct values
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


class Column(Protocol):
    """A column of text cells (``""``: empty)."""

    def __len__(self) -> int: ...

    def text(self, row: int) -> str:
        """The cell of ``row``."""
        ...

    def take(self, rows: NDArray[np.int64]) -> Column:
        """The cells of ``rows``."""
        ...

    def filled(self) -> NDArray[np.bool_]:
        """Which cells are not empty."""
        ...

    def codes(self) -> tuple[list[str], Codes]:
        """The distinct cells and, per row, the index of its cell in them."""
        ...

    def instants(self, fail: Fail) -> NDArray[np.int64]:
        """The cells as ISO 8601 instants (ns since the epoch, UTC)."""
        ...


class TextColumn:
    """A column held as Python strings.

    >>> col = TextColumn(["b", "", "b"])
    >>> distinct, codes = col.codes()
    >>> [distinct[c] for c in codes.tolist()], col.filled().tolist()
    (['b', '', 'b'], [True, False, True])
    """

    __slots__ = ("values",)

    def __init__(self, values: Sequence[str]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    def text(self, row: int) -> str:
        return self.values[row]

    def take(self, rows: NDArray[np.int64]) -> TextColumn:
        values = self.values
        return TextColumn([values[i] for i in rows.tolist()])

    def filled(self) -> NDArray[np.bool_]:
        return np.fromiter(map(bool, self.values), dtype=np.bool_, count=len(self.values))

    def codes(self) -> tuple[list[str], Codes]:
        distinct = sorted(set(self.values))
        index = {v: i for i, v in enumerate(distinct)}
        n = len(self.values)
        return distinct, np.fromiter(map(index.__getitem__, self.values), np.int64, count=n)

    def instants(self, fail: Fail) -> NDArray[np.int64]:
        return parse_instants(self.values, fail)


class ByteColumn:
    """A column held as fields of one UTF-8 buffer.

    >>> buf = np.frombuffer("ab,,ab,门".encode(), dtype=np.uint8)
    >>> col = ByteColumn(buf, np.array([0, 3, 4, 7]), np.array([2, 0, 2, 3]))
    >>> distinct, codes = col.codes()
    >>> [distinct[c] for c in codes.tolist()]
    ['ab', '', 'ab', '门']
    """

    __slots__ = ("buf", "length", "start")

    def __init__(
        self, buf: NDArray[np.uint8], start: NDArray[np.int64], length: NDArray[np.int64]
    ) -> None:
        self.buf = buf
        self.start = start
        self.length = length

    def __len__(self) -> int:
        return len(self.start)

    def text(self, row: int) -> str:
        s = int(self.start[row])
        return bytes(self.buf[s : s + int(self.length[row])]).decode("utf-8")

    def take(self, rows: NDArray[np.int64]) -> ByteColumn:
        return ByteColumn(self.buf, self.start[rows], self.length[rows])

    def filled(self) -> NDArray[np.bool_]:
        return np.asarray(self.length > 0)

    def codes(self) -> tuple[list[str], Codes]:
        n = len(self.start)
        rows = np.flatnonzero(self.length > 0)
        width = int(self.length.max(initial=0))
        n_words = max((width + 7) // 8, 1)
        if rows.size * n_words * 8 > _MATRIX_LIMIT:  # long cells: one string per row instead
            return TextColumn([self.text(i) for i in range(n)]).codes()
        words = _words(self.buf, self.start[rows], self.length[rows], n_words)
        # a run of equal cells (a case's rows) is looked up once
        head = np.ones(rows.size, dtype=np.bool_)
        if rows.size > 1:
            np.any(words[1:] != words[:-1], axis=1, out=head[1:])
        heads = words[head]
        key = heads[:, 0].copy()
        for j in range(1, n_words):
            key = key * np.uint64(0x9E3779B97F4A7C15) ^ heads[:, j]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
        if n_words > 1 and not np.array_equal(heads[first][inverse], heads):
            # a hash collision (never seen in practice): sort the bytes themselves
            keys = np.ascontiguousarray(heads).view(f"S{8 * n_words}").ravel()
            _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            inverse = inverse.ravel()
        found = np.ascontiguousarray(heads[first]).view(f"S{8 * n_words}").ravel()
        distinct = [b.decode("utf-8") for b in found.tolist()]
        out = np.full(n, len(distinct), dtype=np.int64)
        out[rows] = inverse[np.cumsum(head) - 1]
        if rows.size < n:
            distinct.append("")
        return distinct, out

    def instants(self, fail: Fail) -> NDArray[np.int64]:
        return parse_instants_at(self.buf, self.start, self.length, self.text, fail)


class CodedColumn:
    """A column held as distinct texts and, per row, the index of its text (the form of
    an Arrow dictionary array); ``distinct`` holds no text twice and may hold texts no
    row uses (:meth:`codes` leaves them out). Every index, of every row, is inside
    ``distinct``. Given ``valid`` (an Arrow validity mask), a row it marks ``False`` is
    empty whatever its index says, ``distinct`` ends with ``""`` and no index points at
    it (nor at another empty text): the empty rows are the invalid ones, and an Arrow
    column with nulls is read without writing an index for them.

    >>> col = CodedColumn(["b", "", "unused"], np.array([0, 1, 0]))
    >>> col.codes(), col.filled().tolist(), col.text(2)
    ((['b', ''], array([0, 1, 0])), [True, False, True], 'b')
    >>> col = CodedColumn(["b", ""], np.array([0, 0]), np.array([True, False]))
    >>> col.codes(), col.filled().tolist(), col.text(1)
    ((['b', ''], array([0, 1])), [True, False], '')
    """

    __slots__ = ("distinct", "empty", "index", "valid")

    def __init__(
        self, distinct: Sequence[str], index: Codes, valid: NDArray[np.bool_] | None = None
    ) -> None:
        self.distinct = distinct
        self.index = index
        self.valid = valid
        self.empty = distinct.index("") if "" in distinct else -1

    def __len__(self) -> int:
        return len(self.index)

    def text(self, row: int) -> str:
        if self.valid is not None and not self.valid[row]:
            return ""
        return self.distinct[int(self.index[row])]

    def take(self, rows: NDArray[np.int64]) -> CodedColumn:
        valid = None if self.valid is None else self.valid[rows]
        return CodedColumn(self.distinct, self.index[rows], valid)

    def filled(self) -> NDArray[np.bool_]:
        if self.valid is not None:
            filled = self.valid.view()  # (read-only: the column's own mask)
            filled.flags.writeable = False
            return filled
        return np.asarray(self.index != self.empty)

    def codes(self) -> tuple[list[str], Codes]:
        index = self._index()
        if _steps_through(index, len(self.distinct)):
            return list(self.distinct), index
        used = np.bincount(index, minlength=len(self.distinct)) > 0
        keep = np.flatnonzero(used)
        if not keep.size or keep[-1] == keep.size - 1:  # the texts used come first: as they are
            return list(self.distinct[: keep.size]), index
        renumber = np.full(len(self.distinct), -1, dtype=np.int64)
        renumber[keep] = np.arange(keep.size)
        return [self.distinct[k] for k in keep.tolist()], renumber[index]

    def instants(self, fail: Fail) -> NDArray[np.int64]:
        distinct = self.distinct
        return parse_instants([distinct[k] for k in self._index().tolist()], fail)

    def _index(self) -> Codes:
        """Per row, the index of its text (``""`` on an invalid row)."""
        if self.valid is None:
            return self.index
        return np.where(self.valid, self.index, self.index.dtype.type(self.empty))


def _steps_through(index: Codes, size: int) -> bool:
    """Whether ``index`` goes from 0 to ``size`` - 1 by steps of 0 or 1, so that it uses
    every code (a case id column as urbangov writes it: each case's rows together, in
    the order of the dictionary); found without counting the codes."""
    if not index.size or int(index[0]) != 0 or int(index[-1]) != size - 1:
        return False
    steps = np.subtract(index[1:], index[:-1])  # (no overflow: codes are below size)
    return not steps.size or int(steps.view(f"u{steps.dtype.itemsize}").max()) <= 1


class InstantColumn:
    """A column of instants already typed (an Arrow timestamp column): nanoseconds
    since the epoch (UTC), and per row a problem code — 0 none, :data:`NULL`,
    :data:`FINER` (a fraction finer than a microsecond), :data:`OUTSIDE` (outside the
    years a log stores). ``text(row)`` is the instant in ISO 8601, in ``zone`` ("" for
    a null).

    >>> import datetime as dt
    >>> col = InstantColumn(np.array([0, 0]), np.array([0, 1], dtype=np.int8), dt.UTC,
    ...                     lambda row: "1970-01-01T00:00:00+00:00")
    >>> col.text(0), col.text(1), col.filled().tolist()
    ('1970-01-01T00:00:00+00:00', '', [True, False])
    """

    __slots__ = ("ns", "problem", "shown", "zone")

    NULL, FINER, OUTSIDE = 1, 2, 3

    def __init__(
        self,
        ns: NDArray[np.int64],
        problem: NDArray[np.int8],
        zone: _dt.tzinfo,
        shown: Callable[[int], str],
    ) -> None:
        self.ns = ns
        self.problem = problem
        self.zone = zone
        self.shown = shown  # the text of a row whose instant is not kept (for messages)

    def __len__(self) -> int:
        return len(self.ns)

    def text(self, row: int) -> str:
        problem = int(self.problem[row])
        if problem == self.NULL:
            return ""
        if problem:
            return self.shown(row)
        moment = _EPOCH + _dt.timedelta(microseconds=int(self.ns[row]) // 1000)
        return moment.astimezone(self.zone).isoformat()

    def take(self, rows: NDArray[np.int64]) -> InstantColumn:
        return InstantColumn(self.ns[rows], self.problem[rows], self.zone, self.shown)

    def filled(self) -> NDArray[np.bool_]:
        return np.asarray(self.problem != self.NULL)

    def codes(self) -> tuple[list[str], Codes]:
        return TextColumn([self.text(i) for i in range(len(self))]).codes()

    def instants(self, fail: Fail) -> NDArray[np.int64]:
        bad = np.flatnonzero(self.problem)
        if bad.size:
            row = int(bad[0])
            text = self.text(row)
            if int(self.problem[row]) == self.FINER:
                raise fail(row, *too_fine(text))
            raise fail(row, *outside_years(text))  # (a null: fail says it is required)
        return self.ns


class ParsedTimes:
    """A text column of times already parsed: the cells of ``cells``, and their
    instants ``ns`` (ns since the epoch, UTC), as ``cells.instants`` would give them."""

    __slots__ = ("cells", "ns")

    def __init__(self, cells: Column, ns: NDArray[np.int64]) -> None:
        self.cells = cells
        self.ns = ns

    def __len__(self) -> int:
        return len(self.cells)

    def text(self, row: int) -> str:
        return self.cells.text(row)

    def take(self, rows: NDArray[np.int64]) -> ParsedTimes:
        return ParsedTimes(self.cells.take(rows), self.ns[rows])

    def filled(self) -> NDArray[np.bool_]:
        return self.cells.filled()

    def codes(self) -> tuple[list[str], Codes]:
        return self.cells.codes()

    def instants(self, fail: Fail) -> NDArray[np.int64]:
        return self.ns


_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)


def _words(
    buf: NDArray[np.uint8], start: NDArray[np.int64], length: NDArray[np.int64], n_words: int
) -> NDArray[np.uint64]:
    """Each field as ``n_words`` little-endian 64-bit words, zero past its end."""
    padded = np.concatenate([buf, np.zeros(8 * n_words + 8, dtype=np.uint8)])
    # every byte offset of the buffer read as the start of a 64-bit word
    at = np.ndarray(shape=(padded.size - 7,), dtype="<u8", buffer=padded, strides=(1,))
    words = np.empty((start.size, n_words), dtype="<u8")  # byte order kept for views
    for j in range(n_words):
        rest = np.clip(length - 8 * j, 0, 8)
        words[:, j] = at[start + 8 * j] & _MASKS[rest]
    return words


def split_csv(
    raw: bytes, header_end: int, width: int
) -> tuple[NDArray[np.uint8], list[NDArray[np.int64]], list[NDArray[np.int64]]] | None:
    """Split the data lines of a CSV file (after the header, which ends at byte
    ``header_end``) into ``width`` fields per row, with numpy.

    Returns the buffer and, per column, the start and length of each row's field; or
    ``None`` when the file needs the csv module (carriage returns, NUL bytes, quoted
    fields that span lines, blank lines or rows of another width: the slow path then
    reports the errors). Lines with quotes are parsed one by one with the csv module.
    """
    body = raw[header_end + 1 :]
    if b"\r" in body or b"\x00" in body:
        return None
    if body and not body.endswith(b"\n"):
        body += b"\n"
    quoted: list[tuple[int, list[str]]] = []
    whole = np.frombuffer(body, dtype=np.uint8)
    line_ends = np.flatnonzero(whole == 10)
    n_rows = line_ends.size
    quotes = np.flatnonzero(whole == 34) if b'"' in body else np.zeros(0, dtype=np.int64)
    if quotes.size:
        per_line = np.bincount(np.searchsorted(line_ends, quotes), minlength=n_rows)
        if (per_line % 2).any():
            return None  # a quoted field spans lines
        line_starts = np.concatenate([[0], line_ends[:-1] + 1])
        pieces: list[bytes] = []
        done = 0
        for i in np.flatnonzero(per_line).tolist():
            begin, end = int(line_starts[i]), int(line_ends[i])
            try:
                fields = next(csv.reader([body[begin:end].decode("utf-8")], strict=True))
            except (csv.Error, StopIteration):
                return None
            if len(fields) != width:
                return None
            quoted.append((i, fields))
            pieces.append(body[done:begin])
            done = end + 1
        pieces.append(body[done:])
        body = b"".join(pieces)
        whole = np.frombuffer(body, dtype=np.uint8)
        line_ends = np.flatnonzero(whole == 10)
    n_simple = line_ends.size
    line_starts = np.concatenate([[0], line_ends[:-1] + 1])[:n_simple].astype(np.int64)
    flat = np.flatnonzero(whole == 44)
    if flat.size != n_simple * (width - 1):
        return None
    commas = flat.reshape(n_simple, width - 1)
    if width > 1 and n_simple:
        inside = (commas[:, 0] >= line_starts) & (commas[:, -1] < line_ends)
        if not inside.all():
            return None  # some line has too many commas, another too few
    bounds = [line_starts, *(commas[:, k] + 1 for k in range(width - 1))]
    ends = [*(commas[:, k] for k in range(width - 1)), line_ends]
    starts = [np.ascontiguousarray(b) for b in bounds]
    lengths = [np.ascontiguousarray(e - b) for b, e in zip(starts, ends, strict=True)]
    if not quoted:
        return whole, starts, lengths
    extra = [f.encode("utf-8") for _, fields in quoted for f in fields]
    field_len = np.array([len(f) for f in extra], dtype=np.int64).reshape(len(quoted), width)
    field_start = whole.size + np.cumsum(field_len.ravel()).reshape(field_len.shape) - field_len
    q_rows = np.array([i for i, _ in quoted], dtype=np.int64)
    simple = np.ones(n_rows, dtype=np.bool_)
    simple[q_rows] = False
    all_starts, all_lengths = [], []
    for k in range(width):
        start, length = np.empty(n_rows, dtype=np.int64), np.empty(n_rows, dtype=np.int64)
        start[simple], length[simple] = starts[k], lengths[k]
        start[q_rows], length[q_rows] = field_start[:, k], field_len[:, k]
        all_starts.append(start)
        all_lengths.append(length)
    merged = np.frombuffer(body + b"".join(extra), dtype=np.uint8)
    return merged, all_starts, all_lengths
