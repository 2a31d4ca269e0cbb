"""Cities to simulate: :class:`SyntheticCity` (private; see :mod:`urbangov.sim`)."""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Mapping

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.errors import SimulationError
from urbangov.frozen import FrozenMap
from urbangov.org import City, Department
from urbangov.policy import Policy
from urbangov.sim._cities import sample_city
from urbangov.sim._dispatch import Dispatcher
from urbangov.sim._geography import build_city, grid_weights
from urbangov.sim._model import (
    SOURCES,
    Behaviour,
    CategoryModel,
    DepartmentModel,
    default_categories,
    default_department,
)
from urbangov.sim._patterns import patrol_rounds, plan_of

__all__ = ["DENSITY", "UTILISATION", "SyntheticCity"]

DENSITY = 0.8
"""Default problems per grid of weight 1 per ordinary working day (urbangov choice: with
the default discovery about 200 reports per grid a year, so ~50,000 grids give ~10
million reports)."""
UTILISATION = 0.75
"""Default share of a department's working time its expected work fills."""
_STAFF_DAY = _dt.date(2024, 5, 6)  # an ordinary Monday: the plan that sizes the staff


def _eq_arrays(a: object, b: object) -> bool:
    return bool(np.array_equal(a, b))  # type: ignore[arg-type]


def _weights(value: object) -> npt.NDArray[np.float64]:
    arr = np.array(value, dtype=np.float64)
    if arr.ndim != 1 or not np.isfinite(arr).all() or (arr < 0).any():
        raise SimulationError("grid weights must be finite numbers >= 0", field="weights")
    arr.setflags(write=False)
    return arr


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _categories(value: Mapping[str, CategoryModel]) -> FrozenMap[str, CategoryModel]:
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


def _departments(value: Mapping[str, DepartmentModel]) -> FrozenMap[str, DepartmentModel]:
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


@attrs.frozen
class SyntheticCity:
    """A city to simulate: its territory and organisation (an :class:`~urbangov.org.City`)
    and its model — how often each problem occurs in each grid, how long handling takes,
    how many handlers each department has and when they work, how people act.

    Build one with :meth:`generate` (a synthetic city of any size), :meth:`from_city`
    (a real or bundled city file) or :meth:`sample` (the bundled sample district);
    change it with :meth:`with_servers` or ``attrs.evolve``.

    Attributes
    ----------
    city
        The hierarchy and organisation (validated by ``org.City``).
    grids
        The grid codes, sorted; ``weights`` gives each its share of activity.
    categories
        Slug → :class:`CategoryModel`.
    departments
        Department code → :class:`DepartmentModel` (a lead without one gets one handler
        in office hours).
    behaviour
        The :class:`Behaviour` of reporters, the command centre and handlers.

    Examples
    --------
    >>> from urbangov.vocabulary import Level
    >>> city = SyntheticCity.generate(grids=400, streets=4, districts=1, seed=1)
    >>> len(city.grids), city.city.hierarchy.counts()[Level.STREET]
    (400, 4)
    >>> SyntheticCity.generate(grids=400, streets=4, districts=1, seed=1) == city
    True
    """

    city: City
    grids: tuple[str, ...] = attrs.field(converter=_codes)
    weights: npt.NDArray[np.float64] = attrs.field(
        converter=_weights, eq=attrs.cmp_using(eq=_eq_arrays)
    )
    categories: FrozenMap[str, CategoryModel] = attrs.field(converter=_categories)
    departments: FrozenMap[str, DepartmentModel] = attrs.field(converter=_departments)
    behaviour: Behaviour = attrs.field(factory=Behaviour)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if len(self.weights) != len(self.grids):
            raise SimulationError(
                f"{len(self.weights)} weights for {len(self.grids)} grids", field="weights"
            )
        if list(self.grids) != sorted(self.grids):
            raise SimulationError("grid codes must be sorted", field="grids")

    # ----------------------------------------------------------------- building
    @classmethod
    def generate(
        cls,
        *,
        grids: int,
        streets: int,
        districts: int = 1,
        seed: int = 0,
        density: float = DENSITY,
        utilisation: float = UTILISATION,
        behaviour: Behaviour | None = None,
    ) -> SyntheticCity:
        """A synthetic city of ``grids`` 万米单元网格 (each about 10,000 m²) in
        ``streets`` streets and ``districts`` districts (up to 15 districts a city,
        cities in provinces as the national codes do; about 1,000,000 grids is national
        scale). Streets get tens to a few hundred grids (log-normal shares), about 12
        grids a community; grids get road classes, nearby sites (station, school,
        market…) and some an explicit 规范区 so that the policy's zone rules classify
        them; about 15% of streets are urban–rural fringe. Each district gets the sample
        district's departments and duty matrix, each street its street office. The
        model is :meth:`from_city`'s.

        Raises
        ------
        SimulationError
            If the sizes are not ``1 <= districts <= streets <= grids <= 2,000,000``.
        """
        city = build_city(grids, streets, districts, seed)
        return cls.from_city(
            city,
            seed=seed,
            density=density,
            utilisation=utilisation,
            behaviour=behaviour,
            name=f"synthetic city ({grids:,} grids, seed {seed})",
        )

    @classmethod
    def from_city(
        cls,
        city: City,
        *,
        seed: int = 0,
        density: float = DENSITY,
        utilisation: float = UTILISATION,
        behaviour: Behaviour | None = None,
        name: str = "",
    ) -> SyntheticCity:
        """The default model over ``city``: every category of the bundled taxonomy with
        the default rates and handling times (scaled to ``density`` problems per grid
        of weight 1 a day), grid weights from their area (万米 units; 1 without one)
        times a log-normal factor keyed by the code, and each lead department staffed
        so that its expected work under the default policy fills ``utilisation`` of its
        working time (see ``docs/simulation.md``).

        >>> from urbangov.sim import sample_city
        >>> SyntheticCity.from_city(sample_city()).departments["hw_station"].hours
        'shifts'
        """
        if not (isinstance(density, int | float) and density >= 0):
            raise SimulationError(f"{density!r} is not a density >= 0", field="density")
        if not (isinstance(utilisation, int | float) and 0 < utilisation <= 1):
            raise SimulationError(f"{utilisation!r} is not a share in (0, 1]", field="utilisation")
        grids = tuple(sorted(u.code for u in city.hierarchy.grids()))
        if not grids:
            raise SimulationError("the city has no grids", field="city")
        areas = np.array(
            [city.hierarchy.unit(g).area_m2 or 10_000.0 for g in grids], dtype=np.float64
        )
        weights = grid_weights(seed, grids, areas)
        policy = Policy.default()
        slugs = tuple(sorted(c.slug for c in policy.taxonomy().categories()))
        categories = default_categories(slugs, float(density))
        chosen = behaviour if behaviour is not None else Behaviour()
        departments = _staff(city, grids, weights, categories, chosen, policy, utilisation)
        return cls(city, grids, weights, categories, departments, chosen, name or "city")

    @classmethod
    def sample(cls, *, seed: int = 0, density: float = DENSITY) -> SyntheticCity:
        """The bundled sample district (:func:`sample_city`) with the default model.

        >>> SyntheticCity.sample().name
        'sample district'
        """
        return cls.from_city(sample_city(), seed=seed, density=density, name="sample district")

    def with_servers(self, changes: Mapping[str, int]) -> SyntheticCity:
        """The city with some departments' handler counts changed (``{code: servers}``),
        e.g. twice the grid workers of one street office.

        >>> city = SyntheticCity.sample()
        >>> n = city.departments["street_office_001"].servers
        >>> more = city.with_servers({"street_office_001": 2 * n})
        >>> more.departments["street_office_001"].servers == 2 * n
        True
        """
        merged = dict(self.departments)
        for code, servers in changes.items():
            old = merged.get(code)
            merged[code] = (
                attrs.evolve(old, servers=servers) if old is not None else DepartmentModel(servers)
            )
        return attrs.evolve(self, departments=FrozenMap(sorted(merged.items())))

    def department(self, code: str) -> DepartmentModel:
        """The model of department ``code`` (one handler, office hours, if it has none)."""
        found = self.departments.get(code)
        return found if found is not None else DepartmentModel(1)


