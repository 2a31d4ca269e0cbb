"""``urbangov zones CITY`` and ``urbangov permits ACTIVITY PLACE AT``: tiered zones.

``zones`` classifies every unit and segment of a city file (``sample`` is the bundled
sample district) under the default policy or ``--policy FILE``, and prints the places per
tier by level and the tier of every street; ``--format csv|json`` prints every code.
``permits`` says whether an activity may take place at a place and instant, the rule
that decided, why, and until when. The cores are :func:`zone_rows` and
:func:`decide` (no printing).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json

import click
from rich.table import Table

from urbangov import zones as zones_module
from urbangov.cli._common import console, fail, label
from urbangov.cli.deadline import parse_start
from urbangov.errors import PolicyError, UrbangovError
from urbangov.hierarchy import Hierarchy
from urbangov.policy import Policy
from urbangov.sim import sample_city_path
from urbangov.vocabulary import Level, ZoneTier
from urbangov.zones import Decision, ZoneMap

__all__ = ["decide", "permits_command", "zone_rows", "zones_command"]

_LEVELS = ("city", "district", "street", "community", "grid", "segment")
_LEVEL_ZH = {
    "city": "市",
    "district": "区",
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "segment": "路段",
}


def _hierarchy(city: str) -> Hierarchy:
    if city == "sample":
        return Hierarchy.load(str(sample_city_path()))
    return Hierarchy.load(city)


def _policy(policy_file: str | None) -> Policy:
    return Policy.load(policy_file) if policy_file else Policy.default()


def _date(text: str | None) -> _dt.date:
    if text is None:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise PolicyError(
            f"{text!r} is not a date", field="--on", hint="write YYYY-MM-DD"
        ) from None


def zone_rows(hierarchy: Hierarchy, zone_map: ZoneMap) -> list[dict[str, str]]:
    """One row per unit and segment: code, name, level, tier, rule, via.

    >>> h = Hierarchy.from_rows([("320105", "示例区", "district", None)])
    >>> zone_rows(h, zones_module.classify(h, Policy()))[0]["tier"]
    'control'
    """
    names = {u.code: (u.name, u.level.slug) for u in hierarchy.units}
    names |= {s.code: (s.name, "segment") for s in hierarchy.segments}
    rows = []
    for entry in zone_map.items():
        name, level = names[entry.code]
        rows.append(
            {
                "code": entry.code,
                "name": name,
                "level": level,
                "tier": entry.tier.value,
                "rule": entry.rule,
                "via": entry.via or "",
            }
        )
    return rows


@click.command("zones")
@click.argument("city")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy TOML (its zones section); default: the bundled default policy.",
)
@click.option(
    "--on", "on_date", default=None, help="Date whose rules apply, YYYY-MM-DD (default today)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="table: counts per tier and every street; csv/json: every unit and segment.",
)
@click.pass_context
def zones_command(
    ctx: click.Context, city: str, policy_file: str | None, on_date: str | None, fmt: str
) -> None:
    """Tier (级差管理: 严管区/控制区/一般区/规范区) of every unit and segment of CITY.

    CITY is a city file, or "sample" for the bundled sample district."""
    try:
        hierarchy = _hierarchy(city)
        policy = _policy(policy_file)
        zone_map = zones_module.classify(hierarchy, policy, on=_date(on_date))
    except UrbangovError as error:
        fail(error)
        return
    rows = zone_rows(hierarchy, zone_map)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["code"])
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
        return
    out = console()
    out.print(_counts_table(ctx, zone_map))
    out.print(_streets_table(ctx, hierarchy, zone_map))


def _tier_label(ctx: click.Context, tier: ZoneTier) -> str:
    return label(ctx, f"{tier.value} ({tier.chinese})", tier.chinese)


def _counts_table(ctx: click.Context, zone_map: ZoneMap) -> Table:
    table = Table(title=label(ctx, "Places per tier", "各级别区域数"))
    table.add_column(label(ctx, "level", "层级"))
    for tier in ZoneTier:
        table.add_column(_tier_label(ctx, tier), justify="right")
    for level in _LEVELS:
        counts = zone_map.counts(level)
        if sum(counts.values()):
            name = label(ctx, level, _LEVEL_ZH[level])
            table.add_row(name, *(str(counts[t]) for t in ZoneTier))
    return table


def _streets_table(ctx: click.Context, hierarchy: Hierarchy, zone_map: ZoneMap) -> Table:
    table = Table(title=label(ctx, "Streets", "街道"))
    for en, zh in (("code", "代码"), ("street", "街道"), ("tier", "级别"), ("rule", "依据")):
        table.add_column(label(ctx, en, zh))
    for street in hierarchy.at_level(Level.STREET):
        entry = zone_map[street.code]
        table.add_row(street.code, street.name, _tier_label(ctx, entry.tier), entry.rule)
    return table


def decide(
    activity: str,
    place: str,
    at: str,
    *,
    city: str = "sample",
    policy_file: str | None = None,
) -> Decision:
    """The decision ``urbangov permits`` prints (``at`` as the CLI reads it).

    >>> decide("stall", "S32010500102", "2025-06-01 18:00").rule
    'zones.tiers.strict.default'
    """
    hierarchy = _hierarchy(city)
    policy = _policy(policy_file)
    when = parse_start(at, policy.calendar.tz)
    return zones_module.permits(activity, place, when, policy, hierarchy)


@click.command("permits")
@click.argument("activity")
@click.argument("place")
@click.argument("at")
@click.option(
    "--city",
    default="sample",
    show_default=True,
    help='City file holding PLACE ("sample": the bundled sample district).',
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Policy TOML (its zones section); default: the bundled default policy.",
)
@click.pass_context
def permits_command(
    ctx: click.Context, activity: str, place: str, at: str, city: str, policy_file: str | None
) -> None:
    """Whether ACTIVITY (stall, street_front_trade, night_market…) may take place at PLACE
    (a unit or segment code) at AT ("2025-06-01 18:00", wall-clock time in the policy's
    zone), the rule that decided and until when."""
    try:
        decision = decide(activity, place, at, city=city, policy_file=policy_file)
    except UrbangovError as error:
        fail(error)
        return
    out = console()
    verdict = (
        label(ctx, "[green]allowed[/green]", "[green]允许[/green]")
        if decision.allowed
        else label(ctx, "[red]not allowed[/red]", "[red]不允许[/red]")
    )
    out.print(f"{activity} @ {place}: {verdict}")
    out.print(label(ctx, "Rule", "依据") + f": {decision.rule}")
    out.print(label(ctx, "Why", "理由") + f": {decision.reason}")
    tier = decision.tier
    out.print(label(ctx, "Tier", "级别") + f": {tier.value} ({tier.chinese})")
    if not decision.allowed:
        fined = label(ctx, "yes", "是") if decision.fined else label(ctx, "no", "否")
        lenient = f" ({decision.leniency})" if decision.leniency else ""
        out.print(label(ctx, "Fined", "处罚") + f": {fined}{lenient}")
    until = (
        f"{decision.until:%Y-%m-%d %H:%M} ({decision.until.tzinfo})"
        if decision.until
        else label(ctx, "no change ahead", "此后不变")
    )
    out.print(label(ctx, "Until", "有效至") + f": {until}")
