"""The glossary is what scripts/make_glossary.py writes, so it lists every word of the
vocabularies the code reads; and every bilingual enum of the public packages is in it."""

from __future__ import annotations

import importlib
import subprocess
import sys
from enum import Enum
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("vocabulary", "org", "cases", "calendar", "taxonomy", "zones", "escalation", "scoring")


def test_the_glossary_is_what_the_script_writes(tmp_path: Path) -> None:
    out = tmp_path / "glossary.md"
    script = ROOT / "scripts" / "make_glossary.py"
    subprocess.run([sys.executable, str(script), str(out)], check=True)
    assert out.read_text("utf-8") == (ROOT / "docs" / "glossary.md").read_text("utf-8"), (
        "docs/glossary.md is stale: run python scripts/make_glossary.py"
    )


def test_every_bilingual_word_of_every_package_is_in_the_glossary() -> None:
    page = (ROOT / "docs" / "glossary.md").read_text("utf-8")
    found = 0
    for name in PACKAGES:
        module = importlib.import_module(f"urbangov.{name}")
        for attr in getattr(module, "__all__", ()):
            value = getattr(module, attr)
            if isinstance(value, type) and issubclass(value, Enum) and hasattr(value, "chinese"):
                for member in value:
                    row = f"| {member.chinese} | `"
                    assert f"{row}{_word(member)}` | `{value.__name__}.{member.name}` |" in page, (
                        f"{value.__name__}.{member.name} ({member.chinese}) is not in the "
                        "glossary: add its enum to SECTIONS in scripts/make_glossary.py"
                    )
                    found += 1
    assert found > 150


def _word(member: Enum) -> str:
    return member.name.lower() if isinstance(member.value, int) else str(member.value)
