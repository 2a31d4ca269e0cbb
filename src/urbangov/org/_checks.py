"""Consistency checks and indexes of :mod:`urbangov.org` (private).

Problems are :class:`~urbangov.OrganisationError`\\ s whose ``field`` is a path inside the
``organisation`` table (``persons[3].unit``); ``_org_files.locate`` adds the file and line
when the organisation came from a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from urbangov.errors import OrganisationError
from urbangov.hierarchy import Hierarchy
from urbangov.org._duty import DutyMatrix
from urbangov.org._parts import (
    _CHAIN_PARENT,
    Committee,
    CommitteeKind,
    Contract,
    Department,
    DepartmentKind,
    Frontage,
    Pairing,
    Person,
    Role,
    Sector,
)
from urbangov.vocabulary import Level


class _Parts(Protocol):
    @property
    def departments(self) -> tuple[Any, ...]: ...
    @property
    def persons(self) -> tuple[Any, ...]: ...
    @property
    def sectors(self) -> tuple[Any, ...]: ...
    @property
    def committees(self) -> tuple[Any, ...]: ...
    @property
    def pairings(self) -> tuple[Any, ...]: ...
    @property
    def contracts(self) -> tuple[Any, ...]: ...
    @property
    def frontages(self) -> tuple[Any, ...]: ...
    @property
    def duties(self) -> DutyMatrix: ...


def _problem(path: str, message: str, hint: str | None = None) -> OrganisationError:
    return OrganisationError(message, field=path, hint=hint)


# ---------------------------------------------------------------- internal checks
_CODED = ("departments", "persons", "sectors", "committees", "contracts", "frontages")


def internal_problems(org: _Parts) -> list[OrganisationError]:
    """Problems checkable without a hierarchy (see ``Organisation``): types first, then
    unique codes, then each part's references."""
    out = _type_problems(org)
    if out:
        return out
    by_code, out = _code_index(org)
    if out:
        return out
    for check in (
        _department_problems,
        _person_problems,
        _committee_problems,
        _separation_problems,
        _office_problems,
        _reference_problems,
        _duty_party_problems,
    ):
        out += check(org, by_code)
    return out


_EXPECTED_TYPE: dict[str, type] = {
    "departments": Department,
    "persons": Person,
    "sectors": Sector,
    "committees": Committee,
    "pairings": Pairing,
    "contracts": Contract,
    "frontages": Frontage,
}


def _type_problems(org: _Parts) -> list[OrganisationError]:
    out: list[OrganisationError] = []
    for part, cls in _EXPECTED_TYPE.items():
        for n, item in enumerate(getattr(org, part)):
            if not isinstance(item, cls):
                out.append(_problem(f"{part}[{n}]", f"expected a {cls.__name__}, not {item!r}"))
    return out


def _code_index(org: _Parts) -> tuple[dict[str, Any], list[OrganisationError]]:
    out: list[OrganisationError] = []
    by_code: dict[str, Any] = {}
    for part in _CODED:
        for n, item in enumerate(getattr(org, part)):
            if item.code in by_code:
                out.append(
                    _problem(
                        f"{part}[{n}].code",
                        f"code {item.code!r} is already used",
                        "codes are unique across departments, persons, sectors, committees, "
                        "contracts and frontages",
                    )
                )
            else:
                by_code[item.code] = item
    return by_code, out


def _is(by_code: Mapping[str, Any], code: str | None, cls: type) -> bool:
    return code is not None and isinstance(by_code.get(code), cls)


def _department_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """Parents exist, no cycles, the enforcement chain's shape."""
    out: list[OrganisationError] = []
    for n, d in enumerate(org.departments):
        if d.parent is None:
            continue
        if not _is(by_code, d.parent, Department):
            out.append(_missing(f"departments[{n}].parent", d.parent, "department", by_code))
            continue
        want = _CHAIN_PARENT.get(d.kind)
        parent_kind = by_code[d.parent].kind
        if want is not None and parent_kind is not want:
            out.append(
                _problem(
                    f"departments[{n}].parent",
                    f"a {d.kind.value} ({d.kind.chinese}) belongs to a {want.value} "
                    f"({want.chinese}), but {d.parent} is a {parent_kind.value}",
                    "the enforcement chain runs 局 → 大队 → 中队 → 分队 "
                    "(《城市管理协管员考核办法》篇7)",
                )
            )
        seen = {d.code}
        cur: Any = by_code[d.parent]
        while cur is not None:
            if cur.code in seen:
                out.append(
                    _problem(
                        f"departments[{n}].parent",
                        f"department parents form a cycle through {d.code}",
                    )
                )
                break
            seen.add(cur.code)
            cur = by_code.get(cur.parent) if cur.parent is not None else None
            if cur is not None and not isinstance(cur, Department):
                break
    return out


