"""The duty matrix (职责分工): who leads, cooperates and supervises, by domain, asset and place.

Private helper of :mod:`urbangov.org` (import the names from there). A
:class:`DutyRule` says: in ``domain``, for assets of ``asset_kind`` (or any asset when
``None``), inside the territory of unit ``territory``, the ``lead`` department (牵头/负责)
is responsible, ``cooperating`` ones help (配合实施) and ``supervising`` ones check
(督促检查). The sources assign leads by asset or site as well as by place
(《城市管理协管员考核办法》篇5 §二): roads on the city's list are cleaned by the sanitation
station, other roads by the street, roads not handed over by their builder.

Resolution (:meth:`DutyMatrix.rule_for`) picks the most specific rule:

1. an exact ``asset_kind`` beats its dotted parent (``road.city_list`` → ``road``), which
   beats a rule for any asset (``None``);
2. among rules of the same asset kind, the deepest territory (the case unit itself, then
   its parent, …) wins.

A party may be a :class:`~urbangov.Level` instead of a department code: it means "the case
unit's own ancestor at that level" (``Level.STREET`` → the street the case lies in), and
resolves to that unit's code. Lookups are dictionary hits keyed by
``(domain, asset_kind, territory)`` along the unit's ancestor chain; nothing is scanned.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

import attrs

from urbangov.errors import HierarchyError, OrganisationError, combine
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.org._duty_rule import (
    DutyRule,
    Party,
    ResolvedDuty,
    check_asset_kind,
)
from urbangov.params import did_you_mean
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Domain, Level

__all__ = ["BoundDutyMatrix", "DutyMatrix"]


def _rules(value: Iterable[DutyRule]) -> tuple[DutyRule, ...]:
    return tuple(value)


def _build_index(rules: tuple[DutyRule, ...]) -> dict[tuple[Domain, str | None, str], DutyRule]:
    index: dict[tuple[Domain, str | None, str], DutyRule] = {}
    first: dict[tuple[Domain, str | None, str], int] = {}
    for n, rule in enumerate(rules):
        if not isinstance(rule, DutyRule):
            raise OrganisationError(f"expected a DutyRule, not {rule!r}", field=f"duties[{n}]")
        key = rule.key
        if key in index:
            other = index[key]
            what = "disagree" if other != rule else "repeat each other"
            raise OrganisationError(
                f"duties[{first[key]}] and duties[{n}] are rules of equal specificity "
                f"for domain {rule.domain.value} ({rule.domain.chinese}), asset kind "
                f"{rule.asset_kind or '(any)'}, territory {rule.territory} and {what}",
                field=f"duties[{n}]",
                hint="keep one rule per (domain, asset_kind, territory)",
            )
        index[key] = rule
        first[key] = n
    return index


@attrs.frozen(cache_hash=True, repr=False)
class DutyMatrix:
    """The duty matrix: :class:`DutyRule`\\ s resolved most-specific-first.

    The matrix is a value independent of any hierarchy; queries take the hierarchy as a
    keyword argument, or :meth:`bind` it once to get an object whose
    ``lead_for(domain, unit, asset_kind=None) -> str`` needs nothing else (the
    ``cases.lead_department`` protocol).

    Raises
    ------
    OrganisationError
        When two rules share ``(domain, asset_kind, territory)`` (equal specificity).

    Examples
    --------
    Road cleaning in 《城市管理协管员考核办法》篇5 §二(一): roads on the city's list → the
    sanitation station (环卫所), other roads → the street, roads not handed over → the
    builder.

    >>> from urbangov.vocabulary import Domain
    >>> from urbangov.vocabulary import Level
    >>> from urbangov.hierarchy import Hierarchy
    >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
    ...                          ("320105001", "南湖街道", "street", "320105")])
    >>> m = DutyMatrix([
    ...     DutyRule(Domain.SANITATION, None, "320105", Level.STREET),
    ...     DutyRule(Domain.SANITATION, "road.city_list", "320105", "hw_station"),
    ...     DutyRule(Domain.SANITATION, "road.not_handed_over", "320105", "builder"),
    ... ])
    >>> m.lead_for("sanitation", "320105001", "road.city_list", hierarchy=h)
    'hw_station'
    >>> m.lead_for(Domain.SANITATION, "320105001", "road.other", hierarchy=h)
    '320105001'
    """

    rules: tuple[DutyRule, ...] = attrs.field(default=(), converter=_rules)
    _index: dict[tuple[Domain, str | None, str], DutyRule] = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _kinds: frozenset[str] = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _build_index(self.rules))
        object.__setattr__(self, "_kinds", _kinds_of(self.rules))

    def __reduce__(self) -> tuple[Any, ...]:
        return (DutyMatrix, (self.rules,))

    def __repr__(self) -> str:
        return f"<DutyMatrix rules={len(self.rules)}>"

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[DutyRule]:
        return iter(self.rules)

    # ------------------------------------------------------------ resolution
    def rule_for(
        self,
        domain: Domain | str,
        unit: str | Unit,
        asset_kind: str | None = None,
        *,
        hierarchy: Hierarchy,
    ) -> DutyRule:
        """The most specific rule covering ``unit`` for ``domain`` and ``asset_kind``.

        An asset kind without a rule of its own (or of a dotted parent) takes the
        domain's general rule; an asset kind neither the matrix nor the bundled taxonomy
        knows is an error (a misspelt ``road.citylist`` would otherwise route silently
        to the general lead).

        Raises ``OrganisationError`` naming the domain and unit when no rule covers it,
        or the unknown asset kind with a did-you-mean.

        >>> from urbangov.vocabulary import Domain
        >>> from urbangov.hierarchy import Hierarchy
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None)])
        >>> m = DutyMatrix([DutyRule(Domain.LANDSCAPING, None, "320105", "cons_bureau")])
        >>> m.rule_for("园林绿化", "320105", "green_space", hierarchy=h).lead
        'cons_bureau'
        >>> m.rule_for("园林绿化", "320105", "green_spase", hierarchy=h)
        Traceback (most recent call last):
        ...
        urbangov.errors.OrganisationError: asset_kind: 'green_spase' is an asset kind ...
        """
        return self._rule_in(_domain(domain), _chain(hierarchy, unit), asset_kind)

    def _rule_in(self, dom: Domain, chain: tuple[Unit, ...], asset_kind: str | None) -> DutyRule:
        index = self._index
        if asset_kind is not None:
            if not isinstance(asset_kind, str):
                check_asset_kind(asset_kind, "asset_kind")  # raises
            if not self._knows(asset_kind):
                known = sorted(self._known_kinds())
                raise OrganisationError(
                    f"{asset_kind!r} is an asset kind neither the duty matrix nor the "
                    "taxonomy knows",
                    field="asset_kind",
                    hint=did_you_mean(asset_kind, known)
                    + " (a city's own asset kind needs a duty rule naming it)",
                )
            for kind in _asset_parents(asset_kind):
                for u in chain:
                    rule = index.get((dom, kind, u.code))
                    if rule is not None:
                        return rule
        for u in chain:
            rule = index.get((dom, None, u.code))
            if rule is not None:
                return rule
        raise OrganisationError(
            f"no {dom.value} ({dom.chinese}) duty rule covers unit {chain[0].code} "
            f"({chain[0].name})",
            field="duties",
            hint=f"add a [[organisation.duties]] rule for {dom.value} at "
            f"{chain[0].code} or one of its ancestors",
        )

    def _known_kinds(self) -> frozenset[str]:
        """The asset kinds of the matrix's rules and of the bundled taxonomy, with their
        dotted parents (``road`` of ``road.other``)."""
        return self._kinds

    def _knows(self, asset_kind: str) -> bool:
        """Whether ``asset_kind`` is known, or falls back to a parent with a rule."""
        if asset_kind in self._known_kinds():
            return True
        ruled = {r.asset_kind for r in self.rules}
        return any(parent in ruled for parent in _asset_parents(asset_kind)[1:])

    def resolve(
        self,
        domain: Domain | str,
        unit: str | Unit,
        asset_kind: str | None = None,
        *,
        hierarchy: Hierarchy,
    ) -> ResolvedDuty:
        """The applicable rule with every :class:`Level` party resolved to a unit code.

        >>> from urbangov.vocabulary import Domain
        >>> from urbangov.vocabulary import Level
        >>> from urbangov.hierarchy import Hierarchy
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...                          ("320105001", "南湖街道", "street", "320105")])
        >>> m = DutyMatrix([DutyRule(Domain.URBAN_TRAFFIC, None, "320105", "traffic_police",
        ...                          cooperating=(Level.STREET,))])
        >>> m.resolve("urban_traffic", "320105001", hierarchy=h).cooperating
        ('320105001',)
        """
        chain = _chain(hierarchy, unit)
        rule = self._rule_in(_domain(domain), chain, asset_kind)
        return ResolvedDuty(
            rule.domain,
            asset_kind,
            _resolve_party(rule.lead, chain, rule, "lead"),
            tuple(_resolve_party(p, chain, rule, "cooperating") for p in rule.cooperating),
            tuple(_resolve_party(p, chain, rule, "supervising") for p in rule.supervising),
            rule,
        )

    def lead_for(
        self,
        domain: Domain | str,
        unit: str | Unit,
        asset_kind: str | None = None,
        *,
        hierarchy: Hierarchy,
    ) -> str:
        """The lead (牵头/负责) department or unit code for a case in ``unit``.

        A :class:`Level` lead resolves to the unit's own ancestor at that level; if the
        unit lies above that level, ``OrganisationError`` says so.

        >>> from urbangov.vocabulary import Domain
        >>> from urbangov.vocabulary import Level
        >>> from urbangov.hierarchy import Hierarchy
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...                          ("320105001", "南湖街道", "street", "320105")])
        >>> m = DutyMatrix([DutyRule(Domain.CITY_APPEARANCE, None, "320105", Level.STREET)])
        >>> m.lead_for("city_appearance", "320105001", hierarchy=h)
        '320105001'
        """
        chain = _chain(hierarchy, unit)
        rule = self._rule_in(_domain(domain), chain, asset_kind)
        return _resolve_party(rule.lead, chain, rule, "lead")

    def cooperating_for(
        self,
        domain: Domain | str,
        unit: str | Unit,
        asset_kind: str | None = None,
        *,
        hierarchy: Hierarchy,
    ) -> tuple[str, ...]:
        """The cooperating (配合) parties' codes, Levels resolved (see :meth:`lead_for`)."""
        return self.resolve(domain, unit, asset_kind, hierarchy=hierarchy).cooperating

    def supervising_for(
        self,
        domain: Domain | str,
        unit: str | Unit,
        asset_kind: str | None = None,
        *,
        hierarchy: Hierarchy,
    ) -> tuple[str, ...]:
        """The supervising (监督) parties' codes, Levels resolved (see :meth:`lead_for`)."""
        return self.resolve(domain, unit, asset_kind, hierarchy=hierarchy).supervising

    def asset_kinds(self, domain: Domain | str | None = None) -> tuple[str, ...]:
        """The asset kinds that rules name (for ``domain`` only, if given), sorted.

        >>> from urbangov.vocabulary import Domain
        >>> DutyMatrix([DutyRule(Domain.SANITATION, "road.other", "1", "x")]).asset_kinds()
        ('road.other',)
        """
        dom = None if domain is None else Domain.parse(domain, field="domain")
        return tuple(
            sorted(
                {
                    r.asset_kind
                    for r in self.rules
                    if r.asset_kind is not None and (dom is None or r.domain is dom)
                }
            )
        )

    def table_for(self, unit: str | Unit, *, hierarchy: Hierarchy) -> tuple[ResolvedDuty, ...]:
        """Every domain's parties for ``unit``: one row per domain and per asset kind
        the rules name for it (the generic row first), in :class:`Domain` order.

        Rows whose rule names a level above ``unit`` are skipped.
        """
        rows: list[ResolvedDuty] = []
        for dom in Domain:
            for kind in (None, *self.asset_kinds(dom)):
                try:
                    rows.append(self.resolve(dom, unit, kind, hierarchy=hierarchy))
                except OrganisationError:
                    continue
        return tuple(rows)

    # ------------------------------------------------------------ validation
    def gaps(self, hierarchy: Hierarchy) -> tuple[tuple[Domain, str], ...]:
        """``(domain, unit code)`` pairs where some ground has no lead, in Domain order.

        "Everywhere" means every piece of ground: every leaf unit (one without children)
        must lie in the territory of a generic (``asset_kind = None``) rule of each
        domain. A unit above all rules (the city unit of a district's file) is covered
        when all its children are, though it has no lead of its own. Each gap is
        reported at the top-most unit whose subtree has no rule at all, or at an
        uncovered leaf.

        >>> from urbangov.hierarchy import Hierarchy
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None)])
        >>> len(DutyMatrix().gaps(h))
        12
        """
        kids: dict[str, list[str]] = {}
        parent: dict[str, str | None] = {}
        for u in hierarchy.units:
            parent[u.code] = u.parent
            if u.parent is not None:
                kids.setdefault(u.parent, []).append(u.code)
        roots = [u.code for u in hierarchy.units if u.parent is None]
        found: list[tuple[Domain, str]] = []
        for dom in Domain:
            territories = {t for (d, k, t) in self._index if d is dom and k is None}
            found += ((dom, code) for code in _uncovered(territories, kids, parent, roots))
        return tuple(found)

    def problems(
        self, hierarchy: Hierarchy, departments: Collection[str] | None = None
    ) -> list[OrganisationError]:
        """Every problem of this matrix against ``hierarchy`` (empty when valid):
        unknown territories, unknown departments (when ``departments`` is given),
        and domains without a lead somewhere."""
        out: list[OrganisationError] = []
        for n, rule in enumerate(self.rules):
            if rule.territory not in hierarchy:
                out.append(
                    OrganisationError(
                        f"territory {rule.territory} is not a unit of the hierarchy",
                        field=f"duties[{n}].territory",
                        hint="use the code of a unit in the city file's [[units]]",
                    )
                )
            if departments is None:
                continue
            named = (
                ("lead", (rule.lead,)),
                ("cooperating", rule.cooperating),
                ("supervising", rule.supervising),
            )
            for name, parties in named:
                for i, party in enumerate(parties):
                    if isinstance(party, str) and party not in departments:
                        suffix = "" if name == "lead" else f"[{i}]"
                        out.append(
                            OrganisationError(
                                f"{party!r} is not a department of the organisation",
                                field=f"duties[{n}].{name}{suffix}",
                                hint="add it to [[organisation.departments]] or write "
                                "'level:street' for the case unit's own street",
                            )
                        )
        for dom, code in self.gaps(hierarchy):
            u = hierarchy.unit(code)
            out.append(
                OrganisationError(
                    f"domain {dom.value} ({dom.chinese}) has no lead at {code} ({u.name}) "
                    "or below it",
                    field="duties",
                    hint=f"add a rule with domain = {dom.value!r}, no asset_kind and "
                    f"territory = {code!r} (or an ancestor)",
                )
            )
        return out

    def validate(self, hierarchy: Hierarchy, departments: Collection[str] | None = None) -> None:
        """Raise the first of :meth:`problems` (with a count of the others), if any.

        >>> from urbangov.hierarchy import Hierarchy
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None)])
        >>> DutyMatrix().validate(h)
        Traceback (most recent call last):
        ...
        urbangov.errors.OrganisationError: duties: 12 problems:
          - duties: domain sanitation ...
        """
        problems = self.problems(hierarchy, departments)
        if problems:
            raise combine(problems)

    def bind(self, hierarchy: Hierarchy) -> BoundDutyMatrix:
        """This matrix bound to ``hierarchy`` (validated: every domain has a lead everywhere).

        >>> from urbangov.hierarchy import Hierarchy
        >>> from urbangov.vocabulary import Domain
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None)])
        >>> m = DutyMatrix([DutyRule(d, None, "320105", "office") for d in Domain])
        >>> m.bind(h).lead_for("sanitation", "320105")
        'office'
        """
        return BoundDutyMatrix(self, hierarchy)


