"""The subjects of the assessment package's main functions (private; registered in
``_subjects.py``): a period's scores under a standard, with grades, ranks and the red
flag (``score``: :func:`urbangov.scoring.score_report`, the one meaning ``urbangov
score`` shows), and a year's bond ledger (``bonds``: :func:`urbangov.scoring.settle_bonds`
on the policy's bond scheme).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from urbangov import scoring
from urbangov._internal.documents import PathKey
from urbangov.frozen import FrozenMap
from urbangov.params import did_you_mean
from urbangov.policy import Policy
from urbangov.scoring import AssessmentRules, BondScheme, Grade, ScoreSheet
from urbangov.testing import readers as r
from urbangov.testing._subject import Input, Outcome, Output, Subject, show
from urbangov.testing.readers import BAD, Reader

__all__ = ["BONDS", "SCORE"]

_MORE = 8  # units explained one by one; the rest are counted


# ------------------------------------------------------------------ score


_SCORE_FIELDS: dict[str, tuple[r.Parse, bool]] = {
    "findings": (r.findings, True),
    "standard": (r.standard, False),
    "on": (r.day, False),
    "unit": (r.text, False),
}


def _read_score(reader: Reader, value: Mapping[str, Any], path: PathKey) -> Any:
    """The inputs; the standard defaults to the bundled one the findings name."""
    found = reader.table(value, path, _SCORE_FIELDS, "the inputs of score")
    if found is BAD:
        return BAD
    findings: scoring.Findings = found["findings"]
    if "standard" not in found:
        names = scoring.AssessmentStandard.bundled_names()
        if findings.standard not in names:
            named = f" (the findings name {findings.standard!r})" if findings.standard else ""
            return reader.problem(
                path,
                f"the inputs of score have no 'standard'{named}",
                'add standard = "digital_city_management" (a bundled standard) or a file',
            )
        found["standard"] = scoring.AssessmentStandard.bundled(findings.standard)
    codes = [u.code for u in findings.units]
    if "unit" in found and found["unit"] not in codes:
        return reader.problem(
            (*path, "unit"),
            f"{found['unit']!r} is no unit of the findings",
            did_you_mean(found["unit"], codes),
        )
    return found


def _item_scores(sheet: ScoreSheet) -> FrozenMap[str, Decimal | None]:
    """Every item's score by dotted path (``"monthly:path"`` when the standard weighs
    several sources)."""
    several = len(sheet.sources) > 1
    out: dict[str, Decimal | None] = {}
    for source in sheet.sources:
        prefix = f"{source.source.value}:" if several and source.source is not None else ""
        for top in source.items:
            for item in top.walk():
                out[prefix + item.path] = item.score
    return FrozenMap(out)


def _summary(sheet: ScoreSheet) -> str:
    """A unit's total and the items that lost or gained points, with their rules."""
    total = "no data (无数据)" if sheet.total is None else str(sheet.total)
    moved = []
    for source in sheet.sources:
        for top in source.items:
            for item in top.walk():
                lines = [ln for ln in item.lines if ln.points]
                if not lines or item.items:
                    continue
                rules: dict[str, Decimal] = {}
                for line in lines:
                    rules[line.rule] = rules.get(line.rule, Decimal(0)) + line.points
                said = ", ".join(f"{rule} {show(points)}" for rule, points in rules.items())
                moved.append(f"{item.path} {show(item.score)} of {item.points} ({said})")
    if sheet.missing:
        moved.extend(f"no data: {why}" for why in sheet.missing)
    head = f"{sheet.unit.label} ({sheet.unit.code}): {total}"
    return head + (" — " + ", ".join(moved) if moved else " — every item at full points")


