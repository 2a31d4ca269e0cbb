"""Policy sweeps: :func:`compare` runs variants of a policy over replicates (private).

Each replicate of each variant is one :func:`~urbangov.sim.run`; a worker runs a chunk
of replicates of one variant and returns only their metric rows (KPI counts and rates
for the whole city and each street), never case tables. Replicate ``r`` of every
variant runs on the same seed (common random numbers), so the differences between
variants are paired; ``docs/sweeps.md`` states the seeds exactly.
"""

from __future__ import annotations

import concurrent.futures
import datetime as _dt
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from urbangov import kpi
from urbangov._internal.instants import aware
from urbangov.errors import SimulationError
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.sim._comparison import METRICS, TOTAL, Comparison
from urbangov.sim._engine import run
from urbangov.sim._random import stable_hash
from urbangov.sim._result import Hooks
from urbangov.sim._synthetic import SyntheticCity
from urbangov.vocabulary import Level

__all__ = ["COMMON_STREAM", "KPIS_ONLY", "compare", "measure", "run_seed"]

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
COMMON_STREAM = "common random numbers"
"""The stream name whose :func:`~urbangov.sim.stable_hash` keys every variant's runs
under common random numbers (the default of :func:`compare`)."""
SweepProgress = Callable[[int, int], None]
"""``progress(runs_done, runs_total)``: told as the sweep's tasks finish."""
_RATES: tuple[tuple[str, Callable[[kpi.KpiCounts], Any]], ...] = (
    ("filing_rate", kpi.filing_rate),
    ("dispatch_rate", kpi.dispatch_rate),
    ("closure_rate", kpi.closure_rate),
    ("on_time_rate", kpi.on_time_rate),
    ("rework_rate", kpi.rework_rate),
    ("extension_rate", kpi.extension_rate),
)
_TASKS_PER_WORKER = 2


def run_seed(seed: int, replicate: int, variant: str | None = None) -> int:
    """The seed of one run of a sweep: the first 64-bit word of
    ``numpy.random.SeedSequence(seed, spawn_key=(stable_hash(name), replicate))``
    shifted right by one bit (a run's seed is below 2**63), where ``name`` is
    :data:`COMMON_STREAM` for common random numbers (``variant=None``: every variant's
    replicate ``r`` runs on the same seed) or the variant's own name (independent
    variants).

    >>> run_seed(1, 0) == run_seed(1, 0) != run_seed(1, 1)
    True
    >>> run_seed(1, 0, "proposed") != run_seed(1, 0)
    True
    """
    name = COMMON_STREAM if variant is None else variant
    sequence = np.random.SeedSequence(seed, spawn_key=(stable_hash(name), replicate))
    return int(sequence.generate_state(1, dtype=np.uint64)[0]) >> 1


def measure(
    result: Any,
    hierarchy: Any,
    *,
    start: _dt.datetime,
    end: _dt.datetime,
    streets: tuple[str, ...],
    metrics: tuple[str, ...] = METRICS,
) -> F64:
    """The metric values of one run over ``[start, end)``: an array ``(1 + streets,
    metrics)``, the whole city first (:data:`TOTAL`) then each street; counts are
    ``kpi.counts_from_columns`` on the result's case table and due times, rates the
    :mod:`urbangov.kpi` rate functions of those counts (NaN where a rate's denominator
    is 0)."""
    common: dict[str, Any] = {
        "start": start,
        "end": end,
        "due": result.due,
        "rules": result.policy,
    }
    per_unit: list[kpi.KpiCounts]
    if streets:
        table = kpi.counts_from_columns(
            result.cases, by=Level.STREET, hierarchy=hierarchy, **common
        )
        per_unit = [table.total(), *(table.get(s) for s in streets)]
    else:
        per_unit = [kpi.counts_from_columns(result.cases, **common).total()]
    rates = dict(_RATES)
    out = np.empty((len(per_unit), len(metrics)), dtype=np.float64)
    for i, counts in enumerate(per_unit):
        values = counts.as_dict()
        for j, name in enumerate(metrics):
            if name in rates:
                rate = rates[name](counts)
                out[i, j] = np.nan if rate is None else float(rate)
            else:
                out[i, j] = values[name]
    return out


@attrs.frozen
class _Task:
    """A chunk of replicates of one variant: what a worker needs, all picklable."""

    variant: int
    policy: Policy
    city: SyntheticCity
    run_start: _dt.datetime
    run_days: int
    start: _dt.datetime
    end: _dt.datetime
    replicates: tuple[int, ...]
    seeds: tuple[int, ...]
    streets: tuple[str, ...]
    metrics: tuple[str, ...]


#: The hooks of a sweep's and a calibration's runs: none, since no metric reads the
#: escalations or the scores, and they do not feed back into the queues.
KPIS_ONLY = Hooks(escalation=None, scoring=None)


