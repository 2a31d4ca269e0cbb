"""Saving and loading a result's escalations and assessment (private; used by
:meth:`SimResult.save` and :meth:`SimResult.load`).

- The escalation state and the step counts are arrays in ``arrays.npz``
  (``escalations.state.*``, ``escalations.counts.<name>.*``); the triggers are
  ``[[escalations.triggers]]`` rows of ``result.toml`` (month, unit, measure, rule,
  points, source and figures).
- Each month's findings is a findings file, ``findings/<YYYY-MM>.toml``
  (``kind = "findings"``: ``urbangov score`` reads it); ``result.toml``'s
  ``[assessment]`` table lists the months and, for readers, the monthly totals, ranks,
  grades and red flags, the annual scores and grades and the bond ledger's totals.
  Loading scores the findings again under the saved policy (the sheets, rankings and
  ledger are a function of them) and checks the result against that table.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from urbangov.errors import SimulationError
from urbangov.escalation import Measure, StateColumns, Trigger
from urbangov.frozen import FrozenMap
from urbangov.policy import Policy
from urbangov.scoring import Findings
from urbangov.sim._assessment import Assessment, label
from urbangov.sim._escalations import Escalations, StepCounts

__all__ = ["load_governance", "save_governance"]

Arrays = dict[str, npt.NDArray[Any]]


def _refuse(name: str, value: object, kind: str) -> SimulationError:
    return SimulationError(
        f"the result's {name} are a {type(value).__name__} (a hook's value), not {kind}",
        field=name,
        hint=f"save a result whose {name} are {kind} or None (attrs.evolve(result, {name}=None))",
    )


def save_governance(
    out: Path, escalations: object, scores: object, arrays: Arrays
) -> dict[str, Any]:
    """Add the arrays of ``escalations`` to ``arrays``, write the findings files, and
    return the manifest's tables."""
    manifest: dict[str, Any] = {}
    if escalations is not None:
        if not isinstance(escalations, Escalations):
            raise _refuse("escalations", escalations, "sim.Escalations")
        arrays.update(_escalation_arrays(escalations))
        manifest["escalations"] = {
            "at": escalations.at.isoformat(),
            "counts": list(escalations.counts),
            "triggers": [
                _trigger_row(month, t) for month, ts in escalations.triggers.items() for t in ts
            ],
            "months": [m.isoformat() for m in escalations.triggers],
        }
    if scores is not None:
        if not isinstance(scores, Assessment):
            raise _refuse("scores", scores, "sim.Assessment")
        folder = out / "findings"
        folder.mkdir(exist_ok=True)
        for month, found in scores.findings.items():
            (folder / f"{label(month)}.toml").write_text(found.dumps(), encoding="utf-8")
        manifest["assessment"] = summary(scores)
    return manifest


def load_governance(
    where: Path, manifest: dict[str, Any], data: Arrays, policy: Policy
) -> tuple[Escalations | None, Assessment | None]:
    """The escalations and assessment :func:`save_governance` wrote (``None``: none)."""
    escalations = None
    if "escalations" in manifest:
        table = manifest["escalations"]
        months = [_dt.date.fromisoformat(m) for m in table["months"]]
        triggers: dict[_dt.date, list[Trigger]] = {m: [] for m in months}
        for row in table.get("triggers", []):
            month, trigger = _trigger_of(row)
            triggers[month].append(trigger)
        escalations = Escalations(
            at=_dt.datetime.fromisoformat(table["at"]),
            state=_state_of(data),
            counts=FrozenMap((name, _counts_of(name, data)) for name in table["counts"]),
            triggers=FrozenMap((m, tuple(ts)) for m, ts in triggers.items()),
        )
    scores = None
    if "assessment" in manifest:
        saved = manifest["assessment"]
        found = {}
        for text in saved["months"]:
            month = _dt.date.fromisoformat(text)
            path = where / "findings" / f"{label(month)}.toml"
            found[month] = Findings.load(path)
        scores = Assessment.of(found, policy)
        if summary(scores) != saved:
            raise SimulationError(
                "the saved scores differ from those of the saved findings under the saved "
                "policy (saved by another version of urbangov, or edited)",
                field="assessment",
                file=str(where / "result.toml"),
                hint="simulate again, or score the findings files with urbangov score",
            )
    return escalations, scores


