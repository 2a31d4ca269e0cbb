"""Laws of scoring: items stay within their floor and maximum; without bonus items more
findings never raise a score; rankings ignore input order and ties share a rank; a bond
ledger balances for every grade assignment; the batch path equals the exact one."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from urbangov import Policy
from urbangov.scoring import (
    AssessedUnit,
    AssessmentRules,
    AssessmentStandard,
    Band,
    FindingColumns,
    Findings,
    Grade,
    ItemScore,
    PerCase,
    PerFinding,
    PerTrigger,
    RateBands,
    RateLinear,
    RateTarget,
    TieRule,
    rank,
    score,
    score_batch,
    settle_bonds,
)
from urbangov.vocabulary import Source

POLICY = Policy.default()

# A standard with caps, a negative-floor bonus item, weights, missing = "full" and every
# rule kind, to exercise what the bundled ones do not.
CUSTOM = AssessmentStandard(
    id="custom",
    total=100,
    missing="full",
    normalise=True,
    source_weights={"monthly": Decimal("0.7"), "random": Decimal("0.3")},
    items=[
        {
            "id": "a",
            "points": 50,
            "items": [
                {
                    "id": "x",
                    "points": 20,
                    "weight": Decimal("1.5"),
                    "applies_to": ["street"],
                    "rules": [
                        {
                            "kind": "per_finding",
                            "found": {"city": Decimal("0.5"), "district": Decimal("0.25")},
                            "not_fixed": 2,
                            "cap": 5,
                            "multipliers": {"media": 2},
                        }
                    ],
                },
                {
                    "id": "y",
                    "points": 20,
                    "weight": Decimal("1"),
                    "rules": [
                        {
                            "kind": "per_case",
                            "outcomes": {"o1": Decimal("0.1"), "o2": 3},
                            "multipliers": {"leader": 3},
                        }
                    ],
                },
            ],
        },
        {
            "id": "b",
            "points": 30,
            "assessed_by": ["monthly"],
            "rules": [
                {
                    "kind": "rate_target",
                    "rate": "closure",
                    "target_percent": Decimal("92.5"),
                    "per_point": Decimal("0.7"),
                },
                {
                    "kind": "rate_bands",
                    "tally": "daily",
                    "bands": [
                        {"at_most_percent": 0, "deduct": 1},
                        {"below_percent": Decimal("66.6"), "deduct": Decimal("0.35")},
                    ],
                    "cap": 2,
                },
            ],
        },
        {
            "id": "c",
            "points": 10,
            "floor": 5,
            "rules": [
                {
                    "kind": "rate_linear",
                    "tally": "accuracy",
                    "base": Decimal("-13.3"),
                    "per_point": Decimal("0.37"),
                    "min": 5,
                    "max": 10,
                }
            ],
        },
        {"id": "d", "points": 10, "rules": [{"kind": "given"}]},
        {
            "id": "bonus",
            "points": 3,
            "floor": -2,
            "bonus": True,
            "rules": [{"kind": "rank_adjust", "by_rank": [3, 1, Decimal("-0.5"), -2]}],
        },
        {
            "id": "penalty",
            "points": 0,
            "floor": -4,
            "bonus": True,
            "rules": [
                {
                    "kind": "per_trigger",
                    "measures": {"notice": Decimal("1.5"), "deduct": 3},
                    "cap": 4,
                }
            ],
        },
    ],
)

STANDARDS = {
    name: AssessmentStandard.bundled(name) for name in AssessmentStandard.bundled_names()
} | {"custom": CUSTOM}


def _counts(rng: random.Random) -> dict[str, int]:
    due = rng.randint(0, 40)
    closed = rng.randint(0, due)
    on_time = rng.randint(0, closed)
    suspended = rng.randint(0, due)
    return {
        "due": due,
        "closed": closed,
        "closed_on_time": on_time,
        "overdue": due - on_time,
        "suspended": suspended,
    }


def findings_for(standard: AssessmentStandard, seed: int, n_units: int, n_rows: int) -> Findings:
    """Valid random findings for ``standard`` (every row one the standard can score)."""
    rng = random.Random(seed)
    codes = sorted(
        {c for leaf in standard.leaves() for c in leaf.applies_to} - {"street", "department"}
    )
    departments = rng.sample(codes, k=min(len(codes), rng.randint(0, n_units)))
    built = [
        AssessedUnit(code=code, kind="department", group="departments") for code in departments
    ] + [
        AssessedUnit(code=f"u{i}", group=f"g{i % 2}", no_data=rng.random() < 0.05)
        for i in range(n_units - len(departments))
    ]
    sources = [None, *standard.source_weights]
    rows: list[dict[str, Any]] = []
    for _ in range(n_rows):
        unit = rng.choice(built)
        leaves = [
            lf
            for lf in standard.leaves()
            if lf.applies(unit) and any(isinstance(r, PerFinding | PerCase) for r in lf.item.rules)
        ]
        if not leaves:
            continue
        leaf = rng.choice(leaves)
        rule = rng.choice([r for r in leaf.item.rules if isinstance(r, PerFinding | PerCase)])
        source = rng.choice(
            [s for s in sources if s is None or not leaf.assessed_by or s in leaf.assessed_by]
        )
        row: dict[str, Any] = {
            "unit": unit.code,
            "item": leaf.path,
            "rule": rule.id,
            "count": rng.randint(1, 3),
            "source": source,
        }
        if isinstance(rule, PerFinding):
            stages = [s for s in ("found", "not_fixed", "repeated") if getattr(rule, s)]
            stage = rng.choice(stages)
            row["stage"] = stage
            row["finder"] = rng.choice(list(getattr(rule, stage)))
            if row["finder"] == "*":
                row["finder"] = "anyone"
            row["case_source"] = rng.choice([None, *Source])
        else:
            row["outcome"] = rng.choice(list(rule.outcomes))
            row["case_source"] = rng.choice(list(rule.sources) or [None, *Source])
        rows.append(row)
    kpis, tallies, marks, triggers = [], [], [], []
    for unit in built:
        for leaf in standard.leaves():
            if not leaf.applies(unit):
                continue
            for rule in leaf.item.rules:
                if isinstance(rule, RateTarget | RateLinear | RateBands) and rng.random() < 0.9:
                    times = 1 if isinstance(rule, RateLinear) else rng.randint(1, 3)
                    for k in range(times):
                        if rule.rate is not None:
                            kpis.append(
                                {
                                    "unit": unit.code,
                                    "subset": rule.subset,
                                    "counts": _counts(rng),
                                    "period": f"p{k}-{rule.id}",
                                }
                            )
                        else:
                            of = rng.randint(0, 30)
                            tallies.append(
                                {
                                    "unit": unit.code,
                                    "name": rule.tally,
                                    "count": rng.randint(0, of + 5),
                                    "of": of,
                                    "period": f"p{k}",
                                }
                            )
                elif rule.kind == "given" and rng.random() < 0.9:
                    step = Decimal(1).scaleb(-standard.places)
                    span = int((leaf.item.points - leaf.item.floor) / step)
                    marks.append(
                        {
                            "unit": unit.code,
                            "item": leaf.path,
                            "value": leaf.item.floor + step * rng.randint(0, span),
                        }
                    )
                elif isinstance(rule, PerTrigger):
                    for _ in range(rng.randint(0, 2)):
                        triggers.append(
                            {
                                "unit": unit.code,
                                "measure": rng.choice([*rule.measures, "other"]),
                                "rule": "r",
                            }
                        )
    # rate_linear reads one record per unit and source: keep the first of each
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for k in kpis:
        key = (k["unit"], k["subset"], k["period"].split("-", 1)[1])
        linear = any(
            isinstance(r, RateLinear) and r.rate and r.subset == k["subset"]
            for _, r in standard.rules()
        )
        if linear and key in seen:
            continue
        seen.add(key)
        kept.append(k)
    linear_tallies = {r.tally for _, r in standard.rules() if isinstance(r, RateLinear) and r.tally}
    seen_t: set[tuple[str, str]] = set()
    kept_t = []
    for t in tallies:
        key2 = (t["unit"], t["name"])
        if t["name"] in linear_tallies and key2 in seen_t:
            continue
        seen_t.add(key2)
        kept_t.append(t)
    return Findings(
        units=built, findings=rows, kpis=kept, tallies=kept_t, marks=marks, triggers=triggers
    )


cases = st.tuples(
    st.sampled_from(sorted(STANDARDS)),
    st.integers(0, 10**6),
    st.integers(1, 9),
    st.integers(0, 60),
)


def _rules(name: str) -> Any:
    return POLICY if STANDARDS[name].weights_from else None


@given(cases)
def test_batch_equals_exact(case: tuple[str, int, int, int]) -> None:
    name, seed, n_units, n_rows = case
    standard = STANDARDS[name]
    found = findings_for(standard, seed, n_units, n_rows)
    exact = score(found, standard, rules=_rules(name))
    batch = score_batch(FindingColumns.from_findings(found, standard), standard, rules=_rules(name))
    assert batch.totals() == {c: s.total for c, s in exact.items()}
    for i, unit in enumerate(found.units):
        assert batch.exact(i) == exact[unit.code].exact


def _within(item: ItemScore, floor: dict[str, Decimal]) -> None:
    if item.score is not None:
        bonus = sum((c.weight * c.points for c in item.items if c.bonus), Decimal(0))
        assert floor[item.path] <= item.score <= item.points + bonus, item.path
    for child in item.items:
        _within(child, floor)


@given(cases)
def test_each_item_stays_within_its_floor_and_maximum(case: tuple[str, int, int, int]) -> None:
    name, seed, n_units, n_rows = case
    standard = STANDARDS[name]
    floors: dict[str, Decimal] = {}

    def collect(items: Any, prefix: str = "") -> None:
        for item in items:
            path = f"{prefix}.{item.id}" if prefix else item.id
            floors[path] = item.floor
            collect(item.items, path)

    collect(standard.items)
    for sheet in score(
        findings_for(standard, seed, n_units, n_rows), standard, rules=_rules(name)
    ).values():
        for source in sheet.sources:
            for item in source.items:
                _within(item, floors)
        for line in (
            ln for s in sheet.sources for top in s.items for i in top.walk() for ln in i.lines
        ):
            assert line.item  # every line names its item


NO_BONUS = ("long_term_management", "province_checklist")


@given(
    st.sampled_from(NO_BONUS),
    st.integers(0, 10**6),
    st.integers(1, 6),
    st.integers(0, 40),
    st.integers(1, 40),
)
def test_without_bonus_items_more_findings_never_raise_a_score(
    name: str, seed: int, n_units: int, n_rows: int, extra: int
) -> None:
    standard = STANDARDS[name]
    found = findings_for(standard, seed, n_units, n_rows + extra)
    fewer = Findings(
        units=found.units,
        findings=found.findings[: len(found.findings) - extra]
        if extra <= len(found.findings)
        else (),
    )
    more = Findings(units=found.units, findings=found.findings)
    before = score(fewer, standard)
    after = score(more, standard)
    for code, sheet in after.items():
        if sheet.exact is not None and before[code].exact is not None:
            assert sheet.exact <= before[code].exact


scores = st.dictionaries(
    st.text("abcdefgh", min_size=1, max_size=3),
    st.one_of(st.none(), st.integers(0, 20).map(lambda n: Decimal(n) / 4)),
    max_size=12,
)


@given(scores, st.randoms(), st.sampled_from([None, Decimal("1"), Decimal("0.01")]), st.booleans())
def test_ranking_ignores_input_order_and_ties_share_a_rank(
    values: dict[str, Decimal | None], rnd: random.Random, precision: Decimal | None, grouped: bool
) -> None:
    groups = {u: ("g1" if ord(u[0]) % 2 else "g2") for u in values} if grouped else None
    items = list(values.items())
    rnd.shuffle(items)
    shuffled = dict(items)
    first = rank(values, tie=TieRule(), precision=precision, groups=groups)
    second = rank(shuffled, tie=TieRule(), precision=precision, groups=groups)
    assert first == second
    for entry in first.entries:
        if entry.score is None:
            assert entry.rank is None
            continue
        rivals = [e for e in first.group(entry.group) if e.score is not None]
        assert entry.rank == 1 + sum(1 for e in rivals if e.score > entry.score)  # type: ignore[operator]


STREETS = list(AssessmentRules.of(POLICY).street_bonds.units)


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from([Grade.EXCELLENT, Grade.STANDARD, Grade.SUBSTANDARD]),
        min_size=7,
        max_size=7,
    ),
    st.sets(st.sampled_from(STREETS)),
)
def test_a_bond_ledger_balances_for_every_grade_assignment(
    grades: list[Grade], winners: set[str]
) -> None:
    scheme = AssessmentRules.of(POLICY).street_bonds
    ledger = settle_bonds(dict(zip(STREETS, grades, strict=True)), scheme, winners=winners)
    assert ledger.balanced
    total = ledger.total()
    assert total.paid_in == 1_100_000 + 21 * 5000
    assert total.award == 30_000 * len(winners)
    multiple = {Grade.EXCELLENT: 1, Grade.STANDARD: Decimal("0.5"), Grade.SUBSTANDARD: 0}
    assert total.reward == sum(
        multiple[g] * scheme.units[c].amount.at(date(2024, 1, 1))
        for c, g in zip(STREETS, grades, strict=True)
    )
    assert ledger.net_cost == total.reward + total.award - total.forfeited


@given(
    st.fractions(min_value=-2, max_value=2),
    st.decimals(min_value=-200, max_value=200, places=3, allow_nan=False),
    st.booleans(),
)
def test_a_band_holds_exactly_the_rates_within_its_bound(
    rate: Fraction, bound: Decimal, at_most: bool
) -> None:
    band = Band(**{"at_most_percent" if at_most else "below_percent": bound}, deduct=1)
    percent = rate * 100
    assert band.holds(rate) is (
        percent <= Fraction(bound) if at_most else percent < Fraction(bound)
    )
