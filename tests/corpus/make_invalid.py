"""Write the bad-input corpus, ``tests/corpus/invalid/``, and its ``MANIFEST.toml``.

Each entry below is a broken file and what urbangov must say about it: the error class,
the field and the line (for Parquet, the row; none where the file has no lines or the
problem has no row). The expectations are written here by hand, from the file's text —
never from what the loaders happen to say — and ``tests/test_corpus.py`` checks the
loaders against them. Run ``python tests/corpus/make_invalid.py`` after changing it and
commit the files it writes.
"""

# ruff: noqa: E501 - the corpus table keeps each file's text on its own lines

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import attrs
import tomli_w

HERE = Path(__file__).parent / "invalid"
FIXTURES = Path(__file__).parents[1] / "fixtures"

POLICY = 'kind = "policy"\nformat_version = 1\n'
CITY = (
    'kind = "city"\nformat_version = 1\n\n'
    '[[units]]\ncode = "320100"\nname = "南京市"\nlevel = "city"\n\n'
    '[[units]]\ncode = "320105"\nname = "建邺区"\nlevel = "district"\nparent = "320100"\n'
)  # 13 lines: the city's units start at line 4, the district's at line 9
CALENDAR = (
    'kind = "calendar"\nformat_version = 1\nextends = "china"\ncovers = [2027]\n\n'
    "[[years]]\nyear = 2027\n"
)  # 7 lines
TAXONOMY = (
    'kind = "taxonomy"\nformat_version = 1\n\n'
    '[[majors]]\nkind = "event"\ncode = "01"\nname = "市容环境"\nslug = "env"\n\n'
    '[[categories]]\nslug = "heap"\nname = "垃圾堆"\nkind = "event"\ncode = "0101"\n'
    'domain = "sanitation"\n'
)  # 15 lines: the category starts at line 10
LOG = "case_id,event,at,category,grid,source,urgency\n"
REPORT = "A1,report,2024-05-06T09:00:00+08:00,exposed_garbage,320102001001001,hotline,normal\n"
WIDE = "case_id,event,at,actor,department,extension,note,category,grid,source,urgency\n"
WIDE_REPORT = (
    "A1,report,2024-05-06T09:00:00+08:00,,,,,exposed_garbage,320102001001001,hotline,normal\n"
)
JSON_REPORT = (
    '{"case_id":"A1","event":"report","at":"2024-05-06T09:00:00+08:00",'
    '"category":"exposed_garbage","grid":"320102001001001","source":"hotline",'
    '"urgency":"normal"}\n'
)
STANDARD = (
    'kind = "standard"\nformat_version = 1\nid = "street_check"\ntotal = 10\n\n'
    '[[items]]\nid = "roads"\npoints = 10\n\n'
    '[[items.rules]]\nkind = "per_finding"\nfound = { city = 0.3 }\n'
)  # 12 lines: the item starts at line 6, its rule at line 10, the price on line 12
FINDINGS = (
    'kind = "findings"\nformat_version = 1\nstandard = "street_check"\nperiod = "2024-05"\n\n'
    '[[units]]\ncode = "320105001"\nname = "南湖街道"\n\n'
    '[[findings]]\nunit = "320105001"\nitem = "roads"\nfinder = "city"\n'
)  # 13 lines: the unit starts at line 6, the finding at line 10
RULES = (
    'kind = "rule-cases"\nformat_version = 1\n\n'
    '[[cases]]\nname = "exposed garbage: 4 working hours"\nsubject = "due_at"\n'
    '[cases.input]\ncategory = "exposed_garbage"\ndispatched = 2024-05-06T09:00:00+08:00\n'
    "[cases.expected]\ndue = 2024-05-06T14:30:00+08:00\n"
)  # 11 lines: the case starts at line 4, its input at line 7, its expected at line 10
SCORE_CASE = (
    'kind = "rule-cases"\nformat_version = 1\n\n'
    '[[cases]]\nname = "a street\'s total"\nsubject = "score"\n'
    '[cases.input]\nstandard = "digital_city_management"\n'
    'findings = { units = [{ code = "320105001" }] }\n'
    '[cases.expected]\ntotals = { "320105001" = "none" }\n'
)  # 11 lines: the standard on line 8, the findings on line 9
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
BOM = b"\xef\xbb\xbf"
DEEP = "[" * 3000 + "]" * 3000
DIGITS = "9" * 5000


@attrs.frozen
class Bad:
    """One broken file: its name, its content (text, bytes, or a function writing it),
    what is wrong, and the error urbangov must raise."""

    name: str
    content: str | bytes | Callable[[Path], None]
    why: str
    error: str
    field: str | None
    line: int | None
    words: str = ""


def _gbk(text: str) -> bytes:
    return text.encode("gbk")


