"""What each month's assessment of a simulated run reads: :func:`assessment_findings`
(private; :mod:`urbangov.sim` re-exports it). Nothing but counts of the simulated
cases and the escalations' triggers, as ``scoring.Findings`` of the policy's standard.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from urbangov import kpi
from urbangov.cases import CaseColumns, EventKind
from urbangov.errors import SimulationError
from urbangov.escalation import Trigger
from urbangov.frozen import FrozenMap
from urbangov.org import City, DepartmentKind
from urbangov.scoring import (
    AssessedUnit,
    AssessmentRules,
    AssessmentStandard,
    Findings,
    Given,
    PerCase,
)
from urbangov.sim._escalations import (
    Escalations,
    city_of,
    departments_of,
    months_of,
    streets_of,
)
from urbangov.vocabulary import Level, Source, Urgency

if TYPE_CHECKING:
    from urbangov.sim._result import SimResult
    from urbangov.sim._synthetic import SyntheticCity

__all__ = [
    "DEPARTMENTS",
    "STREETS",
    "TALLIES",
    "assessment_findings",
    "findings_of",
    "label",
    "local_ordinals",
]

I64 = npt.NDArray[np.int64]
NAT = np.iinfo(np.int64).min
STREETS = "街道"
DEPARTMENTS = "部门"
#: The tallies a simulated run counts.
TALLIES = ("handled_same_day",)
_SENT_BACK = ("sent_back", "failed_three_times")  # per-case outcomes of failed verification
_SUBSETS = ("all", *(u.value for u in Urgency), *(s.value for s in Source))


def label(month: _dt.date) -> str:
    """A month's label (``"2024-05"``)."""
    return f"{month:%Y-%m}"


def _needs(standard: AssessmentStandard) -> tuple[set[str], set[str], list[tuple[str, PerCase]]]:
    """The KPI subsets and tallies the standard's rules read, and its per-case rules
    that price failed verifications (leaf path, rule)."""
    subsets: set[str] = set()
    tallies: set[str] = set()
    sent_back: list[tuple[str, PerCase]] = []
    for leaf, rule in standard.rules():
        where = f"the standard {standard.id!r}: its item {leaf.path!r}"
        if isinstance(rule, Given):
            raise SimulationError(
                f"{where} takes given marks, which a simulation does not produce",
                field="assessment.standard",
                hint="simulate under a standard scored from case data "
                "(e.g. digital_city_management)",
            )
        if getattr(rule, "rate", None) is not None:
            subset = str(getattr(rule, "subset", "all"))
            if subset not in _SUBSETS:
                raise SimulationError(
                    f"{where} reads KPI counts of the cases {subset!r}, which a simulation "
                    "does not count",
                    field="assessment.standard",
                    hint="a simulation counts the subsets " + ", ".join(_SUBSETS),
                )
            subsets.add(subset)
        elif getattr(rule, "tally", None) is not None:
            name = str(getattr(rule, "tally"))  # noqa: B009
            if name not in TALLIES:
                raise SimulationError(
                    f"{where} reads the tally {name!r}, which a simulation does not count",
                    field="assessment.standard",
                    hint="a simulation counts the tallies " + ", ".join(TALLIES),
                )
            tallies.add(name)
        elif isinstance(rule, PerCase) and any(o in rule.outcomes for o in _SENT_BACK):
            sent_back.append((leaf.path, rule))
    sent_back.sort(key=lambda pr: not pr[1].sources)  # items listing sources first
    return subsets, tallies, sent_back


def _units(result: SimResult, city: City) -> tuple[AssessedUnit, ...]:
    """The streets (group 街道) and the departments that received cases (group 部门),
    street offices (街道办事处) excepted: the street answers for its office."""
    streets = [
        AssessedUnit(code=s.code, name=s.name, kind="street", group=STREETS)
        for s in city.hierarchy.at_level(Level.STREET)
    ]
    offices = _offices(city)
    names = {d.code: d.name for d in city.organisation.departments}
    departments = [
        AssessedUnit(code=d, name=names.get(d, d), kind="department", group=DEPARTMENTS)
        for d in sorted(result.servers)
        if d not in offices
    ]
    return (*streets, *departments)


