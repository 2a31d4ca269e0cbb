"""Means and intervals over replicates, for :class:`~urbangov.sim.Comparison` (private).

Student's t intervals, computed without scipy: the t distribution's two-sided
probability for whole degrees of freedom is a finite series (Abramowitz and Stegun,
*Handbook of Mathematical Functions*, 26.7.3 and 26.7.4), inverted by bisection. Welch's
interval for unpaired differences rounds its degrees of freedom down (conservative).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

__all__ = ["mean_interval", "t_quantile", "welch_interval"]

F64 = npt.NDArray[np.float64]
_NORMAL_FROM = 100_000  # degrees of freedom from which t is the normal (to 1e-10)


def _two_sided(t: float, nu: int) -> float:
    """``P(|T| <= t)`` for Student's T with ``nu`` degrees of freedom (A&S 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(nu))
    c2 = math.cos(theta) ** 2
    total, term = 1.0, 1.0
    if nu % 2:
        if nu == 1:
            return 2 * theta / math.pi
        for k in range(1, (nu - 3) // 2 + 1):
            term *= (2 * k) / (2 * k + 1) * c2
            total += term
        return 2 / math.pi * (theta + math.sin(theta) * math.cos(theta) * total)
    for k in range(1, (nu - 2) // 2 + 1):
        term *= (2 * k - 1) / (2 * k) * c2
        total += term
    return math.sin(theta) * total


@functools.lru_cache(maxsize=256)
def t_quantile(level: float, nu: int) -> float:
    """The ``t`` with ``P(|T| <= t) = level`` (the two-sided ``level`` interval's factor).

    >>> round(t_quantile(0.95, 9), 6), round(t_quantile(0.95, 1), 3)
    (2.262157, 12.706)
    """
    if not 0 < level < 1:
        raise ValueError(f"a level is in (0, 1), not {level!r}")
    if nu < 1:
        raise ValueError(f"degrees of freedom are >= 1, not {nu!r}")
    if nu >= _NORMAL_FROM:
        return _normal_two_sided(level)
    hi = 2.0
    while _two_sided(hi, nu) < level:
        hi *= 2
    lo = 0.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if _two_sided(mid, nu) < level:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-13 * hi:
            break
    return (lo + hi) / 2


def _normal_two_sided(level: float) -> float:
    lo, hi = 0.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if math.erf(mid / math.sqrt(2)) < level:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _factor(level: float, df: npt.NDArray[np.int64]) -> F64:
    """The t factor per degrees of freedom (NaN where ``df < 1``)."""
    out = np.full(df.shape, np.nan)
    for nu in np.unique(df[df >= 1]).tolist():
        out[df == nu] = t_quantile(level, int(nu))
    return out


def mean_interval(values: F64, level: float = 0.95, axis: int = 0) -> tuple[F64, F64, F64, F64]:
    """Mean, the ``level`` t interval's bounds, and the count of finite values along
    ``axis`` (NaN values are left out; bounds are NaN with fewer than 2 values).

    >>> mean, low, high, n = mean_interval(np.array([1.0, 2.0, 3.0, np.nan]))
    >>> float(mean), round(float(low), 4), round(float(high), 4), int(n)
    (2.0, -0.4841, 4.4841, 3)
    """
    x = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(x)
    n = finite.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(finite, x, 0.0).sum(axis=axis) / n
        dev = np.where(finite, x - np.expand_dims(mean, axis), 0.0)
        var = (dev * dev).sum(axis=axis) / (n - 1)
        half = _factor(level, np.asarray(n - 1, dtype=np.int64)) * np.sqrt(var / n)
    mean = np.where(n > 0, mean, np.nan)
    return mean, mean - half, mean + half, n.astype(np.float64)


def welch_interval(a: F64, b: F64, level: float = 0.95, axis: int = 0) -> tuple[F64, F64, F64]:
    """The difference of means ``mean(a) - mean(b)`` of independent samples and its
    Welch ``level`` interval (degrees of freedom rounded down; NaN values left out).

    >>> d, low, high = welch_interval(np.array([2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0]))
    >>> float(d), round(float(low), 4), round(float(high), 4)
    (1.0, -1.267, 3.267)
    """
    ma, _, _, na = mean_interval(a, level, axis)
    mb, _, _, nb = mean_interval(b, level, axis)
    va = _variance(a, ma, na, axis)
    vb = _variance(b, mb, nb, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        sa, sb = va / na, vb / nb
        se2 = sa + sb
        df = se2 * se2 / (sa * sa / (na - 1) + sb * sb / (nb - 1))
        df = np.where(se2 == 0, na + nb - 2, df)
        whole = np.where(np.isfinite(df), np.floor(df), 0).astype(np.int64)
        half = _factor(level, whole) * np.sqrt(se2)
    d = ma - mb
    return d, d - half, d + half


def _variance(x: F64, mean: F64, n: F64, axis: int) -> F64:
    x = np.asarray(x, dtype=np.float64)
    finite = np.isfinite(x)
    dev = np.where(finite, x - np.expand_dims(mean, axis), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: F64 = (dev * dev).sum(axis=axis) / (n - 1)
    return out
