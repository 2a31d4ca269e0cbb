"""Cities to simulate: the bundled sample district (private).

:mod:`urbangov.sim` re-exports :func:`sample_city` and :func:`sample_city_path`.
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.abc import Traversable

from urbangov.org import City, load_city

__all__ = ["sample_city", "sample_city_path"]


def sample_city_path() -> Traversable:
    """The bundled sample district file (``kind = "city"``), for the CLI and for copying.

    >>> sample_city_path().name
    'sample_district.toml'
    """
    return resources.files("urbangov").joinpath("data", "sample_district.toml")


@functools.cache
def _sample_city() -> City:
    with resources.as_file(sample_city_path()) as path:
        return load_city(path)


def sample_city() -> City:
    """The bundled sample district (示例区): a synthetic district of seven streets named
    after the assessment method's streets (南湖、滨湖、兴隆、南苑、沙洲、双闸、江心洲),
    45 communities, 362 grids, 28 road segments and an organisation (departments, duty
    matrix, committees, enforcement chain, pairings, contracts).

    The geography is synthetic; see ``docs/limitations.md``. The value is immutable, so
    it is read once per process.

    >>> city = sample_city()
    >>> city.hierarchy.unit("320105001").name
    '南湖街道'
    """
    return _sample_city()
