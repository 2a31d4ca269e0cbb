r"""The organisation: departments, people, committees, the enforcement chain, pairings,
contracts, frontage duties and the duty matrix (《城市管理协管员考核办法》篇5, 篇7, 篇9).

* :class:`Department` — a bureau (局), station (所), centre, street office (街道办事处),
  section (科室), or a unit of the enforcement chain: brigade (大队) → squadron (中队) →
  team (分队). ``covers`` holds the areas of "四定四包" (《城市管理协管员考核办法》篇7):
  大队包区、中队包片、分队包街 (unit codes or :class:`Sector` codes).
* :class:`Person` with a :class:`Role` (第一责任人, 网格长, 网格员, 协管员, 监督员,
  执法队员, 模块信息员…); officers hold road :class:`~urbangov.Segment`\ s (个人包段).
* :class:`Committee` — the city-management committee and its management group (管理组,
  会办、交办、督办) and assessment group (考评组, 检查考核评比): 监管分离, management
  separated from supervision, each street mirroring the district
  (《城市管理协管员考核办法》篇5 §三(一)).
* :class:`Pairing` (包抓/挂点), :class:`Contract` (目标责任书), :class:`Frontage` (门前三包).
* :class:`DutyMatrix` of :class:`DutyRule` (see :mod:`urbangov._duty`).

An :class:`Organisation` is checked on its own (unique codes, references between its
parts); a :class:`City` checks it against a :class:`~urbangov.Hierarchy` (units,
segments, every domain has a lead everywhere). :func:`load_city` reads a city file with
an ``[organisation]`` table; ``City.dump`` writes it back (``load_city(p) == city``).

>>> from urbangov.hierarchy import Hierarchy
>>> from urbangov.vocabulary import Domain, Level
>>> h = Hierarchy.from_rows([("320105", "建邺区", "district", None),
...                          ("320105001", "南湖街道", "street", "320105")])
>>> o = Organisation(
...     departments=[Department("hw_station", "区环卫所", DepartmentKind.STATION)],
...     persons=[Person("p1", "街道主任", Role.FIRST_RESPONSIBLE, unit="320105001")],
...     duties=DutyMatrix([DutyRule(d, None, "320105", Level.STREET) for d in Domain]
...                       + [DutyRule(Domain.SANITATION, "road.city_list", "320105",
...                                   "hw_station")]),
... )
>>> city = City(h, o)
>>> city.lead_for("sanitation", "320105001", "road.city_list")
'hw_station'
>>> o.head_of("320105001").role.chinese
'第一责任人'
"""

from urbangov._internal.public import publish
from urbangov.org._duty import BoundDutyMatrix, DutyMatrix
from urbangov.org._duty_rule import (
    DutyRule,
    Party,
    ResolvedDuty,
    parse_party,
    party_to_text,
)
from urbangov.org._organisation import (
    City,
    Organisation,
    check_city_file,
    load_city,
    merge_organisation_file,
)
from urbangov.org._parts import (
    Committee,
    CommitteeKind,
    Contract,
    Department,
    DepartmentKind,
    Frontage,
    Pairing,
    PairingKind,
    Person,
    Role,
    Sector,
)

__all__ = [
    "BoundDutyMatrix",
    "City",
    "Committee",
    "CommitteeKind",
    "Contract",
    "Department",
    "DepartmentKind",
    "DutyMatrix",
    "DutyRule",
    "Frontage",
    "Organisation",
    "Pairing",
    "PairingKind",
    "Party",
    "Person",
    "ResolvedDuty",
    "Role",
    "Sector",
    "check_city_file",
    "load_city",
    "merge_organisation_file",
    "parse_party",
    "party_to_text",
]

publish(__name__, __all__)
