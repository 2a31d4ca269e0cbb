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


def test_every_public_module_inside_a_package_is_in_its_packages_reference_page() -> None:
    # the pytest plugin is an entry point, not an API: docs/testing.md documents it
    modules = [
        (path.parent.name, path.stem)
        for path in sorted(Path(urbangov.__file__).parent.glob("*/*.py"))
        if not path.stem.startswith("_")
        and not path.parent.name.startswith("_")
        and path.parent.name != "cli"
        and path.stem != "plugin"
    ]
    assert ("testing", "strategies") in modules
    for package, module in modules:
        page = (DOCS / "reference" / f"{package}.md").read_text(encoding="utf-8")
        assert f"::: urbangov.{package}.{module}" in page, f"add it to docs/reference/{package}.md"
