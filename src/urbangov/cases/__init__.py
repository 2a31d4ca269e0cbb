"""The case workflow (数字城管案件流程) as a tested state machine.

A problem is reported, accepted (受理), filed (立案), dispatched (派遣) to the responsible
department, handled (处置反馈), verified (核查) and closed (结案); it may also be rejected
(不予受理), voided (作废), sent back by the wrong department (回退), suspended (缓办),
extended (延期) or reworked (返工). :func:`apply` enforces exactly this table:

- REPORTED: ``accept`` → ACCEPTED, ``reject`` → REJECTED
- ACCEPTED: ``file`` → FILED, ``reject`` → REJECTED, ``void`` → VOIDED
- FILED: ``dispatch`` → DISPATCHED, ``void`` → VOIDED
- DISPATCHED: ``handle`` → HANDLED, ``send_back`` (回退) → FILED, ``suspend`` → SUSPENDED,
  ``extend`` (延期) → DISPATCHED
- SUSPENDED: ``resume`` → DISPATCHED
- HANDLED: ``verify_pass`` → VERIFIED, ``verify_fail`` (返工) → DISPATCHED
- VERIFIED: ``close`` → CLOSED

With ``WorkflowRules(close_without_verification=True)``, HANDLED also takes ``close``.
CLOSED, REJECTED and VOIDED take no events. :class:`CaseColumns` is the columnar form,
checked and summarised with numpy.

>>> import datetime
>>> from zoneinfo import ZoneInfo
>>> t = datetime.datetime(2024, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
>>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t)
>>> for kind in ("accept", "file"):
...     case = apply(case, CaseEvent(kind, t))
>>> case = apply(case, CaseEvent("dispatch", t, department="sanitation_station"))
>>> case.status, case.department
(<Status.DISPATCHED: 'dispatched'>, 'sanitation_station')
"""

from urbangov._internal.public import publish
from urbangov.cases._columns import (
    CaseColumns,
    DerivedColumns,
)
from urbangov.cases._dispatch import (
    DutyMatrixLike,
    HierarchicalDutyMatrix,
    dispatch_to_lead,
    lead_department,
)
from urbangov.cases._events import CaseEvent, check_grid
from urbangov.cases._states import (
    EventKind,
    FirstAskedUntil,
    HasWorkflow,
    Outcome,
    QueueDiscipline,
    Status,
    WorkflowRules,
    allowed_events,
    transitions,
)
from urbangov.cases._workflow import Case, apply, first_asked_owner, replay

__all__ = [
    "Case",
    "CaseColumns",
    "CaseEvent",
    "DerivedColumns",
    "DutyMatrixLike",
    "EventKind",
    "FirstAskedUntil",
    "HasWorkflow",
    "HierarchicalDutyMatrix",
    "Outcome",
    "QueueDiscipline",
    "Status",
    "WorkflowRules",
    "allowed_events",
    "apply",
    "check_grid",
    "dispatch_to_lead",
    "first_asked_owner",
    "lead_department",
    "replay",
    "transitions",
]

publish(__name__, __all__)
