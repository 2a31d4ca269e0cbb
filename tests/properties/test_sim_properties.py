"""Laws of the simulation: counter-based draws are order-free and uniform, Poisson by
inversion has the right mean, the queue conserves work and respects its discipline,
and every run conserves reports and passes the workflow check."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov.cases import Status
from urbangov.policy import Policy
from urbangov.sim import SyntheticCity, run, stable_hash
from urbangov.sim._queue import by_department, serve
from urbangov.sim._random import fold, poisson, stream, uniform

SH = ZoneInfo("Asia/Shanghai")


@given(st.lists(st.integers(0, 2**63), min_size=1, max_size=50, unique=True), st.randoms())
def test_draws_depend_on_keys_not_on_order(keys: list[int], rnd: object) -> None:
    root = stream(7, "test")
    a = uniform(fold(root, np.array(keys, dtype=np.uint64)))
    shuffled = list(keys)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    b = uniform(fold(root, np.array(shuffled, dtype=np.uint64)))
    assert dict(zip(keys, a.tolist(), strict=True)) == dict(zip(shuffled, b.tolist(), strict=True))
    assert ((a > 0) & (a < 1)).all()


@given(st.text(max_size=30))
def test_stable_hash_is_a_64_bit_integer(text: str) -> None:
    h = stable_hash(text)
    assert 0 <= h < 2**64
    assert stable_hash(text) == h


@settings(max_examples=20)
@given(st.floats(0.01, 400.0))
def test_poisson_by_inversion_has_the_right_mean(mean: float) -> None:
    n = 4000
    counts = poisson(fold(stream(1, "p"), np.arange(n, dtype=np.uint64)), np.full(n, mean))
    # 6 standard errors of the sample mean
    assert abs(counts.mean() - mean) <= 6 * np.sqrt(mean / n)


def _poisson_reference(key: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Poisson by inversion as first written (whole arrays, one masked step at a time)."""
    out = np.zeros(mean.size, dtype=np.int64)
    parts = np.maximum(1, np.ceil(mean / 64.0)).astype(np.int64)

    def invert(u: np.ndarray, m: np.ndarray) -> np.ndarray:
        k = np.zeros(u.size, dtype=np.int64)
        p = np.exp(-m)
        cdf = p.copy()
        active = np.flatnonzero(u > cdf)
        while active.size:
            k[active] += 1
            p[active] *= m[active] / k[active]
            cdf[active] += p[active]
            active = active[(u[active] > cdf[active]) & (p[active] > 0)]
        return k

    one = np.flatnonzero((parts == 1) & (mean > 0))
    out[one] = invert(uniform(key[one]), mean[one])
    many = np.flatnonzero(parts > 1)
    reps = parts[many]
    rows = np.repeat(many, reps)
    index = np.arange(rows.size, dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
    drawn = invert(uniform(fold(key[rows], index.astype(np.uint64))), mean[rows] / parts[rows])
    np.add.at(out, rows, drawn)
    return out


@given(
    st.lists(
        st.one_of(st.just(0.0), st.floats(1e-6, 3.0), st.floats(3.0, 300.0)),
        min_size=1, max_size=200,
    ),
    st.integers(0, 2**32),
)  # fmt: skip
def test_poisson_draws_are_those_of_the_plain_inversion(means: list[float], seed: int) -> None:
    mean = np.array(means)
    key = fold(stream(seed, "p"), np.arange(mean.size, dtype=np.uint64))
    got = poisson(key, mean)
    assert got.dtype == np.int64
    assert got.tolist() == _poisson_reference(key, mean).tolist()


@given(
    st.lists(
        st.lists(st.one_of(st.just(0.0), st.floats(1e-300, 1e3)), min_size=4, max_size=4).filter(
            any
        ),
        min_size=1,
        max_size=30,
    ),
    st.lists(st.sampled_from([2.0**-54, 0.25, 0.5, 1 - 2.0**-53]), min_size=1, max_size=30),
)
def test_a_reports_channel_is_one_whose_share_is_not_zero(
    rows: list[list[float]], us: list[float]
) -> None:
    from urbangov.sim._arrivals import _channels

    n = min(len(rows), len(us))
    share = np.array(rows[:n])
    scale = np.ones((1, 4))
    u = np.array(us[:n])
    got = _channels(u, share, scale, np.arange(n), np.zeros(n, dtype=np.int64))
    assert ((got >= 0) & (got < 4)).all()
    assert (share[np.arange(n), got] > 0).all()


def test_channels_are_drawn_in_proportion_to_their_shares() -> None:
    from urbangov.sim._arrivals import _channels

    n = 200_000
    u = uniform(fold(stream(3, "channels"), np.arange(n, dtype=np.uint64)))
    share = np.array([[0.5, 0.0, 0.2, 0.3]])
    got = _channels(
        u, share, np.ones((1, 4)), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    )
    seen = np.bincount(got, minlength=4) / n
    # 5 standard errors of a proportion of 200,000 draws
    assert np.all(np.abs(seen - share[0]) <= 5 * np.sqrt(share[0] * (1 - share[0]) / n))


@settings(max_examples=40)
@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 60), st.integers(0, 800)),
             min_size=1, max_size=60),
    st.integers(1, 4),
    st.booleans(),
)  # fmt: skip
def test_the_queue_serves_each_case_once_with_at_most_c_at_a_time(
    jobs: list[tuple[int, int, int]], servers: int, edf: bool
) -> None:
    jobs.sort()
    arrival = np.array([a for a, _, _ in jobs], dtype=np.int64)
    service = np.array([[s for _, s, _ in jobs]], dtype=np.int64)
    due = np.array([d for _, _, d in jobs], dtype=np.int64)
    zero = np.zeros_like(service)
    got = serve(arrival, due, service, zero, zero.astype(bool), servers, edf)
    start, finish = got.start[0], got.finish[0]
    assert (start >= arrival).all()
    assert (finish - start == service[0]).all()
    # at no instant are more than ``servers`` cases in service
    events = sorted([(t, 1) for t in start.tolist()] + [(t, -1) for t in finish.tolist()],
                    key=lambda e: (e[0], e[1]))  # fmt: skip
    busy = 0
    for _, step in events:
        busy += step
        assert busy <= servers
    if not edf:  # FIFO: cases start in arrival order
        assert (np.diff(start) >= 0).all()


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 10), st.sampled_from(["fifo", "earliest_due"]))
def test_every_run_conserves_reports_and_passes_the_workflow_check(
    seed: int, days: int, discipline: str
) -> None:
    city = SyntheticCity.generate(grids=80, streets=3, seed=seed % 97)
    policy = Policy.default().reform({"workflow.queue_discipline": discipline})
    result = run(city, policy, start=dt.datetime(2024, 6, 28, tzinfo=SH), days=days, seed=seed)
    cases = result.cases
    cases.check(policy)
    status = cases.derived().status
    terminal = [Status.REJECTED.code, Status.CLOSED.code, Status.VOIDED.code]
    closed = np.isin(status, terminal)
    assert int(closed.sum() + (~closed).sum()) == cases.n_cases
    total = result.kpi("month").total()
    assert total.received <= cases.n_cases
    assert total.closed <= total.due


