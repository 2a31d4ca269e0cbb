"""Every example under ``examples/`` runs and says what its README says; the example's
files are what ``scripts/make_rule_case_example.py`` writes."""

from __future__ import annotations

import os
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

#: Lines each example script must print (its README quotes these figures).
EXPECTED = {
    "rule_cases/report.py": [
        "rule cases under the proposed policy: 11 passed, 0 failed",
        "differ from the policy in force: 8; unchanged: 3",
        "May 2024, 600 cases: 255 due times move, 22 change their on-time verdict",
    ],
}


def test_every_script_has_expected_output() -> None:
    assert {str(p.relative_to(EXAMPLES)) for p in SCRIPTS} == set(EXPECTED)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_the_example_script_runs_and_prints_what_its_readme_says(script: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True, env=env, cwd="/"
    ).stdout
    for line in EXPECTED[str(script.relative_to(EXAMPLES))]:
        assert line in out.splitlines()


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


def test_the_example_files_are_what_the_script_writes(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    make = ROOT / "scripts" / "make_rule_case_example.py"
    subprocess.run([sys.executable, str(make), str(tmp_path)], check=True, env=env)
    for name in ("policy_in_force.toml", "policy_proposed.toml", "cases_2024_05.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLES / "rule_cases" / name).read_bytes()
