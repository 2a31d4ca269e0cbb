"""Calibration: fit a city's arrival rates and capacities to published figures (private).

Up to three scale factors are fitted, each to the figure it moves most:

- ``arrival_scale`` (every category's rate) to the volume: ``received`` (else ``filed``,
  else ``dispatched``);
- ``capacity_scale`` (every modelled department's handlers, rounded, at least 1) to the
  closure rate 结案率 (``closure_rate``, or ``closed / due``; ``closed`` alone without
  ``due``);
- ``service_scale`` (every category's mean handling time) to the on-time rate 按期结案率
  (``on_time_rate``, or ``closed_on_time / due``), when the closure rate is fitted too
  (capacity sets how much gets done, handling time how late it is done); alone, the
  on-time rate is fitted by ``capacity_scale``.

The system ``log(achieved / target) = 0`` in the logarithms of the factors is solved by
Broyden's method, its Jacobian started by forward differences; every run uses the same
seed (common random numbers), so the achieved figures are a deterministic function of
the factors. ``docs/howto/calibrate.md`` shows it on the 郑州 week.
"""

from __future__ import annotations

import datetime as _dt
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import aware
from urbangov.errors import SimulationError
from urbangov.frozen import FrozenMap
from urbangov.kpi import KpiCounts
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.sim._compare import KPIS_ONLY, measure
from urbangov.sim._comparison import METRICS, RATES
from urbangov.sim._engine import run
from urbangov.sim._synthetic import SyntheticCity
from urbangov.sim._target import CalibrationTarget

__all__ = ["Calibration", "calibrate", "scaled"]

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
VOLUME = ("received", "filed", "dispatched")
PARAMETERS = ("arrival_scale", "capacity_scale", "service_scale")
_STEP = 0.2  # the forward-difference step in log factor
_LIMIT = 1.0  # the largest step in log factor (a factor of e)
_BOUND = 3.0  # factors stay within exp(±3): 0.05 to 20
CalibrationProgress = Callable[[int, int], None]


def scaled(
    city: SyntheticCity,
    *,
    arrival_scale: float = 1.0,
    capacity_scale: float = 1.0,
    service_scale: float = 1.0,
) -> SyntheticCity:
    """``city`` with every category's rate times ``arrival_scale``, its mean handling
    time times ``service_scale``, and every modelled department's handlers times
    ``capacity_scale`` (rounded half up, at least 1).

    >>> city = SyntheticCity.generate(grids=60, streets=2, seed=3)
    >>> busy = scaled(city, arrival_scale=2.0)
    >>> busy.categories["exposed_garbage"].rate == 2 * city.categories["exposed_garbage"].rate
    True
    """
    for name, value in (
        ("arrival_scale", arrival_scale),
        ("capacity_scale", capacity_scale),
        ("service_scale", service_scale),
    ):
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise SimulationError(f"{value!r} is not a factor > 0", field=name)
    categories = FrozenMap(
        (
            slug,
            attrs.evolve(
                model,
                rate=model.rate * arrival_scale,
                service_minutes=model.service_minutes * service_scale,
            ),
        )
        for slug, model in city.categories.items()
    )
    departments = FrozenMap(
        (
            code,
            attrs.evolve(model, servers=max(1, math.floor(model.servers * capacity_scale + 0.5))),
        )
        for code, model in city.departments.items()
    )
    return attrs.evolve(city, categories=categories, departments=departments)


def _servers(servers: int, scale: float) -> int:
    return max(1, math.floor(servers * scale + 0.5))


def _figures(counts: KpiCounts, rates: F64) -> dict[str, float]:
    out = {k: float(v) for k, v in counts.as_dict().items()}
    out.update(zip(RATES, rates.tolist(), strict=True))
    return out


def _relative(achieved: float, wanted: float) -> float:
    if wanted == 0:
        return 0.0 if achieved == 0 else math.inf
    return achieved / wanted - 1.0


