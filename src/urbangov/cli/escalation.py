"""``urbangov escalation LOG --at T``: the open cases of a log by handling level and next
time-out step (升级状态).

The log (CSV, JSON Lines or Parquet; see ``docs/io.md``) is read into
:class:`~urbangov.cases.CaseColumns`; every case open at ``T`` (not closed, rejected or
voided by then) gets its escalation state from ``escalation.state_batch`` under the
policy (``--policy FILE``, default the bundled one) and the city (``--city FILE``,
default the bundled sample district). The table counts the open cases per level and
next step, then lists the first ``--limit`` of them, most advanced first; ``--format
csv|json`` prints every open case. The core is :func:`open_rows` (no I/O).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io as io_text
import json
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import click
import numpy as np
from rich.table import Table

from urbangov import escalation
from urbangov import io as io_module
from urbangov._internal.instants import to_ns
from urbangov.cases import CaseColumns, EventKind
from urbangov.cli._common import console, fail, label
from urbangov.cli.deadline import parse_start
from urbangov.errors import CalendarCoverageError, UrbangovError
from urbangov.hierarchy import Hierarchy
from urbangov.policy import Policy
from urbangov.sim import sample_city_path
from urbangov.vocabulary import Level

__all__ = ["escalation_command", "open_rows"]

_TERMINAL = (EventKind.CLOSE.code, EventKind.REJECT.code, EventKind.VOID.code)
_NONE = "—"


def _open_mask(columns: CaseColumns, at_ns: int) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Cases reported by ``at`` and not closed, rejected or voided by then."""
    t = columns.at.view(np.int64)
    ended = np.zeros(columns.n_cases, dtype=np.bool_)
    rows = np.isin(columns.kind, _TERMINAL) & (t <= at_ns)
    ended[columns.case[rows]] = True
    reported = columns.reported_at.view(np.int64) <= at_ns
    return reported & ~ended


def open_rows(
    columns: CaseColumns, at: _dt.datetime, policy: Policy, hierarchy: Hierarchy
) -> list[dict[str, Any]]:
    """One row per case open at ``at``: its id, level, handling unit, due time, whether it
    is overdue, the steps taken, the next step and when (times as ISO text in the
    policy's zone, ``None`` where there is none); most advanced first (level, steps taken).

    >>> import datetime as _dt
    >>> from urbangov.sim import example_log, sample_city
    >>> rows = open_rows(example_log(60, seed=1), _dt.datetime(2024, 3, 1, tzinfo=_dt.UTC),
    ...                  Policy(), sample_city().hierarchy)
    >>> sorted(rows[0])
    ['case', 'due', 'level', 'next_at', 'next_step', 'overdue', 'taken', 'unit', 'unit_name']
    """
    states = escalation.state_batch(columns, at, policy, hierarchy)
    at_ns = to_ns(at, "--at")
    keep = np.flatnonzero(_open_mask(columns, at_ns))
    zone = ZoneInfo(policy.work_calendar().tz)
    rows = []
    for i in keep.tolist():
        row = states.row(i)
        unit = row["unit"]
        rows.append(
            {
                "case": columns.ids[i],
                "level": row["level"].slug,
                "unit": unit,
                "unit_name": hierarchy.unit(unit).name,
                "due": _iso(row["due"], zone),
                "overdue": row["overdue"],
                "taken": row["taken"],
                "next_step": row["next_step"],
                "next_at": _iso(row["next_at"], zone),
            }
        )
    rows.sort(key=lambda r: (Level.parse(r["level"]), -r["taken"], r["next_at"] or "~"))
    return rows


def _iso(value: np.datetime64, zone: _dt.tzinfo) -> str | None:
    if np.isnat(value):
        return None
    us = int(value.astype("datetime64[us]").view(np.int64))
    when = _EPOCH + _dt.timedelta(microseconds=us)
    return when.astimezone(zone).isoformat(timespec="minutes")


_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


