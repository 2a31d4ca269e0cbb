"""The subjects rule cases can test, one :class:`Subject` entry each (private).

:data:`SUBJECTS` is the registry the loader and the runner use. A subject is the main
function of a rule package, its inputs and its outputs; adding one is writing a ``run``
function and one entry in the registry at the end of this module — the file format, the
runner, ``urbangov test``, the pytest plugin and the baseline comparison work for it
with no other change (``docs/testing.md``, "Adding a subject").
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from urbangov import deadlines, kpi, zones
from urbangov._internal.documents import PathKey
from urbangov.cases import EventKind, Status, WorkflowRules, allowed_events, apply, transitions
from urbangov.frozen import FrozenMap
from urbangov.policy import Policy
from urbangov.testing import readers as r
from urbangov.testing._assessment_subjects import BONDS, SCORE
from urbangov.testing._governance_subjects import (
    ESCALATION_STATE,
    GRADE,
    HANDLING_LEVEL,
    RANK,
)
from urbangov.testing._inputs import PLACE_INPUTS, case_and, case_inputs, hierarchy_of
from urbangov.testing._subject import Input, Outcome, Output, Subject, show
from urbangov.testing.readers import BAD, Reader
from urbangov.vocabulary import ZoneTier

__all__ = ["SUBJECTS", "subject_named"]


# ------------------------------------------------------------------ due_at / deadline


def _row(applied: deadlines.AppliedLimit) -> str:
    return applied.key if applied.level != "default" else "default"


def _duration(reader: Reader, value: object, path: PathKey) -> Any:
    """A span of time written as hours or minutes ('90 minutes', '2 working hours')."""
    found = r.limit(reader, value, path)
    if found is BAD:
        return BAD
    if found.unit.value == "working_days":
        return reader.problem(path, "write the time left in hours or minutes, not days")
    return _dt.timedelta(microseconds=found.microseconds())


def _due_at(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    case = inputs["case"].build(policy.taxonomy())
    applied = deadlines.limit_for(case, policy)
    found = deadlines.deadline(case, policy)
    values: dict[str, object] = {
        "limit": applied.limit,
        "tier": applied.tier,
        "row": _row(applied),
        "urgent_fallback": applied.urgent_fallback,
        "due": None,
        "on_time": None,
        "provisional": False,
    }
    lines = [f"limit {applied.explain()} (deadlines.limit_for)"]
    if found is None:
        lines.append("no due time: the case was never dispatched (the clock starts at dispatch)")
    else:
        values["due"] = found.due
        values["provisional"] = found.provisional
        clock = f"clock from {show(found.start)} (first dispatch)"
        if found.pauses:
            clock += f", paused {len(found.pauses)} time(s)"
        if found.extensions:
            clock += ", extended by " + " + ".join(str(e) for e in found.extensions)
        lines.append(f"{clock}: due {show(found.due)}")
        if found.stopped is not None:
            values["on_time"] = found.due is not None and found.stopped <= found.due
            lines.append(f"clock stopped {show(found.stopped)} (deadlines.stopped_at)")
    if "at" in inputs:
        values["overdue"] = deadlines.is_overdue(case, policy, at=inputs["at"])
        values["remaining"] = deadlines.remaining(case, policy, at=inputs["at"])
    return Outcome(values, "; ".join(lines))


_DUE_AT = Subject(
    "due_at",
    "the due time of a case and the limit that applied (deadlines.due_at, limit_for)",
    _due_at,
    case_inputs(at=Input(r.instant, doc="for overdue and remaining: the instant asked about")),
    {
        "due": Output(r.optional(r.instant), "the due time, or none before dispatch"),
        "limit": Output(r.limit, "the limit that applied ('4 working hours')"),
        "tier": Output(r.word(ZoneTier), "the zone tier whose limit applied"),
        "row": Output(r.text, "the limit table's row: the category, major class or default"),
        "urgent_fallback": Output(r.boolean, "an urgent case took the normal limit"),
        "on_time": Output(r.optional(r.boolean), "the clock stopped by the due time"),
        "provisional": Output(r.boolean, "the calendar had no holiday data for a year used"),
        "overdue": Output(r.boolean, "overdue at `at` (deadlines.is_overdue)", needs=("at",)),
        "remaining": Output(r.optional(_duration), "time left at `at` ('2 hours')", needs=("at",)),
    },
    aliases=("deadline",),
    read=case_and({"at": (r.instant, False)}),
)


# ------------------------------------------------------------------ transition


def _transition(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    case = inputs["case"].build(policy.taxonomy())
    event = inputs["event"]
    rules: WorkflowRules = policy.workflow
    flag = f"workflow.close_without_verification = {show(rules.close_without_verification)}"
    new = apply(case, event, policy)
    row = f"{case.status.value} ({case.status.chinese}) --{event.kind.value} ({event.kind.chinese})"
    row += f"--> {new.status.value} ({new.status.chinese})"
    allowed = allowed_events(new.status, policy)
    values = {"status": new.status, "allowed": allowed, "department": new.department}
    table = transitions(policy)[case.status]
    others = ", ".join(k.value for k in EventKind if k in table)
    text = (
        f"transition table row {row} ({flag}); from {case.status.value} the table allows {others}"
    )
    return Outcome(values, text)


_TRANSITION = Subject(
    "transition",
    "the case workflow: the status after an event, or TransitionError (cases.apply)",
    _transition,
    case_inputs(event=Input(r.event, True, "the next event: { event = …, at = … }")),
    {
        "status": Output(r.word(Status), "the status after the event"),
        "allowed": Output(r.many(r.word(EventKind)), "the events allowed next"),
        "department": Output(r.optional(r.text), "the department handling it"),
    },
    read=case_and({"event": (r.event, True)}),
)


# ------------------------------------------------------------------ kpi

_RATES = (
    ("filing_rate", kpi.filing_rate, "filed", "received"),
    ("dispatch_rate", kpi.dispatch_rate, "dispatched", "filed"),
    ("closure_rate", kpi.closure_rate, "closed", "due"),
    ("on_time_rate", kpi.on_time_rate, "closed_on_time", "due"),
    ("rework_rate", kpi.rework_rate, "reworked", "due"),
    ("extension_rate", kpi.extension_rate, "extended", "due"),
)


def _kpi(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    lines: list[str] = []
    if "counts" in inputs:
        counts: kpi.KpiCounts = inputs["counts"]
        lines.append("the counts given")
    else:
        tax = policy.taxonomy()
        built = [spec.build(tax) for spec in inputs["cases"]]
        counts = kpi.counts(built, inputs["start"], inputs["end"], deadlines=policy)
        period = f"[{show(inputs['start'])}, {show(inputs['end'])})"
        lines.append(f"{len(built)} case(s) counted in {period} (kpi.counts, due times "
                     "from deadlines.due_at)")  # fmt: skip
        for case in built[:10]:
            lines.append(f"{case.id}: due {show(deadlines.due_at(case, policy))}")
    values: dict[str, object] = dict(counts.as_dict())
    given = counts.as_dict()
    for name, rate, num, den in _RATES:
        value = rate(counts)
        values[name] = value
        values[name.replace("_rate", "_percent")] = kpi.percent(value)
        lines.append(f"{name} = {num}/{den} = {given[num]}/{given[den]} (kpi.{name})")
    return Outcome(values, "; ".join(lines))


_KPI_OUTPUTS: dict[str, Output] = {
    name: Output(r.count, f"the {name} count") for name in kpi.FIELDS
}
for _name, _, _num, _den in _RATES:
    _KPI_OUTPUTS[_name] = Output(
        r.optional(r.number), f"{_num}/{_den}, exact (0.7704 or '40394/52434')", numeric=True
    )
    _KPI_OUTPUTS[_name.replace("_rate", "_percent")] = Output(
        r.optional(r.number),
        f"the {_name} in percent, 2 places half-up (kpi.percent)",
        numeric=True,
    )

_KPI = Subject(
    "kpi",
    "KPI counts and the six rates, from counts or from a small case log (kpi.counts)",
    _kpi,
    {
        "counts": Input(r.kpi_counts, doc="KPI counts given: { due = …, closed = … }"),
        "cases": Input(r.cases, doc="a small case log: an array of cases", needs=("start", "end")),
        "start": Input(r.instant, doc="with cases: the period's start"),
        "end": Input(r.instant, doc="with cases: the period's end (excluded)"),
    },
    _KPI_OUTPUTS,
    aliases=("rates",),
    one_of=(("counts", "cases"),),
)


# ------------------------------------------------------------------ permits, zone


def _permits(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    hierarchy = hierarchy_of(inputs)
    decision = zones.permits(inputs["activity"], inputs["place"], inputs["at"], policy, hierarchy)
    entry = zones.classify(hierarchy, policy, on=inputs["at"].date())[inputs["place"]]
    values = {
        "allowed": decision.allowed,
        "rule": decision.rule,
        "reason": decision.reason,
        "until": decision.until,
        "fined": decision.fined,
        "tier": decision.tier,
        "leniency": decision.leniency,
    }
    return Outcome(values, f"{decision.explain()}; {entry.explain()}")


_PERMITS = Subject(
    "permits",
    "whether an activity may take place at a place and instant, and why (zones.permits)",
    _permits,
    {
        "activity": Input(r.text, True, "the activity slug: stall, night_market…"),
        "place": Input(r.text, True, "a unit or segment code"),
        "at": Input(r.instant, True, "the instant"),
        **PLACE_INPUTS,
    },
    {
        "allowed": Output(r.boolean, "whether it is allowed"),
        "rule": Output(r.text, "the dotted path of the rule that decided"),
        "reason": Output(r.text, "why, in a sentence"),
        "until": Output(r.optional(r.instant), "when the answer next changes, or none"),
        "fined": Output(r.boolean, "whether a violation now is fined"),
        "tier": Output(r.word(ZoneTier), "the place's tier"),
        "leniency": Output(r.optional(r.text), "the leniency that waives the fine"),
    },
    one_of=(("units", "city", None),),
)


def _zone(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    hierarchy = hierarchy_of(inputs)
    entry = zones.classify(hierarchy, policy, on=inputs.get("on"))[inputs["place"]]
    values = {"tier": entry.tier, "rule": entry.rule, "via": entry.via}
    return Outcome(values, f"{entry.explain()} (zones.tier_of)")


_ZONE = Subject(
    "zone",
    "the tier of a unit or segment and the rule that classified it (zones.tier_of)",
    _zone,
    {
        "place": Input(r.text, True, "a unit or segment code"),
        "on": Input(r.day, doc="the date whose rules apply (default: rules without dates)"),
        **PLACE_INPUTS,
    },
    {
        "tier": Output(r.word(ZoneTier), "the tier"),
        "rule": Output(r.text, "override, zones.classify.NAME or zones.default_tier"),
        "via": Output(r.optional(r.text), "the ancestor the tier was inherited from"),
    },
    aliases=("tier_of",),
    one_of=(("units", "city", None),),
)


# ------------------------------------------------------------------ working time


def _working_time(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    cal = policy.work_calendar()
    start, amount = inputs["start"], inputs["limit"]
    end = cal.add(start, amount)
    first = start.astimezone(end.tzinfo).date()
    rest: list[str] = []
    d = first
    while d <= end.date() and len(rest) < 12:
        if not cal.is_workday(d):
            rest.append(d.isoformat())
        d += _dt.timedelta(days=1)
    text = f"{amount} from {show(start)} on the policy's calendar (office hours "
    text += f"{policy.calendar.schedule}, {policy.calendar.tz}): ends {show(end)}"
    if amount.unit.working:
        text += "; rest days skipped: " + (", ".join(rest) if rest else "none")
    return Outcome({"end": end}, text)


_WORKING_TIME = Subject(
    "working_time",
    "the end of a time limit from a start, in the policy's working calendar (calendar.add)",
    _working_time,
    {
        "start": Input(r.instant, True, "the start"),
        "limit": Input(r.limit, True, "the limit: '4 working hours', '15 working days'"),
    },
    {"end": Output(r.instant, "when the limit ends")},
    aliases=("calendar",),
)


# ------------------------------------------------------------------ the registry

SUBJECTS: FrozenMap[str, Subject] = FrozenMap(
    (subject.name, subject)
    for subject in (
        _DUE_AT,
        _TRANSITION,
        _KPI,
        _PERMITS,
        _ZONE,
        _WORKING_TIME,
        HANDLING_LEVEL,
        ESCALATION_STATE,
        SCORE,
        GRADE,
        RANK,
        BONDS,
    )
)
"""Every subject rule cases can test, by name (aliases are found by :func:`subject_named`)."""


def subject_named(name: str, subjects: Mapping[str, Subject] = SUBJECTS) -> Subject | None:
    """The subject called ``name`` or with ``name`` among its aliases.

    >>> subject_named("deadline").name
    'due_at'
    """
    found = subjects.get(name)
    if found is not None:
        return found
    for subject in subjects.values():
        if name in subject.aliases:
            return subject
    return None
