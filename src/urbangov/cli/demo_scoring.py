"""The assessment section of ``urbangov demo``: the simulated month's ranking of the
sample district's streets and departments with their grades and red flags, then a
simulated year — its annual grades and the bond ledger of 《城市管理协管员考核办法》篇5
§五(二).

Nothing here is made up: the month's scores are ``result.scores`` of the simulation
section's run (the policy's standard, ``digital_city_management``, scored on the month's
KPI counts, cases sent back, daily handling and triggers); the year is one more run of
the whole of 2024 on the same seed, whose twelve monthly scores are averaged into the
annual scores that grade the streets and settle their bonds.
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from urbangov import sim
from urbangov.cli.score import ScoreReport, ledger_table, money, ranking_table
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.scoring import AssessmentRules
from urbangov.vocabulary import Level

__all__ = ["YEAR", "demo_section", "month_report", "simulated_year"]

YEAR = 2024
_SEED = 2024


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def simulated_year() -> sim.SimResult:
    """The whole of 2024 in the sample district under the default policy, seed 2024."""
    start = _dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    return sim.run(sim.SyntheticCity.sample(), Policy.default(), start=start, days=366, seed=_SEED)


def month_report(result: sim.SimResult, month: _dt.date) -> ScoreReport:
    """A month of ``result.scores`` as ``urbangov score`` shows one."""
    scores = result.scores
    if not isinstance(scores, sim.Assessment):
        raise TypeError("the demo reads the built-in assessment")
    return ScoreReport(
        scores.sheets[month], scores.rankings[month], scores.grades[month], scores.red_flags[month]
    )


def _year_table(lang: str, city: City, year: sim.SimResult) -> Table:
    scores = year.scores
    assert isinstance(scores, sim.Assessment)
    table = Table(
        title=_label(
            lang, f"{YEAR}, simulated: annual score and grade", f"模拟 {YEAR} 年：年度得分与等次"
        ),
        caption=_label(
            lang,
            f"a run of the whole year (366 days), seed {_SEED}; red flags: months holding "
            "the streets' red flag",
            f"全年一次模拟（366 天），种子 {_SEED}；流动红旗：获街道流动红旗的月数",
        ),
    )
    table.add_column(_label(lang, "street", "街道"))
    table.add_column(_label(lang, "annual", "年度得分"), justify="right")
    table.add_column(_label(lang, "grade", "等次"))
    table.add_column(_label(lang, "red flags", "流动红旗"), justify="right")
    flags = {
        code: sum(code in f.get("街道", ()) for f in scores.red_flags.values())
        for code in scores.annual
    }
    for street in city.hierarchy.at_level(Level.STREET):
        g = scores.annual_grades[street.code]
        shown = "" if g is None else g.chinese if lang == "zh" else g.value
        value = scores.annual[street.code].value
        table.add_row(
            street.name, "" if value is None else str(value), shown, str(flags[street.code])
        )
    return table


def demo_section(
    console: Console,
    city: City,
    result: sim.SimResult,
    *,
    lang: str = "en",
    year: sim.SimResult | None = None,
) -> None:
    """Print the month's ranking, the year's grades and the bond ledger."""
    month = result.scores.months[0] if isinstance(result.scores, sim.Assessment) else None
    if month is None:
        raise TypeError("the demo reads the built-in assessment")
    report = month_report(result, month)
    standard = AssessmentRules.of(result.policy).value("standard", month)
    table = ranking_table(
        report,
        lang=lang,
        title=_label(
            lang,
            f"{month:%B %Y} ranking (the simulated month)",
            f"{month:%Y年%-m月}排名（模拟月份）",
        ),
    )
    table.caption = _label(
        lang,
        f"standard {standard}, "
        "scored on the month's KPI counts, cases sent back, daily handling and triggers; "
        "a street answers for its office (街道办事处); no data: a rate the standard reads "
        "had no cases (无数据, not ranked)",
        f"考核标准 {standard}，"
        "依据当月考核数据、返工案件、当日处置与问责触发评分；街道办事处计入所在街道；"
        "无数据：考核标准所需比率无案件，不参与排名",
    )
    console.print(table)
    for group, holders in report.red_flags.items():
        names = "、".join(report.sheets[u].unit.label for u in holders) or _label(
            lang, "nobody", "空缺"
        )
        console.print(
            _label(lang, f"Red flag (流动红旗), {group}: {names}", f"流动红旗（{group}）：{names}")
        )
    if year is None:
        year = simulated_year()
    scores = year.scores
    assert isinstance(scores, sim.Assessment)
    console.print(_year_table(lang, city, year))
    rules = AssessmentRules.of(year.policy)
    cuts = rules.value("grades", scores.months[0])["default"]
    steps = "、".join(f"{c.grade.chinese} ≥ {c.at_least}" for c in cuts.steps)
    console.print(
        _label(
            lang,
            f"Annual score: the mean of the {len(scores.months)} simulated months' totals; "
            f"cut-offs: the default policy's ({steps}).",
            f"年度得分为 {len(scores.months)} 个模拟月份得分的平均；"
            f"等次分数线为默认政策（{steps}）。",
        )
    )
    ledger = scores.bonds
    if ledger is None:  # pragma: no cover - the sample district is the scheme's
        return
    table = ledger_table(
        ledger,
        lang=lang,
        title=_label(lang, f"{YEAR} bond ledger (yuan)", f"{YEAR}年保证金台账（元）"),
    )
    table.caption = _label(
        lang,
        "the scheme of 《城市管理协管员考核办法》篇5 §五(二) on the simulated year's grades; no "
        "city winner (the city's choice is not simulated); personal bonds of 优秀/达标 "
        "returned (the source is silent: a policy parameter)",
        "《城市管理协管员考核办法》篇5 §五(二)的保证金制度，按模拟全年等次结算；不设市级优胜"
        "（未模拟市政府评选）；优秀、达标街道的个人保证金返还（原文未规定，政策参数）",
    )
    console.print(table)
    esc = year.escalations
    assert isinstance(esc, sim.Escalations)
    taken = esc.counts["month"].total()
    criticised = taken.get("written_criticism", 0)
    reminded = taken.get("reminder_notice", 0)
    console.print(
        _label(
            lang,
            f"The ledger balances: {ledger.balanced}; the district's net cost "
            f"{money(ledger.net_cost)} yuan. In the simulated year {reminded:,} cases were "
            f"reminded (《催办通知书》) and {criticised:,} criticised in writing.",
            f"台账收支平衡：{'是' if ledger.balanced else '否'}；区财政净支出 "
            f"{money(ledger.net_cost)} 元。模拟全年发出《催办通知书》{reminded:,} 件，"
            f"书面通报批评 {criticised:,} 件。",
        )
    )
