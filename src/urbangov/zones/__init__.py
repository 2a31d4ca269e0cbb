"""Tiered zones (级差管理): classification, permissions, stall areas and patrol plans.

Cities divide their streets into tiers (《城市管理协管员考核办法》篇9, 篇7): a strict zone
(严管区: main roads, stations and ports, squares, scenic spots, the surroundings of
schools and markets — all violations forbidden, fixed posts), a control zone (控制区:
other roads and back alleys — daily patrol, strict at peak hours), a general zone
(一般区: the urban–rural fringe — mobile patrol, 堵疏结合) and in some cities a regulated
zone (规范区); seasonal and time-limited stall areas and vendor points are carved out of
them. The Policy's ``zones`` section (:class:`ZoneRules`) holds every rule as data;
``docs/zones.md`` explains the model and cites every default.

- :func:`classify` → :class:`ZoneMap` (code → tier and the rule that matched),
  :func:`tier_of`, :func:`stamp` (a case's zone at filing);
- :func:`permits` → :class:`Decision` (allowed, the rule that decided, why, until when),
  :func:`permits_batch` → :class:`PermitColumns`;
- :func:`patrol_plan` → :class:`PatrolPlan` (patrols and staff per unit and shift);
  :func:`patrol_table` → :class:`PatrolTable` (the same patrols as columns).

>>> from urbangov.hierarchy import Hierarchy
>>> h = Hierarchy.from_rows([("320105", "示例区", "district", None),
...     {"code": "320105001", "name": "南湖街道", "level": "street", "parent": "320105",
...      "attributes": {"road_class": "main"}}])
>>> classify(h, ZoneRules()).tier_of("320105001")
<ZoneTier.STRICT: 'strict'>
"""

from urbangov._internal.public import publish
from urbangov.zones._classify import (
    OVERRIDE,
    ZoneEntry,
    ZoneMap,
    classify,
    stamp,
    tier_of,
)
from urbangov.zones._engine import Decision
from urbangov.zones._patrol import Patrol, PatrolPlan, PatrolTable, patrol_plan, patrol_table
from urbangov.zones._permits import PermitColumns, permits, permits_batch
from urbangov.zones._rules import DEFAULT, HasZones, ZoneRules
from urbangov.zones._values import (
    ActivityRule,
    AreaKind,
    Buffer,
    Campaign,
    ClassRule,
    Cleaning,
    DateSpan,
    DayFilter,
    Event,
    KeyAreas,
    Leniency,
    PatrolKind,
    Permission,
    PlaceKind,
    ShiftPatrol,
    StallArea,
    Window,
)

__all__ = [
    "DEFAULT",
    "OVERRIDE",
    "ActivityRule",
    "AreaKind",
    "Buffer",
    "Campaign",
    "ClassRule",
    "Cleaning",
    "DateSpan",
    "DayFilter",
    "Decision",
    "Event",
    "HasZones",
    "KeyAreas",
    "Leniency",
    "Patrol",
    "PatrolKind",
    "PatrolPlan",
    "PatrolTable",
    "Permission",
    "PermitColumns",
    "PlaceKind",
    "ShiftPatrol",
    "StallArea",
    "Window",
    "ZoneEntry",
    "ZoneMap",
    "ZoneRules",
    "classify",
    "patrol_plan",
    "patrol_table",
    "permits",
    "permits_batch",
    "stamp",
    "tier_of",
]

publish(__name__, __all__)
