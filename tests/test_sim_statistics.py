"""The simulation against expectations and queueing theory: fixed seeds, stated
tolerances. Each test's tolerance is several standard errors of its estimate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov import deadlines, kpi
from urbangov.calendar import TimeLimit
from urbangov.cases import CaseColumns
from urbangov.frozen import FrozenMap
from urbangov.policy import Policy
from urbangov.sim import Behaviour, CategoryModel, DepartmentModel, SyntheticCity, run

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 3, 4, tzinfo=SH)


def on_time(result: object) -> float:
    total = result.kpi("month").total()  # type: ignore[attr-defined]
    rate = kpi.on_time_rate(total)
    assert rate is not None
    return float(rate)


def lengthened(policy: Policy, factor: int) -> Policy:
    """Every limit of the table (category rows, major-class rows, the default row) times
    ``factor``."""
    changes: dict[str, object] = {}
    table = policy.deadlines
    rows = [(f"deadlines.categories.{k}", v) for k, v in table.categories.items()]
    rows += [(f"deadlines.major_classes.{k}", v) for k, v in table.major_classes.items()]
    rows.append(("deadlines.default", table.default))
    for path, row in rows:
        limit = row.normal.at(START.date())
        changes[f"{path}.normal"] = str(TimeLimit(limit.amount * factor, limit.unit))
    return policy.reform(changes)


@pytest.fixture(scope="module")
def busy() -> SyntheticCity:
    # the sample district with its handlers cut by a third: queues matter
    city = SyntheticCity.sample()
    return city.with_servers(
        {code: max(1, (2 * m.servers) // 3) for code, m in city.departments.items()}
    )


@pytest.mark.parametrize("discipline", ["fifo", "earliest_due"])
def test_lengthening_every_limit_never_lowers_the_on_time_rate(
    busy: SyntheticCity, discipline: str
) -> None:
    # 5 seeds of 4 weeks each; tolerance 0.5 percentage point on the mean difference
    # (with common random numbers the paired difference is near-deterministic)
    policy = Policy.default().reform({"workflow.queue_discipline": discipline})
    longer = lengthened(policy, 2)
    diffs = []
    for s in range(5):
        base, long = (run(busy, p, start=START, days=28, seed=s) for p in (policy, longer))
        diffs.append(on_time(long) - on_time(base))
        if discipline == "fifo":
            # the same queue order and handling times: a case that was on time still
            # is, unless an extension (asked for by a case late at its start) moved only
            # the shorter limit's due time
            end = START + dt.timedelta(days=28)
            late = [deadlines.overdue_batch(r.cases, p, at=end) for r, p in
                    ((base, policy), (long, longer))]  # fmt: skip
            plain = (base.cases.derived().extension_count == 0) & (
                long.cases.derived().extension_count == 0
            )
            assert not (late[1] & ~late[0] & plain).any()
    assert np.mean(diffs) >= -0.005


def test_earliest_due_first_never_lowers_the_on_time_rate_against_fifo(busy: SyntheticCity) -> None:
    # same arrivals and handling times, only the order differs; 5 seeds of 4 weeks,
    # tolerance 0.5 percentage point on the mean difference
    fifo = Policy.default()
    edf = fifo.reform({"workflow.queue_discipline": "earliest_due"})
    diffs = [
        on_time(run(busy, edf, start=START, days=28, seed=s))
        - on_time(run(busy, fifo, start=START, days=28, seed=s))
        for s in range(5)
    ]
    assert np.mean(diffs) >= -0.005


def test_a_shorter_limit_moves_cases_up_an_earliest_due_queue(busy: SyntheticCity) -> None:
    # exposed garbage 2 working hours instead of 4: under earliest-due-first its cases
    # are handled sooner (the median dispatch-to-handle time falls)
    edf = Policy.default().reform({"workflow.queue_discipline": "earliest_due"})
    short = edf.reform({"deadlines.categories.exposed_garbage.normal": "2 working hours"})

    def median_hours(policy: Policy) -> float:
        cols = run(busy, policy, start=START, days=28, seed=1).cases
        dispatched = cols.derived().dispatched_at.view(np.int64)
        garbage = (cols.category == cols.categories.index("exposed_garbage")) & (
            dispatched != np.iinfo(np.int64).min
        )
        handle = CaseColumns.KINDS.index("handle")
        first = np.full(cols.n_cases, np.iinfo(np.int64).min)
        rows = np.flatnonzero(cols.kind == handle)[::-1]
        first[cols.case[rows]] = cols.at.view(np.int64)[rows]
        ok = garbage & (first != np.iinfo(np.int64).min)
        return float(np.median(first[ok] - dispatched[ok])) / 3.6e12

    assert median_hours(short) < median_hours(edf)
    # and with the 2-hour limit, earliest-due-first keeps more of them on time than
    # first-dispatched-first (same seed, same arrivals and handling times)
    fifo_short = short.reform({"workflow.queue_discipline": "fifo"})
    key = ("exposed_garbage", dt.date(2024, 3, 1))

    def garbage_on_time(policy: Policy) -> float:
        rate = kpi.on_time_rate(
            run(busy, policy, start=START, days=28, seed=1).kpi("category").get(key)
        )
        assert rate is not None
        return float(rate)

    assert garbage_on_time(short) > garbage_on_time(fifo_short)


def _mm1(seed: int, rho: float, service: float) -> tuple[float, float]:
    """One always-working department, one handler, exponential handling of mean
    ``service`` minutes, Poisson reports at rate ``rho / service``: the mean time from
    dispatch to handled, and the handlings."""
    base = SyntheticCity.sample()
    per_day = rho / service * 1440
    total_weight = float(np.sum(base.weights))
    slug = "illegal_car_parking"  # urban traffic → traffic_police
    city = attrs.evolve(
        base,
        categories=FrozenMap({slug: CategoryModel(per_day / total_weight, service, "flat")}),
        departments=FrozenMap({"traffic_police": DepartmentModel(1, "always")}),
        behaviour=Behaviour(
            patrol_detection=0.0,
            public_report={"hotline": 1.0},
            reject_report={},
            reject_filing=0.0,
            void=0.0,
            suspend=0.0,
            rework=0.0,
            service="exponential",
        ),
    )
    cols = run(city, Policy.default(), start=START, days=365, seed=seed).cases
    d = cols.derived()
    handle = CaseColumns.KINDS.index("handle")
    rows = np.flatnonzero(cols.kind == handle)
    at = cols.at.view(np.int64)[rows]
    sojourn = (at - d.dispatched_at.view(np.int64)[cols.case[rows]]) / 6e10  # minutes
    return float(sojourn.mean()), float(rows.size)


def test_a_single_server_department_matches_mm1_theory() -> None:
    # M/M/1 with rho = 0.5 and mean service 60 min: mean time in system
    # W = S / (1 - rho) = 120 min, mean wait W - S = 60 min. Positions are whole
    # minutes (arrivals rounded up, handling rounded up to >= 1): + ~1 min. Ten
    # seeds of a year (~43,800 handlings).
    rho, service = 0.5, 60.0
    results = [_mm1(seed, rho, service) for seed in range(10)]
    mean_w = float(np.average([w for w, _ in results], weights=[n for _, n in results]))
    expected_wait = rho * service / (1 - rho)
    wait = mean_w - (service + 0.5)
    # the mean of n waits has variance σ²/n, σ² = ρ(2 + 5ρ − 4ρ² + ρ³)/(1 − ρ)⁴ · S²
    # (the M/M/1 asymptotic variance of the mean wait; Whitt, "Planning queueing
    # simulations", Management Science 35(11), 1989): 4 standard errors and 1 minute
    # of rounding
    sigma2 = rho * (2 + 5 * rho - 4 * rho**2 + rho**3) / (1 - rho) ** 4 * service**2
    se = float(np.sqrt(sigma2 / sum(n for _, n in results)))
    assert abs(wait - expected_wait) <= 4 * se + 1.0
