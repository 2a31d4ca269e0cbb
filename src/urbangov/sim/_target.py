"""Published figures to calibrate to: :class:`CalibrationTarget` and its file (private).

A target file (``kind = "calibration-target"``) names the period and the figures::

    kind = "calibration-target"
    format_version = 1
    source = "郑州 weekly report, 2019-04-08..14"
    start = 2019-04-08
    days = 7

    [counts]                 # KpiCounts fields; omitted ones are not given
    received = 51571
    due = 52434
    closed = 43523
    closed_on_time = 40394

    [rates]                  # optional: the kpi rates, as fractions (0.7704 = 77.04%)
    on_time_rate = 0.7704
"""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from urbangov._internal.documents import TomlDocument, read_document
from urbangov.errors import SimulationError, UrbangovError, combine
from urbangov.frozen import FrozenMap
from urbangov.kpi import FIELDS, KpiCounts
from urbangov.sim._comparison import RATES

__all__ = ["KIND", "CalibrationTarget", "check_target", "load_target"]

KIND = "calibration-target"
_KEYS = ("source", "start", "days", "counts", "rates")
#: Rates that lie in [0, 1] (filing and dispatch rates can exceed 1 across periods).
_UNIT_RATES = ("closure_rate", "on_time_rate", "rework_rate", "extension_rate")


def _rates(value: Mapping[str, Any]) -> FrozenMap[str, float]:
    return FrozenMap(sorted((k, float(v)) for k, v in dict(value).items()))


@attrs.frozen
class CalibrationTarget:
    """Published figures of one period: counts (``KpiCounts`` fields; a count of 0 is
    taken as not given, as a report that omits it) and rates (``urbangov.kpi``'s rate
    names, as fractions).

    >>> from urbangov.kpi import KpiCounts
    >>> week = CalibrationTarget(KpiCounts(received=51571, due=52434, closed=43523))
    >>> week.figures()
    {'received': 51571.0, 'due': 52434.0, 'closed': 43523.0}
    """

    counts: KpiCounts = attrs.field(factory=KpiCounts)
    rates: FrozenMap[str, float] = attrs.field(factory=FrozenMap, converter=_rates)
    start: _dt.date | None = None
    days: int | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        for name, value in self.rates.items():
            _check_rate(name, value, name)
        if self.days is not None and (
            isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 1
        ):
            raise SimulationError(f"{self.days!r} is not a whole number of days >= 1", field="days")
        if not self.figures():
            raise SimulationError(
                "no figures to calibrate to",
                field="counts",
                hint="give counts (received, due, closed, closed_on_time…) or rates",
            )

    def figures(self) -> dict[str, float]:
        """Every figure given: the non-zero counts, then the rates."""
        counts = {k: float(v) for k, v in self.counts.as_dict().items() if v}
        return counts | dict(self.rates)

    @classmethod
    def of(cls, target: object) -> CalibrationTarget:
        """A target from ``KpiCounts``, a mapping of figure names (counts and rates) to
        values, or a target.

        Raises
        ------
        SimulationError
            For anything else, or a name that is neither a count nor a rate.
        """
        if isinstance(target, CalibrationTarget):
            return target
        if isinstance(target, KpiCounts):
            return cls(target)
        if isinstance(target, Mapping):
            counts: dict[str, int] = {}
            rates: dict[str, float] = {}
            for name, value in target.items():
                if name in FIELDS:
                    if isinstance(value, bool) or not isinstance(value, int):
                        raise SimulationError(
                            f"{value!r} is not a count", field=f"target[{name!r}]"
                        )
                    counts[name] = value
                elif name in RATES:
                    rates[name] = _number(value, f"target[{name!r}]")
                    _check_rate(name, rates[name], f"target[{name!r}]")
                else:
                    raise _unknown(str(name), f"target[{name!r}]")
            try:
                return cls(KpiCounts(**counts), rates)
            except UrbangovError as error:
                raise SimulationError(error.message, field="target", hint=error.hint) from None
        raise SimulationError(
            f"{type(target).__name__} is not a calibration target",
            field="target",
            hint="give KpiCounts, a mapping like {'received': 51571, 'on_time_rate': 0.77}, "
            "or sim.load_target(path)",
        )


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise SimulationError(f"{value!r} is not a number", field=field)
    try:
        return float(value)  # Fraction, Decimal, int, float
    except (TypeError, ValueError):
        raise SimulationError(f"{value!r} is not a number", field=field) from None


