"""The bundled holidays (``data/holidays_cn.toml``) against the official-days table.

The table is ``shared/data/cn_official_days.csv`` beside the clone (``/work/shared`` when
the repository is ``/work/main``): every official holiday and make-up workday (调休上班)
2004–2026 from the State Council General Office notices. A few facts are embedded
below so that something checks the data even where the table is absent.
"""

from __future__ import annotations

import csv
import importlib.util
import tomllib
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest

from urbangov.calendar import DayKind, WorkCalendar

CSV = Path(__file__).resolve().parents[3] / "shared" / "data" / "cn_official_days.csv"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_holidays_toml.py"
needs_csv = pytest.mark.skipif(
    not CSV.exists(),
    reason=f"the official-days table {CSV} is absent (shared/ not beside the clone)",
)


def bundled_text() -> str:
    return (resources.files("urbangov") / "data" / "holidays_cn.toml").read_text("utf-8")


def csv_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


CAL = WorkCalendar.china()


def test_bundled_file_header_and_coverage() -> None:
    data = tomllib.loads(bundled_text())
    assert data["kind"] == "calendar"
    assert data["format_version"] == 1
    assert data["covers"] == list(range(2004, 2027))
    assert CAL.coverage == tuple(range(2004, 2027))


def test_every_year_cites_its_notice() -> None:
    data = tomllib.loads(bundled_text())
    years = {t["year"]: t for t in data["years"]}
    assert sorted(years) == list(range(2004, 2027))
    for year, table in years.items():
        assert table["notice"] == f"国务院办公厅关于{year}年部分节假日安排的通知"
        if "document" in table:
            assert table["document"].startswith("国办发明电〔")
    # 2024's notice: 国办发明电〔2023〕7号 (gov.cn, 2023-10-25).
    assert years[2024]["document"] == "国办发明电〔2023〕7号"


@pytest.mark.parametrize(
    ("day", "kind", "name"),
    [
        # 国办发明电〔2023〕7号: National Day 2024, Oct 1-7 off; Sep 29 (Sun), Oct 12 (Sat) worked.
        (date(2024, 10, 1), DayKind.HOLIDAY, "National Day"),
        (date(2024, 10, 7), DayKind.HOLIDAY, "National Day"),
        (date(2024, 9, 29), DayKind.MAKEUP_WORKDAY, "National Day"),
        (date(2024, 10, 12), DayKind.MAKEUP_WORKDAY, "National Day"),
        # 2024 Spring Festival: Feb 10-17 off, Feb 4 (Sun) and Feb 18 (Sun) worked.
        (date(2024, 2, 18), DayKind.MAKEUP_WORKDAY, "Spring Festival"),
        (date(2024, 2, 15), DayKind.HOLIDAY, "Spring Festival"),
        # 2015: the 70th anniversary day, Sep 3-4 off, Sep 6 (Sun) worked (国务院 notice).
        (date(2015, 9, 3), DayKind.HOLIDAY, "Anti-Fascist 70th Day"),
        (date(2015, 9, 6), DayKind.MAKEUP_WORKDAY, "Anti-Fascist 70th Day"),
        # 2020: Spring Festival extended to Feb 2 (国办发明电〔2020〕1号).
        (date(2020, 2, 2), DayKind.HOLIDAY, "Spring Festival"),
        # 2004: Jan 17-18 (Sat, Sun) worked for the Spring Festival.
        (date(2004, 1, 17), DayKind.MAKEUP_WORKDAY, "Spring Festival"),
        # 2026: Oct 10 (Sat) worked for National Day.
        (date(2026, 10, 10), DayKind.MAKEUP_WORKDAY, "National Day"),
        (date(2024, 10, 8), DayKind.WORKDAY, None),
        (date(2024, 10, 13), DayKind.WEEKEND, None),
    ],
)
def test_embedded_day_facts(day: date, kind: DayKind, name: str | None) -> None:
    info = CAL.day_info(day)
    assert info.kind is kind
    assert info.name == name
    assert CAL.is_workday(day) is kind.worked


def test_holiday_names_have_chinese() -> None:
    assert CAL.day_info(date(2024, 10, 1)).chinese == "国庆节"
    assert CAL.day_info(date(2024, 2, 10)).chinese == "春节"
    assert CAL.day_info(date(2024, 4, 4)).chinese == "清明节"


@needs_csv
def test_bundled_days_match_the_table_day_by_day() -> None:
    rows = csv_rows()
    holidays = {date.fromisoformat(r["date"]): r["holiday"] for r in rows if r["kind"] == "holiday"}
    workdays = {date.fromisoformat(r["date"]): r["holiday"] for r in rows if r["kind"] == "workday"}
    assert dict(CAL.holidays) == holidays
    assert dict(CAL.workdays) == workdays
    assert {int(r["date"][:4]) for r in rows} == set(CAL.coverage)
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        expected = day in workdays or (day.weekday() < 5 and day not in holidays)
        assert CAL.is_workday(day) is expected, day
        day += timedelta(days=1)


@needs_csv
def test_generator_reproduces_the_bundled_file() -> None:
    spec = importlib.util.spec_from_file_location("make_holidays_toml", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.render(csv_rows()) == bundled_text()


# Where the chinese-calendar package is wrong, settled by the notice's own text:
# 国办发明电〔2005〕35号 (the 2006 arrangements): "12月31日(星期六)上班".
CHINESE_CALENDAR_WRONG = {date(2005, 12, 31): True}


def test_agrees_with_chinese_calendar_package() -> None:
    chinese_calendar = pytest.importorskip("chinese_calendar")
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):  # chinese-calendar 1.11 covers 2004-2026
        if day in CHINESE_CALENDAR_WRONG:
            assert chinese_calendar.is_workday(day) is not CHINESE_CALENDAR_WRONG[day]
            assert CAL.is_workday(day) is CHINESE_CALENDAR_WRONG[day], day
        else:
            assert CAL.is_workday(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "kind", "name", "in_lieu"),
    [
        # 国办发明电〔2005〕35号: 2006 New Year, Dec 31 (Sat) worked, Jan 3 off in lieu.
        (date(2005, 12, 31), DayKind.MAKEUP_WORKDAY, "New Year's Day", None),
        (date(2006, 1, 3), DayKind.HOLIDAY, "New Year's Day", True),
        # 国办发明电〔2010〕40号: "6月4日至6日放假公休" (the Sunday is a holiday day).
        (date(2011, 6, 5), DayKind.HOLIDAY, "Dragon Boat Festival", False),
        # 国办发明电〔2011〕45号: "6月22日至24日放假公休".
        (date(2012, 6, 23), DayKind.HOLIDAY, "Dragon Boat Festival", False),
        # 国发明电〔2015〕1号: "9月3日至5日调休放假".
        (date(2015, 9, 5), DayKind.HOLIDAY, "Anti-Fascist 70th Day", False),
    ],
)
def test_corrected_days_follow_the_notices(
    day: date, kind: DayKind, name: str, in_lieu: bool | None
) -> None:
    info = CAL.day_info(day)
    assert info.kind is kind
    assert info.name == name
    if in_lieu is not None:
        years = {t["year"]: t for t in tomllib.loads(bundled_text())["years"]}
        (row,) = [h for h in years[day.year]["holidays"] if h["date"] == day]
        assert row["in_lieu"] is in_lieu
