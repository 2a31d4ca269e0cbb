"""A deterministic synthetic case log, built with numpy (private; ``io.example_log``)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from urbangov._internal.instants import to_ns
from urbangov.calendar import TimeUnit
from urbangov.cases import CaseColumns, EventKind, Outcome
from urbangov.errors import CaseLogError
from urbangov.hierarchy import Hierarchy
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Urgency

__all__ = ["example_log"]

_E = EventKind
# Valid histories and how often each occurs (a plausible mix, not measured data).
_TEMPLATES: tuple[tuple[float, tuple[EventKind, ...]], ...] = (
    (0.55, (_E.ACCEPT, _E.FILE, _E.DISPATCH, _E.HANDLE, _E.VERIFY_PASS, _E.CLOSE)),
    (0.18, (_E.ACCEPT, _E.FILE, _E.DISPATCH)),
    (0.06, (_E.ACCEPT, _E.FILE, _E.DISPATCH, _E.EXTEND, _E.HANDLE, _E.VERIFY_PASS, _E.CLOSE)),
    (0.05, (_E.ACCEPT, _E.FILE, _E.DISPATCH, _E.HANDLE, _E.VERIFY_FAIL, _E.HANDLE,
            _E.VERIFY_PASS, _E.CLOSE)),
    (0.03, (_E.ACCEPT, _E.FILE, _E.DISPATCH, _E.SUSPEND, _E.RESUME, _E.HANDLE, _E.VERIFY_PASS,
            _E.CLOSE)),
    (0.03, (_E.ACCEPT, _E.FILE, _E.DISPATCH, _E.SEND_BACK, _E.DISPATCH, _E.HANDLE,
            _E.VERIFY_PASS, _E.CLOSE)),
    (0.05, (_E.REJECT,)),  # 不予受理: never received
    (0.04, (_E.ACCEPT, _E.REJECT)),  # 不予立案: received, not filed
    (0.05, (_E.ACCEPT, _E.FILE, _E.VOID)),
)  # fmt: skip
_DEPARTMENTS = (
    "construction_bureau",
    "landscaping_bureau",
    "sanitation_station",
    "street_office",
    "traffic_police",
)
_NOTES = ("photo attached", "门前三包, 已整改")
_ACTORS = tuple(f"operator_{i:02d}" for i in range(1, 13))


def _sample_grids() -> tuple[str, ...]:
    ref = resources.files("urbangov.data") / "sample_district.toml"
    with resources.as_file(ref) as path:
        return tuple(u.code for u in Hierarchy.load(path).grids())


def _compact(
    choices: NDArray[np.int64], candidates: Sequence[str]
) -> tuple[tuple[str, ...], NDArray[np.int64]]:
    """Canonical lookups: the used candidates, sorted, and codes into them."""
    order = sorted(range(len(candidates)), key=candidates.__getitem__)
    rank = np.empty(len(candidates), dtype=np.int64)
    rank[order] = np.arange(len(candidates))
    ranked = rank[choices]
    used = np.unique(ranked)
    lookup = tuple(candidates[order[int(u)]] for u in used)
    return lookup, np.searchsorted(used, ranked)


def _some(
    rng: np.random.Generator, mask: NDArray[np.bool_], share: float, k: int
) -> NDArray[np.int64]:
    """Codes 0..k-1 on a ``share`` of the rows in ``mask``, -1 elsewhere."""
    out = np.full(mask.size, -1, dtype=np.int64)
    hit = mask & (rng.random(mask.size) < share)
    out[hit] = rng.integers(0, k, int(hit.sum()))
    return out


def example_log(
    n_cases: int,
    *,
    seed: int = 0,
    start: _dt.datetime | None = None,
    days: int = 90,
    grids: Sequence[str] | None = None,
) -> CaseColumns:
    """A synthetic, valid case log of ``n_cases`` reports (about 5.3 events each).

    Deterministic for a ``seed``. Histories follow a fixed mix of typical paths (closed,
    open, extended, reworked, suspended, sent back, rejected before acceptance 不予受理
    or after it 不予立案, voided) — a plausible mix, not measured data; cases are reported
    uniformly over ``days`` days from ``start`` (default 2024-01-01 00:00 Asia/Shanghai)
    in ``grids`` (default: the grids of the bundled sample district), with categories
    from the bundled taxonomy. Times are whole seconds. For tests, demos and benchmarks.

    Examples
    --------
    >>> cols = example_log(100, seed=1)
    >>> cols.n_cases, cols.invalid().any()
    (100, np.False_)
    >>> example_log(100, seed=1) == cols
    True
    """
    if not isinstance(n_cases, int) or n_cases < 0:
        raise CaseLogError(f"{n_cases!r} is not a count of cases", field="n_cases")
    rng = np.random.default_rng(seed)
    zone = ZoneInfo("Asia/Shanghai")
    t0 = start if start is not None else _dt.datetime(2024, 1, 1, tzinfo=zone)
    grid_pool = tuple(grids) if grids is not None else _sample_grids()
    slugs = tuple(c.slug for c in Taxonomy.default().categories())
    weights = np.array([w for w, _ in _TEMPLATES])
    template = rng.choice(len(_TEMPLATES), size=n_cases, p=weights / weights.sum())
    lengths = np.array([len(t) for _, t in _TEMPLATES], dtype=np.int64)
    flat = np.array([k.code for _, t in _TEMPLATES for k in t], dtype=np.int8)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    per_case = lengths[template]
    case = np.repeat(np.arange(n_cases, dtype=np.int64), per_case)
    first = np.concatenate([[0], np.cumsum(per_case)[:-1]]).astype(np.int64)
    step = np.arange(case.size, dtype=np.int64) - first[case]
    kind = flat[offsets[template][case] + step]
    m = case.size
    reported_s = to_ns(t0, "start") // 10**9 + rng.integers(0, days * 86_400, n_cases)
    gaps = rng.integers(60, 36 * 3600, m)
    cum = np.cumsum(gaps)
    before = np.where(first > 0, cum[first - 1], 0) if m else first
    at_s = reported_s[case] + cum - before[case]
    dispatch = kind == _E.DISPATCH.code
    extend = kind == _E.EXTEND.code
    handle = kind == _E.HANDLE.code
    dep_choice = np.where(dispatch, rng.integers(0, len(_DEPARTMENTS), m), 0)
    departments, dep_codes = _compact(dep_choice[dispatch], _DEPARTMENTS)
    event_department = np.full(m, -1, dtype=np.int64)
    event_department[dispatch] = dep_codes
    actor = _some(rng, kind == _E.ACCEPT.code, 1.0, len(_ACTORS))
    actors, actor_codes = _compact(actor[actor >= 0], _ACTORS)
    actor[actor >= 0] = actor_codes
    note = _some(rng, handle, 0.05, len(_NOTES))
    notes, note_codes = _compact(note[note >= 0], _NOTES)
    note[note >= 0] = note_codes
    outcome = _some(rng, handle, 0.05, len(Outcome))
    categories, category = _compact(rng.integers(0, len(slugs), n_cases), slugs)
    grid_list, grid = _compact(rng.integers(0, len(grid_pool), n_cases), grid_pool)
    urgency = np.where(rng.random(n_cases) < 0.9, CaseColumns.URGENCIES.index(Urgency.NORMAL),
                       rng.integers(0, len(CaseColumns.URGENCIES), n_cases))  # fmt: skip
    values: dict[str, Any] = {
        "ids": tuple(f"C{seed}-{i:08d}" for i in range(n_cases)),
        "category": category,
        "categories": categories,
        "grid": grid,
        "grids": grid_list,
        "urgency": urgency,
        "source": rng.integers(0, len(CaseColumns.SOURCES), n_cases),
        "zone": rng.integers(-1, len(CaseColumns.ZONES), n_cases),
        "reported_at": (reported_s * 10**9).view("datetime64[ns]"),
        "segment": np.full(n_cases, -1),
        "segments": (),
        "case": case,
        "kind": kind,
        "at": (at_s * 10**9).view("datetime64[ns]"),
        "extension_min": np.where(extend, rng.integers(1, 6, m), 0),
        "extension_unit": np.where(extend, CaseColumns.UNITS.index(TimeUnit.WORKING_DAYS), -1),
        "event_department": event_department,
        "departments": departments,
        "actor": actor,
        "actors": actors,
        "outcome": outcome,
        "note": note,
        "notes": notes,
    }
    return CaseColumns(**values)
