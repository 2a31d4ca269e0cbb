"""The taxonomy of components (部件) and events (事件): resolution, files, extension."""

from __future__ import annotations

import pickle
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from urbangov.errors import TaxonomyError
from urbangov.taxonomy import Category, CategoryKind, CodeSource, MajorClass, Taxonomy
from urbangov.vocabulary import Domain

TAX = Taxonomy.default()
HEADER = 'kind = "taxonomy"\nformat_version = 1\n'


def write(tmp_path: Path, text: str, name: str = "tax.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ the bundled classes


@pytest.mark.parametrize(
    ("key", "slug"),
    [
        ("暴露垃圾", "exposed_garbage"),
        ("积存垃圾渣土", "accumulated_waste"),
        ("道路不洁", "dirty_road"),
        ("占道经营", "street_occupying_trade"),
        ("无照经营游商", "unlicensed_vendor"),
        ("违法建设", "illegal_construction"),  # an alias of 私搭乱建
        ("非法小广告", "illegal_small_ads"),
        ("路面破损", "damaged_road_surface"),
        ("绿地脏乱", "dirty_green_space"),
        ("道路积水", "waterlogged_road"),
        ("乱堆物料", "piled_materials"),
        ("店外经营", "outside_shop_trading"),
        ("露天烧烤", "open_air_barbecue"),
        ("施工扰民", "construction_noise"),
        ("渣土撒漏", "road_spillage"),
        ("上水井盖", "water_supply_manhole_cover"),
        ("污水井盖", "sewage_manhole_cover"),
    ],
)
def test_common_classes_resolve_by_chinese_name(key: str, slug: str) -> None:
    assert TAX.resolve(key).slug == slug


def test_every_major_class_of_the_issue_is_present() -> None:
    components = {m.name for m in TAX.majors if m.kind is CategoryKind.COMPONENT}
    events = {m.name for m in TAX.majors if m.kind is CategoryKind.EVENT}
    assert components == {
        "公用设施",
        "道路交通",
        "市容环境",
        "园林绿化",
        "房屋土地",
        "其它设施",
        "扩展部件",
    }
    assert events == {"市容环境", "宣传广告", "施工管理", "街面秩序", "突发事件", "其他事件"}


def test_every_major_class_has_a_category() -> None:
    used = {(c.kind, c.major_code) for c in TAX.categories()}
    assert used == {(m.kind, m.code) for m in TAX.majors}


def test_every_duty_domain_is_reachable_from_some_category() -> None:
    assert {c.domain for c in TAX.categories()} == set(Domain)


def test_urbangov_codes_use_the_reserved_numbers() -> None:
    # data/taxonomy.toml: urbangov's own subclasses are numbered 80–89
    for cat in TAX.categories():
        if cat.source is CodeSource.URBANGOV:
            assert 80 <= int(cat.code[2:]) <= 89, cat
        else:
            assert not 80 <= int(cat.code[2:]) <= 89, cat


def test_resolve_by_slug_code_and_prefixed_code() -> None:
    cat = TAX.resolve("exposed_garbage")
    assert cat.name == "暴露垃圾"
    assert cat.kind is CategoryKind.EVENT
    assert TAX.resolve("E0102") is cat
    assert TAX.resolve("e0102") is cat
    assert TAX.resolve("事件0102") is cat
    assert TAX.resolve("0580").slug == "street_occupying_trade"  # only events use 0580
    assert TAX.resolve(cat) is cat
    assert TAX.major_of(cat).name == "市容环境"


def test_code_used_by_both_kinds_asks_for_the_kind() -> None:
    with pytest.raises(TaxonomyError, match="'C0101' or 'E0101'"):
        TAX.resolve("0101")
    assert TAX.resolve("C0101").name == "上水井盖"
    assert TAX.resolve("部件0101").name == "上水井盖"


def test_unknown_name_suggests_the_nearest() -> None:
    with pytest.raises(TaxonomyError, match="did you mean 'exposed_garbage'") as info:
        TAX.resolve("exposed_garbge")
    assert info.value.field == "category"


def test_resolve_names_the_callers_field() -> None:
    with pytest.raises(TaxonomyError) as info:
        TAX.resolve("no such thing", field="cases[3].category")
    assert info.value.field == "cases[3].category"


def test_categories_filter_by_kind() -> None:
    assert all(c.kind is CategoryKind.COMPONENT for c in TAX.categories("部件"))
    assert len(TAX.categories("component")) + len(TAX.categories("event")) == len(TAX.categories())


# ------------------------------------------------------------------ round trips


def test_dumps_loads_round_trip_and_rewrites_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    TAX.dump(path)
    again = Taxonomy.load(path)
    assert again == TAX
    path2 = tmp_path / "t2.toml"
    again.dump(path2)
    assert path.read_bytes() == path2.read_bytes()


def test_taxonomy_and_categories_pickle() -> None:
    assert pickle.loads(pickle.dumps(TAX)) == TAX
    cat = TAX.resolve("暴露垃圾")
    assert pickle.loads(pickle.dumps(cat)) == cat
    assert pickle.loads(pickle.dumps(TAX)).resolve("E0102") == cat


def test_taxonomy_is_hashable_and_frozen() -> None:
    assert hash(TAX) == hash(Taxonomy.loads(TAX.dumps()))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        TAX.majors = ()  # type: ignore[misc]


# ------------------------------------------------------------------ user extension


def test_extend_adds_and_overrides_by_slug() -> None:
    night = Category("night_market", "夜市", "event", "0581", "city_appearance", "road.other")
    changed = attrs.evolve(TAX.resolve("exposed_garbage"), domain=Domain.CITY_APPEARANCE)
    mine = TAX.extend([night, changed])
    assert mine.resolve("夜市") == night
    assert mine.resolve("暴露垃圾").domain is Domain.CITY_APPEARANCE
    assert TAX.resolve("暴露垃圾").domain is Domain.SANITATION  # the original is untouched
    assert len(mine.categories()) == len(TAX.categories()) + 1
    # the overridden class keeps its place
    assert mine.categories().index(mine.resolve("暴露垃圾")) == TAX.categories().index(
        TAX.resolve("暴露垃圾")
    )


def test_extend_with_a_new_major_class() -> None:
    major = MajorClass("event", "07", "扩展事件", "extension_events", "local")
    cat = Category("drone_sighting", "无人机违规", "event", "0701", "urban_traffic")
    mine = TAX.extend([cat], [major])
    assert mine.major_of("drone_sighting") == major


def test_extend_rejects_a_category_without_major_class() -> None:
    cat = Category("drone_sighting", "无人机违规", "event", "0701", "urban_traffic")
    with pytest.raises(TaxonomyError, match="no major class") as info:
        TAX.extend([cat])
    assert info.value.field is not None
    assert info.value.field.endswith(".code")


def test_extend_rejects_a_name_used_by_another_slug() -> None:
    clash = Category("garbage_again", "暴露垃圾", "event", "0582", "sanitation")
    with pytest.raises(TaxonomyError, match="already used by 'exposed_garbage'"):
        TAX.extend([clash])


def test_merged_keeps_both(tmp_path: Path) -> None:
    night = Category("night_market", "夜市", "event", "0581", "city_appearance")
    other = Taxonomy(majors=[TAX.major("event", "05")], categories=[night])
    assert TAX.merged(other).resolve("night_market") == night


def test_load_with_base_extends_the_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + '[[categories]]\nslug = "night_market"\nname = "夜市"\nkind = "event"\n'
        'code = "0581"\ndomain = "市容市貌"\naliases = ["夜间集市"]\n',
    )
    mine = Taxonomy.load(path, base=TAX)
    assert mine.resolve("夜间集市").domain is Domain.CITY_APPEARANCE
    assert mine.resolve("暴露垃圾") == TAX.resolve("暴露垃圾")
    with pytest.raises(TaxonomyError, match="major class"):
        Taxonomy.load(path)  # without the base, event 05 is unknown


