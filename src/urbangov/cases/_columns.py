"""The columnar form of many cases: :class:`CaseColumns` (private; see ``urbangov.cases``).

Per event: ``case`` (int64 index into the cases), ``kind`` (int8, :attr:`EventKind.code`),
``at`` (``datetime64[ns]`` UTC), ``extension_min`` and ``extension_unit``, plus the
event's department, actor, outcome and note as int codes into lookup tuples. Per case:
``ids``, ``category``, ``grid``, ``segment``, ``urgency``, ``source``, ``zone`` as int
codes with lookup tuples, and ``reported_at``. Every array is read-only; ``-1`` means
"none". Events are kept grouped by case (a stable sort), in their given order within a
case.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
import operator
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov.calendar import TimeLimit, TimeUnit
from urbangov.cases._derived import DerivedColumns, derive
from urbangov.cases._events import CaseEvent
from urbangov.cases._states import (
    EventKind,
    HasWorkflow,
    Outcome,
    Status,
    WorkflowRules,
    _rules_of,
)
from urbangov.cases._validity import invalid_mask, problem_messages
from urbangov.cases._workflow import Case
from urbangov.errors import CaseLogError, TransitionError
from urbangov.frozen import readonly_array
from urbangov.vocabulary import Source, Urgency, ZoneTier

__all__ = ["CaseColumns", "DerivedColumns"]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_US = _dt.timedelta(microseconds=1)

KINDS: tuple[EventKind, ...] = tuple(EventKind)
STATUSES: tuple[Status, ...] = tuple(Status)
URGENCIES: tuple[Urgency, ...] = tuple(Urgency)
SOURCES: tuple[Source, ...] = tuple(Source)
ZONES: tuple[ZoneTier, ...] = tuple(ZoneTier)
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
UNITS: tuple[TimeUnit, ...] = tuple(TimeUnit)
_MINUTES_PER = {
    TimeUnit.WORKING_HOURS: 60,
    TimeUnit.HOURS: 60,
    TimeUnit.WORKING_MINUTES: 1,
    TimeUnit.MINUTES: 1,
    TimeUnit.WORKING_DAYS: 1,
    TimeUnit.DAYS: 1,
}


def _ns(value: _dt.datetime) -> int:
    return ((value - _EPOCH) // _US) * 1000


# The per-event arrays besides ``case`` (one value per event, in ``case`` order).
_EVENT_ARRAYS = (
    "kind",
    "at",
    "extension_min",
    "extension_unit",
    "event_department",
    "actor",
    "outcome",
    "note",
)


def _ro(value: object, dtype: Any, field: str) -> NDArray[Any]:
    return readonly_array(value, dtype, field=field, error=CaseLogError)


_DTYPES: dict[str, Any] = {
    "category": np.int32,
    "grid": np.int32,
    "urgency": np.int8,
    "source": np.int8,
    "zone": np.int8,
    "reported_at": "datetime64[ns]",
    "segment": np.int32,
    "case": np.int64,
    "kind": np.int8,
    "at": "datetime64[ns]",
    "extension_min": np.int64,
    "extension_unit": np.int8,
    "event_department": np.int32,
    "actor": np.int32,
    "outcome": np.int8,
    "note": np.int32,
}


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _codes_in(arr: NDArray[Any], size: int, field: str, *, none: bool) -> None:
    if arr.size == 0:
        return
    low = -1 if none else 0
    if arr.min() >= low and arr.max() < size:
        return
    bad = (arr < low) | (arr >= size)
    if bad.any():
        i = int(np.argmax(bad))
        raise CaseLogError(
            f"code {int(arr[i])} at row {i} is outside 0..{size - 1}"
            + (" (or -1 for none)" if none else ""),
            field=field,
            hint="codes index the matching lookup tuple",
        )


@attrs.frozen(eq=False)
class CaseColumns:
    """Many cases as read-only numpy columns (the form the simulation and KPIs read).

    Build with :meth:`from_cases` (or from arrays, as ``urbangov.io`` does); go back with
    :meth:`to_cases`. :meth:`invalid` checks every event against the transition table at
    once; :meth:`derived` gives filed, dispatched and closed times and the counts. As a
    case log (files, Arrow tables, pandas and polars data frames) see ``urbangov.io``:
    ``io.read_columns``, ``io.to_arrow(columns)``, ``io.from_arrow(table)``.

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import Case, CaseEvent
    >>> t = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> steps = [CaseEvent("accept", t), CaseEvent("file", t),
    ...          CaseEvent("dispatch", t, department="street")]
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> cols = CaseColumns.from_cases([case])
    >>> cols.kind.tolist(), cols.n_cases, cols.n_events
    ([0, 2, 3], 1, 3)
    >>> bool(cols.invalid().any())
    False
    >>> cols.to_cases() == (case,)
    True
    """

    ids: tuple[str, ...] = attrs.field(converter=_strings)
    category: NDArray[np.int32] = attrs.field()
    categories: tuple[str, ...] = attrs.field(converter=_strings)
    grid: NDArray[np.int32] = attrs.field()
    grids: tuple[str, ...] = attrs.field(converter=_strings)
    urgency: NDArray[np.int8] = attrs.field()
    source: NDArray[np.int8] = attrs.field()
    zone: NDArray[np.int8] = attrs.field()
    reported_at: NDArray[np.datetime64] = attrs.field()
    case: NDArray[np.int64] = attrs.field()
    kind: NDArray[np.int8] = attrs.field()
    at: NDArray[np.datetime64] = attrs.field()
    extension_min: NDArray[np.int64] = attrs.field()
    extension_unit: NDArray[np.int8] = attrs.field()
    event_department: NDArray[np.int32] = attrs.field()
    departments: tuple[str, ...] = attrs.field(converter=_strings)
    actor: NDArray[np.int32] = attrs.field()
    actors: tuple[str, ...] = attrs.field(converter=_strings)
    outcome: NDArray[np.int8] = attrs.field()
    note: NDArray[np.int32] = attrs.field()
    notes: tuple[str, ...] = attrs.field(converter=_strings)
    segment: NDArray[np.int32] = attrs.field()
    segments: tuple[str, ...] = attrs.field(converter=_strings)

    #: Lookup tuples of the enum-coded columns (codes are positions).
    URGENCIES = URGENCIES
    SOURCES = SOURCES
    ZONES = ZONES
    KINDS = KINDS
    STATUSES = STATUSES
    OUTCOMES = OUTCOMES
    UNITS = UNITS

    def __attrs_post_init__(self) -> None:
        for name, dtype in _DTYPES.items():
            object.__setattr__(self, name, _ro(getattr(self, name), dtype, name))
        n = len(self.ids)
        for name in ("category", "grid", "urgency", "source", "zone", "reported_at", "segment"):
            if len(getattr(self, name)) != n:
                raise CaseLogError(
                    f"has {len(getattr(self, name))} rows for {n} cases",
                    field=name,
                    hint="give one value per case",
                )
        m = len(self.case)
        for name in _EVENT_ARRAYS:
            if len(getattr(self, name)) != m:
                raise CaseLogError(
                    f"has {len(getattr(self, name))} rows for {m} events",
                    field=name,
                    hint="give one value per event",
                )
        _codes_in(self.category, len(self.categories), "category", none=False)
        _codes_in(self.grid, len(self.grids), "grid", none=False)
        _codes_in(self.segment, len(self.segments), "segment", none=True)
        _codes_in(self.urgency, len(URGENCIES), "urgency", none=False)
        _codes_in(self.source, len(SOURCES), "source", none=False)
        _codes_in(self.zone, len(ZONES), "zone", none=True)
        _codes_in(self.case, n, "case", none=False)
        _codes_in(self.kind, len(KINDS), "kind", none=False)
        _codes_in(self.extension_unit, len(UNITS), "extension_unit", none=True)
        _codes_in(self.event_department, len(self.departments), "event_department", none=True)
        _codes_in(self.actor, len(self.actors), "actor", none=True)
        _codes_in(self.outcome, len(OUTCOMES), "outcome", none=True)
        _codes_in(self.note, len(self.notes), "note", none=True)
        if np.isnat(self.reported_at).any():
            raise CaseLogError("a case has no reported time", field="reported_at")
        if np.isnat(self.at).any():
            raise CaseLogError("an event has no time", field="at", hint="give every event a time")
        if not all(map(isinstance, self.ids, itertools.repeat(str))):
            bad = next(i for i, v in enumerate(self.ids) if not isinstance(v, str))
            raise CaseLogError(
                f"case {bad}'s id {self.ids[bad]!r} is not text (a str)",
                field="ids",
                hint="give each case its id as text",
            )
        # ids in ascending order (the engine's and most logs') are distinct without a set
        if (
            not all(map(operator.lt, self.ids, itertools.islice(self.ids, 1, None)))
            and len(set(self.ids)) != n
        ):
            raise CaseLogError("duplicate case ids", field="ids", hint="give each case its own id")
        if m > 1 and (self.case[1:] < self.case[:-1]).any():
            order = np.argsort(self.case, kind="stable")
            for name in ("case", *_EVENT_ARRAYS):
                arr = getattr(self, name)[order]
                arr.setflags(write=False)
                object.__setattr__(self, name, arr)

    # ------------------------------------------------------------------ basics

    @property
    def n_cases(self) -> int:
        """The number of cases."""
        return len(self.ids)

    @property
    def n_events(self) -> int:
        """The number of events."""
        return len(self.case)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CaseColumns):
            return NotImplemented
        for f in attrs.fields(CaseColumns):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, tuple):
                if a != b:
                    return False
            elif a.dtype != b.dtype or not np.array_equal(a, b):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # through the constructor, so that unpickled arrays are read-only again
        values = {f.name: getattr(self, f.name) for f in attrs.fields(CaseColumns)}
        return (functools.partial(CaseColumns, **values), ())

    # ------------------------------------------------------------------ conversion

    @classmethod
    def from_cases(cls, cases: Iterable[Case]) -> CaseColumns:
        """Columns for ``cases`` (in order); lookup tuples are sorted.

        >>> CaseColumns.from_cases([]).n_cases
        0
        """
        cases = tuple(cases)
        cat_codes = _lookup(c.category for c in cases)
        grid_codes = _lookup(c.grid for c in cases)
        seg_codes = _lookup(c.segment for c in cases if c.segment is not None)
        events = [e for c in cases for e in c.history]
        dep_codes = _lookup(e.department for e in events if e.department is not None)
        actor_codes = _lookup(e.actor for e in events if e.actor is not None)
        note_codes = _lookup(e.note for e in events if e.note)
        kind_code = {k: i for i, k in enumerate(KINDS)}
        unit_code = {u: i for i, u in enumerate(UNITS)}
        outcome_code = {o: i for i, o in enumerate(OUTCOMES)}
        ext_min: list[int] = []
        ext_unit: list[int] = []
        for e in events:
            if e.extension is None:
                ext_min.append(0)
                ext_unit.append(-1)
            else:
                ext_min.append(int(e.extension.amount * _MINUTES_PER[e.extension.unit]))
                ext_unit.append(unit_code[e.extension.unit])
        urg = {u: i for i, u in enumerate(URGENCIES)}
        src = {s: i for i, s in enumerate(SOURCES)}
        zon = {z: i for i, z in enumerate(ZONES)}
        return cls(
            ids=tuple(c.id for c in cases),
            category=np.array([cat_codes[c.category] for c in cases], dtype=np.int32),
            categories=tuple(cat_codes),
            grid=np.array([grid_codes[c.grid] for c in cases], dtype=np.int32),
            grids=tuple(grid_codes),
            urgency=np.array([urg[c.urgency] for c in cases], dtype=np.int8),
            source=np.array([src[c.source] for c in cases], dtype=np.int8),
            zone=np.array([-1 if c.zone is None else zon[c.zone] for c in cases], dtype=np.int8),
            reported_at=np.array([_ns(c.reported_at) for c in cases], dtype=np.int64).view(
                "datetime64[ns]"
            ),
            segment=np.array(
                [-1 if c.segment is None else seg_codes[c.segment] for c in cases], dtype=np.int32
            ),
            segments=tuple(seg_codes),
            case=np.repeat(np.arange(len(cases)), [len(c.history) for c in cases]),
            kind=np.array([kind_code[e.kind] for e in events], dtype=np.int8),
            at=np.array([_ns(e.at) for e in events], dtype=np.int64).view("datetime64[ns]"),
            extension_min=np.array(ext_min, dtype=np.int64),
            extension_unit=np.array(ext_unit, dtype=np.int8),
            event_department=np.array(
                [-1 if e.department is None else dep_codes[e.department] for e in events],
                dtype=np.int32,
            ),
            departments=tuple(dep_codes),
            actor=np.array(
                [-1 if e.actor is None else actor_codes[e.actor] for e in events], dtype=np.int32
            ),
            actors=tuple(actor_codes),
            outcome=np.array(
                [-1 if e.outcome is None else outcome_code[e.outcome] for e in events],
                dtype=np.int8,
            ),
            note=np.array([note_codes[e.note] if e.note else -1 for e in events], dtype=np.int32),
            notes=tuple(note_codes),
        )

    def to_cases(self, tz: str | _dt.tzinfo = "Asia/Shanghai") -> tuple[Case, ...]:
        """The cases as :class:`Case` values, times in ``tz`` (the constructor checks
        each history; use :meth:`check` first for one error naming every bad case).

        Raises
        ------
        CaseLogError
            If an instant is not a whole microsecond (``Case`` times are ``datetime``).
        """
        zone = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
        at_ns = self.at.view(np.int64)
        rep_ns = self.reported_at.view(np.int64)
        for name, arr in (("at", at_ns), ("reported_at", rep_ns)):
            if arr.size and (arr % 1000).any():
                raise CaseLogError(
                    "an instant is not a whole microsecond",
                    field=name,
                    hint="round the times to microseconds before converting to Case values",
                )
        starts = np.searchsorted(self.case, np.arange(self.n_cases + 1))
        out: list[Case] = []
        for i in range(self.n_cases):
            history = tuple(self._event(j, zone) for j in range(starts[i], starts[i + 1]))
            out.append(
                Case(
                    id=self.ids[i],
                    category=self.categories[self.category[i]],
                    grid=self.grids[self.grid[i]],
                    source=SOURCES[self.source[i]],
                    urgency=URGENCIES[self.urgency[i]],
                    reported_at=_instant(int(rep_ns[i]), zone),
                    segment=None if self.segment[i] < 0 else self.segments[self.segment[i]],
                    zone=None if self.zone[i] < 0 else ZONES[self.zone[i]],
                    history=history,
                )
            )
        return tuple(out)

    def _event(self, j: int, zone: _dt.tzinfo) -> CaseEvent:
        unit = int(self.extension_unit[j])
        extension = None
        if unit >= 0:
            u = UNITS[unit]
            amount = Decimal(int(self.extension_min[j])) / _MINUTES_PER[u]
            extension = TimeLimit(amount, u)
        dep, act, out, note = (
            int(self.event_department[j]),
            int(self.actor[j]),
            int(self.outcome[j]),
            int(self.note[j]),
        )
        return CaseEvent(
            KINDS[self.kind[j]],
            _instant(int(self.at.view(np.int64)[j]), zone),
            actor=None if act < 0 else self.actors[act],
            department=None if dep < 0 else self.departments[dep],
            extension=extension,
            outcome=None if out < 0 else OUTCOMES[out],
            note="" if note < 0 else self.notes[note],
        )

    # ------------------------------------------------------------------ validity

    def invalid(self, rules: WorkflowRules | HasWorkflow | None = None) -> NDArray[np.bool_]:
        """A boolean mask of the events the workflow does not allow (vectorised).

        An event is invalid if its kind is not allowed in the state the events before it
        leave, if it is earlier than the event before it (or than the case's
        ``reported_at``), or if it names a department without being a dispatch (or the
        reverse), an extension without being an extend (or the reverse), or an outcome
        on anything but handle or close. Only the first invalid event of a case is
        certain to be a real error: later ones are judged as if it had been valid.

        Parameters
        ----------
        rules
            :class:`WorkflowRules` or a Policy (default: the default rules).
        """
        return invalid_mask(self, self._loose(rules))

    def _loose(self, rules: WorkflowRules | HasWorkflow | None) -> bool:
        if rules is None:
            return False
        return _rules_of(rules, _dt.date.min).close_without_verification

    def problems(
        self, rules: WorkflowRules | HasWorkflow | None = None, *, limit: int | None = 20
    ) -> tuple[str, ...]:
        """One message per case with an invalid event, naming its first invalid event
        (at most ``limit`` messages; ``None`` for all)."""
        return problem_messages(self, self._loose(rules), limit)

    def check(self, rules: WorkflowRules | HasWorkflow | None = None) -> None:
        """Raise :class:`~urbangov.errors.TransitionError` if any event is invalid,
        naming the first invalid event of (up to 20) cases.

        Examples
        --------
        >>> import datetime
        >>> from urbangov.cases import Case, CaseEvent
        >>> t = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.UTC)
        >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t,
        ...                 history=[CaseEvent("accept", t)])
        >>> cols = CaseColumns.from_cases([case])
        >>> cols.check() is None
        True
        >>> import attrs
        >>> bad = attrs.evolve(cols, kind=[CaseColumns.KINDS.index("close")])
        >>> bad.check()
        Traceback (most recent call last):
        ...
        urbangov.errors.TransitionError: events: 1 case(s) with an invalid event: case A1: event 0
        (close) is not allowed in state reported; allowed: accept, reject; fix or drop these
        cases (CaseColumns.invalid gives the mask)
        """
        found = self.problems(rules)
        if found:
            total = int(np.unique(self.case[self.invalid(rules)]).size)
            raise TransitionError(
                f"{total} case(s) with an invalid event: " + "; ".join(found),
                field="events",
                hint="fix or drop these cases (CaseColumns.invalid gives the mask)",
            )

    # ------------------------------------------------------------------ derived fields

    def derived(self) -> DerivedColumns:
        """Per-case times, counts, final status and current department (vectorised).

        Assumes the events are valid (see :meth:`check`).

        Examples
        --------
        >>> import datetime
        >>> from urbangov.cases import Case, CaseEvent
        >>> t = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=datetime.UTC)
        >>> steps = [CaseEvent("accept", t), CaseEvent("file", t)]
        >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
        >>> d = CaseColumns.from_cases([case]).derived()
        >>> d.filed_at.tolist() == [1714986000000000000], d.rework_count.tolist()
        (True, [0])
        >>> CaseColumns.STATUSES[d.status[0]]
        <Status.FILED: 'filed'>
        """
        return derive(self)

    @property
    def department(self) -> NDArray[np.int32]:
        """Per case, the code (into ``departments``) of the department holding it."""
        return self.derived().department


def _lookup(values: Iterable[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def _instant(ns: int, zone: _dt.tzinfo) -> _dt.datetime:
    return (_EPOCH + _dt.timedelta(microseconds=ns // 1000)).astimezone(zone)
