"""``urbangov demo``: real output from the sample district, in English and Chinese."""

from __future__ import annotations

import datetime as dt
import io

from click.testing import CliRunner

from urbangov.cli import main
from urbangov.policy import Policy
from urbangov.sim import SimResult, sample_city


def _demo(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_shows_the_sample_district_and_a_worked_case() -> None:
    out = _demo()
    # the seven streets of 《城市管理协管员考核办法》篇5 §五(二)
    for street in (
        "南湖街道",
        "滨湖街道",
        "兴隆街道",
        "南苑街道",
        "沙洲街道",
        "双闸街道",
        "江心洲街道",
    ):
        assert street in out
    assert "grid (网格)" in out
    assert "362" in out  # grids in the sample district
    # two grids of different streets are coordinated by the district
    assert "示例区 (320105)" in out
    # the duty matrix: city-list roads → the sanitation station
    # (《城市管理协管员考核办法》篇5 §二(一))
    assert "road.city_list" in out
    assert "区环卫所" in out
    # 暴露垃圾 dispatched Fri 2024-09-27 16:20, 4 working hours → make-up Sunday 11:20
    assert "due Sun 2024-09-29 11:20" in out
    # a simulated month of the sample district, and the limit comparison on one seed
    assert "A simulated month: May 2024 in the sample district" in out
    # its escalations and scores, and a simulated year's bonds
    assert "Time-out steps and triggers by street, May 2024 (simulated)" in out
    assert "Escalation 2: case C" in out
    assert "May 2024 ranking (the simulated month)" in out
    assert "2024 bond ledger (yuan)" in out
    assert "Exposed garbage (暴露垃圾): 4 or 2 working hours, same seed" in out
    assert "earliest due first" in out
    # tiered zones: the 公主岭 market hours (04:30–07:30) on a sample community
    assert "Grids per tier by street" in out
    assert "zones.areas.shuangzha_market" in out
    assert "until 06-07 07:30" in out
    assert "Patrol plan of 南湖街道" in out


def test_demo_in_chinese_uses_chinese_labels() -> None:
    out = _demo("--lang", "zh")
    assert "示例区：各级单位数" in out
    assert "处置时限至 2024-09-29 11:20" in out
    assert "按期结案率" in out
    assert "模拟一个月" in out
    assert "先到期先办" in out
    assert "各街道各级别网格数" in out
    assert "南湖街道巡查安排" in out
    assert "升级示例二" in out
    assert "2024年5月排名（模拟月份）" in out
    assert "2024年保证金台账（元）" in out


def test_the_simulation_section_fits_80_columns_without_cropping(demo_month: SimResult) -> None:
    from rich.cells import cell_len
    from rich.console import Console

    from urbangov.cli.demo_sim import demo_section

    console = Console(width=80, record=True, file=io.StringIO())
    assert demo_section(console, result=demo_month) is demo_month
    text = console.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    # every cell whole: the street names, the rates, the variant names
    for word in ("江心洲街道", "first dispatched first", "earliest due first", "on-time %"):
        assert word in text
    # the month shown is the result's: its reports and each street's KPI row
    assert f"seed 2024 ({demo_month.cases.n_cases:,} reports" in " ".join(text.split())
    may = dt.date(2024, 5, 1)
    for street in sample_city().hierarchy.at_level("street"):
        c = demo_month.kpi("street").get((street.code, may))
        row = f"{street.name} 2024-05 {c.received} {c.due} {c.closed} {c.closed_on_time}"
        assert row in " ".join(text.split())


def test_the_demo_runs_its_simulations_with_the_governance_they_show(
    demo_month: SimResult,
) -> None:
    from urbangov.cli.demo_sim import DAYS, SEED, START

    assert (demo_month.start, demo_month.days, demo_month.seed) == (START, DAYS, SEED)
    assert demo_month.policy == Policy.default()
    assert demo_month.escalations is not None
    assert demo_month.scores is not None
    assert demo_month.scores.months == (dt.date(2024, 5, 1),)
