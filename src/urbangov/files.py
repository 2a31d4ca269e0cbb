"""The one registry of urbangov's file kinds: what reads and what checks each (文件类型).

Every file urbangov reads starts with ``kind = "…"`` and ``format_version = 1``. This
module maps each kind to its loader and its checker, so that ``urbangov validate``, the
rule-case runner and a user's own tooling dispatch the same way:

=============  ==================================================  ==========================
kind           loads                                               checks every problem of
=============  ==================================================  ==========================
``policy``     :class:`urbangov.Policy`                            every section
``city``       :class:`urbangov.org.City` (hierarchy + organisation)  units, segments, organisation
``calendar``   :class:`urbangov.WorkCalendar`                      days, schedule, zone
``taxonomy``   :class:`urbangov.taxonomy.Taxonomy`                 every entry
``standard``   :class:`urbangov.scoring.AssessmentStandard`        every item and rule
``findings``   :class:`urbangov.scoring.Findings`                  every unit, finding, count
``rule-cases`` :class:`urbangov.testing.RuleCaseFile`              every case and its policy
``calibration-target`` :class:`urbangov.sim.CalibrationTarget`     counts, rates, period
=============  ==================================================  ==========================

The rule-case runner (``urbangov.testing``: its subjects run every rule package) and the
simulation (``urbangov.sim``, whose calibration reads target files) live on the
applications floor, above this registry; so their loaders and checkers are named by
module and imported on first use, as ``urbangov`` itself loads ``testing``.

>>> sorted(KINDS)  # doctest: +NORMALIZE_WHITESPACE
['calendar', 'calibration-target', 'city', 'findings', 'policy', 'rule-cases',
 'standard', 'taxonomy']
>>> kind, problems = check("no/such/file.toml")
>>> kind, problems[0].message[:20]
(None, 'cannot read the file')
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from urbangov._internal import documents
from urbangov.calendar import WorkCalendar
from urbangov.errors import UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.org import check_city_file, load_city
from urbangov.policy import Policy
from urbangov.scoring import AssessmentStandard, Findings
from urbangov.taxonomy import Taxonomy

__all__ = ["KINDS", "FileKind", "check", "kind_of", "load"]


@attrs.frozen
class FileKind:
    """One kind of file: its name (the ``kind`` key), what it holds, its loader and its
    checker (every problem, each naming field, file and line; empty exactly when the
    loader succeeds)."""

    name: str
    summary: str
    load: Callable[[Path], Any] = attrs.field(eq=False, repr=False)
    check: Callable[[Path], tuple[UrbangovError, ...]] = attrs.field(eq=False, repr=False)


def _later(name: str, module: str = "urbangov.testing") -> Callable[[Path], Any]:
    """The function ``name`` of ``module`` (an applications-floor package), imported
    when first called."""

    def call(path: Path) -> Any:
        return getattr(importlib.import_module(module), name)(path)

    call.__name__ = name
    return call


KINDS: FrozenMap[str, FileKind] = FrozenMap(
    (kind.name, kind)
    for kind in (
        FileKind("policy", "a city's rules (政策参数)", Policy.load, Policy.check_file),
        FileKind("city", "units, segments and organisation", load_city, check_city_file),
        FileKind(
            "calendar", "holidays and make-up workdays", WorkCalendar.load, WorkCalendar.check_file
        ),
        FileKind("taxonomy", "component and event classes", Taxonomy.load, Taxonomy.check_file),
        FileKind(
            "standard",
            "an assessment standard (考核标准)",
            AssessmentStandard.load,
            AssessmentStandard.check_file,
        ),
        FileKind(
            "findings", "assessment findings (考核扣分记录)", Findings.load, Findings.check_file
        ),
        FileKind(
            "rule-cases",
            "rule cases: inputs and expected outputs of rule functions",
            _later("load_rule_cases"),
            _later("check_rule_cases"),
        ),
        FileKind(
            "calibration-target",
            "published KPI figures to calibrate a simulated city to",
            _later("load_target", "urbangov.sim"),
            _later("check_target", "urbangov.sim"),
        ),
    )
)
"""Every file kind urbangov reads, by its ``kind`` key."""


def kind_of(path: str | Path) -> str:
    """The ``kind`` of the file at ``path`` (without checking the rest).

    Raises
    ------
    UrbangovError
        If the file cannot be read or parsed, or has no ``kind``.
    """
    return documents.peek_kind(path, UrbangovError)


def _sniff_kind(path: Path) -> str | None:
    """The kind of a file too broken to parse, from its text, when it says."""
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'^\s*(?:\ufeff)?kind\s*=\s*"([^"]*)"', text, re.MULTILINE)
    if found is None:  # JSON
        found = re.search(r'"kind"\s*:\s*"([^"]*)"', text)
    return found.group(1) if found else None


def check(path: str | Path) -> tuple[str | None, tuple[UrbangovError, ...]]:
    """The kind of the file at ``path`` and every problem found in it (empty: valid).

    A file whose kind cannot be read is checked by its kind's checker when its text
    names a known kind (so a syntax error is reported with that kind's own error);
    otherwise the reading error is the one problem.
    """
    path = Path(path)
    try:
        kind: str | None = kind_of(path)
    except UrbangovError as error:
        sniffed = _sniff_kind(path)
        if sniffed not in KINDS:
            return None, (error,)
        kind = sniffed
    assert kind is not None
    found = KINDS.get(kind)
    if found is None:
        return kind, (
            UrbangovError(
                f"urbangov does not read files of kind {kind!r}",
                field="kind",
                file=str(path),
                line=1,
                hint=f"known kinds: {', '.join(sorted(KINDS))}",
            ),
        )
    return kind, found.check(path)


def load(path: str | Path, kind: str | None = None) -> Any:
    """Load the file at ``path`` with its kind's loader (``kind`` checks what it is).

    Raises
    ------
    UrbangovError
        The loader's own error (``PolicyError``, ``HierarchyError``…, also for a file too
        broken to parse whose text names its kind), or an error naming ``kind`` when the
        file is of another kind or of no kind urbangov reads.
    """
    path = Path(path)
    try:
        found = kind_of(path)
    except UrbangovError:
        # too broken to parse: its kind's loader raises its own error, when it says
        sniffed = _sniff_kind(path)
        if sniffed is None or sniffed not in KINDS or (kind is not None and sniffed != kind):
            raise
        found = sniffed
    if kind is not None and found != kind:
        raise UrbangovError(
            f"expected a {kind} file, found kind {found!r}",
            field="kind",
            file=str(path),
            line=1,
            hint=f'give a file that starts with kind = "{kind}"',
        )
    registered = KINDS.get(found)
    if registered is None:
        raise UrbangovError(
            f"urbangov does not read files of kind {found!r}",
            field="kind",
            file=str(path),
            line=1,
            hint=f"known kinds: {', '.join(sorted(KINDS))}",
        )
    return registered.load(path)
