"""The organisation and the duty matrix: worked examples from the sources, and errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import attrs
import pytest

from urbangov import org, sim
from urbangov.errors import HierarchyError, OrganisationError, UnknownTermError
from urbangov.hierarchy import Hierarchy
from urbangov.org import (
    City,
    Committee,
    CommitteeKind,
    Contract,
    Department,
    DepartmentKind,
    DutyMatrix,
    DutyRule,
    Frontage,
    Organisation,
    Pairing,
    PairingKind,
    Person,
    Role,
    Sector,
    load_city,
    merge_organisation_file,
)
from urbangov.taxonomy import Taxonomy
from urbangov.vocabulary import Domain, Level

FIXTURE = Path(__file__).parent / "fixtures" / "org_city.toml"
GRID_NANHU = "320105001001001"
GRID_BINHU = "320105002001001"


@pytest.fixture(scope="module")
def city() -> City:
    return load_city(FIXTURE)


def _small_hierarchy() -> Hierarchy:
    return Hierarchy.from_rows(
        [
            ("320105", "建邺区", "district", None),
            ("320105001", "南湖街道", "street", "320105"),
            ("320105001001", "南湖一社区", "community", "320105001"),
            ("320105001001001", "网格一", "grid", "320105001001"),
            ("320105002", "滨湖街道", "street", "320105"),
        ]
    )


def _everywhere(lead: str | Level = Level.STREET) -> list[DutyRule]:
    return [DutyRule(d, None, "320105", lead) for d in Domain]


# ------------------------------------------------------------------ worked examples
def test_road_cleaning_split_of_001_pian5_2_1(city: City) -> None:
    # 《城市管理协管员考核办法》篇5 §二(一): 环卫所负责保潔所有列入市建委定额道路;
    # 城区街道负责保潔所有未列入市建委定額的道路; 未移交道路由建設單位負責保潔; 区市容局 督促检查.
    assert city.lead_for("sanitation", GRID_NANHU, "road.city_list") == "hw_station"
    assert city.lead_for("sanitation", GRID_NANHU, "road.other") == "320105001"
    assert city.lead_for("sanitation", GRID_BINHU, "road.other") == "320105002"
    assert city.lead_for("sanitation", GRID_NANHU, "road.not_handed_over") == "builder"
    assert city.supervising_for("sanitation", GRID_NANHU, "road.city_list") == (
        "cityapp_bureau",
        "320105001",
    )


def test_street_furniture_leads_of_001_pian5_2_2(city: City) -> None:
    # 《城市管理协管员考核办法》篇5 §二(二): 区建设局负责公交站台…, 区文化局负责报刊亭,
    # 交警四大队负责交通标志.
    assert city.lead_for("市容市貌", GRID_NANHU, "bus_stop") == "cons_bureau"
    assert city.lead_for(Domain.CITY_APPEARANCE, GRID_NANHU, "kiosk") == "culture_bureau"
    assert city.lead_for(Domain.CITY_APPEARANCE, GRID_NANHU, "traffic_sign") == "traffic_police"
    # anything else: the street (各街道按照属地管理原则…对辖区市容市貌进行管理)
    assert city.lead_for(Domain.CITY_APPEARANCE, GRID_NANHU) == "320105001"
    assert city.cooperating_for(Domain.CITY_APPEARANCE, GRID_NANHU) == ("cityapp_bureau", "brigade")


def test_deeper_territory_wins(city: City) -> None:
    assert city.lead_for("farmers_markets", GRID_BINHU) == "320105002"
    assert city.lead_for("farmers_markets", GRID_NANHU) == "cityapp_bureau"


def test_exact_asset_kind_beats_deeper_generic_rule() -> None:
    h = _small_hierarchy()
    m = DutyMatrix(
        [
            *_everywhere("street_office"),
            DutyRule(Domain.SANITATION, None, GRID_NANHU, "grid_team"),
            DutyRule(Domain.SANITATION, "road.city_list", "320105", "hw_station"),
        ]
    )
    assert m.lead_for("sanitation", GRID_NANHU, "road.city_list", hierarchy=h) == "hw_station"
    assert m.lead_for("sanitation", GRID_NANHU, "road.other", hierarchy=h) == "grid_team"
    assert m.lead_for("sanitation", GRID_NANHU, hierarchy=h) == "grid_team"


def test_exact_asset_kind_at_the_district_beats_its_parent_kind_at_the_grid() -> None:
    # The asset kind is compared first, the territory second: a rule for roads on the
    # city's list (road.city_list) set for the whole district wins over a rule for roads
    # in general (road) set for one grid, for a road on the list in that grid.
    h = _small_hierarchy()
    m = DutyMatrix(
        [
            *_everywhere("street_office"),
            DutyRule(Domain.SANITATION, "road.city_list", "320105", "hw_station"),
            DutyRule(Domain.SANITATION, "road", GRID_NANHU, "grid_team"),
        ]
    )
    on_list = m.rule_for("sanitation", GRID_NANHU, "road.city_list", hierarchy=h)
    assert (on_list.asset_kind, on_list.territory) == ("road.city_list", "320105")
    assert m.lead_for("sanitation", GRID_NANHU, "road.city_list", hierarchy=h) == "hw_station"
    assert m.bind(h).lead_for("sanitation", GRID_NANHU, "road.city_list") == "hw_station"
    # other roads of that grid fall back to the grid's road rule, and elsewhere to the list
    assert m.lead_for("sanitation", GRID_NANHU, "road.other", hierarchy=h) == "grid_team"
    assert m.lead_for("sanitation", GRID_NANHU, "road", hierarchy=h) == "grid_team"
    assert m.lead_for("sanitation", "320105002", "road.city_list", hierarchy=h) == "hw_station"
    assert m.lead_for("sanitation", "320105002", "road.other", hierarchy=h) == "street_office"


def test_dotted_asset_kind_falls_back_to_its_parent() -> None:
    h = _small_hierarchy()
    m = DutyMatrix([*_everywhere("office"), DutyRule(Domain.SANITATION, "road", "320105", "roads")])
    assert m.lead_for("sanitation", GRID_NANHU, "road.city_list", hierarchy=h) == "roads"
    assert m.lead_for("sanitation", GRID_NANHU, "kiosk", hierarchy=h) == "office"


def test_estates_by_property_company_001_pian5_2_7() -> None:
    # 《城市管理协管员考核办法》篇5 §二(七): 实行物业管理的居民小区 → 物业公司;
    # 未实行物业管理的 → 街道,
    # 区房产局实施考核.
    h = _small_hierarchy()
    m = DutyMatrix(
        [
            *_everywhere(),
            DutyRule(
                Domain.RESIDENTIAL_AREAS,
                "estate.with_property_company",
                "320105",
                "property_company",
                supervising=("housing_bureau", Level.STREET),
            ),
            DutyRule(
                Domain.RESIDENTIAL_AREAS,
                "estate.without_property_company",
                "320105",
                Level.STREET,
                supervising=("housing_bureau",),
            ),
        ]
    )
    b = m.bind(h)
    assert b.lead_for("residential_areas", GRID_NANHU, "estate.with_property_company") == (
        "property_company"
    )
    assert b.supervising_for("residential_areas", GRID_NANHU, "estate.with_property_company") == (
        "housing_bureau",
        "320105001",
    )
    assert b.lead_for("residential_areas", GRID_NANHU, "estate.without_property_company") == (
        "320105001"
    )


def test_level_lead_above_its_level_raises() -> None:
    h = _small_hierarchy()
    m = DutyMatrix(_everywhere())
    with pytest.raises(OrganisationError, match="has no street at or above it"):
        m.lead_for("sanitation", "320105", hierarchy=h)


def test_bound_matrix_is_the_lead_for_protocol(city: City) -> None:
    bound = city.organisation.duties.bind(city.hierarchy)
    assert bound.lead_for("sanitation", GRID_NANHU, "road.city_list") == "hw_station"
    assert city.duties.lead_for("sanitation", GRID_NANHU) == "320105001"


def test_table_for_one_street_lists_every_domain(city: City) -> None:
    rows = city.organisation.duties.table_for("320105001", hierarchy=city.hierarchy)
    assert {r.domain for r in rows} == set(Domain)
    kinds = {(r.domain, r.asset_kind): r.lead for r in rows}
    assert kinds[(Domain.SANITATION, "road.city_list")] == "hw_station"
    assert kinds[(Domain.SANITATION, None)] == "320105001"


def test_heads_staff_and_chain_of_command(city: City) -> None:
    o = city.organisation
    assert o.head_of("320105001").title == "街道主任"
    head = o.head_of(GRID_NANHU)
    assert head is not None
    assert head.role is Role.GRID_CHIEF
    assert [p.code for p in o.staff_of(GRID_NANHU)] == ["p_worker_1"]
    assert [d.code for d in o.chain_of_command("team_nanhu")] == [
        "team_nanhu",
        "squadron_north",
        "brigade",
        "cityapp_bureau",
        "district_gov",
    ]
    assert [p.code for p in o.members_of("team_nanhu")] == ["p_officer_1"]
    assert o.head_of("320105002") is None


def test_vocabularies_parse_chinese() -> None:
    assert Role.parse("網格長") is Role.GRID_CHIEF
    assert Role.parse("综合监管员") is Role.SUPERVISOR
    assert DepartmentKind.parse("大队") is DepartmentKind.BRIGADE
    assert CommitteeKind.parse("管理组") is CommitteeKind.MANAGEMENT_GROUP
    assert PairingKind.parse("包抓") is PairingKind.BAOZHUA
    with pytest.raises(UnknownTermError, match="not a Role"):
        Role.parse("网格长长")


# ------------------------------------------------------------------ files
def test_load_dump_round_trip_toml_and_json(city: City, tmp_path: Path) -> None:
    for name in ("city.toml", "city.json"):
        path = tmp_path / name
        city.dump(path)
        again = load_city(path)
        assert again == city
        assert hash(again) == hash(city)
        again.dump(tmp_path / f"again_{name}")
        assert (tmp_path / f"again_{name}").read_bytes() == path.read_bytes()


def test_pickle_round_trip(city: City) -> None:
    assert pickle.loads(pickle.dumps(city)) == city
    assert pickle.loads(pickle.dumps(city.organisation)) == city.organisation
    assert pickle.loads(pickle.dumps(city.organisation.duties)) == city.organisation.duties


def test_fragment_round_trip_and_merge(city: City, tmp_path: Path) -> None:
    fragment = tmp_path / "org.toml"
    fragment.write_text(city.organisation.dumps(), encoding="utf-8")
    assert Organisation.load(fragment) == city.organisation
    bare = tmp_path / "bare.toml"
    bare.write_text(city.hierarchy.dumps(), encoding="utf-8")
    merged = merge_organisation_file(bare, fragment, tmp_path / "merged.toml")
    assert merged == city
    assert Hierarchy.load(tmp_path / "merged.toml") == city.hierarchy
    with pytest.raises(OrganisationError, match="already has an organisation"):
        merge_organisation_file(tmp_path / "merged.toml", fragment, tmp_path / "x.toml")
    assert not (tmp_path / "x.toml").exists()


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_unknown_department_in_a_rule_names_field_file_and_line(tmp_path: Path) -> None:
    path = _with(tmp_path, 'lead = "culture_bureau"', 'lead = "culture_bureu"')
    with pytest.raises(OrganisationError) as info:
        load_city(path)
    err = info.value
    assert err.field == "organisation.duties[5].lead"
    assert err.file == str(path)
    assert err.line == _line_of(path, 'lead = "culture_bureu"')
    assert "did you mean" not in str(err) or "culture_bureau" in str(err)


def test_unknown_key_is_rejected_with_a_suggestion(tmp_path: Path) -> None:
    path = _with(tmp_path, 'title = "区长"', 'titel = "区长"')
    with pytest.raises(OrganisationError, match="did you mean 'title'") as info:
        load_city(path)
    assert info.value.line == _line_of(path, "titel")


def test_person_in_a_missing_unit(tmp_path: Path) -> None:
    path = _with(tmp_path, 'unit = "320105001001001"\n', 'unit = "320105001001009"\n')
    with pytest.raises(OrganisationError, match="320105001001009") as info:
        load_city(path)
    assert info.value.field == "organisation.persons[3].unit"
    assert info.value.line == _line_of(path, "320105001001009")


def test_domain_without_a_lead_names_domain_and_territory(tmp_path: Path) -> None:
    path = _with(tmp_path, 'domain = "pest_control"', 'domain = "sanitation"\nasset_kind = "x"')
    with pytest.raises(
        OrganisationError, match=r"pest_control \(除\"四害\"\) has no lead at 320100"
    ):
        load_city(path)


def test_two_rules_of_equal_specificity_disagree(tmp_path: Path) -> None:
    path = _with(tmp_path, 'territory = "320105002"', 'territory = "320105"')
    with pytest.raises(OrganisationError, match="equal specificity") as info:
        load_city(path)
    assert info.value.field == "organisation.duties[17]"


def test_grid_chief_must_head_a_grid(tmp_path: Path) -> None:
    path = _with(
        tmp_path,
        'role = "grid_chief"\nunit = "320105001001001"',
        'role = "grid_chief"\nunit = "320105001002"',
    )
    with pytest.raises(OrganisationError, match="heads a grid"):
        load_city(path)


def test_city_file_without_organisation(tmp_path: Path) -> None:
    path = tmp_path / "bare.toml"
    path.write_text(load_city(FIXTURE).hierarchy.dumps(), encoding="utf-8")
    with pytest.raises(OrganisationError, match="no \\[organisation\\] table"):
        load_city(path)


def test_hierarchy_errors_stay_hierarchy_errors(tmp_path: Path) -> None:
    path = _with(tmp_path, 'parent = "320105001001"', 'parent = "320105001009"')
    with pytest.raises(HierarchyError):
        load_city(path)


# ------------------------------------------------------------------ invariants of the parts
def test_codes_are_unique_across_parts() -> None:
    with pytest.raises(OrganisationError, match="already used"):
        Organisation(
            departments=[Department("x", "局", DepartmentKind.BUREAU)],
            persons=[Person("x", "某", Role.LEADER)],
        )


def test_enforcement_chain_shape() -> None:
    with pytest.raises(OrganisationError, match="belongs to a brigade"):
        Organisation(
            departments=[
                Department("b", "局", DepartmentKind.BUREAU),
                Department("sq", "中队", DepartmentKind.SQUADRON, parent="b"),
            ]
        )


def test_department_cycle() -> None:
    with pytest.raises(OrganisationError, match="cycle"):
        Organisation(
            departments=[
                Department("a", "甲", DepartmentKind.OFFICE, parent="b"),
                Department("b", "乙", DepartmentKind.OFFICE, parent="a"),
            ]
        )


def test_one_head_per_unit() -> None:
    with pytest.raises(OrganisationError, match="already has a head"):
        Organisation(
            persons=[
                Person("a", "甲", Role.FIRST_RESPONSIBLE, unit="320105001"),
                Person("b", "乙", Role.FIRST_RESPONSIBLE, unit="320105001"),
            ]
        )


def test_management_and_assessment_groups_are_separate() -> None:
    # 《城市管理协管员考核办法》篇5 §三(一): 管理组设在区市容局, 考评组设在区信息中心 (监管分离).
    departments = [
        Department("cab", "区市容局", DepartmentKind.BUREAU),
        Department("info", "区信息中心", DepartmentKind.CENTRE),
    ]
    groups = [
        Committee("cmc", "区城市管理委员会", CommitteeKind.COMMITTEE, "320105"),
        Committee("m", "管理组", CommitteeKind.MANAGEMENT_GROUP, "320105", "cmc", "cab"),
    ]
    ok = Committee("a", "考评组", CommitteeKind.ASSESSMENT_GROUP, "320105", "cmc", "info")
    Organisation(departments=departments, committees=[*groups, ok])
    bad = attrs.evolve(ok, host="cab")
    with pytest.raises(OrganisationError, match="监管分离"):
        Organisation(departments=departments, committees=[*groups, bad])
    with pytest.raises(OrganisationError, match="only an assessment group"):
        Committee("m2", "管理组", CommitteeKind.MANAGEMENT_GROUP, "320105", scores=("x",))


def test_part_validators() -> None:
    with pytest.raises(OrganisationError, match="needs the unit"):
        Person("a", "甲", Role.GRID_CHIEF)
    with pytest.raises(OrganisationError, match="needs a department"):
        Person("a", "甲", Role.ENFORCEMENT_OFFICER)
    with pytest.raises(OrganisationError, match="kind must be a DepartmentKind"):
        Department("a", "甲", "bureau")  # type: ignore[arg-type]
    with pytest.raises(OrganisationError, match="at least one unit"):
        Sector("s", "片", ())
    with pytest.raises(OrganisationError, match="two different parties"):
        Contract("c", "a", "a", 2014, "目标责任书")
    with pytest.raises(OrganisationError, match="year"):
        Contract("c", "a", "b", True, "目标责任书")  # type: ignore[arg-type]
    with pytest.raises(OrganisationError, match="visits_per_week"):
        Pairing("a", "b", PairingKind.GUADIAN, visits_per_week=-1)
    with pytest.raises(OrganisationError, match="at least one duty"):
        Frontage("f", "店", "S1", duties=())
    with pytest.raises(OrganisationError, match="asset kind"):
        DutyRule(Domain.SANITATION, "Road List", "320105", "x")
    with pytest.raises(OrganisationError, match="single party"):
        DutyRule(Domain.SANITATION, None, "320105", "x", cooperating="y")  # type: ignore[arg-type]


def test_parse_party() -> None:
    assert org.parse_party("level:community", field="lead") is Level.COMMUNITY
    assert org.party_to_text(Level.GRID) == "level:grid"
    with pytest.raises(OrganisationError, match="not a Level"):
        org.parse_party("level:block", field="lead")
    with pytest.raises(OrganisationError, match="department code"):
        org.parse_party(" x", field="lead")


def test_city_checks_codes_against_units() -> None:
    h = _small_hierarchy()
    o = Organisation(
        departments=[Department("320105001", "重名", DepartmentKind.OFFICE)],
        duties=_everywhere(),
    )
    with pytest.raises(OrganisationError, match="also a unit or segment code"):
        City(h, o)


def test_street_committees_mirror_the_district(city: City) -> None:
    # 《城市管理协管员考核办法》篇5 §三(一): 各街道要成立与区城市管理委员会对应的街道城市管理委员会.
    o = city.organisation
    committee = o.committee_of("320105")
    assert committee is not None
    assert committee.code == "cmc"
    assert o.missing_mirrors(city.hierarchy) == ("320105002",)  # the fixture's 滨湖 lacks one


def test_bad_enum_value_in_a_file_names_line(tmp_path: Path) -> None:
    path = _with(tmp_path, 'role = "grid_worker"', 'role = "grid_boss"')
    with pytest.raises(OrganisationError, match="not a Role") as info:
        load_city(path)
    assert info.value.field == "organisation.persons[4].role"
    assert info.value.line == _line_of(path, "grid_boss")


def test_wrong_types_in_a_file(tmp_path: Path) -> None:
    path = _with(tmp_path, 'units = ["320105001", "320105002"]', 'units = "320105001"')
    with pytest.raises(OrganisationError, match="expected a list of codes") as info:
        load_city(path)
    assert info.value.field == "organisation.sectors[0].units"
    path = _with(tmp_path, "year = 2014", "year = 2014.0")
    with pytest.raises(OrganisationError, match="whole number"):
        load_city(path)
    path = _with(tmp_path, "[organisation]\n", "[organisation]\nstaff = 1\n")
    with pytest.raises(OrganisationError, match="unknown key 'staff'"):
        load_city(path)


def test_organisation_parts_must_be_records() -> None:
    with pytest.raises(OrganisationError, match="expected a Sector"):
        Organisation(sectors=["north"])  # type: ignore[list-item]


def test_sample_organisation_fits_the_sample_district() -> None:
    sample = sim.sample_city()
    h, fragment = sample.hierarchy, sample.organisation
    grid = h.grids()[0].code
    # 《城市管理协管员考核办法》篇5 §二(一): city-list roads → 环卫所; other roads → the street
    assert sample.lead_for("sanitation", grid, "road.city_list") == "hw_station"
    # (the street is a level party: it means the street's designated office)
    street = h.territory_of(grid, "street").code
    assert sample.lead_for("sanitation", grid, "road.other") == "street_office_001"
    assert sample.organisation.office_of(street) == "street_office_001"
    assert sample.party("street_office_001").name == "南湖街道办事处"
    # 涉农街道 (江心洲, a synthetic assumption) cleans its city-list roads itself
    jxz = h.descendants("320105007", level=Level.GRID)[0].code
    assert sample.lead_for("sanitation", jxz, "road.city_list") == "street_office_007"
    # 《城市管理协管员考核办法》篇5 §二(一)(二)(七), with the taxonomy's asset slugs
    assert sample.lead_for("sanitation", grid, "public_toilet") == "hw_station"
    assert sample.lead_for("city_appearance", grid, "kiosk") == "culture_bureau"
    assert sample.lead_for("city_appearance", grid, "lamp") == "cons_bureau"
    assert sample.lead_for("residential_areas", grid, "estate.with_property_company") == (
        "property_company"
    )
    assert sample.supervising_for("residential_areas", grid, "estate") == ("housing_bureau",)
    # every street has a first responsible person, every grid a grid chief
    assert all(fragment.head_of(s) is not None for s in h.at_level("street"))
    assert all(fragment.head_of(g) is not None for g in h.grids())
    assert fragment.missing_mirrors(h) == ()


def test_a_level_party_resolves_to_the_units_office_and_every_code_resolves() -> None:
    # For street-led domains the lead is the street office of the case's street, so an
    # organisation lookup of any lead code succeeds (the duty matrix alone gives units).
    city = sim.sample_city()
    taxonomy = Taxonomy.default()
    for grid in [g.code for g in city.hierarchy.grids()[::40]]:
        for category in taxonomy.categories():
            for code in (
                city.lead_for(category.domain, grid, category.asset_kind),
                *city.cooperating_for(category.domain, grid, category.asset_kind),
            ):
                party = city.party(code)
                assert party.name
                assert code not in city.hierarchy or city.organisation.office_of(code) is None
    with pytest.raises(OrganisationError, match="neither a department nor a unit") as info:
        city.party("street_ofice_001")
    assert "street_office_001" in (info.value.hint or "")


def test_a_unit_has_one_designated_office() -> None:
    two = [
        Department("so1", "南湖街道办事处", DepartmentKind.STREET_OFFICE, unit="320105001"),
        Department("so2", "南湖街道办", DepartmentKind.STREET_OFFICE, unit="320105001"),
    ]
    with pytest.raises(OrganisationError, match="already has a designated office") as info:
        Organisation(two)
    assert info.value.field == "departments[1].unit"


def test_a_misspelt_asset_kind_is_an_error_not_the_general_lead() -> None:
    # road.citylist (for road.city_list) used to route silently to the street
    city = sim.sample_city()
    grid = city.hierarchy.grids()[0].code
    with pytest.raises(OrganisationError, match=r"did you mean 'road\.city_list'") as info:
        city.lead_for("sanitation", grid, "road.citylist")
    assert info.value.field == "asset_kind"
    # a taxonomy asset kind with no rule of its own takes the domain's general rule
    assert city.lead_for("sanitation", grid, "manhole") == "street_office_001"


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("visits_per_week = 2", "visits_per_week = " + "1" + "0" * 23, "visits_per_week",
         "0 to 168"),
        ("year = 2014\nsubject = \"整治", "year = 20140\nsubject = \"整治", "year",
         "1949 to 2261"),
        ("visits_per_week = 2", "visits_per_week = 0.9", "visits_per_week",
         "0.9 is not a whole number"),
    ],
)  # fmt: skip
def test_absurd_counts_in_an_organisation_are_refused_with_their_line(
    tmp_path: Path, old: str, new: str, field: str, words: str
) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "city.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1 + old[: old.index(field)].count("\n")
    with pytest.raises(OrganisationError) as info:
        load_city(path)
    assert words in info.value.message
    assert str(info.value.field).endswith(field)
    assert info.value.line == line
