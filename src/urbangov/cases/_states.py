"""Case statuses, event kinds, the transition table and the workflow rules (private).

Imported by :mod:`urbangov.cases`, which re-exports everything public here; see that
module and ``docs/cases.md``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, ClassVar, Protocol

import attrs

from urbangov.errors import PolicyError, UnknownTermError
from urbangov.frozen import FrozenMap
from urbangov.params import RuleSection
from urbangov.vocabulary import Term

__all__ = [
    "TARGET",
    "EventKind",
    "FirstAskedUntil",
    "HasWorkflow",
    "Outcome",
    "QueueDiscipline",
    "Status",
    "WorkflowRules",
    "allowed_events",
    "transitions",
]


class Status(Term):
    """Where a case stands in the workflow (案件状态).

    >>> Status.parse("结案")
    <Status.CLOSED: 'closed'>
    """

    REPORTED = "reported", "上报"
    """上报 — reported, not yet accepted."""
    ACCEPTED = "accepted", "受理"
    """受理 — accepted by the platform."""
    FILED = "filed", "立案"
    """立案 — filed as a case."""
    DISPATCHED = "dispatched", "派遣"
    """派遣 — dispatched to the responsible department."""
    HANDLED = "handled", "处置反馈"
    """处置反馈 — the department reported it handled."""
    VERIFIED = "verified", "核查通过"
    """核查通过 — the handling passed verification."""
    CLOSED = "closed", "结案"
    """结案 — closed."""
    REJECTED = "rejected", "不予受理"
    """不予受理/不予立案 — rejected."""
    VOIDED = "voided", "作废"
    """作废 — voided."""
    SUSPENDED = "suspended", "缓办"
    """缓办/挂账 — suspended (the clock stops)."""

    @property
    def code(self) -> int:
        """The int8 code used by :class:`~urbangov.cases.CaseColumns`."""
        return _STATUS_CODE[self]

    @property
    def terminal(self) -> bool:
        """Whether no event can follow (closed, rejected, voided)."""
        return self in _TERMINAL


_STATUS_CODE = {s: i for i, s in enumerate(Status)}
_TERMINAL = frozenset({Status.CLOSED, Status.REJECTED, Status.VOIDED})


class EventKind(Term):
    """What happens to a case (案件操作); the transition table says when.

    >>> EventKind.parse("派遣"), EventKind.parse("返工")
    (<EventKind.DISPATCH: 'dispatch'>, <EventKind.VERIFY_FAIL: 'verify_fail'>)
    """

    ACCEPT = "accept", "受理"
    """受理."""
    REJECT = "reject", "不予受理", "不予立案"
    """不予受理/不予立案."""
    FILE = "file", "立案"
    """立案."""
    DISPATCH = "dispatch", "派遣"
    """派遣 — to a department (``CaseEvent.department``)."""
    HANDLE = "handle", "处置反馈", "处置"
    """处置反馈 — the department reports it handled."""
    SEND_BACK = "send_back", "回退"
    """回退 — sent back as the wrong department; the case is filed again."""
    SUSPEND = "suspend", "缓办", "挂账"
    """缓办/挂账 — suspended."""
    RESUME = "resume", "恢复办理"
    """恢复办理 — resumed after a suspension."""
    EXTEND = "extend", "延期"
    """延期 — an approved extension (``CaseEvent.extension``)."""
    VERIFY_PASS = "verify_pass", "核查通过"
    """核查通过."""
    VERIFY_FAIL = "verify_fail", "核查不通过", "返工"
    """核查不通过 (返工) — back to the department for rework."""
    CLOSE = "close", "结案"
    """结案."""
    VOID = "void", "作废"
    """作废."""

    @property
    def code(self) -> int:
        """The int8 code used by :class:`~urbangov.cases.CaseColumns`."""
        return _EVENT_CODE[self]


_EVENT_CODE = {k: i for i, k in enumerate(EventKind)}


class Outcome(Term):
    """How an enforcement case ended, counted separately (《城市管理协管员考核办法》篇9).

    >>> Outcome.parse("教育整改")
    <Outcome.EDUCATED: 'educated'>
    """

    PENALISED = "penalised", "立案查处", "查处"
    """立案查处 — filed and punished."""
    EDUCATED = "educated", "教育整改"
    """教育整改 — corrected by education."""


class FirstAskedUntil(Term):
    """When first-asked responsibility (首问负责制) ends: a policy choice, since the
    source (《城市管理协管员考核办法》篇6) names the practice only."""

    DISPATCH = "dispatch", "派遣"
    """At the first dispatch (派遣)."""
    HANDLE = "handle", "处置反馈", "处置"
    """When the handling department first reports back (处置反馈)."""
    CLOSE = "close", "结案"
    """At closure (结案)."""


class QueueDiscipline(Term):
    """The order in which a department takes up its waiting cases (办理顺序): a policy
    choice, since the sources set limits but not the order of work. The simulation's
    department queues serve in this order (``docs/simulation.md``)."""

    FIFO = "fifo", "先派先办"
    """First dispatched, first handled (先派先办): arrival order."""
    EARLIEST_DUE = "earliest_due", "先到期先办"
    """The waiting case whose deadline comes first (先到期先办), so a shorter limit moves
    a case up the queue."""


# ---------------------------------------------------------------- transition table

_S, _E = Status, EventKind
_BASE: dict[Status, dict[EventKind, Status]] = {
    _S.REPORTED: {_E.ACCEPT: _S.ACCEPTED, _E.REJECT: _S.REJECTED},
    _S.ACCEPTED: {_E.FILE: _S.FILED, _E.REJECT: _S.REJECTED, _E.VOID: _S.VOIDED},
    _S.FILED: {_E.DISPATCH: _S.DISPATCHED, _E.VOID: _S.VOIDED},
    _S.DISPATCHED: {
        _E.HANDLE: _S.HANDLED,
        _E.SEND_BACK: _S.FILED,
        _E.SUSPEND: _S.SUSPENDED,
        _E.EXTEND: _S.DISPATCHED,
    },
    _S.SUSPENDED: {_E.RESUME: _S.DISPATCHED},
    _S.HANDLED: {_E.VERIFY_PASS: _S.VERIFIED, _E.VERIFY_FAIL: _S.DISPATCHED},
    _S.VERIFIED: {_E.CLOSE: _S.CLOSED},
    _S.CLOSED: {},
    _S.REJECTED: {},
    _S.VOIDED: {},
}
_STRICT: FrozenMap[Status, FrozenMap[EventKind, Status]] = FrozenMap(
    (s, FrozenMap(t)) for s, t in _BASE.items()
)
_LOOSE: FrozenMap[Status, FrozenMap[EventKind, Status]] = _STRICT.set(
    _S.HANDLED, FrozenMap({**_BASE[_S.HANDLED], _E.CLOSE: _S.CLOSED})
)
# Every event kind leads to one status whatever the rules: the columnar check relies on it.
TARGET: FrozenMap[EventKind, Status] = FrozenMap(
    (k, s) for table in _LOOSE.values() for k, s in table.items()
)


def _is_bool(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise PolicyError(
            f"{value!r} is not true or false",
            field=f"workflow.{attribute.name}",
            hint="write true or false",
        )


def _to_first_asked(value: object) -> FirstAskedUntil:
    try:
        return FirstAskedUntil.parse(value, field="workflow.first_asked_until")
    except UnknownTermError as exc:
        raise PolicyError(exc.message, field=exc.field, hint=exc.hint) from None


def _to_discipline(value: object) -> QueueDiscipline:
    try:
        return QueueDiscipline.parse(value, field="workflow.queue_discipline")
    except UnknownTermError as exc:
        raise PolicyError(exc.message, field=exc.field, hint=exc.hint) from None


@attrs.frozen
class WorkflowRules(RuleSection):
    """The Policy's ``workflow`` section: the choices a city makes about the workflow.

    Parameters
    ----------
    close_without_verification
        Allow ``close`` straight from HANDLED, for cities without a separate
        verification step (核查); ``verify_pass`` still works.
    first_asked_until
        When first-asked responsibility (首问负责制) ends: ``"dispatch"`` (default),
        ``"handle"`` or ``"close"`` — a policy choice, 《城市管理协管员考核办法》篇6 does not say.
    queue_discipline
        The order in which a department takes up waiting cases: ``"fifo"`` (default,
        first dispatched first) or ``"earliest_due"`` (the earliest deadline first) — a
        policy choice, the sources are silent; the simulation's queues follow it.

    Examples
    --------
    >>> WorkflowRules(first_asked_until="close").first_asked_until
    <FirstAskedUntil.CLOSE: 'close'>
    >>> WorkflowRules(queue_discipline="先到期先办").queue_discipline
    <QueueDiscipline.EARLIEST_DUE: 'earliest_due'>
    >>> WorkflowRules(close_without_verification=1)
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: workflow.close_without_verification: 1 is not true or false;
    write true or false
    """

    close_without_verification: bool = attrs.field(default=False, validator=_is_bool)
    first_asked_until: FirstAskedUntil = attrs.field(
        default=FirstAskedUntil.DISPATCH, converter=_to_first_asked
    )
    queue_discipline: QueueDiscipline = attrs.field(
        default=QueueDiscipline.FIFO, converter=_to_discipline
    )

    section: ClassVar[str] = "workflow"


_DEFAULT_RULES = WorkflowRules()


class HasWorkflow(Protocol):
    """Anything with a ``workflow`` section (a ``Policy``)."""

    @property
    def workflow(self) -> WorkflowRules: ...


def _rules_of(rules: WorkflowRules | HasWorkflow, on: _dt.date) -> WorkflowRules:
    return WorkflowRules.of(rules).at(on)


def transitions(
    rules: WorkflowRules | HasWorkflow = _DEFAULT_RULES,
) -> FrozenMap[Status, FrozenMap[EventKind, Status]]:
    """The transition table under ``rules``: status → event → next status.

    Examples
    --------
    >>> t = transitions()
    >>> t[Status.DISPATCHED][EventKind.SEND_BACK]
    <Status.FILED: 'filed'>
    >>> loose = transitions(WorkflowRules(close_without_verification=True))
    >>> loose[Status.HANDLED][EventKind.CLOSE]
    <Status.CLOSED: 'closed'>
    """
    section = _rules_of(rules, _dt.date.min)
    return _LOOSE if section.close_without_verification else _STRICT


def allowed_events(
    status: Status, rules: WorkflowRules | HasWorkflow = _DEFAULT_RULES
) -> tuple[EventKind, ...]:
    """The events allowed in ``status`` (in the order of :class:`EventKind`).

    >>> allowed_events(Status.REPORTED)
    (<EventKind.ACCEPT: 'accept'>, <EventKind.REJECT: 'reject'>)
    """
    table = transitions(rules)[status]
    return tuple(k for k in EventKind if k in table)