def _offices(city: City) -> dict[str, str]:
    """Street offices (街道办事处) → the street they administer."""
    return {
        d.code: d.unit
        for d in city.organisation.departments
        if d.kind is DepartmentKind.STREET_OFFICE and d.unit is not None
    }


class _Cases:
    """Per case what the findings read: its street and department codes (into the unit
    list), and the month of each instant."""

    def __init__(
        self,
        result: SimResult,
        city: City,
        units: tuple[AssessedUnit, ...],
        times: kpi.CaseTimes | None,
    ) -> None:
        cols = result.cases
        self.cols = cols
        index = {u.code: i for i, u in enumerate(units)}
        codes, streets = streets_of(cols, city.hierarchy)
        remap = np.array([index.get(code, -1) for code in streets] + [-1], dtype=np.int64)
        self.street = remap[np.where(codes >= 0, codes, len(streets))]
        if times is None:
            dep_codes, dep_labels = departments_of(cols), cols.departments
        else:
            dep_codes, dep_labels = times.groups["department"]
        remap = np.array([index.get(d, -1) for d in dep_labels] + [-1], dtype=np.int64)
        self.department = remap[np.where(dep_codes >= 0, dep_codes, len(dep_labels))]
        if times is None:
            self.dispatched = self.first(EventKind.DISPATCH)
        else:
            self.dispatched = times.dispatched_at.view(np.int64)
        self.tz = ZoneInfo(result.policy.work_calendar().tz)
        self.months = months_of(result.start, result.end, self.tz)
        edges = [result.start] + [
            _dt.datetime(m.year, m.month, 1, tzinfo=self.tz) for m in self.months[1:]
        ]
        self.bounds = np.array([int(e.timestamp()) * 10**9 for e in edges], dtype=np.int64)

    def month(self, ns: I64) -> I64:
        found: I64 = np.searchsorted(self.bounds, ns, side="right").astype(np.int64) - 1
        return np.clip(found, 0, self.bounds.size - 1)

    def first(self, kind: EventKind) -> I64:
        """Per case the instant (ns) of its first event of ``kind`` (NaT: none)."""
        cols = self.cols
        out = np.full(cols.n_cases, NAT, dtype=np.int64)
        rows = np.flatnonzero(cols.kind == kind.code)
        if rows.size:
            cs = cols.case[rows]
            keep = np.ones(rows.size, dtype=np.bool_)
            keep[1:] = cs[1:] != cs[:-1]
            out[cs[keep]] = cols.at.view(np.int64)[rows[keep]]
        return out

    def days(self, ns: I64) -> I64:
        """The local dates of instants (not NaT) as proleptic ordinals."""
        return local_ordinals(ns, self.tz)


#: Every UTC offset and every change of offset since 1970 falls on a quarter-hour.
_QUARTER_HOUR_NS = 900 * 10**9


def local_ordinals(ns: I64, tz: _dt.tzinfo) -> I64:
    """The local dates in ``tz`` of UTC instants in nanoseconds (not NaT) as proleptic
    ordinals: one Python conversion per distinct quarter-hour, so offsets such as
    +05:30 or +05:45 and their changes fall right.

    Examples
    --------
    >>> import datetime
    >>> import numpy as np
    >>> from zoneinfo import ZoneInfo
    >>> at = np.array(["2024-05-01T18:29", "2024-05-01T18:31"], dtype="datetime64[ns]")
    >>> [datetime.date.fromordinal(d).isoformat()
    ...  for d in local_ordinals(at.view(np.int64), ZoneInfo("Asia/Kolkata"))]
    ['2024-05-01', '2024-05-02']
    """
    if not ns.size:
        return np.zeros(0, dtype=np.int64)
    quarter = ns // _QUARTER_HOUR_NS
    uniq, inverse = _distinct(quarter)
    epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
    step = _dt.timedelta(seconds=900)
    days = [(epoch + int(q) * step).astimezone(tz).date().toordinal() for q in uniq.tolist()]
    found: I64 = np.array(days, dtype=np.int64)[inverse]
    return found


