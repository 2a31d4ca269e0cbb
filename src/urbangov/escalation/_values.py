"""The words and small values an ``escalation`` section is made of (private).

Imported by :mod:`urbangov.escalation`, which re-exports everything public here; see that
module and ``docs/escalation.md`` for what each value means and where it comes from.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Any

import attrs

from urbangov.calendar import TimeLimit
from urbangov.errors import PolicyError, UrbangovError
from urbangov.org import DepartmentKind, Role
from urbangov.params import structure
from urbangov.vocabulary import Domain, IntTerm, Level, Term

__all__ = [
    "DUE",
    "SINCE_DISPATCH",
    "Chain",
    "Link",
    "Magnitude",
    "Measure",
    "ResponseLevel",
    "Severity",
    "Step",
    "StepAction",
    "TriggerKind",
    "TriggerRule",
    "WhistleSituation",
    "check_slug",
]

DUE = "due"
"""A step's ``since`` meaning the case's due time (办理时限届满)."""
SINCE_DISPATCH = "dispatch"
"""A step's ``since`` meaning the start of the handling clock (派遣)."""

_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")


def check_slug(value: object, field: str) -> str:
    """``value`` if it is a lowercase slug (``reminder_notice``); else a ``PolicyError``."""
    if not isinstance(value, str) or not _SLUG.match(value):
        raise PolicyError(
            f"{value!r} is not a slug",
            field=field,
            hint="use lowercase letters, digits and _, starting with a letter (reminder_notice)",
        )
    return value


def _slug(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    check_slug(value, attribute.name)


def _text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise PolicyError(f"{value!r} is not text", field=attribute.name, hint='write "…"')


# ------------------------------------------------------------------ words


class Severity(IntTerm):
    """How big a problem is (小事 / 大事): "小事不出网格、大事不出镇办" — minor problems are
    closed in the grid, major ones in the street or town
    (《中心城区网格化综合监管工作推进会讲话》§二(五)). Ordered: ``MINOR < MAJOR``.

    >>> Severity.parse("大事"), Severity.MINOR < Severity.MAJOR
    (<Severity.MAJOR: 1>, True)
    """

    MINOR = 0, "小事"
    MAJOR = 1, "大事"


class Magnitude(IntTerm):
    """An ordered grade of a case's size (案件大小), impact (影响程度, 影响面) or difficulty
    (难度): ``ordinary`` 一般 < ``large`` 较大 < ``major`` 重大. The sources grade by these
    without defining the grades; a city's own definitions decide which applies."""

    ORDINARY = 0, "一般"
    LARGE = 1, "较大"
    MAJOR = 2, "重大"


class StepAction(Term):
    """What a time-out step does (超时处置).

    ``remind`` 催办 (a reminder notice, 《催办通知书》); ``notify_head`` 告知负责人 (the
    responsible leader is told: 抄报分管领导); ``escalate`` 提级 (the case rises one level
    of the hierarchy); ``supervise`` 督办 (a higher body supervises it); ``circulate``
    通报 (a circulated notice, e.g. 书面通报批评).
    """

    REMIND = "remind", "催办"
    NOTIFY_HEAD = "notify_head", "告知负责人", "抄报", "抄送"
    ESCALATE = "escalate", "提级", "上报"
    SUPERVISE = "supervise", "督办"
    CIRCULATE = "circulate", "通报"


class Measure(Term):
    """An accountability measure (问责方式), in a published city's ladder, mildest first
    (a city's 过错责任追究办法): 书面检查, 通报批评, 告诫/诫勉, 扣减单位年度目标考核分 1–5
    分, 限期调离, 责令辞职, 免职/辞退/解聘. Measures compare by their place on the ladder
    (:attr:`rank`); files and ``str()`` use the English value, which the assessment
    package reads.

    >>> Measure.parse("通报批评"), str(Measure.NOTICE_OF_CRITICISM)
    (<Measure.NOTICE_OF_CRITICISM: 'notice_of_criticism'>, 'notice_of_criticism')
    >>> Measure.WRITTEN_CHECK < Measure.NOTICE_OF_CRITICISM < Measure.DISMISSAL
    True
    >>> max(Measure.ADMONITION, Measure.NOTICE_OF_CRITICISM).chinese
    '诫勉'
    """

    WRITTEN_CHECK = "written_check", "书面检查", "责令作出书面检查", "書面檢查", "self_examination"
    """书面检查 — a written self-examination."""
    NOTICE_OF_CRITICISM = "notice_of_criticism", "通报批评", "书面通报批评", "written_criticism"
    """通报批评 — a circulated (written) criticism."""
    ADMONITION = "admonition", "诫勉", "告诫", "诫勉谈话", "约谈"
    """告诫/诫勉 (约谈) — an admonition."""
    DEDUCT_TARGET_POINTS = "deduct_target_points", "扣减目标考核分", "扣减单位年度目标考核分"
    """扣减单位年度目标考核分 — 1 to 5 points off the unit's annual target assessment."""
    TRANSFER = "transfer", "限期调离", "调离"
    """限期调离 — transferred out within a time limit."""
    ORDERED_RESIGNATION = "ordered_resignation", "责令辞职"
    """责令辞职 — ordered to resign."""
    DISMISSAL = "dismissal", "免职", "辞退", "解聘"
    """免职/辞退/解聘 — removed from post, dismissed."""

    @property
    def rank(self) -> int:
        """The place on the ladder: 1 (书面检查) to 7 (免职)."""
        return _rank(self)

    def __lt__(self, other: object) -> bool:
        if isinstance(other, Measure):
            return self.rank < other.rank
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, Measure):
            return self.rank <= other.rank
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, Measure):
            return self.rank > other.rank
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, Measure):
            return self.rank >= other.rank
        return NotImplemented


