"""The limit table of :mod:`urbangov.deadlines`: :class:`DeadlineRules` and lookups (private).

Imported by :mod:`urbangov.deadlines`, which re-exports everything public here; see that
module and ``docs/deadlines.md`` for the conventions.
"""

from __future__ import annotations

import datetime as _dt
import functools
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar, Protocol

import attrs

from urbangov.calendar import TimeLimit
from urbangov.errors import PolicyError, UrbangovError
from urbangov.frozen import FrozenMap
from urbangov.params import Dated, Period, RuleSection
from urbangov.vocabulary import ZoneTier

__all__ = [
    "DEFAULT_CATEGORY_LIMITS",
    "DeadlineRules",
    "HasDeadlines",
    "LimitRow",
    "StageLimits",
    "TierLimits",
]

# ------------------------------------------------------------------ value converters


def _limit(value: object, field: str) -> TimeLimit:
    try:
        return TimeLimit.from_toml(value, field=field)
    except UrbangovError as exc:
        raise PolicyError(
            exc.message,
            field=field,
            hint="write e.g. '4 working hours', '5 working days', '6 hours'",
        ) from None


def _dated_limit(value: object, field: str) -> Dated[TimeLimit]:
    if isinstance(value, Dated):
        return value
    return Dated.always(_limit(value, field))


def _optional(value: object, field: str) -> Dated[TimeLimit] | None:
    return None if value is None else _dated_limit(value, field)


def _normal(value: object) -> Dated[TimeLimit]:
    return _dated_limit(value, "normal")


def _normal_opt(value: object) -> Dated[TimeLimit] | None:
    return _optional(value, "normal")


def _urgent(value: object) -> Dated[TimeLimit] | None:
    return _optional(value, "urgent")


def _accept(value: object) -> Dated[TimeLimit] | None:
    return _optional(value, "accept")


def _file(value: object) -> Dated[TimeLimit] | None:
    return _optional(value, "file")


def _dispatch(value: object) -> Dated[TimeLimit] | None:
    return _optional(value, "dispatch")


def _verify(value: object) -> Dated[TimeLimit] | None:
    return _optional(value, "verify")


def _check_dated_limits(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Dated):
        raise PolicyError(f"{value!r} is not a time limit", field=attribute.name)
    for period in value.periods:
        if not isinstance(period.value, TimeLimit):
            raise PolicyError(
                f"{period.value!r} is not a time limit",
                field=attribute.name,
                hint="write e.g. '4 working hours'",
            )


@attrs.frozen
class TierLimits:
    """One zone tier's own limits within a :class:`LimitRow` (级差管理: a stricter limit in
    the strict zone, 严管区). A missing value falls back to the row's.

    >>> import datetime as _dt
    >>> TierLimits(normal="2 working hours").normal.at(_dt.date(2024, 1, 1))
    TimeLimit(amount=Decimal('2'), unit=<TimeUnit.WORKING_HOURS: 'working_hours'>)
    """

    normal: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_normal_opt, validator=_check_dated_limits
    )
    urgent: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_urgent, validator=_check_dated_limits
    )


def _tiers(value: object) -> FrozenMap[ZoneTier, TierLimits] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise PolicyError(f"{value!r} is not a table of zone tiers", field="tiers")
    out: dict[ZoneTier, TierLimits] = {}
    for key, item in value.items():
        tier = ZoneTier.parse(key, field=f"tiers.{key}")
        if isinstance(item, TierLimits):
            out[tier] = item
        elif isinstance(item, Mapping):
            out[tier] = TierLimits(**item)
        else:
            out[tier] = TierLimits(normal=item)
    return FrozenMap(out) if out else None


@attrs.frozen
class LimitRow:
    """One row of the limit table (处置时限表): the normal limit (一般), an optional urgent
    one (紧急; default: the normal limit) and optional per-zone-tier overrides (``tiers``;
    ``None`` when there are none).

    Examples
    --------
    >>> import datetime as _dt
    >>> row = LimitRow("4 working hours", tiers={"strict": {"normal": "2 working hours"}})
    >>> str(row.normal.at(_dt.date(2024, 1, 1))), sorted(row.tiers)
    ('4 working hours', [<ZoneTier.STRICT: 'strict'>])
    >>> LimitRow("4 workin hours")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: normal: '4 workin hours' is not a time limit; ...
    """

    normal: Dated[TimeLimit] = attrs.field(converter=_normal, validator=_check_dated_limits)
    urgent: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_urgent, validator=_check_dated_limits
    )
    tiers: FrozenMap[ZoneTier, TierLimits] | None = attrs.field(default=None, converter=_tiers)


def _row(value: object, field: str) -> LimitRow:
    if isinstance(value, LimitRow):
        return value
    try:
        if isinstance(value, Mapping):
            return LimitRow(**value)
        return LimitRow(value)
    except PolicyError as exc:
        raise PolicyError(exc.message, field=f"{field}.{exc.field}", hint=exc.hint) from None
    except TypeError as exc:
        raise PolicyError(
            str(exc), field=field, hint="give normal = …, urgent = …, tiers = {…}"
        ) from None


