"""Working time (工作时间): China's official holidays and make-up workdays, exactly.

Private: :mod:`urbangov.calendar` re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import attrs
import numpy as np
import numpy.typing as npt

from urbangov._internal.instants import MAX_YEAR, MIN_YEAR, from_us, to_us
from urbangov.calendar._batch import (
    COVERED,
    PROVISIONAL,
    UNCOVERED,
    Clock,
    batch_add,
    batch_between,
)
from urbangov.calendar._days import bundled
from urbangov.calendar._exact import add_exact, between, paused_work
from urbangov.calendar._fast import FastAdd, enabled
from urbangov.calendar._files import calendar_file_problems, load_calendar
from urbangov.calendar._schedule import WorkSchedule
from urbangov.calendar._time import date_of, days_arg, pauses_us, years_of, zone
from urbangov.calendar._values import DayInfo, DayKind, TimeLimit
from urbangov.errors import CalendarCoverageError, CalendarError, UrbangovError
from urbangov.frozen import FrozenMap

__all__ = ["DEFAULT_SCHEDULE", "PROVISIONAL_SPAN", "WorkCalendar"]

DEFAULT_SCHEDULE = WorkSchedule.daily([("09:00", "12:00"), ("13:30", "18:00")])
"""Default office hours, 09:00–12:00 and 13:30–18:00: the schedule of the docs' examples
and of the ``urbangov deadline`` command. Government offices vary
(many keep 08:30/09:00–12:00 and 13:30/14:00–17:30/18:00, often by season); it is a
policy parameter (``calendar.schedule``), not a rule."""

PROVISIONAL_SPAN = (1970, 2099)
"""Years a provisional calendar can compute in (uncovered ones as Monday–Friday)."""

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()
_FIRST_US = to_us(_dt.datetime(MIN_YEAR, 1, 1, tzinfo=_dt.UTC), "start")
_LAST_US = to_us(_dt.datetime(MAX_YEAR, 12, 31, 23, 59, 59, 999_999, tzinfo=_dt.UTC), "end")


def _instant_us(value: _dt.datetime, field: str) -> int:
    """Microseconds since the epoch of an aware datetime inside the stored years."""
    us = to_us(value, field)
    if not _FIRST_US <= us <= _LAST_US:
        raise CalendarError(
            f"{value.isoformat()} is outside the years {MIN_YEAR}..{MAX_YEAR} (UTC)",
            field=field,
            hint="working time is computed for instants urbangov can store; check the year",
        )
    return us


def _due_us(us: int, limit: TimeLimit) -> int:
    """``us`` if a due time there can be stored; else the error naming the limit."""
    if not _FIRST_US <= us <= _LAST_US:
        raise CalendarError(
            f"{limit} from the start falls outside the years {MIN_YEAR}..{MAX_YEAR} (UTC)",
            field="limit",
            hint="check the start and the limit; urbangov stores instants of those years",
        )
    return us


def _freeze_days(value: object) -> FrozenMap[_dt.date, str]:
    if isinstance(value, FrozenMap):
        return value
    return FrozenMap(sorted(days_arg(value, "days", "").items()))


def _frozen_years(value: Iterable[int]) -> frozenset[int]:
    return value if isinstance(value, frozenset) and not value else frozenset(years_of(value))


def _frozen_names(value: Mapping[str, str]) -> FrozenMap[str, str]:
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


def schedule_of(value: object) -> WorkSchedule:
    return WorkSchedule.from_toml(value, field="schedule")


def check_tz(instance: Any, attribute: Any, value: str) -> None:
    zone(value)


@attrs.frozen
class WorkCalendar:
    """A working calendar (工作日历): which days are worked, and the office hours.

    Build it with :meth:`china` (the bundled official holidays, 法定节假日, and make-up
    workdays, 调休上班, 2004–2026), :meth:`load` (a ``kind = "calendar"`` file) or
    :meth:`with_days`. It is an immutable value: it hashes, pickles and compares equal
    after a round-trip; its working-time clock is built on first use and cached.

    Examples
    --------
    >>> from datetime import date
    >>> cal = WorkCalendar.china()
    >>> cal.is_workday(date(2024, 10, 12)), cal.is_workday(date(2024, 10, 7))
    (True, False)
    >>> cal.next_workday(date(2024, 9, 30))
    datetime.date(2024, 10, 8)
    >>> cal.coverage[0], cal.coverage[-1]
    (2004, 2026)
    """

    schedule: WorkSchedule = attrs.field(default=DEFAULT_SCHEDULE, converter=schedule_of)
    tz: str = attrs.field(default="Asia/Shanghai", validator=check_tz)
    holidays: FrozenMap[_dt.date, str] = attrs.field(factory=FrozenMap, converter=_freeze_days)
    workdays: FrozenMap[_dt.date, str] = attrs.field(factory=FrozenMap, converter=_freeze_days)
    covers: frozenset[int] = attrs.field(factory=frozenset, converter=_frozen_years)
    provisional: bool = False
    chinese_names: FrozenMap[str, str] = attrs.field(
        factory=FrozenMap, converter=_frozen_names, repr=False
    )
    # Built on first use and never changing an answer: the clock (the flat working-time
    # line) and the hot path of add() (urbangov.calendar._fast), keyed by name.
    _cache: dict[str, Any] = attrs.field(factory=dict, init=False, eq=False, repr=False, hash=False)

    def __repr__(self) -> str:
        years = self.coverage
        span = f"{years[0]}-{years[-1]}" if years else "none"
        return (
            f"WorkCalendar(schedule='{self.schedule}', tz={self.tz!r}, covers={span}, "
            f"holidays={len(self.holidays)}, workdays={len(self.workdays)}, "
            f"provisional={self.provisional})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # The clock is a cache: pickle only the value.
        return (
            WorkCalendar,
            (
                self.schedule,
                self.tz,
                self.holidays,
                self.workdays,
                self.covers,
                self.provisional,
                self.chinese_names,
            ),
        )

    # -- construction --------------------------------------------------------------
    @classmethod
    def china(
        cls,
        schedule: WorkSchedule = DEFAULT_SCHEDULE,
        tz: str = "Asia/Shanghai",
        provisional: bool = False,
    ) -> Self:
        """Mainland China's calendar from the bundled State Council notices, 2004–2026.

        Weekends are rest days unless listed as make-up workdays (调休上班); listed
        holidays (法定节假日, including weekdays given off in lieu, 调休) are rest days.

        Parameters
        ----------
        schedule
            Office hours (default :data:`DEFAULT_SCHEDULE`, 09:00–12:00, 13:30–18:00).
        tz
            IANA zone of the office hours and of every result (default Asia/Shanghai).
        provisional
            Treat years without official data as Monday–Friday instead of raising
            :class:`~urbangov.errors.CalendarCoverageError`; every call touching such
            a year warns with :class:`~urbangov.errors.ProvisionalCalendarWarning`.
        """
        days = bundled()
        return cls(
            schedule,
            tz,
            days.holidays,
            days.workdays,
            days.covers,
            provisional,
            days.chinese,
        )

    @classmethod
    def load(
        cls,
        path: str | Path,
        *,
        schedule: WorkSchedule | None = None,
        tz: str | None = None,
        provisional: bool = False,
    ) -> Self:
        """Read a ``kind = "calendar"`` file (the bundled ``holidays_cn.toml`` format).

        A file may start from the bundled data with ``extends = "china"`` and add a
        year: ``covers = [2027]`` and a ``[[years]]`` table listing ``holidays`` and
        ``workdays`` (``{ date = 2027-01-01, name = "New Year's Day" }``). Optional
        ``schedule`` and ``tz`` keys set the office hours and zone; arguments win.

        Raises
        ------
        CalendarError
            Naming the key, the file and the line of anything invalid.
        """
        return load_calendar(
            cls, path, schedule=schedule, tz=tz, provisional=provisional, default=DEFAULT_SCHEDULE
        )

    @classmethod
    def check_file(cls, path: str | Path) -> tuple[UrbangovError, ...]:
        """Every problem of a ``kind = "calendar"`` file, each naming its key, file and
        line; empty exactly when :meth:`load` would succeed (whose error is the first).

        ``urbangov validate`` prints these. Unknown keys, entries without a date, a
        datetime where a date belongs, a bad ``covers``, ``schedule`` or ``tz``: all are
        reported, not just the first.

        >>> WorkCalendar.check_file("no/such/calendar.toml")[0].message[:20]
        'cannot read the file'
        """
        return calendar_file_problems(path)

    def with_days(
        self,
        holidays: Iterable[_dt.date] | Mapping[_dt.date, str] = (),
        workdays: Iterable[_dt.date] | Mapping[_dt.date, str] = (),
        covers: Iterable[int] = (),
    ) -> Self:
        """A calendar with extra or overriding days (a local arrangement, 地方调整).

        A date given as a holiday stops being a make-up workday and vice versa; give a
        mapping ``{date: name}`` to name the days. ``covers=(2027,)`` marks whole years
        as covered (their unlisted days follow Monday–Friday).

        >>> from datetime import date
        >>> cal = WorkCalendar.china().with_days(workdays=[date(2024, 10, 7)])
        >>> cal.is_workday(date(2024, 10, 7))
        True
        """
        new_h = days_arg(holidays, "holidays", "holiday (local arrangement)")
        new_w = days_arg(workdays, "workdays", "make-up workday (local arrangement)")
        both = sorted(set(new_h) & set(new_w))
        if both:
            raise CalendarError(
                f"{both[0]} is given both as a holiday and as a workday",
                field="holidays",
                hint="list each date once",
            )
        years = years_of(covers)
        h = {d: n for d, n in self.holidays.items() if d not in new_w} | new_h
        w = {d: n for d, n in self.workdays.items() if d not in new_h} | new_w
        return attrs.evolve(
            self,
            holidays=FrozenMap(sorted(h.items())),
            workdays=FrozenMap(sorted(w.items())),
            covers=self.covers | frozenset(years),
        )

    # -- coverage ------------------------------------------------------------------
    @property
    def coverage(self) -> tuple[int, ...]:
        """The covered years (those whose official days the calendar knows), sorted."""
        return tuple(sorted(self.covers))

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """The years this calendar treats as Monday–Friday for want of official data:
        the uncovered years of :data:`PROVISIONAL_SPAN` (and of the span between
        covered years) when ``provisional`` is true, else ``()``."""
        if not self.provisional:
            return ()
        lo, hi = self._span()
        return tuple(y for y in range(lo, hi + 1) if y not in self.covers)

    def provisional_years_in(self, start: _dt.datetime, end: _dt.datetime) -> tuple[int, ...]:
        """The provisional years that the local dates from ``start`` to ``end`` touch
        (for result objects' ``provisional`` flag)."""
        if not self.provisional:
            return ()
        tz = zone(self.tz)
        a = from_us(to_us(start, "start"), tz).year
        b = from_us(to_us(end, "end"), tz).year
        lo, hi = self._span()
        return tuple(
            y for y in range(min(a, b), max(a, b) + 1) if lo <= y <= hi and y not in self.covers
        )

    def _span(self) -> tuple[int, int]:
        if self.provisional:
            lo, hi = PROVISIONAL_SPAN
            if self.covers:
                lo, hi = min(lo, min(self.covers)), max(hi, max(self.covers))
            return lo, hi
        if not self.covers:
            return (1970, 1969)
        return min(self.covers), max(self.covers)

    def _clock(self) -> Clock:
        clock = self._cache.get("clock")
        if clock is None:
            lo, hi = self._span()
            if lo > hi:
                raise CalendarCoverageError(
                    "the calendar covers no year",
                    field="covers",
                    hint="use WorkCalendar.china(), with_days(..., covers=(2027,)) or a "
                    "calendar file",
                )
            overrides: dict[_dt.date, bool] = dict.fromkeys(self.holidays, False)
            overrides.update(dict.fromkeys(self.workdays, True))
            covers, prov = self.covers, self.provisional
            clock = Clock(
                years=(lo, hi),
                zone=zone(self.tz),
                periods=self.schedule.periods,
                period_of_doy=[
                    self.schedule.period_of(_dt.date(2000, 1, 1) + _dt.timedelta(days=i))
                    for i in range(366)
                ],
                overrides=overrides,
                status_of_year=lambda y: (
                    COVERED if y in covers else PROVISIONAL if prov else UNCOVERED
                ),
                covered=self.coverage,
            )
            self._cache["clock"] = clock
        return clock

    # -- days ----------------------------------------------------------------------
    def is_workday(self, d: _dt.date) -> bool:
        """Whether ``d`` is a working day (工作日): a make-up workday (调休上班), or a
        Monday–Friday that is not an official holiday (法定节假日).

        Raises
        ------
        CalendarCoverageError
            If ``d``'s year is not covered (and the calendar is not provisional).
        """
        clock = self._clock()
        i = clock.day_index(date_of(d, "date"))
        clock.check_days(i, i)
        return bool(clock.work[i])

    def day_info(self, d: _dt.date) -> DayInfo:
        """Describe ``d``: workday, make-up workday, holiday (with its name) or weekend.

        >>> from datetime import date
        >>> WorkCalendar.china().day_info(date(2024, 9, 29)).kind
        <DayKind.MAKEUP_WORKDAY: 'makeup_workday'>
        """
        worked = self.is_workday(d)
        clock = self._clock()
        prov = bool(clock.status[clock.day_index(d)] == PROVISIONAL)
        if d in self.workdays and worked and d.weekday() >= 5:
            name = self.workdays[d]
            return DayInfo(d, DayKind.MAKEUP_WORKDAY, name, self.chinese_names.get(name), prov)
        if d in self.holidays:
            name = self.holidays[d]
            return DayInfo(d, DayKind.HOLIDAY, name, self.chinese_names.get(name), prov)
        kind = DayKind.WORKDAY if worked else DayKind.WEEKEND
        return DayInfo(d, kind, None, None, prov)

    def next_workday(self, d: _dt.date) -> _dt.date:
        """The first working day strictly after ``d``.

        >>> from datetime import date
        >>> WorkCalendar.china().next_workday(date(2024, 9, 28))  # a make-up Sunday
        datetime.date(2024, 9, 29)
        """
        clock = self._clock()
        i = clock.day_index(date_of(d, "date"))
        clock.check_days(i, i)
        k = clock.l_wd_rank[i] if i >= 0 else 0
        if k >= len(clock.l_wd_days):
            raise clock.uncovered(clock.year_of(clock.ndays))
        j = clock.l_wd_days[k]
        clock.check_days(i, j)
        return _dt.date.fromordinal(_EPOCH_ORDINAL + clock.day0 + j)

    def workdays_between(self, a: _dt.date, b: _dt.date) -> int:
        """The number of working days in ``[a, b)`` (negative when ``b < a``).

        >>> from datetime import date
        >>> WorkCalendar.china().workdays_between(date(2024, 9, 28), date(2024, 10, 13))
        7
        """
        if b < a:
            return -self.workdays_between(b, a)
        clock = self._clock()
        i, j = clock.day_index(date_of(a, "a")), clock.day_index(date_of(b, "b"))
        if i == j:
            return 0
        clock.check_days(i, j - 1)
        return clock.l_wd_rank[j - 1] - (clock.l_wd_rank[i - 1] if i > 0 else 0)

    def days(self, a: _dt.date, b: _dt.date) -> Iterator[DayInfo]:
        """Describe each date of ``[a, b]`` (for tables of the days a deadline crosses)."""
        d = a
        while d <= b:
            yield self.day_info(d)
            d += _dt.timedelta(days=1)

    # -- working time --------------------------------------------------------------
    def add(
        self,
        start: _dt.datetime,
        limit: TimeLimit,
        *,
        pauses: Iterable[tuple[_dt.datetime, _dt.datetime]] = (),
    ) -> _dt.datetime:
        """The due time of ``limit`` started at ``start`` (办理时限的截止时间).

        Working hours count only inside windows of working days (a start outside a
        window starts at the next opening; a limit ending exactly at a close is due at
        the close). N working days end at the close of the last window of the Nth
        working day after the start day (the start day is not counted). Calendar
        hours, minutes and days are elapsed time. A zero limit is due at ``start``.
        Working time inside ``pauses`` (suspensions, 暂停计时) does not count; for a
        working-day limit, pauses push the due time later by the working time they
        take out of ``[start, due)``.

        Parameters
        ----------
        start
            Any aware datetime (pendulum's included).
        limit
            The :class:`TimeLimit`.
        pauses
            ``(from, to)`` pairs of aware datetimes; they may overlap.

        Returns
        -------
        datetime
            A stdlib aware datetime in the calendar's zone.

        Raises
        ------
        NaiveDatetimeError
            If ``start`` (or a pause) has no timezone.
        CalendarCoverageError
            If the computation touches a year the calendar does not cover.
        CalendarError
            If ``start`` or the due time falls outside the years 1678–2261 (UTC), the
            instants urbangov stores.

        Examples
        --------
        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> cal = WorkCalendar.china()
        >>> cal.add(datetime(2024, 9, 30, 16, tzinfo=ZoneInfo("Asia/Shanghai")),
        ...         TimeLimit.working_hours(4))
        datetime.datetime(2024, 10, 8, 11, 0, tzinfo=zoneinfo.ZoneInfo(key='Asia/Shanghai'))
        """
        if not pauses and type(limit) is TimeLimit and limit.working_us:
            try:
                fast = self._cache["fast"]
            except KeyError:  # the scalar hot path's tables, built on its first use
                fast = FastAdd.build(self._clock()) if enabled() else None
                self._cache["fast"] = fast
            if fast is not None:  # working hours or minutes: the hot path
                found: _dt.datetime | None = fast(start, limit.working_us)
                if found is not None:
                    return found
        return self._add_exact(start, limit, pauses)

    def add_chain(
        self,
        start: _dt.datetime,
        limits: Sequence[TimeLimit],
        *,
        pauses: Iterable[tuple[_dt.datetime, _dt.datetime]] = (),
    ) -> _dt.datetime:
        """``limits`` one after another, each from the due time of the one before, all
        skipping the same ``pauses``: a due time and its extensions (延期 are added from
        the due time, in their own unit). The same instant as calling :meth:`add` in
        turn, with the pauses converted once.

        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> cal = WorkCalendar.china()
        >>> t = datetime(2024, 5, 6, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
        >>> limits = [TimeLimit.working_hours(4), TimeLimit.working_days(1)]
        >>> cal.add_chain(t, limits) == cal.add(cal.add(t, limits[0]), limits[1])
        True
        """
        limits = tuple(limits)
        if not limits:
            raise CalendarError(
                "no limit to add", field="limits", hint="give one TimeLimit or more"
            )
        pauses = tuple(pauses)
        if not pauses:
            due = start
            for limit in limits:
                due = self.add(due, limit)
            return due
        t = _instant_us(start, "start")
        merged = pauses_us(pauses, t)
        for limit in limits:
            spans = [s for s in merged if s[1] > t]
            t = _due_us(add_exact(self._clock, t, limit, spans, paused=True), limit)
        return from_us(t, zone(self.tz))

    def _add_exact(
        self,
        start: _dt.datetime,
        limit: TimeLimit,
        pauses: Iterable[tuple[_dt.datetime, _dt.datetime]] = (),
    ) -> _dt.datetime:
        """:meth:`add` without the hot path (the reference the hot path is tested against)."""
        t = _instant_us(start, "start")
        if not isinstance(limit, TimeLimit):
            raise CalendarError(f"{limit!r} is not a TimeLimit", field="limit")
        pauses = tuple(pauses)
        spans = pauses_us(pauses, t) if pauses else []
        due = add_exact(self._clock, t, limit, spans, paused=bool(pauses))
        return from_us(_due_us(due, limit), zone(self.tz))

    def working_time_between(
        self,
        start: _dt.datetime,
        end: _dt.datetime,
        pauses: Iterable[tuple[_dt.datetime, _dt.datetime]] = (),
    ) -> _dt.timedelta:
        """Working time (工作时间) from ``start`` to ``end``, less any inside ``pauses``.

        Negative when ``end < start`` (pauses then are not allowed).

        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> sh = ZoneInfo("Asia/Shanghai")
        >>> WorkCalendar.china().working_time_between(
        ...     datetime(2024, 9, 30, 17, tzinfo=sh), datetime(2024, 10, 8, 10, tzinfo=sh))
        datetime.timedelta(seconds=7200)
        """
        a, b = _instant_us(start, "start"), _instant_us(end, "end")
        total = between(self._clock(), a, b)
        if pauses:
            if b < a:
                raise CalendarError(
                    "pauses need start <= end", field="pauses", hint="swap start and end"
                )
            total -= paused_work(self._clock(), a, b, pauses_us(pauses, a))
        return _dt.timedelta(microseconds=total)

    # -- batch ---------------------------------------------------------------------
    def add_batch(
        self, starts: object, amounts: object, unit: str = "working_minutes"
    ) -> npt.NDArray[np.datetime64]:
        """Due times of many limits at once (vectorised :meth:`add`).

        Parameters
        ----------
        starts
            ``datetime64`` UTC instants (``datetime64[ns]`` preferred); NaT gives NaT.
        amounts
            Whole numbers ≥ 0 of ``unit``, one per start (or one for all).
        unit
            ``"working_minutes"``, ``"working_days"``, ``"minutes"`` or ``"days"``.

        Returns
        -------
        numpy.ndarray
            ``datetime64[ns]`` UTC due times, equal to :meth:`add` for every start with
            whole-microsecond precision. Work runs in chunks of about a million rows, so
            memory stays within about three times the inputs.

        Examples
        --------
        >>> import numpy as np
        >>> starts = np.array(["2024-09-30T09:00"], dtype="datetime64[ns]")  # 17:00 in Shanghai
        >>> WorkCalendar.china().add_batch(starts, [240])
        array(['2024-10-08T04:00:00.000000000'], dtype='datetime64[ns]')
        """
        return batch_add(self._clock, starts, amounts, unit)

    def between_batch(self, starts: object, ends: object) -> npt.NDArray[np.timedelta64]:
        """Working time between many pairs of instants (vectorised
        :meth:`working_time_between` without pauses), as ``timedelta64[ns]``.

        >>> import numpy as np
        >>> s = np.array(["2024-09-30T09:00"], dtype="datetime64[ns]")
        >>> e = np.array(["2024-10-08T02:00"], dtype="datetime64[ns]")
        >>> WorkCalendar.china().between_batch(s, e).astype("timedelta64[m]")
        array([120], dtype='timedelta64[m]')
        """
        return batch_between(self._clock(), starts, ends)