def _run_task(task: _Task) -> tuple[int, tuple[int, ...], F64]:
    """Run a chunk (in a worker): the metric rows ``(replicates, units, metrics)``."""
    out = np.empty((len(task.replicates), 1 + len(task.streets), len(task.metrics)))
    hierarchy = task.city.city.hierarchy
    for i, seed in enumerate(task.seeds):
        result = run(
            task.city,
            task.policy,
            start=task.run_start,
            days=task.run_days,
            seed=seed,
            hooks=KPIS_ONLY,
            workers=1,
        )
        out[i] = measure(
            result,
            hierarchy,
            start=task.start,
            end=task.end,
            streets=task.streets,
            metrics=task.metrics,
        )
    return task.variant, task.replicates, out


def _variants(variants: object) -> tuple[tuple[str, Policy], ...]:
    if isinstance(variants, Mapping):
        pairs = list(variants.items())
    elif isinstance(variants, Sequence) and not isinstance(variants, str):
        pairs = []
        for i, item in enumerate(variants):
            if not (isinstance(item, tuple) and len(item) == 2):
                raise SimulationError(
                    f"{item!r} is not a (name, Policy) pair",
                    field=f"variants[{i}]",
                    hint="give a mapping of name to Policy",
                )
            pairs.append(item)
    else:
        raise SimulationError(
            f"{type(variants).__name__} is not a mapping of name to Policy",
            field="variants",
            hint='give e.g. {"in force": Policy.default(), "proposed": reform}',
        )
    if not pairs:
        raise SimulationError(
            "no variants to compare", field="variants", hint="give at least one Policy"
        )
    seen: set[str] = set()
    for name, policy in pairs:
        if not isinstance(name, str) or not name.strip():
            raise SimulationError(
                f"{name!r} is not a variant name", field="variants", hint="name each variant"
            )
        if name in seen:
            raise SimulationError(
                f"the variant name {name!r} is given twice",
                field=f"variants[{name!r}]",
                hint="give each variant its own name",
            )
        seen.add(name)
        if not isinstance(policy, Policy):
            raise SimulationError(
                f"{type(policy).__name__} is not a Policy",
                field=f"variants[{name!r}]",
                hint="load it with Policy.load(path) or make it with Policy.default().reform(…)",
            )
    return tuple(pairs)


