"""The case workflow as a Hypothesis state machine (``urbangov.testing.WorkflowMachine``).

Every reachable state is legal, forbidden events raise and leave the case unchanged,
derived counts match the history, and the columnar form agrees with the case — under the
default rules and under ``close_without_verification``.
"""

from __future__ import annotations

import importlib
import sys

import pytest
from hypothesis import HealthCheck, settings

from urbangov.cases import EventKind, Status, WorkflowRules
from urbangov.errors import MissingExtraError
from urbangov.testing import WorkflowMachine

MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class NoVerificationMachine(WorkflowMachine):
    """A city without a separate verification step (核查): a user-style subclass."""

    workflow_rules = WorkflowRules(close_without_verification=True, first_asked_until="close")


TestWorkflow = WorkflowMachine.TestCase
TestWorkflow.settings = MACHINE_SETTINGS
TestNoVerificationWorkflow = NoVerificationMachine.TestCase
TestNoVerificationWorkflow.settings = settings(MACHINE_SETTINGS, max_examples=15)


def test_subclass_model_follows_its_rules() -> None:
    assert EventKind.CLOSE not in WorkflowMachine.model()[Status.HANDLED]
    assert NoVerificationMachine.model()[Status.HANDLED][EventKind.CLOSE] is Status.CLOSED


def test_machine_model_covers_every_status_and_only_known_events() -> None:
    model = WorkflowMachine.model()
    assert set(model) == set(Status)
    reachable = {Status.REPORTED}
    frontier = [Status.REPORTED]
    while frontier:
        status = frontier.pop()
        for target in model[status].values():
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(Status)  # every status is reachable from a report


def test_testing_is_a_lazy_attribute_of_the_package() -> None:
    import urbangov

    assert urbangov.testing.WorkflowMachine is WorkflowMachine


def test_testing_without_hypothesis_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("urbangov.testing")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # makes `import hypothesis` fail
    with pytest.raises(MissingExtraError, match="'testing' extra") as info:
        importlib.import_module("urbangov.testing")
    assert "urbangov[testing]" in str(info.value)
