"""Tiered zones at scale: ``classify`` of a national file, scalar and batch ``permits``.

Targets (full size): ``classify`` of a national file of 1,000,000 grids ≤ 2 s; scalar
``permits`` ≤ 5 µs median; ``permits_batch`` of 1,000,000 (place, instant) pairs ≤ 1 s.
Peers measured in the same run: a plain-Python classification (a dict walk down the
tree, the first matching rule per unit, parents' tiers inherited), a plain-Python
permission lookup (the same rules evaluated per call, without ``until``), and the scalar
``permits`` looped over the batch's pairs (extrapolated from 20,000). Every side is
warmed by one untimed pass and timed as the median of the same repeats, and every
answer is compared with the peer's (every unit's tier, every scalar pair, every one of
the 20,000 batch decisions against the scalar one). At ``--tiny`` the targets are not
judged (the sizes are too small to mean anything).

The national file is synthetic: 10 cities × 10 districts × 20 streets × 25 communities
× 20 grids; every 7th grid is next to a school (with a gate 40 m away), every 11th next
to a market, every 50th street is a main road, every 10th district's streets are the
urban–rural fringe, and every 97th community has an explicit zone.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np

from benchmarks._harness import (
    fmt_time,
    median_seconds,
    print_table,
    target,
    warm_median,
    warm_per_call,
)
from urbangov import zones
from urbangov.cli.demo_zones import demo_policy
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.sim import sample_city
from urbangov.vocabulary import Level, ZoneTier

SHANGHAI = ZoneInfo("Asia/Shanghai")


def national(cities: int, districts: int, streets: int, communities: int, grids: int) -> Hierarchy:
    """The synthetic national file (see the module docstring)."""
    units: list[Unit] = []
    n_grid = 0
    for c in range(cities):
        city = f"{11 + c:02d}0100"
        units.append(Unit(city, f"市{c}", Level.CITY))
        for d in range(1, districts + 1):
            district = f"{city[:4]}{d:02d}"
            units.append(Unit(district, f"区{d}", Level.DISTRICT, city))
            fringe = {"fringe": True} if d % 10 == 0 else {}
            for s in range(1, streets + 1):
                street = f"{district}{s:03d}"
                attributes = dict(fringe)
                if s % 50 == 0:
                    attributes["road_class"] = "main"
                units.append(Unit(street, f"街{s}", Level.STREET, district, attributes=attributes))
                for m in range(1, communities + 1):
                    community = f"{street}{m:03d}"
                    zone = ZoneTier.REGULATED if (s * 31 + m) % 97 == 0 else None
                    units.append(Unit(community, f"社{m}", Level.COMMUNITY, street, zone))
                    for g in range(1, grids + 1):
                        n_grid += 1
                        attrs_: dict[str, Any] = {}
                        if n_grid % 7 == 0:
                            attrs_ = {"near": ("school",), "distance_m": {"school_gate": 40}}
                        elif n_grid % 11 == 0:
                            attrs_ = {"near": ("market",)}
                        units.append(
                            Unit(
                                f"{community}{g:03d}",
                                f"格{g}",
                                Level.GRID,
                                community,
                                attributes=attrs_,
                            )
                        )
    return Hierarchy(units)


def python_classify(h: Hierarchy, rules: zones.ZoneRules) -> dict[str, ZoneTier]:
    """The peer: the same classification in plain Python (a dict walk down the tree)."""
    table = rules.classify.at(dt.date(2025, 1, 1))
    default = rules.default_tier.at(dt.date(2025, 1, 1))
    out: dict[str, ZoneTier] = {}
    for u in h.units:  # parents sort before their children
        tier = u.zone
        if tier is None:
            a = u.attributes
            for rule in table:
                if rule.road_class and a.get("road_class") not in rule.road_class:
                    continue
                if rule.near and not set(a.get("near", ())) & set(rule.near):
                    continue
                if rule.fringe is not None and a.get("fringe") is not rule.fringe:
                    continue
                tier = rule.tier
                break
        if tier is None:
            tier = out[u.parent] if u.parent is not None else default
        out[u.code] = tier
    return out


def python_permits(activity: str, place: str, at: dt.datetime, tiers: dict[str, Any], rules: Any,
                   h: Hierarchy) -> bool:  # fmt: skip
    """The peer: the same decision evaluated per call, in plain Python, without ``until``."""
    local = at.astimezone(SHANGHAI)
    minute = local.hour * 60 + local.minute
    unit = h.unit(place) if place in h else None
    attributes = unit.attributes if unit is not None else h.segment(place).attributes
    for b in rules.buffers.values():
        if (
            activity in b.activities
            and attributes.get("distance_m", {}).get(b.site, 1e9) <= b.radius_m
        ):
            return False
    tier = tiers[place]
    table = rules.tiers[tier]
    permission = table.get(activity, table["default"]).at(local.date()).permission.value
    if permission != "designated":
        return permission == "allowed"
    if unit is None:
        segment = h.segment(place)
        line = {place, segment.unit, *(a.code for a in h.ancestors(segment.unit))}
    else:
        line = {place, *(a.code for a in h.ancestors(unit))}
    for area in rules.areas.values():
        if (
            activity in area.activities
            and line & set(area.places)
            and any(s.covers(local.date()) for s in area.dates)
            and any(w.start <= minute < w.end for w in area.hours)
        ):
            return True
    return False


def _pairs(h: Hierarchy, n: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = [u.code for u in h.grids()] + [s.code for s in h.segments]
    places = [codes[i] for i in rng.integers(0, len(codes), n)]
    start = np.datetime64("2025-01-01T00:00", "ns")
    minutes = rng.integers(0, 365 * 1440, n).astype("timedelta64[m]")
    return places, start + minutes


def main(tiny: bool) -> None:
    shape = (1, 2, 3, 4, 5) if tiny else (10, 10, 20, 25, 20)
    built = time.perf_counter()
    h = national(*shape)
    built = time.perf_counter() - built
    n_grids = len(h.grids())
    rules = zones.ZoneRules()
    repeat = 5 if tiny else 3
    # a fresh copy of the rules each time: no classification cached from the last run
    t_classify = warm_median(lambda: zones.classify(h, attrs.evolve(rules)), repeat=repeat)
    t_peer = warm_median(lambda: python_classify(h, rules), repeat=repeat)
    peer = python_classify(h, rules)
    zone_map = zones.classify(h, rules)
    for code in peer:  # every unit's tier compared
        assert zone_map.tier_of(code) is peer[code], code

    city = sample_city().hierarchy
    policy = demo_policy()
    n_pairs = 20_000 if tiny else 1_000_000
    places, instants = _pairs(city, n_pairs, 1)
    scalar_in = [
        (
            "stall",
            p,
            dt.datetime.fromtimestamp(int(t.astype("datetime64[s]").astype(int)), SHANGHAI),
            policy,
            city,
        )
        for p, t in zip(places[:20_000], instants[:20_000], strict=True)
    ]
    tiers = {e.code: e.tier for e in zones.classify(city, policy).items()}
    peer_in = [(a, p, t, tiers, policy.zones, city) for a, p, t, _, _ in scalar_in]
    for args, peer_args in zip(scalar_in, peer_in, strict=True):  # every pair compared
        assert zones.permits(*args).allowed is python_permits(*peer_args), args[:3]
    # both warmed by one untimed pass (the engine's timelines, the peer's rules)
    t_scalar = warm_per_call(zones.permits, scalar_in, star=True)
    t_peer_scalar = warm_per_call(python_permits, peer_in, star=True)

    def scalar_loop() -> None:
        for args in scalar_in:
            zones.permits(*args)

    t_loop = median_seconds(scalar_loop, repeat=repeat) / len(scalar_in)
    batch = zones.permits_batch("stall", places, instants, policy, city)
    for i in range(len(scalar_in)):
        assert batch.decision(i) == zones.permits(*scalar_in[i]), i
    t_batch = warm_median(
        lambda: zones.permits_batch("stall", places, instants, policy, city), repeat=repeat
    )

    rows = [
        ["national file (setup)", fmt_time(built), "", "", "", ""],
        [
            f"classify {n_grids:,} grids",
            fmt_time(t_classify),
            *target(t_classify, 2.0, "≤ 2 s", tiny=tiny),
            fmt_time(t_peer),
            f"{t_peer / t_classify:.1f}×",
        ],
        [
            "permits (scalar, median)",
            fmt_time(t_scalar),
            *target(t_scalar, 5e-6, "≤ 5 µs", tiny=tiny),
            fmt_time(t_peer_scalar),
            f"{t_peer_scalar / t_scalar:.1f}×",
        ],
        [
            f"permits_batch {n_pairs:,} pairs",
            fmt_time(t_batch),
            *target(t_batch, 1.0, "≤ 1 s", tiny=tiny),
            fmt_time(t_loop * n_pairs) + " (scalar loop)",
            f"{t_loop * n_pairs / t_batch:.0f}×",
        ],
    ]
    print_table(
        "zones: classification and permissions",
        ["what", "urbangov", "target", "", "peer (plain Python)", "ratio"],
        rows,
    )
    print("ratio = peer time / urbangov time (higher means urbangov is faster)")
