"""Reports arriving: Poisson counts per (grid, category) and each report's channel and
time (private).

For grid ``g`` and category ``c`` the count over the run is Poisson with mean
``w_g × r_c × Σ_s share_{g,s} × F_{c,s}``: the grid's weight, the category's daily rate
and, summed over the channels ``s``, the share of problems the channel reports
(supervisors: ``1 - exp(-κ R_g)``; hotline, video, public: what supervisors miss times
the channel's probability) times the run's total intensity of the category's profile
for the channel, in days. Each report's channel is drawn with probability proportional
to its term of the sum (so each channel's count is Poisson with its own term as mean,
independently: Poisson splitting), its hour by inverting the cumulative intensity of the
hours for its channel, and its second within the hour uniformly: exactly a Poisson
process per channel whose rate is the product of those factors. Draws are keyed by the
grid's code, the category's slug and the report's number in its cell.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.sim._model import PROFILES, SOURCES
from urbangov.sim._random import U64, fold, poisson, stable_hashes, stream, uniform

__all__ = ["Arrivals", "arrivals"]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
_CELLS = 1 << 16  # (grid, category) cells drawn at once (in cache)
HOUR_NS = 3_600 * 10**9


@attrs.frozen(eq=False)
class Arrivals:
    """Reports in canonical order (time, then grid code, category, channel, number)."""

    grid: npt.NDArray[np.int32]  # into the city's sorted grid codes
    category: npt.NDArray[np.int32]  # into the sorted category slugs
    source: npt.NDArray[np.int8]  # into SOURCES
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
    flat = cum.reshape(len(PROFILES) * n_src, -1)
    scale = total[profile]  # (category, source)
    keys = _CellKeys(seed, grids, slugs)
    pack = _Packing(flat.shape[1], len(grids), n_cat)
    chunk = max(1, _CELLS // max(1, n_cat))
    for lo in range(0, len(grids), chunk):
        hi = min(len(grids), lo + chunk)
        share = _shares(detect[lo:hi], public)  # (grid, source)
        # the (grid, category) mean: w_g r_c Σ_s share_gs F_cs, summed in channel order
        # (not a matrix product: BLAS may sum in another order on another machine)
        reach = share[:, 0, None] * scale[None, :, 0]  # (grid, category)
        for j in range(1, n_src):
            reach += share[:, j, None] * scale[None, :, j]
        mean = (weight[lo:hi, None] * rates[None, :]) * reach
        cell = keys.cells(lo, hi).ravel()
        count = poisson(fold(cell, np.uint64(0)), mean.ravel())
        del mean
        rows = np.flatnonzero(count)
        reps = count[rows]
        number = np.arange(int(reps.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(reps) - reps, reps
        )
        row = np.repeat(rows, reps)
        key = fold(cell[row], (number + 1).astype(np.uint64))
        del cell, count, rows, reps
        g, c = np.divmod(row, n_cat)
        del row
        s = _channels(uniform(fold(key, np.uint64(3))), share, scale, g, c)
        g += lo
        # the hour by inverting the channel's cumulative intensity, then the second
        u_hour = uniform(fold(key, np.uint64(1)))
        hour = np.empty(key.size, dtype=np.int64)
        pair = profile[c] * n_src + s
        # the reports grouped by (profile, channel): one search per group
        by_pair = np.argsort(pair, kind="stable")
        counts = np.bincount(pair, minlength=flat.shape[0])
        ends = np.cumsum(counts)
        for k in np.flatnonzero(counts).tolist():
            sel = by_pair[ends[k] - counts[k] : ends[k]]
            hour[sel] = np.searchsorted(flat[k], u_hour[sel], side="right")
        del u_hour, pair, by_pair
        np.minimum(hour, flat.shape[1] - 1, out=hour)
        sec = hour * 3600
        del hour
        sec += np.floor(uniform(fold(key, np.uint64(2))) * 3600).astype(np.int64)
        del key
        pack.pack(sec, g, c, s, number)
        del sec, g, c, s, number
    return pack.unpack(start_ns, keys)


def _shares(detect: F64, public: tuple[float, float, float]) -> F64:
    """Per grid the share of its problems each channel reports, shape (grid, source)."""
    share = np.empty((detect.size, len(SOURCES)), dtype=np.float64)
    share[:, 0] = detect
    for j in range(1, len(SOURCES)):
        share[:, j] = (1.0 - detect) * public[j - 1]
    return share


def _channels(u: F64, share: F64, scale: F64, g: I64, c: I64) -> I64:
    """Each report's channel: the one whose stretch of the cumulative terms
    ``share[g, s] × scale[c, s]`` (over the channels, in order) holds ``u`` times their
    sum; a channel whose term is 0 is never drawn."""
    n_src = share.shape[1]
    terms = [share[g, k] * scale[c, k] for k in range(n_src)]
    cum = terms[0].copy()
    edges = [cum.copy()]
    for t in terms[1:]:
        cum += t
        edges.append(cum.copy())
    target = u * cum
    out = np.zeros(u.size, dtype=np.int64)
    for edge in edges:
        out += edge <= target
    # rounding can put the target on the last edge: the last channel with a term
    last = np.zeros(u.size, dtype=np.int64)
    for k in range(1, n_src):
        last[terms[k] > 0] = k
    np.minimum(out, last, out=out)
    return out


class _CellKeys:
    """The key of a (grid, category) cell: the stream's root folded with the hashes of
    the grid's code and the category's slug."""

    def __init__(self, seed: int, grids: tuple[str, ...], slugs: tuple[str, ...]) -> None:
        root = stream(seed, "arrivals")
        self.grid = fold(root, stable_hashes(grids))
        self.category = stable_hashes(slugs)

    def cells(self, lo: int, hi: int) -> U64:
        """The keys of grids ``lo:hi``, shaped (grid, category)."""
        return fold(self.grid[lo:hi, None], self.category[None, :])

    def of(self, g: I64, c: I64) -> U64:
        """The keys of the cells (grid, category) of reports."""
        return fold(self.grid[g], self.category[c])


class _Packing:
    """Reports as one int64 each — (second of the run, grid, category, channel, number
    in the cell), most significant first — so that one sort of distinct integers puts
    them in canonical order and every field is read back from the sorted keys. Where
    the fields do not fit (runs of many years over huge cities, or a cell of very many
    reports), the fields are kept as they are and sorted with ``lexsort``."""

    BITS = 63  # the widest packed key

    def __init__(self, hours: int, n_grids: int, n_cat: int) -> None:
        self.widths = (  # second, grid, category, channel
            max(1, (hours * 3600 - 1).bit_length()),
            max(1, (n_grids - 1).bit_length()),
            max(1, (n_cat - 1).bit_length()),
            2,
        )
        self.number_bits = self.BITS - sum(self.widths)
        self.packed: list[I64] = []
        self.wide: list[tuple[I64, ...]] | None = [] if self.number_bits < 1 else None

    def pack(self, sec: I64, g: I64, c: I64, s: I64, number: I64) -> None:
        """Add one chunk of reports."""
        if self.wide is None and int(number.max(initial=0)) >> self.number_bits:
            self.wide = [self._fields(p) for p in self.packed]
            self.packed.clear()
        if self.wide is not None:
            self.wide.append((sec, g, c, s, number))
            return
        out = sec << self.widths[1]
        out |= g
        out <<= self.widths[2]
        out |= c
        out <<= self.widths[3]
        out |= s
        out <<= self.number_bits
        out |= number
        self.packed.append(out)

    def unpack(self, start_ns: int, keys: _CellKeys) -> Arrivals:
        """Every report added, in canonical order."""
        if self.wide is not None:
            sec, g, c, s, number = (
                np.concatenate([f[i] for f in self.wide]) if self.wide else np.zeros(0, np.int64)
                for i in range(5)
            )
            self.wide.clear()
            order = np.lexsort((number, s, c, g, sec))
            sec, g, c, s, number = sec[order], g[order], c[order], s[order], number[order]
        else:
            packed = np.concatenate(self.packed) if self.packed else np.zeros(0, np.int64)
            self.packed.clear()
            packed.sort()  # distinct keys: the canonical order
            sec, g, c, s, number = self._fields(packed)
            del packed
        key = fold(keys.of(g, c), (number + 1).astype(np.uint64))
        reported = sec * 10**9
        reported += start_ns
        return Arrivals(g.astype(np.int32), c.astype(np.int32), s.astype(np.int8), reported, key)

    def _fields(self, packed: I64) -> tuple[I64, I64, I64, I64, I64]:
        number = packed & ((1 << self.number_bits) - 1)
        rest = packed >> self.number_bits
        s = rest & ((1 << self.widths[3]) - 1)
        rest >>= self.widths[3]
        c = rest & ((1 << self.widths[2]) - 1)
        rest >>= self.widths[2]
        g = rest & ((1 << self.widths[1]) - 1)
        rest >>= self.widths[1]
        return rest, g, c, s, number
