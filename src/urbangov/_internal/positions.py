"""Where things are in a TOML or JSON text: key paths → lines, and nesting depth (private).

``tomllib`` and ``json`` report no positions for values, so the loaders' error messages
get their lines from these scanners. Both work on the text alone, iteratively (no
recursion, whatever the nesting), and are run only when an error asks for a line —
except :func:`too_deep`, which every read runs first so that a file nested thousands
deep is refused with its line instead of overflowing the parser's stack.

A path is a tuple of keys and array indexes, as the loaders name fields:
``("units", 3, "parent")``; ``("years", 0, "holidays", 5)`` is the sixth entry of a
multi-line array, on its own line.

>>> index = toml_lines('a = 1\\n[[u]]\\nb = [\\n  { c = 1 },\\n  { c = 2 },\\n]\\n')
>>> index[("u", 0, "b", 1)], index[("u", 0, "b", 1, "c")]
(5, 5)
>>> json_lines('{"u": [\\n {"c": 1},\\n {"c": 2}\\n]}')[0][("u", 1, "c")]
3
"""

from __future__ import annotations

import json
import re

import numpy as np

__all__ = [
    "MAX_DEPTH",
    "PathKey",
    "json_lines",
    "json_path_at",
    "key_on_line",
    "toml_lines",
    "too_deep",
]

PathKey = tuple[str | int, ...]

MAX_DEPTH = 64
"""The deepest nesting of arrays and tables (inline or JSON) urbangov reads."""

# ---------------------------------------------------------------- nesting depth

_TOML_SKIP = re.compile(
    r'"""(?:[^\\]|\\[\s\S])*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*'
)
_JSON_SKIP = re.compile(r'"(?:[^"\\]|\\[\s\S])*"')


