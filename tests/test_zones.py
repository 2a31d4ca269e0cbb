"""Tiered zones (级差管理): classification, stamping, permissions and patrol plans.

Tier rules come from 《城市管理协管员考核办法》篇9 and 篇7 (see default_policy.toml); the
published hours and buffers are tested in tests/published/test_zone_rules.py.
"""

from __future__ import annotations

import datetime as dt
import pickle
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from urbangov import deadlines, zones
from urbangov.cases import Case, CaseEvent, apply
from urbangov.errors import HierarchyError, NaiveDatetimeError, PolicyError
from urbangov.hierarchy import Hierarchy, Segment
from urbangov.params import diff
from urbangov.policy import Policy
from urbangov.sim import sample_city
from urbangov.vocabulary import ZoneTier

TIERS = list(ZoneTier)

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def district(*extra: dict[str, object], segments: tuple[Segment, ...] = ()) -> Hierarchy:
    rows: list[object] = [
        ("320105", "示例区", "district", None),
        {"code": "320105001", "name": "南湖", "level": "street", "parent": "320105"},
        {"code": "320105001001", "name": "一社区", "level": "community", "parent": "320105001"},
        {"code": "320105001001001", "name": "网格1", "level": "grid", "parent": "320105001001"},
        *extra,
    ]
    return Hierarchy.from_rows(rows, segments)  # type: ignore[arg-type]


def grid(code: str, parent: str = "320105001001", **attributes: object) -> dict[str, object]:
    return {"code": code, "name": code, "level": "grid", "parent": parent, "attributes": attributes}


# ----------------------------------------------------------------- classification


def test_default_rules_follow_the_tiers_of_the_assessment_method() -> None:
    # 篇9: 主干道 / 学校、市场周边 → 严管区; 背街小巷 → 控制区; 城郊结合部 → 一般区
    h = district(
        grid("320105001001002", road_class="main"),
        grid("320105001001003", near=["school"]),
        grid("320105001001004", road_class="alley"),
        grid("320105001001005", fringe=True),
    )
    m = zones.classify(h, Policy())
    assert m.tier_of("320105001001002") is ZoneTier.STRICT
    assert m["320105001001002"].rule == "zones.classify.main_road"
    assert m["320105001001003"].rule == "zones.classify.window_site"
    assert m.tier_of("320105001001004") is ZoneTier.CONTROL
    assert m["320105001001004"].rule == "zones.classify.back_street"
    assert m.tier_of("320105001001005") is ZoneTier.GENERAL
    # nothing matches: the section's default tier, 控制区
    assert m["320105001001001"] == zones.ZoneEntry(
        "320105001001001", ZoneTier.CONTROL, "zones.default_tier"
    )


def test_first_matching_rule_wins() -> None:
    # a fringe grid beside a school: window_site comes before urban_rural_fringe
    h = district(grid("320105001001002", fringe=True, near=["school"]))
    assert zones.classify(h, Policy())["320105001001002"].rule == "zones.classify.window_site"


def test_explicit_zone_overrides_every_rule_for_units_and_segments() -> None:
    h = district(
        {**grid("320105001001002", road_class="main"), "zone": "regulated"},
        segments=(
            Segment(
                "S1",
                "江东路",
                unit="320105001",
                attributes={"road_class": "main"},
                zone=ZoneTier.GENERAL,
            ),
        ),
    )
    m = zones.classify(h, Policy())
    assert m["320105001001002"] == zones.ZoneEntry(
        "320105001001002", ZoneTier.REGULATED, "override"
    )
    assert m["S1"].tier is ZoneTier.GENERAL
    assert m["S1"].rule == zones.OVERRIDE


def test_places_inherit_their_nearest_classified_ancestors_tier() -> None:
    h = Hierarchy.from_rows(
        [
            ("320105", "示例区", "district", None),
            {"code": "320105007", "name": "江心洲", "level": "street", "parent": "320105",
             "attributes": {"fringe": True}},
            ("320105007001", "一社区", "community", "320105007"),
            ("320105007001001", "网格1", "grid", "320105007001"),
        ],
        [Segment("S7", "路", unit="320105007001")],
    )  # fmt: skip
    m = zones.classify(h, Policy())
    assert m["320105007001001"] == zones.ZoneEntry(
        "320105007001001", ZoneTier.GENERAL, "zones.classify.urban_rural_fringe", "320105007"
    )
    assert m["S7"].via == "320105007"  # a segment's parent is the unit it lies in
    no_inherit = zones.classify(h, Policy().reform({"zones.inherit": False}))
    assert no_inherit.tier_of("320105007001001") is ZoneTier.CONTROL


