"""The limit-table part of ``urbangov deadline``: ``--category``, ``--zone``, ``--urgency``.

``urbangov deadline --category 暴露垃圾 --zone strict --urgency normal`` prints the handling
time limit (处置时限) that applies and why — the category's row, its major class's or the
default row; the zone tier given or the table's default tier; the urgency, or the normal
limit an urgent case falls back to — under the default policy, or ``--policy FILE``, at
``--on DATE`` (default today). With ``START`` the due time of that limit follows.

:func:`rule_options` adds the options to a click command; :func:`applied_limit` looks
the limit up (no I/O but reading ``--policy``); :func:`render_applied` prints it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from urbangov.calendar import TimeLimit
from urbangov.cli._common import console
from urbangov.deadlines import AppliedLimit, lookup
from urbangov.errors import CalendarError, PolicyError
from urbangov.policy import Policy

__all__ = ["applied_limit", "render_applied", "resolve_limit", "rule_options"]

F = TypeVar("F", bound=Callable[..., Any])

_LEVELS = {
    "category": ("the category's own row", "本小类的时限"),
    "major_class": ("its major class's row", "所属大类的时限"),
    "default": ("the table's default row", "时限表的默认值"),
}


def rule_options(command: F) -> F:
    """Add ``--category``, ``--zone``, ``--urgency``, ``--policy`` and ``--on``."""
    options = [
        click.option(
            "--category",
            default=None,
            help="Case category: slug, Chinese name or code (暴露垃圾, E0102).",
        ),
        click.option(
            "--zone",
            default=None,
            help="Zone tier: strict/control/general/regulated or 严管区… (default: the "
            "table's default tier).",
        ),
        click.option(
            "--urgency",
            default="normal",
            show_default=True,
            help="normal (一般) or urgent (紧急).",
        ),
        click.option(
            "--policy",
            "policy_file",
            default=None,
            type=click.Path(dir_okay=False),
            help="A policy file (default: the bundled default policy).",
        ),
        click.option(
            "--on",
            "on_date",
            default=None,
            help="Date whose rules apply, YYYY-MM-DD (a case's filing date; default today).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def applied_limit(
    category: str,
    zone: str | None = None,
    urgency: str = "normal",
    *,
    policy_file: str | None = None,
    on_date: str | _dt.date | None = None,
) -> AppliedLimit:
    """The limit for a category, zone tier and urgency under a policy at a date.

    >>> applied = applied_limit("暴露垃圾", "strict", on_date="2024-05-06")
    >>> str(applied.limit), applied.level, applied.tier.value
    ('4 working hours', 'category', 'strict')
    """
    policy = Policy.load(policy_file) if policy_file else Policy.default()
    slug = policy.taxonomy().resolve(category, field="--category").slug
    if on_date is None:
        on = _dt.date.today()
    elif isinstance(on_date, _dt.date):
        on = on_date
    else:
        try:
            on = _dt.date.fromisoformat(on_date)
        except ValueError:
            raise PolicyError(
                f"{on_date!r} is not a date", field="--on", hint="write YYYY-MM-DD"
            ) from None
    return lookup(policy, slug, urgency, zone, on=on)


def render_applied(ctx: click.Context, applied: AppliedLimit, out: Console) -> None:
    """Print the limit that applied and why (in ``--lang``)."""
    lang = (ctx.find_root().obj or {}).get("lang", "en")
    zh = lang == "zh"
    level_en, level_zh = _LEVELS[applied.level]
    if zh:
        tier = applied.tier.chinese + (
            "（默认级别）" if applied.tier_from == "default_tier" else ""
        )
        urgency = applied.urgency.chinese + (
            "（无紧急时限，按一般）" if applied.urgent_fallback else ""
        )
        out.print(f"处置时限: [bold]{applied.limit.chinese}[/bold]")
        out.print(f"依据: {level_zh} ({applied.key}); 级别 {tier}; 紧急程度 {urgency}")
        out.print(f"规则日期: {applied.on}")
    else:
        out.print(f"Limit: [bold]{applied.limit}[/bold]")
        out.print(f"Why: {applied.reason()}")
        out.print(f"Row: {level_en} ({applied.key})")


def resolve_limit(
    ctx: click.Context,
    rule: dict[str, Any],
    start: _dt.datetime | None,
    limit: str | None,
) -> TimeLimit | None:
    """The limit ``urbangov deadline`` computes a due time for, or ``None`` when there is
    nothing more to show.

    Without ``--category``, ``START`` and ``LIMIT`` are both needed. With it, the limit
    that applies is printed (with why) and used; ``LIMIT`` must then be absent, and the
    rules are those of ``--on`` or else of ``START``'s date.
    """
    category = rule.get("category")
    if category is None:
        given = [f"--{k}" for k in ("zone", "on") if rule.get(_KEYS[k]) is not None]
        if given:
            raise PolicyError(
                f"{', '.join(given)} needs --category", field=given[0], hint="add --category"
            )
        if start is None or limit is None:
            raise CalendarError(
                "missing START or LIMIT",
                field="LIMIT" if start is not None else "START",
                hint='give e.g. "2024-09-30 17:00" "5 working days", or --category 暴露垃圾',
            )
        return TimeLimit.parse(limit, field="LIMIT")
    if limit is not None:
        raise PolicyError(
            "give LIMIT or --category, not both",
            field="--category",
            hint="leave LIMIT out to use the policy's limit",
        )
    on = rule.get("on_date") or (start.date() if start is not None else None)
    applied = applied_limit(
        category,
        rule.get("zone"),
        rule.get("urgency") or "normal",
        policy_file=rule.get("policy_file"),
        on_date=on,
    )
    render_applied(ctx, applied, console())
    return applied.limit if start is not None else None


_KEYS = {"zone": "zone", "policy": "policy_file", "on": "on_date"}
