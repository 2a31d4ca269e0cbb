"""The parts of an organisation (private; import them from :mod:`urbangov.org`).

Vocabularies (:class:`Role`, :class:`DepartmentKind`, :class:`CommitteeKind`,
:class:`PairingKind`) and the frozen records: :class:`Department`, :class:`Sector`,
:class:`Person`, :class:`Committee`, :class:`Pairing`, :class:`Contract`,
:class:`Frontage`. Each record checks its own fields; references between records are
checked by ``Organisation`` and ``City``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

import attrs

from urbangov._internal.instants import MAX_YEAR
from urbangov.errors import OrganisationError
from urbangov.frozen import FrozenMap, freeze
from urbangov.vocabulary import Term

__all__ = [
    "Committee",
    "CommitteeKind",
    "Contract",
    "Department",
    "DepartmentKind",
    "Frontage",
    "Pairing",
    "PairingKind",
    "Person",
    "Role",
    "Sector",
]

_EMPTY: FrozenMap[str, Any] = FrozenMap()
E = TypeVar("E", bound=StrEnum)


def _attributes(value: Mapping[str, Any] | None) -> FrozenMap[str, Any]:
    if value is None:
        return _EMPTY
    if isinstance(value, FrozenMap):
        return value
    if not isinstance(value, Mapping):
        raise OrganisationError(f"attributes must be a mapping, not {value!r}")
    frozen = freeze(dict(value))
    assert isinstance(frozen, FrozenMap)
    return frozen


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise OrganisationError(
            f"expected a list of codes, not the single string {value!r}",
            hint='wrap it in a list: ["code"]',
        )
    return tuple(value)


def _need_text(owner: str, name: str, value: object, *, empty: bool = False) -> None:
    if not isinstance(value, str) or (not empty and not value):
        raise OrganisationError(
            f"{name} must be a {'' if empty else 'non-empty '}string, not {value!r}",
            field=f"{owner}.{name}",
        )


def _need_texts(owner: str, name: str, values: tuple[Any, ...]) -> None:
    for n, v in enumerate(values):
        _need_text(owner, f"{name}[{n}]", v)


def _need_member(owner: str, name: str, value: object, enum: type[StrEnum]) -> None:
    if not isinstance(value, enum):
        raise OrganisationError(
            f"{name} must be a {enum.__name__}, not {value!r}",
            field=f"{owner}.{name}",
            hint=f"use {enum.__name__}.parse(...) for text",
        )


# ---------------------------------------------------------------- vocabularies
class Role(Term):
    """A person's post in city management (岗位).

    >>> Role.parse("网格长"), Role.parse("协管员")
    (<Role.GRID_CHIEF: 'grid_chief'>, <Role.ASSISTANT: 'assistant'>)
    """

    FIRST_RESPONSIBLE = "first_responsible", "第一责任人", "第一責任人"
    """第一责任人 — the unit's chief administrative leader
    (《城市管理协管员考核办法》篇5 §一(一))."""
    GRID_CHIEF = "grid_chief", "网格长", "網格長"
    """网格长 — head of a grid; the grid's first responsible person."""
    GRID_WORKER = "grid_worker", "网格员", "網格員"
    """网格员 — grid worker staffing a grid (《中心城区网格化综合监管工作推进会讲话》§二(二))."""
    ASSISTANT = "assistant", "协管员", "協管員"
    """协管员 — city-management assistant (《城市管理协管员考核办法》篇1)."""
    SUPERVISOR = "supervisor", "监督员", "综合监管员", "監督員"
    """监督员 / 综合监管员 — supervisor who patrols and reports."""
    ENFORCEMENT_OFFICER = "enforcement_officer", "执法队员", "执法人员", "執法隊員"
    """执法队员 — enforcement officer; 个人包段 (《城市管理协管员考核办法》篇7)."""
    MODULE_INFORMANT = "module_informant", "模块信息员", "信息员"
    """模块信息员 — module information officer: reports and re-checks
    (《城市管理协管员考核办法》篇5 §四(二))."""
    LEADER = "leader", "分管领导", "领导"
    """分管领导 — a responsible leader: pairs with units, signs contracts."""
    CLEANER = "cleaner", "保洁员"
    """保洁员 — cleaner."""


