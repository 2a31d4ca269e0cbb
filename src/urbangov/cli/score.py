"""``urbangov score FINDINGS --standard FILE``: score sheets, ranking, grades, the red
flag and (``--bonds``) the bond ledger of a findings file.

The command's core is :func:`urbangov.scoring.score_report` (no I/O; :func:`score_report`
here names the command's flags in its errors); :func:`ranking_table`,
:func:`ledger_table`, :func:`report_csv` and :func:`report_json` render it, and the demo
reuses them. Ranking, grades and bonds follow the policy's ``assessment`` section
(``--policy FILE``; default: the bundled default policy): its precision and tie rule,
its cut-offs by group, its street bond scheme.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table

from urbangov import scoring
from urbangov.cli._common import console, fail, label
from urbangov.errors import StandardError, UrbangovError
from urbangov.params import did_you_mean
from urbangov.policy import Policy
from urbangov.scoring import (
    AssessmentStandard,
    BondLedger,
    Findings,
    Grade,
    ScoreReport,
)

__all__ = [
    "ScoreReport",
    "ledger_table",
    "load_standard",
    "money",
    "ranking_table",
    "report_csv",
    "report_json",
    "score_command",
    "score_report",
]


def load_standard(name_or_path: str) -> AssessmentStandard:
    """A standard file, or a bundled standard by name (``digital_city_management``)."""
    if Path(name_or_path).exists() or name_or_path.endswith((".toml", ".json")):
        return AssessmentStandard.load(name_or_path)
    names = AssessmentStandard.bundled_names()
    if name_or_path not in names:
        raise StandardError(
            f"{name_or_path!r} is neither a file nor a bundled standard",
            field="--standard",
            hint=f"give a path, or one of {', '.join(names)} ({did_you_mean(name_or_path, names)})",
        )
    return AssessmentStandard.bundled(name_or_path)


def score_report(
    findings: Findings,
    standard: AssessmentStandard,
    policy: Policy,
    *,
    group: str | None = None,
    bonds: bool = False,
    winners: Iterable[str] = (),
    on: _dt.date | None = None,
) -> ScoreReport:
    """:func:`urbangov.scoring.score_report`, with errors naming the command's flags
    (``--group``, ``--bonds``).

    >>> std = AssessmentStandard.bundled("digital_city_management")
    >>> f = Findings(findings=[{"unit": "a", "item": "rework", "outcome": "falsified"}],
    ...              kpis=[{"unit": "a", "counts": {"due": 1}}])
    >>> score_report(f, std, Policy(), group="核心区")
    Traceback (most recent call last):
    ...
    urbangov.errors.StandardError: --group: no unit of the findings is in the group '核心区'; ...
    """
    try:
        return scoring.score_report(
            findings, standard, policy, group=group, bonds=bonds, winners=winners, on=on
        )
    except StandardError as error:
        if error.field == "group":
            raise StandardError(error.message, field="--group", hint=error.hint) from None
        if error.field == "bonds":
            raise StandardError(
                error.message,
                field="--bonds",
                hint="score every unit of the policy's assessment.street_bonds (or pass "
                "--policy FILE with your own scheme)",
            ) from None
        raise


def _pick(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _grade_text(g: Grade | None, lang: str) -> str:
    if g is None:
        return _pick(lang, "no data", "无数据")
    return g.chinese if lang == "zh" else g.value


def money(value: Decimal) -> str:
    """Yuan with thousands separators (``565,000``; cents only when there are any)."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def ranking_table(report: ScoreReport, *, lang: str = "en", title: str | None = None) -> Table:
    """The ranking as a rich table: rank, unit, group, total, grade and the red flag."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(_pick(lang, "rank", "排名"), justify="right")
    table.add_column(_pick(lang, "unit", "单位"), no_wrap=True)
    if any(report.ranking.groups):
        table.add_column(_pick(lang, "group", "组别"), no_wrap=True)
    table.add_column(_pick(lang, "total", "得分"), justify="right")
    table.add_column(_pick(lang, "grade", "等次"))
    table.add_column(_pick(lang, "flag", "红旗"))
    flagged = {u for holders in report.red_flags.values() for u in holders}
    for entry in report.ranking.entries:
        sheet = report.sheets[entry.unit]
        row = [
            "—" if entry.rank is None else str(entry.rank),
            sheet.unit.label,
            *([entry.group] if any(report.ranking.groups) else []),
            _pick(lang, "no data", "无数据") if sheet.total is None else str(sheet.total),
            _grade_text(report.grades[entry.unit], lang),
            _pick(lang, "red flag", "流动红旗") if entry.unit in flagged else "",
        ]
        table.add_row(*row)
    return table


def ledger_table(ledger: BondLedger, *, lang: str = "en", title: str | None = None) -> Table:
    """The bond ledger as a rich table (yuan), with its total row."""
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    for en, zh in (("bond", "保证金"), ("grade", "等次")):
        table.add_column(_pick(lang, en, zh), no_wrap=True)
    for en, zh in (
        ("paid in", "缴纳"),
        ("refunded", "返还"),
        ("reward", "奖励"),
        ("forfeited", "扣除"),
        ("award", "优胜奖"),
    ):
        table.add_column(_pick(lang, en, zh), justify="right")

    def cells(row: Any) -> list[str]:
        return [
            money(getattr(row, n)) for n in ("paid_in", "refunded", "reward", "forfeited", "award")
        ]

    for row in ledger.rows:
        who = row.unit_name if not row.payer else f"  {row.title}"
        table.add_row(who, _grade_text(row.grade, lang) if not row.payer else "", *cells(row))
    table.add_section()
    table.add_row(_pick(lang, "total", "合计"), "", *cells(ledger.total()))
    return table


def _rows(report: ScoreReport) -> list[dict[str, Any]]:
    flagged = {u for holders in report.red_flags.values() for u in holders}
    out = []
    for entry in report.ranking.entries:
        sheet = report.sheets[entry.unit]
        g = report.grades[entry.unit]
        out.append(
            {
                "rank": entry.rank,
                "unit": entry.unit,
                "name": sheet.unit.name,
                "group": entry.group,
                "total": None if sheet.total is None else str(sheet.total),
                "grade": None if g is None else g.value,
                "red_flag": entry.unit in flagged,
            }
        )
    return out


def _ledger_rows(ledger: BondLedger) -> list[dict[str, Any]]:
    return [
        {
            "unit": r.unit,
            "name": r.unit_name,
            "payer": r.payer,
            "grade": None if r.grade is None else r.grade.value,
            **{
                n: str(getattr(r, n))
                for n in ("paid_in", "refunded", "reward", "forfeited", "award")
            },
        }
        for r in ledger.rows
    ]


def report_csv(report: ScoreReport) -> str:
    """The ranking as CSV; with a ledger, a blank line and the ledger's rows."""
    out = io.StringIO()
    rows = _rows(report)
    writer = csv.DictWriter(
        out, fieldnames=list(rows[0]) if rows else ["unit"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
    if report.ledger is not None:
        out.write("\n")
        lines = _ledger_rows(report.ledger)
        ledger = csv.DictWriter(out, fieldnames=list(lines[0]), lineterminator="\n")
        ledger.writeheader()
        ledger.writerows({k: "" if v is None else v for k, v in r.items()} for r in lines)
    return out.getvalue()


def report_json(report: ScoreReport) -> str:
    """The report as JSON: units (ranked), red flags by group and the ledger."""
    data: dict[str, Any] = {
        "units": _rows(report),
        "red_flags": {g: list(h) for g, h in report.red_flags.items()},
    }
    if report.ledger is not None:
        data["ledger"] = _ledger_rows(report.ledger)
        data["ledger_balanced"] = report.ledger.balanced
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _unit_code(report: ScoreReport, wanted: str) -> str:
    for code, sheet in report.sheets.items():
        if wanted in (code, sheet.unit.name):
            return code
    names = [*report.sheets, *(s.unit.name for s in report.sheets.values() if s.unit.name)]
    raise StandardError(
        f"no unit {wanted!r} in the findings", field="--explain", hint=did_you_mean(wanted, names)
    )


@click.command("score")
@click.argument("findings_file", metavar="FINDINGS", type=click.Path(dir_okay=False))
@click.option(
    "--standard",
    "standard_name",
    required=True,
    help="A standard file, or a bundled standard's name (e.g. digital_city_management).",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy TOML (cut-offs, tie rule, bond schemes); default: the bundled default policy.",
)
@click.option("--group", default=None, help="Show only the units of this ranking group.")
@click.option(
    "--bonds",
    is_flag=True,
    help="Settle the policy's street bond scheme on these grades and print the ledger.",
)
@click.option(
    "--winner",
    "winners",
    multiple=True,
    help="A unit the city named a winner (优胜), for --bonds; repeatable.",
)
@click.option(
    "--on",
    "on_text",
    default=None,
    help="The day the policy's dated values are read (default: the findings' start).",
)
@click.option(
    "--format",
    "out_format",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--explain",
    "explain_unit",
    default=None,
    help="Print every point of one unit (code or name) with its finding and rule.",
)
@click.pass_context
def score_command(
    ctx: click.Context,
    findings_file: str,
    standard_name: str,
    policy_file: str | None,
    group: str | None,
    bonds: bool,
    winners: tuple[str, ...],
    on_text: str | None,
    out_format: str,
    explain_unit: str | None,
) -> None:
    """Score a FINDINGS file (TOML or CSV) against a standard: sheets, ranking, grades,
    the red flag (流动红旗) and, with --bonds, the bond ledger (保证金)."""
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    try:
        on = None
        if on_text is not None:
            try:
                on = _dt.date.fromisoformat(on_text)
            except ValueError:
                raise StandardError(
                    f"{on_text!r} is not a date", field="--on", hint="write e.g. 2024-05-01"
                ) from None
        standard = load_standard(standard_name)
        findings = Findings.load(findings_file)
        policy = Policy.load(policy_file) if policy_file else Policy.default()
        report = score_report(
            findings, standard, policy, group=group, bonds=bonds, winners=winners, on=on
        )
        if explain_unit is not None:
            click.echo(report.sheets[_unit_code(report, explain_unit)].explain())
            return
    except UrbangovError as error:
        fail(error)
        return
    if out_format == "csv":
        click.echo(report_csv(report), nl=False)
        return
    if out_format == "json":
        click.echo(report_json(report), nl=False)
        return
    out = console()
    period = f" {findings.period}" if findings.period else ""
    title = _pick(
        lang,
        f"{standard.name or standard.id}{period}: ranking",
        f"{standard.name or standard.id}{period}：排名",
    )
    out.print(ranking_table(report, lang=lang, title=title))
    for g, holders in report.red_flags.items():
        names = ", ".join(report.sheets[u].unit.label for u in holders) or _pick(
            lang, "nobody", "空缺"
        )
        where = f" ({g})" if g else ""
        out.print(_pick(lang, f"Red flag (流动红旗){where}: {names}", f"流动红旗{where}：{names}"))
    if report.ledger is not None:
        ledger = report.ledger
        out.print(
            ledger_table(
                ledger,
                lang=lang,
                title=_pick(lang, f"Bond ledger: {ledger.scheme}", f"保证金台账：{ledger.scheme}"),
            )
        )
        balance = _pick(
            lang,
            "balanced" if ledger.balanced else "NOT balanced",
            "收支平衡" if ledger.balanced else "不平衡",
        )
        out.print(
            _pick(
                lang,
                f"Ledger {balance}; net cost {money(ledger.net_cost)} yuan",
                f"台账{balance}；净支出 {money(ledger.net_cost)} 元",
            )
        )
