"""The escalation section of ``urbangov demo``: two stories from the sample district.

1. A minor problem closed in the grid (小事不出网格): handled on time, no time-out step.
2. A problem on the boundary of two streets: their coordinator, the district, handles it;
   it times out, is reminded (《催办通知书》, copied to the leader), climbs to the city,
   is supervised by it (督办) and ends in a written criticism (书面通报批评), with the
   people accountable at each step.

The second story's policy is the default one with two steps inserted between the
published 12345 procedure's reminder and its criticism (an escalation and the city's
supervision: a city's choice, shown here because the published procedure has neither).
"""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from urbangov import escalation
from urbangov.cases import Case, CaseEvent
from urbangov.graph import AccountabilityGraph
from urbangov.org import City
from urbangov.policy import Policy

__all__ = ["DEMO_STEPS", "demo_policy", "demo_section", "grid_story", "street_story"]

_SHANGHAI = ZoneInfo("Asia/Shanghai")
_PROCEDURE = "12345催办通报程序"

DEMO_STEPS = [
    {
        "name": "reminder_notice",
        "action": "remind",
        "after": "1 working day",
        "title": "《催办通知书》",
        "source": f"{_PROCEDURE}: 办理时限到期次日发出《催办通知书》",
    },
    {
        "name": "copy_to_leader",
        "action": "notify_head",
        "after": "0 working days",
        "since": "reminder_notice",
        "title": "抄报分管领导",
        "source": f"{_PROCEDURE}: 同时抄报该部门分管局领导",
    },
    {
        "name": "escalate",
        "action": "escalate",
        "after": "2 working days",
        "since": "reminder_notice",
        "title": "提级",
        "source": "the demo's choice: one level up two working days after the reminder",
    },
    {
        "name": "city_supervision",
        "action": "supervise",
        "after": "3 working days",
        "since": "reminder_notice",
        "by": "city",
        "title": "市督办",
        "source": "the demo's choice: the city supervises three working days after it",
    },
    {
        "name": "written_criticism",
        "action": "circulate",
        "after": "5 working days",
        "since": "reminder_notice",
        "measure": "notice_of_criticism",
        "title": "书面通报批评",
        "source": f"{_PROCEDURE}: 经一次催办仍超过办理时限5个工作日且不报告说明理由的, "
        "书面通报批评",
    },
]
"""The second story's steps: the published procedure with an escalation and the city's
supervision inserted."""


def demo_policy() -> Policy:
    """The default policy with :data:`DEMO_STEPS` as its time-out steps."""
    return Policy.default().reform({"escalation.steps": DEMO_STEPS})


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def _at(month: int, day: int, hour: int, minute: int = 0) -> _dt.datetime:
    return _dt.datetime(2024, month, day, hour, minute, tzinfo=_SHANGHAI)


def _case(case_id: str, category: str, grid: str, events: list[CaseEvent]) -> Case:
    return Case.new(case_id, category, grid, reported_at=events[0].at, history=tuple(events))


def _people(answerable: tuple[escalation.Answerable, ...], lang: str) -> str:
    """Who answers, nearest first: people and bodies up the chain and the lead
    department; the paired leaders as a count."""
    named = [a for a in answerable if a.role != "pairing"]
    paired = len(answerable) - len(named)
    text = "、".join(a.name for a in named)
    if paired:
        text += _label(lang, f" + {paired} paired leaders", f" + 包抓/挂点领导{paired}人")
    return text


def _level(city: City, state: escalation.EscalationState, lang: str) -> str:
    unit = city.hierarchy.unit(state.unit)
    return f"{_label(lang, state.level.slug, state.level.chinese)} {unit.name}"


