"""Reading the values of a rule-case file strictly, every problem located: the readers
subjects declare their inputs and outputs with (public, for new subjects).

A :class:`Reader` walks the parsed TOML of one file; each ``parse`` function takes the
reader, a value and its key path and returns the value it stands for, or :data:`BAD`
after recording a :class:`~urbangov.errors.RuleCaseError` that names the dotted path,
the file, the line and what to write instead. The subjects declare their inputs and
outputs with these functions (``_subject.py``), so every subject reads its values the
same way.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from urbangov._internal.documents import PathKey, TomlDocument, dotted, undotted
from urbangov.cases import Case, CaseEvent
from urbangov.errors import RuleCaseError, UrbangovError
from urbangov.hierarchy import Hierarchy
from urbangov.kpi import FIELDS, KpiCounts
from urbangov.params import did_you_mean
from urbangov.scoring import (
    AssessedUnit,
    AssessmentStandard,
    Finding,
    Findings,
    KpiRecord,
    Mark,
    RecordedTrigger,
    Tally,
)
from urbangov.testing._reader import (
    BAD,
    NONE_WORD,
    Parse,
    boolean,
    count,
    day,
    describe,
    instant,
    limit,
    many,
    mapping,
    number,
    optional,
    relative_path,
    text,
    tolerance,
    word,
)

__all__ = [
    "BAD",
    "CASE_FIELDS",
    "NONE_WORD",
    "CaseSpec",
    "Parse",
    "Reader",
    "boolean",
    "case",
    "cases",
    "city",
    "count",
    "day",
    "event",
    "findings",
    "instant",
    "kpi_counts",
    "limit",
    "many",
    "mapping",
    "number",
    "optional",
    "relative_path",
    "standard",
    "text",
    "tolerance",
    "units",
    "word",
]


class Reader:
    """The state of reading one file: the document (for lines), its folder (for the
    paths it names) and the problems found so far."""

    __slots__ = ("cache", "doc", "folder", "problems")

    def __init__(self, doc: TomlDocument, folder: Path) -> None:
        self.doc = doc
        self.folder = folder
        self.problems: list[RuleCaseError] = []
        self.cache: dict[object, object] = {}

    def problem(self, path: PathKey, message: str, hint: str | None = None) -> Any:
        self.problems.append(
            RuleCaseError(
                message,
                field=dotted(path) or None,
                file=self.doc.file,
                line=self.doc.line_of(path),
                hint=hint,
            )
        )
        return BAD

    def wrapped(self, path: PathKey, error: UrbangovError) -> Any:
        """Record an error a library call raised for the value at ``path``."""
        where = dotted(path)
        message = error.message if not error.field else f"{error.field}: {error.message}"
        if error.field and where.endswith(error.field):
            message = error.message
        return self.problem(path, message, error.hint)

    def wrong(self, path: PathKey, expected: str, value: object, hint: str | None = None) -> Any:
        return self.problem(path, f"expected {expected}, found {describe(value)}", hint)

    def table(
        self,
        value: object,
        path: PathKey,
        fields: Mapping[str, tuple[Parse, bool]],
        what: str,
    ) -> dict[str, Any] | Any:
        """A table whose keys are ``fields`` (name → (parse, required)): unknown keys are
        problems with a did-you-mean; missing required keys are problems."""
        if not isinstance(value, Mapping):
            return self.wrong(path, f"a table ({what})", value)
        out: dict[str, Any] = {}
        bad = False
        for key in value:
            if key not in fields:
                self.problem(
                    (*path, key), f"unknown key {key!r} in {what}", did_you_mean(key, fields)
                )
                bad = True
        for name, (parse, required) in fields.items():
            if name in value:
                item = parse(self, value[name], (*path, name))
                if item is BAD:
                    bad = True
                else:
                    out[name] = item
            elif required:
                self.problem(path, f"{what} has no {name!r}", f"add {name} = …")
                bad = True
        return BAD if bad else out


# ------------------------------------------------------------------ events and cases

_EVENT_FIELDS: dict[str, tuple[Parse, bool]] = {
    "event": (text, True),
    "at": (instant, True),
    "actor": (text, False),
    "department": (text, False),
    "extension": (limit, False),
    "outcome": (text, False),
    "note": (text, False),
}


def event(reader: Reader, value: object, path: PathKey) -> Any:
    """A case event: ``{ event = "dispatch", at = …, department = "…" }``."""
    found = reader.table(value, path, _EVENT_FIELDS, "an event")
    if found is BAD:
        return BAD
    kind = found.pop("event")
    try:
        return CaseEvent(kind, **found)
    except UrbangovError as error:
        field = (*path, "event") if error.field in (None, "kind") else (*path, str(error.field))
        return reader.wrapped(field, error)


@attrs.frozen
class CaseSpec:
    """A case as a rule case writes it; its category is resolved when it runs, with the
    policy's own taxonomy (so a city's local classes and Chinese names work)."""

    id: str
    category: str
    grid: str
    reported_at: _dt.datetime
    history: tuple[CaseEvent, ...]
    source: str | None = None
    urgency: str | None = None
    zone: str | None = None
    segment: str | None = None

    def check(self) -> Case:
        """The case with a stand-in category: checks the history and the words."""
        return Case(
            id=self.id,
            category="stand_in",
            grid=self.grid,
            reported_at=self.reported_at,
            history=self.history,
            **self._extra(),
        )

    def _extra(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in ("source", "urgency", "zone", "segment")
            if getattr(self, name) is not None
        }

    def build(self, taxonomy: Any) -> Case:
        """The :class:`~urbangov.cases.Case`, its category resolved with ``taxonomy``."""
        return Case.new(
            self.id,
            self.category,
            self.grid,
            reported_at=self.reported_at,
            history=self.history,
            taxonomy=taxonomy,
            **self._extra(),
        )


DEFAULT_GRID = "320105001001001"
"""The grid of a rule case that names none (南湖街道's first grid in the sample district)."""
DEFAULT_DEPARTMENT = "street_office"
"""The department the ``dispatched`` shortcut dispatches to when the case names none."""

CASE_FIELDS: dict[str, tuple[Parse, bool]] = {  # the keys of a case, and their readers
    "id": (text, False),
    "category": (text, True),
    "grid": (text, False),
    "segment": (text, False),
    "source": (text, False),
    "urgency": (text, False),
    "zone": (text, False),
    "reported_at": (instant, False),
    "dispatched": (instant, False),
    "department": (text, False),
    "history": (many(event), False),
}


def case(reader: Reader, value: object, path: PathKey, *, number: int = 0) -> Any:
    """A case: its category (slug, Chinese name or code), where, and its history — or
    the shortcut ``dispatched = …`` (accepted, filed and dispatched then)."""
    found = reader.table(value, path, CASE_FIELDS, "a case")
    if found is BAD:
        return BAD
    dispatched = found.pop("dispatched", None)
    department = found.pop("department", None)
    history: tuple[CaseEvent, ...] = found.pop("history", ())
    if dispatched is not None:
        if history:
            return reader.problem(
                (*path, "dispatched"),
                "give either dispatched or history, not both",
                "dispatched = T stands for accept, file and dispatch at T",
            )
        history = (
            CaseEvent("accept", dispatched),
            CaseEvent("file", dispatched),
            CaseEvent("dispatch", dispatched, department=department or DEFAULT_DEPARTMENT),
        )
    elif department is not None:
        return reader.problem(
            (*path, "department"),
            "department goes with the dispatched shortcut",
            "in a history, name it on the dispatch event",
        )
    reported = found.pop("reported_at", None)
    if reported is None:
        if not history:
            return reader.problem(
                path, "a case needs reported_at, dispatched or a history", "add reported_at = …"
            )
        reported = history[0].at
    spec = CaseSpec(
        id=found.pop("id", f"case-{number + 1}"),
        grid=found.pop("grid", DEFAULT_GRID),
        reported_at=reported,
        history=history,
        **found,
    )
    # the history and the words are checked now, with a stand-in category
    try:
        spec.check()
    except UrbangovError as error:
        where = str(error.field or "")
        at = (*path, "history", int(where[8:-1])) if where.startswith("history[") else path
        return reader.wrapped(at, error)
    return spec


def cases(reader: Reader, value: object, path: PathKey) -> Any:
    """A small case log: an array of cases (ids default to ``case-1``, ``case-2``…)."""
    if not isinstance(value, list):
        return reader.wrong(path, "an array of cases", value)
    items = [case(reader, item, (*path, i), number=i) for i, item in enumerate(value)]
    if any(item is BAD for item in items):
        return BAD
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            return reader.problem((*path, i, "id"), f"case id {item.id!r} is given twice")
        seen.add(item.id)
    return tuple(items)


def kpi_counts(reader: Reader, value: object, path: PathKey) -> Any:
    """``KpiCounts`` from a table of counts (missing counts are 0)."""
    fields = dict.fromkeys(FIELDS, (count, False))
    found = reader.table(value, path, fields, "KPI counts")
    if found is BAD:
        return BAD
    try:
        return KpiCounts(**found)
    except UrbangovError as error:
        return reader.wrapped(path, error)


def units(reader: Reader, value: object, path: PathKey) -> Any:
    """A small city written inline: an array of unit tables (``code``, ``name``,
    ``level``, ``parent``, ``zone``, ``attributes``)."""
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        return reader.wrong(path, "an array of units ({ code = …, name = …, level = … })", value)
    try:
        return Hierarchy.from_rows([_plain(v) for v in value])
    except UrbangovError as error:
        where = str(error.field or "")
        found = re.match(r"(?:units|rows)\[(\d+)\]", where)
        at = (*path, int(found.group(1))) if found else path
        return reader.wrapped(at, error)


def city(reader: Reader, value: object, path: PathKey) -> Any:
    """A city file (``kind = "city"``) named relative to the rule-case file."""
    found = relative_path(reader, value, path)
    if found is BAD:
        return BAD
    key = ("city", found)
    if key not in reader.cache:
        try:
            reader.cache[key] = Hierarchy.load(found)
        except UrbangovError as error:
            return reader.problem(path, f"the city file does not load: {error}")
    return reader.cache[key]


# ------------------------------------------------------------------ assessment

_FINDINGS_TABLES: dict[str, type[Any]] = {
    "units": AssessedUnit,
    "findings": Finding,
    "kpis": KpiRecord,
    "tallies": Tally,
    "marks": Mark,
    "triggers": RecordedTrigger,
}
_FINDINGS_KEYS = (*_FINDINGS_TABLES, "period", "start", "standard")


def _columns(cls: type[Any]) -> tuple[str, ...]:
    names = [f.name for f in attrs.fields(cls) if f.name != "line"]
    return (*names, *FIELDS) if cls is KpiRecord else tuple(names)


def findings(reader: Reader, value: object, path: PathKey) -> Any:
    """:class:`~urbangov.scoring.Findings`: a findings file named relative to the
    rule-case file (TOML, JSON or CSV), or written inline as a table with a findings
    file's keys (``units``, ``findings``, ``kpis``, ``tallies``, ``marks``,
    ``triggers``, ``period``, ``start``, ``standard``)."""
    if isinstance(value, str):
        found = relative_path(reader, value, path)
        if found is BAD:
            return BAD
        key = ("findings", found)
        if key not in reader.cache:
            try:
                reader.cache[key] = Findings.load(found)
            except UrbangovError as error:
                return reader.problem(path, f"the findings file does not load: {error}")
        return reader.cache[key]
    if not isinstance(value, Mapping):
        return reader.wrong(path, "a findings file (a path) or a table of findings", value)
    bad = False
    for key in value:
        if key not in _FINDINGS_KEYS:
            reader.problem((*path, key), f"unknown key {key!r} in findings",
                           did_you_mean(key, _FINDINGS_KEYS))  # fmt: skip
            bad = True
    fields: dict[str, Any] = {}
    for table, cls in _FINDINGS_TABLES.items():
        if table not in value:
            continue
        rows = value[table]
        if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
            reader.wrong((*path, table), f"an array of tables ({table})", rows)
            bad = True
            continue
        columns = _columns(cls)
        for i, row in enumerate(rows):
            for key in row:
                if key not in columns:
                    reader.problem((*path, table, i, key), f"unknown key {key!r} in {table}",
                                   did_you_mean(key, columns))  # fmt: skip
                    bad = True
        lines = [reader.doc.line_of((*path, table, i)) for i in range(len(rows))]
        fields[table] = [{**row, "line": n} for row, n in zip(rows, lines, strict=True)]
    fields.update({k: value[k] for k in ("period", "start", "standard") if k in value})
    if bad:
        return BAD
    try:
        return Findings(**fields, file=reader.doc.file)
    except UrbangovError as error:
        return reader.problem((*path, *undotted(error.field)), error.message, error.hint)


def standard(reader: Reader, value: object, path: PathKey) -> Any:
    """An :class:`~urbangov.scoring.AssessmentStandard`: a bundled standard by name
    (``"digital_city_management"``), or a standard file named relative to the
    rule-case file."""
    if not isinstance(value, str) or not value.strip():
        return reader.wrong(path, "a bundled standard's name or a standard file", value)
    names = AssessmentStandard.bundled_names()
    if value in names and not (reader.folder / value).is_file():
        return AssessmentStandard.bundled(value)
    if not (reader.folder / value).is_file() and not value.endswith((".toml", ".json")):
        return reader.problem(
            path,
            f"{value!r} is neither a bundled standard nor a file next to this file",
            f"{did_you_mean(value, names)}; or name a standard file (standard.toml)",
        )
    found = relative_path(reader, value, path)
    if found is BAD:
        return BAD
    key = ("standard", found)
    if key not in reader.cache:
        try:
            reader.cache[key] = AssessmentStandard.load(found)
        except UrbangovError as error:
            return reader.problem(path, f"the standard file does not load: {error}")
    return reader.cache[key]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
