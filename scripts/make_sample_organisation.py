"""Build the sample district's ``[organisation]`` fragment (merged by make_sample_district.py).

The fragment is an ``[organisation]`` table exactly as it appears inside a city file.
Departments, committees and duty rules follow 《城市管理协管员考核办法》篇5 (§一–§五), the
enforcement chain follows 篇7 (四定四包) and 篇9, pairings
《中心城区网格化综合监管工作推进会讲话》§一(一) and 篇9, contracts 篇1/篇4/篇9;
every person, name, pairing choice and contract year is synthetic.

``scripts/make_sample_district.py`` calls :func:`build` and merges the result into
``src/urbangov/data/sample_district.toml``; run that script, not this one. Run alone,
this prints the fragment for the district file as it stands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import tomli_w

from urbangov.hierarchy import Hierarchy
from urbangov.vocabulary import Level

ROOT = Path(__file__).resolve().parent.parent
DISTRICT = ROOT / "src" / "urbangov" / "data" / "sample_district.toml"
SOURCE = "《城市管理协管员考核办法》"  # short titles, as docs/sources.md lists them
SPEECH = "《中心城区网格化综合监管工作推进会讲话》"

D = "320105"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"

# The three enforcement sectors (片) of 中队包片 (synthetic grouping of the seven streets).
SECTORS = {
    "sector_north": ("北片", ("320105001", "320105002", "320105003")),
    "sector_south": ("南片", ("320105004", "320105005", "320105006")),
    "sector_island": ("江心洲片", ("320105007",)),
}


def _kv(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value}).rstrip("\n")


def _table(part: str, row: dict[str, Any], comment: str | None = None) -> str:
    lines = [f"# {comment}"] if comment else []
    lines.append(f"[[organisation.{part}]]")
    lines += [_kv(k, v) for k, v in row.items() if v is not None]
    return "\n".join(lines) + "\n"


def _name(n: int) -> str:
    return f"{SURNAMES[n % len(SURNAMES)]}某{n}"


def departments(h: Hierarchy) -> list[str]:
    out = [f"# ---- Departments of the duty matrix ({SOURCE}篇5 §二) ----\n"]
    line = [
        (
            "district_gov",
            "区政府",
            "government",
            None,
            f"{SOURCE}篇5 §五(二): 区政府 rewards and punishes",
        ),
        (
            "cityapp_bureau",
            "区市容局",
            "bureau",
            "district_gov",
            f"{SOURCE}篇5 §二(一)(二), §三(一)",
        ),
        ("hw_station", "区环卫所", "station", "cityapp_bureau", f"{SOURCE}篇5 §二(一): 环卫所"),
        (
            "cityapp_general_section",
            "区市容局综合科",
            "section",
            "cityapp_bureau",
            f"{SOURCE}篇1 §五.3: 无主垃圾汇报区局综合科, 联系环卫部门清运",
        ),
        (
            "cons_bureau",
            "区建设局",
            "bureau",
            "district_gov",
            f"{SOURCE}篇5 §二(二)(三)(五)(八)(九)",
        ),
        (
            "greening_station",
            "区绿化所",
            "station",
            "cons_bureau",
            f"{SOURCE}篇5 §二(八): 通知绿化所",
        ),
        ("housing_bureau", "区房产局", "bureau", "district_gov", f"{SOURCE}篇5 §二(五)(七)"),
        ("demolition_office", "区拆迁办", "office", "district_gov", f"{SOURCE}篇5 §二(五): 拆迁办"),
        ("env_bureau", "区环保局", "bureau", "district_gov", f"{SOURCE}篇5 §二(五)(十)"),
        ("traffic_police", "交警四大队", "police", "district_gov", f"{SOURCE}篇5 §二(二)(十一)"),
        ("public_security", "区公安分局", "police", "district_gov", f"{SOURCE}篇5 §二(三)(七)(十)"),
        ("culture_bureau", "区文化局", "bureau", "district_gov", f"{SOURCE}篇5 §二(二): 报刊亭"),
        ("market_bureau", "区工商分局", "bureau", "district_gov", f"{SOURCE}篇5 §二(四)(六)(十二)"),
        ("health_bureau", "区卫生局", "bureau", "district_gov", f"{SOURCE}篇5 §二(六)(十二)"),
        ("commerce_bureau", "区商务局", "bureau", "district_gov", f"{SOURCE}篇5 §二(四)"),
        ("agri_office", "区农办", "office", "district_gov", f"{SOURCE}篇5 §二(九)"),
        ("health_campaign_office", "区爱卫办", "office", "district_gov", f"{SOURCE}篇5 §二(十二)"),
        ("info_centre", "区信息中心", "centre", "district_gov", f"{SOURCE}篇5 §三(一): 考评组"),
    ]
    for code, name, kind, parent, source in line:
        row: dict[str, Any] = {
            "code": code,
            "name": name,
            "kind": kind,
            "parent": parent,
            "unit": D,
        }
        out.append(_table("departments", row, source))
    out.append(
        f"# Parties outside government named by the source ({SOURCE}篇5 §二(一)(七)): builders of\n"
        "# roads not handed over, property companies, owners of self-managed housing.\n"
    )
    for code, name in (
        ("builder", "建设单位"),
        ("property_company", "物业公司"),
        ("property_owner", "产权单位"),
    ):
        out.append(_table("departments", {"code": code, "name": name, "kind": "company"}))
    out.append(
        f"# ---- Enforcement chain 局 → 大队 → 中队 → 分队 ({SOURCE}篇7 四定四包: 大队包区、\n"
        "# 中队包片、分队包街、个人包段; 篇9 §二.3 夜间中队) ----\n"
    )
    out.append(
        _table(
            "departments",
            {
                "code": "brigade",
                "name": "区行政执法大队",
                "kind": "brigade",
                "parent": "cityapp_bureau",
                "unit": D,
                "covers": [D],
            },
            f"大队包区 ({SOURCE}篇5 §二(二): 区市容局、行政执法大队)",
        )
    )
    for code, (name, _streets) in SECTORS.items():
        sq = code.replace("sector_", "squadron_")
        row = {
            "code": sq,
            "name": f"{name}中队",
            "kind": "squadron",
            "parent": "brigade",
            "covers": [code],
        }
        out.append(_table("departments", row))
    out.append(
        _table(
            "departments",
            {
                "code": "squadron_night",
                "name": "夜间执法中队",
                "kind": "squadron",
                "parent": "brigade",
                "covers": list(SECTORS),
            },
            f"{SOURCE}篇9 §二.3: 设立夜间执法中队",
        )
    )
    for code, (_sector_name, streets) in SECTORS.items():
        sq = code.replace("sector_", "squadron_")
        for s in streets:
            street = h.unit(s)
            row = {
                "code": f"team_{s[-3:]}",
                "name": f"{street.name.removesuffix('街道')}分队",
                "kind": "team",
                "parent": sq,
                "covers": [s],
            }
            out.append(_table("departments", row))
    out.append(
        f"# ---- Street offices, their city-management sections (街道城管科, {SOURCE}篇1) and\n"
        f"# module command rooms (模块化管理指挥室, {SOURCE}篇5 §四(二)) ----\n"
    )
    for street in h.at_level(Level.STREET):
        n = street.code[-3:]
        short = street.name.removesuffix("街道")
        for code, name, kind, parent in (
            (f"street_office_{n}", f"{street.name}办事处", "street_office", None),
            (f"cg_section_{n}", f"{short}街道城管科", "section", f"street_office_{n}"),
            (f"module_room_{n}", f"{short}街道模块化管理指挥室", "centre", f"street_office_{n}"),
        ):
            row = {"code": code, "name": name, "kind": kind, "parent": parent, "unit": street.code}
            out.append(_table("departments", row))
    return out


def sectors() -> list[str]:
    out = [f"# ---- Sectors (片) of 中队包片 ({SOURCE}篇7); the grouping is synthetic ----\n"]
    for code, (name, streets) in SECTORS.items():
        out.append(_table("sectors", {"code": code, "name": name, "units": list(streets)}))
    return out


def persons(h: Hierarchy) -> list[str]:
    n = 0
    out = [
        "# ---- People (all names synthetic). First responsible persons (第一责任人): the\n"
        f"# street's chief administrative leader ({SOURCE}篇5 §一(一)); grid chiefs (网格长) ----\n"
    ]

    def person(row: dict[str, Any], comment: str | None = None) -> None:
        nonlocal n
        n += 1
        out.append(_table("persons", {"code": f"p{n:04d}", "name": _name(n), **row}, comment))

    person({"role": "first_responsible", "title": "区长", "unit": D})
    person(
        {"role": "leader", "title": "区市容局局长", "department": "cityapp_bureau"},
        f"{SOURCE}篇5 §五(二): 区市容局局长、书记各缴纳5000元个人保证金",
    )
    person({"role": "leader", "title": "区市容局书记", "department": "cityapp_bureau"})
    for i in range(6):
        person(
            {
                "role": "leader",
                "title": f"区市容局科室负责人{i + 1}",
                "department": "cityapp_bureau",
            },
            f"{SOURCE}篇9 §二.3: 局机关6个科室的领导分别挂点中队" if i == 0 else None,
        )
    person({"role": "leader", "title": "市领导(包抓社区)"}, f"{SPEECH}§一(一): 市级领导包抓社区")
    for street in h.at_level(Level.STREET):
        s = street.code[-3:]
        person(
            {"role": "first_responsible", "title": "街道主任", "unit": street.code},
            f"{street.name}: 主任 is the first responsible person ({SOURCE}篇5 §一(一))",
        )
        person({"role": "leader", "title": "街道书记", "department": f"street_office_{s}"})
        person({"role": "leader", "title": "街道分管主任", "department": f"street_office_{s}"})
        person(
            {"role": "module_informant", "title": "模块信息员", "unit": street.code},
            f"{SOURCE}篇5 §四(二): 模块信息员",
        )
        for community in h.children(street):
            person({"role": "first_responsible", "title": "社区书记", "unit": community.code})
            person(
                {
                    "role": "leader",
                    "title": "街道领导(包社区模块)",
                    "department": f"street_office_{s}",
                },
                None,
            )
            for grid in h.children(community):
                person({"role": "grid_chief", "title": "网格长", "unit": grid.code})
                # 南湖: grid workers (网格员) in every grid,
                # 《中心城区网格化综合监管工作推进会讲话》§二(二)
                if s == "001":
                    person({"role": "grid_worker", "title": "网格员", "unit": grid.code})
            if s == "001":
                person({"role": "supervisor", "title": "综合监管员", "unit": community.code})
                person({"role": "assistant", "title": "市容协管员", "unit": community.code})
        for k, _seg in enumerate(h.segments_in(street)):
            if k % 2 == 0:
                segs = [x.code for x in h.segments_in(street)][k : k + 2]
                person(
                    {
                        "role": "enforcement_officer",
                        "title": "执法队员",
                        "department": f"team_{s}",
                        "segments": segs,
                    },
                    f"个人包段 ({SOURCE}篇7)" if k == 0 else None,
                )
    return out


def committees(h: Hierarchy) -> list[str]:
    out = [
        f"# ---- Committees ({SOURCE}篇5 §三(一)): 区城市管理委员会 with 管理组 in 区市容局\n"
        "# (会办、交办、督办) and 考评组 in 区信息中心 (检查、考核、评比): 监管分离. Each\n"
        "# street mirrors it; the assessment group scores the management group, the\n"
        "# district departments and the streets (§五(一)). ----\n"
    ]
    line = [
        "cityapp_bureau",
        "cons_bureau",
        "housing_bureau",
        "env_bureau",
        "traffic_police",
        "public_security",
        "culture_bureau",
        "market_bureau",
        "health_bureau",
        "commerce_bureau",
        "agri_office",
        "health_campaign_office",
    ]
    streets = [s.code for s in h.at_level(Level.STREET)]
    out.append(
        _table(
            "committees",
            {
                "code": "cmc",
                "name": "区城市管理委员会",
                "kind": "committee",
                "unit": D,
                "members": line,
            },
        )
    )
    out.append(
        _table(
            "committees",
            {
                "code": "cmc_manage",
                "name": "城市管理组",
                "kind": "management_group",
                "unit": D,
                "parent": "cmc",
                "host": "cityapp_bureau",
            },
        )
    )
    out.append(
        _table(
            "committees",
            {
                "code": "cmc_assess",
                "name": "城市考评组",
                "kind": "assessment_group",
                "unit": D,
                "parent": "cmc",
                "host": "info_centre",
                "scores": ["cmc_manage", *line, *streets],
            },
        )
    )
    for street in h.at_level(Level.STREET):
        s = street.code[-3:]
        short = street.name.removesuffix("街道")
        communities = [c.code for c in h.children(street)]
        out.append(
            _table(
                "committees",
                {
                    "code": f"cmc_{s}",
                    "name": f"{short}街道城市管理委员会",
                    "kind": "committee",
                    "unit": street.code,
                    "members": line,
                },
                f"{street.name} mirrors the district committee ({SOURCE}篇5 §三(一))",
            )
        )
        out.append(
            _table(
                "committees",
                {
                    "code": f"cmc_{s}_manage",
                    "name": f"{short}街道城市管理组",
                    "kind": "management_group",
                    "unit": street.code,
                    "parent": f"cmc_{s}",
                    "host": f"cg_section_{s}",
                },
            )
        )
        out.append(
            _table(
                "committees",
                {
                    "code": f"cmc_{s}_assess",
                    "name": f"{short}街道城市考评组",
                    "kind": "assessment_group",
                    "unit": street.code,
                    "parent": f"cmc_{s}",
                    "host": f"module_room_{s}",
                    "scores": [f"cmc_{s}_manage", *communities],
                },
            )
        )
    return out


def pairings(h: Hierarchy, org_persons: list[tuple[str, dict[str, Any]]]) -> list[str]:
    out = ["# ---- Leader pairings (包抓/挂点) ----\n"]
    section_heads = [c for c, p in org_persons if p.get("title", "").startswith("区市容局科室")]
    squadrons = ["squadron_north", "squadron_south", "squadron_island", "squadron_night"]
    for i, code in enumerate(section_heads):
        row = {
            "leader": code,
            "target": squadrons[i % len(squadrons)],
            "kind": "guadian",
            "visits_per_week": 2,
            "source": f"{SOURCE}篇9 §二.3",
        }
        out.append(_table("pairings", row))
    city_leader = next(c for c, p in org_persons if p.get("title") == "市领导(包抓社区)")
    out.append(
        _table(
            "pairings",
            {
                "leader": city_leader,
                "target": "320105001001",
                "kind": "baozhua",
                "source": f"{SPEECH}§一(一): 市级领导包抓社区",
            },
        )
    )
    bureaux = [
        "cityapp_bureau",
        "cons_bureau",
        "housing_bureau",
        "env_bureau",
        "market_bureau",
        "health_bureau",
        "culture_bureau",
    ]
    for bureau, street in zip(bureaux, h.at_level(Level.STREET), strict=True):
        out.append(
            _table(
                "pairings",
                {
                    "leader": bureau,
                    "target": street.code,
                    "kind": "baozhua",
                    "source": f"{SPEECH}§一(一): 部门单位包抓街道",
                },
            )
        )
    module_leaders = [c for c, p in org_persons if p.get("title") == "街道领导(包社区模块)"]
    communities = h.at_level(Level.COMMUNITY)
    for code, community in zip(module_leaders, communities, strict=True):
        out.append(
            _table(
                "pairings",
                {
                    "leader": code,
                    "target": community.code,
                    "kind": "baozhua",
                    "source": f"{SOURCE}篇5 §四(二): 由一名街道领导负责一个模块(社区)",
                },
            )
        )
    officers = [c for c, p in org_persons if p.get("role") == "enforcement_officer"]
    for code, community in zip(officers, h.children("320105001"), strict=False):
        out.append(
            _table(
                "pairings",
                {
                    "leader": code,
                    "target": community.code,
                    "kind": "guadian",
                    "source": f"{SOURCE}篇9 §四.3: 隊員公開掛點制度",
                },
            )
        )
    return out


def contracts(h: Hierarchy) -> list[str]:
    out = ["# ---- Target-responsibility contracts (目标责任书); years synthetic ----\n"]
    rows: list[tuple[str, str, str, str, str | None]] = [
        (
            "c_bureau_brigade",
            "cityapp_bureau",
            "brigade",
            "整治市容环境管理目标责任书",
            f"{SOURCE}篇9 §三.1: 与各大队、中队签订《整治市容环境管理目标责任书》",
        ),
        (
            "c_bureau_hw",
            "cityapp_bureau",
            "hw_station",
            "工作目标责任书",
            f"{SOURCE}篇6 §一(一): 与执法大队和环卫处签订工作目标责任书",
        ),
    ]
    for sq in ("squadron_north", "squadron_south", "squadron_island", "squadron_night"):
        rows.append((f"c_brigade_{sq}", "brigade", sq, "整治市容环境管理目标责任书", None))
    for street in h.at_level(Level.STREET):
        s = street.code[-3:]
        rows.append(
            (
                f"c_district_{s}",
                "district_gov",
                street.code,
                "城市长效综合管理目标责任书",
                f"{SOURCE}篇5 §五(二): 单位保证金 and annual grading" if s == "001" else None,
            )
        )
        rows.append(
            (
                f"c_section_{s}",
                f"street_office_{s}",
                f"cg_section_{s}",
                "目标责任书",
                f"{SOURCE}篇4 §二: 办事处分管领导与科室签订目标责任书" if s == "001" else None,
            )
        )
        for community in h.children(street):
            rows.append(
                (
                    f"c_{community.code}",
                    street.code,
                    community.code,
                    "社区居委会年度城市市容和环境卫生管理目标责任书",
                    f"{SOURCE}篇1 §六" if community.code.endswith("001001") else None,
                )
            )
    for seg in h.segments:
        rows.append(
            (
                f"c_frontage_{seg.code}",
                seg.unit,
                f"f_{seg.code}",
                "门前三包责任书",
                f"{SOURCE}篇4 §二: 签订“门前三包”《责任书》" if seg.code.endswith("0101") else None,
            )
        )
    for code, signer, signee, subject, comment in rows:
        row = {"code": code, "signer": signer, "signee": signee, "year": 2014, "subject": subject}
        out.append(_table("contracts", row, comment))
    return out


def frontages(h: Hierarchy) -> list[str]:
    out = [f"# ---- 门前三包 frontage duties ({SOURCE}篇2, 篇4, 篇7): one shop per segment ----\n"]
    for n, seg in enumerate(h.segments):
        row = {
            "code": f"f_{seg.code}",
            "holder": f"沿街商户{n + 1}",
            "area": seg.code,
            "contract": f"c_frontage_{seg.code}",
        }
        out.append(_table("frontages", row))
    return out


DUTIES = """
# ---- The duty matrix: twelve domains (《城市管理协管员考核办法》篇5 §二). `lead = "level:street"`
# means the case unit's own street. Asset kinds split the lead where the source does. ----

