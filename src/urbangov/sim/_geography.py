"""Synthetic geography and organisation: the hierarchy and departments of a
:class:`~urbangov.sim.SyntheticCity` (private).

Every draw is counter-based (:mod:`urbangov.sim._random`), keyed by the seed and the
index of the district, street or grid, so a city is the same on every machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from urbangov.errors import SimulationError
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.org import City, Department, DepartmentKind, DutyMatrix, DutyRule, Organisation
from urbangov.sim._cities import sample_city
from urbangov.sim._random import fold, lognormal, stream, uniform
from urbangov.vocabulary import Level, ZoneTier

__all__ = ["MAX_GRIDS", "build_city", "grid_weights"]

MAX_GRIDS = 2_000_000
"""The most grids :meth:`SyntheticCity.generate` makes (national scale is ~1,000,000)."""
_DISTRICTS_PER_CITY = 15
_GRID_M2 = 10_000.0  # a 万米单元网格 (CJ/T 213)
_ROADS = ("main", "secondary", "branch", "alley")
_CHAIN = (DepartmentKind.SQUADRON, DepartmentKind.TEAM)
_SITES = ("station", "port", "square", "scenic_spot", "school", "market")


def _u(seed: int, name: str, n: int) -> npt.NDArray[np.float64]:
    return uniform(fold(stream(seed, name), np.arange(n, dtype=np.uint64)))


def _allocate(total: int, weights: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Split ``total`` in proportion to ``weights`` (largest remainders; ties by index)."""
    share = weights / weights.sum() * total
    base = np.floor(share).astype(np.int64)
    left = total - int(base.sum())
    if left:
        order = np.lexsort((np.arange(share.size), -(share - base)))
        base[order[:left]] += 1
    out: npt.NDArray[np.int64] = base
    return out