def _uncovered(
    territories: set[str],
    kids: dict[str, list[str]],
    parent: dict[str, str | None],
    roots: list[str],
) -> list[str]:
    """The gaps of one domain whose generic rules stand at ``territories`` (see
    :meth:`DutyMatrix.gaps`): only subtrees with a rule in them are looked into."""
    with_rule: set[str] = set()  # units with a rule at or below them
    for t in territories:
        code: str | None = t
        while code is not None and code not in with_rule:
            with_rule.add(code)
            code = parent.get(code)
    covered: dict[str, bool] = {}

    def ok(code: str) -> bool:
        """Every leaf below ``code`` (no rule above it) lies under a rule."""
        if code in territories:
            return True
        if code not in with_rule:
            return False
        got = covered.get(code)
        if got is None:
            below = kids.get(code, ())
            got = covered[code] = bool(below) and all(ok(k) for k in below)
        return got

    out: list[str] = []
    stack = sorted(roots, reverse=True)
    while stack:
        code = stack.pop()
        if ok(code):
            continue
        below = kids.get(code, ())
        if not below or code not in with_rule:
            out.append(code)
        else:
            stack.extend(sorted(below, reverse=True))
    return out


@attrs.frozen(repr=False)
class BoundDutyMatrix:
    """A :class:`DutyMatrix` bound to a :class:`~urbangov.Hierarchy`.

    Its queries take ``(domain, unit, asset_kind=None)`` only, the shape that
    ``cases.lead_department`` expects. Construction validates that every domain has a
    lead everywhere in the hierarchy (department codes are not checked here: see
    :meth:`DutyMatrix.problems`).
    """

    matrix: DutyMatrix
    hierarchy: Hierarchy

    def __attrs_post_init__(self) -> None:
        gaps = self.matrix.gaps(self.hierarchy)
        if gaps:
            self.matrix.validate(self.hierarchy)

    def __repr__(self) -> str:
        return f"<BoundDutyMatrix rules={len(self.matrix)} units={len(self.hierarchy)}>"

    def rule_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> DutyRule:
        """See :meth:`DutyMatrix.rule_for`."""
        return self.matrix.rule_for(domain, unit, asset_kind, hierarchy=self.hierarchy)

    def lead_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> str:
        """See :meth:`DutyMatrix.lead_for`."""
        return self.matrix.lead_for(domain, unit, asset_kind, hierarchy=self.hierarchy)

    def cooperating_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> tuple[str, ...]:
        """See :meth:`DutyMatrix.cooperating_for`."""
        return self.matrix.cooperating_for(domain, unit, asset_kind, hierarchy=self.hierarchy)

    def supervising_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> tuple[str, ...]:
        """See :meth:`DutyMatrix.supervising_for`."""
        return self.matrix.supervising_for(domain, unit, asset_kind, hierarchy=self.hierarchy)