def test_a_rule_can_be_limited_to_kinds_of_place() -> None:
    policy = Policy().reform(
        {"zones.classify": [{"name": "main_segments", "tier": "strict", "road_class": ["main"],
                             "places": ["segment"]}]}
    )  # fmt: skip
    h = district(
        grid("320105001001002", road_class="main"),
        segments=(Segment("S1", "路", unit="320105001", attributes={"road_class": "main"}),),
    )
    m = zones.classify(h, policy)
    assert m.tier_of("S1") is ZoneTier.STRICT
    assert m.tier_of("320105001001002") is ZoneTier.CONTROL


def test_zone_map_counts_pickles_and_names_missing_places() -> None:
    h = sample_city().hierarchy
    m = zones.classify(h, Policy())
    assert len(m) == len(h) + len(h.segments)
    assert sum(m.counts("grid").values()) == len(h.grids())
    assert m.counts("street")[ZoneTier.GENERAL] == 1  # 江心洲, the fringe street
    assert pickle.loads(pickle.dumps(m)) == m
    with pytest.raises(PolicyError, match="no such unit"):
        m.tier_of("999")
    codes = [g.code for g in h.grids()][::-1]
    rows = m.positions(codes)
    assert [m.tier_of(c) for c in codes] == [TIERS[t] for t in m.tiers[rows]]
    assert m.positions([]).tolist() == []
    with pytest.raises(PolicyError, match="no such unit") as info:
        m.positions([codes[0], "999", "998"])
    assert info.value.field == "'999'"


def test_bad_attributes_name_the_place_and_the_attribute() -> None:
    with pytest.raises(HierarchyError, match=r"320105001001002\.attributes\.fringe"):
        zones.classify(district(grid("320105001001002", fringe="yes")), Policy())


def test_dated_classification_needs_the_date() -> None:
    policy = Policy().reform({"zones.default_tier": "strict"}, valid_from=dt.date(2026, 1, 1))
    h = district()
    with pytest.raises(PolicyError, match=r"zones\.default_tier.*pass on=DATE"):
        zones.classify(h, policy)
    assert zones.tier_of("320105", h, policy, on=dt.date(2025, 12, 31)) is ZoneTier.CONTROL
    assert zones.tier_of("320105", h, policy, on=dt.date(2026, 1, 1)) is ZoneTier.STRICT


# ----------------------------------------------------------------- the policy section


def test_policy_file_errors_name_the_zones_path_line_and_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'kind = "policy"\nformat_version = 1\n[zones.tiers.strict]\ndefault = "forbiden"\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    assert info.value.field == "zones.tiers.strict.default"
    assert info.value.line == 4
    assert "did you mean 'forbidden'?" in str(info.value)


def test_unknown_activity_and_shift_get_did_you_mean() -> None:
    with pytest.raises(PolicyError, match=r"zones\.tiers\.control\.stal.*did you mean 'stall'"):
        Policy().reform({"zones.tiers.control.stal": "allowed"})
    with pytest.raises(PolicyError, match=r"campaign\.shift.*did you mean 'day'"):
        Policy().reform({"zones.campaign.shift": "dya"})


def test_every_tier_needs_a_default_permission() -> None:
    with pytest.raises(PolicyError, match=r"tiers\.general\.default"):
        zones.ZoneRules(
            tiers={t.value: {"default": "forbidden"} for t in ZoneTier if t.value != "general"}
        )


def test_reform_and_diff_cover_the_zones_section() -> None:
    old = Policy()
    new = old.reform({"zones.buffers.school_gate.radius_m": 200})
    assert [c.path for c in diff(old, new)] == ["zones.buffers.school_gate.radius_m"]
    assert Policy.loads(new.dumps()) == new


def test_rules_pickle_without_their_cache() -> None:
    rules = Policy().zones
    zones.classify(sample_city().hierarchy, rules)  # fills the cache
    again = pickle.loads(pickle.dumps(rules))
    assert again == rules
    assert again._cache == {}