class DepartmentKind(Term):
    """What kind of body a :class:`Department` is.

    >>> DepartmentKind.parse("中队")
    <DepartmentKind.SQUADRON: 'squadron'>
    """

    GOVERNMENT = "government", "政府"
    """政府 — a district government or its office."""
    BUREAU = "bureau", "局"
    """局 — a line bureau (市容局, 建设局, 房产局…)."""
    STATION = "station", "所"
    """所/站 — a station under a bureau (环卫所, 绿化所)."""
    CENTRE = "centre", "中心"
    """中心 — e.g. the information centre (信息中心) hosting the assessment group."""
    OFFICE = "office", "办"
    """办 — an office (爱卫办, 农办, 拆迁办)."""
    STREET_OFFICE = "street_office", "街道办事处"
    """街道办事处 — the street's administration."""
    SECTION = "section", "科室"
    """科室 — a section (街道城管科, 区局综合科)."""
    BRIGADE = "brigade", "大队"
    """大队 — enforcement brigade (大队包区)."""
    SQUADRON = "squadron", "中队"
    """中队 — enforcement squadron (中队包片)."""
    TEAM = "team", "分队"
    """分队 — enforcement team (分队包街)."""
    POLICE = "police", "公安"
    """公安/交警 — public security or traffic police."""
    COMMUNITY = "community", "社区居委会"
    """社区居委会 — a community residents' committee."""
    COMPANY = "company", "企业"
    """企业 — property company (物业公司), cleaning company, builder (建设单位)."""
    OTHER = "other", "其他"
    """其他."""


_CHAIN_PARENT = {
    DepartmentKind.SQUADRON: DepartmentKind.BRIGADE,
    DepartmentKind.TEAM: DepartmentKind.SQUADRON,
}


class CommitteeKind(Term):
    """Committees and their groups (《城市管理协管员考核办法》篇5 §三(一)).

    >>> CommitteeKind.parse("考评组")
    <CommitteeKind.ASSESSMENT_GROUP: 'assessment_group'>
    """

    COMMITTEE = "committee", "城市管理委员会"
    """城市管理委员会 — the city-management committee (district or street)."""
    MANAGEMENT_GROUP = "management_group", "管理组"
    """管理组 — 会办、交办、督办; in the city-appearance bureau."""
    ASSESSMENT_GROUP = "assessment_group", "考评组"
    """考评组 — inspection, assessment, ranking; in the information centre."""
    LEADING_GROUP = "leading_group", "领导小组"
    """领导小组 — a leading group (e.g. a street's grid-management group,
    《城市管理协管员考核办法》篇1)."""


class PairingKind(Term):
    """Leader pairing: 包抓 (a leader takes charge of a place) or 挂点 (is attached to it).

    >>> PairingKind.parse("挂点")
    <PairingKind.GUADIAN: 'guadian'>
    """

    BAOZHUA = "baozhua", "包抓", "包干"
    """包抓 — city leaders with communities, departments with streets."""
    GUADIAN = "guadian", "挂点", "掛點"
    """挂点 — bureau leaders with squadrons, officers with communities
    (《城市管理协管员考核办法》篇9)."""


# ---------------------------------------------------------------- the parts
@attrs.frozen(cache_hash=True)
class Department:
    """A department or body (部门/单位): bureau, station, street office, brigade…

    Parameters
    ----------
    code
        A unique code (letters, digits, ``_``; not a unit code).
    name
        E.g. ``"区市容局"``.
    kind
        The :class:`DepartmentKind`.
    parent
        The department it belongs to (环卫所 → 区市容局; 中队 → 大队), or ``None``.
    unit
        The hierarchy unit it serves or sits in (区市容局 → the district), or ``None``.
    covers
        Areas of "四定四包" (《城市管理协管员考核办法》篇7): unit codes or :class:`Sector` codes.

    Examples
    --------
    >>> Department("sq1", "第一中队", DepartmentKind.SQUADRON, parent="brigade",
    ...            covers=("sector_n",)).kind.chinese
    '中队'
    """

    code: str
    name: str
    kind: DepartmentKind
    parent: str | None = None
    unit: str | None = None
    covers: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    attributes: FrozenMap[str, Any] = attrs.field(default=_EMPTY, converter=_attributes, repr=False)

    def __attrs_post_init__(self) -> None:
        where = f"department {self.code!r}"
        _need_text(where, "code", self.code)
        _need_text(where, "name", self.name)
        _need_member(where, "kind", self.kind, DepartmentKind)
        for name in ("parent", "unit"):
            if getattr(self, name) is not None:
                _need_text(where, name, getattr(self, name))
        _need_texts(where, "covers", self.covers)


