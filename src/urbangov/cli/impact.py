"""``urbangov impact LOG --baseline OLD --policy NEW``: what a rule change would have
done to a real case log.

The log (CSV, JSON Lines or Parquet) is recomputed under both policies on the batch
paths (:func:`urbangov.testing.impact`): the cases whose due time or on-time verdict
changes, sorted by the size of the change (verdicts first), the rates per unit that
move (grid by default; ``--by street`` and the other levels with ``--city FILE``),
sorted by the size of the change, and with ``--standard`` the units whose score, grade
or rank moves (the log gives the standard its KPI counts and triggers; ``--findings
FILE`` what it cannot give). ``--format csv|json`` prints every change as tidy rows
(kind, key, measure, baseline, policy, change).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io as io_text
import json
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from urbangov import io
from urbangov.cli._common import console, fail, label
from urbangov.cli.score import load_standard
from urbangov.errors import CalendarCoverageError, StandardError, UrbangovError
from urbangov.hierarchy import Hierarchy
from urbangov.policy import Policy
from urbangov.scoring import Findings, Grade
from urbangov.testing import Impact, impact

__all__ = ["impact_command", "render_impact"]

_GROUPS = ("grid", "district", "street", "community", "category", "department", "zone")


def _when(value: _dt.datetime | None, short: bool = False) -> str:
    if value is None:
        return "none"
    return value.strftime("%m-%d %H:%M" if short else "%Y-%m-%d %H:%M")


def render_impact(
    found: Impact, *, lang: str = "en", limit: int = 20, names: dict[str, str] | None = None
) -> list[Table | Text]:
    """What :func:`urbangov.testing.impact` found, as rich tables (the ``limit``
    largest case changes, every unit change)."""

    def pick(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    moved_due = sum(1 for c in found.cases if c.baseline_due != c.policy_due)
    scored = ""
    if found.standard is not None:
        scored = pick(f"; {len(found.scores)} unit score(s) move",
                      f"；{len(found.scores)} 个单位得分变化")  # fmt: skip
    parts: list[Table | Text] = [
        Text(
            pick(
                f"{found.n_cases:,} cases as known at {_when(found.at)}: {moved_due} change "
                f"due time, {found.verdicts_changed} change on-time verdict; "
                f"{len(found.units)} unit rate(s) move",
                f"{found.n_cases:,} 个案件（截至 {_when(found.at)}）：{moved_due} 个处置时限改变，"
                f"{found.verdicts_changed} 个按期判定改变；{len(found.units)} 项单位指标变化",
            )
            + scored
        )
    ]
    if found.cases:
        cases = Table(
            title=pick("cases", "案件"), box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left"
        )
        for en, zh in (
            ("case", "案件"),
            ("category", "类别"),
            ("due before", "原时限"),
            ("due after", "新时限"),
            ("overdue", "超期"),
        ):
            cases.add_column(pick(en, zh), overflow="fold", no_wrap=en != "category")
        for move in found.cases[:limit]:
            verdict = str(move.policy_overdue).lower()
            if move.verdict_changed:
                verdict = f"{str(move.baseline_overdue).lower()} → {verdict}"
            cases.add_row(
                move.case,
                move.category,
                _when(move.baseline_due, short=True),
                _when(move.policy_due, short=True),
                verdict,
            )
        if len(found.cases) > limit:
            cases.caption = pick(
                f"the {limit} largest of {len(found.cases)} (--limit N shows more)",
                f"共 {len(found.cases)} 个，显示变化最大的 {limit} 个（--limit N）",
            )
        parts.append(cases)
    if found.units:
        units = Table(
            title=pick(f"rates by {found.by}", f"单位指标（{found.by}）"),
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            title_justify="left",
        )
        for en, zh in (("unit", "单位"), ("rate", "指标"), ("before %", "原值%"),
                       ("after %", "新值%"), ("change", "变化")):  # fmt: skip
            units.add_column(pick(en, zh), overflow="fold")
        for row in found.rows():
            if row["kind"] != "unit":
                continue
            key = str(row["key"])
            shown = f"{names[key]} {key}" if names and key in names else key
            units.add_row(shown, str(row["measure"]), str(row["baseline"]), str(row["policy"]),
                          str(row["change"]))  # fmt: skip
        parts.append(units)
    if found.scores:
        parts.append(_scores_table(found, pick, names))
    return parts


def _grade(value: Grade | None, lang: str) -> str:
    if value is None:
        return "无数据" if lang == "zh" else "no data"
    return value.chinese if lang == "zh" else value.value


def _scores_table(found: Impact, pick: Any, names: dict[str, str] | None) -> Table:
    """Scores, grades and ranks that move, by unit (largest change of total first)."""
    lang = pick("en", "zh")
    table = Table(
        title=pick(f"scores by {found.by} ({found.standard})", f"考核得分（{found.standard}）"),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title_justify="left",
    )
    for en, zh in (("unit", "单位"), ("before", "原得分"), ("after", "新得分"), ("change", "变化"),
                   ("grade", "等次"), ("rank", "排名")):  # fmt: skip
        table.add_column(pick(en, zh), overflow="fold", justify="left" if en == "unit" else "right")
    for move in found.scores:
        shown = f"{names[move.unit]} {move.unit}" if names and move.unit in names else move.unit
        grade = _grade(move.policy_grade, lang)
        if move.grade_changed:
            grade = f"{_grade(move.baseline_grade, lang)} → {grade}"
        rank = "—" if move.policy_rank is None else str(move.policy_rank)
        if move.baseline_rank != move.policy_rank:
            rank = f"{'—' if move.baseline_rank is None else move.baseline_rank} → {rank}"
        change = move.change
        table.add_row(
            shown,
            "—" if move.baseline_score is None else str(move.baseline_score),
            "—" if move.policy_score is None else str(move.policy_score),
            "" if change is None else (f"+{change}" if change > 0 else str(change)),
            grade,
            rank,
        )
    return table


@click.command("impact")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option("--baseline", "baseline_file", required=True, type=click.Path(dir_okay=False),
              help="The policy in force (OLD).")  # fmt: skip
@click.option("--policy", "policy_file", required=True, type=click.Path(dir_okay=False),
              help="The proposed policy (NEW).")  # fmt: skip
@click.option("--city", "city_file", type=click.Path(dir_okay=False), default=None,
              help="City TOML, for rates by street, community or district.")  # fmt: skip
@click.option("--by", type=click.Choice(_GROUPS), default=None,
              help="Group the rates [default: street with --city, else grid].")  # fmt: skip
@click.option("--standard", "standard_name", default=None,
              help="Also score each unit: a standard file or bundled name.")  # fmt: skip
@click.option("--findings", "findings_file", type=click.Path(dir_okay=False), default=None,
              help="With --standard: findings a log cannot give (tallies...).")  # fmt: skip
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True,
              help="Cases shown in the table.")  # fmt: skip
@click.option("--format", "output", type=click.Choice(("table", "csv", "json")),
              default="table", show_default=True,
              help="Output: tables, or every change as CSV or JSON rows.")  # fmt: skip
@click.option("--log-format", type=click.Choice(("csv", "jsonl", "parquet")), default=None,
              help="The log's format (default: from its suffix).")  # fmt: skip
@click.pass_context
def impact_command(
    ctx: click.Context,
    log: str,
    baseline_file: str,
    policy_file: str,
    city_file: str | None,
    by: str | None,
    standard_name: str | None,
    findings_file: str | None,
    limit: int,
    output: str,
    log_format: str | None,
) -> None:
    """What changing the rules from --baseline to --policy moves in a case LOG: due
    times, on-time verdicts, rates per unit and, with --standard, scores, grades and
    ranks."""
    try:
        baseline = Policy.load(baseline_file)
        policy = Policy.load(policy_file)
        hierarchy = Hierarchy.load(city_file) if city_file else None
        if findings_file is not None and standard_name is None:
            raise UrbangovError(
                "--findings goes with --standard", field="--findings", hint="give --standard"
            )
        standard = load_standard(standard_name) if standard_name is not None else None
        extra = Findings.load(findings_file) if findings_file is not None else None
        group = by if by is not None else ("street" if hierarchy is not None else "grid")
        if group in ("district", "street", "community") and hierarchy is None:
            raise UrbangovError(
                f"rates by {group} need the city's units", field="--by", hint="give --city FILE"
            )
        columns = io.read_columns(log, format=log_format, taxonomy=policy.taxonomy())
        found = impact(columns, baseline=baseline, policy=policy, by=group, hierarchy=hierarchy,
                       standard=standard, findings=extra)  # fmt: skip
    except CalendarCoverageError as error:
        fail(error, hint="add the year's holidays to both policies' calendar sections")
        return
    except StandardError as error:
        hint = error.hint
        if hint is not None and "findings (the CLI: --findings FILE)" in hint:
            hint = hint.replace("findings (the CLI: --findings FILE)", "--findings FILE")
        fail(error, hint=hint)
        return
    except UrbangovError as error:
        fail(error, hint="give --city FILE" if error.field in ("by", "--by") else None)
        return
    rows = list(found.rows())
    if output == "json":
        data = {
            "cases": found.n_cases,
            "at": found.at.isoformat(),
            "due_changed": sum(1 for c in found.cases if c.baseline_due != c.policy_due),
            "verdicts_changed": found.verdicts_changed,
            "by": found.by,
            "standard": found.standard,
            "scores_changed": len(found.scores),
            "changes": rows,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if output == "csv":
        buffer = io_text.StringIO()
        fields = ["kind", "key", "measure", "baseline", "policy", "change"]
        writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue().rstrip("\n"))
        return
    names = {u.code: u.name for u in hierarchy.units} if hierarchy is not None else None
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    out = console()
    out.print(Text(f"{label(ctx, 'Impact', '变更影响')}: {baseline_file} → {policy_file} — {log}"),
              soft_wrap=True)  # fmt: skip
    for part in render_impact(found, lang=lang, limit=limit, names=names):
        out.print(part)
