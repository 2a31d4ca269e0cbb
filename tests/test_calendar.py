"""Working time: time limits, schedules, the China calendar, coverage, batch, rules.

Day facts come from the State Council General Office notices as bundled (see
tests/test_holidays_data.py): 2024 National Day, Oct 1-7 off, Sep 29 (Sunday) and Oct 12
(Saturday) worked (国办发明电〔2023〕7号).
"""

from __future__ import annotations

import pickle
import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pendulum
import pytest

import urbangov
from urbangov.calendar import (
    DEFAULT_SCHEDULE,
    CalendarRules,
    DayKind,
    TimeLimit,
    TimeUnit,
    WorkCalendar,
    WorkSchedule,
)
from urbangov.errors import (
    CalendarCoverageError,
    CalendarError,
    NaiveDatetimeError,
    ProvisionalCalendarWarning,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar.china(schedule=WorkSchedule.daily([("09:00", "12:00"), ("13:30", "18:00")]))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


def wh(x: object) -> TimeLimit:
    return TimeLimit.working_hours(x)


# -- TimeLimit ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("4 working hours", 4, TimeUnit.WORKING_HOURS),
        ("1 working hour", 1, TimeUnit.WORKING_HOURS),
        ("4工作时", 4, TimeUnit.WORKING_HOURS),
        ("4个工作小时", 4, TimeUnit.WORKING_HOURS),
        ("0.5 working hours", Decimal("0.5"), TimeUnit.WORKING_HOURS),
        ("15工作日", 15, TimeUnit.WORKING_DAYS),
        ("15个工作日", 15, TimeUnit.WORKING_DAYS),
        ("15 Working Days", 15, TimeUnit.WORKING_DAYS),
        ("30 working minutes", 30, TimeUnit.WORKING_MINUTES),
        ("6 hours", 6, TimeUnit.HOURS),
        ("6小时", 6, TimeUnit.HOURS),
        ("7天", 7, TimeUnit.DAYS),
        ("7 days", 7, TimeUnit.DAYS),
        ("30分钟", 30, TimeUnit.MINUTES),
        ("0 working hours", 0, TimeUnit.WORKING_HOURS),
    ],
)
def test_time_limit_parses_english_and_chinese(text: str, amount: object, unit: TimeUnit) -> None:
    limit = TimeLimit.parse(text)
    assert limit == TimeLimit(amount, unit)
    assert TimeLimit.parse(str(limit)) == limit


def test_time_limit_canonical_strings() -> None:
    assert str(TimeLimit.working_hours(4)) == "4 working hours"
    assert str(TimeLimit.working_days(1)) == "1 working day"
    assert str(TimeLimit.hours("1.50")) == "1.5 hours"
    assert TimeLimit.working_days(15).chinese == "15工作日"
    assert TimeLimit.working_hours(4).to_toml() == "4 working hours"


def test_time_limit_toml_forms() -> None:
    assert TimeLimit.from_toml("4工作时") == wh(4)
    assert TimeLimit.from_toml({"amount": 4, "unit": "working_hours"}) == wh(4)
    with pytest.raises(CalendarError, match=r"limits\.x\.amount"):
        TimeLimit.from_toml({"amount": -1, "unit": "working_hours"}, field="limits.x")
    with pytest.raises(CalendarError, match=r"limits\.x: 42"):
        TimeLimit.from_toml(42, field="limits.x")


def test_time_limit_rejects_bad_input_naming_the_field() -> None:
    with pytest.raises(CalendarError, match=r"deadlines\.x: '4 workin hours' is not a time limit"):
        TimeLimit.parse("4 workin hours", field="deadlines.x")
    with pytest.raises(CalendarError, match="negative"):
        TimeLimit.parse("-4 working hours")
    with pytest.raises(CalendarError, match="amount: a time limit cannot be negative"):
        TimeLimit.working_days(-1)
    with pytest.raises(CalendarError, match="whole number of minutes"):
        TimeLimit.working_hours("0.01")
    with pytest.raises(CalendarError, match="not a whole number"):
        TimeLimit.working_days("1.5")
    with pytest.raises(CalendarError, match="unit"):
        TimeLimit(4, "fortnights")
    with pytest.raises(CalendarError, match="amount"):
        TimeLimit(True, "hours")


def test_time_limit_amounts_are_exact_decimals() -> None:
    assert TimeLimit.working_hours(0.1).amount == Decimal("0.1")
    assert TimeLimit.working_hours("0.25").microseconds() == 15 * 60 * 10**6
    assert hash(TimeLimit.working_hours(4)) == hash(TimeLimit.working_hours("4.0"))


# -- WorkSchedule -------------------------------------------------------------------