def _score(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    findings: scoring.Findings = inputs["findings"]
    standard: scoring.AssessmentStandard = inputs["standard"]
    day = inputs.get("on") or findings.start
    report = scoring.score_report(findings, standard, policy, on=day)
    sheets = report.sheets
    values: dict[str, object] = {
        "totals": FrozenMap({code: sheet.total for code, sheet in sheets.items()}),
        "grades": report.grades,
        "ranks": FrozenMap({e.unit: e.rank for e in report.ranking.entries}),
        "order": tuple(e.unit for e in report.ranking.entries),
        "red_flag": tuple(u for holders in report.red_flags.values() for u in holders),
        "no_data": tuple(code for code, sheet in sheets.items() if sheet.no_data),
    }
    title = f" ({standard.name})" if standard.name else ""
    parts = [
        f"standard {standard.id}{title}: out of {standard.total}, {standard.places} places, "
        f"{len(standard.leaves())} leaf item(s) (scoring.score)"
    ]
    unit = inputs.get("unit")
    if unit is not None:
        sheet = sheets[unit]
        values["total"] = sheet.total
        values["items"] = _item_scores(sheet)
        values["rank"] = report.ranking.rank_of(unit)
        values["grade"] = report.grades[unit]
        parts.extend(line.strip() for line in sheet.explain().splitlines())
    else:
        parts.extend(_summary(sheet) for sheet in list(sheets.values())[:_MORE])
        if len(sheets) > _MORE:
            parts.append(f"{len(sheets) - _MORE} more unit(s)")
    rules = AssessmentRules.of(policy)
    tie = rules.value("tie", day)
    parts.append(
        f"ranked within groups at assessment.ranking_precision = "
        f"{rules.value('ranking_precision', day)}, ties assessment.tie (then {list(tie.then)}, "
        f"unresolved {tie.unresolved}); grades by assessment.grades (scoring.score_report)"
    )
    return Outcome(values, "; ".join(parts))


SCORE = Subject(
    "score",
    "a period's scores under a standard, with grades, ranks and the red flag "
    "(scoring.score, score_report)",
    _score,
    {
        "findings": Input(
            r.findings, True, "a findings file (relative to this file), or findings inline"
        ),
        "standard": Input(
            r.standard,
            doc="a bundled standard's name or a standard file (default: the bundled one "
            "the findings name)",
        ),
        "on": Input(r.day, doc="the day the policy's dated values are read (default: start)"),
        "unit": Input(r.text, doc="the unit whose `total` and `items` a case expects"),
    },
    {
        "totals": Output(
            r.mapping(r.optional(r.number)),
            'each unit\'s total by unit ({ "320105001" = 94.43 }; none for no data)',
            numeric=True,
        ),
        "grades": Output(r.mapping(r.optional(r.word(Grade))), "grade by unit (none: no data)"),
        "ranks": Output(r.mapping(r.optional(r.count)), "rank within its group, by unit"),
        "order": Output(r.many(r.text), "the units in rank order, group by group, no data last"),
        "red_flag": Output(r.many(r.text), "who holds the red flag (流动红旗), group by group"),
        "no_data": Output(r.many(r.text), "the units with no total (无数据)"),
        "total": Output(r.optional(r.number), "the total of `unit`", numeric=True, needs=("unit",)),
        "rank": Output(r.optional(r.count), "the rank of `unit` in its group", needs=("unit",)),
        "grade": Output(r.optional(r.word(Grade)), "the grade of `unit`", needs=("unit",)),
        "items": Output(
            r.mapping(r.optional(r.number)),
            "scores of `unit`'s items by dotted path; only the items named are compared",
            numeric=True,
            needs=("unit",),
            partial=True,
        ),
    },
    aliases=("scores",),
    read=_read_score,
)


# ------------------------------------------------------------------ bonds

SCHEMES: tuple[str, ...] = tuple(
    f.name for f in attrs.fields(AssessmentRules) if f.type in (BondScheme, "BondScheme")
)
"""The policy's bond schemes a ``bonds`` case may name (``street_bonds``, ``bureau_bonds``)."""

_MONEY = ("paid_in", "refunded", "reward", "forfeited", "award")


def _scheme(reader: Reader, value: object, path: PathKey) -> Any:
    if value in SCHEMES:
        return value
    return reader.problem(
        path, f"{value!r} is not a bond scheme of the policy", did_you_mean(str(value), SCHEMES)
    )


def _bonds(inputs: Mapping[str, Any], policy: Policy) -> Outcome:
    name: str = inputs.get("scheme", "street_bonds")
    scheme: BondScheme = getattr(AssessmentRules.of(policy), name)
    winners: tuple[str, ...] = inputs.get("winners", ())
    day = inputs.get("on")
    ledger = scoring.settle_bonds(inputs["grades"], scheme, winners, on=day)
    units = [row for row in ledger.rows if not row.payer]
    values: dict[str, object] = {
        column: FrozenMap({row.unit: getattr(row, column) for row in units}) for column in _MONEY
    }
    for column in ("refunded", "forfeited"):
        personal: dict[str, Decimal] = {row.unit: Decimal(0) for row in units}
        for row in ledger.rows:
            if row.payer:
                personal[row.unit] += getattr(row, column)
        values[f"personal_{column}"] = FrozenMap(personal)
    total = ledger.total()
    values.update({f"total_{column}": getattr(total, column) for column in _MONEY})
    values["net_cost"] = ledger.net_cost
    values["balanced"] = ledger.balanced
    parts = [f"scheme {scheme.name or name} (assessment.{name})"]
    for row in units[:_MORE]:
        grade = row.grade
        assert grade is not None
        words = f"{row.unit_name} ({row.unit}) {grade.value} ({grade.chinese}): bond {row.paid_in}"
        words += f", refunded {row.refunded}, reward {row.reward}, forfeited {row.forfeited}"
        if row.award:
            words += f", award {row.award} (winner_award)"
        parts.append(f"{words} (assessment.{name}.outcomes.{grade.value})")
    if len(units) > _MORE:
        parts.append(f"{len(units) - _MORE} more unit(s)")
    payers = sorted({(row.payer, row.title, row.paid_in) for row in ledger.rows if row.payer})
    if payers:
        people = ", ".join(f"{title} {amount}" for _, title, amount in payers)
        parts.append(f"personal bonds per unit: {people} (assessment.{name}.payers)")
    parts.append(
        f"total paid in {total.paid_in}, refunded {total.refunded}, reward {total.reward}, "
        f"forfeited {total.forfeited}, award {total.award}; net cost {ledger.net_cost} "
        "(scoring.settle_bonds)"
    )
    return Outcome(values, "; ".join(parts))


def _money_table(what: str) -> Output:
    return Output(r.mapping(r.number), what, numeric=True)


BONDS = Subject(
    "bonds",
    "a year's bond ledger (保证金) from the annual grades, on the policy's bond scheme "
    "(scoring.settle_bonds)",
    _bonds,
    {
        "grades": Input(
            r.mapping(r.word(Grade)), True, 'annual grade by unit: { "320105001" = "优秀", … }'
        ),
        "winners": Input(r.many(r.text), doc="units the city named winners (优胜)"),
        "on": Input(r.day, doc="a day of the settled year (needed when amounts are dated)"),
        "scheme": Input(_scheme, doc="street_bonds (default) or bureau_bonds"),
    },
    {
        "paid_in": _money_table("each unit's bond (单位保证金) paid in, by unit, yuan"),
        "refunded": _money_table("each unit's bond refunded, by unit"),
        "reward": _money_table("each unit's reward, by unit"),
        "forfeited": _money_table("each unit's bond forfeited, by unit"),
        "award": _money_table("each winner's award (others 0), by unit"),
        "personal_refunded": _money_table("the unit's personal bonds refunded, by unit"),
        "personal_forfeited": _money_table("the unit's personal bonds forfeited, by unit"),
        **{
            f"total_{column}": Output(
                r.number,
                f"the ledger's {column.replace('_', ' ')}, personal bonds included",
                numeric=True,
            )
            for column in _MONEY
        },
        "net_cost": Output(r.number, "rewards and awards less forfeits", numeric=True),
        "balanced": Output(r.boolean, "every bond paid in is refunded or forfeited"),
    },
    aliases=("bond_ledger",),
)