def _org(old: str, new: str) -> str:
    text = (FIXTURES / "org_city.toml").read_text(encoding="utf-8")
    assert old in text
    text = re.sub(r"\s*\bafter seed [^\n]*", ".", text)  # no internal references in the corpus
    return text.replace(old, new, 1)


def _org_line(needle: str) -> int:
    text = (FIXTURES / "org_city.toml").read_text(encoding="utf-8")
    return text[: text.index(needle)].count("\n") + 1


def _parquet(change: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        from urbangov import io

        good = path.with_suffix(".good.parquet")
        io.write_columns(good, io.read_columns(FIXTURES / "logs" / "good.csv"))
        table = pq.read_table(good)
        good.unlink()
        if change == "corrupt":  # row 4's note is not UTF-8
            values = [b"" if v is None else v.encode() for v in table.column("note").to_pylist()]
            values[3] = b"\xff\xfe\xfd"
            offsets = np.cumsum([0, *map(len, values)]).astype(np.int32)
            buffers = [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(values))]
            note = pa.Array.from_buffers(pa.string(), len(values), buffers)
            table = table.set_column(table.column_names.index("note"), "note", note)
        elif change == "ints":
            grid = pa.array(list(range(table.num_rows)), pa.int64())
            table = table.set_column(table.column_names.index("grid"), "grid", grid)
        elif change == "extra":
            table = table.append_column("colour", pa.array(["red"] * table.num_rows))
        elif change == "naive":  # times without their zone
            at = table.column("at").cast(pa.timestamp("us"))
            table = table.set_column(table.column_names.index("at"), "at", at)
        elif change == "nanoseconds":  # row 3's time is 1 ns past a microsecond
            ns = table.column("at").cast(pa.int64()).to_numpy() * 1000
            ns[2] += 1
            at = pa.array(ns, pa.timestamp("ns", tz="Asia/Shanghai"))
            table = table.set_column(table.column_names.index("at"), "at", at)
        pq.write_table(table, path)
        if change == "truncated":
            path.write_bytes(path.read_bytes()[:200])

    return write