@attrs.frozen
class Calibration:
    """The fit of a city to published figures (:func:`calibrate`).

    Attributes
    ----------
    city
        The fitted city (:func:`scaled` by ``parameters``).
    target
        The figures given.
    fitted
        The figures fitted, each within ``tolerance`` (a derived rate such as
        ``closure_rate`` from ``closed / due`` when the target gives counts).
    parameters
        ``arrival_scale``, ``capacity_scale``, ``service_scale`` (1 when not fitted).
    wanted, achieved, errors
        Per figure (the target's and the fitted): the published value, the fitted city's
        and the relative error ``achieved / wanted - 1``.
    counts
        The fitted city's counts over the period.
    iterations
        Runs made (the forward differences included).
    tolerance, start, days, warmup_days, seed
        How the fit was made: each run started ``warmup_days`` before ``start`` on
        ``seed`` and was measured over ``[start, start + days)``.
    """

    city: SyntheticCity
    target: CalibrationTarget
    fitted: tuple[str, ...]
    parameters: FrozenMap[str, float]
    wanted: FrozenMap[str, float]
    achieved: FrozenMap[str, float]
    errors: FrozenMap[str, float]
    counts: KpiCounts
    iterations: int
    tolerance: float
    start: _dt.datetime
    days: int
    warmup_days: int
    seed: int

    def rows(self) -> list[tuple[str, float, float, float, bool]]:
        """``(figure, wanted, achieved, relative error, fitted)`` per figure: the fitted
        first."""
        names = [*self.fitted, *(n for n in self.wanted if n not in self.fitted)]
        return [
            (n, self.wanted[n], self.achieved[n], self.errors[n], n in self.fitted) for n in names
        ]


#: Each rate as counts: numerator and denominator (``urbangov.kpi``'s definitions).
_AS_COUNTS = {
    "filing_rate": ("filed", "received"),
    "dispatch_rate": ("dispatched", "filed"),
    "closure_rate": ("closed", "due"),
    "on_time_rate": ("closed_on_time", "due"),
    "rework_rate": ("reworked", "due"),
    "extension_rate": ("extended", "due"),
}
FITTABLE = (*VOLUME, "closure_rate", "on_time_rate", "closed", "closed_on_time")
"""The figures :func:`calibrate` can fit: one volume, and up to two of the others."""


def wanted_figures(target: CalibrationTarget) -> dict[str, float]:
    """The target's figures, and each rate its counts give (``closed / due`` is the
    closure rate) that it does not give itself.

    >>> wanted_figures(CalibrationTarget(KpiCounts(received=100, due=50, closed=40)))
    {'received': 100.0, 'due': 50.0, 'closed': 40.0, 'closure_rate': 0.8}
    """
    given = target.figures()
    for rate, (num, den) in _AS_COUNTS.items():
        if rate not in given and num in given and given.get(den):
            given[rate] = given[num] / given[den]
    return given


def _plan(
    target: CalibrationTarget, fit: tuple[str, ...] | None
) -> tuple[dict[str, float], tuple[str, ...]]:
    """The figures to fit (name → wanted value) and the factors that fit them."""
    given = wanted_figures(target)
    if fit is None:
        volume = next((v for v in VOLUME if v in given), None)
        late = next((n for n in ("on_time_rate", "closure_rate", "closed_on_time", "closed")
                     if n in given), None)  # fmt: skip
        fit = tuple(n for n in (volume, late) if n is not None)
    for name in fit:
        if name not in FITTABLE:
            raise SimulationError(
                f"{name!r} cannot be fitted",
                field="fit",
                hint=f"fit some of {', '.join(FITTABLE)}; the other figures follow from the "
                "model's behaviour (sim.Behaviour) and are reported, not fitted",
            )
        if name not in given:
            raise SimulationError(
                f"the target does not give {name!r}", field="fit", hint="give it in the target"
            )
    volumes = [n for n in fit if n in VOLUME]
    others = [n for n in fit if n not in VOLUME]
    if len(volumes) > 1 or len(others) > 2 or len(set(fit)) != len(fit):
        raise SimulationError(
            f"cannot fit {', '.join(fit)} at once",
            field="fit",
            hint="fit at most one volume (received, filed, dispatched) and two of the closure "
            "and on-time figures",
        )
    if not fit:
        raise SimulationError(
            "the target has no figure the model can fit",
            field="target",
            hint="give received (or filed, dispatched), closed or the closure rate, "
            "closed on time or the on-time rate",
        )
    factors = (["arrival_scale"] if volumes else []) + ["capacity_scale", "service_scale"][
        : len(others)
    ]
    return {n: given[n] for n in (*volumes, *others)}, tuple(factors)


