"""Laws of deadlines: pauses, extensions, batch == scalar, rules fixed at filing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urbangov.calendar import TimeLimit, WorkCalendar
from urbangov.cases import Case, CaseColumns, CaseEvent, EventKind, Status, allowed_events
from urbangov.deadlines import (
    DeadlineRules,
    deadline,
    deadline_batch,
    due_at,
    due_at_batch,
    is_overdue,
    overdue_batch,
    warning_levels_batch,
    warnings,
)
from urbangov.params import Dated, Period

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar.china()
RULES = DeadlineRules()
CATEGORIES = (
    "exposed_garbage",  # 4 working hours
    "dirty_road",  # 2 working hours
    "accumulated_waste",  # 4 working days
    "sewage_manhole_cover",  # 6 hours (calendar)
    "street_light",  # the default row, 5 working days
    "illegal_small_ads",  # a major class without a row (E02): the default
)
EXTENSIONS = (
    TimeLimit.working_hours(2),
    TimeLimit.parse("1.5 working hours"),
    TimeLimit.working_days(1),
    TimeLimit.parse("3 hours"),
    TimeLimit.parse("1 days"),
    TimeLimit.parse("45 working minutes"),
)
settings_ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def steps() -> st.SearchStrategy[dt.timedelta]:
    """Gaps between events: none at all (two events at one instant, e.g. a suspension at
    the dispatch), whole minutes, sometimes odd seconds/microseconds."""
    return st.one_of(
        st.just(dt.timedelta(0)),
        st.integers(0, 3 * 24 * 60).map(lambda m: dt.timedelta(minutes=m)),
        st.integers(0, 3 * 86_400).map(lambda s: dt.timedelta(seconds=s)),
        st.integers(0, 10**9).map(lambda us: dt.timedelta(microseconds=us)),
    )


@st.composite
def cases(draw: st.DrawFn, *, ident: str = "A1") -> Case:
    """A case with a random but valid history in 2024–2025."""
    start = dt.datetime(2024, 1, 1, tzinfo=SH) + dt.timedelta(
        minutes=draw(st.integers(0, 700 * 24 * 60))
    )
    status, t = Status.REPORTED, start
    history: list[CaseEvent] = []
    for _ in range(draw(st.integers(0, 12))):
        allowed = sorted(allowed_events(status), key=lambda k: k.value)
        if not allowed:
            break
        weights = [5 if k in (EventKind.ACCEPT, EventKind.FILE, EventKind.DISPATCH) else 1
                   for k in allowed]  # fmt: skip
        kind = draw(st.sampled_from([k for k, w in zip(allowed, weights, strict=True)
                                     for _ in range(w)]))  # fmt: skip
        t = t + draw(steps())
        extra: dict[str, object] = {}
        if kind is EventKind.DISPATCH:
            extra["department"] = "street"
        if kind is EventKind.EXTEND:
            extra["extension"] = draw(st.sampled_from(EXTENSIONS))
        history.append(CaseEvent(kind, t, **extra))
        status = {
            EventKind.ACCEPT: Status.ACCEPTED,
            EventKind.REJECT: Status.REJECTED,
            EventKind.FILE: Status.FILED,
            EventKind.DISPATCH: Status.DISPATCHED,
            EventKind.HANDLE: Status.HANDLED,
            EventKind.SEND_BACK: Status.FILED,
            EventKind.SUSPEND: Status.SUSPENDED,
            EventKind.RESUME: Status.DISPATCHED,
            EventKind.EXTEND: Status.DISPATCHED,
            EventKind.VERIFY_PASS: Status.VERIFIED,
            EventKind.VERIFY_FAIL: Status.DISPATCHED,
            EventKind.CLOSE: Status.CLOSED,
            EventKind.VOID: Status.VOIDED,
        }[kind]
    return Case(
        id=ident,
        category=draw(st.sampled_from(CATEGORIES)),
        grid="320102001001001",
        urgency=draw(st.sampled_from(["normal", "urgent"])),
        zone=draw(st.sampled_from([None, "strict", "control", "general"])),
        reported_at=start,
        history=tuple(history),
    )


def dispatched(case: Case) -> Case:
    """The case with accept, file and dispatch prepended when it was never dispatched."""
    if case.dispatched_at is not None:
        return case
    t = case.reported_at
    base = [CaseEvent("accept", t), CaseEvent("file", t), CaseEvent("dispatch", t, department="s")]
    return attrs.evolve(case, history=tuple(base))


def _ns(t: dt.datetime | None) -> np.datetime64:
    if t is None:
        return np.datetime64("NaT", "ns")
    return np.datetime64(t.astimezone(dt.UTC).replace(tzinfo=None), "ns")


@st.composite
def rule_variants(draw: st.DrawFn) -> DeadlineRules:
    """The default rules, perhaps with rework restarts, other warning points, a tier
    override and limits that change on a date (so cases straddle two periods)."""
    rules = attrs.evolve(
        RULES,
        restart_on_rework=draw(st.booleans()),
        warning_points=draw(
            st.sampled_from([["0.5", "0.8"], ["0.333333"], ["0.25", "0.5", "0.75", "1"]])
        ),
    )
    if draw(st.booleans()):
        change = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
        new = draw(st.sampled_from(["1 working hours", "3 working days", "90 minutes"]))
        garbage = rules.categories["exposed_garbage"]
        rows = rules.categories.set(
            "exposed_garbage",
            attrs.evolve(
                garbage,
                normal=garbage.normal.since(change, TimeLimit.parse(new)),
                tiers={"strict": {"urgent": "30 working minutes"}},
            ),
        )
        rules = attrs.evolve(
            rules,
            categories=rows,
            default=attrs.evolve(
                rules.default, normal=rules.default.normal.since(change, TimeLimit.parse(new))
            ),
        )
    return rules


@settings_
@given(st.lists(cases(), min_size=1, max_size=6), rule_variants(), st.integers(0, 60 * 24 * 30))
def test_batch_equals_scalar(drawn: list[Case], rules: DeadlineRules, probe_min: int) -> None:
    """due_at_batch, overdue_batch and warning_levels_batch equal the scalar path."""
    cases_ = [attrs.evolve(c, id=f"C{i}") for i, c in enumerate(drawn)]
    cols = CaseColumns.from_cases(cases_)
    due = due_at_batch(cols, rules, CAL)
    assert due.dtype == np.dtype("datetime64[ns]")
    expected = np.array([_ns(due_at(c, rules, CAL)) for c in cases_], dtype="datetime64[ns]")
    assert due.view(np.int64).tolist() == expected.view(np.int64).tolist()
    at = cases_[0].reported_at + dt.timedelta(minutes=probe_min)
    over = overdue_batch(cols, rules, CAL, at)
    assert over.tolist() == [is_overdue(c, rules, CAL, at) for c in cases_]
    levels = warning_levels_batch(cols, rules, CAL, at)
    assert levels.tolist() == [len(warnings(c, rules, CAL, at)) for c in cases_]


@settings_
@given(st.lists(cases(), min_size=1, max_size=6), rule_variants(), st.integers(0, 60 * 24 * 30))
def test_deadline_batch_equals_deadline(
    drawn: list[Case], rules: DeadlineRules, probe_min: int
) -> None:
    """deadline_batch's start, due and stop equal deadline's, as known at any instant."""
    cases_ = [attrs.evolve(c, id=f"C{i}") for i, c in enumerate(drawn)]
    cols = CaseColumns.from_cases(cases_)
    at = cases_[0].reported_at + dt.timedelta(minutes=probe_min)
    for when in (None, at):
        got = deadline_batch(cols, rules, CAL, at=when)
        for i, c in enumerate(cases_):
            d = deadline(c, rules, CAL, at=when)
            want = (None, None, None) if d is None else (d.start, d.due, d.stopped)
            assert [_ns(t).view(np.int64) for t in want] == [
                got.start[i].view(np.int64), got.due[i].view(np.int64),
                got.stopped[i].view(np.int64),
            ]  # fmt: skip


@settings_
@given(cases(), st.lists(st.tuples(steps(), steps()), min_size=1, max_size=3))
def test_a_pause_never_moves_the_due_time_earlier(case: Case, gaps: list) -> None:
    """Adding a suspension (缓办) with its resume never brings the due time forward."""
    case = dispatched(case)
    head = [e for e in case.history if e.kind in (EventKind.ACCEPT, EventKind.FILE)]
    dispatch = next(e for e in case.history if e.kind is EventKind.DISPATCH)
    plain = attrs.evolve(case, history=(*head, dispatch))
    before = due_at(plain, RULES, CAL)
    events = [*head, dispatch]
    t = dispatch.at
    for gap, length in gaps:
        t = t + gap
        events.append(CaseEvent("suspend", t))
        t = t + length
        events.append(CaseEvent("resume", t))
    after = due_at(attrs.evolve(case, history=tuple(events)), RULES, CAL)
    assert before is not None
    assert after is not None
    assert after >= before


@settings_
@given(cases(), st.sampled_from(EXTENSIONS[:2] + EXTENSIONS[5:]), steps())
def test_an_extension_adds_exactly_its_working_time(case: Case, ext: TimeLimit, gap) -> None:
    """An approved extension (延期) in working hours moves the due time by exactly that
    much working time."""
    case = dispatched(case)
    keep = []
    for e in case.history:
        keep.append(e)
        if e.kind is EventKind.DISPATCH:
            break
    plain = attrs.evolve(case, history=tuple(keep))
    before = due_at(plain, RULES, CAL)
    extended = attrs.evolve(
        case, history=(*keep, CaseEvent("extend", keep[-1].at + gap, extension=ext))
    )
    after = due_at(extended, RULES, CAL)
    assert before is not None
    assert after is not None
    assert CAL.working_time_between(before, after) == dt.timedelta(microseconds=ext.microseconds())
    assert after == CAL.add(before, ext)


@settings_
@given(cases(), st.sampled_from((0, -1, 1)), rule_variants())
def test_handled_at_the_due_time_is_on_time_and_a_microsecond_later_is_not(
    case: Case, nudge_us: int, rules: DeadlineRules
) -> None:
    """On time means the clock stopped at or before the due time (scalar and batch)."""
    case = dispatched(case)
    keep = []
    for e in case.history:
        keep.append(e)
        if e.kind is EventKind.DISPATCH:
            break
    plain = attrs.evolve(case, history=tuple(keep))
    due = due_at(plain, rules, CAL)
    assert due is not None
    stop = max(due + dt.timedelta(microseconds=nudge_us), keep[-1].at)
    handled = attrs.evolve(plain, history=(*keep, CaseEvent("handle", stop)))
    late = stop > due
    later = stop + dt.timedelta(days=3)
    assert is_overdue(handled, rules, CAL, later) is late
    assert deadline(handled, rules, CAL).overdue_at_stop is late  # type: ignore[union-attr]
    cols = CaseColumns.from_cases([handled])
    assert overdue_batch(cols, rules, CAL, later).tolist() == [late]
    # before it is handled, the running clock is overdue only after the due time
    assert is_overdue(plain, rules, CAL, due) is False
    assert is_overdue(plain, rules, CAL, due + dt.timedelta(microseconds=1)) is True
    assert overdue_batch(CaseColumns.from_cases([plain]), rules, CAL, due).tolist() == [False]


@settings_
@given(cases(), st.integers(1, 400), st.sampled_from(["1 working hours", "30 working days"]))
def test_a_later_policy_change_does_not_move_a_filed_case(
    case: Case, days_later: int, new_limit: str
) -> None:
    """The rules in force are those of the filing date: a change dated after it leaves
    the due time where it was."""
    case = dispatched(case)
    filed = case.filed_at
    assert filed is not None
    change = filed.date() + dt.timedelta(days=days_later)
    row = RULES.categories.get(case.category, RULES.default)
    dated_row = attrs.evolve(
        row, normal=row.normal.since(change, TimeLimit.parse(new_limit)), urgent=None, tiers={}
    )
    plain_row = attrs.evolve(row, urgent=None, tiers={})
    before = attrs.evolve(RULES, categories=RULES.categories.set(case.category, plain_row))
    after = attrs.evolve(RULES, categories=RULES.categories.set(case.category, dated_row))
    assert due_at(case, after, CAL) == due_at(case, before, CAL)
    # …while a change dated on the filing day applies to it
    moved = Dated((Period(TimeLimit.parse(new_limit), start=filed.date()),))
    newer = attrs.evolve(
        RULES,
        categories=RULES.categories.set(case.category, attrs.evolve(plain_row, normal=moved)),
    )
    keep = tuple(
        e for e in case.history if e.kind in (EventKind.ACCEPT, EventKind.FILE, EventKind.DISPATCH)
    )
    simple = attrs.evolve(case, history=keep[:3])
    start = simple.dispatched_at
    assert start is not None
    assert due_at(simple, newer, CAL) == CAL.add(start, TimeLimit.parse(new_limit))
