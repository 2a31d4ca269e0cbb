"""Laws of working time: due ≥ start, add and between are inverse, monotone limits,
batch == scalar, pauses only move due times later, round-trips of values and text.

Instants are drawn around the places where calendars go wrong: the days on either side
of every bundled holiday and make-up workday (调休), and the minutes and microseconds
around window edges (09:00, 12:00, 13:30, 18:00) and midnight.
"""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from urbangov.calendar import TimeLimit, TimeUnit, WorkCalendar, WorkSchedule

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar.china()
ALWAYS = WorkCalendar.china(schedule=WorkSchedule.always())
SEASONAL = WorkCalendar.china(
    schedule=WorkSchedule.seasonal(
        [
            ("05-01", "09-30", [("08:30", "12:00"), ("14:30", "18:00")]),
            ("10-01", "04-30", [("09:00", "12:00"), ("13:30", "17:30")]),
        ]
    )
)
NAMED = {"daily": CAL, "always": ALWAYS, "seasonal": SEASONAL}
# Draw a name, not the calendar: failing examples then print one word, not 800 days.
CALENDARS = st.sampled_from(sorted(NAMED))
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Late enough that the longest limits drawn (40 working days, 60 days) stay in 2026.
LAST_START = date(2026, 9, 30)
_SPECIAL = sorted(
    {
        d + timedelta(days=k)
        for d in (*CAL.holidays, *CAL.workdays)
        for k in (-2, -1, 0, 1, 2)
        if date(2004, 1, 3) <= d + timedelta(days=k) <= LAST_START
    }
)
_EDGES = [time(h, m) for h, m in ((0, 0), (9, 0), (12, 0), (13, 30), (18, 0), (8, 30), (17, 30))]


@st.composite
def instants(draw: st.DrawFn) -> datetime:
    """An aware instant, in Shanghai or another zone, near holidays and window edges."""
    day = draw(
        st.one_of(
            st.sampled_from(_SPECIAL),
            st.dates(min_value=date(2004, 1, 3), max_value=LAST_START),
        )
    )
    if draw(st.booleans()):
        edge = draw(st.sampled_from(_EDGES))
        base = datetime.combine(day, edge, tzinfo=SH)
        offset = draw(
            st.sampled_from([timedelta(0), timedelta(microseconds=1), -timedelta(microseconds=1)])
            | st.integers(-90, 90).map(lambda m: timedelta(minutes=m))
        )
        moment = base + offset
    else:
        moment = datetime.combine(day, time(0), tzinfo=SH) + timedelta(
            microseconds=draw(st.integers(0, 86_400_000_000 - 1))
        )
    zone = draw(st.sampled_from([SH, UTC, ZoneInfo("Europe/London"), ZoneInfo("America/New_York")]))
    return moment.astimezone(zone)


# Hours are exact decimals of whole minutes: multiples of 0.05 h (3 minutes).
working_hours = st.integers(0, 20 * 200).map(lambda m: TimeLimit.working_hours(Decimal(m) / 20))
working_minutes = st.integers(0, 60 * 200).map(TimeLimit.working_minutes)
working_days = st.integers(0, 40).map(TimeLimit.working_days)
any_limit = st.one_of(
    working_hours,
    working_minutes,
    working_days,
    st.integers(0, 2000).map(TimeLimit.hours),
    st.integers(0, 60).map(TimeLimit.days),
    st.integers(0, 10_000).map(TimeLimit.minutes),
)


def us(t: datetime) -> int:
    return (t - EPOCH) // timedelta(microseconds=1)


def ns_array(ts: list[datetime]) -> np.ndarray:
    return np.array([us(t) * 1000 for t in ts], dtype=np.int64).view("datetime64[ns]")


@given(CALENDARS, instants(), any_limit)
def test_due_is_never_before_the_start(name: str, start: datetime, limit: TimeLimit) -> None:
    cal = NAMED[name]
    due = cal.add(start, limit)
    assert due >= start
    assert due.tzinfo == ZoneInfo(cal.tz)
    assert type(due) is datetime


