"""Cross-module invariants of the bundled data: the pieces fit together."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import urbangov
from urbangov import deadlines
from urbangov.cases import Case, CaseEvent, dispatch_to_lead
from urbangov.org import City, load_city
from urbangov.policy import Policy
from urbangov.taxonomy import Taxonomy

SAMPLE = Path(urbangov.__file__).parent / "data" / "sample_district.toml"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def city() -> City:
    return load_city(SAMPLE)


def test_every_deadline_category_is_in_the_taxonomy() -> None:
    slugs = {c.slug for c in Taxonomy.default().categories()}
    missing = sorted(set(Policy.default().deadlines.categories) - slugs)
    assert missing == [], f"deadline rows for categories the taxonomy lacks: {missing}"


_LEVEL_CODE_LENGTH = {"district": 6, "street": 9, "community": 12, "grid": 15}


def _file_lead(duties: list[dict[str, Any]], domain: str, grid: str, kind: str | None) -> str:
    """The lead the sample file's own duty rows give, by a plain scan of the TOML (not
    through urbangov.org): the exact asset kind, then its dotted parents, then none; among
    those, the deepest territory on the grid's code chain; a ``level:`` lead is the grid's
    own ancestor at that level (a prefix of its code)."""
    kinds: list[str | None] = [None]
    if kind is not None:
        parts = kind.split(".")
        kinds = [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + [None]
    chain = [grid[:n] for n in (15, 12, 9, 6)]
    found = [
        (kinds.index(row.get("asset_kind")), chain.index(row["territory"]), row["lead"])
        for row in duties
        if row["domain"] == domain and row.get("asset_kind") in kinds and row["territory"] in chain
    ]
    lead: str = min(found)[2]
    if lead.startswith("level:"):
        return grid[: _LEVEL_CODE_LENGTH[lead.removeprefix("level:")]]
    return lead


def test_every_category_dispatches_to_its_lead_in_every_street(city: City) -> None:
    # Dispatch must find the lead department for any problem anywhere
    # (《城市管理协管员考核办法》篇5 §二: every domain has a lead everywhere), through
    # taxonomy → domain/asset kind → duty matrix; the expected lead is read off the
    # file's [[organisation.duties]] rows directly.
    with SAMPLE.open("rb") as f:
        document = tomllib.load(f)
    duties = document["organisation"]["duties"]
    departments = {d["code"] for d in document["organisation"]["departments"]}
    h = city.hierarchy
    grids = [h.descendants(s, level="grid")[0] for s in h.at_level("street")]
    t = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SHANGHAI)
    steps = (CaseEvent("accept", t), CaseEvent("file", t))
    seen: set[str] = set()
    for category in Taxonomy.default().categories():
        for grid in grids:
            case = Case.new("C1", category.slug, grid.code, reported_at=t, history=steps)
            got = dispatch_to_lead(case, t, city.duties).department
            expected = _file_lead(duties, category.domain.value, grid.code, category.asset_kind)
            assert got == expected, (category.slug, grid.code)
            assert got in departments or got == grid.code[:9], (category.slug, got)
            seen.add(got)
    # the file's leads are not all one department: the street and several bureaus lead
    assert len(seen & departments) >= 5
    assert {g.code[:9] for g in grids} <= seen


def test_default_policy_gives_a_due_time_for_a_dispatched_sample_case(city: City) -> None:
    # 暴露垃圾 4 working hours (default_policy.toml cites the table): dispatched Friday
    # 2024-09-27 16:00 with 09:00-12:00, 13:30-18:00 → 2 h on Friday, then Sunday
    # 2024-09-29 is a make-up workday (State Council notice for 2024): due 11:00 there.
    policy = Policy.default()
    t = dt.datetime(2024, 9, 27, 16, 0, tzinfo=SHANGHAI)
    grid = city.hierarchy.grids()[0].code
    case = Case.new(
        "C2",
        "暴露垃圾",
        grid,
        reported_at=t,
        history=(CaseEvent("accept", t), CaseEvent("file", t)),
    )
    case = dispatch_to_lead(case, t, city.duties)
    due = deadlines.due_at(case, policy, policy.work_calendar())
    assert due == dt.datetime(2024, 9, 29, 11, 0, tzinfo=SHANGHAI)


def test_escalation_triggers_are_deductions_of_the_bundled_standard(city: City) -> None:
    # 12345催办通报程序: 催办和通报情况作为考核和追究问责的依据 — a case still overdue five
    # working days after its reminder is criticised in writing (书面通报批评), and the
    # digital_city_management standard deducts it (0.5 per 通报批评, urbangov's price).
    from urbangov import escalation
    from urbangov.scoring import AssessmentStandard, Findings, score

    t = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SHANGHAI)
    history = (
        CaseEvent("accept", t),
        CaseEvent("file", t),
        CaseEvent("dispatch", t, department="street_office_001"),
    )
    case = Case.new("A1", "暴露垃圾", "320105001001001", reported_at=t, history=history)
    found = escalation.triggers(None, Policy(), cases=[case], at=t + dt.timedelta(days=10))
    assert [(x.unit, str(x.measure)) for x in found] == [
        ("street_office_001", "notice_of_criticism")
    ]
    std = AssessmentStandard.bundled("digital_city_management")
    units = Findings(units=[{"code": "street_office_001", "name": "南湖街道办事处"}])
    sheet = score(units, std, triggers=found)["street_office_001"]
    assert sheet.item("accountability").score == Decimal("-0.5")
