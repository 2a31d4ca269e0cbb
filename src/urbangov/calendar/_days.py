"""The bundled calendar data and ``kind = "calendar"`` files (private).

Imported only by :mod:`urbangov.calendar`.
"""

from __future__ import annotations

import datetime as _dt
import functools
from importlib import resources

import attrs

from urbangov._internal import documents as _files
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


def _read(doc: _files.TomlDocument) -> tuple[Days, list[CalendarError]]:
    data = doc.data
    problems: list[CalendarError] = []

    def fail(message: str, key: tuple[str | int, ...], hint: str | None = None) -> None:
        problems.append(
            CalendarError(
                message, field=_files.dotted(key), file=doc.file, line=doc.line_of(key), hint=hint
            )
        )

    allowed = {"name", "source", "covers", "years", "extends", "schedule", "tz"}
    for key in data:
        if key not in allowed:
            fail(f"unknown key {key!r}", (key,), f"allowed keys: {', '.join(sorted(allowed))}")
    base = bundled() if data.get("extends") == "china" else None
    if "extends" in data and base is None:
        fail(f"extends = {data['extends']!r} is not a known calendar", ("extends",), 'use "china"')
    holidays = dict(base.holidays) if base else {}
    workdays = dict(base.workdays) if base else {}
    chinese = dict(base.chinese) if base else {}
    covers = set(base.covers) if base else set()
    raw_covers = data.get("covers", [])
    if not isinstance(raw_covers, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) for y in raw_covers
    ):
        fail("covers must be a list of years", ("covers",), "write covers = [2027]")
    else:
        covers.update(raw_covers)
    years = data.get("years", [])
    if not isinstance(years, list):
        fail("years must be an array of tables", ("years",), "write [[years]] tables")
        years = []
    for i, table in enumerate(years):
        if not isinstance(table, dict):
            fail("not a table", ("years", i))
            continue
        for key in table:
            if key not in {"year", "notice", "document", "also", "note", "holidays", "workdays"}:
                fail(f"unknown key {key!r}", ("years", i, key))
        for kind, target in (("holidays", holidays), ("workdays", workdays)):
            entries = table.get(kind, [])
            if not isinstance(entries, list):
                fail(f"{kind} must be an array", ("years", i, kind))
                continue
            for j, entry in enumerate(entries):
                where: tuple[str | int, ...] = ("years", i, kind, j)
                if not isinstance(entry, dict) or not isinstance(entry.get("date"), _dt.date):
                    fail("each entry needs a date", where, "write { date = 2027-01-01, name = … }")
                    continue
                day = entry["date"]
                if isinstance(day, _dt.datetime):
                    fail(f"{day} is not a date", where, "write a bare date, 2027-01-01")
                    continue
                name = str(entry.get("name", "holiday"))
                target[day] = name
                other = workdays if kind == "holidays" else holidays
                other.pop(day, None)
                if "chinese" in entry:
                    chinese[name] = str(entry["chinese"])
    days = Days(
        FrozenMap(sorted(holidays.items())),
        FrozenMap(sorted(workdays.items())),
        frozenset(covers),
        FrozenMap(chinese),
    )
    return days, problems