# ----------------------------------------------------------------- stamping


def test_stamp_sets_the_zone_and_the_strict_limit_applies() -> None:
    h = district(grid("320105001001002", road_class="main"))
    # a city whose strict zone halves the limit of exposed garbage (4 → 2 working hours)
    row = {"normal": "4 working hours", "tiers": {"strict": {"normal": "2 working hours"}}}
    policy = Policy().reform({"deadlines.categories.exposed_garbage": row})
    t = at(2024, 5, 6, 9)
    case = Case.new("A1", "暴露垃圾", "320105001001002", reported_at=t)
    for kind in ("accept", "file"):
        case = apply(case, CaseEvent(kind, t))
    case = apply(case, CaseEvent("dispatch", t, department="sanitation"))
    stamped = zones.stamp(case, policy, h)
    assert stamped.zone is ZoneTier.STRICT
    calendar = policy.work_calendar()
    assert deadlines.due_at(stamped, policy, calendar) == at(2024, 5, 6, 11)
    plain = zones.stamp(attrs_evolve(case, grid="320105001001001"), policy, h)
    assert plain.zone is ZoneTier.CONTROL
    assert deadlines.due_at(plain, policy, calendar) == at(2024, 5, 6, 14, 30)


def attrs_evolve(case: Case, **changes: object) -> Case:
    import attrs

    return attrs.evolve(case, **changes)


def test_stamp_prefers_the_segment_and_uses_the_filing_date() -> None:
    h = district(segments=(Segment("S1", "路", unit="320105001", zone=ZoneTier.STRICT),))
    policy = Policy().reform({"zones.default_tier": "general"}, valid_from=dt.date(2024, 5, 7))
    reported = at(2024, 5, 6, 23)
    case = Case.new("A2", "暴露垃圾", "320105001001001", reported_at=reported, segment="S1")
    assert zones.stamp(case, policy, h).zone is ZoneTier.STRICT
    case = Case.new("A3", "暴露垃圾", "320105001001001", reported_at=reported)
    case = apply(apply(case, CaseEvent("accept", reported)), CaseEvent("file", at(2024, 5, 7, 9)))
    assert zones.stamp(case, policy, h).zone is ZoneTier.GENERAL  # filed on 05-07


# ----------------------------------------------------------------- permissions

AREA = {
    "places": ["320105001001"],
    "kind": "stall_area",
    "activities": ["stall"],
    "hours": ["18:00-02:00"],
    "days": ["fri"],
}


def test_strict_zone_forbids_everything_and_never_changes() -> None:
    h = district(grid("320105001001002", road_class="main"))
    d = zones.permits("stall", "320105001001002", at(2025, 6, 1, 12), Policy(), h)
    assert (d.allowed, d.rule, d.until, d.fined) == (
        False,
        "zones.tiers.strict.default",
        None,
        True,
    )
    assert d.tier is ZoneTier.STRICT
    assert "strict zone (严管区)" in d.reason


def test_control_zone_stalls_only_in_an_open_area_across_midnight() -> None:
    policy = Policy().reform({"zones.areas.friday_night": AREA})
    h = district()
    g = "320105001001001"
    # 2025-06-06 is a Friday: the window opens at 18:00 and runs to Saturday 02:00
    closed = zones.permits("stall", g, at(2025, 6, 6, 17, 59), policy, h)
    assert (closed.allowed, closed.rule, closed.until) == (
        False,
        "zones.tiers.control.default",
        at(2025, 6, 6, 18),
    )
    assert "none covering this place is open now" in closed.reason
    late = zones.permits("stall", g, at(2025, 6, 7, 1, 59), policy, h)
    assert (late.allowed, late.rule, late.until) == (
        True,
        "zones.areas.friday_night",
        at(2025, 6, 7, 2),
    )
    saturday = zones.permits("stall", g, at(2025, 6, 7, 18), policy, h)
    assert not saturday.allowed
    assert saturday.until == at(2025, 6, 13, 18)  # the next Friday
    other = zones.permits("night_market", g, at(2025, 6, 6, 19), policy, h)
    assert not other.allowed
    assert "none covers this place" in other.reason