def _person_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """Departments exist; one head per unit."""
    out: list[OrganisationError] = []
    heads: dict[str, int] = {}
    for n, p in enumerate(org.persons):
        if p.department is not None and not _is(by_code, p.department, Department):
            out.append(_missing(f"persons[{n}].department", p.department, "department", by_code))
        if p.heads:
            assert p.unit is not None
            if p.unit in heads:
                out.append(
                    _problem(
                        f"persons[{n}].unit",
                        f"unit {p.unit} already has a head (persons[{heads[p.unit]}]); a unit "
                        "has one first responsible person (第一责任人)",
                        "give the other person another role, e.g. leader (分管领导)",
                    )
                )
            else:
                heads[p.unit] = n
    return out


def _committee_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """Parents, hosts and members exist; a group serves its committee's unit."""
    out: list[OrganisationError] = []
    for n, c in enumerate(org.committees):
        if c.parent is not None:
            if not _is(by_code, c.parent, Committee):
                out.append(_missing(f"committees[{n}].parent", c.parent, "committee", by_code))
            elif by_code[c.parent].unit != c.unit:
                out.append(
                    _problem(
                        f"committees[{n}].unit",
                        f"a group serves its committee's unit {by_code[c.parent].unit}, "
                        f"not {c.unit}",
                    )
                )
        if c.host is not None and not _is(by_code, c.host, Department):
            out.append(_missing(f"committees[{n}].host", c.host, "department", by_code))
        for i, m in enumerate(c.members):
            if not (_is(by_code, m, Department) or _is(by_code, m, Person)):
                out.append(
                    _missing(f"committees[{n}].members[{i}]", m, "department or person", by_code)
                )
    return out


def _separation_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """监管分离: a committee's assessment group is not hosted by its management group."""
    out: list[OrganisationError] = []
    groups: dict[str, list[tuple[int, Any]]] = {}
    for n, c in enumerate(org.committees):
        if c.parent is not None:
            groups.setdefault(c.parent, []).append((n, c))
    for parent, members in groups.items():
        managers = {g.host for _, g in members if g.kind is CommitteeKind.MANAGEMENT_GROUP}
        for n, g in members:
            if g.kind is CommitteeKind.ASSESSMENT_GROUP and g.host in managers:
                out.append(
                    _problem(
                        f"committees[{n}].host",
                        f"the assessment group of {parent} sits in {g.host}, like its "
                        "management group: management and supervision must be separate "
                        "(监管分离, 《城市管理协管员考核办法》篇5 §一)",
                        "host the assessment group elsewhere (e.g. the information centre)",
                    )
                )
    return out


OFFICE_KINDS = frozenset(
    {DepartmentKind.GOVERNMENT, DepartmentKind.STREET_OFFICE, DepartmentKind.COMMUNITY}
)
"""The kinds of department that act for the unit they sit in (its designated office):
a district government (区政府), a street office (街道办事处), a community committee
(社区居委会)."""


def _office_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """A unit has at most one designated office (the office a Level duty party means)."""
    out: list[OrganisationError] = []
    seen: dict[str, int] = {}
    for n, d in enumerate(org.departments):
        if d.unit is None or d.kind not in OFFICE_KINDS:
            continue
        if d.unit in seen:
            first = org.departments[seen[d.unit]]
            out.append(
                _problem(
                    f"departments[{n}].unit",
                    f"unit {d.unit} already has a designated office, {first.code} "
                    f"({first.name}); a duty rule naming the unit's level means one office",
                    "give the other department another kind (e.g. section 科室) or unit",
                )
            )
        else:
            seen[d.unit] = n
    return out


def _reference_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """Pairings and frontages name what exists."""
    out: list[OrganisationError] = []
    for n, pr in enumerate(org.pairings):
        if pr.leader not in by_code:
            out.append(
                _missing(f"pairings[{n}].leader", pr.leader, "person or department", by_code)
            )
        elif not (_is(by_code, pr.leader, Person) or _is(by_code, pr.leader, Department)):
            out.append(
                _problem(f"pairings[{n}].leader", "a pairing's leader is a person or department")
            )
    for n, f in enumerate(org.frontages):
        if f.contract is not None and not _is(by_code, f.contract, Contract):
            out.append(_missing(f"frontages[{n}].contract", f.contract, "contract", by_code))
    return out


def _duty_party_problems(org: _Parts, by_code: Mapping[str, Any]) -> list[OrganisationError]:
    """Every department a duty rule names exists."""
    out: list[OrganisationError] = []
    for n, rule in enumerate(org.duties.rules):
        named = (("lead", (rule.lead,)), ("cooperating", rule.cooperating))
        for name, parties in (*named, ("supervising", rule.supervising)):
            for i, party in enumerate(parties):
                if isinstance(party, str) and not _is(by_code, party, Department):
                    where = f"duties[{n}].{name}" + ("" if name == "lead" else f"[{i}]")
                    out.append(
                        _problem(
                            where,
                            f"{party!r} is not a department of the organisation",
                            "add it to [[organisation.departments]] or write 'level:street' "
                            "for the case unit's own street",
                        )
                    )
    return out


