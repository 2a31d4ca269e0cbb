"""Assessment standards and scoring: each rule kind on a worked example from the method
that publishes it, sources, missing data, normalisation, Policy weights, explanations."""

from __future__ import annotations

import datetime as dt
import pickle
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import attrs
import pytest

import urbangov
from urbangov import Policy, Source
from urbangov.errors import FindingsError, StandardError
from urbangov.scoring import (
    AssessmentStandard,
    Findings,
    FindingStage,
    PerFinding,
    score,
)


def mini(*items: dict[str, object], total: object = None, **extra: object) -> AssessmentStandard:
    """A small standard of the given top-level items."""
    points = sum(Decimal(str(i["points"])) for i in items if not i.get("bonus"))
    return AssessmentStandard(id="mini", total=total or points, items=list(items), **extra)


def leaf(
    ident: str, points: object, *rules: dict[str, object], **extra: object
) -> dict[str, object]:
    return {"id": ident, "points": points, "rules": list(rules), **extra}


# 2016 城市管理工作督查考核扣分细则 (https://m.taowenge.com/p-44502823.html): 市文明办 /
# 区文明办 / 局 inspectors deduct 0.3 / 0.2 / 0.1 per problem, 1 / 0.5 / 0.3 when it is not
# fixed in time, 2 / 1 / 0.6 when the same problem is reported twice running; 10 points.
CHECKLIST_2016 = {
    "kind": "per_finding",
    "found": {"city": Decimal("0.3"), "district": Decimal("0.2"), "bureau": Decimal("0.1")},
    "not_fixed": {"city": 1, "district": Decimal("0.5"), "bureau": Decimal("0.3")},
    "repeated": {"city": 2, "district": 1, "bureau": Decimal("0.6")},
}


def test_per_finding_prices_by_stage_and_finder() -> None:
    std = mini(leaf("inspection", 10, CHECKLIST_2016))
    found = Findings(
        findings=[
            {"unit": "u", "item": "inspection", "finder": "city"},  # 0.3
            {"unit": "u", "item": "inspection", "finder": "district", "count": 2},  # 2 × 0.2
            {"unit": "u", "item": "inspection", "finder": "bureau", "stage": "not_fixed"},  # 0.3
            {"unit": "u", "item": "inspection", "finder": "city", "stage": "repeated"},  # 2
        ]
    )
    sheet = score(found, std)["u"]
    assert sheet.item("inspection").score == Decimal("7.0")
    assert sheet.total == Decimal("7.00")
    text = sheet.explain()
    assert "repeated by city (2)" in text
    assert "found by district (0.2) × 2" in text


def test_deductions_floor_at_the_item_s_floor_and_say_so() -> None:
    std = mini(leaf("inspection", 1, CHECKLIST_2016))
    sheet = score(
        Findings(
            findings=[{"unit": "u", "item": "inspection", "finder": "city", "stage": "repeated"}]
        ),
        std,
    )["u"]
    assert sheet.item("inspection").score == 0  # 扣完为止
    lines = sheet.item("inspection").lines
    assert [line.rule for line in lines] == ["per_finding", "clamp"]
    assert sum(line.points for line in lines) == -1  # every point accounted for


def test_a_rule_cap_limits_one_rule() -> None:
    capped = {**CHECKLIST_2016, "cap": 1}
    std = mini(leaf("inspection", 10, capped))
    rows = [{"unit": "u", "item": "inspection", "finder": "city", "stage": "repeated"}] * 3
    sheet = score(Findings(findings=rows), std)["u"]
    assert sheet.item("inspection").score == 9  # 6 points found, capped at 1
    assert sheet.item("inspection").lines[-1].rule == "cap"


# 《金华市区数字化城市管理工作考核细则(试行)》 (https://m.wenke99.com/p-414460.html)
JINHUA = AssessmentStandard.bundled("digital_city_management")
#: The same standard for published counts, whose 应结案数 includes the cases in 缓办:
#: 金华's formula 按期结案数 / (应结案数 − 缓办数) as written (exclude_suspended = true).
JINHUA_PUBLISHED = AssessmentStandard.loads(
    (Path(urbangov.__file__).parent / "data" / "standards" / "digital_city_management.toml")
    .read_text(encoding="utf-8")
    .replace("exclude_suspended = false", "exclude_suspended = true")
)


