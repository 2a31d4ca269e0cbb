"""The accountability graph: reporting, duty and accountability as one networkx graph.

:meth:`AccountabilityGraph.build` checks a hierarchy and an organisation against each
other (as :class:`~urbangov.org.City` does) and wraps a read-only
``networkx.MultiDiGraph`` for users' own analysis (centrality, load, paths). Nodes are
codes; each node has a ``type`` (``unit``, ``department``, ``committee``, ``person``,
``sector``, ``segment``, ``frontage``) and a ``name``. Each edge has a ``kind``:

==================  ==============================================================
``reports_to``      unit → parent unit (属地管理)
``heads``           person → unit: the first responsible person (第一责任人, 网格长)
``staffs``          person → unit: 网格员, 协管员, 监督员… posted there
``leads``           department → territory, with ``domain``, ``asset_kind``, ``source``
``cooperates``      department → territory (配合), same attributes
``supervises``      department → territory (监督), same attributes; and an assessment
                    group (考评组) → what it scores
``commands``        department → sub-department (局 → 大队 → 中队 → 分队) and
                    department → its people (→ 执法队员)
``covers``          department → unit or sector (大队包区、中队包片、分队包街);
                    person → segment (个人包段), after 四定四包 (《城市管理协管员考核办法》篇7)
``includes``        sector → unit
``lies_in``         segment → unit
``part_of``         group → committee; ``hosted_by`` group → department;
                    ``member_of`` department or person → committee
``pairs_with``      leader → target (包抓/挂点), with ``pairing`` and ``visits_per_week``
``contracts``       signer → signee (目标责任书), with ``code``, ``year``, ``subject``
``responsible_for`` frontage holder → segment or unit (门前三包), with ``duties``
==================  ==============================================================

A duty party that is a :class:`~urbangov.Level` ("the street") becomes one edge from
each unit at that level inside the rule's territory to itself. Edges show every rule;
which rule applies to a case is what :meth:`AccountabilityGraph.lead_for` answers.

Queries (:meth:`~AccountabilityGraph.escalation_chain`,
:meth:`~AccountabilityGraph.first_responsible`, :meth:`~AccountabilityGraph.lead_for`…)
use the hierarchy's and the organisation's indexes, never graph searches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import networkx as nx

from urbangov.errors import OrganisationError
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.org import City, Organisation, Person, party_to_text
from urbangov.vocabulary import Domain, Level

__all__ = ["EDGE_KINDS", "AccountabilityGraph", "EscalationStep"]

EDGE_KINDS = (
    "reports_to",
    "heads",
    "staffs",
    "leads",
    "cooperates",
    "supervises",
    "commands",
    "covers",
    "includes",
    "lies_in",
    "part_of",
    "hosted_by",
    "member_of",
    "pairs_with",
    "contracts",
    "responsible_for",
)
"""Every edge ``kind`` the graph uses."""


@attrs.frozen
class EscalationStep:
    """One step of an escalation chain: a unit and its first responsible person.

    ``first_responsible`` is ``None`` where the organisation names nobody.
    """

    unit: Unit
    first_responsible: Person | None


@attrs.frozen(cache_hash=True, repr=False)
class AccountabilityGraph:
    """Reporting lines, duties and accountability of a city, as a networkx graph.

    Build it with :meth:`build` (or :meth:`from_city`). The value compares and hashes by
    its hierarchy and organisation, and pickles by rebuilding.

    Examples
    --------
    >>> from urbangov.org import DutyMatrix, DutyRule, Person, Role
    >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
    ...     ("320105001", "南湖街道", "street", "320105"),
    ...     ("320105001001", "南湖一社区", "community", "320105001")])
    >>> o = Organisation(
    ...     persons=[Person("p1", "主任", Role.FIRST_RESPONSIBLE, unit="320105001")],
    ...     duties=DutyMatrix([DutyRule(d, None, "320105", Level.STREET) for d in Domain]))
    >>> g = AccountabilityGraph.build(h, o)
    >>> [(s.unit.name, s.first_responsible and s.first_responsible.name)
    ...  for s in g.escalation_chain("320105001001")]
    [('南湖一社区', None), ('南湖街道', '主任'), ('建邺区', None)]
    >>> g.lead_for("环境卫生", "320105001001")
    '320105001'
    >>> g.graph.number_of_edges("320105001", "320105")
    1
    """

    hierarchy: Hierarchy
    organisation: Organisation
    _city: City = attrs.field(init=False, eq=False, hash=False, repr=False)
    _graph: nx.MultiDiGraph[str] = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        city = City(self.hierarchy, self.organisation)  # validates both together
        object.__setattr__(self, "_city", city)
        object.__setattr__(self, "_graph", nx.freeze(_build(self.hierarchy, self.organisation)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (AccountabilityGraph, (self.hierarchy, self.organisation))

    def __repr__(self) -> str:
        g = self._graph
        return f"<AccountabilityGraph nodes={g.number_of_nodes()} edges={g.number_of_edges()}>"

    @classmethod
    def build(cls, hierarchy: Hierarchy, organisation: Organisation) -> AccountabilityGraph:
        """Check ``organisation`` against ``hierarchy`` and build the graph.

        Raises ``OrganisationError`` as :class:`~urbangov.org.City` does.
        """
        return cls(hierarchy, organisation)

    @classmethod
    def from_city(cls, city: City) -> AccountabilityGraph:
        """The graph of a loaded :class:`~urbangov.org.City`."""
        return cls(city.hierarchy, city.organisation)

    @property
    def graph(self) -> nx.MultiDiGraph[str]:
        """The read-only ``networkx.MultiDiGraph`` (``nx.freeze``: mutators raise)."""
        return self._graph

    @property
    def city(self) -> City:
        """The hierarchy and organisation as a :class:`~urbangov.org.City`."""
        return self._city

    # ------------------------------------------------------------ queries
    def first_responsible(self, unit: str | Unit) -> Person | None:
        """The unit's first responsible person (第一责任人; a grid's 网格长), or ``None``.

        Raises ``HierarchyError`` for an unknown unit.
        """
        return self.organisation.head_of(self.hierarchy.unit(unit))

    def escalation_chain(self, unit: str | Unit) -> tuple[EscalationStep, ...]:
        """``unit`` and its ancestors up to its root (following ``reports_to``), each
        with its first responsible person: who answers at each level as a problem
        climbs (小事不出网格、大事不出镇办, 《中心城区网格化综合监管工作推进会讲话》§二(五)).

        Raises ``HierarchyError`` for an unknown unit.
        """
        u = self.hierarchy.unit(unit)
        head = self.organisation.head_of
        return tuple(EscalationStep(x, head(x.code)) for x in (u, *self.hierarchy.ancestors(u)))

    def lead_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> str:
        """The lead department's code (see ``City.lead_for``: a Level lead is the unit's
        designated office)."""
        return self._city.lead_for(domain, unit, asset_kind)

    def cooperating_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> tuple[str, ...]:
        """The cooperating parties' codes (see ``City.cooperating_for``)."""
        return self._city.cooperating_for(domain, unit, asset_kind)

    def supervising_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> tuple[str, ...]:
        """The supervising parties' codes (see ``City.supervising_for``)."""
        return self._city.supervising_for(domain, unit, asset_kind)

    def edges(self, kind: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Edges of one ``kind`` as ``(source, target, attributes)`` (a graph scan).

        >>> from urbangov.org import DutyRule
        >>> g = AccountabilityGraph.build(
        ...     Hierarchy.from_rows([("320105", "建邺区", "district", None)]),
        ...     Organisation(duties=[DutyRule(d, None, "320105", Level.DISTRICT)
        ...                          for d in Domain]))
        >>> len(list(g.edges("leads")))
        12
        """
        if kind not in EDGE_KINDS:
            raise OrganisationError(
                f"unknown edge kind {kind!r}", field="kind", hint=f"use one of {EDGE_KINDS}"
            )
        for a, b, data in self._graph.edges(data=True):
            if data["kind"] == kind:
                yield a, b, data


def _build(h: Hierarchy, o: Organisation) -> nx.MultiDiGraph[str]:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for u in h.units:
        g.add_node(u.code, type="unit", name=u.name, level=u.level.slug)
    for s in h.segments:
        g.add_node(s.code, type="segment", name=s.name)
        g.add_edge(s.code, s.unit, kind="lies_in")
    for u in h.units:
        if u.parent is not None:
            g.add_edge(u.code, u.parent, kind="reports_to")
    for d in o.departments:
        g.add_node(d.code, type="department", name=d.name, kind=d.kind.value)
    for sec in o.sectors:
        g.add_node(sec.code, type="sector", name=sec.name)
        for unit in sec.units:
            g.add_edge(sec.code, unit, kind="includes")
    for c in o.committees:
        g.add_node(c.code, type="committee", name=c.name, kind=c.kind.value, unit=c.unit)
    for p in o.persons:
        g.add_node(p.code, type="person", name=p.name, role=p.role.value, title=p.title)
    for f in o.frontages:
        g.add_node(f.code, type="frontage", name=f.holder)
        g.add_edge(f.code, f.area, kind="responsible_for", duties=f.duties)
    for d in o.departments:
        if d.parent is not None:
            g.add_edge(d.parent, d.code, kind="commands")
        for area in d.covers:
            g.add_edge(d.code, area, kind="covers")
    for p in o.persons:
        if p.unit is not None:
            g.add_edge(p.code, p.unit, kind="heads" if p.heads else "staffs")
        if p.department is not None:
            g.add_edge(p.department, p.code, kind="commands")
        for seg in p.segments:
            g.add_edge(p.code, seg, kind="covers")
    for c in o.committees:
        if c.parent is not None:
            g.add_edge(c.code, c.parent, kind="part_of")
        if c.host is not None:
            g.add_edge(c.code, c.host, kind="hosted_by")
        for m in c.members:
            g.add_edge(m, c.code, kind="member_of")
        for scored in c.scores:
            g.add_edge(c.code, scored, kind="supervises")
    for pr in o.pairings:
        g.add_edge(
            pr.leader,
            pr.target,
            kind="pairs_with",
            pairing=pr.kind.value,
            visits_per_week=pr.visits_per_week,
            source=pr.source,
        )
    for ct in o.contracts:
        g.add_edge(
            ct.signer, ct.signee, kind="contracts", code=ct.code, year=ct.year, subject=ct.subject
        )
    for rule in o.duties.rules:
        attrs_ = {"domain": rule.domain.value, "asset_kind": rule.asset_kind, "source": rule.source}
        for kind, parties in (
            ("leads", (rule.lead,)),
            ("cooperates", rule.cooperating),
            ("supervises", rule.supervising),
        ):
            for party in parties:
                if isinstance(party, Level):
                    for code in _at_level(h, rule.territory, party):
                        g.add_edge(code, code, kind=kind, party=party_to_text(party), **attrs_)
                else:
                    g.add_edge(party, rule.territory, kind=kind, **attrs_)
    return g


def _at_level(h: Hierarchy, territory: str, level: Level) -> tuple[str, ...]:
    top = h.unit(territory)
    if top.level == level:
        return (top.code,)
    return tuple(u.code for u in h.descendants(top, level=level))
