"""A year's street assessment with bonds: the sample district's seven streets scored
every month of 2024 by the bundled 数字城管 standard, the annual composite, grades,
the ranking, and the bond settlement of 《城市管理协管员考核办法》篇5 §五(二).

The year is simulated (``sim.run`` on ``SyntheticCity.sample()``, seed 2024, the whole
of 2024 in one run: about a second). Each month's findings come from that month's cases:

- the KPI counts of each street (``kpi.counts_from_columns``), all cases and urgent ones;
- a tally per street and working day of the cases dispatched that day and handled the
  same day (当日处置);
- the reworked cases (返工: failed verification once, or three times or more) whose
  handling deadline fell in the month;
- the accountability triggers of the month's KPIs (``escalation.triggers``).

Then ``scoring.score`` per month, ``scoring.annual`` (the mean, with the policy's
rounding), ``scoring.grade`` with the policy's cut-offs, ``scoring.rank`` with its tie
rule and precision, and ``scoring.settle_bonds`` with ``assessment.street_bonds``.

Run it from anywhere: ``python examples/street_assessment/report.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
from rich import box
from rich.console import Console
from rich.table import Table

from urbangov import Policy, escalation, kpi, scoring, sim
from urbangov.cases import CaseColumns, EventKind
from urbangov.hierarchy import Hierarchy
from urbangov.kpi import KpiTable
from urbangov.scoring import AssessmentRules, AssessmentStandard, Findings, ScoreSheet
from urbangov.vocabulary import Level, Urgency

YEAR = 2024
SEED = 2024
MONTHS = [dt.date(YEAR, m, 1) for m in range(1, 13)]


def new_table(title: str) -> Table:
    """A table without side edges, one space between columns (80 columns hold it)."""
    return Table(
        title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )


def yuan(amount: Decimal) -> str:
    return f"{amount:,.0f}"


# ------------------------------------------------------------------ findings from cases


def _local_days(instants: npt.NDArray[np.datetime64], tz: str) -> npt.NDArray[np.datetime64]:
    """Local calendar days of UTC instants (NaT stays NaT)."""
    offset = dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo(tz)).utcoffset()
    assert offset is not None  # Asia/Shanghai keeps +08:00 all year
    shifted = instants + np.timedelta64(int(offset.total_seconds()), "s")
    return shifted.astype("datetime64[D]")


def same_day_tallies(
    columns: CaseColumns, street_of: npt.NDArray[np.int64], streets: list[str], tz: str
) -> dict[tuple[str, dt.date], list[dict[str, object]]]:
    """Per street and month, one tally per day: cases dispatched that day, and how many
    of them were handled (处置反馈) the same day."""
    first_handle = np.full(columns.n_cases, np.datetime64("NaT"), dtype="datetime64[ns]")
    handles = columns.kind == EventKind.HANDLE.code
    order = np.argsort(columns.at[handles], kind="stable")[::-1]  # latest first, so the
    first_handle[columns.case[handles][order]] = columns.at[handles][order]  # earliest wins
    dispatched = _local_days(columns.derived().dispatched_at, tz)
    handled = _local_days(first_handle, tz)
    out: dict[tuple[str, dt.date], list[dict[str, object]]] = {}
    seen = ~np.isnat(dispatched) & (street_of >= 0)
    keys = np.stack([street_of[seen], dispatched[seen].astype(np.int64)], axis=1)
    same = (handled[seen] == dispatched[seen]).astype(np.int64)
    found, where = np.unique(keys, axis=0, return_inverse=True)
    totals = np.bincount(where.ravel(), minlength=len(found))
    done = np.bincount(where.ravel(), weights=same, minlength=len(found)).astype(np.int64)
    for (s, day), n, k in zip(found, totals, done, strict=True):
        d = (np.datetime64(int(day), "D")).astype(dt.date)
        out.setdefault((streets[s], d.replace(day=1)), []).append(
            {
                "unit": streets[s],
                "name": "handled_same_day",
                "count": int(k),
                "of": int(n),
                "period": d.isoformat(),
            }
        )
    return out


def rework_findings(
    columns: CaseColumns,
    due: npt.NDArray[np.datetime64],
    street_of: npt.NDArray[np.int64],
    streets: list[str],
    tz: str,
) -> dict[tuple[str, dt.date], list[dict[str, object]]]:
    """Per street and month (of the handling deadline), the reworked cases: sent back
    after failing verification (每件扣0.2分), or failing it three times or more (0.5)."""
    rework = columns.derived().rework_count
    month = _local_days(due, tz).astype("datetime64[M]")
    out: dict[tuple[str, dt.date], list[dict[str, object]]] = {}
    for outcome, chosen in (("sent_back", (rework >= 1) & (rework < 3)),
                            ("failed_three_times", rework >= 3)):  # fmt: skip
        mask = chosen & ~np.isnat(month) & (street_of >= 0)
        keys = np.stack([street_of[mask], month[mask].astype(np.int64)], axis=1)
        if not len(keys):
            continue
        found, counts = np.unique(keys, axis=0, return_counts=True)
        for (s, m), n in zip(found, counts, strict=True):
            first = np.datetime64(int(m), "M").astype("datetime64[D]").astype(dt.date)
            out.setdefault((streets[s], first), []).append(
                {"unit": streets[s], "item": "rework", "outcome": outcome, "count": int(n)}
            )
    return out


def street_index(columns: CaseColumns, h: Hierarchy, streets: list[str]) -> npt.NDArray[np.int64]:
    """Per case, the position of its street in ``streets`` (-1: none)."""
    where = {code: i for i, code in enumerate(streets)}
    of_grid = np.array(
        [where.get(h.territory_of(g, Level.STREET).code, -1) for g in columns.grids], dtype=np.int64
    )
    return np.asarray(of_grid[columns.grid], dtype=np.int64)


def monthly_findings(
    result: sim.SimResult, policy: Policy, h: Hierarchy, names: Mapping[str, str]
) -> dict[dt.date, tuple[Findings, list[escalation.Trigger]]]:
    """Each month's findings and triggers, from the simulated year's cases."""
    columns, tz = result.cases, policy.calendar.tz
    streets = list(names)
    street_of = street_index(columns, h, streets)
    table: KpiTable = result.kpi("street")
    urgent = kpi.counts_from_columns(
        columns, by=["street", "urgency"], period="month", due=result.due, hierarchy=h, tz=tz
    )
    tallies = same_day_tallies(columns, street_of, streets, tz)
    reworked = rework_findings(columns, result.due, street_of, streets, tz)
    out: dict[dt.date, tuple[Findings, list[escalation.Trigger]]] = {}
    for first in MONTHS:
        found = Findings(
            units=[{"code": c, "name": n, "group": "街道"} for c, n in names.items()],
            kpis=[{"unit": c, "counts": table.get((c, first)).as_dict()} for c in streets]
            + [{"unit": c, "subset": "urgent",
                "counts": urgent.get((c, Urgency.URGENT, first)).as_dict()} for c in streets],
            tallies=[t for c in streets for t in tallies.get((c, first), [])],
            findings=[f for c in streets for f in reworked.get((c, first), [])],
            period=first.strftime("%Y-%m"),
        )  # fmt: skip
        month = kpi.counts_from_columns(
            columns,
            by="street",
            due=result.due,
            hierarchy=h,
            start=dt.datetime.combine(first, dt.time(), ZoneInfo(tz)),
            end=dt.datetime.combine(MONTHS[first.month] if first.month < 12 else
                                    dt.date(YEAR + 1, 1, 1), dt.time(), ZoneInfo(tz)),
        )  # fmt: skip
        out[first] = (found, escalation.triggers(month, policy, on=first))
    return out


# ------------------------------------------------------------------ the report


def main() -> None:
    policy = Policy.default()
    city = sim.sample_city()
    h = city.hierarchy
    names = {u.code: u.name for u in h.at_level(Level.STREET)}
    start = dt.datetime(YEAR, 1, 1, tzinfo=ZoneInfo(policy.calendar.tz))
    year = sim.run(sim.SyntheticCity.sample(), policy, start=start, days=366, seed=SEED)
    standard = AssessmentStandard.bundled("digital_city_management")
    rules = AssessmentRules.of(policy)
    on = dt.date(YEAR, 1, 1)

    sheets: dict[str, Mapping[str, ScoreSheet]] = {}
    for first, (found, triggers) in monthly_findings(year, policy, h, names).items():
        sheets[first.strftime("%Y-%m")] = scoring.score(found, standard, triggers=triggers)
    annual = scoring.annual(sheets, missing="skip", rounding=rules.value("rounding", on))
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
        "steps": [{"at_least": 88, "grade": "excellent"}, {"at_least": 86, "grade": "standard"}],
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
