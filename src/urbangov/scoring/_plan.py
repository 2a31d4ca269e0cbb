"""A standard prepared for scoring: its items as nodes, its leaves, its weighed sources
and its top-level weights (private; an implementation detail of scoring)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal

import attrs

from urbangov.errors import StandardError
from urbangov.scoring._dated import current
from urbangov.scoring._findings import AssessedUnit
from urbangov.scoring._items import Item
from urbangov.scoring._standard import AssessmentStandard, Leaf
from urbangov.scoring._terms import AssessmentSource

__all__ = ["Node", "Plan", "plan"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


@attrs.frozen
class Node:
    """An item of the standard with what scoring needs (an implementation detail)."""

    path: str
    item: Item
    weight: Decimal
    applies_to: tuple[str, ...]
    assessed_by: tuple[AssessmentSource, ...]
    leaf: int  # index into the plan's leaves, -1 for an item with sub-items
    children: tuple[Node, ...]
    span: tuple[int, int]  # the leaves under it: [first, end)
    starts: tuple[int, ...] = ()  # where each child's leaves start
    capped: bool = False  # a rule of this leaf has a cap


@attrs.frozen
class Plan:
    """A standard prepared for scoring: its nodes, leaves, sources and weights."""

    standard: AssessmentStandard
    nodes: tuple[Node, ...]
    leaves: tuple[Leaf, ...]
    sources: tuple[tuple[AssessmentSource | None, Decimal], ...]
    codes: frozenset[str]  # the unit kinds and codes items apply to

    def unit_key(self, unit: AssessedUnit) -> tuple[str, str]:
        """What decides which items apply to ``unit``: its kind, and its code when an
        item names it."""
        return unit.kind, unit.code if unit.code in self.codes else ""

    def source_index(self, source: AssessmentSource | None) -> int:
        """The index of ``source`` among the weighed sources."""
        for i, (s, _) in enumerate(self.sources):
            if s == source:
                return i
        raise KeyError(source)


def plan(standard: AssessmentStandard, *, rules: object = None, on: _dt.date | None = None) -> Plan:
    """Prepare ``standard`` for scoring (top-level weights from the Policy when it says
    ``weights_from``)."""
    weights: Mapping[str, Decimal] | None = None
    if standard.weights_from is not None:
        if rules is None:
            raise StandardError(
                f"the standard {standard.id!r} takes its weights from "
                f"assessment.{standard.weights_from}",
                field="weights_from",
                hint="pass rules= a Policy or its AssessmentRules (the CLI: --policy FILE)",
            )
        from urbangov.scoring._section import AssessmentRules

        section = AssessmentRules.of(rules)
        weights = current(
            getattr(section, standard.weights_from), on, f"assessment.{standard.weights_from}"
        )
        ids = [i.id for i in standard.items]
        assert weights is not None
        if sorted(weights) != sorted(ids):
            raise StandardError(
                f"assessment.{standard.weights_from} weighs {', '.join(weights)}, "
                f"but the standard's items are {', '.join(ids)}",
                field=f"assessment.{standard.weights_from}",
                hint="give one weight per top-level item of the standard",
            )
        got = sum((weights[i.id] * i.points for i in standard.items if not i.bonus), _ZERO)
        if got != standard.total:
            raise StandardError(
                f"with assessment.{standard.weights_from} the items' points add up to {got}, "
                f"not the total {standard.total}",
                field=f"assessment.{standard.weights_from}",
                hint="make the weights add up to 1 (for items each worth the total)",
            )
    leaves: list[Leaf] = []

    def build(
        items: tuple[Item, ...],
        prefix: str,
        applies: tuple[str, ...],
        assessed: tuple[AssessmentSource, ...],
        top: bool,
    ) -> tuple[Node, ...]:
        out = []
        for item in items:
            path = f"{prefix}.{item.id}" if prefix else item.id
            applies_to = item.applies_to or applies
            assessed_by = item.assessed_by or assessed
            if weights is not None and top:
                weight = weights[item.id]
            else:
                weight = item.weight if item.weight is not None else _ONE
            index = -1
            children: tuple[Node, ...] = ()
            first = len(leaves)
            if item.is_leaf:
                index = len(leaves)
                leaves.append(standard.leaf(path))
            else:
                children = build(item.items, path, applies_to, assessed_by, False)
            span = (first, len(leaves))
            starts = tuple(c.span[0] for c in children)
            capped = any(getattr(r, "cap", None) is not None for r in item.rules)
            out.append(
                Node(
                    path,
                    item,
                    weight,
                    applies_to,
                    assessed_by,
                    index,
                    children,
                    span,
                    starts,
                    capped,
                )
            )
        return tuple(out)

    nodes = build(standard.items, "", (), (), True)
    codes = frozenset(c for leaf in leaves for c in leaf.applies_to)
    sources: tuple[tuple[AssessmentSource | None, Decimal], ...] = (
        tuple(standard.source_weights.items()) if standard.source_weights else ((None, _ONE),)
    )
    return Plan(standard, nodes, tuple(leaves), sources, codes)