def _rows(value: object, name: str) -> FrozenMap[str, LimitRow]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{value!r} is not a table", field=name)
    return FrozenMap({str(k): _row(v, f"{name}.{k}") for k, v in value.items()})


def _category_rows(value: object) -> FrozenMap[str, LimitRow]:
    return _rows(value, "categories")


def _major_rows(value: object) -> FrozenMap[str, LimitRow]:
    return _rows(value, "major_classes")


def _default_row(value: object) -> LimitRow:
    return _row(value, "default")


@attrs.frozen
class StageLimits:
    """Optional limits of the workflow's other stages (环节时限): accepting (受理, from the
    report), filing (立案, from acceptance), dispatching (派遣, from filing) and verifying
    (核查, from the handling report). ``None``: no limit for that stage.

    >>> import datetime as _dt
    >>> StageLimits(dispatch="1 working hours").dispatch.at(_dt.date(2024, 1, 1)).unit.value
    'working_hours'
    """

    accept: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_accept, validator=_check_dated_limits
    )
    file: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_file, validator=_check_dated_limits
    )
    dispatch: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_dispatch, validator=_check_dated_limits
    )
    verify: Dated[TimeLimit] | None = attrs.field(
        default=None, converter=_verify, validator=_check_dated_limits
    )


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, bool):
        raise PolicyError(f"{value!r} is not a number", field=field, hint="write e.g. 0.5")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            pass
    raise PolicyError(f"{value!r} is not a number", field=field, hint="write e.g. 0.5")


def _points(value: object) -> Dated[tuple[Decimal, ...]]:
    if isinstance(value, Dated):
        return value
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise PolicyError(
            f"{value!r} is not a list of fractions",
            field="warning_points",
            hint="write e.g. [0.5, 0.8]",
        )
    return Dated.always(tuple(_decimal(v, "warning_points") for v in value))


def _check_points(_: object, attribute: attrs.Attribute[Any], value: Dated[Any]) -> None:
    for period in value.periods:
        points = period.value
        if not isinstance(points, tuple) or not all(isinstance(p, Decimal) for p in points):
            raise PolicyError(f"{points!r} is not a list of numbers", field="warning_points")
        if any(not 0 < p <= 1 for p in points) or any(
            a >= b for a, b in itertools.pairwise(points)
        ):
            raise PolicyError(
                f"warning points {[str(p) for p in points]} must be increasing fractions of "
                "the limit in (0, 1]",
                field="warning_points",
                hint="write e.g. [0.5, 0.8] (50% and 80% of the limit used)",
            )
        if any(Fraction(p).denominator > 1_000_000 for p in points):
            raise PolicyError(
                "a warning point has more than 6 decimal places",
                field="warning_points",
                hint="round it, e.g. 0.333333",
            )


def _tier(value: object) -> Dated[ZoneTier]:
    if isinstance(value, Dated):
        return value
    return Dated.always(ZoneTier.parse(value, field="default_tier"))


def _flag(value: object) -> Dated[bool]:
    if isinstance(value, Dated):
        return value
    if not isinstance(value, bool):
        raise PolicyError(
            f"{value!r} is not true or false", field="restart_on_rework", hint="write true/false"
        )
    return Dated.always(value)


def _stages(value: object) -> StageLimits:
    if isinstance(value, StageLimits):
        return value
    if isinstance(value, Mapping):
        return StageLimits(**value)
    raise PolicyError(f"{value!r} is not a table of stage limits", field="stages")


# ------------------------------------------------------------------ the defaults
# Each figure is from a published table; data/default_policy.toml repeats them with the
# page addresses (docs/deadlines.md lists the sources).
_TABLE_A = "数字化城市管理立案、结案标准(事件类), https://renrendoc.com/paper/191493937.html"
_MANHOLE = (
    "water_supply_manhole_cover",
    "sewage_manhole_cover",
    "storm_manhole_cover",
    "power_manhole_cover",
    "street_light_manhole_cover",
    "gas_manhole_cover",
    "unidentified_manhole_cover",
)
DEFAULT_CATEGORY_LIMITS: Mapping[str, str] = FrozenMap(
    {
        # Table A (事件类 立案结案标准): 暴露垃圾 4个工作时.
        "exposed_garbage": "4 working hours",
        # Table A: 道路保洁 (公共场所环境脏乱) 2个工作时.
        "dirty_road": "2 working hours",
        # Table A: 私搭乱建 1、停工 4个工作时 … 3、拆除 20个工作日 — two stages, two
        # categories: stop work (the taxonomy's 私搭乱建) and demolition.
        "illegal_construction": "4 working hours",
        "illegal_construction_demolition": "20 working days",
        # 济源市数字化城市管理城市事件…标准: 积存垃圾渣土 4工作日
        # (https://ishare.iask.com/f/2gaIATvprR5.html).
        "accumulated_waste": "4 working days",
        # Table A: 路面积水 … 影响通行 4个工作时.
        "waterlogged_road": "4 working hours",
        # Table A: 绿地保洁 4个工作时; 绿地养护 (植被缺失或枯死, 绿地塌陷) 5个工作日.
        "dirty_green_space": "4 working hours",
        "green_space": "5 working days",
        # 天津市城市道路管线井管理办法 (2017): 井盖移位、破损、丢失的修复时限为6小时
        # (http://www.hzlrs.com.cn/news_detail.asp?ID=4519&flag=1&parent=news); 广州市井盖
        # 设施管理办法 (2021) likewise 6小时 — calendar hours, not working hours.
        **dict.fromkeys(_MANHOLE, "6 hours"),
    }
)
"""The shipped per-category normal limits (slug → limit), each from a cited table."""


