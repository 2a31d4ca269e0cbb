"""The hierarchy: code rules, validation errors, queries and city files."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from urbangov import Hierarchy, HierarchyError, Level, Segment, Unit, ZoneTier
from urbangov.hierarchy import check_file

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "urbangov" / "data" / "sample_district.toml"

ROWS = [
    ("320100", "南京市", "city", None),
    ("320105", "建邺区", "district", "320100"),
    ("320105001", "南湖街道", "street", "320105"),
    ("320105002", "滨湖街道", "street", "320105"),
    ("320105001001", "南湖一社区", "community", "320105001"),
    ("320105001002", "南湖二社区", "community", "320105001"),
    ("320105002001", "滨湖一社区", "community", "320105002"),
    ("320105001001001", "网格1", "grid", "320105001001"),
    ("320105001001002", "网格2", "grid", "320105001001"),
    ("320105001002001", "网格3", "grid", "320105001002"),
    ("320105002001001", "网格4", "grid", "320105002001"),
]


@pytest.fixture
def h() -> Hierarchy:
    return Hierarchy.from_rows(ROWS)


# ------------------------------------------------------------------ validation errors


def _error(rows: list[tuple[str, str, object, str | None]]) -> HierarchyError:
    with pytest.raises(HierarchyError) as info:
        Hierarchy.from_rows(rows)
    return info.value


def test_duplicate_code_is_rejected_naming_the_code() -> None:
    err = _error([("320100", "a", "city", None), ("320100", "b", "city", None)])
    assert err.field == "320100"
    assert "duplicate" in str(err)


def test_missing_parent_is_rejected_naming_the_child() -> None:
    err = _error([("320105001", "街道", "street", "320105")])
    assert err.field == "320105001"
    assert "parent 320105 is not in the hierarchy" in str(err)


def test_parent_must_be_exactly_one_level_up() -> None:
    err = _error(
        [("320105", "区", "district", None), ("320105001001", "社区", "community", "320105")]
    )
    assert err.field == "320105001001"
    assert "one level up" in str(err)


def test_child_code_must_extend_parent_code() -> None:
    err = _error([("320105", "区", "district", None), ("320106001", "街道", "street", "320105")])
    assert err.field == "320106001"
    assert "plus 3 digits" in str(err)


def test_district_must_share_city_prefix() -> None:
    err = _error([("320100", "市", "city", None), ("320205", "区", "district", "320100")])
    assert err.field == "320205"
    assert "first 4 digits (3201)" in str(err)


def test_city_code_must_end_in_00() -> None:
    assert _error([("320101", "市", "city", None)]).field == "320101"


def test_district_code_must_not_end_in_00() -> None:
    assert "city code" in str(_error([("320100", "区", "district", None)]))


def test_code_length_must_match_level() -> None:
    err = _error([("32010500", "街道", "street", None)])
    assert "9 digits, not 8" in str(err)


def test_code_must_be_digits() -> None:
    assert "digits only" in str(_error([("32010500A", "街道", "street", None)]))


def test_cycle_is_rejected() -> None:
    # a → b → a: the level rule cannot hold around a cycle, so it is caught there.
    err = _error(
        [
            ("320105001", "a", "street", "320105001001"),
            ("320105001001", "b", "community", "320105001"),
        ]
    )
    assert "one level up" in str(err)


def test_city_with_a_parent_is_rejected() -> None:
    err = _error([("320100", "a", "city", None), ("330100", "b", "city", "320100")])
    assert err.field == "330100"


def test_unknown_level_names_the_row_and_suggests() -> None:
    err = _error([("320100", "a", "citty", None)])
    assert err.field == "rows[0].level"
    assert "did you mean 'city'" in str(err)


def test_bad_row_shape_is_rejected() -> None:
    with pytest.raises(HierarchyError, match="a row is"):
        Hierarchy.from_rows([("320100", "a", "city")])  # type: ignore[list-item]


def test_every_problem_is_reported_at_once() -> None:
    err = _error([("320101", "a", "city", None), ("320105001", "b", "street", "999999")])
    assert "2 problems" in str(err)


def test_negative_area_is_rejected() -> None:
    with pytest.raises(HierarchyError, match="area_m2"):
        Unit("320100", "a", Level.CITY, area_m2=-1.0)


def test_level_forms_are_equivalent() -> None:
    forms = [Level.GRID, 4, "grid", "GRID", "网格"]
    built = {
        Hierarchy.from_rows([("320105001001001", "g", form, None)]).unit("320105001001001").level
        for form in forms
    }
    assert built == {Level.GRID}


# ------------------------------------------------------------------ queries


def test_ancestors_nearest_first(h: Hierarchy) -> None:
    assert [u.code for u in h.ancestors("320105001001002")] == [
        "320105001001",
        "320105001",
        "320105",
        "320100",
    ]
    assert h.ancestors("320100") == ()


def test_queries_accept_units_as_well_as_codes(h: Hierarchy) -> None:
    unit = h.unit("320105001")
    assert h.children(unit) == h.children("320105001")
    assert h.parent(unit) == h.unit("320105")


def test_children_and_descendants_sorted_by_code(h: Hierarchy) -> None:
    assert [u.code for u in h.children("320105")] == ["320105001", "320105002"]
    grids = h.descendants("320105", level=Level.GRID)
    assert [u.code for u in grids] == sorted(u.code for u in grids)
    assert len(grids) == 4
    assert len(h.descendants("320100")) == len(h) - 1
    assert h.descendants("320105001001001") == ()


def test_territory_of(h: Hierarchy) -> None:
    assert h.territory_of("320105001002001", Level.STREET).name == "南湖街道"
    assert h.territory_of("320105001", "street").code == "320105001"
    with pytest.raises(HierarchyError, match="no grid above"):
        h.territory_of("320105001", Level.GRID)


def test_territories_of_many_units_answer_like_territory_of(h: Hierarchy) -> None:
    codes = [u.code for u in h.units if u.level >= Level.STREET]
    for level in (Level.DISTRICT, Level.STREET):
        assert h.territories_of(codes, level) == tuple(h.territory_of(c, level).code for c in codes)
    assert h.territories_of([h.unit("320105001")], "street") == ("320105001",)
    assert h.territories_of([], Level.GRID) == ()
    with pytest.raises(HierarchyError, match="no grid above"):
        h.territories_of(["320105001001001", "320105001"], Level.GRID)
    with pytest.raises(HierarchyError, match="999"):
        h.territories_of(["320105001", "999"], Level.STREET)


def test_coordinator_of_grids_in_one_community_is_the_community(h: Hierarchy) -> None:
    assert h.coordinator(["320105001001001", "320105001001002"]).code == "320105001001"


def test_coordinator_across_streets_is_the_district(h: Hierarchy) -> None:
    # "大事不出街道": a problem spanning two streets goes up to the district.
    assert h.coordinator(["320105001001001", "320105002001001"]).code == "320105"


def test_coordinator_of_a_unit_and_its_ancestor_is_the_ancestor(h: Hierarchy) -> None:
    assert h.coordinator(["320105001001001", "320105001"]).code == "320105001"
    assert h.coordinator(["320105001001001"]).code == "320105001001001"


def test_coordinator_across_trees_raises() -> None:
    forest = Hierarchy.from_rows([("320100", "a", "city", None), ("330100", "b", "city", None)])
    with pytest.raises(HierarchyError, match="no common ancestor"):
        forest.coordinator(["320100", "330100"])
    with pytest.raises(HierarchyError, match="at least one"):
        forest.coordinator([])


def test_unknown_unit_raises_with_hint(h: Hierarchy) -> None:
    with pytest.raises(HierarchyError, match="no such unit") as info:
        h.unit("999")
    assert info.value.hint is not None


def test_equality_ignores_row_order() -> None:
    assert Hierarchy.from_rows(ROWS) == Hierarchy.from_rows(list(reversed(ROWS)))
    assert hash(Hierarchy.from_rows(ROWS)) == hash(Hierarchy.from_rows(list(reversed(ROWS))))


def test_segments_must_lie_in_known_units() -> None:
    with pytest.raises(HierarchyError, match="segment lies in unit 320105009"):
        Hierarchy.from_rows(ROWS, [Segment("S1", "路", unit="320105009")])


def test_segments_in_a_street(h: Hierarchy) -> None:
    segs = [Segment("S1", "a", unit="320105001001001"), Segment("S2", "b", unit="320105002")]
    h2 = Hierarchy(h.units, segs)
    assert [s.code for s in h2.segments_in("320105001")] == ["S1"]
    assert h2.segment("S2").unit == "320105002"


# ------------------------------------------------------------------ files


def test_sample_district_has_the_seeds_seven_streets() -> None:
    h = Hierarchy.load(SAMPLE)
    # 《城市管理协管员考核办法》篇5 §五(二) names the seven streets
    assert [u.name for u in h.at_level(Level.STREET)] == [
        "南湖街道",
        "滨湖街道",
        "兴隆街道",
        "南苑街道",
        "沙洲街道",
        "双闸街道",
        "江心洲街道",
    ]
    assert 200 <= len(h.grids()) <= 500
    assert h.unit("320105").attributes["synthetic"] is True


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_dump_load_round_trip_and_byte_identical_rewrite(tmp_path: Path, suffix: str) -> None:
    h = Hierarchy.from_rows(
        [*ROWS[:3]], [Segment("S1", "路", unit="320105001", attributes={"km": 1.5})]
    )
    h = Hierarchy(
        (
            *h.units,
            Unit(
                "320105001001",
                "社区",
                Level.COMMUNITY,
                "320105001",
                ZoneTier.STRICT,
                1234.5,
                {"tags": ["a", "b"], "n": 3},
            ),
        ),
        h.segments,
    )
    first = tmp_path / f"a{suffix}"
    h.dump(first)
    again = Hierarchy.load(first)
    assert again == h
    second = tmp_path / f"b{suffix}"
    again.dump(second)
    assert first.read_bytes() == second.read_bytes()


def test_load_skips_an_organisation_table(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        'kind = "city"\nformat_version = 1\n[[units]]\ncode = "320100"\nname = "市"\n'
        'level = "city"\n[organisation]\nanything = 1\n',
        encoding="utf-8",
    )
    assert len(Hierarchy.load(path)) == 1


def _write(tmp_path: Path, text: str, name: str = "city.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = 'kind = "city"\nformat_version = 1\n'


def test_load_error_names_file_line_and_code(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEAD + '[[units]]\ncode = "320100"\nname = "市"\nlevel = "city"\n\n'
        '[[units]]\ncode = "320105001"\nname = "街"\nlevel = "street"\nparent = "320100"\n',
    )
    with pytest.raises(HierarchyError) as info:
        Hierarchy.load(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == 12  # the parent key of the street
    assert err.field == "320105001"


def test_load_reports_unknown_key_with_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path, HEAD + '[[units]]\ncode = "320100"\nname = "市"\nlevel = "city"\nparnt = "x"\n'
    )
    problems = check_file(path)
    assert len(problems) == 1
    assert problems[0].field == "units[0].parnt"
    assert problems[0].line == 7


def test_check_file_lists_every_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        HEAD + '[[units]]\ncode = "320101"\nname = "a"\nlevel = "city"\n'
        '[[units]]\ncode = "320205"\nname = "b"\nlevel = "distrct"\n',
    )
    problems = check_file(path)
    assert [p.line for p in problems] == [10, 4]  # the bad level key, then the bad city code
    assert all(p.file == str(path) for p in problems)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b'kind = "policy"\nformat_version = 1\n', "expected kind 'city'"),
        (b'kind = "city"\nformat_version = 2\n', "format_version"),
        (b'kind = "city"\nformat_version = 1\n', r"non-empty \[\[units\]\]"),
        (b'kind = "city"\nformat_version = 1\n[[units]\n', "not valid TOML"),
        (b'kind = "city"\nformat_version = 1\n# \xff\n', "not valid UTF-8"),
    ],
)
def test_bad_files_raise_hierarchy_error_naming_the_file(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(HierarchyError, match=message) as info:
        Hierarchy.load(path)
    assert info.value.file == str(path)


def test_json_city_file_loads(tmp_path: Path) -> None:
    data = {
        "kind": "city",
        "format_version": 1,
        "units": [{"code": "320100", "name": "市", "level": "市"}],
    }
    path = _write(tmp_path, json.dumps(data, ensure_ascii=False), "city.json")
    assert Hierarchy.load(path).unit("320100").level is Level.CITY


def test_hierarchy_pickles_equal() -> None:
    h = Hierarchy.load(SAMPLE)
    again = pickle.loads(pickle.dumps(h))
    assert again == h
    assert again.coordinator(["320105001001001", "320105007001001"]).code == "320105"


# ------------------------------------------------------------------ one behaviour, located


@pytest.mark.parametrize("area", [float("inf"), float("nan"), -1.0])
def test_area_is_a_finite_number(area: float) -> None:
    with pytest.raises(HierarchyError, match="area_m2") as info:
        Unit("320100", "南京市", Level.CITY, area_m2=area)
    assert info.value.field == "320100.area_m2"


def test_area_of_1e400_in_a_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        'kind = "city"\nformat_version = 1\n[[units]]\ncode = "320100"\nname = "南京市"\n'
        'level = "city"\narea_m2 = 1e400\n',
        encoding="utf-8",
    )
    (problem,) = check_file(path)
    assert (problem.field, problem.line) == ("320100.area_m2", 7)


def test_an_empty_hierarchy_is_refused_on_building_as_on_loading() -> None:
    with pytest.raises(HierarchyError, match="at least one unit") as info:
        Hierarchy.from_rows([])
    assert info.value.field == "units"
    with pytest.raises(HierarchyError):
        Hierarchy.loads('kind = "city"\nformat_version = 1\nunits = []\n')


def test_a_repeated_code_points_at_the_repeat(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        'kind = "city"\nformat_version = 1\n\n[[units]]\ncode = "320100"\nname = "a"\n'
        'level = "city"\n\n[[units]]\ncode = "320100"\nname = "b"\nlevel = "city"\n',
        encoding="utf-8",
    )
    (problem,) = check_file(path)
    assert (problem.field, problem.line) == ("320100", 10)


def test_segment_problems_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_text(
        'kind = "city"\nformat_version = 1\n\n[[units]]\ncode = "320100"\nname = "a"\n'
        'level = "city"\n\n[[segments]]\ncode = "S1"\nname = "路"\nunit = "320100"\n\n'
        '[[segments]]\ncode = "S2"\nname = "路"\nunit = "320199"\n\n'
        '[[segments]]\ncode = "S1"\nname = "路"\nunit = "320100"\n',
        encoding="utf-8",
    )
    problems = check_file(path)
    assert [(p.field, p.line) for p in problems] == [("segment S2", 17), ("segment S1", 20)]


def test_json_city_file_errors_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "city.json"
    path.write_text(
        '{"kind": "city", "format_version": 1,\n "units": [\n'
        '  {"code": "320100", "name": "a", "level": "city"},\n'
        '  {"code": "320101", "name": "b", "level": "district", "parent": "320199"}\n'
        "]}\n",
        encoding="utf-8",
    )
    (problem,) = check_file(path)
    assert (problem.field, problem.line) == ("320101", 4)
    path.write_text('{"kind": "city", "format_version": 1,\n "units": [],\n "units": []}\n')
    with pytest.raises(HierarchyError, match="twice") as info:
        Hierarchy.load(path)
    assert (info.value.field, info.value.line) == ("units", 3)


def test_attributes_hold_only_what_both_file_formats_store() -> None:
    import datetime as dt
    from decimal import Decimal

    for bad in (dt.date(2020, 1, 1), Decimal("1.5"), float("inf"), 2**70, None, "\ud800"):
        with pytest.raises(HierarchyError) as info:
            Hierarchy.from_rows([{"code": "320100", "name": "a", "level": "city",
                                  "attributes": {"x": [bad]}}])  # fmt: skip
        assert info.value.field == "320100.attributes.x[0]"
    good = Hierarchy.from_rows(
        [{"code": "320100", "name": "a", "level": "city",
          "attributes": {"since": "2020-01-01", "n": 3, "share": 0.5, "tags": ["a"]}}]
    )  # fmt: skip
    for fmt in ("json", "toml"):
        assert Hierarchy.loads(good.dumps(fmt), format=fmt) == good
