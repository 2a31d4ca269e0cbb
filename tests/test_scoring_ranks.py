"""Composites with declared rounding, annual aggregation, grades by group, rankings within
groups, the red flag and red and black lists."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from urbangov.errors import StandardError
from urbangov.scoring import (
    Cutoffs,
    Grade,
    Rounding,
    TieRule,
    annual,
    black_list,
    composite,
    grade,
    rank,
    red_flag,
    red_list,
)

W = {"a": Decimal("0.5"), "b": Decimal("0.5")}


def test_rounding_step_changes_the_published_value() -> None:
    parts = {"a": Decimal("90.005"), "b": Decimal("90.005")}
    # exact 90.005: once → 90.01; terms 45.0025 → 45.00 each → 90.00; parts 90.01 each → 90.01
    assert composite(parts, W, rounding=Rounding(2, "total")).value == Decimal("90.01")
    assert composite(parts, W, rounding=Rounding(2, "terms")).value == Decimal("90.00")
    assert composite(parts, W, rounding=Rounding(2, "parts")).value == Decimal("90.01")
    # 咸宁: 90% city management + 10% 红色物业, rounded to 2 places
    xianning = composite(
        {"city": Decimal("92.1"), "property": Decimal("83.77")},
        {"city": Decimal("0.9"), "property": Decimal("0.1")},
        rounding=Rounding(2),
    )
    assert xianning.exact == Fraction("91.267")
    assert xianning.value == Decimal("91.27")


def test_composite_checks_its_parts_and_weights() -> None:
    with pytest.raises(StandardError, match="the part 'c' has no weight"):
        composite({"a": 1, "b": 1, "c": 1}, W, rounding=Rounding())
    with pytest.raises(StandardError, match="the weight 'b' has no part"):
        composite({"a": 1}, W, rounding=Rounding())
    missing = composite({"a": Decimal(90), "b": None}, W, rounding=Rounding())
    assert missing.value is None
    assert missing.exact is None
    with pytest.raises(StandardError, match="not an exact number"):
        composite({"a": 90.5, "b": 1}, W, rounding=Rounding())


def test_monthly_scores_aggregate_to_annual_ones() -> None:
    months = {
        "2024-01": {"s1": Decimal("90"), "s2": Decimal("80")},
        "2024-02": {"s1": Decimal("91"), "s2": None},
        "2024-03": {"s1": Decimal("95")},
    }
    year = annual(months, missing="skip", rounding=Rounding(2))
    assert year["s1"].value == Decimal("92.00")
    assert year["s2"].value == Decimal("80.00")  # the months it has
    strict = annual(months, missing="no_data", rounding=Rounding(2))
    assert strict["s2"].value is None
    weighted = annual(
        months,
        missing="skip",
        rounding=Rounding(2),
        weights={"2024-01": 1, "2024-02": 1, "2024-03": 2},
    )
    assert weighted.get("s1").value == Decimal("92.75")  # (90 + 91 + 2 × 95) / 4  # type: ignore[union-attr]
    assert annual(months, missing="skip", rounding=Rounding(2))["s1"].exact == Fraction(92)


def test_cut_offs_differ_by_group() -> None:
    cuts = {
        "default": Cutoffs.of({"excellent": 90, "standard": 80}, below="substandard"),
        "suburban": Cutoffs.of({"excellent": 85, "standard": 75}, below="substandard"),
    }
    assert grade(Decimal("87"), cuts, group="core") is Grade.STANDARD
    assert grade(Decimal("87"), cuts, group="suburban") is Grade.EXCELLENT
    with pytest.raises(StandardError, match="from the highest down"):
        Cutoffs.of({"standard": 80, "excellent": 90}, below="substandard")
    with pytest.raises(StandardError, match="no cut-offs for the group"):
        grade(Decimal(1), {"core": cuts["default"]}, group="x")


def test_a_composite_is_graded_on_its_published_value() -> None:
    cuts = Cutoffs.of({"excellent": 90}, below="standard")
    almost = composite({"a": Decimal("89.996"), "b": Decimal("89.996")}, W, rounding=Rounding(2))
    assert almost.value == Decimal("90.00")
    assert grade(almost, cuts) is Grade.EXCELLENT
    assert grade(almost.exact, cuts) is Grade.STANDARD


def test_competition_ranks_within_groups() -> None:
    # 首都 ranks districts within four groups; units with no data are listed, unranked
    scores = {
        "a": Decimal(90),
        "b": Decimal(95),
        "c": Decimal(95),
        "d": Decimal(80),
        "e": None,
        "x": Decimal(70),
    }
    groups = {"a": "core", "b": "core", "c": "core", "d": "core", "e": "core", "x": "suburban"}
    ranking = rank(scores, tie="share", precision=Decimal("0.01"), groups=groups)
    assert [(e.unit, e.rank) for e in ranking.group("core")] == [
        ("b", 1),
        ("c", 1),
        ("a", 3),
        ("d", 4),
        ("e", None),
    ]
    assert ranking.group("suburban")[0].rank == 1
    assert ranking.groups == ("core", "suburban")
    with pytest.raises(StandardError, match="no group for 'x'"):
        rank(
            scores,
            tie="share",
            precision=None,
            groups={k: v for k, v in groups.items() if k != "x"},
        )


def test_precision_decides_what_equal_means() -> None:
    scores = {"a": Decimal("90.004"), "b": Decimal("90.001")}
    assert rank(scores, tie="share", precision=Decimal("0.01")).rank_of("b") == 1
    assert rank(scores, tie="share", precision=None).rank_of("b") == 2
    with pytest.raises(StandardError, match="not a precision"):
        rank(scores, tie="share", precision=Decimal("0.05"))


def test_a_tie_rule_on_parts_needs_parts() -> None:
    with pytest.raises(StandardError, match="plain score"):
        rank({"a": Decimal(1)}, tie=TieRule(then=("system",)), precision=None)
    c = composite({"a": Decimal(1), "b": Decimal(1)}, W, rounding=Rounding())
    with pytest.raises(StandardError, match="has no part 'system'"):
        rank({"u": c}, tie=TieRule(then=("system",)), precision=None)


def test_red_flag_and_lists() -> None:
    scores = {
        "a": Decimal(95),
        "b": Decimal(95),
        "c": Decimal(90),
        "d": Decimal(80),
        "e": Decimal(80),
        "f": None,
    }
    assert red_flag(scores, TieRule(), precision=Decimal("0.01")) == ("a", "b")
    assert red_flag(scores, TieRule(unresolved="withhold"), precision=Decimal("0.01")) == ()
    # 榆林 12345 红黑榜: top / bottom N; ties at the boundary are all listed, unordered
    assert red_list(scores, 1, precision=Decimal("0.01")) == ("a", "b")
    assert red_list(scores, 3, precision=Decimal("0.01")) == ("a", "b", "c")
    assert black_list(scores, 1, precision=Decimal("0.01")) == ("d", "e")
    assert black_list(scores, 3, precision=Decimal("0.01")) == ("d", "e", "c")
    assert "f" not in red_list(scores, 10, precision=None)