def jinhua_findings(**tables: object) -> Findings:
    units = [{"code": "s1", "name": "一街道"}]
    base: dict[str, object] = {
        "kpis": [
            {"unit": "s1", "counts": {"due": 100, "closed": 100, "closed_on_time": 100}},
            {
                "unit": "s1",
                "subset": "urgent",
                "counts": {"due": 5, "closed": 5, "closed_on_time": 5},
            },
        ],
        "tallies": [{"unit": "s1", "name": "handled_same_day", "count": 10, "of": 10}],
    }
    return Findings(units=units, **{**base, **tables})


def test_jinhua_full_marks() -> None:
    sheet = score(jinhua_findings(), JINHUA)["s1"]
    # 100 points, +2 for being ranked first (of one) on the bonus rank item
    assert sheet.total == Decimal("102.00")
    assert sheet.item("rank").score == 2


def test_jinhua_on_time_rate_per_point_below_70() -> None:
    # 按期结案率 = 按期结案 / (应结案 − 缓办) = 65 / (100 − 5) = 68.42…%: 1.58 points short
    counts = {"due": 100, "closed": 90, "closed_on_time": 65, "suspended": 5, "overdue": 35}
    f = jinhua_findings(
        kpis=[
            {"unit": "s1", "counts": counts},
            {
                "unit": "s1",
                "subset": "urgent",
                "counts": {"due": 1, "closed": 1, "closed_on_time": 1},
            },
        ]
    )
    sheet = score(f, JINHUA_PUBLISHED)["s1"]
    assert sheet.item("on_time").score == Decimal("48.42")
    assert sheet.item("closure").score == 20  # 90 / 95 = 94.74% ≥ 90%
    # the bundled standard reads urbangov's own counts: the suspended stay in due
    assert score(f, JINHUA)["s1"].item("on_time").score == Decimal("45.00")  # 65% of 100


def test_suspended_cases_counted_as_closed_are_not_subtracted_twice() -> None:
    # a simulated street: 907 closed of 908 due, 4 of them suspended and resumed.
    # 907 / (908 − 4) would be a closure rate of 100.33%
    counts = {"due": 908, "closed": 907, "closed_on_time": 787, "suspended": 4, "overdue": 121}
    urgent = {"due": 1, "closed": 1, "closed_on_time": 1}
    f = jinhua_findings(
        kpis=[
            {"unit": "s1", "counts": counts},
            {"unit": "s1", "subset": "urgent", "counts": urgent},
        ]
    )
    assert score(f, JINHUA)["s1"].item("closure").score == 20  # 907 / 908 ≥ 90%
    with pytest.raises(
        FindingsError, match=r"closed \(907\) exceeds due − suspended \(904\)"
    ) as info:
        score(f, JINHUA_PUBLISHED)
    assert info.value.field == "suspended"


def test_rates_come_from_counts_never_from_rounded_percentages() -> None:
    # 13,987 / 20,000 = 69.935%: 0.065 points short → 0.07 deducted (half-up);
    # the rounded percentage 69.94% would give 0.06
    counts = {"due": 20000, "closed": 20000, "closed_on_time": 13987, "overdue": 6013}
    f = jinhua_findings(
        kpis=[
            {"unit": "s1", "counts": counts},
            {
                "unit": "s1",
                "subset": "urgent",
                "counts": {"due": 1, "closed": 1, "closed_on_time": 1},
            },
        ]
    )
    assert score(f, JINHUA)["s1"].item("on_time").score == Decimal("49.93")


