"""Reports arriving: Poisson counts per (grid, category, channel) and their times
(private).

For grid ``g``, category ``c`` and channel ``s`` the count over the run is Poisson with
mean ``w_g × r_c × share_{g,s} × F_{c,s}``: the grid's weight, the category's daily
rate, the share of problems the channel reports (supervisors: ``1 - exp(-κ R_g)``;
hotline, video, public: what supervisors miss times the channel's probability) and the
run's total intensity of the category's profile for the channel, in days. Given the
count, each report's hour is drawn by inverting the cumulative intensity of the hours,
and its second within the hour uniformly: this is exactly a Poisson process whose rate
is the product of those factors. Draws are keyed by the grid's code, the category's
slug, the channel and the report's number in its cell.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.sim._model import PROFILES, SOURCES
from urbangov.sim._random import U64, fold, poisson, stable_hash, stream, uniform

__all__ = ["Arrivals", "arrivals"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_CELLS = 4_000_000  # (grid, category, channel) cells drawn at once
HOUR_NS = 3_600 * 10**9


@attrs.frozen(eq=False)
class Arrivals:
    """Reports in canonical order (time, then grid code, category, channel, number)."""

    grid: I64  # into the city's sorted grid codes
    category: I64  # into the sorted category slugs
    source: I64  # into SOURCES
    reported: I64  # ns since the epoch, UTC, whole seconds
    key: U64  # the report's own key: every later draw of the case folds from it

    @property
    def n(self) -> int:
        return int(self.grid.size)


def arrivals(
    *,
    seed: int,
    start_ns: int,
    grids: tuple[str, ...],
    weight: F64,
    detect: F64,
    public: tuple[float, float, float],
    slugs: tuple[str, ...],
    rates: F64,
    profile: I64,
    intensity: F64,
) -> Arrivals:
    """Draw every report of the run (see the module docstring).

    ``detect`` is per grid the supervisors' probability of finding a problem;
    ``public`` the hotline, video and public probabilities for what they miss;
    ``intensity`` the factors of :func:`~urbangov.sim._patterns.intensities`.
    """
    n_cat, n_src = len(slugs), len(SOURCES)
    total = intensity.sum(axis=-1) / 24.0  # (profile, source), in days
    cum = np.cumsum(intensity, axis=-1)
    cum /= np.where(cum[..., -1:] > 0, cum[..., -1:], 1.0)
    root = stream(seed, "arrivals")
    g_hash = np.array([stable_hash(g) for g in grids], dtype=np.uint64)
    c_hash = np.array([stable_hash(s) for s in slugs], dtype=np.uint64)
    s_hash = np.array([stable_hash(s) for s in SOURCES], dtype=np.uint64)
    chunk = max(1, _CELLS // max(1, n_cat * n_src))
    parts: list[tuple[I64, I64, I64, I64, U64]] = []
    for lo in range(0, len(grids), chunk):
        hi = min(len(grids), lo + chunk)
        share = np.empty((hi - lo, n_src), dtype=np.float64)
        share[:, 0] = detect[lo:hi]
        for j in range(1, n_src):
            share[:, j] = (1.0 - detect[lo:hi]) * public[j - 1]
        scale = total[profile]  # (category, source)
        mean = weight[lo:hi, None, None] * rates[None, :, None] * share[:, None, :] * scale[None]
        cell = fold(fold(fold(root, g_hash[lo:hi, None, None]), c_hash[None, :, None]),
                    s_hash[None, None, :])  # fmt: skip
        count = poisson(fold(cell.ravel(), np.uint64(0)), mean.ravel())
        rows = np.flatnonzero(count)
        reps = count[rows]
        number = np.arange(int(reps.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(reps) - reps, reps
        )
        row = np.repeat(rows, reps)
        key = fold(cell.ravel()[row], (number + 1).astype(np.uint64))
        g, rest = np.divmod(row, n_cat * n_src)
        c, s = np.divmod(rest, n_src)
        parts.append((g + lo, c, s, number, key))
    g = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
    c = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
    s = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, np.int64)
    number = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0, np.int64)
    key = np.concatenate([p[4] for p in parts]) if parts else np.zeros(0, np.uint64)
    # the hour by inverting the channel's cumulative intensity, then the second
    u_hour = uniform(fold(key, np.uint64(1)))
    u_sec = uniform(fold(key, np.uint64(2)))
    hour = np.empty(key.size, dtype=np.int64)
    pair = profile[c] * n_src + s
    flat = cum.reshape(len(PROFILES) * n_src, -1)
    for k in np.unique(pair):
        sel = np.flatnonzero(pair == k)
        hour[sel] = np.searchsorted(flat[k], u_hour[sel], side="right")
    hour = np.minimum(hour, flat.shape[1] - 1)
    reported = start_ns + hour * HOUR_NS + np.floor(u_sec * 3600).astype(np.int64) * 10**9
    order = _canonical(reported, g, c, s, number, len(grids), n_cat, start_ns)
    return Arrivals(g[order], c[order], s[order], reported[order], key[order])


def _canonical(
    reported: I64, g: I64, c: I64, s: I64, number: I64, n_grids: int, n_cat: int, start_ns: int
) -> I64:
    """The order by (time, grid, category, channel, number): one stable sort of a packed
    int64 key (reports are generated in number order within a cell), else a lexsort."""
    if not reported.size:
        return np.zeros(0, dtype=np.int64)
    sec = (reported - start_ns) // 10**9
    bits = [int(sec.max()).bit_length(), max(1, (n_grids - 1).bit_length()),
            max(1, (n_cat - 1).bit_length()), 2]  # fmt: skip
    if sum(bits) > 62:  # pragma: no cover - runs of many years over huge cities
        out: I64 = np.lexsort((number, s, c, g, reported))
        return out
    packed = ((sec << bits[1] | g) << bits[2] | c) << bits[3] | s
    out = np.argsort(packed, kind="stable")
    return out
