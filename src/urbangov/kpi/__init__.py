"""KPIs of digital city management (数字城管考核指标): counts, the standard rates, tables.

Cities are judged by rates over their cases. :class:`KpiCounts` holds the additive counts
of one period (and one unit, department…); the six rate functions divide them exactly
(:class:`~fractions.Fraction`, ``None`` when nothing is in the denominator) and
:func:`percent` rounds a rate half-up for display, as the published reports do.

The counting rules, for a period ``[start, end)`` (half-open):

- ``received`` (受理数), ``filed`` (立案数), ``dispatched`` (派遣数), ``voided`` (作废数):
  cases whose ``accept``, ``file``, first ``dispatch`` or ``void`` event falls in the
  period;
- ``due`` (应结案数): cases whose deadline (``deadlines.due_at``) falls in the period,
  whenever they were filed (with ``KpiRules(exclude_suspended_from_due=True)``, not those
  suspended (缓办) at the end of the period);
- ``closed`` (结案数): cases of ``due`` closed before the end of the period;
- ``closed_on_time`` (按期结案数): cases of ``due`` closed at or before their deadline;
- ``reworked`` (返工数), ``extended`` (延期数), ``suspended`` (缓办数): cases of ``due``
  with at least one ``verify_fail``, ``extend`` or ``suspend`` event before the end of
  the period;
- ``overdue`` (超期数): cases of ``due`` not closed by their deadline.

So ``closed_on_time <= closed <= due``, ``reworked``, ``extended``, ``suspended <= due``
and ``closed_on_time + overdue == due``; :class:`KpiCounts` checks exactly these.

>>> week = KpiCounts(received=51571, filed=51229, dispatched=49151, due=52434,
...                  closed=43523, closed_on_time=40394, overdue=12040,
...                  reworked=276, extended=104)
>>> percent(filing_rate(week)), percent(on_time_rate(week))
(Decimal('99.34'), Decimal('77.04'))
"""

from urbangov._internal.public import publish
from urbangov.kpi._kpi import case_counts, counts, counts_from_columns, tables_from_columns
from urbangov.kpi._table import KpiTable
from urbangov.kpi._times import STOP_KINDS, CaseTimes
from urbangov.kpi._values import (
    FIELDS,
    HasKpi,
    KpiCounts,
    KpiRules,
    closure_rate,
    dispatch_rate,
    extension_rate,
    filing_rate,
    on_time_rate,
    percent,
    rework_rate,
)

__all__ = [
    "FIELDS",
    "STOP_KINDS",
    "CaseTimes",
    "HasKpi",
    "KpiCounts",
    "KpiRules",
    "KpiTable",
    "case_counts",
    "closure_rate",
    "counts",
    "counts_from_columns",
    "dispatch_rate",
    "extension_rate",
    "filing_rate",
    "on_time_rate",
    "percent",
    "rework_rate",
    "tables_from_columns",
]

publish(__name__, __all__)
