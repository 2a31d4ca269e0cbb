"""``docs/zones.md``'s examples run as written."""

from __future__ import annotations

import doctest
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "zones.md"


def test_zones_page_examples_run() -> None:
    text = "\n".join(
        "" if line.startswith("```") else line for line in PAGE.read_text("utf-8").splitlines()
    )
    test = doctest.DocTestParser().get_doctest(text, {}, "zones.md", str(PAGE), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False
    )
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert len(test.examples) >= 15