def _distinct(values: I64) -> tuple[I64, npt.NDArray[np.intp]]:
    """``np.unique(values, return_inverse=True)`` of integers (not empty): without a sort
    when they span a range not much larger than their number (hours, days of a run)."""
    lo, hi = int(values.min()), int(values.max())
    if hi - lo > max(4 * values.size, 1 << 20):
        uniq, inverse = np.unique(values, return_inverse=True)
        return uniq, inverse.reshape(-1)
    offset = values - lo
    present = np.bincount(offset, minlength=hi - lo + 1) > 0
    rank = np.cumsum(present) - 1  # an offset's position among those present
    found: I64 = np.flatnonzero(present) + lo
    return found, rank[offset]


def assessment_findings(
    result: SimResult, city: SyntheticCity | City
) -> FrozenMap[_dt.date, Findings]:
    """What each month's assessment of a run reads, as :class:`~urbangov.scoring.Findings`
    of the policy's standard (``assessment.standard``) — nothing but counts of the
    simulated cases and the escalations' triggers:

    - ``units``: every street (group 街道) and every department that received cases
      (group 部门) but the streets' offices (街道办事处: the street answers for its
      office, whose cases its KPI counts include);
    - ``kpis``: each unit's KPI counts of the month (the result's tables by street and
      by department; the subsets the standard reads — ``urgent``, a source… — counted
      by ``kpi.counts_from_columns`` the same way);
    - ``tallies``: ``handled_same_day`` — per unit and working day of the policy's
      calendar, of the cases first dispatched that day, those first handled the same
      day;
    - ``findings``: a case failing verification (返工) is reported ``sent_back`` in the
      month of its first failure, and ``failed_three_times`` in the month of its third,
      under the first item whose per-case rule prices the outcome and takes its source
      (items listing sources first), for its street and its department: one finding per
      unit, item, outcome and case source, its ``count`` the cases;
    - ``triggers``: the month's triggers (``result.escalations.triggers``) of assessed
      units, as recorded triggers (unit, measure, rule); a street office's triggers
      from its cases count against its street, those from its KPI row not at all (the
      street's own row is judged).

    Raises
    ------
    SimulationError
        If the standard reads something a simulation does not produce (given marks, a
        KPI subset or a tally it does not count).

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from urbangov.policy import Policy
    >>> from urbangov.sim import SyntheticCity, run
    >>> city = SyntheticCity.generate(grids=60, streets=2, seed=3)
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> result = run(city, Policy.default(), start=start, days=14, seed=1)
    >>> may = assessment_findings(result, city)[datetime.date(2024, 5, 1)]
    >>> may.standard, sorted({row.subset for row in may.kpis}), may.tallies[0].name
    ('digital_city_management', ['all', 'urgent'], 'handled_same_day')
    """
    return findings_of(result, city, None)


def findings_of(
    result: SimResult, city: SyntheticCity | City, times: kpi.CaseTimes | None
) -> FrozenMap[_dt.date, Findings]:
    """:func:`assessment_findings`, reading each case's instants and groups from
    ``times`` (``kpi.CaseTimes.from_columns(result.cases)``, which ``sim.run`` has from
    its KPI tables) when given, instead of building them."""
    c = city_of(city)
    policy = result.policy
    rules = AssessmentRules.of(policy)
    units = _units(result, c)
    offices = _offices(c)
    cases = _Cases(result, c, units, times)
    esc = result.escalations
    if esc is not None and not isinstance(esc, Escalations):
        raise SimulationError(
            f"the result's escalations are a {type(esc).__name__}, not sim.Escalations",
            field="escalations",
            hint="score with the built-in escalations, or pass your own scoring hook too",
        )
    out: dict[_dt.date, Findings] = {}
    months = cases.months
    start_day = result.start.astimezone(cases.tz).date()
    standards = {
        m: AssessmentStandard.bundled(rules.value("standard", max(m, start_day))) for m in months
    }
    needs = {s.id: _needs(s) for s in standards.values()}
    tables = _subset_tables(result, c, set().union(*(n[0] for n in needs.values())), times)
    tallies = _tallies(result, cases, units) if any(n[1] for n in needs.values()) else {}
    for i, m in enumerate(months):
        std = standards[m]
        subsets, wanted, sent_back = needs[std.id]
        triggers = () if esc is None else esc.triggers.get(m, ())
        out[m] = Findings(
            units=units,
            kpis=_kpi_rows(tables, subsets, units, m),
            tallies=[t for t in tallies.get(i, []) if t["name"] in wanted],
            findings=_sent_back(cases, units, sent_back, i, std),
            triggers=_trigger_rows(triggers, units, offices),
            period=label(m),
            start=max(m, start_day),
            standard=std.id,
        )
    return FrozenMap(out)


