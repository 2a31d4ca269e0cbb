"""The case section of ``urbangov demo``: one case through the digital city-management
workflow with its working-time deadline (the month's rates come from the simulation
section, ``demo_sim``)."""

from __future__ import annotations

import datetime as _dt
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from urbangov import deadlines
from urbangov.cases import Case, CaseEvent, apply, dispatch_to_lead
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.vocabulary import Level

__all__ = ["case_table", "demo_section"]

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def case_table(city: City, policy: Policy, *, lang: str = "en") -> Table:
    """Exposed garbage reported on Friday 2024-09-27 at 16:00 in a 南湖 grid.

    Its 4 working-hour limit (default_policy.toml cites the table) runs from dispatch:
    1 h 40 min on Friday, none on Saturday, and the rest on Sunday 2024-09-29 — a make-up
    workday (调休上班) of the State Council's 2024 holiday notice.
    """
    calendar = policy.work_calendar()
    grid = city.hierarchy.descendants(city.hierarchy.at_level(Level.STREET)[0], level="grid")[0]

    def at(day: int, hour: int, minute: int) -> _dt.datetime:
        return _dt.datetime(2024, 9, day, hour, minute, tzinfo=_SHANGHAI)

    case = Case.new("DEMO-1", "暴露垃圾", grid.code, reported_at=at(27, 16, 0))
    steps: list[tuple[Case, str]] = [(case, _label(lang, "reported", "上报"))]
    case = apply(case, CaseEvent("accept", at(27, 16, 5)), policy)
    steps.append((case, _label(lang, "accepted", "受理")))
    case = apply(case, CaseEvent("file", at(27, 16, 10)), policy)
    steps.append((case, _label(lang, "filed", "立案")))
    case = dispatch_to_lead(case, at(27, 16, 20), city.duties, rules=policy)
    steps.append((case, _label(lang, "dispatched to the lead", "派遣至牵头单位")))
    due = deadlines.deadline(case, policy, calendar)
    if due is None or due.due is None:  # pragma: no cover - the default policy has a limit
        raise RuntimeError("the default policy gave the demo case no deadline")
    case = apply(case, CaseEvent("handle", at(29, 10, 40), note="cleared"), policy)
    steps.append((case, _label(lang, "handled", "处置反馈")))
    case = apply(case, CaseEvent("verify_pass", at(29, 10, 55)), policy)
    steps.append((case, _label(lang, "verified", "核查通过")))
    case = apply(case, CaseEvent("close", at(29, 11, 0)), policy)
    steps.append((case, _label(lang, "closed", "结案")))

    title = _label(
        lang,
        f"A case of exposed garbage (暴露垃圾) in {grid.name}: due {due.due:%a %Y-%m-%d %H:%M}",
        f"{grid.name}暴露垃圾案件：处置时限至 {due.due:%Y-%m-%d %H:%M}",
    )
    table = Table(title=title, caption=due.applied.explain())
    table.add_column(_label(lang, "step", "环节"))
    table.add_column(_label(lang, "time", "时间"))
    table.add_column(_label(lang, "status", "状态"))
    table.add_column(_label(lang, "department", "部门"))
    table.add_column(_label(lang, "working time left", "剩余工作时间"), justify="right")
    names = {d.code: d.name for d in city.organisation.departments}
    names |= {u.code: u.name for u in city.hierarchy.at_level(Level.STREET)}
    for state, what in steps:
        when = state.history[-1].at if state.history else state.reported_at
        left = deadlines.remaining(case, policy, calendar, when)
        department = state.department or ""
        table.add_row(
            what,
            f"{when:%a %m-%d %H:%M}",
            state.status.value,
            names.get(department, department),
            "" if left is None else str(left),
        )
    return table


def demo_section(console: Console, city: City, *, lang: str = "en") -> None:
    """Print the case walk-through (the KPIs come from the simulation section)."""
    policy = Policy.default()
    console.print(case_table(city, policy, lang=lang))
