"""Scoring findings against a standard, exactly (private; :mod:`urbangov.scoring`
re-exports :func:`score`).

The exact path: Decimal points, Fraction totals, one :class:`Line` per finding and per
rule application. :mod:`urbangov.scoring._batch` computes the same totals in int64 fixed
point over columns.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from decimal import Decimal

from urbangov.errors import FindingsError
from urbangov.frozen import FrozenMap
from urbangov.scoring._findings import TriggerLike
from urbangov.scoring._findings_files import Findings
from urbangov.scoring._inputs import Inputs
from urbangov.scoring._plan import plan
from urbangov.scoring._rules import RankAdjust
from urbangov.scoring._sheets import ScoreSheet
from urbangov.scoring._standard import AssessmentStandard
from urbangov.scoring._trees import Memo, combine_sheet, rank_lines, unit_sheets

__all__ = ["score"]

_ZERO = Decimal(0)
_ONE = Decimal(1)


# --------------------------------------------------------------------------- the plan


# --------------------------------------------------------------------------- score


def score(
    findings: Findings,
    standard: AssessmentStandard,
    *,
    rules: object = None,
    triggers: Iterable[TriggerLike] = (),
    on: _dt.date | None = None,
) -> FrozenMap[str, ScoreSheet]:
    """Score every unit of ``findings`` against ``standard`` (考核评分), exactly.

    Parameters
    ----------
    findings
        What was found (:class:`Findings`, e.g. ``Findings.load(path)``).
    standard
        The standard (:class:`AssessmentStandard`).
    rules
        A Policy, or its ``AssessmentRules``: needed when the standard takes its weights
        from the Policy (``weights_from``).
    triggers
        Escalation triggers to score besides the findings' own (anything with ``unit``,
        ``measure`` and ``rule``).
    on
        The day the Policy's dated values are read at (default: the findings' start).

    Returns
    -------
    FrozenMap[str, ScoreSheet]
        One sheet per unit, by unit code, in the findings' order.

    Raises
    ------
    FindingsError
        For a row the standard cannot score (unknown item, rule, finder or outcome; an
        item that does not apply to the unit), naming the file and the line.

    Examples
    --------
    >>> from decimal import Decimal
    >>> std = AssessmentStandard(id="mini", total=10, items=[{"id": "roads", "points": 10,
    ...     "rules": [{"kind": "per_finding", "found": {"city": Decimal("0.3")},
    ...                "not_fixed": {"city": 1}}]}])
    >>> found = Findings(findings=[
    ...     {"unit": "320105001", "item": "roads", "finder": "city"},
    ...     {"unit": "320105001", "item": "roads", "finder": "city", "stage": "not_fixed"}])
    >>> sheet = score(found, std)["320105001"]
    >>> sheet.total
    Decimal('8.70')
    >>> print(sheet.explain())
    320105001 (320105001), mini: 8.70 of 10
      roads: 8.7 of 10
        -0.3  per_finding: found by city (0.3) — a finding
        -1  per_finding: not_fixed by city (1) — a finding
    """
    if findings.standard and findings.standard != standard.id:
        raise FindingsError(
            f"the findings are for the standard {findings.standard!r}, not {standard.id!r}",
            field="standard",
            file=findings.file,
            hint="score them against their own standard, or change standard = … in the file",
        )
    day = on or findings.start
    the_plan = plan(standard, rules=rules, on=day)
    inputs = Inputs(the_plan, findings, tuple(triggers))
    units = findings.units
    memo: Memo = {}
    if any(isinstance(leaf_rule, RankAdjust) for _, leaf_rule in standard.rules()):
        # ranks need every unit's total before adjustment: score twice
        pre = {u.code: unit_sheets(the_plan, u, inputs, {}, memo) for u in units}
        extra = rank_lines(the_plan, units, pre)
        pre = {u.code: unit_sheets(the_plan, u, inputs, extra.get(u.code, {}), memo) for u in units}
        return FrozenMap(
            {u.code: combine_sheet(the_plan, findings, u, *pre[u.code]) for u in units}
        )
    sheets = {}
    for u in units:
        sheets[u.code] = combine_sheet(
            the_plan, findings, u, *unit_sheets(the_plan, u, inputs, {}, memo)
        )
        inputs.lines.pop(u.code, None)  # its lines now live in its sheet only
    return FrozenMap(sheets)
