"""The impact of a rule change on a real case log (变更影响评估) (private;
:mod:`urbangov.testing` re-exports the names).

:func:`impact` recomputes a log under a baseline and a new policy on the batch paths
(``deadlines.due_at_batch``, ``deadlines.overdue_batch``, ``kpi.counts_from_columns``)
and reports what moves: each case whose due time or on-time verdict changes
(:class:`CaseMove`), each unit whose rates change (:class:`UnitMove`) and, with a
standard, each unit whose score, grade or rank changes (:class:`ScoreMove`, from the
log's KPI counts and triggers: ``_impact_scores.py``), sorted by the size of the change.
An identity reform moves nothing.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from urbangov import deadlines, io, kpi
from urbangov.cases import CaseColumns
from urbangov.errors import KpiError
from urbangov.hierarchy import Hierarchy
from urbangov.policy import Policy
from urbangov.scoring import AssessmentStandard, Findings, Grade, ScoreReport
from urbangov.testing._impact_scores import ScoreMove, log_subsets, score_both, score_moves
from urbangov.vocabulary import Level, Urgency

__all__ = ["RATES", "CaseMove", "Impact", "ScoreMove", "UnitMove", "impact"]

_NAT = np.iinfo(np.int64).min
_UTC = _dt.UTC

RATES = (
    ("filing_rate", kpi.filing_rate),
    ("dispatch_rate", kpi.dispatch_rate),
    ("closure_rate", kpi.closure_rate),
    ("on_time_rate", kpi.on_time_rate),
    ("rework_rate", kpi.rework_rate),
    ("extension_rate", kpi.extension_rate),
)
"""The rates compared per unit, in the order they are reported."""


@attrs.frozen
class CaseMove:
    """A case whose due time or on-time verdict differs between the two policies.

    ``shift`` is the new due time less the old (``None`` when either has none);
    ``*_overdue`` is the verdict at the impact's ``at`` (deadlines' one meaning of on
    time: the clock stopped, or still running then, after the due time).
    """

    case: str
    unit: str
    category: str
    baseline_due: _dt.datetime | None
    policy_due: _dt.datetime | None
    baseline_overdue: bool
    policy_overdue: bool

    @property
    def shift(self) -> _dt.timedelta | None:
        if self.baseline_due is None or self.policy_due is None:
            return None
        return self.policy_due - self.baseline_due

    @property
    def verdict_changed(self) -> bool:
        return self.baseline_overdue != self.policy_overdue


@attrs.frozen
class UnitMove:
    """A rate of one unit that differs between the two policies (exact fractions;
    ``change`` is new less old, ``None`` when either is undefined)."""

    unit: str
    measure: str
    baseline: Fraction | None
    policy: Fraction | None

    @property
    def change(self) -> Fraction | None:
        if self.baseline is None or self.policy is None:
            return None
        return self.policy - self.baseline


@attrs.frozen(repr=False)
class Impact:
    """What a change moves in a log: :attr:`cases` (sorted: verdict changes first, then
    by the size of the due-time shift), :attr:`units` (sorted by the size of the rate
    change) and, with a standard, :attr:`scores` (sorted by the size of the change of
    total, then of rank), over ``[start, end)`` as known at ``at``, units grouped ``by``.

    ``standard`` is the standard's id (``None``: no scores); ``reports`` the score
    report of the log under the baseline and under the new policy (every unit, moved or
    not)."""

    cases: tuple[CaseMove, ...]
    units: tuple[UnitMove, ...]
    n_cases: int
    by: str
    start: _dt.datetime
    end: _dt.datetime
    at: _dt.datetime
    scores: tuple[ScoreMove, ...] = ()
    standard: str | None = None
    reports: tuple[ScoreReport, ScoreReport] | None = attrs.field(default=None, eq=False)

    def __repr__(self) -> str:
        scored = f" and {len(self.scores)} unit score(s)" if self.standard is not None else ""
        return (
            f"<Impact on {self.n_cases} cases: {len(self.cases)} case(s), "
            f"{len(self.units)} unit rate(s){scored} move>"
        )

    def __bool__(self) -> bool:
        return bool(self.cases or self.units or self.scores)

    @property
    def verdicts_changed(self) -> int:
        """How many cases change their on-time verdict."""
        return sum(1 for c in self.cases if c.verdict_changed)

    def rows(self) -> Iterator[dict[str, object]]:
        """Tidy rows for CSV and JSON: ``kind`` (``case``, ``unit`` or ``score``),
        ``key``, ``measure`` (``due``, ``overdue``, a rate, or ``score``, ``grade``,
        ``rank``), ``baseline``, ``policy`` and ``change``, as text."""
        for c in self.cases:
            if c.baseline_due != c.policy_due:
                yield _row("case", c.case, "due", _t(c.baseline_due), _t(c.policy_due),
                           _span(c.shift))  # fmt: skip
            if c.verdict_changed:
                yield _row("case", c.case, "overdue", _b(c.baseline_overdue),
                           _b(c.policy_overdue), "")  # fmt: skip
        for u in self.units:
            yield _row("unit", u.unit, u.measure, _pct(u.baseline), _pct(u.policy),
                       _pct(u.change, signed=True))  # fmt: skip
        for m in self.scores:
            if m.baseline_score != m.policy_score:
                yield _row("score", m.unit, "score", _n(m.baseline_score), _n(m.policy_score),
                           _signed(m.change))  # fmt: skip
            if m.grade_changed:
                yield _row("score", m.unit, "grade", _g(m.baseline_grade), _g(m.policy_grade), "")
            if m.baseline_rank != m.policy_rank:
                yield _row("score", m.unit, "rank", _n(m.baseline_rank), _n(m.policy_rank),
                           _signed(m.rank_change))  # fmt: skip


def _row(kind: str, key: str, measure: str, old: str, new: str, change: str) -> dict[str, object]:
    return {"kind": kind, "key": key, "measure": measure, "baseline": old, "policy": new,
            "change": change}  # fmt: skip


def _n(value: Decimal | int | None) -> str:
    return "none" if value is None else str(value)


def _g(value: Grade | None) -> str:
    return "none" if value is None else value.value


def _signed(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def _t(value: _dt.datetime | None) -> str:
    return "none" if value is None else value.isoformat()


def _b(value: bool) -> str:
    return "true" if value else "false"


def _span(value: _dt.timedelta | None) -> str:
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}h{rest:02d}m"


def _pct(value: Fraction | None, *, signed: bool = False) -> str:
    """A rate as a percentage, 2 places half-up (``kpi.percent``)."""
    shown = kpi.percent(abs(value) if signed and value is not None else value)
    if shown is None:
        return "—" if not signed else ""
    if signed and value is not None:
        return ("-" if value < 0 else "+") + str(shown)
    return str(shown)


def _ns(value: _dt.datetime) -> int:
    return int(np.datetime64(value.astimezone(_UTC).replace(tzinfo=None), "ns").view(np.int64))


def _instant(ns: int, tz: _dt.tzinfo) -> _dt.datetime | None:
    if ns == _NAT:
        return None
    return (
        _dt.datetime(1970, 1, 1, tzinfo=_UTC) + _dt.timedelta(microseconds=ns // 1000)
    ).astimezone(tz)


def _group(by: str | Level, hierarchy: Hierarchy | None) -> Any:
    if by in ("grid", "category", "source", "urgency", "zone", "segment", "department"):
        return by
    level = Level.parse(by, field="by")
    if hierarchy is None:
        raise KpiError(
            f"grouping by {level.slug} needs the city's units",
            field="by",
            hint="give hierarchy= (the CLI: --city FILE), or group by grid",
        )
    return level


def impact(
    log: CaseColumns | str | Path,
    *,
    baseline: Policy,
    policy: Policy,
    by: str | Level = "grid",
    hierarchy: Hierarchy | None = None,
    at: _dt.datetime | None = None,
    start: _dt.datetime | None = None,
    end: _dt.datetime | None = None,
    standard: AssessmentStandard | None = None,
    findings: Findings | None = None,
) -> Impact:
    """What changing ``baseline`` to ``policy`` moves in a case log.

    Parameters
    ----------
    log
        :class:`~urbangov.cases.CaseColumns`, or a log file (read with the new policy's
        taxonomy).
    baseline, policy
        The rules in force and the proposed ones.
    by
        How units are grouped for the rates: ``"grid"`` (default), a case field, or a
        level (``"street"``, ``Level.COMMUNITY``) with ``hierarchy``.
    hierarchy
        The city's units, for grouping by a level.
    at
        The instant verdicts are judged at (default: the log's last event).
    start, end
        The period of the rates (default: the log's first report to just after ``at``).
    standard
        Also score each unit under both policies (:func:`urbangov.scoring.score_report`)
        and report the units whose total, grade or rank moves. The log gives the
        standard each unit's KPI counts (and those of the cases of an urgency, for a
        subset ``"urgent"``) and the escalation triggers of both policies; nothing else.
    findings
        What the log cannot give, scored the same under both policies: findings of
        inspections, tallies, marks, triggers; units with names and groups (no KPI
        counts: those are the log's).

    Returns
    -------
    Impact

    Raises
    ------
    StandardError
        With ``standard``: an item reads a tally, a mark or a KPI subset that neither
        the log nor ``findings`` give (see ``docs/testing.md``).

    Examples
    --------
    >>> from urbangov.sim import example_log
    >>> old = Policy.default()
    >>> new = old.reform({"deadlines.categories.exposed_garbage.normal": "2 working hours"})
    >>> found = impact(example_log(2000, seed=4), baseline=old, policy=new)
    >>> {move.category for move in found.cases}
    {'exposed_garbage'}
    >>> bool(impact(example_log(500, seed=4), baseline=old, policy=old))
    False
    """
    columns = (
        log if isinstance(log, CaseColumns) else io.read_columns(log, taxonomy=policy.taxonomy())
    )
    group = _group(by, hierarchy)
    tz = ZoneInfo(policy.calendar.tz)
    ats = columns.at.view(np.int64)
    if at is None:
        last = int(ats.max()) if ats.size else _ns(_dt.datetime(2000, 1, 1, tzinfo=_UTC))
        at = _instant(last, tz)
        assert at is not None
    if start is None:
        reported = columns.reported_at.view(np.int64)
        first = int(reported.min()) if reported.size else _ns(at)
        start = _instant(first, tz)
        assert start is not None
    if end is None:
        end = at + _dt.timedelta(microseconds=1)
    due_old = deadlines.due_at_batch(columns, baseline)
    due_new = deadlines.due_at_batch(columns, policy)
    over_old = deadlines.overdue_batch(columns, baseline, at=at)
    over_new = deadlines.overdue_batch(columns, policy, at=at)
    cases = _case_moves(columns, due_old, due_new, over_old, over_new, tz)
    table_old = kpi.counts_from_columns(
        columns, by=group, start=start, end=end, due=due_old, rules=baseline, hierarchy=hierarchy,
        tz=policy.calendar.tz,
    )  # fmt: skip
    table_new = kpi.counts_from_columns(
        columns, by=group, start=start, end=end, due=due_new, rules=policy, hierarchy=hierarchy,
        tz=policy.calendar.tz,
    )  # fmt: skip
    units = _unit_moves(table_old, table_new)
    name = group if isinstance(group, str) else group.slug
    if standard is None:
        return Impact(cases, units, columns.n_cases, name, start, end, at)
    wanted = log_subsets(standard)
    keys = list(dict.fromkeys([*table_old.keys(), *table_new.keys()]))
    subsets = tuple(
        _subset_counts(columns, group, keys, wanted, start=start, end=end, due=due, rules=rules,
                       hierarchy=hierarchy, tz=policy.calendar.tz)
        for due, rules in ((due_old, baseline), (due_new, policy))
    )  # fmt: skip
    reports = score_both(
        columns, (table_old, table_new), (subsets[0], subsets[1]), (baseline, policy),
        standard=standard, extra=findings, by=group, hierarchy=hierarchy, start=start, at=at,
    )  # fmt: skip
    scores = score_moves(*reports)
    return Impact(cases, units, columns.n_cases, name, start, end, at, scores, standard.id,
                  reports)  # fmt: skip


def _subset_counts(
    columns: CaseColumns,
    group: Any,
    keys: list[Any],
    wanted: Mapping[str, Urgency],
    **options: Any,
) -> dict[str, dict[str, kpi.KpiCounts]]:
    """Per subset the standard reads, each unit's counts of the cases of its urgency."""
    if not wanted:
        return {}
    table = kpi.counts_from_columns(columns, by=[group, "urgency"], **options)
    return {
        subset: {str(key): table.get((key, urgency)) for key in keys}
        for subset, urgency in wanted.items()
    }


def _case_moves(
    columns: CaseColumns,
    due_old: npt.NDArray[np.datetime64],
    due_new: npt.NDArray[np.datetime64],
    over_old: npt.NDArray[np.bool_],
    over_new: npt.NDArray[np.bool_],
    tz: _dt.tzinfo,
) -> tuple[CaseMove, ...]:
    a, b = due_old.view(np.int64), due_new.view(np.int64)
    flipped = over_old != over_new
    moved = (a != b) | flipped
    rows = np.flatnonzero(moved)
    if not rows.size:
        return ()
    both = (a[rows] != _NAT) & (b[rows] != _NAT)
    shift = np.where(both, np.abs(b[rows] - a[rows]), np.iinfo(np.int64).max)
    order = np.lexsort((rows, -shift, ~flipped[rows]))
    out = []
    for i in rows[order].tolist():
        out.append(
            CaseMove(
                case=columns.ids[i],
                unit=columns.grids[int(columns.grid[i])],
                category=columns.categories[int(columns.category[i])],
                baseline_due=_instant(int(a[i]), tz),
                policy_due=_instant(int(b[i]), tz),
                baseline_overdue=bool(over_old[i]),
                policy_overdue=bool(over_new[i]),
            )
        )
    return tuple(out)


def _unit_moves(old: kpi.KpiTable, new: kpi.KpiTable) -> tuple[UnitMove, ...]:
    keys = list(dict.fromkeys([*old.keys(), *new.keys()]))
    found = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        for measure, rate in RATES:
            x, y = rate(a), rate(b)
            if x != y:
                found.append(UnitMove(str(key), measure, x, y))

    def size(move: UnitMove) -> tuple[int, Fraction, str, str]:
        change = move.change
        if change is None:
            return (0, Fraction(0), move.unit, move.measure)
        return (1, -abs(change), move.unit, move.measure)

    return tuple(sorted(found, key=size))
