"""The ``urbangov`` command line (click + rich).

Each command lives in its own module of this package and is registered here.

>>> from click.testing import CliRunner
>>> CliRunner().invoke(main, ["--version"]).output.startswith("urbangov ")
True
"""

from __future__ import annotations

import click

from urbangov._version import __version__
from urbangov.cli._common import LANGS
from urbangov.cli.calibrate import calibrate_command
from urbangov.cli.compare import compare_command
from urbangov.cli.deadline import deadline
from urbangov.cli.demo import demo
from urbangov.cli.diff import diff_command
from urbangov.cli.escalation import escalation_command
from urbangov.cli.impact import impact_command
from urbangov.cli.kpi import kpi
from urbangov.cli.rule_cases import rule_test_command
from urbangov.cli.score import score_command
from urbangov.cli.simulate import simulate
from urbangov.cli.validate import validate
from urbangov.cli.zones import permits_command, zones_command

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="urbangov", message="%(prog)s %(version)s")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="en",
    show_default=True,
    help="Language of table labels.",
)
@click.pass_context
def main(ctx: click.Context, lang: str) -> None:
    """urbangov: city-management governance rules (城市管理, 网格化管理, 数字城管)."""
    ctx.ensure_object(dict)
    ctx.obj["lang"] = lang


main.add_command(demo)
main.add_command(diff_command)
main.add_command(validate)
main.add_command(deadline)
main.add_command(kpi)
main.add_command(simulate)
main.add_command(compare_command)
main.add_command(calibrate_command)
main.add_command(zones_command)
main.add_command(permits_command)
main.add_command(score_command)
main.add_command(rule_test_command)
main.add_command(impact_command)
main.add_command(escalation_command)