def _check(grids: int, streets: int, districts: int) -> None:
    for name, value in (("grids", grids), ("streets", streets), ("districts", districts)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise SimulationError(f"{value!r} is not a positive whole number", field=name)
    if not districts <= streets <= grids:
        raise SimulationError(
            f"{districts} districts, {streets} streets and {grids} grids",
            field="streets",
            hint="give districts <= streets <= grids (each district has a street, each "
            "street a grid)",
        )
    if grids > MAX_GRIDS:
        raise SimulationError(
            f"{grids:,} grids is more than {MAX_GRIDS:,}",
            field="grids",
            hint="national scale is about 1,000,000 grids",
        )


def _codes(districts: int) -> list[tuple[str, str, str]]:
    """(city code, city name, district code) per district: 6-digit codes (GB/T 2260
    form), up to 15 districts per city, cities numbered across provinces 11–99."""
    out = []
    for d in range(districts):
        k, dd = divmod(d, _DISTRICTS_PER_CITY)
        province, city = divmod(k, 40)
        city_code = f"{11 + province:02d}{city + 1:02d}00"
        out.append((city_code, f"合成{k + 1}市", city_code[:4] + f"{dd + 1:02d}"))
    return out


def build_city(grids: int, streets: int, districts: int, seed: int) -> City:
    """A synthetic :class:`~urbangov.org.City` (see ``SyntheticCity.generate``)."""
    _check(grids, streets, districts)
    per_district = 1 + _allocate(
        streets - districts, lognormal_weights(seed, "geo.district", districts)
    )
    low = min(10, grids // streets)
    per_street = low + _allocate(
        grids - low * streets, lognormal_weights(seed, "geo.street", streets, 0.6)
    )
    if (per_street > 999 * 999).any():  # pragma: no cover - needs ~1e6 grids in one street
        raise SimulationError("a street has too many grids", field="grids")
    road_u = _u(seed, "geo.road", grids)
    site_u = _u(seed, "geo.site", grids)
    zone_u = _u(seed, "geo.regulated", grids)
    area = _GRID_M2 * lognormal(
        fold(stream(seed, "geo.area"), np.arange(grids, dtype=np.uint64)), 1.0, 0.3
    )
    fringe = _u(seed, "geo.fringe", streets) < 0.15
    units: list[Unit] = []
    fringe_streets: dict[str, list[str]] = {}
    seen_cities: set[str] = set()
    g = s = 0
    for d, (city_code, city_name, d_code) in enumerate(_codes(districts)):
        if city_code not in seen_cities:
            seen_cities.add(city_code)
            units.append(Unit(city_code, city_name, Level.CITY))
        d_name = f"合成{d + 1}区"
        units.append(Unit(d_code, d_name, Level.DISTRICT, parent=city_code))
        for j in range(int(per_district[d])):
            s_code = f"{d_code}{j + 1:03d}"
            n_grids = int(per_street[s])
            attrs: dict[str, Any] = {"fringe": True} if fringe[s] else {}
            if fringe[s]:
                fringe_streets.setdefault(d_code, []).append(s_code)
            street_area = float(area[g : g + n_grids].sum())
            units.append(
                Unit(s_code, f"{d_name}{j + 1}街道", Level.STREET, d_code, None, street_area, attrs)
            )
            n_comm = max(1, min(999, round(n_grids / 12)))
            sizes = _allocate(n_grids, np.ones(n_comm))
            for k in range(n_comm):
                c_code = f"{s_code}{k + 1:03d}"
                units.append(Unit(c_code, f"第{k + 1}社区", Level.COMMUNITY, s_code))
                for m in range(int(sizes[k])):
                    units.append(_grid(f"{c_code}{m + 1:03d}", m, c_code, g, fringe[s],
                                       road_u, site_u, zone_u, area))  # fmt: skip
                    g += 1
            s += 1
    hierarchy = Hierarchy(units)
    return City(hierarchy, _organisation(hierarchy, fringe_streets))


def lognormal_weights(seed: int, name: str, n: int, cv: float = 0.3) -> npt.NDArray[np.float64]:
    """``n`` log-normal weights of mean 1 keyed by index."""
    return lognormal(fold(stream(seed, name), np.arange(n, dtype=np.uint64)), 1.0, cv)


def _grid(
    code: str,
    m: int,
    parent: str,
    g: int,
    fringe: bool,
    road_u: npt.NDArray[np.float64],
    site_u: npt.NDArray[np.float64],
    zone_u: npt.NDArray[np.float64],
    area: npt.NDArray[np.float64],
) -> Unit:
    attributes: dict[str, Any] = {}
    r = road_u[g]
    if fringe:  # the urban–rural fringe: few classified roads, so most inherit 一般区
        if r < 0.05:
            attributes["road_class"] = "main"
    else:
        attributes["road_class"] = _ROADS[int(np.searchsorted([0.08, 0.35, 0.75], r, "right"))]
    if site_u[g] < 0.03:
        attributes["near"] = (_SITES[int(site_u[g] / 0.005)],)
    zone = ZoneTier.REGULATED if zone_u[g] < 0.02 and not fringe else None
    return Unit(
        code, f"第{m + 1}网格", Level.GRID, parent, zone, round(float(area[g]), 1), attributes
    )


def _organisation(hierarchy: Hierarchy, fringe_streets: dict[str, list[str]]) -> Organisation:
    """Each district gets the sample district's departments and duty rules (codes
    suffixed with the district code); each street its street office."""
    template = sample_city().organisation
    district_level = {d.code for d in template.departments if d.unit is None or d.unit == "320105"}
    departments: list[Department] = []
    rules: list[DutyRule] = []
    for district in hierarchy.at_level(Level.DISTRICT):
        d = district.code
        for dep in template.departments:
            if dep.code not in district_level or dep.kind in _CHAIN:
                continue
            parent = f"{dep.parent}_{d}" if dep.parent in district_level else None
            departments.append(
                Department(f"{dep.code}_{d}", dep.name, dep.kind, parent, d if dep.unit else None)
            )
        for rule in template.duties.rules:
            territories = [d] if rule.territory == "320105" else fringe_streets.get(d, [])
            for territory in territories:
                rules.append(
                    DutyRule(
                        rule.domain,
                        rule.asset_kind,
                        territory,
                        _party(rule.lead, d),
                        tuple(_party(p, d) for p in rule.cooperating),
                        tuple(_party(p, d) for p in rule.supervising),
                        rule.source,
                    )
                )
        for street in hierarchy.children(district):
            departments.append(
                Department(
                    f"street_office_{street.code}",
                    f"{street.name}办事处",
                    DepartmentKind.STREET_OFFICE,
                    unit=street.code,
                )
            )
    return Organisation(departments, duties=DutyMatrix(rules), name="synthetic")


def _party(party: str | Level, district: str) -> str | Level:
    return party if isinstance(party, Level) else f"{party}_{district}"


def grid_weights(
    seed: int, codes: tuple[str, ...], areas: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Per grid, its share of activity: its area in 万米 units times a log-normal
    factor of mean 1 (cv 0.5) keyed by its code, so a grid keeps its weight whatever
    the order of the file."""
    from urbangov.sim._random import stable_hash

    keys = fold(
        stream(seed, "geo.weight"), np.array([stable_hash(c) for c in codes], dtype=np.uint64)
    )
    out: npt.NDArray[np.float64] = areas / _GRID_M2 * lognormal(keys, 1.0, 0.5)
    return out
