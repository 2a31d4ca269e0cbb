"""Dispatch through the duty matrix, once per distinct rule territory (private).

The lead of a case depends on its grid only through the grid's ancestors that duty
rules name (their territories) and the ancestor a level party means. So the lead of
(category, grid) is ``city.lead_for(domain, rep, asset_kind)`` for ``rep`` the grid's
ancestor at the deepest level any rule uses: computed once per (category,
representative unit, asset kind), not per case.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from urbangov.org import City
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Domain, Level

__all__ = ["CITY_ROADS", "Dispatcher"]

CITY_ROADS = ("main", "expressway")
"""Road classes whose roads are taken to be on the city's maintained list
(``road.city_list``): a road-site problem in such a grid has that asset kind."""


class Dispatcher:
    """Lead departments of (category, grid) pairs for one city and taxonomy."""

    def __init__(self, city: City, taxonomy: Taxonomy, grids: tuple[str, ...]) -> None:
        self.city = city
        self.taxonomy = taxonomy
        h = city.hierarchy
        rules = city.organisation.duties.rules
        depth = max(
            [int(h.unit(r.territory).level) for r in rules if r.territory in h]
            + [int(r.lead) for r in rules if isinstance(r.lead, Level)]
            + [int(Level.DISTRICT)]
        )
        reps: dict[str, int] = {}
        rep_of = np.empty(len(grids), dtype=np.int64)
        listed = np.zeros(len(grids), dtype=np.bool_)
        # codes extend their parent's by 3 digits below the district (6 digits), so the
        # ancestor at ``depth`` is usually a prefix; checked, else asked of the hierarchy
        width = 6 + 3 * (depth - int(Level.DISTRICT)) if depth >= int(Level.DISTRICT) else 0
        at_depth: dict[str, bool] = {}  # is this prefix a unit at ``depth``?
        for i, code in enumerate(grids):
            unit = h.unit(code)
            rep_code = code[:width] if width else ""
            if int(unit.level) <= depth:
                rep_code = code
            else:
                fits = at_depth.get(rep_code)
                if fits is None:
                    fits = at_depth[rep_code] = (
                        rep_code in h and int(h.unit(rep_code).level) == depth
                    )
                if not fits:
                    rep_code = h.territory_of(unit, Level(depth)).code
            rep_of[i] = reps.setdefault(rep_code, len(reps))
            listed[i] = unit.attributes.get("road_class") in CITY_ROADS
        self.rep_codes = tuple(reps)
        self.rep_of = rep_of
        self.listed = listed
        self.knows_city_list = "road.city_list" in city.organisation.duties.asset_kinds()
        self._duty: dict[tuple[str, bool], tuple[Domain, str | None]] = {}
        self._cache: dict[tuple[Domain, str | None, int], str] = {}

    def duty(self, slug: str, listed: bool) -> tuple[Domain, str | None]:
        """The (domain, asset kind) the duty matrix is asked about for category ``slug``
        (on a listed road or not): categories that share it share their leads."""
        found = self._duty.get((slug, listed))
        if found is None:
            category = self.taxonomy.resolve(slug, field="category")
            kind = category.asset_kind
            if listed and kind is not None and kind.startswith("road.") and self.knows_city_list:
                kind = "road.city_list"
            found = self._duty[slug, listed] = (category.domain, kind)
        return found

    def leads(
        self,
        slugs: tuple[str, ...],
        category: npt.NDArray[np.integer[Any]],
        grid: npt.NDArray[np.integer[Any]],
    ) -> tuple[tuple[str, ...], npt.NDArray[np.int32]]:
        """Per case (codes into ``slugs`` and the dispatcher's grids): the lead, as codes
        into the returned sorted tuple of department codes."""
        # each (category, listed) pair's duty question, numbered
        duties: dict[tuple[Domain, str | None], int] = {}
        question = np.array(
            [
                duties.setdefault(self.duty(s, flag), len(duties))
                for s in slugs
                for flag in (False, True)
            ],
            dtype=np.int64,
        )
        flag = self.listed[grid].astype(np.int64)
        n_reps = len(self.rep_codes)
        key = question[category.astype(np.int64) * 2 + flag] * n_reps + self.rep_of[grid]
        # the distinct keys, ascending, and each case's place among them: a count over
        # the small space of keys (questions x representatives), not a sort; the duty
        # matrix is asked once per (domain, asset kind, representative)
        space = len(duties) * n_reps
        unique = np.flatnonzero(np.bincount(key, minlength=space))
        place = np.zeros(space, dtype=np.int64)
        place[unique] = np.arange(unique.size)
        asked = list(duties)
        codes = []
        for k in unique.tolist():
            q, rep = divmod(k, n_reps)
            domain, kind = asked[q]
            found = self._cache.get((domain, kind, rep))
            if found is None:
                found = self.city.lead_for(domain, self.rep_codes[rep], kind)
                self._cache[domain, kind, rep] = found
            codes.append(found)
        names = tuple(sorted(set(codes)))
        position = {c: i for i, c in enumerate(names)}
        per_key = np.array([position[c] for c in codes], dtype=np.int32)
        return names, per_key[place[key]]
