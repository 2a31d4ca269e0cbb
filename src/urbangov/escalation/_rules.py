"""The Policy's ``escalation`` section, :class:`EscalationPolicy`, and its defaults (private).

Imported by :mod:`urbangov.escalation`, which re-exports everything public here. Every
default repeats a value of ``data/default_policy.toml``, which cites its source (or says
"urbangov default, not in the sources").
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar, Protocol

import attrs

from urbangov.calendar import TimeLimit
from urbangov.errors import PolicyError, combine
from urbangov.escalation._parts import (
    HearingRules,
    LevelRules,
    ResponseRules,
    WhistleRules,
    dated,
    structured,
)
from urbangov.escalation._values import (
    DUE,
    SINCE_DISPATCH,
    Chain,
    Link,
    Severity,
    Step,
    TriggerRule,
    WhistleSituation,
    check_slug,
)
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, RuleSection, did_you_mean
from urbangov.vocabulary import Level

__all__ = ["Compiled", "EscalationPolicy", "HasEscalation"]


def _to_levels(value: object) -> LevelRules:
    return structured(value, LevelRules, "levels")  # type: ignore[no-any-return]


def _to_hearing(value: object) -> HearingRules:
    return structured(value, HearingRules, "hearing")  # type: ignore[no-any-return]


def _to_response(value: object) -> ResponseRules:
    return structured(value, ResponseRules, "response")  # type: ignore[no-any-return]


def _to_steps(value: object) -> Dated[tuple[Step, ...]]:
    return structured(value, Dated[tuple[Step, ...]], "steps")  # type: ignore[no-any-return]


def _to_triggers(value: object) -> FrozenMap[str, Dated[TriggerRule]]:
    return structured(value, FrozenMap[str, Dated[TriggerRule]], "triggers")  # type: ignore[no-any-return]


def _to_chains(value: object) -> FrozenMap[str, Chain]:
    return structured(value, FrozenMap[str, Chain], "chains")  # type: ignore[no-any-return]


def _to_whistle(value: object) -> WhistleRules:
    return structured(value, WhistleRules, "whistle")  # type: ignore[no-any-return]


# ------------------------------------------------------------------ the defaults

_PROCEDURE = "12345催办通报程序"


def _default_steps() -> Dated[tuple[Step, ...]]:
    return dated(
        (
            Step(
                "reminder_notice",
                "remind",
                TimeLimit.working_days(1),
                title="《催办通知书》",
                source=f"{_PROCEDURE}: 办理时限到期次日发出《催办通知书》",
            ),
            Step(
                "copy_to_leader",
                "notify_head",
                TimeLimit.working_days(0),
                since="reminder_notice",
                title="抄报分管领导",
                source=f"{_PROCEDURE}: 同时抄报该部门分管局领导",
            ),
            Step(
                "written_criticism",
                "circulate",
                TimeLimit.working_days(5),
                since="reminder_notice",
                measure="notice_of_criticism",
                title="书面通报批评",
                source=f"{_PROCEDURE}: 经一次催办仍超过办理时限5个工作日且不报告说明理由的, "
                "书面通报批评",
            ),
        )
    )


def _default_triggers() -> FrozenMap[str, Dated[TriggerRule]]:
    return FrozenMap(
        {
            "repeated_overdue": dated(
                TriggerRule(
                    "overdue_count",
                    3,
                    "written_check",
                    source="urbangov default, not in the sources",
                )
            ),
            "low_on_time_rate": dated(
                TriggerRule(
                    "on_time_rate",
                    Decimal("0.7"),
                    "deduct_target_points",
                    points=1,
                    source="金华数字城管考核细则 (按期结案率 ≥ 70%); 过错责任追究办法 (1–5 分)",
                )
            ),
        }
    )


_OWNERLESS = "《城市管理协管员考核办法》篇1 §五.3"


def _default_chains() -> FrozenMap[str, Chain]:
    return FrozenMap(
        {
            "ownerless_garbage": Chain(
                "无主垃圾",
                (
                    Link(
                        "report",
                        "reports it to the squadron (及时报城管中队)",
                        role="assistant",
                        level="community",
                        title="协管员",
                    ),
                    Link(
                        "investigate",
                        "investigates and serves the owner a stop notice (调查取证, 发停违单)",
                        kind="squadron",
                        covers=True,
                        title="执法中队",
                    ),
                    Link(
                        "trace",
                        "traces the owner, asks the departments to correct it (查清原因)",
                        kind="section",
                        level="street",
                        title="街道城管科",
                    ),
                    Link(
                        "report_district",
                        "no owner found: reported to the bureau's general section (汇报区局综合科)",
                        kind="section",
                        level="district",
                        title="区局综合科",
                    ),
                    Link(
                        "clear",
                        "clears it (联系环卫部门清运)",
                        domain="sanitation",
                        asset_kind="road.city_list",
                        title="环卫部门",
                    ),
                ),
                source=_OWNERLESS,
            )
        }
    )


# ------------------------------------------------------------------ the section


@attrs.frozen(eq=False, repr=False)
class Compiled:
    """The section's values on one date, as plain Python values (a cache entry)."""

    minor: Level
    major: Level
    default: Severity
    categories: dict[str, Severity]
    major_classes: dict[str, Severity]
    departments: Level
    difficult: Level
    unresolved_after: TimeLimit
    steps: tuple[Step, ...]
    anchors: tuple[int, ...]  # per step: -2 dispatch, -1 due, else an earlier step's index
    whistle_level: Level
    situations: tuple[WhistleSituation, ...]
    added: dict[tuple[_dt.datetime, TimeLimit], tuple[object, _dt.datetime]] = attrs.field(
        factory=dict
    )  # step times: calendar.add(anchor, after), memoised (anchors repeat: a day's close)


