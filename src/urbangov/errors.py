"""Every error urbangov raises, and its one warning.

Each error is a subclass of :class:`UrbangovError` and of the closest built-in
exception (``ValueError``, ``LookupError``), so callers may catch either. The message
names what was wrong (``field``), where (``file`` and ``line``) and what to do next
(``hint``); the parts are also attributes, for programs that handle the error.

Examples
--------
>>> err = PolicyError(
...     "'4 workin hours' is not a time limit",
...     field="deadlines.categories.exposed_garbage.normal",
...     file="policy.toml",
...     line=41,
...     hint="write e.g. '4 working hours' or '15 working days'",
... )
>>> print(err)  # doctest: +NORMALIZE_WHITESPACE
deadlines.categories.exposed_garbage.normal: '4 workin hours' is not a time limit
(policy.toml, line 41); write e.g. '4 working hours' or '15 working days'
>>> err.line
41
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self, TypeVar

__all__ = [
    "CalendarCoverageError",
    "CalendarError",
    "CaseError",
    "CaseLogError",
    "EscalationError",
    "FindingsError",
    "HierarchyError",
    "KpiError",
    "MissingExtraError",
    "NaiveDatetimeError",
    "OrganisationError",
    "PolicyError",
    "ProvisionalCalendarWarning",
    "RuleCaseError",
    "SimulationError",
    "StandardError",
    "TaxonomyError",
    "TransitionError",
    "UnknownTermError",
    "UrbangovError",
    "combine",
]

E = TypeVar("E", bound="UrbangovError")
_SHOWN = 20  # problems listed in a combined error's message (all are in ``problems``)


class UrbangovError(Exception):
    """Base class of every error urbangov raises.

    Parameters
    ----------
    message
        What is wrong, in one sentence.
    field
        The offending field or dotted path (``units[3].parent``, ``deadlines.default``).
    file, line
        Where the offending value was read from, when it came from a file.
    hint
        What the user should do next.

    Attributes
    ----------
    problems
        Every problem, when the error stands for several (a file, a reform): see
        :func:`combine`. Empty for an error raised on its own.
    """

    problems: tuple[UrbangovError, ...] = ()

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        file: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.file = file
        self.line = line
        self.hint = hint
        super().__init__(self._compose())

    def _compose(self) -> str:
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}, line {self.line}"
            text = f"{text} ({where})"
        if self.hint:
            text = f"{text}; {self.hint}"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the structured parts across pickling (process pools, Dask workers).
        kwargs = {"field": self.field, "file": self.file, "line": self.line, "hint": self.hint}
        state = {"problems": self.problems} if self.problems else None
        return (_rebuild_error, (type(self), self.message, kwargs), state)

    def located(self, *, file: str | None = None, line: int | None = None) -> Self:
        """Return a copy of this error that also names the file and line it came from.

        >>> HierarchyError("duplicate code", field="units[2].code").located(file="a.toml", line=9)
        HierarchyError('units[2].code: duplicate code (a.toml, line 9)')
        """
        return type(self)(
            self.message,
            field=self.field,
            file=file if file is not None else self.file,
            line=line if line is not None else self.line,
            hint=self.hint,
        )


def _rebuild_error(cls: type[UrbangovError], message: str, kwargs: dict[str, Any]) -> Any:
    return cls(message, **kwargs)


def combine(
    problems: Sequence[E], *, what: str = "", hint: str | None = None, sort: bool = True
) -> E:
    """One error standing for several problems: the one way urbangov reports them all.

    A single problem is returned as it is; several become one error of the first's class
    whose message lists them (the first :data:`_SHOWN`), located at the first, with every
    problem in ``.problems``. ``sort`` orders them by file, line and field first.

    Examples
    --------
    >>> a = HierarchyError("duplicate code", field="units[3].code", file="c.toml", line=9)
    >>> b = HierarchyError("missing parent", field="units[1].parent", file="c.toml", line=4)
    >>> err = combine([a, b])
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    units[1].parent: 2 problems:
      - units[1].parent: missing parent (c.toml, line 4)
      - units[3].code: duplicate code (c.toml, line 9)
    the first is (c.toml, line 4); fix each one; `urbangov validate FILE` lists them all
    >>> [p.line for p in err.problems]
    [4, 9]
    """
    if not problems:
        raise ValueError("combine() needs at least one problem")
    found = list(problems)
    if sort:
        found.sort(key=lambda p: (p.file or "", p.line or 0, p.field or ""))
    first = found[0]
    if len(found) == 1:
        first.problems = (first,)
        return first
    listing = "\n".join(f"  - {p}" for p in found[:_SHOWN])
    if len(found) > _SHOWN:
        listing += f"\n  - … and {len(found) - _SHOWN} more"
    error = type(first)(
        f"{len(found)} problems{what}:\n{listing}\nthe first is",
        field=first.field,
        file=first.file,
        line=first.line,
        hint=hint or "fix each one; `urbangov validate FILE` lists them all",
    )
    error.problems = tuple(found)
    return error


class UnknownTermError(UrbangovError, ValueError):
    """A word that names no member of a vocabulary (level, domain, zone tier…)."""


class HierarchyError(UrbangovError, ValueError):
    """An invalid or inconsistent hierarchy of units (bad code, missing parent…),
    or a query that has no answer in it (no common ancestor, unknown unit)."""


class OrganisationError(UrbangovError, ValueError):
    """An invalid organisation or duty matrix (a domain with no lead somewhere…)."""


class PolicyError(UrbangovError, ValueError):
    """An invalid policy file, section or reform (unknown key, wrong type, gap…).

    ``problems`` lists every problem of a file or reform; it survives pickling with the
    rest of the error.
    """


class CalendarCoverageError(UrbangovError, LookupError):
    """A date outside the years the working calendar knows the holidays of."""


class CalendarError(UrbangovError, ValueError):
    """An invalid time limit, work schedule, calendar file or working-time argument."""


class NaiveDatetimeError(UrbangovError, ValueError):
    """A ``datetime`` without a timezone where an aware one is required."""


class TaxonomyError(UrbangovError, ValueError):
    """An invalid taxonomy file or category, or a category name/code that resolves to none."""


class CaseError(UrbangovError, ValueError):
    """An invalid case or case event value (a bad grid code, an unknown category, a
    dispatch without a department, a time outside the stored range…)."""


class TransitionError(UrbangovError, ValueError):
    """An event that the case workflow does not allow in the case's current state."""


