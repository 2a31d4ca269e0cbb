"""Order-free, counter-based random numbers for the simulation (private).

Every draw is a pure function of a key: the seed, a stream (what the draw is for) and
the identity of what it is drawn for (a grid's code, a category's slug, a case's own
key, an attempt), never of the position of a unit in a file or of the order in which
anything is computed. A key is folded with the splitmix64 finaliser (Steele, Lea and
Flood, "Fast splittable pseudorandom number generators", 2014) in numpy ``uint64``
arithmetic (wrapping), and its top 53 bits give a uniform on (0, 1).

:mod:`urbangov.sim` re-exports :func:`stable_hash`.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "U64",
    "exponential",
    "fold",
    "lognormal",
    "poisson",
    "prefold",
    "refold",
    "stable_hash",
    "stable_hashes",
    "stream",
    "uniform",
]

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 2.0**-53
#: Poisson means above this are split into equal parts, each drawn on its own key.
POISSON_PART = 64.0


def stable_hash(text: str) -> int:
    """A 64-bit hash of ``text`` that is the same in every process and on every machine:
    the first 8 bytes of BLAKE2b (``digest_size=8``) of its UTF-8 bytes, read as a
    little-endian unsigned integer.

    Python's ``hash()`` of a string changes from one process to the next; this does not,
    so it can key random streams (``numpy.random.SeedSequence(seed,
    spawn_key=(stable_hash(name), replicate))``) and the simulation's draws.

    Examples
    --------
    >>> stable_hash("320105001001001")
    2440117183564624139
    >>> stable_hash("暴露垃圾") == stable_hash("暴露垃圾")
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"stable_hash takes a str, not {type(text).__name__}")
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@functools.lru_cache(maxsize=8)
def stable_hashes(texts: tuple[str, ...]) -> U64:
    """:func:`stable_hash` of each text, as a read-only ``uint64`` array (kept for the
    last few tuples asked: a city's grid codes are hashed once for all its runs)."""
    out = np.fromiter((stable_hash(t) for t in texts), dtype=np.uint64, count=len(texts))
    out.flags.writeable = False
    return out


def _mix(z: U64) -> U64:
    """The splitmix64 finaliser, element-wise (uint64, wrapping)."""
    with np.errstate(over="ignore"):
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
    out: U64 = z ^ (z >> _S31)
    return out


