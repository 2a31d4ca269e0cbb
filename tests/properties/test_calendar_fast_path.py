"""The scalar hot path of ``WorkCalendar.add`` (``calendar._fast``) equals the exact path.

The oracle is the same calendar's exact path (``_add_exact``), so every start goes
through the UTC conversion, the flat window list and ``fromtimestamp``. Starts are drawn
in every IANA zone, with either ``fold``, near offset changes, in pendulum's zones and in
fixed offsets; calendars include a seasonal schedule, a window closing at midnight,
another fixed-offset zone, a provisional calendar and one with uncovered years.
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from zoneinfo import ZoneInfo, available_timezones

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from urbangov.calendar import TimeLimit, WorkCalendar, WorkSchedule
from urbangov.calendar._fast import FastAdd, _shift_table
from urbangov.errors import CalendarCoverageError, NaiveDatetimeError

SH = ZoneInfo("Asia/Shanghai")
ZONES = sorted(available_timezones())


class Wrapped(dt.tzinfo):
    """A tzinfo of another kind (as pytz's or dateutil's are): the hot path has no table
    for it and shifts each start by its own utcoffset()."""

    def __init__(self, name: str) -> None:
        self.zone = ZoneInfo(name)

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return self.zone.utcoffset(d.replace(tzinfo=None) if d is not None else None)

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return self.zone.dst(d.replace(tzinfo=None) if d is not None else None)

    def tzname(self, d: dt.datetime | None) -> str | None:
        return self.zone.tzname(d.replace(tzinfo=None) if d is not None else None)


class Broken(dt.tzinfo):
    """A tzinfo whose offset is not a timedelta: refused with a clear error."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return 8  # type: ignore[return-value]


class Exact:
    """A calendar seen through its exact path only (the oracle of the hot path)."""

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal

    def add(self, start: dt.datetime, limit: TimeLimit) -> dt.datetime:
        return self.cal._add_exact(start, limit)


def _pair(make: object) -> tuple[WorkCalendar, Exact]:
    """A calendar and its exact path (the oracle)."""
    assert callable(make)
    cal = make()
    assert isinstance(cal, WorkCalendar)
    return cal, Exact(cal)


CALENDARS = {
    "china": _pair(WorkCalendar.china),
    "seasonal": _pair(
        lambda: WorkCalendar.china(
            schedule=WorkSchedule.seasonal(
                [
                    ("05-01", "09-30", [("08:30", "12:00"), ("14:30", "18:00")]),
                    ("10-01", "04-30", [("09:00", "12:00"), ("13:30", "17:30")]),
                ]
            )
        )
    ),
    "evening": _pair(lambda: WorkCalendar.china(schedule="20:00-24:00")),
    "always": _pair(lambda: WorkCalendar.china(schedule=WorkSchedule.always())),
    "tokyo": _pair(lambda: WorkCalendar.china(tz="Asia/Tokyo")),
    "provisional": _pair(lambda: WorkCalendar.china(provisional=True)),
    "few years": _pair(
        lambda: WorkCalendar(
            holidays={dt.date(2024, 10, 1): "National Day"},
            workdays={dt.date(2024, 10, 12): "make-up"},
            covers=(2023, 2024),
        )
    ),
}


