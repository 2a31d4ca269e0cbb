"""Hypothesis strategies for this project's own tests (hierarchies, instants near a
change of UTC offset, exact rounding ties)."""

from __future__ import annotations

import datetime as _dt
import functools
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from urbangov import Hierarchy, Level, Unit


def hierarchy_rows(max_children: int = 3) -> st.SearchStrategy[list[Unit]]:
    """Units of a random valid forest (all codes distinct)."""
    return _hierarchy_rows(max_children).filter(_unique_codes)


@st.composite
def _hierarchy_rows(draw: st.DrawFn, max_children: int = 3) -> list[Unit]:
    """Units of a random valid forest: 1–3 roots at any level, random fan-out."""
    units: list[Unit] = []
    used: set[str] = set()
    for _ in range(draw(st.integers(1, 3))):
        level = draw(st.sampled_from(list(Level)))
        if level is Level.CITY:
            code = f"{draw(st.integers(11, 65)):02d}{draw(st.integers(1, 99)):02d}00"
        elif level is Level.DISTRICT:
            code = f"{draw(st.integers(11, 65)):02d}{draw(st.integers(1, 99)):02d}"
            code += f"{draw(st.integers(1, 99)):02d}"
        else:
            code = "".join(draw(st.sampled_from("0123456789")) for _ in range(level.code_length))
        if code in used or any(code.startswith(u) or u.startswith(code) for u in used):
            continue
        used.add(code)
        _grow(draw, units, Unit(code, f"u{code}", level), max_children)
    return units


def _unique_codes(units: list[Unit]) -> bool:
    # a root district may share its code with a city tree's child district: redraw then
    return len({u.code for u in units}) == len(units)


def _grow(draw: st.DrawFn, units: list[Unit], unit: Unit, max_children: int) -> None:
    units.append(unit)
    if unit.level is Level.GRID:
        return
    child_level = Level(unit.level + 1)
    n = draw(st.integers(0, max_children))
    suffixes = draw(
        st.lists(
            st.integers(1, 99 if unit.level is Level.CITY else 999),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    for s in suffixes:
        code = unit.code[:4] + f"{s:02d}" if unit.level is Level.CITY else unit.code + f"{s:03d}"
        _grow(draw, units, Unit(code, f"u{code}", child_level, parent=unit.code), max_children)


def hierarchies(max_children: int = 3) -> st.SearchStrategy[Hierarchy]:
    """Random valid hierarchies (forests)."""
    return hierarchy_rows(max_children).map(Hierarchy)


# --------------------------------------------------------------------------- instants

#: Zones whose UTC offset changes during the year (north and south, a negative DST in
#: tzdata's Europe/Dublin, half-hour offsets in Australia/Adelaide).
DST_ZONES = (
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Europe/Dublin",
    "America/Santiago",
)


def _offset(zone: ZoneInfo, t: _dt.datetime) -> _dt.timedelta | None:
    return t.astimezone(zone).utcoffset()


@functools.cache
def offset_changes(zone_name: str, year: int) -> tuple[_dt.datetime, ...]:
    """The instants (UTC, to the second) in ``year`` at which ``zone_name``'s offset
    changes: the first instant of each new offset."""
    zone = ZoneInfo(zone_name)
    day = _dt.timedelta(days=1)
    t = _dt.datetime(year, 1, 1, tzinfo=_dt.UTC)
    out: list[_dt.datetime] = []
    before = _offset(zone, t)
    while t.year == year:
        nxt = t + day
        if _offset(zone, nxt) != before:
            lo, hi = 0, 86_400  # offset(t + lo) == before != offset(t + hi)
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(zone, t + _dt.timedelta(seconds=mid)) == before:
                    lo = mid
                else:
                    hi = mid
            out.append(t + _dt.timedelta(seconds=hi))
            before = _offset(zone, nxt)
        t = nxt
    return tuple(out)


@st.composite
def instants_near_offset_changes(
    draw: st.DrawFn, zones: tuple[str, ...] = DST_ZONES, years: tuple[int, int] = (1990, 2060)
) -> tuple[str, _dt.datetime]:
    """A zone name and an aware UTC instant on or near a change of its offset: exactly
    at it, a microsecond or a second either side, or anywhere within a day of it."""
    name = draw(st.sampled_from(zones))
    changes = offset_changes(name, draw(st.integers(*years)))
    if not changes:  # a year without a change (a zone that dropped DST)
        changes = offset_changes("Europe/London", 2024)
        name = "Europe/London"
    change = draw(st.sampled_from(changes))
    step = draw(
        st.one_of(
            st.sampled_from((0, -1, 1)).map(lambda us: _dt.timedelta(microseconds=us)),
            st.sampled_from((-1, 1)).map(lambda s: _dt.timedelta(seconds=s)),
            st.integers(-86_400 * 10**6, 86_400 * 10**6).map(
                lambda us: _dt.timedelta(microseconds=us)
            ),
        )
    )
    return name, change + step


# --------------------------------------------------------------------------- rates


@st.composite
def percent_ties(draw: st.DrawFn, max_places: int = 6) -> tuple[Fraction, int, Decimal]:
    """An exact tie for ``kpi.percent``: a rate (up to 2, as filing rates may exceed 1)
    whose percentage lies exactly halfway between two values shown with ``places``
    decimals, the places, and the value half-up rounding shows (the upper one)."""
    places = draw(st.integers(0, max_places))
    scale = 10**places
    k = draw(st.integers(0, 200 * scale - 1))
    rate = Fraction(2 * k + 1, 200 * scale)  # percentage × scale == k + 1/2
    return rate, places, Decimal(k + 1).scaleb(-places)
