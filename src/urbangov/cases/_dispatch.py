"""The case workflow (数字城管案件流程) as a tested state machine.

Private: :mod:`urbangov.cases` re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Protocol

from urbangov.cases._events import CaseEvent
from urbangov.cases._states import (
    EventKind,
    HasWorkflow,
    WorkflowRules,
)
from urbangov.cases._workflow import Case, apply
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Domain

__all__ = ["DutyMatrixLike", "HierarchicalDutyMatrix", "dispatch_to_lead", "lead_department"]


class DutyMatrixLike(Protocol):
    """A duty matrix bound to a hierarchy (``DutyMatrix.bind(hierarchy)``): it resolves a
    lead given as a ``Level`` to the unit's own ancestor at that level itself."""

    def lead_for(self, domain: Domain, unit: Any, asset_kind: str | None = None) -> str:
        """The code of the lead department for ``domain`` at ``unit``."""
        ...


class HierarchicalDutyMatrix(Protocol):
    """A duty matrix whose queries take the hierarchy (``org.DutyMatrix``)."""

    def lead_for(
        self, domain: Domain, unit: Any, asset_kind: str | None = None, *, hierarchy: Any
    ) -> str:
        """The code of the lead department for ``domain`` at ``unit`` in ``hierarchy``."""
        ...


def lead_department(
    case: Case,
    matrix: DutyMatrixLike | HierarchicalDutyMatrix,
    hierarchy: Any = None,
    taxonomy: Taxonomy | None = None,
    *,
    asset_kind: str | None = None,
) -> str:
    """The lead department for a case, through the duty matrix (职责分工).

    The case's category gives the :class:`~urbangov.vocabulary.Domain` and the asset kind
    (from ``taxonomy``, default the bundled one); the matrix picks the most specific rule
    for the case's unit (``grid``).

    Parameters
    ----------
    case
        The case.
    matrix
        Anything with ``lead_for(domain, unit, asset_kind=None) -> str`` (a bound duty
        matrix); or, when ``hierarchy`` is given, with
        ``lead_for(domain, unit, asset_kind=None, *, hierarchy)`` (``org.DutyMatrix``).
    hierarchy
        The hierarchy passed to the matrix, or ``None`` for a bound matrix.
    taxonomy
        Where to find the category (default: ``Taxonomy.default()``).
    asset_kind
        Overrides the category's asset kind: the site decides it, e.g. ``road.city_list``
        for exposed garbage on a road the city's sanitation station maintains.

    Returns
    -------
    str
        The lead department's code.

    Examples
    --------
    >>> class Matrix:
    ...     def lead_for(self, domain, unit, asset_kind=None):
    ...         return "sanitation_station" if asset_kind == "road.city_list" else "street"
    >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t)
    >>> lead_department(case, Matrix())
    'street'
    >>> lead_department(case, Matrix(), asset_kind="road.city_list")
    'sanitation_station'
    """
    tax = taxonomy if taxonomy is not None else Taxonomy.default()
    category = tax.resolve(case.category, field="category")
    kind = asset_kind if asset_kind is not None else category.asset_kind
    if hierarchy is None:
        bound: DutyMatrixLike = matrix  # type: ignore[assignment]
        return bound.lead_for(category.domain, case.grid, kind)
    full: HierarchicalDutyMatrix = matrix  # type: ignore[assignment]
    return full.lead_for(category.domain, case.grid, kind, hierarchy=hierarchy)


def dispatch_to_lead(
    case: Case,
    at: _dt.datetime,
    matrix: DutyMatrixLike | HierarchicalDutyMatrix,
    hierarchy: Any = None,
    taxonomy: Taxonomy | None = None,
    *,
    rules: WorkflowRules | HasWorkflow = WorkflowRules(),  # noqa: B008 - frozen value
    asset_kind: str | None = None,
    actor: str | None = None,
) -> Case:
    """Dispatch (派遣) a filed case to its lead department (:func:`lead_department`).

    >>> class Matrix:
    ...     def lead_for(self, domain, unit, asset_kind=None):
    ...         return "street"
    >>> t = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> steps = (CaseEvent("accept", t), CaseEvent("file", t))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> dispatch_to_lead(case, t, Matrix()).department
    'street'
    """
    department = lead_department(case, matrix, hierarchy, taxonomy, asset_kind=asset_kind)
    return apply(case, CaseEvent(EventKind.DISPATCH, at, actor=actor, department=department), rules)
