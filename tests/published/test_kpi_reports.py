"""Published city reports, reproduced exactly from their published counts.

Each figure is embedded with the address it was read from (never fetched at test time).
Only figures whose counts *and* rates are both published are tested; where a report
uses another definition or another rounding, the comment says so and the test checks
what the report does publish.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from urbangov.kpi import (
    KpiCounts,
    closure_rate,
    dispatch_rate,
    extension_rate,
    filing_rate,
    on_time_rate,
    percent,
    rework_rate,
)


def report(
    *,
    received: int = 0,
    filed: int = 0,
    dispatched: int = 0,
    due: int,
    closed: int,
    closed_on_time: int,
    reworked: int = 0,
    extended: int = 0,
) -> KpiCounts:
    """A report's counts; overdue (not published) is what the definitions imply."""
    return KpiCounts(
        received=received,
        filed=filed,
        dispatched=dispatched,
        due=due,
        closed=closed,
        closed_on_time=closed_on_time,
        overdue=due - closed_on_time,
        reworked=reworked,
        extended=extended,
    )


def pct(text: str) -> Decimal:
    return Decimal(text)


# ---------------------------------------------------------------------------------------
# 郑州 weekly report, 2019-04-08..14 (每周运行分析报告, 2019年4月8日至4月14日), city-wide
# digital city-management statistics; the districts in it (金水区, 管城区, 二七区,
# 郑东新区) are Zhengzhou's. Read from https://lzszcg.com/gsggs/2161.htm
# ---------------------------------------------------------------------------------------

ZHENGZHOU_WEEK = report(
    received=51571,  # 受理数
    filed=51229,  # 立案数
    dispatched=49151,  # 派遣数
    due=52434,  # 应结案数
    closed=43523,  # 结案数
    closed_on_time=40394,  # 按期结案数
    reworked=276,  # 返工数
    extended=104,  # 延期数
)


def test_zhengzhou_week_2019_04_08_all_cases() -> None:
    # 郑州 weekly report, 2019-04-08..14: 99.34 / 95.94 / 83.01 / 77.04 / 0.53 / 0.20 %
    c = ZHENGZHOU_WEEK
    assert percent(filing_rate(c)) == pct("99.34")
    assert percent(dispatch_rate(c)) == pct("95.94")
    assert percent(closure_rate(c)) == pct("83.01")
    assert percent(on_time_rate(c)) == pct("77.04")
    assert percent(rework_rate(c)) == pct("0.53")
    assert percent(extension_rate(c)) == pct("0.20")
    # the week's due (52,434) exceeds its received (51,571): due counts deadlines that
    # fall in the week whenever the case was filed
    assert c.due > c.received


def test_zhengzhou_week_2019_04_08_regular_cases() -> None:
    # 郑州 weekly report, 2019-04-08..14, 常规案件 (不包括四乱案件):
    # 受理 16754, 立案 16570 (98.90%), 派遣 14673 (88.55%), 应结案 18086, 结案 10225
    # (56.54%), 按期 8765 (48.46%), 返工 274 (1.51%), 延期 101 (0.56%)
    c = report(
        received=16754,
        filed=16570,
        dispatched=14673,
        due=18086,
        closed=10225,
        closed_on_time=8765,
        reworked=274,
        extended=101,
    )
    rates = [filing_rate, dispatch_rate, closure_rate, on_time_rate, rework_rate, extension_rate]
    published = ["98.90", "88.55", "56.54", "48.46", "1.51", "0.56"]
    assert [percent(rate(c)) for rate in rates] == [pct(p) for p in published]


# 郑州 weekly report, 2019-04-08..14, 各区常规案件统计表 (regular cases by district):
# 应结案数, 结案数, 结案率, 按期结案数, 按期结案率, 返工数, 延期数, 延期率.
ZHENGZHOU_DISTRICTS = [
    ("金水区", 1935, 1912, "98.81", 1855, "95.87", 18, 0, "0.00"),
    ("管城区", 953, 953, "100.00", 936, "98.22", 20, 0, "0.00"),
    ("二七区", 848, 806, "95.05", 699, "82.43", 9, 0, "0.00"),
    ("郑东新区", 736, 596, "80.98", 372, "50.54", 7, 0, "0.00"),
]


@pytest.mark.parametrize("row", ZHENGZHOU_DISTRICTS, ids=[r[0] for r in ZHENGZHOU_DISTRICTS])
def test_zhengzhou_week_2019_04_08_districts(
    row: tuple[str, int, int, str, int, str, int, int, str],
) -> None:
    _, due, closed, closure, on_time, on_time_pct, reworked, extended, extension_pct = row
    c = report(due=due, closed=closed, closed_on_time=on_time, reworked=reworked, extended=extended)
    assert percent(closure_rate(c)) == pct(closure)
    assert percent(on_time_rate(c)) == pct(on_time_pct)
    assert percent(extension_rate(c)) == pct(extension_pct)


