"""Write docs/glossary.md: the governance terms (written here) and every bilingual word
of urbangov's vocabularies (read from the enums, so the glossary cannot drift from the
code; ``tests/docs/test_glossary.py`` checks that the file is what this script writes).

    python scripts/make_glossary.py            # rewrites docs/glossary.md
"""

from __future__ import annotations

import re
import sys
from enum import Enum
from pathlib import Path

from urbangov import calendar, cases, escalation, org, scoring, taxonomy, vocabulary, zones

PAGE = Path(__file__).resolve().parents[1] / "docs" / "glossary.md"

HEAD = """\
# Glossary (术语表)

The Chinese terms of city management (城市管理) that urbangov models, with the English
words the library uses. The first table is the governance vocabulary the docs use; the
tables after it are every word of urbangov's vocabularies — the values written in files
(`"strict"`), which every `parse` also accepts as the Chinese term (`"严管区"`) or the
member name (`"STRICT"`). They are generated from the code by
`scripts/make_glossary.py`, so they are always the words the library reads.
"""

#: (Chinese, English, where in urbangov): the governance words the docs use.
TERMS: tuple[tuple[str, str, str], ...] = (
    ("城市管理 (城管)", "city management", "the domain as a whole"),
    (
        "网格化管理",
        "grid management: the city divided into grids, each with its own people",
        "`hierarchy` (levels down to `grid`), `org`",
    ),
    (
        "数字城管",
        "digital city management: the supervision and dispatch platform",
        "`cases` (the workflow), `kpi`",
    ),
    (
        "万米单元网格",
        "the 10,000 m² unit grid of the national standard",
        "`Level.GRID`; `Unit.area_m2`",
    ),
    ("区—街道—社区—网格", "district, street, community, grid", "`Level`; `Hierarchy`"),
    (
        "两级政府、三级管理、四级网络",
        "two tiers of government, three of management, four of network",
        "the levels and their parties (`City.party`)",
    ),
    (
        "第一责任人",
        "first responsible person: the head who answers for a unit",
        "`Role.FIRST_RESPONSIBLE`; `escalation.accountable`",
    ),
    (
        "牵头 / 配合",
        "lead / cooperate on a duty",
        "the duty matrix: `City.lead_for`, `cooperating_for`",
    ),
    (
        "四定四包",
        "four fixes, four charges: 大队包区, 中队包片, 分队包街, 个人包段",
        "`Department.covers`, `Sector`, `Person.segments`",
    ),
    (
        "门前三包",
        "the three duties in front of a shop: appearance, sanitation, order",
        "`Frontage`",
    ),
    ("包抓 / 挂点", "a leader's charge of / attachment to a unit", "`Pairing`"),
    ("目标责任书", "target-responsibility contract", "`Contract`"),
    (
        "小事不出网格、大事不出街道",
        "minor problems stay in the grid, major ones in the street",
        "`escalation.handling_level`",
    ),
    ("吹哨报到", "the street blows the whistle, departments report in", "`escalation.whistle`"),
    ("12345 热线", "the citizens' service hotline", "`Source.HOTLINE`; the escalation steps"),
    ("催办 / 督办 / 通报", "reminder / supervision / public notice of a late case", "`StepAction`"),
    ("过错责任追究", "accountability for faults", "`Measure`; `escalation.triggers`"),
    (
        "调休",
        "moved working days: a weekend worked so a holiday can be longer",
        "`DayKind.MAKEUP_WORKDAY`; `WorkCalendar`",
    ),
    ("工作时 / 工作日", "working hours / working days", "`TimeUnit`; `TimeLimit`"),
    ("办理时限", "the time limit of a case", "`deadlines`; the policy's `deadlines` section"),
    ("级差管理", "tiered management of zones", "`zones`; `ZoneTier`"),
    ("严管区 / 控制区 / 一般区", "strict / control / general zone", "`ZoneTier`"),
    ("考评 / 考核", "assessment", "`scoring`"),
    ("得分制 / 扣分制", "scoring by points earned / by points deducted", "`AssessmentStandard`"),
    ("流动红旗", "the mobile red flag of the month's first", "`scoring.red_flag`"),
    (
        "红榜 / 黑榜",
        "red list (the best) / black list (the worst)",
        "`scoring.red_list`, `black_list`",
    ),
    (
        "保证金",
        "bond (deposit) returned, forfeited or rewarded by the year's grade",
        "`scoring.settle_bonds`, `BondLedger`",
    ),
    (
        "立案 / 派遣 / 处置 / 核查 / 结案",
        "file / dispatch / handle / verify / close",
        "`EventKind`; `Status`",
    ),
    ("按期结案率", "on-time rate", "`kpi.on_time_rate`"),
)