# ------------------------------------------------------------------ bad files


@pytest.mark.parametrize(
    ("body", "field", "line", "message"),
    [
        (
            '[[categories]]\nslug = "Bad Slug"\nname = "x"\nkind = "event"\ncode = "0102"\n'
            'domain = "sanitation"\n',
            "categories[0].slug",
            4,
            "not a valid slug",
        ),
        (
            '[[categories]]\nslug = "x"\nname = "x"\nkind = "event"\ncode = "102"\n'
            'domain = "sanitation"\n',
            "categories[0].code",
            7,
            "4-digit code",
        ),
        (
            '[[categories]]\nslug = "x"\nname = "x"\nkind = "event"\ncode = "0102"\n'
            'domain = "sanitaton"\n',
            "categories[0].domain",
            8,
            "not a Domain",
        ),
        (
            '[[categories]]\nslug = "x"\nname = "x"\nkind = "evnt"\ncode = "0102"\n'
            'domain = "sanitation"\n',
            "categories[0].kind",
            6,
            "not a CategoryKind",
        ),
        (
            '[[categories]]\nslug = "x"\nname = "x"\nkind = "event"\ncode = "0102"\n'
            'domian = "sanitation"\n',
            "categories[0].domian",
            8,
            "did you mean 'domain'",
        ),
        (
            '[[categories]]\nslug = "x"\nname = "x"\nkind = "event"\ncode = "0102"\n',
            "categories[0]",
            3,
            "missing key 'domain'",
        ),
        ('colour = "red"\n', "colour", 3, "unknown key"),
    ],
)
def test_bad_file_names_file_line_and_field(
    tmp_path: Path, body: str, field: str, line: int, message: str
) -> None:
    path = write(tmp_path, HEADER + body)
    with pytest.raises(TaxonomyError, match=message) as info:
        Taxonomy.load(path)
    assert info.value.field == field
    assert info.value.file == str(path)
    assert info.value.line == line


