"""The escalation section of ``urbangov demo``: the simulated month's time-out steps and
triggers by street, and two stories picked from its cases.

1. A minor problem closed in the grid (小事不出网格): the first simulated case of exposed
   garbage (暴露垃圾) handled in its grid within its limit, closed, with no time-out step.
2. The case of the month that went furthest up the ladder of time-out steps (the
   published 12345 procedure of the default policy: 《催办通知书》 the working day after the
   due date, copied to the responsible leader, a written criticism 5 working days
   later), with who answers for it at each step.

Everything comes from the result of ``sim.run`` (``result.escalations``) and the
escalation package's scalar functions (``state``, ``accountable``) on the chosen cases.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
from rich.console import Console
from rich.table import Table

from urbangov import deadlines, escalation, sim
from urbangov.cases import Case, CaseColumns, EventKind
from urbangov.escalation import EscalationPolicy
from urbangov.graph import AccountabilityGraph
from urbangov.org import City
from urbangov.vocabulary import Level

__all__ = ["case_of", "demo_section", "grid_story", "ladder_story", "pick_stories", "steps_table"]

_NAT = np.iinfo(np.int64).min


def _label(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh" else en


def case_of(cases: CaseColumns, row: int, tz: str = "Asia/Shanghai") -> Case:
    """Case ``row`` of a case table as a :class:`~urbangov.cases.Case` (one case's
    columns through ``CaseColumns.to_cases``)."""
    ev = np.flatnonzero(cases.case == row)
    one = [row]
    sub = CaseColumns(
        ids=[cases.ids[row]],
        category=cases.category[one],
        categories=cases.categories,
        grid=cases.grid[one],
        grids=cases.grids,
        urgency=cases.urgency[one],
        source=cases.source[one],
        zone=cases.zone[one],
        reported_at=cases.reported_at[one],
        case=np.zeros(ev.size, dtype=np.int64),
        kind=cases.kind[ev],
        at=cases.at[ev],
        extension_min=cases.extension_min[ev],
        extension_unit=cases.extension_unit[ev],
        event_department=cases.event_department[ev],
        departments=cases.departments,
        actor=cases.actor[ev],
        actors=cases.actors,
        outcome=cases.outcome[ev],
        note=cases.note[ev],
        notes=cases.notes,
        segment=cases.segment[one],
        segments=cases.segments,
    )
    return sub.to_cases(tz)[0]


def pick_stories(result: sim.SimResult, city: City) -> tuple[int, int]:
    """The rows of the two stories' cases.

    The grid story's: the first case (by id) of exposed garbage handled in its grid
    (``state.level`` the grid), closed, on time, with no step. The ladder story's: the
    case with the most steps taken; among those, one still open at the run's end
    first, then the one whose first step fell due earliest, then the first by id.
    """
    esc = result.escalations
    if not isinstance(esc, sim.Escalations):
        raise TypeError("the demo reads the built-in escalations")
    s = esc.state
    closed = np.zeros(result.cases.n_cases, dtype=np.bool_)
    closed[result.cases.case[result.cases.kind == EventKind.CLOSE.code]] = True
    stopped = deadlines.deadline_batch(result.cases, result.policy, at=result.end).stopped
    on_time = (
        ~np.isnat(s.due) & ~np.isnat(stopped) & (stopped.view(np.int64) <= s.due.view(np.int64))
    )
    garbage = result.cases.categories.index("exposed_garbage")
    grid = (
        (result.cases.category == garbage)
        & (s.level == int(Level.GRID))
        & closed
        & on_time
        & (s.taken == 0)
    )
    first = int(np.flatnonzero(grid)[0])
    most = int(s.taken.max())
    top = np.flatnonzero(s.taken == most)
    still_open = s.next_step[top] >= 0
    earliest = s.taken_at.view(np.int64)[top]
    earliest = np.where(earliest == _NAT, np.iinfo(np.int64).max, earliest).min(axis=1)
    order = np.lexsort((top, earliest, ~still_open))
    return first, int(top[order[0]])


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


def _when(t: _dt.datetime) -> str:
    return f"{t:%a %m-%d %H:%M}"


def steps_table(result: sim.SimResult, city: City, *, lang: str = "en") -> Table:
    """Cases reaching each time-out step in the month, and the KPI triggers, by street."""
    esc = result.escalations
    assert isinstance(esc, sim.Escalations)
    month = esc.months[0]
    policy = result.policy
    steps = EscalationPolicy.of(policy).steps.at(month)
    table = Table(
        title=_label(
            lang,
            f"Time-out steps and triggers by street, {month:%B %Y} (simulated)",
            f"各街道超时处置与问责触发，{month:%Y年%-m月}（模拟）",
        ),
        caption=_label(
            lang,
            "cases whose step fell due in the month; triggers: escalation.triggers on the "
            "street's KPI counts of the month",
            "当月到期的超时处置步骤（件）；问责触发：按各街道当月考核数据判定",
        ),
    )
    table.add_column(_label(lang, "street", "街道"), no_wrap=True)
    for step in steps:
        table.add_column(step.describe(lang), justify="right", overflow="fold")
    table.add_column(_label(lang, "KPI triggers", "考核数据触发"), overflow="fold")
    names = {u.code: u.name for u in city.hierarchy.at_level(Level.STREET)}
    counts = esc.counts["street"]
    for code, name in names.items():
        got = counts.get((code, month))
        measures = [t.measure for t in esc.triggers[month] if t.unit == code]
        shown = "、".join(
            m.chinese if lang == "zh" else m.value.replace("_", " ") for m in measures
        )
        table.add_row(name, *(str(got.get(s.name, 0)) for s in steps), shown or "—")
    table.add_section()
    whole = esc.counts["month"].get(month)
    table.add_row(_label(lang, "district", "全区"), *(str(whole.get(s.name, 0)) for s in steps), "")
    return table


def grid_story(result: sim.SimResult, city: City, row: int, *, lang: str = "en") -> Table:
    """A minor problem handled in its grid within its limit: no time-out step."""
    policy, h = result.policy, city.hierarchy
    case = case_of(result.cases, row, policy.work_calendar().tz)
    graph = AccountabilityGraph.from_city(city)
    dispatch = next(e for e in case.history if e.kind is EventKind.DISPATCH)
    handled = [e for e in case.history if e.kind is EventKind.HANDLE][-1]
    closed = case.history[-1]
    state = escalation.state(case, closed.at, policy, h)
    people = escalation.accountable(case, closed.at, graph, policy, state=state)
    d = deadlines.deadline(case, policy)
    assert d is not None
    assert d.due is not None
    names = {x.code: x.name for x in city.organisation.departments}
    category = policy.taxonomy().resolve(case.category).name
    table = Table(
        title=_label(
            lang,
            f"Escalation 1: a minor problem closed in the grid (小事不出网格), case {case.id}",
            f"升级示例一：小事不出网格（模拟案件 {case.id}）",
        ),
        show_header=False,
        width=80,
    )
    table.add_column(overflow="fold")
    table.add_column(overflow="fold")
    source = case.source.chinese if lang == "zh" else f"reported by {case.source.value}"
    rows = [
        (_label(lang, "case", "案件"), f"{category} @ {h.unit(case.grid).name} ({source})"),
        (_label(lang, "handled by", "处置层级"), _level(city, state, lang)),
        (
            _label(lang, "dispatched", "派遣"),
            f"{_when(dispatch.at)} → {names.get(dispatch.department or '', dispatch.department)}",
        ),
        (
            _label(lang, "due", "处置时限"),
            f"{_when(d.due)} ({d.applied.limit.chinese if lang == 'zh' else d.applied.limit})",
        ),
        (
            _label(lang, "handled", "处置反馈"),
            f"{_when(handled.at)} "
            + _label(lang, "on time: no time-out step", "按期，未触发超时处置"),
        ),
        (_label(lang, "closed", "结案"), _when(closed.at)),
        (_label(lang, "accountable", "问责对象"), _people(people, lang)),
    ]
    for key, value in rows:
        table.add_row(key, value)
    return table


def ladder_story(result: sim.SimResult, city: City, row: int, *, lang: str = "en") -> Table:
    """The case that went furthest up the time-out steps, with who answers at each."""
    policy, h = result.policy, city.hierarchy
    case = case_of(result.cases, row, policy.work_calendar().tz)
    graph = AccountabilityGraph.from_city(city)
    names = {x.code: x.name for x in city.organisation.departments}
    end = result.end
    final = escalation.state(case, end, policy, h)
    assert final.due is not None
    dispatch = next(e for e in case.history if e.kind is EventKind.DISPATCH)
    department = names.get(dispatch.department or "", dispatch.department or "")
    moments = [
        (dispatch.at, _label(lang, f"dispatched to {department}", f"派遣至{department}")),
        (final.due, _label(lang, "due", "处置时限届满")),
    ]
    moments += [(s.at, s.step.describe(lang)) for s in final.taken]
    for e in case.history:
        if (
            e.kind in (EventKind.HANDLE, EventKind.VERIFY_FAIL, EventKind.CLOSE)
            and e.at > final.due
        ):
            word = {
                EventKind.HANDLE: ("handled", "处置反馈"),
                EventKind.VERIFY_FAIL: ("verification failed (返工)", "核查未通过（返工）"),
                EventKind.CLOSE: ("closed", "结案"),
            }[e.kind]
            moments.append((e.at, _label(lang, *word)))
    moments.sort(key=lambda m: m[0])
    category = policy.taxonomy().resolve(case.category).name
    table = Table(
        title=_label(
            lang,
            f"Escalation 2: case {case.id}, {category} @ {h.unit(case.grid).name}, "
            "times out and goes up the steps",
            f"升级示例二：模拟案件 {case.id}（{category}，{h.unit(case.grid).name}）超时处置",
        ),
        width=80,
    )
    rows = []
    for when, what in moments:
        state = escalation.state(case, when, policy, h)
        people = escalation.accountable(case, when, graph, policy, state=state)
        rows.append((when, what, _level(city, state, lang), _people(people, lang)))
    levels = {r[2] for r in rows}
    headers = [("when", "时间"), ("step", "步骤")]
    if len(levels) > 1:  # the case climbed a level: show who handled it at each step
        headers.append(("handled by", "处置层级"))
    headers.append(("accountable (nearest first)", "问责对象（由近及远）"))
    for en, zh in headers:
        table.add_column(_label(lang, en, zh), overflow="fold")
    previous = ""
    for when, what, level, text in rows:
        shown = _label(lang, "as above", "同上") if text == previous else text
        previous = text
        table.add_row(_when(when), what, *([level] if len(levels) > 1 else []), shown)
    esc = result.escalations
    assert isinstance(esc, sim.Escalations)
    found = [t for t in esc.all_triggers() if t.figures.get("case") == case.id]
    note = ""
    if len(levels) == 1:
        only = next(iter(levels))
        note = _label(lang, f"handled by {only} throughout; ", f"全程由{only}处置；")
    if final.next is not None:
        note += _label(
            lang,
            f"open at the end of the run; next: {final.next.step.describe(lang)} "
            f"{_when(final.next.at)} if still overdue",
            f"模拟期末仍未办结；下一步：{final.next.step.describe(lang)}，"
            f"{_when(final.next.at)}（届时仍超期）",
        )
    else:
        note += _label(lang, "handled before the next step", "在下一步之前办结")
    if found:
        note += _label(lang, "; trigger: ", "；问责触发：") + "; ".join(
            f"{names.get(t.unit, t.unit)} — {t.measure.chinese} ({t.rule})" for t in found
        )
    else:
        note += _label(lang, "; no trigger: these steps carry no measure", "；这些步骤不带问责措施")
    table.caption = note
    return table


def demo_section(console: Console, city: City, result: sim.SimResult, *, lang: str = "en") -> None:
    """Print the month's steps and triggers by street, and the two stories."""
    console.print(steps_table(result, city, lang=lang))
    grid_row, ladder_row = pick_stories(result, city)
    console.print(grid_story(result, city, grid_row, lang=lang))
    console.print(ladder_story(result, city, ladder_row, lang=lang))
