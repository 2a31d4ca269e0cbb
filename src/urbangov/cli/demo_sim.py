"""The simulation section of ``urbangov demo``: one simulated month of the sample
district under the default policy, its KPIs by street, and what changes when exposed
garbage (暴露垃圾) gets 2 working hours instead of 4 — on the same seed, so the same
reports and handling times, first-dispatched-first and earliest-due-first. The month's
result (with its escalations and scores) feeds the escalation and assessment sections."""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from urbangov import kpi, sim
from urbangov.cli.kpi import WIDE, render_kpi
from urbangov.policy import Policy
from urbangov.vocabulary import Level

__all__ = ["DAYS", "SEED", "START", "demo_section", "simulated_month"]

START = _dt.datetime(2024, 5, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
DAYS = 31
SEED = 2024
_GARBAGE = "exposed_garbage"


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _garbage(result: sim.SimResult) -> kpi.KpiCounts:
    return result.kpi("category").get((_GARBAGE, START.date()))


def simulated_month() -> sim.SimResult:
    """May 2024 of the sample district under the default policy, seed 2024."""
    return sim.run(sim.SyntheticCity.sample(), Policy.default(), start=START, days=DAYS, seed=SEED)


def demo_section(
    console: Console, *, lang: str = "en", result: sim.SimResult | None = None
) -> sim.SimResult:
    """Print the month's KPI table by street and the limit comparison; return the
    month's result."""
    city = sim.SyntheticCity.sample()
    base = Policy.default()
    if result is None:
        result = simulated_month()
    names = {u.code: u.name for u in city.city.hierarchy.at_level(Level.STREET)}
    reports = result.cases.n_cases
    received = result.kpi("street").total().received
    title = _label(
        lang,
        f"A simulated month: May 2024 in the sample district, seed {SEED} "
        f"({reports:,} reports, {received:,} received, i.e. accepted)",
        f"模拟一个月：示例区 2024 年 5 月，种子 {SEED}"
        f"（上报 {reports:,} 件，受理 {received:,} 件）",
    )
    console.print(
        render_kpi(
            result.kpi("street"),
            by="street",
            period="month",
            lang=lang,
            names=names,
            title=title,
            wide=console.width >= WIDE,
        )
    )
    table = Table(
        title=_label(
            lang,
            "Exposed garbage (暴露垃圾): 4 or 2 working hours, same seed",
            "暴露垃圾：4 或 2 个工作时，同一种子",
        ),
        caption=_label(
            lang,
            "Same reports and handling times; only the limit and the order of work "
            "(workflow.queue_discipline) change.",
            "上报与处置用时相同，只改时限与办理顺序（workflow.queue_discipline）。",
        ),
    )
    for en, zh, justify in (
        ("limit", "时限", "left"),
        ("order of work", "办理顺序", "left"),
        ("due", "应结案", "right"),
        ("on time", "按期结案", "right"),
        ("on-time %", "按期结案率", "right"),
    ):
        table.add_column(_label(lang, en, zh), justify=justify, overflow="fold")  # type: ignore[arg-type]
    for hours in (4, 2):
        for order in ("fifo", "earliest_due"):
            policy = base.reform(
                {
                    f"deadlines.categories.{_GARBAGE}.normal": f"{hours} working hours",
                    "workflow.queue_discipline": order,
                }
            )
            got = (
                result
                if (hours, order) == (4, "fifo")
                else sim.run(
                    city, policy, start=START, days=DAYS, seed=SEED, hooks=sim.Hooks(None, None)
                )
            )
            counts = _garbage(got)
            rate = kpi.percent(kpi.on_time_rate(counts))
            table.add_row(
                _label(lang, f"{hours} working hours", f"{hours} 个工作时"),
                _label(
                    lang,
                    "first dispatched first" if order == "fifo" else "earliest due first",
                    "先派先办" if order == "fifo" else "先到期先办",
                ),
                str(counts.due),
                str(counts.closed_on_time),
                "—" if rate is None else str(rate),
            )
    console.print(table)
    return result
