"""Every public package has a reference page generated from its docstrings."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import urbangov

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_public_package_has_a_reference_page() -> None:
    packages = [
        info.name
        for info in pkgutil.iter_modules(urbangov.__path__)
        if not info.name.startswith("_") and info.name not in ("cli", "data")
    ]
    assert "zones" in packages
    for name in packages:
        page = DOCS / "reference" / f"{name}.md"
        assert page.exists(), f"add docs/reference/{name}.md (and its nav entry)"
        assert f"::: urbangov.{name}" in page.read_text(encoding="utf-8")
