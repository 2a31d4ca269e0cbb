"""The impact of a rule change on a case log (testing.impact): what moves, sorted by
the size of the change, and nothing for an identity reform."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from urbangov import KpiError, Policy, deadlines
from urbangov.sim import example_log, sample_city
from urbangov.testing import impact

OLD = Policy.default()
NEW = OLD.reform({"deadlines.categories.exposed_garbage.normal": "2 working hours"})
LOG = example_log(3000, seed=11)


def test_an_identity_reform_moves_nothing() -> None:
    same = OLD.reform({"deadlines.categories.exposed_garbage.normal": "4 working hours"})
    found = impact(LOG, baseline=OLD, policy=same)
    assert (found.cases, found.units, bool(found)) == ((), (), False)
    assert list(found.rows()) == []


def test_only_the_reformed_category_moves() -> None:
    found = impact(LOG, baseline=OLD, policy=NEW)
    assert {move.category for move in found.cases} == {"exposed_garbage"}
    due = deadlines.due_at_batch(LOG, OLD).view("int64")
    garbage = LOG.categories.index("exposed_garbage")
    dispatched = (LOG.category == garbage) & (due != due.min())
    # rows with a strict-zone or urgent limit of their own keep it; the rest move
    moved = sum(1 for m in found.cases if m.baseline_due != m.policy_due)
    assert 0 < moved <= int(dispatched.sum())
    # 2 working hours instead of 4: every due time moves earlier
    assert all(m.shift is not None and m.shift < dt.timedelta(0) for m in found.cases)


def test_cases_are_sorted_verdicts_first_then_by_the_size_of_the_shift() -> None:
    found = impact(LOG, baseline=OLD, policy=NEW)
    flips = [m.verdict_changed for m in found.cases]
    assert flips == sorted(flips, reverse=True)
    assert found.verdicts_changed > 0
    rest = [abs(m.shift) for m in found.cases if not m.verdict_changed and m.shift is not None]
    assert rest == sorted(rest, reverse=True)
    # a shorter limit only makes cases late: the verdicts go from on time to overdue
    assert all(m.policy_overdue for m in found.cases if m.verdict_changed)


def test_rates_per_street_move_by_the_largest_change_first() -> None:
    found = impact(LOG, baseline=OLD, policy=NEW, by="street", hierarchy=sample_city().hierarchy)
    assert found.by == "street"
    assert {u.measure for u in found.units} <= {"on_time_rate", "closure_rate"}
    sizes = [abs(u.change) for u in found.units if u.change is not None]
    assert sizes == sorted(sizes, reverse=True)
    assert all(u.unit.startswith("320105") and len(u.unit) == 9 for u in found.units)
    assert all(isinstance(u.baseline, Fraction) for u in found.units)


def test_grouping_by_a_level_needs_the_hierarchy() -> None:
    with pytest.raises(KpiError, match="grouping by street needs the city's units"):
        impact(LOG, baseline=OLD, policy=NEW, by="street")


def test_verdicts_are_judged_at_the_instant_given() -> None:
    early = dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    found = impact(LOG, baseline=OLD, policy=NEW, at=early)
    assert found.at == early
    assert found.verdicts_changed < impact(LOG, baseline=OLD, policy=NEW).verdicts_changed


def test_a_log_file_is_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from urbangov import io

    io.write_columns(tmp_path / "log.csv", example_log(300, seed=2))
    found = impact(tmp_path / "log.csv", baseline=OLD, policy=NEW)
    assert found.n_cases == 300
    assert found == impact(example_log(300, seed=2), baseline=OLD, policy=NEW)
