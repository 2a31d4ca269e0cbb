"""Who is held to account for a case: :func:`accountable` (private;
:mod:`urbangov.escalation` re-exports the public names)."""

from __future__ import annotations

import datetime as _dt
import weakref
from collections.abc import Iterable, Mapping

import attrs

from urbangov._internal.instants import aware, stdlib
from urbangov.cases import Case
from urbangov.escalation._context import PolicyLike, context, need_policy
from urbangov.escalation._level import Scope, higher
from urbangov.escalation._steps import EscalationState, _state
from urbangov.graph import AccountabilityGraph
from urbangov.hierarchy import Unit
from urbangov.org import Department, Pairing, Person, Role
from urbangov.vocabulary import Level

__all__ = ["Answerable", "accountable"]

_STREET_HEAD = (
    "the street's chief administrative leader is the first responsible person for its "
    "territory (第一责任人, 《城市管理协管员考核办法》篇5 §一(一))"
)
_GRID_STAFF = (
    "posted to the grid where the problem is (网格员, 协管员: 全覆盖、不留死角, "
    "《中心城区网格化综合监管工作推进会讲话》§二(二))"
)
_GRID_CHIEF = "heads the grid where the problem is (网格长)"
_HEAD = "first responsible person of the {level} ({chinese}第一责任人), which {why}"
_HOLDS = "holds the case: it was dispatched to it (派遣)"
_LEADS = (
    "leads {domain} ({chinese}) at the place in the duty matrix "
    "(职责分工, 《城市管理协管员考核办法》篇5 §二)"
)
_NOBODY = "the {level} ({chinese}) names no first responsible person: the unit answers"
_STAFF_ROLES = frozenset({Role.GRID_WORKER, Role.ASSISTANT, Role.SUPERVISOR})


@attrs.frozen
class Answerable:
    """One party held to account for a case (问责对象), and why.

    Attributes
    ----------
    code, name
        The person's, unit's or department's code and name.
    kind
        ``"person"``, ``"unit"`` or ``"department"``.
    role
        What makes them answerable: ``grid_worker``, ``grid_chief``,
        ``first_responsible``, ``unit`` (a unit naming nobody), ``lead_department``,
        ``pairing``.
    unit
        The unit (or department) they answer for.
    rule
        The rule that named them, citing its source.
    distance
        How far from the problem: 0 the grid, 1 its community, 2 the street… up to the
        level handling the case; then the lead department; then the pairing leaders.
        Non-decreasing down the list (nearest first).
    """

    code: str
    name: str
    kind: str
    role: str
    unit: str
    rule: str
    distance: int


@attrs.frozen(eq=False)
class _Index:
    """Pairings by target (包抓/挂点), built once per graph, and the answers computed."""

    pairings: Mapping[str, tuple[Pairing, ...]]
    answers: dict[tuple[tuple[str, ...], Level, str, str], tuple[Answerable, ...]] = attrs.field(
        factory=dict
    )


_INDEXES: weakref.WeakKeyDictionary[AccountabilityGraph, _Index] = weakref.WeakKeyDictionary()


def _index(graph: AccountabilityGraph) -> _Index:
    found = _INDEXES.get(graph)
    if found is None:
        by_target: dict[str, list[Pairing]] = {}
        for p in graph.organisation.pairings:
            by_target.setdefault(p.target, []).append(p)
        found = _Index({k: tuple(v) for k, v in by_target.items()})
        _INDEXES[graph] = found
    return found


def _head_rule(unit_level: Level, handling: Level, distance: int, grid_chief: bool) -> str:
    if distance == 0 and grid_chief:
        return _GRID_CHIEF
    if unit_level is Level.STREET:
        return _STREET_HEAD
    why = "handles the case" if unit_level is handling else "the place belongs to (属地管理)"
    return _HEAD.format(level=unit_level.slug, chinese=unit_level.chinese, why=why)