def test_working_day_areas_follow_make_up_workdays() -> None:
    # 2024-09-29 (a Sunday) is a make-up workday, 2024-10-01..07 are National Day holidays
    area = {"places": ["320105001"], "activities": ["stall"], "days": ["working_days"],
            "hours": ["11:00-13:00"]}  # fmt: skip
    policy = Policy().reform({"zones.areas.lunch": area})
    h = district()
    sunday = zones.permits("stall", "320105001001001", at(2024, 9, 29, 12), policy, h)
    assert sunday.allowed
    assert sunday.until == at(2024, 9, 29, 13)
    after = zones.permits("stall", "320105001001001", at(2024, 9, 30, 13), policy, h)
    assert not after.allowed
    assert after.until == at(2024, 10, 8, 11)  # the first working day after the holiday


def test_buffer_beats_an_open_area() -> None:
    policy = Policy().reform({"zones.areas.friday_night": AREA})
    h = district(grid("320105001001002", distance_m={"school_gate": 99}))
    d = zones.permits("stall", "320105001001002", at(2025, 6, 6, 19), policy, h)
    assert (d.allowed, d.rule) == (False, "zones.buffers.school_gate")
    # 101 m is outside the 100 m buffer
    h = district(grid("320105001001002", distance_m={"school_gate": 101}))
    assert zones.permits("stall", "320105001001002", at(2025, 6, 6, 19), policy, h).allowed


def test_regulated_zone_allows_stalls_with_its_condition() -> None:
    h = district({**grid("320105001001002"), "zone": "regulated"})
    d = zones.permits("stall", "320105001001002", at(2025, 6, 6, 19), Policy(), h)
    assert (d.allowed, d.rule, d.fined) == (True, "zones.tiers.regulated.stall", False)
    assert "不影响市容、交通秩序及市民生活" in d.reason
    barbecue = zones.permits("outdoor_barbecue", "320105001001002", at(2025, 6, 6, 19), Policy(), h)
    assert barbecue.rule == "zones.tiers.regulated.outdoor_barbecue"
    assert not barbecue.allowed


def test_a_city_adds_its_own_activity() -> None:
    activities = dict(Policy().zones.activities) | {"street_photography": "流动摄影"}
    policy = Policy().reform(
        {"zones.activities": activities, "zones.tiers.control.street_photography": "allowed"}
    )
    d = zones.permits("street_photography", "320105001001001", at(2025, 6, 6), policy, district())
    assert d.allowed
    assert d.rule == "zones.tiers.control.street_photography"


def test_permits_errors() -> None:
    h = district()
    with pytest.raises(PolicyError, match="did you mean 'stall'"):
        zones.permits("stal", "320105", at(2025, 1, 1), Policy(), h)
    with pytest.raises(HierarchyError, match="'999'"):
        zones.permits("stall", "999", at(2025, 1, 1), Policy(), h)
    with pytest.raises(NaiveDatetimeError, match="at"):
        zones.permits("stall", "320105", dt.datetime(2025, 1, 1), Policy(), h)
    bad = Policy().reform({"zones.areas.x": {"places": ["123"], "activities": ["stall"]}})
    with pytest.raises(PolicyError, match=r"zones\.areas\.x\.places\[0\]"):
        zones.permits("stall", "320105", at(2025, 1, 1), bad, h)


def test_bare_rules_and_pendulum_instants_work() -> None:
    import pendulum

    when = pendulum.datetime(2025, 6, 6, 19, tz="Asia/Shanghai")
    d = zones.permits("stall", "320105", when, zones.ZoneRules(), district())
    assert d.rule == "zones.tiers.control.default"


def test_batch_equals_scalar_and_checks_its_input() -> None:
    policy = Policy().reform({"zones.areas.friday_night": AREA})
    h = district(grid("320105001001002", road_class="main"))
    places = ["320105001001001", "320105001001002", "320105001001"] * 40
    instants = np.datetime64("2025-06-06T08:00", "ns") + np.arange(120) * np.timedelta64(37, "m")
    out = zones.permits_batch("stall", places, instants, policy, h)
    for i, (p, t) in enumerate(zip(places, instants, strict=True)):
        when = dt.datetime.fromtimestamp(int(t.astype("datetime64[s]").astype(int)), SH)
        assert out.decision(i) == zones.permits("stall", p, when, policy, h)
    assert out.allowed.sum() > 0
    assert (~out.allowed).sum() > 0
    mixed = zones.permits_batch(["stall", "night_market"] * 60, places, instants, policy, h)
    assert mixed.decision(1).activity == "night_market"
    with pytest.raises(NaiveDatetimeError, match="NaT"):
        zones.permits_batch("stall", places[:1], np.array(["NaT"], "datetime64[ns]"), policy, h)
    with pytest.raises(HierarchyError, match=r"places\[0\]"):
        zones.permits_batch("stall", ["9"], instants[:1], policy, h)
    with pytest.raises(PolicyError, match="instants"):
        zones.permits_batch("stall", places[:2], instants[:1], policy, h)


