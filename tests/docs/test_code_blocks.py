"""Every fenced code block of ``README.md`` and ``docs/**/*.md`` runs, and is true.

Pages are found on their own (a new page is covered without editing this file); each
page is one test, its blocks run in order in a fresh temporary directory that is the
working directory of the whole page.

Conventions (a page's author follows them; ``tests/README.md`` sums them up):

``python``
    A block whose first line starts with ``>>>`` is a doctest (``ELLIPSIS`` and
    ``NORMALIZE_WHITESPACE`` on). Any other Python block is run as a script; its
    ``assert``s are its test. All Python blocks of a page share one namespace, in order.
``toml``
    A block whose first key (after comments) is ``kind = …`` is an urbangov file: it is
    written to a temporary file and ``urbangov validate`` must pass (exit 0). A block
    without ``kind`` must be marked ``<!-- fragment: KIND -->`` (it is validated with
    ``kind = "KIND"`` and ``format_version = 1`` put in front) or skipped.
``console``
    ``$ urbangov …`` lines run through the CLI (``click.testing.CliRunner`` on
    ``urbangov.cli.main``) and must exit 0; the lines up to the next ``$`` are the
    expected output (stdout and stderr), compared as doctest compares: ``...`` matches
    anything, runs of whitespace are equal. No lines under a command means it prints
    nothing. Only ``urbangov`` commands may appear.
``bash``
    Each command (split on lines, ``&&`` and ``;``) must be one the runner knows:
    ``urbangov …`` is run and must exit 0; ``pip install …`` is not run, but every
    extra it names must exist in ``pyproject.toml``; ``pytest …`` is not run (it is this
    suite). Any other command fails the test unless the block is skipped.
``text``
    A listing (an error message, a file's lines, output of a non-urbangov tool): not run.

Any other language, or none, fails the test: label listings ``text``.

Markers are HTML comments on the lines just above a fence (invisible on the page):

``<!-- skip: REASON -->``
    Do not run this block; the reason is required and should say what would be needed.
``<!-- invalid -->``
    A TOML file that is deliberately wrong: ``urbangov validate`` must exit 1.
``<!-- fragment: KIND -->``
    A TOML fragment of a KIND file (e.g. ``policy``): validated with the header added.
``<!-- file: NAME -->``
    Also write the block's text to ``NAME`` in the page's directory, for later blocks
    (``$ urbangov validate NAME``, ``Policy.load("NAME")``).
``<!-- load: EXPRESSION -->``
    Instead of ``urbangov validate``, the file must load with EXPRESSION, a call of
    urbangov's public names with ``path`` bound to the file: ``Hierarchy.load(path)`` for
    a city file without an organisation, ``Taxonomy.load(path, base=Taxonomy.default())``
    for a taxonomy file that extends the bundled one.
"""

from __future__ import annotations

import doctest
import re
import shlex
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import urbangov
from tests.docs.blocks import LANGUAGES, ROOT, Block, blocks_of, pages
from urbangov.cli import main
from urbangov.taxonomy import Taxonomy

_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_KIND = re.compile(r'^kind\s*=\s*"(?P<kind>[\w-]+)"')
_EXTRAS = set(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
)


def _id(page: Path) -> str:
    return str(page.relative_to(ROOT))


