"""The value of a dated parameter on a day, or on any day when it always holds
(private; the Policy's dated values as scoring reads them)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from urbangov.errors import PolicyError
from urbangov.params import Dated

__all__ = ["current"]


def current(dated: Any, day: _dt.date | None, field: str) -> Any:
    """``dated`` on ``day``; without a day, its value when it always holds.

    Raises
    ------
    PolicyError
        Naming ``field``, when the value changes over time and no day is given.

    >>> from urbangov.params import Period
    >>> current(Dated.always(5), None, "red_list")
    5
    >>> current(Dated((Period(5), Period(3, start=_dt.date(2025, 1, 1)))), None, "red_list")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: red_list: red_list changes over time and no day was given; ...
    """
    if not isinstance(dated, Dated):
        return dated
    if day is not None:
        return dated.at(day)
    if len(dated.periods) == 1 and dated.periods[0].is_default:
        return dated.periods[0].value
    raise PolicyError(
        f"{field} changes over time and no day was given",
        field=field,
        hint="give the day (on=…, the findings' start, or --on DATE)",
    )