def test_jinhua_urgent_cases_half_a_point_per_point() -> None:
    # 紧急问题结案率 < 100%: −0.5 per point; 按期结案率 < 95%: −0.5 per point
    urgent = {"due": 20, "closed": 19, "closed_on_time": 18, "overdue": 2}  # 95%, 90%
    f = jinhua_findings(
        kpis=[
            {"unit": "s1", "counts": {"due": 1, "closed": 1, "closed_on_time": 1}},
            {"unit": "s1", "subset": "urgent", "counts": urgent},
        ]
    )
    item = score(f, JINHUA)["s1"].item("urgent")
    assert [line.points for line in item.lines] == [Decimal("-2.50"), Decimal("-2.50")]
    assert item.score == 5


def test_jinhua_per_case_and_doubled_sources() -> None:
    f = jinhua_findings(
        findings=[
            # each case sent back after failing verification −0.2; failing it three
            # times −0.5; falsified −1
            {"unit": "s1", "item": "rework", "outcome": "sent_back", "count": 2},
            {"unit": "s1", "item": "rework", "outcome": "failed_three_times"},
            {"unit": "s1", "item": "rework", "outcome": "falsified"},
            # 领导交办、部门转办、媒体曝光: deducted double
            {"unit": "s1", "item": "special", "outcome": "sent_back", "case_source": "媒体曝光"},
            {"unit": "s1", "item": "special", "outcome": "buck_passing", "case_source": "部门转办"},
        ]
    )
    sheet = score(f, JINHUA)["s1"]
    assert sheet.item("rework").score == Decimal("3.1")
    assert sheet.item("special").score == Decimal("2.6")  # 5 − 0.4 − 2
    assert "× 2 (department 部门转办)" in sheet.explain()


def test_a_special_item_takes_only_its_sources() -> None:
    f = jinhua_findings(
        findings=[
            {"unit": "s1", "item": "special", "outcome": "sent_back", "case_source": "hotline"}
        ]
    )
    with pytest.raises(FindingsError, match="takes only cases from leader, department, media"):
        score(f, JINHUA)


def test_bands_of_a_daily_rate_one_line_per_day() -> None:
    days = [(0, 10), (4, 10), (8, 10), (19, 20)]  # 0%, 40%, 80%, 95%
    tallies = [
        {"unit": "s1", "name": "handled_same_day", "count": c, "of": n, "period": f"d{i}"}
        for i, (c, n) in enumerate(days)
    ]
    item = score(jinhua_findings(tallies=tallies), JINHUA)["s1"].item("daily")
    assert [line.points for line in item.lines] == [
        Decimal("-0.3"),
        Decimal("-0.25"),
        Decimal("-0.1"),
    ]
    assert item.score == Decimal("4.35")


def test_clamped_linear_score_of_a_rate() -> None:
    # clamp(20 − (95 − r), 0, 20) and 60 × the rate (数字化城管考核评分标准(区政府、功能区管委会):
    # 按时结案率 × 60)
    std = mini(
        leaf(
            "clamped",
            20,
            {"kind": "rate_linear", "rate": "on_time", "base": -75, "per_point": 1, "max": 20},
        ),
        leaf(
            "linear",
            60,
            {"kind": "rate_linear", "rate": "closure", "per_point": Decimal("0.6"), "max": 60},
        ),
    )

    def counts(on_time: int, closed: int) -> dict[str, object]:
        return {
            "unit": "u",
            "counts": {
                "due": 100,
                "closed": closed,
                "closed_on_time": on_time,
                "overdue": 100 - on_time,
            },
        }

    sheets = score(Findings(units=[{"code": "u"}], kpis=[counts(80, 97)]), std)
    assert sheets["u"].item("clamped").score == 5  # 20 − 15
    assert sheets["u"].item("linear").score == Decimal("58.20")
    assert score(Findings(kpis=[counts(70, 90)]), std)["u"].item("clamped").score == 0
    assert score(Findings(kpis=[counts(96, 96)]), std)["u"].item("clamped").score == 20


class Measure(StrEnum):
    """A stand-in for the escalation package's ordered measures."""

    WRITTEN_CHECK = "written_check"
    NOTICE_OF_CRITICISM = "notice_of_criticism"
    DEDUCT_TARGET_POINTS = "deduct_target_points"


@attrs.frozen
class Trigger:
    """A stand-in for escalation.Trigger(unit, measure, rule, figures)."""

    unit: str
    measure: Measure
    rule: str
    figures: tuple[int, ...] = ()