def accountable(
    case: Case,
    at: _dt.datetime,
    graph: AccountabilityGraph,
    policy: PolicyLike,
    *,
    territories: Iterable[str | Unit] = (),
    state: EscalationState | None = None,
) -> tuple[Answerable, ...]:
    """Who is held to account for a case at ``at`` (问责对象), nearest first, each with the
    rule that named them.

    Up the territorial chain from the problem's grid to the level handling the case (at
    least the street: 属地管理): the grid's workers and its chief, then each unit's first
    responsible person (the community's, the street's 第一责任人 …; a unit naming nobody
    answers itself). Then the department that holds the case (the last dispatch), or,
    before dispatch, the lead of the category's duty at the place. Then the leaders
    paired with any of those units or with that department (包抓/挂点), nearest target
    first. "层层追究" (《中心城区网格化综合监管工作推进会讲话》§三): the chain of responsible
    leaders answers. A problem spanning further ``territories`` (as given to
    :func:`state`) brings in their chains too, merged nearest first.

    ``state`` is the case's :func:`state` at ``at`` when the caller has it already (a
    hotline's request path computes it once); otherwise it is computed with the
    hierarchy of ``graph``.

    Examples
    --------
    >>> import datetime as _dt
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.cases import CaseEvent
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import sample_city
    >>> g = AccountabilityGraph.from_city(sample_city())
    >>> t = _dt.datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t, history=[
    ...     CaseEvent("accept", t), CaseEvent("file", t),
    ...     CaseEvent("dispatch", t, department="street_office_001")])
    >>> for a in accountable(case, t + _dt.timedelta(days=2), g, Policy())[:5]:
    ...     print(a.distance, a.role, a.name)
    0 grid_worker 林某18
    0 grid_chief 高某17
    1 first_responsible 郭某15
    2 first_responsible 孙某11
    3 lead_department 南湖街道办事处
    """
    when = aware(at, "at")
    spans = tuple(t.code if isinstance(t, Unit) else t for t in territories)
    if state is None:
        need_policy(policy, "accountable")
        state = _state(
            case, stdlib(when), context(policy), graph.hierarchy, Scope(territories=spans)
        )
    if state.department is not None:
        lead, rule = state.department, _HOLDS
    else:
        category = context(policy).taxonomy.resolve(case.category, field="category")
        lead = graph.lead_for(category.domain, case.grid, category.asset_kind)
        rule = _LEADS.format(domain=category.domain.value, chinese=category.domain.chinese)
    index = _index(graph)
    places = (case.grid, *spans)
    key = (places, state.level, lead, rule)
    found = index.answers.get(key)
    if found is None:
        found = _answer(graph, index, places, state.level, lead, rule)
        if len(index.answers) >= _MEMO:
            index.answers.clear()
        index.answers[key] = found
    return found


_MEMO = 100_000  # answers kept per graph (a pure function of the key: a memo, not state)


def _answer(
    graph: AccountabilityGraph,
    index: _Index,
    places: tuple[str, ...],
    level: Level,
    lead: str,
    rule: str,
) -> tuple[Answerable, ...]:
    """The answer for a case at ``places`` handled at ``level``, held by ``lead``."""
    h, org = graph.hierarchy, graph.organisation
    handling = higher(level, Level.STREET)
    found: list[Answerable] = []
    chain: list[Unit] = []
    for place in places:
        start = h.unit(place)
        line = [start, *(u for u in h.ancestors(start) if u.level >= handling)]
        chain += [u for u in line if u not in chain]
        found += _territorial(graph, line, level)
    out: list[Answerable] = []
    for a in sorted(found, key=lambda a: a.distance):  # stable: the case's own grid first
        if all(a.code != b.code for b in out):
            out.append(a)
    far = max(a.distance for a in out) + 1 if out else 0
    targets = [u.code for u in sorted(chain, key=lambda u: -u.level)]
    party = org.get(lead)
    if isinstance(party, Department):
        serves = party.unit or lead
        out.append(Answerable(lead, party.name, "department", "lead_department", serves, rule, far))
        targets += [d.code for d in org.chain_of_command(lead)]
    elif lead in h:
        out.append(Answerable(lead, h.unit(lead).name, "unit", "lead_department", lead, rule, far))
    else:  # dispatched to a department the city's organisation does not list
        out.append(Answerable(lead, lead, "department", "lead_department", lead, rule, far))
    seen = {a.code for a in out}
    for target in targets:
        for pr in index.pairings.get(target, ()):
            if pr.leader in seen:
                continue
            seen.add(pr.leader)
            leader = org.get(pr.leader)
            name = getattr(leader, "name", pr.leader)
            kind = "person" if isinstance(leader, Person) else "department"
            why = f"{pr.kind.chinese} {target}" + (f": {pr.source}" if pr.source else "")
            out.append(Answerable(pr.leader, name, kind, "pairing", target, why, far + 1))
    return tuple(out)


def _territorial(graph: AccountabilityGraph, line: list[Unit], level: Level) -> list[Answerable]:
    """Who answers along one territorial line, from its first unit up."""
    org = graph.organisation
    out: list[Answerable] = []
    for distance, unit in enumerate(line):
        if distance == 0:
            for p in org.staff_of(unit):
                if p.role in _STAFF_ROLES:
                    out.append(_person(p, p.role.value, unit.code, _GRID_STAFF, 0))
        head = org.head_of(unit)
        if head is not None:
            why = _head_rule(unit.level, level, distance, head.role is Role.GRID_CHIEF)
            out.append(_person(head, head.role.value, unit.code, why, distance))
        elif distance:
            why = _NOBODY.format(level=unit.level.slug, chinese=unit.level.chinese)
            out.append(Answerable(unit.code, unit.name, "unit", "unit", unit.code, why, distance))
    return out


def _person(p: Person, role: str, unit: str, rule: str, distance: int) -> Answerable:
    return Answerable(p.code, p.name, "person", role, unit, rule, distance)
