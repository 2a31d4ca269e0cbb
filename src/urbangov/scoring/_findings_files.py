"""The :class:`Findings` of an assessment period, and findings files in TOML or CSV
(private; :mod:`urbangov.scoring` re-exports :class:`Findings`).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Self

import attrs
import tomli_w

from urbangov._internal.documents import (
    TomlDocument,
    check_header,
    dotted,
    header,
    parse_toml,
    read_document,
    read_text,
    undotted,
    write_text,
)
from urbangov.errors import FindingsError, UrbangovError
from urbangov.kpi import FIELDS
from urbangov.params import did_you_mean
from urbangov.scoring._findings import (
    AssessedUnit,
    Finding,
    KpiRecord,
    Mark,
    RecordedTrigger,
    Tally,
    _date,
    _source,
)
from urbangov.scoring._findings_rows import (
    ROWS,
    TO_TOP,
    TOP,
    build,
    to_assessedunit,
    to_finding,
    to_kpirecord,
    to_mark,
    to_period,
    to_recordedtrigger,
    to_standard,
    to_tally,
)

__all__ = ["CSV_COLUMNS", "Findings"]

PathKey = tuple[str | int, ...]

#: The columns of a findings CSV file (``unit`` and ``item`` are required).
CSV_COLUMNS = (
    "unit",
    "item",
    "rule",
    "stage",
    "finder",
    "outcome",
    "case_source",
    "source",
    "count",
    "id",
    "date",
    "note",
    "unit_name",
    "unit_kind",
    "group",
)


@attrs.frozen(kw_only=True)
class Findings:
    """Everything an assessment of one period found, by unit (a findings file's content).

    Parameters
    ----------
    units
        The units assessed (:class:`AssessedUnit`): each is scored, even with nothing
        found (full marks on deduction items). Default: every unit the rows name, as a
        street of no group.
    findings, kpis, tallies, marks, triggers
        The rows: :class:`Finding`, :class:`KpiRecord`, :class:`Tally`, :class:`Mark`,
        :class:`RecordedTrigger` (plain mappings are accepted too).
    period, start
        The period's label (``"2024-05"``) and first day (rule sections are resolved at
        it).
    standard
        The standard these findings are for (its id); ``score`` checks it when given.

    Examples
    --------
    >>> f = Findings(findings=[{"unit": "320105001", "item": "roads", "finder": "city"}])
    >>> [u.code for u in f.units], f.findings[0].finder
    (['320105001'], 'city')
    >>> Findings(units=[{"code": "a"}], findings=[{"unit": "b", "item": "roads"}])
    Traceback (most recent call last):
    ...
    urbangov.errors.FindingsError: findings[0].unit: 'b' is no unit of the findings; ...
    """

    units: tuple[AssessedUnit, ...] = attrs.field(default=(), converter=to_assessedunit)
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=to_finding)
    kpis: tuple[KpiRecord, ...] = attrs.field(default=(), converter=to_kpirecord)
    tallies: tuple[Tally, ...] = attrs.field(default=(), converter=to_tally)
    marks: tuple[Mark, ...] = attrs.field(default=(), converter=to_mark)
    triggers: tuple[RecordedTrigger, ...] = attrs.field(default=(), converter=to_recordedtrigger)
    period: str = attrs.field(default="", converter=to_period)
    start: _dt.date | None = attrs.field(default=None, converter=_date)
    standard: str = attrs.field(default="", converter=to_standard)
    file: str | None = attrs.field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = _unit_problems(self)
        if problems:
            raise problems[0]
        if not self.units:
            seen: dict[str, AssessedUnit] = {}
            for row in self.rows():
                seen.setdefault(row.unit, AssessedUnit(code=row.unit))
            object.__setattr__(self, "units", tuple(seen.values()))

    def rows(self) -> Iterable[Finding | KpiRecord | Tally | Mark | RecordedTrigger]:
        """Every row, table by table."""
        yield from self.findings
        yield from self.kpis
        yield from self.tallies
        yield from self.marks
        yield from self.triggers

    def unit(self, code: str) -> AssessedUnit:
        """The unit with ``code``."""
        for unit in self.units:
            if unit.code == code:
                return unit
        raise FindingsError(
            f"{code!r} is no unit of the findings",
            field="unit",
            file=self.file,
            hint=did_you_mean(code, [u.code for u in self.units]),
        )

    # ------------------------------------------------------------------ files

    @classmethod
    def load(cls, path: str | Path) -> Self:
        """Read a findings file: TOML or JSON (``kind = "findings"``), or CSV (one finding
        per row, columns :data:`CSV_COLUMNS`; the units are those the rows name).

        Raises
        ------
        FindingsError
            For the first problem, naming the field, the file and the line (all of them:
            :meth:`check_file`).
        """
        problems, built = _load(path)
        if problems:
            raise problems[0]
        assert built is not None
        return cls(**_fields(built))

    @classmethod
    def loads(cls, text: str, *, file: str = "<string>") -> Self:
        """Read findings TOML text (see :meth:`load`).

        >>> text = 'kind = "findings"\\nformat_version = 1\\nperiod = "2024-05"\\n'
        >>> text += '[[findings]]\\nunit = "u1"\\nitem = "roads"\\nfinder = "city"\\n'
        >>> Findings.loads(text).period
        '2024-05'
        """
        doc = parse_toml(text, file, FindingsError, decimal=True)
        check_header(doc, "findings", FindingsError)
        problems, built = _from_document(doc)
        if problems:
            raise problems[0]
        assert built is not None
        return cls(**_fields(built))

    @classmethod
    def check_file(cls, path: str | Path) -> tuple[UrbangovError, ...]:
        """Every problem of a findings file, each naming its field, file and line; empty
        exactly when :meth:`load` succeeds.

        >>> Findings.check_file("no/such/findings.toml")[0].message[:20]
        'cannot read the file'
        """
        return tuple(_load(path)[0])

    def to_toml(self) -> dict[str, Any]:
        """The findings as plain TOML data, header included."""
        out: dict[str, Any] = header("findings")
        if self.standard:
            out["standard"] = self.standard
        if self.period:
            out["period"] = self.period
        if self.start is not None:
            out["start"] = self.start
        for name in ROWS:
            rows = getattr(self, name)
            if rows:
                out[name] = [_row_data(name, row) for row in rows]
        return out

    def dumps(self) -> str:
        """The findings as TOML text; ``loads(dumps())`` equals them.

        >>> f = Findings(findings=[{"unit": "u1", "item": "roads", "finder": "city"}])
        >>> Findings.loads(f.dumps()) == f
        True
        """
        return tomli_w.dumps(self.to_toml())

    def dump(self, path: str | Path) -> None:
        """Write :meth:`dumps` to ``path`` (UTF-8, ``\\n`` line ends)."""
        write_text(path, self.dumps())


def _fields(value: Findings) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in attrs.fields(Findings)}


def _row_data(table: str, row: Any) -> dict[str, Any]:
    cls, keys = ROWS[table]
    out: dict[str, Any] = {}
    defaults = {f.name: f.default for f in attrs.fields(cls)}
    for key in keys:
        if table == "kpis" and key in FIELDS:
            value = getattr(row.counts, key)
            if value:
                out[key] = value
            continue
        value = getattr(row, key)
        if value is None or (key not in ("unit", "code", "item") and value == defaults.get(key)):
            continue
        out[key] = getattr(value, "value", value) if not isinstance(value, str | int) else value
    return out


def _unit_problems(value: Findings) -> list[FindingsError]:
    out: list[FindingsError] = []
    codes: set[str] = set()
    for i, unit in enumerate(value.units):
        if unit.code in codes:
            out.append(
                FindingsError(
                    f"the unit {unit.code!r} is listed twice",
                    field=f"units[{i}].code",
                    file=value.file,
                    line=unit.line,
                    hint="list each unit once",
                )
            )
        codes.add(unit.code)
    if not codes:
        return out
    for table in ("findings", "kpis", "tallies", "marks", "triggers"):
        for i, row in enumerate(getattr(value, table)):
            if row.unit not in codes:
                out.append(
                    FindingsError(
                        f"{row.unit!r} is no unit of the findings",
                        field=f"{table}[{i}].unit",
                        file=value.file,
                        line=row.line,
                        hint=f"add it under [[units]]; {did_you_mean(row.unit, sorted(codes))}",
                    )
                )
    return out


# ------------------------------------------------------------------ reading


def _load(path: str | Path) -> tuple[list[UrbangovError], Findings | None]:
    if Path(path).suffix.lower() == ".csv":
        try:
            text = read_text(path, FindingsError)
        except FindingsError as exc:
            return [exc], None
        return _from_csv(text, str(path))
    try:
        doc = read_document(path, "findings", FindingsError, decimal=True)
    except FindingsError as exc:
        return [exc], None
    return _from_document(doc)


def _from_document(doc: TomlDocument) -> tuple[list[UrbangovError], Findings | None]:
    data = doc.data
    problems: list[UrbangovError] = []

    def problem(path: PathKey, message: str, hint: str | None = None) -> None:
        problems.append(
            FindingsError(
                message, field=dotted(path), file=doc.file, line=doc.line_of(path) or 1, hint=hint
            )
        )

    for key in data:
        if key not in TOP:
            problem((key,), f"unknown key {key!r} in a findings file", did_you_mean(key, TOP))
    default_source = None
    if "source" in data:
        try:
            default_source = _source(data["source"])
        except UrbangovError as exc:
            problem(("source",), exc.message, exc.hint)
    tables: dict[str, list[Any]] = {}
    places: dict[str, list[int]] = {}  # each built row's index in its file table
    for table, (cls, keys) in ROWS.items():
        raw = data.get(table, [])
        if not isinstance(raw, list):
            problem(
                (table,), f"{table} must be an array of tables", f"write each row under [[{table}]]"
            )
            continue
        rows = tables.setdefault(table, [])
        indexes = places.setdefault(table, [])
        for i, row in enumerate(raw):
            path: PathKey = (table, i)
            if not isinstance(row, Mapping):
                problem(path, "a row must be a table")
                continue
            sound = True
            for key in row:
                if key not in keys:
                    problem(
                        (*path, key),
                        f"unknown key {key!r} in {table}",
                        did_you_mean(str(key), keys),
                    )
                    sound = False
            if not sound:
                continue
            values = dict(row)
            if "source" in keys and "source" not in values and default_source is not None:
                values["source"] = default_source
            try:
                rows.append(build(cls, {**values, "line": doc.line_of(path)}))
                indexes.append(i)
            except TypeError:
                missing = [
                    f.name
                    for f in attrs.fields(cls)
                    if f.default is attrs.NOTHING and f.name not in values
                ]
                name = missing[0] if missing else "?"
                problem((*path, name), f"missing key {name!r} in {table}", f"add {name} = …")
            except UrbangovError as exc:
                problem((*path, *undotted(exc.field)), exc.message, exc.hint)
    top: dict[str, Any] = {}
    for key in ("period", "standard", "start"):
        if key in data:
            try:  # each converted here, so that a problem names its own key and line
                top[key] = _date(data[key]) if key == "start" else TO_TOP[key](data[key])
            except UrbangovError as exc:
                problem((key,), exc.message, exc.hint)
    listed = tables.get("units", [])
    codes = [u.code for u in listed]
    for i, unit in enumerate(listed):
        if unit.code in codes[:i]:
            problem(
                ("units", i, "code"),
                f"the unit {unit.code!r} is listed twice",
                "list each unit once",
            )
    if codes:
        for table in ("findings", "kpis", "tallies", "marks", "triggers"):
            for i, row in zip(places.get(table, []), tables.get(table, []), strict=True):
                if row.unit not in codes:
                    problem(
                        (table, i, "unit"),
                        f"{row.unit!r} is no unit of the findings",
                        f"add it under [[units]]; {did_you_mean(row.unit, sorted(codes))}",
                    )
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field or ""))
        return problems, None
    try:
        built = Findings(**tables, **top, file=doc.file)
    except UrbangovError as exc:
        return [_locate(exc, doc)], None
    return [], built


def _locate(exc: UrbangovError, doc: TomlDocument) -> UrbangovError:
    if exc.line is not None:
        return exc
    return FindingsError(exc.message, field=exc.field, file=doc.file, line=1, hint=exc.hint)


def _from_csv(text: str, file: str) -> tuple[list[UrbangovError], Findings | None]:
    problems: list[UrbangovError] = []
    reader = csv.DictReader(io.StringIO(text))
    columns = reader.fieldnames or []
    for name in columns:
        if name not in CSV_COLUMNS:
            problems.append(
                FindingsError(
                    f"unknown column {name!r}",
                    field=name,
                    file=file,
                    line=1,
                    hint=did_you_mean(name, CSV_COLUMNS),
                )
            )
    for name in ("unit", "item"):
        if name not in columns:
            problems.append(
                FindingsError(f"no {name!r} column", field=name, file=file, line=1, hint="add it")
            )
    if problems:
        return problems, None
    units: dict[str, AssessedUnit] = {}
    rows: list[Finding] = []
    for number, row in enumerate(reader, start=2):
        values = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        about = {k: values.pop(k) for k in ("unit_name", "unit_kind", "group") if k in values}
        if "count" in values:
            try:
                values["count"] = int(values["count"])
            except ValueError:
                problems.append(
                    FindingsError(
                        f"{values['count']!r} is not a whole number",
                        field="count",
                        file=file,
                        line=number,
                        hint="give an int ≥ 1",
                    )
                )
                continue
        try:
            finding = Finding(**values, line=number)
        except UrbangovError as exc:
            problems.append(
                FindingsError(exc.message, field=exc.field, file=file, line=number, hint=exc.hint)
            )
            continue
        rows.append(finding)
        unit = AssessedUnit(
            code=finding.unit,
            name=about.get("unit_name", ""),
            kind=about.get("unit_kind", "street"),
            group=about.get("group", ""),
            line=number,
        )
        known = units.setdefault(finding.unit, unit)
        if about and (known.name, known.kind, known.group) != (unit.name, unit.kind, unit.group):
            problems.append(
                FindingsError(
                    f"the unit {finding.unit!r} is described differently on line {known.line}",
                    field="unit_name",
                    file=file,
                    line=number,
                    hint="give unit_name, unit_kind and group the same on every row of a unit "
                    "(or leave them empty)",
                )
            )
    if problems:
        return problems, None
    return [], Findings(units=tuple(units.values()), findings=tuple(rows), file=file)