# --------------------------------------------------------------------------- escalations


def _escalation_arrays(esc: Escalations) -> Arrays:
    out: Arrays = {}
    for f in attrs.fields(StateColumns):
        value = getattr(esc.state, f.name)
        out[f"escalations.state.{f.name}"] = (
            np.array(value, dtype=np.str_) if isinstance(value, tuple) else value
        )
    for name, table in esc.counts.items():
        p = f"escalations.counts.{name}"
        out[f"{p}.values"] = np.asarray(table.values)
        out[f"{p}.by"] = np.array(table.by, dtype=np.str_)
        out[f"{p}.steps"] = np.array(table.steps, dtype=np.str_)
        parts = [k if isinstance(k, tuple) else (k,) for k in table.keys]
        for i, by in enumerate(table.by):
            column = [p_[i] for p_ in parts]
            text = [v.isoformat() if by == "period" else str(v) for v in column]
            out[f"{p}.key{i}"] = np.array(text, dtype=np.str_)
    return out


def _state_of(data: Arrays) -> StateColumns:
    values: dict[str, Any] = {}
    for f in attrs.fields(StateColumns):
        arr = data[f"escalations.state.{f.name}"]
        values[f.name] = tuple(arr.tolist()) if arr.dtype.kind == "U" else arr
    return StateColumns(**values)


def _counts_of(name: str, data: Arrays) -> StepCounts:
    p = f"escalations.counts.{name}"
    by = tuple(data[f"{p}.by"].tolist())
    columns = []
    for i, part in enumerate(by):
        raw = data[f"{p}.key{i}"].tolist()
        columns.append([_dt.date.fromisoformat(v) for v in raw] if part == "period" else raw)
    keys = list(zip(*columns, strict=True)) if columns else []
    shaped = [k[0] if len(by) == 1 else k for k in keys]
    steps = tuple(data[f"{p}.steps"].tolist())
    return StepCounts(by, shaped, steps, data[f"{p}.values"])


def _trigger_row(month: _dt.date, t: Trigger) -> dict[str, Any]:
    row: dict[str, Any] = {
        "month": month,
        "unit": t.unit,
        "measure": t.measure.value,
        "rule": t.rule,
        "source": t.source,
        "figures": dict(t.figures),
    }
    if t.points is not None:
        row["points"] = t.points
    return row


def _trigger_of(row: dict[str, Any]) -> tuple[_dt.date, Trigger]:
    points = row.get("points")
    trigger = Trigger(
        row["unit"],
        Measure(row["measure"]),
        row["rule"],
        FrozenMap(row["figures"]),
        None if points is None else Decimal(points),
        row["source"],
    )
    return row["month"], trigger


# --------------------------------------------------------------------------- assessment


def _shown(value: object) -> str:
    return "" if value is None else str(value)


def _yuan(value: Decimal) -> str:
    """An amount as plain digits (200000 and 200000.0 alike: a policy file may write
    either)."""
    return format(value.normalize(), "f")


def summary(scores: Assessment) -> dict[str, Any]:
    """The assessment as plain TOML data: months, each unit's monthly total, rank and
    grade, the red flags, the annual scores and grades, the bond ledger's totals."""
    months: list[dict[str, Any]] = []
    for month, sheets in scores.sheets.items():
        ranking = scores.rankings[month]
        rows = [
            {
                "unit": code,
                "total": _shown(sheet.total),
                "rank": _shown(ranking.rank_of(code)),
                "grade": _shown(g.value if (g := scores.grades[month][code]) else None),
            }
            for code, sheet in sheets.items()
        ]
        flags = {g: list(units) for g, units in scores.red_flags[month].items()}
        months.append({"month": month.isoformat(), "units": rows, "red_flags": flags})
    out: dict[str, Any] = {
        "months": [m.isoformat() for m in scores.months],
        "monthly": months,
        "annual": [
            {
                "unit": code,
                "score": _shown(value.value),
                "grade": _shown(g.value if (g := scores.annual_grades[code]) else None),
            }
            for code, value in scores.annual.items()
        ],
    }
    if scores.bonds is not None:
        total = scores.bonds.total()
        out["bonds"] = {
            name: _yuan(getattr(total, name))
            for name in ("paid_in", "refunded", "reward", "forfeited", "award")
        }
    return out
