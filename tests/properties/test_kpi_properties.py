"""Laws of the KPIs: counts form a commutative monoid, partitions sum to the whole, the
bounded rates lie in [0, 1], rounding is half-up, and the batch path equals the scalar
path on random case logs."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.strategies import percent_ties
from urbangov.calendar import TimeLimit
from urbangov.cases import (
    Case,
    CaseColumns,
    CaseEvent,
    EventKind,
    Status,
    allowed_events,
    transitions,
)
from urbangov.hierarchy import Hierarchy
from urbangov.kpi import (
    KpiCounts,
    KpiRules,
    closure_rate,
    counts,
    counts_from_columns,
    extension_rate,
    on_time_rate,
    percent,
    rework_rate,
    tables_from_columns,
)
from urbangov.vocabulary import Level, Source

SH = ZoneInfo("Asia/Shanghai")
BASE = dt.datetime(2024, 5, 6, 0, 0, tzinfo=SH)
GRIDS = ("320102001001001", "320102001001002", "320102002001001")
HIERARCHY = Hierarchy.from_rows(
    [
        ("320102", "玄武区", "district", None),
        ("320102001", "一街道", "street", "320102"),
        ("320102002", "二街道", "street", "320102"),
        ("320102001001", "一社区", "community", "320102001"),
        ("320102002001", "二社区", "community", "320102002"),
        (GRIDS[0], "一网格", "grid", "320102001001"),
        (GRIDS[1], "二网格", "grid", "320102001001"),
        (GRIDS[2], "三网格", "grid", "320102002001"),
    ]
)


@st.composite
def kpi_counts(draw: st.DrawFn) -> KpiCounts:
    """Counts that satisfy their definitions."""
    small = st.integers(0, 10**6)
    due = draw(small)
    closed = draw(st.integers(0, due))
    on_time = draw(st.integers(0, closed))
    return KpiCounts(
        received=draw(small),
        filed=draw(small),
        dispatched=draw(small),
        voided=draw(small),
        due=due,
        closed=closed,
        closed_on_time=on_time,
        reworked=draw(st.integers(0, due)),
        extended=draw(st.integers(0, due)),
        suspended=draw(st.integers(0, due)),
        overdue=due - on_time,
    )


_FORWARD = {
    Status.REPORTED: EventKind.ACCEPT,
    Status.ACCEPTED: EventKind.FILE,
    Status.FILED: EventKind.DISPATCH,
    Status.DISPATCHED: EventKind.HANDLE,
    Status.SUSPENDED: EventKind.RESUME,
    Status.HANDLED: EventKind.VERIFY_PASS,
    Status.VERIFIED: EventKind.CLOSE,
}


@st.composite
def histories(draw: st.DrawFn, reported: dt.datetime) -> tuple[CaseEvent, ...]:
    """A valid history that mostly moves forward (so that cases get closed), with every
    other allowed event now and then, hours apart."""
    status, at, out = Status.REPORTED, reported, []
    for _ in range(draw(st.integers(0, 14))):
        allowed = allowed_events(status)
        if not allowed:
            break
        forward = draw(st.integers(0, 9)) < 7
        kind = _FORWARD[status] if forward else draw(st.sampled_from(allowed))
        at = at + dt.timedelta(
            seconds=draw(st.integers(0, 8 * 3600)), microseconds=draw(st.integers(0, 999_999))
        )
        extra: dict[str, Any] = {}
        if kind is EventKind.DISPATCH:
            extra["department"] = draw(st.sampled_from(("sanitation", "street", "water")))
        if kind is EventKind.EXTEND:
            extra["extension"] = TimeLimit.working_hours(4)
        out.append(CaseEvent(kind, at, **extra))
        status = transitions()[status][kind]
    return tuple(out)


@st.composite
def case_logs(draw: st.DrawFn) -> tuple[list[Case], dict[str, dt.datetime | None]]:
    """A few cases reported within two days of BASE, with a deadline for each
    dispatched case: a third of the time on a boundary (exactly at its close, a handle or
    its dispatch, or a microsecond either side), else from a few hours before its
    dispatch to two days after."""
    n = draw(st.integers(0, 10))
    cases: list[Case] = []
    due: dict[str, dt.datetime | None] = {}
    for i in range(n):
        reported = BASE + dt.timedelta(seconds=draw(st.integers(0, 2 * 86_400)))
        case = Case(
            id=f"C{i}",
            category="exposed_garbage",
            grid=draw(st.sampled_from(GRIDS)),
            source=draw(st.sampled_from(Source)),
            reported_at=reported,
            history=draw(histories(reported)),
        )
        cases.append(case)
        if case.dispatched_at is None:
            due[case.id] = None
            continue
        # a third of the deadlines sit on a boundary: exactly at the close (or the last
        # handle, or the dispatch), or a microsecond either side of it
        boundaries = [e.at for e in case.history if e.kind in _BOUNDARY_EVENTS]
        if draw(st.integers(0, 2)) == 0:
            nudge = dt.timedelta(microseconds=draw(st.sampled_from((0, -1, 1))))
            due[case.id] = draw(st.sampled_from(boundaries)) + nudge
        else:
            offset = draw(st.integers(-6 * 3600, 2 * 86_400))
            micro = draw(st.integers(0, 999_999))
            due[case.id] = case.dispatched_at + dt.timedelta(seconds=offset, microseconds=micro)
    return cases, due


_BOUNDARY_EVENTS = (EventKind.CLOSE, EventKind.HANDLE, EventKind.DISPATCH)


@st.composite
def bin_edges(draw: st.DrawFn) -> list[dt.datetime]:
    """Two to six increasing instants: the first around BASE, the rest within ten days."""
    first = draw(st.integers(-86_400, 86_400))
    rest = draw(st.lists(st.integers(1, 10 * 86_400), min_size=1, max_size=5, unique=True))
    return [BASE + dt.timedelta(seconds=s) for s in [first, *sorted(first + r for r in rest)]]


def _ns(value: dt.datetime | None) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "ns")
    return np.datetime64(value.astimezone(dt.UTC).replace(tzinfo=None), "ns")


def _due_array(cases: list[Case], due: dict[str, dt.datetime | None]) -> Any:
    return np.array([_ns(due[c.id]) for c in cases], dtype="datetime64[ns]")


KEYS = {
    "grid": lambda c: c.grid,
    "source": lambda c: c.source,
    "department": lambda c: c.departments[-1] if c.departments else None,
    Level.STREET: lambda c: HIERARCHY.territory_of(c.grid, Level.STREET).code,
}


# --------------------------------------------------------------------------- the monoid


@given(kpi_counts(), kpi_counts(), kpi_counts())
def test_addition_is_associative(a: KpiCounts, b: KpiCounts, c: KpiCounts) -> None:
    assert (a + b) + c == a + (b + c)


@given(kpi_counts(), kpi_counts())
def test_addition_is_commutative_with_zero_as_identity(a: KpiCounts, b: KpiCounts) -> None:
    assert a + b == b + a
    assert a + KpiCounts() == a == sum([a])


@given(kpi_counts())
def test_bounded_rates_lie_in_the_unit_interval(c: KpiCounts) -> None:
    for rate in (closure_rate, on_time_rate, rework_rate, extension_rate):
        value = rate(c)
        assert value is None if c.due == 0 else 0 <= value <= 1  # type: ignore[operator]
    assert (on_time_rate(c) or 0) <= (closure_rate(c) or 0)


# --------------------------------------------------------------------------- rounding


def _rates() -> st.SearchStrategy[tuple[int, int, int]]:
    """(numerator, denominator, places): any rate, or one that is an exact tie."""
    ties = percent_ties().map(lambda t: (t[0].numerator, t[0].denominator, t[1]))
    return st.one_of(
        st.tuples(st.integers(0, 10**7), st.integers(1, 10**7), st.integers(0, 6)), ties
    )


@given(_rates())
def test_percent_is_the_half_up_decimal_of_the_exact_rate(drawn: tuple[int, int, int]) -> None:
    num, den, places = drawn
    rate = Fraction(num, den)
    shown = percent(rate, places)
    assert shown is not None
    assert abs(Fraction(shown) - rate * 100) <= Fraction(1, 2 * 10**places)
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(num) * 100 / Decimal(den)
        assert shown == exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@given(percent_ties())
def test_percent_rounds_an_exact_tie_up(tie: tuple[Fraction, int, Decimal]) -> None:
    rate, places, expected = tie
    shown = percent(rate, places)
    assert shown == expected
    assert shown is not None
    assert Fraction(shown) - rate * 100 == Fraction(1, 2 * 10**places)  # the upper neighbour
    # one more place shows the tie exactly, with no rounding at all
    exact = rate * 100 * 10 ** (places + 1)
    assert exact.denominator == 1
    assert percent(rate, places + 1) == Decimal(exact.numerator).scaleb(-(places + 1))


@settings(max_examples=30)
@given(case_logs(), st.sampled_from((0, -1)), st.sampled_from(("handle", "close")))
def test_a_clock_stopped_exactly_at_its_deadline_is_on_time(
    log: tuple[list[Case], dict[str, dt.datetime | None]], nudge_us: int, stops_at: str
) -> None:
    """On time means the clock stopped at or before the deadline: a deadline at the very
    instant it stopped (the last handle of a closed case, or its close when the city
    judges the close) counts the case on time, one microsecond earlier overdue."""
    cases = [c for c in log[0] if c.closed_at is not None]
    nudge = dt.timedelta(microseconds=nudge_us)
    stop_kind = EventKind.HANDLE if stops_at == "handle" else EventKind.CLOSE
    due: dict[str, dt.datetime | None] = {
        c.id: max(e.at for e in c.history if e.kind is stop_kind) + nudge for c in cases
    }
    rules = KpiRules(on_time_stops_at=stops_at)  # type: ignore[arg-type]
    start, end = BASE - dt.timedelta(days=1), BASE + dt.timedelta(days=30)
    on_time = len(cases) if nudge_us == 0 else 0
    expected = (len(cases), len(cases), on_time, len(cases) - on_time)
    scalar = counts(cases, start, end, due_at=due, rules=rules)
    assert (scalar.due, scalar.closed, scalar.closed_on_time, scalar.overdue) == expected
    batch = counts_from_columns(
        CaseColumns.from_cases(cases), start=start, end=end, due=_due_array(cases, due), rules=rules
    ).total()
    assert (batch.due, batch.closed, batch.closed_on_time, batch.overdue) == expected


# --------------------------------------------------------------------------- partitions


@settings(max_examples=30)
@given(case_logs(), bin_edges(), st.booleans())
def test_counts_over_a_partition_of_units_sum_to_the_whole(
    log: tuple[list[Case], dict[str, dt.datetime | None]], edges: list[dt.datetime], flag: bool
) -> None:
    cases, due = log
    rules = KpiRules(exclude_suspended_from_due=flag)
    start, end = edges[0], edges[-1]
    whole = counts(cases, start, end, due_at=due, rules=rules)
    parts = [
        counts([c for c in cases if c.grid == g], start, end, due_at=due, rules=rules)
        for g in GRIDS
    ]
    assert sum(parts) == whole
    for counted in (whole, *parts):
        for rate in (closure_rate, on_time_rate, rework_rate, extension_rate):
            value = rate(counted)
            assert value is None if counted.due == 0 else 0 <= value <= 1  # type: ignore[operator]


@settings(max_examples=30)
@given(case_logs(), bin_edges())
def test_event_and_due_counts_over_a_partition_of_periods_sum_to_the_whole(
    log: tuple[list[Case], dict[str, dt.datetime | None]], edges: list[dt.datetime]
) -> None:
    # closed, reworked… look at the period's end, so only the event counts and due add
    # over periods
    cases, due = log
    whole = counts(cases, edges[0], edges[-1], due_at=due)
    parts = [counts(cases, a, b, due_at=due) for a, b in itertools.pairwise(edges)]
    total = sum(parts, KpiCounts())
    for field in ("received", "filed", "dispatched", "voided", "due"):
        assert getattr(total, field) == getattr(whole, field)


# --------------------------------------------------------------------------- batch == scalar


@settings(max_examples=80)
@given(
    case_logs(),
    bin_edges(),
    st.sampled_from(list(KEYS)),
    st.booleans(),
)
def test_batch_equals_scalar_over_groups_and_bins(
    log: tuple[list[Case], dict[str, dt.datetime | None]],
    edges: list[dt.datetime],
    by: Any,
    flag: bool,
) -> None:
    cases, due = log
    rules = KpiRules(exclude_suspended_from_due=flag)
    table = counts_from_columns(
        CaseColumns.from_cases(cases),
        by=by,
        period=edges,
        due=_due_array(cases, due),
        rules=rules,
        hierarchy=HIERARCHY,
    )
    key_of = KEYS[by]
    groups = {key_of(c) for c in cases}
    expected = {}
    for group in groups:
        mine = [c for c in cases if key_of(c) == group]
        for a, b in itertools.pairwise(edges):
            scalar = counts(mine, a, b, due_at=due, rules=rules)
            assert table.get((group, a)) == scalar, (group, a)
            if scalar != KpiCounts():
                expected[(group, a)] = scalar
    assert set(table.keys()) == set(expected)


@settings(max_examples=40)
@given(case_logs(), st.sampled_from(["day", "week", "month"]), st.booleans())
def test_batch_named_periods_equal_scalar_local_periods(
    log: tuple[list[Case], dict[str, dt.datetime | None]], period: str, flag: bool
) -> None:
    cases, due = log
    rules = KpiRules(exclude_suspended_from_due=flag)
    table = counts_from_columns(
        CaseColumns.from_cases(cases), period=period, due=_due_array(cases, due), rules=rules
    )
    for day in table:
        assert isinstance(day, dt.date)
        start = dt.datetime(day.year, day.month, day.day, tzinfo=SH)
        if period == "day":
            end = start + dt.timedelta(days=1)
        elif period == "week":
            assert day.weekday() == 0
            end = start + dt.timedelta(days=7)
        else:
            assert day.day == 1
            end = (start + dt.timedelta(days=32)).replace(day=1)
        assert table.get(day) == counts(cases, start, end, due_at=due, rules=rules)
    # nothing is lost: every in-range event is in some period
    everything = counts(
        cases, BASE - dt.timedelta(days=400), BASE + dt.timedelta(days=400), due_at=due
    )
    total = table.total()
    for field in ("received", "filed", "dispatched", "voided"):
        assert getattr(total, field) == getattr(everything, field)
    if not flag:  # with the flag, due depends on each period's end
        assert total.due == everything.due


@settings(max_examples=40)
@given(
    case_logs(),
    st.one_of(bin_edges(), st.sampled_from(["day", "week", "month"])),
    st.lists(st.sampled_from(list(KEYS)), min_size=1, max_size=4, unique=True),
    st.booleans(),
)
def test_tables_at_once_equal_each_table_counted_alone(
    log: tuple[list[Case], dict[str, dt.datetime | None]],
    period: Any,
    groupings: list[Any],
    flag: bool,
) -> None:
    cases, due = log
    common: dict[str, Any] = {
        "period": period,
        "due": _due_array(cases, due),
        "rules": KpiRules(exclude_suspended_from_due=flag),
        "hierarchy": HIERARCHY,
    }
    columns = CaseColumns.from_cases(cases)
    by = {f"t{i}": g for i, g in enumerate([*groupings, ()])}
    tables = tables_from_columns(columns, by, **common)
    assert list(tables) == list(by)
    for name, grouping in by.items():
        alone = counts_from_columns(columns, by=grouping, **common)
        assert tables[name] == alone
        assert tables[name].keys() == alone.keys()


@settings(max_examples=25)
@given(case_logs(), bin_edges())
def test_batch_with_deadline_rules_equals_scalar_with_deadline_rules(
    log: tuple[list[Case], dict[str, dt.datetime | None]], edges: list[dt.datetime]
) -> None:
    from urbangov.calendar import WorkCalendar
    from urbangov.deadlines import DeadlineRules

    cases, _ = log
    rules, cal = DeadlineRules(), WorkCalendar.china()
    table = counts_from_columns(
        CaseColumns.from_cases(cases), period=edges, deadlines=rules, calendar=cal
    )
    for a, b in itertools.pairwise(edges):
        assert table.get(a) == counts(cases, a, b, deadlines=rules, calendar=cal)


@given(
    st.fractions(min_value=-(10**12), max_value=10**12),
    st.integers(0, 20),
)
def test_percent_rounds_half_up_exactly_at_every_allowed_place(rate: Fraction, places: int) -> None:
    from urbangov.kpi import percent

    shown = percent(rate, places)
    assert shown is not None
    assert shown.as_tuple().exponent == -places  # every place is kept, past 28 digits too
    exact = rate * 100
    step = Fraction(1, 10**places)
    error = Fraction(shown) - exact
    # half-up (away from zero): within half a step, and a tie goes away from zero
    assert -step / 2 < error * (1 if exact >= 0 else -1) <= step / 2
