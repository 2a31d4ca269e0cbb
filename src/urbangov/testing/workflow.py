"""``WorkflowMachine``: a Hypothesis state machine over :func:`urbangov.cases.apply`.

The machine drives cases through random events — mostly allowed ones, sometimes
forbidden ones and events earlier than the last — and checks after every step that:

- allowed events move the case to the status the **model** table says (the table is
  written out here independently of ``urbangov.cases``, from the table of docs/cases.md);
- forbidden events and events going back in time raise
  :class:`~urbangov.errors.TransitionError` naming the state and the allowed events, and
  leave the case unchanged;
- every reachable status is legal, the history replays to the same case, the derived
  counts and times match the history, and the columnar form agrees with the case.

So that a run reaches every status and takes every transition of the model:

- each case starts at REPORTED or with a transition of the model (its status reached
  from REPORTED by the shortest way, every step checked), the next start in turn whose
  transition the run has not taken yet;
- two rules take allowed events: :meth:`~WorkflowMachine.move_on` the one that moves
  the case on towards closing, :meth:`~WorkflowMachine.allowed_event` any allowed one,
  preferring one the run has not taken yet;
- a case at an end (closed, rejected, voided) is followed by a new one.

:meth:`WorkflowMachine.observe` sees every transition taken, e.g. to assert that a run
covered the model.

Run it as a test by exposing its ``TestCase``:

>>> from hypothesis import settings
>>> TestWorkflow = WorkflowMachine.TestCase
>>> TestWorkflow.settings = settings(max_examples=5, stateful_step_count=10, deadline=None)

Subclass it for your own workflow rules: set :attr:`WorkflowMachine.workflow_rules`
(and :attr:`WorkflowMachine.taxonomy` for your categories); override :meth:`model` if
your rules change the table, :meth:`event_for` to shape events (your departments,
extensions), :meth:`observe` to record the transitions taken, or add
``@rule``/``@invariant`` methods of your own:

>>> from urbangov.cases import WorkflowRules
>>> class NoVerification(WorkflowMachine):
...     workflow_rules = WorkflowRules(close_without_verification=True)
>>> from urbangov.cases import EventKind, Status
>>> NoVerification.model()[Status.HANDLED][EventKind.CLOSE]
<Status.CLOSED: 'closed'>
"""

from __future__ import annotations

import collections
import datetime as _dt
import pickle
from collections.abc import Mapping
from typing import ClassVar

import attrs

from urbangov.testing._extra import require_hypothesis

require_hypothesis()  # the 'testing' extra, named in the error when it is missing

