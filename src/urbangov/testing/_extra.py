"""The ``testing`` extra: hypothesis, for the strategies and the workflow machine (private)."""

from __future__ import annotations

from urbangov.errors import MissingExtraError

__all__ = ["require_hypothesis"]


def require_hypothesis() -> None:
    """Import hypothesis, or raise :class:`~urbangov.errors.MissingExtraError` naming the
    extra that brings it."""
    try:
        import hypothesis  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(
            "urbangov.testing.strategies and WorkflowMachine need hypothesis, which is in "
            "the 'testing' extra",
            field="urbangov.testing",
            hint="install it with: pip install 'urbangov[testing]'",
        ) from exc