@attrs.frozen
class EscalationPolicy(RuleSection):
    """The Policy's ``escalation`` section: who handles a case, when it rises, who must
    act next and who is answerable (升级与问责).

    Parameters
    ----------
    levels
        :class:`LevelRules`: the handling level by severity and scope.
    hearing
        :class:`HearingRules`: who hears an enforcement case (案件分级审理).
    response
        :class:`ResponseRules`: the two-level response to illegal construction.
    steps
        The ordered time-out steps (:class:`Step`); shipped: a published 12345
        procedure — a 《催办通知书》 the working day after the due date, copied to the
        responsible leader, and a written criticism (书面通报批评) 5 working days after the
        reminder while still overdue.
    triggers
        Accountability triggers over KPI counts (:class:`TriggerRule`) by name.
    chains
        Handling chains (:class:`Chain`) by name; shipped: ownerless garbage (无主垃圾,
        《城市管理协管员考核办法》篇1 §五.3).
    whistle
        :class:`WhistleRules`: when a street may summon departments (吹哨报到).

    Every value may be dated; :meth:`at` resolves them at a date, and rule functions
    use the rules of a case's filing date.

    Examples
    --------
    >>> import datetime as _dt
    >>> rules = EscalationPolicy()
    >>> [s.name for s in rules.steps.at(_dt.date(2025, 1, 1))]
    ['reminder_notice', 'copy_to_leader', 'written_criticism']
    >>> EscalationPolicy(steps=[{"name": "late", "action": "circulate",
    ...                          "after": "2 working days", "since": "reminder"}])
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: steps[0].since: 'reminder' is neither 'due', 'dispatch' ...
    """

    section: ClassVar[str] = "escalation"

    levels: LevelRules = attrs.field(factory=LevelRules, converter=_to_levels)
    hearing: HearingRules = attrs.field(factory=HearingRules, converter=_to_hearing)
    response: ResponseRules = attrs.field(factory=ResponseRules, converter=_to_response)
    steps: Dated[tuple[Step, ...]] = attrs.field(factory=_default_steps, converter=_to_steps)
    triggers: FrozenMap[str, Dated[TriggerRule]] = attrs.field(
        factory=_default_triggers,
        converter=_to_triggers,
    )
    chains: FrozenMap[str, Chain] = attrs.field(factory=_default_chains, converter=_to_chains)
    whistle: WhistleRules = attrs.field(factory=WhistleRules, converter=_to_whistle)
    _cache: dict[Any, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False, alias="_cache"
    )

    def __attrs_post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise combine(problems, sort=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # The compiled rules are a cache: pickle only the value.
        values = {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}
        return (functools.partial(EscalationPolicy, **values), ())

    def change_dates(self) -> tuple[_dt.date, ...]:
        """Every date on which a dated value of the section changes (sorted); between two
        consecutive dates the rules are constant (the batch path relies on it).

        >>> EscalationPolicy().change_dates()
        ()
        """
        found: tuple[_dt.date, ...] | None = self._cache.get("dates")
        if found is None:
            found = tuple(sorted(_change_dates(self)))
            self._cache["dates"] = found
        return found

    def compiled(self, d: _dt.date) -> Compiled:
        """The rules in force on ``d`` as plain values, computed once per span of dates
        with the same rules."""
        bounds = self.change_dates()
        segment = bisect.bisect_right(bounds, d)
        key = ("at", segment)
        found: Compiled | None = self._cache.get(key)
        if found is None:
            found = _compile(self, d)
            self._cache[key] = found
        return found


def _compile(rules: EscalationPolicy, d: _dt.date) -> Compiled:
    lv = rules.levels
    steps = rules.steps.at(d)
    names = [s.name for s in steps]
    anchors = tuple(
        -2 if s.since == SINCE_DISPATCH else -1 if s.since == DUE else names.index(s.since)
        for s in steps
    )
    return Compiled(
        minor=lv.minor.at(d),
        major=lv.major.at(d),
        default=lv.default.at(d),
        categories={k: v.at(d) for k, v in lv.categories.items()},
        major_classes={k: v.at(d) for k, v in lv.major_classes.items()},
        departments=lv.departments.at(d),
        difficult=lv.difficult.at(d),
        unresolved_after=lv.unresolved_after.at(d),
        steps=steps,
        anchors=anchors,
        whistle_level=rules.whistle.level.at(d),
        situations=rules.whistle.situations.at(d),
    )


def _change_dates(value: object) -> set[_dt.date]:
    out: set[_dt.date] = set()
    if isinstance(value, Dated):
        for p in value.periods:
            out.update(d for d in (p.start, p.until) if d is not None)
    elif isinstance(value, FrozenMap):
        for v in value.values():
            out |= _change_dates(v)
    elif attrs.has(type(value)) and not isinstance(value, Chain | Link | Step | TriggerRule):
        for f in attrs.fields(type(value)):  # type: ignore[arg-type]
            if f.init:
                out |= _change_dates(getattr(value, f.name))
    return out


def _problems(rules: EscalationPolicy) -> Iterable[PolicyError]:
    for period in rules.steps.periods:
        seen: list[str] = []
        for i, step in enumerate(period.value):
            where = f"steps[{i}]"
            if step.name in seen or step.name in (DUE, SINCE_DISPATCH):
                yield PolicyError(
                    f"the step name {step.name!r} is taken",
                    field=f"{where}.name",
                    hint="give each step its own name, neither 'due' nor 'dispatch' "
                    "(later steps count from it by name)",
                )
            if step.since not in (DUE, SINCE_DISPATCH, *seen):
                yield PolicyError(
                    f"{step.since!r} is neither 'due', 'dispatch' nor an earlier step",
                    field=f"{where}.since",
                    hint=did_you_mean(step.since, [DUE, SINCE_DISPATCH, *seen])
                    + " (a step counts from the due time, the dispatch or a step listed "
                    "before it)",
                )
            seen.append(step.name)
    for name in rules.triggers:
        try:
            check_slug(name, f"triggers.{name}")
        except PolicyError as exc:
            yield exc
    for name in rules.chains:
        try:
            check_slug(name, f"chains.{name}")
        except PolicyError as exc:
            yield exc
    yield from _order_problems(rules.levels)
    yield from _hearing_problems(rules.hearing)


def _hearing_problems(rules: HearingRules) -> Iterable[PolicyError]:
    """The bureau hears what a brigade would not: its thresholds are at least the
    brigade's, so the hearing level is monotone in the fine, the size and the impact."""
    for what in ("fine", "size", "impact"):
        says = f"the bureau's {what} threshold ({{high}}) is below the brigade's ({{low}})"
        yield from _ordered(
            rules, f"brigade_{what}", f"bureau_{what}", "hearing", lambda lo, hi: hi < lo, says
        )


def _order_problems(lv: LevelRules) -> Iterable[PolicyError]:
    """A major problem is never handled below a minor one, nor a difficult one below a
    general one: the handling level is monotone in severity and difficulty."""
    # Level: CITY = 0 … GRID = 4, so a higher level is a smaller number
    for low, high in (("minor", "major"), ("departments", "difficult")):
        yield from _ordered(lv, low, high, "levels", lambda lo, hi: hi > lo)


def _ordered(
    part: object,
    low_name: str,
    high_name: str,
    where: str,
    wrong: Any,
    says: str = "{high_name} ({high}) is below {low_name} ({low})",
) -> Iterable[PolicyError]:
    """The first date on which the dated value ``high_name`` of ``part`` is ``wrong``ly
    below ``low_name``'s, as a problem (none when they are in order on every date)."""
    low, high = getattr(part, low_name), getattr(part, high_name)
    for d in sorted({_dt.date.min} | _change_dates(part)):
        try:
            a, b = low.at(d), high.at(d)
        except PolicyError:
            continue
        if wrong(a, b):
            lo, hi = (a.slug, b.slug) if isinstance(a, Level) else (a, b)
            text = says.format(high_name=high_name, low_name=low_name, high=hi, low=lo)
            yield PolicyError(
                text + ("" if d == _dt.date.min else f" on {d}"),
                field=f"{where}.{high_name}",
                hint=f"give {high_name} a value at or above {low_name}'s",
            )
            return


class HasEscalation(Protocol):
    """Anything with an ``escalation`` section (a ``Policy``)."""

    @property
    def escalation(self) -> EscalationPolicy: ...