class CaseLogError(UrbangovError, ValueError):
    """A bad row or field in a case event log (CSV, JSON Lines, Parquet)."""


class EscalationError(UrbangovError, ValueError):
    """An escalation the rules do not allow or the city cannot carry out: summoning
    departments outside the allowed situations, a handling chain the policy lacks, a
    link of a chain the city's organisation has nobody for (``urbangov.escalation``)."""


class KpiError(UrbangovError, ValueError):
    """Invalid KPI counts, a bad period or grouping, or a missing deadline (``urbangov.kpi``)."""


class StandardError(UrbangovError, ValueError):
    """An invalid assessment standard (scoring items, caps, cut-offs)."""


class FindingsError(UrbangovError, ValueError):
    """An invalid findings file or finding: an unknown unit, item, rule, finder or
    outcome, or a value the assessment standard cannot score (``urbangov.scoring``)."""


class RuleCaseError(UrbangovError, ValueError):
    """An invalid rule-case file (``kind = "rule-cases"``), or a rule case whose expected
    output differs from what the rules give (``urbangov test``)."""


class MissingExtraError(UrbangovError, ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


class SimulationError(UrbangovError, ValueError):
    """An invalid simulation model, run or saved result (``urbangov.sim``): a bad city
    size, rate or staffing, a run outside its span, or a result directory that is not
    one."""


class ProvisionalCalendarWarning(UserWarning):
    """A working-time result touched a year with no official holiday data and was
    computed as Monday–Friday (``WorkCalendar.china(provisional=True)``)."""