# (一) 环境卫生: 环卫所 cleans the roads on the city's list (列入市建委定额道路); streets clean
# the others; roads not handed over (未移交道路) are cleaned by their builder; 区市容局
# supervises; a street supervises what it does not clean.
[[organisation.duties]]
domain = "sanitation"
territory = "320105"
lead = "level:street"
supervising = ["cityapp_bureau"]
source = "《城市管理协管员考核办法》篇5 §二(一)"

[[organisation.duties]]
domain = "sanitation"
asset_kind = "road.city_list"
territory = "320105"
lead = "hw_station"
supervising = ["cityapp_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(一)"

[[organisation.duties]]
domain = "sanitation"
asset_kind = "road.other"
territory = "320105"
lead = "level:street"
supervising = ["cityapp_bureau"]
source = "《城市管理协管员考核办法》篇5 §二(一)"

[[organisation.duties]]
domain = "sanitation"
asset_kind = "road.not_handed_over"
territory = "320105"
lead = "builder"
supervising = ["cityapp_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(一)"

# 环卫所 keeps 果壳箱、垃圾桶、中转站 (garbage_facility) and 公共厕所 (public_toilet); the
# slugs are those of data/taxonomy.toml.
[[organisation.duties]]
domain = "sanitation"
asset_kind = "garbage_facility"
territory = "320105"
lead = "hw_station"
supervising = ["cityapp_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(一): 果壳箱、垃圾桶、生活垃圾中转站"

[[organisation.duties]]
domain = "sanitation"
asset_kind = "public_toilet"
territory = "320105"
lead = "hw_station"
supervising = ["cityapp_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(一): 公共厕所"

# 涉农街道负责本辖区保洁工作: synthetic assumption that 江心洲 (an island street) is such
# a street, so it cleans even the city-list roads (the deeper territory wins).
[[organisation.duties]]
domain = "sanitation"
asset_kind = "road.city_list"
territory = "320105007"
lead = "level:street"
supervising = ["cityapp_bureau"]
source = "《城市管理协管员考核办法》篇5 §二(一): 涉农街道"

# (二) 市容市貌: the street manages its territory; 区市容局 and the brigade inspect and
# enforce; street furniture belongs to its owner department.
[[organisation.duties]]
domain = "city_appearance"
territory = "320105"
lead = "level:street"
cooperating = ["cityapp_bureau", "brigade"]
source = "《城市管理协管员考核办法》篇5 §二(二)"
"""

_FURNITURE = [
    ("bus_stop", "cons_bureau", "公交站台"),
    ("lamp", "cons_bureau", "路灯杆"),
    ("phone_booth", "cons_bureau", "公共电话亭"),
    ("distribution_box", "cons_bureau", "配电箱"),
    ("sign", "cons_bureau", "路名指示牌"),
    ("kiosk", "culture_bureau", "报刊亭"),
    ("traffic_sign", "traffic_police", "交通标志"),
    ("traffic_barrier", "traffic_police", "交通护栏"),
]

DUTIES_REST = """
# (三) 市政设施
[[organisation.duties]]
domain = "municipal_facilities"
territory = "320105"
lead = "cons_bureau"
cooperating = ["cityapp_bureau", "public_security", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(三)"

# (四) 农贸市场
[[organisation.duties]]
domain = "farmers_markets"
territory = "320105"
lead = "market_bureau"
cooperating = [
    "health_bureau", "commerce_bureau", "cityapp_bureau", "traffic_police", "level:street",
]
source = "《城市管理协管员考核办法》篇5 §二(四)"

# (五) 建设工地: municipal sites → 建设局, demolition sites → 房产局/拆迁办, dust and
# noise → 环保局; 市容局 and the streets watch muddy wheels and spillage.
[[organisation.duties]]
domain = "construction_sites"
territory = "320105"
lead = "cons_bureau"
cooperating = ["cityapp_bureau", "level:street", "traffic_police"]
source = "《城市管理协管员考核办法》篇5 §二(五)"

[[organisation.duties]]
domain = "construction_sites"
asset_kind = "site.municipal"
territory = "320105"
lead = "cons_bureau"
cooperating = ["cityapp_bureau", "level:street", "traffic_police"]
source = "《城市管理协管员考核办法》篇5 §二(五)"

[[organisation.duties]]
domain = "construction_sites"
asset_kind = "site.demolition"
territory = "320105"
lead = "housing_bureau"
cooperating = ["demolition_office", "cityapp_bureau", "level:street", "traffic_police"]
source = "《城市管理协管员考核办法》篇5 §二(五)"

[[organisation.duties]]
domain = "construction_sites"
asset_kind = "site.dust_noise"
territory = "320105"
lead = "env_bureau"
cooperating = ["cityapp_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(五)"

# (六) 餐饮及"五小"行业
[[organisation.duties]]
domain = "catering_small_trades"
territory = "320105"
lead = "health_bureau"
cooperating = ["market_bureau", "culture_bureau", "env_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(六)"

# (七) 居民区: estates with a property company → the company (区房产局 guides, supervises
# with the street); self-managed housing → its owner; estates without → the street,
# assessed by 区房产局.
[[organisation.duties]]
domain = "residential_areas"
territory = "320105"
lead = "level:street"
cooperating = ["housing_bureau", "cityapp_bureau", "cons_bureau", "public_security"]
supervising = ["housing_bureau"]
source = "《城市管理协管员考核办法》篇5 §二(七)"

[[organisation.duties]]
domain = "residential_areas"
asset_kind = "estate.with_property_company"
territory = "320105"
lead = "property_company"
supervising = ["housing_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(七)"

[[organisation.duties]]
domain = "residential_areas"
asset_kind = "estate.unit_managed"
territory = "320105"
lead = "property_owner"
supervising = ["housing_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(七): 单位自管房由产权单位负责"

[[organisation.duties]]
domain = "residential_areas"
asset_kind = "estate.without_property_company"
territory = "320105"
lead = "level:street"
cooperating = ["housing_bureau", "cityapp_bureau", "cons_bureau", "public_security"]
supervising = ["housing_bureau"]
source = "《城市管理协管员考核办法》篇5 §二(七)"

# (八) 园林绿化
[[organisation.duties]]
domain = "landscaping"
territory = "320105"
lead = "cons_bureau"
cooperating = ["cityapp_bureau", "level:street", "greening_station"]
source = "《城市管理协管员考核办法》篇5 §二(八)"

# (九) 河道水面: municipally maintained rivers → 建设局; the others → 农办 and the street
# (urbangov names the street lead, 农办 cooperating); the street supervises the rest.
[[organisation.duties]]
domain = "waterways"
territory = "320105"
lead = "level:street"
cooperating = ["agri_office"]
source = "《城市管理协管员考核办法》篇5 §二(九)"

[[organisation.duties]]
domain = "waterways"
asset_kind = "river.municipal"
territory = "320105"
lead = "cons_bureau"
supervising = ["level:street"]
source = "《城市管理协管员考核办法》篇5 §二(九)"

# (十) 环境保护
[[organisation.duties]]
domain = "environmental_protection"
territory = "320105"
lead = "env_bureau"
cooperating = ["public_security", "traffic_police", "health_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(十)"

# (十一) 城市交通
[[organisation.duties]]
domain = "urban_traffic"
territory = "320105"
lead = "traffic_police"
cooperating = ["level:street"]
source = "《城市管理协管员考核办法》篇5 §二(十一)"

# (十二) 除"四害"
[[organisation.duties]]
domain = "pest_control"
territory = "320105"
lead = "health_campaign_office"
cooperating = ["health_bureau", "market_bureau", "cityapp_bureau", "level:street"]
source = "《城市管理协管员考核办法》篇5 §二(十二)"

# 《中心城区网格化综合监管工作推进会讲话》§二(一) gives a second matrix for another city
# (城管执法 overall lead;
# 自然资源 for land use; 公安 for violent obstruction; nine cooperating departments); it
# is not used here.
"""


def duties() -> list[str]:
    out = [DUTIES]
    for kind, lead, zh in _FURNITURE:
        out.append(
            "\n"
            + _table(
                "duties",
                {
                    "domain": "city_appearance",
                    "asset_kind": kind,
                    "territory": D,
                    "lead": lead,
                    "supervising": ["level:street"],
                    "source": f"{SOURCE}篇5 §二(二): {zh}",
                },
            )
        )
    out.append(DUTIES_REST)
    return out


def _person_rows(text: str) -> list[tuple[str, dict[str, Any]]]:
    import tomllib

    data = tomllib.loads(text)["organisation"]
    return [(p["code"], p) for p in data["persons"]]


def build(h: Hierarchy) -> str:
    head = (
        "# urbangov sample organisation of the sample district (示例区) — SYNTHETIC.\n"
        '# An [organisation] table as it appears inside a city file (kind = "city").\n'
        f"# Structure after {SOURCE}篇5 §一–§五, 篇7 (四定四包), 篇9, 篇1, 篇4\n"
        f"# and {SPEECH}§一–§二;\n"
        "# every person, name, sector grouping, pairing and contract year is invented.\n"
        "# Generated by scripts/make_sample_organisation.py.\n\n"
        "[organisation]\n"
        'name = "示例区城市管理组织"\n'
        f'note = "synthetic: structure after {SOURCE}篇5/篇7/篇9 and {SPEECH}; '
        'people invented"\n\n'
    )
    person_text = "\n".join(persons(h))
    rows = _person_rows("[organisation]\n" + person_text)
    parts = [
        *departments(h),
        *sectors(),
        person_text,
        *committees(h),
        *pairings(h, rows),
        *contracts(h),
        *frontages(h),
        *duties(),
    ]
    return head + "\n".join(parts).rstrip("\n") + "\n"


def main() -> None:
    """Print the fragment (``make_sample_district.py`` merges it into the district)."""
    sys.stdout.write(build(Hierarchy.load(DISTRICT)))


if __name__ == "__main__":
    main()
