"""One meaning for every figure: deadlines, KPIs and the CLI agree, from one Policy.

DESIGN "One source of truth" and "Deadlines" (on time, one meaning): a Policy holds the
taxonomy and the calendar rules, every function that takes a policy uses them, and a
case is on time when its handling clock stopped by its due time — for deadlines and
KPIs alike.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov import Policy, deadlines, kpi, sim
from urbangov.calendar import TimeLimit, WorkCalendar
from urbangov.cases import Case, CaseColumns, CaseEvent, apply
from urbangov.errors import CalendarCoverageError, KpiError, PolicyError

SH = ZoneInfo("Asia/Shanghai")
US = dt.timedelta(microseconds=1)

# A city's own class in event major class 01 (市容环境), whose row is 4 working hours.
LOCAL = Policy.default().reform(
    {
        "local_classes.categories": [
            {
                "slug": "shop_front_clutter",
                "name": "店外乱堆放",
                "kind": "event",
                "code": "0181",
                "domain": "city_appearance",
            }
        ]
    }
)


def dispatched(category: str, t: dt.datetime, policy: Policy = LOCAL, case_id: str = "A1") -> Case:
    case = Case.new(case_id, category, "320105001001001", reported_at=t, taxonomy=policy.taxonomy())
    for kind in ("accept", "file"):
        case = apply(case, CaseEvent(kind, t), policy)
    return apply(case, CaseEvent("dispatch", t, department="street_office_001"), policy)


def test_a_citys_own_category_takes_its_major_class_row_everywhere() -> None:
    t = dt.datetime(2024, 5, 6, 9, tzinfo=SH)  # a Monday
    case = dispatched("shop_front_clutter", t)
    four_hours = dt.datetime(2024, 5, 6, 14, 30, tzinfo=SH)  # 09:00 + 4 working hours
    applied = deadlines.limit_for(case, LOCAL)
    assert (str(applied.limit), applied.level, applied.key) == (
        "4 working hours",
        "major_class",
        "E01",
    )
    assert deadlines.due_at(case, LOCAL) == four_hours
    assert deadlines.deadline(case, LOCAL).due == four_hours
    cols = CaseColumns.from_cases([case])
    assert deadlines.due_at_batch(cols, LOCAL)[0] == np.datetime64("2024-05-06T06:30", "ns")
    end = t + dt.timedelta(hours=6)
    counted = kpi.counts([case], t, end, deadlines=LOCAL)
    assert (counted.due, counted.overdue) == (1, 1)  # due 14:30, not handled by 15:00
    table = kpi.counts_from_columns(cols, start=t, end=end, deadlines=LOCAL)
    assert table.total() == counted


def _handled_then_closed(policy: Policy) -> Case:
    # exposed garbage dispatched 09:00: due 14:30 (4 working hours, lunch 12:00–13:30)
    t = dt.datetime(2024, 5, 6, 9, tzinfo=SH)
    case = dispatched("exposed_garbage", t, policy)
    for kind, at in (("handle", (14, 0)), ("verify_pass", (15, 0)), ("close", (16, 5))):
        case = apply(case, CaseEvent(kind, t.replace(hour=at[0], minute=at[1])), policy)
    return case


@pytest.mark.parametrize(("rule", "late"), [("handle", False), ("close", True)])
def test_overdue_means_one_thing_in_deadlines_and_kpis(rule: str, late: bool) -> None:
    policy = Policy.default().reform({"kpi.on_time_stops_at": rule})
    case = _handled_then_closed(policy)
    assert deadlines.due_at(case, policy) == dt.datetime(2024, 5, 6, 14, 30, tzinfo=SH)
    at = dt.datetime(2024, 5, 6, 17, tzinfo=SH)
    cols = CaseColumns.from_cases([case])
    assert deadlines.is_overdue(case, policy, at=at) is late
    assert deadlines.overdue_batch(cols, policy, at=at).tolist() == [late]
    start, end = at.replace(hour=0), at.replace(hour=23)
    c = kpi.counts([case], start, end, deadlines=policy)
    assert (c.due, c.closed, c.overdue, c.closed_on_time) == (1, 1, int(late), int(not late))
    assert kpi.counts_from_columns(cols, start=start, end=end, deadlines=policy).total() == c


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), rule=st.sampled_from(["handle", "close"]))
def test_the_kpi_on_time_verdict_is_the_deadlines_verdict_at_the_period_end(
    seed: int, rule: str
) -> None:
    policy = Policy.default().reform({"kpi.on_time_stops_at": rule})
    cases = sim.example_log(40, seed=seed).to_cases()
    start = dt.datetime(2024, 1, 1, tzinfo=SH)
    end = dt.datetime(2024, 7, 1, tzinfo=SH)
    for case in cases:
        due = deadlines.due_at(case, policy)
        if due is None or not start <= due < end:
            continue
        one = kpi.counts([case], start, end, deadlines=policy)
        assert one.due == 1
        # judged as known at the period end (events strictly before it)
        assert bool(one.overdue) is deadlines.is_overdue(case, policy, at=end - US)


def test_the_total_row_is_counted_over_the_whole_span() -> None:
    # due and closed do not add across months: a case due in one month and closed in
    # the next is closed in the whole span but in neither month.
    log = sim.example_log(2_000, seed=7)
    policy = Policy.default()
    monthly = kpi.counts_from_columns(log, by="period", period="month", deadlines=policy)
    months = monthly.keys()
    first = dt.datetime.combine(months[0], dt.time(), SH)
    last = dt.datetime.combine(months[-1], dt.time(), SH)
    span_end = dt.datetime(last.year + (last.month == 12), last.month % 12 + 1, 1, tzinfo=SH)
    whole = kpi.counts_from_columns(log, start=first, end=span_end, deadlines=policy).total()
    assert monthly.total() == whole
    rows = sum(monthly.get(k) for k in months)
    assert rows.closed < whole.closed  # the sum of the months misses cross-month closures
    assert kpi.closure_rate(rows) != kpi.closure_rate(whole)


def test_the_calendar_defaults_to_the_policys_own_and_a_different_one_is_refused() -> None:
    reformed = Policy.default().reform({"calendar.schedule": ["09:30-12:00", "13:30-18:00"]})
    t = dt.datetime(2024, 5, 6, 9, tzinfo=SH)
    case = dispatched("exposed_garbage", t, reformed)
    # from 09:30: 2.5 h before lunch, 1.5 h after 13:30 → 15:00 (the old hours gave 14:30)
    assert deadlines.due_at(case, reformed) == dt.datetime(2024, 5, 6, 15, tzinfo=SH)
    assert deadlines.due_at(case, reformed, reformed.work_calendar()).hour == 15
    with pytest.raises(PolicyError) as info:
        deadlines.due_at(case, reformed, WorkCalendar.china())
    assert info.value.field == "calendar"
    assert "leave calendar out" in (info.value.hint or "")


def test_overdue_is_answered_when_at_is_covered_though_the_due_time_is_not() -> None:
    # The calendar ends 2026-12-31; five working days from 2026-12-28 end in 2027.
    policy = Policy.default().reform(
        {"deadlines.categories.exposed_garbage": {"normal": "5 working days"}}
    )
    t = dt.datetime(2026, 12, 28, 9, tzinfo=SH)
    case = dispatched("exposed_garbage", t, policy)
    at = dt.datetime(2026, 12, 29, 9, tzinfo=SH)
    assert deadlines.is_overdue(case, policy, at=at) is False
    with pytest.raises(CalendarCoverageError):
        deadlines.due_at(case, policy)  # the due time itself is not known
    with pytest.raises(CalendarCoverageError, match="working days"):
        deadlines.remaining(case, policy, at=at)
    # working hours: the time left is known (40 h less the 9 h of 28 Dec... by 29 Dec 09:00)
    hours = Policy.default().reform(
        {"deadlines.categories.exposed_garbage": {"normal": "40 working hours"}}
    )
    case = dispatched("exposed_garbage", t, hours)
    left = deadlines.remaining(case, hours, at=at)
    assert left == dt.timedelta(hours=40) - dt.timedelta(hours=7.5)
    assert deadlines.is_overdue(case, hours, at=at) is False
    assert deadlines.warnings(case, hours, at=at) == ()


def test_a_reform_naming_an_unknown_category_or_major_class_is_refused() -> None:
    policy = Policy.default()
    with pytest.raises(PolicyError, match="did you mean 'exposed_garbage'") as info:
        policy.reform({"deadlines.categories.exposed_garbag": {"normal": "2 working hours"}})
    assert info.value.field == "deadlines.categories.exposed_garbag"
    with pytest.raises(PolicyError) as major:
        policy.reform({"deadlines.major_classes.E99": {"normal": "2 working hours"}})
    assert major.value.field == "deadlines.major_classes.E99"
    # with the class added to the policy's own taxonomy the row is accepted
    row = LOCAL.reform({"deadlines.categories.shop_front_clutter": {"normal": "1 working hours"}})
    applied = deadlines.lookup(row, "shop_front_clutter", on=dt.date(2024, 1, 1))
    assert applied.limit == TimeLimit.working_hours(1)


def test_a_kpi_table_key_of_the_wrong_shape_is_an_error() -> None:
    log = sim.example_log(200, seed=2)
    table = kpi.counts_from_columns(log, by="grid", period="month", deadlines=Policy.default())
    key = table.keys()[0]
    assert table.get(key).due >= 0
    with pytest.raises(KpiError) as info:
        table.get(key[0])  # a grid alone, for a table keyed by (grid, month)
    assert info.value.field == "key"
    with pytest.raises(KpiError):
        table.get((key[0], "2024-05"))  # a string where a date belongs
    assert table.get(("999999999999999", key[1])) == kpi.KpiCounts()  # no cases: zeros


def test_a_limit_in_working_hours_ignores_a_calendar_argument_of_another_kind() -> None:
    with pytest.raises(PolicyError, match="not a WorkCalendar"):
        deadlines.due_at(
            dispatched("exposed_garbage", dt.datetime(2024, 5, 6, 9, tzinfo=SH)), LOCAL, "cal"
        )  # type: ignore[arg-type]
    assert TimeLimit.working_hours(4).working_us == 4 * 3600 * 10**6
