"""The organisation section of ``urbangov demo``: one street's duty matrix and an
escalation chain from a grid to the district, with the people at each step."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from urbangov.graph import AccountabilityGraph
from urbangov.org import City, Department
from urbangov.vocabulary import Level

__all__ = ["demo_section", "duty_table", "escalation_table"]


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _name(city: City, code: str) -> str:
    found = city.organisation.get(code)
    if isinstance(found, Department):
        return found.name
    if code in city.hierarchy:
        return city.hierarchy.unit(code).name
    return code


def duty_table(city: City, street: str, *, lang: str = "en") -> Table:
    """The duty matrix (职责分工) as it applies to ``street``: every domain, and every
    asset kind the rules split it by (《城市管理协管员考核办法》篇5 §二)."""
    unit = city.hierarchy.unit(street)
    title = _label(
        lang,
        f"Duty matrix for {unit.name} (《城市管理协管员考核办法》篇5 §二)",
        f"{unit.name}职责分工（《城市管理协管员考核办法》篇5 §二）",
    )
    table = Table(title=title)
    for en, zh in (
        ("domain", "管理领域"),
        ("asset / site", "设施/场所"),
        ("lead", "牵头负责"),
        ("cooperating", "配合"),
        ("supervising", "监督"),
    ):
        table.add_column(_label(lang, en, zh), overflow="fold")
    for row in city.organisation.duties.table_for(unit, hierarchy=city.hierarchy):
        table.add_row(
            f"{row.domain.chinese}",
            row.asset_kind or _label(lang, "(any)", "（一般）"),
            _name(city, row.lead),
            "、".join(_name(city, c) for c in row.cooperating),
            "、".join(_name(city, c) for c in row.supervising),
        )
    return table


def escalation_table(city: City, grid: str, *, lang: str = "en") -> Table:
    """The escalation chain from ``grid`` up to its district, with the first responsible
    person (第一责任人 / 网格长) at each step."""
    graph = AccountabilityGraph.from_city(city)
    start = city.hierarchy.unit(grid)
    table = Table(
        title=_label(
            lang,
            f"Escalation chain from {start.name} to the district",
            f"{start.name}至区的逐级上报链",
        )
    )
    for en, zh in (
        ("level", "层级"),
        ("unit", "单位"),
        ("first responsible", "第一责任人"),
        ("title", "职务"),
        ("staff posted", "在岗人员"),
    ):
        table.add_column(_label(lang, en, zh), overflow="fold")
    for step in graph.escalation_chain(start):
        head = step.first_responsible
        staff = city.organisation.staff_of(step.unit)
        table.add_row(
            f"{step.unit.level.slug} ({step.unit.level.chinese})",
            f"{step.unit.name} {step.unit.code}",
            head.name if head else "—",
            head.title if head else "",
            "、".join(f"{p.name}({p.role.chinese})" for p in staff) or "",
        )
        if step.unit.level <= Level.DISTRICT:
            break
    return table


def demo_section(
    console: Console, city: City, *, lang: str = "en", street: str | None = None
) -> None:
    """Print the organisation section of the demo: the duty matrix of ``street`` (by
    default the first street) and the escalation chain from that street's first grid.
    """
    streets = city.hierarchy.at_level(Level.STREET)
    chosen = city.hierarchy.unit(street) if street is not None else streets[0]
    console.print(duty_table(city, chosen.code, lang=lang))
    grids = city.hierarchy.descendants(chosen, level=Level.GRID)
    if grids:
        console.print(escalation_table(city, grids[0].code, lang=lang))