def test_triggers_are_priced_by_measure() -> None:
    triggers = [
        Trigger("s1", Measure.NOTICE_OF_CRITICISM, "overdue_twice"),
        Trigger("s1", Measure.DEDUCT_TARGET_POINTS, "on_time_below_target"),
        Trigger("s1", Measure.WRITTEN_CHECK, "late_reply"),  # not priced: no deduction
        Trigger("elsewhere", Measure.NOTICE_OF_CRITICISM, "x"),  # not assessed here
    ]
    sheet = score(jinhua_findings(), JINHUA, triggers=triggers)["s1"]
    assert sheet.item("accountability").score == Decimal("-2.5")
    assert sheet.total == Decimal("99.50")
    # triggers written in a findings file score the same way
    written = jinhua_findings(
        triggers=[{"unit": "s1", "measure": "notice_of_criticism", "rule": "x"}]
    )
    assert score(written, JINHUA)["s1"].item("accountability").score == Decimal("-0.5")


def test_bonus_items_add_on_top() -> None:
    # 扬州市数字化城市管理综合考核办法实施细则: 105 points of which 重大活动保障 is a bonus item
    # of 5 (https://m.777doc.com/doc-590021.html)
    std = mini(
        leaf("cases", 100, CHECKLIST_2016),
        leaf("major_events", 5, {"kind": "per_finding", "found": 1}, bonus=True),
    )
    rows = [{"unit": "u", "item": "major_events"}] * 7
    sheet = score(Findings(findings=rows), std)["u"]
    assert sheet.item("major_events").score == 5  # capped at its 5 points
    assert sheet.total == Decimal("105.00")


def test_given_marks_set_the_score_and_must_fit() -> None:
    std = mini(leaf("satisfaction", 10, {"kind": "given"}))
    assert score(
        Findings(marks=[{"unit": "u", "item": "satisfaction", "value": Decimal("9.5")}]), std
    )["u"].total == Decimal("9.50")
    with pytest.raises(FindingsError, match=r"outside the item's \[0, 10\]"):
        score(Findings(marks=[{"unit": "u", "item": "satisfaction", "value": 11}]), std)


def test_a_unit_without_a_rate_has_no_data_or_full_marks() -> None:
    f = Findings(
        units=[{"code": "s1"}, {"code": "s2"}],
        kpis=[{"unit": "s1", "counts": {"due": 10, "closed": 10, "closed_on_time": 10}}],
    )
    std = mini(
        leaf(
            "on_time",
            50,
            {"kind": "rate_target", "rate": "on_time", "target_percent": 70, "per_point": 1},
        )
    )
    sheets = score(f, std)
    assert sheets["s2"].no_data
    assert sheets["s2"].total is None
    assert "no on_time rate" in sheets["s2"].missing[0]
    assert "no data (无数据)" in sheets["s2"].explain()
    full = score(f, attrs.evolve(std, missing="full"))
    assert full["s2"].total == Decimal("50.00")
    # a unit marked no_data is not scored whatever its rows
    marked = Findings(units=[{"code": "s1", "no_data": True}], kpis=f.kpis)
    assert score(marked, std)["s1"].no_data


def test_sources_are_weighted_and_a_row_without_one_counts_in_each() -> None:
    std = mini(
        leaf("roads", 10, CHECKLIST_2016),
        source_weights={"monthly": Decimal("0.6"), "random": Decimal("0.4")},
    )
    f = Findings(
        findings=[
            {
                "unit": "u",
                "item": "roads",
                "finder": "city",
                "stage": "repeated",
                "source": "random",
            },  # −2 × 0.4
            {"unit": "u", "item": "roads", "finder": "city"},  # −0.3 in both sheets
        ]
    )
    sheet = score(f, std)["u"]
    assert [(s.source.value, s.raw) for s in sheet.sources] == [
        ("monthly", Decimal("9.7")),
        ("random", Decimal("7.7")),
    ]  # type: ignore[union-attr]
    assert sheet.total == Decimal("8.90")  # 0.6 × 9.7 + 0.4 × 7.7
    with pytest.raises(FindingsError, match="does not weigh the source 'year_end'"):
        score(
            Findings(
                findings=[{"unit": "u", "item": "roads", "finder": "city", "source": "year_end"}]
            ),
            std,
        )