@functools.cache
def _rank(measure: Measure) -> int:
    return list(Measure).index(measure) + 1


class ResponseLevel(IntTerm):
    """The two-level response (两级响应) to illegal construction: ``level_one`` 一级响应,
    commanded by the bureau's leaders with the special action team, and ``level_two``
    二级响应, commanded by the special action team (特别行动队) alone
    (《城市管理协管员考核办法》篇9 §一(二)1)."""

    LEVEL_ONE = 1, "一级响应"
    LEVEL_TWO = 2, "二级响应"


class WhistleSituation(Term):
    """When a street may "blow the whistle" (街乡吹哨、部门报到) and summon departments: the
    three situations of Beijing's practice (北京吹哨报到).

    ``residents`` — a problem residents raise strongly that the street cannot solve
    (parking, old-estate renovation, lifts); ``joint_enforcement`` — 综合执法, where the
    street has no enforcement power (back alleys, illegal buildings to demolish);
    ``emergency`` — 应急处置 (a burst pipe, a road collapse, cuts of water or power).
    """

    RESIDENTS = "residents", "群众反映突出、街道解决不了的问题", "群众反映突出"
    JOINT_ENFORCEMENT = "joint_enforcement", "综合执法"
    EMERGENCY = "emergency", "应急处置"


class TriggerKind(Term):
    """What an accountability trigger counts (问责触发条件): ``overdue_count`` — a unit's
    overdue cases (超期) in a period at least a number; ``on_time_rate`` — its on-time
    rate (按期结案率) below a target."""

    OVERDUE_COUNT = "overdue_count", "超期件数"
    ON_TIME_RATE = "on_time_rate", "按期结案率"


# ------------------------------------------------------------------ values


def _points(value: object) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    raise PolicyError(f"{value!r} is not a number of points", field="points", hint="write 1")


def _check_points(measure: Measure | None, points: Decimal | None) -> None:
    """Points belong to a deduction, and a published ladder deducts 1 to 5."""
    if points is None:
        return
    if measure is not Measure.DEDUCT_TARGET_POINTS:
        raise PolicyError(
            "only the deduct_target_points measure (扣减目标考核分) deducts points",
            field="points",
            hint='leave points out, or set measure = "deduct_target_points"',
        )
    if not Decimal(1) <= points <= Decimal(5):
        raise PolicyError(
            f"{points} points is outside 1–5",
            field="points",
            hint="the published ladder deducts 1 to 5 points (扣减单位年度目标考核分 1–5 分)",
        )


def _measure(value: object) -> Measure | None:
    return None if value is None else Measure.parse(value, field="measure", error=PolicyError)


def _action(value: object) -> StepAction:
    return StepAction.parse(value, field="action", error=PolicyError)


