"""The bad-input corpus (``tests/corpus/invalid/``): every broken file is a located error.

Each file of the corpus — policies, cities, calendars, taxonomies, assessment standards,
findings, rule cases (``rules_*``) and case logs — is read the way a user reads it —
``urbangov.files.load`` for TOML and JSON files (it dispatches on ``kind``),
``urbangov.io.read_columns`` and ``read_cases`` for case logs — and must raise the
``UrbangovError`` subclass that ``MANIFEST.toml`` names, whose message names the file,
the line (where the file has lines; for Parquet, the row) and the field; ``urbangov
validate FILE`` must exit 1 and print the problem without a traceback. The manifest's
expectations are written by hand in ``tests/corpus/make_invalid.py``, which also writes
the files.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from urbangov import errors, files, io
from urbangov.cli import main

CORPUS = Path(__file__).parent / "corpus" / "invalid"
MANIFEST: dict[str, dict[str, Any]] = tomllib.loads(
    (CORPUS / "MANIFEST.toml").read_text(encoding="utf-8")
)["files"]
LOGS = (".csv", ".jsonl", ".parquet")


def test_the_corpus_is_large_and_every_file_is_in_the_manifest() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "MANIFEST.toml"}
    assert on_disk == set(MANIFEST)
    assert len(on_disk) >= 60
    suffixes = {Path(name).suffix for name in on_disk}
    assert {".toml", ".json", ".csv", ".jsonl", ".parquet"} <= suffixes
    kinds = [name.split("_", 1)[0] for name in on_disk]
    assert {"policy", "city", "calendar", "taxonomy", "log"} <= set(kinds)
    # assessment standards, findings and rule cases: at least 6, 4 and 6 broken files
    assert kinds.count("standard") >= 6
    assert kinds.count("findings") >= 4
    assert kinds.count("rules") >= 6


def _raised(path: Path) -> errors.UrbangovError:
    if path.suffix in LOGS:
        if path.suffix == ".parquet":
            pytest.importorskip("pyarrow")
        found = []
        for reader in (io.read_columns, io.read_cases):
            with pytest.raises(errors.UrbangovError) as info:
                reader(path)
            found.append(info.value)
        assert str(found[0]) == str(found[1]), "the two log readers disagree"
        return found[0]
    with pytest.raises(errors.UrbangovError) as info:
        files.load(path)
    return info.value


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_bad_file_is_a_located_urbangov_error(name: str) -> None:
    expected = MANIFEST[name]
    path = CORPUS / name
    error = _raised(path)
    assert type(error).__name__ == expected["error"], str(error)
    assert type(error) is getattr(errors, expected["error"])
    text = str(error)
    assert error.file == str(path)
    assert str(path) in text
    assert error.field == expected.get("field"), text
    if "field" in expected:
        assert text.startswith(f"{expected['field']}: ")
    assert error.line == expected.get("line"), text
    if "line" in expected:
        assert f"line {expected['line']}" in text
    assert expected.get("words", "") in text
    assert "Traceback" not in text


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_validate_reports_each_bad_file_without_a_traceback(name: str) -> None:
    path = CORPUS / name
    if path.suffix == ".parquet":
        pytest.importorskip("pyarrow")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output
    expected = MANIFEST[name]
    where = f"{path}:{expected['line']}" if "line" in expected else str(path)
    assert f"✗ {where}" in result.output
    assert "problem(s) in 1 file(s)" in result.output