def test_decision_explain() -> None:
    d = zones.permits("stall", "320105", at(2025, 6, 6), Policy(), district())
    assert d.explain().startswith("not allowed: stall (摆摊设点) is allowed in the control zone")


# ----------------------------------------------------------------- patrol plans


def test_patrol_plan_posts_strict_units_and_patrols_control_ones() -> None:
    h = district(
        grid("320105001001002", road_class="main"), grid("320105001001003", near=["market"])
    )
    plan = zones.patrol_plan(h, Policy(), dt.date(2025, 6, 6))
    strict = plan.of("320105001001002")
    assert [p.kind.value for p in strict] == [
        "fixed_post",
        "fixed_post",
        "fixed_post",
        "night_squadron",
    ]
    # a market grid is strict (window site): fixed posts, so no extra key-area rounds
    assert all(p.kind is not zones.PatrolKind.KEY_AREA for p in plan)
    control = plan.of("320105001001001")
    assert control[0].staff == Fraction(2, 6)  # a team of 2 for 6 units at the morning peak
    assert plan.staff("320105001001001") == sum((p.staff for p in control), Fraction(0))
    assert plan.cleaning == zones.Cleaning(8, 2)
    assert not plan.holiday


def test_key_areas_get_morning_and_evening_rounds() -> None:
    policy = Policy().reform({"zones.classify": []})  # nothing strict: markets are key areas
    h = district(grid("320105001001003", near=["market"]))
    kinds = [
        (p.shift, p.kind.value)
        for p in zones.patrol_plan(h, policy, dt.date(2025, 6, 6)).of("320105001001003")
    ]
    assert ("morning", "key_area") in kinds
    assert ("evening", "key_area") in kinds


def test_holidays_and_events_lengthen_cleaning() -> None:
    h = district()
    holiday = zones.patrol_plan(h, Policy(), dt.date(2025, 10, 1))  # National Day
    assert holiday.holiday
    assert holiday.cleaning == zones.Cleaning(12, 3)
    assert holiday.cleaning_rule == "zones.holiday_cleaning"
    expo = {"dates": [{"first": dt.date(2025, 6, 5), "last": dt.date(2025, 6, 8)}]}
    policy = Policy().reform({"zones.events.expo": expo})
    event = zones.patrol_plan(h, policy, dt.date(2025, 6, 6))
    assert event.events == ("expo",)
    assert event.cleaning.hours == 12


def test_campaigns_rotate_over_streets_weekly() -> None:
    h = sample_city().hierarchy
    days = [dt.date(2025, 6, 2) + dt.timedelta(days=7 * k) for k in range(7)]
    streets = {zones.patrol_plan(h, Policy(), d, within="320105001").campaign_street for d in days}
    assert len(streets) == 7  # every street in turn
    plan = zones.patrol_plan(h, Policy(), days[1])  # 南湖's week (江心洲 has no control zone)
    campaign = [p for p in plan if p.kind is zones.PatrolKind.CAMPAIGN]
    assert campaign
    assert sum((p.staff for p in campaign), Fraction(0)) == 6
    assert {p.unit[:9] for p in campaign} == {plan.campaign_street}


def test_a_rule_change_shows_its_staffing_cost() -> None:
    h = sample_city().hierarchy
    day = dt.date(2025, 6, 6)
    base = zones.patrol_plan(h, Policy(), day).staff()
    # what if the control zone were patrolled like the strict one?
    posts = {
        s: {"kind": "fixed_post", "staff": 1, "units_per_team": 1}
        for s in ("morning", "day", "evening")
    }
    dearer = zones.patrol_plan(h, Policy().reform({"zones.patrols.control": posts}), day).staff()
    assert dearer > base