def test_schedule_forms_round_trip() -> None:
    daily = WorkSchedule.daily("09:00-12:00,13:30-18:00")
    assert daily == DEFAULT_SCHEDULE
    assert WorkSchedule.from_toml(daily.to_toml()) == daily
    assert WorkSchedule.from_toml("always") == WorkSchedule.always()
    assert WorkSchedule.always().to_toml() == ["00:00-24:00"]
    seasonal = WorkSchedule.seasonal(
        [
            ("05-01", "09-30", [("08:30", "12:00"), ("14:30", "18:00")]),
            ("10-01", "04-30", [("09:00", "12:00"), ("13:30", "17:30")]),
        ]
    )
    assert WorkSchedule.from_toml(seasonal.to_toml()) == seasonal
    assert seasonal.minutes_per_day(date(2024, 7, 1)) == 210 + 210
    assert seasonal.minutes_per_day(date(2024, 12, 1)) == 180 + 240


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ([("12:00", "09:00")], "does not open before it closes"),
        ([("09:00", "12:00"), ("11:00", "13:00")], "overlaps"),
        ([("9am", "12:00")], "not a time of day"),
        ([("09:00", "24:30")], "not a time of day"),
        ([], "at least one window"),
        ([("09:00",)], "not a window"),
    ],
)
def test_schedule_rejects_bad_windows(windows: object, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        WorkSchedule.daily(windows)


def test_seasonal_schedule_must_cover_the_year_once() -> None:
    with pytest.raises(CalendarError, match="no period covers 01-01"):
        WorkSchedule.seasonal([("05-01", "09-30", ["09:00-12:00"])])
    with pytest.raises(CalendarError, match="both cover"):
        WorkSchedule.seasonal(
            [("01-01", "12-31", ["09:00-12:00"]), ("05-01", "05-02", ["09:00-10:00"])]
        )
    with pytest.raises(CalendarError, match=r"calendar\.schedule\[0\]"):
        WorkSchedule.from_toml(
            [{"from": "13-01", "to": "12-31", "windows": []}], field="calendar.schedule"
        )


# -- days ---------------------------------------------------------------------------


def test_make_up_saturday_counts_as_workday() -> None:
    assert CAL.is_workday(date(2024, 10, 12))
    assert CAL.day_info(date(2024, 10, 12)).kind is DayKind.MAKEUP_WORKDAY


def test_make_up_sunday_counts_as_workday() -> None:
    assert CAL.is_workday(date(2024, 9, 29))


def test_weekday_holiday_is_a_rest_day() -> None:
    assert not CAL.is_workday(date(2024, 10, 4))  # a Friday off in lieu (调休)
    assert CAL.day_info(date(2024, 10, 4)).kind is DayKind.HOLIDAY


def test_next_workday_is_strictly_after() -> None:
    assert CAL.next_workday(date(2024, 10, 8)) == date(2024, 10, 9)
    assert CAL.next_workday(date(2024, 9, 30)) == date(2024, 10, 8)
    assert CAL.next_workday(date(2024, 10, 11)) == date(2024, 10, 12)


def test_workdays_between_is_half_open() -> None:
    # Sep 29 (Sun, worked), Sep 30, Oct 8-12: 7 working days in [Sep 29, Oct 13).
    assert CAL.workdays_between(date(2024, 9, 29), date(2024, 10, 13)) == 7
    assert CAL.workdays_between(date(2024, 9, 30), date(2024, 9, 30)) == 0
    assert CAL.workdays_between(date(2024, 9, 30), date(2024, 10, 1)) == 1
    assert CAL.workdays_between(date(2024, 10, 13), date(2024, 9, 29)) == -7


def test_workdays_between_excludes_an_end_that_is_a_working_day() -> None:
    # the end b is never counted, even when it is a working day
    assert CAL.workdays_between(date(2024, 10, 8), date(2024, 10, 9)) == 1  # Tue → Wed
    assert CAL.workdays_between(date(2024, 5, 6), date(2024, 5, 10)) == 4  # Mon → Fri
    # Sep 29 (Sun, 调休上班), Sep 30, Oct 8-11; the make-up Saturday Oct 12 is the end
    assert CAL.workdays_between(date(2024, 9, 29), date(2024, 10, 12)) == 6
    assert CAL.workdays_between(date(2024, 9, 28), date(2024, 9, 29)) == 0  # Sat, a rest day
    assert CAL.workdays_between(date(2024, 10, 12), date(2024, 10, 8)) == -4  # -[Oct 8, 12)
    # across a year end: Dec 30 and 31 2024 (Mon, Tue); Jan 1 2025 is 元旦; Jan 2 the end
    assert CAL.workdays_between(date(2024, 12, 30), date(2025, 1, 2)) == 2


def test_dates_must_be_dates() -> None:
    with pytest.raises(CalendarError, match="date"):
        CAL.is_workday(datetime(2024, 10, 1, tzinfo=SH))  # type: ignore[arg-type]


# -- add: the conventions ---------------------------------------------------------------


def test_style_example_five_working_days_over_national_day() -> None:
    # STYLE.md: Oct 1-7 2024 off; Oct 8, 9, 10, 11 and the make-up Saturday Oct 12.
    due = CAL.add(datetime(2024, 9, 30, 17, tzinfo=SH), TimeLimit.working_days(5))
    assert due == at(2024, 10, 12, 18)
    assert due.tzinfo == SH
    assert type(due) is datetime


def test_working_days_ignore_the_start_time() -> None:
    assert CAL.add(at(2024, 9, 30, 8), TimeLimit.working_days(1)) == at(2024, 10, 8, 18)
    assert CAL.add(at(2024, 9, 30, 23, 59), TimeLimit.working_days(1)) == at(2024, 10, 8, 18)
    # a start on a rest day: the next working day is the first counted
    assert CAL.add(at(2024, 10, 3, 10), TimeLimit.working_days(1)) == at(2024, 10, 8, 18)


def test_limit_ending_at_a_close_is_due_at_the_close() -> None:
    assert CAL.add(at(2024, 10, 8, 9), wh(3)) == at(2024, 10, 8, 12)
    assert CAL.add(at(2024, 10, 8, 9), wh(7.5)) == at(2024, 10, 8, 18)


def test_lunch_break_does_not_count() -> None:
    assert CAL.add(at(2024, 10, 8, 11), TimeLimit.working_hours(2)) == at(2024, 10, 8, 14, 30)
    assert CAL.add(at(2024, 10, 8, 12, 30), wh(1)) == at(2024, 10, 8, 14, 30)
    assert CAL.add(at(2024, 10, 8, 12), TimeLimit.working_minutes(1)) == at(2024, 10, 8, 13, 31)


def test_start_outside_a_window_starts_at_the_next_opening() -> None:
    assert CAL.add(at(2024, 10, 8, 7), wh(1)) == at(2024, 10, 8, 10)
    assert CAL.add(at(2024, 10, 8, 18), wh(1)) == at(2024, 10, 9, 10)
    # Friday evening before a make-up Saturday (Oct 12) works on Saturday
    assert CAL.add(at(2024, 10, 11, 19), wh(1)) == at(2024, 10, 12, 10)


def test_last_day_of_a_holiday_and_start_on_a_rest_day() -> None:
    assert CAL.add(at(2024, 10, 7, 10), wh(4)) == at(2024, 10, 8, 14, 30)
    assert CAL.add(at(2024, 10, 5, 10), wh(0.5)) == at(2024, 10, 8, 9, 30)


def test_make_up_sunday_is_worked() -> None:
    # Sat Sep 28 evening → the make-up Sunday Sep 29 (调休上班)
    assert CAL.add(at(2024, 9, 28, 20), wh(4)) == at(2024, 9, 29, 14, 30)


def test_working_hours_across_national_day() -> None:
    assert CAL.add(at(2024, 9, 30, 16), wh(4)) == at(2024, 10, 8, 11)


def test_zero_limit_is_due_at_the_start() -> None:
    for limit in (wh(0), TimeLimit.working_days(0), TimeLimit.hours(0)):
        assert CAL.add(at(2024, 10, 3, 20, 15), limit) == at(2024, 10, 3, 20, 15)


def test_calendar_hours_and_days_ignore_the_calendar() -> None:
    assert CAL.add(at(2024, 9, 30, 17), TimeLimit.hours(6)) == at(2024, 9, 30, 23)
    assert CAL.add(at(2024, 9, 30, 17), TimeLimit.days(7)) == at(2024, 10, 7, 17)
    assert CAL.add(at(2024, 9, 30, 17), TimeLimit.minutes(90)) == at(2024, 9, 30, 18, 30)


def test_any_aware_input_results_in_the_calendar_zone() -> None:
    london = datetime(2024, 9, 30, 9, tzinfo=ZoneInfo("Europe/London"))  # 16:00 Shanghai
    assert CAL.add(london, wh(4)) == at(2024, 10, 8, 11)
    assert CAL.add(london, wh(4)).tzinfo == SH
    p = pendulum.datetime(2024, 9, 30, 16, tz="Asia/Shanghai")
    due = CAL.add(p, wh(4))
    assert type(due) is datetime
    assert due == at(2024, 10, 8, 11)
    utc = datetime(2024, 9, 30, 8, 0, 0, 1, tzinfo=UTC)
    assert CAL.add(utc, wh(4)) == at(2024, 10, 8, 11, 0, 0, 1)
    fixed = datetime(2024, 9, 30, 16, tzinfo=timezone(timedelta(hours=8)))
    assert CAL.add(fixed, wh(4)) == at(2024, 10, 8, 11)


def test_naive_datetimes_raise() -> None:
    with pytest.raises(NaiveDatetimeError, match="start"):
        CAL.add(datetime(2024, 9, 30, 17), wh(4))
    with pytest.raises(NaiveDatetimeError, match="end"):
        CAL.working_time_between(at(2024, 9, 30, 17), datetime(2024, 10, 9))
    with pytest.raises(CalendarError, match="limit"):
        CAL.add(at(2024, 9, 30, 17), "4 working hours")  # type: ignore[arg-type]


# -- working time between, pauses -----------------------------------------------------


def test_working_time_between() -> None:
    assert CAL.working_time_between(at(2024, 9, 30, 17), at(2024, 10, 8, 10)) == timedelta(hours=2)
    assert CAL.working_time_between(at(2024, 10, 8, 10), at(2024, 9, 30, 17)) == -timedelta(hours=2)
    assert CAL.working_time_between(at(2024, 10, 8, 12), at(2024, 10, 8, 13, 30)) == timedelta(0)


def test_pauses_take_working_time_out() -> None:
    start, end = at(2024, 10, 8, 9), at(2024, 10, 9, 18)
    pause = [(at(2024, 10, 8, 11), at(2024, 10, 8, 15))]  # 1 h + 1.5 h of work paused
    full = CAL.working_time_between(start, end)
    assert CAL.working_time_between(start, end, pauses=pause) == full - timedelta(hours=2.5)
    assert CAL.add(start, wh(4), pauses=pause) == at(2024, 10, 8, 17)  # 9-11, then 15-17
    assert CAL.add(start, wh(4)) == at(2024, 10, 8, 14, 30)
    # a pause pushes a working-day due time later by the working time it took out
    assert CAL.add(start, TimeLimit.working_days(1), pauses=pause) == at(2024, 10, 10, 11, 30)
    # elapsed limits: pauses add their length
    assert CAL.add(start, TimeLimit.hours(3), pauses=pause) == at(2024, 10, 8, 16)
    with pytest.raises(CalendarError, match=r"pauses\[0\]"):
        CAL.add(start, wh(1), pauses=[(at(2024, 10, 8, 15), at(2024, 10, 8, 11))])


# -- coverage and provisional mode ------------------------------------------------------


def test_outside_coverage_names_the_year_and_the_fix() -> None:
    with pytest.raises(CalendarCoverageError, match="2027") as info:
        CAL.add(at(2027, 3, 1, 9), wh(4))
    assert "covers=(2027,)" in str(info.value)
    assert "provisional=True" in str(info.value)
    with pytest.raises(CalendarCoverageError, match="2027"):
        CAL.add(at(2026, 12, 31, 17), TimeLimit.working_days(3))
    with pytest.raises(CalendarCoverageError, match="2003"):
        CAL.is_workday(date(2003, 12, 31))
    with pytest.raises(CalendarCoverageError, match="2027"):
        CAL.add(at(2026, 12, 31, 17), wh(8))


def test_with_days_covers_a_new_year() -> None:
    cal = CAL.with_days(holidays={date(2027, 1, 1): "New Year's Day"}, covers=(2027,))
    assert cal.coverage[-1] == 2027
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 1, 4))
    assert cal.add(at(2026, 12, 31, 17), TimeLimit.working_days(1)) == at(2027, 1, 4, 18)


