"""When problems occur and are reported: hour-of-day, rest-day and seasonal factors,
and the patrol plan's rounds (private).

``intensity(profile, source)`` is a factor per hour of the run; a category's expected
reports in hour ``h`` are ``rate × weight × share × f[h] / 24``. Hour profiles average 1
over a day, so an ordinary working day has factor 1.
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from urbangov.calendar import DayKind, WorkCalendar
from urbangov.hierarchy import Hierarchy
from urbangov.sim._model import PROFILES, SOURCES
from urbangov.zones import PatrolKind, PatrolTable, patrol_table

__all__ = [
    "FLOOD_PEAK",
    "HOURLY",
    "PATROL_WEIGHT",
    "REST_DAY",
    "SUMMER",
    "hour_bins",
    "intensities",
    "patrol_rounds",
]

F64 = npt.NDArray[np.float64]


def _profile(values: list[float]) -> F64:
    a = np.array(values, dtype=np.float64)
    out: F64 = a / a.mean()
    return out


#: Hour-of-day shapes (00:00–01:00 first), each averaging 1 over the day.
HOURLY: dict[str, F64] = {
    "garbage": _profile([2, 1, 1, 1, 1, 2, 6, 9, 9, 7, 5, 5, 5, 5, 5, 5, 6, 8, 9, 9, 8, 6, 4, 3]),
    "stall": _profile([2, 1, 1, 1, 1, 1, 2, 4, 5, 6, 7, 8, 8, 6, 5, 5, 7, 10, 12, 12, 11, 9, 6, 3]),
    "flood": _profile([4, 4, 4, 4, 4, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5, 5, 5, 4, 4]),
    "traffic": _profile([1, 1, 1, 1, 1, 2, 4, 9, 10, 7, 5, 5, 5, 5, 5, 5, 7, 9, 9, 6, 4, 3, 2, 1]),
    "construction": _profile([2, 1, 1, 1, 1, 2, 4, 8, 9, 9, 9, 9, 7, 9, 9, 9, 9, 8, 5, 4, 4, 3, 3,
                              2]),
    "facility": _profile([1, 1, 1, 1, 1, 1, 2, 5, 8, 8, 8, 8, 7, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2, 1]),
    "flat": np.ones(24, dtype=np.float64),
}  # fmt: skip
#: Factor on rest days (weekends and holidays of the policy's calendar); official
#: holidays (法定节假日) multiply again by the second figure.
REST_DAY: dict[str, tuple[float, float]] = {
    "garbage": (1.2, 1.3),
    "stall": (1.3, 1.2),
    "flood": (1.0, 1.0),
    "traffic": (0.8, 1.0),
    "construction": (0.5, 0.6),
    "facility": (0.9, 1.0),
    "flat": (1.0, 1.0),
}
#: Summer (05-01 to 09-30): stalls ×1.3 all day and their evening (17:00–23:00) ×1.5
#: more — night markets and street stalls (the 公主岭 night markets run 05-06 to 09-30).
SUMMER = ((5, 1), (9, 30), 1.3, 1.5)
#: The flood season: "七下八上" (07-15 to 08-15) ×3 for flood problems, the rest of the
#: rainy season (06-01 to 09-15) ×1.5.
FLOOD_PEAK = ((7, 15), (8, 15), 3.0, (6, 1), (9, 15), 1.5)
#: Weighted rounds of a patrol of each kind (a fixed post watches its grid all shift).
PATROL_WEIGHT: dict[PatrolKind, float] = {
    PatrolKind.FIXED_POST: 4.0,
    PatrolKind.KEY_AREA: 1.0,
    PatrolKind.DAILY_PATROL: 1.0,
    PatrolKind.CAMPAIGN: 1.0,
    PatrolKind.MOBILE_PATROL: 0.5,
    PatrolKind.NIGHT_SQUADRON: 0.5,
}


def _md(d: _dt.date) -> tuple[int, int]:
    return (d.month, d.day)


def hour_bins(
    start: _dt.datetime, days: int, tz: str
) -> tuple[list[_dt.date], F64, npt.NDArray[np.int64]]:
    """The local date index and local hour of each hour of the run (elapsed hours from
    ``start``): (dates, per-hour date index, per-hour local hour)."""
    zone = ZoneInfo(tz)
    hours = days * 24
    dates: list[_dt.date] = []
    date_index = np.empty(hours, dtype=np.int64)
    local_hour = np.empty(hours, dtype=np.int64)
    utc = start.astimezone(_dt.UTC)
    for h in range(hours):
        local = (utc + _dt.timedelta(hours=h)).astimezone(zone)
        d = local.date()
        if not dates or dates[-1] != d:
            dates.append(d)
        date_index[h] = len(dates) - 1
        local_hour[h] = local.hour
    return dates, date_index.astype(np.float64), local_hour


def _day_factors(dates: list[_dt.date], calendar: WorkCalendar) -> dict[str, F64]:
    n = len(dates)
    rest = np.array([not calendar.is_workday(d) for d in dates])
    holiday = np.array([calendar.day_info(d).kind is DayKind.HOLIDAY for d in dates])
    md = [_md(d) for d in dates]
    out: dict[str, F64] = {}
    for p in PROFILES:
        r, hol = REST_DAY[p]
        f = np.where(rest, r, 1.0) * np.where(holiday, hol, 1.0)
        out[p] = f
    lo, hi, day_f, _ = SUMMER
    summer = np.array([lo <= m <= hi for m in md])
    out["stall"] = out["stall"] * np.where(summer, day_f, 1.0)
    a, b, peak, ra, rb, rainy = FLOOD_PEAK
    top = np.array([a <= m <= b for m in md])
    wet = np.array([ra <= m <= rb for m in md]) & ~top
    out["flood"] = out["flood"] * np.where(top, peak, np.where(wet, rainy, 1.0))
    for p in PROFILES:
        assert out[p].size == n
    return out


def patrol_rounds(plan: PatrolTable, grids: tuple[str, ...]) -> tuple[F64, F64]:
    """Per grid its weighted patrol rounds of the plan's day, and the city's rounds per
    local hour (the supervisors' reporting hours)."""
    code = {g: i for i, g in enumerate(grids)}
    grid_of = np.array([code.get(u, -1) for u in plan.units], dtype=np.int64)[plan.unit]
    mine = grid_of >= 0
    kind_weight = np.array([PATROL_WEIGHT.get(k, 1.0) for k in plan.kinds], dtype=np.float64)
    weight = kind_weight[plan.kind] * plan.rounds  # halves and wholes: sums are exact
    rounds: F64 = np.bincount(grid_of[mine], weights=weight[mine], minlength=len(grids)).astype(
        np.float64
    )
    shift, weight = plan.shift[mine], weight[mine]
    by_shift = np.bincount(shift, weights=weight, minlength=len(plan.shifts))
    # the shifts in the order the plan first names them (the order of the sum below)
    seen, first = np.unique(shift, return_index=True)
    windows = list(plan.shifts.values())
    hourly = np.zeros(24, dtype=np.float64)
    for s in seen[np.argsort(first, kind="stable")].tolist():
        window = windows[s]
        start, end = window.start, window.end
        minutes = np.zeros(1440 * 2, dtype=np.float64)
        stop = end if end > start else end + 1440
        minutes[start:stop] = 1.0
        per_minute = minutes[:1440] + minutes[1440:]
        share = per_minute.reshape(24, 60).sum(axis=1)
        hourly += by_shift[s] * share / share.sum()
    if hourly.sum() == 0:
        hourly[:] = 1.0
    return rounds, hourly * 24 / hourly.sum()


def plan_of(hierarchy: Hierarchy, policy: object, day: _dt.date) -> PatrolTable:
    """The patrol plan of ``day`` under the policy's zone rules (``zones.patrol_table``)."""
    return patrol_table(hierarchy, policy, day)  # type: ignore[arg-type]


def intensities(start: _dt.datetime, days: int, calendar: WorkCalendar, patrol_hourly: F64) -> F64:
    """Factor per (profile, source, hour of the run), shape ``(len(PROFILES),
    len(SOURCES), days * 24)``."""
    dates, date_index, hour = hour_bins(start, days, calendar.tz)
    day = _day_factors(dates, calendar)
    di = date_index.astype(np.int64)
    lo, hi, _, evening = SUMMER
    summer = np.array([lo <= _md(d) <= hi for d in dates])[di]
    out = np.empty((len(PROFILES), len(SOURCES), hour.size), dtype=np.float64)
    for i, p in enumerate(PROFILES):
        base = day[p][di]
        shape = HOURLY[p][hour]
        if p == "stall":
            shape = shape * np.where(summer & (hour >= 17) & (hour < 23), evening, 1.0)
        for j, s in enumerate(SOURCES):
            by_hour = patrol_hourly[hour] if s == "supervisor" and p != "flat" else shape
            out[i, j] = base * by_hour
    return out
