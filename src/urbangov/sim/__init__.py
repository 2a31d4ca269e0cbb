"""Simulation (模拟): the sample city, synthetic case logs, and later the engine and sweeps.

:func:`sample_city` is the bundled sample district (seven streets, 45 communities, 362
grids, with an organisation); :func:`example_log` a deterministic synthetic case log.

>>> city = sample_city()
>>> len(city.hierarchy.grids())
362
>>> example_log(100, seed=1) == example_log(100, seed=1)
True
"""

from urbangov._internal.public import publish
from urbangov.sim._cities import sample_city, sample_city_path
from urbangov.sim._example_log import example_log

__all__ = ["example_log", "sample_city", "sample_city_path"]

publish(__name__, __all__)
