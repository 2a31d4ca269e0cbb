"""Findings as columns, and the totals the batch path returns (private;
:mod:`urbangov.scoring` re-exports :class:`FindingColumns`, :class:`BatchScores`,
:class:`Entry` and :func:`entries`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov.errors import FindingsError, MissingExtraError
from urbangov.frozen import FrozenMap, readonly_array
from urbangov.scoring._findings import AssessedUnit
from urbangov.scoring._findings_files import Findings
from urbangov.scoring._inputs import check_mark, leaf_of, resolve_finding
from urbangov.scoring._rules import Given, PerCase, PerFinding
from urbangov.scoring._standard import AssessmentStandard
from urbangov.scoring._terms import AssessmentSource, FindingStage
from urbangov.vocabulary import Source

__all__ = [
    "ASSESSMENT_SOURCES",
    "CASE_SOURCES",
    "BatchScores",
    "Entry",
    "FindingColumns",
    "entries",
]

CASE_SOURCES: tuple[Source, ...] = tuple(Source)
ASSESSMENT_SOURCES: tuple[AssessmentSource, ...] = tuple(AssessmentSource)


@attrs.frozen
class Entry:
    """One priced cell of a standard's finding rules: a finding column's ``entry`` code
    indexes :func:`entries`."""

    leaf: str
    rule: str
    stage: FindingStage | None
    finder: str | None
    outcome: str | None
    price: Decimal


def entries(standard: AssessmentStandard) -> tuple[Entry, ...]:
    """Every priced (leaf, rule, stage, finder) and (leaf, rule, outcome) of
    ``standard``, in file order: the codes of :attr:`FindingColumns.entry`.

    >>> es = entries(AssessmentStandard.bundled("digital_city_management"))
    >>> es[0].leaf, es[0].outcome, es[0].price
    ('organisation', 'no_organisation', Decimal('1'))
    """
    out: list[Entry] = []
    for leaf, rule in standard.rules():
        if isinstance(rule, PerFinding):
            for stage in FindingStage:
                for finder, price in rule.prices(stage).items():
                    out.append(Entry(leaf.path, rule.id, stage, finder, None, price))
        elif isinstance(rule, PerCase):
            for outcome, price in rule.outcomes.items():
                out.append(Entry(leaf.path, rule.id, None, None, outcome, price))
    return tuple(out)


def _ints(
    value: object, field: str, fill: int | None = None, n: int | None = None
) -> NDArray[np.int64]:
    if value is None and fill is not None and n is not None:
        return readonly_array(np.full(n, fill), np.int64, field=field, error=FindingsError)
    return readonly_array(value, np.int64, field=field, error=FindingsError)


@attrs.frozen(eq=False)
class FindingColumns:
    """Findings as columns (one row per finding), with the small tables of KPI records,
    tallies, marks and triggers: the input of :func:`score_batch`.

    Build it with :meth:`from_findings`, or from arrays: ``unit`` indexes ``units``,
    ``entry`` indexes :func:`entries` of the standard, ``count`` defaults to 1,
    ``case_source`` indexes ``tuple(urbangov.Source)`` and ``source``
    ``tuple(AssessmentSource)`` (``-1``: none).
    """

    units: tuple[AssessedUnit, ...]
    unit: NDArray[np.int64]
    entry: NDArray[np.int64]
    count: NDArray[np.int64]
    case_source: NDArray[np.int64]
    source: NDArray[np.int64]
    kpis: tuple[Any, ...] = ()
    tallies: tuple[Any, ...] = ()
    marks: tuple[Any, ...] = ()
    triggers: tuple[Any, ...] = ()

    @classmethod
    def of(
        cls,
        units: Sequence[AssessedUnit],
        unit: object,
        entry: object,
        *,
        count: object = None,
        case_source: object = None,
        source: object = None,
    ) -> FindingColumns:
        """Columns from arrays (see the class docstring)."""
        u = _ints(unit, "unit")
        n = len(u)
        return cls(
            tuple(units),
            u,
            _ints(entry, "entry"),
            _ints(count, "count", 1, n),
            _ints(case_source, "case_source", -1, n),
            _ints(source, "source", -1, n),
        )

    @classmethod
    def from_findings(
        cls, findings: Findings, standard: AssessmentStandard, *, triggers: Sequence[Any] = ()
    ) -> FindingColumns:
        """The columns of ``findings`` for ``standard`` (every row checked as
        :func:`~urbangov.scoring.score` checks it), with extra escalation ``triggers``
        (those of units not in the findings are left out)."""
        codes = {u.code: i for i, u in enumerate(findings.units)}
        table = {
            (e.leaf, e.rule, e.stage, e.finder, e.outcome): i
            for i, e in enumerate(entries(standard))
        }
        index = {leaf.path: i for i, leaf in enumerate(standard.leaves())}
        cache: dict[tuple[Any, ...], int] = {}
        entry = np.empty(len(findings.findings), dtype=np.int64)
        for n, f in enumerate(findings.findings):
            key = (f.item, f.rule, f.stage, f.finder, f.outcome, f.case_source)
            code = cache.get(key)
            if code is None:
                where: dict[str, Any] = {
                    "field": f"findings[{n}]",
                    "file": findings.file,
                    "line": f.line,
                }
                leaf_i, rule, _, _ = resolve_finding(f, standard, index, where)
                path = standard.leaves()[leaf_i].path
                if isinstance(rule, PerFinding):
                    finder = f.finder if f.finder in rule.prices(f.stage) else "*"
                    code = table[(path, rule.id, f.stage, finder, None)]
                else:
                    code = table[(path, rule.id, None, None, f.outcome)]
                cache[key] = code
            entry[n] = code
        for n, mark in enumerate(findings.marks):
            at: dict[str, Any] = {"field": f"marks[{n}]", "file": findings.file, "line": mark.line}
            marked = leaf_of(standard, mark.item, at)
            if not any(isinstance(r, Given) for r in marked.item.rules):
                raise FindingsError(f"{mark.item!r} has no given rule, so it takes no mark", **at)
            check_mark(mark.value, marked.item, standard.places, at)
        fs = findings.findings
        return cls(
            findings.units,
            _ints([codes[f.unit] for f in fs], "unit"),
            _ints(entry, "entry"),
            _ints([f.count for f in fs], "count"),
            _ints(
                [-1 if f.case_source is None else CASE_SOURCES.index(f.case_source) for f in fs],
                "case_source",
            ),
            _ints(
                [-1 if f.source is None else ASSESSMENT_SOURCES.index(f.source) for f in fs],
                "source",
            ),
            findings.kpis,
            findings.tallies,
            findings.marks,
            (*findings.triggers, *(t for t in triggers if str(t.unit) in codes)),
        )


@attrs.frozen(eq=False)
class BatchScores:
    """The totals of :func:`score_batch`, one per unit.

    ``total`` holds the rounded totals in units of ``10**-places`` points (0 where
    ``no_data``); ``numerator / denominator`` is each unit's exact total.
    """

    units: tuple[AssessedUnit, ...]
    places: int
    total: NDArray[np.int64]
    no_data: NDArray[np.bool_]
    numerator: NDArray[Any]
    denominator: NDArray[Any]

    def exact(self, i: int) -> Fraction | None:
        """The exact total of the ``i``-th unit (``None``: no data)."""
        if self.no_data[i]:
            return None
        return Fraction(int(self.numerator[i]), int(self.denominator[i]))

    def totals(self) -> FrozenMap[str, Decimal | None]:
        """The rounded totals by unit code (``None``: no data)."""
        return FrozenMap(
            {
                u.code: None
                if self.no_data[i]
                else Decimal(int(self.total[i])).scaleb(-self.places)
                for i, u in enumerate(self.units)
            }
        )

    def to_pandas(self) -> Any:
        """A DataFrame: unit, name, group, total (float, NaN: no data)."""
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError as exc:  # pragma: no cover - pandas is in the parquet extra
            raise MissingExtraError(
                "to_pandas needs pandas", hint="pip install 'urbangov[parquet]'"
            ) from exc
        values = np.where(self.no_data, np.nan, self.total / 10**self.places)
        return pd.DataFrame(
            {
                "unit": [u.code for u in self.units],
                "name": [u.name for u in self.units],
                "group": [u.group for u in self.units],
                "total": values,
            }
        )
