"""The case workflow as a Hypothesis state machine (``urbangov.testing.WorkflowMachine``).

Every reachable state is legal, forbidden events raise and leave the case unchanged,
derived counts match the history, and the columnar form agrees with the case — under the
default rules and under ``close_without_verification``; and a run of the machine (and of
``strategies.cases()``) reaches every status and takes every transition of the model.
"""

from __future__ import annotations

import collections
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.stateful import run_state_machine_as_test

from urbangov.cases import Case, EventKind, Status, WorkflowRules
from urbangov.testing import WorkflowMachine
from urbangov.testing import strategies as us

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


def _transitions(machine: type[WorkflowMachine]) -> set[tuple[Status, EventKind]]:
    return {(s, k) for s, moves in machine.model().items() for k in moves}


@pytest.mark.parametrize(
    ("machine", "examples"),
    [(WorkflowMachine, MACHINE_SETTINGS.max_examples), (NoVerificationMachine, 15)],
)
def test_a_run_reaches_every_status_and_takes_every_transition(
    machine: type[WorkflowMachine], examples: int
) -> None:
    # A fixed run (derandomized) of the same size as the suite's: every transition of the
    # model is taken, HANDLED → close included for the city without verification.
    taken: collections.Counter[tuple[Status, EventKind, Status]] = collections.Counter()

    class Recording(machine):  # type: ignore[valid-type,misc]
        def observe(self, before: Status, kind: EventKind, after: Status) -> None:
            taken[before, kind, after] += 1

    # no shrinking here: a failure of the machine itself is shrunk by TestWorkflow's run
    fixed = settings(
        MACHINE_SETTINGS,
        max_examples=examples,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),
    )
    run_state_machine_as_test(Recording, settings=fixed)
    model = machine.model()
    assert {(b, k) for b, k, _ in taken} == _transitions(machine)
    assert all(model[b][k] is a for b, k, a in taken)  # each went where the model says
    assert {Status.REPORTED} | {a for _, _, a in taken} == set(Status)


def test_forward_events_lead_to_closing() -> None:
    forward = WorkflowMachine.forward()
    assert forward == {
        Status.REPORTED: EventKind.ACCEPT,
        Status.ACCEPTED: EventKind.FILE,
        Status.FILED: EventKind.DISPATCH,
        Status.DISPATCHED: EventKind.HANDLE,
        Status.SUSPENDED: EventKind.RESUME,
        Status.HANDLED: EventKind.VERIFY_PASS,
        Status.VERIFIED: EventKind.CLOSE,
    }
    assert NoVerificationMachine.forward()[Status.HANDLED] is EventKind.CLOSE


def test_generated_cases_end_in_every_status() -> None:
    # strategies.cases() ends about evenly in each status (it once ended 69% of its
    # draws rejected or voided and 4.7% closed)
    ends: collections.Counter[Status] = collections.Counter()

    @seed(14)
    @settings(max_examples=200, database=None, deadline=None)
    @given(us.cases())
    def draw(case: Case) -> None:
        ends[case.status] += 1

    draw()
    total = sum(ends.values())
    assert set(ends) == set(Status)
    assert ends[Status.CLOSED] >= total / 20
    assert ends[Status.REJECTED] + ends[Status.VOIDED] <= total / 3


def test_testing_is_a_lazy_attribute_of_the_package() -> None:
    import urbangov

    assert urbangov.testing.WorkflowMachine is WorkflowMachine


def test_the_machine_without_hypothesis_names_the_testing_extra() -> None:
    # urbangov.testing itself imports (the runner needs no extra); the machine names it
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "import urbangov.testing\n"
        "from urbangov.errors import MissingExtraError\n"
        "try:\n"
        "    urbangov.testing.WorkflowMachine\n"
        "except MissingExtraError as exc:\n"
        "    print(exc.message, exc.hint, sep='|')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    message, hint = out.stdout.strip().split("|")
    assert "'testing' extra" in message
    assert hint == "install it with: pip install 'urbangov[testing]'"
