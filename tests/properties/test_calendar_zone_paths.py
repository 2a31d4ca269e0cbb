"""The scalar fast path (a start in the calendar's own zone object) equals the exact path."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from urbangov.calendar import TimeLimit, WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar.china()

instants = st.datetimes(min_value=dt.datetime(2004, 1, 2), max_value=dt.datetime(2026, 11, 30)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)
limits = st.one_of(
    st.integers(0, 60 * 40).map(lambda m: TimeLimit.parse(f"{m} working minutes")),
    st.integers(0, 15).map(TimeLimit.working_days),
    st.integers(0, 72).map(TimeLimit.hours),
)


@given(instants, limits)
def test_same_instant_in_any_zone_gives_the_same_due_time(
    start: dt.datetime, limit: TimeLimit
) -> None:
    due = CAL.add(start, limit)
    assert CAL.add(start.astimezone(dt.UTC), limit) == due
    assert CAL.add(start.astimezone(ZoneInfo("America/New_York")), limit) == due
    assert CAL.add(pendulum.instance(start), limit) == due
    assert due >= start


def test_elapsed_hours_before_the_covered_years_use_the_real_offset() -> None:
    # Shanghai kept daylight saving in summer 1986–1991 (UTC+9); elapsed hours ignore the
    # calendar, so such a start must not be converted with the covered years' +8.
    start = dt.datetime(1988, 7, 1, 12, 0, tzinfo=SHANGHAI)
    assert start.utcoffset() == dt.timedelta(hours=9)
    due = CAL.add(start, TimeLimit.hours(6))
    assert due.utcoffset() == dt.timedelta(hours=9)
    assert due - start == dt.timedelta(hours=6)
    assert due.astimezone(dt.UTC) == start.astimezone(dt.UTC) + dt.timedelta(hours=6)
