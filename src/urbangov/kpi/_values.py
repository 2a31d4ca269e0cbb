"""KPI values (private; see :mod:`urbangov.kpi`): counts, rates, rounding, rules, and
:class:`CaseTimes`, the per-case instants the batch path counts.

Imported by :mod:`urbangov.kpi`, which re-exports everything public here; the counting
rules and the sources are documented there and in ``docs/kpi.md``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol, Self

import attrs
import numpy as np
from numpy.typing import NDArray

from urbangov._internal.instants import NAT
from urbangov.cases import CaseColumns, EventKind
from urbangov.errors import KpiError, PolicyError
from urbangov.frozen import FrozenMap, readonly_array

__all__ = [
    "FIELDS",
    "NAT",
    "CaseTimes",
    "HasKpi",
    "KpiCounts",
    "KpiRules",
    "closure_rate",
    "dispatch_rate",
    "extension_rate",
    "filing_rate",
    "on_time_rate",
    "percent",
    "rework_rate",
    "to_ns",
]

#: The :class:`~urbangov.kpi.KpiCounts` fields, in order (the columns of a ``KpiTable``).
FIELDS: tuple[str, ...] = (
    "received",
    "filed",
    "dispatched",
    "voided",
    "due",
    "closed",
    "closed_on_time",
    "reworked",
    "extended",
    "suspended",
    "overdue",
)

#: "Never" in int64 nanoseconds (``NaT``): the smallest int64.


# --------------------------------------------------------------------------- counts


def _count(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise KpiError(
            f"{value!r} is not a whole number of cases",
            field=attribute.name,
            hint="give an int ≥ 0",
        )
    if value < 0:
        raise KpiError(f"{value} is negative", field=attribute.name, hint="give an int ≥ 0")


def _int(value: object) -> object:
    # numpy integers become ints; anything else is left for the validator to reject
    return int(value) if isinstance(value, np.integer) else value


def _field() -> Any:
    return attrs.field(default=0, converter=_int, validator=_count)


@attrs.frozen(kw_only=True)
class KpiCounts:
    """The additive case counts of one period (考核统计基础指标).

    Every field is an int ≥ 0 (default 0); see the module docstring for the counting rule
    of each. The counts add (``a + b``, ``sum(counts)``), so the counts of a district are
    the sum of its streets', and a month's event counts the sum of its days'.

    Parameters
    ----------
    received, filed, dispatched, voided
        受理数, 立案数, 派遣数, 作废数: cases with that event in the period.
    due
        应结案数: cases whose deadline falls in the period.
    closed, closed_on_time
        结案数, 按期结案数: cases of ``due`` closed by the period end / by the deadline.
    reworked, extended, suspended
        返工数, 延期数, 缓办数: cases of ``due`` with such an event.
    overdue
        超期数: cases of ``due`` not closed by their deadline.

    Raises
    ------
    KpiError
        If a count is not an int ≥ 0, or the counts break a rule their definitions
        imply: ``closed_on_time <= closed <= due``; ``reworked``, ``extended``,
        ``suspended <= due``; ``closed_on_time + overdue == due``.

    Examples
    --------
    >>> a = KpiCounts(received=3, due=2, closed=2, closed_on_time=1, overdue=1)
    >>> b = KpiCounts(received=1, due=1, overdue=1)
    >>> (a + b).received, sum([a, b]).overdue
    (4, 2)
    >>> KpiCounts(due=2, closed=3)
    Traceback (most recent call last):
    ...
    urbangov.errors.KpiError: closed: 3 closed cases exceed the 2 due (应结案); closed counts
    only cases of due
    """

    received: int = _field()
    filed: int = _field()
    dispatched: int = _field()
    voided: int = _field()
    due: int = _field()
    closed: int = _field()
    closed_on_time: int = _field()
    reworked: int = _field()
    extended: int = _field()
    suspended: int = _field()
    overdue: int = _field()

    def __attrs_post_init__(self) -> None:
        due = self.due
        if self.closed > due:
            raise KpiError(
                f"{self.closed} closed cases exceed the {due} due (应结案)",
                field="closed",
                hint="closed counts only cases of due",
            )
        if self.closed_on_time > self.closed:
            raise KpiError(
                f"{self.closed_on_time} closed on time exceed the {self.closed} closed",
                field="closed_on_time",
                hint="a case closed by its deadline (within the period) is also closed",
            )
        for name in ("reworked", "extended", "suspended"):
            if getattr(self, name) > due:
                raise KpiError(
                    f"{getattr(self, name)} exceed the {due} due (应结案)",
                    field=name,
                    hint=f"{name} counts only cases of due",
                )
        if self.closed_on_time + self.overdue != due:
            raise KpiError(
                f"closed_on_time {self.closed_on_time} + overdue {self.overdue} is not "
                f"the {due} due",
                field="overdue",
                hint=f"every due case is either closed on time or overdue: give "
                f"overdue={max(due - self.closed_on_time, 0)}",
            )

    def __add__(self, other: object) -> KpiCounts:
        if not isinstance(other, KpiCounts):
            return NotImplemented
        return KpiCounts(**{f: getattr(self, f) + getattr(other, f) for f in FIELDS})

    def __radd__(self, other: object) -> KpiCounts:
        # sum() starts from 0
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict, in field order.

        >>> KpiCounts(received=2).as_dict()["received"]
        2
        """
        return {f: getattr(self, f) for f in FIELDS}


