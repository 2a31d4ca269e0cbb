"""Published monthly rankings, reproduced from their published parts under an explicit
rounding and tie rule.

Each figure is embedded with the address it was read from (never fetched at test time).
A published total is computed from unrounded parts and then rounded; the bulletins print
the parts rounded too, so a total recomputed from the printed parts can differ from the
printed one by 0.01, and two totals equal at 0.01 still have an order. Both are why
``rank`` takes a precision and a tie rule, and why the comparison is to 0.01.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from urbangov import Policy
from urbangov.scoring import (
    AssessmentRules,
    AssessmentStandard,
    Cutoffs,
    Findings,
    Grade,
    Rounding,
    TieRule,
    black_list,
    composite,
    grade,
    rank,
    red_flag,
    red_list,
    score,
)

# ---------------------------------------------------------------------------------------
# 南通, 8月份南通市区城市长效综合管理考核通报 (2017-09-21), read at
# http://jsnews.jschina.com.cn/nt/a/201709/t20170921_1060220.shtml
# "根据《南通市市区城市长效管理考核办法》, 现将8月份市区各街道城市长效管理考核结果通报如下":
# 街道名称, 系统考核得分 (占40%), 现场考核得分 (占40%), 履职考核得分 (占20%), 总分, 排名.
# The copy read is cut off inside row 20 (城东街道 96.92 83.68 92.05 90.…): rows 1–19.
NANTONG_2017_08 = [
    ("中兴街道", "95.65", "93.73", "95.80", "94.91", 1),
    ("文峰街道", "95.37", "93.80", "96.15", "94.90", 2),
    ("港闸开发区", "95.67", "93.93", "93.10", "94.46", 3),
    ("新开街道", "95.32", "93.50", "93.90", "94.31", 4),
    ("钟秀街道", "95.20", "92.95", "95.25", "94.31", 5),
    ("小海街道", "95.04", "93.23", "94.40", "94.19", 6),
    ("秦灶街道", "95.55", "93.03", "93.55", "94.14", 7),
    ("陈桥街道", "95.04", "92.73", "94.85", "94.08", 8),
    ("幸福街道", "95.00", "93.88", "91.65", "93.88", 9),
    ("唐闸镇街道", "94.17", "92.00", "95.20", "93.51", 10),
    ("狼山镇街道", "95.00", "92.13", "91.30", "93.11", 11),
    ("金沙街道", "95.53", "91.01", "91.60", "92.93", 12),
    ("金新街道", "95.00", "92.42", "87.55", "92.48", 13),
    ("虹桥街道", "95.28", "87.03", "94.55", "91.83", 14),
    ("任港街道", "95.33", "90.23", "85.30", "91.28", 15),
    ("和平桥街道", "94.57", "89.03", "88.80", "91.20", 16),
    ("竹行街道", "95.24", "87.70", "89.80", "91.14", 17),
    ("新城桥街道", "94.70", "87.15", "91.80", "91.10", 18),
    ("学田街道", "94.99", "85.90", "91.90", "90.74", 19),
]
# 系统 40% + 现场 40% + 履职 20% (the bulletin's header; 通办发〔2016〕7号).
NANTONG_WEIGHTS = {"system": Decimal("0.4"), "on_site": Decimal("0.4"), "duty": Decimal("0.2")}
# The rule that reproduces the published order: totals compared at 0.01; equal ones
# ordered by the system score, higher first. The bulletin does not state its tie rule;
# this one is consistent with the whole table (新开 and 钟秀 both print 94.31).
NANTONG_TIE = TieRule(then=("system",))


def nantong_composites() -> dict[str, object]:
    return {
        name: composite(
            {"system": Decimal(a), "on_site": Decimal(b), "duty": Decimal(c)},
            NANTONG_WEIGHTS,
            rounding=Rounding(places=2, step="total"),
        )
        for name, a, b, c, _, _ in NANTONG_2017_08
    }


def test_nantong_totals_are_reproduced_to_001() -> None:
    totals = nantong_composites()
    for name, _, _, _, published, _ in NANTONG_2017_08:
        assert abs(totals[name].value - Decimal(published)) <= Decimal("0.01"), name  # type: ignore[attr-defined]
    # 18 of 19 exactly; 金沙街道 recomputes to 92.936 → 92.94 from its printed parts and
    # prints 92.93: its unrounded parts were lower (a total is rounded from unrounded
    # parts, the parts printed rounded)
    off = [n for n, *_, published, _ in NANTONG_2017_08 if totals[n].value != Decimal(published)]  # type: ignore[attr-defined]
    assert off == ["金沙街道"]
    assert totals["金沙街道"].exact == Decimal("92.936")  # type: ignore[attr-defined]


def test_nantong_ranks_are_reproduced_with_precision_and_tie_rule() -> None:
    ranking = rank(nantong_composites(), tie=NANTONG_TIE, precision=Decimal("0.01"))
    assert [(e.unit, e.rank) for e in ranking.entries] == [
        (name, published) for name, *_, published in NANTONG_2017_08
    ]


def test_nantong_order_needs_the_tie_rule() -> None:
    totals = nantong_composites()
    # compared exactly from the printed parts, 钟秀 (94.310) is ahead of 新开 (94.308):
    # the opposite of the bulletin, whose parts were unrounded
    exact = rank(totals, tie="share", precision=None)
    assert (exact.rank_of("钟秀街道"), exact.rank_of("新开街道")) == (4, 5)
    # at 0.01 without a tie rule they share 4th place (competition ranking 4, 4, 6)
    shared = rank(totals, tie="share", precision=Decimal("0.01"))
    assert (shared.rank_of("新开街道"), shared.rank_of("钟秀街道"), shared.rank_of("小海街道")) == (
        4,
        4,
        6,
    )


def test_nantong_through_a_standard_of_given_parts() -> None:
    # The same table scored as a standard: three items of 100 points weighted 0.4 / 0.4
    # / 0.2, each a mark (the published part); the sheets rank as the composites do.
    standard = AssessmentStandard(
        id="nantong_long_term",
        total=100,
        items=[
            {"id": part, "points": 100, "weight": w, "rules": [{"kind": "given"}]}
            for part, w in NANTONG_WEIGHTS.items()
        ],
    )
    marks = [
        {"unit": name, "item": part, "value": Decimal(value)}
        for name, *parts, _, _ in NANTONG_2017_08
        for part, value in zip(NANTONG_WEIGHTS, parts, strict=True)
    ]
    sheets = score(Findings(marks=marks), standard)
    assert {n: s.total for n, s in sheets.items()} == {
        n: c.value  # type: ignore[attr-defined]
        for n, c in nantong_composites().items()
    }
    ranking = rank(sheets, tie=NANTONG_TIE, precision=Decimal("0.01"))
    assert [e.rank for e in ranking.entries] == list(range(1, 20))


def test_nantong_with_the_default_policy() -> None:
    # the default policy's composite weights are 南通's; a city reform sets its tie rule
    policy = Policy.default().reform({"assessment.tie": {"then": ["system"]}})
    rules = AssessmentRules.of(policy)
    august = date(2017, 8, 1)
    assert dict(rules.composite_weights.at(august)) == NANTONG_WEIGHTS
    tie = rules.tie.at(august)
    precision = rules.ranking_precision.at(august)
    ranking = rank(nantong_composites(), tie=tie, precision=precision)
    assert ranking.rank_of("钟秀街道") == 5
    totals = nantong_composites()
    # 流动红旗 to the first; the red list of the default length 5; the bottom of the 19
    assert red_flag(totals, tie, precision=precision) == ("中兴街道",)
    assert red_list(totals, 5, precision=precision) == (
        "中兴街道",
        "文峰街道",
        "港闸开发区",
        "新开街道",
        "钟秀街道",
    )
    assert black_list(totals, 1, precision=precision) == ("学田街道",)


# ---------------------------------------------------------------------------------------
# 咸宁, 2023年6月份城市管理工作月度综合评价 (2023-07-13), read at
# http://news.xnnews.com.cn/xwjj_1/202307/t20230713_3158500.shtml
# 得分 = 城市管理工作月度综合评价 × 90% + 住宅小区"红色物业" × 10% (the parts are in a
# chart, not printed): the seven areas' totals and ranks.
XIANNING_2023_06 = [
    ("中心城区", "91.26"),
    ("通山县", "90.60"),
    ("咸安区", "90.57"),
    ("嘉鱼县", "90.17"),
    ("崇阳县", "88.80"),
    ("通城县", "88.41"),
    ("赤壁市", "87.90"),
]


def test_xianning_ranking_of_published_totals() -> None:
    scores = {name: Decimal(total) for name, total in reversed(XIANNING_2023_06)}
    ranking = rank(scores, tie="share", precision=Decimal("0.01"))
    assert [(e.unit, e.rank) for e in ranking.entries] == [
        (name, i) for i, (name, _) in enumerate(XIANNING_2023_06, start=1)
    ]


# ---------------------------------------------------------------------------------------
# 许昌 数字城管 monthly results (2021-10), read at
# http://xuchang.gov.cn/ywdt/001002/20211109/aa69e651-fb2d-4880-8e2a-9d5390bf671e.html
# Scores 93.46 优秀, 88 良好, 82.94 and 75.07 合格; a unit with no data is listed as
# 无数据 and not ranked. The report gives the grades, not the cut-offs: 90 / 85 / 60 are
# assumed here (consistent with every grade it prints).
XUCHANG_2021_10 = {
    "A": ("93.46", Grade.EXCELLENT),
    "B": ("88", Grade.GOOD),
    "C": ("82.94", Grade.PASS),
    "D": ("75.07", Grade.PASS),
}


def test_xuchang_grades_and_no_data() -> None:
    cuts = Cutoffs.of({"excellent": 90, "good": 85, "pass": 60}, below="fail")
    scores: dict[str, Decimal | None] = {u: Decimal(s) for u, (s, _) in XUCHANG_2021_10.items()}
    scores["E"] = None  # 无数据
    assert {u: grade(s, cuts) for u, s in scores.items()} == {
        **{u: g for u, (_, g) in XUCHANG_2021_10.items()},
        "E": None,
    }
    ranking = rank(scores, tie="share", precision=Decimal("0.01"))
    assert [(e.unit, e.rank) for e in ranking.entries] == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
        ("D", 4),
        ("E", None),
    ]
    assert ranking.no_data == ("E",)


# ---------------------------------------------------------------------------------------
# 首都城市环境建设管理考核, 2023年6月 (published 2023-08-11; copy read at
# https://www.huajuxinxi.com/xinwenzhongxin/2821.html): a 1,000-point deduction scale
# (接诉即办和主动治理 400, 小卫星监测和视频监控 300, 督导检查 200, 监督执法 100) ranked within
# four groups; first and last of each group.
BEIJING_2023_06 = {
    "核心区和城市副中心": [("东城区", 901), ("通州区", 885)],
    "中心城区": [("石景山区", 892), ("丰台区", 870)],
    "平原新城": [("大兴区", 898), ("顺义区", 892)],
    "生态涵养区": [("怀柔区", 906), ("平谷区", 870)],
}


@pytest.mark.parametrize("group", sorted(BEIJING_2023_06))
def test_beijing_ranks_within_groups(group: str) -> None:
    scores = {d: Decimal(s) for rows in BEIJING_2023_06.values() for d, s in rows}
    groups = {d: g for g, rows in BEIJING_2023_06.items() for d, _ in rows}
    ranking = rank(scores, tie="share", precision=Decimal("1"), groups=groups)
    first, last = BEIJING_2023_06[group]
    assert [(e.unit, e.rank) for e in ranking.group(group)] == [(first[0], 1), (last[0], 2)]
    in_group = {d: s for d, s in scores.items() if groups[d] == group}
    assert red_flag(in_group, TieRule(), precision=Decimal("1")) == (first[0],)


# ---------------------------------------------------------------------------------------
# 株洲 垃圾分类 monthly assessment (2021-06), read at
# https://www.bjadzs.com/c7979/20211216/i1806738 : ranks 1–5 get +2, +1, 0, −0.5, −1 on
# the monthly total. The totals below are illustrative; the adjustments are the source's.


def test_zhuzhou_rank_adjustments() -> None:
    standard = AssessmentStandard(
        id="zhuzhou_sorting",
        total=100,
        items=[
            {"id": "monthly", "points": 100, "rules": [{"kind": "given"}]},
            {
                "id": "rank",
                "points": 2,
                "floor": -1,
                "bonus": True,
                "rules": [{"kind": "rank_adjust", "by_rank": [2, 1, 0, Decimal("-0.5"), -1]}],
            },
        ],
    )
    totals = {"荷塘区": "92.5", "芦淞区": "90", "石峰区": "90", "天元区": "88.1", "渌口区": "85"}
    marks = [{"unit": u, "item": "monthly", "value": Decimal(v)} for u, v in totals.items()]
    sheets = score(Findings(marks=marks), standard)
    # ranks 1, 2, 2, 4, 5: tied units share a rank and its adjustment
    assert {u: s.total for u, s in sheets.items()} == {
        "荷塘区": Decimal("94.50"),
        "芦淞区": Decimal("91.00"),
        "石峰区": Decimal("91.00"),
        "天元区": Decimal("87.60"),
        "渌口区": Decimal("84.00"),
    }
    assert "rank 2 of 5" in sheets["石峰区"].explain()
