"""Published zone rules as worked examples: market hours, school-gate buffers, 严管街,
春运 leniency. Each expected figure cites the rule it comes from."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from urbangov import zones
from urbangov.hierarchy import Hierarchy, Segment
from urbangov.policy import Policy
from urbangov.vocabulary import ZoneTier

SH = ZoneInfo("Asia/Shanghai")
CITY = Hierarchy.from_rows(
    [
        ("320105", "示例区", "district", None),
        ("320105006", "双闸街道", "street", "320105"),
        ("320105006002", "双闸二社区", "community", "320105006"),
        {"code": "320105006002001", "name": "网格1", "level": "grid", "parent": "320105006002",
         "attributes": {"distance_m": {"school_gate": 100}}},
        {"code": "320105006002002", "name": "网格2", "level": "grid", "parent": "320105006002",
         "attributes": {"distance_m": {"school_gate": 101}}},
    ],
    [
        Segment("S1", "严管街", unit="320105006", zone=ZoneTier.STRICT),
        Segment("S2", "夜市街", unit="320105006002", attributes={"road_class": "secondary"}),
    ],
)  # fmt: skip


def at(m: int, d: int, hh: int, mm: int = 0, y: int = 2025) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


# 公主岭 2025 (official): 早市 04:30–07:30 and 夜市 17:00–21:00 at named places, from
# 2025-05-06 to 09-30.
# http://zwgk.changchun.gov.cn/gzl/zcbm/csglzf/zdlyjczwgk/202504/t20250424_3395268.html
GONGZHULING = {
    "places": ["320105006002"],
    "kind": "market",
    "activities": ["stall", "morning_market", "night_market"],
    "dates": [{"first": dt.date(2025, 5, 6), "last": dt.date(2025, 9, 30)}],
    "hours": ["04:30-07:30", "17:00-21:00"],
}
# 平度 2022: night markets 18:00–22:00 from 07-01 to 10-31 (recurring).
PINGDU = {
    "places": ["S2"],
    "kind": "market",
    "activities": ["night_market"],
    "dates": [{"first": "07-01", "last": "10-31"}],
    "hours": ["18:00-22:00"],
}
POLICY = Policy().reform({"zones.areas": {"gongzhuling": GONGZHULING, "pingdu": PINGDU}})
GRID = "320105006002002"


def test_gongzhuling_market_hours_hold_to_the_minute() -> None:
    def allowed(when: dt.datetime) -> bool:
        return zones.permits("morning_market", GRID, when, POLICY, CITY).allowed

    assert not allowed(at(6, 1, 4, 29))
    assert allowed(at(6, 1, 4, 30))  # 04:30 opens
    assert allowed(at(6, 1, 7, 29))
    assert not allowed(at(6, 1, 7, 30))  # 07:30 closes
    assert allowed(at(6, 1, 17, 0))  # 17:00 opens
    assert not allowed(at(6, 1, 21, 0))  # 21:00 closes
    first = zones.permits("morning_market", GRID, at(5, 5, 12), POLICY, CITY)
    assert first.until == at(5, 6, 4, 30)  # the season opens 05-06 at 04:30
    last = zones.permits("night_market", GRID, at(9, 30, 20, 0), POLICY, CITY)
    assert last.allowed
    assert last.until == at(9, 30, 21, 0)
    # after the season's last night there is no market again in these dated rules
    after = zones.permits("night_market", GRID, at(9, 30, 21, 0), POLICY, CITY)
    assert not after.allowed
    assert after.until is None


def test_pingdu_night_market_recurs_every_year() -> None:
    d = zones.permits("night_market", "S2", at(7, 1, 21, 59, y=2026), POLICY, CITY)
    assert d.allowed
    assert d.rule == "zones.areas.pingdu"
    assert d.until == at(7, 1, 22, 0, y=2026)  # 22:00 closes
    closed = zones.permits("night_market", "S2", at(10, 31, 22, 0, y=2026), POLICY, CITY)
    assert closed.until == at(7, 1, 18, 0, y=2027)  # next season, 07-01 18:00


def test_hefei_no_stalls_within_100_m_of_a_school_gate() -> None:
    # 合肥《摊点管理规范》: 学校门口100米 is a 禁止区, even in market hours
    # https://zhengce.chinabaogao.com/gonggongfuwu/2020/0E4b1T2020.html
    inside = zones.permits("stall", "320105006002001", at(6, 1, 18), POLICY, CITY)
    assert not inside.allowed
    assert inside.rule == "zones.buffers.school_gate"
    outside = zones.permits("stall", "320105006002002", at(6, 1, 18), POLICY, CITY)
    assert outside.allowed  # 101 m: outside the buffer, inside the market's hours


def test_qixia_strict_street_bans_street_front_trade_all_day() -> None:
    # 栖霞 严管街: enforced 24 hours a day; bans 店外经营 and 占道经营
    # https://m.163.com/news/article/KHNPQLHE0541K25P.html
    for hour in (0, 6, 12, 18, 23):
        for activity in ("street_front_trade", "stall"):
            d = zones.permits(activity, "S1", at(6, 1, hour), POLICY, CITY)
            assert not d.allowed
            assert d.rule == "zones.tiers.strict.default"
            assert d.until is None


def test_spring_festival_travel_minor_violations_not_fined() -> None:
    # 城管局下半年工作讲话: 在春运期间 … 对一些小的违规不进行罚款; 2025年春运 01-14..02-22
    # (2025年全国春运电视电话会议, https://shifendaodu.com/fastNews/1735684167)
    during = zones.permits("roadside_parking", "S1", at(2, 22, 23, 59), POLICY, CITY)
    assert not during.allowed
    assert not during.fined
    assert during.leniency == "zones.leniency.spring_festival_travel"
    assert during.until == at(2, 23, 0)  # the day after 春运 ends
    after = zones.permits("roadside_parking", "S1", at(2, 23, 0), POLICY, CITY)
    assert after.fined
    # 2026年春运 starts 02-02 (国家发展改革委, https://udn.com/news/story/7332/9302981)
    assert after.until == at(2, 2, 0, y=2026)