_ZERO = KpiCounts()


# --------------------------------------------------------------------------- rates


def _rate(numerator: int, denominator: int) -> Fraction | None:
    return None if denominator == 0 else Fraction(numerator, denominator)


def filing_rate(counts: KpiCounts) -> Fraction | None:
    """Filing rate (立案率): filed (立案数) over received (受理数).

    Can exceed 1 when cases received before the period are filed in it.

    >>> filing_rate(KpiCounts(received=4, filed=3))
    Fraction(3, 4)
    >>> filing_rate(KpiCounts()) is None
    True
    """
    return _rate(counts.filed, counts.received)


def dispatch_rate(counts: KpiCounts) -> Fraction | None:
    """Dispatch rate (派遣率): dispatched (派遣数) over filed (立案数); can exceed 1.

    >>> dispatch_rate(KpiCounts(filed=4, dispatched=4))
    Fraction(1, 1)
    """
    return _rate(counts.dispatched, counts.filed)


def closure_rate(counts: KpiCounts) -> Fraction | None:
    """Closure rate (结案率): closed (结案数) over due (应结案数); in [0, 1].

    >>> closure_rate(KpiCounts(due=4, closed=3, overdue=4))
    Fraction(3, 4)
    """
    return _rate(counts.closed, counts.due)


def on_time_rate(counts: KpiCounts) -> Fraction | None:
    """On-time closure rate (按期结案率): closed on time (按期结案数) over due; in [0, 1].

    >>> on_time_rate(KpiCounts(due=4, closed=3, closed_on_time=2, overdue=2))
    Fraction(1, 2)
    """
    return _rate(counts.closed_on_time, counts.due)


def rework_rate(counts: KpiCounts) -> Fraction | None:
    """Rework rate (返工率): reworked (返工数) over due (应结案数); in [0, 1].

    >>> rework_rate(KpiCounts(due=4, reworked=1, overdue=4))
    Fraction(1, 4)
    """
    return _rate(counts.reworked, counts.due)


def extension_rate(counts: KpiCounts) -> Fraction | None:
    """Extension rate (延期率): extended (延期数) over due (应结案数); in [0, 1].

    >>> extension_rate(KpiCounts(due=5, extended=1, overdue=5))
    Fraction(1, 5)
    """
    return _rate(counts.extended, counts.due)


MAX_PLACES = 20
"""The most decimal places :func:`percent` rounds to."""


