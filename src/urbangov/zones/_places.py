"""The places of a hierarchy as columns: codes, parents, levels and zone attributes (private).

Units come first (sorted by code, as the hierarchy keeps them), then road segments, each
a child of the unit it lies in (level 5). One pass over the units reads the attributes
that classification, buffers and patrols use; everything else is numpy.

Attributes read (all optional; see ``docs/zones.md``):

- ``road_class``: a slug (``main``, ``secondary``…);
- ``near``: a list of slugs (``station``, ``school``…), what the place is next to;
- ``fringe``: a boolean, the urban–rural fringe (城郊结合部);
- ``distance_m``: a table site → metres to the nearest such site (``school_gate = 60``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.errors import HierarchyError
from urbangov.hierarchy import Hierarchy, Segment, Unit
from urbangov.vocabulary import ZoneTier

__all__ = ["SEGMENT_LEVEL", "TIERS", "TIER_CODE", "Places", "places_of"]

TIERS: tuple[ZoneTier, ...] = tuple(ZoneTier)
TIER_CODE: dict[ZoneTier | None, int] = {None: -1, **{t: i for i, t in enumerate(TIERS)}}
SEGMENT_LEVEL = 5
_MAX_NEAR = 63


@attrs.frozen(eq=False)
class Places:
    """Column view of a hierarchy's units and segments (an implementation detail)."""

    codes: tuple[str, ...]
    index: dict[str, int]
    parent: npt.NDArray[np.int32]
    level: npt.NDArray[np.int8]
    override: npt.NDArray[np.int8]
    road: npt.NDArray[np.int16]
    roads: tuple[str, ...]
    near: npt.NDArray[np.int64]
    nears: tuple[str, ...]
    fringe: npt.NDArray[np.int8]
    distance: dict[str, npt.NDArray[np.float64]]
    by_level: tuple[npt.NDArray[np.intp], ...]
    n_units: int

    def __len__(self) -> int:
        return len(self.codes)

    def find(self, place: str | Unit | Segment) -> int:
        """The index of a unit or segment code (``HierarchyError`` if there is none)."""
        code = place.code if isinstance(place, Unit | Segment) else place
        found = self.index.get(code) if isinstance(code, str) else None
        if found is None:
            raise HierarchyError(
                "no such unit or segment in the hierarchy",
                field=repr(code),
                hint="check the code (streets have 9 digits, communities 12, grids 15)",
            )
        return found

    def near_mask(self, words: Sequence[str]) -> int:
        """The bit mask of ``words`` among the ``near`` words seen (0 if none was)."""
        mask = 0
        for word in words:
            if word in self.nears:
                mask |= 1 << self.nears.index(word)
        return mask

    def line(self, i: int) -> list[int]:
        """``i`` and its ancestors, nearest first."""
        out = []
        while i >= 0:
            out.append(i)
            i = int(self.parent[i])
        return out


def places_of(hierarchy: Hierarchy) -> Places:
    """Read ``hierarchy`` into :class:`Places` (one pass over its units and segments)."""
    units = hierarchy.units
    segments = hierarchy.segments
    n_units = len(units)
    codes = [u.code for u in units]
    codes += [s.code for s in segments]
    index = {c: i for i, c in enumerate(codes)}
    if len(index) != len(codes):
        clash = next(s.code for s in segments if index[s.code] < n_units)
        raise HierarchyError(
            "a segment has the code of a unit",
            field=f"segment {clash}",
            hint="give segments codes of their own (e.g. S + the unit's code)",
        )
    parents = [u.parent for u in units]
    parent = [-1 if p is None else index[p] for p in parents]
    parent += [index[s.unit] for s in segments]
    n = len(codes)
    level = np.empty(n, dtype=np.int8)
    level[:n_units] = np.fromiter((u.level for u in units), dtype=np.int8, count=n_units)
    level[n_units:] = SEGMENT_LEVEL
    places: list[Unit | Segment] = [*units, *segments]
    override = np.fromiter((TIER_CODE[p.zone] for p in places), dtype=np.int8, count=n)
    reader = _AttributeReader(n)
    for i in [i for i, p in enumerate(places) if p.attributes]:
        reader.read(i, places[i])
    parent_arr = np.asarray(parent, dtype=np.int32)
    return Places(
        codes=tuple(codes),
        index=index,
        parent=parent_arr,
        level=level,
        override=override,
        road=reader.road,
        roads=tuple(reader.roads),
        near=reader.near,
        nears=tuple(reader.nears),
        fringe=reader.fringe,
        distance=reader.distance,
        by_level=tuple(np.flatnonzero(level == lv) for lv in range(SEGMENT_LEVEL + 1)),
        n_units=n_units,
    )


class _AttributeReader:
    """Reads the zone attributes of the places that have attributes."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.road = np.full(n, -1, dtype=np.int16)
        self.roads: dict[str, int] = {}
        self.near = np.zeros(n, dtype=np.int64)
        self.nears: dict[str, int] = {}
        self.fringe = np.full(n, -1, dtype=np.int8)
        self.distance: dict[str, npt.NDArray[np.float64]] = {}

    def read(self, i: int, place: Unit | Segment) -> None:
        attributes = place.attributes
        road = attributes.get("road_class")
        if road is not None:
            if not isinstance(road, str):
                raise _bad(place, "road_class", road, "a slug such as 'main'")
            self.road[i] = self.roads.setdefault(road, len(self.roads))
        near = attributes.get("near")
        if near is not None:
            self.near[i] = self._near_bits(place, near)
        fringe = attributes.get("fringe")
        if fringe is not None:
            if not isinstance(fringe, bool):
                raise _bad(place, "fringe", fringe, "true or false")
            self.fringe[i] = int(fringe)
        distances = attributes.get("distance_m")
        if distances is not None:
            self._distances(i, place, distances)

    def _near_bits(self, place: Unit | Segment, near: Any) -> int:
        words = (near,) if isinstance(near, str) else near
        if not isinstance(words, tuple | list) or not all(isinstance(w, str) for w in words):
            raise _bad(place, "near", near, "a list of slugs such as ['school']")
        bits = 0
        for word in words:
            bit = self.nears.setdefault(word, len(self.nears))
            if bit >= _MAX_NEAR:
                raise HierarchyError(
                    f"more than {_MAX_NEAR} different 'near' words",
                    field=f"{place.code}.attributes.near",
                    hint="use fewer kinds of site",
                )
            bits |= 1 << bit
        return bits

    def _distances(self, i: int, place: Unit | Segment, distances: Any) -> None:
        if not isinstance(distances, Mapping):
            raise _bad(place, "distance_m", distances, "a table such as { school_gate = 60 }")
        for site, metres in distances.items():
            if (
                isinstance(metres, bool)
                or not isinstance(metres, int | float | Decimal)
                or metres < 0
            ):
                raise _bad(place, f"distance_m.{site}", metres, "metres ≥ 0")
            column = self.distance.get(site)
            if column is None:
                column = self.distance[site] = np.full(self.n, np.inf)
            column[i] = float(metres)


def _bad(place: Unit | Segment, key: str, value: object, expected: str) -> HierarchyError:
    return HierarchyError(
        f"attribute {key} is {value!r}, not {expected}",
        field=f"{place.code}.attributes.{key}",
        hint="fix the city file's attributes (docs/zones.md lists them)",
    )
