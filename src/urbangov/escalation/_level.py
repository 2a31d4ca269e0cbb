"""Which level handles a case, who hears an enforcement case, how big the response is
(private; :mod:`urbangov.escalation` re-exports the public names)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from urbangov._internal.instants import aware, stdlib
from urbangov.cases import Case, EventKind
from urbangov.deadlines import stopped_at
from urbangov.errors import PolicyError
from urbangov.escalation._context import Context, context, known_filing, severity_in
from urbangov.escalation._rules import EscalationPolicy, HasEscalation
from urbangov.escalation._values import Magnitude, ResponseLevel, Severity
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.org import DepartmentKind
from urbangov.vocabulary import Level

__all__ = [
    "Scope",
    "handling_level",
    "handling_unit",
    "hearing_level",
    "higher",
    "response_level",
    "severity",
]

Policyish = EscalationPolicy | HasEscalation


def higher(a: Level, b: Level) -> Level:
    """The higher of two levels (``CITY`` is the highest).

    >>> higher(Level.GRID, Level.STREET)
    <Level.STREET: 2>
    """
    return a if a <= b else b


def severity(case: Case, policy: Policyish) -> Severity:
    """The severity the policy gives a case's category (小事 / 大事), under the rules of its
    filing date: the category's own row, else its major class's, else the default.

    >>> import datetime as _dt
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> severity(Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t),
    ...          EscalationPolicy())
    <Severity.MINOR: 0>
    """
    ctx = context(policy)
    return _severity(case, ctx, known_filing(case, None, ctx.tz))


def _severity(case: Case, ctx: Context, on: _dt.date) -> Severity:
    return severity_in(ctx.rules.compiled(on), ctx.taxonomy, case.category)


def _places(value: Iterable[str | Unit]) -> tuple[str | Unit, ...]:
    return tuple(value)


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Scope:
    """What a case involves beyond its own grid: the arguments of :func:`handling_level`."""

    severity: Severity | str | None = None
    territories: tuple[str | Unit, ...] = attrs.field(default=(), converter=_places)
    departments: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    difficult: bool = False


def _level(
    case: Case,
    ctx: Context,
    hierarchy: Hierarchy,
    on: _dt.date,
    scope: Scope,
    at: _dt.datetime | None,
) -> tuple[Level, Unit]:
    """The handling level and the unit covering every territory involved."""
    rules = ctx.rules.compiled(on)
    sev = (
        severity_in(rules, ctx.taxonomy, case.category)
        if scope.severity is None
        else Severity.parse(scope.severity, field="severity", error=PolicyError)
    )
    need = rules.major if sev is Severity.MAJOR else rules.minor
    places = [case.grid, *scope.territories]
    cover = hierarchy.coordinator(places) if len(places) > 1 else hierarchy.unit(case.grid)
    need = higher(need, cover.level)
    if len(set(scope.departments)) > 1:
        late = at is not None and _unresolved(case, ctx, rules.unresolved_after, at)
        hard = scope.difficult or late
        need = higher(need, rules.difficult if hard else rules.departments)
    line = hierarchy.ancestors(cover)
    root = line[-1] if line else cover
    return (need if need >= root.level else root.level), cover


def _unresolved(case: Case, ctx: Context, after: object, at: _dt.datetime) -> bool:
    """Whether the case was dispatched at least ``after`` (working time) before ``at``
    and its handling clock had not stopped by then (长期管理不落实)."""
    dispatched = next(
        (e.at for e in case.history if e.kind is EventKind.DISPATCH and e.at <= at), None
    )
    if dispatched is None:
        return False
    if ctx.calendar.add(dispatched, after) > at:  # type: ignore[arg-type]
        return False
    return stopped_at(case, ctx.policy, at=at) is None


def handling_level(
    case: Case,
    policy: Policyish,
    hierarchy: Hierarchy,
    *,
    severity: Severity | str | None = None,
    territories: Iterable[str | Unit] = (),
    departments: Iterable[str] = (),
    difficult: bool = False,
    at: _dt.datetime | None = None,
) -> Level:
    """The level that handles a case (处置层级): "小事不出网格、大事不出镇办".

    The rules of the case's filing date decide, from three things:

    - **severity** — a minor problem (小事) closes in the grid, a major one (大事) in the
      street (《中心城区网格化综合监管工作推进会讲话》§二(五)); the category's severity
      comes from the policy (``severity=`` overrides it);
    - **scope** — a problem of several territories (the case's grid and
      ``territories``) goes to their coordinator, the lowest unit covering all of them
      (``Hierarchy.coordinator``: urbangov's rule, the sources do not say);
    - **departments** — a problem involving several ``departments`` goes to the street
      committee when it is general, and to the district's city-management office when it
      is ``difficult`` or has been unresolved for the policy's ``unresolved_after`` at
      ``at`` (《城市管理协管员考核办法》篇5 §四(一): the split is by difficulty and duration,
      not by scope).

    The answer is the lowest level that meets all three — never above it — and never
    above the root of the case's hierarchy.

    Parameters
    ----------
    case
        The case (its ``grid`` is where the problem is).
    policy
        A Policy (its taxonomy and calendar are used) or an :class:`EscalationPolicy`.
    hierarchy
        The city's units.
    severity
        Overrides the category's severity (``"major"``, ``"大事"``).
    territories
        Further units the problem spans (grids, communities, streets).
    departments
        Departments the problem involves (two or more bring in the department rule).
    difficult
        Whether it is a difficult problem (难点问题).
    at
        When the question is asked (for "long unresolved"); ``None``: not judged.

    Examples
    --------
    >>> import datetime as _dt
    >>> from urbangov.sim import sample_city
    >>> h = sample_city().hierarchy
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t)
    >>> handling_level(case, EscalationPolicy(), h)
    <Level.GRID: 4>
    >>> handling_level(case, EscalationPolicy(), h, severity="大事")
    <Level.STREET: 2>
    >>> handling_level(case, EscalationPolicy(), h, territories=["320105002001001"])
    <Level.DISTRICT: 1>
    >>> handling_level(case, EscalationPolicy(), h, departments=["hw_station", "cons_bureau"])
    <Level.STREET: 2>
    """
    return handling_unit(
        case,
        policy,
        hierarchy,
        severity=severity,
        territories=territories,
        departments=departments,
        difficult=difficult,
        at=at,
    ).level


def handling_unit(
    case: Case,
    policy: Policyish,
    hierarchy: Hierarchy,
    *,
    severity: Severity | str | None = None,
    territories: Iterable[str | Unit] = (),
    departments: Iterable[str] = (),
    difficult: bool = False,
    at: _dt.datetime | None = None,
) -> Unit:
    """The unit at :func:`handling_level` that covers every territory involved (the same
    arguments): the grid, street or district that owns the case.

    >>> import datetime as _dt
    >>> from urbangov.sim import sample_city
    >>> h = sample_city().hierarchy
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t)
    >>> handling_unit(case, EscalationPolicy(), h, severity="major").name
    '南湖街道'
    """
    when = None if at is None else stdlib(aware(at, "at"))
    ctx = context(policy)
    scope = Scope(severity, territories, departments, difficult)
    level, cover = _level(case, ctx, hierarchy, known_filing(case, when, ctx.tz), scope, when)
    return hierarchy.territory_of(cover, level)


def _fine(value: object) -> Decimal:
    if isinstance(value, Decimal):
        fine = value
    elif isinstance(value, int) and not isinstance(value, bool):
        fine = Decimal(value)
    elif isinstance(value, str):
        try:
            fine = Decimal(value)
        except ArithmeticError:
            fine = Decimal("NaN")
    else:
        raise PolicyError(
            f"{value!r} is not an amount of yuan",
            field="fine",
            hint="give an int or a Decimal (Decimal('2000.50'))",
        )
    if not fine.is_finite() or fine < 0:
        raise PolicyError(f"{value!r} is not an amount of yuan ≥ 0", field="fine")
    return fine


_LATEST = _dt.date.max


def hearing_level(
    fine: Decimal | int | str,
    size: Magnitude | str | int,
    impact: Magnitude | str | int,
    policy: Policyish,
    *,
    on: _dt.date | None = None,
) -> DepartmentKind:
    """Who hears an enforcement case (案件分级审理): the bureau (局), a brigade (大队) or a
    squadron (中队) of the enforcement chain, "按照处罚金额、案件大小、影响程度"
    (《城市管理协管员考核办法》篇9 §二.3).

    The bureau when the fine (yuan), the case's size or its impact reaches the bureau's
    threshold; else a brigade when one reaches the brigade's; else the squadron. The
    thresholds are the policy's (the source gives none). ``on``: the date whose rules
    apply (default: the latest rules).

    >>> hearing_level(500, "ordinary", "一般", EscalationPolicy())
    <DepartmentKind.SQUADRON: 'squadron'>
    >>> hearing_level(20000, "ordinary", "ordinary", EscalationPolicy())
    <DepartmentKind.BRIGADE: 'brigade'>
    >>> hearing_level(0, "ordinary", "重大", EscalationPolicy())
    <DepartmentKind.BUREAU: 'bureau'>
    """
    rules = EscalationPolicy.of(policy).hearing
    d = _LATEST if on is None else on
    amount = _fine(fine)
    grade = Magnitude.parse(size, field="size", error=PolicyError)
    reach = Magnitude.parse(impact, field="impact", error=PolicyError)
    if (
        amount >= rules.bureau_fine.at(d)
        or grade >= rules.bureau_size.at(d)
        or reach >= rules.bureau_impact.at(d)
    ):
        return DepartmentKind.BUREAU
    if (
        amount >= rules.brigade_fine.at(d)
        or grade >= rules.brigade_size.at(d)
        or reach >= rules.brigade_impact.at(d)
    ):
        return DepartmentKind.BRIGADE
    return DepartmentKind.SQUADRON


def response_level(
    difficulty: Magnitude | str | int,
    impact: Magnitude | str | int,
    policy: Policyish,
    *,
    on: _dt.date | None = None,
) -> ResponseLevel:
    """The response to an illegal building (两级响应, 《城市管理协管员考核办法》篇9 §一(二)1):
    "根据违法建设的清拆难度和影响面的不同" — level one (一级响应, commanded by the bureau's
    leaders with the special action team) when the demolition's difficulty or its impact
    reaches the policy's threshold (both, with ``needs = "both"``); else level two (二级响应,
    the special action team). ``on``: the date whose rules apply (default: the latest).

    >>> response_level("ordinary", "较大", EscalationPolicy())
    <ResponseLevel.LEVEL_TWO: 2>
    >>> response_level("major", "ordinary", EscalationPolicy())
    <ResponseLevel.LEVEL_ONE: 1>
    """
    rules = EscalationPolicy.of(policy).response
    d = _LATEST if on is None else on
    hard = Magnitude.parse(difficulty, field="difficulty", error=PolicyError) >= (
        rules.difficulty.at(d)
    )
    wide = Magnitude.parse(impact, field="impact", error=PolicyError) >= rules.impact.at(d)
    one = (hard and wide) if rules.needs.at(d) == "both" else (hard or wide)
    return ResponseLevel.LEVEL_ONE if one else ResponseLevel.LEVEL_TWO
