"""``urbangov kpi LOG``: the standard rates (立案率, 结案率, 按期结案率…) of a case log.

The log (CSV, JSON Lines or Parquet; see ``docs/io.md``) is read into
:class:`~urbangov.cases.CaseColumns`; each case's due time comes from the policy's
deadline rules and working calendar (``deadlines.due_at_batch``); the counts are grouped
by ``--by`` and ``--period`` (``kpi.counts_from_columns``) and printed with the six rates
as percentages rounded half-up (``kpi.percent``).

Grouping by a level (``street``, ``community``, ``district``, ``grid``-level units) maps each
case's grid to its territory in the city's hierarchy: ``--city FILE`` or, by default, the
bundled sample district. The command's core is :func:`kpi_table` (no I/O) and
:func:`render_kpi` (the rich table).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import Any

import click
from rich import box
from rich.cells import cell_len
from rich.table import Table

from urbangov import io
from urbangov import kpi as kpi_module
from urbangov.cases import CaseColumns
from urbangov.cli._common import console, fail, label
from urbangov.errors import UrbangovError
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


def _sample_hierarchy() -> Hierarchy:
    ref = resources.files("urbangov.data") / "sample_district.toml"
    with resources.as_file(ref) as path:
        return Hierarchy.load(path)


def kpi_table(
    columns: CaseColumns,
    *,
    by: str = "street",
    period: str = "month",
    policy: Policy | None = None,
    hierarchy: Hierarchy | None = None,
) -> KpiTable:
    """KPI counts of a log's cases by ``by`` and ``period`` (no I/O).

    Due times come from ``policy`` (default :meth:`Policy.default`): its deadline rules
    and its working calendar. Grouping by a level needs ``hierarchy`` (default: the
    bundled sample district).

    >>> from urbangov.sim import example_log
    >>> table = kpi_table(example_log(200, seed=1), by="street", period="year")
    >>> table.by
    ('street', 'period')
    """
    chosen = policy if policy is not None else Policy.default()
    calendar = chosen.work_calendar()
    group: Any = () if by == "none" else by
    tree = None
    if by in _LEVELS:
        group = Level.parse(by, field="--by")
        tree = hierarchy if hierarchy is not None else _sample_hierarchy()
    return kpi_module.counts_from_columns(
        columns,
        by=group,
        period=period,
        deadlines=chosen,
        calendar=calendar,
        rules=chosen,
        hierarchy=tree,
        tz=calendar.tz,
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
) -> Table:
    """The rich table of ``table``: one row per group and period, then the total.

    ``names`` maps group codes to display names (unit names).

    >>> from urbangov.kpi import KpiTable
    >>> table = KpiTable(("grid",), ("g1",), [[4, 4, 3, 0, 2, 1, 1, 0, 0, 0, 1]])
    >>> console().print(render_kpi(table, by="grid", period="none", lang="zh"))  # doctest: +SKIP
    """

    def pick(en: str, zh: str) -> str:
        return zh if lang == "zh" else en

    out = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0))
    out.add_column(pick(by, _GROUP_ZH.get(by, by)), no_wrap=True)
    out.add_column(pick("period", "周期"), no_wrap=True)
    for _, en, zh in _COUNTS:  # counts keep their header words whole; rates may wrap
        text = pick(en, zh)
        out.add_column(text, justify="right", min_width=max(map(cell_len, text.split())))
    for _, en, zh in _RATES:
        out.add_column(pick(en, zh), justify="right")

    def cells(counts: KpiCounts) -> list[str]:
        values = counts.as_dict()
        return [str(values[f]) for f, _, _ in _COUNTS] + [_pct(r(counts)) for r, _, _ in _RATES]

    for key, counts in table.items():
        parts: Sequence[Any] = key if isinstance(key, tuple) else (key,)
        group = "" if by == "none" else str(parts[0])
        if names and group in names:
            group = names[group]
        when = _period_text(parts[-1], period) if "period" in table.by else ""
        out.add_row(group, when, *cells(counts))
    out.add_section()
    out.add_row(pick("total", "合计"), "", *cells(table.total()))
    return out


@click.command("kpi")
@click.argument("log", type=click.Path(dir_okay=False))
@click.option(
    "--by",
    type=click.Choice(GROUPS),
    default="street",
    show_default=True,
    help="Group the cases by a level (via the city's hierarchy), a case field, or none.",
)
@click.option(
    "--period", type=click.Choice(PERIODS), default="month", show_default=True, help="Periods."
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy TOML (deadline rules, calendar); default: the bundled default policy.",
)
@click.option(
    "--city",
    "city_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="City TOML whose units group the cases by level; default: the sample district.",
)
@click.option(
    "--format",
    "log_format",
    type=click.Choice(("csv", "jsonl", "parquet")),
    default=None,
    help="The log's format (default: from its suffix).",
)
@click.pass_context
def kpi(
    ctx: click.Context,
    log: str,
    by: str,
    period: str,
    policy_file: str | None,
    city_file: str | None,
    log_format: str | None,
) -> None:
    """KPI rates (立案率, 派遣率, 结案率, 按期结案率, 返工率, 延期率) of a case LOG."""
    try:
        columns = io.read_columns(log, format=log_format)
        policy = Policy.load(policy_file) if policy_file else Policy.default()
        hierarchy = Hierarchy.load(city_file) if city_file else None
        if hierarchy is None and by in _LEVELS:
            hierarchy = _sample_hierarchy()
        table = kpi_table(columns, by=by, period=period, policy=policy, hierarchy=hierarchy)
    except UrbangovError as error:
        fail(error)
        return
    names = {u.code: u.name for u in hierarchy.units} if hierarchy is not None else None
    title = label(ctx, "KPI rates", "考核指标") + f" — {log} ({columns.n_cases:,} cases)"
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    console().print(render_kpi(table, by=by, period=period, lang=lang, names=names, title=title))
