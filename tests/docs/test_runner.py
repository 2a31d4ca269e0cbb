"""The docs runner itself catches false blocks (a runner that passes everything proves
nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.blocks import ROOT, Block, blocks_of
from tests.docs.test_code_blocks import Page

PAGE = ROOT / "docs" / "example.md"


def run(tmp_path: Path, lang: str, text: str, **markers: str) -> list[str]:
    page = Page(tmp_path)
    getattr(page, lang)(Block(PAGE, 1, lang, text, dict(markers)))
    return page.failures


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_a_doctest_with_a_wrong_result_fails(tmp_path: Path) -> None:
    assert run(tmp_path, "python", ">>> 1 + 1\n3\n")
    assert not run(tmp_path, "python", ">>> 1 + 1\n2\n")


def test_a_script_block_that_raises_fails(tmp_path: Path) -> None:
    assert run(tmp_path, "python", "assert 1 + 1 == 3\n")


def test_python_blocks_of_a_page_share_one_namespace(tmp_path: Path) -> None:
    page = Page(tmp_path)
    page.python(Block(PAGE, 1, "python", ">>> x = 41\n"))
    page.python(Block(PAGE, 5, "python", ">>> x + 1\n42\n"))
    assert not page.failures


def test_a_policy_file_must_validate_unless_marked_invalid(tmp_path: Path) -> None:
    bad = 'kind = "policy"\nformat_version = 1\n\n[deadlines.limits]\nx = 1\n'
    assert run(tmp_path, "toml", bad)
    assert not run(tmp_path, "toml", bad, invalid="")
    good = 'kind = "policy"\nformat_version = 1\n'
    assert run(tmp_path, "toml", good, invalid="")  # marked invalid, but valid


def test_a_fragment_needs_its_marker(tmp_path: Path) -> None:
    fragment = '[workflow]\nfirst_asked_until = "close"\n'
    assert run(tmp_path, "toml", fragment)
    assert not run(tmp_path, "toml", fragment, fragment="policy")
    assert run(tmp_path, "toml", "[deadlines.limits]\nx = 1\n", fragment="policy")


def test_a_console_block_compares_the_output(tmp_path: Path) -> None:
    assert not run(tmp_path, "console", "$ urbangov --version\nurbangov ...\n")
    assert run(tmp_path, "console", "$ urbangov --version\nsomething else\n")
    assert run(tmp_path, "console", "$ urbangov --version\n")  # prints, but none shown
    assert run(tmp_path, "console", "$ ls\n")


def test_bash_runs_urbangov_and_checks_extras_but_refuses_other_commands(
    tmp_path: Path,
) -> None:
    assert not run(tmp_path, "bash", "pip install -e '.[test]' && urbangov --version\n")
    assert run(tmp_path, "bash", "pip install -e '.[no_such_extra]'\n")
    assert run(tmp_path, "bash", "urbangov no-such-command\n")
    assert run(tmp_path, "bash", "rm -rf build\n")


def test_markers_are_read_from_the_lines_above_a_fence(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n<!-- file: a.toml -->\n<!-- invalid -->\n```toml\nx = 1\n```\n",
        encoding="utf-8",
    )
    [block] = blocks_of(page)
    assert (block.line, block.lang, block.text) == (5, "toml", "x = 1\n")
    assert block.markers == {"file": "a.toml", "invalid": ""}


def test_an_unknown_marker_or_a_skip_without_reason_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    for marker in ("<!-- skipp: typo -->", "<!-- skip -->", "<!-- invalid: why -->"):
        page.write_text(f"{marker}\n```toml\nx = 1\n```\n", encoding="utf-8")
        with pytest.raises(ValueError, match="marker"):
            blocks_of(page)