def _whole(value: object, field: str, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise SimulationError(f"{value!r} is not a whole number >= {least}", field=field)
    return value


Executor = concurrent.futures.Executor | Literal["serial"] | None


def compare(
    variants: Mapping[str, Policy] | Sequence[tuple[str, Policy]],
    city: SyntheticCity | City,
    *,
    start: _dt.datetime,
    days: int,
    replicates: int,
    seed: int,
    executor: Executor = None,
    baseline: str | None = None,
    metrics: Sequence[str] | None = None,
    warmup_days: int = 0,
    common_random_numbers: bool = True,
    chunk: int | None = None,
    progress: SweepProgress | None = None,
) -> Comparison:
    """Simulate each policy variant ``replicates`` times and collect KPI metrics.

    Parameters
    ----------
    variants
        Name → :class:`~urbangov.policy.Policy` (or ``(name, policy)`` pairs), in the
        order of the report; the first is the baseline unless ``baseline`` names one.
    city
        A :class:`SyntheticCity` (an ``org.City`` gets the default model).
    start, days
        The measured span ``[start, start + days)``; with ``warmup_days`` each run
        starts that many days earlier, so queues are already busy when measuring starts.
    replicates
        Runs per variant (>= 1; >= 2 for intervals).
    seed
        The sweep's seed (an int >= 0): replicate ``r`` runs on :func:`run_seed`
        ``(seed, r)`` in every variant (common random numbers), or on ``run_seed(seed, r,
        name)`` with ``common_random_numbers=False``.
    executor
        Where runs go: any :class:`concurrent.futures.Executor` (a Dask cluster's
        ``distributed.Client(...).get_executor()``), ``"serial"`` (this process), or
        ``None``: a local process pool of ``min(2, os.cpu_count())`` workers (serial
        for a single run). The result does not depend on it.
    metrics
        Which metrics to keep (default every one of :data:`METRICS`: the six KPI rates
        and the eleven counts).
    chunk
        Replicates per task (default: about two tasks per worker); the result does not
        depend on it.
    progress
        Called with the runs done and the runs in all.

    Returns
    -------
    Comparison

    Raises
    ------
    SimulationError
        For bad arguments, naming the field (no variants, a name given twice, a value
        that is not a Policy, ``replicates < 1``, an unknown metric or baseline…); or
        the first run's error.

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> city = SyntheticCity.generate(grids=60, streets=2, seed=3)
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> shorter = Policy.default().reform(
    ...     {"deadlines.categories.exposed_garbage.normal": "2 working hours"})
    >>> result = compare({"in force": Policy.default(), "2 hours": shorter}, city,
    ...                  start=start, days=3, replicates=2, seed=1, executor="serial")
    >>> result.variants, result.replicates, len(result.units)
    (('in force', '2 hours'), 2, 3)
    >>> result.values_of("in force", "received") == result.values_of("2 hours", "received")
    array([ True,  True])
    """
    pairs = _variants(variants)
    names = tuple(name for name, _ in pairs)
    chosen = _check(city, start, days, replicates, seed, warmup_days, baseline, names)
    model = city if isinstance(city, SyntheticCity) else SyntheticCity.from_city(city)
    kept = _metrics(metrics)
    begin = aware(start, "start")
    end = begin + _dt.timedelta(days=days)
    run_start = begin - _dt.timedelta(days=warmup_days)
    streets = tuple(sorted(u.code for u in model.city.hierarchy.at_level(Level.STREET)))
    pool, owned, workers = _executor(executor, len(pairs) * replicates)
    size = _chunk(chunk, len(pairs), replicates, workers)
    tasks = [
        _Task(
            v,
            policy,
            model,
            run_start,
            days + warmup_days,
            begin,
            end,
            tuple(range(lo, min(replicates, lo + size))),
            tuple(
                run_seed(seed, r, None if common_random_numbers else name)
                for r in range(lo, min(replicates, lo + size))
            ),
            streets,
            kept,
        )
        for v, (name, policy) in enumerate(pairs)
        for lo in range(0, replicates, size)
    ]
    log.info("compare: %d variants x %d replicates in %d tasks", len(pairs), replicates, len(tasks))
    values = np.empty((len(pairs), replicates, 1 + len(streets), len(kept)), dtype=np.float64)
    tell = progress if progress is not None else (lambda done, total: None)
    total = len(pairs) * replicates
    tell(0, total)
    try:
        done = 0
        if pool is None:
            for task in tasks:
                v, reps, rows = _run_task(task)
                values[v, list(reps)] = rows
                done += len(reps)
                tell(done, total)
        else:
            futures = [pool.submit(_run_task, task) for task in tasks]
            try:
                for future in concurrent.futures.as_completed(futures):
                    v, reps, rows = future.result()
                    values[v, list(reps)] = rows
                    done += len(reps)
                    tell(done, total)
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
    finally:
        if owned and pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return Comparison.from_array(
        values,
        variants=names,
        baseline=chosen,
        metrics=kept,
        units=(TOTAL, *streets),
        seed=seed,
        start=begin,
        days=days,
        warmup_days=warmup_days,
        city=model.name,
        common_random_numbers=common_random_numbers,
    )


def _check(
    city: object,
    start: object,
    days: object,
    replicates: object,
    seed: object,
    warmup_days: object,
    baseline: object,
    names: tuple[str, ...],
) -> str:
    if not isinstance(city, SyntheticCity | City):
        raise SimulationError(
            f"{type(city).__name__} is not a city",
            field="city",
            hint="give a SyntheticCity (sim.SyntheticCity.sample(), .generate(…)) or an org.City",
        )
    aware(start, "start")
    _whole(days, "days", 1)
    _whole(replicates, "replicates", 1)
    _whole(warmup_days, "warmup_days", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SimulationError(f"{seed!r} is not a seed (an int >= 0)", field="seed")
    if baseline is None:
        return names[0]
    if baseline not in names:
        raise SimulationError(
            f"{baseline!r} is not one of the variants",
            field="baseline",
            hint=f"use one of {', '.join(repr(n) for n in names)}",
        )
    assert isinstance(baseline, str)
    return baseline


def _metrics(metrics: Sequence[str] | None) -> tuple[str, ...]:
    if metrics is None:
        return METRICS
    if isinstance(metrics, str):
        metrics = (metrics,)
    chosen = tuple(metrics)
    if not chosen:
        raise SimulationError("no metrics chosen", field="metrics", hint=f"use {METRICS}")
    for name in chosen:
        if name not in METRICS:
            raise SimulationError(
                f"{name!r} is not a metric",
                field="metrics",
                hint=f"use some of {', '.join(METRICS)}",
            )
    if len(set(chosen)) != len(chosen):
        raise SimulationError("a metric is named twice", field="metrics")
    return tuple(m for m in METRICS if m in chosen)


def _executor(executor: object, runs: int) -> tuple[concurrent.futures.Executor | None, bool, int]:
    """The executor to use, whether this call owns it, and its workers (a guess)."""
    if executor == "serial" or (executor is None and runs <= 1):
        return None, False, 1
    if executor is None:
        workers = min(2, os.cpu_count() or 1)
        if workers <= 1:
            return None, False, 1
        context = multiprocessing.get_context("spawn")
        return concurrent.futures.ProcessPoolExecutor(workers, mp_context=context), True, workers
    if isinstance(executor, concurrent.futures.Executor):
        known: object = getattr(executor, "_max_workers", None)
        return executor, False, known if isinstance(known, int) and known > 0 else 4
    raise SimulationError(
        f"{executor!r} is not an executor",
        field="executor",
        hint="give a concurrent.futures.Executor (e.g. distributed.Client(...).get_executor()), "
        "'serial', or None for a local process pool",
    )


def _chunk(chunk: object, variants: int, replicates: int, workers: int) -> int:
    if chunk is not None:
        return _whole(chunk, "chunk", 1)
    per_variant = max(1, math.ceil(_TASKS_PER_WORKER * workers / variants))
    return max(1, math.ceil(replicates / per_variant))