CORPUS: tuple[Bad, ...] = (
    # ------------------------------------------------------------------ policy files
    Bad("policy_truncated.toml", POLICY + "[deadlines]\nwarning_points = [0.5,\n",
        "truncated inside an array", "PolicyError", "deadlines.warning_points", 4, "ends before"),
    Bad("policy_wrong_kind.toml", 'kind = "polcy"\nformat_version = 1\n',
        "a kind urbangov does not read", "UrbangovError", "kind", 1, "polcy"),
    Bad("policy_no_kind.toml", "format_version = 1\n[workflow]\n",
        "no kind", "UrbangovError", "kind", 1, "no kind"),
    Bad("policy_version_float.toml", 'kind = "policy"\nformat_version = 1.0\n',
        "format_version written as a float", "PolicyError", "format_version", 2, "1.0"),
    Bad("policy_version_2.toml", 'kind = "policy"\nformat_version = 2\n',
        "a format_version of the future", "PolicyError", "format_version", 2),
    Bad("policy_no_version.toml", 'kind = "policy"\n[workflow]\nclose_without_verification = true\n',
        "no format_version", "PolicyError", "format_version", 1, "no format_version"),
    Bad("policy_unknown_key.toml", POLICY + '[workflow]\ncolour = "red"\n',
        "an unknown key", "PolicyError", "workflow.colour", 4, "unknown key"),
    Bad("policy_wrong_type.toml", POLICY + '[workflow]\nclose_without_verification = "yes"\n',
        "text where a boolean belongs", "PolicyError", "workflow.close_without_verification", 4),
    Bad("policy_huge_limit.toml",
        POLICY + '[deadlines.categories.exposed_garbage]\n'
        'normal = "10000000000000000000000000000 working days"\n',
        "a 29-digit limit", "PolicyError", "deadlines.categories.exposed_garbage.normal", 4,
        "100 years"),
    Bad("policy_text_amount.toml",
        POLICY + '[deadlines.categories.exposed_garbage]\n'
        'normal = { amount = "4", unit = "working_hours" }\n',
        "a limit's amount in quotes", "PolicyError",
        "deadlines.categories.exposed_garbage.normal.amount", 4, "not a number"),
    Bad("policy_infinite_amount.toml",
        POLICY + '[deadlines.categories.exposed_garbage]\nnormal = { amount = inf, unit = "hours" }\n',
        "an infinite amount", "PolicyError", "deadlines.categories.exposed_garbage.normal.amount",
        4, "finite"),
    Bad("policy_negative_limit.toml",
        POLICY + '[deadlines.categories.exposed_garbage]\nnormal = "-4 working hours"\n',
        "a negative limit", "PolicyError", "deadlines.categories.exposed_garbage.normal", 4,
        "negative"),
    Bad("policy_nan.toml", POLICY + "[deadlines]\nwarning_points = [nan, 0.8]\n",
        "NaN in a list of numbers", "PolicyError", "deadlines.warning_points[0]", 4, "finite"),
    Bad("policy_bad_zone.toml", POLICY + '[calendar]\ntz = "Mars/Base"\n',
        "a time zone that does not exist", "PolicyError", "calendar.tz", 4, "IANA"),
    Bad("policy_bad_window.toml", POLICY + '[calendar]\nschedule = ["09:00-25:00"]\n',
        "an office-hours window past midnight", "PolicyError", "calendar.schedule[0]", 4),
    Bad("policy_covers_10000.toml", POLICY + "[calendar]\ncovers = [10000]\n",
        "an impossible covered year", "PolicyError", "calendar.covers", 4, "1678..2261"),
    Bad("policy_overlapping_periods.toml",
        POLICY + "[workflow]\nclose_without_verification = [\n"
        "  { value = true, from = 2024-01-01, until = 2025-01-01 },\n"
        "  { value = false, from = 2024-06-01 },\n]\n",
        "dated periods that overlap", "PolicyError", "workflow.close_without_verification", 4,
        "overlap"),
    Bad("policy_duplicate_key.toml",
        POLICY + "[workflow]\nclose_without_verification = true\nclose_without_verification = false\n",
        "a key given twice", "PolicyError", "workflow.close_without_verification", 5),
    Bad("policy_nested_3000.toml", POLICY + "[workflow]\nfirst_asked_until = " + DEEP + "\n",
        "arrays nested 3,000 deep", "PolicyError", "workflow.first_asked_until", 4, "nested"),
    Bad("policy_5000_digits.toml", POLICY + "[workflow]\nmax_rework = " + DIGITS + "\n",
        "an integer of 5,000 digits", "PolicyError", "workflow.max_rework", 4, "4300 digits"),
    Bad("policy_bom.toml", BOM + (POLICY + "[workflow]\ncolour = 1\n").encode(),
        "a byte-order mark (ignored) before an unknown key", "PolicyError", "workflow.colour", 4),
    Bad("policy_gbk.toml", (POLICY + '[workflow]\nfirst_asked_until = "').encode() + _gbk("首问")
        + b'"\n', "GBK bytes", "PolicyError", "workflow.first_asked_until", 4, "UTF-8"),
    # a file that does not say its kind is read by no kind's loader
    Bad("unknown_empty.toml", "", "an empty file", "UrbangovError", "kind", 1, "empty"),
    Bad("unknown_png.toml", PNG, "a PNG image", "UrbangovError", None, 1, "UTF-8"),
    Bad("unknown_blank.json", "  \n", "a JSON file of blanks", "UrbangovError", "kind", 1, "empty"),
    Bad("policy_syntax.toml", POLICY + "[workflow]\nclose_without_verification = false\n!!!\n",
        "a line that is no TOML", "PolicyError", None, 5, "not valid TOML"),
    # ------------------------------------------------------------------ city files
    Bad("city_duplicate_code.toml",
        CITY + '\n[[units]]\ncode = "320105"\nname = "又一个"\nlevel = "district"\n'
        'parent = "320100"\n',
        "a unit code given twice", "HierarchyError", "320105", 16, "duplicate"),
    Bad("city_dangling_parent.toml",
        CITY + '\n[[units]]\ncode = "320105001"\nname = "街道"\nlevel = "street"\n'
        'parent = "320199"\n',
        "a parent that is not in the file", "HierarchyError", "320105001", 19, "not in the"),
    Bad("city_cycle.toml",
        CITY + '\n[[units]]\ncode = "320105001"\nname = "甲"\nlevel = "street"\n'
        'parent = "320105002"\n\n[[units]]\ncode = "320105002"\nname = "乙"\n'
        'level = "street"\nparent = "320105001"\n',
        "two streets each the other's parent", "HierarchyError", "320105001", 19, "one level up"),
    Bad("city_bad_code.toml",
        CITY + '\n[[units]]\ncode = "320106001"\nname = "街道"\nlevel = "street"\n'
        'parent = "320105"\n',
        "a street code that does not extend its district's", "HierarchyError", "320106001", 16),
    Bad("city_area_inf.toml", CITY.replace('level = "city"\n', 'level = "city"\narea_m2 = inf\n'),
        "an infinite area", "HierarchyError", "320100.area_m2", 8, "finite"),
    Bad("city_area_1e400.toml",
        CITY.replace('level = "city"\n', 'level = "city"\narea_m2 = 1e400\n'),
        "an area that overflows a float", "HierarchyError", "320100.area_m2", 8, "finite"),
    Bad("city_unknown_key.toml",
        CITY.replace('level = "city"\n', 'level = "city"\ncolour = "red"\n'),
        "an unknown key in a unit", "HierarchyError", "units[0].colour", 8, "unknown key"),
    Bad("city_unknown_level.toml", CITY.replace('"district"', '"distrct"'),
        "a level that does not exist", "HierarchyError", "units[1].level", 12, "did you mean"),
    Bad("city_date_attribute.toml",
        CITY.replace('level = "city"\n', 'level = "city"\nattributes = { since = 2020-01-01 }\n'),
        "a date a JSON city file could not hold", "HierarchyError", "320100.attributes.since", 8),
    Bad("city_segment_dangling.toml",
        CITY + '\n[[segments]]\ncode = "S1"\nname = "江东中路"\nunit = "320199"\n',
        "a segment in a unit that is not in the file", "HierarchyError", "segment S1", 18),
    Bad("city_no_units.toml", 'kind = "city"\nformat_version = 1\nunits = []\n',
        "no units", "HierarchyError", "units", 3, "non-empty"),
    Bad("city_bom_bad_code.toml", BOM + CITY.replace('"320100"', '"320101"', 1).encode(),
        "a byte-order mark (ignored) before a bad city code", "HierarchyError", "320101", 5),
    Bad("city_visits_per_week.toml",
        _org("visits_per_week = 2", "visits_per_week = 100000000000000000000000"),
        "10^23 visits a week", "OrganisationError", "organisation.pairings[0].visits_per_week",
        _org_line("visits_per_week = 2"), "0 to 168"),
    Bad("city_contract_year.toml", _org("year = 2014", "year = 20140"),
        "a contract in the year 20140", "OrganisationError", "organisation.contracts[0].year",
        _org_line("year = 2014"), "1949 to 2261"),
    Bad("city_duplicate_keys.json",
        '{"kind": "city", "format_version": 1,\n "units": [],\n "units": []}\n',
        "a JSON key given twice", "HierarchyError", "units", 3, "twice"),
    Bad("city_nan.json",
        '{"kind": "city", "format_version": 1, "units": [\n'
        ' {"code": "320100", "name": "南京市", "level": "city", "area_m2": NaN}\n]}\n',
        "NaN in JSON", "HierarchyError", "units[0].area_m2", 2, "NaN"),
    Bad("city_5000_digits.json",
        '{"kind": "city", "format_version": 1, "units": [\n'
        ' {"code": "320100", "name": "南京市", "level": "city", "area_m2": ' + DIGITS + "}\n]}\n",
        "a JSON number of 5,000 digits", "HierarchyError", "units[0].area_m2", 2, "4300 digits"),
    Bad("city_nested_3000.json", '{"kind": "city", "format_version": 1,\n "units": ' + DEEP + "}\n",
        "arrays nested 3,000 deep", "HierarchyError", "units", 2, "nested"),
    Bad("city_truncated.json",
        '{"kind": "city", "format_version": 1,\n "units": [\n  {"code": "320100", "name": "南京',
        "truncated inside a string", "HierarchyError", "units[0].name", 3, "not valid JSON"),
    Bad("city_dangling_parent.json",
        '{"kind": "city", "format_version": 1,\n "units": [\n'
        '  {"code": "320100", "name": "南京市", "level": "city"},\n'
        '  {"code": "320105", "name": "建邺区", "level": "district", "parent": "320199"}\n]}\n',
        "a dangling parent in JSON", "HierarchyError", "320105", 4, "not in the"),
    Bad("city_gbk.json",
        b'{"kind": "city", "format_version": 1,\n "units": [{"code": "320100", "name": "'
        + _gbk("南京市") + b'", "level": "city"}]}\n',
        "GBK bytes in a JSON city file", "HierarchyError", "units[0].name", 2, "UTF-8"),
    Bad("city_lone_surrogate.json",
        '{"kind": "city", "format_version": 1,\n "units": [\n'
        '  {"code": "320100", "name": "\\ud800", "level": "city"}\n]}\n',
        "a lone surrogate in a name", "HierarchyError", "units[0].name", 3, "surrogate"),
    # ------------------------------------------------------------------ calendar files
    Bad("calendar_unknown_entry_key.toml",
        CALENDAR + 'holidays = [\n  { date = 2027-01-01, nmae = "New Year\'s Day" },\n]\n',
        "a misspelt key in an entry", "CalendarError", "years[0].holidays[0].nmae", 9,
        "unknown key"),
    Bad("calendar_name_number.toml", CALENDAR + "holidays = [\n  { date = 2027-01-01, name = 5 },\n]\n",
        "a holiday named 5", "CalendarError", "years[0].holidays[0].name", 9, "not text"),
    Bad("calendar_in_lieu_text.toml",
        CALENDAR + 'holidays = [\n  { date = 2027-01-01, in_lieu = "no" },\n]\n',
        "in_lieu written as text", "CalendarError", "years[0].holidays[0].in_lieu", 9,
        "true or false"),
    Bad("calendar_year_text.toml", CALENDAR.replace("year = 2027", 'year = "2027"'),
        "a year in quotes", "CalendarError", "years[0].year", 7, "not a year"),
    Bad("calendar_holiday_and_workday.toml",
        CALENDAR + "holidays = [{ date = 2027-01-01 }]\nworkdays = [\n  { date = 2027-01-01 },\n]\n",
        "one date both a holiday and a workday", "CalendarError", "years[0].workdays[0].date", 10,
        "both as a holiday and as a workday"),
    Bad("calendar_duplicate_date.toml",
        CALENDAR + "holidays = [\n  { date = 2027-01-01 },\n  { date = 2027-01-01 },\n]\n",
        "a date listed twice", "CalendarError", "years[0].holidays[1].date", 10, "twice"),
    Bad("calendar_outside_covers.toml",
        CALENDAR.replace("year = 2027", "year = 2028") + "holidays = [\n  { date = 2028-01-01 },\n]\n",
        "a date in a year covers does not list", "CalendarError", "years[0].holidays[0].date", 9,
        "covers does not list"),
    Bad("calendar_covers_10000.toml", CALENDAR.replace("covers = [2027]", "covers = [10000]"),
        "a covered year of 10000", "CalendarError", "covers[0]", 4, "1678..2261"),
    Bad("calendar_covers_negative.toml", CALENDAR.replace("covers = [2027]", "covers = [-2027]"),
        "a covered year of −2027", "CalendarError", "covers[0]", 4, "1678..2261"),
    Bad("calendar_datetime_entry.toml",
        CALENDAR + "holidays = [\n  { date = 2027-01-01T08:00:00 },\n]\n",
        "a date-time where a date belongs", "CalendarError", "years[0].holidays[0].date", 9),
    Bad("calendar_bad_zone.toml",
        CALENDAR.replace('covers = [2027]\n', 'covers = [2027]\ntz = "Mars/Base"\n'),
        "a time zone that does not exist", "CalendarError", "tz", 5, "IANA"),
    Bad("calendar_extends_unknown.toml", CALENDAR.replace('"china"', '"japan"'),
        "a base calendar that does not exist", "CalendarError", "extends", 3),
    Bad("calendar_truncated.toml",
        CALENDAR + 'holidays = [\n  { date = 2027-01-01, name = "New Ye',
        "truncated inside an entry", "CalendarError", "years[0].holidays[0].name", 9,
        "ends before"),
    # ------------------------------------------------------------------ taxonomy files
    Bad("taxonomy_duplicate_slug.toml",
        TAXONOMY + '\n[[categories]]\nslug = "heap"\nname = "又一堆"\nkind = "event"\n'
        'code = "0102"\ndomain = "sanitation"\n',
        "a category listed twice", "TaxonomyError", "categories[1].slug", 18, "already used"),
    Bad("taxonomy_unknown_key.toml", TAXONOMY + 'colour = "red"\n',
        "an unknown key in a category", "TaxonomyError", "categories[0].colour", 16,
        "unknown key"),
    Bad("taxonomy_bad_code.toml", TAXONOMY.replace('code = "0101"', 'code = "12345"'),
        "a five-digit code", "TaxonomyError", "categories[0].code", 14),
    Bad("taxonomy_missing_key.toml", TAXONOMY.replace('domain = "sanitation"\n', ""),
        "a category without a domain", "TaxonomyError", "categories[0]", 10, "missing key"),
    Bad("taxonomy_bad_domain.toml", TAXONOMY.replace('"sanitation"', '"sanitatoin"'),
        "a domain that does not exist", "TaxonomyError", "categories[0].domain", 15),
    Bad("taxonomy_no_major.toml", TAXONOMY.replace('code = "0101"', 'code = "0901"'),
        "a category of no major class", "TaxonomyError", "categories[0].code", 14,
        "no major class"),
    # ------------------------------------------------------------------ standard files
    Bad("standard_points_sum.toml", STANDARD.replace("total = 10", "total = 20"),
        "items of 10 points under a total of 20", "StandardError", "items", 6, "add up to 10"),
    Bad("standard_unknown_rule_kind.toml", STANDARD.replace('"per_finding"', '"per_findng"'),
        "a misspelt rule kind", "StandardError", "items[0].rules[0].kind", 11,
        "did you mean 'per_finding'?"),
    Bad("standard_price_places.toml", STANDARD.replace("city = 0.3", "city = 0.333"),
        "a price finer than the standard's 2 places", "StandardError",
        "items[0].rules[0].found.city", 12, "more decimals than places = 2"),
    Bad("standard_unknown_item_key.toml", STANDARD.replace("points = 10", "pionts = 10"),
        "a misspelt key in an item", "StandardError", "items[0].pionts", 8,
        "did you mean 'points'?"),
    Bad("standard_nan_price.toml", STANDARD.replace("city = 0.3", "city = nan"),
        "NaN as a price", "StandardError", "items[0].rules[0].found.city", 12, "finite"),
    Bad("standard_leaf_without_rules.toml", STANDARD.split("\n[[items.rules]]")[0],
        "a leaf item with no rules", "StandardError", "items[0].rules", 6, "has no rules"),
    Bad("standard_linear_not_alone.toml",
        STANDARD + '\n[[items.rules]]\nkind = "rate_linear"\nrate = "on_time"\n'
        "per_point = 0.1\nmax = 10\n",
        "a linear score beside another rule", "StandardError", "items[0].rules[1].kind", 15,
        "the item's only rule"),
    Bad("standard_source_weights.toml",
        STANDARD.replace("total = 10\n", "total = 10\nsource_weights = { monthly = 0.6, random = 0.3 }\n"),
        "source weights adding up to 0.9", "StandardError", "source_weights", 5, "add up to 0.9"),
    Bad("standard_truncated.toml", STANDARD[: STANDARD.index("0.3")],
        "cut off inside an inline table", "StandardError", "items[0].rules[0].found.city", 12,
        "ends before"),
    Bad("standard_gbk.toml",
        STANDARD.encode().replace(b'id = "roads"\n',
                                  b'id = "roads"\nname = "' + _gbk("道路保洁") + b'"\n'),
        "GBK bytes in an item's name", "StandardError", "items[0].name", 8, "UTF-8"),
    # ------------------------------------------------------------------ findings files
    Bad("findings_unknown_unit.toml", FINDINGS.replace('unit = "320105001"', 'unit = "320105009"'),
        "a finding of a unit the file does not list", "FindingsError", "findings[0].unit", 11,
        "is no unit of the findings"),
    Bad("findings_unknown_key.toml", FINDINGS.replace("finder =", "findr ="),
        "a misspelt key in a finding", "FindingsError", "findings[0].findr", 13,
        "did you mean 'finder'?"),
    Bad("findings_negative_count.toml", FINDINGS + "count = -1\n",
        "a count of −1", "FindingsError", "findings[0].count", 14, "whole number"),
    Bad("findings_bad_stage.toml", FINDINGS + 'stage = "unfixed"\n',
        "a stage that does not exist", "FindingsError", "findings[0].stage", 14, "unfixed"),
    Bad("findings_duplicate_unit.toml",
        FINDINGS.replace("\n[[findings]]", '\n[[units]]\ncode = "320105001"\n\n[[findings]]'),
        "a unit listed twice", "FindingsError", "units[1].code", 11, "listed twice"),
    Bad("findings_kpi_text.toml", FINDINGS + '\n[[kpis]]\nunit = "320105001"\ndue = "10"\n',
        "a KPI count in quotes", "FindingsError", "kpis[0].due", 17, "whole number"),
    Bad("findings_bad_start.toml", FINDINGS.replace('period = "2024-05"\n', 'period = "2024-05"\nstart = "May"\n'),
        "a start that is no date", "FindingsError", "start", 5, "not a date"),
    # ------------------------------------------------------------------ rule-case files
    Bad("rules_unknown_subject.toml", RULES.replace('"due_at"', '"due_att"'),
        "a misspelt subject", "RuleCaseError", "cases[0].subject", 6, "did you mean 'due_at'?"),
    Bad("rules_naive_time.toml", RULES.replace("09:00:00+08:00", "09:00:00"),
        "a dispatch time without its offset", "RuleCaseError", "cases[0].input.dispatched", 9,
        "has no UTC offset"),
    Bad("rules_unknown_output.toml", RULES.replace("due = 2024", "deu = 2024"),
        "a misspelt output", "RuleCaseError", "cases[0].expected.deu", 11,
        "did you mean 'due'?"),
    Bad("rules_unknown_error.toml",
        RULES.replace("due = 2024-05-06T14:30:00+08:00", 'error = "TransitionErorr"'),
        "a misspelt error class", "RuleCaseError", "cases[0].expected.error", 11,
        "did you mean 'TransitionError'?"),
    Bad("rules_duplicate_name.toml", RULES + RULES.split("\n\n", 1)[1],
        "two cases of one name", "RuleCaseError", "cases[1].name", 13, "two cases are named"),
    Bad("rules_negative_tolerance.toml", RULES.replace('subject = "due_at"\n', 'subject = "due_at"\nabs = -0.1\n'),
        "a negative tolerance", "RuleCaseError", "cases[0].abs", 7, "≥ 0"),
    Bad("rules_score_standard.toml", SCORE_CASE.replace("digital_city_management", "digital_city_managment"),
        "a misspelt bundled standard", "RuleCaseError", "cases[0].input.standard", 8,
        "did you mean 'digital_city_management'?"),
    Bad("rules_score_findings_file.toml",
        SCORE_CASE.replace('{ units = [{ code = "320105001" }] }', '"may.toml"'),
        "a findings file that is not there", "RuleCaseError", "cases[0].input.findings", 9,
        "no file 'may.toml'"),
    Bad("rules_score_inline_key.toml", SCORE_CASE.replace('{ code = "320105001" }', '{ cod = "320105001" }'),
        "a misspelt key in inline findings", "RuleCaseError",
        "cases[0].input.findings.units[0].cod", 9, "did you mean 'code'?"),
    Bad("rules_bonds_grade.toml",
        RULES.replace('"due_at"', '"bonds"').replace(
            'category = "exposed_garbage"\ndispatched = 2024-05-06T09:00:00+08:00',
            'grades = { "320105001" = "great" }').replace(
            "due = 2024-05-06T14:30:00+08:00", "balanced = true"),
        "a grade that does not exist", "RuleCaseError", "cases[0].input.grades.320105001", 8,
        "'great' is not a Grade"),
    # ------------------------------------------------------------------ case logs: CSV
    Bad("log_truncated.csv", LOG + REPORT + "A1,accept,2024-05-06T09:0",
        "the last row cut short", "CaseLogError", "category", 3, "3 fields, not 7"),
    Bad("log_missing_column.csv", LOG.replace(",urgency", "") + REPORT.rsplit(",", 1)[0] + "\n",
        "no urgency column", "CaseLogError", "urgency", 1, "missing"),
    Bad("log_extra_column.csv", LOG.rstrip("\n") + ",colour\n" + REPORT.rstrip("\n") + ",red\n",
        "an unknown column", "CaseLogError", "colour", 1, "unknown column"),
    Bad("log_naive_time.csv", LOG + REPORT.replace("+08:00", ""),
        "a time without its offset", "CaseLogError", "at", 2, "no UTC offset"),
    Bad("log_out_of_order.csv", LOG + REPORT + "A1,accept,2024-05-06T08:59:00+08:00,,,,\n",
        "an event before its report", "CaseLogError", "at", 3, "earlier"),
    Bad("log_nanoseconds.csv", LOG + REPORT.replace("09:00:00+", "09:00:00.123456789+"),
        "a time with 9 fractional digits", "CaseLogError", "at", 2, "6 fractional digits"),
    Bad("log_year_2300.csv", LOG + REPORT.replace("2024-05-06", "2300-05-06"),
        "a case reported in 2300", "CaseLogError", "at", 2, "1678..2261"),
    Bad("log_gbk.csv",
        (WIDE + WIDE_REPORT + "A1,accept,2024-05-06T09:01:00+08:00,,,,").encode()
        + _gbk("门前三包") + b",,,,\n",
        "GBK bytes in a note", "CaseLogError", "note", 3, "UTF-8"),
    Bad("log_png.csv", PNG, "a PNG image", "CaseLogError", None, 1, "UTF-8"),
    Bad("log_empty.csv", "", "an empty file", "CaseLogError", "header", 1, "empty"),
    Bad("log_bad_grid.csv", LOG + REPORT.replace("320102001001001", "abc"),
        "a grid that is no unit code", "CaseLogError", "grid", 2, "not a unit code"),
    Bad("log_blank_department.csv",
        WIDE + WIDE_REPORT + "A1,accept,2024-05-06T09:01:00+08:00,op,,,,,,,\n"
        "A1,file,2024-05-06T09:02:00+08:00,op,,,,,,,\n"
        "A1,dispatch,2024-05-06T09:03:00+08:00,op,\u3000,,,,,,\n",
        "a department of one ideographic space", "CaseLogError", "department", 5, "blank"),
    Bad("log_huge_extension.csv",
        WIDE + WIDE_REPORT + "A1,accept,2024-05-06T09:01:00+08:00,,,,,,,,\n"
        "A1,file,2024-05-06T09:02:00+08:00,,,,,,,,\n"
        "A1,dispatch,2024-05-06T09:03:00+08:00,,street,,,,,,\n"
        "A1,extend,2024-05-06T09:04:00+08:00,,,100000000000000000000 working days,,,,,\n",
        "an extension of 10^20 working days", "CaseLogError", "extension", 6, "100 years"),
    Bad("log_bom_unknown_event.csv",
        BOM + (LOG + REPORT + "A1,launch,2024-05-06T09:01:00+08:00,,,,\n").encode(),
        "a byte-order mark (ignored) before an unknown event", "CaseLogError", "event", 3,
        "not an event"),
    Bad("log_no_report.csv", LOG + "A1,accept,2024-05-06T09:01:00+08:00,,,,\n",
        "an event of a case with no report row", "CaseLogError", "case_id", 2, "no report row"),
    # ------------------------------------------------------------------ case logs: JSON Lines
    Bad("log_lone_surrogate.jsonl",
        JSON_REPORT + '{"case_id":"A1","event":"accept","at":"2024-05-06T09:01:00+08:00",'
        '"note":"\\ud800"}\n',
        "a lone surrogate in a note", "CaseLogError", "note", 2, "surrogate"),
    Bad("log_nested_3000.jsonl", JSON_REPORT + '{"case_id": "A1", "event": ' + DEEP + "}\n",
        "arrays nested 3,000 deep", "CaseLogError", "event", 2, "nested"),
    Bad("log_5000_digits.jsonl", JSON_REPORT + '{"case_id": "A1", "at": ' + DIGITS + "}\n",
        "a number of 5,000 digits", "CaseLogError", "at", 2, "too long"),
    Bad("log_duplicate_key.jsonl", JSON_REPORT.replace('"case_id":"A1",', '"case_id":"A1","case_id":"A2",'),
        "a key given twice", "CaseLogError", "case_id", 1, "twice"),
    Bad("log_truncated.jsonl", JSON_REPORT + '{"case_id":"A1","event":"acc',
        "the last line cut short", "CaseLogError", "event", 2, "not a JSON object"),
    Bad("log_number_time.jsonl",
        JSON_REPORT + '{"case_id":"A1","event":"accept","at":1.5}\n',
        "a number where a time belongs", "CaseLogError", "at", 2, "not a string"),
    Bad("log_nan_time.jsonl", JSON_REPORT + '{"case_id":"A1","event":"accept","at":NaN}\n',
        "NaN where a time belongs", "CaseLogError", "at", 2, "not a string"),
    Bad("log_unknown_key.jsonl", JSON_REPORT.replace('"urgency":"normal"', '"urgnecy":"normal"'),
        "a misspelt key", "CaseLogError", "urgnecy", 1, "unknown key"),
    Bad("log_gbk.jsonl",
        JSON_REPORT.encode() + b'{"case_id":"A1","event":"accept","at":"2024-05-06T09:01:00+08:00",'
        b'"note":"' + _gbk("门前三包") + b'"}\n',
        "GBK bytes in a note", "CaseLogError", "note", 2, "UTF-8"),
    # ------------------------------------------------------------------ case logs: Parquet
    Bad("log_corrupt_strings.parquet", _parquet("corrupt"),
        "a note whose bytes are not UTF-8", "CaseLogError", "note", 4, "UTF-8"),
    Bad("log_int_column.parquet", _parquet("ints"),
        "a grid column of integers", "CaseLogError", "grid", None, "not string"),
    Bad("log_extra_column.parquet", _parquet("extra"),
        "an unknown column", "CaseLogError", "colour", None, "unknown column"),
    Bad("log_naive_times.parquet", _parquet("naive"),
        "times stored without a time zone", "CaseLogError", "at", None, "without a time zone"),
    Bad("log_nanoseconds.parquet", _parquet("nanoseconds"),
        "a time 1 ns past a microsecond", "CaseLogError", "at", 3, "6 fractional digits"),
    Bad("log_truncated.parquet", _parquet("truncated"),
        "a file cut after 200 bytes", "CaseLogError", None, None, "cannot read"),
)  # fmt: skip


def main() -> None:
    if HERE.exists():
        shutil.rmtree(HERE)
    HERE.mkdir(parents=True)
    manifest: dict[str, dict[str, object]] = {}
    for bad in CORPUS:
        path = HERE / bad.name
        if callable(bad.content):
            bad.content(path)
        elif isinstance(bad.content, bytes):
            path.write_bytes(bad.content)
        else:
            path.write_bytes(bad.content.encode("utf-8"))
        entry: dict[str, object] = {"why": bad.why, "error": bad.error}
        if bad.field is not None:
            entry["field"] = bad.field
        if bad.line is not None:
            entry["line"] = bad.line
        if bad.words:
            entry["words"] = bad.words
        manifest[bad.name] = entry
    header = (
        "# The bad-input corpus: per file, what is wrong with it and the error urbangov\n"
        "# raises (class, field, line; for Parquet the row). Written by\n"
        "# tests/corpus/make_invalid.py; checked by tests/test_corpus.py.\n"
    )
    (HERE / "MANIFEST.toml").write_text(
        header + tomli_w.dumps({"files": manifest}), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