@settings(max_examples=8, deadline=None)
@given(
    st.integers(0, 2**32),
    st.dates(dt.date(2024, 1, 1), dt.date(2025, 10, 31)),
    st.integers(1, 45),
    st.sampled_from(["fifo", "earliest_due"]),
)
def test_a_run_with_its_governance_saves_and_loads_equal_and_rewrites_the_same_bytes(
    seed: int, day: dt.date, days: int, discipline: str
) -> None:
    import tempfile
    from pathlib import Path

    from urbangov.sim import SimResult

    city = SyntheticCity.generate(grids=60, streets=2, seed=seed % 89)
    policy = Policy.default().reform({"workflow.queue_discipline": discipline})
    start = dt.datetime(day.year, day.month, day.day, 8, 30, tzinfo=SH)
    result = run(city, policy, start=start, days=days, seed=seed)
    assert result.escalations is not None
    assert result.scores is not None
    # every month the run touches is assessed, and each step counts once
    assert result.scores.months == result.escalations.months
    assert tuple(result.kpi("month").keys()) == result.scores.months or not result.kpi("month")
    taken = int((~np.isnat(result.escalations.state.taken_at)).sum())
    assert sum(result.escalations.counts["month"].total().values()) == taken
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "a", Path(folder) / "b"
        result.save(a)
        again = SimResult.load(a)
        assert again == result
        again.save(b)
        for path in a.rglob("*.*"):
            assert path.read_bytes() == (b / path.relative_to(a)).read_bytes()


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 600_000)), max_size=300))
def test_grouping_by_department_is_the_stable_order_by_department_then_arrival(
    rows: list[tuple[int, int]],
) -> None:
    dept = np.array([d for d, _ in rows], dtype=np.int32)
    arrive = np.array([a for _, a in rows], dtype=np.int64)
    expected = np.lexsort((np.arange(len(rows)), arrive, dept))
    assert by_department(dept, arrive).tolist() == expected.tolist()