@given(CALENDARS, instants(), st.one_of(working_hours, working_minutes))
def test_working_time_between_inverts_add(name: str, start: datetime, limit: TimeLimit) -> None:
    cal = NAMED[name]
    due = cal.add(start, limit)
    assert cal.working_time_between(start, due) == timedelta(microseconds=limit.microseconds())


@given(CALENDARS, instants(), st.integers(0, 6000), st.integers(0, 6000))
def test_monotone_in_the_limit(name: str, start: datetime, a: int, b: int) -> None:
    cal = NAMED[name]
    lo, hi = sorted((a, b))
    assert cal.add(start, TimeLimit.working_minutes(lo)) <= cal.add(
        start, TimeLimit.working_minutes(hi)
    )
    assert cal.add(start, TimeLimit.working_days(lo // 200)) <= cal.add(
        start, TimeLimit.working_days(hi // 200)
    )


@st.composite
def day_spans(draw: st.DrawFn) -> tuple[date, date]:
    """Two dates up to 40 days apart, either order, near holidays and make-up days; the
    later one is a working day half the time (the end that a half-open count excludes)."""
    a = draw(st.one_of(st.sampled_from(_SPECIAL), st.dates(date(2004, 1, 3), LAST_START)))
    b = a + timedelta(days=draw(st.integers(0, 40)))
    if draw(st.booleans()):
        b = CAL.next_workday(b - timedelta(days=1)) if b > a else CAL.next_workday(a)
    return (b, a) if draw(st.booleans()) else (a, b)


@given(day_spans())
def test_workdays_between_counts_the_working_days_of_the_half_open_span(
    span: tuple[date, date],
) -> None:
    a, b = span
    lo, hi = min(a, b), max(a, b)
    days = [lo + timedelta(days=k) for k in range((hi - lo).days)]  # [lo, hi)
    count = sum(CAL.is_workday(d) for d in days)
    assert CAL.workdays_between(a, b) == (count if a <= b else -count)
    # b itself is never counted: one more day adds it exactly when it is a working day
    if a <= b:
        assert CAL.workdays_between(a, b + timedelta(days=1)) == count + CAL.is_workday(b)


@given(CALENDARS, instants(), working_days)
def test_working_days_end_at_a_close_of_a_working_day(
    name: str, start: datetime, limit: TimeLimit
) -> None:
    cal = NAMED[name]
    assume(limit.amount > 0)
    due = cal.add(start, limit)
    local_start = start.astimezone(ZoneInfo(cal.tz)).date()
    last_working_day = (due - timedelta(microseconds=1)).date()
    assert cal.is_workday(last_working_day)
    counted = cal.workdays_between(
        local_start + timedelta(days=1), last_working_day + timedelta(days=1)
    )
    assert counted == limit.amount


@settings(max_examples=60)
@given(
    CALENDARS,
    st.lists(st.tuples(instants(), st.integers(0, 60 * 60)), min_size=1, max_size=20),
    st.sampled_from(["working_minutes", "working_days", "minutes", "days"]),
)
def test_batch_equals_scalar(name: str, rows: list[tuple[datetime, int]], unit: str) -> None:
    cal = NAMED[name]
    starts = [s for s, _ in rows]
    amounts = [n if unit != "working_days" else n // 100 for _, n in rows]
    make = {
        "working_minutes": TimeLimit.working_minutes,
        "working_days": TimeLimit.working_days,
        "minutes": TimeLimit.minutes,
        "days": TimeLimit.days,
    }[unit]
    batch = cal.add_batch(ns_array(starts), np.array(amounts), unit=unit)
    scalar = ns_array([cal.add(s, make(n)) for s, n in zip(starts, amounts, strict=True)])
    assert batch.tolist() == scalar.tolist()


@settings(max_examples=60)
@given(CALENDARS, st.lists(st.tuples(instants(), instants()), min_size=1, max_size=20))
def test_between_batch_equals_scalar(name: str, pairs: list[tuple[datetime, datetime]]) -> None:
    cal = NAMED[name]
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    batch = cal.between_batch(ns_array(a), ns_array(b))
    scalar = [cal.working_time_between(x, y) // timedelta(microseconds=1) * 1000 for x, y in pairs]
    assert batch.view(np.int64).tolist() == scalar


@settings(max_examples=60)
@given(CALENDARS, instants(), st.lists(st.one_of(instants(), st.none()), min_size=2, max_size=20))
def test_between_batch_from_one_instant_equals_the_pairs(
    name: str, start: datetime, ends: list[datetime | None]
) -> None:
    # one start against many ends (its position found once) == the start repeated
    cal = NAMED[name]
    nat = np.datetime64("NaT", "ns")
    b = np.array([nat if e is None else ns_array([e])[0] for e in ends])
    one = cal.between_batch(ns_array([start]), b)
    many = cal.between_batch(np.repeat(ns_array([start]), b.size), b)
    assert one.shape == many.shape == b.shape
    assert one.view(np.int64).tolist() == many.view(np.int64).tolist()


@given(
    CALENDARS,
    instants(),
    st.one_of(working_hours, working_days, st.integers(0, 500).map(TimeLimit.hours)),
    st.lists(st.tuples(st.integers(-3000, 20000), st.integers(0, 5000)), max_size=4),
)
def test_pauses_only_move_the_due_time_later(
    name: str, start: datetime, limit: TimeLimit, spans: list[tuple[int, int]]
) -> None:
    cal = NAMED[name]
    pauses = [
        (start + timedelta(minutes=a), start + timedelta(minutes=a + length)) for a, length in spans
    ]
    plain = cal.add(start, limit)
    paused = cal.add(start, limit, pauses=pauses)
    assert paused >= plain
    end = max(paused, plain) + timedelta(days=1)
    assert cal.working_time_between(start, end, pauses=pauses) <= cal.working_time_between(
        start, end
    )
    if limit.unit is TimeUnit.WORKING_HOURS:
        assert cal.working_time_between(start, paused, pauses=pauses) == timedelta(
            microseconds=limit.microseconds()
        )


@given(
    CALENDARS,
    instants(),
    st.lists(
        st.one_of(working_hours, working_days, st.integers(0, 500).map(TimeLimit.hours)),
        min_size=1,
        max_size=3,
    ),
    st.lists(st.tuples(st.integers(-3000, 20000), st.integers(0, 5000)), max_size=4),
)
def test_a_chain_of_limits_is_each_added_in_turn(
    name: str, start: datetime, limits: list[TimeLimit], spans: list[tuple[int, int]]
) -> None:
    cal = NAMED[name]
    pauses = [
        (start + timedelta(minutes=a), start + timedelta(minutes=a + length)) for a, length in spans
    ]
    due = start
    for limit in limits:
        due = cal.add(due, limit, pauses=pauses)
    chained = cal.add_chain(start, limits, pauses=iter(pauses))  # any iterable, once
    assert chained == due
    assert chained.tzinfo == due.tzinfo


@given(any_limit)
def test_time_limit_text_round_trips(limit: TimeLimit) -> None:
    assert TimeLimit.parse(str(limit)) == limit
    assert TimeLimit.parse(limit.chinese) == limit
    assert TimeLimit.from_toml(limit.to_toml()) == limit
    assert pickle.loads(pickle.dumps(limit)) == limit


windows = st.lists(st.integers(0, 1440), min_size=2, max_size=8, unique=True).map(sorted)


@given(windows)
def test_schedule_toml_round_trips(edges: list[int]) -> None:
    pairs = [
        (f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}")
        for a, b in zip(edges[::2], edges[1::2], strict=False)
    ]
    schedule = WorkSchedule.daily(pairs)
    assert WorkSchedule.from_toml(schedule.to_toml()) == schedule
    assert WorkSchedule.parse(str(schedule)) == schedule


@settings(max_examples=30)
@given(
    st.lists(st.dates(date(2004, 1, 1), date(2026, 12, 31)), max_size=5, unique=True),
    st.lists(st.dates(date(2004, 1, 1), date(2026, 12, 31)), max_size=5, unique=True),
)
def test_with_days_overrides_and_pickles(holidays: list[date], workdays: list[date]) -> None:
    workdays = [d for d in workdays if d not in holidays]
    cal = CAL.with_days(holidays=holidays, workdays=workdays)
    for d in holidays:
        assert not cal.is_workday(d)
    for d in workdays:
        assert cal.is_workday(d)
    again = pickle.loads(pickle.dumps(cal))
    assert again == cal
    assert hash(again) == hash(cal)
