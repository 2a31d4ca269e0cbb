"""``urbangov escalation LOG --at T``: open cases by level and next step, and the demo's
escalation section: the simulated month's steps and triggers by street and two stories
picked from its cases."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from urbangov import escalation
from urbangov import io as urbangov_io
from urbangov.cases import Case, CaseEvent, Status
from urbangov.cli import main
from urbangov.sim import SimResult, sample_city
from urbangov.vocabulary import Level

SH = ZoneInfo("Asia/Shanghai")


def at(m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(2024, m, d, hh, mm, tzinfo=SH)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _case(case_id: str, category: str, *more: CaseEvent) -> Case:
    t = at(5, 6)
    history = (
        CaseEvent("accept", t),
        CaseEvent("file", t),
        CaseEvent("dispatch", t, department="street_office_001"),
        *more,
    )
    return Case.new(case_id, category, "320105001001001", reported_at=t, history=history)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    urbangov_io.write_cases(
        path,
        [
            _case("LATE", "暴露垃圾"),  # due Mon 05-06 14:30: reminded Tue 05-07
            _case("DONE", "暴露垃圾", CaseEvent("handle", at(5, 6, 11))),  # handled in time
            _case(
                "SHUT",
                "暴露垃圾",
                CaseEvent("handle", at(5, 6, 11)),
                CaseEvent("verify_pass", at(5, 6, 12)),
                CaseEvent("close", at(5, 6, 13)),
            ),
            _case("BIG", "违法建设拆除"),  # major: the street handles it
        ],
    )
    return path


def test_the_table_counts_open_cases_by_level_and_next_step(log: Path) -> None:
    code, out = run("escalation", str(log), "--at", "2024-05-08 09:00")
    assert code == 0, out
    assert "3 open cases at 2024-05-08 09:00" in out  # SHUT is closed
    assert "Open cases by level and next step" in out
    assert "street (街道)" in out  # BIG
    assert "written criticism" in out  # LATE's next step
    assert "LATE" in out


def test_json_and_csv_give_every_open_case(log: Path) -> None:
    code, out = run("escalation", str(log), "--at", "2024-05-08 09:00", "--format", "json")
    assert code == 0, out
    rows = {r["case"]: r for r in json.loads(out)}
    assert set(rows) == {"LATE", "DONE", "BIG"}
    late = rows["LATE"]
    assert (late["level"], late["taken"], late["overdue"]) == ("grid", 2, True)
    # reminder Tue 05-07; + 5 working days, Sat 05-11 worked (调休) → Mon 05-13 18:00
    assert (late["next_step"], late["next_at"]) == ("written_criticism", "2024-05-13T18:00+08:00")
    assert (rows["DONE"]["next_step"], rows["DONE"]["taken"]) == (None, 0)
    assert rows["BIG"]["unit_name"] == "南湖街道"
    code, out = run("escalation", str(log), "--at", "2024-05-08 09:00", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["case"] for r in table] == ["BIG", "LATE", "DONE"]  # most advanced first
    assert table[0]["next_at"] != ""


def test_labels_in_chinese(log: Path) -> None:
    code, out = run("--lang", "zh", "escalation", str(log), "--at", "2024-05-08 09:00")
    assert code == 0, out
    assert "未结案件 3 件" in out
    assert "层级" in out


def test_errors_name_the_flag_without_a_traceback(log: Path, tmp_path: Path) -> None:
    code, out = run("escalation", str(log), "--at", "next tuesday")
    assert code == 1
    assert "--at" in out
    assert "Traceback" not in out
    code, out = run("escalation", str(tmp_path / "none.csv"), "--at", "2024-05-08 09:00")
    assert code == 1
    assert "CaseLogError" in out
    bad = tmp_path / "p.toml"
    bad.write_text(
        'kind = "policy"\nformat_version = 1\n[escalation.levels]\nmajr = "street"\n',
        encoding="utf-8",
    )
    code, out = run("escalation", str(log), "--at", "2024-05-08 09:00", "--policy", str(bad))
    assert code == 1
    assert "did you mean 'major'?" in out
    assert "Traceback" not in out
    late = tmp_path / "late.csv"
    t = dt.datetime(2026, 12, 30, 9, tzinfo=SH)  # 4 working days run into 2027: not covered
    events = (
        CaseEvent("accept", t),
        CaseEvent("file", t),
        CaseEvent("dispatch", t, department="d"),
    )
    urbangov_io.write_cases(
        late, [Case.new("Y", "积存垃圾渣土", "320105001001001", reported_at=t, history=events)]
    )
    code, out = run("escalation", str(late), "--at", "2026-12-31 09:00")
    assert code == 1
    assert "CalendarCoverageError" in out
    assert "--policy FILE" in out  # the hint names flags


def _section(month: SimResult, lang: str = "en") -> str:
    from rich.console import Console

    from urbangov.cli.demo_escalation import demo_section

    buffer = io.StringIO()
    demo_section(Console(width=80, file=buffer), sample_city(), month, lang=lang)
    return buffer.getvalue()


def test_the_demo_tells_two_stories_of_simulated_cases_within_80_columns(
    demo_month: SimResult,
) -> None:
    from urbangov.cli.demo_escalation import case_of, pick_stories

    out = _section(demo_month)
    grid_row, ladder_row = pick_stories(demo_month, sample_city())
    policy, h = demo_month.policy, sample_city().hierarchy
    # 1: a minor problem of the month, handled in its grid on time, closed, no step
    case = case_of(demo_month.cases, grid_row)
    assert case == demo_month.cases.to_cases()[grid_row]  # the one case, exactly
    state = escalation.state(case, demo_month.end, policy, h)
    assert state.level is Level.GRID
    assert state.taken == ()
    assert not state.overdue
    assert case.status is Status.CLOSED
    assert f"Escalation 1: a minor problem closed in the grid (小事不出网格), case {case.id}" in out
    assert "on time: no time-out step" in out
    assert f"{state.due:%a %m-%d %H:%M} (4 working hours)" in out
    # 2: the case that went furthest up the steps, each step at its time
    case = case_of(demo_month.cases, ladder_row)
    state = escalation.state(case, demo_month.end, policy, h)
    esc = demo_month.escalations
    assert esc is not None
    assert len(state.taken) == int(esc.state.taken.max()) == 2
    assert f"Escalation 2: case {case.id}" in out
    for step in state.taken:
        assert f"{step.at:%a %m-%d %H:%M} │ {step.step.describe('en')}" in out
    assert "《催办通知书》" in out
    assert all(cell_len(line) <= 80 for line in out.splitlines())
    assert "…" not in out  # nothing cropped


def test_the_demo_counts_the_months_steps_and_triggers_by_street(demo_month: SimResult) -> None:
    out = _section(demo_month)
    esc = demo_month.escalations
    assert esc is not None
    may = dt.date(2024, 5, 1)
    for street in sample_city().hierarchy.at_level("street"):
        got = esc.counts["street"].get((street.code, may))
        reminded = got["reminder_notice"]
        assert f"{street.name}" in out
        line = next(x for x in out.splitlines() if x.startswith(f"│ {street.name}"))
        assert line.split("│")[2].strip() == str(reminded)
        measures = {t.measure.value for t in esc.triggers[may] if t.unit == street.code}
        assert ("written check" in line) == ("written_check" in measures)
    total = esc.counts["month"].get(may)["reminder_notice"]
    assert any(x.startswith("│ district") and f"│ {total:>14} │" in x for x in out.splitlines())


def test_the_demo_stories_in_chinese(demo_month: SimResult) -> None:
    out = _section(demo_month, lang="zh")
    assert "升级示例一：小事不出网格" in out
    assert "升级示例二" in out
    assert "问责对象" in out
    assert "各街道超时处置与问责触发" in out
    assert all(cell_len(line) <= 80 for line in out.splitlines())


def test_the_whole_demo_tells_the_stories_at_80_columns() -> None:
    result = CliRunner().invoke(main, ["demo"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Escalation 1: a minor problem closed in the grid (小事不出网格)" in out
    assert "Time-out steps and triggers by street, May 2024 (simulated)" in out
    assert all(cell_len(line) <= 80 for line in out.splitlines())