def _summary(ctx: click.Context, rows: list[dict[str, Any]]) -> Table:
    counts = Counter((r["level"], r["next_step"] or _NONE) for r in rows)
    steps = sorted({s for _, s in counts}, key=lambda s: (s == _NONE, s))
    table = Table(title=label(ctx, "Open cases by level and next step", "未结案件：层级与下一步"))
    table.add_column(label(ctx, "level", "层级"))
    for step in steps:
        head = label(ctx, "no next step", "无下一步") if step == _NONE else step.replace("_", " ")
        table.add_column(head, justify="right", overflow="fold")
    table.add_column(label(ctx, "total", "合计"), justify="right")
    for level in Level:
        row = [counts.get((level.slug, s), 0) for s in steps]
        if any(row):
            name = f"{level.slug} ({level.chinese})"
            table.add_row(name, *(str(n) for n in row), str(sum(row)))
    return table


def _cases(ctx: click.Context, rows: list[dict[str, Any]], limit: int) -> Table:
    table = Table(
        title=label(
            ctx, f"Most advanced open cases (first {limit})", f"升级最多的未结案件（前{limit}件）"
        )
    )
    for en, zh in (
        ("case", "案件"),
        ("level", "层级"),
        ("unit", "单位"),
        ("due", "时限"),
        ("steps", "已采取"),
        ("next step", "下一步"),
        ("when", "时间"),
    ):
        table.add_column(label(ctx, en, zh), overflow="fold")
    for r in rows[:limit]:
        due = (r["due"] or _NONE).replace("T", " ")[:16]
        if r["overdue"]:
            due += label(ctx, " overdue", " 超期")
        table.add_row(
            r["case"],
            r["level"],
            r["unit_name"],
            due,
            str(r["taken"]),
            (r["next_step"] or _NONE).replace("_", " "),
            (r["next_at"] or _NONE).replace("T", " ")[:16],
        )
    return table


def _city(city: str) -> Hierarchy:
    return Hierarchy.load(str(sample_city_path()) if city == "sample" else city)


@click.command("escalation")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--at",
    "at_text",
    required=True,
    help='When to judge the cases: "2024-06-01 09:00" (wall-clock time in the policy\'s zone).',
)
@click.option(
    "--city",
    default="sample",
    show_default=True,
    help='City file whose units the log\'s grids belong to ("sample": the bundled district).',
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy TOML (limits, calendar, escalation steps); default: the bundled one.",
)
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=0), help="Cases listed."
)
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="Output: tables, or every open case as CSV or JSON.",
)
@click.option(
    "--log-format",
    type=click.Choice(("csv", "jsonl", "parquet")),
    default=None,
    help="The log's format (default: from its suffix).",
)
@click.pass_context
def escalation_command(
    ctx: click.Context,
    log: str,
    at_text: str,
    city: str,
    policy_file: str | None,
    limit: int,
    output: str,
    log_format: str | None,
) -> None:
    """Open cases of a case LOG at --at by handling level and next time-out step (催办,
    通报…), with who handles them and when the next step falls due."""
    try:
        policy = Policy.load(policy_file) if policy_file else Policy.default()
        at = parse_start(at_text, policy.calendar.tz)
        columns = io_module.read_columns(log, format=log_format)
        rows = open_rows(columns, at, policy, _city(city))
    except CalendarCoverageError as error:
        fail(
            error,
            hint="give a policy whose calendar section covers the year (--policy FILE), "
            "or judge the log at an earlier --at",
        )
        return
    except UrbangovError as error:
        if error.field == "START":
            error = type(error)(error.message, field="--at", hint=error.hint)
        fail(error)
        return
    if output == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if output == "csv":
        buffer = io_text.StringIO()
        fields = ["case", "level", "unit", "unit_name", "due", "overdue", "taken"]
        writer = csv.DictWriter(buffer, fieldnames=[*fields, "next_step", "next_at"])
        writer.writeheader()
        for r in rows:
            writer.writerow({k: "" if v is None else v for k, v in r.items()})
        click.echo(buffer.getvalue().rstrip("\n"))
        return
    out = console()
    when = f"{at:%Y-%m-%d %H:%M}"
    out.print(
        label(ctx, f"{len(rows):,} open cases at {when}", f"{when} 未结案件 {len(rows):,} 件")
        + f" — {log}"
    )
    if rows:
        out.print(_summary(ctx, rows))
        if limit:
            out.print(_cases(ctx, rows, limit))
