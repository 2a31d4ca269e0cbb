"""Assessment (考核): standards, score sheets, composites, grades, rankings, red flags
and bonds.

Cities judge streets and departments by long checklists, publish monthly rankings, hand
a mobile red flag (流动红旗) to the best and a black list to the worst, and settle bonds
(保证金) by the annual grade. This package does each step exactly, so that a published
table can be reproduced and a change of method tried on it:

- :class:`AssessmentStandard` (``kind = "standard"`` files, bundled ones by name): a tree
  of :class:`Item` s with points, floors, bonus items and rules — per finding (by stage
  and finder), per case (× the case's source), per percentage point short of a target
  rate, a clamped linear score of a rate, bands, rank adjustments, per trigger, given
  marks;
- :class:`Findings` (``kind = "findings"`` files, TOML or CSV): what was found, the KPI
  counts, tallies, marks and triggers of each unit;
- :func:`score` → a :class:`ScoreSheet` per unit, every point traceable
  (:meth:`ScoreSheet.explain`); :func:`score_batch` the same totals over columns in int64
  fixed point;
- :func:`score_report`: a period's sheets, ranking, grades, red flags and bond ledger
  under a Policy's rules (:class:`ScoreReport`), what ``urbangov score`` shows;
- :func:`composite`, :func:`annual`, :func:`grade`, :func:`rank`, :func:`red_flag`,
  :func:`red_list`, :func:`black_list`, :func:`settle_bonds`;
- :class:`AssessmentRules`: the Policy's ``assessment`` section (cut-offs, weights,
  rounding, tie rule, bond schemes).

The 数字城管 standard (after 金华's 考核细则): 按期结案率 65 / 100 = 65%, 5 points short
of 70%; 结案率 80 / 100 = 80%, 10 short of 90%; one sent-back case (−0.2); ranked first of
one (+2). (The 5 suspended cases stay in due: counts urbangov computes keep a resumed
case in due and closed alike; see ``docs/scoring.md``.)

>>> std = AssessmentStandard.bundled("digital_city_management")
>>> f = Findings(units=[{"code": "320105001", "name": "南湖街道"}], kpis=[
...     {"unit": "320105001", "counts": {"due": 100, "closed": 80, "closed_on_time": 65,
...                                      "suspended": 5, "overdue": 35}},
...     {"unit": "320105001", "subset": "urgent", "counts": {"due": 4, "closed": 4,
...                                                         "closed_on_time": 4}}],
...     tallies=[{"unit": "320105001", "name": "handled_same_day", "count": 9, "of": 10}],
...     findings=[{"unit": "320105001", "item": "rework", "outcome": "sent_back"}])
>>> sheet = score(f, std)["320105001"]
>>> sheet.item("on_time").score, sheet.item("closure").score, sheet.item("rework").score
(Decimal('45.00'), Decimal('10.00'), Decimal('4.8'))
>>> sheet.total
Decimal('86.80')
"""

from urbangov._internal.public import publish
from urbangov.scoring._batch import score_batch
from urbangov.scoring._bonds import (
    BondLedger,
    BondScheme,
    GradeOutcome,
    LedgerRow,
    Payer,
    UnitBond,
    settle_bonds,
)
from urbangov.scoring._columns import BatchScores, Entry, FindingColumns, entries
from urbangov.scoring._composite import (
    CompositeScore,
    Cutoff,
    Cutoffs,
    annual,
    composite,
    grade,
)
from urbangov.scoring._findings import (
    AssessedUnit,
    Finding,
    KpiRecord,
    Mark,
    RecordedTrigger,
    Tally,
    TriggerLike,
)
from urbangov.scoring._findings_files import CSV_COLUMNS, Findings
from urbangov.scoring._items import Item
from urbangov.scoring._numbers import Rounding, half_up
from urbangov.scoring._rank import (
    Ranked,
    Ranking,
    TieRule,
    black_list,
    rank,
    red_flag,
    red_list,
)
from urbangov.scoring._rates import KPI_RATES, Band, RateBands, RateLinear, RateTarget, rate_of
from urbangov.scoring._report import ScoreReport, score_report
from urbangov.scoring._rules import RULE_KINDS, Given, PerCase, PerFinding, PerTrigger, RankAdjust
from urbangov.scoring._score import score
from urbangov.scoring._section import AssessmentRules
from urbangov.scoring._sheets import ItemScore, Line, ScoreSheet, SourceSheet
from urbangov.scoring._standard import AssessmentStandard, Leaf
from urbangov.scoring._terms import AssessmentSource, FindingStage, Grade

__all__ = [
    "CSV_COLUMNS",
    "KPI_RATES",
    "RULE_KINDS",
    "AssessedUnit",
    "AssessmentRules",
    "AssessmentSource",
    "AssessmentStandard",
    "Band",
    "BatchScores",
    "BondLedger",
    "BondScheme",
    "CompositeScore",
    "Cutoff",
    "Cutoffs",
    "Entry",
    "Finding",
    "FindingColumns",
    "FindingStage",
    "Findings",
    "Given",
    "Grade",
    "GradeOutcome",
    "Item",
    "ItemScore",
    "KpiRecord",
    "Leaf",
    "LedgerRow",
    "Line",
    "Mark",
    "Payer",
    "PerCase",
    "PerFinding",
    "PerTrigger",
    "RankAdjust",
    "Ranked",
    "Ranking",
    "RateBands",
    "RateLinear",
    "RateTarget",
    "RecordedTrigger",
    "Rounding",
    "ScoreReport",
    "ScoreSheet",
    "SourceSheet",
    "Tally",
    "TieRule",
    "TriggerLike",
    "UnitBond",
    "annual",
    "black_list",
    "composite",
    "entries",
    "grade",
    "half_up",
    "rank",
    "rate_of",
    "red_flag",
    "red_list",
    "score",
    "score_batch",
    "score_report",
    "settle_bonds",
]

publish(__name__, __all__)
