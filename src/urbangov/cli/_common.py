"""Helpers shared by the CLI commands: the console, labels in two languages, errors."""

from __future__ import annotations

import sys

import click
from rich.console import Console

from urbangov.errors import UrbangovError

__all__ = ["LANGS", "console", "fail", "label"]

LANGS = ("en", "zh")


def console() -> Console:
    """A rich console on standard output; plain text when output is not a terminal."""
    return Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)


def label(ctx: click.Context, en: str, zh: str) -> str:
    """Pick the English or Chinese label by the ``--lang`` option."""
    lang = (ctx.find_root().obj or {}).get("lang", "en")
    return zh if lang == "zh" else en


def fail(error: UrbangovError) -> None:
    """Print an urbangov error without a traceback and exit with status 1."""
    click.echo(f"error: {type(error).__name__}: {error}", err=True)
    sys.exit(1)
