"""The public strategies (urbangov.testing.strategies) make only values that validate,
and reach the edges they promise."""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov import Case, Hierarchy, KpiCounts, Policy, kpi
from urbangov.calendar import WorkCalendar
from urbangov.cases import replay
from urbangov.testing import strategies as us


@given(us.aware_datetimes())
def test_instants_are_aware(t: dt.datetime) -> None:
    assert t.utcoffset() is not None


def test_instants_reach_make_up_workdays_and_year_ends() -> None:
    cal = WorkCalendar.china()
    seen: set[str] = set()

    # derandomized: whether 300 random draws hit every edge is otherwise left to chance
    @settings(max_examples=300, database=None, derandomize=True)
    @given(us.aware_datetimes())
    def look(t: dt.datetime) -> None:
        local = t.astimezone(ZoneInfo("Asia/Shanghai"))
        d = local.date()
        if d.weekday() >= 5 and cal.is_workday(d):
            seen.add("make-up workday")
        if (d.month, d.day) == (12, 31):
            seen.add("year end")
        if local.time() in (dt.time(9, 0), dt.time(18, 0)):
            seen.add("window edge")

    look()
    assert seen == {"make-up workday", "year end", "window edge"}


@given(us.work_calendars())
def test_calendars_are_covered_and_pickle(cal: WorkCalendar) -> None:
    assert 2024 in cal.coverage
    assert pickle.loads(pickle.dumps(cal)) == cal


@given(us.grid_codes())
def test_grid_codes_have_fifteen_digits(code: str) -> None:
    assert len(code) == 15
    assert code.isdigit()


@given(us.hierarchies())
def test_hierarchies_validate_and_every_grid_has_a_street(h: Hierarchy) -> None:
    assert Hierarchy.from_rows(h.units) == h
    assert h.grids()
    for grid in h.grids():
        assert len(grid.code) == 15
        assert len(h.ancestors(grid)) == 3


@given(us.units())
def test_units_belong_to_a_valid_hierarchy(unit: object) -> None:
    assert len(unit.code) in (6, 9, 12, 15)  # type: ignore[attr-defined]


@given(us.kpi_counts())
def test_kpi_counts_validate_and_rates_lie_in_zero_one(counts: KpiCounts) -> None:
    assert KpiCounts(**counts.as_dict()) == counts
    for rate in (kpi.closure_rate, kpi.on_time_rate, kpi.rework_rate, kpi.extension_rate):
        value = rate(counts)
        assert value is None or 0 <= value <= 1


@given(us.cases())
def test_cases_replay_under_the_strict_rules(case: Case) -> None:
    assert replay(case) == case


@given(us.case_histories(start=dt.datetime(2024, 12, 31, 17, tzinfo=dt.UTC)))
def test_histories_never_go_back_in_time(history: tuple[object, ...]) -> None:
    times = [e.at for e in history]  # type: ignore[attr-defined]
    assert times == sorted(times)


@given(us.reforms())
def test_reforms_are_accepted_by_the_default_policy(changes: dict[str, object]) -> None:
    Policy.default().reform(changes)


@settings(max_examples=25)
@given(us.policies())
def test_policies_load_back_from_their_own_file(policy: Policy) -> None:
    assert Policy.loads(policy.dumps()) == policy


@given(st.data())
def test_units_of_a_given_hierarchy_come_from_it(data: st.DataObject) -> None:
    h = data.draw(us.hierarchies(max_streets=1, max_children=1))
    assert data.draw(us.units(h)) in h.units