def test_streets_and_departments_are_scored_on_their_own_items() -> None:
    # 监管分离: 篇5's assessment group scores streets on their territory and each
    # department on its duties; totals are reported out of 100 (normalise)
    std = AssessmentStandard.bundled("long_term_management")
    f = Findings(
        units=[
            {"code": "320105001", "name": "南湖街道"},
            {"code": "hw_station", "name": "区环卫所", "kind": "department"},
        ],
        findings=[
            {
                "unit": "hw_station",
                "item": "sanitation.listed_roads",
                "finder": "city",
                "stage": "not_fixed",
                "source": "monthly",
            },
        ],
    )
    sheets = score(f, std)
    station = sheets["hw_station"]
    # the station scores 5 + 3 points (listed roads, facilities): 7 of 8 in the monthly
    # sheet is 87.5 of 100; the random sheet is full
    assert station.sources[0].raw == 7
    assert station.sources[0].maximum == 8
    assert station.total == Decimal("92.50")  # 0.6 × 87.5 + 0.4 × 100
    assert sheets["320105001"].total == 100
    with pytest.raises(FindingsError, match="does not apply to 南湖街道"):
        score(
            Findings(
                units=f.units,
                findings=[
                    {"unit": "320105001", "item": "sanitation.listed_roads", "finder": "city"}
                ],
            ),
            std,
        )


def test_grid_worker_weights_come_from_the_policy() -> None:
    std = AssessmentStandard.bundled("grid_worker")
    tallies = [
        {"unit": "w1", "name": "reports", "count": 45, "of": 50},  # 90
        {"unit": "w1", "name": "verified", "count": 20, "of": 20},  # 100
        {"unit": "w1", "name": "accurate", "count": 36, "of": 45},  # 80
        {"unit": "w1", "name": "timely", "count": 27, "of": 45},  # 60
    ]
    f = Findings(tallies=tallies)
    assert score(f, std, rules=Policy.default())["w1"].total == Decimal("82.50")  # equal weights
    weights = {
        "reporting": Decimal("0.4"),
        "verification": Decimal("0.2"),
        "accuracy": Decimal("0.2"),
        "timeliness": Decimal("0.2"),
    }
    policy = Policy.default().reform({"assessment.grid_worker_weights": weights})
    assert score(f, std, rules=policy)["w1"].total == Decimal("84.00")
    with pytest.raises(
        StandardError, match=r"takes its weights from assessment\.grid_worker_weights"
    ):
        score(f, std)
    bad = Policy.default().reform({"assessment.grid_worker_weights": {"reporting": 1}})
    with pytest.raises(StandardError, match="weighs reporting, but the standard's items are"):
        score(f, std, rules=bad)


def test_a_province_checklist_of_291_sub_items_with_weighted_majors() -> None:
    std = AssessmentStandard.bundled("province_checklist")
    assert len(std.items) == 10
    assert len(std.leaves()) == 291
    f = Findings(
        findings=[
            {"unit": "city", "item": "sanitation.s01", "finder": "province", "stage": "not_fixed"}
        ]
    )
    sheet = score(f, std)["city"]
    # 市容环境卫生管理 weighs 20%: 2 points off its 100 is 0.4 off the 综合分
    assert sheet.majors()["sanitation"] == 98
    assert sheet.total == Decimal("99.60")


