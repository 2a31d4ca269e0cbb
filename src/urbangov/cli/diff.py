"""``urbangov diff OLD NEW``: the parameters that differ between two policy files."""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from urbangov.cli._common import console, fail, label
from urbangov.errors import PolicyError
from urbangov.params import unstructure
from urbangov.policy import Policy, diff

__all__ = ["diff_command", "show"]


def show(value: object) -> str:
    """A parameter value as one line of TOML-like text (``—`` for an absent entry).

    >>> show((Decimal("0.5"), True, "4 working hours"))
    '[0.5, true, "4 working hours"]'
    >>> show(None)
    '—'
    """
    return "—" if value is None else _inline(unstructure(value))


def _inline(data: Any) -> str:
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, str):
        return json.dumps(data, ensure_ascii=False)
    if isinstance(data, _dt.date | _dt.time):
        return data.isoformat()
    if isinstance(data, int | float | Decimal):
        return str(data)
    if isinstance(data, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in data.items()) + " }"
    if isinstance(data, list):
        return "[" + ", ".join(_inline(v) for v in data) + "]"
    return str(data)


@click.command(name="diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.pass_context
def diff_command(ctx: click.Context, old: Path, new: Path) -> None:
    """List the parameters that differ between policy files OLD and NEW."""
    try:
        changes = diff(Policy.load(old), Policy.load(new))
    except PolicyError as error:
        fail(error)
        return
    out = console()
    if not changes:
        out.print(Text(label(ctx, "The policies are the same.", "两份政策参数相同。")))
        return
    table = Table(title=label(ctx, f"{old} → {new}", f"{old} → {new}"))
    for en, zh in (("parameter", "参数"), ("old", "原值"), ("new", "新值")):
        table.add_column(label(ctx, en, zh), overflow="fold")
    for change in changes:
        table.add_row(Text(change.path), Text(show(change.old)), Text(show(change.new)))
    out.print(table)
    out.print(Text(label(ctx, f"{len(changes)} change(s)", f"共 {len(changes)} 处不同")))