from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import (  # noqa: E402
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from urbangov.cases import (  # noqa: E402
    Case,
    CaseColumns,
    CaseEvent,
    EventKind,
    Status,
    WorkflowRules,
    apply,
    replay,
)
from urbangov.errors import TransitionError  # noqa: E402
from urbangov.taxonomy import Taxonomy  # noqa: E402
from urbangov.testing import strategies as us  # noqa: E402

__all__ = ["WorkflowMachine"]

_S, _E = Status, EventKind


class WorkflowMachine(RuleBasedStateMachine):
    """A ``RuleBasedStateMachine`` for the case workflow (案件流程); public so that users
    can subclass it for their own :class:`~urbangov.cases.WorkflowRules`."""

    #: The rules under test; override in a subclass.
    workflow_rules: ClassVar[WorkflowRules] = WorkflowRules()
    #: The taxonomy cases are drawn from (``None``: the bundled one).
    taxonomy: ClassVar[Taxonomy | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.case: Case | None = None
        self.expected: Status = Status.REPORTED
        self.applied: list[EventKind] = []
        self._model = self.model()
        self._forward = self.forward()
        self._paths = _shortest_paths(self._model, Status.REPORTED)
        order = list(Status).index
        # how each case starts: at REPORTED, or through one transition of the model
        self._starts: list[tuple[Status, EventKind | None]] = [(Status.REPORTED, None)]
        self._starts += sorted(
            ((status, kind) for status in self._paths for kind in self._model[status]),
            key=lambda sk: (order(sk[0]), sk[1]),
        )
        self._turn = 0
        self._taken: set[tuple[Status, EventKind]] = set()  # by this run, so far
        self._tried: set[tuple[Status, EventKind]] = set()  # forbidden ones tried

    # ----------------------------------------------------------------- the model

    @classmethod
    def model(cls) -> Mapping[Status, Mapping[EventKind, Status]]:
        """The expected transition table of docs/cases.md, written out independently of
        ``urbangov.cases`` (plus HANDLED → ``close`` with ``close_without_verification``)."""
        table: dict[Status, dict[EventKind, Status]] = {
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
        if cls.workflow_rules.close_without_verification:
            table[_S.HANDLED][_E.CLOSE] = _S.CLOSED
        return table

    @classmethod
    def forward(cls) -> Mapping[Status, EventKind]:
        """For each open status, the allowed event on a shortest way to CLOSED in
        :meth:`model` (the first in sorted order among equals): the event
        :meth:`move_on` takes there.

        >>> WorkflowMachine.forward()[Status.DISPATCHED]
        <EventKind.HANDLE: 'handle'>
        """
        model = cls.model()
        distance = {Status.CLOSED: 0}
        changed = True
        while changed:  # Bellman–Ford over a table of ten states
            changed = False
            for status, moves in model.items():
                best = min((distance[t] + 1 for t in moves.values() if t in distance), default=None)
                if best is not None and best < distance.get(status, best + 1):
                    distance[status] = best
                    changed = True
        out: dict[Status, EventKind] = {}
        for status, moves in model.items():
            ways = sorted((distance[t], k) for k, t in moves.items() if t in distance)
            if ways:
                out[status] = ways[0][1]
        return out

    def event_for(self, data: st.DataObject, kind: EventKind, after: _dt.datetime) -> CaseEvent:
        """Draw a well-formed event of ``kind`` at or after ``after`` (override to shape
        your events)."""
        return data.draw(us.case_events(kind, after), label=f"{kind.value} event")

    def observe(self, before: Status, kind: EventKind, after: Status) -> None:
        """Called after each transition the machine takes and checks (override it to
        record them, e.g. to assert that a run took every transition of the model)."""

    # ----------------------------------------------------------------- rules

    @initialize(data=st.data())
    def report(self, data: st.DataObject) -> None:
        """Start from a freshly reported case: left at REPORTED, or taken through a
        transition of the model by the shortest way to that transition's status (each
        step checked like :meth:`allowed_event`). The first case of a run starts in a
        way drawn from all of them; each next case in the next way, in turn."""
        self._turn = data.draw(st.integers(0, len(self._starts) - 1), label="first start")
        self._start(data)

    def _start(self, data: st.DataObject) -> None:
        self.case = data.draw(us.fresh_cases(self.taxonomy), label="fresh case")
        self.expected = Status.REPORTED
        self.applied = []
        n = len(self._starts)
        for skip in range(n):  # the next start in turn whose transition is still new
            status, kind = self._starts[(self._turn + skip) % n]
            if kind is None or (status, kind) not in self._taken:
                break
        self._turn += skip + 1
        for step in self._paths[status]:
            self._take(data, step)
        if kind is not None:
            self._take(data, kind)

    def _take(self, data: st.DataObject, kind: EventKind) -> None:
        """Apply an allowed event of ``kind``: the case moves to the model's status."""
        case = self._current()
        before = self.expected
        event = self.event_for(data, kind, case.last_at)
        new = apply(case, event, self.workflow_rules)
        assert new.status is self._model[before][kind], (before, kind, new.status)
        assert new.history == (*case.history, event)
        self.case, self.expected = new, new.status
        self.applied.append(kind)
        self._taken.add((before, kind))
        self.observe(before, kind, new.status)

    def _current(self) -> Case:
        assert self.case is not None, "the machine has no case yet"
        return self.case

    def _open(self) -> bool:
        return bool(self._model[self.expected])

    @rule(data=st.data())
    def move_on(self, data: st.DataObject) -> None:
        """The :meth:`forward` event moves the case on towards closing (a case at an
        end is followed by a new one first, see :meth:`report`)."""
        if self._next_case_if_ended(data):
            kind = self._forward.get(self.expected, min(self._model[self.expected]))
            self._take(data, kind)

    @rule(data=st.data())
    def allowed_event(self, data: st.DataObject) -> None:
        """Any event the model allows moves the case to the model's next status, one
        this run has not taken from this status yet if there is one (a case at an end
        is followed by a new one first, see :meth:`report`)."""
        if self._next_case_if_ended(data):
            allowed = sorted(self._model[self.expected])
            new = [k for k in allowed if (self.expected, k) not in self._taken]
            self._take(data, data.draw(st.sampled_from(new or allowed), label="allowed kind"))

    def _next_case_if_ended(self, data: st.DataObject) -> bool:
        """Start new cases while the case is at an end (no allowed event); whether it
        is open now."""
        for _ in self._starts:
            if self._open():
                return True
            self._start(data)
        return self._open()

    @rule(data=st.data())
    def forbidden_event(self, data: st.DataObject) -> None:
        """An event the model forbids raises TransitionError and changes nothing (one
        this run has not tried in this status yet, if there is one)."""
        case = self._current()
        forbidden = [k for k in EventKind if k not in self._model[self.expected]]
        new = [k for k in forbidden if (self.expected, k) not in self._tried]
        kind = data.draw(st.sampled_from(new or forbidden), label="forbidden kind")
        self._tried.add((self.expected, kind))
        event = self.event_for(data, kind, case.last_at)
        snapshot = pickle.dumps(case)
        text = _refusal(case, event, self.workflow_rules)
        assert text is not None, f"{kind.value} was allowed in {self.expected.value}"
        assert self.expected.value in text, text
        assert kind.value in text, text
        for allowed in self.model()[self.expected]:
            assert allowed.value in text, (allowed, text)
        assert pickle.dumps(case) == snapshot
        assert self.case is case

    @precondition(lambda self: self._open())
    @rule(data=st.data(), back=st.integers(1, 10**6))
    def event_back_in_time(self, data: st.DataObject, back: int) -> None:
        """An allowed event earlier than the last one raises TransitionError."""
        case = self._current()
        kind = data.draw(st.sampled_from(sorted(self.model()[self.expected])), label="kind")
        earlier = case.last_at - _dt.timedelta(seconds=back)
        event = self.event_for(data, kind, earlier)
        if event.at >= case.last_at:
            return  # the drawn gap reached the present: nothing to test
        text = _refusal(case, event, self.workflow_rules)
        assert text is not None, "an event going back in time was accepted"
        assert "earlier" in text, text

    # ----------------------------------------------------------------- invariants

    @invariant()
    def status_is_legal(self) -> None:
        """The status is a state of the table, the one the model expects, and the
        history replays to the same case (through apply and through the constructor)."""
        if self.case is None:
            return
        case = self.case
        assert case.status in self.model()
        assert case.status is self.expected
        assert replay(case, self.workflow_rules) == case
        fields = {f.name: getattr(case, f.name) for f in attrs.fields(Case) if f.init}
        assert Case(**fields) == case

    @invariant()
    def derived_fields_match_history(self) -> None:
        """Counts and times derived from the case agree with the events applied."""
        if self.case is None:
            return
        case = self.case
        counts = collections.Counter(self.applied)
        assert [e.kind for e in case.history] == self.applied
        assert case.rework_count == counts[_E.VERIFY_FAIL]
        assert case.extension_count == counts[_E.EXTEND]
        assert case.suspension_count == counts[_E.SUSPEND]
        assert case.send_back_count == counts[_E.SEND_BACK]
        assert (case.filed_at is None) == (counts[_E.FILE] == 0)
        assert (case.closed_at is None) == (case.status is not Status.CLOSED)
        assert (case.dispatched_at is None) == (counts[_E.DISPATCH] == 0)
        assert len(case.extensions) == counts[_E.EXTEND]

    @rule()
    def columns_agree(self) -> None:
        """The columnar form round-trips and derives the same fields (a rule, not an
        invariant: it runs at random steps, which keeps the machine fast)."""
        if self.case is None:
            return
        case = self.case
        cols = CaseColumns.from_cases([case])
        assert not cols.invalid(self.workflow_rules).any()
        assert cols.to_cases() == (case,)
        derived = cols.derived()
        assert tuple(Status)[int(derived.status[0])] is case.status
        assert int(derived.rework_count[0]) == case.rework_count
        assert int(derived.extension_count[0]) == case.extension_count
        assert int(derived.suspension_count[0]) == case.suspension_count

    def teardown(self) -> None:
        """Nothing to release (values only)."""


def _shortest_paths(
    model: Mapping[Status, Mapping[EventKind, Status]], origin: Status
) -> dict[Status, tuple[EventKind, ...]]:
    """The events of a shortest way from ``origin`` to each status the model reaches
    (breadth first, events in sorted order)."""
    paths: dict[Status, tuple[EventKind, ...]] = {origin: ()}
    frontier = [origin]
    while frontier:
        nxt = []
        for status in frontier:
            for kind, target in sorted(model.get(status, {}).items()):
                if target not in paths:
                    paths[target] = (*paths[status], kind)
                    nxt.append(target)
        frontier = nxt
    return paths


def _refusal(case: Case, event: CaseEvent, rules: WorkflowRules) -> str | None:
    """The message of the TransitionError that applying ``event`` raises, or ``None``."""
    try:
        apply(case, event, rules)
    except TransitionError as exc:
        return str(exc)
    return None
