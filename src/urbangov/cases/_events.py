"""Case events and the checks of their values (private).

Imported by :mod:`urbangov.cases`, which re-exports :class:`CaseEvent` and
:func:`check_grid`; the workflow (``_workflow.py``) builds cases of them.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable
from typing import Any

import attrs

from urbangov._internal.instants import MAX_YEAR, MIN_YEAR, aware, check_range, stdlib
from urbangov.calendar import TimeLimit
from urbangov.cases._states import (
    EventKind,
    Outcome,
)
from urbangov.errors import CaseError, UrbangovError
from urbangov.vocabulary import Level

__all__ = ["CaseEvent", "check_grid"]


# ---------------------------------------------------------------- values

_SUB: Callable[[Any, Any], _dt.timedelta] = _dt.datetime.__sub__
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_CODE_LENGTHS = tuple(sorted({level.code_length for level in Level}))


def _aware(field: str, value: object) -> _dt.datetime:
    """An aware stdlib datetime inside the stored years (``MIN_YEAR``..``MAX_YEAR``)."""
    found = stdlib(aware(value, field))
    if not MIN_YEAR < found.year < MAX_YEAR:
        check_range(found, field, CaseError)
    return found


def _earlier(a: _dt.datetime, b: _dt.datetime) -> bool:
    """Whether instant ``a`` is before instant ``b`` (by UTC: the zones' offsets and
    folds count, not the wall-clock fields)."""
    return _SUB(a, _EPOCH) < _SUB(b, _EPOCH)


def _check_text(value: object, field: str, what: str = "a non-empty string") -> str:
    """``value`` if it is a string that is not blank and encodes as UTF-8."""
    if not isinstance(value, str) or not value.strip():
        raise CaseError(f"{value!r} is not {what}", field=field, hint=f"give the {field}")
    _encodable(value, field)
    return value


def _encodable(value: str, field: str) -> None:
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CaseError(
                f"{value!r} holds a lone surrogate ({value[exc.start]!r}), which no file can store",
                field=field,
                hint="give text of whole characters",
            ) from None


def check_grid(value: object, field: str = "grid") -> str:
    """``value`` if it has the shape of a unit code: digits, as long as a code of some
    level (6 city or district, 9 street, 12 community, 15 grid); else :class:`CaseError`.

    >>> check_grid("320102001001001")
    '320102001001001'
    >>> check_grid("abc")
    Traceback (most recent call last):
    ...
    urbangov.errors.CaseError: grid: 'abc' is not a unit code: ...
    """
    text = _check_text(value, field)
    if not (text.isascii() and text.isdigit() and len(text) in _CODE_LENGTHS):
        raise CaseError(
            f"{text!r} is not a unit code: a code is digits, "
            + ", ".join(map(str, _CODE_LENGTHS))
            + " of them (city or district, street, community, grid)",
            field=field,
            hint="give the code of the unit where the problem is, e.g. '320102001001001'",
        )
    return text


# ---------------------------------------------------------------- events


def _event_at(value: object) -> _dt.datetime:
    return _aware("at", value)


def _event_kind(value: object) -> EventKind:
    return EventKind.parse(value, field="kind", error=CaseError)


def _outcome(value: object) -> Outcome | None:
    return None if value is None else Outcome.parse(value, field="outcome", error=CaseError)


def _optional_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _check_text(value, attribute.name)


def _note(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise CaseError(f"{value!r} is not a string", field="note", hint="give text")
    _encodable(value, "note")


def _extension(value: object) -> TimeLimit | None:
    if value is None or isinstance(value, TimeLimit):
        return value
    if isinstance(value, str):
        try:
            return TimeLimit.parse(value, field="extension")
        except UrbangovError as exc:
            raise CaseError(exc.message, field="extension", hint=exc.hint) from None
    raise CaseError(
        f"{value!r} is not a TimeLimit",
        field="extension",
        hint="give e.g. TimeLimit.working_days(5) or '5 working days'",
    )


_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
_OUTCOME_EVENTS = frozenset({EventKind.HANDLE, EventKind.CLOSE})


@attrs.frozen
class CaseEvent:
    """One step of a case's history (案件流转记录).

    Parameters
    ----------
    kind
        The :class:`EventKind` (or its value, name or Chinese term).
    at
        When it happened: an aware ``datetime`` (pendulum's too; stored as stdlib).
    actor
        Who acted (a person or post code); the first event's actor is the first-asked
        receiver (首问).
    department
        The department dispatched to: required for ``dispatch``, forbidden otherwise.
    extension
        The approved extension: a :class:`~urbangov.calendar.TimeLimit`, or any text
        :meth:`TimeLimit.parse <urbangov.calendar.TimeLimit.parse>` reads
        (``"5 working days"``, ``"5工作日"``); required for ``extend``, forbidden
        otherwise.
    outcome
        The enforcement :class:`Outcome` (立案查处 / 教育整改), on ``handle`` or ``close``.
    note
        Free text.

    Examples
    --------
    >>> import datetime as _dt
    >>> from zoneinfo import ZoneInfo
    >>> at = _dt.datetime(2024, 5, 6, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> CaseEvent("派遣", at, department="sanitation_station").kind
    <EventKind.DISPATCH: 'dispatch'>
    >>> CaseEvent("dispatch", at)
    Traceback (most recent call last):
    ...
    urbangov.errors.CaseError: department: a dispatch event needs the department
    dispatched to; pass department="..."
    """

    kind: EventKind = attrs.field(converter=_event_kind)
    at: _dt.datetime = attrs.field(converter=_event_at)
    actor: str | None = attrs.field(default=None, validator=_optional_text)
    department: str | None = attrs.field(default=None, validator=_optional_text)
    extension: TimeLimit | None = attrs.field(default=None, converter=_extension)
    outcome: Outcome | None = attrs.field(default=None, converter=_outcome)
    note: str = attrs.field(default="", validator=_note)

    def __attrs_post_init__(self) -> None:
        dispatch = self.kind is EventKind.DISPATCH
        if dispatch and self.department is None:
            raise CaseError(
                "a dispatch event needs the department dispatched to",
                field="department",
                hint='pass department="..."',
            )
        if not dispatch and self.department is not None:
            raise CaseError(
                f"only a dispatch event names a department, not {self.kind.value}",
                field="department",
                hint="leave department out",
            )
        extend = self.kind is EventKind.EXTEND
        if extend and self.extension is None:
            raise CaseError(
                "an extend event needs the approved extension",
                field="extension",
                hint="pass extension=TimeLimit.working_days(…)",
            )
        if not extend and self.extension is not None:
            raise CaseError(
                f"only an extend event carries an extension, not {self.kind.value}",
                field="extension",
                hint="leave extension out",
            )
        if self.outcome is not None and self.kind not in _OUTCOME_EVENTS:
            raise CaseError(
                f"an enforcement outcome is recorded on handle or close, not {self.kind.value}",
                field="outcome",
                hint="move the outcome to the handle (处置反馈) event",
            )
