"""Testing helpers for urbangov and its users (needs the ``testing`` extra: hypothesis).

- :class:`WorkflowMachine` — a Hypothesis ``RuleBasedStateMachine`` over
  :func:`urbangov.cases.apply`; subclass it to test your own workflow rules.
- :mod:`urbangov.testing.strategies` — Hypothesis strategies for cases, events and
  taxonomy categories (``cases()``, ``case_histories()``, ``event_logs()``…).

>>> from urbangov.testing import WorkflowMachine, strategies
>>> WorkflowMachine.workflow_rules.close_without_verification
False
"""

from __future__ import annotations

from urbangov.errors import MissingExtraError

try:
    import hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise MissingExtraError(
        "urbangov.testing needs hypothesis, which is in the 'testing' extra",
        field="urbangov.testing",
        hint="install it with: pip install 'urbangov[testing]'",
    ) from exc

from urbangov.testing import strategies
from urbangov.testing.workflow import WorkflowMachine

__all__ = ["WorkflowMachine", "strategies"]