@attrs.frozen(cache_hash=True)
class Sector:
    """A sector (片): a group of units a squadron covers (中队包片, 《城市管理协管员考核办法》篇7).

    Sectors need not align with streets; ``units`` are unit codes.

    >>> Sector("north", "北片", ("320105001", "320105002")).units
    ('320105001', '320105002')
    """

    code: str
    name: str
    units: tuple[str, ...] = attrs.field(converter=_codes)

    def __attrs_post_init__(self) -> None:
        where = f"sector {self.code!r}"
        _need_text(where, "code", self.code)
        _need_text(where, "name", self.name)
        _need_texts(where, "units", self.units)
        if not self.units:
            raise OrganisationError("a sector needs at least one unit", field=f"{where}.units")


@attrs.frozen(cache_hash=True)
class Person:
    """A person at a post (岗位).

    Parameters
    ----------
    code
        A unique code.
    name
        The name (synthetic in the sample district).
    role
        The :class:`Role`. A person with two posts is two records.
    unit
        The unit they head (第一责任人, 网格长) or staff (网格员, 协管员…), or ``None``.
    department
        The department they belong to (an officer's team), or ``None``.
    segments
        Road segment codes they hold (个人包段, 《城市管理协管员考核办法》篇7).
    title
        Their title (``"街道主任"``), free text.

    Examples
    --------
    >>> Person("p1", "王某", Role.GRID_CHIEF, unit="320105001001001").role.chinese
    '网格长'
    """

    code: str
    name: str
    role: Role
    unit: str | None = None
    department: str | None = None
    segments: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    title: str = ""
    attributes: FrozenMap[str, Any] = attrs.field(default=_EMPTY, converter=_attributes, repr=False)

    def __attrs_post_init__(self) -> None:
        where = f"person {self.code!r}"
        _need_text(where, "code", self.code)
        _need_text(where, "name", self.name)
        _need_member(where, "role", self.role, Role)
        for name in ("unit", "department"):
            if getattr(self, name) is not None:
                _need_text(where, name, getattr(self, name))
        _need_texts(where, "segments", self.segments)
        _need_text(where, "title", self.title, empty=True)
        if self.role in _HEAD_ROLES and self.unit is None:
            raise OrganisationError(
                f"a {self.role.value} ({self.role.chinese}) needs the unit they head",
                field=f"{where}.unit",
            )
        if self.role is Role.ENFORCEMENT_OFFICER and self.department is None:
            raise OrganisationError(
                "an enforcement officer (执法队员) needs a department (their team or squadron)",
                field=f"{where}.department",
            )

    @property
    def heads(self) -> bool:
        """Whether this person is a unit's first responsible person (or its 网格长)."""
        return self.role in _HEAD_ROLES


_HEAD_ROLES = frozenset({Role.FIRST_RESPONSIBLE, Role.GRID_CHIEF})


@attrs.frozen(cache_hash=True)
class Committee:
    """A committee or one of its groups (《城市管理协管员考核办法》篇5 §三(一)).

    Parameters
    ----------
    code, name
        Identity.
    kind
        :class:`CommitteeKind`: the committee, its management group (管理组) or its
        assessment group (考评组).
    unit
        The unit whose city management it runs (the district; a street's mirror).
    parent
        The committee a group belongs to.
    host
        The department a group sits in (管理组 → 区市容局, 考评组 → 区信息中心).
    members
        Member departments or persons (each district department sends one leader).
    scores
        What an assessment group scores: department, unit or committee codes (it scores
        the management group, the district departments and the streets,
        《城市管理协管员考核办法》篇5 §五(一)).

    Examples
    --------
    >>> Committee("cg", "考评组", CommitteeKind.ASSESSMENT_GROUP, unit="320105",
    ...           parent="cmc", host="info_centre").kind.chinese
    '考评组'
    """

    code: str
    name: str
    kind: CommitteeKind
    unit: str
    parent: str | None = None
    host: str | None = None
    members: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    scores: tuple[str, ...] = attrs.field(default=(), converter=_codes)

    def __attrs_post_init__(self) -> None:
        where = f"committee {self.code!r}"
        _need_text(where, "code", self.code)
        _need_text(where, "name", self.name)
        _need_member(where, "kind", self.kind, CommitteeKind)
        _need_text(where, "unit", self.unit)
        for name in ("parent", "host"):
            if getattr(self, name) is not None:
                _need_text(where, name, getattr(self, name))
        _need_texts(where, "members", self.members)
        _need_texts(where, "scores", self.scores)
        if self.scores and self.kind is not CommitteeKind.ASSESSMENT_GROUP:
            raise OrganisationError(
                "only an assessment group (考评组) scores others (监管分离)",
                field=f"{where}.scores",
            )
        if self.code in self.scores:
            raise OrganisationError("a group cannot score itself", field=f"{where}.scores")


