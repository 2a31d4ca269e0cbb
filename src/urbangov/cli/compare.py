"""``urbangov compare CITY BASE VARIANT... --replicates N --days D --seed S``: a sweep.

``CITY`` is a city file or ``sample``; ``BASE`` and each ``VARIANT`` a policy file (or
``default``), named by the file's stem; ``BASE`` is the baseline. Every variant runs
``--replicates`` times over the same seeds (``sim.compare``: common random numbers),
in ``--workers`` local processes. The table gives, per metric, each variant's mean
with its 95% interval and its difference from the baseline with its interval;
``--format csv|json`` prints every summary row (``--by street`` adds the streets),
``--out`` saves the comparison (``Comparison.load`` reads it) and ``--plot`` draws it.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io as io_text
import json
import math
import sys
import warnings
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from urbangov import sim
from urbangov.cli._common import console, fail, label
from urbangov.cli.simulate import _city
from urbangov.errors import (
    CalendarCoverageError,
    MissingExtraError,
    ProvisionalCalendarWarning,
    SimulationError,
    UrbangovError,
)
from urbangov.policy import Policy
from urbangov.sim import Comparison, SummaryRow

__all__ = ["compare_command", "render_summary"]

SHOWN = ("on_time_rate", "closure_rate", "filing_rate", "received", "due", "closed", "overdue")
"""The metrics the table shows unless ``--metric`` names others."""
_ZH = {
    "filing_rate": "立案率",
    "dispatch_rate": "派遣率",
    "closure_rate": "结案率",
    "on_time_rate": "按期结案率",
    "rework_rate": "返工率",
    "extension_rate": "延期率",
    "received": "受理数",
    "filed": "立案数",
    "dispatched": "派遣数",
    "voided": "作废数",
    "due": "应结案数",
    "closed": "结案数",
    "closed_on_time": "按期结案数",
    "reworked": "返工数",
    "extended": "延期数",
    "suspended": "缓办数",
    "overdue": "超期数",
}
_FIELDS = ("variant", "metric", "unit", "n", "mean", "low", "high", "diff", "diff_low", "diff_high")


def _number(metric: str, value: float, signed: bool = False) -> str:
    if math.isnan(value):
        return "—"
    if metric.endswith("_rate"):
        return f"{100 * value:+.2f}" if signed else f"{100 * value:.2f}"
    return f"{value:+,.1f}" if signed else f"{value:,.1f}"


def _interval(metric: str, low: float, high: float) -> str:
    if math.isnan(low) or math.isnan(high):
        return "—"
    return f"{_number(metric, low)}…{_number(metric, high)}"


def render_summary(comparison: Comparison, metrics: tuple[str, ...], lang: str = "en") -> Table:
    """The summary of the whole city as a rich table that reads at 80 columns: per
    metric (rates in %), each variant's mean and 95% interval, and its difference from
    the baseline with the interval of the difference.

    >>> import datetime, numpy as np
    >>> c = Comparison(variants=("a", "b"), metrics=("on_time_rate",), units=("total",),
    ...                values=np.array([[[[0.8]], [[0.9]]], [[[0.85]], [[0.97]]]]),
    ...                baseline="a", seed=1,
    ...                start=datetime.datetime(2024, 5, 6, tzinfo=datetime.UTC), days=7)
    >>> render_summary(c, ("on_time_rate",)).row_count
    2
    """
    zh = lang == "zh"
    summary = comparison.summary()
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    headers = (
        ("指标", "方案", "均值", "95% 区间", "差值", "差值 95% 区间")
        if zh
        else ("metric", "variant", "mean", "95% interval", "vs base", "Δ interval")
    )
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i < 2 else "right", overflow="fold")
    for metric in metrics:
        shown = _ZH.get(metric, metric) if zh else metric.replace("_", " ")
        if metric.endswith("_rate"):
            shown += " %"
        for i, variant in enumerate(comparison.variants):
            row: SummaryRow = summary.get(variant, metric)
            base = variant == comparison.baseline
            table.add_row(
                shown if i == 0 else "",
                variant,
                _number(metric, row.mean),
                _interval(metric, row.low, row.high),
                ("基准" if zh else "base") if base else _number(metric, row.diff, signed=True),
                "" if base else _interval(metric, row.diff_low, row.diff_high),
                end_section=i == len(comparison.variants) - 1,
            )
    return table


def _variants(base: str, variants: tuple[str, ...]) -> dict[str, Policy]:
    found: dict[str, Policy] = {}
    for path in (base, *variants):
        name = "default" if path == "default" else Path(path).stem
        if name in found:
            raise SimulationError(
                f"two policies are named {name!r}",
                field="VARIANT",
                hint="give each policy file its own name (the file's stem names the variant)",
            )
        found[name] = Policy.default() if path == "default" else Policy.load(path)
    return found


@click.command("compare")
@click.argument("city")
@click.argument("base")
@click.argument("variants", nargs=-1, required=True)
@click.option(
    "--replicates",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Runs of each policy (2 or more for intervals).",
)
@click.option(
    "--days", type=click.IntRange(min=1), default=7, show_default=True, help="Days measured."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The sweep's seed: replicate r of every policy runs on the same seed.",
)
@click.option(
    "--start",
    "start_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2024-05-06",
    show_default=True,
    help="First day measured (local midnight in the baseline's time zone).",
)
@click.option(
    "--warmup",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Days simulated before --start, so queues are busy when measuring starts.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes [default: up to 2; 1 runs in this process].",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    type=click.Choice(sim.METRICS),
    help="A metric to show (repeat for several) [default: the main rates and counts].",
)
@click.option(
    "--by",
    type=click.Choice(("total", "street")),
    default="total",
    show_default=True,
    help="CSV and JSON rows: the whole city, or also each street.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="Output: a table, or CSV or JSON rows.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory to save the comparison in (Comparison.load reads it).",
)
@click.option(
    "--plot",
    "plot_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Draw the comparison to a .png or .svg file (needs the plot extra).",
)
@click.pass_context
def compare_command(
    ctx: click.Context,
    city: str,
    base: str,
    variants: tuple[str, ...],
    replicates: int,
    days: int,
    seed: int,
    start_date: _dt.datetime,
    warmup: int,
    workers: int | None,
    metrics: tuple[str, ...],
    by: str,
    output: str,
    out_dir: str | None,
    plot_file: str | None,
) -> None:
    """Compare policy VARIANTS with BASE (policy files, or 'default') on CITY (a city
    file, or 'sample') over --replicates seeded runs of --days."""  # fmt: skip
    out = console()
    try:
        policies = _variants(base, variants)
        model = _city(city)
        zone = ZoneInfo(policies[next(iter(policies))].calendar.tz)
        start = start_date.replace(tzinfo=zone)
        executor: object = "serial" if workers == 1 else None
        if workers is not None and workers > 1:
            import concurrent.futures
            import multiprocessing

            executor = concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("spawn")
            )
        with (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=out,
                transient=True,
                disable=not sys.stdout.isatty(),
            ) as bar,
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", ProvisionalCalendarWarning)
            task = bar.add_task(label(ctx, "runs", "运行"), total=len(policies) * replicates)

            def tell(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                comparison = sim.compare(
                    policies, model, start=start, days=days, replicates=replicates, seed=seed,
                    executor=executor, warmup_days=warmup, progress=tell,  # type: ignore[arg-type]
                )  # fmt: skip
            finally:
                if hasattr(executor, "shutdown"):
                    executor.shutdown()
        if out_dir is not None:
            comparison.save(out_dir)
        if plot_file is not None:
            comparison.plot(plot_file)
    except CalendarCoverageError as error:
        fail(error, hint="measure an earlier span (--start, --days, --warmup), or give "
             "policies whose calendar covers the year or is provisional")  # fmt: skip
        return
    except MissingExtraError as error:
        fail(error, hint="install the plot extra (pip install 'urbangov[plot]') or drop --plot")
        return
    except UrbangovError as error:
        fail(error)
        return
    summary = comparison.summary()
    if output in ("csv", "json"):
        rows = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v)
             for k, v in zip(_FIELDS, (r.variant, r.metric, r.unit, r.n, r.mean, r.low,
                                       r.high, r.diff, r.diff_low, r.diff_high), strict=True)}
            for r in summary.rows(None if by == "street" else "total")
            if not metrics or r.metric in metrics
        ]  # fmt: skip
        if output == "json":
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            buffer = io_text.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=_FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            click.echo(buffer.getvalue().rstrip("\n"))
        return
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    out.print(
        label(
            ctx,
            f"{model.name}: {len(policies)} policies × {replicates} replicates, {days} "
            f"day{'s' if days != 1 else ''} "
            f"from {start:%Y-%m-%d}, seed {seed} (common random numbers; "
            f"base {comparison.baseline})",
            f"{model.name}：{len(policies)} 个方案 × {replicates} 次重复，{start:%Y-%m-%d} 起 "
            f"{days} 天，种子 {seed}（共同随机数；基准 {comparison.baseline}）",
        ),
    )
    out.print(render_summary(comparison, metrics or SHOWN, lang))
    if out_dir is not None:
        out.print(label(ctx, f"saved to {out_dir}", f"已保存至 {out_dir}"))
    if plot_file is not None:
        out.print(label(ctx, f"drawn to {plot_file}", f"图已保存至 {plot_file}"))
