"""``urbangov demo``: a tour of the bundled sample district, as rich tables.

The demo grows with every capability: each section is a function printing one table.
"""

from __future__ import annotations

from importlib import resources

import click
from rich.table import Table

from urbangov.cli._common import console, label
from urbangov.cli.demo_cases import demo_section as cases_section
from urbangov.cli.demo_escalation import demo_section as escalation_section
from urbangov.cli.demo_org import demo_section as organisation_section
from urbangov.cli.demo_scoring import demo_section as scoring_section
from urbangov.cli.demo_sim import demo_section as simulation_section
from urbangov.cli.demo_zones import demo_section as zones_section
from urbangov.hierarchy import Hierarchy
from urbangov.org import load_city
from urbangov.vocabulary import Level

__all__ = ["demo", "sample_district_path"]


def sample_district_path() -> str:
    """Path of the bundled sample district city file."""
    return str(resources.files("urbangov") / "data" / "sample_district.toml")


def _levels_table(ctx: click.Context, h: Hierarchy) -> Table:
    table = Table(title=label(ctx, "Sample district: units per level", "示例区：各级单位数"))
    table.add_column(label(ctx, "level", "层级"))
    table.add_column(label(ctx, "units", "单位数"), justify="right")
    for level, n in h.counts().items():
        table.add_row(f"{level.slug} ({level.chinese})", str(n))
    table.add_row(label(ctx, "road segments", "路段"), str(len(h.segments)))
    return table


def _streets_table(ctx: click.Context, h: Hierarchy) -> Table:
    table = Table(
        title=label(
            ctx,
            "Streets (《城市管理协管员考核办法》篇5 §五(二))",
            "街道（《城市管理协管员考核办法》篇5 §五(二)）",
        )
    )
    for en, zh, justify in (
        ("code", "代码", "left"),
        ("street", "街道", "left"),
        ("communities", "社区", "right"),
        ("grids", "网格", "right"),
        ("area (km²)", "面积（平方公里）", "right"),
        ("first community → grids", "首个社区 → 网格", "left"),
    ):
        table.add_column(label(ctx, en, zh), justify=justify)  # type: ignore[arg-type]
    for street in h.at_level(Level.STREET):
        communities = h.children(street)
        grids = h.descendants(street, level=Level.GRID)
        area = (street.area_m2 or sum(c.area_m2 or 0.0 for c in communities)) / 1e6
        first = communities[0]
        branch = f"{first.name} → {len(h.children(first))}"
        table.add_row(
            street.code, street.name, str(len(communities)), str(len(grids)), f"{area:.2f}", branch
        )
    return table


def _coordinator_table(ctx: click.Context, h: Hierarchy) -> Table:
    """Who coordinates a problem spanning several grids: their lowest common ancestor."""
    streets = h.at_level(Level.STREET)
    first_street_grids = h.descendants(streets[0], level=Level.GRID)
    examples = [
        (first_street_grids[0], first_street_grids[1]),
        (first_street_grids[0], first_street_grids[-1]),
        (first_street_grids[0], h.descendants(streets[-1], level=Level.GRID)[0]),
    ]
    table = Table(
        title=label(
            ctx,
            "Coordinator of a problem spanning two grids (lowest common ancestor)",
            "跨网格问题的协调单位（最近共同上级）",
        )
    )
    table.add_column(label(ctx, "grid A", "网格A"), overflow="fold")
    table.add_column(label(ctx, "grid B", "网格B"), overflow="fold")
    table.add_column(label(ctx, "coordinator", "协调单位"), overflow="fold")
    table.add_column(label(ctx, "level", "层级"))
    for a, b in examples:
        c = h.coordinator([a, b])
        table.add_row(a.name, b.name, f"{c.name} ({c.code})", f"{c.level.slug} ({c.level.chinese})")
    return table


@click.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Show the bundled sample district: its hierarchy, who leads on what, who is
    accountable up the chain, who coordinates a problem spanning several grids, one case
    through the workflow with its working-time deadline, its tiered zones (the zone map,
    what may take place where and when, a patrol plan), and one simulated month under
    the default policy: KPIs by street and what 2 working hours instead of 4 for exposed
    garbage change, time-out steps and triggers by street, two escalation stories picked
    from its cases (a minor problem closed in the grid; the case that went furthest up
    the steps, with who is accountable), the month's ranking of streets and departments
    with grades and red flags; then a simulated year's annual grades and bond ledger."""
    out = console()
    lang = (ctx.find_root().obj or {}).get("lang", "en")
    city = load_city(sample_district_path())
    h = city.hierarchy
    out.print(_levels_table(ctx, h))
    out.print(_streets_table(ctx, h))
    out.print(_coordinator_table(ctx, h))
    organisation_section(out, city, lang=lang)
    cases_section(out, city, lang=lang)
    month = simulation_section(out, lang=lang)
    zones_section(out, city, lang=lang)
    escalation_section(out, city, month, lang=lang)
    scoring_section(out, city, month, lang=lang)
