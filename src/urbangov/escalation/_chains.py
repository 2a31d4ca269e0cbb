"""Handling chains and summoning departments: :func:`chain` and :func:`whistle` (private;
:mod:`urbangov.escalation` re-exports the public names)."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from urbangov.cases import Case
from urbangov.errors import EscalationError
from urbangov.escalation._context import context, known_filing
from urbangov.escalation._level import Policyish
from urbangov.escalation._values import Link, WhistleSituation
from urbangov.graph import AccountabilityGraph
from urbangov.org import Department, Role

__all__ = ["ChainStep", "Summons", "chain", "whistle"]


@attrs.frozen
class ChainStep:
    """One link of a handling chain resolved for a case: who acts (``party``, a person or
    department code, with its ``name``) and, for an enforcement department, the officer
    holding the case's road segment (个人包段), when the case has one."""

    link: Link
    party: str
    name: str
    officer: str | None = None


def _find(link: Link, case: Case, graph: AccountabilityGraph) -> tuple[str, str, str | None]:
    h, org = graph.hierarchy, graph.organisation
    if link.domain is not None:
        code = graph.lead_for(link.domain, case.grid, link.asset_kind)
        party = graph.city.party(code)
        return code, party.name, None
    if link.role is not None:
        assert link.level is not None
        unit = h.territory_of(case.grid, link.level)
        head = org.head_of(unit)
        people = [*org.staff_of(unit), *([head] if head is not None else [])]
        for p in people:
            if p.role is link.role:
                return p.code, p.name, None
        raise _missing(link, f"no {link.role.value} ({link.role.chinese}) posted at {unit.code}")
    assert link.kind is not None
    if link.covers:
        found = _covering(link, case, graph)
    else:
        assert link.level is not None
        unit = h.territory_of(case.grid, link.level)
        found = next(
            (d for d in org.departments if d.kind is link.kind and d.unit == unit.code), None
        )
    if found is None:
        where = "covering the place" if link.covers else f"serving {link.level and link.level.slug}"
        raise _missing(link, f"no {link.kind.value} ({link.kind.chinese}) {where}")
    return found.code, found.name, _officer(found, case, graph)


def _covering(link: Link, case: Case, graph: AccountabilityGraph) -> Department | None:
    """The department of the link's kind whose area (四定四包) covers the case's place, the
    most specific first (fewest units covered), then in the organisation's order."""
    h, org = graph.hierarchy, graph.organisation
    places = {case.grid, *(u.code for u in h.ancestors(case.grid))}
    sectors = {s.code: s.units for s in org.sectors}
    best: tuple[int, int, Department] | None = None
    for i, d in enumerate(org.departments):
        if d.kind is not link.kind:
            continue
        units = [u for area in d.covers for u in sectors.get(area, (area,))]
        if places.isdisjoint(units):
            continue
        if best is None or (len(units), i) < best[:2]:
            best = (len(units), i, d)
    return None if best is None else best[2]


def _officer(department: Department, case: Case, graph: AccountabilityGraph) -> str | None:
    """The enforcement officer under ``department`` holding the case's segment."""
    if case.segment is None:
        return None
    org = graph.organisation
    for p in org.persons:
        if p.role is Role.ENFORCEMENT_OFFICER and case.segment in p.segments:
            line = org.chain_of_command(p.department) if p.department else ()
            if any(d.code == department.code for d in line):
                return p.code
    return None


def _missing(link: Link, what: str) -> EscalationError:
    return EscalationError(
        f"{what}: the city's organisation has nobody for the {link.name!r} link",
        field=f"links.{link.name}",
        hint="add the post or department to the city file's organisation, or change the "
        "chain in the policy (escalation.chains)",
    )


