"""``urbangov test PATH...``: run rule-case files and say which cases fail, and why.

Each PATH is a rule-case file or a folder (every ``*.rules.toml`` under it). The table
lists every case (when there are at most :data:`LISTED`; otherwise the failing ones)
with its file and line; each failing case follows with what it expected, what the rules
gave, and the explanation of the result (the limit row and tier, the transition, the
counts). ``--policy NEW`` runs the cases under another policy; with ``--baseline OLD``
the cases whose result differs between OLD and NEW are listed with both results. Exit
status 0 when every case passes, 1 otherwise (or when a file does not load).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from urbangov.cli._common import console, fail, label
from urbangov.errors import RuleCaseError, UrbangovError
from urbangov.policy import Policy
from urbangov.testing import (
    MISSING,
    CaseResult,
    Difference,
    RuleCase,
    compare,
    find_rule_files,
    load_rule_cases,
    run,
    show,
)

__all__ = ["LISTED", "rule_test_command"]

LISTED = 100
"""Up to this many cases, the table lists passing cases too."""


def _shown(value: object) -> object:
    return None if value is MISSING else show(value)


def _record(result: CaseResult) -> dict[str, Any]:
    case = result.case
    return {
        "file": case.file,
        "line": case.line,
        "name": case.name,
        "subject": case.subject.name,
        "passed": result.passed,
        "expected": {"error": case.error}
        if case.error
        else {k: show(v) for k, v in case.expected.items()},
        "actual": {k: _shown(v) for k, v in result.actual().items()},
        "explanation": result.explanation,
    }


def _difference(found: Difference) -> dict[str, Any]:
    case = found.case
    return {
        "file": case.file,
        "line": case.line,
        "name": case.name,
        "subject": case.subject.name,
        "changes": [
            {"output": name, "baseline": _shown(old), "policy": _shown(new)}
            for name, old, new in found.changes
        ],
        "baseline_explanation": found.baseline.explanation,
        "policy_explanation": found.policy.explanation,
    }


def _table(ctx: click.Context, results: list[CaseResult]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("", no_wrap=True)
    for en, zh in (("case", "用例"), ("subject", "对象"), ("where", "位置")):
        table.add_column(label(ctx, en, zh), overflow="fold")
    for result in results:
        mark = Text("✓", style="green") if result.passed else Text("✗", style="red")
        case = result.case
        table.add_row(mark, case.name, case.subject.name, case.where)
    return table


def _changes(found: tuple[Difference, ...]) -> list[Text]:
    """Each case that moved, then each output as ``baseline → policy``."""
    out = []
    for item in found:
        text = Text(f"{item.case.where}: {item.case.name} ({item.case.subject.name})")
        for name, old, new in item.changes:
            text.append(f"\n  {name}: {_shown(old) or '—'} → {_shown(new) or '—'}")
        out.append(text)
    return out


@click.command("test")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Run the cases under this policy file (the new rules) instead of the files' own.",
)
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also run them under this policy (the rules in force) and list the cases whose "
    "result differs.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "json")),
    default="table",
    show_default=True,
    help="Output: a table, or every result as JSON.",
)
@click.pass_context
def rule_test_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    policy_file: str | None,
    baseline_file: str | None,
    output: str,
) -> None:
    """Run rule-case files (*.rules.toml) at PATHS and report each case."""
    try:
        policy = Policy.load(policy_file) if policy_file else None
        baseline = Policy.load(baseline_file) if baseline_file else None
        cases: list[RuleCase] = []
        for path in find_rule_files(paths):
            cases.extend(load_rule_cases(path).cases)
        if not cases:
            raise RuleCaseError(
                "no rule cases found",
                field="PATHS",
                hint="give *.rules.toml files, or folders holding them",
            )
        report = run(cases, policy=policy)
        moved = compare(cases, baseline=baseline, policy=policy) if baseline else None
    except UrbangovError as error:
        hint = error.hint if error.field == "PATHS" else None
        if hint is None and error.message.startswith("cannot read the file"):
            hint = "check the path: give *.rules.toml files, or folders holding them"
        fail(error, hint=hint or "fix the file (`urbangov validate FILE` lists every problem)")
        return
    results = list(report.results)
    if output == "json":
        data: dict[str, Any] = {
            "passed": len(report.passed),
            "failed": len(report.failed),
            "cases": [_record(r) for r in results],
        }
        if moved is not None:
            data["differences"] = [_difference(d) for d in moved]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        sys.exit(0 if report.ok else 1)
    out = console()
    listed = results if len(results) <= LISTED else list(report.failed)
    if listed:
        out.print(_table(ctx, listed))
    for result in report.failed:
        out.print(Text(result.message()), soft_wrap=True)
        out.print()
    if moved is not None:
        title = label(
            ctx,
            f"{len(moved)} case(s) give another result under "
            f"{policy_file or 'their own policies'} than under {baseline_file}",
            f"{len(moved)} 个用例在 {policy_file or '原文件政策'} 与 {baseline_file} 下结果不同",
        )
        out.print(Text(title, style="bold"), soft_wrap=True)
        for text in _changes(moved):
            out.print(text, soft_wrap=True)
        out.print()
    summary = label(
        ctx,
        f"{len(results)} rule case(s): {len(report.passed)} passed, {len(report.failed)} failed",
        f"规则用例 {len(results)} 个：通过 {len(report.passed)} 个，失败 {len(report.failed)} 个",
    )
    out.print(Text(summary))
    sys.exit(0 if report.ok else 1)