class Page:
    """The state one page's blocks share: a namespace for Python, a directory for files."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.namespace: dict[str, object] = {"__name__": "__docs__"}
        self.failures: list[str] = []

    def fail(self, block: Block, message: str) -> None:
        self.failures.append(f"{block.where}: {message.rstrip()}")

    # ---- python -------------------------------------------------------------------

    def python(self, block: Block) -> None:
        first = block.text.lstrip().splitlines()[0] if block.text.strip() else ""
        if first.startswith(">>>"):
            self._doctest(block)
            return
        if re.search(r"^\s*>>> ", block.text, re.M):
            self.fail(block, "a script block holds '>>>' lines: start it with '>>>' or drop them")
            return
        try:
            exec(compile(block.text, block.where, "exec"), self.namespace)
        except Exception as exc:
            self.fail(block, f"raised {type(exc).__name__}: {exc}")

    def _doctest(self, block: Block) -> None:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(block.text, self.namespace, block.where, str(block.page), 0)
        test.globs = self.namespace  # one namespace per page (get_doctest copies it)
        for example in test.examples:
            example.lineno += block.line  # report lines of the page
        out: list[str] = []
        runner = doctest.DocTestRunner(optionflags=_FLAGS)
        result = runner.run(test, out=out.append, clear_globs=False)
        if result.failed:
            self.fail(block, "".join(out))

    # ---- toml ---------------------------------------------------------------------

    def toml(self, block: Block) -> None:
        text = block.text
        kind = _kind_of(text)
        if "fragment" in block.markers:
            if kind is not None:
                self.fail(block, "a fragment marker on a block that has its own kind")
                return
            kind = block.markers["fragment"]
            text = f'kind = "{kind}"\nformat_version = 1\n\n{text}'
        elif kind is None:
            self.fail(
                block,
                "a TOML block with no 'kind': mark it <!-- fragment: KIND --> or "
                "<!-- skip: REASON -->",
            )
            return
        name = block.markers.get("file", f"block_{block.line}.toml")
        path = self.directory / name
        path.write_text(text, encoding="utf-8")
        if "load" in block.markers:
            self._load(block, path)
            return
        result = CliRunner().invoke(main, ["validate", str(path)])
        expected = 1 if "invalid" in block.markers else 0
        if result.exit_code != expected:
            self.fail(
                block,
                f"urbangov validate exited {result.exit_code}, expected {expected}:\n"
                f"{result.output}",
            )

    def _load(self, block: Block, path: Path) -> None:
        names = {name: getattr(urbangov, name) for name in urbangov.__all__}
        names.update(Taxonomy=Taxonomy, path=path)
        try:
            eval(block.markers["load"], {"__builtins__": {}}, names)
        except Exception as exc:
            self.fail(block, f"{block.markers['load']} raised {type(exc).__name__}: {exc}")

    # ---- console ------------------------------------------------------------------

    def console(self, block: Block) -> None:
        lines = block.text.splitlines()
        if not lines or not lines[0].startswith("$ "):
            self.fail(block, "a console block starts with a '$ urbangov …' line")
            return
        commands: list[tuple[str, list[str]]] = []
        for line in lines:
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                commands[-1][1].append(line)
        for command, expected in commands:
            args = shlex.split(command, comments=True)
            if args[0] != "urbangov":
                self.fail(block, f"only urbangov commands run here, not {command!r}")
                continue
            result = CliRunner().invoke(main, args[1:])
            if result.exit_code != 0:
                self.fail(block, f"$ {command}\nexited {result.exit_code}:\n{result.output}")
                continue
            want = "\n".join(expected).strip()
            got = _ANSI.sub("", result.output)  # FORCE_COLOR in a CI would colour it
            if not doctest.OutputChecker().check_output(want + "\n", got, _FLAGS) and not (
                not want and not got.strip()
            ):
                self.fail(block, f"$ {command}\nexpected:\n{want}\ngot:\n{got}")

    # ---- bash ---------------------------------------------------------------------

    def bash(self, block: Block) -> None:
        for line in block.text.splitlines():
            lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            command: list[str] = []
            for token in [*lexer, ";"]:
                if token in {"&&", ";"}:
                    self._bash_command(block, command)
                    command = []
                else:
                    command.append(token)

    def _bash_command(self, block: Block, args: list[str]) -> None:
        if not args:
            return
        if args[0] == "urbangov":
            result = CliRunner().invoke(main, args[1:])
            if result.exit_code != 0:
                self.fail(block, f"{shlex.join(args)} exited {result.exit_code}:\n{result.output}")
        elif args[:2] == ["pip", "install"]:
            for spec in args[2:]:
                extras = re.fullmatch(r"(?:\.|urbangov)\[(?P<extras>[\w,-]+)\]", spec)
                unknown = set(extras["extras"].split(",")) - _EXTRAS if extras else set()
                if unknown:
                    self.fail(block, f"pip install {spec}: no extra {sorted(unknown)}")
        elif args[0] != "pytest":
            self.fail(
                block,
                f"{shlex.join(args)!r} is not a command the docs runner checks: "
                "mark the block <!-- skip: REASON -->",
            )


def _kind_of(text: str) -> str | None:
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _KIND.match(stripped)
        return match["kind"] if match else None
    return None


@pytest.mark.parametrize("page", pages(), ids=_id)
def test_every_code_block_of_the_page_runs_and_is_true(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    state = Page(tmp_path)
    for block in blocks_of(page):
        if "skip" in block.markers:
            continue
        if block.lang not in LANGUAGES:
            state.fail(block, f"label the block with one of {', '.join(LANGUAGES)}")
        elif block.lang != "text":
            getattr(state, block.lang)(block)
        if "file" in block.markers and block.lang != "toml":
            (tmp_path / block.markers["file"]).write_text(block.text, encoding="utf-8")
    if state.failures:
        pytest.fail("\n\n".join(state.failures), pytrace=False)


def test_pages_are_found_without_listing_them() -> None:
    found = {_id(p) for p in pages()}
    assert {"README.md", "docs/index.md", "docs/policy.md"} <= found


def test_every_docs_page_is_in_the_site_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [
        str(p.relative_to(ROOT / "docs"))
        for p in pages()[1:]
        if not re.search(rf":\s*{re.escape(str(p.relative_to(ROOT / 'docs')))}\s*$", nav, re.M)
    ]
    assert not missing, f"add to mkdocs.yml's nav: {missing}"
