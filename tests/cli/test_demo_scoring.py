"""The assessment section of ``urbangov demo``: May's ranking of the seven sample
streets and their departments, red flags, the year's grades and the bond ledger."""

from __future__ import annotations

import io

from click.testing import CliRunner
from rich.cells import cell_len
from rich.console import Console

from urbangov.cli import main
from urbangov.cli.demo_scoring import demo_section
from urbangov.sim import sample_city


def test_the_demo_ranks_streets_and_departments_and_settles_bonds() -> None:
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "May 2024 ranking (synthetic findings, seed 2024)" in out  # said to be synthetic
    assert "Red flag (流动红旗), 街道:" in out
    assert "Red flag (流动红旗), 部门:" in out
    assert "2024: annual score and grade" in out
    assert "bond ledger" in out
    assert "The ledger balances: True" in out
    for street in ("南湖街道", "江心洲街道", "区环卫所"):
        assert street in out


def test_the_demo_section_reads_at_80_columns_in_both_languages() -> None:
    city = sample_city()
    for lang, words in (("en", ("rank", "paid in")), ("zh", ("排名", "缴纳", "流动红旗"))):
        buffer = io.StringIO()
        demo_section(Console(width=80, file=buffer), city, lang=lang)
        text = buffer.getvalue()
        assert max(cell_len(line) for line in text.splitlines()) <= 80
        for word in words:
            assert word in text


def test_the_synthetic_year_is_the_same_every_run() -> None:
    city = sample_city()
    runs = []
    for _ in range(2):
        buffer = io.StringIO()
        demo_section(Console(width=100, file=buffer), city)
        runs.append(buffer.getvalue())
    assert runs[0] == runs[1]