def test_with_days_overrides_bundled_days() -> None:
    cal = CAL.with_days(holidays=[date(2024, 10, 12)], workdays=[date(2024, 10, 7)])
    assert not cal.is_workday(date(2024, 10, 12))
    assert cal.is_workday(date(2024, 10, 7))
    assert cal != CAL
    with pytest.raises(CalendarError, match="both"):
        CAL.with_days(holidays=[date(2024, 1, 2)], workdays=[date(2024, 1, 2)])


def test_gap_in_coverage_raises() -> None:
    cal = CAL.with_days(covers=(2030,))
    assert cal.is_workday(date(2030, 1, 2))
    with pytest.raises(CalendarCoverageError, match="2027"):
        cal.add(at(2026, 12, 31, 17), TimeLimit.working_days(10))


def test_provisional_mode_warns_and_lists_years() -> None:
    cal = WorkCalendar.china(provisional=True)
    assert 2027 in cal.provisional_years
    assert 2024 not in cal.provisional_years
    assert CAL.provisional_years == ()
    with pytest.warns(ProvisionalCalendarWarning, match="2027"):
        due = cal.add(at(2026, 12, 31, 17), TimeLimit.working_days(1))
    assert due == at(2027, 1, 1, 18)  # Monday–Friday: 2027-01-01 is a Friday
    with pytest.warns(ProvisionalCalendarWarning, match="2027"):
        assert cal.is_workday(date(2027, 1, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal.add(at(2024, 9, 30, 17), TimeLimit.working_days(5))  # covered: no warning
    assert cal.provisional_years_in(at(2026, 12, 1), at(2027, 2, 1)) == (2027,)


# -- values ---------------------------------------------------------------------------


def test_calendar_is_an_immutable_picklable_value() -> None:
    cal = CAL.with_days(holidays=[date(2024, 10, 8)])
    cal.add(at(2024, 9, 30, 17), wh(1))  # build the cache first
    again = pickle.loads(pickle.dumps(cal))
    assert again == cal
    assert hash(again) == hash(cal)
    assert again.add(at(2024, 9, 30, 17), wh(2)) == cal.add(at(2024, 9, 30, 17), wh(2))
    with pytest.raises(AttributeError):
        cal.tz = "UTC"  # type: ignore[misc]
    # equality is by value: built twice, the same rules are equal; any rule that differs
    # (a day, the zone, the office hours) makes calendars unequal
    assert WorkCalendar.china() == WorkCalendar.china()
    assert hash(WorkCalendar.china()) == hash(WorkCalendar.china())
    assert cal != CAL
    assert CAL.with_days(holidays=[date(2024, 10, 8)]) == cal
    assert WorkCalendar.china(tz="UTC") != WorkCalendar.china()
    assert WorkCalendar.china(schedule=WorkSchedule.always()) != WorkCalendar.china()


def test_bad_zone_names_the_field() -> None:
    with pytest.raises(CalendarError, match="tz: 'Mars/Olympus'"):
        WorkCalendar.china(tz="Mars/Olympus")


def test_daylight_saving_zone_counts_real_time() -> None:
    # Europe/London sprang forward on Sunday 2024-03-31 at 01:00; make it a workday 24×7.
    cal = WorkCalendar.china(schedule=WorkSchedule.always(), tz="Europe/London")
    cal = cal.with_days(workdays=[date(2024, 3, 31)])
    lon = ZoneInfo("Europe/London")
    start, end = datetime(2024, 3, 31, tzinfo=lon), datetime(2024, 4, 1, tzinfo=lon)
    assert cal.working_time_between(start, end) == timedelta(hours=23)
    assert cal.add(start, wh(23)) == end
    assert cal.add(start, wh(23)).tzinfo == lon


def test_always_schedule_counts_whole_working_days() -> None:
    cal = WorkCalendar.china(schedule=WorkSchedule.always())
    assert cal.add(at(2024, 9, 30, 17), wh(7)) == at(2024, 10, 1, 0)
    assert cal.add(at(2024, 9, 30, 17), wh(8)) == at(2024, 10, 8, 1)
    assert cal.add(at(2024, 9, 30, 17), TimeLimit.working_days(1)) == at(2024, 10, 9, 0)


def test_seasonal_schedule_in_a_calendar() -> None:
    summer_winter = WorkSchedule.seasonal(
        [
            ("05-01", "09-30", [("08:30", "12:00"), ("14:30", "18:00")]),
            ("10-01", "04-30", [("09:00", "12:00"), ("13:30", "17:30")]),
        ]
    )
    cal = WorkCalendar.china(schedule=summer_winter)
    assert cal.add(at(2024, 9, 30, 17), wh(2)) == at(2024, 10, 8, 10)
    assert cal.add(at(2024, 9, 30, 17), TimeLimit.working_days(1)) == at(2024, 10, 8, 17, 30)


# -- files ----------------------------------------------------------------------------


def test_load_a_calendar_file_extending_china(tmp_path: Path) -> None:
    path = tmp_path / "local.toml"
    path.write_text(
        'kind = "calendar"\nformat_version = 1\nextends = "china"\ncovers = [2027]\n'
        'schedule = ["08:30-12:00", "13:30-17:30"]\n\n[[years]]\nyear = 2027\n'
        'holidays = [{ date = 2027-01-01, name = "New Year\'s Day", chinese = "元旦" }]\n'
        "workdays = []\n",
        encoding="utf-8",
    )
    cal = WorkCalendar.load(path)
    assert cal.coverage[0] == 2004
    assert cal.coverage[-1] == 2027
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.schedule == WorkSchedule.daily("08:30-12:00,13:30-17:30")
    assert cal.day_info(date(2027, 1, 1)).chinese == "元旦"


def test_load_errors_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'kind = "calendar"\nformat_version = 1\ncovers = [2027]\ncolour = "red"\n', encoding="utf-8"
    )
    with pytest.raises(CalendarError, match=r"colour: unknown key .*bad\.toml, line 4"):
        WorkCalendar.load(path)
    path.write_text('kind = "policy"\nformat_version = 1\n', encoding="utf-8")
    with pytest.raises(CalendarError, match="kind"):
        WorkCalendar.load(path)


# -- batch ----------------------------------------------------------------------------


def ns(*texts: str) -> np.ndarray:
    return np.array(texts, dtype="datetime64[ns]")


def test_batch_units() -> None:
    starts = ns("2024-09-30T09:00", "2024-09-30T09:00", "NaT")  # 17:00 in Shanghai
    assert (
        CAL.add_batch(starts, [60, 0, 5]).tolist()[:2]
        == ns("2024-09-30T10:00", "2024-09-30T09:00").tolist()
    )
    assert np.isnat(CAL.add_batch(starts, 5)[2])
    assert CAL.add_batch(starts[:1], [5], unit="working_days")[0] == ns("2024-10-12T10:00")[0]
    assert CAL.add_batch(starts[:1], [7], unit="days")[0] == ns("2024-10-07T09:00")[0]
    assert CAL.add_batch(starts[:1], [30], unit="minutes")[0] == ns("2024-09-30T09:30")[0]


def test_a_chain_needs_a_limit_and_takes_only_limits() -> None:
    t = datetime(2024, 5, 6, 9, tzinfo=SH)
    with pytest.raises(CalendarError, match="no limit to add") as info:
        CAL.add_chain(t, [])
    assert info.value.field == "limits"
    with pytest.raises(CalendarError, match="is not a TimeLimit"):
        CAL.add_chain(t, ["4 hours"], pauses=[(t, t)])  # type: ignore[list-item]


def test_between_batch() -> None:
    out = CAL.between_batch(
        ns("2024-09-30T09:00", "NaT"), ns("2024-10-08T02:00", "2024-10-08T02:00")
    )
    assert out.dtype == np.dtype("timedelta64[ns]")
    assert out[0] == np.timedelta64(2, "h")
    assert np.isnat(out[1])


def test_batch_rejects_bad_input() -> None:
    with pytest.raises(CalendarError, match="unit"):
        CAL.add_batch(ns("2024-09-30T09:00"), [1], unit="fortnights")
    with pytest.raises(CalendarError, match="starts"):
        CAL.add_batch(np.array([1, 2]), [1, 2])
    with pytest.raises(CalendarError, match="amounts"):
        CAL.add_batch(ns("2024-09-30T09:00"), [-1])
    with pytest.raises(CalendarError, match="amounts"):
        CAL.add_batch(ns("2024-09-30T09:00"), [1.5])
    with pytest.raises(CalendarCoverageError, match="2027"):
        CAL.add_batch(ns("2027-03-01T01:00"), [1])
    with pytest.raises(CalendarCoverageError, match="2027"):
        CAL.add_batch(ns("2026-12-31T01:00"), [10], unit="working_days")


def test_batch_provisional_warns() -> None:
    cal = WorkCalendar.china(provisional=True)
    with pytest.warns(ProvisionalCalendarWarning, match="2027"):
        cal.add_batch(ns("2027-03-01T01:00"), [1])


# -- the policy section -----------------------------------------------------------------


def test_calendar_rules_build_the_calendar() -> None:
    rules = CalendarRules()
    assert rules.schedule == DEFAULT_SCHEDULE
    assert rules.tz == "Asia/Shanghai"
    assert rules.work_calendar() == WorkCalendar.china()
    local = CalendarRules(
        schedule=["08:30-12:00", "14:00-17:30"],  # type: ignore[arg-type]
        holidays=(date(2024, 10, 8),),
        covers=(2027,),
    )
    cal = local.work_calendar()
    assert not cal.is_workday(date(2024, 10, 8))
    assert 2027 in cal.coverage
    assert cal.schedule == WorkSchedule.daily("08:30-12:00,14:00-17:30")
    assert local.at(date(2024, 1, 1)) is local
    with pytest.raises(CalendarError, match="tz"):
        CalendarRules(tz="Nowhere/Land")
    with pytest.raises(CalendarError, match="holidays: '2024-10-08' is not a date"):
        CalendarRules(holidays=("2024-10-08",))  # type: ignore[arg-type]
    with pytest.raises(CalendarError, match="covers"):
        CalendarRules(covers=("2027",))  # type: ignore[arg-type]


def test_public_names_are_exported() -> None:
    assert urbangov.TimeLimit is TimeLimit
    assert urbangov.WorkCalendar is WorkCalendar
    assert urbangov.WorkSchedule is WorkSchedule
    assert urbangov.calendar.WorkCalendar is WorkCalendar


# -- the command line -----------------------------------------------------------------


def test_cli_deadline_prints_due_time_and_days() -> None:
    from click.testing import CliRunner

    from urbangov.cli import main

    result = CliRunner().invoke(main, ["deadline", "2024-09-30 17:00", "5 working days"])
    assert result.exit_code == 0, result.output
    assert "2024-10-12 18:00" in result.output
    assert "make-up workday" in result.output
    assert "National Day" in result.output
    zh = CliRunner().invoke(
        main,
        ["--lang", "zh", "deadline", "2024-09-30T09:00Z", "8工作时", "--schedule", "always"],
    )
    assert zh.exit_code == 0, zh.output
    assert "2024-10-08 01:00" in zh.output  # 7 h on Sep 30 (17:00-24:00), 1 h on Oct 8
    assert "法定节假日" in zh.output


def test_cli_deadline_reports_bad_input() -> None:
    from click.testing import CliRunner

    from urbangov.cli import main

    bad_limit = CliRunner().invoke(main, ["deadline", "2024-09-30 17:00", "5 workin days"])
    assert bad_limit.exit_code == 1
    assert "LIMIT: '5 workin days' is not a time limit" in bad_limit.output
    bad_start = CliRunner().invoke(main, ["deadline", "yesterday-ish", "5 working days"])
    assert bad_start.exit_code == 1
    assert "START" in bad_start.output
    late = CliRunner().invoke(main, ["deadline", "2027-03-01 09:00", "1 working day"])
    assert late.exit_code == 1
    assert "2027" in late.output


def test_docs_page_examples_run() -> None:
    import doctest

    page = Path(__file__).resolve().parents[1] / "docs" / "calendar.md"
    text = "\n".join(
        "" if line.startswith("```") else line for line in page.read_text("utf-8").splitlines()
    )
    test = doctest.DocTestParser().get_doctest(text, {}, "calendar.md", str(page), 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False
    )
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert len(test.examples) >= 10


def test_load_rejects_a_bad_zone_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "zone.toml"
    path.write_text(
        'kind = "calendar"\nformat_version = 1\ncovers = [2027]\ntz = "Mars/Base"\n',
        encoding="utf-8",
    )
    with pytest.raises(CalendarError, match=r"tz: 'Mars/Base' .*zone\.toml, line 4"):
        WorkCalendar.load(path)


def test_check_file_lists_every_problem_and_load_raises_the_first(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(
        'kind = "calendar"\nformat_version = 1\ncovers = "2027"\ncolour = "red"\n'
        'schedule = ["09:00-25:00"]\ntz = "Mars/Base"\n\n[[years]]\nyear = 2027\n'
        'holidays = [{ name = "no date" }, { date = 2027-01-01T08:00:00 }]\n'
        'workdays = "none"\n',
        encoding="utf-8",
    )
    problems = WorkCalendar.check_file(path)
    assert [(p.field, p.line) for p in problems] == [
        ("colour", 4),
        ("covers", 3),
        ("years[0].holidays[0]", 10),
        ("years[0].holidays[1].date", 10),
        ("years[0].workdays", 11),
        ("schedule[0]", 5),
        ("tz", 6),
    ]
    assert all(p.file == str(path) for p in problems)
    with pytest.raises(CalendarError) as info:
        WorkCalendar.load(path)
    assert str(info.value) == str(problems[0])


def test_check_file_of_a_sound_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "ok.toml"
    path.write_text(
        'kind = "calendar"\nformat_version = 1\nextends = "china"\ncovers = [2027]\n',
        encoding="utf-8",
    )
    assert WorkCalendar.check_file(path) == ()
    assert WorkCalendar.load(path).coverage[-1] == 2027


# ------------------------------------------------------------------ bounds and bad input


@pytest.mark.parametrize(
    "text",
    [
        "10000000000000000000000000000 working days",
        "100000000000000000000 working days",
        "36526 days",
        "876601 hours",
        "52596001 minutes",
        "9" * 5000 + " working hours",
    ],
)
def test_a_limit_is_at_most_a_hundred_years_of_its_unit(text: str) -> None:
    with pytest.raises(CalendarError, match="more than 100 years") as info:
        TimeLimit.parse(text, field="extension")
    assert info.value.field == "extension"
    assert len(str(info.value)) < 300  # a number of 5,000 digits is not repeated in full


def test_the_longest_limits_are_kept_exactly() -> None:
    assert TimeLimit.parse("36525 days").microseconds() == 36525 * 86_400 * 10**6
    assert TimeLimit.parse("876600 working hours").working_us == 876600 * 3600 * 10**6
    assert CAL.add(datetime(2024, 9, 30, tzinfo=SH), TimeLimit.days(36525)) == datetime(
        2124, 10, 1, tzinfo=SH
    )


@pytest.mark.parametrize(
    "text",
    [
        "1." + "0" * 40 + "1 hours",  # past Decimal's 28 digits: not a whole minute
        "0." + "0" * 5000 + "1 days",
        "0.01 hours",
    ],
)
def test_whole_minutes_are_checked_exactly_whatever_the_digits(text: str) -> None:
    with pytest.raises(CalendarError, match="not a whole"):
        TimeLimit.parse(text)
    assert TimeLimit.parse("1." + "0" * 40 + " hours") == TimeLimit.hours(1)


def test_a_limit_table_wants_a_number_not_text() -> None:
    with pytest.raises(CalendarError, match="not a number") as info:
        TimeLimit.from_toml({"amount": "4", "unit": "working_hours"}, field="limits.x")
    assert info.value.field == "limits.x.amount"
    with pytest.raises(CalendarError) as info:
        TimeLimit.from_toml({"amount": 4, "unit": 4}, field="limits.x")
    assert info.value.field == "limits.x.unit"
    assert TimeLimit.from_toml({"amount": Decimal("0.5"), "unit": "hours"}) == TimeLimit.hours(
        Decimal("0.5")
    )


@pytest.mark.parametrize("year", [10000, 0, -2027, 1677, 2262])
def test_covered_years_lie_in_the_stored_range(year: int, tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match=r"1678\.\.2261"):
        CAL.with_days(covers=(year,))
    with pytest.raises(CalendarError):
        WorkCalendar(covers=(year,))
    path = tmp_path / "c.toml"
    path.write_text(
        f'kind = "calendar"\nformat_version = 1\nextends = "china"\ncovers = [{year}]\n',
        encoding="utf-8",
    )
    (problem,) = WorkCalendar.check_file(path)
    assert (problem.field, problem.line) == ("covers[0]", 4)


@pytest.mark.parametrize(
    ("start", "limit"),
    [
        (datetime(2024, 9, 30, tzinfo=SH), TimeLimit.days(36525)),
        (datetime(2200, 9, 30, tzinfo=SH), TimeLimit.days(36525)),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), TimeLimit.working_days(0)),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=9))), TimeLimit.working_days(1)),
        (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=9))), TimeLimit.working_hours(1)),
        (datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-9))), TimeLimit.hours(1)),
    ],
)
def test_the_ends_of_the_datetime_range_are_calendar_errors(
    start: datetime, limit: TimeLimit
) -> None:
    if start.year == 2024:
        assert CAL.add(start, limit).year == 2124
        return
    with pytest.raises(CalendarError, match=r"1678\.\.2261") as info:
        CAL.add(start, limit)
    assert info.value.field in ("start", "limit")
    if info.value.field == "start":
        with pytest.raises(CalendarError):
            CAL.working_time_between(start, datetime(2024, 1, 1, tzinfo=UTC))