def calibrate(
    city: SyntheticCity | City,
    policy: Policy,
    target: KpiCounts | Mapping[str, Any] | CalibrationTarget,
    *,
    start: _dt.datetime | None = None,
    days: int | None = None,
    seed: int = 0,
    warmup_days: int = 14,
    tolerance: float = 0.02,
    max_iterations: int = 20,
    fit: Sequence[str] | None = None,
    progress: CalibrationProgress | None = None,
) -> Calibration:
    """Fit ``city``'s arrival rates and capacities so that a run under ``policy``
    reproduces ``target`` over ``[start, start + days)`` within ``tolerance``.

    Parameters
    ----------
    city
        The city to fit (a :class:`SyntheticCity`; an ``org.City`` gets the default
        model); its own rates and staffing are the starting point.
    policy
        The rules the figures were produced under.
    target
        The published figures: ``KpiCounts`` (a count of 0 is not given), a mapping of
        count and rate names to values (``{"received": 51571, "on_time_rate": 0.7704}``)
        or a :class:`CalibrationTarget` (e.g. :func:`load_target`).
    start, days
        The figures' period (default: the target's own); ``start`` an aware instant.
    seed
        The seed of every run.
    warmup_days
        Days simulated before ``start`` (default 14), so that the period begins with the
        queues and the deadlines of a going concern, as a published week does.
    tolerance
        The largest relative error allowed in each fitted figure (default 0.02: 2%).
    max_iterations
        The most runs to make.
    fit
        The figures to fit (default: the volume, ``received`` else ``filed`` else
        ``dispatched``, and the on-time rate, else the closure rate, else the counts
        closed on time or closed); at most one volume and two of :data:`FITTABLE`'s
        others. The rest of the target is reported with its error, not fitted.
    progress
        Called with the runs made and ``max_iterations``.

    Returns
    -------
    Calibration

    Raises
    ------
    SimulationError
        For bad arguments, or if the fitted figures are not within ``tolerance`` after
        ``max_iterations`` runs (the message gives the closest fit).

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> city = SyntheticCity.generate(grids=100, streets=2, seed=3)
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> fit = calibrate(city, Policy.default(), {"received": 500}, start=start, days=7,
    ...                 warmup_days=0, tolerance=0.05)
    >>> fit.fitted, abs(fit.errors["received"]) <= 0.05
    (('received',), True)
    """
    goal = CalibrationTarget.of(target)
    _check(policy, seed, warmup_days, tolerance, max_iterations)
    begin, span = _period(goal, policy, start, days)
    model = city if isinstance(city, SyntheticCity) else SyntheticCity.from_city(city)
    chosen, factors = _plan(goal, None if fit is None else tuple(fit))
    names = tuple(chosen)
    wanted = np.array([chosen[n] for n in names])
    tell = progress if progress is not None else (lambda done, total: None)
    end = begin + _dt.timedelta(days=span)
    runs = 0

    def evaluate(x: F64) -> tuple[F64, dict[str, float], KpiCounts]:
        nonlocal runs
        if runs >= max_iterations:
            raise _OutOfRunsError
        runs += 1
        tell(runs, max_iterations)
        factor = dict(zip(factors, np.exp(x).tolist(), strict=True))
        trial = scaled(model, **factor)
        result = run(
            trial,
            policy,
            start=begin - _dt.timedelta(days=warmup_days),
            days=span + warmup_days,
            seed=seed,
            hooks=KPIS_ONLY,
        )
        row = measure(
            result, trial.city.hierarchy, start=begin, end=end, streets=(), metrics=METRICS
        )[0]
        values = row[len(RATES) :].astype(np.int64).tolist()
        counts = KpiCounts(**dict(zip(METRICS[len(RATES) :], values, strict=True)))
        figures = _figures(counts, row[: len(RATES)])
        got = np.array([figures[n] for n in names])
        with np.errstate(divide="ignore", invalid="ignore"):
            residual = np.log(np.maximum(got, 1e-9) / wanted)
        log.info("calibrate: run %d factors %s residual %s", runs, factor, residual)
        return residual, figures, counts

    x = np.zeros(len(factors))
    best: tuple[float, F64, dict[str, float], KpiCounts] | None = None
    try:
        f, figures, counts = evaluate(x)
        best = (_worst(figures, chosen), x, figures, counts)
        if best[0] > tolerance:
            jacobian = np.empty((len(names), len(factors)))
            for j, factor in enumerate(factors):
                # step the way that should shrink the residuals (more arrivals raise every
                # count; more handlers and shorter handling raise the closure and on-time
                # rates), doubling the step while the figures do not move (a saturated
                # queue does not notice a few more handlers)
                toward = -float(np.sign(_sign(factor, names) @ f)) or -1.0
                step = np.zeros(len(factors))
                for size in (_STEP, 2 * _STEP, 4 * _STEP):
                    step[j] = toward * size
                    fj, figs, cts = evaluate(x + step)
                    best = min(
                        best, (_worst(figs, chosen), x + step, figs, cts), key=lambda b: b[0]
                    )
                    if float(np.max(np.abs(fj - f))) > 0.01:
                        break
                jacobian[:, j] = (fj - f) / step[j]
            while best[0] > tolerance:
                dx = -np.linalg.lstsq(jacobian, f, rcond=None)[0]
                size = float(np.max(np.abs(dx))) if dx.size else 0.0
                if size > _LIMIT:
                    dx *= _LIMIT / size
                dx = np.clip(x + dx, -_BOUND, _BOUND) - x
                if float(np.max(np.abs(dx))) < 1e-6:
                    break
                fn, figs, cts = evaluate(x + dx)
                jacobian += np.outer(fn - f - jacobian @ dx, dx) / float(dx @ dx)
                x, f = x + dx, fn
                best = min(best, (_worst(figs, chosen), x, figs, cts), key=lambda b: b[0])
    except _OutOfRunsError:
        pass
    assert best is not None
    error, x_best, figures, counts = best
    parameters = dict.fromkeys(PARAMETERS, 1.0)
    parameters.update(zip(factors, np.exp(x_best).tolist(), strict=True))
    if error > tolerance:
        worst = max(names, key=lambda n: abs(_relative(figures[n], chosen[n])))
        raise SimulationError(
            f"no fit within {tolerance:.1%} after {runs} runs: {worst} is "
            f"{figures[worst]:,.4g} against {chosen[worst]:,.4g} "
            f"({_relative(figures[worst], chosen[worst]):+.1%}) at "
            + ", ".join(f"{k} {v:.3f}" for k, v in parameters.items() if k in factors),
            field="target",
            hint="raise tolerance= or max_iterations=, or give fewer figures (a city too "
            "small for its departments to be scaled finely cannot hit a rate exactly)",
        )
    given = wanted_figures(goal)
    wanted_all = {**chosen, **{k: v for k, v in given.items() if k not in chosen}}
    return Calibration(
        city=attrs.evolve(
            scaled(model, **{k: parameters[k] for k in PARAMETERS}),
            name=f"{model.name} (calibrated)",
        ),
        target=goal,
        fitted=names,
        parameters=FrozenMap(parameters),
        wanted=FrozenMap(wanted_all),
        achieved=FrozenMap((k, figures[k]) for k in wanted_all),
        errors=FrozenMap((k, _relative(figures[k], v)) for k, v in wanted_all.items()),
        counts=counts,
        iterations=runs,
        tolerance=float(tolerance),
        start=begin,
        days=span,
        warmup_days=warmup_days,
        seed=seed,
    )


