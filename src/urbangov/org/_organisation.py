"""The organisation: departments, people, committees, the enforcement chain, pairings,
contracts, frontage duties and the duty matrix (《城市管理协管员考核办法》篇5, 篇7, 篇9).

Private: :mod:`urbangov.org` re-exports the public names.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from urbangov.errors import OrganisationError, UrbangovError, combine
from urbangov.hierarchy import Hierarchy, Unit
from urbangov.hierarchy import check_file as hierarchy_check_file
from urbangov.org import _checks as _org_checks
from urbangov.org import _files as _org_files
from urbangov.org._duty import BoundDutyMatrix, DutyMatrix
from urbangov.org._duty_rule import (
    DutyRule,
)
from urbangov.org._parts import (
    Committee,
    CommitteeKind,
    Contract,
    Department,
    Frontage,
    Pairing,
    Person,
    Sector,
)
from urbangov.params import did_you_mean
from urbangov.vocabulary import Domain, Level

__all__ = ["City", "Organisation", "check_city_file", "load_city", "merge_organisation_file"]


# ---------------------------------------------------------------- the whole
def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


def _matrix(value: DutyMatrix | Iterable[DutyRule]) -> DutyMatrix:
    if isinstance(value, DutyMatrix):
        return value
    return DutyMatrix(value)


@attrs.frozen(eq=False, repr=False)
class _OrgIndex:
    by_code: dict[str, object]
    heads: dict[str, Person]
    staff: dict[str, tuple[Person, ...]]
    members_of: dict[str, tuple[Person, ...]]
    offices: dict[str, str]


@attrs.frozen(cache_hash=True, repr=False)
class Organisation:
    """The accountability structure of a city: a frozen value.

    Every part is a tuple in the order given (files round-trip exactly). Construction
    checks what can be checked without a hierarchy: codes unique across departments,
    persons, sectors, committees, contracts and frontages; references between them;
    department parents acyclic; the enforcement chain's shape (a squadron under a
    brigade, a team under a squadron); one head per unit; 监管分离 (a committee's
    management and assessment groups sit in different departments); duty-rule parties
    are departments. :class:`City` adds the checks against the hierarchy.

    Raises
    ------
    OrganisationError
        Naming the offending field; with several problems, all are listed.
    """

    departments: tuple[Department, ...] = attrs.field(default=(), converter=_tuple)
    persons: tuple[Person, ...] = attrs.field(default=(), converter=_tuple)
    sectors: tuple[Sector, ...] = attrs.field(default=(), converter=_tuple)
    committees: tuple[Committee, ...] = attrs.field(default=(), converter=_tuple)
    pairings: tuple[Pairing, ...] = attrs.field(default=(), converter=_tuple)
    contracts: tuple[Contract, ...] = attrs.field(default=(), converter=_tuple)
    frontages: tuple[Frontage, ...] = attrs.field(default=(), converter=_tuple)
    duties: DutyMatrix = attrs.field(factory=DutyMatrix, converter=_matrix)
    name: str = ""
    note: str = ""
    _index: _OrgIndex = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems = _org_checks.internal_problems(self)
        if problems:
            raise combine(problems)
        object.__setattr__(self, "_index", _org_checks.build_index(self, _OrgIndex))

    def __reduce__(self) -> tuple[Any, ...]:
        fields = {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}
        return (functools.partial(Organisation, **fields), ())

    def __repr__(self) -> str:
        return (
            f"<Organisation departments={len(self.departments)} persons={len(self.persons)} "
            f"committees={len(self.committees)} duties={len(self.duties)}>"
        )

    # ------------------------------------------------------------ queries
    def get(self, code: str) -> object | None:
        """The department, person, sector, committee, contract or frontage with ``code``."""
        return self._index.by_code.get(code)

    def department(self, code: str) -> Department:
        """The department with ``code`` (``OrganisationError`` if there is none).

        >>> Organisation([Department("b", "区市容局", DepartmentKind.BUREAU)]).department("b").name
        '区市容局'
        """
        found = self._index.by_code.get(code)
        if not isinstance(found, Department):
            raise OrganisationError(
                "no such department", field=repr(code), hint="see [[organisation.departments]]"
            )
        return found

    def office_of(self, unit: str | Unit) -> str | None:
        """The code of the unit's designated office (the department that acts for it:
        its government, street office or community committee), or ``None``.

        A duty rule whose party is a level (``level:street``) means this office where
        the organisation names one.

        >>> org = Organisation([Department("so1", "南湖街道办事处", DepartmentKind.STREET_OFFICE,
        ...                                unit="320105001")])
        >>> org.office_of("320105001"), org.office_of("320105002")
        ('so1', None)
        """
        code = unit.code if isinstance(unit, Unit) else unit
        return self._index.offices.get(code)

    def person(self, code: str) -> Person:
        """The person with ``code`` (``OrganisationError`` if there is none)."""
        found = self._index.by_code.get(code)
        if not isinstance(found, Person):
            raise OrganisationError(
                "no such person", field=repr(code), hint="see [[organisation.persons]]"
            )
        return found

    def head_of(self, unit: str | Unit) -> Person | None:
        """The unit's first responsible person (第一责任人; a grid's 网格长), or ``None``."""
        return self._index.heads.get(unit.code if isinstance(unit, Unit) else unit)

    def staff_of(self, unit: str | Unit) -> tuple[Person, ...]:
        """People posted to ``unit`` who do not head it (网格员, 协管员, 监督员…)."""
        return self._index.staff.get(unit.code if isinstance(unit, Unit) else unit, ())

    def members_of(self, department: str) -> tuple[Person, ...]:
        """People whose ``department`` is ``department`` (a team's officers…)."""
        return self._index.members_of.get(department, ())

    def chain_of_command(self, department: str) -> tuple[Department, ...]:
        """``department`` and the departments above it, nearest first (分队 → 中队 → 大队 → 局).

        Examples
        --------
        >>> o = Organisation([Department("b", "局", DepartmentKind.BUREAU),
        ...                   Department("d", "大队", DepartmentKind.BRIGADE, parent="b")])
        >>> [d.code for d in o.chain_of_command("d")]
        ['d', 'b']
        """
        out = [self.department(department)]
        while out[-1].parent is not None:
            out.append(self.department(out[-1].parent))
        return tuple(out)

    def committee_of(self, unit: str | Unit) -> Committee | None:
        """The city-management committee (城市管理委员会) of ``unit``, or ``None``."""
        code = unit.code if isinstance(unit, Unit) else unit
        for c in self.committees:
            if c.kind is CommitteeKind.COMMITTEE and c.unit == code:
                return c
        return None

    def missing_mirrors(self, hierarchy: Hierarchy) -> tuple[str, ...]:
        """Streets without their own committee under a unit that has one: each street
        should mirror the district committee (《城市管理协管员考核办法》篇5 §三(一)). Advisory, not
        enforced.

        >>> from urbangov.hierarchy import Hierarchy
        >>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
        ...                          ("320105001", "南湖街道", "street", "320105")])
        >>> Organisation(committees=[Committee("cmc", "区城市管理委员会",
        ...     CommitteeKind.COMMITTEE, "320105")]).missing_mirrors(h)
        ('320105001',)
        """
        with_committee = {c.unit for c in self.committees if c.kind is CommitteeKind.COMMITTEE}
        return tuple(
            s.code
            for s in hierarchy.at_level(Level.STREET)
            if s.code not in with_committee
            and any(a.code in with_committee for a in hierarchy.ancestors(s))
        )

    # ------------------------------------------------------------ files
    def to_data(self) -> dict[str, Any]:
        """The ``organisation`` table as plain data (defaults omitted)."""
        return _org_files.organisation_to_data(self)

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], *, file: str | None = None, doc: Any = None
    ) -> Organisation:
        """Build from the ``organisation`` table's plain data (strict: unknown keys,
        wrong types and bad references raise ``OrganisationError`` naming the field).

        ``file`` and ``doc`` (the parsed ``TomlDocument``) put the file and line in errors.

        >>> Organisation.from_data({"departments": [
        ...     {"code": "b", "name": "区市容局", "kind": "局"}]}).departments[0].kind
        <DepartmentKind.BUREAU: 'bureau'>
        """
        return _org_files.organisation_from_data(cls, data, file=file, doc=doc)

    def dumps(self) -> str:
        """The ``[organisation]`` table as TOML text (a fragment for a city file)."""
        return _org_files.dumps_fragment(self)

    @classmethod
    def load(cls, path: str | Path) -> Organisation:
        """Read the ``[organisation]`` table of a TOML file: a city file or a fragment
        holding only that table (a present ``kind`` must be ``"city"``)."""
        return _org_files.load_fragment(cls, path)