def too_deep(text: str, *, json_text: bool = False) -> tuple[int, int] | None:
    """The line and offset where arrays and tables first nest deeper than
    :data:`MAX_DEPTH`, or ``None`` (strings and comments are skipped).

    >>> too_deep("a = " + "[" * 65 + "]" * 65), too_deep("a = [[1], [2]]")
    ((1, 68), None)
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    skip = _JSON_SKIP if json_text else _TOML_SKIP
    bare = skip.sub(lambda m: _BLANK.sub(" ", m.group()), text)  # same length, lines kept
    chars = np.frombuffer(bare.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    step = np.zeros(chars.size, dtype=np.int64)
    step[(chars == ord("[")) | (chars == ord("{"))] = 1
    step[(chars == ord("]")) | (chars == ord("}"))] = -1
    over = np.flatnonzero(np.cumsum(step) > MAX_DEPTH)
    if over.size == 0:
        return None
    at = int(over[0])
    return text.count("\n", 0, at) + 1, at


_BLANK = re.compile(r"[^\n]")


# ---------------------------------------------------------------- TOML

_TOKEN = re.compile(
    r"""(?P<nl>\n)
    |(?P<ws>[ \t\r]+)
    |(?P<comment>\#[^\n]*)
    |(?P<mlb>\"\"\"(?:[^\\]|\\[\s\S])*?\"\"\"\"{0,2})
    |(?P<mll>'''[\s\S]*?'''(?:'{0,2}))
    |(?P<basic>"(?:[^"\\\n]|\\.)*"?)
    |(?P<literal>'[^'\n]*'?)
    |(?P<punct>[\[\]{}=,.])
    |(?P<bare>[^\s\[\]{}=,.\#"']+)
    """,
    re.VERBOSE,
)


def _key_text(kind: str, text: str) -> str:
    if kind == "basic":
        try:
            found = json.loads(text)
        except ValueError:
            return text.strip('"')
        return found if isinstance(found, str) else text
    if kind == "literal":
        return text.strip("'")
    return text


_KEYS = frozenset({"bare", "basic", "literal"})


class _Frame:
    """An open array or inline table: its path, what comes next (``"value"``, ``"key"``
    or ``"after"`` a value), the last element's index and the key being read."""

    __slots__ = ("array", "index", "parts", "path", "value_path", "want")

    def __init__(self, path: PathKey, array: bool) -> None:
        self.path = path
        self.array = array
        self.want = "value" if array else "key"
        self.index = -1
        self.parts: list[str] = []
        self.value_path: PathKey = path


class _TomlScanner:
    """One pass over a TOML text's tokens (see :func:`toml_lines`)."""

    def __init__(self) -> None:
        self.index: dict[PathKey, int] = {}
        self.assigned: list[tuple[PathKey, int]] = []  # every key = value, repeats too
        self.counters: dict[tuple[str, ...], int] = {}
        self.table: PathKey = ()
        self.frames: list[_Frame] = []
        self.state = "start"  # start, key, header, value, done (until the line ends)
        self.parts: list[str] = []
        self.double = False
        self.closing = False
        self.pending: PathKey = ()

    def record(self, path: PathKey, line: int) -> None:
        self.index.setdefault(path, line)

    def newline(self) -> None:
        if not self.frames:
            self.state = "start"

    def feed(self, kind: str, text: str, line: int) -> None:
        if self.frames:
            self._inside(kind, text, line)
        elif self.state == "start":
            if text == "[":
                self.state, self.parts, self.double, self.closing = "header", [], False, False
            elif kind in _KEYS:
                self.state, self.parts = "key", [_key_text(kind, text)]
            else:
                self.state = "done"
        elif self.state == "header":
            self._header(kind, text, line)
        elif self.state == "key":
            if kind in _KEYS:
                self.parts.append(_key_text(kind, text))
            elif text == "=":
                self.pending = (*self.table, *self.parts)
                self.record(self.pending, line)
                self.assigned.append((self.pending, line))
                self.state = "value"
            elif text != ".":
                self.state = "done"
        elif self.state == "value":
            self.state = "done"
            self._open(text, self.pending)

    def _header(self, kind: str, text: str, line: int) -> None:
        if text == "[" and not self.parts and not self.double:
            self.double = True
        elif text == "]":
            if self.double and not self.closing:
                self.closing = True
                return
            names = tuple(self.parts)
            if self.double:
                count = self.counters.get(names, -1) + 1
                self.counters[names] = count
                for other in list(self.counters):  # nested arrays restart with their parent
                    if len(other) > len(names) and other[: len(names)] == names:
                        del self.counters[other]
                self.table = (*self._resolve(names), count)
            else:
                self.table = self._resolve(names)
            self.record(self.table, line)
            self.state = "done"
        elif kind in _KEYS:
            self.parts.append(_key_text(kind, text))

    def _resolve(self, names: tuple[str, ...]) -> PathKey:
        """Insert array-of-table indexes for every prefix of ``names`` that is an array."""
        out: list[str | int] = []
        for i, name in enumerate(names):
            out.append(name)
            prefix = names[: i + 1]
            if prefix in self.counters and i + 1 < len(names):
                out.append(self.counters[prefix])
        return tuple(out)

    def _open(self, text: str, path: PathKey) -> None:
        if text == "[":
            self.frames.append(_Frame(path, True))
        elif text == "{":
            self.frames.append(_Frame(path, False))

    def _inside(self, kind: str, text: str, line: int) -> None:
        frame = self.frames[-1]
        if text in ("]", "}"):
            self.frames.pop()
        elif text == ",":
            frame.want = "value" if frame.array else "key"
            frame.parts = []
        elif frame.want == "value":
            frame.want = "after"
            if frame.array:
                frame.index += 1
                frame.value_path = (*frame.path, frame.index)
                self.record(frame.value_path, line)
            self._open(text, frame.value_path)
        elif frame.want == "key":
            if kind in _KEYS:
                frame.parts.append(_key_text(kind, text))
            elif text == "=" and frame.parts:
                frame.value_path = (*frame.path, *frame.parts)
                self.record(frame.value_path, line)
                self.assigned.append((frame.value_path, line))
                frame.want = "value"


def toml_lines(text: str) -> dict[PathKey, int]:
    """Map key paths to 1-based lines in TOML ``text``: tables, arrays of tables, dotted
    keys, keys of inline tables and every element of an array (on the line where it
    begins). Malformed text gives what could be read."""
    return _toml_scan(text).index


def _toml_scan(text: str) -> _TomlScanner:
    scan = _TomlScanner()
    line = 1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "bare"
        value = match.group()
        if kind == "nl":
            scan.newline()
            line += 1
            continue
        if kind not in ("ws", "comment"):
            scan.feed(kind, value, line)
        line += value.count("\n")
    return scan


def key_on_line(text: str, line: int, *, at_end: bool = False) -> PathKey | None:
    """The key assigned on ``line`` of TOML ``text`` (a repeated key too; with
    ``at_end``: the last key assigned at or before it, whose value the text may leave
    unfinished), or ``None``.

    >>> key_on_line('a = 1\\nb = [\\n', 2), key_on_line('a = 1\\nb = 2\\n', 3)
    (('b',), None)
    >>> key_on_line('a = 1\\na = 2\\n', 2)
    ('a',)
    """
    scan = _toml_scan(text)
    if at_end:  # the latest assignment is the value left unfinished
        before = [path for path, number in scan.assigned if number <= line]
        return before[-1] if before else None
    found = [path for path, number in scan.assigned if number == line]
    return found[0] if found else None


# ---------------------------------------------------------------- JSON

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\[\s\S])*"?|[{}\[\]:,]|\s+|[^\s{}\[\]:,"]+')


class _JsonScanner:
    """One pass over a JSON text's tokens (see :func:`json_lines`)."""

    def __init__(self) -> None:
        self.index: dict[PathKey, int] = {}
        self.repeats: list[tuple[PathKey, int]] = []
        # frames: [is_object, key or index (None before the first), keys seen, want key]
        self.frames: list[list[object]] = []
        self.expect_value = True

    def here(self) -> PathKey:
        return tuple(f[1] for f in self.frames if f[1] is not None)  # type: ignore[misc]

    def feed(self, token: str, line: int) -> None:
        top = self.frames[-1] if self.frames else None
        if token == ":":
            self.expect_value = True
        elif token == ",":
            if top is not None and top[0]:
                top[3] = True
            else:
                self.expect_value = True
        elif token in ("}", "]"):
            if self.frames:
                self.frames.pop()
            self.expect_value = False
        elif top is not None and top[0] and top[3]:  # a key
            try:
                key = str(json.loads(token))
            except ValueError:
                key = token.strip('"')
            top[1], top[3] = key, False
            seen = top[2]
            assert isinstance(seen, set)
            if key in seen:
                self.repeats.append((self.here(), line))
            seen.add(key)
            self.index.setdefault(self.here(), line)
        elif self.expect_value:
            if top is not None and not top[0]:
                top[1] = 0 if top[1] is None else int(top[1]) + 1  # type: ignore[call-overload]
                self.index.setdefault(self.here(), line)
            self.expect_value = False
            if token == "{":
                self.frames.append([True, None, set(), True])
            elif token == "[":
                self.frames.append([False, None, set(), False])
                self.expect_value = True


def _json_scan(text: str, stop: int | None = None) -> _JsonScanner:
    scan = _JsonScanner()
    line = 1
    for match in _JSON_TOKEN.finditer(text):
        if stop is not None and match.start() >= stop:
            if scan.frames and not scan.frames[-1][0] and scan.expect_value:
                scan.feed(match.group(), line)  # the element that starts here
            break
        token = match.group()
        if not token[0].isspace():
            scan.feed(token, line)
        line += token.count("\n")
    return scan


def json_lines(text: str) -> tuple[dict[PathKey, int], list[tuple[PathKey, int]]]:
    """Map key paths to 1-based lines in JSON ``text``; also every repeated key of an
    object (its path and the line of the repeat).

    >>> json_lines('{"a": 1,\\n "a": 2}')
    ({('a',): 1}, [(('a',), 2)])
    """
    scan = _json_scan(text)
    return scan.index, scan.repeats


def json_path_at(text: str, offset: int) -> PathKey:
    """The path of the value at ``offset`` of JSON ``text`` (as far as it can be read).

    >>> json_path_at('{"a": {"b": [1, 2]}}', 16)
    ('a', 'b', 1)
    """
    return _json_scan(text, offset).here()
