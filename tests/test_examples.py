"""Every example under ``examples/`` runs and says what its README says; the example's
files are what the ``scripts/make_*.py`` that writes them writes.

- Each ``examples/*/*.py`` script runs (from ``/``, so it finds its files itself) and
  prints every line of its ``EXPECTED`` entry: the figures its README quotes.
- A README block marked ``<!-- output: SCRIPT -->`` is quoted from that script's
  output, verbatim (``test_the_readme_quotes_its_scripts_output_verbatim``).
- ``MADE`` lists the files each make-script writes; they must be byte-identical to the
  committed ones.

The hotline service's own tests (a server, a database) are in ``tests/examples/``.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from urbangov.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*/*.py"))
READMES = sorted(EXAMPLES.glob("*/README.md"))

#: Lines each example script must print (its README quotes these figures).
EXPECTED = {
    "rule_cases/report.py": [
        "rule cases under the proposed policy: 11 passed, 0 failed",
        "differ from the policy in force: 8; unchanged: 3",
        "May 2024, 600 cases: 255 due times move, 22 change their on-time verdict",
    ],
    "kpi_report/report.py": [
        "KPI report, May 2024 — cases_2024_05.csv (7,009 cases)",
        "南湖街道       1,126    932     932      813    100.00     87.23     5.47",
        "双闸街道       1,390  1,159   1,159      967    100.00     83.43     5.95",
        "total 合计     6,825  5,685   5,684    4,916     99.98     86.47     5.17",
        "District on-time rate (按期结案率): 4,916 of 5,685 due = 86.47%",
        "   1  兴隆街道        89.08      734    824",
        "   7  双闸街道        83.43      967  1,159",
        "Red flag (流动红旗): 兴隆街道, on-time rate 89.08%",
        "Last: 双闸街道 83.43% (precision 0.01 percentage points; ties: share)",
    ],
    "street_assessment/report.py": [
        "Street assessment 2024 (digital_city_management): 77,610 simulated cases",
        "2024-02  84.18  80.70  80.35  81.20  88.79  81.30   85.37",
        "2024-12  83.79  87.54  89.64  90.95  93.20  92.00   88.39",
        "   1  南苑街道     89.33  standard 达标",
        "   7  兴隆街道     86.53  standard 达标",
        "Red flag of the year (流动红旗): 南苑街道",
        "南苑街道    达标     200,000    215,000    215,000  100,000  30,000          0",
        "City winner (synthetic): 南苑街道; balanced: True; net cost 580,000 yuan",
        "  不达标: 兴隆街道",
        "  forfeited 215,000 yuan; net cost 365,000 yuan (was 580,000)",
    ],
    "policy_sweep/sweep.py": [
        "Sample district, 2024-05-13 + 7 days (warm-up 5 days), 12 replicates, seed 2024",
        "in force                       93.80 [ 93.25,  94.35]",
        "2 hours                        91.45 [ 90.74,  92.15]       -2.35 [ -2.64,  -2.06]",
        "2 hours, earliest due first    95.42 [ 94.87,  95.96]       +1.62 [ +1.17,  +2.06]",
        "2 hours, earliest due first      46.8",
        "saved and loaded back equal: True",
    ],
    "hotline_service/demo.py": [
        "POST /cases → 201 HX-000001 dispatched to 南湖街道办事处, due 2024-10-08T11:00:00+08:00",
        "POST /cases (a misspelt category) → 422 category: '暴露拉圾' is not a category of "
        "this taxonomy; did you mean '暴露垃圾'?",
        "POST /cases/HX-000001/events close → 409 case HX-000001: close (结案) is not allowed "
        "in state dispatched (派遣); allowed: handle, send_back, suspend, extend",
        "GET /cases/HX-000001?at=2024-10-15T09:00:00+08:00 → overdue True, remaining "
        "-43:00:00; taken: 《催办通知书》, 抄报分管领导; next: 书面通报批评 at "
        "2024-10-15T18:00:00+08:00",
        "GET /overdue?at=2024-10-16T09:00:00+08:00 → 1 open case past due: HX-000001 "
        "(书面通报批评)",
        "POST /cases/HX-000001/events close → 201 closed",
        "POST /cases → 201 HX-000002 dispatched to 滨湖街道办事处, due 2024-10-08T11:00:00+08:00",
        "GET /kpi?month=2024-10&by=street → 南湖街道: due 1, closed 1, on time 0, on-time "
        "rate 0.00%",
        "GET /kpi?month=2024-10&by=street → 滨湖街道: due 1, closed 1, on time 1, on-time "
        "rate 100.00%",
    ],
}

#: The files each make-script writes into its example's folder.
MADE = {
    "make_kpi_report_example.py": ("kpi_report", ("cases_2024_05.csv",)),
    "make_rule_case_example.py": (
        "rule_cases",
        ("policy_in_force.toml", "policy_proposed.toml", "cases_2024_05.csv"),
    ),
}

_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


@functools.cache
def _output(script: Path) -> str:
    """What ``script`` prints (run once per test session), each line's trailing
    whitespace dropped (rich pads table lines; a README does not keep it)."""
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, env=_ENV, cwd="/"
    ).stdout
    return "\n".join(line.rstrip() for line in out.splitlines()) + "\n"


def test_every_script_has_expected_output() -> None:
    assert {str(p.relative_to(EXAMPLES)) for p in SCRIPTS} == set(EXPECTED)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_the_example_script_runs_and_prints_what_its_readme_says(script: Path) -> None:
    out = _output(script).splitlines()
    missing = [line for line in EXPECTED[str(script.relative_to(EXAMPLES))] if line not in out]
    assert not missing


_QUOTED = re.compile(r"<!-- output: (?P<script>[\w.-]+) -->\n```\w*\n(?P<text>.*?)\n```", re.DOTALL)


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_the_readme_quotes_its_scripts_output_verbatim(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    for quoted in _QUOTED.finditer(text):
        script = readme.parent / quoted["script"]
        assert script in SCRIPTS, f"{readme}: no script {quoted['script']}"
        assert quoted["text"] in _output(script), f"{readme}: a block is not {script.name}'s"


def test_the_readme_workflow_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = EXAMPLES / "rule_cases"
    monkeypatch.chdir(folder)
    readme = (folder / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
    assert len(commands) == 5
    # the figures the README quotes are the script's (test above)
    assert "the 255\ncases whose due time moves, the 22 whose" in readme
    for args in commands:
        result = CliRunner().invoke(main, args[1:], env={"COLUMNS": "80"})
        assert result.exit_code == 0, (args, result.output)


@pytest.mark.parametrize("make", sorted(MADE))
def test_the_example_files_are_what_the_script_writes(make: str, tmp_path: Path) -> None:
    folder, names = MADE[make]
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / make), str(tmp_path)], check=True, env=_ENV
    )
    for name in names:
        assert (tmp_path / name).read_bytes() == (EXAMPLES / folder / name).read_bytes(), name


def test_the_sweep_example_draws_its_plots_and_saves_a_comparison(tmp_path: Path) -> None:
    from urbangov import sim

    script = EXAMPLES / "policy_sweep" / "sweep.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, env=_ENV, cwd="/",
                   capture_output=True)  # fmt: skip
    assert (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "week.svg").read_bytes()[:2000]
    sweep = sim.Comparison.load(tmp_path)
    assert sweep.variants == ("in force", "2 hours", "2 hours, earliest due first")
    assert sweep.replicates == 12
