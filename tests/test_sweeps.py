"""Policy sweeps: ``sim.compare`` is the same on every executor, pairs replicates by
common random numbers, summarises with intervals that cover at their nominal rate, and
round-trips through its files (``docs/sweeps.md``)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import multiprocessing
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from urbangov import kpi
from urbangov.errors import SimulationError
from urbangov.policy import Policy
from urbangov.sim import (
    METRICS,
    Comparison,
    SyntheticCity,
    compare,
    run,
    run_seed,
    stable_hash,
)
from urbangov.sim._stats import mean_interval, t_quantile, welch_interval

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 5, 6, tzinfo=SH)  # a Monday
DAYS, REPLICATES, SEED = 3, 3, 7


@pytest.fixture(scope="module")
def city() -> SyntheticCity:
    return SyntheticCity.sample()


@pytest.fixture(scope="module")
def variants() -> dict[str, Policy]:
    base = Policy.default()
    reform = base.reform(
        {
            "deadlines.categories.exposed_garbage.normal": "2 working hours",
            "workflow.queue_discipline": "earliest_due",
        }
    )
    return {"in force": base, "proposed": reform}


@pytest.fixture(scope="module")
def serial(city: SyntheticCity, variants: dict[str, Policy]) -> Comparison:
    return compare(
        variants,
        city,
        start=START,
        days=DAYS,
        replicates=REPLICATES,
        seed=SEED,
        executor="serial",
    )


# ------------------------------------------------------------------ executors


def test_a_process_pool_gives_exactly_the_serial_comparison(
    city: SyntheticCity, variants: dict[str, Policy], serial: Comparison
) -> None:
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=context) as pool:
        pooled = compare(
            variants, city, start=START, days=DAYS, replicates=REPLICATES, seed=SEED,
            executor=pool, chunk=1,
        )  # fmt: skip
    assert pooled == serial
    assert np.array_equal(pooled.values, serial.values, equal_nan=True)


def test_the_default_local_pool_gives_exactly_the_serial_comparison(
    city: SyntheticCity, variants: dict[str, Policy], serial: Comparison
) -> None:
    pooled = compare(variants, city, start=START, days=DAYS, replicates=REPLICATES, seed=SEED)
    assert pooled == serial


def test_a_dask_local_cluster_gives_exactly_the_serial_comparison(
    city: SyntheticCity, variants: dict[str, Policy], serial: Comparison
) -> None:
    import distributed  # the dask extra, installed by .[test]: this test never skips

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = compare(
            variants, city, start=START, days=DAYS, replicates=REPLICATES, seed=SEED,
            executor=client.get_executor(),
        )  # fmt: skip
        ran_on = set(client.scheduler_info()["workers"])
    assert len(ran_on) == 2
    assert on_dask == serial


def test_chunking_does_not_change_the_result(
    city: SyntheticCity, variants: dict[str, Policy], serial: Comparison
) -> None:
    one_by_one = compare(
        variants, city, start=START, days=DAYS, replicates=REPLICATES, seed=SEED,
        executor="serial", chunk=1,
    )  # fmt: skip
    assert one_by_one == serial


# ------------------------------------------------------------------ seeds and pairing


def test_run_seed_is_the_documented_seed_sequence() -> None:
    for name in ("common random numbers", "proposed"):
        sequence = np.random.SeedSequence(5, spawn_key=(stable_hash(name), 3))
        word = int(sequence.generate_state(1, dtype=np.uint64)[0])
        variant = None if name == "common random numbers" else name
        assert run_seed(5, 3, variant) == word >> 1
    assert run_seed(5, 3) < 2**63


def test_replicate_r_of_every_variant_runs_on_the_same_reports(serial: Comparison) -> None:
    # common random numbers: the reform changes handling, not what is reported
    received = serial.values_of("in force", "received")
    assert np.array_equal(received, serial.values_of("proposed", "received"))
    assert len(set(received.tolist())) > 1  # replicates differ from each other
    # ... and the handling differs, so the pairing is not trivial
    assert not np.array_equal(
        serial.values_of("in force", "closed_on_time"),
        serial.values_of("proposed", "closed_on_time"),
    )


def test_a_replicate_is_the_run_on_its_seed(
    city: SyntheticCity, variants: dict[str, Policy], serial: Comparison
) -> None:
    # the measured span is one month's part: the run's own monthly total is the same
    result = run(city, variants["proposed"], start=START, days=DAYS, seed=run_seed(SEED, 1))
    total = result.kpi("month").total()
    for name in ("received", "due", "closed", "closed_on_time", "overdue"):
        assert serial.values_of("proposed", name)[1] == getattr(total, name)
    expected = float(kpi.on_time_rate(total))  # type: ignore[arg-type]
    assert serial.values_of("proposed", "on_time_rate")[1] == expected


def test_streets_add_up_to_the_city(serial: Comparison) -> None:
    assert serial.units[0] == "total"
    assert len(serial.units) == 1 + 7  # the sample district's seven streets
    m = serial.metrics.index("received")
    assert np.array_equal(serial.values[:, :, 1:, m].sum(axis=2), serial.values[:, :, 0, m])


def test_independent_variants_draw_their_own_reports(
    city: SyntheticCity, variants: dict[str, Policy]
) -> None:
    apart = compare(
        variants, city, start=START, days=DAYS, replicates=2, seed=SEED, executor="serial",
        common_random_numbers=False, metrics=["received", "on_time_rate"],
    )  # fmt: skip
    assert apart.metrics == ("on_time_rate", "received")
    assert not np.array_equal(
        apart.values_of("in force", "received"), apart.values_of("proposed", "received")
    )
    assert apart.summary().paired is False


def test_a_warm_up_runs_before_the_measured_span(
    city: SyntheticCity, variants: dict[str, Policy]
) -> None:
    warm = compare(
        {"in force": variants["in force"]}, city, start=START, days=2, replicates=1, seed=3,
        executor="serial", warmup_days=5, metrics=["due", "received"],
    )  # fmt: skip
    cold = compare(
        {"in force": variants["in force"]}, city, start=START, days=2, replicates=1, seed=3,
        executor="serial", metrics=["due", "received"],
    )  # fmt: skip
    # cases filed in the warm-up fall due in the span: more are due than without it
    assert warm.values_of("in force", "due")[0] > cold.values_of("in force", "due")[0]
    assert warm.warmup_days == 5


# ------------------------------------------------------------------ intervals


def test_t_quantiles_are_the_tabled_values() -> None:
    # Student's t, two-sided 95% and 99% (any table of the t distribution)
    assert t_quantile(0.95, 1) == pytest.approx(12.7062, abs=1e-4)
    assert t_quantile(0.95, 2) == pytest.approx(4.3027, abs=1e-4)
    assert t_quantile(0.95, 9) == pytest.approx(2.2622, abs=1e-4)
    assert t_quantile(0.99, 20) == pytest.approx(2.8453, abs=1e-4)
    assert t_quantile(0.95, 10**6) == pytest.approx(1.95996, abs=1e-5)


def test_mean_intervals_cover_the_true_mean_at_their_nominal_rate() -> None:
    # 4,000 samples of 5 normal draws (fixed seed): the 95% interval holds the mean in
    # 95% of them; binomial sd is 0.34%, so a 1.5-point tolerance is over 4 sd
    rng = np.random.default_rng(2024)
    draws = rng.normal(3.0, 2.0, size=(5, 4000))
    _mean, low, high, n = mean_interval(draws, 0.95, axis=0)
    covered = float(((low <= 3.0) & (high >= 3.0)).mean())
    assert covered == pytest.approx(0.95, abs=0.015)
    assert (n == 5).all()
    # a 50% interval covers half the time: the factor is not simply 'wide'
    _, low50, high50, _ = mean_interval(draws, 0.5, axis=0)
    assert float(((low50 <= 3.0) & (high50 >= 3.0)).mean()) == pytest.approx(0.5, abs=0.03)


def test_paired_and_welch_differences_cover_at_their_nominal_rate() -> None:
    rng = np.random.default_rng(7)
    replicates, trials, delta = 6, 3000, 0.4
    shared = rng.normal(0.0, 5.0, size=(replicates, trials))  # what CRN cancels
    base = shared + rng.normal(0.0, 0.5, size=(replicates, trials))
    other = shared + delta + rng.normal(0.0, 0.5, size=(replicates, trials))
    values = np.stack([base, other])[:, :, :, None]  # variants, replicates, units, metrics
    units = ("total", *(f"t{i}" for i in range(trials - 1)))
    paired = Comparison(
        variants=("base", "other"), metrics=("received",), units=units, values=values,
        baseline="base", seed=0, start=START, days=1,
    )  # fmt: skip
    s = paired.summary()
    covered = (s.diff_low[1, :, 0] <= delta) & (delta <= s.diff_high[1, :, 0])
    assert float(covered.mean()) == pytest.approx(0.95, abs=0.015)
    # pairing cancels the shared part: intervals far narrower than unpaired ones
    _d, low, high = welch_interval(other, base, 0.95, axis=0)
    assert np.median(high - low) > 5 * np.median(s.diff_high[1, :, 0] - s.diff_low[1, :, 0])
    # Welch's interval covers for independent samples of unequal spread
    a = rng.normal(1.0, 3.0, size=(8, trials))
    b = rng.normal(0.0, 0.5, size=(5, trials))
    _, lo, hi = welch_interval(a, b, 0.95, axis=0)
    assert float(((lo <= 1.0) & (hi >= 1.0)).mean()) == pytest.approx(0.95, abs=0.015)


def test_the_baseline_has_no_difference_and_nan_rates_are_left_out(serial: Comparison) -> None:
    s = serial.summary()
    base = s.get("in force", "on_time_rate")
    assert np.isnan(base.diff)
    assert np.isnan(base.diff_low)
    assert base.low <= base.mean <= base.high
    other = s.get("proposed", "received")
    assert (other.diff, other.diff_low, other.diff_high) == (0.0, 0.0, 0.0)
    values = serial.values.copy()
    values[0, 0, 0, 0] = np.nan
    holed = Comparison.from_array(
        values, variants=serial.variants, metrics=serial.metrics, units=serial.units,
        baseline="in force", seed=1, start=START, days=DAYS,
    )  # fmt: skip
    assert holed.summary().get("in force", serial.metrics[0]).n == REPLICATES - 1


# ------------------------------------------------------------------ files and frames


def test_save_and_load_round_trip_and_rewrite_the_same_bytes(
    serial: Comparison, tmp_path: Path
) -> None:
    values = serial.values.copy()
    values[1, 2, 3, 4] = np.nan  # a rate with nothing in its denominator
    values[0, 1, 0, 0] = 1 / 3
    holed = Comparison.from_array(
        values, variants=serial.variants, metrics=serial.metrics, units=serial.units,
        baseline="proposed", seed=SEED, start=START, days=DAYS, city="x, \"quoted\"",
    )  # fmt: skip
    first = serial.save(tmp_path / "s")
    assert Comparison.load(first) == serial
    first = holed.save(tmp_path / "a")
    loaded = Comparison.load(first)
    assert loaded == holed
    assert loaded != serial
    assert np.isnan(loaded.values[1, 2, 3, 4])
    assert loaded.values[0, 1, 0, 0] == 1 / 3
    second = loaded.save(tmp_path / "b")
    for name in ("comparison.toml", "rows.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    header = (first / "rows.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "variant,replicate,metric,unit,value"


def test_loading_a_broken_comparison_names_the_file(serial: Comparison, tmp_path: Path) -> None:
    with pytest.raises(SimulationError, match="manifest") as caught:
        Comparison.load(tmp_path / "nothing")
    assert caught.value.field == "comparison.toml"
    folder = serial.save(tmp_path / "c")
    rows = (folder / "rows.csv").read_text(encoding="utf-8").splitlines()
    (folder / "rows.csv").write_text("\n".join(rows[:-3]) + "\n", encoding="utf-8")
    with pytest.raises(SimulationError, match="rows") as caught:
        Comparison.load(folder)
    assert caught.value.field == "rows.csv"


def test_to_pandas_gives_tidy_rows(serial: Comparison) -> None:
    frame = serial.to_pandas()
    assert list(frame.columns) == ["variant", "replicate", "metric", "unit", "value"]
    assert len(frame) == serial.values.size == len(list(serial.rows()))
    chosen = (frame.variant == "proposed") & (frame.metric == "due") & (frame.unit == "total")
    picked = frame[chosen]
    assert picked.value.tolist() == serial.values_of("proposed", "due").tolist()
    summary = serial.summary().to_pandas()
    assert len(summary) == 2 * len(serial.units) * len(METRICS)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"variants": {}}, "variants"),
        ({"variants": [("a", Policy.default()), ("a", Policy.default())]}, "variants['a']"),
        ({"variants": {"a": "policy.toml"}}, "variants['a']"),
        ({"variants": {"": Policy.default()}}, "variants"),
        ({"replicates": 0}, "replicates"),
        ({"days": 0}, "days"),
        ({"seed": -1}, "seed"),
        ({"metrics": ["on_time"]}, "metrics"),
        ({"baseline": "nope"}, "baseline"),
        ({"executor": "threads"}, "executor"),
        ({"warmup_days": -1}, "warmup_days"),
        ({"chunk": 0}, "chunk"),
        ({"city": "sample"}, "city"),
    ],
)
def test_bad_arguments_raise_a_simulation_error_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {
        "variants": {"a": Policy.default()},
        "city": SyntheticCity.generate(grids=30, streets=1, seed=1),
        "start": START,
        "days": 1,
        "replicates": 1,
        "seed": 1,
        "executor": "serial",
    }
    arguments.update(change)
    with pytest.raises(SimulationError) as caught:
        compare(**arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_comparison_checks_its_shape() -> None:
    with pytest.raises(SimulationError) as caught:
        Comparison(
            variants=("a",), metrics=("received",), units=("total",),
            values=np.zeros((1, 2, 3, 1)), baseline="a", seed=1, start=START, days=1,
        )  # fmt: skip
    assert caught.value.field == "values"
