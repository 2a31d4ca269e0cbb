"""``urbangov validate FILE...``: check urbangov files and print every problem.

The command reads each file's ``kind`` and hands it to that kind's checker: ``policy``
(:class:`urbangov.Policy`), ``city`` (:func:`urbangov.hierarchy.check_file`),
``calendar`` (:meth:`urbangov.WorkCalendar.check_file`) and ``taxonomy``
(:meth:`urbangov.taxonomy.Taxonomy.check_file`). It prints every problem it finds, not just the
first, then a summary line; it exits 1 if any file has a problem, 0 otherwise.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import click
from rich.text import Text

from urbangov._internal import documents as _files
from urbangov.calendar import WorkCalendar
from urbangov.cli._common import console, label
from urbangov.errors import UrbangovError
from urbangov.hierarchy import check_file as check_city
from urbangov.policy import Policy
from urbangov.taxonomy import Taxonomy

__all__ = ["CHECKERS", "problems_of", "validate"]

Checker = Callable[[Path], list[UrbangovError]]


def _check_policy(path: Path) -> list[UrbangovError]:
    return list(Policy.check_file(path))


CHECKERS: dict[str, Checker] = {
    "policy": _check_policy,
    "city": lambda path: list(check_city(path)),
    "calendar": lambda path: list(WorkCalendar.check_file(path)),
    "taxonomy": lambda path: list(Taxonomy.check_file(path)),
}
"""The checker of each file kind; kinds not listed are reported as not yet supported."""


def _sniff_kind(path: Path) -> str | None:
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'^\s*kind\s*=\s*"([^"]*)"', text, re.MULTILINE)
    return found.group(1) if found else None


def problems_of(path: str | Path) -> tuple[str | None, list[UrbangovError]]:
    """The kind of the file at ``path`` and every problem found in it.

    >>> problems_of("no/such/file.toml")[1][0].message.startswith("cannot read the file")
    True
    """
    path = Path(path)
    try:
        kind = _files.peek_kind(path, UrbangovError)
    except UrbangovError as error:
        # an unreadable file (bad UTF-8, bad TOML): its own checker says more, if we can
        # tell its kind
        sniffed = _sniff_kind(path)
        if sniffed not in CHECKERS:
            return None, [error]
        kind = sniffed
    checker = CHECKERS.get(kind)
    if checker is None:
        supported = ", ".join(sorted(CHECKERS))
        return kind, [
            UrbangovError(
                f"urbangov validate does not yet check files of kind {kind!r}",
                field="kind",
                file=str(path),
                line=1,
                hint=f"it checks {supported}",
            )
        ]
    return kind, checker(path)


def _line(path: Path, problem: UrbangovError) -> Text:
    """One problem as ``✗ file:line: field: message; hint (ErrorType)``."""
    where = problem.file or str(path)
    if problem.line is not None:
        where = f"{where}:{problem.line}"
    text = Text("✗ ", style="red")
    text.append(where, style="bold")
    text.append(": ")
    if problem.field:
        text.append(problem.field, style="cyan")
        text.append(": ")
    text.append(problem.message)
    if problem.hint:
        text.append(f"; {problem.hint}", style="yellow")
    text.append(f" ({type(problem).__name__})", style="dim")
    return text


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Check urbangov FILES (policy, city, calendar, taxonomy) and list every problem."""
    out = console()
    bad_files = 0
    count = 0
    for path in files:
        kind, problems = problems_of(path)
        if not problems:
            out.print(Text(f"✓ {path} ({kind})", style="green"), soft_wrap=True)
            continue
        bad_files += 1
        for problem in problems:
            count += 1
            out.print(_line(path, problem), soft_wrap=True)
    summary = label(
        ctx,
        f"{len(files)} file(s) checked: {len(files) - bad_files} valid, "
        f"{count} problem(s) in {bad_files} file(s)",
        f"检查文件 {len(files)} 个：有效 {len(files) - bad_files} 个，"
        f"{bad_files} 个文件共 {count} 个问题",
    )
    out.print(Text(summary))
    sys.exit(1 if count else 0)