def _check_rate(name: str, value: float, field: str) -> None:
    if name not in RATES:
        raise _unknown(name, field)
    if not (value >= 0 and (value <= 1 or name not in _UNIT_RATES)) or value != value:
        raise SimulationError(
            f"{value!r} is not a {name.replace('_', ' ')} in [0, 1]",
            field=field,
            hint="give rates as fractions: 0.7704 for 77.04%",
        )


def _unknown(name: str, field: str) -> SimulationError:
    close = difflib.get_close_matches(name, (*FIELDS, *RATES), n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"use {', '.join((*FIELDS, *RATES))}"
    return SimulationError(f"{name!r} is neither a KPI count nor a rate", field=field, hint=hint)


def _read(doc: TomlDocument) -> tuple[list[UrbangovError], CalibrationTarget | None]:
    problems: list[UrbangovError] = []
    data = doc.data

    def problem(message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        problems.append(
            SimulationError(
                message, field=".".join(path), file=doc.file, line=doc.line_of(path), hint=hint
            )
        )

    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            problem(
                f"unknown key {key!r}",
                (key,),
                f"did you mean {close[0]!r}?" if close else f"use {', '.join(_KEYS)}",
            )
    source = data.get("source", "")
    if not isinstance(source, str):
        problem(f"{source!r} is not text", ("source",))
        source = ""
    start = data.get("start")
    if start is not None and (not isinstance(start, _dt.date) or isinstance(start, _dt.datetime)):
        problem(f"{start!r} is not a date", ("start",), "write a TOML date: start = 2019-04-08")
        start = None
    days = data.get("days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 1):
        problem(f"{days!r} is not a whole number of days >= 1", ("days",))
        days = None
    counts: dict[str, int] = {}
    raw_counts = data.get("counts", {})
    if not isinstance(raw_counts, dict):
        problem("counts is not a table", ("counts",), "write [counts] then name = number lines")
        raw_counts = {}
    for name, value in raw_counts.items():
        if name not in FIELDS:
            err = _unknown(name, f"counts.{name}")
            problem(err.message, ("counts", name), err.hint)
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problem(f"{value!r} is not a count (a whole number >= 0)", ("counts", name))
        else:
            counts[name] = value
    rates: dict[str, float] = {}
    raw_rates = data.get("rates", {})
    if not isinstance(raw_rates, dict):
        problem("rates is not a table", ("rates",), "write [rates] then name = fraction lines")
        raw_rates = {}
    for name, value in raw_rates.items():
        try:
            number = _number(value, f"rates.{name}")
            _check_rate(name, number, f"rates.{name}")
        except SimulationError as err:
            problem(err.message, ("rates", name), err.hint)
        else:
            rates[name] = number
    if problems:
        return problems, None
    try:
        found = CalibrationTarget(KpiCounts(**counts), rates, start, days, source)
    except UrbangovError as err:
        problem(err.message, ("counts",), err.hint)
        return problems, None
    return problems, found


def load_target(path: str | Path) -> CalibrationTarget:
    """Read a calibration target file (``kind = "calibration-target"``).

    Raises
    ------
    SimulationError
        For every problem of the file (field, file and line of each).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "week.toml"
    >>> _ = path.write_text('kind = "calibration-target"\\nformat_version = 1\\n'
    ...                     'start = 2019-04-08\\ndays = 7\\n[counts]\\nreceived = 51571\\n')
    >>> load_target(path).figures()
    {'received': 51571.0}
    """
    doc = read_document(path, KIND, SimulationError, decimal=True)
    problems, found = _read(doc)
    if problems:
        raise combine(problems)
    assert found is not None
    return found


def check_target(path: str | Path) -> tuple[UrbangovError, ...]:
    """Every problem of a calibration target file; empty exactly when
    :func:`load_target` succeeds.

    >>> check_target("no/such/target.toml")[0].message[:20]
    'cannot read the file'
    """
    try:
        doc = read_document(path, KIND, SimulationError, decimal=True)
    except SimulationError as exc:
        return (exc,)
    return tuple(_read(doc)[0])
