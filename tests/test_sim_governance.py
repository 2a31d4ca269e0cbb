"""The governance of a simulated run (``docs/simulation.md``, "Escalation and triggers"
and "Assessment"): the escalation and scoring packages' own functions on the run's case
table and KPI tables, conserved, the same in any process, saved and loaded exactly."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest

from urbangov import deadlines, escalation, kpi
from urbangov.cases import CaseColumns, EventKind
from urbangov.errors import SimulationError
from urbangov.escalation import DUE, SINCE_DISPATCH, EscalationPolicy
from urbangov.policy import Policy
from urbangov.scoring import (
    AssessmentRules,
    AssessmentStandard,
    annual,
    grade,
    rank,
    red_flag,
    score,
    settle_bonds,
)
from urbangov.sim import (
    Assessment,
    Escalations,
    Hooks,
    SimResult,
    SyntheticCity,
    assess,
    assessment_findings,
    escalate,
    run,
)
from urbangov.vocabulary import Level, Urgency

SH = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2024, 5, 20, tzinfo=SH)  # 20 May to 18 June: two months, 端午 06-10
DAYS = 30
MAY, JUNE = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
NAT = np.iinfo(np.int64).min


@pytest.fixture(scope="module")
def sample() -> SyntheticCity:
    return SyntheticCity.sample()


@pytest.fixture(scope="module")
def result(sample: SyntheticCity) -> SimResult:
    return run(sample, Policy.default(), start=START, days=DAYS, seed=7)


def _ns(t: dt.datetime) -> int:
    return int(t.timestamp() * 10**6) * 1000


def _month(t_ns: int) -> dt.date:
    t = dt.datetime.fromtimestamp(t_ns / 10**9, dt.UTC).astimezone(SH)
    return max(t.date().replace(day=1), MAY)


# ------------------------------------------------------------------ escalation


def test_the_state_is_the_batch_state_at_the_runs_end(
    sample: SyntheticCity, result: SimResult
) -> None:
    esc = result.escalations
    assert isinstance(esc, Escalations)
    assert esc.at == result.end
    assert esc.state == escalation.state_batch(
        result.cases, result.end, result.policy, sample.city.hierarchy
    )
    assert esc == escalate(result, sample)
    assert esc.state.taken.sum() > 0  # some cases timed out: the test has something to check


def test_the_triggers_are_the_escalation_packages_on_the_kpi_tables_and_the_cases(
    result: SimResult,
) -> None:
    policy, esc = result.policy, result.escalations
    assert esc is not None
    by_table = {
        name: escalation.triggers(result.kpi(name), policy) for name in ("street", "department")
    }
    of_cases = escalation.triggers(None, policy, cases=result.cases, at=result.end)
    # the case triggers' months, from the scalar state of each case
    cases = {c.id: c for c in result.cases.to_cases()}
    h = SyntheticCity.sample().city.hierarchy
    month_of = {}
    for t in of_cases:
        s = escalation.state(cases[t.figures["case"]], result.end, policy, h)
        (step,) = [x for x in s.taken if x.name == t.figures["step"]]
        month_of[id(t)] = _month(_ns(step.at))
    for month in (MAY, JUNE):
        expected = [t for name in ("street", "department") for t in by_table[name]
                    if t.figures["period"] == month]  # fmt: skip
        expected += [t for t in of_cases if month_of[id(t)] == month]
        assert list(esc.triggers[month]) == expected
    assert sum(len(v) for v in by_table.values()) + len(of_cases) == len(esc.all_triggers())
    assert any(t.rule == "escalation.triggers.repeated_overdue" for t in esc.all_triggers())


def test_every_step_fell_due_while_the_case_was_overdue_and_not_before_its_delay(
    result: SimResult,
) -> None:
    policy, esc = result.policy, result.escalations
    assert esc is not None
    cal = policy.work_calendar()
    state = esc.state
    stopped = deadlines.deadline_batch(result.cases, policy, at=result.end).stopped.view(np.int64)
    due = state.due.view(np.int64)
    taken_at = state.taken_at.view(np.int64)
    steps = {s.name: s for s in EscalationPolicy.of(policy).steps.at(START.date())}
    column = {name: j for j, name in enumerate(state.step_names)}
    rows = np.flatnonzero(state.taken > 0)
    assert rows.size > 50
    dispatched = kpi.CaseTimes.from_columns(result.cases).dispatched_at.view(np.int64)
    for r in rows.tolist():
        for name, j in column.items():
            t = int(taken_at[r, j])
            if t == NAT:
                continue
            assert due[r] != NAT
            assert t > due[r]
            assert stopped[r] == NAT or stopped[r] > t  # its handling clock still ran
            assert t <= _ns(result.end)
            step = steps[name]
            since = step.since
            anchor = (
                due[r] if since == DUE else dispatched[r] if since == SINCE_DISPATCH
                else taken_at[r, column[since]]
            )  # fmt: skip
            at = dt.datetime.fromtimestamp(int(anchor) / 10**9, dt.UTC)
            assert t >= _ns(cal.add(at, step.after))  # not before its delay
    # the steps taken are the first ones of the list: a criticism only after a reminder
    taken = taken_at != NAT
    assert (taken[:, column["reminder_notice"]] >= taken[:, column["written_criticism"]]).all()


def test_step_counts_conserve_the_steps_taken(result: SimResult) -> None:
    esc = result.escalations
    assert esc is not None
    taken = dict(
        zip(esc.state.step_names, (~np.isnat(esc.state.taken_at)).sum(axis=0).tolist(),
            strict=True)
    )  # fmt: skip
    assert dict(esc.counts["month"].total()) == taken
    assert dict(esc.counts["street"].total()) == taken  # every case lies in a street
    assert dict(esc.counts["department"].total()) == taken  # every step follows a dispatch
    for month in (MAY, JUNE):
        city = esc.counts["month"].get(month)
        streets = Counter()
        for (_unit, m), counts in esc.counts["street"].items():
            if m == month:
                streets.update(counts)
        assert {k: streets[k] for k in city} == dict(city)
    # a street's keys are those of its KPI table, every month, zeros included
    units = {k[0] for k in result.kpi("street")}
    assert set(esc.counts["street"].keys) == {(u, m) for u in units for m in (MAY, JUNE)}


def test_a_step_counts_in_the_month_it_fell_due(result: SimResult) -> None:
    esc = result.escalations
    assert esc is not None
    j = esc.state.step_names.index("reminder_notice")
    times = esc.state.taken_at[:, j].view(np.int64)
    months = Counter(_month(int(t)) for t in times[times != NAT].tolist())
    assert esc.counts["month"].get(MAY)["reminder_notice"] == months[MAY]
    assert esc.counts["month"].get(JUNE)["reminder_notice"] == months[JUNE]
    assert months[MAY] > 0
    assert months[JUNE] > 0


# ------------------------------------------------------------------ assessment


def test_the_scores_are_the_scoring_packages_on_the_months_findings(result: SimResult) -> None:
    policy, scores = result.policy, result.scores
    assert isinstance(scores, Assessment)
    rules = AssessmentRules.of(policy)
    std = AssessmentStandard.bundled("digital_city_management")
    sheets = {}
    for month in (MAY, JUNE):
        found = scores.findings[month]
        day = max(month, START.date())
        assert found.start == day
        assert found.standard == std.id
        got = score(found, std, rules=policy)
        assert scores.sheets[month] == got
        groups = {c: s.unit.group for c, s in got.items()}
        tie, precision = rules.value("tie", day), rules.value("ranking_precision", day)
        assert scores.rankings[month] == rank(got, tie=tie, precision=precision, groups=groups)
        for group in ("街道", "部门"):
            members = {c: s for c, s in got.items() if s.unit.group == group}
            assert scores.red_flags[month][group] == red_flag(members, tie, precision=precision)
        cutoffs = rules.value("grades", day)
        assert scores.grades[month] == {
            c: grade(s, cutoffs, group=s.unit.group) for c, s in got.items()
        }
        sheets[f"{month:%Y-%m}"] = got
    year = annual(sheets, missing="skip", rounding=rules.value("rounding", START.date()))
    assert scores.annual == year
    grades = {c: scores.annual_grades[c] for c in rules.street_bonds.units}
    assert scores.bonds == settle_bonds(grades, rules.street_bonds, on=START.date())
    assert scores.bonds is not None
    assert scores.bonds.balanced


def test_the_findings_are_the_results_kpi_counts(sample: SyntheticCity, result: SimResult) -> None:
    scores = result.scores
    assert scores is not None
    by_urgency = kpi.counts_from_columns(
        result.cases, by=(Level.STREET, "urgency"), period="month", start=result.start,
        end=result.end, due=result.due, rules=result.policy, hierarchy=sample.city.hierarchy,
    )  # fmt: skip
    for month in (MAY, JUNE):
        found = scores.findings[month]
        rows = {(r.unit, r.subset): r.counts for r in found.kpis}
        for street in sample.city.hierarchy.at_level(Level.STREET):
            all_ = result.kpi("street").get((street.code, month))
            assert rows[(street.code, "all")] == all_
            urgent = rows[(street.code, "urgent")]
            normal = by_urgency.get((street.code, Urgency.NORMAL, month))
            assert urgent + normal == all_  # the subsets of a street's cases add up
        for code in ("hw_station", "cons_bureau"):
            assert rows[(code, "all")] == result.kpi("department").get((code, month))
        # street offices are their streets': no row of their own
        assert not any(u.startswith("street_office") for u, _ in rows)


def test_daily_handling_counts_the_cases_dispatched_on_each_working_day(
    result: SimResult,
) -> None:
    scores = result.scores
    assert scores is not None
    cal = result.policy.work_calendar()
    cases = result.cases.to_cases()
    street = "320105001"
    for month in (MAY, JUNE):
        tallies = {t.period: t for t in scores.findings[month].tallies if t.unit == street}
        expected: dict[str, list[int]] = {}
        for c in cases:
            if not c.grid.startswith(street):
                continue
            sent = [e.at for e in c.history if e.kind is EventKind.DISPATCH]
            if not sent:
                continue
            day = sent[0].astimezone(SH).date()
            if day.replace(day=1) != month or not cal.is_workday(day):
                continue
            done = [e.at for e in c.history if e.kind is EventKind.HANDLE]
            same = bool(done) and done[0].astimezone(SH).date() == day
            pair = expected.setdefault(day.isoformat(), [0, 0])
            pair[0] += same
            pair[1] += 1
        assert {d: [t.count, t.of] for d, t in tallies.items()} == expected
        assert "2024-06-10" not in tallies  # 端午节: not a working day


@pytest.mark.parametrize("spread", [50, 10**12])  # a dense range, and one to sort
def test_distinct_integers_are_numpys_unique_with_or_without_a_sort(spread: int) -> None:
    from urbangov.sim import _findings

    values = np.random.default_rng(5).integers(-spread, spread, 10_000)
    uniq, inverse = _findings._distinct(values)
    expected, where = np.unique(values, return_inverse=True)
    assert np.array_equal(uniq, expected)
    assert np.array_equal(inverse, where)
    assert np.array_equal(uniq[inverse], values)


def test_the_runs_governance_is_the_hooks_on_the_finished_run(
    sample: SyntheticCity, result: SimResult
) -> None:
    # the run hands its KPI tables' case times to the built-in assessment; alone, the
    # hooks build what they read
    bare = attrs.evolve(result, escalations=None, scores=None)
    escalations = escalate(bare, sample)
    assert escalations == result.escalations
    assert assess(attrs.evolve(bare, escalations=escalations), sample) == result.scores


def test_a_case_failing_verification_is_sent_back_once_for_its_street_and_department(
    result: SimResult,
) -> None:
    scores = result.scores
    assert scores is not None
    cols = result.cases
    rows = np.flatnonzero(cols.kind == EventKind.VERIFY_FAIL.code)
    first = {}
    for r in rows.tolist():  # events in order: the first failure of each case
        first.setdefault(int(cols.case[r]), _month(int(cols.at.view(np.int64)[r])))
    departments = cols.department
    expected: Counter[tuple[dt.date, str]] = Counter()
    for case, month in first.items():
        expected[(month, "320105" + cols.grids[int(cols.grid[case])][6:9])] += 1
        code = cols.departments[int(departments[case])]
        if not code.startswith("street_office"):  # an office's cases are its street's
            expected[(month, code)] += 1
    got: Counter[tuple[dt.date, str]] = Counter()
    for month in (MAY, JUNE):
        for f in scores.findings[month].findings:
            assert (f.item, f.outcome) == ("rework", "sent_back")  # at most 2 failures
            got[(month, f.unit)] += f.count
    assert got == expected
    assert sum(got.values()) > 100


def test_the_triggers_scored_are_the_months_of_assessed_units(result: SimResult) -> None:
    scores, esc = result.scores, result.escalations
    assert scores is not None
    assert esc is not None
    for month in (MAY, JUNE):
        units = {u.code for u in scores.findings[month].units}
        expected = []
        for t in esc.triggers[month]:
            unit = t.unit
            if unit.startswith("street_office"):
                if "case" not in t.figures:
                    continue
                unit = "320105" + unit[-3:]
            if unit in units:
                expected.append((unit, t.measure.value, t.rule))
        got = [(t.unit, t.measure, t.rule) for t in scores.findings[month].triggers]
        assert got == expected
    # a unit below the on-time target loses the points its measure is priced at
    for month in (MAY, JUNE):
        for code, sheet in scores.sheets[month].items():
            priced = {"notice_of_criticism": 0.5, "deduct_target_points": 2}
            owed = sum(priced.get(str(t.measure), 0) for t in scores.findings[month].triggers
                       if t.unit == code)  # fmt: skip
            assert float(sheet.item("accountability").score or 0) == -min(owed, 5)


def test_a_standard_the_simulation_cannot_feed_is_an_error_naming_it(
    sample: SyntheticCity,
) -> None:
    policy = Policy.default().reform({"assessment.standard": "grid_worker"})
    with pytest.raises(SimulationError, match="tally 'reports'") as err:
        run(sample, policy, start=START, days=2, seed=1)
    assert err.value.field == "assessment.standard"
    # without scoring, the same run is fine
    bare = run(sample, policy, start=START, days=2, seed=1, hooks=Hooks(scoring=None))
    assert bare.scores is None
    assert bare.escalations is not None


def test_a_city_other_than_the_bond_schemes_settles_no_bonds() -> None:
    city = SyntheticCity.generate(grids=80, streets=3, seed=5)
    got = run(city, Policy.default(), start=START, days=5, seed=1)
    assert got.scores is not None
    assert got.scores.bonds is None
    assert set(got.scores.annual) >= {s.code for s in city.city.hierarchy.at_level("street")}


def test_assessment_needs_the_built_in_escalations_or_none(
    sample: SyntheticCity, result: SimResult
) -> None:
    odd = attrs.evolve(result, escalations={"mine": 1})  # type: ignore[arg-type]
    with pytest.raises(SimulationError, match=r"not sim\.Escalations"):
        assess(odd, sample)
    none = attrs.evolve(result, escalations=None)
    assert all(not f.triggers for f in assessment_findings(none, sample).values())


# ------------------------------------------------------------------ saving


def test_governance_round_trips_and_re_writes_the_same_bytes(
    result: SimResult, tmp_path: Path
) -> None:
    result.save(tmp_path / "a")
    again = SimResult.load(tmp_path / "a")
    assert again.escalations == result.escalations
    assert again.scores == result.scores
    assert again == result
    again.save(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    assert Path("findings/2024-05.toml") in files
    assert Path("findings/2024-06.toml") in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_saved_months_findings_is_a_findings_file(result: SimResult, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from urbangov.cli import main

    result.save(tmp_path)
    out = CliRunner().invoke(
        main, ["score", str(tmp_path / "findings" / "2024-06.toml"), "--standard",
               "digital_city_management", "--format", "csv"],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert result.scores is not None
    total = result.scores.sheets[JUNE]["320105001"].total
    assert f"320105001,南湖街道,街道,{total}" in out.output.replace('"', "")


def test_edited_scores_are_refused_on_loading(result: SimResult, tmp_path: Path) -> None:
    result.save(tmp_path)
    path = tmp_path / "result.toml"
    manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    total = manifest["assessment"]["monthly"][0]["units"][0]["total"]
    text = path.read_text(encoding="utf-8").replace(f'total = "{total}"', 'total = "100.00"', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SimulationError, match="saved scores differ") as err:
        SimResult.load(tmp_path)
    assert err.value.field == "assessment"


def test_governance_is_the_same_in_another_process_and_with_workers(
    result: SimResult, tmp_path: Path
) -> None:
    code = (
        "import datetime as dt, sys\n"
        "from zoneinfo import ZoneInfo\n"
        "from urbangov.policy import Policy\n"
        "from urbangov.sim import SyntheticCity, run\n"
        "r = run(SyntheticCity.sample(), Policy.default(),\n"
        "        start=dt.datetime(2024, 5, 20, tzinfo=ZoneInfo('Asia/Shanghai')),\n"
        "        days=30, seed=7, workers=2)\n"
        "r.save(sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "other")], check=True)
    result.save(tmp_path / "here")
    for name in sorted(p.relative_to(tmp_path / "here") for p in (tmp_path / "here").rglob("*.*")):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "other" / name).read_bytes()


def test_results_with_governance_compare_by_value(sample: SyntheticCity, result: SimResult) -> None:
    other = run(sample, Policy.default(), start=START, days=DAYS, seed=8)
    assert other.escalations != result.escalations
    assert other.scores != result.scores
    assert isinstance(result.cases, CaseColumns)
