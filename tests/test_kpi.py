"""KPIs: counts, their checks, the rates, rounding, the counting rules, tables."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov import kpi
from urbangov.calendar import TimeLimit
from urbangov.cases import Case, CaseColumns, CaseEvent
from urbangov.errors import KpiError, MissingExtraError, NaiveDatetimeError, PolicyError
from urbangov.hierarchy import Hierarchy
from urbangov.kpi import (
    CaseTimes,
    KpiCounts,
    KpiRules,
    KpiTable,
    closure_rate,
    counts,
    counts_from_columns,
    dispatch_rate,
    extension_rate,
    filing_rate,
    on_time_rate,
    percent,
    rework_rate,
)
from urbangov.vocabulary import Level, Source

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SH)  # a Monday
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
GRID_A = "320102001001001"  # street 320102001
GRID_B = "320102002001001"  # street 320102002


def make(
    case_id: str,
    steps: list[tuple[str, float]],
    *,
    grid: str = GRID_A,
    source: str = "supervisor",
    department: str = "sanitation",
) -> Case:
    """A case reported at T0 with events (kind, hours after T0)."""
    history = []
    for kind, hours in steps:
        extra: dict[str, Any] = {}
        if kind == "dispatch":
            extra["department"] = department
        if kind == "extend":
            extra["extension"] = TimeLimit.working_hours(2)
        history.append(CaseEvent(kind, T0 + hours * H, **extra))
    return Case.new(case_id, "暴露垃圾", grid, reported_at=T0, source=source, history=history)


FULL = [
    ("accept", 0),
    ("file", 1),
    ("dispatch", 2),
    ("handle", 3),
    ("verify_pass", 4),
    ("close", 5),
]


# --------------------------------------------------------------------------- KpiCounts


@pytest.mark.parametrize("bad", [-1, 1.0, "3", True, None, Decimal(2)])
def test_a_count_must_be_a_non_negative_int_and_the_error_names_the_field(bad: object) -> None:
    with pytest.raises(KpiError) as info:
        KpiCounts(received=bad)  # type: ignore[arg-type]
    assert info.value.field == "received"


def test_numpy_integers_are_accepted_as_counts() -> None:
    c = KpiCounts(filed=np.int64(3))
    assert c.filed == 3
    assert type(c.filed) is int


def test_counts_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        KpiCounts(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"due": 2, "closed": 3, "overdue": 2}, "closed"),
        ({"due": 3, "closed": 1, "closed_on_time": 2, "overdue": 1}, "closed_on_time"),
        ({"due": 1, "reworked": 2, "overdue": 1}, "reworked"),
        ({"due": 1, "extended": 2, "overdue": 1}, "extended"),
        ({"due": 1, "suspended": 2, "overdue": 1}, "suspended"),
        ({"due": 3, "closed": 2, "closed_on_time": 2, "overdue": 2}, "overdue"),
        ({"overdue": 1}, "overdue"),
    ],
)
def test_counts_that_break_their_definitions_are_refused(
    values: dict[str, int], field: str
) -> None:
    with pytest.raises(KpiError) as info:
        KpiCounts(**values)
    assert info.value.field == field


def test_counts_check_only_what_always_holds() -> None:
    # A report that publishes due and closed but no on-time figure is valid counts.
    published = KpiCounts(due=972, closed=911)
    assert closure_rate(published) == Fraction(911, 972)
    assert on_time_rate(published) == 0  # nothing was said on time
    # a case handled on time but not yet closed is neither closed on time nor overdue
    assert KpiCounts(due=5, closed=3, closed_on_time=3).overdue == 0
    with pytest.raises(KpiError, match="exceed the 5 due"):
        KpiCounts(due=5, closed=3, closed_on_time=3, overdue=3)


def test_event_counts_have_no_consistency_rule() -> None:
    # filed and dispatched may exceed received and filed: events straddle periods
    c = KpiCounts(received=1, filed=5, dispatched=9)
    assert filing_rate(c) == 5
    assert dispatch_rate(c) == Fraction(9, 5)


def test_counts_add_field_by_field_and_sum_starts_from_zero() -> None:
    a = KpiCounts(received=1, due=2, closed=1, closed_on_time=1, overdue=1, reworked=1)
    b = KpiCounts(filed=2, due=1, overdue=1, extended=1)
    total = a + b
    assert total == KpiCounts(
        received=1, filed=2, due=3, closed=1, closed_on_time=1, overdue=2, reworked=1, extended=1
    )
    assert sum([a, b]) == total
    with pytest.raises(TypeError):
        _ = a + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = 1 + a  # type: ignore[operator]


def test_counts_pickle_and_are_frozen() -> None:
    c = KpiCounts(received=3, due=1, overdue=1)
    assert pickle.loads(pickle.dumps(c)) == c
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        c.received = 4  # type: ignore[misc]
    assert c.as_dict()["overdue"] == 1


# --------------------------------------------------------------------------- rates


def test_every_rate_is_none_without_a_denominator() -> None:
    zero = KpiCounts()
    for rate in (filing_rate, dispatch_rate, closure_rate, on_time_rate, rework_rate):
        assert rate(zero) is None
    assert extension_rate(zero) is None
    assert percent(None) is None


def test_rates_are_exact_fractions_over_their_denominators() -> None:
    c = KpiCounts(
        received=7,
        filed=6,
        dispatched=5,
        due=9,
        closed=8,
        closed_on_time=4,
        overdue=5,
        reworked=3,
        extended=2,
    )
    assert filing_rate(c) == Fraction(6, 7)
    assert dispatch_rate(c) == Fraction(5, 6)
    assert closure_rate(c) == Fraction(8, 9)
    assert on_time_rate(c) == Fraction(4, 9)
    assert rework_rate(c) == Fraction(3, 9)
    assert extension_rate(c) == Fraction(2, 9)


def test_percent_rounds_half_up_not_to_even() -> None:
    # 1/800 = 0.125 %: half-up gives 0.13 (banker's rounding would give 0.12)
    assert percent(Fraction(1, 800)) == Decimal("0.13")
    assert percent(Fraction(3, 800)) == Decimal("0.38")
    assert percent(Fraction(1, 3)) == Decimal("33.33")
    assert percent(Fraction(2, 3)) == Decimal("66.67")
    assert percent(Fraction(2, 3), places=0) == Decimal("67")
    assert percent(Fraction(2, 3), places=4) == Decimal("66.6667")
    assert str(percent(Fraction(0))) == "0.00"
    assert str(percent(Fraction(1))) == "100.00"


@pytest.mark.parametrize(
    ("rate", "places", "shown"),
    [
        # exact ties, halfway between two shown values: half-up (四舍五入) takes the upper
        (Fraction(1, 200), 0, "1"),  # 0.5 %: banker's rounding would give 0
        (Fraction(3, 200), 0, "2"),  # 1.5 %: truncating a half would give 1
        (Fraction(5, 200), 0, "3"),  # 2.5 %: banker's rounding would give 2
        (Fraction(9, 16), 1, "56.3"),  # 56.25 %: banker's 56.2
        (Fraction(449, 800), 2, "56.13"),  # 56.125 %: banker's 56.12
        (Fraction(3, 800), 2, "0.38"),  # 0.375 %: half-down 0.37
        (Fraction(1999, 2000), 1, "100.0"),  # 99.95 %: the tie carries into 100
        (Fraction(201, 200), 0, "101"),  # 100.5 %: a filing rate above 1
    ],
)
def test_percent_rounds_an_exact_tie_up(rate: Fraction, places: int, shown: str) -> None:
    assert str(percent(rate, places)) == shown


@pytest.mark.parametrize("places", [-1, 1.5, True])
def test_percent_refuses_bad_places(places: Any) -> None:
    with pytest.raises(KpiError) as info:
        percent(Fraction(1, 2), places)
    assert info.value.field == "places"


def test_percent_refuses_a_float_rate() -> None:
    with pytest.raises(KpiError) as info:
        percent(0.5)  # type: ignore[arg-type]
    assert info.value.field == "rate"


# --------------------------------------------------------------------------- rules


def test_kpi_rules_take_only_booleans_and_name_the_policy_path() -> None:
    with pytest.raises(PolicyError) as info:
        KpiRules(exclude_suspended_from_due=1)  # type: ignore[arg-type]
    assert info.value.field == "kpi.exclude_suspended_from_due"
    rules = KpiRules(exclude_suspended_from_due=True)
    assert rules.at(dt.date(2024, 1, 1)) is rules
    assert pickle.loads(pickle.dumps(rules)) == rules


# --------------------------------------------------------------------------- the counting rules


def test_event_counts_take_events_in_the_half_open_period() -> None:
    case = make("A", FULL)
    # period [T0 + 1h, T0 + 2h): the file event only (start included, end excluded)
    c = counts([case], T0 + H, T0 + 2 * H, due_at={"A": None})
    assert (c.received, c.filed, c.dispatched) == (0, 1, 0)
    c = counts([case], T0, T0 + 3 * H, due_at={"A": None})
    assert (c.received, c.filed, c.dispatched) == (1, 1, 1)


def test_voided_counts_the_void_event() -> None:
    case = make("V", [("accept", 0), ("file", 1), ("void", 2)])
    assert counts([case], T0, T0 + DAY, due_at={}).voided == 1
    assert counts([case], T0, T0 + 2 * H, due_at={}).voided == 0


def test_a_redispatch_after_send_back_is_not_a_second_dispatch() -> None:
    case = make(
        "R", [("accept", 0), ("file", 0), ("dispatch", 1), ("send_back", 2), ("dispatch", 3)]
    )
    assert counts([case], T0, T0 + DAY, due_at={"R": T0 + 2 * DAY}).dispatched == 1


def test_due_counts_the_deadline_in_the_period_whenever_filed() -> None:
    case = make("D", FULL)
    # filed last week, due this week: due this week
    week = (T0 + 7 * DAY, T0 + 14 * DAY)
    c = counts([case], *week, due_at={"D": T0 + 8 * DAY})
    assert (c.received, c.due, c.closed, c.closed_on_time, c.overdue) == (0, 1, 1, 1, 0)
    # the deadline outside the period: nothing due
    assert counts([case], *week, due_at={"D": T0 + DAY}).due == 0


def test_on_time_means_handled_by_the_deadline_exactly_at_it_included() -> None:
    case = make("E", FULL)  # handled at T0 + 3h, closed at T0 + 5h
    assert counts([case], T0, T0 + DAY, due_at={"E": T0 + 3 * H}).closed_on_time == 1
    late = counts([case], T0, T0 + DAY, due_at={"E": T0 + 2.5 * H})
    assert (late.closed, late.closed_on_time, late.overdue) == (1, 0, 1)
    # handled on time, closed after the deadline: on time (the clock stopped at handle)
    c = counts([case], T0, T0 + DAY, due_at={"E": T0 + 4 * H})
    assert (c.closed_on_time, c.overdue) == (1, 0)


def test_a_city_that_judges_the_close_sets_on_time_stops_at() -> None:
    case = make("E", FULL)  # closed at T0 + 5h
    close = KpiRules(on_time_stops_at="close")
    assert counts([case], T0, T0 + DAY, due_at={"E": T0 + 5 * H}, rules=close).overdue == 0
    late = counts([case], T0, T0 + DAY, due_at={"E": T0 + 4 * H}, rules=close)
    assert (late.closed, late.closed_on_time, late.overdue) == (1, 0, 1)


def test_batch_counts_a_clock_stopped_exactly_at_the_deadline_on_time() -> None:
    case = make("E", FULL)  # handled at T0 + 3h, closed at T0 + 5h
    cols = CaseColumns.from_cases([case])
    micro = dt.timedelta(microseconds=1)
    for rules, stop in ((KpiRules(), T0 + 3 * H), (KpiRules(on_time_stops_at="close"), T0 + 5 * H)):
        for deadline, on_time in ((stop, 1), (stop + micro, 1), (stop - micro, 0)):
            due = np.array([_ns(deadline)], dtype="datetime64[ns]")
            got = counts_from_columns(cols, start=T0, end=T0 + DAY, due=due, rules=rules).total()
            assert (got.due, got.closed) == (1, 1)
            assert (got.closed_on_time, got.overdue) == (on_time, 1 - on_time), (rules, deadline)


def test_closed_after_the_period_end_is_not_closed_in_the_period() -> None:
    steps = [*FULL[:5], ("close", 30)]  # closed the next day
    case = make("F", steps)
    c = counts([case], T0, T0 + DAY, due_at={"F": T0 + 6 * H})
    # handled at 3h, by the deadline: on time, though not closed within the period
    assert (c.due, c.closed, c.closed_on_time, c.overdue) == (1, 0, 0, 0)
    close = KpiRules(on_time_stops_at="close")
    c = counts([case], T0, T0 + DAY, due_at={"F": T0 + 6 * H}, rules=close)
    assert (c.due, c.closed, c.closed_on_time, c.overdue) == (1, 0, 0, 1)


def test_rework_extension_and_suspension_count_before_the_period_end() -> None:
    steps = [
        ("accept", 0),
        ("file", 0),
        ("dispatch", 1),
        ("extend", 2),
        ("suspend", 3),
        ("resume", 4),
        ("handle", 5),
        ("verify_fail", 30),  # the next day
    ]
    case = make("G", steps)
    c = counts([case], T0, T0 + DAY, due_at={"G": T0 + 10 * H})
    assert (c.due, c.extended, c.suspended, c.reworked) == (1, 1, 1, 0)
    c = counts([case], T0, T0 + 2 * DAY, due_at={"G": T0 + 10 * H})
    assert c.reworked == 1


def test_a_case_suspended_at_the_period_end_leaves_due_only_under_the_rule() -> None:
    steps = [("accept", 0), ("file", 0), ("dispatch", 1), ("suspend", 2), ("resume", 30)]
    case = make("S", steps)
    due = {"S": T0 + 3 * H}
    kept = counts([case], T0, T0 + DAY, due_at=due)
    assert (kept.due, kept.suspended, kept.overdue) == (1, 1, 1)
    excluded = counts(
        [case], T0, T0 + DAY, due_at=due, rules=KpiRules(exclude_suspended_from_due=True)
    )
    assert excluded == KpiCounts(received=1, filed=1, dispatched=1)
    # resumed before the end of a two-day period: due again
    two_days = counts(
        [case], T0, T0 + 2 * DAY, due_at=due, rules=KpiRules(exclude_suspended_from_due=True)
    )
    assert two_days.due == 1


def test_rules_may_come_from_anything_with_a_kpi_section() -> None:
    @attrs.frozen
    class FakePolicy:
        kpi: KpiRules

    steps = [("accept", 0), ("file", 0), ("dispatch", 1), ("suspend", 2)]
    case = make("P", steps)
    c = counts(
        [case],
        T0,
        T0 + DAY,
        due_at={"P": T0 + 3 * H},
        rules=FakePolicy(KpiRules(exclude_suspended_from_due=True)),  # type: ignore[arg-type]
    )
    assert c.due == 0
    # One mistake, one error everywhere (params.RuleSection.of): no kpi section.
    with pytest.raises(PolicyError) as info:
        counts([case], T0, T0 + DAY, due_at={}, rules=object())  # type: ignore[arg-type]
    assert info.value.field == "kpi"


def test_due_at_may_be_a_function() -> None:
    case = make("Q", FULL)
    c = counts([case], T0, T0 + DAY, due_at=lambda case: case.dispatched_at + 2 * H)
    assert (c.due, c.closed_on_time) == (1, 1)  # handled at 3h, due at 4h


def test_a_dispatched_case_missing_from_the_deadlines_is_an_error() -> None:
    with pytest.raises(KpiError) as info:
        counts([make("M", FULL)], T0, T0 + DAY, due_at={})
    assert info.value.field == "due_at['M']"
    # a case never dispatched needs no deadline
    assert counts([make("N", [("accept", 0)])], T0, T0 + DAY, due_at={}).received == 1


def test_bad_periods_and_inputs_are_refused() -> None:
    case = make("X", FULL)
    with pytest.raises(NaiveDatetimeError) as naive:
        counts([case], T0.replace(tzinfo=None), T0 + DAY, due_at={"X": None})
    assert naive.value.field == "start"
    with pytest.raises(KpiError) as empty:
        counts([case], T0, T0, due_at={"X": None})
    assert empty.value.field == "end"
    with pytest.raises(KpiError) as nothing:
        counts([case], T0, T0 + DAY)
    assert nothing.value.field == "due_at"
    with pytest.raises(KpiError) as both:
        counts([case], T0, T0 + DAY, due_at={}, deadlines=object(), calendar=object())
    assert both.value.field == "due_at"
    with pytest.raises(KpiError) as not_a_case:
        counts(["X"], T0, T0 + DAY, due_at={})  # type: ignore[list-item]
    assert not_a_case.value.field == "cases"
    with pytest.raises(NaiveDatetimeError):
        counts([case], T0, T0 + DAY, due_at={"X": (T0 + H).replace(tzinfo=None)})
    with pytest.raises(KpiError) as weird:
        counts([case], T0, T0 + DAY, due_at=42)  # type: ignore[arg-type]
    assert weird.value.field == "due_at"


def test_counts_with_deadline_rules_call_deadlines_due_at() -> None:
    from urbangov import deadlines
    from urbangov.calendar import WorkCalendar

    rules = deadlines.DeadlineRules()
    cal = WorkCalendar.china()
    cases = [make("K1", FULL), make("K2", FULL[:3])]
    # 暴露垃圾, 4 working hours (Table A) from the dispatch, Monday 2024-05-06 11:00, in
    # 09:00-12:00 / 13:30-18:00: 1 h before noon + 3 h after → due 16:30 the same day.
    due = dt.datetime(2024, 5, 6, 16, 30, tzinfo=SH)
    assert [deadlines.due_at(c, rules, cal) for c in cases] == [due, due]
    # K1 closed at 14:00 (on time); K2 still open at the period's end (overdue).
    expected = KpiCounts(
        received=2, filed=2, dispatched=2, due=2, closed=1, closed_on_time=1, overdue=1
    )
    assert counts(cases, T0, T0 + 30 * DAY, deadlines=rules, calendar=cal) == expected
    table = counts_from_columns(
        CaseColumns.from_cases(cases),
        start=T0,
        end=T0 + 30 * DAY,
        deadlines=rules,
        calendar=cal,
    )
    assert table.total() == expected


# --------------------------------------------------------------------------- batch path

HIERARCHY = Hierarchy.from_rows(
    [
        ("320102", "玄武区", "district", None),
        ("320102001", "一街道", "street", "320102"),
        ("320102002", "二街道", "street", "320102"),
        ("320102001001", "一社区", "community", "320102001"),
        ("320102002001", "二社区", "community", "320102002"),
        (GRID_A, "一网格", "grid", "320102001001"),
        (GRID_B, "二网格", "grid", "320102002001"),
    ]
)


def _ns(value: dt.datetime | None) -> np.datetime64:
    if value is None:
        return np.datetime64("NaT", "ns")
    return np.datetime64(value.astimezone(dt.UTC).replace(tzinfo=None), "ns")


def _sample() -> tuple[list[Case], dict[str, dt.datetime | None]]:
    cases = [
        make("A1", FULL, grid=GRID_A, department="sanitation"),
        make("A2", FULL[:3], grid=GRID_A, source="hotline", department="street"),
        make("B1", FULL, grid=GRID_B, department="street"),
        make("B2", [("accept", 0), ("file", 1), ("void", 2)], grid=GRID_B),
        make("B3", [*FULL[:5], ("close", 40 * 24)], grid=GRID_B, department="sanitation"),
    ]
    due: dict[str, dt.datetime | None] = {
        "A1": T0 + 6 * H,
        "A2": T0 + 10 * H,
        "B1": T0 + 4 * H,
        "B2": None,
        "B3": T0 + 35 * DAY,  # due next month (June)
    }
    return cases, due


def _due_array(cases: list[Case], due: dict[str, dt.datetime | None]) -> np.ndarray:
    return np.array([_ns(due[c.id]) for c in cases], dtype="datetime64[ns]")


def test_batch_counts_by_grid_match_the_scalar_counts() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    start, end = T0 - DAY, T0 + 60 * DAY
    table = counts_from_columns(cols, by="grid", start=start, end=end, due=_due_array(cases, due))
    assert table.by == ("grid",)
    assert table.keys() == (GRID_A, GRID_B)
    for grid in (GRID_A, GRID_B):
        mine = [c for c in cases if c.grid == grid]
        assert table.get(grid) == counts(mine, start, end, due_at=due)
    assert table.total() == counts(cases, start, end, due_at=due)


def test_batch_counts_by_street_through_the_hierarchy() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    table = counts_from_columns(
        cols, by=Level.STREET, period="month", due=_due_array(cases, due), hierarchy=HIERARCHY
    )
    assert table.by == ("street", "period")
    may, june = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
    assert set(table.keys()) == {("320102001", may), ("320102002", may), ("320102002", june)}
    june_counts = table.get(("320102002", june))
    # B3: handled 6 May, due 10 June, closed 15 June: on time (handled by the deadline)
    assert (june_counts.due, june_counts.closed, june_counts.overdue) == (1, 1, 0)
    by_close = counts_from_columns(
        cols,
        by=Level.STREET,
        period="month",
        due=_due_array(cases, due),
        hierarchy=HIERARCHY,
        rules=KpiRules(on_time_stops_at="close"),
    )
    # a city that judges the close: closed 15 June, after the deadline, so overdue
    assert by_close.get(("320102002", june)).overdue == 1
    assert table.get(("320102001", may)).due == 2
    same = counts_from_columns(
        cols, by="街道", period="month", due=_due_array(cases, due), hierarchy=HIERARCHY
    )
    assert same == table


def test_batch_counts_by_department_source_and_array() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    window = {"start": T0 - DAY, "end": T0 + 60 * DAY, "due": _due_array(cases, due)}
    by_dep = counts_from_columns(cols, by="department", **window)
    assert by_dep.keys() == (None, "sanitation", "street")  # None: never dispatched
    assert by_dep.get("sanitation").dispatched == 2
    by_source = counts_from_columns(cols, by=("source", "grid"), **window)
    assert by_source.get((Source.HOTLINE, GRID_A)).received == 1
    keys = np.array([1, 1, 2, 2, 2])
    by_array = counts_from_columns(cols, by=keys, **window)
    assert by_array.keys() == (1, 2)
    assert by_array.by == ("key",)
    assert by_array.get(1) == counts(cases[:2], T0 - DAY, T0 + 60 * DAY, due_at=due)
    nothing = counts_from_columns(cols, **window)
    assert nothing.keys() == ((),)
    assert nothing.total() == by_array.total()


def test_named_periods_start_at_local_midnight_and_explicit_bins_are_keyed_by_start() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    days = counts_from_columns(cols, period="day", due=_due_array(cases, due))
    assert days.by == ("period",)
    assert days.get(dt.date(2024, 5, 6)).received == 5
    edges = [T0, T0 + 3 * H, T0 + DAY]
    binned = counts_from_columns(cols, period=edges, due=_due_array(cases, due))
    assert binned.keys() == (T0, T0 + 3 * H)
    assert binned.get(T0) == counts(cases, T0, T0 + 3 * H, due_at=due)
    assert binned.get(T0 + 3 * H) == counts(cases, T0 + 3 * H, T0 + DAY, due_at=due)
    weeks = counts_from_columns(cols, period="week", due=_due_array(cases, due))
    assert all(k.weekday() == 0 for k in weeks)
    years = counts_from_columns(cols, period="year", due=_due_array(cases, due))
    assert years.keys() == (dt.date(2024, 1, 1),)
    first = counts_from_columns(
        cols, by=("period", "grid"), period="year", due=_due_array(cases, due)
    )
    assert first.by == ("period", "grid")
    assert first.get((dt.date(2024, 1, 1), GRID_B)).voided == 1


def test_batch_refuses_bad_groupings_periods_and_deadlines() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    arr = _due_array(cases, due)
    window = {"start": T0, "end": T0 + DAY}
    cases_of = [
        ({"by": "colour", "due": arr, **window}, "by[0]"),
        ({"by": Level.STREET, "due": arr, **window}, "by[0]"),
        ({"by": "period", "due": arr, **window}, "by[0]"),
        ({"by": np.arange(3), "due": arr, **window}, "by[0]"),
        ({"due": arr[:2], **window}, "due"),
        ({**window}, "due"),
        ({"due": arr}, "period"),
        ({"due": arr, "period": "fortnight"}, "period"),
        ({"due": arr, "period": [T0]}, "period"),
        ({"due": arr, "period": [T0 + H, T0]}, "period"),
        ({"due": arr, "period": [T0, T0 + H], "start": T0}, "start"),
        ({"due": arr, "start": T0 + DAY, "end": T0}, "end"),
    ]
    for kwargs, field in cases_of:
        with pytest.raises(KpiError) as info:
            counts_from_columns(cols, **kwargs)
        assert info.value.field == field, kwargs
    with pytest.raises(NaiveDatetimeError):
        counts_from_columns(cols, due=arr, period=[T0.replace(tzinfo=None), T0 + DAY])
    with pytest.raises(KpiError) as info:
        counts_from_columns("cols", due=arr, **window)  # type: ignore[arg-type]
    assert info.value.field == "columns"


def test_several_tables_at_once_are_each_table_alone() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    common = {"period": "month", "due": _due_array(cases, due), "hierarchy": HIERARCHY}
    by = {"street": Level.STREET, "grid": "grid", "all": ()}
    tables = kpi.tables_from_columns(cols, by, **common)
    assert list(tables) == ["street", "grid", "all"]
    for name, grouping in by.items():
        assert tables[name] == counts_from_columns(cols, by=grouping, **common)
    with pytest.raises(KpiError) as info:
        kpi.tables_from_columns(cols, {"ok": "grid", "bad": "colour"}, **common)
    assert info.value.field == "by['bad'].by[0]"
    with pytest.raises(KpiError) as not_a_map:
        kpi.tables_from_columns(cols, "grid", **common)  # type: ignore[arg-type]
    assert not_a_map.value.field == "by"


def test_case_times_from_columns_and_by_hand_agree() -> None:
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    times = CaseTimes.from_columns(cols)
    window = {"start": T0 - DAY, "end": T0 + 60 * DAY, "due": _due_array(cases, due)}
    assert counts_from_columns(times, by="grid", **window) == counts_from_columns(
        cols, by="grid", **window
    )
    with pytest.raises(KpiError) as info:
        counts_from_columns(times, start=T0, end=T0 + DAY)
    assert info.value.field == "due"
    bare = CaseTimes(*[np.array(["NaT"], dtype="datetime64[ns]")] * 8)
    with pytest.raises(KpiError) as no_grid:
        counts_from_columns(bare, by="grid", due=bare.closed_at, start=T0, end=T0 + DAY)
    assert no_grid.value.field == "by[0]"
    with pytest.raises(KpiError) as short:
        CaseTimes(*[np.array(["NaT"], dtype="datetime64[ns]")] * 7, np.array([], "datetime64[ns]"))
    assert short.value.field == "suspended_at"


def test_an_empty_log_gives_an_empty_table() -> None:
    cols = CaseColumns.from_cases([])
    table = counts_from_columns(cols, period="month", due=np.array([], dtype="datetime64[ns]"))
    assert len(table) == 0
    assert table.total() == KpiCounts()


def test_kpi_table_get_total_and_pandas() -> None:
    pd = pytest.importorskip("pandas")
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    table = counts_from_columns(
        cols, by="grid", period="month", due=_due_array(cases, due), hierarchy=HIERARCHY
    )
    assert table.get(("nowhere", dt.date(2024, 5, 1))) == KpiCounts()
    assert ("nowhere", dt.date(2024, 5, 1)) not in table
    assert dict(table.items())[(GRID_A, dt.date(2024, 5, 1))] == table.get(
        (GRID_A, dt.date(2024, 5, 1))
    )
    assert list(table) == list(table.keys())
    assert len(table) == 3
    assert pickle.loads(pickle.dumps(table)) == table
    frame = table.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.index.names) == ["grid", "period"]
    assert frame.loc[(GRID_A, dt.date(2024, 5, 1)), "received"] == 2
    assert frame.loc[(GRID_A, dt.date(2024, 5, 1)), "closure_rate"] == 0.5
    assert np.isnan(frame.loc[(GRID_B, dt.date(2024, 6, 1)), "filing_rate"])


def test_to_pandas_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    table = KpiTable(("grid",), ("g",), np.zeros((1, len(kpi.FIELDS)), dtype=np.int64))
    with pytest.raises(MissingExtraError, match="parquet"):
        table.to_pandas()


def test_kpi_table_refuses_bad_shapes() -> None:
    with pytest.raises(KpiError) as info:
        KpiTable(("grid",), ("g",), np.zeros((1, 3), dtype=np.int64))
    assert info.value.field == "values"
    with pytest.raises(KpiError):
        KpiTable(("grid",), ("g", "g"), np.zeros((2, len(kpi.FIELDS)), dtype=np.int64))


def test_batch_applies_the_suspension_rule_like_the_scalar_path() -> None:
    suspended = [("accept", 0), ("file", 0), ("dispatch", 1), ("suspend", 2), ("resume", 30)]
    cases = [
        make("S1", suspended),  # suspended at the end of day 1, resumed on day 2
        make("S2", [*suspended, ("suspend", 31)], grid=GRID_B),  # suspended again
        make("S3", FULL),
    ]
    due = {"S1": T0 + 3 * H, "S2": T0 + 26 * H, "S3": T0 + 6 * H}
    cols = CaseColumns.from_cases(cases)
    day0 = T0.replace(hour=0)
    edges = [day0, day0 + DAY, day0 + 2 * DAY]
    for flag in (False, True):
        rules = KpiRules(exclude_suspended_from_due=flag)
        table = counts_from_columns(cols, period=edges, due=_due_array(cases, due), rules=rules)
        for a, b in itertools.pairwise(edges):
            assert table.get(a) == counts(cases, a, b, due_at=due, rules=rules)
    excluded = counts_from_columns(
        cols,
        period=edges,
        due=_due_array(cases, due),
        rules=KpiRules(exclude_suspended_from_due=True),
    )
    assert (excluded.get(day0).due, excluded.get(day0 + DAY).due) == (1, 0)


def test_a_policy_carries_the_kpi_rules() -> None:
    from urbangov.policy import Policy

    policy = Policy.default()
    assert policy.kpi == KpiRules()
    strict = policy.reform({"kpi.exclude_suspended_from_due": True})
    case = make("P", [("accept", 0), ("file", 0), ("dispatch", 1), ("suspend", 2)])
    due = {"P": T0 + 3 * H}
    assert counts([case], T0, T0 + DAY, due_at=due, rules=policy).due == 1
    assert counts([case], T0, T0 + DAY, due_at=due, rules=strict).due == 0


def test_batch_with_many_groups_and_bins_counts_field_by_field_the_same() -> None:
    # 20,000 one-minute bins × 3 grid slots: too many keys to count the fields together
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    minute = dt.timedelta(minutes=1)
    edges = [T0 - H + i * minute for i in range(20_001)]
    table = counts_from_columns(cols, by="grid", period=edges, due=_due_array(cases, due))
    assert table.total().received == 5
    for key in table:
        grid, start = key
        mine = [c for c in cases if c.grid == grid]
        assert table.get(key) == counts(mine, start, start + minute, due_at=due)


def test_batch_with_sparse_combined_keys_decodes_them() -> None:
    # 2 array keys of 5 distinct values over 20,000 one-second bins: compressed keys
    cases, due = _sample()
    cols = CaseColumns.from_cases(cases)
    second = dt.timedelta(seconds=1)
    edges = [T0 + i * second for i in range(20_001)]
    first, other = np.arange(5), np.arange(5) * 10
    table = counts_from_columns(cols, by=(first, other), period=edges, due=_due_array(cases, due))
    assert table.by == ("key0", "key1", "period")
    assert table.get((0, 0, T0)).received == 1
    assert table.get((2, 20, T0 + 3600 * second)).filed == 1
    assert table.total().received == 5


def test_percent_keeps_every_place_past_decimals_28_digits() -> None:
    # 1 + 10^-30 as a percentage to 20 places: 100.000…0 (the 1 is at the 28th place)
    assert str(kpi.percent(Fraction(10**30 + 1, 10**30), places=20)) == "100." + "0" * 20
    # a tie at the 20th place rounds up, not to even
    assert format(kpi.percent(Fraction(25, 10**23), places=20), "f") == "0." + "0" * 19 + "3"
    assert str(kpi.percent(Fraction(10**40, 3), places=20)).endswith(".33333333333333333333")


@pytest.mark.parametrize("places", [-1, 21, 10**9, 2.0, True])
def test_percent_places_are_bounded(places: object) -> None:
    with pytest.raises(KpiError, match="0 to 20") as info:
        kpi.percent(Fraction(1, 3), places=places)  # type: ignore[arg-type]
    assert info.value.field == "places"
