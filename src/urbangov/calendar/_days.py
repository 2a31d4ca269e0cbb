"""The bundled calendar data and ``kind = "calendar"`` files (private).

Imported only by :mod:`urbangov.calendar`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from importlib import resources

import attrs

from urbangov._internal import documents as _files
from urbangov.calendar._time import check_year
from urbangov.errors import CalendarError
from urbangov.frozen import FrozenMap

__all__ = ["Days", "bundled", "check_days", "read_days"]


@attrs.frozen
class Days:
    """Holidays and make-up workdays (date → holiday name), covered years, and the
    Chinese name of each holiday name."""

    holidays: FrozenMap[_dt.date, str]
    workdays: FrozenMap[_dt.date, str]
    covers: frozenset[int]
    chinese: FrozenMap[str, str]


@functools.cache
def bundled() -> Days:
    """The bundled ``data/holidays_cn.toml`` (read once per process)."""
    ref = resources.files("urbangov") / "data" / "holidays_cn.toml"
    with resources.as_file(ref) as path:
        return read_days(_files.read_document(path, "calendar", CalendarError))


def read_days(doc: _files.TomlDocument) -> Days:
    """The days of a ``kind = "calendar"`` document; the first problem is raised, naming
    the key, file and line (:func:`check_days` lists them all)."""
    days, problems = _read(doc)
    if problems:
        raise problems[0]
    return days


def check_days(doc: _files.TomlDocument) -> list[CalendarError]:
    """Every problem of the days of a ``kind = "calendar"`` document (the first is the
    one :func:`read_days` raises)."""
    return _read(doc)[1]


_TOP_KEYS = frozenset({"name", "source", "covers", "years", "extends", "schedule", "tz"})
_YEAR_KEYS = frozenset({"year", "notice", "document", "also", "note", "holidays", "workdays"})
_ENTRY_KEYS = {
    "holidays": frozenset({"date", "name", "chinese", "in_lieu"}),
    "workdays": frozenset({"date", "name", "chinese"}),
}
_TEXT_KEYS = ("name", "source")
_YEAR_TEXT = ("notice", "document", "note")


class _Reader:
    """One pass over a calendar document, collecting every problem."""

    def __init__(self, doc: _files.TomlDocument) -> None:
        self.doc = doc
        self.problems: list[CalendarError] = []
        self.holidays: dict[_dt.date, str] = {}
        self.workdays: dict[_dt.date, str] = {}
        self.chinese: dict[str, str] = {}
        self.covers: set[int] = set()
        self.seen: dict[_dt.date, tuple[str | int, ...]] = {}  # the file's own dates
        self.covers_ok = True  # a bad covers is reported once, not again for every date

    def fail(self, message: str, key: tuple[str | int, ...], hint: str | None = None) -> None:
        doc = self.doc
        self.problems.append(
            CalendarError(
                message, field=_files.dotted(key), file=doc.file, line=doc.line_of(key), hint=hint
            )
        )

    def text(self, value: object, key: tuple[str | int, ...]) -> bool:
        if isinstance(value, str):
            return True
        self.fail(f"{value!r} is not text", key, 'write it in quotes: name = "…"')
        return False

    def header(self) -> list[object]:
        data = self.doc.data
        for key in data:
            if key not in _TOP_KEYS:
                hint = f"allowed keys: {', '.join(sorted(_TOP_KEYS))}"
                self.fail(f"unknown key {key!r}", (key,), hint)
        for key in _TEXT_KEYS:
            if key in data:
                self.text(data[key], (key,))
        if "extends" in data:
            if data["extends"] == "china":
                base = bundled()
                self.holidays, self.workdays = dict(base.holidays), dict(base.workdays)
                self.chinese, self.covers = dict(base.chinese), set(base.covers)
            else:
                hint = 'use "china"'
                self.fail(
                    f"extends = {data['extends']!r} is not a known calendar", ("extends",), hint
                )
        raw_covers = data.get("covers", [])
        if not isinstance(raw_covers, list):
            self.fail("covers must be a list of years", ("covers",), "write covers = [2027]")
            self.covers_ok = False
        else:
            for i, y in enumerate(raw_covers):
                why = check_year(y, "covers")
                if why is None:
                    self.covers.add(y)
                else:
                    self.fail(why, ("covers", i), "write covers = [2027]")
                    self.covers_ok = False
        years = data.get("years", [])
        if not isinstance(years, list):
            self.fail("years must be an array of tables", ("years",), "write [[years]] tables")
            return []
        return years

    def year_table(self, i: int, table: object) -> None:
        where: tuple[str | int, ...] = ("years", i)
        if not isinstance(table, dict):
            self.fail("not a table", where, "write [[years]] tables")
            return
        for key in table:
            if key not in _YEAR_KEYS:
                self.fail(
                    f"unknown key {key!r}",
                    (*where, key),
                    f"allowed: {', '.join(sorted(_YEAR_KEYS))}",
                )
        for key in _YEAR_TEXT:
            if key in table:
                self.text(table[key], (*where, key))
        also = table.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            self.fail("also must be a list of notices", (*where, "also"), 'write also = ["…"]')
        year = table.get("year")
        if year is None:
            self.fail("a [[years]] table needs its year", where, "add year = 2027")
        else:
            why = check_year(year, "year")
            if why is not None:
                self.fail(why, (*where, "year"), "write the year without quotes: year = 2027")
                year = None
        for kind in ("holidays", "workdays"):
            entries = table.get(kind, [])
            if not isinstance(entries, list):
                self.fail(
                    f"{kind} must be an array", (*where, kind), f"write {kind} = [{{ date = … }}]"
                )
                continue
            for j, entry in enumerate(entries):
                self.entry(kind, (*where, kind, j), entry, year)

    def entry(self, kind: str, where: tuple[str | int, ...], entry: object, year: object) -> None:
        if not isinstance(entry, dict) or "date" not in entry:
            self.fail("each entry needs a date", where, "write { date = 2027-01-01, name = … }")
            return
        day = entry["date"]
        if isinstance(day, _dt.datetime) or not isinstance(day, _dt.date):
            self.fail(f"{day!r} is not a date", (*where, "date"), "write a bare date, 2027-01-01")
            return
        sound = True
        allowed = _ENTRY_KEYS[kind]
        for key in entry:
            if key not in allowed:
                self.fail(
                    f"unknown key {key!r}",
                    (*where, key),
                    f"an entry of {kind} has {', '.join(sorted(allowed))}",
                )
                sound = False
        for key in ("name", "chinese"):
            if key in entry and not self.text(entry[key], (*where, key)):
                sound = False
        if "in_lieu" in entry and not isinstance(entry["in_lieu"], bool):
            self.fail(
                f"{entry['in_lieu']!r} is not true or false",
                (*where, "in_lieu"),
                "write in_lieu = true or false",
            )
            sound = False
        if isinstance(year, int) and day.year != year:
            self.fail(
                f"{day} is listed under the year {year}",
                (*where, "date"),
                "list each day under its own year's [[years]] table",
            )
            sound = False
        if day.year not in self.covers and self.covers_ok:
            years = f"{day.year}"
            self.fail(
                f"{day} is in {years}, which covers does not list",
                (*where, "date"),
                f"add {years} to covers, or remove the day",
            )
            sound = False
        first = self.seen.get(day)
        if first is not None:
            what = "twice" if first[2] == kind else "both as a holiday and as a workday"
            self.fail(
                f"{day} is listed {what} (first at {_files.dotted(first)})",
                (*where, "date"),
                "list each date once",
            )
            return
        self.seen[day] = where
        if not sound:
            return
        name = entry.get("name", "holiday" if kind == "holidays" else "make-up workday")
        target, other = (
            (self.holidays, self.workdays) if kind == "holidays" else (self.workdays, self.holidays)
        )
        target[day] = name
        other.pop(day, None)
        if "chinese" in entry:
            self.chinese[name] = entry["chinese"]


def _read(doc: _files.TomlDocument) -> tuple[Days, list[CalendarError]]:
    reader = _Reader(doc)
    for i, table in enumerate(reader.header()):
        reader.year_table(i, table)
    days = Days(
        FrozenMap(sorted(reader.holidays.items())),
        FrozenMap(sorted(reader.workdays.items())),
        frozenset(reader.covers),
        FrozenMap(reader.chinese),
    )
    return days, reader.problems
