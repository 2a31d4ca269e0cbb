"""Helpers shared by the CLI commands: the console, labels in two languages, errors."""

from __future__ import annotations

import os
import sys

import click
from rich.console import Console

from urbangov.errors import UrbangovError

__all__ = ["LANGS", "console", "fail", "label"]

LANGS = ("en", "zh")


def console() -> Console:
    """A rich console on standard output: the terminal's width; when output is not a
    terminal, plain text ``COLUMNS`` wide (160 when unset, so pipes keep whole tables)."""
    wide = sys.stdout.isatty() or "COLUMNS" in os.environ
    return Console(highlight=False, soft_wrap=False, width=None if wide else 160)


def label(ctx: click.Context, en: str, zh: str) -> str:
    """Pick the English or Chinese label by the ``--lang`` option."""
    lang = (ctx.find_root().obj or {}).get("lang", "en")
    return zh if lang == "zh" else en


def fail(error: UrbangovError, *, hint: str | None = None) -> None:
    """Print an urbangov error without a traceback and exit with status 1; ``hint``
    replaces the library's hint (which may name Python calls) with one naming CLI flags."""
    if hint is not None:
        error = type(error)(
            error.message, field=error.field, file=error.file, line=error.line, hint=hint
        )
    click.echo(f"error: {type(error).__name__}: {error}", err=True)
    sys.exit(1)
