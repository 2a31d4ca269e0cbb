"""Users see sources cited by their titles (docs/sources.md), never by internal names.

What users read — ``src/`` (docstrings, messages, hints, CLI output, bundled data),
``docs/`` and ``README.md`` — cites a source by the short name ``docs/sources.md``
lists, never as a seed file number, the project's RULES.md or DESIGN.md, or an issue.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.blocks import ROOT

SOURCES = ROOT / "docs" / "sources.md"

#: What users must not see, and why.
FORBIDDEN = {
    r"seed 0": "a seed file number: cite the source's short title (docs/sources.md)",
    r"RULES\.md": "the project's own notes: cite the source itself",
    r"DESIGN\.md": "the project's own notes: say it, or link a docs page",
    r"issue [0-9]": "an issue number: users have no issues to read",
    r"(?<![\d\"])00[0-4] (?:篇|§)": "a seed file number: cite the source's short title",
}


def user_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for suffix in ("*.py", "*.toml", "*.md"):
        files.extend(sorted((ROOT / "src").rglob(suffix)))
    return files


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", user_files(), ids=_id)
def test_no_internal_citations(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = [
        f"{_id(path)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r} — {why}"
        for pattern, why in FORBIDDEN.items()
        for m in re.finditer(pattern, text)
    ]
    assert not found, "\n".join(found)


def test_every_title_cited_with_a_section_is_listed_in_sources() -> None:
    # 《title》篇N or 《title》§… cites a source: it must be on the sources page.
    listed = SOURCES.read_text(encoding="utf-8")
    cited = {
        m.group(1)
        for path in user_files()
        for m in re.finditer(r"(《[^》]+》)\s?(?:篇\d|§)", path.read_text(encoding="utf-8"))
    }
    assert cited, "the pages cite sources by title"
    missing = sorted(title for title in cited if title not in listed)
    assert not missing, f"add to docs/sources.md: {missing}"


def test_every_address_cited_is_listed_in_sources() -> None:
    listed = SOURCES.read_text(encoding="utf-8")
    cited = {
        m.group(0).rstrip(".,;:")
        for path in user_files()
        if path != SOURCES
        for m in re.finditer(r"https?://[^\s)>`\"'|]+", path.read_text(encoding="utf-8"))
    }
    missing = sorted(address for address in cited if address not in listed)
    assert not missing, f"add to docs/sources.md: {missing}"
