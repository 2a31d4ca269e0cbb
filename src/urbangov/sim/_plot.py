"""Pictures of runs and sweeps: PNG or SVG files drawn with matplotlib (private).

matplotlib is the ``plot`` extra, imported here only. Figures are
``matplotlib.figure.Figure`` objects drawn off screen (no pyplot, no backend switch:
the caller's matplotlib state is left as it was). Labels are English, with the Chinese
term beside it when a font with CJK glyphs is installed (none is bundled: without one,
Chinese text would show as empty boxes).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from urbangov._internal.instants import to_ns
from urbangov.cases import CaseColumns, EventKind
from urbangov.errors import MissingExtraError, SimulationError
from urbangov.kpi import KpiCounts

if TYPE_CHECKING:
    from urbangov.sim._comparison import Comparison
    from urbangov.sim._result import SimResult

__all__ = ["cjk_font", "plot_comparison", "plot_kpis"]

log = logging.getLogger(__name__)

SUFFIXES = (".png", ".svg")
#: Families with CJK glyphs, in order of preference, used when one is installed.
_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Sarasa Gothic SC",
    "AR PL UMing CN",
)
_LABELS = {
    "filing_rate": ("Filing rate", "立案率"),
    "dispatch_rate": ("Dispatch rate", "派遣率"),
    "closure_rate": ("Closure rate", "结案率"),
    "on_time_rate": ("On-time rate", "按期结案率"),
    "rework_rate": ("Rework rate", "返工率"),
    "extension_rate": ("Extension rate", "延期率"),
    "received": ("Received", "受理数"),
    "filed": ("Filed", "立案数"),
    "dispatched": ("Dispatched", "派遣数"),
    "voided": ("Voided", "作废数"),
    "due": ("Due", "应结案数"),
    "closed": ("Closed", "结案数"),
    "closed_on_time": ("Closed on time", "按期结案数"),
    "reworked": ("Reworked", "返工数"),
    "extended": ("Extended", "延期数"),
    "suspended": ("Suspended", "缓办数"),
    "overdue": ("Overdue", "超期数"),
}


def _matplotlib() -> Any:
    try:
        import matplotlib
        import matplotlib.figure
    except ImportError:
        raise MissingExtraError(
            "matplotlib is not installed",
            field="plot",
            hint="install the plot extra: pip install 'urbangov[plot]'",
        ) from None
    return matplotlib


def cjk_font() -> str | None:
    """The installed font family with CJK glyphs that plots use, or ``None``."""
    _matplotlib()
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in _CJK_FAMILIES if family in installed), None)


def _has_cjk(text: str) -> bool:
    return any(ord(c) >= 0x2E80 for c in text)


class _Labels:
    """Labels for one figure: bilingual with a CJK font, English without."""

    def __init__(self, font: str | None) -> None:
        self.font = font

    def metric(self, name: str) -> str:
        en, zh = _LABELS.get(name, (name, ""))
        return f"{en} ({zh})" if self.font and zh else en

    def unit(self, name: str) -> str:
        return "%" if name.endswith("_rate") else "cases"

    def free(self, text: str, fallback: str) -> str:
        """User text (a variant's or city's name): kept unless it needs a CJK font that
        is missing."""
        if self.font is None and _has_cjk(text):
            log.warning("no CJK font installed: %r is drawn as %r", text, fallback)
            return fallback
        return text


@contextlib.contextmanager
def _figure(path: Path, **size: Any) -> Iterator[tuple[Any, _Labels]]:
    """A figure drawn off screen and saved to ``path`` (PNG or SVG by suffix)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SimulationError(
            f"cannot draw a {suffix or 'suffix-less'} file: {path.name}",
            field="path",
            hint="name a .png or .svg file",
        )
    matplotlib = _matplotlib()
    from matplotlib.figure import Figure

    font = cjk_font()
    style: dict[str, Any] = {"svg.hashsalt": "urbangov", "font.size": 9}
    if font is not None:
        style["font.family"] = [font, "DejaVu Sans"]
    with matplotlib.rc_context(style):
        figure = Figure(layout="constrained", **size)
        yield figure, _Labels(font)
        metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format=suffix[1:], dpi=120, metadata=metadata)


def _shown(metric: str, values: Any) -> Any:
    """Rates in percent, counts as they are."""
    return np.asarray(values, dtype=np.float64) * (100.0 if metric.endswith("_rate") else 1.0)


