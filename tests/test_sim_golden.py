"""Golden seeded figures of the simulation: a change to the engine's speed or memory must
not change a single bit of a result (``docs/simulation.md``: the same seed gives the same
result, bit for bit, in any process and with any number of worker processes).

The digest covers every column of the case table, the due times and every KPI table;
the governance digest the escalations and scores. The figures were last set when the
arrivals became Poisson per (grid, category) with each report's channel drawn (the
channel's own counts keep their Poisson laws; CHANGELOG "Changed"). A deliberate
change of the model updates them in a commit of its own, with a CHANGELOG entry that
says why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov.cases import CaseColumns
from urbangov.escalation import StateColumns
from urbangov.policy import Policy
from urbangov.sim import SimResult, SyntheticCity, run

SH = ZoneInfo("Asia/Shanghai")


def full_digest(result: SimResult) -> str:
    """SHA-256 of every case column, the due times and every KPI table."""
    h = hashlib.sha256()
    for f in attrs.fields(CaseColumns):
        value = getattr(result.cases, f.name)
        if isinstance(value, tuple):
            h.update(repr(value).encode())
        else:
            h.update(np.ascontiguousarray(value).tobytes())
    h.update(result.due.tobytes())
    for name in sorted(result.kpis):
        table = result.kpis[name]
        h.update(name.encode())
        h.update(repr(table.keys()).encode())
        h.update(np.asarray(table.values).tobytes())
    return h.hexdigest()


def governance_digest(result: SimResult) -> str:
    """SHA-256 of the escalations (every state column, the step counts, the triggers)
    and the scores (each month's findings file; each sheet's total, rank and grade; the
    red flags; the annual scores and grades and the bonds)."""
    h = hashlib.sha256()
    esc, scores = result.escalations, result.scores
    assert esc is not None
    assert scores is not None
    for f in attrs.fields(StateColumns):
        value = getattr(esc.state, f.name)
        if isinstance(value, tuple):
            h.update(repr(value).encode())
        else:
            h.update(np.ascontiguousarray(value).tobytes())
    for name, counts in esc.counts.items():
        h.update(repr((name, counts.by, counts.keys, counts.steps)).encode())
        h.update(np.ascontiguousarray(counts.values).tobytes())
    for month, triggers in esc.triggers.items():
        h.update(repr((month, triggers)).encode())
    for month, findings in scores.findings.items():
        h.update(findings.dumps().encode())
        ranking, grades = scores.rankings[month], scores.grades[month]
        for code, sheet in scores.sheets[month].items():
            h.update(repr((code, sheet.total, ranking.rank_of(code), grades[code])).encode())
        h.update(repr(scores.red_flags[month]).encode())
    h.update(repr((scores.annual, scores.annual_grades, scores.bonds)).encode())
    return h.hexdigest()


def _sample_month() -> SimResult:
    return run(SyntheticCity.sample(), Policy.default(),
               start=dt.datetime(2024, 5, 1, tzinfo=SH), days=31, seed=1)  # fmt: skip


def _generated(discipline: str, workers: int | None = None) -> SimResult:
    city = SyntheticCity.generate(grids=400, streets=4, seed=3)
    policy = Policy.default().reform({"workflow.queue_discipline": discipline})
    # three weeks over the National Day holiday and its 调休 make-up workdays
    return run(city, policy, start=dt.datetime(2024, 9, 20, tzinfo=SH), days=21, seed=7,
               workers=workers)  # fmt: skip


def _no_verification() -> SimResult:
    policy = Policy.default().reform({"workflow.close_without_verification": True})
    return run(SyntheticCity.sample(), policy,
               start=dt.datetime(2024, 5, 6, tzinfo=SH), days=7, seed=2)  # fmt: skip


# (name, run, reports, events, received, closed, digest)
GOLDEN: list[tuple[str, Callable[[], SimResult], int, int, int, int, str]] = [
    ("sample district, May 2024", _sample_month, 6840, 39485, 6674, 5555,
     "0161332c93c67a555a153a493ec2372cfaebc4938f96a848eeddebf137b090db"),
    ("400 grids, earliest due first", lambda: _generated("earliest_due"), 5041, 26406, 4917,
     2692, "ac10e7ece29eeb57824e6444440bfe9ac3e372723aed62c33a0f6d2b8309fd38"),
    ("400 grids, fifo", lambda: _generated("fifo"), 5041, 26465, 4917, 2425,
     "d22b4cb8aeb2440ae48d299b47006cdd8b0240d2d99d2110454e067fd6b25a81"),
    ("sample district, no verification", _no_verification, 1554, 6939, 1522, 423,
     "3fb082b27542e3ff52d2c67756f228e0927d06b79e48dd76be17bed2a430eee6"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "reports", "events", "received", "closed", "expected"),
    [g[1:] for g in GOLDEN],
    ids=[g[0] for g in GOLDEN],
)
def test_seeded_results_are_the_golden_figures(
    make: Callable[[], SimResult],
    reports: int,
    events: int,
    received: int,
    closed: int,
    expected: str,
) -> None:
    result = make()
    total = result.kpi("month").total()
    assert (result.cases.n_cases, result.cases.n_events) == (reports, events)
    assert (total.received, total.closed) == (received, closed)
    assert full_digest(result) == expected


# (name, run, triggers, steps taken, digest of the escalations and scores)
GOLDEN_GOVERNANCE: list[tuple[str, Callable[[], SimResult], int, int, str]] = [
    ("sample district, May 2024", _sample_month, 15, 332,
     "c80e1fe30096f43ee264f9833559997cc73deda9ac41df71af134e3f003579f8"),
    ("400 grids, earliest due first", lambda: _generated("earliest_due"), 22, 14,
     "f63f6819d83d737dc40ba0174e596d263fdfb3d4396ea2ffad5e988cf9b851bd"),
    ("400 grids, fifo", lambda: _generated("fifo"), 28, 652,
     "bb638c51bebb88d2cd96b2c4b33f25b37a70475045f0eaaff1b5dbfa381f6c2a"),
    ("sample district, no verification", _no_verification, 5, 0,
     "7dbd847e23d0670f72c0b15648660d7cb9c71c16c12aa7bdfc82529e93ff9295"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "triggers", "steps", "expected"),
    [g[1:] for g in GOLDEN_GOVERNANCE],
    ids=[g[0] for g in GOLDEN_GOVERNANCE],
)
def test_seeded_governance_is_the_golden_figures(
    make: Callable[[], SimResult], triggers: int, steps: int, expected: str
) -> None:
    result = make()
    assert result.escalations is not None
    assert len(result.escalations.all_triggers()) == triggers
    assert int(result.escalations.state.taken.sum()) == steps
    assert governance_digest(result) == expected


def test_chunked_work_gives_the_same_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    # the engine works in chunks of cases; chunk boundaries must not show in the result
    from urbangov.sim import _casetable

    monkeypatch.setattr(_casetable, "CHUNK", 777)
    make, *_, expected = GOLDEN[1][1:]
    assert full_digest(make()) == expected


@pytest.mark.parametrize("discipline", ["fifo", "earliest_due"])
def test_one_and_two_worker_processes_give_the_same_bits(discipline: str) -> None:
    one = _generated(discipline, workers=1)
    two = _generated(discipline, workers=2)
    assert one == two
    assert full_digest(one) == full_digest(two)


@pytest.mark.parametrize("earliest_due", [False, True])
@pytest.mark.parametrize("fork", [True, False])
def test_department_queues_in_workers_equal_the_serial_run(
    earliest_due: bool, fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urbangov.sim import _queue

    rng = np.random.default_rng(3)
    sizes, attempts = [400, 1, 250, 90], 3
    m = sum(sizes)
    arrival = np.concatenate([np.sort(rng.integers(0, 5_000, s)) for s in sizes])
    spans, lo = [], 0
    for k, s in enumerate(sizes):
        spans.append((lo, lo + s, k + 1))
        lo += s
    queues = _queue.Queues(
        arrival=arrival,
        due=rng.integers(0, 9_000, m),
        service=rng.integers(1, 90, (attempts, m)),
        verify=rng.integers(0, 30, (attempts, m)),
        fail=(rng.random((attempts, m)) < 0.2) & (np.arange(attempts) < attempts - 1)[:, None],
        spans=tuple(spans),
        earliest_due=earliest_due,
    )
    if not fork:  # the path for platforms without fork: slices sent to a pool
        monkeypatch.setattr(_queue.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    told: list[float] = []
    serial = _queue.serve_all(queues, 1, told.append)
    parallel = _queue.serve_all(queues, 2, told.append)
    assert np.array_equal(serial.start, parallel.start)
    assert np.array_equal(serial.finish, parallel.finish)
    assert (serial.start[0] >= arrival).all()
    assert told[-1] == 1.0
    assert len(told) == 2 * len(sizes)


def test_reports_too_wide_to_pack_are_sorted_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    # a run whose (second, grid, category, channel, number) do not fit one int64 is
    # put in canonical order by lexsort instead: the same order, the same bits
    from urbangov.sim import _arrivals

    make, *_, expected = GOLDEN[0][1:]
    monkeypatch.setattr(_arrivals._Packing, "BITS", 38)  # no bits left for the number
    assert full_digest(make()) == expected
    # small chunks of grids, the second of which has a cell too full for the number's
    # bits: the chunks packed so far are unpacked again
    monkeypatch.setattr(_arrivals, "_CELLS", 3000)
    monkeypatch.setattr(_arrivals._Packing, "BITS", 43)
    assert full_digest(make()) == expected
    monkeypatch.setattr(_arrivals._Packing, "BITS", 63)
    assert full_digest(make()) == expected