def percent(rate: Fraction | None, places: int = 2) -> Decimal | None:
    """A rate as a percentage rounded half-up (四舍五入) to ``places`` decimals.

    Exact at every ``places`` from 0 to :data:`MAX_PLACES` (20): the rounding is done
    on the fraction with integers, never on a float or in a 28-digit ``Decimal``
    context. ``None`` (no denominator) passes through.

    >>> percent(Fraction(10225, 18086))  # 56.5354…%
    Decimal('56.54')
    >>> percent(Fraction(1, 8), places=1), percent(Fraction(1, 1)), percent(None)
    (Decimal('12.5'), Decimal('100.00'), None)
    >>> percent(Fraction(1, 3), places=20)
    Decimal('33.33333333333333333333')

    Raises
    ------
    KpiError
        Naming ``places`` when it is not a whole number from 0 to 20, or ``rate`` when
        it is not exact.
    """
    if rate is None:
        return None
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_PLACES:
        raise KpiError(
            f"{places!r} is not a number of places from 0 to {MAX_PLACES}",
            field="places",
            hint=f"give a whole number from 0 to {MAX_PLACES}",
        )
    if not isinstance(rate, Fraction | int):
        raise KpiError(
            f"{rate!r} is not an exact rate",
            field="rate",
            hint="pass a Fraction, as the rate functions return",
        )
    scaled = Fraction(rate) * 100 * 10**places
    # half-up (away from zero), on the exact value: never through a float
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    # built from its digits: exact however many there are (no context rounding)
    _, digits, exponent = Decimal(whole).as_tuple()
    assert isinstance(exponent, int)
    return Decimal((1 if scaled < 0 and whole else 0, digits, exponent - places))


# --------------------------------------------------------------------------- rules