def _sign(factor: str, names: tuple[str, ...]) -> F64:
    """Which way each fitted figure moves when ``factor`` grows (+1, -1 or 0)."""
    volume = [n in VOLUME for n in names]
    if factor == "arrival_scale":
        return np.array(
            [
                1.0 if v or n in ("closed", "closed_on_time") else 0.0
                for n, v in zip(names, volume, strict=True)
            ]
        )
    sign = 1.0 if factor == "capacity_scale" else -1.0
    return np.array([0.0 if v else sign for v in volume])


class _OutOfRunsError(Exception):
    """``max_iterations`` runs were made."""


def _worst(figures: dict[str, float], fit: dict[str, float]) -> float:
    return max(abs(_relative(figures[n], v)) for n, v in fit.items())


def _period(
    goal: CalibrationTarget, policy: Policy, start: _dt.datetime | None, days: int | None
) -> tuple[_dt.datetime, int]:
    if start is None:
        if goal.start is None:
            raise SimulationError(
                "no period: the target has no start", field="start", hint="give start="
            )
        zone = ZoneInfo(policy.calendar.tz)
        begin = _dt.datetime.combine(goal.start, _dt.time(), tzinfo=zone)
    else:
        begin = aware(start, "start")
    span = days if days is not None else goal.days
    if span is None:
        raise SimulationError("no period: give days=", field="days")
    if isinstance(span, bool) or not isinstance(span, int) or span < 1:
        raise SimulationError(f"{span!r} is not a whole number of days >= 1", field="days")
    return begin, span


def _check(
    policy: object, seed: object, warmup_days: object, tolerance: object, max_iterations: object
) -> None:
    if not isinstance(policy, Policy):
        raise SimulationError(f"{type(policy).__name__} is not a Policy", field="policy")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise SimulationError(f"{seed!r} is not a seed (an int in 0..2**63-1)", field="seed")
    if isinstance(warmup_days, bool) or not isinstance(warmup_days, int) or warmup_days < 0:
        raise SimulationError(f"{warmup_days!r} is not a whole number >= 0", field="warmup_days")
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not (0 < tolerance < 1)
    ):
        raise SimulationError(f"{tolerance!r} is not a tolerance in (0, 1)", field="tolerance")
    if (
        isinstance(max_iterations, bool)
        or not isinstance(max_iterations, int)
        or (max_iterations < 1)
    ):
        raise SimulationError(
            f"{max_iterations!r} is not a whole number >= 1", field="max_iterations"
        )
