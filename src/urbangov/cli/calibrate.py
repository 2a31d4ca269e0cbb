"""``urbangov calibrate CITY POLICY --target FILE``: fit a city to published figures.

``CITY`` is a city file or ``sample``, ``POLICY`` a policy file or ``default``, and
``--target`` a calibration target file (``kind = "calibration-target"``: the period and
the published counts and rates; ``docs/howto/calibrate.md``). ``sim.calibrate`` fits
the arrival scale to the volume and the handlers to the on-time rate (``--fit`` names
others); the table gives every figure of the target, what the fitted city achieves,
the relative error and whether it was fitted.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io as io_text
import json
import sys
import warnings
from zoneinfo import ZoneInfo

import click
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from urbangov import sim
from urbangov.cli._common import console, fail, label
from urbangov.cli.simulate import _city
from urbangov.errors import CalendarCoverageError, ProvisionalCalendarWarning, UrbangovError
from urbangov.policy import Policy

__all__ = ["calibrate_command", "render_calibration"]

_FIGURE_HINTS = {
    "target": "raise --tolerance or --max-iterations, or --fit fewer figures",
    "fit": "--fit one volume (received, filed, dispatched) and up to two of closure_rate, "
    "on_time_rate, closed, closed_on_time that the target gives",
    "start": "give --start (the target file has no start)",
    "days": "give --days (the target file has no days)",
}


def _shown(name: str, value: float) -> str:
    return f"{100 * value:.2f}%" if name.endswith("_rate") else f"{value:,.0f}"


def render_calibration(fit: sim.Calibration, lang: str = "en") -> Table:
    """Every figure of the target: published, achieved, relative error, fitted (✓)."""
    zh = lang == "zh"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1))
    headers = (
        ("指标", "公布值", "模拟值", "相对误差", "拟合")
        if zh
        else ("figure", "published", "simulated", "rel. error", "fitted")
    )
    for i, header in enumerate(headers):
        table.add_column(header, justify="left" if i == 0 else "right")
    for name, wanted, achieved, error, fitted in fit.rows():
        table.add_row(
            name.replace("_", " "),
            _shown(name, wanted),
            _shown(name, achieved),
            f"{100 * error:+.1f}%",
            "✓" if fitted else "",
        )
    return table


@click.command("calibrate")
@click.argument("city")
@click.argument("policy")
@click.option(
    "--target",
    "target_file",
    required=True,
    type=click.Path(dir_okay=False),
    help="The published figures: a calibration-target TOML file.",
)
@click.option(
    "--start",
    "start_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First day of the figures' period [default: the target's start].",
)
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Days of the period [default: the target's days].",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The seed of every run.",
)
@click.option(
    "--warmup",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    help="Days simulated before the period.",
)
@click.option(
    "--tolerance",
    type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
    default=0.02,
    show_default=True,
    help="Largest relative error of a fitted figure.",
)
@click.option(
    "--max-iterations",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Most runs to make.",
)
@click.option(
    "--fit",
    "figures",
    multiple=True,
    help="A figure to fit (repeat) [default: the volume and the on-time rate].",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(("table", "csv", "json")),
    default="table",
    show_default=True,
    help="Output: a table, or CSV or JSON rows.",
)
@click.pass_context
def calibrate_command(
    ctx: click.Context,
    city: str,
    policy: str,
    target_file: str,
    start_date: _dt.datetime | None,
    days: int | None,
    seed: int,
    warmup: int,
    tolerance: float,
    max_iterations: int,
    figures: tuple[str, ...],
    output: str,
) -> None:
    """Fit CITY (a city file, or 'sample') under POLICY (a policy file, or 'default')
    to the published figures of --target."""  # fmt: skip
    out = console()
    try:
        rules = Policy.default() if policy == "default" else Policy.load(policy)
        target = sim.load_target(target_file)
        model = _city(city)
        zone = ZoneInfo(rules.calendar.tz)
        start = start_date.replace(tzinfo=zone) if start_date is not None else None
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
            task = bar.add_task(label(ctx, "runs", "运行"), total=max_iterations)

            def tell(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            fit = sim.calibrate(
                model, rules, target, start=start, days=days, seed=seed, warmup_days=warmup,
                tolerance=tolerance, max_iterations=max_iterations, fit=figures or None,
                progress=tell,
            )  # fmt: skip
    except CalendarCoverageError as error:
        fail(error, hint="calibrate to an earlier period (--start, --days, --warmup), or give "
             "a policy whose calendar covers the year or is provisional")  # fmt: skip
        return
    except UrbangovError as error:
        fail(error, hint=_FIGURE_HINTS.get(error.field or "") if not error.file else None)
        return
    if output in ("csv", "json"):
        rows = [
            {"figure": n, "published": w, "simulated": a, "relative_error": e, "fitted": f}
            for n, w, a, e, f in fit.rows()
        ]
        if output == "json":
            data = {"parameters": dict(fit.parameters), "runs": fit.iterations, "figures": rows}
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            buffer = io_text.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            click.echo(buffer.getvalue().rstrip("\n"))
        return
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    p = fit.parameters
    out.print(
        label(
            ctx,
            f"{model.name}: fitted to {target_file} over {fit.days} days from "
            f"{fit.start:%Y-%m-%d} in {fit.iterations} runs (seed {seed}, warm-up {warmup} "
            f"days) — arrivals ×{p['arrival_scale']:.3f}, handlers "
            f"×{p['capacity_scale']:.3f}, handling time ×{p['service_scale']:.3f}",
            f"{model.name}：按 {target_file} 拟合 {fit.start:%Y-%m-%d} 起 {fit.days} 天，"
            f"{fit.iterations} 次运行（种子 {seed}，预热 {warmup} 天）— 案件量 "
            f"×{p['arrival_scale']:.3f}，处置人员 ×{p['capacity_scale']:.3f}，"
            f"处置时长 ×{p['service_scale']:.3f}",
        ),
    )
    out.print(render_calibration(fit, lang))