def _by(value: object) -> Level | None:
    return None if value is None else Level.parse(value, field="by", error=PolicyError)


def _level(value: object) -> Level | None:
    return None if value is None else Level.parse(value, field="level", error=PolicyError)


def _role(value: object) -> Role | None:
    return None if value is None else Role.parse(value, field="role", error=PolicyError)


def _department_kind(value: object) -> DepartmentKind | None:
    return None if value is None else DepartmentKind.parse(value, field="kind", error=PolicyError)


def _domain(value: object) -> Domain | None:
    return None if value is None else Domain.parse(value, field="domain", error=PolicyError)


def _trigger_kind(value: object) -> TriggerKind:
    return TriggerKind.parse(value, field="kind", error=PolicyError)


def _trigger_measure(value: object) -> Measure:
    return Measure.parse(value, field="measure", error=PolicyError)


def _threshold_of(value: object) -> Decimal:
    return _threshold(_points(value))


def _after(value: object) -> TimeLimit:
    try:
        return TimeLimit.from_toml(value, field="after")
    except UrbangovError as exc:
        raise PolicyError(
            exc.message, field="after", hint="write e.g. '1 working days', '4 working hours'"
        ) from None


@attrs.frozen
class Step:
    """One time-out step (超时处置步骤): ``action`` falls due ``after`` a time limit from
    ``since`` — the due time (``"due"``), the start of the handling clock
    (``"dispatch"``) or an earlier step's name.

    ``after`` counts in the policy's working calendar (N working days end at the close
    of the Nth working day after the anchor's day: the day the source names, by the end
    of its office hours). A step never falls before the step listed before it. ``by`` is
    the level that takes the step (督办 by the city: ``city``), ``None`` for the
    platform; ``measure`` (and ``points``, for a deduction) the accountability measure
    the step imposes on the unit holding the case; ``title`` and ``source`` say what it
    is and who published it.

    >>> step = Step("reminder_notice", "remind", "1 working days", title="《催办通知书》")
    >>> step.action.chinese, str(step.after), step.since
    ('催办', '1 working day', 'due')
    >>> Step("late", "circulate", "5 working days", measure="通报批评", points=2)
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: points: only the deduct_target_points measure ...
    """

    name: str = attrs.field(validator=_slug)
    action: StepAction = attrs.field(converter=_action)
    after: TimeLimit = attrs.field(converter=_after)
    since: str = attrs.field(default=DUE, validator=_slug)
    by: Level | None = attrs.field(default=None, converter=_by)
    measure: Measure | None = attrs.field(default=None, converter=_measure)
    points: Decimal | None = attrs.field(default=None, converter=_points)
    title: str = attrs.field(default="", validator=_text)
    source: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        _check_points(self.measure, self.points)

    def describe(self, lang: str = "en") -> str:
        """The step in a few words: its title, else its action.

        >>> Step("r", "remind", "1 working days").describe("zh")
        '催办'
        """
        if self.title:
            return self.title
        return self.action.chinese if lang == "zh" else self.action.value.replace("_", " ")


