"""Time-out steps: a case's escalation state at an instant and its timeline (private;
:mod:`urbangov.escalation` re-exports the public names)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable

import attrs

from urbangov._internal.instants import aware, stdlib
from urbangov.calendar import TimeLimit, WorkCalendar
from urbangov.cases import Case
from urbangov.deadlines import Deadline, deadline
from urbangov.escalation._context import (
    Context,
    Known,
    PolicyLike,
    context,
    known_events,
    need_policy,
)
from urbangov.escalation._level import Scope, _level
from urbangov.escalation._rules import Compiled
from urbangov.escalation._values import Measure, Severity, Step, StepAction
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.vocabulary import Level

__all__ = ["EscalationState", "TimedStep", "state", "timeline"]


@attrs.frozen
class TimedStep:
    """A time-out step of a case, with when it falls due and the level handling the case
    once it is taken.

    ``index`` is the step's place in the rules' list; ``at`` an aware datetime in the
    calendar's zone.
    """

    index: int
    step: Step
    at: _dt.datetime
    level: Level

    @property
    def name(self) -> str:
        """The step's name."""
        return self.step.name


@attrs.frozen
class EscalationState:
    """Where a case stands in the escalation ladder at an instant (升级状态).

    Attributes
    ----------
    case
        The case's id.
    at
        The instant asked about (events after it are ignored).
    level, unit
        The level handling the case now (after any ``escalate`` steps) and the code of
        the unit at that level covering every territory involved.
    base_level
        The handling level before any time-out step (:func:`handling_level`).
    due, stopped, overdue
        The due time and when the handling clock stopped, as ``deadlines.deadline``
        knows them at ``at``, and whether the case is overdue then.
    taken
        The steps taken by ``at``, in order (:class:`TimedStep`).
    next
        The next step and when it falls due, or ``None`` (not dispatched, handled, every
        step taken, or the clock stopped by an open suspension).
    department
        The department holding the case at ``at`` (its last dispatch), or ``None``.
    must_act
        Who must act now: the department holding the case and the handling unit, while
        the case is open; ``()`` once it is handled.
    rules_date
        The date whose rules decided the steps: the filing date (立案日期).
    """

    case: str
    at: _dt.datetime
    level: Level
    unit: str
    base_level: Level
    due: _dt.datetime | None
    stopped: _dt.datetime | None
    overdue: bool
    taken: tuple[TimedStep, ...]
    next: TimedStep | None
    department: str | None
    must_act: tuple[str, ...]
    rules_date: _dt.date

    @property
    def escalations(self) -> int:
        """How many ``escalate`` steps were taken."""
        return sum(1 for t in self.taken if t.step.action is StepAction.ESCALATE)

    @property
    def measures(self) -> tuple[Measure, ...]:
        """The accountability measures the steps taken imposed, in order."""
        return tuple(t.step.measure for t in self.taken if t.step.measure is not None)


def schedule(
    rules: Compiled,
    calendar: WorkCalendar,
    zone: _dt.tzinfo,
    d: Deadline | None,
    when: _dt.datetime | None,
    base: Level,
    root: Level,
) -> tuple[list[TimedStep], TimedStep | None]:
    """The steps taken by ``when`` (``None``: ever) and the next one, from a deadline."""
    taken: list[TimedStep] = []
    if d is None:
        return taken, None
    due, stop = d.due, d.stopped
    start = d.start.astimezone(zone) if -2 in rules.anchors else d.start
    times: list[_dt.datetime] = []
    level = base
    for i, step in enumerate(rules.steps):
        a = rules.anchors[i]
        anchor = start if a == -2 else due if a == -1 else times[a]
        if anchor is None:
            return taken, None  # an open suspension stopped the clock before the due time
        t = anchor if not step.after.amount else _add(rules, calendar, anchor, step.after)
        if times and t < times[-1]:
            t = times[-1]  # never before the step listed before it
        times.append(t)
        if stop is not None and stop <= t:
            return taken, None  # handled (or voided) before this step fell due
        if step.action is StepAction.ESCALATE and level > root:
            level = Level(level - 1)
        timed = TimedStep(i, step, t, level)
        if when is not None and t > when:
            return taken, timed
        taken.append(timed)
    return taken, None


_MEMO = 100_000  # step times kept per span of rules


def _add(
    rules: Compiled, calendar: WorkCalendar, anchor: _dt.datetime, after: TimeLimit
) -> _dt.datetime:
    """``calendar.add(anchor, after)``, memoised on the rules: a pure function of its
    arguments, checked against the calendar object it was computed with. Anchors repeat
    (the close of a working day ends every working-day limit), so most steps hit."""
    key = (anchor, after)
    hit = rules.added.get(key)
    if hit is not None and hit[0] is calendar:
        return hit[1]
    found = calendar.add(anchor, after)
    if len(rules.added) >= _MEMO:
        rules.added.clear()
    rules.added[key] = (calendar, found)
    return found


_PLAIN = Scope()


def _root_level(hierarchy: Hierarchy, unit: Unit) -> Level:
    line = hierarchy.ancestors(unit)
    return (line[-1] if line else unit).level


@attrs.frozen(eq=False)
class _Plan:
    """A case's events, deadline, handling level and steps, as known at an instant."""

    known: Known
    deadline: Deadline | None
    base: Level
    cover: Unit
    taken: list[TimedStep]
    next: TimedStep | None