# ---------------------------------------------------------------------------------------
# 天门 (Hubei) monthly report, December 2016 (数字化城市管理12月绩效情况通报, 2017-01-03,
# 天门日报). Read from http://www.hbcic.net.cn/info/wcm/74587.htm
# ---------------------------------------------------------------------------------------


def test_tianmen_december_2016() -> None:
    # 受理 1054, 立案 996, 应结案 972, 结案 911 (93.72%), 按期结案 737 (75.82%).
    # The report publishes no filing rate (996/1054 would be 94.50%): not tested.
    c = report(received=1054, filed=996, due=972, closed=911, closed_on_time=737)
    assert percent(closure_rate(c)) == pct("93.72")
    assert percent(on_time_rate(c)) == pct("75.82")


def test_tianmen_december_2016_events_and_components() -> None:
    # 事件类 应结案 956, 结案 902 (94.35%); 部件类 应结案 16, 结案 9 (56.25%); together the
    # month's 972 due and 911 closed. No on-time count is published per class, so
    # KpiCounts (which needs closed_on_time + overdue == due) cannot hold them honestly:
    # the rate is tested on the published fraction.
    assert percent(Fraction(902, 956)) == pct("94.35")
    assert percent(Fraction(9, 16)) == pct("56.25")


# ---------------------------------------------------------------------------------------
# 连云港 12345 platform, April 2017 (2017年4月份市12345平台考评结果通报, 来源: 市数字城管).
# Read from
# http://www.lyg.gov.cn/zglygzfmhwz/fktj/content/fc38510f-a748-4b87-8ed7-53ce0ced18e8.html
# ---------------------------------------------------------------------------------------


def test_lianyungang_april_2017() -> None:
    # 受理 26898, 应结案 24932, 结案 23974 (96.16%), 按期结案 22345 (89.62%).
    # Its third rate, 一次完成率 98.09%, is not one of the six and its count is not given.
    c = report(received=26898, due=24932, closed=23974, closed_on_time=22345)
    assert percent(closure_rate(c)) == pct("96.16")
    assert percent(on_time_rate(c)) == pct("89.62")


# ---------------------------------------------------------------------------------------
# 三明 city-management bureau, week 2023-02-27..03-05 (上周案件办理情况), 数字城管平台 by
# department. Read from http://cgj.smx.gov.cn/2054/615913344/926131.html
# Its 结案率 is 完成数/派遣数 (cases dispatched that week), not closed/due, and it rounds
# to one decimal and drops a trailing zero ("99%" for 205/207 = 99.03…%): tested as
# percent(…, places=1) of the published counts.
# ---------------------------------------------------------------------------------------

SANMING_WEEK = [
    ("一支队", 167, 150, "89.8"),
    ("二支队", 193, 185, "95.9"),
    ("三支队", 207, 205, "99.0"),  # published "99%"
    ("四支队", 191, 187, "97.9"),
    ("广告执法大队", 29, 17, "58.6"),
]


@pytest.mark.parametrize("row", SANMING_WEEK, ids=[r[0] for r in SANMING_WEEK])
def test_sanming_week_2023_02_27_one_decimal(row: tuple[str, int, int, str]) -> None:
    _, dispatched, done, published = row
    assert percent(Fraction(done, dispatched), places=1) == pct(published)


# ---------------------------------------------------------------------------------------
# 江门 digital city management, July 2024 (7月份数字城管平台案件受理情况). Read from
# http://sd-xs.com/bmpd/jmscsglhzhzfj/zwgk/gzdt/content/post_3163772.html
# Its 办结率 is closed over *received* (受理 14090, 结案 14068 → 99.84%), not closed over
# due, so it is not closure_rate; the half-up rounding of the fraction is tested.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "closed", "published"),
    [
        (14090, 14068, "99.84"),  # 合计
        (1420, 1410, "99.30"),  # 市容环境
        (3620, 3619, "99.97"),  # 宣传广告
        (23, 23, "100.00"),  # 施工管理
        (103, 103, "100.00"),  # 突发事件
        (7921, 7910, "99.86"),  # 街面秩序
    ],
)
def test_jiangmen_july_2024_handling_rate(received: int, closed: int, published: str) -> None:
    assert percent(Fraction(closed, received)) == pct(published)