#: The KPI counts and rates (the definitions are in docs/kpi.md).
KPI_TERMS: tuple[tuple[str, str, str], ...] = (
    ("受理数", "received", "`KpiCounts.received`"),
    ("立案数", "filed", "`KpiCounts.filed`"),
    ("派遣数", "dispatched", "`KpiCounts.dispatched`"),
    ("作废数", "voided", "`KpiCounts.voided`"),
    ("应结案数", "due", "`KpiCounts.due`"),
    ("结案数", "closed", "`KpiCounts.closed`"),
    ("按期结案数", "closed on time", "`KpiCounts.closed_on_time`"),
    ("返工数", "reworked", "`KpiCounts.reworked`"),
    ("延期数", "extended", "`KpiCounts.extended`"),
    ("缓办数", "suspended", "`KpiCounts.suspended`"),
    ("超期数", "overdue", "`KpiCounts.overdue`"),
    ("立案率", "filing rate", "`kpi.filing_rate`"),
    ("派遣率", "dispatch rate", "`kpi.dispatch_rate`"),
    ("结案率", "closure rate", "`kpi.closure_rate`"),
    ("返工率", "rework rate", "`kpi.rework_rate`"),
    ("延期率", "extension rate", "`kpi.extension_rate`"),
)

#: (heading, package name as users import it, the enums), in the docs' order.
SECTIONS: tuple[tuple[str, str, tuple[type[Enum], ...]], ...] = (
    ("Territory and duties", "urbangov.vocabulary", (
        vocabulary.Level, vocabulary.Domain, vocabulary.ZoneTier,
        vocabulary.Urgency, vocabulary.Source,
    )),
    ("Organisation", "urbangov.org", (
        org.DepartmentKind, org.Role, org.CommitteeKind, org.PairingKind,
    )),
    ("Cases", "urbangov.cases", (
        cases.Status, cases.EventKind, cases.Outcome, cases.QueueDiscipline,
        cases.FirstAskedUntil,
    )),
    ("Working time", "urbangov.calendar", (calendar.DayKind, calendar.TimeUnit)),
    ("Taxonomy", "urbangov.taxonomy", (taxonomy.CategoryKind, taxonomy.CodeSource)),
    ("Zones", "urbangov.zones", (
        zones.Permission, zones.AreaKind, zones.PlaceKind, zones.PatrolKind, zones.DayFilter,
    )),
    ("Escalation", "urbangov.escalation", (
        escalation.Severity, escalation.StepAction, escalation.Measure,
        escalation.Magnitude, escalation.ResponseLevel, escalation.WhistleSituation,
        escalation.TriggerKind,
    )),
    ("Assessment", "urbangov.scoring", (
        scoring.Grade, scoring.AssessmentSource, scoring.FindingStage,
    )),
)  # fmt: skip


def _plain(text: str) -> str:
    """A docstring's first sentence as Markdown: ``x`` and :class:`x` become `x`."""
    return re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text).replace("``", "`")


def _word(member: Enum) -> str:
    """The word files use: the value, or for an integer enum (Level) its name."""
    value = member.value
    return member.name.lower() if isinstance(value, int) else str(value)


def _table(rows: tuple[tuple[str, str, str], ...]) -> str:
    lines = ["| Chinese | English | in urbangov |", "|---|---|---|"]
    lines.extend(f"| {zh} | {en} | {where} |" for zh, en, where in rows)
    return "\n".join(lines) + "\n"


def page() -> str:
    """The whole glossary page."""
    parts = [HEAD, "\n## Governance terms\n\n", _table(TERMS)]
    parts += ["\n## KPI counts and rates\n\n", _table(KPI_TERMS), "\n## The vocabularies\n"]
    for heading, package, enums in SECTIONS:
        parts.append(f"\n### {heading} (`{package}`)\n")
        for enum in enums:
            doc = _plain((enum.__doc__ or "").strip().splitlines()[0].rstrip("."))
            parts.append(
                f"\n`{enum.__name__}` — {doc}.\n\n| Chinese | in files | member |\n|---|---|---|\n"
            )
            for member in enum:
                chinese = member.chinese
                parts.append(
                    f"| {chinese} | `{_word(member)}` | `{enum.__name__}.{member.name}` |\n"
                )
    return "".join(parts)


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else PAGE
    target.write_text(page(), encoding="utf-8")


if __name__ == "__main__":
    main()
