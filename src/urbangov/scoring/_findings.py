"""What an assessment found (考核发现): units, findings, KPI records, tallies, marks and
triggers, as values and as files (private; :mod:`urbangov.scoring` re-exports).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

import attrs

from urbangov.errors import FindingsError, UrbangovError
from urbangov.kpi import FIELDS, KpiCounts
from urbangov.scoring._convert import to_flag, to_optional_text, to_text
from urbangov.scoring._numbers import number
from urbangov.scoring._terms import AssessmentSource, FindingStage
from urbangov.vocabulary import Source

__all__ = [
    "AssessedUnit",
    "Finding",
    "KpiRecord",
    "Mark",
    "RecordedTrigger",
    "Tally",
    "TriggerLike",
]


# --------------------------------------------------------------------------- converters


def _count(field: str, *, minimum: int = 0) -> Callable[[object], int]:
    def convert(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise FindingsError(
                f"{value!r} is not a whole number ≥ {minimum}",
                field=field,
                hint=f"give an int ≥ {minimum}",
            )
        return int(value)

    return convert


def _source(value: object) -> AssessmentSource | None:
    if value is None or value == "":
        return None
    return AssessmentSource.parse(value, field="source", error=FindingsError)


def _case_source(value: object) -> Source | None:
    if value is None or value == "":
        return None
    return Source.parse(value, field="case_source", error=FindingsError)


def _stage(value: object) -> FindingStage:
    return FindingStage.parse(value, field="stage", error=FindingsError)


def _date(value: object) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise FindingsError(f"{value!r} is not a date", field="date", hint="write e.g. 2024-05-06")


def _value(value: object) -> Decimal:
    return number(value, "value", FindingsError)


def _counts(value: object) -> KpiCounts:
    if isinstance(value, KpiCounts):
        return value
    if not isinstance(value, Mapping):
        raise FindingsError(
            f"{value!r} is not KPI counts", field="counts", hint="give KpiCounts(...)"
        )
    try:
        return KpiCounts(**value)
    except UrbangovError as exc:
        raise FindingsError(exc.message, field=exc.field, hint=exc.hint) from None
    except TypeError as exc:
        raise FindingsError(
            str(exc), field="counts", hint=f"the counts are {', '.join(FIELDS)}"
        ) from None


def _line() -> Any:
    return attrs.field(default=None, eq=False, repr=False)


# --------------------------------------------------------------------------- values


_TO_CODE_REQUIRED = to_text("code", empty=False, error=FindingsError)


def _to_code_required(value: object) -> str:
    return _TO_CODE_REQUIRED(value)


_TO_NAME = to_text("name", error=FindingsError)


def _to_name(value: object) -> str:
    return _TO_NAME(value)


_TO_KIND_REQUIRED = to_text("kind", empty=False, error=FindingsError)


def _to_kind_required(value: object) -> str:
    return _TO_KIND_REQUIRED(value)


_TO_GROUP = to_text("group", error=FindingsError)


def _to_group(value: object) -> str:
    return _TO_GROUP(value)


_TO_NO_DATA = to_flag("no_data", error=FindingsError)


def _to_no_data(value: object) -> bool:
    return _TO_NO_DATA(value)


_TO_FINDER = to_optional_text("finder", error=FindingsError)


def _to_finder(value: object) -> str | None:
    return _TO_FINDER(value)


_TO_OUTCOME = to_optional_text("outcome", error=FindingsError)


def _to_outcome(value: object) -> str | None:
    return _TO_OUTCOME(value)


_TO_ID = to_text("id", error=FindingsError)


def _to_id(value: object) -> str:
    return _TO_ID(value)


_TO_SUBSET_REQUIRED = to_text("subset", empty=False, error=FindingsError)


def _to_subset_required(value: object) -> str:
    return _TO_SUBSET_REQUIRED(value)


_TO_NAME_REQUIRED = to_text("name", empty=False, error=FindingsError)


def _to_name_required(value: object) -> str:
    return _TO_NAME_REQUIRED(value)


_TO_COUNT = _count("count")
_TO_COUNT_POSITIVE = _count("count", minimum=1)


def _to_count_positive(value: object) -> int:
    return _TO_COUNT_POSITIVE(value)


def _to_count(value: object) -> int:
    return _TO_COUNT(value)


_TO_OF = _count("of")


def _to_of(value: object) -> int:
    return _TO_OF(value)


_TO_PERIOD = to_text("period", error=FindingsError)


def _to_period(value: object) -> str:
    return _TO_PERIOD(value)


_TO_ITEM_REQUIRED = to_text("item", empty=False, error=FindingsError)


def _to_item_required(value: object) -> str:
    return _TO_ITEM_REQUIRED(value)


_TO_NOTE = to_text("note", error=FindingsError)


def _to_note(value: object) -> str:
    return _TO_NOTE(value)


_TO_UNIT_REQUIRED = to_text("unit", empty=False, error=FindingsError)


def _to_unit_required(value: object) -> str:
    return _TO_UNIT_REQUIRED(value)


_TO_MEASURE_REQUIRED = to_text("measure", empty=False, error=FindingsError)


def _to_measure_required(value: object) -> str:
    return _TO_MEASURE_REQUIRED(value)


_TO_RULE = to_text("rule", error=FindingsError)
_TO_OPTIONAL_RULE = to_optional_text("rule", error=FindingsError)


def _to_optional_rule(value: object) -> str | None:
    return _TO_OPTIONAL_RULE(value)


def _to_rule(value: object) -> str:
    return _TO_RULE(value)


@attrs.frozen(kw_only=True)
class AssessedUnit:
    """A unit that is assessed: a street, a department, a grid worker…

    Parameters
    ----------
    code, name
        Its code (``320105001``, ``hw_station``) and name.
    kind
        What it is (``"street"``, ``"department"``…): items ``applies_to`` kinds.
    group
        The ranking group it competes in (核心区, 中心城区…; empty: one group).
    no_data
        Reported as 无数据 whatever was found (a unit not assessed this period).

    Examples
    --------
    >>> AssessedUnit(code="320105001", name="南湖街道").kind
    'street'
    """

    code: str = attrs.field(converter=_to_code_required)
    name: str = attrs.field(default="", converter=_to_name)
    kind: str = attrs.field(default="street", converter=_to_kind_required)
    group: str = attrs.field(default="", converter=_to_group)
    no_data: bool = attrs.field(default=False, converter=_to_no_data)
    line: int | None = _line()

    @property
    def label(self) -> str:
        """Its name, or its code when it has none."""
        return self.name or self.code

    def matches(self, applies_to: tuple[str, ...]) -> bool:
        """Whether an item that ``applies_to`` these unit kinds and codes scores this
        unit (an empty ``applies_to`` scores every unit).

        >>> AssessedUnit(code="hw_station", kind="department").matches(("street", "hw_station"))
        True
        """
        return not applies_to or self.kind in applies_to or self.code in applies_to


@attrs.frozen(kw_only=True)
class Finding:
    """One problem found (or one commendation, in a bonus item) against a unit.

    Parameters
    ----------
    unit
        The unit's code.
    item
        The leaf item it scores, by dotted path (``"sanitation.roads"``).
    rule
        The rule of that item (needed only when the item has several finding rules).
    stage
        For a per-finding rule: found, not fixed in time, or reported again.
    finder
        For a per-finding rule: who found it (``"city"``, ``"district"``, ``"bureau"``).
    outcome
        For a per-case rule: what happened (``"sent_back"``, ``"falsified"``…).
    case_source
        Where the case came from (:class:`~urbangov.Source`; multipliers read it).
    source
        The assessment that found it (:class:`AssessmentSource`).
    count
        How many such findings this row stands for (default 1).
    id, date, note
        Its reference, day and description.

    Examples
    --------
    >>> Finding(unit="320105001", item="sanitation.roads", finder="district").stage
    <FindingStage.FOUND: 'found'>
    """

    unit: str = attrs.field(converter=_to_unit_required)
    item: str = attrs.field(converter=_to_item_required)
    rule: str | None = attrs.field(default=None, converter=_to_optional_rule)
    stage: FindingStage = attrs.field(default=FindingStage.FOUND, converter=_stage)
    finder: str | None = attrs.field(default=None, converter=_to_finder)
    outcome: str | None = attrs.field(default=None, converter=_to_outcome)
    case_source: Source | None = attrs.field(default=None, converter=_case_source)
    source: AssessmentSource | None = attrs.field(default=None, converter=_source)
    count: int = attrs.field(default=1, converter=_to_count_positive)
    id: str = attrs.field(default="", converter=_to_id)
    date: _dt.date | None = attrs.field(default=None, converter=_date)
    note: str = attrs.field(default="", converter=_to_note)
    line: int | None = _line()

    def describe(self) -> str:
        """The finding in a few words, for explanations."""
        parts = [p for p in (self.id, str(self.date or ""), self.note) if p]
        return ", ".join(parts) if parts else "a finding"


@attrs.frozen(kw_only=True)
class KpiRecord:
    """The KPI counts of a unit for a period (and a subset of its cases: ``"urgent"``).

    Rate rules read the rate they name from the counts (exact :class:`~fractions.Fraction`,
    never a rounded percentage).

    >>> from urbangov import KpiCounts
    >>> KpiRecord(unit="320105001", counts=KpiCounts(due=10, closed=9, overdue=10)).subset
    'all'
    """

    unit: str = attrs.field(converter=_to_unit_required)
    counts: KpiCounts = attrs.field(converter=_counts)
    subset: str = attrs.field(default="all", converter=_to_subset_required)
    source: AssessmentSource | None = attrs.field(default=None, converter=_source)
    period: str = attrs.field(default="", converter=_to_period)
    line: int | None = _line()

    def describe(self) -> str:
        """The record in a few words."""
        what = "KPI counts" if self.subset == "all" else f"KPI counts of {self.subset} cases"
        return f"{what} {self.period}".rstrip()


@attrs.frozen(kw_only=True)
class Tally:
    """A named count and its base for a unit and period (``count`` of ``of``): a ratio
    KPI counts do not hold — a grid worker's accurate reports of all reports, cases
    handled the same day of those due that day.

    >>> Tally(unit="g1", name="accuracy", count=45, of=50).rate
    Fraction(9, 10)
    """

    unit: str = attrs.field(converter=_to_unit_required)
    name: str = attrs.field(converter=_to_name_required)
    count: int = attrs.field(converter=_to_count)
    of: int = attrs.field(converter=_to_of)
    source: AssessmentSource | None = attrs.field(default=None, converter=_source)
    period: str = attrs.field(default="", converter=_to_period)
    line: int | None = _line()

    @property
    def rate(self) -> Fraction | None:
        """``count / of`` exactly, ``None`` when ``of`` is 0."""
        return None if self.of == 0 else Fraction(self.count, self.of)

    def describe(self) -> str:
        """The tally in a few words."""
        return f"{self.name} {self.count}/{self.of} {self.period}".rstrip()


@attrs.frozen(kw_only=True)
class Mark:
    """A score recorded for a unit on a ``given`` item (a satisfaction survey, a panel's
    mark).

    >>> from decimal import Decimal
    >>> Mark(unit="320105001", item="satisfaction", value=Decimal("9.5")).value
    Decimal('9.5')
    """

    unit: str = attrs.field(converter=_to_unit_required)
    item: str = attrs.field(converter=_to_item_required)
    value: Decimal = attrs.field(converter=_value)
    source: AssessmentSource | None = attrs.field(default=None, converter=_source)
    note: str = attrs.field(default="", converter=_to_note)
    line: int | None = _line()

    def describe(self) -> str:
        """The mark in a few words."""
        return f"mark {self.value}" + (f", {self.note}" if self.note else "")


class TriggerLike(Protocol):
    """What a per-trigger rule reads: an escalation trigger with a unit, a measure
    (compared by its string value) and the rule that raised it."""

    @property
    def unit(self) -> str: ...

    @property
    def measure(self) -> object: ...

    @property
    def rule(self) -> object: ...


@attrs.frozen(kw_only=True)
class RecordedTrigger:
    """An escalation trigger as written in a findings file (``[[triggers]]``): the unit,
    the measure taken (``"notice"``, ``"deduct_target_points"``…) and the rule that
    raised it. Any object with these three attributes scores the same way.

    >>> RecordedTrigger(unit="320105001", measure="notice", rule="overdue_twice").measure
    'notice'
    """

    unit: str = attrs.field(converter=_to_unit_required)
    measure: str = attrs.field(converter=_to_measure_required)
    rule: str = attrs.field(default="", converter=_to_rule)
    source: AssessmentSource | None = attrs.field(default=None, converter=_source)
    line: int | None = _line()

    def describe(self) -> str:
        """The trigger in a few words."""
        return f"trigger {self.measure}" + (f" ({self.rule})" if self.rule else "")
