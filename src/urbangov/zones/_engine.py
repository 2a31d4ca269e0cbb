"""The compiled permission rules behind :func:`~urbangov.zones.permits` (private).

An :class:`Engine` holds, for one :class:`ZoneRules`, hierarchy and calendar:

- *epochs*: the spans of local dates between the section's change dates, each with its
  rules resolved and its zone map;
- *keys*: what decides an activity at a place in an epoch — the tier's permission, the
  buffers the place is inside, the open-able areas covering it, the leniencies that may
  apply — computed for every place with numpy;
- *classes*: the tuple of a place's keys over the epochs (places in one class always get
  the same answer);
- *timelines*: per class, the instants (UTC minutes) at which the answer changes and the
  verdict from each, built year by year on demand.

A query is a binary search of its class's timeline: the verdict in force, and the next
edge (``until``). Engines are cached in the rules (an implementation detail of an
immutable value: they never change an answer).
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Sequence
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.calendar import WorkCalendar
from urbangov.errors import PolicyError
from urbangov.hierarchy import Hierarchy
from urbangov.vocabulary import ZoneTier
from urbangov.zones._classify import classify, places
from urbangov.zones._places import TIERS, Places
from urbangov.zones._rules import DEFAULT, ZoneRules
from urbangov.zones._values import Buffer, DayFilter, Leniency, Permission, StallArea

__all__ = ["MIN_US", "Decision", "Engine", "engine_for"]

MIN_US = 60_000_000
_DAY_MIN = 1440
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_WEEKDAYS = (DayFilter.MON, DayFilter.TUE, DayFilter.WED, DayFilter.THU, DayFilter.FRI,
             DayFilter.SAT, DayFilter.SUN)  # fmt: skip
_NO_BOUND = -(2**62)


@attrs.frozen
class Decision:
    """The answer of :func:`~urbangov.zones.permits`: may ``activity`` take place here now?

    ``allowed``; ``rule`` — the dotted path of the policy entry that decided
    (``zones.tiers.strict.default``, ``zones.areas.night_market``,
    ``zones.buffers.school_gate``); ``reason`` — why, in a sentence; ``until`` — the next
    instant the answer changes (to the minute, in the calendar's zone), or ``None`` when
    it does not change before the horizon (the end of the year after the query's, or of
    the year after the last date the rules name); ``fined`` — whether a violation now
    would be fined (false when allowed, or under a leniency); ``tier`` — the place's tier;
    ``leniency`` — the dotted path of the leniency that waives the fine, if any.
    """

    allowed: bool
    rule: str
    reason: str
    until: _dt.datetime | None
    fined: bool
    tier: ZoneTier
    activity: str
    leniency: str | None = None

    def explain(self) -> str:
        """The decision as one line: verdict, reason, rule and until."""
        verdict = "allowed" if self.allowed else "not allowed"
        until = f"; until {self.until:%Y-%m-%d %H:%M}" if self.until else "; no change ahead"
        return f"{verdict}: {self.reason} [{self.rule}]{until}"


class Key(NamedTuple):
    """What decides one activity at a place within one epoch."""

    tier: int
    buffers: tuple[str, ...]
    areas: tuple[str, ...]


@attrs.frozen(eq=False)
class _Epoch:
    rules: ZoneRules
    tiers: npt.NDArray[np.int8]


class _Timeline:
    """A class's answers over the local years ``y0..y1``: ``edges[i]`` (UTC minutes) is
    where ``verdicts[i]`` starts; ``end`` is where the years end (``None``: forever)."""

    __slots__ = ("edges", "end", "start", "verdicts", "y0", "y1")

    def __init__(self) -> None:
        self.edges: list[int] = []
        self.verdicts: list[int] = []
        self.y0 = self.y1 = 0
        self.start = 0
        self.end: int | None = 0


class Engine:
    """The compiled rules for one hierarchy and calendar (see the module docstring)."""

    def __init__(self, rules: ZoneRules, hierarchy: Hierarchy, calendar: WorkCalendar) -> None:
        self.rules = rules
        self.hierarchy = hierarchy
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.tz)
        self.cols: Places = places(rules, hierarchy)
        self.dates = rules.change_dates()
        self.bounds = [self.local_minute(d, 0) for d in self.dates]
        self._epochs: list[_Epoch | None] = [None] * (len(self.dates) + 1)
        last = rules.last_date()
        self.last_year = last.year if last is not None else None
        self.keys: list[Key] = []
        self._key_ids: dict[Key, int] = {}
        self._place_keys: dict[tuple[str, int], npt.NDArray[np.int32]] = {}
        self.classes: list[tuple[int, ...]] = []
        self._class_ids: dict[tuple[int, ...], int] = {}
        self._profiles: dict[tuple[str, int], int] = {}
        self.verdicts: list[Decision] = []
        self._verdict_ids: dict[Decision, int] = {}
        self._timelines: dict[tuple[str, int], _Timeline] = {}
        self._days: dict[tuple[int, int], bool] = {}
        self._offsets: dict[int, tuple[int, int]] = {}
        self.decisions: dict[tuple[int, int | None], Any] = {}

    # ----------------------------------------------------------------- time
    def local_minute(self, d: _dt.date, minute: int) -> int:
        """The UTC minute of local ``minute`` (0–1440) of date ``d`` (fold 0)."""
        day = d.toordinal() - _EPOCH_ORDINAL
        found = self._offsets.get(day)
        if found is None:
            found = self._offsets[day] = (self._offset(d, 0), self._offset(d, _DAY_MIN))
        start, end = found
        if start == end:
            return day * _DAY_MIN + minute - start
        offset = self._offset(d, minute)
        return day * _DAY_MIN + minute - offset

    def _offset(self, d: _dt.date, minute: int) -> int:
        when = _dt.datetime.combine(d, _dt.time(0), tzinfo=self.zone) + _dt.timedelta(
            minutes=minute
        )
        when = _dt.datetime.combine(when.date(), when.time(), tzinfo=self.zone)
        offset = when.utcoffset()
        assert offset is not None
        return int(offset.total_seconds() // 60)

    def year_of(self, minute: int) -> int:
        """The local year of a UTC minute."""
        return _dt.datetime.fromtimestamp(minute * 60, self.zone).year

    def year_start(self, year: int) -> int:
        """The UTC minute at which local year ``year`` starts."""
        return self.local_minute(_dt.date(year, 1, 1), 0)

    def epoch_of(self, minute: int) -> int:
        """The epoch (span between the rules' change dates) of a UTC minute."""
        return bisect.bisect_right(self.bounds, minute)

    # ----------------------------------------------------------------- epochs and keys
    def epoch(self, e: int) -> _Epoch:
        found = self._epochs[e]
        if found is None:
            on = (
                self.dates[e - 1]
                if e > 0
                else (self.dates[0] - _dt.timedelta(days=1) if self.dates else _dt.date(2000, 1, 1))
            )
            rules = self.rules.at(on)
            zone_map = classify(self.hierarchy, self.rules, on=on)
            found = self._epochs[e] = _Epoch(rules, np.asarray(zone_map.tiers))
        return found

    def place_keys(self, activity: str, e: int) -> npt.NDArray[np.int32]:
        """The key id of every place for ``activity`` in epoch ``e``."""
        found = self._place_keys.get((activity, e))
        if found is None:
            found = self._place_keys[(activity, e)] = self._compute_keys(activity, e)
        return found

    def _compute_keys(self, activity: str, e: int) -> npt.NDArray[np.int32]:
        epoch = self.epoch(e)
        rules = epoch.rules
        cols = self.cols
        buffers = sorted(n for n, b in rules.buffers.items() if activity in b.activities)
        areas = sorted(n for n, a in rules.areas.items() if activity in a.activities)
        columns = [epoch.tiers.astype(np.int64)]
        for name in buffers:
            buffer = rules.buffers[name]
            distance = cols.distance.get(buffer.site)
            inside = distance <= buffer.radius_m if distance is not None else None
            columns.append(
                np.zeros(len(cols), np.int64) if inside is None else inside.astype(np.int64)
            )
        for name in areas:
            columns.append(self._covered(name, rules.areas[name]).astype(np.int64))
        stacked = np.stack(columns, axis=1)
        unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
        ids = []
        for row in unique:
            key = Key(
                int(row[0]),
                tuple(n for n, bit in zip(buffers, row[1 : 1 + len(buffers)], strict=True) if bit),
                tuple(n for n, bit in zip(areas, row[1 + len(buffers) :], strict=True) if bit),
            )
            ids.append(self._key_id(key))
        return np.asarray(ids, dtype=np.int32)[inverse.reshape(-1)]

    def _key_id(self, key: Key) -> int:
        found = self._key_ids.get(key)
        if found is None:
            found = self._key_ids[key] = len(self.keys)
            self.keys.append(key)
        return found

    def _covered(self, name: str, area: StallArea) -> npt.NDArray[np.bool_]:
        cols = self.cols
        covered = np.zeros(len(cols), dtype=np.bool_)
        for i, code in enumerate(area.places):
            found = cols.index.get(code)
            if found is None:
                raise PolicyError(
                    f"{code!r} is no unit or segment of the hierarchy",
                    field=f"zones.areas.{name}.places[{i}]",
                    hint="list unit or segment codes of the city file",
                )
            covered[found] = True
        for ix in cols.by_level[1:]:
            below = ix[cols.parent[ix] >= 0]  # roots may stand at any level
            covered[below] |= covered[cols.parent[below]]
        return covered

    def class_of(self, activity: str, place: int) -> int:
        """The class id of ``place`` (an index of :attr:`cols`) for ``activity``."""
        found = self._profiles.get((activity, place))
        if found is None:
            keys = tuple(int(self.place_keys(activity, e)[place]) for e in range(len(self._epochs)))
            found = self._profiles[(activity, place)] = self.class_id(keys)
        return found

    def class_id(self, keys: tuple[int, ...]) -> int:
        found = self._class_ids.get(keys)
        if found is None:
            found = self._class_ids[keys] = len(self.classes)
            self.classes.append(keys)
        return found

    def classes_of(self, activity: str, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
        """The class id of each place index in ``rows`` (vectorised)."""
        per_epoch = [self.place_keys(activity, e)[rows] for e in range(len(self._epochs))]
        if len(per_epoch) == 1:
            unique, inverse = np.unique(per_epoch[0], return_inverse=True)
            ids = [self.class_id((int(k),)) for k in unique]
        else:
            stacked = np.stack(per_epoch, axis=1)
            unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
            ids = [self.class_id(tuple(int(k) for k in row)) for row in unique]
        return np.asarray(ids, dtype=np.int64)[inverse.reshape(-1)]

    # ----------------------------------------------------------------- verdicts
    def verdict(self, activity: str, key: Key, e: int, d: _dt.date, minute: int) -> int:
        """The verdict id for ``activity`` under ``key`` in epoch ``e`` at local ``d``,
        ``minute``."""
        rules = self.epoch(e).rules
        tier = TIERS[key.tier]
        term = rules.activities[activity]
        what = f"{activity} ({term})"
        for name in key.buffers:
            buffer = rules.buffers[name]
            if self._active(buffer, d, minute):
                reason = f"{what} is forbidden {_within(buffer)}"
                return self._lenient(rules, activity, tier, d, f"zones.buffers.{name}", reason)
        table = rules.tiers[tier]
        slot = activity if activity in table else DEFAULT
        rule = table[slot].at(d)
        path = f"zones.tiers.{tier.value}.{slot}"
        zone = f"the {tier.value} zone ({tier.chinese})"
        if rule.permission is Permission.FORBIDDEN:
            return self._lenient(rules, activity, tier, d, path, f"{what} is forbidden in {zone}")
        if rule.permission is Permission.ALLOWED:
            reason = f"{what} is allowed in {zone}" + (
                f" {rule.condition}" if rule.condition else ""
            )
            return self._id(Decision(True, path, reason, None, False, tier, activity))
        for name in key.areas:
            area = rules.areas[name]
            if self._active(area, d, minute):
                reason = (
                    f"{what} is allowed in {area.title or name} ({area.kind.chinese}){_open(area)}"
                )
                verdict = Decision(True, f"zones.areas.{name}", reason, None, False, tier, activity)
                return self._id(verdict)
        none = "none covering this place is open now" if key.areas else "none covers this place"
        reason = f"{what} is allowed in {zone} only in designated areas, and {none}"
        return self._lenient(rules, activity, tier, d, path, reason)

    def _lenient(
        self, rules: ZoneRules, activity: str, tier: ZoneTier, d: _dt.date, rule: str, reason: str
    ) -> int:
        for name, lenient in rules.leniency.items():
            if _applies(lenient, activity, tier) and any(s.covers(d) for s in lenient.periods):
                text = f"{reason}; not fined during {lenient.title or name}"
                verdict = Decision(
                    False, rule, text, None, False, tier, activity, f"zones.leniency.{name}"
                )
                return self._id(verdict)
        return self._id(Decision(False, rule, reason, None, True, tier, activity))

    def _id(self, verdict: Decision) -> int:
        found = self._verdict_ids.get(verdict)
        if found is None:
            found = self._verdict_ids[verdict] = len(self.verdicts)
            self.verdicts.append(verdict)
        return found

    def _active(self, item: StallArea | Buffer, d: _dt.date, minute: int) -> bool:
        if not item.hours:
            return self._day_ok(item, d)
        for w in item.hours:
            if w.crosses_midnight:
                if minute >= w.start and self._day_ok(item, d):
                    return True
                if minute < w.end and self._day_ok(item, d - _dt.timedelta(days=1)):
                    return True
            elif w.start <= minute < w.end and self._day_ok(item, d):
                return True
        return False

    def _day_ok(self, item: StallArea | Buffer, d: _dt.date) -> bool:
        key = (id(item), d.toordinal())
        found = self._days.get(key)
        if found is None:
            dates = getattr(item, "dates", ())
            found = (not dates or any(s.covers(d) for s in dates)) and self._day_filter(
                item.days, d
            )
            self._days[key] = found
        return found

    def _day_filter(self, days: tuple[DayFilter, ...], d: _dt.date) -> bool:
        if not days:
            return True
        if _WEEKDAYS[d.weekday()] in days:
            return True
        wants = {DayFilter.WORKING_DAYS, DayFilter.REST_DAYS} & set(days)
        if not wants:
            return False
        worked = self.calendar.is_workday(d)
        return (DayFilter.WORKING_DAYS in wants and worked) or (
            DayFilter.REST_DAYS in wants and not worked
        )

    # ----------------------------------------------------------------- timelines
    def _static(self, activity: str, keys: Sequence[int]) -> bool:
        rules = self.rules
        if any(_applies(lenient, activity, None) for lenient in rules.leniency.values()):
            return False
        for k in keys:
            key = self.keys[k]
            items: list[StallArea | Buffer] = [rules.buffers[n] for n in key.buffers]
            items += [rules.areas[n] for n in key.areas]
            if any(i.hours or i.days or getattr(i, "dates", ()) for i in items):
                return False
        return True

    def _needs_calendar(self, keys: Sequence[int]) -> bool:
        rules = self.rules
        wants = {DayFilter.WORKING_DAYS, DayFilter.REST_DAYS}
        for k in keys:
            key = self.keys[k]
            items: list[StallArea | Buffer] = [rules.buffers[n] for n in key.buffers]
            items += [rules.areas[n] for n in key.areas]
            if any(wants & set(i.days) for i in items):
                return True
        return False

    def timeline(self, activity: str, c: int, minute: int) -> _Timeline:
        """The class's timeline, built to cover ``minute``."""
        found = self._timelines.get((activity, c))
        if found is None:
            found = self._timelines[(activity, c)] = self._first(activity, c, minute)
        while found.end is not None and minute < found.start:
            self._extend(activity, c, found, found.y0 - 1)
        while found.end is not None and minute >= found.end:
            self._extend(activity, c, found, found.y1 + 1)
        return found

    def _first(self, activity: str, c: int, minute: int) -> _Timeline:
        keys = self.classes[c]
        out = _Timeline()
        if self._static(activity, keys):
            # constant between the epochs' first days: one answer per epoch
            out.start, out.end = _NO_BOUND, None
            for e, k in enumerate(keys):
                day = self.dates[e - 1] if e > 0 else _dt.date(2000, 1, 1)
                v = self.verdict(activity, self.keys[k], e, day, 0)
                if not out.verdicts or out.verdicts[-1] != v:
                    out.edges.append(self.bounds[e - 1] if e > 0 else _NO_BOUND)
                    out.verdicts.append(v)
            return out
        year = self.year_of(minute)
        out.y0 = out.y1 = year
        out.edges, out.verdicts = self._years(activity, keys, year, year)
        out.start, out.end = self.year_start(year), self.year_start(year + 1)
        return out

    def _extend(self, activity: str, c: int, line: _Timeline, year: int) -> None:
        edges, verdicts = self._years(activity, self.classes[c], year, year)
        if year > line.y1:
            if verdicts[0] == line.verdicts[-1]:
                edges, verdicts = edges[1:], verdicts[1:]
            line.edges += edges
            line.verdicts += verdicts
            line.y1, line.end = year, self.year_start(year + 1)
        else:
            if line.verdicts and line.verdicts[0] == verdicts[-1]:
                line.edges[0], line.verdicts[0] = edges[-1], verdicts[-1]
                edges, verdicts = edges[:-1], verdicts[:-1]
            line.edges[:0] = edges
            line.verdicts[:0] = verdicts
            line.y0, line.start = year, self.year_start(year)

    def _years(
        self, activity: str, keys: tuple[int, ...], y0: int, y1: int
    ) -> tuple[list[int], list[int]]:
        rules = self.rules
        edges: list[int] = []
        verdicts: list[int] = []
        minutes_of: dict[int, list[int]] = {}
        d = _dt.date(y0, 1, 1)
        last = _dt.date(y1, 12, 31)
        one = _dt.timedelta(days=1)
        e = self.epoch_of(self.local_minute(d, 0))
        while d <= last:
            while e < len(self.dates) and d >= self.dates[e]:
                e += 1
            k = keys[e]
            minutes = minutes_of.get(k)
            if minutes is None:
                minutes = minutes_of[k] = _candidates(rules, self.keys[k])
            for m in minutes:
                v = self.verdict(activity, self.keys[k], e, d, m)
                if not verdicts or verdicts[-1] != v:
                    edges.append(self.local_minute(d, m))
                    verdicts.append(v)
            d += one
        return edges, verdicts

    def horizon(self, minute: int) -> int:
        """The UTC minute before which a change is looked for, from ``minute``: the end of
        the year after ``minute``'s, or of the year after the last date the rules name."""
        year = self.year_of(minute) + 1
        if self.last_year is not None:
            year = max(year, self.last_year + 1)
        return self.year_start(year + 1)

    def covered_end(self, activity: str, c: int) -> int | None:
        """Where the calendar's coverage ends, for a class that needs working/rest days."""
        if not self._needs_calendar(self.classes[c]):
            return None
        years = self.calendar.coverage
        return self.year_start(years[-1] + 1) if years else None

    def lookup(self, activity: str, c: int, minute: int) -> tuple[int, int | None]:
        """The verdict id at a UTC minute, and the UTC minute of the next change (``None``
        when none comes before the horizon)."""
        line = self.timeline(activity, c, minute)
        i = bisect.bisect_right(line.edges, minute) - 1
        v = line.verdicts[i]
        if i + 1 < len(line.edges):
            until = line.edges[i + 1]
            if until - minute <= 365 * _DAY_MIN or until < self.horizon(minute):
                return v, until
            return v, None
        if line.end is None:
            return v, None
        limit = self.horizon(minute)
        covered = self.covered_end(activity, c)
        if covered is not None:
            limit = min(limit, covered)
        while line.end is not None and line.end < limit and i + 1 >= len(line.edges):
            self._extend(activity, c, line, line.y1 + 1)
        if i + 1 < len(line.edges) and line.edges[i + 1] < limit:
            return v, line.edges[i + 1]
        return v, None


def _applies(lenient: Leniency, activity: str, tier: ZoneTier | None) -> bool:
    if lenient.activities and activity not in lenient.activities:
        return False
    return tier is None or not lenient.tiers or tier in lenient.tiers


def _within(buffer: Buffer) -> str:
    text = f"within {buffer.radius_m} m of a {buffer.site.replace('_', ' ')}"
    if buffer.title:
        text += f" ({buffer.title})"
    if buffer.hours:
        text += f" during {', '.join(map(str, buffer.hours))}"
    return text


def _open(area: StallArea) -> str:
    parts = []
    if area.hours:
        parts.append(" and ".join(str(w).replace("-", "–") for w in area.hours))
    if area.days:
        parts.append("on " + ", ".join(d.value for d in area.days))
    if area.dates:
        parts.append(", ".join(f"from {s}".replace("..", " to ") for s in area.dates))
    return f", open {' '.join(parts)}" if parts else ""


def _candidates(rules: ZoneRules, key: Key) -> list[int]:
    found = {0}
    items: list[StallArea | Buffer] = [rules.buffers[n] for n in key.buffers]
    items += [rules.areas[n] for n in key.areas]
    for item in items:
        for w in item.hours:
            found.add(w.start)
            found.add(w.end % _DAY_MIN)
    return sorted(found)


def engine_for(
    rules: ZoneRules, hierarchy: Hierarchy, calendar: WorkCalendar | None, holder: object
) -> Engine:
    """The engine of ``rules`` for ``hierarchy`` and the calendar (``calendar``, or the
    policy-like ``holder``'s own, or China's), cached in ``rules``."""
    cache = rules._cache
    source: object = calendar if calendar is not None else getattr(holder, "calendar", None)
    key = ("engine", id(hierarchy), id(source))
    found = cache.get(key)
    if found is not None and found[0] is hierarchy and found[1] is source:
        return found[2]  # type: ignore[no-any-return]
    if calendar is None:
        work_calendar = getattr(holder, "work_calendar", None)
        calendar = work_calendar() if callable(work_calendar) else WorkCalendar.china()
    engine = Engine(rules, hierarchy, calendar)
    if len(cache) >= 16:
        cache.pop(next(iter(cache)))
    cache[key] = (hierarchy, source, engine)
    return engine