MAX_VISITS_PER_WEEK = 168
"""The most visits a week a pairing may ask for (one an hour)."""
FIRST_YEAR = 1949
"""The earliest year of a contract (the People's Republic's first)."""


@attrs.frozen(cache_hash=True)
class Pairing:
    """A leader pairing (包抓/挂点): ``leader`` answers for ``target``.

    ``leader`` is a person or department code; ``target`` a unit, department or
    committee code. ``visits_per_week`` is a minimum on-site presence when the source
    sets one (section heads ≥ 2 a week with their squadron, 《城市管理协管员考核办法》篇9 §二.3).

    >>> Pairing("p_chief", "sq1", PairingKind.GUADIAN, visits_per_week=2).kind.chinese
    '挂点'
    """

    leader: str
    target: str
    kind: PairingKind
    visits_per_week: int | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        where = f"pairing {self.leader!r}→{self.target!r}"
        _need_text(where, "leader", self.leader)
        _need_text(where, "target", self.target)
        _need_member(where, "kind", self.kind, PairingKind)
        _need_text(where, "source", self.source, empty=True)
        v = self.visits_per_week
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_VISITS_PER_WEEK
        ):
            raise OrganisationError(
                f"visits_per_week must be a whole number from 0 to {MAX_VISITS_PER_WEEK} "
                f"(one an hour), not {v!r}",
                field=f"{where}.visits_per_week",
            )


@attrs.frozen(cache_hash=True)
class Contract:
    """A target-responsibility contract (目标责任书): ``signer`` holds ``signee`` to
    ``subject`` for ``year`` (《城市管理协管员考核办法》篇1 §六, 篇6 §一(一), 篇9 §三.1).

    ``signer`` and ``signee`` are codes of departments, persons, committees, units or
    frontage holders.

    >>> Contract("c1", "bureau", "brigade", 2014, "整治市容环境管理目标责任书").year
    2014
    """

    code: str
    signer: str
    signee: str
    year: int
    subject: str

    def __attrs_post_init__(self) -> None:
        where = f"contract {self.code!r}"
        for name in ("code", "signer", "signee", "subject"):
            _need_text(where, name, getattr(self, name))
        y = self.year
        if isinstance(y, bool) or not isinstance(y, int) or not FIRST_YEAR <= y <= MAX_YEAR:
            raise OrganisationError(
                f"year must be a year from {FIRST_YEAR} to {MAX_YEAR}, like 2014, not {y!r}",
                field=f"{where}.year",
            )
        if self.signer == self.signee:
            raise OrganisationError(
                "a contract needs two different parties", field=f"{where}.signee"
            )


@attrs.frozen(cache_hash=True)
class Frontage:
    """A frontage duty (门前三包): a shop or unit answers for the pavement in front of it.

    ``area`` is a road segment or unit code; ``duties`` the items it answers for (by
    default 包市容、包卫生、包秩序; "门前五包" adds more, 《城市管理协管员考核办法》篇2).
    ``contract`` is the code of its :class:`Contract`, if any.

    >>> Frontage("f1", "某超市", "S32010500101").duties
    ('appearance', 'sanitation', 'order')
    """

    code: str
    holder: str
    area: str
    duties: tuple[str, ...] = attrs.field(
        default=("appearance", "sanitation", "order"), converter=_codes
    )
    contract: str | None = None

    def __attrs_post_init__(self) -> None:
        where = f"frontage {self.code!r}"
        for name in ("code", "holder", "area"):
            _need_text(where, name, getattr(self, name))
        _need_texts(where, "duties", self.duties)
        if not self.duties:
            raise OrganisationError("a frontage needs at least one duty", field=f"{where}.duties")
        if self.contract is not None:
            _need_text(where, "contract", self.contract)
