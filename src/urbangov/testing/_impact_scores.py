"""Scores, grades and ranks in an impact report (private; :func:`urbangov.testing.impact`
with ``standard=``).

A case log gives an assessment exactly two things, under each policy:

- **KPI counts** by unit — the rows of the KPI table the impact already computes
  (``kpi.counts_from_columns`` with each policy's due times), one
  :class:`~urbangov.scoring.KpiRecord` per unit; and, when the standard reads a subset
  of cases named by an urgency (``subset = "urgent"``), the same table over those
  cases;
- **escalation triggers** — ``escalation.triggers`` over that table (repeated overdue
  cases, an on-time rate below target) and over the log's cases as known at the
  impact's instant (time-out steps with a measure, against the department holding the
  case), under each policy's thresholds.

Everything else a standard may read — findings of inspections (per finding, per case),
tallies, marks — is not in a log. Deduction items that read findings deduct nothing
from it (the same under both policies); they and the tallies and marks come from
``findings=`` (``--findings FILE``) when given. A standard with an item that reads a
tally or a mark the findings do not give, or a subset no urgency names, is an error
naming the item, unless its ``missing = "full"`` says such an item deducts nothing.
Both policies are then scored with :func:`urbangov.scoring.score_report` — the one
meaning ``urbangov score`` shows.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from urbangov import escalation, kpi, scoring
from urbangov.cases import CaseColumns
from urbangov.errors import StandardError
from urbangov.hierarchy import Hierarchy
from urbangov.policy import Policy
from urbangov.scoring import (
    AssessedUnit,
    AssessmentStandard,
    Findings,
    Grade,
    ScoreReport,
)
from urbangov.vocabulary import Level, Urgency

__all__ = ["ScoreMove", "log_subsets", "score_both", "score_moves"]


@attrs.frozen
class ScoreMove:
    """A unit whose score, grade or rank differs between the two policies.

    ``change`` is the new total less the old (``None`` when either has no data);
    ``rank_change`` the new rank less the old (negative: the unit climbs).
    """

    unit: str
    baseline_score: Decimal | None
    policy_score: Decimal | None
    baseline_grade: Grade | None
    policy_grade: Grade | None
    baseline_rank: int | None
    policy_rank: int | None
    name: str = ""

    @property
    def change(self) -> Decimal | None:
        if self.baseline_score is None or self.policy_score is None:
            return None
        return self.policy_score - self.baseline_score

    @property
    def rank_change(self) -> int | None:
        if self.baseline_rank is None or self.policy_rank is None:
            return None
        return self.policy_rank - self.baseline_rank

    @property
    def grade_changed(self) -> bool:
        return self.baseline_grade != self.policy_grade


def log_subsets(standard: AssessmentStandard) -> dict[str, Urgency]:
    """The KPI subsets the standard reads, each the urgency that names it.

    Raises
    ------
    StandardError
        A subset no urgency names (a log cannot give it).
    """
    out: dict[str, Urgency] = {}
    for leaf, rule in standard.rules():
        subset = getattr(rule, "subset", None)
        if subset in (None, "all") or getattr(rule, "rate", None) is None:
            continue
        found = next((u for u in Urgency if subset in (u.value, u.name, u.chinese)), None)
        if found is None:
            raise StandardError(
                f"the item {leaf.path!r} reads the KPI counts of the subset {subset!r}, "
                "which a case log does not give",
                field=f"{leaf.path}.subset",
                hint="a log gives the counts of every case, and of the cases of each urgency "
                f"({', '.join(u.value for u in Urgency)}); score the other subsets from a "
                "findings file with urbangov score",
            )
        out[subset] = found
    return out


def _check_missing(standard: AssessmentStandard, extra: Findings | None) -> None:
    """Refuse a standard whose tallies or marks neither the log nor ``extra`` give."""
    if extra is not None and extra.kpis:
        raise StandardError(
            "the findings given with the log hold KPI counts; the log gives them",
            field="findings.kpis",
            hint="leave the KPI counts out of the findings: they are the log's, per policy",
        )
    if standard.missing == "full":
        return
    tallies = {t.name for t in extra.tallies} if extra is not None else set()
    marked = {m.item for m in extra.marks} if extra is not None else set()
    for leaf, rule in standard.rules():
        tally = getattr(rule, "tally", None)
        if tally is not None and tally not in tallies:
            what = f"the tally {tally!r}"
        elif rule.kind == "given" and leaf.path not in marked:
            what = "a given mark"
        else:
            continue
        raise StandardError(
            f"the item {leaf.path!r} reads {what}, which a case log does not give",
            field=leaf.path,
            hint="give it in findings (the CLI: --findings FILE), or use a standard of the "
            'log\'s items (KPI rates and triggers) or with missing = "full"',
        )


def _units(
    keys: list[str], by: str | Level, hierarchy: Hierarchy | None, extra: Findings | None
) -> list[AssessedUnit]:
    known = {u.code: u for u in extra.units} if extra is not None else {}
    kind = by.slug if isinstance(by, Level) else by
    out: list[AssessedUnit] = []
    for key in keys:
        name = ""
        if hierarchy is not None and isinstance(by, Level):
            name = hierarchy.unit(key).name
        if key in known:  # as the findings describe it (named from the city if unnamed)
            unit = known[key]
            out.append(unit if unit.name or not name else attrs.evolve(unit, name=name))
            continue
        out.append(AssessedUnit(code=key, name=name, kind=kind))
    out.extend(u for code, u in known.items() if code not in set(keys))
    return out


def _findings(
    units: list[AssessedUnit],
    table: kpi.KpiTable,
    subsets: Mapping[str, Mapping[str, kpi.KpiCounts]],
    extra: Findings | None,
    start: _dt.datetime,
) -> Findings:
    codes = {u.code for u in units}
    kpis: list[dict[str, Any]] = [
        {"unit": str(key), "counts": counts} for key, counts in table.items() if str(key) in codes
    ]
    for subset, by_unit in subsets.items():
        kpis.extend(
            {"unit": code, "subset": subset, "counts": counts}
            for code, counts in by_unit.items()
            if code in codes
        )
    rows: dict[str, Any] = {}
    if extra is not None:
        rows = {
            "findings": extra.findings,
            "tallies": extra.tallies,
            "marks": extra.marks,
            "triggers": extra.triggers,
            "period": extra.period,
        }
    return Findings(units=units, kpis=kpis, start=start.date(), **rows)


def score_both(
    columns: CaseColumns,
    tables: tuple[kpi.KpiTable, kpi.KpiTable],
    subsets: tuple[
        Mapping[str, Mapping[str, kpi.KpiCounts]], Mapping[str, Mapping[str, kpi.KpiCounts]]
    ],
    policies: tuple[Policy, Policy],
    *,
    standard: AssessmentStandard,
    extra: Findings | None,
    by: str | Level,
    hierarchy: Hierarchy | None,
    start: _dt.datetime,
    at: _dt.datetime,
) -> tuple[ScoreReport, ScoreReport]:
    """The score report of the log under each policy (baseline first)."""
    _check_missing(standard, extra)
    keys = [str(k) for k in dict.fromkeys([*tables[0].keys(), *tables[1].keys()])]
    units = _units(keys, by, hierarchy, extra)
    out = []
    for table, by_subset, policy in zip(tables, subsets, policies, strict=True):
        found = _findings(units, table, by_subset, extra, start)
        triggers = escalation.triggers(table, policy, cases=columns, at=at, on=start.date())
        out.append(scoring.score_report(found, standard, policy, on=start.date(),
                                        triggers=triggers))  # fmt: skip
    return out[0], out[1]


def score_moves(old: ScoreReport, new: ScoreReport) -> tuple[ScoreMove, ...]:
    """The units whose total, grade or rank moves, the largest change of total first
    (then the largest change of rank, then the unit)."""
    found = []
    for code, sheet in new.sheets.items():
        before = old.sheets[code]
        move = ScoreMove(
            unit=code,
            baseline_score=before.total,
            policy_score=sheet.total,
            baseline_grade=old.grades[code],
            policy_grade=new.grades[code],
            baseline_rank=old.ranking.rank_of(code),
            policy_rank=new.ranking.rank_of(code),
            name=sheet.unit.name,
        )
        if (move.baseline_score, move.baseline_grade, move.baseline_rank) != (
            move.policy_score,
            move.policy_grade,
            move.policy_rank,
        ):
            found.append(move)

    def size(move: ScoreMove) -> tuple[int, Decimal, int, str]:
        change = move.change
        ranks = move.rank_change
        return (
            0 if change is None else 1,
            -abs(change) if change is not None else Decimal(0),
            -abs(ranks) if ranks is not None else 0,
            move.unit,
        )

    return tuple(sorted(found, key=size))
