"""A period's assessment under a policy's rules: score sheets, the ranking by group,
grades, red flags and (when asked) the bond ledger (private; :mod:`urbangov.scoring`
re-exports :func:`score_report` and :class:`ScoreReport`).

One meaning for "score these findings as the city does": ``urbangov score``, the demo,
the ``score`` rule-case subject and ``testing.impact(..., standard=)`` all call
:func:`score_report`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import attrs

from urbangov.errors import StandardError
from urbangov.frozen import FrozenMap
from urbangov.scoring._bonds import BondLedger, settle_bonds
from urbangov.scoring._composite import grade
from urbangov.scoring._findings import TriggerLike
from urbangov.scoring._findings_files import Findings
from urbangov.scoring._rank import Ranking, rank, red_flag
from urbangov.scoring._score import score
from urbangov.scoring._section import AssessmentRules
from urbangov.scoring._sheets import ScoreSheet
from urbangov.scoring._standard import AssessmentStandard
from urbangov.scoring._terms import Grade

__all__ = ["ScoreReport", "score_report"]


@attrs.frozen
class ScoreReport:
    """What a period's assessment gives: the sheets, the ranking by group, the grades,
    the red flag of each group and, when asked, the bond ledger."""

    sheets: FrozenMap[str, ScoreSheet]
    ranking: Ranking
    grades: FrozenMap[str, Grade | None]
    red_flags: FrozenMap[str, tuple[str, ...]]
    ledger: BondLedger | None = None


def score_report(
    findings: Findings,
    standard: AssessmentStandard,
    rules: object,
    *,
    group: str | None = None,
    bonds: bool = False,
    winners: Iterable[str] = (),
    on: _dt.date | None = None,
    triggers: Iterable[TriggerLike] = (),
) -> ScoreReport:
    """Score ``findings`` and rank, grade and flag the units as ``rules`` say (no I/O).

    Parameters
    ----------
    findings, standard
        What was found, and the standard it is scored against (:func:`score`).
    rules
        A Policy, or its :class:`AssessmentRules`: the ranking precision and tie rule,
        the grade cut-offs by group, the street bond scheme.
    group
        Keep only the units of this ranking group.
    bonds, winners
        Settle the street bond scheme (``assessment.street_bonds``) on the grades, with
        ``winners`` named by the city (:func:`settle_bonds`).
    on
        The day dated values are read at (default: the findings' start).
    triggers
        Escalation triggers scored besides the findings' own (:func:`score`).

    Returns
    -------
    ScoreReport

    Raises
    ------
    StandardError
        A ``group`` no unit is in (field ``group``); bonds asked for units the findings
        do not grade (field ``bonds``).
    FindingsError
        A row the standard cannot score.

    Examples
    --------
    >>> from urbangov import Policy
    >>> std = AssessmentStandard.bundled("digital_city_management")
    >>> f = Findings(findings=[{"unit": "a", "item": "rework", "outcome": "falsified"},
    ...                        {"unit": "b", "item": "rework", "outcome": "sent_back"}],
    ...              kpis=[{"unit": u, "counts": {"due": 10, "closed": 10, "closed_on_time": 10}}
    ...                    for u in "ab"] + [{"unit": u, "subset": "urgent", "counts": {"due": 1,
    ...                    "closed": 1, "closed_on_time": 1}} for u in "ab"],
    ...              tallies=[{"unit": u, "name": "handled_same_day", "count": 1, "of": 1}
    ...                       for u in "ab"])
    >>> report = score_report(f, std, Policy())
    >>> report.red_flags[""], report.ranking.rank_of("a")
    (('b',), 2)
    """
    day = on or findings.start
    section = AssessmentRules.of(rules)
    sheets = score(findings, standard, rules=rules, on=day, triggers=triggers)
    if group is not None:
        groups = sorted({s.unit.group for s in sheets.values()})
        if group not in groups:
            raise StandardError(
                f"no unit of the findings is in the group {group!r}",
                field="group",
                hint=f"the groups are {', '.join(repr(g) for g in groups)}",
            )
        sheets = FrozenMap({c: s for c, s in sheets.items() if s.unit.group == group})
    tie = section.value("tie", day)
    precision = section.value("ranking_precision", day)
    by_group = {c: s.unit.group for c, s in sheets.items()}
    ranking = rank(sheets, tie=tie, precision=precision, groups=by_group)
    cutoffs = section.value("grades", day)
    grades = FrozenMap({c: grade(s, cutoffs, group=s.unit.group) for c, s in sheets.items()})
    flags = FrozenMap(
        {
            g: red_flag(
                {c: s for c, s in sheets.items() if s.unit.group == g}, tie, precision=precision
            )
            for g in ranking.groups
        }
    )
    ledger = None
    if bonds:
        scheme = section.street_bonds
        missing = [code for code in scheme.units if code not in grades or grades[code] is None]
        if missing:
            raise StandardError(
                f"the bond scheme {scheme.name!r} needs a grade for {missing[0]}, "
                "and the findings give none",
                field="bonds",
                hint="score every unit of the policy's assessment.street_bonds, or settle "
                "with a scheme of your own",
            )
        chosen = {code: grades[code] for code in scheme.units}
        ledger = settle_bonds(chosen, scheme, winners, on=day)  # type: ignore[arg-type]
    return ScoreReport(sheets, ranking, grades, flags, ledger)