def fold(key: Any, part: Any) -> U64:
    """Fold ``part`` into ``key``: ``mix(key + golden) ^ part`` mixed again (uint64)."""
    k = np.asarray(key, dtype=np.uint64)
    p = np.asarray(part, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix(_mix(k + _GOLDEN) ^ p)


def prefold(key: Any) -> U64:
    """The half of :func:`fold` that depends on the key alone: ``fold(key, p) ==
    refold(prefold(key), p)``, so many draws of one key mix it once."""
    k = np.asarray(key, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix(k + _GOLDEN)


def refold(base: U64, part: Any) -> U64:
    """:func:`fold` from a :func:`prefold`."""
    return _mix(base ^ np.asarray(part, dtype=np.uint64))


def stream(seed: int, name: str) -> U64:
    """The root key of a named stream of a run (``"count"``, ``"service"``…)."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0 or seed >= 2**64:
        raise ValueError(f"a seed is an int in 0..2**64-1, not {seed!r}")
    return fold(np.uint64(seed), np.uint64(stable_hash(name)))


def uniform(key: U64) -> F64:
    """A uniform on the open interval (0, 1) per key: ``(top 53 bits + 0.5) / 2**53``."""
    bits = _mix(np.asarray(key, dtype=np.uint64)) >> _S11
    out: F64 = (bits.astype(np.float64) + 0.5) * _TO_UNIT
    return out


def exponential(key: U64, mean: F64 | float) -> F64:
    """Exponential draws with ``mean`` by inversion: ``-mean * log(u)``."""
    out: F64 = -np.asarray(mean, dtype=np.float64) * np.log(uniform(key))
    return out


def lognormal(key: U64, mean: F64 | float, cv: float) -> F64:
    """Log-normal draws with the given ``mean`` and coefficient of variation ``cv``, by
    inversion of the normal CDF (Acklam's rational approximation, relative error below
    1.2e-9, which no simulated figure notices)."""
    sigma2 = math.log1p(cv * cv)
    mu = np.log(np.asarray(mean, dtype=np.float64)) - sigma2 / 2
    out: F64 = np.exp(mu + math.sqrt(sigma2) * normal_quantile(uniform(key)))
    return out


_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)  # fmt: skip
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
      3.754408661907416e00)  # fmt: skip


def normal_quantile(u: F64) -> F64:
    """The standard normal quantile of ``u`` in (0, 1)."""
    u = np.asarray(u, dtype=np.float64)
    q = np.minimum(u, 1 - u)
    low = q < 0.02425
    r = np.sqrt(-2 * np.log(np.where(low, q, 0.5)))
    tail = (((((_C[0] * r + _C[1]) * r + _C[2]) * r + _C[3]) * r + _C[4]) * r + _C[5]) / (
        (((_D[0] * r + _D[1]) * r + _D[2]) * r + _D[3]) * r + 1
    )
    t = q - 0.5
    s = t * t
    mid = (
        (((((_A[0] * s + _A[1]) * s + _A[2]) * s + _A[3]) * s + _A[4]) * s + _A[5])
        * t
        / (((((_B[0] * s + _B[1]) * s + _B[2]) * s + _B[3]) * s + _B[4]) * s + 1)
    )
    x = np.where(low, tail, mid)  # the quantile of q (q <= 0.5: x <= 0)
    out: F64 = np.where(u > 0.5, -x, x)
    return out


def poisson(key: U64, mean: F64) -> npt.NDArray[np.int64]:
    """Poisson counts by inversion of the CDF on one uniform per key.

    A mean above :data:`POISSON_PART` is the sum of ``ceil(mean / POISSON_PART)`` equal
    parts, part ``i`` drawn on ``fold(key, i)`` (a sum of independent Poisson counts is
    Poisson), so the inversion never starts from an underflowing ``exp(-mean)``.
    """
    mean = np.asarray(mean, dtype=np.float64).ravel()
    key = np.asarray(key, dtype=np.uint64).ravel()
    parts = np.ceil(mean / POISSON_PART)
    many = np.flatnonzero(parts > 1)
    if not many.size:  # every mean in one part (a mean of 0 draws 0)
        return _invert(uniform(key), mean)
    out = np.zeros(mean.size, dtype=np.int64)
    one = np.flatnonzero((parts <= 1) & (mean > 0))
    if one.size:
        out[one] = _invert(uniform(key[one]), mean[one])
    reps = parts[many].astype(np.int64)
    rows = np.repeat(many, reps)
    first = np.cumsum(reps) - reps
    index = np.arange(rows.size, dtype=np.int64) - np.repeat(first, reps)
    drawn = _invert(
        uniform(fold(key[rows], index.astype(np.uint64))), (mean[rows] / reps.repeat(reps))
    )
    np.add.at(out, rows, drawn)
    return out


def _invert(u: F64, mean: F64) -> npt.NDArray[np.int64]:
    """The smallest ``k`` whose Poisson CDF reaches ``u``, summing the terms up from
    ``exp(-mean)``; the arrays shrink to the draws not yet reached."""
    p = np.exp(-mean)
    k = np.zeros(u.size, dtype=np.int64)
    at = np.flatnonzero(u > p)
    u, mean, p = u[at], mean[at], p[at]
    cdf = p.copy()
    n = np.zeros(at.size, dtype=np.int64)
    while at.size:
        n += 1
        p *= mean / n
        cdf += p
        k[at] = n
        # float rounding can leave the CDF a hair below 1: stop where no mass remains
        still = (u > cdf) & (p > 0)
        at, u, mean, p, cdf, n = at[still], u[still], mean[still], p[still], cdf[still], n[still]
    return k
