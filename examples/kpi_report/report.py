"""The month's KPI report of a district: counts and rates by street, then the ranking by
on-time rate (按期结案率) and the mobile red flag (流动红旗).

The log is ``cases_2024_05.csv`` beside this script (May 2024 in the sample district;
``scripts/make_kpi_report_example.py`` writes it); a city passes its own export. Due
times come from the policy's limit table and working calendar, counts from
``kpi.counts_from_columns``, the ranking from ``scoring.rank`` and ``scoring.red_flag``
with the policy's tie rule and precision. Printed for an 80-column terminal.

Run it from anywhere: ``python examples/kpi_report/report.py [LOG]``.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

from rich import box
from rich.console import Console
from rich.table import Table

from urbangov import Policy, io, kpi, scoring
from urbangov.kpi import KpiCounts
from urbangov.scoring import AssessmentRules
from urbangov.sim import sample_city
from urbangov.vocabulary import Level

HERE = Path(__file__).resolve().parent
MONTH = dt.date(2024, 5, 1)


def new_table(title: str) -> Table:
    """A table without side edges, one space between columns (80 columns hold it)."""
    return Table(
        title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )


def pct(rate: Fraction | None) -> str:
    """A rate in percent, rounded half-up to 2 places (``—`` when undefined)."""
    shown = kpi.percent(rate)
    return "—" if shown is None else str(shown)


def kpi_table(rows: dict[str, KpiCounts], total: KpiCounts, names: dict[str, str]) -> Table:
    """Counts and rates by street, then the district's total."""
    table = new_table("KPIs by street (考核指标)")
    table.add_column("street", no_wrap=True, min_width=10)
    for header in ("received", "due", "closed", "on time", "closure%", "on-time%", "rework%"):
        table.add_column(header, justify="right", no_wrap=True, min_width=len(header))

    def cells(c: KpiCounts) -> list[str]:
        rates = (kpi.closure_rate(c), kpi.on_time_rate(c), kpi.rework_rate(c))
        counts = (c.received, c.due, c.closed, c.closed_on_time)
        return [f"{n:,}" for n in counts] + [pct(r) for r in rates]

    for code, counts in rows.items():
        table.add_row(names[code], *cells(counts))
    table.add_section()
    table.add_row("total 合计", *cells(total))
    return table


def main(log: Path) -> None:
    policy = Policy.default()
    city = sample_city()
    streets = {u.code: u.name for u in city.hierarchy.at_level(Level.STREET)}
    columns = io.read_columns(log)
    table = kpi.counts_from_columns(
        columns, by="street", period="month", deadlines=policy, hierarchy=city.hierarchy
    )
    rows = {code: table.get((code, MONTH)) for code in streets}
    start = dt.datetime.combine(MONTH, dt.time(), ZoneInfo(policy.calendar.tz))
    total = kpi.counts_from_columns(
        columns, deadlines=policy, start=start, end=start.replace(month=MONTH.month + 1)
    ).get(())

    out = Console(width=80, highlight=False, color_system=None)
    out.print(f"KPI report, May 2024 — {log.name} ({columns.n_cases:,} cases)")
    out.print()
    out.print(kpi_table(rows, total, streets))
    out.print(f"District on-time rate (按期结案率): {total.closed_on_time:,} of {total.due:,} "
              f"due = {pct(kpi.on_time_rate(total))}%")  # fmt: skip
    out.print(f"Overdue (超期): {total.overdue:,} cases; closure rate (结案率) "
              f"{pct(kpi.closure_rate(total))}%")  # fmt: skip

    # The ranking: exact on-time rates in percent, compared at the policy's precision
    # and ordered by its tie rule (default: equal rates share a rank and the flag).
    rules = AssessmentRules.of(policy)
    tie, precision = rules.value("tie", MONTH), rules.value("ranking_precision", MONTH)
    rates = {code: kpi.on_time_rate(c) for code, c in rows.items()}
    scores = {code: None if r is None else r * 100 for code, r in rates.items()}
    ranking = scoring.rank(scores, tie=tie, precision=precision)
    ranked = new_table("Ranking by on-time rate (排名)")
    for header, justify in (("rank", "right"), ("street", "left"), ("on-time %", "right"),
                            ("on time", "right"), ("due", "right")):  # fmt: skip
        ranked.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    for entry in ranking.entries:
        c = rows[entry.unit]
        shown = "—" if entry.rank is None else str(entry.rank)
        ranked.add_row(shown, streets[entry.unit], pct(rates[entry.unit]),
                       f"{c.closed_on_time:,}", f"{c.due:,}")  # fmt: skip
    out.print()
    out.print(ranked)
    out.print()
    holders = scoring.red_flag(scores, tie, precision=precision)
    names = "、".join(streets[u] for u in holders) or "nobody (tied, withheld)"
    best = rates[holders[0]] if holders else None
    out.print(f"Red flag (流动红旗): {names}, on-time rate {pct(best)}%")
    last = [e for e in ranking.entries if e.rank == max(x.rank or 0 for x in ranking.entries)]
    out.print(
        "Last: "
        + "、".join(f"{streets[e.unit]} {pct(rates[e.unit])}%" for e in last)
        + f" (precision {Decimal(precision).normalize()} percentage points; ties: "
        + ("share" if not tie.then else "then " + ", ".join(tie.then))
        + ")"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "cases_2024_05.csv")
