"""``urbangov kpi LOG``: the standard rates (立案率, 结案率, 按期结案率…) of a case log.

The log (CSV, JSON Lines or Parquet; see ``docs/io.md``) is read into
:class:`~urbangov.cases.CaseColumns`; each case's due time comes from the policy's
deadline rules and working calendar (``deadlines.due_at_batch``); the counts are grouped
by ``--by`` and ``--period`` (``kpi.counts_from_columns``) and printed with the six rates
as percentages rounded half-up (``kpi.percent``).

Grouping by a level (``street``, ``community``, ``district``) maps each case's grid to
its territory in the city's hierarchy, so it needs ``--city FILE``; without one the
cases are grouped by ``--by grid`` (or any case field). The total row is counted over
the whole span (due and closed do not add across periods). ``--format csv|json`` prints
every count and rate for programs; the table keeps to the terminal's width (at 80
columns: the main counts and the closure and on-time rates). The command's core is
:func:`kpi_table` (no I/O), :func:`render_kpi` (the rich table) and :func:`kpi_rows`
(plain rows for CSV and JSON).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io as io_text
import json
import warnings
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import click
from rich import box
from rich.cells import cell_len
from rich.table import Table

from urbangov import io
from urbangov import kpi as kpi_module
from urbangov.cases import CaseColumns
from urbangov.cli._common import console, fail, label
from urbangov.errors import (
    CalendarCoverageError,
    KpiError,
    ProvisionalCalendarWarning,
    UrbangovError,
)
from urbangov.hierarchy import Hierarchy
from urbangov.kpi import KpiCounts, KpiTable
from urbangov.policy import Policy
from urbangov.vocabulary import Level

__all__ = ["kpi", "kpi_table", "render_kpi"]

_PLAIN_GROUPS = ("grid", "category", "source", "urgency", "zone", "segment", "department")
_LEVELS = ("district", "street", "community")
GROUPS = (*_LEVELS, *_PLAIN_GROUPS, "none")
PERIODS = ("day", "week", "month", "year")

_COUNTS = (
    ("received", "received", "受理"),
    ("filed", "filed", "立案"),
    ("dispatched", "dispatched", "派遣"),
    ("due", "due", "应结案"),
    ("closed", "closed", "结案"),
    ("closed_on_time", "on time", "按期结案"),
)
_RATES = (
    (kpi_module.filing_rate, "filing %", "立案率"),
    (kpi_module.dispatch_rate, "dispatch %", "派遣率"),
    (kpi_module.closure_rate, "closure %", "结案率"),
    (kpi_module.on_time_rate, "on-time %", "按期结案率"),
    (kpi_module.rework_rate, "rework %", "返工率"),
    (kpi_module.extension_rate, "extension %", "延期率"),
)
_NARROW_COUNTS = ("received", "due", "closed", "closed_on_time")
_NARROW_RATES = ("closure %", "on-time %")
_RATE_NAMES = (
    (kpi_module.filing_rate, "filing_rate"),
    (kpi_module.dispatch_rate, "dispatch_rate"),
    (kpi_module.closure_rate, "closure_rate"),
    (kpi_module.on_time_rate, "on_time_rate"),
    (kpi_module.rework_rate, "rework_rate"),
    (kpi_module.extension_rate, "extension_rate"),
)
WIDE = 120
"""Terminal columns from which the table shows every count and rate."""
_GROUP_ZH = {
    "district": "区",
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "category": "类别",
    "source": "来源",
    "urgency": "紧急程度",
    "zone": "区域",
    "segment": "路段",
    "department": "部门",
    "none": "全部",
}


def kpi_table(
    columns: CaseColumns,
    *,
    by: str = "street",
    period: str = "month",
    policy: Policy | None = None,
    hierarchy: Hierarchy | None = None,
) -> KpiTable:
    """KPI counts of a log's cases by ``by`` and ``period`` (no I/O).

    Due times come from ``policy`` (default :meth:`Policy.default`): its deadline rules,
    its working calendar and its taxonomy. Grouping by a level needs ``hierarchy``.

    >>> from urbangov.sim import example_log, sample_city
    >>> table = kpi_table(example_log(200, seed=1), by="street", period="year",
    ...                   hierarchy=sample_city().hierarchy)
    >>> table.by, table.total().received > 0
    (('street', 'period'), True)
    >>> kpi_table(example_log(20, seed=1), by="street")
    Traceback (most recent call last):
    ...
    urbangov.errors.KpiError: --by: grouping by street needs the city's units; ...
    """
    chosen = policy if policy is not None else Policy.default()
    group: Any = () if by == "none" else by
    if by in _LEVELS:
        group = Level.parse(by, field="--by")
        if hierarchy is None:
            raise KpiError(
                f"grouping by {by} needs the city's units",
                field="--by",
                hint="give --city FILE (a city file with the log's grids), or group by a "
                "case field: --by grid, category, department…",
            )
    return kpi_module.counts_from_columns(
        columns,
        by=group,
        period=period,
        deadlines=chosen,
        hierarchy=hierarchy,
        tz=chosen.calendar.tz,
    )


def _pct(rate: Fraction | None) -> str:
    shown: Decimal | None = kpi_module.percent(rate)
    return "—" if shown is None else f"{shown}"


def _period_text(value: object, period: str) -> str:
    if isinstance(value, _dt.date):
        if period == "month":
            return value.strftime("%Y-%m")
        if period == "year":
            return str(value.year)
    return str(value)


def render_kpi(
    table: KpiTable,
    *,
    by: str,
    period: str = "month",
    lang: str = "en",
    names: dict[str, str] | None = None,
    title: str | None = None,
    wide: bool = True,
) -> Table:
    """The rich table of ``table``: one row per group and period, then the total.

    ``names`` maps group codes to display names (unit names). With ``wide=False`` (a
    terminal narrower than 120 columns) only received, due, closed, on time and the
    closure and on-time rates are shown; ``--format csv`` gives every column.

    >>> from rich.console import Console
    >>> from urbangov.kpi import KpiTable
    >>> table = KpiTable(("grid",), ("g1",), [[4, 4, 3, 0, 2, 1, 1, 0, 0, 0, 1]])
    >>> Console(width=80).print(render_kpi(table, by="grid", period="none", wide=False))
    <BLANKLINE>
    grid   received  due  closed  on time  closure %  on-time %
    ───────────────────────────────────────────────────────────
    g1            4    2       1        1      50.00      50.00
    <BLANKLINE>
    total         4    2       1        1      50.00      50.00
    <BLANKLINE>
    """

    def pick(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    counts_shown = _COUNTS if wide else tuple(c for c in _COUNTS if c[0] in _NARROW_COUNTS)
    rates_shown = _RATES if wide else tuple(r for r in _RATES if r[1] in _NARROW_RATES)
    with_period = "period" in table.by
    out = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    out.add_column(pick(by, _GROUP_ZH.get(by, by)), no_wrap=True)
    if with_period:
        out.add_column(pick("period", "周期"), no_wrap=True)
    for _, en, zh in (*counts_shown, *rates_shown):  # headers keep their words whole
        text = pick(en, zh)
        out.add_column(
            text, justify="right", no_wrap=True, min_width=max(map(cell_len, text.split()))
        )

    def cells(counts: KpiCounts) -> list[str]:
        values = counts.as_dict()
        return [str(values[f]) for f, _, _ in counts_shown] + [
            _pct(r(counts)) for r, _, _ in rates_shown
        ]

    for key, counts in table.items():
        parts: Sequence[Any] = key if isinstance(key, tuple) else (key,)
        group = "" if by == "none" else str(parts[0])
        if names and group in names:
            group = names[group]
        when = [_period_text(parts[-1], period)] if with_period else []
        out.add_row(group, *when, *cells(counts))
    out.add_section()
    out.add_row(pick("total", "合计"), *([""] if with_period else []), *cells(table.total()))
    return out


def kpi_rows(table: KpiTable, *, names: dict[str, str] | None = None) -> list[dict[str, object]]:
    """Every row of ``table`` as a plain dict (the key's parts, every count, every rate
    as a percentage string rounded half-up, ``None`` where undefined), then the total
    row (its key parts ``None``): what ``--format csv|json`` prints.

    >>> from urbangov.kpi import KpiTable
    >>> table = KpiTable(("grid",), ("g1",), [[4, 4, 3, 0, 2, 1, 1, 0, 0, 0, 1]])
    >>> row = kpi_rows(table, names={"g1": "第1网格"})[0]
    >>> row["grid"], row["name"], row["due"], row["closure_rate"]
    ('g1', '第1网格', 2, '50.00')
    """
    out: list[dict[str, object]] = []
    by = list(table.by)

    def record(parts: Sequence[Any], counts: KpiCounts) -> dict[str, object]:
        row: dict[str, object] = {}
        for name, part in zip(by, parts, strict=True):
            row[name] = part.isoformat() if isinstance(part, _dt.date) else part
            if names is not None and name != "period":
                row["name"] = names.get(str(part)) if part is not None else None
        row.update(counts.as_dict())
        for rate, name in _RATE_NAMES:
            shown = kpi_module.percent(rate(counts))
            row[name] = None if shown is None else str(shown)
        return row

    for key, counts in table.items():
        parts: Sequence[Any] = key if isinstance(key, tuple) else (key,)
        out.append(record(parts, counts))
    out.append(record([None] * len(by), table.total()))
    return out


@click.command("kpi")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--by",
    type=click.Choice(GROUPS),
    default=None,
    help="Group by a level (needs --city), a case field, or none "
    "[default: street with --city, else grid].",
)
@click.option(
    "--period", type=click.Choice(PERIODS), default="month", show_default=True, help="Periods."
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy TOML (limits, calendar, taxonomy); default: the bundled default policy.",
)
@click.option(
    "--city",
    "city_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="City TOML whose units group the cases by level (street, community, district).",
)
@click.option(
    "--provisional",
    is_flag=True,
    help="Count years with no official holiday data as Monday–Friday (with a warning).",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="Output: a table, or every count and rate as CSV or JSON.",
)
@click.option(
    "--log-format",
    type=click.Choice(("csv", "jsonl", "parquet")),
    default=None,
    help="The log's format (default: from its suffix).",
)
@click.pass_context
def kpi(
    ctx: click.Context,
    log: str,
    by: str | None,
    period: str,
    policy_file: str | None,
    city_file: str | None,
    provisional: bool,
    output: str,
    log_format: str | None,
) -> None:
    """KPI rates (立案率, 派遣率, 结案率, 按期结案率, 返工率, 延期率) of a case LOG."""
    try:
        columns = io.read_columns(log, format=log_format)
        policy = Policy.load(policy_file) if policy_file else Policy.default()
        if provisional:
            policy = policy.reform({"calendar.provisional": True})
        hierarchy = Hierarchy.load(city_file) if city_file else None
        group = by if by is not None else ("street" if hierarchy is not None else "grid")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProvisionalCalendarWarning)
            table = kpi_table(columns, by=group, period=period, policy=policy, hierarchy=hierarchy)
    except CalendarCoverageError as error:
        fail(
            error,
            hint="add the year's holidays to the policy's calendar section "
            "(--policy FILE), or pass --provisional to count it as Monday–Friday",
        )
        return
    except UrbangovError as error:
        fail(error)
        return
    names = {u.code: u.name for u in hierarchy.units} if hierarchy is not None else None
    if output != "table":
        rows = kpi_rows(table, names=names)
        click.echo(
            _csv(rows) if output == "csv" else json.dumps(rows, ensure_ascii=False, indent=2)
        )
        return
    title = label(ctx, "KPI rates", "考核指标") + f" — {log} ({columns.n_cases:,} cases)"
    if provisional:
        title += label(ctx, " (provisional calendar)", "（暂定日历）")
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    out = console()
    out.print(
        render_kpi(
            table,
            by=group,
            period=period,
            lang=lang,
            names=names,
            title=title,
            wide=out.width >= WIDE,
        )
    )


def _csv(rows: list[dict[str, object]]) -> str:
    buffer = io_text.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue().rstrip("\n")
