"""Calibration: ``sim.calibrate`` recovers the rates and capacities a city was simulated
with, reports what it could not fit, and reads target files (``docs/howto/calibrate.md``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from urbangov import files
from urbangov.cli import main
from urbangov.errors import SimulationError
from urbangov.kpi import KpiCounts, on_time_rate
from urbangov.policy import Policy
from urbangov.sim import (
    CalibrationTarget,
    SyntheticCity,
    calibrate,
    check_target,
    load_target,
    run,
    scaled,
)
from urbangov.sim._compare import measure

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 5, 13, tzinfo=SH)  # a Monday
TRUE_ARRIVALS, TRUE_CAPACITY = 1.3, 0.7


@pytest.fixture(scope="module")
def city() -> SyntheticCity:
    return SyntheticCity.generate(grids=900, streets=6, seed=5)


@pytest.fixture(scope="module")
def observed(city: SyntheticCity) -> KpiCounts:
    """A week of the city with 30% more problems and 30% fewer handlers, after a week's
    warm-up, on its own seed: the 'published' figures."""
    truth = scaled(city, arrival_scale=TRUE_ARRIVALS, capacity_scale=TRUE_CAPACITY)
    result = run(truth, Policy.default(), start=START - dt.timedelta(days=7), days=14, seed=11)
    names = ("received", "due", "closed", "closed_on_time")
    week = {"start": START, "end": START + dt.timedelta(days=7)}
    row = measure(result, truth.city.hierarchy, streets=(), metrics=names, **week)[0]
    return KpiCounts(
        received=int(row[0]), due=int(row[1]), closed=int(row[2]), closed_on_time=int(row[3])
    )


def test_calibration_recovers_the_arrival_scale_and_capacity(
    city: SyntheticCity, observed: KpiCounts
) -> None:
    fit = calibrate(
        city, Policy.default(), observed, start=START, days=7, seed=23, warmup_days=7,
        tolerance=0.02,
    )  # fmt: skip
    assert fit.fitted == ("received", "on_time_rate")
    # another seed than the truth's: the scale is recovered up to sampling noise (the
    # week has ~2,500 reports: a relative sd of 2%), the capacity up to rounding of
    # departments of a few handlers each
    assert fit.parameters["arrival_scale"] == pytest.approx(TRUE_ARRIVALS, rel=0.06)
    assert fit.parameters["capacity_scale"] == pytest.approx(TRUE_CAPACITY, rel=0.2)
    assert fit.parameters["service_scale"] == 1.0
    for name in fit.fitted:
        assert abs(fit.errors[name]) <= 0.02
        assert fit.achieved[name] == pytest.approx(fit.wanted[name] * (1 + fit.errors[name]))
    assert fit.wanted["on_time_rate"] == pytest.approx(float(on_time_rate(observed)))  # type: ignore[arg-type]
    # figures not fitted are reported with their errors
    rows = {r[0]: r for r in fit.rows()}
    assert rows["closure_rate"][4] is False
    assert "due" in fit.errors
    assert fit.city.name.endswith("(calibrated)")
    assert 2 <= fit.iterations <= 20


def test_the_calibrated_city_reproduces_the_fitted_figures(
    city: SyntheticCity, observed: KpiCounts
) -> None:
    fit = calibrate(
        city, Policy.default(), {"received": observed.received}, start=START, days=7, seed=23,
        warmup_days=7,
    )  # fmt: skip
    result = run(fit.city, Policy.default(), start=START - dt.timedelta(days=7), days=14, seed=23)
    row = measure(result, fit.city.city.hierarchy, start=START, end=START + dt.timedelta(days=7),
                  streets=(), metrics=("received",))[0]  # fmt: skip
    assert row[0] == fit.achieved["received"] == fit.counts.received
    assert abs(row[0] / observed.received - 1) <= 0.02


def test_a_target_out_of_reach_is_an_error_giving_the_closest_fit(city: SyntheticCity) -> None:
    with pytest.raises(SimulationError, match=r"no fit within 1\.0% after 3 runs") as caught:
        calibrate(
            city, Policy.default(), {"received": 10**7}, start=START, days=7, warmup_days=0,
            tolerance=0.01, max_iterations=3,
        )  # fmt: skip
    assert caught.value.field == "target"
    assert "received is" in str(caught.value)


@pytest.mark.parametrize(
    ("target", "kwargs", "field"),
    [
        ("received", {}, "target"),
        ({"recieved": 5}, {}, "target['recieved']"),
        ({"received": 5.5}, {}, "target['received']"),
        ({"on_time_rate": 1.5}, {}, "target['on_time_rate']"),
        ({"received": 5}, {"tolerance": 0}, "tolerance"),
        ({"received": 5}, {"max_iterations": 0}, "max_iterations"),
        ({"received": 5}, {"fit": ["rework_rate"]}, "fit"),
        ({"received": 5}, {"fit": ["closed"]}, "fit"),
        ({"received": 5, "filed": 5}, {"fit": ["received", "filed"]}, "fit"),
        ({"received": 5}, {"days": None}, "days"),
    ],
)
def test_bad_targets_and_arguments_name_the_field(
    city: SyntheticCity, target: object, kwargs: dict[str, object], field: str
) -> None:
    arguments: dict[str, object] = {"start": START, "days": 7}
    arguments.update(kwargs)
    with pytest.raises(SimulationError) as caught:
        calibrate(city, Policy.default(), target, **arguments)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_a_misspelt_figure_gets_a_suggestion() -> None:
    with pytest.raises(SimulationError, match="did you mean 'closed_on_time'"):
        CalibrationTarget.of({"closed_ontime": 3})


# ------------------------------------------------------------------ target files

WEEK = """\
kind = "calibration-target"
format_version = 1
source = "郑州 weekly report, 2019-04-08..14"
start = 2019-04-08
days = 7

[counts]
received = 51571
due = 52434
closed = 43523
closed_on_time = 40394

[rates]
rework_rate = 0.0053
"""


def test_a_target_file_loads_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "week.toml"
    path.write_text(WEEK, encoding="utf-8")
    target = load_target(path)
    # 郑州 weekly report, 2019-04-08..14 (每周运行分析报告)
    assert target.counts.received == 51571
    assert target.rates["rework_rate"] == 0.0053
    assert target.start == dt.date(2019, 4, 8)
    assert target.days == 7
    assert check_target(path) == ()
    assert files.check(path) == ("calibration-target", ())
    assert files.load(path, "calibration-target") == target
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_every_problem_of_a_target_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    text = WEEK.replace("received = 51571", "recieved = 51571").replace(
        "rework_rate = 0.0053", "rework_rate = 5.3"
    )
    path.write_text(text.replace("days = 7\n", "days = 7\nperiod = 7\n"), encoding="utf-8")
    problems = check_target(path)
    fields = {p.field: p for p in problems}
    assert set(fields) == {"counts.recieved", "rates.rework_rate", "period"}
    assert fields["counts.recieved"].line == 9
    assert "received" in (fields["counts.recieved"].hint or "")
    assert fields["rates.rework_rate"].line == 15
    with pytest.raises(SimulationError, match="3 problems"):
        load_target(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "counts.recieved" in result.output


def test_counts_that_cannot_hold_together_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(WEEK.replace("closed = 43523", "closed = 60000"), encoding="utf-8")
    (problem,) = check_target(path)
    assert problem.field == "counts"