def _subset_tables(
    result: SimResult, city: City, subsets: set[str], times: kpi.CaseTimes | None
) -> dict[str, Any]:
    """KPI tables by (unit kind, subset group) for the subsets wanted (counted from
    ``times`` when given)."""
    tables: dict[str, Any] = {}
    if "all" in subsets:
        tables["all"] = {g: result.kpi(g) for g in ("street", "department") if g in result.kpis}
    extra = subsets - {"all"}
    if not extra:
        return tables
    common: dict[str, Any] = {
        "period": "month",
        "start": result.start,
        "end": result.end,
        "due": result.due,
        "rules": result.policy,
        "hierarchy": city.hierarchy,
        "tz": result.policy.work_calendar().tz,
    }
    wanted: dict[str, Any] = {}  # "urgency.street" → (Level.STREET, "urgency")…
    for by in ("urgency", "source"):
        values = {x.value for x in (Urgency if by == "urgency" else Source)}
        if not extra & values:
            continue
        if city.hierarchy.at_level(Level.STREET):
            wanted[f"{by}.street"] = (Level.STREET, by)
        wanted[f"{by}.department"] = ("department", by)
    # every table at once, each case's instants judged once
    if times is None:
        times = kpi.CaseTimes.from_columns(result.cases)
    counted = kpi.tables_from_columns(times, wanted, **common)
    for name, table in counted.items():
        by, group = name.split(".")
        tables.setdefault(by, {})[group] = table
    return tables


