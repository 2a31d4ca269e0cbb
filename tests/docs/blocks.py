"""Fenced code blocks of the docs pages, with the markers that say how to run them.

The conventions are written out in ``tests/docs/test_code_blocks.py``; this module only
reads pages: :func:`pages` finds them, :func:`blocks_of` splits one into
:class:`Block` values.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]

#: The languages a block may have; any other (or none) is an error, so that every
#: block is either run or a deliberate listing.
LANGUAGES = ("python", "toml", "console", "bash", "text")

#: Markers (``<!-- name -->`` or ``<!-- name: value -->`` just above a fence) and
#: whether each takes a value.
MARKERS = {"skip": True, "invalid": False, "fragment": True, "file": True, "load": True}

_FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<lang>[\w-]*)\s*$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<name>[\w-]+)\s*(?::\s*(?P<value>.*?))?\s*-->\s*$")


@attrs.frozen
class Block:
    """One fenced block: its page, the line of its opening fence (1-based), language,
    text (dedented to the fence) and markers."""

    page: Path
    line: int
    lang: str
    text: str
    markers: dict[str, str] = attrs.field(factory=dict)

    @property
    def where(self) -> str:
        """``docs/page.md:LINE (lang)``, for messages."""
        return f"{self.page.relative_to(ROOT)}:{self.line} ({self.lang or 'no language'})"


def pages() -> list[Path]:
    """Every page users read: ``README.md`` and each ``docs/**/*.md``, sorted."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks_of(page: Path) -> list[Block]:
    """The fenced blocks of ``page`` in order; raises ``ValueError`` for an unclosed
    fence or a malformed marker."""
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match["indent"])
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"{page.name}:{start + 1}: the fence is never closed")
        i += 1
        text = "\n".join(body) + "\n"
        found.append(Block(page, start + 1, match["lang"], text, _markers(lines, start, page)))
    return found


def _markers(lines: list[str], fence: int, page: Path) -> dict[str, str]:
    """The ``<!-- … -->`` lines directly above the fence at index ``fence``."""
    markers: dict[str, str] = {}
    j = fence - 1
    while j >= 0 and lines[j].lstrip().startswith("<!--"):
        match = _MARKER.match(lines[j])
        where = f"{page.name}:{j + 1}"
        if match is None or match["name"] not in MARKERS:
            raise ValueError(f"{where}: not a block marker (known: {', '.join(MARKERS)})")
        name, value = match["name"], (match["value"] or "").strip()
        if MARKERS[name] and not value:
            raise ValueError(f"{where}: the marker {name!r} needs a value ({name}: …)")
        if not MARKERS[name] and value:
            raise ValueError(f"{where}: the marker {name!r} takes no value")
        markers[name] = value
        j -= 1
    return markers
