"""``urbangov validate FILE...``: check urbangov files and print every problem.

The command reads each file's ``kind`` and hands it to that kind's checker in the one
registry of file kinds, :mod:`urbangov.files` (policy, city with its organisation,
calendar, taxonomy…). A case log (``.csv``, ``.jsonl``, ``.ndjson``, ``.parquet``) is
read with :func:`urbangov.io.read_columns`, which checks every row and the workflow and
reports the first bad row. It prints every problem it finds, not just the first, then a
summary line; it exits 1 if any file has a problem, 0 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.text import Text

from urbangov import files, io
from urbangov.cli._common import console, label
from urbangov.errors import UrbangovError

__all__ = ["LOG_SUFFIXES", "problems_of", "validate"]

LOG_SUFFIXES = frozenset({".csv", ".jsonl", ".ndjson", ".parquet"})
"""The suffixes of case logs, which ``urbangov validate`` reads as logs."""
_WHAT = (
    'urbangov validate reads .toml and .json files that start with kind = "…" '
    f"({', '.join(sorted(files.KINDS))}), and case logs "
    f"({', '.join(sorted(LOG_SUFFIXES))})"
)


def problems_of(path: str | Path) -> tuple[str | None, tuple[UrbangovError, ...]]:
    """The kind of the file at ``path`` and every problem found in it
    (:func:`urbangov.files.check`; a case log: :func:`urbangov.io.read_columns`).

    >>> problems_of("no/such/file.toml")[1][0].message.startswith("cannot read the file")
    True
    """
    suffix = Path(path).suffix.lower()
    if suffix in LOG_SUFFIXES:
        try:
            io.read_columns(path)
        except UrbangovError as error:
            return "case log", (error,)
        return "case log", ()
    kind, problems = files.check(path)
    if kind is None and suffix not in (".toml", ".json") and problems:
        first = problems[0]
        hint = f"{first.hint}; {_WHAT}" if first.hint else _WHAT
        problems = (
            type(first)(first.message, field=first.field, file=first.file, line=first.line,
                        hint=hint),
            *problems[1:],
        )  # fmt: skip
    return kind, problems


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
    """Check urbangov FILES (any kind: policy, city, calendar, taxonomy…) and list every
    problem."""
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