def plot_comparison(
    comparison: Comparison, path: Path, metrics: tuple[str, ...], unit: str
) -> Path:
    """Each metric: its distribution per variant (left) and the paired differences from
    the baseline with the mean and its 95% interval (right)."""
    if not metrics:
        raise SimulationError("no metrics to draw", field="metrics", hint="name at least one")
    summary = comparison.summary()
    for metric in metrics:
        summary.get(comparison.baseline, metric, unit)  # unknown metric or unit: an error
    others = [v for v in comparison.variants if v != comparison.baseline]
    with _figure(path, figsize=(9.0, 2.2 + 2.6 * len(metrics))) as (figure, labels):
        names = {v: labels.free(v, f"variant {i + 1}") for i, v in enumerate(comparison.variants)}
        axes = figure.subplots(len(metrics), 2, squeeze=False)
        replicates = comparison.replicates
        spread = np.linspace(-0.18, 0.18, replicates) if replicates > 1 else np.zeros(1)
        for row, metric in enumerate(metrics):
            left, right = axes[row]
            data = [
                _shown(metric, comparison.values_of(v, metric, unit)) for v in comparison.variants
            ]
            finite = [d[np.isfinite(d)] for d in data]
            positions = np.arange(1, len(data) + 1)
            left.boxplot(finite, positions=positions, widths=0.5, showfliers=False)
            for x, d in zip(positions, data, strict=True):
                left.plot(x + spread, d, "o", ms=3, alpha=0.6, color="tab:blue")
            left.set_xticks(positions, [names[v] for v in comparison.variants])
            left.set_ylabel(f"{labels.metric(metric)}, {labels.unit(metric)}")
            left.set_title(f"{labels.metric(metric)} per replicate", loc="left")
            base = data[comparison.variants.index(comparison.baseline)]
            right.axhline(0.0, color="grey", lw=0.8)
            for i, v in enumerate(others, start=1):
                d = data[comparison.variants.index(v)] - base
                right.plot(i + spread, d, "o", ms=3, alpha=0.5, color="tab:orange")
                r = summary.get(v, metric, unit)
                mean = _shown(metric, r.diff)
                err = np.array(
                    [[mean - _shown(metric, r.diff_low)], [_shown(metric, r.diff_high) - mean]]
                )
                right.errorbar([i + 0.3], [mean], yerr=err, fmt="s", color="black", capsize=4)
            right.set_xticks(range(1, len(others) + 1), [names[v] for v in others])
            right.set_xlim(0.4, len(others) + 0.8)
            right.set_ylabel(f"difference, {'points' if metric.endswith('_rate') else 'cases'}")
            right.set_title(f"vs {names[comparison.baseline]}: mean and 95% interval", loc="left")
        where = "whole city" if unit == "total" else f"unit {unit}"
        city = labels.free(comparison.city, "city")
        figure.suptitle(
            f"{city} ({where}): {comparison.days} days from {comparison.start:%Y-%m-%d}, "
            f"{replicates} replicates"
            + (", common random numbers" if comparison.common_random_numbers else "")
        )
    return path


def _day_counts(result: SimResult, kind: EventKind) -> Any:
    cases: CaseColumns = result.cases
    code = CaseColumns.KINDS.index(kind)
    start_ns = to_ns(result.start, "start")
    at = cases.at.view(np.int64)[cases.kind == code]
    day = (at - start_ns) // (86_400 * 10**9)
    return np.bincount(day[(day >= 0) & (day < result.days)], minlength=result.days)


def _rate(counts: KpiCounts, num: str, den: str) -> float:
    d = counts.as_dict()
    return 100.0 * d[num] / d[den] if d[den] else np.nan


def plot_kpis(result: SimResult, path: Path) -> Path:
    """A run's cases per day, the whole city's rates by month, and on-time rate by
    street."""
    with _figure(path, figsize=(9.0, 8.0)) as (figure, labels):
        top, middle, bottom = figure.subplots(3, 1, height_ratios=[1.0, 1.0, 1.4])
        days = np.arange(result.days)
        for kind, metric in ((EventKind.ACCEPT, "received"), (EventKind.CLOSE, "closed")):
            top.plot(days, _day_counts(result, kind), marker="o", ms=3, label=labels.metric(metric))
        top.set_xlabel(f"day of the run (from {result.start:%Y-%m-%d})")
        top.set_ylabel("cases per day")
        top.set_title("Received and closed per day", loc="left")
        top.legend(loc="lower right")
        top.xaxis.get_major_locator().set_params(integer=True)
        month = result.kpi("month")
        rates = (
            ("filing_rate", "filed", "received"),
            ("closure_rate", "closed", "due"),
            ("on_time_rate", "closed_on_time", "due"),
        )
        periods = [k[0] if isinstance(k, tuple) else k for k in month]
        width = 0.8 / len(rates)
        for i, (name, num, den) in enumerate(rates):
            values = [_rate(month.get(k), num, den) for k in month]
            x = np.arange(len(periods)) + (i - 1) * width
            middle.bar(x, values, width, label=labels.metric(name))
        middle.set_xticks(range(len(periods)), [f"{p:%Y-%m}" for p in periods])
        middle.set_ylim(0, 125)
        middle.set_ylabel("%")
        middle.set_title("Whole city by month (each month's due cases)", loc="left")
        middle.legend(loc="upper center", ncols=3)
        _by_street(result, bottom, labels)
        figure.suptitle(
            f"{labels.free(result.city, 'city')}: {result.days} days from "
            f"{result.start:%Y-%m-%d}, seed {result.seed}, {result.cases.n_cases:,} reports"
        )
    return path


def _by_street(result: SimResult, ax: Any, labels: _Labels) -> None:
    if "street" not in result.kpis:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no streets in this city", ha="center")
        return
    table = result.kpi("street")
    keys: list[Any] = list(table.keys())
    streets = sorted({k[0] for k in keys})
    periods = sorted({k[1] for k in keys})
    height = 0.8 / max(1, len(periods))
    for j, period in enumerate(periods):
        values = [_rate(table.get((s, period)), "closed_on_time", "due") for s in streets]
        y = np.arange(len(streets)) + (j - (len(periods) - 1) / 2) * height
        ax.barh(y, values, height, label=f"{period:%Y-%m}")
    ax.set_yticks(range(len(streets)), streets)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"{labels.metric('on_time_rate')}, %")
    ax.set_ylabel("street (code)")
    ax.set_title("On-time rate by street and month", loc="left")
    if len(periods) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="month")