def _outcome(cal: WorkCalendar | Exact, start: dt.datetime, limit: TimeLimit) -> object:
    """The due time with its zone and wall clock, or the error class and message."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            due = cal.add(start, limit)
        except CalendarCoverageError as e:
            return ("error", str(e), [str(w.message) for w in caught])
    return (due, due.tzinfo, due.replace(tzinfo=None), [str(w.message) for w in caught])


WRAPPED: dict[str, Wrapped] = {}


@st.composite
def starts(draw: st.DrawFn) -> dt.datetime:
    """A wall-clock time in any zone (any fold), a pendulum zone or a fixed offset."""
    wall = draw(
        st.datetimes(min_value=dt.datetime(2002, 12, 30), max_value=dt.datetime(2027, 1, 2))
    )
    kind = draw(st.sampled_from(["zoneinfo", "pendulum", "fixed", "shanghai", "wrapped"]))
    if kind == "fixed":
        minutes = draw(st.integers(-24 * 60 + 1, 24 * 60 - 1))
        return wall.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))
    name = draw(st.sampled_from(ZONES))
    fold = draw(st.sampled_from([0, 1]))
    if kind == "pendulum":
        return pendulum.instance(wall, tz=pendulum.timezone(name)).replace(fold=fold)
    if kind == "wrapped":
        return wall.replace(tzinfo=WRAPPED.setdefault(name, Wrapped(name)), fold=fold)
    zone = SH if kind == "shanghai" else ZoneInfo(name)
    return wall.replace(tzinfo=zone, fold=fold)


# Zones with offset changes in the span, and the local days within two of a change.
CHANGING = [
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "America/Havana",
    "America/Santiago",
    "Australia/Lord_Howe",
    "Africa/Casablanca",
    "Pacific/Apia",
    "Pacific/Chatham",
    "Asia/Tehran",
]
_BASE = dt.date(2003, 12, 28).toordinal()
_DAYS = 8_500


def _near_changes(name: str) -> list[dt.date]:
    table = _shift_table(ZoneInfo(name), _BASE, _DAYS, 0)
    return sorted(
        {
            dt.date.fromordinal(_BASE + k + d)
            for k, shift in enumerate(table)
            if shift is None
            for d in (-2, -1, 0, 1, 2)
        }
    )


NEAR_CHANGES = {name: _near_changes(name) for name in CHANGING}


@st.composite
def starts_near_changes(draw: st.DrawFn) -> dt.datetime:
    """A wall-clock time within two days of an offset change, either fold."""
    name = draw(st.sampled_from(CHANGING))
    day = draw(st.sampled_from(NEAR_CHANGES[name]))
    clock = draw(st.times())
    wall = dt.datetime.combine(day, clock).replace(fold=draw(st.sampled_from([0, 1])))
    if draw(st.booleans()):
        return pendulum.instance(wall, tz=pendulum.timezone(name)).replace(fold=wall.fold)
    return wall.replace(tzinfo=ZoneInfo(name))


limits = st.integers(1, 60 * 400).map(lambda m: TimeLimit.parse(f"{m} working minutes"))


@given(st.sampled_from(sorted(CALENDARS)), starts(), limits)
def test_hot_path_equals_exact_path(name: str, start: dt.datetime, limit: TimeLimit) -> None:
    fast, exact = CALENDARS[name]
    assert _outcome(fast, start, limit) == _outcome(exact, start, limit)


@given(st.sampled_from(["china", "tokyo"]), starts_near_changes(), limits)
def test_hot_path_equals_exact_path_near_offset_changes(
    name: str, start: dt.datetime, limit: TimeLimit
) -> None:
    fast, exact = CALENDARS[name]
    assert _outcome(fast, start, limit) == _outcome(exact, start, limit)


@pytest.mark.parametrize(
    ("zone", "wall"),
    [
        ("Europe/London", dt.datetime(2024, 3, 31, 1, 30)),  # skipped hour
        ("Europe/London", dt.datetime(2024, 10, 27, 1, 30)),  # repeated hour
        ("America/Sao_Paulo", dt.datetime(2018, 11, 4, 0, 30)),  # skipped midnight
        ("America/Havana", dt.datetime(2023, 11, 5, 0, 30)),  # repeated midnight
        ("Australia/Lord_Howe", dt.datetime(2024, 4, 7, 1, 45)),  # half-hour change
        ("Pacific/Apia", dt.datetime(2011, 12, 30, 12, 0)),  # a day that never was
        ("Pacific/Apia", dt.datetime(2011, 12, 29, 23, 59)),
        ("Africa/Casablanca", dt.datetime(2019, 5, 5, 2, 30)),  # Ramadan change
        ("Asia/Shanghai", dt.datetime(2004, 1, 1, 0, 0)),  # first covered minute
        ("Asia/Shanghai", dt.datetime(2026, 12, 31, 17, 59)),  # due past the span
        ("Etc/GMT+12", dt.datetime(2026, 12, 31, 23, 0)),  # Shanghai 2027 already
        ("Etc/GMT-14", dt.datetime(2004, 1, 1, 1, 0)),  # Shanghai 2003 still
    ],
)
@pytest.mark.parametrize("fold", [0, 1])
def test_offset_changes_and_span_edges(zone: str, wall: dt.datetime, fold: int) -> None:
    fast, exact = CALENDARS["china"]
    for start in (
        wall.replace(tzinfo=ZoneInfo(zone), fold=fold),
        pendulum.instance(wall, tz=pendulum.timezone(zone)).replace(fold=fold),
    ):
        for hours in (1, 4, 7.5, 40):
            limit = TimeLimit.working_hours(hours)
            assert _outcome(fast, start, limit) == _outcome(exact, start, limit)


def test_the_hot_path_is_taken_for_ordinary_starts_and_left_near_changes() -> None:
    cal = WorkCalendar.china()
    limit = TimeLimit.working_hours(4)
    cal.add(dt.datetime(2024, 9, 30, 16, tzinfo=SH), limit)  # builds the clock
    built = cal._cache["fast"]
    assert isinstance(built, FastAdd)

    def fast(start: dt.datetime, limit: TimeLimit) -> dt.datetime | None:
        return built(start, limit.working_us) if limit.working_us else None

    for start in (
        dt.datetime(2024, 9, 30, 16, tzinfo=SH),
        dt.datetime(2024, 9, 30, 8, tzinfo=dt.UTC),
        pendulum.datetime(2024, 9, 30, 9, tz="Europe/London"),
        dt.datetime(2024, 9, 30, 3, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ):
        assert fast(start, limit) == dt.datetime(2024, 10, 8, 11, tzinfo=SH)
    # Near a change of offset, and in zones it has no table for, a start is shifted by
    # its own utcoffset(); naive starts and other limits go the exact way.
    london = ZoneInfo("Europe/London")
    wrapped = Wrapped("Europe/London")
    for wall in (dt.datetime(2024, 10, 27, 1, 30), dt.datetime(2024, 10, 27, 12)):
        for fold in (0, 1):
            for zone in (london, wrapped):
                start = wall.replace(tzinfo=zone, fold=fold)
                assert fast(start, limit) == cal.add(start, limit, pauses=[(start, start)])
    assert fast(dt.datetime(2024, 9, 30, 16), limit) is None  # naive
    assert fast(dt.datetime(2024, 9, 30, 16, tzinfo=SH), TimeLimit.working_days(1)) is None
    assert fast(dt.datetime(2024, 9, 30, 16, tzinfo=SH), TimeLimit.working_hours(0)) is None


def test_naive_and_broken_starts_fail_as_on_the_exact_path() -> None:
    cal = WorkCalendar.china()
    limit = TimeLimit.working_hours(4)
    with pytest.raises(NaiveDatetimeError):
        cal.add(dt.datetime(2024, 9, 30, 16), limit)
    # One mistake, one error class everywhere (urbangov._internal.instants.aware).
    with pytest.raises(NaiveDatetimeError, match="no valid UTC offset") as info:
        cal.add(dt.datetime(2024, 9, 30, 16, tzinfo=Broken()), limit)
    assert info.value.field == "start"
    with pytest.raises(NaiveDatetimeError, match="not a datetime"):
        cal.add("2024-09-30 16:00", limit)  # type: ignore[arg-type]


def test_shift_table_leaves_out_only_the_days_a_change_touches() -> None:
    hour = 3_600_000_000
    london = ZoneInfo("Europe/London")
    base = dt.date(2024, 10, 24).toordinal()
    # 24–26 Oct: BST (+1 h, shift +7 h); the 27th repeats 01:00–02:00; then GMT.
    assert _shift_table(london, base, 7, 8 * hour) == [7 * hour] * 3 + [None] + [8 * hour] * 3
    # São Paulo skipped 00:00–01:00 on 4 Nov 2018: the 3rd ends in the skipped hour.
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    base = dt.date(2018, 11, 2).toordinal()
    assert _shift_table(sao_paulo, base, 4, 0) == [3 * hour, None, None, 2 * hour]
    # Apia skipped 30 Dec 2011 whole: the 29th ends, and the 30th is, inside the gap.
    apia = ZoneInfo("Pacific/Apia")
    base = dt.date(2011, 12, 28).toordinal()
    assert _shift_table(apia, base, 4, 0) == [10 * hour, None, None, -14 * hour]


def test_no_zone_changes_offset_twice_within_a_week_in_the_span() -> None:
    # The hot path samples each input zone's offset at local midnights, so it needs
    # changes of offset to be more than a day apart. Checked against the tz database's
    # transition lists (the pure-Python zoneinfo's parse of the same files); a future
    # tz database that breaks this fails here before it could mislead the hot path.
    pure = pytest.importorskip("zoneinfo._zoneinfo")
    if not hasattr(pure.ZoneInfo.no_cache("UTC"), "_trans_utc"):
        pytest.skip("this Python's pure zoneinfo keeps its transitions elsewhere")
    lo = dt.datetime(2002, 1, 1, tzinfo=dt.UTC).timestamp()
    hi = dt.datetime(2028, 1, 1, tzinfo=dt.UTC).timestamp()
    closest = []
    for name in ZONES:
        zone = pure.ZoneInfo.no_cache(name)
        listed = list(zone._trans_utc)
        changes = [t for t in listed if lo <= t <= hi]
        rule = zone._tz_after
        if isinstance(rule, pure._TZStr):  # yearly rule after the last listed change
            last = listed[-1] if listed else -1e18
            for year in range(2002, 2029):
                changes += [
                    t for t in rule.transitions(year) if t > last + 86_400 and lo <= t <= hi
                ]
        changes.sort()
        gaps = [b - a for a, b in itertools.pairwise(changes)]
        if gaps:
            closest.append((min(gaps) / 86_400, name))
    assert closest, "no zone with changes of offset was found"
    assert min(closest)[0] > 7, min(closest)


def test_the_switch_turns_the_hot_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    # URBANGOV_FAST_PATH=0 (docs/calendar.md): every add takes the exact path.
    monkeypatch.setenv("URBANGOV_FAST_PATH", "0")
    cal = WorkCalendar.china()
    start = dt.datetime(2024, 9, 30, 16, tzinfo=SH)
    assert cal.add(start, TimeLimit.working_hours(4)) == dt.datetime(2024, 10, 8, 11, tzinfo=SH)
    assert cal._cache["fast"] is None
    monkeypatch.setenv("URBANGOV_FAST_PATH", "1")
    on = WorkCalendar.china()
    on.add(start, TimeLimit.working_hours(4))
    assert isinstance(on._cache["fast"], FastAdd)