def _default_categories() -> FrozenMap[str, LimitRow]:
    return FrozenMap({k: LimitRow(v) for k, v in DEFAULT_CATEGORY_LIMITS.items()})


def _default_majors() -> FrozenMap[str, LimitRow]:
    # Table A: most 市容环境 (event major class 01) rows are 4个工作时 (暴露垃圾, 建筑垃圾,
    # 绿地保洁, 路面积水).
    return FrozenMap({"E01": LimitRow("4 working hours")})


# ------------------------------------------------------------------ the section


@attrs.frozen
class DeadlineRules(RuleSection):
    """The Policy's ``deadlines`` section: the handling time-limit table (处置时限表).

    Parameters
    ----------
    categories
        Rows by category slug (``exposed_garbage``). Two-stage limits such as illegal
        construction (stop work 4 working hours, demolition 20 working days) are two
        categories.
    major_classes
        Rows by major class, keyed by the taxonomy's full major code (``"E01"`` 市容环境
        events, ``"C01"`` 公用设施 components).
    default
        The row for categories in neither table. Shipped: 5 working days (an urbangov
        choice: the longest ordinary limit of the cited table A, 绿地养护).
    default_tier
        The zone tier of cases with ``zone=None`` (default ``control``, 控制区: an
        urbangov choice; the shipped rows do not differ by tier).
    warning_points
        Fractions of the limit's time whose passing raises a warning (预警); default
        ``(0.5, 0.8)``.
    restart_on_rework
        Restart the handling clock in full at each ``verify_fail`` (返工); default false.
    stages
        Optional limits of the other stages (:class:`StageLimits`).

    Every value may be dated (``Dated``); :meth:`at` resolves them at a date.

    Examples
    --------
    >>> import datetime as _dt
    >>> rules = DeadlineRules()
    >>> str(rules.categories["exposed_garbage"].normal.at(_dt.date(2024, 1, 1)))
    '4 working hours'
    >>> DeadlineRules(warning_points=[0.8, 0.5])
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: warning_points: warning points ['0.8', '0.5'] must be ...
    """

    categories: FrozenMap[str, LimitRow] = attrs.field(
        factory=_default_categories, converter=_category_rows
    )
    major_classes: FrozenMap[str, LimitRow] = attrs.field(
        factory=_default_majors, converter=_major_rows
    )
    default: LimitRow = attrs.field(
        factory=lambda: LimitRow("5 working days"), converter=_default_row
    )
    default_tier: Dated[ZoneTier] = attrs.field(
        factory=lambda: Dated.always(ZoneTier.CONTROL), converter=_tier
    )
    warning_points: Dated[tuple[Decimal, ...]] = attrs.field(
        factory=lambda: Dated.always((Decimal("0.5"), Decimal("0.8"))),
        converter=_points,
        validator=_check_points,
    )
    restart_on_rework: Dated[bool] = attrs.field(
        factory=lambda: Dated.always(False), converter=_flag
    )
    stages: StageLimits = attrs.field(factory=StageLimits, converter=_stages)
    _cache: dict[Any, Any] = attrs.field(
        factory=dict, init=False, eq=False, repr=False, hash=False, alias="_cache"
    )

    section: ClassVar[str] = "deadlines"

    def __reduce__(self) -> tuple[Any, ...]:
        # The looked-up limits are a cache (deadlines.lookup): pickle only the value.
        values = {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}
        return (functools.partial(DeadlineRules, **values), ())

    def change_dates(self) -> tuple[_dt.date, ...]:
        """Every date on which some value of the table changes (sorted): between two
        consecutive dates the rules are constant (the batch path relies on it).

        >>> DeadlineRules().change_dates()
        ()
        """
        return tuple(sorted(_change_dates(self)))


def _change_dates(value: object) -> set[_dt.date]:
    out: set[_dt.date] = set()
    if isinstance(value, Dated):
        for p in value.periods:
            out.update(d for d in (p.start, p.until) if d is not None)
            out |= _change_dates(p.value)
    elif isinstance(value, FrozenMap):
        for v in value.values():
            out |= _change_dates(v)
    elif attrs.has(type(value)) and not isinstance(value, TimeLimit | Period):
        for f in attrs.fields(type(value)):  # type: ignore[arg-type]
            out |= _change_dates(getattr(value, f.name))
    return out


class HasDeadlines(Protocol):
    """Anything with a ``deadlines`` section (a ``Policy``)."""

    @property
    def deadlines(self) -> DeadlineRules: ...


def _section(rules: DeadlineRules | HasDeadlines) -> DeadlineRules:
    return DeadlineRules.of(rules)