def grid_story(city: City, policy: Policy, *, lang: str = "en") -> Table:
    """A minor problem (暴露垃圾) closed in the grid within its limit."""
    grid = "320105001001001"
    case = _case(
        "DEMO-1",
        "暴露垃圾",
        grid,
        [
            CaseEvent("accept", _at(5, 7, 9, 0), actor="p0018"),
            CaseEvent("file", _at(5, 7, 9, 10)),
            CaseEvent("dispatch", _at(5, 7, 9, 15), department="street_office_001"),
            CaseEvent("handle", _at(5, 7, 11, 40)),
            CaseEvent("verify_pass", _at(5, 7, 12, 0)),
            CaseEvent("close", _at(5, 7, 12, 5)),
        ],
    )
    graph = AccountabilityGraph.from_city(city)
    end = _at(5, 7, 12, 5)
    state = escalation.state(case, end, policy, city.hierarchy)
    people = escalation.accountable(case, end, graph, policy, state=state)
    table = Table(
        title=_label(
            lang,
            "Escalation 1: a minor problem closed in the grid (小事不出网格)",
            "升级示例一：小事不出网格",
        ),
        show_header=False,
        width=80,
    )
    table.add_column(overflow="fold")
    table.add_column(overflow="fold")
    assert state.due is not None
    rows = [
        (_label(lang, "case", "案件"), f"{case.id} 暴露垃圾 @ {city.hierarchy.unit(grid).name}"),
        (_label(lang, "handled by", "处置层级"), _level(city, state, lang)),
        (_label(lang, "due", "处置时限"), f"{state.due:%a %m-%d %H:%M} (4 working hours)"),
        (
            _label(lang, "handled", "处置反馈"),
            f"{_at(5, 7, 11, 40):%a %m-%d %H:%M} "
            + _label(lang, "on time: no time-out step", "按期，未触发超时处置"),
        ),
        (_label(lang, "accountable", "问责对象"), _people(people, lang)),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


def street_story(city: City, policy: Policy, *, lang: str = "en") -> Table:
    """A problem of two streets that times out and climbs, with who answers at each step."""
    grid, other = "320105001001001", "320105002001001"
    dispatched = _at(6, 4, 10, 0)
    case = _case(
        "DEMO-2",
        "积存垃圾渣土",
        grid,
        [
            CaseEvent("accept", _at(6, 4, 9, 0)),
            CaseEvent("file", _at(6, 4, 9, 30)),
            CaseEvent("dispatch", dispatched, department="hw_station"),
        ],
    )
    h = city.hierarchy
    graph = AccountabilityGraph.from_city(city)
    spans = (other,)  # the pile lies across the boundary of 南湖 and 滨湖
    steps = escalation.timeline(case, policy, h, territories=spans)
    names = {d.code: d.name for d in city.organisation.departments}
    moments = [(dispatched, _label(lang, "dispatched to 区环卫所", "派遣至区环卫所"))]
    first = escalation.state(case, dispatched, policy, h, territories=spans)
    assert first.due is not None
    moments.append((first.due, _label(lang, "due: 4 working days", "处置时限届满（4个工作日）")))
    moments += [(s.at, s.step.describe(lang)) for s in steps]
    table = Table(
        title=_label(
            lang,
            "Escalation 2: a problem of two streets times out (06-10 Dragon Boat: not worked)",
            "升级示例二：跨街道问题超时升级（端午节 06-10 不计）",
        ),
        width=80,
    )
    for en, zh in (
        ("when", "时间"),
        ("step", "步骤"),
        ("handled by", "处置层级"),
        ("accountable (nearest first)", "问责对象（由近及远）"),
    ):
        table.add_column(_label(lang, en, zh), overflow="fold")
    previous = ""
    for when, what in moments:
        state = escalation.state(case, when, policy, h, territories=spans)
        people = escalation.accountable(case, when, graph, policy, territories=spans, state=state)
        text = _people(people, lang)
        shown = _label(lang, "as above", "同上") if text == previous else text
        previous = text
        table.add_row(f"{when:%a %m-%d %H:%M}", what, _level(city, state, lang), shown)
    last = steps[-1].at if steps else dispatched
    found = escalation.triggers(None, policy, cases=[case], at=last)
    if found:
        table.caption = _label(lang, "trigger: ", "问责触发：") + "; ".join(
            f"{names.get(t.unit, t.unit)} — {t.measure.chinese} ({t.rule})" for t in found
        )
    return table


def demo_section(console: Console, city: City, *, lang: str = "en") -> None:
    """Print the two escalation stories."""
    console.print(grid_story(city, Policy.default(), lang=lang))
    console.print(street_story(city, demo_policy(), lang=lang))
