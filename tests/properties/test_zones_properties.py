"""Laws of tiered zones: one tier per place, overrides win, order does not matter,
decisions name real rules, ``until`` is the next change, windows hold to the minute,
batch == scalar."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import hierarchy_rows
from urbangov import zones
from urbangov.calendar import WorkCalendar
from urbangov.hierarchy import Hierarchy, Segment, Unit
from urbangov.params import unstructure
from urbangov.policy import Policy
from urbangov.vocabulary import ZoneTier

SH = ZoneInfo("Asia/Shanghai")
CALENDAR = WorkCalendar.china()
TIERS = list(ZoneTier)
DAY_WORDS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "working_days", "rest_days"]


@st.composite
def zoned_hierarchies(draw: st.DrawFn) -> Hierarchy:
    """Random hierarchies whose units and segments carry zone attributes and overrides."""
    units = draw(hierarchy_rows())
    out = []
    for u in units:
        attributes: dict[str, Any] = {}
        road = draw(st.sampled_from([None, None, "main", "secondary", "alley"]))
        if road:
            attributes["road_class"] = road
        near = draw(st.lists(st.sampled_from(["school", "market", "station", "park"]), max_size=2))
        if near:
            attributes["near"] = near
        fringe = draw(st.sampled_from([None, None, True, False]))
        if fringe is not None:
            attributes["fringe"] = fringe
        gate = draw(st.sampled_from([None, None, 60, 150]))
        if gate is not None:
            attributes["distance_m"] = {"school_gate": gate}
        zone = draw(st.sampled_from([None] * 6 + TIERS))
        out.append(attrs.evolve(u, zone=zone, attributes=attributes))
    segments = []
    for n in range(draw(st.integers(0, 3))):
        unit = draw(st.sampled_from(out))
        road = draw(st.sampled_from(["main", "alley"]))
        zone = draw(st.sampled_from([None, None, ZoneTier.STRICT]))
        segments.append(Segment(f"S{n}", f"路{n}", unit.code, {"road_class": road}, zone=zone))
    return Hierarchy(out, segments)


def oracle_tier(h: Hierarchy, policy: Policy, code: str) -> tuple[ZoneTier, str]:
    """The classification rule written plainly, place by place (the docs' four steps)."""
    place: Unit | Segment = h.unit(code) if code in h else h.segment(code)
    if place.zone is not None:
        return place.zone, "override"
    table = policy.zones.classify.at(dt.date(2025, 1, 1))
    a = place.attributes
    for rule in table:
        if rule.road_class and a.get("road_class") not in rule.road_class:
            continue
        if rule.near and not set(a.get("near", ())) & set(rule.near):
            continue
        if rule.fringe is not None and a.get("fringe") is not rule.fringe:
            continue
        return rule.tier, f"zones.classify.{rule.name}"
    parent = place.unit if isinstance(place, Segment) else place.parent
    if parent is None:
        return ZoneTier.CONTROL, "zones.default_tier"
    return oracle_tier(h, policy, parent)


@given(zoned_hierarchies())
def test_every_place_gets_exactly_one_tier_the_documented_one(h: Hierarchy) -> None:
    m = zones.classify(h, Policy())
    codes = [u.code for u in h.units] + [s.code for s in h.segments]
    assert list(m) == codes
    for code in codes:
        entry = m[code]
        assert (entry.tier, entry.rule) == oracle_tier(h, Policy(), code)


@given(zoned_hierarchies())
def test_an_explicit_override_always_wins(h: Hierarchy) -> None:
    m = zones.classify(h, Policy())
    for place in (*h.units, *h.segments):
        if place.zone is not None:
            assert m[place.code] == zones.ZoneEntry(place.code, place.zone, zones.OVERRIDE)


@given(zoned_hierarchies(), st.randoms(use_true_random=False))
def test_classification_does_not_depend_on_the_order_units_come_in(
    h: Hierarchy, rng: random.Random
) -> None:
    rows = list(h.units)
    rng.shuffle(rows)
    segments = list(h.segments)
    rng.shuffle(segments)
    shuffled = Hierarchy.from_rows(rows, segments)
    assert zones.classify(shuffled, Policy()) == zones.classify(h, Policy())


def windows() -> st.SearchStrategy[str]:
    minutes = st.integers(0, 1439)
    return (
        st.tuples(minutes, minutes)
        .filter(lambda w: w[0] != w[1])
        .map(lambda w: f"{w[0] // 60:02d}:{w[0] % 60:02d}-{w[1] // 60:02d}:{w[1] % 60:02d}")
    )


@st.composite
def areas(draw: st.DrawFn, h: Hierarchy) -> dict[str, Any]:
    """A random stall area over some of ``h``'s units."""
    codes = [u.code for u in h.units]
    area: dict[str, Any] = {
        "places": draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True)),
        "activities": ["stall"],
        "hours": draw(st.lists(windows(), max_size=2)),
        "days": draw(st.lists(st.sampled_from(DAY_WORDS), max_size=2, unique=True)),
    }
    if draw(st.booleans()):
        first = draw(st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
        last = draw(st.dates(dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
        area["dates"] = [{"first": f"{first:%m-%d}", "last": f"{last:%m-%d}"}]
    return area


@st.composite
def scenes(draw: st.DrawFn) -> tuple[Hierarchy, Policy, list[str], list[dt.datetime]]:
    """A zoned hierarchy, a policy with random areas, places and instants of 2024–2025."""
    h = draw(zoned_hierarchies())
    found = {f"area_{i}": draw(areas(h)) for i in range(draw(st.integers(0, 3)))}
    policy = Policy().reform({"zones.areas": found})
    codes = [u.code for u in h.units] + [s.code for s in h.segments]
    places = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=5))
    minutes = st.integers(0, 2 * 365 * 1440 - 1)
    start = dt.datetime(2024, 1, 1, tzinfo=SH)
    instants = [
        start + dt.timedelta(minutes=m) for m in draw(st.lists(minutes, min_size=1, max_size=5))
    ]
    return h, policy, places, instants


def _answer(d: zones.Decision) -> tuple[bool, str, bool]:
    return d.allowed, d.rule, d.fined


def _exists(data: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


@settings(max_examples=60)
@given(scenes(), st.sampled_from(["stall", "night_market", "roadside_parking"]))
def test_until_is_the_next_change_and_every_rule_exists(scene: Any, activity: str) -> None:
    h, policy, places, instants = scene
    data = unstructure(policy)
    for place in places:
        for when in instants:
            d = zones.permits(activity, place, when, policy, h)
            assert _exists(data, d.rule), d.rule
            assert d.leniency is None or _exists(data, d.leniency)
            if d.until is None:
                continue
            assert d.until > when
            assert d.until.tzinfo == SH
            assert d.until.second == 0  # edges fall on whole minutes
            after = zones.permits(activity, place, d.until, policy, h)
            assert _answer(after) != _answer(d)
            before = zones.permits(activity, place, d.until - dt.timedelta(minutes=1), policy, h)
            if d.until - dt.timedelta(minutes=1) >= when:
                assert _answer(before) == _answer(d)


def _day_ok(area: dict[str, Any], day: dt.date) -> bool:
    spans = area.get("dates", [])
    if spans:
        md = f"{day:%m-%d}"
        first, last = spans[0]["first"], spans[0]["last"]
        inside = first <= md <= last if first <= last else (md >= first or md <= last)
        if not inside:
            return False
    words = area["days"]
    if not words:
        return True
    weekday = DAY_WORDS[day.weekday()]
    worked = CALENDAR.is_workday(day)
    return (
        weekday in words
        or ("working_days" in words and worked)
        or ("rest_days" in words and not worked)
    )


def _open(area: dict[str, Any], when: dt.datetime) -> bool:
    """Whether the area is open at ``when``, written plainly from the docs."""
    local = when.astimezone(SH)
    minute = local.hour * 60 + local.minute
    day = local.date()
    if not area["hours"]:
        return _day_ok(area, day)
    for text in area["hours"]:
        a, b = text.split("-")
        start = int(a[:2]) * 60 + int(a[3:])
        end = int(b[:2]) * 60 + int(b[3:])
        if end > start:
            if start <= minute < end and _day_ok(area, day):
                return True
        else:
            if minute >= start and _day_ok(area, day):
                return True
            if minute < end and _day_ok(area, day - dt.timedelta(days=1)):
                return True
    return False


@given(st.data())
def test_a_stall_areas_window_holds_to_the_minute(data: st.DataObject) -> None:
    h = Hierarchy.from_rows([("320105", "示例区", "district", None)])
    area = data.draw(areas(h))
    policy = Policy().reform({"zones.areas.a": area})
    start = dt.datetime(2024, 9, 1, tzinfo=SH)  # around National Day's make-up workdays
    for minute in data.draw(st.lists(st.integers(0, 60 * 1440), min_size=1, max_size=8)):
        when = start + dt.timedelta(minutes=minute)
        d = zones.permits("stall", "320105", when, policy, h)
        assert d.allowed is _open(area, when), (area, when)


@settings(max_examples=60)
@given(scenes())
def test_batch_equals_scalar(scene: Any) -> None:
    h, policy, places, instants = scene
    rows = [(p, t) for p in places for t in instants]
    stamps = np.array(
        [np.datetime64(t.astimezone(dt.UTC).replace(tzinfo=None), "ns") for _, t in rows]
    )
    out = zones.permits_batch("stall", [p for p, _ in rows], stamps, policy, h)
    for i, (p, t) in enumerate(rows):
        assert out.decision(i) == zones.permits("stall", p, t, policy, h)


KEY_AREAS_POLICY = Policy().reform({"zones.classify": []})  # markets become key areas


@settings(max_examples=60)
@given(
    zoned_hierarchies(),
    st.sampled_from([dt.date(2025, 6, 6), dt.date(2025, 10, 1), dt.date(2025, 6, 9)]),
    st.booleans(),
    st.booleans(),
)
def test_the_patrol_table_holds_the_plans_patrols_in_its_order(
    h: Hierarchy, day: dt.date, key_areas: bool, one_street: bool
) -> None:
    policy = KEY_AREAS_POLICY if key_areas else Policy()
    streets = [u.code for u in h.units if len(u.code) == 9]
    within = streets[0] if one_street and streets else None
    plan = zones.patrol_plan(h, policy, day, within=within)
    table = zones.patrol_table(h, policy, day, within=within)
    shifts = list(table.shifts)
    rows = [
        (table.units[u], shifts[s], table.kinds[k], r)
        for u, s, k, r in zip(table.unit, table.shift, table.kind, table.rounds, strict=True)
    ]
    assert rows == [(p.unit, p.shift, p.kind, p.rounds) for p in plan]
    assert table.shifts == plan.shifts
    assert table.day == day
    assert table.units == tuple(sorted({p.unit for p in plan}))
    # the plan's order: unit code, then the shift's place in the day
    keys = [(p.unit, shifts.index(p.shift)) for p in plan]
    assert keys == sorted(keys)
    assert table == zones.patrol_table(h, policy, day, within=within)
