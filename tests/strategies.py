"""Hypothesis strategies for this project's own tests (hierarchies)."""

from __future__ import annotations

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
