"""The public API is what each package face says: paths stay importable, classes name
their public package, and pickles hold public paths only.

DESIGN "Package layout": a package's ``__init__`` re-exports its private modules' names;
every public class's ``__module__`` is its public package, so a pickle made today loads
after a private module is renamed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import pickle
import pkgutil
from zoneinfo import ZoneInfo

import pytest

import urbangov
from urbangov import escalation, kpi, sim
from urbangov.calendar import TimeLimit, WorkCalendar
from urbangov.cases import Case, CaseColumns, CaseEvent, apply
from urbangov.errors import PolicyError, combine
from urbangov.graph import AccountabilityGraph
from urbangov.policy import Policy

SH = ZoneInfo("Asia/Shanghai")


def _public_modules() -> list[str]:
    names = ["urbangov"]
    for info in pkgutil.walk_packages(urbangov.__path__, "urbangov."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or parts[1] in ("cli", "data"):
            continue
        names.append(info.name)
    return names


PUBLIC = _public_modules()

# Everything importable from a public module before the package layout (and since).
BEFORE = {
    "urbangov": ["Policy", "TimeLimit", "WorkCalendar", "Hierarchy", "Case", "KpiCounts"],
    "urbangov.calendar": ["DEFAULT_SCHEDULE", "CalendarRules", "DayInfo", "TimeUnit"],
    "urbangov.cases": ["CaseColumns", "DerivedColumns", "WorkflowRules", "apply", "replay"],
    "urbangov.deadlines": ["DeadlineRules", "due_at", "due_at_batch", "limit_for", "lookup"],
    "urbangov.hierarchy": ["Hierarchy", "Segment", "Unit", "check_code", "check_file"],
    "urbangov.io": ["COLUMNS", "read_cases", "read_columns", "write_cases", "write_columns"],
    "urbangov.kpi": ["KpiCounts", "KpiTable", "counts", "counts_from_columns", "percent"],
    "urbangov.org": ["DutyMatrix", "DutyRule", "load_city", "parse_party", "Organisation"],
    "urbangov.params": ["Dated", "Period", "structure", "unstructure", "resolve"],
    "urbangov.policy": ["Policy", "Change", "diff", "reform", "load", "loads", "dumps"],
    "urbangov.taxonomy": ["Category", "CategoryKind", "Taxonomy", "MajorClass"],
}


def test_the_packages_of_the_layout_exist() -> None:
    for name in ("params", "hierarchy", "taxonomy", "calendar", "org", "cases", "io"):
        assert f"urbangov.{name}" in PUBLIC
    for name in ("deadlines", "kpi", "sim", "policy", "files", "graph"):
        assert f"urbangov.{name}" in PUBLIC


@pytest.mark.parametrize("module", sorted(BEFORE))
def test_names_importable_before_stay_importable(module: str) -> None:
    face = importlib.import_module(module)
    for name in BEFORE[module]:
        assert getattr(face, name) is not None, f"{module}.{name}"


@pytest.mark.parametrize("module", PUBLIC)
def test_every_public_class_names_a_public_module(module: str) -> None:
    face = importlib.import_module(module)
    for name in getattr(face, "__all__", ()):
        obj = getattr(face, name)  # every name of __all__ exists
        if not isinstance(obj, type):
            continue
        home = obj.__module__
        assert not any(part.startswith("_") for part in home.split(".")[1:]), (module, name)
        # the class is reachable at the path it names, so pickle finds it there
        assert getattr(importlib.import_module(home), obj.__qualname__) is obj, (module, name)


def _globals_of(data: bytes) -> set[str]:
    """Every module a pickle refers to."""
    seen: set[str] = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> object:
            seen.add(module)
            return super().find_class(module, name)

    Recorder(io.BytesIO(data)).load()
    return seen


_LATE = dt.datetime(2024, 10, 20, tzinfo=SH)


def _escalated_case() -> Case:
    t = dt.datetime(2024, 9, 27, 16, tzinfo=SH)
    history = (
        CaseEvent("accept", t),
        CaseEvent("file", t),
        CaseEvent("dispatch", t, department="street_office_001"),
    )
    return Case.new("E1", "暴露垃圾", "320105001001001", reported_at=t, history=history)


def _escalated() -> object:
    policy = Policy()
    policy.escalation.compiled(dt.date(2024, 9, 27))  # its cache is not pickled
    return escalation.state(_escalated_case(), _LATE, policy, sim.sample_city().hierarchy)


def _values() -> list[object]:
    t = dt.datetime(2024, 9, 27, 16, tzinfo=SH)
    case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t)
    case = apply(case, CaseEvent("accept", t))
    city = sim.sample_city()
    return [
        TimeLimit.working_hours(4),
        WorkCalendar.china(),
        Policy.default(),
        case,
        CaseColumns.from_cases([case]),
        sim.example_log(20, seed=1).derived(),
        kpi.KpiCounts(received=10, due=5, closed=4, closed_on_time=3, overdue=2),
        city,
        AccountabilityGraph.build(city.hierarchy, city.organisation),
        _escalated(),
        escalation.triggers(None, Policy(), cases=[_escalated_case()], at=_LATE)[0],
        combine([PolicyError("a", field="x", line=2), PolicyError("b", field="y", line=1)]),
    ]


@pytest.mark.parametrize("value", _values(), ids=lambda v: type(v).__name__)
def test_pickles_name_public_paths_and_round_trip(value: object) -> None:
    data = pickle.dumps(value)
    modules = _globals_of(data)
    private = sorted(
        m
        for m in modules
        if m.startswith("urbangov") and any(p.startswith("_") for p in m.split("."))
    )
    assert private == [], private
    again = pickle.loads(data)
    if isinstance(value, Exception):
        assert str(again) == str(value)
        assert [str(p) for p in again.problems] == [str(p) for p in value.problems]
    elif not isinstance(value, AccountabilityGraph):
        assert again == value


def test_the_testing_extra_is_hypothesis_alone() -> None:
    # with hypothesis hidden, urbangov and urbangov.testing import; the strategies name the extra
    import subprocess
    import sys
    import tomllib
    from pathlib import Path

    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import urbangov\n"
        "from urbangov.errors import MissingExtraError\n"
        "import urbangov.testing\n"
        "try:\n"
        "    import urbangov.testing.strategies\n"
        "except MissingExtraError as exc:\n"
        "    print('missing:', exc.hint)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "missing: install it with: pip install 'urbangov[testing]'" in run.stdout
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    extras = project["project"]["optional-dependencies"]
    assert extras["testing"] == ["hypothesis>=6.100"]
    assert any(dep.startswith("urbangov[") and "testing" in dep for dep in extras["test"])