def _kpi_rows(
    tables: Mapping[str, Any],
    subsets: set[str],
    units: tuple[AssessedUnit, ...],
    month: _dt.date,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    period = label(month)
    for unit in units:
        group = "street" if unit.group == STREETS else "department"
        for subset in sorted(subsets, key=_SUBSETS.index):
            if subset == "all":
                table = tables["all"].get(group)
                key: tuple[Any, ...] = (unit.code, month)
            else:
                by = "urgency" if subset in {u.value for u in Urgency} else "source"
                table = tables[by].get(group)
                member = Urgency(subset) if by == "urgency" else Source(subset)
                key = (unit.code, member, month)
            if table is None:
                continue
            rows.append(
                {"unit": unit.code, "subset": subset, "counts": table.get(key), "period": period}
            )
    return rows


def _tallies(
    result: SimResult, cases: _Cases, units: tuple[AssessedUnit, ...]
) -> dict[int, list[dict[str, Any]]]:
    """``handled_same_day`` per month index: one row per unit and working day."""
    cal = result.policy.work_calendar()
    rows = np.flatnonzero(cases.dispatched != NAT)
    if not rows.size:
        return {}
    dispatched = cases.dispatched[rows]
    handled = cases.first(EventKind.HANDLE)[rows]
    day = cases.days(dispatched)
    done = handled != NAT
    hday = np.full(rows.size, -1, dtype=np.int64)
    hday[done] = cases.days(handled[done])
    same = hday == day
    month = cases.month(dispatched)
    ordinals, day_rank = _distinct(day)
    work = np.array(
        [cal.is_workday(_dt.date.fromordinal(d)) for d in ordinals.tolist()], dtype=np.bool_
    )
    on_workday = work[day_rank]
    n_units = len(units)
    out: dict[int, list[dict[str, Any]]] = {}
    # one key per (month, unit, day), in that order; a case counts for its street and
    # for its department
    flats, sames = [], []
    span = ordinals.size  # days by their rank among the days of dispatch
    for codes in (cases.street[rows], cases.department[rows]):
        keep = (codes >= 0) & on_workday
        flats.append((month[keep] * n_units + codes[keep]) * span + day_rank[keep])
        sames.append(same[keep])
    flat = np.concatenate(flats)
    if not flat.size:
        return {}
    uniq, inverse = _distinct(flat)
    of = np.bincount(inverse, minlength=uniq.size)
    count = np.bincount(inverse[np.concatenate(sames)], minlength=uniq.size)
    days, rest = ordinals[uniq % span], uniq // span
    for mi, u, d, o, c in zip(
        (rest // n_units).tolist(),
        (rest % n_units).tolist(),
        days.tolist(),
        of.tolist(),
        count.tolist(),
        strict=True,
    ):
        out.setdefault(mi, []).append(
            {
                "unit": units[u].code,
                "name": "handled_same_day",
                "count": c,
                "of": o,
                "period": _dt.date.fromordinal(d).isoformat(),
            }
        )
    return out


def _sent_back(
    cases: _Cases,
    units: tuple[AssessedUnit, ...],
    rules: list[tuple[str, PerCase]],
    month: int,
    standard: AssessmentStandard,
) -> list[dict[str, Any]]:
    """The findings of failed verifications in month ``month``: the cases whose first
    failure (sent_back) or third (failed_three_times) fell in it, one finding per unit,
    item, outcome and case source with their ``count``."""
    if not rules:
        return []
    cols = cases.cols
    rows = np.flatnonzero(cols.kind == EventKind.VERIFY_FAIL.code)
    if not rows.size:
        return []
    case = cols.case[rows]
    # the failure's number within its case (events are grouped by case, in order)
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    nth = np.arange(rows.size) - np.repeat(starts, np.diff(np.r_[starts, rows.size])) + 1
    here = cases.month(cols.at.view(np.int64)[rows]) == month
    out: list[dict[str, Any]] = []
    label_ = label(cases.months[month])
    for outcome, n in (("sent_back", 1), ("failed_three_times", 3)):
        picked = case[here & (nth == n)]
        if not picked.size:
            continue
        for code in np.unique(cols.source[picked]).tolist():
            source = CaseColumns.SOURCES[code]
            item = _item_for(rules, outcome, source)
            if item is None:
                continue
            path, rule = item
            of_source = picked[cols.source[picked] == code]
            leaf = standard.leaf(path)
            for owner in (cases.street[of_source], cases.department[of_source]):
                owned = owner[owner >= 0]
                for u, count in zip(*np.unique(owned, return_counts=True), strict=True):
                    unit = units[int(u)]
                    if not leaf.applies(unit):
                        continue
                    out.append(
                        {
                            "unit": unit.code,
                            "item": path,
                            "rule": rule.id,
                            "outcome": outcome,
                            "case_source": source,
                            "count": int(count),
                            "note": f"{_NOTES[outcome]} in {label_}",
                        }
                    )
    out.sort(key=lambda f: (f["unit"], f["outcome"], f["case_source"].value))
    return out


_NOTES = {
    "sent_back": "cases failing verification (返工) for the first time",
    "failed_three_times": "cases failing verification a third time",
}


def _item_for(
    rules: list[tuple[str, PerCase]], outcome: str, source: Source
) -> tuple[str, PerCase] | None:
    for path, rule in rules:
        if outcome in rule.outcomes and (not rule.sources or source in rule.sources):
            return path, rule
    return None


def _trigger_rows(
    triggers: Iterable[Trigger], units: tuple[AssessedUnit, ...], offices: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The triggers of assessed units. A street office's from its cases count against
    its street; those from its KPI row do not (the street's own row is judged)."""
    assessed = {u.code for u in units}
    rows = []
    for t in triggers:
        unit = t.unit
        if unit in offices:
            if "case" not in t.figures:
                continue
            unit = offices[unit]
        if unit in assessed:
            rows.append({"unit": unit, "measure": t.measure.value, "rule": t.rule})
    return rows