def _plan(
    case: Case, when: _dt.datetime | None, ctx: Context, hierarchy: Hierarchy, scope: Scope
) -> _Plan:
    """The one computation behind :func:`state` and :func:`timeline` (``when=None``:
    the whole history, every step ever taken)."""
    known = known_events(case, when, ctx.tz)
    d = deadline(case, ctx.policy, at=when)
    base, cover = _level(case, ctx, hierarchy, known.filed, scope, when)
    rules = ctx.rules.compiled(known.filed)
    root = _root_level(hierarchy, cover)
    taken, nxt = schedule(rules, ctx.calendar, ctx.tz, d, when, base, root)
    return _Plan(known, d, base, cover, taken, nxt)


def _state(
    case: Case, when: _dt.datetime, ctx: Context, hierarchy: Hierarchy, scope: Scope = _PLAIN
) -> EscalationState:
    p = _plan(case, when, ctx, hierarchy, scope)
    d, known, cover = p.deadline, p.known, p.cover
    level = p.taken[-1].level if p.taken else p.base
    unit = cover if cover.level == level else hierarchy.territory_of(cover, level)
    stopped = None if d is None else d.stopped
    overdue = d is not None and d.due is not None and (stopped or when) > d.due
    is_open = not known.ended and stopped is None
    must_act = tuple(c for c in (known.department, unit.code) if c is not None) if is_open else ()
    return EscalationState(
        case=case.id,
        at=when.astimezone(ctx.tz),
        level=level,
        unit=unit.code,
        base_level=p.base,
        due=None if d is None else d.due,
        stopped=stopped,
        overdue=overdue,
        taken=tuple(p.taken),
        next=p.next,
        department=known.department,
        must_act=must_act,
        rules_date=known.filed,
    )


def state(
    case: Case,
    at: _dt.datetime,
    policy: PolicyLike,
    hierarchy: Hierarchy,
    *,
    severity: Severity | str | None = None,
    territories: Iterable[str | Unit] = (),
    departments: Iterable[str] = (),
    difficult: bool = False,
) -> EscalationState:
    """A case's escalation state at ``at`` (升级状态): the level handling it, the time-out
    steps taken, who must act, and the next step and when.

    The steps are the policy's list in force on the case's filing date (a later change
    of the policy does not move a filed case's steps). Each falls due a working-time
    limit after the due time, the dispatch or an earlier step, never before the step
    before it; a step is taken when it falls due while the handling clock still runs
    (``deadlines.stopped_at``: a case handled in time takes none). Events after ``at``
    are ignored. The keyword arguments are those of :func:`handling_level`.

    Parameters
    ----------
    case
        The case.
    at
        An aware datetime.
    policy
        The Policy: its deadlines give the due time, its calendar the working time.
    hierarchy
        The city's units.

    Raises
    ------
    NaiveDatetimeError
        If ``at`` has no time zone.
    PolicyError
        If ``policy`` is a bare section (the steps need its deadlines).

    Examples
    --------
    The published 12345 procedure (the default steps): a reminder notice (《催办通知书》)
    the working day after the due date, copied to the responsible leader; still overdue
    5 working days later, a written criticism (书面通报批评) — Saturday 11 May 2024 was a
    make-up working day (调休).

    >>> import datetime as _dt
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import sample_city
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    >>> case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street_office_001")])
    >>> s = state(case, t + _dt.timedelta(days=2), Policy(), sample_city().hierarchy)
    >>> s.due.strftime("%a %H:%M"), [x.name for x in s.taken], s.level
    ('Mon 14:30', ['reminder_notice', 'copy_to_leader'], <Level.GRID: 4>)
    >>> s.next.name, s.next.at.strftime("%a %m-%d %H:%M"), s.must_act
    ('written_criticism', 'Mon 05-13 18:00', ('street_office_001', '320105001001001'))
    """
    when = stdlib(aware(at, "at"))
    need_policy(policy, "state")
    scope = Scope(severity, territories, departments, difficult)
    return _state(case, when, context(policy), hierarchy, scope)


def timeline(
    case: Case,
    policy: PolicyLike,
    hierarchy: Hierarchy,
    *,
    severity: Severity | str | None = None,
    territories: Iterable[str | Unit] = (),
    departments: Iterable[str] = (),
    difficult: bool = False,
) -> tuple[TimedStep, ...]:
    """Every time-out step a case takes over its whole history, in order, with when each
    falls due and the level handling the case after it: the steps of an open case all
    the way down the list (the ones to come included), of a handled case only those that
    fell due before it was handled. Empty before dispatch.

    >>> import datetime as _dt
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import sample_city
    >>> t = _dt.datetime(2024, 9, 27, 9, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday
    >>> case = Case.new("A2", "积存垃圾渣土", "320105001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street_office_001")])
    >>> for x in timeline(case, Policy(), sample_city().hierarchy):  # 12 Oct: 调休, worked
    ...     print(x.name, x.at.strftime("%a %m-%d %H:%M"))
    reminder_notice Thu 10-10 18:00
    copy_to_leader Thu 10-10 18:00
    written_criticism Wed 10-16 18:00
    """
    need_policy(policy, "timeline")
    scope = Scope(severity, territories, departments, difficult)
    return tuple(_plan(case, None, context(policy), hierarchy, scope).taken)
