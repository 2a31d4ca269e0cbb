"""Scores, grades and ranks in the impact of a rule change (testing.impact with a
standard): the log gives each unit's KPI counts (and those of its urgent cases) and the
escalation triggers, both policies are scored as ``urbangov score`` scores, and what
the log cannot give is an error unless findings give it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from urbangov import Policy, StandardError, deadlines, io, kpi
from urbangov.scoring import AssessmentStandard, Findings, Grade, KpiRecord
from urbangov.sim import sample_city
from urbangov.testing import Impact, impact
from urbangov.vocabulary import Urgency

EXAMPLE = Path(__file__).parents[1] / "examples" / "rule_cases"
LOG = io.read_columns(EXAMPLE / "cases_2024_05.csv")
IN_FORCE = Policy.load(EXAMPLE / "policy_in_force.toml")
PROPOSED = Policy.load(EXAMPLE / "policy_proposed.toml")
CITY = sample_city().hierarchy
STREETS = [u.code for u in CITY.units if u.level.slug == "street"]
DIGITAL = AssessmentStandard.bundled("digital_city_management")
# the digital standard's 当日处置 item reads a tally no case log holds: 9 of 10 each
DAILY = Findings(
    tallies=[{"unit": s, "name": "handled_same_day", "count": 9, "of": 10} for s in STREETS]
)
KPI_ONLY = AssessmentStandard(
    id="kpi_only",
    total=100,
    items=[
        {
            "id": "on_time",
            "points": 70,
            "rules": [
                {"kind": "rate_target", "rate": "on_time", "target_percent": 70, "per_point": 1}
            ],
        },
        {
            "id": "closure",
            "points": 30,
            "rules": [
                {"kind": "rate_target", "rate": "closure", "target_percent": 90, "per_point": 1}
            ],
        },
    ],
)


def scored(baseline: Policy = IN_FORCE, policy: Policy = PROPOSED, **options: object) -> Impact:
    found: dict[str, object] = {"by": "street", "hierarchy": CITY, "standard": DIGITAL,
                                "findings": DAILY}  # fmt: skip
    found.update(options)
    return impact(LOG, baseline=baseline, policy=policy, **found)  # type: ignore[arg-type]


def test_the_tighter_garbage_limit_costs_nanhu_its_grade_and_first_place() -> None:
    # examples/rule_cases: exposed garbage within 2 working hours (1 in the strict zone),
    # May 2024 of the sample district, under the 金华 数字城管 method
    found = scored()
    first = found.scores[0]
    assert (first.unit, first.name) == ("320105001", "南湖街道")
    assert (first.baseline_score, first.policy_score) == (Decimal("85.27"), Decimal("69.00"))
    assert (first.baseline_grade, first.policy_grade) == (Grade.STANDARD, Grade.SUBSTANDARD)
    assert (first.baseline_rank, first.policy_rank, first.rank_change) == (1, 2, 1)
    # 滨湖 keeps its score best: it climbs to first and takes the red flag
    binhu = next(m for m in found.scores if m.unit == "320105002")
    assert (binhu.baseline_rank, binhu.policy_rank) == (2, 1)
    old, new = found.reports  # type: ignore[misc]
    assert (old.red_flags[""], new.red_flags[""]) == (("320105001",), ("320105002",))
    assert found.standard == "digital_city_management"


def test_score_moves_are_sorted_by_the_size_of_the_change() -> None:
    found = scored()
    sizes = [abs(m.change) for m in found.scores if m.change is not None]
    assert sizes == sorted(sizes, reverse=True)
    assert {m.unit for m in found.scores} == set(STREETS)  # a shorter limit lowers every one
    assert all(m.change is not None and m.change < 0 for m in found.scores)


def test_the_scores_read_the_same_kpi_counts_as_the_rates() -> None:
    # one meaning: the KPI record of each sheet is the impact's KPI table row, and the
    # urgent subset counts the urgent cases of the same table
    found = scored()
    start, end = found.start, found.end
    assert found.reports is not None
    for sheets, policy in zip(
        (found.reports[0].sheets, found.reports[1].sheets), (IN_FORCE, PROPOSED), strict=True
    ):
        due = deadlines.due_at_batch(LOG, policy)
        table = kpi.counts_from_columns(LOG, by="street", hierarchy=CITY, start=start, end=end,
                                        due=due, rules=policy)  # fmt: skip
        urgent = kpi.counts_from_columns(LOG, by=["street", "urgency"], hierarchy=CITY,
                                         start=start, end=end, due=due, rules=policy)  # fmt: skip
        for code in STREETS:
            lines = sheets[code].item("on_time").lines
            assert isinstance(lines[0].evidence, KpiRecord)
            assert lines[0].evidence.counts == table.get(code)
            urgent_line = sheets[code].item("urgent").lines[1]
            assert urgent_line.evidence.counts == urgent.get((code, Urgency.URGENT))
            assert urgent_line.evidence.subset == "urgent"


def test_score_rows_join_the_tidy_rows() -> None:
    rows = [r for r in scored().rows() if r["kind"] == "score"]
    assert rows[:3] == [
        {"kind": "score", "key": "320105001", "measure": "score", "baseline": "85.27",
         "policy": "69.00", "change": "-16.27"},
        {"kind": "score", "key": "320105001", "measure": "grade", "baseline": "standard",
         "policy": "substandard", "change": ""},
        {"kind": "score", "key": "320105001", "measure": "rank", "baseline": "1",
         "policy": "2", "change": "+1"},
    ]  # fmt: skip


def test_an_identity_reform_moves_no_score() -> None:
    same = IN_FORCE.reform({"deadlines.categories.exposed_garbage.normal": "4 working hours"})
    found = scored(policy=same)
    assert (found.scores, bool(found)) == ((), False)
    assert found.reports is not None
    assert found.reports[0].sheets == found.reports[1].sheets


def test_a_trigger_threshold_moves_only_the_accountability_item() -> None:
    # an on-time rate below 50% instead of 70% costs the 2 points of 扣减目标考核分: every
    # street of May is between 50% and 70%, so each gains exactly 2, and no case moves
    low = {"kind": "on_time_rate", "threshold": Decimal("0.5"), "measure": "deduct_target_points",
           "points": 1, "source": "test"}  # fmt: skip
    lenient = IN_FORCE.reform({"escalation.triggers.low_on_time_rate": low})
    found = scored(policy=lenient)
    assert (found.cases, found.units) == ((), ())
    assert {m.unit: m.change for m in found.scores} == dict.fromkeys(STREETS, Decimal(2))
    for code in STREETS:
        assert found.reports[0].sheets[code].item("accountability").score == Decimal(-2)  # type: ignore[index]
        assert found.reports[1].sheets[code].item("accountability").score == Decimal(0)  # type: ignore[index]


def test_a_standard_of_kpi_items_needs_no_findings() -> None:
    found = scored(standard=KPI_ONLY, findings=None)
    assert found.scores
    nanhu = found.reports[1].sheets["320105001"]  # type: ignore[index]
    # 53.68% on time under the proposed rules: 16.32 points short of 70%
    assert nanhu.item("on_time").score == Decimal("53.68")


def test_a_tally_the_log_cannot_give_is_an_error_naming_the_item() -> None:
    with pytest.raises(StandardError) as caught:
        scored(findings=None)
    assert caught.value.field == "daily"
    assert "reads the tally 'handled_same_day', which a case log does not give" in str(caught.value)
    assert "give it in findings" in str(caught.value)


def test_a_missing_full_standard_scores_what_the_log_gives() -> None:
    lenient = AssessmentStandard(**_fields(DIGITAL, missing="full"))  # type: ignore[arg-type]
    found = scored(standard=lenient, findings=None)
    daily = found.reports[0].sheets["320105001"].item("daily")  # type: ignore[index]
    assert daily.score == Decimal(5)
    assert "nothing deducted (missing = full)" in daily.lines[0].reason


def _fields(standard: AssessmentStandard, **changes: object) -> dict[str, object]:
    import attrs

    out = {f.name: getattr(standard, f.name) for f in attrs.fields(AssessmentStandard) if f.init}
    out.update(changes)
    return out


def test_kpi_counts_in_the_findings_are_refused() -> None:
    extra = Findings(kpis=[{"unit": "320105001", "counts": {"due": 1}}])
    with pytest.raises(StandardError, match="the log gives them"):
        scored(findings=extra)


def test_a_subset_no_urgency_names_is_refused() -> None:
    hotline = AssessmentStandard(
        id="hotline",
        total=10,
        items=[{"id": "h", "points": 10, "rules": [{"kind": "rate_target", "rate": "closure",
                "subset": "hotline", "target_percent": 90, "per_point": 1}]}],
    )  # fmt: skip
    with pytest.raises(StandardError) as caught:
        scored(standard=hotline, findings=None)
    assert caught.value.field == "h.subset"
    assert "'hotline', which a case log does not give" in str(caught.value)


def test_findings_bring_names_groups_and_inspections() -> None:
    extra = Findings(
        units=[{"code": s, "group": "核心区" if s < "320105004" else "外围"} for s in STREETS],
        tallies=DAILY.tallies,
        findings=[{"unit": "320105002", "item": "rework", "outcome": "falsified"}],
    )
    found = scored(findings=extra)
    old = found.reports[0]  # type: ignore[index]
    assert old.ranking.groups == ("外围", "核心区")
    assert old.sheets["320105002"].unit.name == "滨湖街道"  # named from the city
    assert old.sheets["320105002"].item("rework").score == Decimal(4)  # 弄虚作假 −1
    # ranks are within the groups: 南湖 is first of 核心区 before, second after
    nanhu = next(m for m in found.scores if m.unit == "320105001")
    assert (nanhu.baseline_rank, nanhu.policy_rank) == (1, 2)


def test_without_a_standard_nothing_is_scored() -> None:
    found = impact(LOG, baseline=IN_FORCE, policy=PROPOSED, by="street", hierarchy=CITY)
    assert (found.scores, found.standard, found.reports) == ((), None, None)
    assert "unit score" not in repr(found)


def test_scores_by_grid_rank_every_grid() -> None:
    found = impact(LOG, baseline=IN_FORCE, policy=PROPOSED, standard=KPI_ONLY,
                   at=dt.datetime(2024, 6, 8, tzinfo=dt.UTC))  # fmt: skip
    assert found.by == "grid"
    assert all(len(m.unit) == 15 for m in found.scores)
    assert found.reports is not None
    assert len(found.reports[0].sheets) == len({str(g) for g in found.reports[1].sheets})
