"""The bundled sample district is what its generator writes, byte for byte."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_sample_district.py"
BUNDLED = ROOT / "src" / "urbangov" / "data" / "sample_district.toml"


def test_generator_reproduces_the_bundled_file(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_sample_district", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "sample_district.toml"
    module.write(out)
    assert out.read_bytes() == BUNDLED.read_bytes()


def test_street_areas_are_the_sums_of_their_communities() -> None:
    from urbangov.sim import sample_city
    from urbangov.vocabulary import Level

    h = sample_city().hierarchy
    for street in h.at_level(Level.STREET):
        parts = sum(c.area_m2 or 0 for c in h.children(street))
        assert street.area_m2 == parts
        assert 2e6 < parts < 2e7  # a few km², as real streets of such a district