def chain(
    name: str, case: Case, graph: AccountabilityGraph, policy: Policyish
) -> tuple[ChainStep, ...]:
    """The handling chain ``name`` of the policy resolved for a case (处置链): who acts at
    each link, found in the city's organisation for the case's place, under the rules of
    the case's filing date.

    The shipped ``ownerless_garbage`` chain (无主垃圾, 《城市管理协管员考核办法》篇1 §五.3): the
    assistant (协管员) reports it to the squadron; an enforcement officer investigates and
    serves the owner a stop notice (停违单); with no owner the street's city-management
    section (街道城管科) traces it; still none, it is reported to the district bureau's
    general section (区局综合科), which has the sanitation department (环卫) clear it. No
    community step.

    Raises
    ------
    EscalationError
        If the policy has no such chain, or the organisation nobody for a link.

    Examples
    --------
    >>> import datetime as _dt
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import sample_city
    >>> g = AccountabilityGraph.from_city(sample_city())
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t)
    >>> for step in chain("ownerless_garbage", case, g, Policy()):
    ...     print(step.link.name, step.name)
    report 潘某36
    investigate 北片中队
    trace 南湖街道城管科
    report_district 区市容局综合科
    clear 区环卫所
    """
    rules = context(policy).rules
    found = rules.chains.get(name)
    if found is None:
        raise EscalationError(
            f"the policy has no chain {name!r}",
            field="chain",
            hint=f"use one of {', '.join(rules.chains) or 'none (add escalation.chains)'}",
        )
    out = []
    for link in found.links:
        party, title, officer = _find(link, case, graph)
        out.append(ChainStep(link, party, title, officer))
    return tuple(out)


@attrs.frozen
class Summons:
    """A street's whistle (街乡吹哨、部门报到): the unit that whistles, the situation, the
    departments summoned to report (报到), and the rule that allowed it."""

    unit: str
    situation: WhistleSituation
    departments: tuple[str, ...]
    rule: str


_WHISTLE = "北京吹哨报到: 吹哨有三种情况"


def whistle(
    case: Case,
    situation: WhistleSituation | str,
    graph: AccountabilityGraph,
    policy: Policyish,
    *,
    departments: Iterable[str] = (),
) -> Summons:
    """A street summoning departments for a problem it cannot solve (街乡吹哨、部门报到).

    Allowed only in the policy's situations — by default Beijing's three: residents'
    pressing problems the street cannot solve, joint enforcement (综合执法) where it has
    no enforcement power, and emergencies (应急处置). The departments summoned are those
    the duty matrix makes lead or cooperating for the case's category at its place
    (besides the street's own office), the enforcement squadron covering the place for
    joint enforcement, and any ``departments`` named.

    Raises
    ------
    EscalationError
        If the situation is not one the policy allows.

    Examples
    --------
    >>> import datetime as _dt
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import sample_city
    >>> g = AccountabilityGraph.from_city(sample_city())
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
    >>> case = Case.new("B1", "违法建设拆除", "320105002001001", reported_at=t)
    >>> s = whistle(case, "综合执法", g, Policy())
    >>> s.unit, s.situation.chinese, s.departments
    ('320105002', '综合执法', ('cityapp_bureau', 'brigade', 'squadron_north'))
    >>> whistle(case, "parking", g, Policy())
    Traceback (most recent call last):
    ...
    urbangov.errors.UnknownTermError: situation: 'parking' is not a WhistleSituation; ...
    """
    ctx = context(policy)
    rules = ctx.rules.compiled(known_filing(case, None, ctx.tz))
    chosen = WhistleSituation.parse(situation, field="situation")
    if chosen not in rules.situations:
        allowed = ", ".join(s.value for s in rules.situations) or "none"
        raise EscalationError(
            f"a street may not whistle for {chosen.value} ({chosen.chinese})",
            field="situation",
            hint=f"the policy allows: {allowed} (escalation.whistle.situations)",
        )
    h, org = graph.hierarchy, graph.organisation
    unit = h.territory_of(case.grid, rules.whistle_level)
    category = ctx.taxonomy.resolve(case.category, field="category")
    own = {unit.code, org.office_of(unit) or unit.code}
    summoned: list[str] = []
    parties = (
        graph.lead_for(category.domain, case.grid, category.asset_kind),
        *graph.cooperating_for(category.domain, case.grid, category.asset_kind),
    )
    for code in parties:
        if code not in own and code not in h and code not in summoned:
            summoned.append(code)
    if chosen is WhistleSituation.JOINT_ENFORCEMENT:
        squadron = _covering(Link("enforce", "", kind="squadron", covers=True), case, graph)
        if squadron is not None and squadron.code not in summoned:
            summoned.append(squadron.code)
    for code in departments:
        if code not in summoned:
            summoned.append(code)
    return Summons(unit.code, chosen, tuple(summoned), f"{_WHISTLE} ({chosen.chinese})")
