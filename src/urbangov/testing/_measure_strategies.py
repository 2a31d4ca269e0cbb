"""Hypothesis strategies of what is measured: KPI counts, assessment standards and their
findings (private: :mod:`urbangov.testing.strategies` re-exports :func:`kpi_counts`,
:func:`standards` and :func:`findings`)."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

import attrs

from urbangov.testing._extra import require_hypothesis

require_hypothesis()  # the 'testing' extra, named in the error when it is missing

from hypothesis import strategies as st  # noqa: E402

from urbangov.kpi import KpiCounts  # noqa: E402
from urbangov.scoring import (  # noqa: E402
    KPI_RATES,
    AssessmentStandard,
    Findings,
    Given,
    PerCase,
    PerFinding,
    PerTrigger,
    RateBands,
    RateLinear,
    RateTarget,
)
from urbangov.vocabulary import Source  # noqa: E402

__all__ = ["findings", "kpi_counts", "standards"]


@st.composite
def kpi_counts(draw: st.DrawFn, max_count: int = 10_000) -> KpiCounts:
    """KPI counts that hold what always holds: closed ≤ due, closed on time ≤ closed,
    closed on time + overdue ≤ due, reworked, extended and suspended ≤ due; zeros (a rate
    with no denominator) and full counts (a rate of 1) included."""
    n = st.integers(0, max_count)
    due = draw(n)
    closed = draw(st.integers(0, due))
    on_time = draw(st.integers(0, closed))
    overdue = draw(st.integers(0, due - on_time))
    part = st.integers(0, due)
    return KpiCounts(
        received=draw(n),
        filed=draw(n),
        dispatched=draw(n),
        voided=draw(n),
        due=due,
        closed=closed,
        closed_on_time=on_time,
        overdue=overdue,
        reworked=draw(part),
        extended=draw(part),
        suspended=draw(part),
    )


_FINDERS = ("city", "district", "bureau")
_OUTCOMES = ("sent_back", "falsified", "buck_passing")
_MEASURES = ("notice_of_criticism", "deduct_target_points", "written_check")


def _amount(draw: st.DrawFn, places: int, most: int = 5) -> Decimal:
    """A positive price with at most ``places`` decimals (0.05 steps at 2 places)."""
    step = Decimal(1).scaleb(-places) * (5 if places >= 2 else 1)
    return step * draw(st.integers(1, int(most / step)))


def _rate_rule(draw: st.DrawFn, kind: str, points: Decimal, places: int) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": kind}
    if draw(st.booleans()):
        rule["rate"] = rate = draw(st.sampled_from(sorted(KPI_RATES)))
        if draw(st.integers(0, 3)) == 3:
            rule["subset"] = "urgent"
        if KPI_RATES[rate][1] == "due" and draw(st.booleans()):
            rule["exclude_suspended"] = True
    else:
        rule["tally"] = draw(st.sampled_from(("handled_same_day", "verified")))
    if kind == "rate_target":
        rule["target_percent"] = Decimal(draw(st.integers(100, 200))) / 2
        rule["per_point"] = _amount(draw, places, 2)
        if draw(st.integers(0, 4)) == 4:
            rule["direction"] = "at_most"
    elif kind == "rate_linear":
        rule["per_point"] = _amount(draw, places, 1)
        rule["base"] = -Decimal(draw(st.integers(0, 80)))
        rule["max"] = points
    else:
        bounds = sorted(draw(st.sets(st.integers(1, 99), min_size=1, max_size=3)))
        bands: list[dict[str, Any]] = [{"at_most_percent": 0, "deduct": _amount(draw, places, 1)}]
        bands += [{"below_percent": b, "deduct": _amount(draw, places, 1)} for b in bounds]
        rule["bands"] = bands
    return rule


def _leaf(draw: st.DrawFn, ident: str, places: int, sources: tuple[str, ...]) -> dict[str, Any]:
    """A leaf item: its points and one rule (or two deduction rules)."""
    points = Decimal(draw(st.integers(1, 40)))
    item: dict[str, Any] = {"id": ident, "points": points}
    kind = draw(st.sampled_from(("per_finding", "per_case", "rate_target", "rate_linear",
                                 "rate_bands", "given", "per_trigger")))  # fmt: skip
    rules: list[dict[str, Any]] = []
    if kind == "per_finding":
        stages = draw(st.lists(st.sampled_from(("found", "not_fixed", "repeated")), min_size=1,
                               max_size=3, unique=True))  # fmt: skip
        rule: dict[str, Any] = {"kind": kind}
        for stage in stages:
            finders = draw(st.lists(st.sampled_from((*_FINDERS, "*")), min_size=1, max_size=3,
                                    unique=True))  # fmt: skip
            rule[stage] = {f: _amount(draw, places) for f in finders}
        if draw(st.booleans()):
            rule["multipliers"] = {"media": Decimal(2)}
        rules.append(rule)
    elif kind == "per_case":
        outcomes = draw(st.lists(st.sampled_from(_OUTCOMES), min_size=1, max_size=3, unique=True))
        rule = {"kind": kind, "outcomes": {o: _amount(draw, places) for o in outcomes}}
        if draw(st.booleans()):
            rule["multipliers"] = {"leader": Decimal(2), "media": Decimal(3)}
        rules.append(rule)
    elif kind == "per_trigger":
        measures = draw(st.lists(st.sampled_from(_MEASURES), min_size=1, max_size=3, unique=True))
        rules.append({"kind": kind, "measures": {m: _amount(draw, places) for m in measures}})
    elif kind == "given":
        rules.append({"kind": kind})
    else:
        rules.append(_rate_rule(draw, kind, points, places))
    if kind in ("per_finding", "per_case", "per_trigger", "rate_bands") and draw(st.booleans()):
        rules[0]["cap"] = points if draw(st.booleans()) else min(points, Decimal(3))
    if kind == "rate_target" and draw(st.integers(0, 3)) == 3:  # a second deduction rule
        second = _rate_rule(draw, "rate_target", points, places)
        rules.append({**second, "id": "second"})
    item["rules"] = rules
    if kind in ("per_finding", "per_case", "rate_target") and draw(st.integers(0, 3)) == 3:
        item["floor"] = points / 2 if places >= 1 else Decimal(int(points) // 2)
    if sources and draw(st.integers(0, 3)) == 3:
        item["assessed_by"] = [draw(st.sampled_from(sources))]
    return item


@st.composite
def standards(draw: st.DrawFn, max_items: int = 4) -> AssessmentStandard:
    """Valid assessment standards: 1–``max_items`` major items, some with sub-items
    (weighted or not), every rule kind (per finding, per case, rate targets, linear
    scores and bands of a KPI rate — of all or urgent cases — or of a tally, given
    marks, triggers), caps, floors, a bonus item with a rank adjustment or triggers,
    now and then two weighed sources, ``missing = "full"`` or ``normalise``; points and
    prices always fit the standard's places (0, 1 or 2).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(standards())
    ... def test_a_standard_round_trips(standard):
    ...     assert AssessmentStandard.loads(standard.dumps()) == standard
    >>> test_a_standard_round_trips()
    """
    places = draw(st.sampled_from((2, 2, 1, 0)))
    sources: tuple[str, ...] = ()
    weights: dict[str, Decimal] = {}
    if draw(st.integers(0, 3)) == 3:
        first = Decimal(draw(st.integers(1, 9))) / 10
        weights = {"monthly": first, "random": 1 - first}
        sources = ("monthly", "random")
    majors: list[dict[str, Any]] = []
    for m in range(draw(st.integers(1, max_items))):
        if draw(st.integers(0, 2)) == 2:
            children = [_leaf(draw, f"s{c}", places, sources)
                        for c in range(draw(st.integers(1, 3)))]  # fmt: skip
            weighted = places >= 1 and draw(st.booleans())
            if weighted:
                for child in children:
                    child["weight"] = draw(st.sampled_from((Decimal("0.5"), Decimal(1),
                                                            Decimal(2))))  # fmt: skip
            total = sum((c.get("weight", Decimal(1)) * c["points"] for c in children), Decimal(0))
            majors.append({"id": f"m{m}", "points": total, "items": children})
        else:
            majors.append(_leaf(draw, f"m{m}", places, sources))
    total = sum((item["points"] for item in majors), Decimal(0))
    if draw(st.integers(0, 2)) == 2:
        if draw(st.booleans()):
            rule: dict[str, Any] = {
                "kind": "rank_adjust",
                "by_rank": [Decimal(2), Decimal(1), Decimal(0), Decimal(-1)],
            }
        else:
            rule = {"kind": "per_trigger", "measures": {"deduct_target_points": Decimal(2)}}
        majors.append({"id": "bonus", "points": 2, "floor": -3, "bonus": True, "rules": [rule]})
    return AssessmentStandard(
        id=draw(st.sampled_from(("drawn", "street_check", "数字城管"))),
        total=total,
        places=places,
        items=majors,
        source_weights=weights,
        missing=draw(st.sampled_from(("no_data", "no_data", "full"))),
        normalise=draw(st.booleans()),
    )


def _mark(draw: st.DrawFn, low: Decimal, high: Decimal, places: int) -> Decimal:
    step = Decimal(1).scaleb(-places)
    return low + step * draw(st.integers(0, int((high - low) / step)))


@st.composite
def _findings_for(draw: st.DrawFn, standard: AssessmentStandard, max_units: int) -> Findings:
    n = draw(st.integers(1, max_units))
    units = [
        {"code": f"3201050{u + 1:02d}", "name": f"街道{u + 1}",
         "group": draw(st.sampled_from(("", "", "核心区"))),
         "no_data": draw(st.integers(0, 9)) == 9}
        for u in range(n)
    ]  # fmt: skip
    codes: list[str] = [f"3201050{u + 1:02d}" for u in range(n)]
    sources = [None, *(s.value for s in standard.source_weights)]
    rows: list[dict[str, Any]] = []
    kpis: dict[tuple[str, str], dict[str, Any]] = {}
    tallies: dict[tuple[str, str], dict[str, Any]] = {}
    marks: list[dict[str, Any]] = []
    triggers: list[dict[str, Any]] = []
    for leaf in standard.leaves():
        allowed = [s for s in sources if s is None or not leaf.assessed_by
                   or s in {a.value for a in leaf.assessed_by}]  # fmt: skip
        for rule in leaf.item.rules:
            if isinstance(rule, PerFinding | PerCase):
                for _ in range(draw(st.integers(0, 3))):
                    row: dict[str, Any] = {"unit": draw(st.sampled_from(codes)),
                                           "item": leaf.path, "rule": rule.id,
                                           "count": draw(st.integers(1, 3)),
                                           "source": draw(st.sampled_from(allowed))}  # fmt: skip
                    if isinstance(rule, PerFinding):
                        stage = draw(st.sampled_from([s for s in ("found", "not_fixed",
                                                                  "repeated")
                                                      if getattr(rule, s)]))  # fmt: skip
                        finder = draw(st.sampled_from(sorted(getattr(rule, stage))))
                        row.update(stage=stage, finder="anyone" if finder == "*" else finder)
                        row["case_source"] = draw(st.none() | st.sampled_from(Source))
                    else:
                        row["outcome"] = draw(st.sampled_from(sorted(rule.outcomes)))
                        row["case_source"] = draw(
                            st.sampled_from(rule.sources) if rule.sources
                            else st.none() | st.sampled_from(Source)
                        )  # fmt: skip
                    rows.append({k: v for k, v in row.items() if v is not None})
            elif isinstance(rule, RateTarget | RateLinear | RateBands):
                for code in codes:
                    if draw(st.integers(0, 5)) == 5:
                        continue  # a unit with no record: no data, or full marks
                    if rule.rate is not None:
                        counts = draw(kpi_counts(60))
                        # as a published report counts them: a case in 缓办 is not closed,
                        # so a rule with exclude_suspended never passes 100%
                        spare = counts.due - max(counts.closed, counts.reworked, counts.extended)
                        counts = attrs.evolve(counts, suspended=min(counts.suspended, spare))
                        kpis.setdefault((code, rule.subset), {
                            "unit": code, "subset": rule.subset, "counts": counts
                        })  # fmt: skip
                    else:
                        assert rule.tally is not None
                        of = draw(st.integers(0, 30))
                        tallies.setdefault((code, rule.tally), {
                            "unit": code, "name": rule.tally, "count": draw(st.integers(0, of)),
                            "of": of,
                        })  # fmt: skip
            elif isinstance(rule, Given):
                for code in codes:
                    if draw(st.integers(0, 5)) < 5:
                        marks.append({"unit": code, "item": leaf.path,
                                      "value": _mark(draw, leaf.item.floor, leaf.item.points,
                                                     standard.places)})  # fmt: skip
            elif isinstance(rule, PerTrigger):
                for _ in range(draw(st.integers(0, 2))):
                    triggers.append({"unit": draw(st.sampled_from(codes)),
                                     "measure": draw(st.sampled_from((*rule.measures, "other"))),
                                     "rule": "escalation.triggers.drawn"})  # fmt: skip
    return Findings(
        units=units,
        findings=rows,
        kpis=list(kpis.values()),
        tallies=list(tallies.values()),
        marks=marks,
        triggers=triggers,
        standard=standard.id,
        period="2024-05",
        start=_dt.date(2024, 5, 1),
    )


def findings(
    standard: AssessmentStandard | None = None, max_units: int = 6
) -> st.SearchStrategy[Findings]:
    """Findings a standard scores without error (default: of a drawn :func:`standards`):
    1–``max_units`` units (some in a group, some with no data), findings of every stage
    and finder or outcome the standard prices (× counts, case sources, assessment
    sources), one KPI record (:func:`kpi_counts`) or tally per unit and rate — some
    units without, an edge of no data —, marks within each given item's range,
    triggers priced or not.

    >>> from hypothesis import given, settings
    >>> from urbangov.scoring import score
    >>> std = AssessmentStandard.bundled("digital_city_management")
    >>> @settings(max_examples=5)
    ... @given(findings(std))
    ... def test_every_unit_has_a_sheet(found):
    ...     assert set(score(found, std)) == {u.code for u in found.units}
    >>> test_every_unit_has_a_sheet()
    """
    if standard is not None:
        return _findings_for(standard, max_units)
    return standards().flatmap(lambda drawn: _findings_for(drawn, max_units))
