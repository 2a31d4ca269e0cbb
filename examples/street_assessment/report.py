"""A year's street assessment with bonds: the sample district's seven streets scored
every month of 2024 by the bundled 数字城管 standard, the annual composite, grades,
the ranking, and the bond settlement of 《城市管理协管员考核办法》篇5 §五(二).

The year is simulated (``sim.run`` on ``SyntheticCity.sample()``, seed 2024, the whole
of 2024 in one run: a few seconds). Each month's findings are what the run's own
assessment read (``result.scores.findings``, built by ``sim.assessment_findings`` from
that month's cases — the content a city's ``kind = "findings"`` file holds):

- the KPI counts of each street, all cases and the subsets the standard reads (urgent);
- a tally per street and working day of the cases first dispatched that day and first
  handled the same day (当日处置);
- the cases that failed verification (返工: sent back in the month of the first
  failure, failed three times in the month of the third);
- the accountability triggers of the month (``escalation.triggers``).

Then ``scoring.score`` per month (the same sheets the run holds), ``scoring.annual``
(the mean, with the policy's rounding), ``scoring.grade`` with the policy's cut-offs,
``scoring.rank`` with its tie rule and precision, and ``scoring.settle_bonds`` with
``assessment.street_bonds`` and a city winner, which the simulation does not choose.

Run it from anywhere: ``python examples/street_assessment/report.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console
from rich.table import Table

from urbangov import Policy, scoring, sim
from urbangov.scoring import AssessmentRules, AssessmentStandard, ScoreSheet
from urbangov.vocabulary import Level

YEAR = 2024
SEED = 2024


def new_table(title: str) -> Table:
    """A table without side edges, one space between columns (80 columns hold it)."""
    return Table(
        title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )


def yuan(amount: Decimal) -> str:
    return f"{amount:,.0f}"


# ------------------------------------------------------------------ the report


def main() -> None:
    policy = Policy.default()
    city = sim.SyntheticCity.sample()
    h = city.city.hierarchy
    names = {u.code: u.name for u in h.at_level(Level.STREET)}
    start = dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo(policy.calendar.tz))
    year = sim.run(city, policy, start=start, days=366, seed=SEED)
    assert year.scores is not None  # the built-in assessment ran (sim.Hooks())
    rules = AssessmentRules.of(policy)
    on = dt.date(YEAR, 1, 1)
    standard = AssessmentStandard.bundled(rules.value("standard", on))

    # Each month's findings: what the run's own assessment read (sim.assessment_findings),
    # the content a city's findings file would hold. Scored here for the streets.
    sheets: dict[str, Mapping[str, ScoreSheet]] = {}
    for month, found in year.scores.findings.items():
        scored = scoring.score(found, standard, rules=policy, on=month)
        assert scored == year.scores.sheets[month]  # the run scored the same
        sheets[month.strftime("%Y-%m")] = {c: scored[c] for c in names}
    annual = scoring.annual(sheets, missing="skip", rounding=rules.value("rounding", on))
    assert all(annual[c] == year.scores.annual[c] for c in names)
    cutoffs = rules.value("grades", on)
    grades = {c: scoring.grade(annual[c], cutoffs, group="街道") for c in names}
    tie, precision = rules.value("tie", on), rules.value("ranking_precision", on)
    ranking = scoring.rank(annual, tie=tie, precision=precision)

    out = Console(width=80, highlight=False, color_system=None)
    out.print(f"Street assessment {YEAR} ({standard.id}): {year.cases.n_cases:,} simulated "
              "cases")  # fmt: skip
    out.print()
    monthly = new_table("Monthly scores (月度考核得分)")
    monthly.add_column("month", no_wrap=True)
    for code in names:
        monthly.add_column(names[code].removesuffix("街道"), justify="right", no_wrap=True)
    for label, scores in sheets.items():
        monthly.add_row(label, *(str(scores[c].total) for c in names))
    out.print(monthly)
    out.print()

    ranked = new_table(f"{YEAR}: annual score and grade (年度考核)")
    for header, justify in (("rank", "right"), ("street", "left"), ("annual", "right"),
                            ("grade", "left")):  # fmt: skip
        ranked.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in ranking.entries:
        g = grades[entry.unit]
        ranked.add_row(str(entry.rank), names[entry.unit], str(annual[entry.unit].value),
                       "" if g is None else f"{g.value} {g.chinese}")  # fmt: skip
    out.print(ranked)
    flag = scoring.red_flag(annual, tie, precision=precision)
    out.print("Red flag of the year (流动红旗): " + "、".join(names[c] for c in flag))
    out.print(f"Annual: the mean of 12 months; cut-offs {cutoff_text(cutoffs['default'])}")
    out.print()

    winners = list(flag[:1])  # synthetic: the city names the year's first a winner
    ledger = settle(grades, rules, winners)
    out.print(ledger_table(ledger, f"{YEAR} bond ledger, yuan (保证金台账)", names))
    out.print(f"City winner (synthetic): {'、'.join(names[c] for c in winners)}; balanced: "
              f"{ledger.balanced}; net cost {yuan(ledger.net_cost)} yuan")  # fmt: skip
    out.print()

    # What if the city graded strictly? A reform of the cut-offs, the same scores.
    strict = policy.reform({"assessment.grades.default": {
        "steps": [{"at_least": 89, "grade": "excellent"}, {"at_least": 87, "grade": "standard"}],
        "below": "substandard"}})  # fmt: skip
    strict_rules = AssessmentRules.of(strict)
    strict_cutoffs = strict_rules.value("grades", on)
    regraded = {c: scoring.grade(annual[c], strict_cutoffs, group="街道") for c in names}
    what_if = settle(regraded, strict_rules, winners)
    by_grade: dict[str, list[str]] = {}
    for code, g in regraded.items():
        if g is not None:
            by_grade.setdefault(g.chinese, []).append(names[code])
    out.print(f"What if the cut-offs were {cutoff_text(strict_cutoffs['default'])}:")
    for shown in ("优秀", "达标", "不达标"):
        out.print(f"  {shown}: {'、'.join(by_grade.get(shown, [])) or 'none'}")
    forfeited = what_if.total().forfeited
    out.print(f"  forfeited {yuan(forfeited)} yuan; net cost {yuan(what_if.net_cost)} yuan "
              f"(was {yuan(ledger.net_cost)})")  # fmt: skip


def cutoff_text(cutoffs: scoring.Cutoffs) -> str:
    """``优秀 ≥ 90, 达标 ≥ 80, else 不达标``."""
    steps = ", ".join(f"{c.grade.chinese} ≥ {c.at_least}" for c in cutoffs.steps)
    return f"{steps}, else {cutoffs.below.chinese}"


def settle(
    grades: Mapping[str, scoring.Grade | None], rules: AssessmentRules, winners: list[str]
) -> scoring.BondLedger:
    """The year's street bonds under the policy's scheme."""
    scheme = rules.street_bonds
    settled = {c: g for c, g in grades.items() if g is not None and c in scheme.units}
    return scoring.settle_bonds(settled, scheme, winners=winners)


def ledger_table(ledger: scoring.BondLedger, title: str, names: Mapping[str, str]) -> Table:
    """One line per street: its unit bond, and the money of the unit bond and the three
    personal bonds together (paid in = refunded + forfeited)."""
    table = new_table(title)
    for header in ("street", "grade", "unit bond", "paid in", "refunded", "reward", "award",
                   "forfeited"):  # fmt: skip
        table.add_column(header, justify="left" if header in ("street", "grade") else "right",
                         no_wrap=True)  # fmt: skip
    for code in names:
        unit = ledger.row(code)
        rows = [r for r in ledger.rows if r.unit == code]

        def total(field: str, rows: list[scoring.LedgerRow] = rows) -> str:
            return yuan(sum((getattr(r, field) for r in rows), Decimal(0)))

        grade = "" if unit.grade is None else unit.grade.chinese
        money = [total(f) for f in ("paid_in", "refunded", "reward", "award", "forfeited")]
        table.add_row(names[code], grade, yuan(unit.paid_in), *money)
    whole = ledger.total()
    table.add_section()
    table.add_row("total 合计", "", "", yuan(whole.paid_in), yuan(whole.refunded),
                  yuan(whole.reward), yuan(whole.award), yuan(whole.forfeited))  # fmt: skip
    return table


if __name__ == "__main__":
    main()