def _staff(
    city: City,
    grids: tuple[str, ...],
    weights: npt.NDArray[np.float64],
    categories: FrozenMap[str, CategoryModel],
    behaviour: Behaviour,
    policy: Policy,
    utilisation: float,
) -> FrozenMap[str, DepartmentModel]:
    """Handlers per lead department sized to its expected work under ``policy``."""
    plan = plan_of(city.hierarchy, policy, _STAFF_DAY)
    rounds, _ = patrol_rounds(plan, grids)
    detect = 1.0 - np.exp(-behaviour.patrol_detection * rounds)
    public = sum(behaviour.public_report.get(s, 0.0) for s in SOURCES[1:])
    found = detect + (1.0 - detect) * public
    kept = (1 - 0.05) * (1 - behaviour.reject_filing - behaviour.void)
    slugs = tuple(categories)
    dispatcher = Dispatcher(city, policy.taxonomy(), grids)
    grid_index = np.arange(len(grids), dtype=np.int64)
    load: dict[str, float] = {}
    per_grid = weights * found * kept * 365.0
    for c, slug in enumerate(slugs):
        category = categories[slug]
        if category.rate == 0:
            continue
        names, lead = dispatcher.leads(slugs, np.full(len(grids), c), grid_index)
        minutes = np.bincount(lead, weights=per_grid * category.rate, minlength=len(names))
        work = minutes * category.service_minutes * (1 + behaviour.rework)
        for name, value in zip(names, work.tolist(), strict=True):
            load[name] = load.get(name, 0.0) + value
    out: dict[str, DepartmentModel] = {}
    minutes_per_day = policy.work_calendar().schedule.minutes_per_day(_STAFF_DAY)
    for code, needed in sorted(load.items()):
        party = city.party(code)
        kind = party.kind if isinstance(party, Department) else None
        model = default_department(kind, 1)
        if model.hours == "always":
            per_year = 365 * 1440.0
        elif model.hours == "shifts":
            per_year = 365.0 * model.shift.minutes_per_day(_STAFF_DAY)
        else:
            per_year = 250.0 * minutes_per_day
        servers = max(1, math.ceil(needed / (utilisation * per_year)))
        out[code] = attrs.evolve(model, servers=servers)
    return FrozenMap(out)
