"""``urbangov simulate CITY POLICY --days N --seed S --out DIR``: a seeded simulation.

``CITY`` is a city file (``kind = "city"``) or ``sample`` (the bundled sample district);
``POLICY`` a policy file or ``default``. The run (``sim.run``) is saved to ``--out``
(``SimResult.save``: ``result.toml``, ``policy.toml``, ``arrays.npz``) and summarised:
the whole run's counts and rates, and the KPI table by street. A progress bar shows the
stages on a terminal.
"""

from __future__ import annotations

import datetime as _dt
import sys
import warnings
from zoneinfo import ZoneInfo

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from urbangov import kpi as kpi_module
from urbangov import sim
from urbangov.cli._common import console, fail, label
from urbangov.cli.kpi import WIDE, render_kpi
from urbangov.errors import CalendarCoverageError, ProvisionalCalendarWarning, UrbangovError
from urbangov.org import load_city
from urbangov.policy import Policy
from urbangov.vocabulary import Level

__all__ = ["simulate"]


def _city(name: str) -> sim.SyntheticCity:
    if name == "sample":
        return sim.SyntheticCity.sample()
    return sim.SyntheticCity.from_city(load_city(name), name=name)


@click.command("simulate")
@click.argument("city")
@click.argument("policy")
@click.option(
    "--days", type=click.IntRange(min=1), default=30, show_default=True, help="Days to simulate."
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The seed: the same seed gives the same result.",
)
@click.option(
    "--start",
    "start_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2024-05-01",
    show_default=True,
    help="First day (local midnight in the policy's time zone).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory to save the result in (SimResult.load reads it).",
)
@click.pass_context
def simulate(
    ctx: click.Context,
    city: str,
    policy: str,
    days: int,
    seed: int,
    start_date: _dt.datetime,
    out_dir: str | None,
) -> None:
    """Simulate CITY (a city file, or 'sample') under POLICY (a policy file, or
    'default') for --days from --start with --seed; save it to --out."""  # fmt: skip
    out = console()
    try:
        rules = Policy.default() if policy == "default" else Policy.load(policy)
        model = _city(city)
        start = start_date.replace(tzinfo=ZoneInfo(rules.calendar.tz))
        with (
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
                console=out,
                transient=True,
                disable=not sys.stdout.isatty(),
            ) as bar,
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore", ProvisionalCalendarWarning)
            task = bar.add_task(label(ctx, "simulating", "模拟中"), total=1.0)

            def tell(stage: str, done: float) -> None:
                bar.update(task, completed=done, description=stage)

            result = sim.run(model, rules, start=start, days=days, seed=seed, progress=tell)
        if out_dir is not None:
            result.save(out_dir)
    except CalendarCoverageError as error:
        fail(
            error,
            hint="simulate an earlier span (--start, --days), or give a policy whose "
            "calendar covers the year or is provisional",
        )
        return
    except UrbangovError as error:
        fail(error)
        return
    total = result.kpi("month").total()
    lang = "zh" if label(ctx, "en", "zh") == "zh" else "en"
    summary = label(
        ctx,
        f"{model.name}: {days} days from {start:%Y-%m-%d}, seed {seed} — "
        f"{result.cases.n_cases:,} reports, on-time "
        f"{kpi_module.percent(kpi_module.on_time_rate(total))}%",
        f"{model.name}：{start:%Y-%m-%d} 起 {days} 天，种子 {seed} — "
        f"上报 {result.cases.n_cases:,} 件，按期结案率 "
        f"{kpi_module.percent(kpi_module.on_time_rate(total))}%",
    )
    if result.provisional:
        summary += label(ctx, " (provisional calendar)", "（暂定日历）")
    out.print(summary)
    if "street" in result.kpis:
        names = {u.code: u.name for u in model.city.hierarchy.at_level(Level.STREET)}
        out.print(
            render_kpi(
                result.kpi("street"),
                by="street",
                period="month",
                lang=lang,
                names=names,
                wide=out.width >= WIDE,
            )
        )
    if out_dir is not None:
        out.print(label(ctx, f"saved to {out_dir}", f"已保存至 {out_dir}"))