# Two categories with the slug "a": the second one's slug is on line 15.
DUPLICATE_SLUG = (
    '[[majors]]\nkind = "event"\ncode = "01"\nname = "市容环境"\nslug = "env"\n'
    '[[categories]]\nslug = "a"\nname = "甲"\nkind = "event"\ncode = "0101"\n'
    'domain = "sanitation"\n'
    '[[categories]]\nslug = "a"\nname = "乙"\nkind = "event"\ncode = "0102"\n'
    'domain = "sanitation"\n'
)


def test_duplicate_slug_in_a_file_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + DUPLICATE_SLUG)
    with pytest.raises(TaxonomyError, match="slug 'a' is already used") as info:
        Taxonomy.load(path)
    assert info.value.field == "categories[1].slug"
    assert info.value.line == 15


def test_a_repeated_category_is_refused_with_a_base_too(tmp_path: Path) -> None:
    # with a base, the second entry used to replace the first without a word
    path = write(tmp_path, HEADER + DUPLICATE_SLUG)
    with pytest.raises(TaxonomyError, match="slug 'a' is already used") as info:
        Taxonomy.load(path, base=Taxonomy.default())
    assert (info.value.field, info.value.line) == ("categories[1].slug", 15)
    assert Taxonomy.check_file(path, base=Taxonomy.default())[0].line == 15


def test_wrong_kind_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, 'kind = "policy"\nformat_version = 1\n')
    with pytest.raises(TaxonomyError, match="expected kind 'taxonomy'"):
        Taxonomy.load(path)


@given(st.sampled_from(TAX.categories()))
def test_every_category_resolves_by_each_of_its_names(cat: Category) -> None:
    assert TAX.resolve(cat.slug) is cat
    assert TAX.resolve(cat.name) is cat
    assert TAX.resolve(cat.full_code) is cat
    for alias in cat.aliases:
        assert TAX.resolve(alias) is cat
    assert Category(**{**cat.to_toml(), "aliases": list(cat.aliases)}) == cat


def test_error_in_a_file_over_a_base_names_the_files_line(tmp_path: Path) -> None:
    body = (
        '[[categories]]\nslug = "night_market"\nname = "夜市"\nkind = "event"\n'
        'code = "0581"\ndomain = "city_appearance"\n'
        '[[categories]]\nslug = "garbage_again"\nname = "暴露垃圾"\nkind = "event"\n'
        'code = "0582"\ndomain = "sanitation"\n'
    )
    path = write(tmp_path, HEADER + body)
    with pytest.raises(TaxonomyError, match="already used by 'exposed_garbage'") as info:
        Taxonomy.load(path, base=TAX)
    assert info.value.field == "categories[1].name"
    assert info.value.file == str(path)
    assert info.value.line == 11


def test_check_file_lists_every_entry_problem_and_load_raises_the_first(
    tmp_path: Path,
) -> None:
    body = (
        'colour = "red"\n'
        '[[categories]]\nslug = "x"\nname = "x"\nkind = "evnt"\ncode = "0102"\n'
        'domain = "sanitation"\n'
        '[[categories]]\nslug = "y"\nname = "y"\nkind = "event"\ncode = "0103"\n'
        'domian = "sanitation"\n'
    )
    path = write(tmp_path, HEADER + body)
    problems = Taxonomy.check_file(path)
    assert [p.field for p in problems] == [
        "colour",
        "categories[0].kind",
        "categories[1].domian",
        "categories[1]",
    ]
    assert [p.line for p in problems] == [3, 7, 15, 10]
    assert "missing key 'domain'" in problems[3].message
    with pytest.raises(TaxonomyError) as info:
        Taxonomy.load(path)
    assert str(info.value) == str(problems[0])


def test_check_file_runs_cross_entry_checks_once_entries_are_sound(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + DUPLICATE_SLUG)
    (problem,) = Taxonomy.check_file(path)
    assert problem.field == "categories[1].slug"
    assert problem.line == 15
    assert (
        Taxonomy.check_file(
            write(tmp_path, HEADER + DUPLICATE_SLUG.replace('"a"\nname = "乙"', '"b"\nname = "乙"'))
        )
        == ()
    )