@attrs.frozen(cache_hash=True, repr=False)
class City:
    """A hierarchy and its organisation, checked against each other.

    Construction validates: every unit, segment and sector the organisation names
    exists; grid chiefs head grids; duty-rule territories exist and every domain has a
    lead everywhere; organisation codes do not collide with unit or segment codes. The
    duty matrix is bound once (``city.duties``) so that ``city.lead_for(domain, unit,
    asset_kind=None)`` is the protocol ``cases.lead_department`` expects.
    """

    hierarchy: Hierarchy
    organisation: Organisation
    duties: BoundDutyMatrix = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        problems = _org_checks.city_problems(self.hierarchy, self.organisation)
        if problems:
            raise combine(problems)
        object.__setattr__(
            self, "duties", BoundDutyMatrix(self.organisation.duties, self.hierarchy)
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (City, (self.hierarchy, self.organisation))

    def __repr__(self) -> str:
        return f"<City {self.hierarchy!r} {self.organisation!r}>"

    def lead_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> str:
        """The lead department's code (see ``DutyMatrix.lead_for``): a Level lead means
        that unit's designated office (:meth:`Organisation.office_of`), or the unit's
        code where the organisation names none. :meth:`party` resolves either.

        >>> from urbangov.sim import sample_city
        >>> city = sample_city()
        >>> city.lead_for("sanitation", "320105001001001", "road.other")
        'street_office_001'
        >>> city.party("street_office_001").name
        '南湖街道办事处'
        """
        return self._office(self.duties.lead_for(domain, unit, asset_kind))

    def cooperating_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> tuple[str, ...]:
        """Cooperating parties' codes (Level parties as offices, like :meth:`lead_for`)."""
        return tuple(self._office(c) for c in self.duties.cooperating_for(domain, unit, asset_kind))

    def supervising_for(
        self, domain: Domain | str, unit: str | Unit, asset_kind: str | None = None
    ) -> tuple[str, ...]:
        """Supervising parties' codes (Level parties as offices, like :meth:`lead_for`)."""
        return tuple(self._office(c) for c in self.duties.supervising_for(domain, unit, asset_kind))

    def _office(self, code: str) -> str:
        if code in self.hierarchy:
            return self.organisation.office_of(code) or code
        return code

    def party(self, code: str) -> Department | Unit:
        """The department or unit a duty party code names: one lookup for any code
        :meth:`lead_for` and its siblings return.

        Raises
        ------
        OrganisationError
            If the code names neither, with a did-you-mean.
        """
        found = self.organisation._index.by_code.get(code)
        if isinstance(found, Department):
            return found
        if code in self.hierarchy:
            return self.hierarchy.unit(code)
        known = [d.code for d in self.organisation.departments]
        raise OrganisationError(
            f"{code!r} is neither a department nor a unit of the city",
            field="party",
            hint=did_you_mean(code, known),
        )

    def to_data(self) -> dict[str, Any]:
        """The whole city file as plain data."""
        data = self.hierarchy.to_data()
        data["organisation"] = self.organisation.to_data()
        return data

    def dumps(self, format: str = "toml") -> str:
        """The city file's text (``format`` ``"toml"`` or ``"json"``)."""
        return _org_files.dumps_city(self.to_data(), format)

    def dump(self, path: str | Path) -> None:
        """Write the city file; ``.json`` writes JSON, else TOML. ``load_city`` reads it
        back equal."""
        fmt = "json" if str(path).lower().endswith(".json") else "toml"
        _org_files.write(path, self.dumps(fmt))


def load_city(path: str | Path) -> City:
    """Read a city file (``kind = "city"``) with its ``[organisation]`` table.

    Hierarchy errors raise ``HierarchyError``; organisation errors raise
    ``OrganisationError`` naming the field, file and line.

    Examples
    --------
    >>> import tempfile, os
    >>> text = '''kind = "city"
    ... format_version = 1
    ... [[units]]
    ... code = "320105"
    ... name = "建邺区"
    ... level = "district"
    ... [[organisation.departments]]
    ... code = "bureau"
    ... name = "区市容局"
    ... kind = "bureau"
    ... [[organisation.duties]]
    ... domain = "sanitation"
    ... territory = "320105"
    ... lead = "bureaux"
    ... '''
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "city.toml")
    ...     _ = open(p, "w", encoding="utf-8").write(text)
    ...     load_city(p)
    Traceback (most recent call last):
    ...
    urbangov.errors.OrganisationError: organisation.duties[0].lead: 'bureaux' is not a department...
    """
    return _org_files.load_city(City, Organisation, path)


def check_city_file(path: str | Path) -> tuple[UrbangovError, ...]:
    """Every problem of a city file, its ``[organisation]`` table included: the units
    and segments first (all their problems), then the organisation and the duty matrix
    against the hierarchy. Empty exactly when :func:`load_city` succeeds.

    >>> check_city_file("no/such/city.toml")[0].message[:20]
    'cannot read the file'
    """
    found = hierarchy_check_file(path)
    if found:
        return found
    try:
        load_city(path)
    except UrbangovError as exc:
        return exc.problems or (exc,)
    return ()


def merge_organisation_file(
    city_path: str | Path, fragment_path: str | Path, out_path: str | Path | None = None
) -> City:
    """Append an ``[organisation]`` fragment to a city file without it, check the result
    with :func:`load_city`, and write it to ``out_path`` (default: ``city_path``).

    The city file's text (and comments) is kept as it is; the fragment's text is
    appended. Nothing is written unless the merged file loads. Returns the merged city.
    """
    return _org_files.merge(City, Organisation, city_path, fragment_path, out_path)