_DOMAINS: dict[str, Domain] = {d.value: d for d in Domain}


def _kinds_of(rules: tuple[DutyRule, ...]) -> frozenset[str]:
    kinds = {r.asset_kind for r in rules if r.asset_kind is not None}
    kinds |= {c.asset_kind for c in Taxonomy.default().categories() if c.asset_kind is not None}
    return frozenset(parent for kind in kinds for parent in _asset_parents(kind))


def _domain(domain: Domain | str) -> Domain:
    if isinstance(domain, Domain):
        return domain
    found = _DOMAINS.get(domain)
    return found if found is not None else Domain.parse(domain, field="domain")


@functools.lru_cache(maxsize=4096)
def _asset_parents(asset_kind: str) -> tuple[str, ...]:
    """``"a.b.c"`` → ``("a.b.c", "a.b", "a")``, after checking the slug (pure, memoised)."""
    parts = check_asset_kind(asset_kind, "asset_kind").split(".")
    return tuple(".".join(parts[:i]) for i in range(len(parts), 0, -1))


def _chain(hierarchy: Hierarchy, unit: str | Unit) -> tuple[Unit, ...]:
    try:
        u = hierarchy.unit(unit)
        return (u, *hierarchy.ancestors(u))
    except HierarchyError as exc:  # re-raised as an organisation query error
        raise OrganisationError(
            f"unit {unit!r} is not in the hierarchy",
            field="unit",
            hint="pass the code of a unit in the city file",
        ) from exc


def _resolve_party(party: Party, chain: Sequence[Unit], rule: DutyRule, role: str) -> str:
    if not isinstance(party, Level):
        return party
    for u in chain:
        if u.level == party:
            return u.code
    raise OrganisationError(
        f"the {rule.domain.value} rule at {rule.territory} names the {party.slug} "
        f"({party.chinese}) as {role}, but {chain[0].level.slug} {chain[0].code} has no "
        f"{party.slug} at or above it",
        field="unit",
        hint=f"ask about a unit at {party.slug} level or below",
    )