def _calendar_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cal.toml"
    path.write_text(
        'kind = "calendar"\nformat_version = 1\nextends = "china"\ncovers = [2027]\n\n'
        "[[years]]\n" + body,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("body", "field", "line", "words"),
    [
        (
            'year = 2027\nholidays = [\n  { date = 2027-01-01, name = "NY" },\n'
            '  { date = 2027-01-02, nmae = "NY" },\n]\n',
            "years[0].holidays[1].nmae",
            10,
            "unknown key",
        ),
        (
            "year = 2027\nholidays = [\n  { date = 2027-01-01, name = 5 },\n]\n",
            "years[0].holidays[0].name",
            9,
            "not text",
        ),
        (
            'year = 2027\nholidays = [\n  { date = 2027-01-01, in_lieu = "no" },\n]\n',
            "years[0].holidays[0].in_lieu",
            9,
            "true or false",
        ),
        ('year = "2027"\n', "years[0].year", 7, "not a year"),
        (
            "year = 2027\nholidays = [{ date = 2027-01-01 }]\n"
            "workdays = [\n  { date = 2027-01-03 },\n  { date = 2027-01-01 },\n]\n",
            "years[0].workdays[1].date",
            11,
            "both as a holiday and as a workday",
        ),
        (
            "year = 2027\nholidays = [\n  { date = 2027-01-01 },\n  { date = 2027-01-01 },\n]\n",
            "years[0].holidays[1].date",
            10,
            "twice",
        ),
        (
            "year = 2028\nholidays = [\n  { date = 2028-01-01 },\n]\n",
            "years[0].holidays[0].date",
            9,
            "covers does not list",
        ),
        (
            "year = 2027\nholidays = [\n  { date = 2026-12-31 },\n]\n",
            "years[0].holidays[0].date",
            9,
            "listed under the year 2027",
        ),
    ],
)
def test_calendar_entries_are_checked_at_their_own_line(
    tmp_path: Path, body: str, field: str, line: int, words: str
) -> None:
    path = _calendar_file(tmp_path, body)
    problems = WorkCalendar.check_file(path)
    assert problems, "the file should not be valid"
    first = problems[0]
    assert (first.field, first.line, first.file) == (field, line, str(path))
    assert words in first.message
    with pytest.raises(CalendarError) as info:
        WorkCalendar.load(path)
    assert str(info.value) == str(first)
