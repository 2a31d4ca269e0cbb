"""The outcome of a policy sweep: :class:`Comparison` and its :class:`Summary` (private).

A comparison holds one value per variant, replicate, unit (the whole city,
:data:`TOTAL`, then each street) and metric. It is saved as a directory:
``comparison.toml`` (the manifest: ``kind = "comparison"``, ``format_version``, the
sweep's span, seed, variants, metrics and units) and ``rows.csv`` (tidy rows ``variant,
replicate,metric,unit,value``; a value is written as the shortest text that reads back
to the same float, an empty cell for NaN). The same comparison gives the same bytes.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import tomli_w

from urbangov.errors import MissingExtraError, SimulationError
from urbangov.kpi import FIELDS
from urbangov.sim._stats import mean_interval, welch_interval

__all__ = ["FORMAT_VERSION", "METRICS", "RATES", "TOTAL", "Comparison", "Summary", "SummaryRow"]

F64 = npt.NDArray[np.float64]
FORMAT_VERSION = 1
_KIND = "comparison"
TOTAL = "total"
"""The unit of a metric of the whole city (street metrics carry the street's code)."""
RATES = (
    "filing_rate",
    "dispatch_rate",
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "extension_rate",
)
"""The KPI rates a comparison can hold (``urbangov.kpi``'s functions of the same names)."""
METRICS: tuple[str, ...] = (*RATES, *FIELDS)
"""Every metric: the six KPI rates, then the eleven ``KpiCounts`` fields."""
_HEADER = ("variant", "replicate", "metric", "unit", "value")


def _names(value: Sequence[str]) -> tuple[str, ...]:
    return tuple(value)


def _values(value: object) -> F64:
    arr = np.array(value, dtype=np.float64)
    arr.setflags(write=False)
    return arr


def _same(a: object, b: object) -> bool:
    x, y = np.asarray(a), np.asarray(b)
    return x.shape == y.shape and bool(np.array_equal(x, y, equal_nan=True))


def _text(value: float) -> str:
    """The shortest text that reads back to ``value`` (integers without ``.0``)."""
    if value != value:  # NaN
        return ""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


@attrs.frozen
class SummaryRow:
    """One line of a :class:`Summary`: a variant's metric in one unit over replicates.

    ``mean`` and its interval ``[low, high]``; ``diff`` the mean difference from the
    baseline with its interval ``[diff_low, diff_high]`` (NaN for the baseline itself);
    ``n`` the replicates with a value (a rate with nothing in its denominator has none).
    """

    variant: str
    metric: str
    unit: str
    n: int
    mean: float
    low: float
    high: float
    diff: float
    diff_low: float
    diff_high: float


@attrs.frozen(eq=False)
class Summary:
    """Means and intervals of a :class:`Comparison`, per variant, unit and metric.

    The arrays are ``(variants, units, metrics)``. Differences are from the
    ``baseline``: with common random numbers (``paired``) the mean of the per-replicate
    differences with its t interval; otherwise the difference of means with Welch's
    interval.
    """

    variants: tuple[str, ...] = attrs.field(converter=_names)
    metrics: tuple[str, ...] = attrs.field(converter=_names)
    units: tuple[str, ...] = attrs.field(converter=_names)
    baseline: str
    level: float
    paired: bool
    n: F64 = attrs.field(converter=_values)
    mean: F64 = attrs.field(converter=_values)
    low: F64 = attrs.field(converter=_values)
    high: F64 = attrs.field(converter=_values)
    diff: F64 = attrs.field(converter=_values)
    diff_low: F64 = attrs.field(converter=_values)
    diff_high: F64 = attrs.field(converter=_values)

    def get(self, variant: str, metric: str, unit: str = TOTAL) -> SummaryRow:
        """The summary of one variant's ``metric`` in ``unit`` (default the whole city).

        Raises
        ------
        SimulationError
            If the variant, metric or unit is not in the comparison.
        """
        v, m, u = (
            _index(self.variants, variant, "variant"),
            _index(self.metrics, metric, "metric"),
            _index(self.units, unit, "unit"),
        )
        return self._row(v, u, m)

    def _row(self, v: int, u: int, m: int) -> SummaryRow:
        at = (v, u, m)
        return SummaryRow(
            self.variants[v],
            self.metrics[m],
            self.units[u],
            int(self.n[at]),
            float(self.mean[at]),
            float(self.low[at]),
            float(self.high[at]),
            float(self.diff[at]),
            float(self.diff_low[at]),
            float(self.diff_high[at]),
        )

    def rows(self, unit: str | None = None) -> Iterator[SummaryRow]:
        """Every row (of one ``unit`` when given): by unit, metric, then variant."""
        units = range(len(self.units)) if unit is None else [_index(self.units, unit, "unit")]
        for u in units:
            for m in range(len(self.metrics)):
                for v in range(len(self.variants)):
                    yield self._row(v, u, m)

    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` with one row per :class:`SummaryRow`.

        Raises
        ------
        MissingExtraError
            Without pandas (``pip install 'urbangov[parquet]'``).
        """
        pd = _pandas()
        return pd.DataFrame([attrs.astuple(r) for r in self.rows()], columns=_ROW_FIELDS)


_ROW_FIELDS = [f.name for f in attrs.fields(SummaryRow)]


def _index(names: tuple[str, ...], name: str, field: str) -> int:
    try:
        return names.index(name)
    except ValueError:
        shown = ", ".join(repr(n) for n in names[:8]) + (", …" if len(names) > 8 else "")
        raise SimulationError(
            f"{name!r} is not a {field} of the comparison", field=field, hint=f"use {shown}"
        ) from None


def _pandas() -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise MissingExtraError(
            "pandas is not installed",
            field="to_pandas",
            hint="install the parquet extra: pip install 'urbangov[parquet]'",
        ) from None
    return pd


@attrs.frozen(eq=False)
class Comparison:
    """Policy variants simulated over replicates (:func:`~urbangov.sim.compare`).

    Attributes
    ----------
    variants
        The variants' names, in order; ``baseline`` is one of them.
    metrics
        The metrics held (a subset of :data:`METRICS`, in its order).
    units
        :data:`TOTAL` (the whole city), then each street's code.
    values
        The values, an array ``(variants, replicates, units, metrics)``: counts as
        whole numbers, rates in [0, 1] (NaN when nothing is in the denominator).
    seed, start, days, warmup_days, city, common_random_numbers
        How the sweep ran: replicate ``r`` of a variant ran on
        ``sim.run_seed(seed, r)`` (or ``run_seed(seed, r, name)`` without common random
        numbers) from ``start - warmup_days`` and was measured over ``[start, start +
        days)``.

    Examples
    --------
    >>> import datetime
    >>> import numpy as np
    >>> values = np.array([[[[0.80]], [[0.90]]], [[[0.85]], [[0.97]]]])  # 2 x 2 x 1 x 1
    >>> c = Comparison(variants=("a", "b"), metrics=("on_time_rate",), units=("total",),
    ...                values=values, baseline="a", seed=1,
    ...                start=datetime.datetime(2024, 5, 6, tzinfo=datetime.UTC), days=7)
    >>> row = c.summary().get("b", "on_time_rate")
    >>> round(row.mean, 3), round(row.diff, 3)
    (0.91, 0.06)
    >>> next(c.rows())
    ('a', 0, 'on_time_rate', 'total', 0.8)
    """

    variants: tuple[str, ...] = attrs.field(converter=_names)
    metrics: tuple[str, ...] = attrs.field(converter=_names)
    units: tuple[str, ...] = attrs.field(converter=_names)
    values: F64 = attrs.field(converter=_values)
    baseline: str
    seed: int
    start: _dt.datetime
    days: int
    warmup_days: int = 0
    city: str = ""
    common_random_numbers: bool = True

    def __attrs_post_init__(self) -> None:
        for field in ("variants", "metrics", "units"):
            names = getattr(self, field)
            if not names:
                raise SimulationError(f"a comparison needs {field}", field=field)
            if len(set(names)) != len(names):
                raise SimulationError(f"a name is given twice in {field}", field=field)
        unknown = [m for m in self.metrics if m not in METRICS]
        if unknown:
            raise SimulationError(f"{unknown[0]!r} is not a metric", field="metrics")
        if self.baseline not in self.variants:
            raise SimulationError(f"{self.baseline!r} is not one of the variants", field="baseline")
        shape = self.values.shape
        want = (len(self.variants), len(self.units), len(self.metrics))
        if len(shape) != 4 or shape[1] < 1 or (shape[0], shape[2], shape[3]) != want:
            raise SimulationError(
                f"values have shape {shape}, not (variants, replicates >= 1, units, "
                f"metrics) = ({want[0]}, R, {want[1]}, {want[2]})",
                field="values",
            )

    @classmethod
    def from_array(cls, values: F64, **fields: Any) -> Comparison:
        """The comparison of ``values`` ``(variants, replicates, units, metrics)``."""
        return cls(values=values, **fields)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Comparison):
            return NotImplemented
        return all(
            getattr(self, f.name) == getattr(other, f.name)
            for f in attrs.fields(Comparison)
            if f.name != "values"
        ) and _same(self.values, other.values)

    __hash__ = None  # type: ignore[assignment]

    @property
    def replicates(self) -> int:
        """Runs per variant."""
        return int(self.values.shape[1])

    @property
    def end(self) -> _dt.datetime:
        """The end of the measured span (exclusive)."""
        return self.start + _dt.timedelta(days=self.days)

    def values_of(self, variant: str, metric: str, unit: str = TOTAL) -> F64:
        """One variant's ``metric`` in ``unit`` per replicate."""
        v = _index(self.variants, variant, "variant")
        u = _index(self.units, unit, "unit")
        m = _index(self.metrics, metric, "metric")
        out: F64 = self.values[v, :, u, m]
        return out

    def rows(self) -> Iterator[tuple[str, int, str, str, float]]:
        """The tidy rows ``(variant, replicate, metric, unit, value)``, by variant,
        replicate, unit and metric."""
        for v, variant in enumerate(self.variants):
            for r in range(self.replicates):
                for u, unit in enumerate(self.units):
                    row = self.values[v, r, u].tolist()
                    for m, metric in enumerate(self.metrics):
                        yield variant, r, metric, unit, row[m]

    def to_pandas(self) -> Any:
        """The tidy rows as a ``pandas.DataFrame`` (columns ``variant``, ``replicate``,
        ``metric``, ``unit``, ``value``).

        Raises
        ------
        MissingExtraError
            Without pandas (``pip install 'urbangov[parquet]'``).
        """
        pd = _pandas()
        v, r, u, m = np.indices(self.values.shape).reshape(4, -1)
        return pd.DataFrame(
            {
                "variant": np.array(self.variants, dtype=object)[v],
                "replicate": r,
                "metric": np.array(self.metrics, dtype=object)[m],
                "unit": np.array(self.units, dtype=object)[u],
                "value": self.values.reshape(-1),
            }
        )

    def summary(self, level: float = 0.95) -> Summary:
        """Means over replicates with their ``level`` t intervals, and the differences
        from the baseline with theirs: paired by replicate under common random
        numbers, Welch's interval otherwise.

        Raises
        ------
        SimulationError
            If ``level`` is not in (0, 1).
        """
        if isinstance(level, bool) or not isinstance(level, float | int) or not 0 < level < 1:
            raise SimulationError(f"{level!r} is not a level in (0, 1)", field="level")
        level = float(level)
        x = self.values
        b = self.variants.index(self.baseline)
        mean, low, high, n = mean_interval(x, level, axis=1)
        diff = np.full(mean.shape, np.nan)
        diff_low, diff_high = diff.copy(), diff.copy()
        for v in range(len(self.variants)):
            if v == b:
                continue
            if self.common_random_numbers:
                d, lo, hi, _ = mean_interval(x[v] - x[b], level, axis=0)
            else:
                d, lo, hi = welch_interval(x[v], x[b], level, axis=0)
            diff[v], diff_low[v], diff_high[v] = d, lo, hi
        return Summary(
            self.variants,
            self.metrics,
            self.units,
            self.baseline,
            level,
            self.common_random_numbers,
            n,
            mean,
            low,
            high,
            diff,
            diff_low,
            diff_high,
        )

    def plot(
        self,
        path: str | Path,
        *,
        metrics: Sequence[str] = ("on_time_rate", "closure_rate"),
        unit: str = TOTAL,
    ) -> Path:
        """Draw each metric's distribution per variant and its difference from the
        baseline (per replicate, with the mean and its 95% interval) to ``path``:
        PNG or SVG by its suffix. Needs matplotlib (``pip install 'urbangov[plot]'``).

        Raises
        ------
        MissingExtraError
            Without matplotlib.
        SimulationError
            For a suffix other than ``.png``/``.svg`` or an unknown metric or unit.
        """
        from urbangov.sim._plot import plot_comparison

        return plot_comparison(self, Path(path), tuple(metrics), unit)

    # ----------------------------------------------------------------- files
    def save(self, directory: str | Path) -> Path:
        """Write ``comparison.toml`` and ``rows.csv`` to ``directory`` (created if
        needed); returns it. ``Comparison.load(directory) == self``."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        manifest = {
            "kind": _KIND,
            "format_version": FORMAT_VERSION,
            "city": self.city,
            "start": self.start.isoformat(),
            "days": self.days,
            "warmup_days": self.warmup_days,
            "seed": self.seed,
            "replicates": self.replicates,
            "common_random_numbers": self.common_random_numbers,
            "baseline": self.baseline,
            "variants": list(self.variants),
            "metrics": list(self.metrics),
            "units": list(self.units),
        }
        (out / "comparison.toml").write_text(tomli_w.dumps(manifest), encoding="utf-8")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(_HEADER)
        writer.writerows(
            (variant, r, metric, unit, _text(value))
            for variant, r, metric, unit, value in self.rows()
        )
        (out / "rows.csv").write_bytes(buffer.getvalue().encode("utf-8"))
        return out

    @classmethod
    def load(cls, directory: str | Path) -> Comparison:
        """Read a comparison :meth:`save` wrote.

        Raises
        ------
        SimulationError
            If the directory holds no comparison of a known format version, or its rows
            do not match its manifest.
        """
        import tomllib

        where = Path(directory)
        file = where / "comparison.toml"
        try:
            manifest = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SimulationError(
                f"cannot read the comparison's manifest: {exc}",
                field="comparison.toml",
                file=str(where),
                hint="give a directory written by Comparison.save or urbangov compare --out",
            ) from None
        if manifest.get("kind") != _KIND or manifest.get("format_version") != FORMAT_VERSION:
            raise SimulationError(
                f"not a comparison of format version {FORMAT_VERSION}",
                field="kind",
                file=str(file),
            )
        variants, metrics, units = manifest["variants"], manifest["metrics"], manifest["units"]
        shape = (len(variants), manifest["replicates"], len(units), len(metrics))
        values = np.full(shape, np.nan)
        index = [{name: i for i, name in enumerate(names)} for names in (variants, units, metrics)]
        rows_file = where / "rows.csv"
        try:
            with rows_file.open(encoding="utf-8", newline="") as f:
                reader = csv.reader(f)
                if tuple(next(reader, ())) != _HEADER:
                    raise ValueError(f"the header is not {','.join(_HEADER)}")
                seen = 0
                for variant, r, metric, unit, value in reader:
                    at = (index[0][variant], int(r), index[1][unit], index[2][metric])
                    values[at] = float(value) if value else np.nan
                    seen += 1
        except (OSError, ValueError, KeyError, IndexError) as exc:
            raise SimulationError(
                f"cannot read the comparison's rows: {exc}",
                field="rows.csv",
                file=str(rows_file),
                hint="give a directory written by Comparison.save",
            ) from None
        if seen != values.size:
            raise SimulationError(
                f"{seen} rows, not {values.size}", field="rows.csv", file=str(rows_file)
            )
        return cls(
            variants=variants,
            metrics=metrics,
            units=units,
            values=values,
            baseline=manifest["baseline"],
            seed=manifest["seed"],
            start=_dt.datetime.fromisoformat(manifest["start"]),
            days=manifest["days"],
            warmup_days=manifest["warmup_days"],
            city=manifest["city"],
            common_random_numbers=manifest["common_random_numbers"],
        )
