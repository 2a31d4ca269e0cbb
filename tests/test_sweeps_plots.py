"""Plots of runs and sweeps render to PNG and SVG files, off screen, without touching
the user's matplotlib state, and without boxes for missing glyphs."""

from __future__ import annotations

import datetime as dt
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from urbangov.errors import MissingExtraError, SimulationError
from urbangov.policy import Policy
from urbangov.sim import Comparison, SimResult, SyntheticCity, compare, run
from urbangov.sim._plot import _Labels

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 5, 27, tzinfo=SH)  # a run across May and June
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def city() -> SyntheticCity:
    return SyntheticCity.generate(grids=120, streets=3, seed=2)


@pytest.fixture(scope="module")
def result(city: SyntheticCity) -> SimResult:
    return run(city, Policy.default(), start=START, days=10, seed=4)


@pytest.fixture(scope="module")
def comparison(city: SyntheticCity) -> Comparison:
    fast = Policy.default().reform({"workflow.queue_discipline": "earliest_due"})
    return compare(
        {"in force": Policy.default(), "earliest due": fast}, city,
        start=START, days=4, replicates=4, seed=3, executor="serial",
    )  # fmt: skip


def _drawn(make: object, path: Path) -> list[str]:
    """Draw, returning the warnings matplotlib gave (e.g. a missing glyph)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = make(path)  # type: ignore[operator]
    assert out == path
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_comparison_plot_renders_to_a_file(
    comparison: Comparison, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"compare{suffix}"
    messages = _drawn(comparison.plot, path)
    assert not [m for m in messages if "Glyph" in m], messages
    data = path.read_bytes()
    assert len(data) > 20_000  # four panels of points, boxes and labels
    if suffix == ".png":
        assert data.startswith(PNG_MAGIC)
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_run_plot_renders_to_a_file(result: SimResult, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "nested" / f"kpis{suffix}"
    messages = _drawn(result.plot_kpis, path)
    assert not [m for m in messages if "Glyph" in m], messages
    data = path.read_bytes()
    assert len(data) > 20_000
    assert data.startswith(PNG_MAGIC) if suffix == ".png" else b"<svg" in data[:2000]


def test_the_same_plot_gives_the_same_svg(comparison: Comparison, tmp_path: Path) -> None:
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    comparison.plot(a)
    comparison.plot(b)
    assert a.read_bytes() == b.read_bytes()


def test_plotting_leaves_the_users_matplotlib_state_alone(
    comparison: Comparison, tmp_path: Path
) -> None:
    import matplotlib

    backend, params = matplotlib.get_backend(), dict(matplotlib.rcParams)
    comparison.plot(tmp_path / "x.png")
    assert matplotlib.get_backend() == backend
    assert dict(matplotlib.rcParams) == params


def test_other_suffixes_are_refused(comparison: Comparison, tmp_path: Path) -> None:
    with pytest.raises(SimulationError, match=r"\.png or \.svg") as caught:
        comparison.plot(tmp_path / "x.jpg")
    assert caught.value.field == "path"
    with pytest.raises(SimulationError) as unknown:
        comparison.plot(tmp_path / "x.png", metrics=["speed"])
    assert unknown.value.field == "metric"


def test_without_matplotlib_the_error_names_the_extra(
    comparison: Comparison, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'urbangov\[plot\]'"):
        comparison.plot(tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_chinese_names_are_replaced_when_no_cjk_font_is_installed() -> None:
    plain = _Labels(None)
    assert plain.free("南湖街道", "street 1") == "street 1"
    assert plain.free("in force", "variant 1") == "in force"
    assert plain.metric("on_time_rate") == "On-time rate"
    assert _Labels("Noto Sans CJK SC").metric("on_time_rate") == "On-time rate (按期结案率)"
