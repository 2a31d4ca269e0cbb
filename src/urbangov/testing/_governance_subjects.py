"""The subjects of the escalation and assessment packages (private; registered in
``_subjects.py``): where a case is handled and how far its time-out steps went
(``handling_level``, ``escalation_state``), and how scores become grades, a ranking, the
red flag and the red and black lists (``grade``, ``rank``).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from urbangov import escalation, scoring
from urbangov.escalation import Severity
from urbangov.frozen import FrozenMap
from urbangov.policy import Policy
from urbangov.scoring import AssessmentRules, Grade
from urbangov.testing import readers as r
from urbangov.testing._inputs import PLACE_INPUTS, case_and, case_inputs, hierarchy_of
from urbangov.testing._subject import Input, Outcome, Output, Subject, show
from urbangov.vocabulary import Level

__all__ = ["ESCALATION_STATE", "GRADE", "HANDLING_LEVEL", "RANK"]


# ------------------------------------------------------------------ handling level

_WHERE: dict[str, tuple[r.Parse, bool]] = {
    "severity": (r.word(Severity), False),
    "territories": (r.many(r.text), False),
    "departments": (r.many(r.text), False),
    "difficult": (r.boolean, False),
    "units": (r.units, False),
    "city": (r.city, False),
}
_WHERE_INPUTS = {
    "severity": Input(r.word(Severity), doc="minor (小事) or major (大事); default: the policy's"),
    "territories": Input(r.many(r.text), doc="other units the problem spans (跨区域)"),
    "departments": Input(r.many(r.text), doc="other departments it needs (多部门)"),
    "difficult": Input(r.boolean, doc="a difficult problem (疑难): handled a level higher"),
    **PLACE_INPUTS,
}


def _where(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "severity": inputs.get("severity"),
        "territories": inputs.get("territories", ()),
        "departments": inputs.get("departments", ()),
        "difficult": inputs.get("difficult", False),
    }


def _handling_level(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    case = inputs["case"].build(policy.taxonomy())
    hierarchy = hierarchy_of(inputs)
    where = _where(inputs)
    found = inputs.get("severity") or escalation.severity(case, policy)
    level = escalation.handling_level(case, policy, hierarchy, at=inputs.get("at"), **where)
    unit = escalation.handling_unit(case, policy, hierarchy, at=inputs.get("at"), **where)
    text = (
        f"severity {show(found)} ({found.chinese}); handled at the {show(level)} level "
        f"({level.chinese}): {unit.code} {unit.name} (escalation.handling_level)"
    )
    return Outcome({"level": level, "unit": unit.code, "severity": found}, text)


HANDLING_LEVEL = Subject(
    "handling_level",
    "the level and unit that handle a case: 小事不出网格、大事不出街道 (escalation.handling_level)",
    _handling_level,
    case_inputs(
        at=Input(r.instant, doc="the instant whose rules apply (default: the report)"),
        **_WHERE_INPUTS,
    ),
    {
        "level": Output(r.word(Level), "the level that handles it: grid, community, street…"),
        "unit": Output(r.text, "the code of the unit that handles it"),
        "severity": Output(r.word(Severity), "minor or major, as given or as the policy says"),
    },
    aliases=("handling_unit",),
    read=case_and({**_WHERE, "at": (r.instant, False)}),
    one_of=(("units", "city", None),),
)


# ------------------------------------------------------------------ escalation state


def _escalation_state(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    case = inputs["case"].build(policy.taxonomy())
    at: _dt.datetime = inputs["at"]
    found = escalation.state(case, at, policy, hierarchy_of(inputs), **_where(inputs))
    nxt = found.next
    values = {
        "level": found.level,
        "unit": found.unit,
        "due": found.due,
        "overdue": found.overdue,
        "taken": tuple(t.step.name for t in found.taken),
        "next": None if nxt is None else nxt.step.name,
        "next_at": None if nxt is None else nxt.at,
        "must_act": found.must_act,
    }
    parts = [f"due {show(found.due)}, overdue at {show(at)}: {show(found.overdue)}"]
    parts.extend(
        f"{t.step.name} ({t.step.title}) at {show(t.at)}: {t.step.source}" for t in found.taken
    )
    if nxt is not None:
        parts.append(f"next {nxt.step.name} ({nxt.step.title}) at {show(nxt.at)}")
    parts.append(f"rules of {found.rules_date.isoformat()} (escalation.state)")
    return Outcome(values, "; ".join(parts))


ESCALATION_STATE = Subject(
    "escalation_state",
    "how far a case's time-out steps went at an instant: 催办, 通报… (escalation.state)",
    _escalation_state,
    case_inputs(at=Input(r.instant, True, "the instant asked about"), **_WHERE_INPUTS),
    {
        "level": Output(r.word(Level), "the level handling it now (after escalations)"),
        "unit": Output(r.text, "the code of the unit handling it now"),
        "due": Output(r.optional(r.instant), "the due time, or none before dispatch"),
        "overdue": Output(r.boolean, "overdue at `at`"),
        "taken": Output(r.many(r.text), "the steps taken by `at`, in order (step names)"),
        "next": Output(r.optional(r.text), "the next step's name, or none"),
        "next_at": Output(r.optional(r.instant), "when the next step falls due, or none"),
        "must_act": Output(r.many(r.text), "who must act now: departments and units"),
    },
    aliases=("escalation",),
    read=case_and({**_WHERE, "at": (r.instant, True)}),
    one_of=(("units", "city", None),),
)


# ------------------------------------------------------------------ grade


def _day(inputs: Mapping[str, Any]) -> _dt.date | None:
    found: _dt.date | None = inputs.get("on")
    return found


def _grade(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    rules = AssessmentRules.of(policy)
    cutoffs = rules.value("grades", _day(inputs))
    group = inputs.get("group")
    found = scoring.grade(inputs["score"], cutoffs, group=group)
    key = group if group is not None and group in cutoffs else "default"
    steps = ", ".join(f"≥ {c.at_least} {c.grade.value}" for c in cutoffs[key].steps)
    text = f"assessment.grades.{key}: {steps}, below {cutoffs[key].below.value}"
    text += f"; {show(inputs['score'])} is {show(found)} (scoring.grade)"
    return Outcome({"grade": found}, text)


GRADE = Subject(
    "grade",
    "the grade (考核等次) of a score under the policy's cut-offs (scoring.grade)",
    _grade,
    {
        "score": Input(r.optional(r.number), True, "the score (92.5), or none for no data"),
        "group": Input(r.text, doc="the unit's group, when cut-offs differ by group"),
        "on": Input(r.day, doc="the date whose rules apply (default: rules without dates)"),
    },
    {"grade": Output(r.optional(r.word(Grade)), "the grade, or none for no data")},
)


# ------------------------------------------------------------------ rank


def _rank(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    rules = AssessmentRules.of(policy)
    day = _day(inputs)
    scores: FrozenMap[str, Any] = inputs["scores"]
    tie = rules.value("tie", day)
    precision = rules.value("ranking_precision", day)
    cutoffs = rules.value("grades", day)
    ranking = scoring.rank(scores, tie=tie, precision=precision)
    values = {
        "ranks": FrozenMap({e.unit: e.rank for e in ranking.entries}),
        "order": tuple(e.unit for e in ranking.entries),
        "red_flag": scoring.red_flag(scores, tie, precision=precision),
        "red_list": scoring.red_list(scores, rules.value("red_list", day), precision=precision),
        "black_list": scoring.black_list(
            scores, rules.value("black_list", day), precision=precision
        ),
        "grades": FrozenMap({u: scoring.grade(s, cutoffs) for u, s in scores.items()}),
    }
    text = (
        f"compared at assessment.ranking_precision = {precision}, ties: "
        f"assessment.tie (then {list(tie.then)}, unresolved {tie.unresolved}); "
        f"red and black lists of {rules.value('red_list', day)} and "
        f"{rules.value('black_list', day)} (scoring.rank, red_flag, red_list, black_list)"
    )
    return Outcome(values, text)


RANK = Subject(
    "rank",
    "the ranking of scores, the red flag (流动红旗), red and black lists (scoring.rank)",
    _rank,
    {
        "scores": Input(
            r.mapping(r.optional(r.number)), True, 'scores by unit: { "南湖街道" = 92.5, … }'
        ),
        "on": Input(r.day, doc="the date whose rules apply (default: rules without dates)"),
    },
    {
        "ranks": Output(r.mapping(r.optional(r.count)), "rank by unit (none for no data)"),
        "order": Output(r.many(r.text), "the units in rank order, no data last"),
        "red_flag": Output(r.many(r.text), "who holds the red flag"),
        "red_list": Output(r.many(r.text), "the red list (红榜)"),
        "black_list": Output(r.many(r.text), "the black list (黑榜)"),
        "grades": Output(r.mapping(r.optional(r.word(Grade))), "grade by unit"),
    },
    aliases=("ranking",),
)
