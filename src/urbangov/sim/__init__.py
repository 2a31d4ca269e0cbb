"""Simulation (模拟): synthetic cities and a fast, seeded run that uses the library's
own rules.

:func:`run` simulates a city under a Policy — reports arriving per grid and category,
intake, dispatch to the duty matrix's lead, per-department queues that serve only in
working time in the order the policy names, verification and rework — and returns a
:class:`SimResult` (the case table, due times, KPI tables, and the governance the rule
packages read from them: time-out steps and accountability triggers,
:class:`Escalations` by :func:`escalate`; monthly scores, rankings, grades, red flags
and the bond settlement, :class:`Assessment` by :func:`assess`). :class:`SyntheticCity`
builds cities from the bundled sample district (:func:`sample_city`) up to national
scale; :func:`stable_hash` keys seeds by name. ``docs/simulation.md`` states the model.
:func:`compare` runs policy variants over seeded replicates on any executor into a
:class:`Comparison` (``docs/sweeps.md``).

>>> city = sample_city()
>>> len(city.hierarchy.grids())
362
>>> example_log(100, seed=1) == example_log(100, seed=1)
True
"""

from urbangov._internal.public import publish
from urbangov.sim._assessment import Assessment, assess
from urbangov.sim._calibrate import Calibration, calibrate, scaled
from urbangov.sim._cities import sample_city, sample_city_path
from urbangov.sim._compare import compare, run_seed
from urbangov.sim._comparison import METRICS, Comparison, Summary, SummaryRow
from urbangov.sim._engine import Progress, run
from urbangov.sim._escalations import Escalations, StepCounts, escalate
from urbangov.sim._example_log import example_log
from urbangov.sim._findings import assessment_findings
from urbangov.sim._model import Behaviour, CategoryModel, DepartmentModel
from urbangov.sim._random import stable_hash
from urbangov.sim._result import EscalationHook, Hooks, ScoringHook, SimResult
from urbangov.sim._synthetic import SyntheticCity
from urbangov.sim._target import CalibrationTarget, check_target, load_target

__all__ = [
    "METRICS",
    "Assessment",
    "Behaviour",
    "Calibration",
    "CalibrationTarget",
    "CategoryModel",
    "Comparison",
    "DepartmentModel",
    "EscalationHook",
    "Escalations",
    "Hooks",
    "Progress",
    "ScoringHook",
    "SimResult",
    "StepCounts",
    "Summary",
    "SummaryRow",
    "SyntheticCity",
    "assess",
    "assessment_findings",
    "calibrate",
    "check_target",
    "compare",
    "escalate",
    "example_log",
    "load_target",
    "run",
    "run_seed",
    "sample_city",
    "sample_city_path",
    "scaled",
    "stable_hash",
]

publish(__name__, __all__)