def _missing(path: str, code: str, what: str, known: Mapping[str, object]) -> OrganisationError:
    close = difflib.get_close_matches(code, list(known), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"define the {what} first"
    return _problem(path, f"{code!r} is not a {what} of the organisation", hint)


def build_index(org: Any, index_cls: Callable[..., Any]) -> Any:
    """The lookup dictionaries of an organisation."""
    by_code: dict[str, object] = {}
    for part in _CODED:
        for item in getattr(org, part):
            by_code[item.code] = item
    heads: dict[str, Any] = {}
    staff: dict[str, list[Any]] = {}
    members: dict[str, list[Any]] = {}
    offices: dict[str, str] = {}
    for d in org.departments:
        if d.unit is not None and d.kind in OFFICE_KINDS:
            offices.setdefault(d.unit, d.code)
    for p in org.persons:
        if p.heads:
            heads[p.unit] = p
        elif p.unit is not None:
            staff.setdefault(p.unit, []).append(p)
        if p.department is not None:
            members.setdefault(p.department, []).append(p)
    return index_cls(
        by_code=by_code,
        heads=heads,
        staff={k: tuple(v) for k, v in staff.items()},
        members_of={k: tuple(v) for k, v in members.items()},
        offices=offices,
    )


# ---------------------------------------------------------------- city checks
def city_problems(hierarchy: Hierarchy, org: Any) -> list[OrganisationError]:
    """Problems of ``org`` against ``hierarchy`` (see ``City``)."""
    out: list[OrganisationError] = []
    segments = {s.code for s in hierarchy.segments}
    sectors = {s.code for s in org.sectors}
    known = {item.code for part in _CODED for item in getattr(org, part)}

    def unit_ok(path: str, code: str | None) -> None:
        if code is not None and code not in hierarchy:
            out.append(
                _problem(
                    path,
                    f"{code!r} is not a unit of the hierarchy",
                    "use the code of a unit in the city file's [[units]]",
                )
            )

    def any_ok(path: str, code: str, what: str) -> None:
        if code not in known and code not in hierarchy:
            out.append(_problem(path, f"{code!r} is neither a {what} nor a unit", "check the code"))

    for part in _CODED:
        for n, item in enumerate(getattr(org, part)):
            if item.code in hierarchy or item.code in segments:
                out.append(
                    _problem(
                        f"{part}[{n}].code",
                        f"code {item.code!r} is also a unit or segment code",
                        "organisation codes must differ from unit and segment codes",
                    )
                )
    for n, d in enumerate(org.departments):
        unit_ok(f"departments[{n}].unit", d.unit)
        for i, c in enumerate(d.covers):
            if c not in hierarchy and c not in sectors:
                out.append(
                    _problem(
                        f"departments[{n}].covers[{i}]",
                        f"{c!r} is neither a unit nor a sector",
                        "四定四包: a brigade covers a district, a squadron a sector (片), "
                        "a team a street",
                    )
                )
    for n, s in enumerate(org.sectors):
        for i, u in enumerate(s.units):
            unit_ok(f"sectors[{n}].units[{i}]", u)
    for n, p in enumerate(org.persons):
        unit_ok(f"persons[{n}].unit", p.unit)
        if p.role is Role.GRID_CHIEF and p.unit is not None and p.unit in hierarchy:
            level = hierarchy.unit(p.unit).level
            if level is not Level.GRID:
                out.append(
                    _problem(
                        f"persons[{n}].unit",
                        f"a grid chief (网格长) heads a grid, but {p.unit} is a {level.slug}",
                        "use role first_responsible (第一责任人) for other units",
                    )
                )
        for i, seg in enumerate(p.segments):
            if seg not in segments:
                out.append(
                    _problem(
                        f"persons[{n}].segments[{i}]",
                        f"{seg!r} is not a road segment of the city file",
                        "个人包段: list codes from [[segments]]",
                    )
                )
    for n, cm in enumerate(org.committees):
        unit_ok(f"committees[{n}].unit", cm.unit)
        for i, scored in enumerate(cm.scores):
            any_ok(f"committees[{n}].scores[{i}]", scored, "department or committee")
    for n, pr in enumerate(org.pairings):
        any_ok(f"pairings[{n}].target", pr.target, "department, person or committee")
    for n, ct in enumerate(org.contracts):
        any_ok(f"contracts[{n}].signer", ct.signer, "party of the organisation")
        any_ok(f"contracts[{n}].signee", ct.signee, "party of the organisation")
    for n, f in enumerate(org.frontages):
        if f.area not in segments and f.area not in hierarchy:
            out.append(
                _problem(
                    f"frontages[{n}].area",
                    f"{f.area!r} is neither a road segment nor a unit",
                    "门前三包 covers the pavement of a segment or a grid",
                )
            )
    out.extend(org.duties.problems(hierarchy))
    return out