def _is_bool(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise PolicyError(
            f"{value!r} is not true or false",
            field=f"kpi.{attribute.name}",
            hint="write true or false",
        )


@attrs.frozen
class KpiRules:
    """The Policy's ``kpi`` section: the choices a city makes about counting.

    Parameters
    ----------
    exclude_suspended_from_due
        Remove from ``due`` (应结案) — and so from every count of ``due`` — the cases that
        are suspended (缓办/挂账) at the end of the period: their last event before the
        period end is a ``suspend``. Default ``False``: a suspended case whose deadline
        falls in the period counts as due (and overdue unless closed by its deadline).
        Some cities report suspended cases separately (挂账案件不计入应结案); the reports
        urbangov reproduces do not say, so the default keeps them.

    Examples
    --------
    >>> KpiRules().exclude_suspended_from_due
    False
    >>> KpiRules(exclude_suspended_from_due="yes")
    Traceback (most recent call last):
    ...
    urbangov.errors.PolicyError: kpi.exclude_suspended_from_due: 'yes' is not true or false;
    write true or false
    """

    exclude_suspended_from_due: bool = attrs.field(default=False, validator=_is_bool)

    def at(self, d: _dt.date) -> Self:
        """The rules in force on ``d`` (dated values resolved; plain ones kept).

        >>> import datetime as _dt
        >>> KpiRules().at(_dt.date(2024, 1, 1)) == KpiRules()
        True
        """
        changes = {
            f.name: getattr(self, f.name).at(d)
            for f in attrs.fields(type(self))
            if callable(getattr(getattr(self, f.name), "at", None))
        }
        return attrs.evolve(self, **changes) if changes else self


class HasKpi(Protocol):
    """Anything with a ``kpi`` section (a ``Policy``)."""

    @property
    def kpi(self) -> KpiRules: ...


def _rules_of(rules: KpiRules | HasKpi, on: _dt.date) -> KpiRules:
    section = rules if isinstance(rules, KpiRules) else getattr(rules, "kpi", None)
    if not isinstance(section, KpiRules):
        raise KpiError(
            f"{type(rules).__name__} is not KPI rules",
            field="rules",
            hint="pass a KpiRules or a Policy",
        )
    return section.at(on)


# --------------------------------------------------------------------------- per-case instants


def _instants(value: object, field: str, n: int | None = None) -> NDArray[np.datetime64]:
    try:
        arr = np.array(value, dtype="datetime64[ns]", copy=True)
    except (TypeError, ValueError) as exc:
        raise KpiError(f"cannot read as datetime64[ns]: {exc}", field=field) from None
    if arr.ndim != 1 or (n is not None and len(arr) != n):
        raise KpiError(
            f"has shape {arr.shape}, expected ({n},)" if n is not None else "is not 1-d",
            field=field,
            hint="give one instant per case (NaT: never)",
        )
    arr.setflags(write=False)
    return arr


def to_ns(value: object, n: int, field: str) -> NDArray[np.int64]:
    """Per-case instants as int64 ns (NaT: the smallest int64), checked to have ``n`` rows."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "M":
        arr = value.astype("datetime64[ns]", copy=False)
    else:
        arr = _instants(value, field)
    if arr.ndim != 1 or len(arr) != n:
        raise KpiError(
            f"has {arr.shape} values for {n} cases",
            field=field,
            hint="give one deadline per case (datetime64[ns] UTC, NaT: none)",
        )
    return arr.view(np.int64)


def _ro(value: object, dtype: Any, field: str) -> NDArray[Any]:
    return readonly_array(value, dtype, field=field, error=KpiError)


def _pause_case(value: object) -> NDArray[np.int64]:
    return _ro(value, np.int64, "pause_case")


def _pause_at(value: object) -> NDArray[np.datetime64]:
    return _instants(value, "pause_at")


def _pause_suspend(value: object) -> NDArray[np.bool_]:
    return _ro(value, np.bool_, "pause_suspend")


def _groups(value: Mapping[str, tuple[Any, Sequence[Any]]]) -> FrozenMap[str, Any]:
    out = {}
    for name, pair in value.items():
        codes, labels = pair
        out[name] = (_ro(codes, np.int64, f"groups.{name}"), tuple(labels))
    return FrozenMap(out)


@attrs.frozen(eq=False)
class CaseTimes:
    """Per case, the instants the KPI counting rules read, and its group codes.

    Build it with :meth:`from_columns`, or directly from arrays (a case table from a
    database): every instant array is ``datetime64[ns]`` UTC with ``NaT`` for "never",
    one value per case. ``pause_case``/``pause_at``/``pause_suspend`` list the
    ``suspend`` (``True``) and ``resume`` (``False``) events, in each case's order; they
    are needed only for ``KpiRules(exclude_suspended_from_due=True)``. ``groups`` maps a
    grouping name to per-case codes (``-1``: none) and their labels.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.array(["2024-05-06T01:00"], dtype="datetime64[ns]")
    >>> nat = np.array(["NaT"], dtype="datetime64[ns]")
    >>> times = CaseTimes(t, t, t, nat, nat, nat, nat, nat, groups={"grid": ([0], ("g1",))})
    >>> times.n_cases
    1
    """

    accepted_at: NDArray[np.datetime64] = attrs.field()
    filed_at: NDArray[np.datetime64] = attrs.field()
    dispatched_at: NDArray[np.datetime64] = attrs.field()
    voided_at: NDArray[np.datetime64] = attrs.field()
    closed_at: NDArray[np.datetime64] = attrs.field()
    reworked_at: NDArray[np.datetime64] = attrs.field()
    extended_at: NDArray[np.datetime64] = attrs.field()
    suspended_at: NDArray[np.datetime64] = attrs.field()
    pause_case: NDArray[np.int64] = attrs.field(default=(), converter=_pause_case)
    pause_at: NDArray[np.datetime64] = attrs.field(default=(), converter=_pause_at)
    pause_suspend: NDArray[np.bool_] = attrs.field(default=(), converter=_pause_suspend)
    groups: FrozenMap[str, Any] = attrs.field(factory=FrozenMap, converter=_groups)

    def __attrs_post_init__(self) -> None:
        for f in attrs.fields(CaseTimes)[:8]:
            object.__setattr__(self, f.name, _instants(getattr(self, f.name), f.name))
        n = len(self.accepted_at)
        for f in attrs.fields(CaseTimes)[:8]:
            if len(getattr(self, f.name)) != n:
                raise KpiError(
                    f"has {len(getattr(self, f.name))} rows for {n} cases",
                    field=f.name,
                    hint="give one instant per case (NaT: never)",
                )
        m = len(self.pause_case)
        if len(self.pause_at) != m or len(self.pause_suspend) != m:
            raise KpiError(
                "pause_case, pause_at and pause_suspend differ in length",
                field="pause_at",
                hint="give one row per suspend or resume event",
            )
        if m and ((self.pause_case < 0) | (self.pause_case >= n)).any():
            raise KpiError("a pause names no case", field="pause_case", hint="use 0..n-1")
        if m > 1 and (np.diff(self.pause_case) < 0).any():
            order = np.argsort(self.pause_case, kind="stable")
            for name in ("pause_case", "pause_at", "pause_suspend"):
                arr = getattr(self, name)[order]
                arr.setflags(write=False)
                object.__setattr__(self, name, arr)
        for name, (codes, labels) in self.groups.items():
            if len(codes) != n:
                raise KpiError(f"has {len(codes)} codes for {n} cases", field=f"groups.{name}")
            if n and ((codes < -1) | (codes >= len(labels))).any():
                raise KpiError(
                    f"a code is outside -1..{len(labels) - 1}",
                    field=f"groups.{name}",
                    hint="codes index the labels; -1 means none",
                )

    @property
    def n_cases(self) -> int:
        """The number of cases."""
        return len(self.accepted_at)

    @classmethod
    def from_columns(cls, columns: CaseColumns) -> CaseTimes:
        """The instants and groups of ``columns`` (vectorised; assumes valid events).

        ``department`` is the department of each case's last dispatch.
        """
        n, case, kind, at = columns.n_cases, columns.case, columns.kind, columns.at

        def rows_of(k: EventKind) -> tuple[NDArray[np.int64], NDArray[np.intp]]:
            rows = np.flatnonzero(kind == k.code)
            return case[rows], rows

        def first_at(k: EventKind) -> NDArray[np.datetime64]:
            out = np.full(n, np.datetime64("NaT", "ns"))
            cs, rows = rows_of(k)
            if rows.size:
                keep = np.ones(rows.size, dtype=np.bool_)
                keep[1:] = cs[1:] != cs[:-1]
                out[cs[keep]] = at[rows[keep]]
            return out

        department = np.full(n, -1, dtype=np.int64)
        cs, rows = rows_of(EventKind.DISPATCH)
        if rows.size:
            last = np.ones(rows.size, dtype=np.bool_)
            last[:-1] = cs[1:] != cs[:-1]
            department[cs[last]] = columns.event_department[rows[last]]
        pause = np.flatnonzero((kind == EventKind.SUSPEND.code) | (kind == EventKind.RESUME.code))
        return cls(
            accepted_at=first_at(EventKind.ACCEPT),
            filed_at=first_at(EventKind.FILE),
            dispatched_at=first_at(EventKind.DISPATCH),
            voided_at=first_at(EventKind.VOID),
            closed_at=first_at(EventKind.CLOSE),
            reworked_at=first_at(EventKind.VERIFY_FAIL),
            extended_at=first_at(EventKind.EXTEND),
            suspended_at=first_at(EventKind.SUSPEND),
            pause_case=case[pause],
            pause_at=at[pause],
            pause_suspend=kind[pause] == EventKind.SUSPEND.code,
            groups={
                "grid": (columns.grid, columns.grids),
                "category": (columns.category, columns.categories),
                "source": (columns.source, CaseColumns.SOURCES),
                "urgency": (columns.urgency, CaseColumns.URGENCIES),
                "zone": (columns.zone, CaseColumns.ZONES),
                "segment": (columns.segment, columns.segments),
                "department": (department, columns.departments),
            },
        )
