"""Accountability triggers (问责触发): :func:`triggers` over KPI tables and case histories
(private; :mod:`urbangov.escalation` re-exports the public names)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from urbangov._internal.instants import aware, stdlib
from urbangov.cases import Case, CaseColumns, EventKind
from urbangov.errors import PolicyError
from urbangov.escalation._batch import StateColumns, _ns, segment_rules, steps_batch
from urbangov.escalation._context import PolicyLike, context, need_policy
from urbangov.escalation._rules import EscalationPolicy
from urbangov.escalation._values import Measure, TriggerKind
from urbangov.frozen import FrozenMap
from urbangov.kpi import KpiTable, on_time_rate, percent

__all__ = ["Trigger", "triggers"]


def _figures(value: Mapping[str, Any]) -> FrozenMap[str, Any]:
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


@attrs.frozen
class Trigger:
    """An accountability measure a rule calls for (问责触发): ``unit`` (a unit or department
    code, as keyed in the KPI table or holding the case), the ``measure`` of the ladder,
    the ``rule`` that called for it (its dotted path in the policy), the ``figures`` that
    met the threshold, the ``points`` of a deduction and the rule's ``source``.

    An assessment standard reads triggers as deductions: ``unit``, ``measure`` (compared
    by its string value, ``"notice_of_criticism"``) and ``rule``.
    """

    unit: str
    measure: Measure
    rule: str
    figures: FrozenMap[str, Any] = attrs.field(factory=FrozenMap, converter=_figures)
    points: Decimal | None = None
    source: str = ""

    def describe(self, lang: str = "en") -> str:
        """The trigger in a few words.

        >>> Trigger("320105001", Measure.NOTICE_OF_CRITICISM, "escalation.steps.x").describe("zh")
        '320105001: 通报批评 (escalation.steps.x)'
        """
        word = self.measure.chinese if lang == "zh" else self.measure.value.replace("_", " ")
        if self.points is not None:
            unit = " 分" if lang == "zh" else (" point" if self.points == 1 else " points")
            word += f" {self.points}{unit}"
        return f"{self.unit}: {word} ({self.rule})"


def _parts(table: KpiTable, key: object) -> tuple[str, _dt.date | None]:
    """The unit and the period of a table key."""
    parts: Sequence[Any] = key if isinstance(key, tuple) else (key,)
    if not table.by:
        parts = ()
    period = None
    units = []
    for name, part in zip(table.by, parts, strict=True):
        if name == "period":
            period = part
        else:
            units.append(str(part))
    return "/".join(units) or "all", period


def triggers(
    table: KpiTable | None,
    policy: EscalationPolicy | PolicyLike,
    *,
    cases: CaseColumns | Iterable[Case] | None = None,
    at: _dt.datetime | None = None,
    on: _dt.date | None = None,
    state: StateColumns | None = None,
) -> list[Trigger]:
    """The accountability measures the policy's thresholds call for (问责触发).

    From ``table`` (KPI counts by unit and period, ``kpi.counts_from_columns``): each
    ``overdue_count`` rule names the units with at least its threshold of overdue cases
    (超期) in a period, each ``on_time_rate`` rule those whose on-time rate (按期结案率) is
    below its target — under the rules of the period's first day (``on``, default the
    latest rules, for a table without periods). From ``cases`` as known at ``at``: every
    time-out step with a measure that a case has taken (a reminded case still overdue:
    书面通报批评), against the department holding the case. ``state``, the cases'
    :func:`state_batch` at ``at`` under ``policy`` when you have it already, spares
    computing their steps again (the same triggers).

    Returns
    -------
    list of Trigger
        Table triggers in table order and rule order, then case triggers in case order.

    Examples
    --------
    >>> import numpy as np
    >>> from urbangov.kpi import FIELDS, KpiCounts
    >>> rows = [KpiCounts(due=10, closed=9, closed_on_time=6, overdue=4),
    ...         KpiCounts(due=10, closed=10, closed_on_time=9, overdue=1)]
    >>> table = KpiTable(("street",), ("320105001", "320105002"),
    ...                  np.array([[r.as_dict()[f] for f in FIELDS] for r in rows]))
    >>> for t in triggers(table, EscalationPolicy()):
    ...     print(t.unit, t.measure.value, t.rule.split(".")[-1], t.points, dict(t.figures))
    320105001 written_check repeated_overdue None {'overdue': 4, 'threshold': 3}
    320105001 deduct_target_points low_on_time_rate 1 {'on_time_rate': Decimal('60.00'), 'due': 10,
    'closed_on_time': 6, 'threshold': Decimal('70.0')}
    """
    rules = EscalationPolicy.of(policy)
    out: list[Trigger] = []
    if table is not None:
        out += _table_triggers(table, rules, on)
    if cases is not None:
        if at is None:
            raise PolicyError(
                "case triggers need the instant the cases are judged at",
                field="at",
                hint="pass at= (an aware datetime)",
            )
        need_policy(policy, "triggers from cases")
        columns = cases if isinstance(cases, CaseColumns) else CaseColumns.from_cases(cases)
        when = stdlib(aware(at, "at"))
        out += _case_triggers(columns, policy, when, state)  # type: ignore[arg-type]
    elif state is not None:
        raise PolicyError(
            "a state without the cases it is of",
            field="state",
            hint="pass cases= (and at=) with state=",
        )
    return out


def _table_triggers(table: KpiTable, rules: EscalationPolicy, on: _dt.date | None) -> list[Trigger]:
    out: list[Trigger] = []
    for key, counts in table.items():
        unit, period = _parts(table, key)
        d = period if period is not None else (on or _dt.date.max)
        for name, dated in rules.triggers.items():
            rule = dated.at(d)
            figures: dict[str, Any]
            if rule.kind is TriggerKind.OVERDUE_COUNT:
                if counts.overdue < rule.threshold:
                    continue
                figures = {"overdue": counts.overdue, "threshold": int(rule.threshold)}
            else:
                rate = on_time_rate(counts)
                if rate is None or rate >= rule.threshold:
                    continue
                figures = {
                    "on_time_rate": percent(rate),
                    "due": counts.due,
                    "closed_on_time": counts.closed_on_time,
                    "threshold": rule.threshold * 100,
                }
            if period is not None:
                figures["period"] = period
            out.append(
                Trigger(
                    unit,
                    rule.measure,
                    f"escalation.triggers.{name}",
                    FrozenMap(figures),
                    rule.points,
                    rule.source,
                )
            )
    return out


def _holders(columns: CaseColumns, at_ns: int, rows: list[int]) -> list[str | None]:
    """Of the cases ``rows``, the department holding each at ``at`` (its last dispatch,
    none after a send-back)."""
    kind, t = columns.kind, columns.at.view(np.int64)
    events = np.flatnonzero(
        ((kind == EventKind.DISPATCH.code) | (kind == EventKind.SEND_BACK.code)) & (t <= at_ns)
    )
    holder = np.full(columns.n_cases, -1, dtype=np.int64)
    if events.size:  # events are grouped by case, in order: the last one per case wins
        cs = columns.case[events]
        last = np.ones(events.size, dtype=np.bool_)
        last[:-1] = cs[1:] != cs[:-1]
        holder[cs[last]] = columns.event_department[events[last]]
    deps = columns.departments
    return [None if d < 0 else deps[d] for d in holder[rows].tolist()]


def _case_triggers(
    columns: CaseColumns, policy: PolicyLike, when: _dt.datetime, state: StateColumns | None
) -> list[Trigger]:
    ctx = context(policy)
    if state is None:
        steps = steps_batch(columns, ctx, policy, when)
        segment, compiled, taken = steps.segment, steps.compiled, steps.taken
    else:
        segment, compiled, names = segment_rules(columns, ctx, _ns(when))
        if len(state) != columns.n_cases or state.step_names != tuple(names):
            raise PolicyError(
                f"the state is not of these cases under this policy ({len(state)} rows, "
                f"steps {', '.join(state.step_names) or 'none'}; the cases: "
                f"{columns.n_cases}, steps {', '.join(names) or 'none'})",
                field="state",
                hint="pass state_batch(cases, at, policy, hierarchy) of the same cases, "
                "instant and policy",
            )
        taken = state.taken
    out: list[Trigger] = []
    found: list[tuple[int, int, int]] = []  # (case, segment, step index)
    for s, rules in compiled.items():
        for i, step in enumerate(rules.steps):
            if step.measure is None:
                continue
            rows = np.flatnonzero((segment == s) & (taken > i))
            found += [(int(r), s, i) for r in rows.tolist()]
    found.sort()
    holders = _holders(columns, _ns(when), [r for r, _, _ in found]) if found else []
    for (r, s, i), holder in zip(found, holders, strict=True):
        step = compiled[s].steps[i]
        assert step.measure is not None
        unit = holder or columns.grids[int(columns.grid[r])]
        figures = {"case": columns.ids[r], "step": step.name}
        out.append(
            Trigger(
                unit,
                step.measure,
                f"escalation.steps.{step.name}",
                figures,
                step.points,
                step.source,
            )
        )
    return out
