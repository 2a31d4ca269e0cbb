"""Monthly assessment of a simulated run: :func:`assess` → :class:`Assessment` (private;
:mod:`urbangov.sim` re-exports the public names).

The scoring package does the scoring; this module only says what each month's findings
are (:func:`assessment_findings`, from the case table, the KPI tables and the
escalations' triggers) and then calls ``scoring.score``, ``rank``, ``grade``,
``red_flag``, ``annual`` and ``settle_bonds`` as the policy's ``assessment`` section
says. ``docs/simulation.md`` ("Assessment") states it exactly.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from urbangov import kpi
from urbangov.errors import SimulationError
from urbangov.frozen import FrozenMap
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.scoring import (
    AssessedUnit,
    AssessmentRules,
    AssessmentStandard,
    BondLedger,
    CompositeScore,
    Findings,
    Grade,
    Ranking,
    ScoreSheet,
    annual,
    grade,
    rank,
    red_flag,
    score,
    settle_bonds,
)
from urbangov.sim._findings import STREETS, findings_of, label

if TYPE_CHECKING:
    from urbangov.sim._result import SimResult
    from urbangov.sim._synthetic import SyntheticCity

__all__ = ["Assessment", "assess", "assess_with", "label"]


@attrs.frozen
class Assessment:
    """The monthly assessment of a simulated run (月考评) and the settlement of its
    months (年评比, 保证金), by the policy's ``assessment`` section.

    Every map is keyed by month (the KPI tables' period keys), then by unit code.

    Attributes
    ----------
    findings
        What each month's scoring read (:func:`assessment_findings`): a valid findings
        file's content, ``urbangov score`` reproduces the month from it.
    sheets
        ``scoring.score(findings[m], standard, rules=policy)``: a sheet per unit.
    rankings
        ``scoring.rank`` of the sheets within the groups 街道 and 部门, with the policy's
        ranking precision and tie rule.
    grades
        ``scoring.grade`` of each sheet by the policy's cut-offs (``None``: no data).
    red_flags
        ``scoring.red_flag`` of each group (流动红旗): group → holders.
    annual
        ``scoring.annual`` of the months (``missing="skip"``, the policy's rounding): the
        mean of each unit's monthly totals over the months it has data.
    annual_grades
        The grade of each annual score.
    bonds
        ``scoring.settle_bonds`` of the annual grades under the policy's street bond
        scheme (no winners: the city's choice is not simulated); ``None`` when some unit
        of the scheme is not a street of the city or has no annual grade.

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import SyntheticCity, run
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> scores = run(SyntheticCity.generate(grids=60, streets=2, seed=3), Policy.default(),
    ...              start=start, days=14, seed=1).scores
    >>> may = scores.months[0]
    >>> [(e.rank, e.group) for e in scores.rankings[may].entries][:2]
    [(1, '街道'), (2, '街道')]
    >>> Assessment.of(scores.findings, Policy.default()) == scores
    True
    """

    findings: FrozenMap[_dt.date, Findings]
    sheets: FrozenMap[_dt.date, FrozenMap[str, ScoreSheet]]
    rankings: FrozenMap[_dt.date, Ranking]
    grades: FrozenMap[_dt.date, FrozenMap[str, Grade | None]]
    red_flags: FrozenMap[_dt.date, FrozenMap[str, tuple[str, ...]]]
    annual: FrozenMap[str, CompositeScore]
    annual_grades: FrozenMap[str, Grade | None]
    bonds: BondLedger | None

    @property
    def months(self) -> tuple[_dt.date, ...]:
        """The months assessed (first days)."""
        return tuple(self.findings)

    def total(self, unit: str, month: _dt.date) -> Any:
        """A unit's published total of a month (``None``: no data)."""
        return self.sheets[month][unit].total

    @classmethod
    def of(cls, findings: Mapping[_dt.date, Findings], policy: Policy) -> Assessment:
        """Score, rank, grade, flag and settle monthly findings under ``policy`` (what
        :func:`assess` does once it has the findings).

        Raises
        ------
        SimulationError
            If there are no months.
        """
        if not findings:
            raise SimulationError("no months to assess", field="findings")
        rules = AssessmentRules.of(policy)
        sheets, rankings, grades, flags = {}, {}, {}, {}
        for month, found in findings.items():
            day = found.start or month
            standard = AssessmentStandard.bundled(rules.value("standard", day))
            tie = rules.value("tie", day)
            precision = rules.value("ranking_precision", day)
            cutoffs = rules.value("grades", day)
            got = score(found, standard, rules=policy, on=day)
            groups = {c: s.unit.group for c, s in got.items()}
            sheets[month] = got
            rankings[month] = rank(got, tie=tie, precision=precision, groups=groups)
            grades[month] = FrozenMap(
                {c: grade(s, cutoffs, group=s.unit.group) for c, s in got.items()}
            )
            flags[month] = FrozenMap(
                {
                    g: red_flag(
                        {c: s for c, s in got.items() if s.unit.group == g},
                        tie,
                        precision=precision,
                    )
                    for g in rankings[month].groups
                }
            )
        first = next(iter(findings.values()))
        day = first.start or next(iter(findings))
        year = annual(
            {label(m): s for m, s in sheets.items()},
            missing="skip",
            rounding=rules.value("rounding", day),
        )
        cutoffs = rules.value("grades", day)
        units = {u.code: u for u in first.units}
        year_grades = FrozenMap(
            {
                c: grade(v, cutoffs, group=units[c].group if c in units else None)
                for c, v in year.items()
            }
        )
        return cls(
            findings=FrozenMap(findings),
            sheets=FrozenMap(sheets),
            rankings=FrozenMap(rankings),
            grades=FrozenMap(grades),
            red_flags=FrozenMap(flags),
            annual=year,
            annual_grades=year_grades,
            bonds=_bonds(rules, year_grades, units, day),
        )


def _bonds(
    rules: AssessmentRules,
    grades: Mapping[str, Grade | None],
    units: Mapping[str, AssessedUnit],
    day: _dt.date,
) -> BondLedger | None:
    scheme = rules.street_bonds
    settled: dict[str, Grade] = {}
    for code in scheme.units:
        g = grades.get(code)
        if g is None or code not in units or units[code].group != STREETS:
            return None
        settled[code] = g
    return settle_bonds(settled, scheme, on=day)


def assess(result: SimResult, city: SyntheticCity | City) -> Assessment:
    """The monthly assessment of a run (what ``sim.run`` puts in ``result.scores``):
    :func:`assessment_findings`, then :meth:`Assessment.of`.

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import SyntheticCity, run
    >>> city = SyntheticCity.generate(grids=60, streets=2, seed=3)
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> result = run(city, Policy.default(), start=start, days=14, seed=1)
    >>> assess(result, city) == result.scores
    True
    >>> may = datetime.date(2024, 5, 1)
    >>> [e.group for e in result.scores.rankings[may].entries][:2]
    ['街道', '街道']
    """
    return assess_with(result, city, None)


def assess_with(
    result: SimResult, city: SyntheticCity | City, times: kpi.CaseTimes | None
) -> Assessment:
    """:func:`assess`, reading each case's instants and groups from ``times``
    (``kpi.CaseTimes.from_columns(result.cases)``) when given: what ``sim.run`` calls
    for the built-in hook, with the times of its KPI tables."""
    return Assessment.of(findings_of(result, city, times), result.policy)
