"""The assessment section of ``urbangov demo``: a month's ranking of the sample
district's streets and departments, the year's grades, the red flags and the bond
ledger of 《城市管理协管员考核办法》篇5 §五(二).

The findings are synthetic, drawn from a seeded generator (the same every run): each
unit has a fixed propensity for problems, and each month every item that applies to it
gets a Poisson number of findings (stage, finder and source drawn too). The standard is
the bundled ``long_term_management`` (篇5's twelve modules; urbangov's points).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

import numpy as np
from rich.console import Console
from rich.table import Table

from urbangov.cli.score import ledger_table, money, ranking_table, score_report
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.scoring import (
    AssessedUnit,
    AssessmentRules,
    AssessmentStandard,
    CompositeScore,
    Findings,
    Grade,
    Rounding,
    ScoreSheet,
    annual,
    grade,
    score,
    settle_bonds,
)
from urbangov.vocabulary import Level

__all__ = ["DEPARTMENTS", "demo_section", "synthetic_findings", "units_of"]

#: The district departments the demo scores beside the streets (监管分离: the assessment
#: group scores both, 篇5 §五(一)).
DEPARTMENTS = (
    "cityapp_bureau",
    "hw_station",
    "cons_bureau",
    "housing_bureau",
    "env_bureau",
    "market_bureau",
    "traffic_police",
    "health_bureau",
)
# A fixed propensity for problems per unit (streets, then departments): synthetic.
_PROPENSITY = (0.5, 1.6, 1.0, 2.2, 1.3, 3.2, 0.8, 1.0, 1.5, 0.7, 1.2, 2.0, 0.9, 1.3, 1.1)
_YEAR = 2024
_SEED = 2024


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def units_of(city: City) -> tuple[AssessedUnit, ...]:
    """The seven streets (group 街道) and the district departments (group 部门)."""
    names = {d.code: d.name for d in city.organisation.departments}
    streets = [
        AssessedUnit(code=s.code, name=s.name, group="街道")
        for s in city.hierarchy.at_level(Level.STREET)
    ]
    departments = [
        AssessedUnit(code=c, name=names.get(c, c), kind="department", group="部门")
        for c in DEPARTMENTS
    ]
    return (*streets, *departments)


def synthetic_findings(
    units: tuple[AssessedUnit, ...], standard: AssessmentStandard, month: int
) -> Findings:
    """A month's synthetic findings (seeded: the same every run).

    >>> from urbangov.sim import sample_city
    >>> units = units_of(sample_city())
    >>> std = AssessmentStandard.bundled("long_term_management")
    >>> synthetic_findings(units, std, 5) == synthetic_findings(units, std, 5)
    True
    """
    rng = np.random.default_rng([_SEED, month])
    rows = []
    for unit, propensity in zip(units, _PROPENSITY, strict=False):
        for leaf in standard.leaves():
            if not leaf.applies(unit):
                continue
            for k in range(int(rng.poisson(propensity))):
                rows.append(
                    {
                        "unit": unit.code,
                        "item": leaf.path,
                        "finder": "city" if rng.random() < 0.3 else "district",
                        "stage": ("found", "found", "found", "not_fixed", "repeated")[
                            int(rng.integers(5))
                        ],
                        "source": "monthly" if rng.random() < 0.6 else "random",
                        "id": f"{_YEAR}{month:02d}-{unit.code[-3:]}-{leaf.path}-{k + 1}",
                    }
                )
    return Findings(units=units, findings=rows, period=f"{_YEAR}-{month:02d}", standard=standard.id)


def _year_table(
    lang: str,
    units: tuple[AssessedUnit, ...],
    year: Mapping[str, CompositeScore],
    grades: Mapping[str, Grade | None],
) -> Table:
    table = Table(
        title=_label(
            lang,
            f"{_YEAR}: annual score and grade",
            f"{_YEAR}年：年度得分与等次",
        ),
    )
    table.add_column(_label(lang, "street", "街道"))
    table.add_column(_label(lang, "annual", "年度得分"), justify="right")
    table.add_column(_label(lang, "grade", "等次"))
    for unit in units:
        if unit.group != "街道":
            continue
        g = grades[unit.code]
        shown = "" if g is None else g.chinese if lang == "zh" else g.value
        table.add_row(unit.name, str(year[unit.code].value), shown)
    return table


def demo_section(console: Console, city: City, *, lang: str = "en") -> None:
    """Print May's ranking, the year's grades and the bond ledger."""
    policy = Policy.default()
    rules = AssessmentRules.of(policy)
    standard = AssessmentStandard.bundled("long_term_management")
    units = units_of(city)
    months = {m: synthetic_findings(units, standard, m) for m in range(1, 13)}
    may = score_report(months[5], standard, policy)
    console.print(
        ranking_table(
            may,
            lang=lang,
            title=_label(
                lang,
                f"May {_YEAR} ranking (synthetic findings, seed {_SEED})",
                f"{_YEAR}年5月排名（合成考评数据，种子 {_SEED}）",
            ),
        )
    )
    for group, holders in may.red_flags.items():
        names = "、".join(may.sheets[u].unit.label for u in holders)
        console.print(
            _label(lang, f"Red flag (流动红旗), {group}: {names}", f"流动红旗（{group}）：{names}")
        )
    sheets: dict[str, Mapping[str, ScoreSheet]] = {
        f"{_YEAR}-{m:02d}": score(f, standard) for m, f in months.items()
    }
    year = annual(sheets, missing="skip", rounding=Rounding(places=2))
    cutoffs = rules.value("grades", _dt.date(_YEAR, 1, 1))
    grades = {u.code: grade(year[u.code], cutoffs, group=u.group) for u in units}
    console.print(_year_table(lang, units, year, grades))
    console.print(
        _label(
            lang,
            "Annual score: the mean of 12 months; cut-offs: the default policy's "
            "(优秀 ≥ 90, 达标 ≥ 80).",
            "年度得分为12个月平均；等次分数线为默认政策（优秀≥90，达标≥80）。",
        )
    )
    scheme = rules.street_bonds
    best = max(
        (u for u in units if u.code in scheme.units),
        key=lambda u: (year[u.code].exact or 0, u.code),
    )
    settled = {c: g for c in scheme.units if (g := grades[c]) is not None}
    ledger = settle_bonds(settled, scheme, winners=[best.code])
    table = ledger_table(
        ledger,
        lang=lang,
        title=_label(
            lang,
            f"{_YEAR} bond ledger (yuan)",
            f"{_YEAR}年保证金台账（元）",
        ),
    )
    table.caption = _label(
        lang,
        f"the scheme of 《城市管理协管员考核办法》篇5 §五(二); city winner (synthetic): "
        f"{best.name}; personal bonds of 优秀/达标 returned (the source is silent: a policy "
        "parameter)",
        f"《城市管理协管员考核办法》篇5 §五(二)的保证金制度；市级优胜街道（合成）：{best.name}；"
        "优秀、达标街道的个人保证金返还（原文未规定，政策参数）",
    )
    console.print(table)
    net = ledger.net_cost
    console.print(
        _label(
            lang,
            f"The ledger balances: {ledger.balanced}; the district's net cost {money(net)} yuan.",
            f"台账收支平衡：{'是' if ledger.balanced else '否'}；区财政净支出 {money(net)} 元。",
        )
    )
