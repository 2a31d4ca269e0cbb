"""Fixtures users want in their own tests, and short reprs (private;
:mod:`urbangov.testing` re-exports them; the pytest plugin offers them as fixtures).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import attrs

from urbangov.cases import Case, CaseEvent
from urbangov.hierarchy import Hierarchy
from urbangov.params import diff, unstructure
from urbangov.policy import Policy
from urbangov.taxonomy import Taxonomy
from urbangov.testing.readers import DEFAULT_DEPARTMENT, DEFAULT_GRID
from urbangov.vocabulary import Urgency, ZoneTier

__all__ = ["compare_lines", "dispatched_case", "short_repr", "small_city"]

MONDAY = _dt.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
"""A working Monday morning (2024-05-06 09:00, Asia/Shanghai), the builder's default."""

_SHOWN = 3  # changes a short repr of a policy names


def dispatched_case(
    category: str = "exposed_garbage",
    at: _dt.datetime = MONDAY,
    *,
    id: str = "C1",
    grid: str = DEFAULT_GRID,
    zone: ZoneTier | str | None = None,
    urgency: Urgency | str = Urgency.NORMAL,
    department: str = DEFAULT_DEPARTMENT,
    then: Iterable[CaseEvent | tuple[str, _dt.datetime]] = (),
    taxonomy: Taxonomy | None = None,
) -> Case:
    """A case accepted, filed and dispatched at ``at``, then the events ``then``
    (``CaseEvent``\\ s, or ``(kind, at)`` pairs for events that need nothing more).

    >>> case = dispatched_case("暴露垃圾", then=[("handle", MONDAY.replace(hour=11))])
    >>> case.status.value, case.department, len(case.history)
    ('handled', 'street_office', 4)
    """
    history = [
        CaseEvent("accept", at),
        CaseEvent("file", at),
        CaseEvent("dispatch", at, department=department),
    ]
    for event in then:
        history.append(event if isinstance(event, CaseEvent) else CaseEvent(*event))
    return Case.new(
        id,
        category,
        grid,
        reported_at=at,
        zone=zone,
        urgency=urgency,
        history=tuple(history),
        taxonomy=taxonomy,
    )


def small_city() -> Hierarchy:
    """A small city for tests: one district, two streets (one on a main road, so in
    the strict zone under the default rules), three communities and four grids.

    >>> city = small_city()
    >>> len(city.grids()), city.unit("320105001").attributes["road_class"]
    (4, 'main')
    """
    rows: list[tuple[str, str, str, str | None] | dict[str, object]] = [
        ("320105", "示例区", "district", None),
        {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
         "attributes": {"road_class": "main"}},
        ("320105002", "滨湖街道", "street", "320105"),
        ("320105001001", "南湖社区", "community", "320105001"),
        ("320105002001", "滨湖社区", "community", "320105002"),
        ("320105002002", "沙洲社区", "community", "320105002"),
        ("320105001001001", "南湖1号网格", "grid", "320105001001"),
        ("320105002001001", "滨湖1号网格", "grid", "320105002001"),
        ("320105002001002", "滨湖2号网格", "grid", "320105002001"),
        ("320105002002001", "沙洲1号网格", "grid", "320105002002"),
    ]  # fmt: skip
    return Hierarchy.from_rows(rows)


def short_repr(value: object, width: int = 120) -> str:
    """A repr short enough for an assertion message: a policy by how it differs from
    the default, a case by its id, category, status and history length, anything else
    cut at ``width`` characters.

    >>> short_repr(Policy.default())
    '<Policy: the default>'
    >>> short_repr(dispatched_case())
    '<Case C1 exposed_garbage dispatched, 3 events, grid 320105001001001>'
    """
    if isinstance(value, Policy):
        changes = diff(Policy.default(), value)
        if not changes:
            return "<Policy: the default>"
        named = ", ".join(c.path for c in changes[:_SHOWN])
        more = f" and {len(changes) - _SHOWN} more" if len(changes) > _SHOWN else ""
        return f"<Policy: {len(changes)} change(s) from the default: {named}{more}>"
    if isinstance(value, Case):
        zone = f", zone {value.zone.value}" if value.zone is not None else ""
        return (
            f"<Case {value.id} {value.category} {value.status.value}, "
            f"{len(value.history)} events, grid {value.grid}{zone}>"
        )
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def compare_lines(left: object, right: object) -> list[str] | None:
    """The lines pytest shows for a failed ``left == right`` of two policies or two
    cases (``None`` for other values): what differs, not two reprs of hundreds of lines.

    >>> a = Policy.default()
    >>> compare_lines(a, a.reform({"workflow.first_asked_until": "close"}))[1]
    '  workflow.first_asked_until: dispatch → close'
    """
    if isinstance(left, Policy) and isinstance(right, Policy):
        changes = diff(left, right)
        lines = [f"{short_repr(left)} == {short_repr(right)}: {len(changes)} difference(s)"]
        for change in changes[:20]:
            lines.append(f"  {change.path}: {_value(change.old)} → {_value(change.new)}")
        return lines
    if isinstance(left, Case) and isinstance(right, Case):
        lines = [f"{short_repr(left)} == {short_repr(right)}"]
        for field in attrs.fields(Case):
            a, b = getattr(left, field.name), getattr(right, field.name)
            if field.name == "history" and a != b:
                pairs = enumerate(zip(a, b, strict=False))
                same = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
                lines.append(f"  history differs from event {same} ({len(a)} vs {len(b)} events)")
            elif a != b:
                lines.append(f"  {field.name}: {short_repr(a, 60)} → {short_repr(b, 60)}")
        return lines
    return None


def _value(value: object) -> str:
    data = unstructure(value)
    return data if isinstance(data, str) else short_repr(data, 60)
