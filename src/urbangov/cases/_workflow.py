"""The case workflow as values: cases and ``apply`` (private; events in ``_events.py``).

Imported by :mod:`urbangov.cases`, which re-exports everything public here; see that
module and ``docs/cases.md``.
"""

from __future__ import annotations

import datetime as _dt
from types import MappingProxyType
from typing import Any

import attrs

from urbangov.calendar import TimeLimit
from urbangov.cases._events import (
    _SLUG,
    CaseEvent,
    _aware,
    _check_text,
    _earlier,
    _optional_text,
    check_grid,
)
from urbangov.cases._states import (
    _DEFAULT_RULES,
    _LOOSE,
    _STRICT,
    EventKind,
    FirstAskedUntil,
    HasWorkflow,
    Outcome,
    Status,
    WorkflowRules,
    _rules_of,
)
from urbangov.errors import CaseError, TransitionError, UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Source, Urgency, ZoneTier

__all__ = ["Case", "apply", "first_asked_owner", "replay"]


# ---------------------------------------------------------------- cases


def _text(field: str) -> Any:
    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        _check_text(value, field)

    return check


def _grid(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_grid(value)


def _category(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise CaseError(
            f"{value!r} is not a taxonomy slug",
            field="category",
            hint="use the slug (e.g. 'exposed_garbage'); Case.new(...) also accepts the "
            "Chinese name or the code",
        )


def _reported_at(value: object) -> _dt.datetime:
    return _aware("reported_at", value)


def _source(value: object) -> Source:
    return Source.parse(value, field="source", error=CaseError)


def _urgency(value: object) -> Urgency:
    return Urgency.parse(value, field="urgency", error=CaseError)


def _zone(value: object) -> ZoneTier | None:
    return None if value is None else ZoneTier.parse(value, field="zone", error=CaseError)


def _history(value: object) -> tuple[CaseEvent, ...]:
    if not isinstance(value, (tuple, list)):
        raise CaseError(
            f"{type(value).__name__} is not a sequence of events",
            field="history",
            hint="give a tuple of CaseEvent",
        )
    return tuple(value)


@attrs.frozen(kw_only=True)
class Case:
    """A city-management case (案件): what, where, from whom, and its full history.

    ``status`` is derived from the history (which is checked on construction: each
    event must be allowed in the state the ones before leave, and no event may be
    earlier than the one before or than ``reported_at``). Use :func:`apply` to add
    events; :meth:`new` also accepts the category's Chinese name or code.

    Parameters
    ----------
    id
        The case number.
    category
        The taxonomy slug (``exposed_garbage``).
    grid
        The code of the unit (normally a grid) where the problem is: digits, 6, 9, 12 or
        15 of them (:func:`check_grid`).
    source, urgency
        :class:`~urbangov.vocabulary.Source` and :class:`~urbangov.vocabulary.Urgency`.
    reported_at
        When it was reported (aware; every time of a case, events' too, lies in the
        years 1678–2261, the range a case log stores).
    segment
        The road segment code, when known.
    zone
        The zone tier stamped at filing; ``None`` means the limit table's default tier.
    history
        The events so far.

    Examples
    --------
    >>> import datetime as _dt
    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t)
    >>> case.category, case.status
    ('exposed_garbage', <Status.REPORTED: 'reported'>)
    >>> case = apply(case, CaseEvent("accept", t, actor="operator_7"))
    >>> case.status.chinese, case.first_asked
    ('受理', 'operator_7')
    """

    id: str = attrs.field(validator=_text("id"))
    category: str = attrs.field(validator=_category)
    grid: str = attrs.field(validator=_grid)
    source: Source = attrs.field(default=Source.SUPERVISOR, converter=_source)
    urgency: Urgency = attrs.field(default=Urgency.NORMAL, converter=_urgency)
    reported_at: _dt.datetime = attrs.field(converter=_reported_at)
    segment: str | None = attrs.field(default=None, validator=_optional_text)
    zone: ZoneTier | None = attrs.field(default=None, converter=_zone)
    history: tuple[CaseEvent, ...] = attrs.field(default=(), converter=_history)
    status: Status = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        status = Status.REPORTED
        last = self.reported_at
        for i, event in enumerate(self.history):
            if not isinstance(event, CaseEvent):
                raise CaseError(
                    f"{event!r} is not a CaseEvent", field=f"history[{i}]", hint="give CaseEvent"
                )
            status = _step(status, last, event, _LOOSE, f"history[{i}]", self.id)
            last = event.at
        object.__setattr__(self, "status", status)

    @classmethod
    def new(
        cls,
        id: str,
        category: str,
        grid: str,
        *,
        reported_at: _dt.datetime,
        source: Source | str = Source.SUPERVISOR,
        urgency: Urgency | str = Urgency.NORMAL,
        segment: str | None = None,
        zone: ZoneTier | str | None = None,
        history: tuple[CaseEvent, ...] = (),
        taxonomy: Taxonomy | None = None,
        hierarchy: Hierarchy | None = None,
    ) -> Case:
        """A case whose category is given by slug, Chinese name, alias or code, resolved
        with ``taxonomy`` (default: the bundled one); with ``hierarchy``, the grid (and
        the segment, when given) must be one of its units (segments).

        Raises
        ------
        CaseError
            Naming the field: an unknown category (with a did-you-mean), a grid that is
            not a unit code or not in ``hierarchy``, and every check of :class:`Case`.

        >>> import datetime as _dt
        >>> from zoneinfo import ZoneInfo
        >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        >>> Case.new("A2", "E0501", "320102001001001", reported_at=t, source="热线").category
        'unlicensed_vendor'
        >>> Case.new("A2", "E0501", "abc", reported_at=t)
        Traceback (most recent call last):
        ...
        urbangov.errors.CaseError: grid: 'abc' is not a unit code: ...
        """
        tax = taxonomy if taxonomy is not None else Taxonomy.default()
        try:
            slug = tax.resolve(category, field="category").slug
        except UrbangovError as exc:
            raise CaseError(exc.message, field="category", hint=exc.hint) from None
        if hierarchy is not None:
            _in_hierarchy(hierarchy, check_grid(grid), segment)
        return cls(
            id=id,
            category=slug,
            grid=grid,
            source=source,
            urgency=urgency,
            reported_at=reported_at,
            segment=segment,
            zone=zone,
            history=history,
        )

    # ------------------------------------------------------------- derived views

    def _first(self, kind: EventKind) -> CaseEvent | None:
        for event in self.history:
            if event.kind is kind:
                return event
        return None

    def _count(self, kind: EventKind) -> int:
        return sum(1 for event in self.history if event.kind is kind)

    @property
    def accepted_at(self) -> _dt.datetime | None:
        """When it was accepted (受理), or ``None``."""
        event = self._first(EventKind.ACCEPT)
        return None if event is None else event.at

    @property
    def filed_at(self) -> _dt.datetime | None:
        """When it was filed (立案; the first ``file``), or ``None``."""
        event = self._first(EventKind.FILE)
        return None if event is None else event.at

    @property
    def dispatched_at(self) -> _dt.datetime | None:
        """The first dispatch (派遣) — where the handling limit starts — or ``None``."""
        event = self._first(EventKind.DISPATCH)
        return None if event is None else event.at

    @property
    def closed_at(self) -> _dt.datetime | None:
        """When it was closed (结案), or ``None``."""
        event = self._first(EventKind.CLOSE)
        return None if event is None else event.at

    @property
    def rework_count(self) -> int:
        """How many times verification failed (返工)."""
        return self._count(EventKind.VERIFY_FAIL)

    @property
    def extension_count(self) -> int:
        """How many extensions were approved (延期)."""
        return self._count(EventKind.EXTEND)

    @property
    def suspension_count(self) -> int:
        """How many times it was suspended (缓办)."""
        return self._count(EventKind.SUSPEND)

    @property
    def send_back_count(self) -> int:
        """How many times a department sent it back (回退)."""
        return self._count(EventKind.SEND_BACK)

    @property
    def extensions(self) -> tuple[TimeLimit, ...]:
        """The approved extensions, in order."""
        return tuple(e.extension for e in self.history if e.extension is not None)

    @property
    def department(self) -> str | None:
        """The department currently holding it: the last dispatch's, unless it was sent
        back since (then ``None`` until the next dispatch)."""
        current: str | None = None
        for event in self.history:
            if event.kind is EventKind.DISPATCH:
                current = event.department
            elif event.kind is EventKind.SEND_BACK:
                current = None
        return current

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department it was dispatched to, in order (repeats kept)."""
        return tuple(e.department for e in self.history if e.department is not None)

    @property
    def outcome(self) -> Outcome | None:
        """The last enforcement outcome recorded (立案查处 / 教育整改), or ``None``."""
        for event in reversed(self.history):
            if event.outcome is not None:
                return event.outcome
        return None

    @property
    def first_asked(self) -> str | None:
        """The first receiver (首问): the actor of the first event, or ``None``."""
        return self.history[0].actor if self.history else None

    @property
    def last_at(self) -> _dt.datetime:
        """The time of the last event (``reported_at`` when there is none)."""
        return self.history[-1].at if self.history else self.reported_at


def _in_hierarchy(hierarchy: Hierarchy, grid: str, segment: str | None) -> None:
    if grid not in hierarchy:
        raise CaseError(
            f"{grid!r} is no unit of the hierarchy",
            field="grid",
            hint="give the code of one of its units (check the digits)",
        )
    if segment is not None:
        try:
            hierarchy.segment(segment)
        except UrbangovError:
            raise CaseError(
                f"{segment!r} is no road segment of the hierarchy",
                field="segment",
                hint="give the code of one of its segments, or leave segment out",
            ) from None


# ---------------------------------------------------------------- applying events


def _step(
    status: Status,
    last: _dt.datetime,
    event: CaseEvent,
    table: FrozenMap[Status, FrozenMap[EventKind, Status]],
    field: str,
    case_id: str,
) -> Status:
    nxt = table[status].get(event.kind)
    if nxt is None:
        allowed = ", ".join(k.value for k in EventKind if k in table[status]) or "none"
        raise TransitionError(
            f"case {case_id}: {event.kind.value} ({event.kind.chinese}) is not allowed in "
            f"state {status.value} ({status.chinese}); allowed: {allowed}",
            field=field,
            hint="a closed, rejected or voided case takes no more events"
            if status.terminal
            else "see the transition table in docs/cases.md",
        )
    if _earlier(event.at, last):
        raise TransitionError(
            f"case {case_id}: {event.kind.value} at {event.at.isoformat()} is earlier than "
            f"the event before it ({last.isoformat()})",
            field=field,
            hint="events never go back in time; give them in order",
        )
    return nxt


_NEW = object.__new__
_SET = object.__setattr__
_KEPT = tuple(f.name for f in attrs.fields(Case) if f.name not in ("history", "status"))
# Read-only views of the tables for the hot path (C-level lookups).
_FAST_STRICT = MappingProxyType({s: MappingProxyType(dict(t)) for s, t in _STRICT.items()})
_FAST_LOOSE = MappingProxyType({s: MappingProxyType(dict(t)) for s, t in _LOOSE.items()})


def apply(
    case: Case, event: CaseEvent, rules: WorkflowRules | HasWorkflow = _DEFAULT_RULES
) -> Case:
    """The case after ``event`` (a new value; ``case`` is unchanged).

    Parameters
    ----------
    case
        The case.
    event
        The next :class:`CaseEvent`.
    rules
        :class:`WorkflowRules`, or a Policy (its ``workflow`` section, at the date the
        case was reported).

    Raises
    ------
    TransitionError
        Naming the state, the event and the allowed events, or an event earlier than the
        one before it (instants are compared, so a later wall-clock time on the repeated
        hour of a daylight-saving change can still be earlier).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A3", "暴露垃圾", "320102001001001", reported_at=t)
    >>> apply(case, CaseEvent("file", t))
    Traceback (most recent call last):
    ...
    urbangov.errors.TransitionError: history[0]: case A3: file (立案) is not allowed in
    state reported (上报); allowed: accept, reject; see the transition table in docs/cases.md
    """
    if type(rules) is WorkflowRules:
        loose = rules.close_without_verification
    else:
        loose = _rules_of(rules, case.reported_at.date()).close_without_verification
    if type(event) is not CaseEvent and not isinstance(event, CaseEvent):
        raise CaseError(f"{event!r} is not a CaseEvent", field="event", hint="give one")
    history = case.history
    status = case.status
    nxt = (_FAST_LOOSE if loose else _FAST_STRICT)[status].get(event.kind)
    last = history[-1].at if history else case.reported_at
    if nxt is None or _earlier(event.at, last):
        # the slow path builds the message (and raises)
        _step(
            status,
            last,
            event,
            _LOOSE if loose else _STRICT,
            f"history[{len(history)}]",
            case.id,
        )
    # attrs.evolve without re-validating: every field is copied (a field added later
    # is kept), and only the new event is checked (above), not the whole history again.
    new = _NEW(Case)
    for name in _KEPT:
        _SET(new, name, getattr(case, name))
    _SET(new, "history", (*history, event))
    _SET(new, "status", nxt)
    return new


def replay(case: Case, rules: WorkflowRules | HasWorkflow = _DEFAULT_RULES) -> Case:
    """Re-apply a case's history from the start under ``rules`` (a strict check: the
    constructor accepts any history valid under some :class:`WorkflowRules`).

    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> steps = [CaseEvent("accept", t), CaseEvent("file", t)]
    >>> case = Case.new("A4", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> replay(case) == case
    True
    """
    out = attrs.evolve(case, history=())
    for event in case.history:
        out = apply(out, event, rules)
    return out


def first_asked_owner(
    case: Case,
    rules: WorkflowRules | HasWorkflow = _DEFAULT_RULES,
    at: _dt.datetime | None = None,
) -> str | None:
    """Who is accountable under first-asked responsibility (首问负责制) at ``at``.

    The first receiver (the actor of the case's first event) stays accountable until the
    point ``rules.first_asked_until`` names — the first dispatch, the first report back
    (``handle``) or closure — or until the case is rejected or voided.

    Parameters
    ----------
    case
        The case.
    rules
        :class:`WorkflowRules` or a Policy.
    at
        The moment asked about (aware); default: after the whole history.

    Returns
    -------
    str or None
        The first receiver, or ``None`` when the responsibility has ended (or nobody
        received the case yet, or the receiver is not recorded).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> steps = [CaseEvent("accept", t, actor="op1"), CaseEvent("file", t),
    ...          CaseEvent("dispatch", t, department="street")]
    >>> case = Case.new("A5", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> first_asked_owner(case) is None
    True
    >>> first_asked_owner(case, WorkflowRules(first_asked_until="close"))
    'op1'
    """
    section = _rules_of(rules, case.reported_at.date())
    when = None if at is None else _aware("at", at)
    end = {
        FirstAskedUntil.DISPATCH: EventKind.DISPATCH,
        FirstAskedUntil.HANDLE: EventKind.HANDLE,
        FirstAskedUntil.CLOSE: EventKind.CLOSE,
    }[section.first_asked_until]
    if not case.history or (when is not None and case.history[0].at > when):
        return None
    for event in case.history:
        if when is not None and event.at > when:
            break
        if event.kind is end or event.kind in (EventKind.REJECT, EventKind.VOID):
            return None
    return case.first_asked
