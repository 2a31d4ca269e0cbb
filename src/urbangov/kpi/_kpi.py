"""KPIs of digital city management (数字城管考核指标): counts, the standard rates, tables.

Private: :mod:`urbangov.kpi` re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from numpy.typing import NDArray

from urbangov import deadlines as deadlines_module
from urbangov._internal.instants import aware
from urbangov.cases import Case, CaseColumns, EventKind
from urbangov.errors import KpiError
from urbangov.frozen import FrozenMap
from urbangov.hierarchy import Hierarchy
from urbangov.kpi._batch import (
    Binned,
    GroupSpec,
    count_matrix,
    group_codes,
    period_edges,
)
from urbangov.kpi._table import KpiTable
from urbangov.kpi._times import CaseTimes, to_ns
from urbangov.kpi._values import (
    FIELDS,
    HasKpi,
    KpiCounts,
    KpiRules,
    _rules_of,
)

__all__ = ["case_counts", "counts", "counts_from_columns", "tables_from_columns"]


_ZERO = KpiCounts()
_DEFAULT_RULES = KpiRules()

# --------------------------------------------------------------------------- scalar path


def _period(start: object, end: object) -> tuple[_dt.datetime, _dt.datetime]:
    s, e = aware(start, "start"), aware(end, "end")
    if not s < e:
        raise KpiError(f"the period ends ({e}) before it starts", field="end", hint="end > start")
    return s, e


DueAt = Callable[[Case], "_dt.datetime | None"] | Mapping[str, "_dt.datetime | None"]


def _deadline_of(
    due_at: DueAt | None, deadlines: object, calendar: object
) -> Callable[[Case], _dt.datetime | None]:
    if due_at is not None and deadlines is not None:
        raise KpiError(
            "both due_at and deadlines are given", field="due_at", hint="give one of them"
        )
    if due_at is None:
        if deadlines is None:
            raise KpiError(
                "no deadlines: cannot count due (应结案) cases",
                field="due_at",
                hint="give due_at= (a function or a mapping of case id to deadline), "
                "or deadlines= (a Policy, or DeadlineRules with calendar=)",
            )

        def computed(case: Case) -> _dt.datetime | None:
            return deadlines_module.due_at(case, deadlines, calendar)  # type: ignore[arg-type]

        return computed
    if isinstance(due_at, Mapping):
        table = due_at

        def looked_up(case: Case) -> _dt.datetime | None:
            if case.id in table:
                return table[case.id]
            if case.dispatched_at is not None:
                raise KpiError(
                    f"case {case.id} was dispatched but has no deadline in due_at",
                    field=f"due_at[{case.id!r}]",
                    hint="give every dispatched case its deadline (None: no deadline)",
                )
            return None

        return looked_up
    if callable(due_at):
        return due_at
    raise KpiError(
        f"{type(due_at).__name__} is neither a function nor a mapping",
        field="due_at",
        hint="give a function Case -> datetime | None or a mapping case id -> deadline",
    )


def _first_at(case: Case, kind: EventKind) -> _dt.datetime | None:
    for event in case.history:
        if event.kind is kind:
            return event.at
    return None


def _has_before(case: Case, kind: EventKind, end: _dt.datetime) -> bool:
    return any(e.kind is kind and e.at < end for e in case.history)


def _suspended_at(case: Case, end: _dt.datetime) -> bool:
    last = None
    for event in case.history:
        if event.at >= end:
            break
        last = event.kind
    return last is EventKind.SUSPEND


def case_counts(
    case: Case,
    start: _dt.datetime,
    end: _dt.datetime,
    deadline: _dt.datetime | None,
    rules: KpiRules = _DEFAULT_RULES,
) -> KpiCounts:
    """The counts one case contributes to the period ``[start, end)`` (the reference rule).

    Parameters
    ----------
    case
        The case.
    start, end
        The period, aware.
    deadline
        The case's deadline (``None``: none, e.g. never dispatched).
    rules
        :class:`KpiRules`.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> steps = [CaseEvent(k, t) for k in ("accept", "file")]
    >>> steps.append(CaseEvent("dispatch", t, department="street"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> day = _dt.timedelta(days=1)
    >>> c = case_counts(case, t, t + day, deadline=t + day / 2)
    >>> c.received, c.due, c.closed, c.overdue
    (1, 1, 0, 1)
    """

    s, e = _period(start, end)
    if deadline is not None:
        aware(deadline, f"due_at[{case.id!r}]")
    return KpiCounts(**_case_values(case, s, e, deadline, rules))


def _case_values(
    case: Case,
    start: _dt.datetime,
    end: _dt.datetime,
    deadline: _dt.datetime | None,
    rules: KpiRules,
) -> dict[str, int]:
    def within(at: _dt.datetime | None) -> int:
        return int(at is not None and start <= at < end)

    values = {
        "received": within(case.accepted_at),
        "filed": within(case.filed_at),
        "dispatched": within(case.dispatched_at),
        "voided": within(_first_at(case, EventKind.VOID)),
    }
    due = bool(within(deadline))
    if due and rules.exclude_suspended_from_due and _suspended_at(case, end):
        due = False
    if due:
        assert deadline is not None
        closed_at = case.closed_at
        closed = closed_at is not None and closed_at < end
        # on time (按期): the handling clock stopped, as known at the period end, by the
        # deadline — the rule deadlines.is_overdue applies (one meaning)
        stop = deadlines_module.stopped_at(case, rules, before=end)
        on_time = stop is not None and stop <= deadline
        values |= {
            "due": 1,
            "closed": int(closed),
            "closed_on_time": int(closed and on_time),
            "reworked": int(_has_before(case, EventKind.VERIFY_FAIL, end)),
            "extended": int(_has_before(case, EventKind.EXTEND, end)),
            "suspended": int(_has_before(case, EventKind.SUSPEND, end)),
            "overdue": int(not on_time),
        }
    return values


def counts(
    cases: Iterable[Case],
    start: _dt.datetime,
    end: _dt.datetime,
    *,
    due_at: DueAt | None = None,
    deadlines: object = None,
    calendar: object = None,
    rules: KpiRules | HasKpi | None = None,
) -> KpiCounts:
    """The KPI counts of ``cases`` for the period ``[start, end)`` (the scalar path).

    Parameters
    ----------
    cases
        The cases (any iterable of :class:`~urbangov.cases.Case`).
    start, end
        The period, aware datetimes, half-open.
    due_at
        Each case's deadline: a function ``Case -> datetime | None`` or a mapping from
        case id to deadline (a dispatched case missing from it is an error).
    deadlines, calendar
        Instead of ``due_at``: a Policy (its calendar and taxonomy are used), or
        ``DeadlineRules`` (with a ``WorkCalendar``, default the bundled one); the
        deadline is ``urbangov.deadlines.due_at(case, deadlines, calendar)``.
    rules
        :class:`KpiRules` or a Policy (resolved at the start date); default: the
        ``deadlines`` policy's own ``kpi`` section, else ``KpiRules()``.

    Returns
    -------
    KpiCounts

    Raises
    ------
    KpiError
        If no deadline source is given, or the period is empty.
    NaiveDatetimeError
        If ``start``, ``end`` or a deadline has no time zone.

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> h = _dt.timedelta(hours=1)
    >>> steps = [CaseEvent("accept", t), CaseEvent("file", t + h),
    ...          CaseEvent("dispatch", t + h, department="street"),
    ...          CaseEvent("handle", t + 2 * h), CaseEvent("verify_pass", t + 3 * h),
    ...          CaseEvent("close", t + 3 * h)]
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> c = counts([case], t, t + 24 * h, due_at={"A1": t + 5 * h})
    >>> from urbangov.kpi import on_time_rate, percent
    >>> c.due, c.closed, c.closed_on_time, percent(on_time_rate(c))
    (1, 1, 1, Decimal('100.00'))
    """
    s, e = _period(start, end)
    deadline_of = _deadline_of(due_at, deadlines, calendar)
    section = _rules_of(_kpi_rules(rules, deadlines), s.date())
    total = dict.fromkeys(FIELDS, 0)
    for case in cases:
        if not isinstance(case, Case):
            raise KpiError(f"{case!r} is not a Case", field="cases", hint="give Case values")
        deadline = deadline_of(case)
        if deadline is not None:
            aware(deadline, f"due_at[{case.id!r}]")
        for name, value in _case_values(case, s, e, deadline, section).items():
            total[name] += value
    return KpiCounts(**total)


# --------------------------------------------------------------------------- batch path


def counts_from_columns(
    columns: CaseColumns | CaseTimes,
    *,
    by: GroupSpec | Sequence[GroupSpec] = (),
    period: str | Sequence[_dt.datetime] | None = None,
    start: _dt.datetime | None = None,
    end: _dt.datetime | None = None,
    due: NDArray[Any] | None = None,
    deadlines: object = None,
    calendar: object = None,
    rules: KpiRules | HasKpi | None = None,
    hierarchy: Hierarchy | None = None,
    tz: str | _dt.tzinfo = "Asia/Shanghai",
) -> KpiTable:
    """KPI counts of many cases, grouped, with numpy (no Python loop per case).

    Equal to :func:`counts` over each group's cases and each period.

    Parameters
    ----------
    columns
        :class:`~urbangov.cases.CaseColumns` (or :class:`CaseTimes` built from them).
    by
        What to group by, one or several of: ``"grid"``, ``"category"``, ``"source"``,
        ``"urgency"``, ``"zone"``, ``"segment"``, ``"department"`` (the department of the
        case's last dispatch), ``"period"``; a :class:`~urbangov.vocabulary.Level` or
        level name (``"street"``, ``"社区"``) with ``hierarchy`` (each case's grid mapped
        to its territory at that level); or a per-case array of keys.
    period
        ``"day"``, ``"week"`` (Monday to Sunday), ``"month"`` or ``"year"`` in ``tz``
        (keyed by the period's first date), or explicit bin edges (aware datetimes,
        increasing; keyed by each bin's start). The periods are added to the key (last,
        unless ``"period"`` is placed in ``by``). ``None``: one period ``[start, end)``.
    start, end
        The whole period (required when ``period`` is ``None``; with a named period they
        clip the range, which otherwise runs from the earliest to the latest instant).
    due
        Per-case deadlines (``datetime64[ns]`` UTC, NaT: none), e.g. from
        ``deadlines.due_at_batch``; or give ``deadlines`` and ``calendar`` instead.
    rules
        :class:`KpiRules` or a Policy (resolved at the first period's start); default:
        the ``deadlines`` policy's own ``kpi`` section, else ``KpiRules()``.
    hierarchy
        The hierarchy for grouping by a level.
    tz
        The zone in which named periods start.

    Returns
    -------
    KpiTable

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> steps = [CaseEvent("accept", t), CaseEvent("file", t),
    ...          CaseEvent("dispatch", t, department="street")]
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> cols = CaseColumns.from_cases([case])
    >>> import numpy as np
    >>> due = np.array([np.datetime64("2024-05-07T01:00", "ns")])
    >>> table = counts_from_columns(cols, by="grid", period="month", due=due)
    >>> table.keys()
    (('320102001001001', datetime.date(2024, 5, 1)),)
    >>> deadline = {"A1": t.replace(day=7)}
    >>> table.total() == counts([case], t, t + _dt.timedelta(days=2), due_at=deadline)
    True
    """
    return _tables(
        columns, {"": by}, period, start, end, due, deadlines, calendar, rules, hierarchy, tz
    )[""]


def tables_from_columns(
    columns: CaseColumns | CaseTimes,
    by: Mapping[str, GroupSpec | Sequence[GroupSpec]],
    *,
    period: str | Sequence[_dt.datetime] | None = None,
    start: _dt.datetime | None = None,
    end: _dt.datetime | None = None,
    due: NDArray[Any] | None = None,
    deadlines: object = None,
    calendar: object = None,
    rules: KpiRules | HasKpi | None = None,
    hierarchy: Hierarchy | None = None,
    tz: str | _dt.tzinfo = "Asia/Shanghai",
) -> FrozenMap[str, KpiTable]:
    """Several KPI tables of the same cases, periods and rules at once: for each
    ``name: grouping`` of ``by``, ``counts_from_columns(columns, by=grouping, …)``.

    Each case's instants are binned and judged (due, closed, on time…) once for all the
    tables, so a table after the first costs little more than its ``np.bincount``.

    Parameters
    ----------
    columns
        :class:`~urbangov.cases.CaseColumns` (or :class:`CaseTimes` built from them).
    by
        Table name → what to group it by, as :func:`counts_from_columns`'s ``by``.
    period, start, end, due, deadlines, calendar, rules, hierarchy, tz
        As :func:`counts_from_columns`, the same for every table.

    Returns
    -------
    FrozenMap of str to KpiTable
        In the order of ``by``.

    Raises
    ------
    KpiError
        As :func:`counts_from_columns`; a bad grouping names its table
        (``by['street'].by[0]``).

    Examples
    --------
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> steps = [CaseEvent("accept", t), CaseEvent("file", t),
    ...          CaseEvent("dispatch", t, department="street")]
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t, history=steps)
    >>> cols = CaseColumns.from_cases([case])
    >>> import numpy as np
    >>> due = np.array([np.datetime64("2024-05-07T01:00", "ns")])
    >>> tables = tables_from_columns(cols, {"grid": "grid", "all": ()}, period="month", due=due)
    >>> tables["grid"].keys(), tables["all"].keys()
    ((('320102001001001', datetime.date(2024, 5, 1)),), (datetime.date(2024, 5, 1),))
    >>> tables["grid"] == counts_from_columns(cols, by="grid", period="month", due=due)
    True
    """
    if not isinstance(by, Mapping):
        raise KpiError(
            f"{type(by).__name__} is not a mapping of table names to groupings",
            field="by",
            hint='give e.g. {"street": "street", "department": "department"}',
        )
    return _tables(columns, by, period, start, end, due, deadlines, calendar, rules, hierarchy, tz)


def _tables(
    columns: CaseColumns | CaseTimes,
    by: Mapping[str, GroupSpec | Sequence[GroupSpec]],
    period: str | Sequence[_dt.datetime] | None,
    start: _dt.datetime | None,
    end: _dt.datetime | None,
    due: NDArray[Any] | None,
    deadlines: object,
    calendar: object,
    rules: KpiRules | HasKpi | None,
    hierarchy: Hierarchy | None,
    tz: str | _dt.tzinfo,
) -> FrozenMap[str, KpiTable]:
    """The tables of :func:`tables_from_columns` (one unnamed table ``""``: the one of
    :func:`counts_from_columns`, whose errors name its ``by`` alone)."""
    if isinstance(columns, CaseColumns):
        times = CaseTimes.from_columns(columns)
        if due is None:
            due = _batch_due(columns, deadlines, calendar)
        elif deadlines is not None:
            raise KpiError("both due and deadlines are given", field="due", hint="give one")
    elif isinstance(columns, CaseTimes):
        times = columns
        if due is None:
            raise KpiError(
                "no deadlines for CaseTimes",
                field="due",
                hint="give due= (datetime64[ns] per case), e.g. deadlines.due_at_batch(...)",
            )
    else:
        raise KpiError(
            f"{type(columns).__name__} is not CaseColumns",
            field="columns",
            hint="give CaseColumns (urbangov.cases) or CaseTimes",
        )
    due_ns = to_ns(due, times.n_cases, "due")
    edges, labels, first = period_edges(times, due_ns, period, start, end, tz)
    section = _rules_of(_kpi_rules(rules, deadlines), first)
    groups = {}
    for name, spec in by.items():
        try:
            groups[name] = group_codes(times, spec, hierarchy, period is not None)
        except KpiError as exc:
            if name == "":
                raise
            raise KpiError(exc.message, field=f"by[{name!r}].{exc.field}", hint=exc.hint) from None
    exclude, stops_at = section.exclude_suspended_from_due, section.on_time_stops_at
    binned = Binned(times, due_ns, edges, exclude, stops_at) if len(edges) >= 2 else None
    whole: KpiCounts | None = None
    if len(edges) > 2:  # several periods: the total counts the whole span as one period
        span = Binned(times, due_ns, edges[[0, -1]], exclude, stops_at)
        matrix, _ = count_matrix(span, [], [], [], None)
        del span
        sums = matrix[0].tolist() if len(matrix) else [0] * len(FIELDS)
        whole = KpiCounts(**dict(zip(FIELDS, sums, strict=True)))
    out: dict[str, KpiTable] = {}
    for name, (names, codes, sizes, component_labels) in groups.items():
        matrix, keys = count_matrix(binned, codes, sizes, component_labels, labels)
        if len(edges) < 2:  # nothing to count
            total = _ZERO
        elif whole is None:  # one period: each case is in one row, so the rows add
            sums = matrix.sum(axis=0).tolist() if len(matrix) else [0] * len(FIELDS)
            total = KpiCounts(**dict(zip(FIELDS, sums, strict=True)))
        else:
            total = whole
        out[name] = KpiTable(names, keys, matrix, total=total)
    return FrozenMap(out)


def _kpi_rules(rules: KpiRules | HasKpi | None, deadlines: object) -> KpiRules | HasKpi:
    """The KPI rules given, else the ``deadlines`` policy's own, else the defaults."""
    if rules is not None:
        return rules
    own = getattr(deadlines, "kpi", None)
    return own if isinstance(own, KpiRules) else _DEFAULT_RULES


def _batch_due(columns: CaseColumns, deadlines: object, calendar: object) -> NDArray[Any]:
    if deadlines is None:
        raise KpiError(
            "no deadlines: cannot count due (应结案) cases",
            field="due",
            hint="give due= (datetime64[ns] UTC per case, NaT: none), or deadlines= "
            "(a Policy, or DeadlineRules with calendar=)",
        )
    result: NDArray[Any] = deadlines_module.due_at_batch(
        columns,
        deadlines,  # type: ignore[arg-type]
        calendar,  # type: ignore[arg-type]
    )
    return result
