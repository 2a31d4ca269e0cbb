"""The tables of a findings file and the converters that build their rows (private:
:class:`~urbangov.scoring.Findings` converts its fields with them, and the readers of
findings files check keys against them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from urbangov.errors import FindingsError, UrbangovError
from urbangov.kpi import FIELDS
from urbangov.params import did_you_mean
from urbangov.scoring._convert import to_text
from urbangov.scoring._findings import (
    AssessedUnit,
    Finding,
    KpiRecord,
    Mark,
    RecordedTrigger,
    Tally,
)

__all__ = [
    "ROWS",
    "TOP",
    "TO_TOP",
    "build",
    "to_assessedunit",
    "to_finding",
    "to_kpirecord",
    "to_mark",
    "to_period",
    "to_recordedtrigger",
    "to_standard",
    "to_tally",
]

#: The top-level keys of a findings file.
TOP = (
    "standard",
    "period",
    "start",
    "source",
    "units",
    "findings",
    "kpis",
    "tallies",
    "marks",
    "triggers",
)
ROWS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "units": (AssessedUnit, ("code", "name", "kind", "group", "no_data")),
    "findings": (
        Finding,
        (
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
        ),
    ),
    "kpis": (KpiRecord, ("unit", "subset", "source", "period", *FIELDS)),
    "tallies": (Tally, ("unit", "name", "count", "of", "source", "period")),
    "marks": (Mark, ("unit", "item", "value", "source", "note")),
    "triggers": (RecordedTrigger, ("unit", "measure", "rule", "source")),
}


def _rows(cls: type[Any], table: str) -> Callable[[object], tuple[Any, ...]]:
    def convert(value: object) -> tuple[Any, ...]:
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise FindingsError(f"expected rows of {cls.__name__}, found {value!r}", field=table)
        keys = ROWS[table][1]
        out = []
        for i, row in enumerate(value):
            if isinstance(row, cls):
                out.append(row)
            elif isinstance(row, Mapping):
                unknown = [k for k in row if k not in keys and k not in ("counts", "line")]
                if unknown:
                    raise FindingsError(
                        f"unknown key {unknown[0]!r} in {table}",
                        field=f"{table}[{i}].{unknown[0]}",
                        hint=did_you_mean(str(unknown[0]), keys),
                    )
                missing = [
                    f.name
                    for f in attrs.fields(cls)
                    if f.default is attrs.NOTHING
                    and f.name not in row
                    and not (f.name == "counts" and cls is KpiRecord)
                ]
                if missing:
                    raise FindingsError(
                        f"missing key {missing[0]!r} in {table}",
                        field=f"{table}[{i}]",
                        hint=f"add {missing[0]} = …",
                    )
                try:
                    out.append(build(cls, dict(row)))
                except UrbangovError as exc:
                    where = f"{table}[{i}]" + (f".{exc.field}" if exc.field else "")
                    raise FindingsError(exc.message, field=where, hint=exc.hint) from None
            else:
                raise FindingsError(f"{row!r} is not a {cls.__name__}", field=f"{table}[{i}]")
        return tuple(out)

    return convert


def build(cls: type[Any], row: dict[str, Any]) -> Any:
    if cls is KpiRecord:
        counts = {k: row.pop(k) for k in FIELDS if k in row}
        row.setdefault("counts", counts)
    return cls(**row)


_TO_ASSESSEDUNIT = _rows(AssessedUnit, "units")


def to_assessedunit(value: object) -> tuple[AssessedUnit, ...]:
    return _TO_ASSESSEDUNIT(value)


_TO_FINDING = _rows(Finding, "findings")


def to_finding(value: object) -> tuple[Finding, ...]:
    return _TO_FINDING(value)


_TO_KPIRECORD = _rows(KpiRecord, "kpis")


def to_kpirecord(value: object) -> tuple[KpiRecord, ...]:
    return _TO_KPIRECORD(value)


_TO_TALLY = _rows(Tally, "tallies")


def to_tally(value: object) -> tuple[Tally, ...]:
    return _TO_TALLY(value)


_TO_MARK = _rows(Mark, "marks")


def to_mark(value: object) -> tuple[Mark, ...]:
    return _TO_MARK(value)


_TO_RECORDEDTRIGGER = _rows(RecordedTrigger, "triggers")


def to_recordedtrigger(value: object) -> tuple[RecordedTrigger, ...]:
    return _TO_RECORDEDTRIGGER(value)


_TO_PERIOD = to_text("period", error=FindingsError)


def to_period(value: object) -> str:
    return _TO_PERIOD(value)


_TO_STANDARD = to_text("standard", error=FindingsError)


def to_standard(value: object) -> str:
    return _TO_STANDARD(value)


TO_TOP = {"period": to_period, "standard": to_standard}