def _threshold(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise PolicyError(
        f"{value!r} is not a number",
        field="threshold",
        hint="write a count (3) or a rate (0.7)",
    )


@attrs.frozen
class TriggerRule:
    """A threshold over KPI counts that names an accountability measure (问责触发).

    ``overdue_count``: a unit with at least ``threshold`` overdue cases (超期) in a period;
    ``on_time_rate``: a unit whose on-time rate (按期结案率) is below ``threshold`` (a
    fraction of 1). ``measure`` (with ``points`` for a deduction) is what it triggers.

    >>> TriggerRule("on_time_rate", "0.7", "deduct_target_points", points=1).measure.chinese
    '扣减目标考核分'
    >>> TriggerRule("overdue_count", "2.5", "written_check")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: threshold: an overdue count must be a whole number ≥ 1, ...
    """

    kind: TriggerKind = attrs.field(converter=_trigger_kind)
    threshold: Decimal = attrs.field(converter=_threshold_of)
    measure: Measure = attrs.field(converter=_trigger_measure)
    points: Decimal | None = attrs.field(default=None, converter=_points)
    source: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        _check_points(self.measure, self.points)
        if self.kind is TriggerKind.OVERDUE_COUNT and (
            self.threshold < 1 or self.threshold != self.threshold.to_integral_value()
        ):
            raise PolicyError(
                f"an overdue count must be a whole number ≥ 1, not {self.threshold}",
                field="threshold",
                hint="write e.g. threshold = 3",
            )
        if self.kind is TriggerKind.ON_TIME_RATE and not Decimal(0) < self.threshold <= 1:
            raise PolicyError(
                f"an on-time target must be a fraction in (0, 1], not {self.threshold}",
                field="threshold",
                hint="write e.g. threshold = 0.7 (70%)",
            )


@attrs.frozen
class Link:
    """One link of a handling chain (处置链): who acts, found in the city's organisation
    for the place of the case, and what they do.

    Exactly one way of finding the actor: ``role`` at ``level`` (a person with that role
    posted at the case's unit of that level: the community's 协管员); ``kind`` at
    ``level`` (the department of that kind serving the case's unit of that level: the
    street's 城管科), or ``kind`` with ``covers`` (the department of that kind whose
    area covers the place, 四定四包: the squadron of the sector); or ``domain`` (and
    ``asset_kind``): the lead of that duty for the place (the sanitation department).

    >>> Link("report", "上报城管中队", role="协管员", level="community").role.chinese
    '协管员'
    >>> Link("trace", "查清原因", kind="section")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: level: a department kind needs a level, or covers = true; ...
    """

    name: str = attrs.field(validator=_slug)
    action: str = attrs.field(validator=_text)
    role: Role | None = attrs.field(default=None, converter=_role)
    kind: DepartmentKind | None = attrs.field(default=None, converter=_department_kind)
    level: Level | None = attrs.field(default=None, converter=_level)
    covers: bool = False
    domain: Domain | None = attrs.field(default=None, converter=_domain)
    asset_kind: str | None = None
    title: str = attrs.field(default="", validator=_text)
    source: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        ways = [w for w in (self.role, self.kind, self.domain) if w is not None]
        if len(ways) != 1:
            raise PolicyError(
                "a link finds its actor one way: by role, by department kind or by duty domain",
                field="role",
                hint="give exactly one of role = …, kind = …, domain = …",
            )
        if self.role is not None and self.level is None:
            raise PolicyError(
                "a role needs the level of the unit it is posted at",
                field="level",
                hint='add level = "community" (or grid, street…)',
            )
        if self.kind is not None and self.level is None and not self.covers:
            raise PolicyError(
                "a department kind needs a level, or covers = true",
                field="level",
                hint='add level = "street", or covers = true for the department whose area '
                "covers the place (四定四包)",
            )
        if not isinstance(self.covers, bool):
            raise PolicyError(f"{self.covers!r} is not true or false", field="covers")
        if self.asset_kind is not None and self.domain is None:
            raise PolicyError(
                "an asset kind narrows a duty domain", field="asset_kind", hint="add domain = …"
            )


def _links(value: object) -> tuple[Link, ...]:
    if isinstance(value, tuple) and all(isinstance(v, Link) for v in value):
        return value
    try:
        return structure(value, tuple[Link, ...])
    except PolicyError as exc:
        raise PolicyError(
            exc.message, field=f"links{'' if exc.field is None else exc.field}", hint=exc.hint
        ) from None


@attrs.frozen
class Chain:
    """A handling chain (处置链): links in order, each taking over when the one before
    could not close the case, with the chain's title and source.

    >>> Chain("无主垃圾", links=[{"name": "report", "action": "上报", "role": "assistant",
    ...                          "level": "community"}]).links[0].level
    <Level.COMMUNITY: 3>
    """

    title: str = attrs.field(validator=_text)
    links: tuple[Link, ...] = attrs.field(converter=_links)
    source: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        if not self.links:
            raise PolicyError("a chain needs at least one link", field="links")
        names = [link.name for link in self.links]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise PolicyError(
                    f"two links are named {name!r}",
                    field=f"links[{i}].name",
                    hint="give each link its own name",
                )

    def link(self, name: str) -> Link:
        """The link called ``name`` (``PolicyError`` naming the known ones otherwise)."""
        for link in self.links:
            if link.name == name:
                return link
        known = ", ".join(link.name for link in self.links)
        raise PolicyError(f"no link {name!r}", field="link", hint=f"use one of {known}")