def test_finding_errors_name_the_rule_and_suggest() -> None:
    std = mini(leaf("inspection", 10, CHECKLIST_2016))
    with pytest.raises(FindingsError, match=r"no leaf item .*did you mean 'inspection'"):
        score(Findings(findings=[{"unit": "u", "item": "inspecton", "finder": "city"}]), std)
    with pytest.raises(
        FindingsError, match=r"does not price found by 'province'.*city, district, bureau"
    ):
        score(Findings(findings=[{"unit": "u", "item": "inspection", "finder": "province"}]), std)
    two = mini(leaf("inspection", 10, CHECKLIST_2016, {"kind": "per_case", "outcomes": {"x": 1}}))
    with pytest.raises(FindingsError, match="several finding rules"):
        score(Findings(findings=[{"unit": "u", "item": "inspection", "finder": "city"}]), two)
    assert (
        score(
            Findings(
                findings=[{"unit": "u", "item": "inspection", "rule": "per_case", "outcome": "x"}]
            ),
            two,
        )["u"].total
        == 9
    )
    with pytest.raises(FindingsError, match="takes no findings"):
        score(Findings(findings=[{"unit": "s1", "item": "on_time"}]), JINHUA)
    with pytest.raises(FindingsError, match="for the standard 'other'"):
        score(
            Findings(
                standard="other", findings=[{"unit": "u", "item": "inspection", "finder": "city"}]
            ),
            std,
        )


def test_standard_checks() -> None:
    with pytest.raises(StandardError, match="add up to 9, not the total 10"):
        AssessmentStandard(id="x", total=10, items=[leaf("a", 9, CHECKLIST_2016)])
    with pytest.raises(
        StandardError, match=r"0.25 × 1.5 = 0.375 has more decimals than places = 2"
    ):
        mini(
            leaf(
                "a",
                10,
                {
                    "kind": "per_case",
                    "outcomes": {"x": Decimal("0.25")},
                    "multipliers": {"media": Decimal("1.5")},
                },
            )
        )
    with pytest.raises(StandardError, match="must be a bonus item"):
        mini(leaf("a", 10, {"kind": "rank_adjust", "by_rank": [1]}))
    with pytest.raises(StandardError, match="must be the item's only rule"):
        mini(leaf("a", 10, {"kind": "given"}, CHECKLIST_2016))
    with pytest.raises(StandardError, match="items' points add up to 4, not the item's 5"):
        mini({"id": "a", "points": 5, "items": [leaf("b", 4, CHECKLIST_2016)]})
    with pytest.raises(
        StandardError, match=r"'rate_targt' is not a rule kind.*did you mean 'rate_target'"
    ):
        mini(leaf("a", 10, {"kind": "rate_targt"}))


def test_values_pickle_and_compare_equal() -> None:
    sheet = score(
        jinhua_findings(findings=[{"unit": "s1", "item": "rework", "outcome": "falsified"}]), JINHUA
    )
    for value in (JINHUA, sheet, jinhua_findings(), PerFinding(found={"city": 1})):
        assert pickle.loads(pickle.dumps(value)) == value


def test_stage_words_parse_in_chinese() -> None:
    f = Findings(
        findings=[{"unit": "u", "item": "inspection", "finder": "city", "stage": "未及时整改"}]
    )
    assert f.findings[0].stage is FindingStage.NOT_FIXED
    assert f.findings[0].case_source is None
    assert (
        Findings(findings=[{"unit": "u", "item": "i", "case_source": "领导交办"}])
        .findings[0]
        .case_source
        is Source.LEADER
    )


def test_findings_dates_resolve_dated_policy_weights() -> None:
    std = AssessmentStandard.bundled("grid_worker")
    tallies = [
        {"unit": "w1", "name": n, "count": 1, "of": 1} for n in ("reports", "verified", "accurate")
    ]
    tallies.append({"unit": "w1", "name": "timely", "count": 0, "of": 1})
    new = {
        "reporting": Decimal("0.1"),
        "verification": Decimal("0.1"),
        "accuracy": Decimal("0.1"),
        "timeliness": Decimal("0.7"),
    }
    policy = Policy.default().reform(
        {"assessment.grid_worker_weights": new}, valid_from=dt.date(2025, 1, 1)
    )
    before = Findings(tallies=tallies, start=dt.date(2024, 12, 1))
    after = Findings(tallies=tallies, start=dt.date(2025, 1, 1))
    assert score(before, std, rules=policy)["w1"].total == 75
    assert score(after, std, rules=policy)["w1"].total == 30
