"""The simulation engine: reproducible, conserving, valid, and counted by the library's
own rules (``urbangov.sim``, ``docs/simulation.md``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import random
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov import kpi
from urbangov.cases import CaseColumns, Status
from urbangov.errors import ProvisionalCalendarWarning, SimulationError
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.sim import (
    Assessment,
    Behaviour,
    CategoryModel,
    DepartmentModel,
    Escalations,
    Hooks,
    SimResult,
    SyntheticCity,
    run,
    sample_city,
    stable_hash,
)
from urbangov.vocabulary import Level

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 5, 6, tzinfo=SH)  # a Monday


@pytest.fixture(scope="module")
def sample() -> SyntheticCity:
    return SyntheticCity.sample()


@pytest.fixture(scope="module")
def week(sample: SyntheticCity) -> SimResult:
    return run(sample, Policy.default(), start=START, days=7, seed=11)


def digest(result: SimResult) -> str:
    h = hashlib.sha256()
    for f in attrs.fields(CaseColumns):
        value = getattr(result.cases, f.name)
        h.update(repr(value).encode() if isinstance(value, tuple) else value.tobytes())
    h.update(result.due.tobytes())
    return h.hexdigest()


# ------------------------------------------------------------------ reproducibility


def test_the_same_seed_gives_identical_results(sample: SyntheticCity, week: SimResult) -> None:
    again = run(sample, Policy.default(), start=START, days=7, seed=11)
    assert again == week
    assert digest(again) == digest(week)


def test_the_same_seed_gives_identical_results_in_another_process(week: SimResult) -> None:
    code = (
        "import datetime as dt, hashlib, attrs\n"
        "from zoneinfo import ZoneInfo\n"
        "from urbangov.policy import Policy\n"
        "from urbangov.sim import SyntheticCity, run\n"
        "from tests.test_sim import digest\n"
        "r = run(SyntheticCity.sample(), Policy.default(),\n"
        "        start=dt.datetime(2024, 5, 6, tzinfo=ZoneInfo('Asia/Shanghai')),\n"
        "        days=7, seed=11)\n"
        "print(digest(r))\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )  # fmt: skip
    assert out.stdout.strip() == digest(week)


def test_different_seeds_differ(sample: SyntheticCity, week: SimResult) -> None:
    other = run(sample, Policy.default(), start=START, days=7, seed=12)
    assert other.cases.n_cases != week.cases.n_cases or other.cases != week.cases


def test_worker_processes_do_not_change_the_result(sample: SyntheticCity, week: SimResult) -> None:
    parallel = run(sample, Policy.default(), start=START, days=7, seed=11, workers=2)
    assert parallel == week


def _shuffled(city: City, seed: int) -> City:
    units = list(city.hierarchy.units)
    random.Random(seed).shuffle(units)
    org = city.organisation
    departments = list(org.departments)
    random.Random(seed).shuffle(departments)
    rules = list(org.duties.rules)
    random.Random(seed).shuffle(rules)
    shuffled = attrs.evolve(
        org, departments=departments, duties=attrs.evolve(org.duties, rules=rules)
    )
    return City(Hierarchy(units, city.hierarchy.segments), shuffled)


def test_the_order_of_units_does_not_change_the_result(week: SimResult) -> None:
    # a unit's random numbers depend on its code, not on its place in the file
    city = SyntheticCity.from_city(_shuffled(sample_city(), 5), name="sample district")
    again = run(city, Policy.default(), start=START, days=7, seed=11)
    assert again.cases == week.cases
    assert again.kpis == week.kpis


def test_stable_hash_is_blake2b_little_endian() -> None:
    digest8 = hashlib.blake2b("暴露垃圾".encode(), digest_size=8).digest()
    assert stable_hash("暴露垃圾") == int.from_bytes(digest8, "little")
    assert stable_hash("a") != stable_hash("b")


# ------------------------------------------------------------------ validity and conservation


def test_the_case_table_passes_the_workflow_check(week: SimResult) -> None:
    week.cases.check(Policy.default())
    assert not week.cases.invalid(Policy.default()).any()


def test_every_report_ends_rejected_closed_voided_or_open(week: SimResult) -> None:
    status = week.cases.derived().status
    names = [CaseColumns.STATUSES[s] for s in status]
    assert len(names) == week.cases.n_cases
    terminal = {Status.REJECTED, Status.CLOSED, Status.VOIDED}
    counted = sum(1 for s in names if s in terminal) + sum(1 for s in names if s not in terminal)
    assert counted == week.cases.n_cases
    # the run's end cuts events, never cases: every report has an event or is still
    # reported, and no event is at or after the end
    assert (
        week.cases.at < np.datetime64(week.end.astimezone(dt.UTC).replace(tzinfo=None), "ns")
    ).all()
    # all four outcomes occur in a week of the sample district
    assert {Status.REJECTED, Status.CLOSED, Status.VOIDED} <= set(names)
    assert any(not s.terminal for s in names)


def test_filing_rate_is_below_one(week: SimResult) -> None:
    # 不予立案 and 作废: some reports are not cases
    total = week.kpi("month").total()
    rate = kpi.filing_rate(total)
    assert rate is not None
    assert 0.9 < rate < 1


def test_cases_are_dispatched_to_the_duty_matrix_lead(week: SimResult) -> None:
    city = sample_city()
    cols = week.cases
    dep = cols.department
    for i in np.flatnonzero(dep >= 0)[:200].tolist():
        category = Policy.default().taxonomy().resolve(cols.categories[cols.category[i]])
        grid = cols.grids[cols.grid[i]]
        assert cols.departments[dep[i]] == city.lead_for(category.domain, grid, category.asset_kind)


def test_cases_carry_their_grids_zone(week: SimResult) -> None:
    from urbangov import zones

    zone_map = zones.classify(sample_city().hierarchy, Policy.default())
    cols = week.cases
    for i in range(0, cols.n_cases, 97):
        tier = zone_map.tier_of(cols.grids[cols.grid[i]])
        assert CaseColumns.ZONES[cols.zone[i]] is tier


# ------------------------------------------------------------------ KPIs


@pytest.mark.parametrize(
    ("name", "by"),
    [
        ("street", Level.STREET),
        ("department", "department"),
        ("category", "category"),
        ("month", ()),
    ],
)
def test_kpis_equal_counts_from_the_case_table(week: SimResult, name: str, by: object) -> None:
    expected = kpi.counts_from_columns(
        week.cases,
        by=by,  # type: ignore[arg-type]
        period="month",
        start=week.start,
        end=week.end,
        deadlines=week.policy,
        hierarchy=sample_city().hierarchy,
    )
    assert week.kpi(name) == expected


def test_due_times_are_the_deadlines_packages(week: SimResult) -> None:
    from urbangov import deadlines

    expected = deadlines.due_at_batch(week.cases, week.policy)
    assert np.array_equal(week.due.view(np.int64), expected.view(np.int64))


def test_a_city_with_no_arrivals_counts_zero_and_has_no_rates(sample: SyntheticCity) -> None:
    quiet = attrs.evolve(
        sample,
        categories=FrozenMap((k, attrs.evolve(v, rate=0.0)) for k, v in sample.categories.items()),
    )
    result = run(quiet, Policy.default(), start=START, days=7, seed=1)
    assert result.cases.n_cases == 0
    total = result.kpi("month").total()
    assert total == kpi.KpiCounts()
    assert kpi.on_time_rate(total) is None
    assert kpi.filing_rate(total) is None


# ------------------------------------------------------------------ policy and city variants


def test_a_shorter_limit_is_used_for_due_times(sample: SyntheticCity) -> None:
    policy = Policy.default().reform(
        {"deadlines.categories.exposed_garbage.normal": "2 working hours"}
    )
    base = run(sample, Policy.default(), start=START, days=7, seed=3)
    short = run(sample, policy, start=START, days=7, seed=3)
    assert base.cases.n_cases == short.cases.n_cases
    cols = base.cases
    garbage = cols.category == cols.categories.index("exposed_garbage")
    plain = (cols.derived().extension_count == 0) & (short.cases.derived().extension_count == 0)
    has = garbage & plain & ~np.isnat(base.due) & ~np.isnat(short.due)
    assert has.sum() > 50
    assert (short.due[has] < base.due[has]).all()


def test_more_handlers_close_more_on_time(sample: SyntheticCity) -> None:
    office = "street_office_006"
    n = sample.departments[office].servers
    slow = sample.with_servers({office: 1})
    fast = sample.with_servers({office: 2 * n})
    a = run(slow, Policy.default(), start=START, days=14, seed=4).kpi("department")
    b = run(fast, Policy.default(), start=START, days=14, seed=4).kpi("department")
    key = (office, dt.date(2024, 5, 1))
    rate_a, rate_b = kpi.on_time_rate(a.get(key)), kpi.on_time_rate(b.get(key))
    assert rate_a is not None
    assert rate_b is not None
    assert rate_b > rate_a


def test_close_without_verification_has_no_verification_events(sample: SyntheticCity) -> None:
    policy = Policy.default().reform({"workflow.close_without_verification": True})
    result = run(sample, policy, start=START, days=3, seed=2)
    kinds = set(result.cases.kind.tolist())
    assert CaseColumns.KINDS.index("verify_pass") not in kinds
    assert CaseColumns.KINDS.index("close") in kinds
    result.cases.check(policy)


def test_an_org_city_gets_the_default_model() -> None:
    result = run(sample_city(), Policy.default(), start=START, days=2, seed=1)
    assert result.city == "city"
    assert result.cases.n_cases > 0


def test_a_provisional_year_is_flagged() -> None:
    city = SyntheticCity.generate(grids=40, streets=2, seed=1)
    policy = Policy.default().reform({"calendar.provisional": True})
    with pytest.warns(ProvisionalCalendarWarning):
        result = run(city, policy, start=dt.datetime(2026, 12, 28, tzinfo=SH), days=3, seed=1)
    assert result.provisional
    assert not run(city, Policy.default(), start=START, days=3, seed=1).provisional


# ------------------------------------------------------------------ hooks


def test_your_hooks_replace_the_built_in_escalations_then_scores(sample: SyntheticCity) -> None:
    seen: list[str] = []

    def escalation(result: SimResult, city: object) -> object:
        seen.append("escalation")
        return {"overdue": int(np.sum(~np.isnat(result.due)))}

    def scoring(result: SimResult, city: object) -> object:
        seen.append("scoring")
        assert result.escalations is not None  # scoring reads the escalations
        return {"months": len(result.kpi("street"))}

    result = run(sample, Policy.default(), start=START, days=2, seed=1,
                 hooks=Hooks(escalation=escalation, scoring=scoring))  # fmt: skip
    assert seen == ["escalation", "scoring"]
    assert result.escalations == {"overdue": int(np.sum(~np.isnat(result.due)))}
    assert result.scores == {"months": len(result.kpi("street"))}
    built_in = run(sample, Policy.default(), start=START, days=2, seed=1)
    assert isinstance(built_in.escalations, Escalations)
    assert isinstance(built_in.scores, Assessment)
    bare = run(sample, Policy.default(), start=START, days=2, seed=1, hooks=Hooks(None, None))
    assert bare.escalations is None
    assert bare.scores is None
    assert bare.cases == built_in.cases
    assert bare.kpis == built_in.kpis


def test_a_result_holding_a_hooks_own_value_is_not_saved(
    sample: SyntheticCity, tmp_path: Path
) -> None:
    result = run(sample, Policy.default(), start=START, days=2, seed=1,
                 hooks=Hooks(escalation=lambda r, c: {"mine": 1}, scoring=None))  # fmt: skip
    with pytest.raises(SimulationError, match="a hook's value") as err:
        result.save(tmp_path)
    assert err.value.field == "escalations"


# ------------------------------------------------------------------ saving


def test_save_and_load_round_trip(week: SimResult, tmp_path: Path) -> None:
    week.save(tmp_path / "a")
    again = SimResult.load(tmp_path / "a")
    assert again == week
    assert again.policy == week.policy


def test_saving_gives_the_same_bytes(week: SimResult, tmp_path: Path) -> None:
    week.save(tmp_path / "a")
    SimResult.load(tmp_path / "a").save(tmp_path / "b")
    for name in ("arrays.npz", "policy.toml", "result.toml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_loading_something_else_is_a_simulation_error(tmp_path: Path) -> None:
    with pytest.raises(SimulationError, match="manifest"):
        SimResult.load(tmp_path)
    (tmp_path / "result.toml").write_text('kind = "policy"\nformat_version = 1\n')
    with pytest.raises(SimulationError, match="not a simulation result"):
        SimResult.load(tmp_path)


def test_results_pickle(week: SimResult) -> None:
    assert pickle.loads(pickle.dumps(week)) == week


# ------------------------------------------------------------------ cities and errors


def test_generated_cities_have_plausible_geography() -> None:
    city = SyntheticCity.generate(grids=3_000, streets=20, districts=2, seed=7)
    h = city.city.hierarchy
    assert h.counts()[Level.GRID] == 3_000
    assert h.counts()[Level.STREET] == 20
    sizes = [len(h.descendants(s, level=Level.GRID)) for s in h.at_level(Level.STREET)]
    assert min(sizes) >= 10
    assert max(sizes) <= 1_000
    areas = [g.area_m2 for g in h.grids()]
    assert 8_000 < float(np.mean(areas)) < 12_500  # a 万米单元网格 is ~10,000 m²
    # every street has its office, and each lead is a department of the organisation
    assert all(city.city.organisation.office_of(s) for s in h.at_level(Level.STREET))
    from urbangov import zones

    counts = zones.classify(h, Policy.default()).counts("grid")
    assert all(n > 0 for n in counts.values())  # every tier occurs


def test_generation_is_deterministic_and_seeded() -> None:
    a = SyntheticCity.generate(grids=500, streets=5, seed=1)
    assert SyntheticCity.generate(grids=500, streets=5, seed=1) == a
    assert SyntheticCity.generate(grids=500, streets=5, seed=2) != a


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"grids": 5, "streets": 10}, "streets"),
        ({"grids": 0, "streets": 1}, "grids"),
        ({"grids": 3_000_000, "streets": 10}, "grids"),
    ],
)
def test_bad_city_sizes_are_simulation_errors(kwargs: dict[str, int], field: str) -> None:
    with pytest.raises(SimulationError) as info:
        SyntheticCity.generate(**kwargs)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"days": 0}, "days"), ({"seed": -1}, "seed"), ({"days": 1.5}, "days")],
)
def test_bad_run_arguments_are_simulation_errors(
    sample: SyntheticCity, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"start": START, "days": 1, "seed": 0, **kwargs}
    with pytest.raises(SimulationError) as info:
        run(sample, Policy.default(), **args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_model_parameters_are_checked() -> None:
    with pytest.raises(SimulationError):
        DepartmentModel(0)
    with pytest.raises(SimulationError):
        CategoryModel(1.0, 60, "weather")
    with pytest.raises(SimulationError):
        Behaviour(rework=1.5)
    with pytest.raises(SimulationError):
        Behaviour(public_report={"hotline": 0.7, "public": 0.6})


def test_a_model_category_the_taxonomy_lacks_is_an_error(sample: SyntheticCity) -> None:
    odd = attrs.evolve(
        sample, categories=sample.categories.set("no_such_thing", CategoryModel(1, 60))
    )
    with pytest.raises(SimulationError, match="no category"):
        run(odd, Policy.default(), start=START, days=1, seed=0)


def test_weights_must_match_the_grids(sample: SyntheticCity) -> None:
    with pytest.raises(SimulationError, match="weights"):
        attrs.evolve(sample, weights=[1.0])
