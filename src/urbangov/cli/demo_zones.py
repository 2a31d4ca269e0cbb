"""The zones section of ``urbangov demo``: the zone map by street, a few permission
decisions with their reasons, and one street's patrol plan for a day."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from fractions import Fraction
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from urbangov import zones
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.vocabulary import Level, ZoneTier

__all__ = [
    "DEMO_AREAS",
    "demo_policy",
    "demo_section",
    "patrol_table",
    "permits_table",
    "zone_table",
]

_SHANGHAI = ZoneInfo("Asia/Shanghai")

DEMO_AREAS = {
    # 公主岭 2025: early markets 04:30–07:30 and night markets 17:00–21:00, 05-06 to 09-30
    "shuangzha_market": {
        "places": ["320105006002"],
        "kind": "market",
        "title": "双闸二社区早夜市",
        "activities": ["stall", "morning_market", "night_market"],
        "dates": [{"first": "05-06", "last": "09-30"}],
        "hours": ["04:30-07:30", "17:00-21:00"],
    },
    # 平度 2022: night markets 18:00–22:00, 07-01 to 10-31
    "mengdu_night_market": {
        "places": ["S32010500402"],
        "kind": "market",
        "title": "梦都大街夜市",
        "activities": ["night_market", "stall"],
        "dates": [{"first": "07-01", "last": "10-31"}],
        "hours": ["18:00-22:00"],
    },
}


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def demo_policy() -> Policy:
    """The default policy with two market areas of the sample district (the hours of the
    published 公主岭 and 平度 rules)."""
    return Policy.default().reform({"zones.areas": DEMO_AREAS})


def zone_table(city: City, policy: Policy, *, lang: str = "en") -> Table:
    """Grids per tier in each street, and the street's strict segments."""
    h = city.hierarchy
    zone_map = zones.classify(h, policy)
    table = Table(
        title=_label(lang, "Grids per tier by street (级差管理)", "各街道各级别网格数（级差管理）")
    )
    table.add_column(_label(lang, "street", "街道"))
    for tier in ZoneTier:
        table.add_column(_label(lang, tier.value, tier.chinese), justify="right")
    table.add_column(_label(lang, "strict roads", "严管路段"), justify="right")
    for street in h.at_level(Level.STREET):
        grids = Counter(zone_map.tier_of(g) for g in h.descendants(street, level=Level.GRID))
        roads = sum(zone_map.tier_of(s) is ZoneTier.STRICT for s in h.segments_in(street))
        table.add_row(street.name, *(str(grids[t]) for t in ZoneTier), str(roads))
    return table


def _examples() -> list[tuple[str, str, _dt.datetime]]:
    def at(month: int, day: int, hour: int, minute: int = 0) -> _dt.datetime:
        return _dt.datetime(2025, month, day, hour, minute, tzinfo=_SHANGHAI)

    return [
        ("stall", "S32010500101", at(6, 7, 18)),  # a main road: strict
        ("stall", "320105006002001", at(6, 7, 6)),  # the market area, early market
        ("stall", "320105006002001", at(6, 7, 10)),  # the same, between markets
        ("night_market", "S32010500402", at(7, 5, 21, 30)),  # the night market street
        ("stall", "320105001002004", at(6, 7, 18)),  # 80 m from a school gate
        ("stall", "320105005003001", at(6, 7, 18)),  # the regulated community
        ("roadside_parking", "S32010500101", at(2, 1, 10)),  # 春运 leniency
    ]


def _place_name(city: City, code: str) -> str:
    h = city.hierarchy
    if code in h:
        return h.unit(code).name
    return h.segment(code).name


def permits_table(city: City, policy: Policy, *, lang: str = "en") -> Table:
    """A few decisions of :func:`urbangov.zones.permits`, with the rule and reason."""
    table = Table(
        title=_label(lang, "May it take place here now? (zones.permits)", "此时此地是否准许？"),
        show_lines=True,
        width=80,
    )
    table.add_column(_label(lang, "what, where, when", "事项、地点、时间"))
    table.add_column(_label(lang, "answer", "结论"))
    table.add_column(_label(lang, "why (rule)", "理由（依据）"), overflow="fold")
    for activity, place, when in _examples():
        d = zones.permits(activity, place, when, policy, city.hierarchy)
        yes = _label(lang, "allowed", "允许") if d.allowed else _label(lang, "no", "不允许")
        if not d.allowed and not d.fined:
            yes += _label(lang, ", not fined", "，不罚款")
        until = (
            _label(lang, f"until {d.until:%m-%d %H:%M}", f"至 {d.until:%m-%d %H:%M}")
            if d.until
            else ""
        )
        what = f"{activity}\n{_place_name(city, place)}\n{when:%a %m-%d %H:%M}"
        table.add_row(what, f"{yes}\n{until}", f"{d.reason}\n[dim]{d.rule}[/dim]")
    return table


def patrol_table(
    city: City, policy: Policy, street: str, day: _dt.date, *, lang: str = "en"
) -> Table:
    """One street's patrol plan for ``day``: per shift and kind, units and staff."""
    plan = zones.patrol_plan(city.hierarchy, policy, day, within=street)
    name = city.hierarchy.unit(street).name
    rows: dict[tuple[str, str], tuple[int, Fraction]] = {}
    for p in plan:
        units, staff = rows.get((p.shift, p.kind.value), (0, Fraction(0)))
        rows[(p.shift, p.kind.value)] = (units + 1, staff + p.staff)
    cleaning = plan.cleaning
    caption = _label(
        lang,
        f"staff {float(plan.staff()):.1f}; cleaning {cleaning.hours} h in {cleaning.rounds} rounds"
        + (" (holiday)" if plan.holiday else ""),
        f"所需人员 {float(plan.staff()):.1f}；保洁 {cleaning.hours} 小时 {cleaning.rounds} 遍"
        + ("（节假日）" if plan.holiday else ""),
    )
    table = Table(
        title=_label(lang, f"Patrol plan of {name}, {day:%a %Y-%m-%d}", f"{name}巡查安排 {day}"),
        caption=caption,
    )
    for en, zh, justify in (
        ("shift", "班次", "left"),
        ("hours", "时段", "left"),
        ("patrol", "巡查方式", "left"),
        ("units", "单元数", "right"),
        ("staff", "人员", "right"),
    ):
        table.add_column(_label(lang, en, zh), justify=justify)  # type: ignore[arg-type]
    kinds = {k.value: k for k in zones.PatrolKind}
    order = list(plan.shifts)
    for (shift, kind), (units, staff) in sorted(rows.items(), key=lambda r: order.index(r[0][0])):
        patrol = kinds[kind]
        table.add_row(
            shift,
            str(plan.shifts[shift]),
            _label(lang, f"{kind} ({patrol.chinese})", patrol.chinese),
            str(units),
            f"{float(staff):.1f}",
        )
    return table


def demo_section(console: Console, city: City, *, lang: str = "en") -> None:
    """Print the zone map, the decisions and 南湖街道's patrol plan on 2025-06-06."""
    policy = demo_policy()
    console.print(zone_table(city, policy, lang=lang))
    console.print(permits_table(city, policy, lang=lang))
    street = city.hierarchy.at_level(Level.STREET)[0].code
    console.print(patrol_table(city, policy, street, _dt.date(2025, 6, 6), lang=lang))
