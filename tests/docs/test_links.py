"""Every relative link of the README and of the examples' READMEs names a file of the
repository (``mkdocs build --strict`` checks the links inside ``docs/``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]
_LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_name_files_of_the_repository(page: Path) -> None:
    targets = [m["target"] for m in _LINK.finditer(page.read_text(encoding="utf-8"))]
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    if page.name == "README.md" and page.parent == ROOT:
        assert len(local) >= 10, "the README's links are not found: the pattern is broken?"
    missing = [t for t in local if not (page.parent / t).exists()]
    assert not missing
