"""The simulation engine: :func:`run` (private; see :mod:`urbangov.sim` and
``docs/simulation.md``, which states the model exactly).

Stages, all vectorised but the queue: reports (``_arrivals``), intake (accept, reject,
file, void), dispatch to the lead (``_dispatch``), suspension, due times
(``deadlines.due_at_batch``), the department queues on their working-time lines
(``_queue``), verification and rework, closing; then the case table, its due times, its
KPI tables (``kpi.tables_from_columns``) and the hooks.

Speed and memory: element-wise stages work on chunks of cases (``_casetable.chunks``),
whose temporaries the allocator reuses; the case tables are filled in place and handed
to ``CaseColumns`` without copies; per-case working arrays are dropped once the table
holds the result; the department queues run in forked worker processes for large runs.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from urbangov import deadlines, kpi, zones
from urbangov._internal.instants import aware, to_ns
from urbangov.calendar import WorkCalendar
from urbangov.cases import CaseColumns, EventKind, QueueDiscipline
from urbangov.errors import SimulationError
from urbangov.frozen import FrozenMap
from urbangov.org import City
from urbangov.policy import Policy
from urbangov.sim._arrivals import Arrivals, arrivals
from urbangov.sim._assessment import assess, assess_with
from urbangov.sim._casetable import Slot, Statics, chunks, fill_events, sealed, table
from urbangov.sim._dispatch import Dispatcher
from urbangov.sim._lines import clock_of, instant, position
from urbangov.sim._model import PROFILES, SOURCES
from urbangov.sim._patterns import intensities, patrol_rounds, plan_of
from urbangov.sim._queue import Queues, by_department, serve_all
from urbangov.sim._random import (
    exponential,
    fold,
    lognormal,
    prefold,
    refold,
    stable_hash,
    uniform,
)
from urbangov.sim._result import Hooks, SimResult
from urbangov.sim._synthetic import SyntheticCity
from urbangov.vocabulary import Level, Urgency, ZoneTier

__all__ = ["Progress", "run"]

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]
NAT = np.iinfo(np.int64).min
SEC = 10**9
MIN = 60 * SEC
Progress = Callable[[str, float], None]
"""``progress(stage, fraction_done)``: told as the run goes (for a progress bar)."""
_E = EventKind
_PARALLEL_FROM = 200_000  # queued cases from which the queues run in worker processes


def _tag(name: str, r: int = 0) -> np.uint64:
    return np.uint64((stable_hash(name) + r) % 2**64)


def _draw(key: npt.NDArray[np.uint64], name: str, r: int = 0) -> npt.NDArray[np.float64]:
    return uniform(fold(key, _tag(name, r)))


def _seconds(minutes: npt.NDArray[np.float64]) -> I64:
    """Elapsed minutes to whole nanoseconds of whole seconds (rounded up)."""
    return np.ceil(minutes * 60.0).astype(np.int64) * SEC


def _check_args(city: object, policy: object, start: object, days: object, seed: object) -> None:
    if not isinstance(city, SyntheticCity | City):
        raise SimulationError(
            f"{type(city).__name__} is not a city", field="city",
            hint="give a SyntheticCity (sim.SyntheticCity.sample(), .generate(…)) or an org.City",
        )  # fmt: skip
    if not isinstance(policy, Policy):
        raise SimulationError(f"{type(policy).__name__} is not a Policy", field="policy")
    aware(start, "start")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise SimulationError(f"{days!r} is not a whole number of days >= 1", field="days")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise SimulationError(f"{seed!r} is not a seed (an int in 0..2**63-1)", field="seed")


def run(
    city: SyntheticCity | City,
    policy: Policy,
    *,
    start: _dt.datetime,
    days: int,
    seed: int,
    hooks: Hooks | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> SimResult:
    """Simulate ``days`` days of ``city`` under ``policy`` from ``start``.

    Parameters
    ----------
    city
        A :class:`SyntheticCity` (an ``org.City`` gets the default model,
        :meth:`SyntheticCity.from_city`).
    policy
        The rules: calendar, limit table, workflow (its ``queue_discipline``), zones,
        KPI rules, taxonomy.
    start
        An aware instant (the run covers ``[start, start + days)``).
    days, seed
        The span and the seed: the same seed gives the same result, bit for bit, in
        any process and whatever the order of the city's units.
    hooks
        What runs on the finished result (:class:`Hooks`): by default the built-in
        escalation (:func:`escalate`: time-out steps and triggers) and assessment
        (:func:`assess`: monthly scores, rankings, grades, red flags, bonds); give your
        own to replace either, ``Hooks(None, None)`` for neither.
    progress
        Called with the stage and the share done.
    workers
        Processes for the department queues (default: 1 for small runs, else up to 2);
        the result does not depend on it.

    Returns
    -------
    SimResult

    Raises
    ------
    SimulationError
        For bad arguments, or a model category the policy's taxonomy lacks.
    CalendarCoverageError
        If a due time falls in a year the policy's calendar does not cover (run
        earlier, add the year, or make the calendar provisional).

    Examples
    --------
    >>> import datetime
    >>> from zoneinfo import ZoneInfo
    >>> city = SyntheticCity.generate(grids=60, streets=2, seed=3)
    >>> start = datetime.datetime(2024, 5, 6, tzinfo=ZoneInfo("Asia/Shanghai"))
    >>> result = run(city, Policy.default(), start=start, days=7, seed=1)
    >>> result.cases.n_cases > 0, result == run(city, Policy.default(), start=start, days=7, seed=1)
    (True, True)
    """
    _check_args(city, policy, start, days, seed)
    model = city if isinstance(city, SyntheticCity) else SyntheticCity.from_city(city)
    tell: Progress = progress if progress is not None else (lambda stage, done: None)
    engine = _Run(model, policy, aware(start, "start"), days, seed, tell, workers)
    return engine.result(hooks if hooks is not None else Hooks())


class _Run:
    """One run's state: arrays per case, in canonical order."""

    # intake, per case
    rejected: Bool
    not_filed: Bool
    voided: Bool
    filed: Bool
    urgent: Bool
    suspended: Bool
    dispatched: Bool
    queued: Bool
    t_accept: I64
    t_file: I64
    t_dispatch: I64
    t_suspend: I64
    t_resume: I64
    t_queue: I64

    def __init__(
        self,
        model: SyntheticCity,
        policy: Policy,
        start: _dt.datetime,
        days: int,
        seed: int,
        tell: Progress,
        workers: int | None,
    ) -> None:
        self.model, self.policy, self.start, self.days, self.seed = model, policy, start, days, seed
        self.tell, self.workers = tell, workers
        self.cal = policy.work_calendar()
        self.start_ns = to_ns(start, "start")
        self.end_ns = self.start_ns + days * 86_400 * SEC
        self.behaviour = model.behaviour
        taxonomy = policy.taxonomy()
        self.slugs = tuple(sorted(model.categories))
        for slug in self.slugs:
            try:
                taxonomy.resolve(slug, field="categories")
            except Exception:
                raise SimulationError(
                    f"the policy's taxonomy has no category {slug!r}",
                    field="categories",
                    hint="add it to the policy's local_classes or drop it from the model",
                ) from None
        self.taxonomy = taxonomy

    # ----------------------------------------------------------------- stages
    def result(self, hooks: Hooks) -> SimResult:
        self.tell("reports", 0.0)
        arr = self._arrivals()
        self.tell("intake", 0.15)
        self._intake(arr)
        self.tell("dispatch", 0.2)
        self._dispatch(arr)
        statics = self._statics(arr)
        self.tell("due times", 0.25)
        self._due_before_queue(arr, statics)
        self.tell("queues", 0.3)
        self._queues(arr)
        self.tell("case table", 0.7)
        cases = self._case_table(arr, statics)
        del arr, statics
        self._release()
        self.tell("checks", 0.8)
        cases.check(self.policy)
        due = deadlines.due_at_batch(cases, self.policy)
        provisional = bool(
            self.cal.provisional_years and deadlines.provisional_batch(cases, self.policy).any()
        )
        self.tell("KPIs", 0.85)
        times = kpi.CaseTimes.from_columns(cases)
        tables = self._kpis(times, due)
        # the built-in assessment counts from the same case times: kept for it alone
        kept = times if hooks.scoring is assess else None
        del times
        servers = FrozenMap(
            (d, self.model.department(d).servers) for d in sorted(set(self.dept_names))
        )
        result = SimResult(
            cases=cases,
            due=due,
            kpis=tables,
            policy=self.policy,
            start=self.start,
            days=self.days,
            seed=self.seed,
            city=self.model.name,
            servers=servers,
            provisional=provisional,
        )
        if hooks.escalation is not None:
            self.tell("escalation", 0.95)
            result = _evolve(result, escalations=hooks.escalation(result, self.model))
        if hooks.scoring is not None:
            self.tell("scoring", 0.97)
            if kept is None:
                scores = hooks.scoring(result, self.model)
            else:
                scores = assess_with(result, self.model, kept)
            result = _evolve(result, scores=scores)
        self.tell("done", 1.0)
        return result

    def _arrivals(self) -> Arrivals:
        model, b = self.model, self.behaviour
        h = model.city.hierarchy
        first_day = (
            _dt.datetime.fromtimestamp(self.start_ns / SEC, _dt.UTC)
            .astimezone(self.start.tzinfo)
            .date()
        )
        self.first_day = first_day
        zone_map = zones.classify(h, self.policy, on=first_day)
        # the zone map's tier codes index ZoneTier; the case table's, CaseColumns.ZONES
        to_case = np.array([CaseColumns.ZONES.index(t) for t in ZoneTier], dtype=np.int8)
        self.grid_zone = to_case[zone_map.tiers[zone_map.positions(model.grids)]]
        plan = plan_of(h, self.policy, first_day)
        rounds, hourly = patrol_rounds(plan, model.grids)
        detect = 1.0 - np.exp(-b.patrol_detection * rounds)
        factors = intensities(self.start, self.days, self.cal, hourly)
        cats = [model.categories[s] for s in self.slugs]
        return arrivals(
            seed=self.seed,
            start_ns=self.start_ns,
            grids=model.grids,
            weight=np.asarray(model.weights),
            detect=detect,
            public=tuple(b.public_report.get(s, 0.0) for s in SOURCES[1:]),  # type: ignore[arg-type]
            slugs=self.slugs,
            rates=np.array([c.rate for c in cats], dtype=np.float64),
            profile=np.array([PROFILES.index(c.profile) for c in cats], dtype=np.int64),
            intensity=factors,
        )

    def _intake(self, arr: Arrivals) -> None:
        b, n = self.behaviour, arr.n
        reject_p = np.array([b.reject_report.get(s, 0.0) for s in SOURCES])
        flags = ("rejected", "not_filed", "voided", "filed", "urgent", "suspended",
                 "dispatched", "queued")  # fmt: skip
        times = ("t_accept", "t_file", "t_dispatch", "t_suspend", "t_resume", "t_queue")
        out = {f: np.empty(n, dtype=np.bool_) for f in flags}
        out.update({t: np.empty(n, dtype=np.int64) for t in times})
        for part in chunks(n):
            got = self._intake_part(arr.key[part], reject_p[arr.source[part]], arr.reported[part])
            for name, values in got.items():
                out[name][part] = values
        for name, values in out.items():
            setattr(self, name, values)
        width = max(8, len(str(max(n - 1, 0))))
        self.ids = tuple(map(f"C%0{width}d".__mod__, range(n)))

    def _intake_part(
        self, key: npt.NDArray[np.uint64], reject_p: npt.NDArray[np.float64], rep: I64
    ) -> dict[str, npt.NDArray[Any]]:
        """Intake of some cases: their flags and times (element-wise in the keys)."""
        b = self.behaviour
        base = prefold(key)  # every draw of intake folds the case's key with its stage

        def draw(stage: str) -> npt.NDArray[np.float64]:
            return uniform(refold(base, _tag(stage)))

        def minutes(stage: str, mean: float) -> I64:
            return _seconds(exponential(refold(base, _tag(stage)), mean))

        rejected = draw("reject_report") < reject_p
        u = draw("filing")
        not_filed = ~rejected & (u < b.reject_filing)
        voided = ~rejected & ~not_filed & (u < b.reject_filing + b.void)
        filed = ~rejected & ~not_filed & ~voided
        t_accept = rep + minutes("accept", b.accept_minutes)
        t_file = t_accept + minutes("file", b.file_minutes)
        t_dispatch = t_file + minutes("dispatch", b.dispatch_minutes)
        urgent = draw("urgent") < b.urgent
        suspended = filed & (draw("suspend") < b.suspend)
        # when and how long the suspended cases are suspended (drawn for them alone)
        held = np.flatnonzero(suspended)
        t_suspend = np.full(key.size, NAT, dtype=np.int64)
        t_resume = np.full(key.size, NAT, dtype=np.int64)
        if held.size:
            base_held = base[held]
            at = uniform(refold(base_held, _tag("suspend_at")))
            t_suspend[held] = t_dispatch[held] + _seconds(at * 60.0)
            hours = exponential(refold(base_held, _tag("suspend_for")), b.suspend_hours * 60.0)
            t_resume[held] = t_suspend[held] + _seconds(hours)
        t_queue = np.where(suspended, t_resume, t_dispatch)
        dispatched = filed & (t_dispatch < self.end_ns)
        queued = dispatched & (t_queue < self.end_ns)
        return {
            "rejected": rejected, "not_filed": not_filed, "voided": voided, "filed": filed,
            "urgent": urgent, "suspended": suspended, "dispatched": dispatched,
            "queued": queued, "t_accept": t_accept, "t_file": t_file,
            "t_dispatch": t_dispatch, "t_suspend": t_suspend, "t_resume": t_resume,
            "t_queue": t_queue,
        }  # fmt: skip

    def _dispatch(self, arr: Arrivals) -> None:
        dispatcher = Dispatcher(self.model.city, self.taxonomy, self.model.grids)
        rows = np.flatnonzero(self.dispatched)
        names, lead = dispatcher.leads(self.slugs, arr.category[rows], arr.grid[rows])
        self.dept_names = names
        self.dept = np.full(arr.n, -1, dtype=np.int32)
        self.dept[rows] = lead

    def _statics(self, arr: Arrivals) -> Statics:
        """The per-case columns both case tables share (built once, read-only)."""
        urgency = np.where(
            self.urgent,
            CaseColumns.URGENCIES.index(Urgency.URGENT),
            CaseColumns.URGENCIES.index(Urgency.NORMAL),
        ).astype(np.int8)
        source_code = np.array([CaseColumns.SOURCES.index(s) for s in SOURCES], dtype=np.int8)
        return Statics(
            ids=self.ids,
            category=sealed(arr.category),
            categories=self.slugs,
            grid=sealed(arr.grid),
            grids=self.model.grids,
            urgency=sealed(urgency),
            source=sealed(source_code[arr.source]),
            zone=sealed(self.grid_zone[arr.grid]),
            reported_at=sealed(arr.reported).view("datetime64[ns]"),
            segment=sealed(np.full(arr.n, -1, dtype=np.int32)),
        )

    def _due_before_queue(self, arr: Arrivals, statics: Statics) -> None:
        """Due times of the queued cases through ``deadlines.due_at_batch``, on tables
        of every case whose queued cases have their events up to the queue (a table
        per chunk of cases: a case's due time is its own)."""
        q = self.queued
        s = self.suspended & q
        self.due_ns = np.full(arr.n, NAT, dtype=np.int64)
        for part in chunks(arr.n):
            qp, sp = q[part], s[part]
            slots = [
                Slot(_E.ACCEPT.code, self.t_accept[part], qp),
                Slot(_E.FILE.code, self.t_file[part], qp),
                Slot(_E.DISPATCH.code, self.t_dispatch[part], qp),
                Slot(_E.SUSPEND.code, self.t_suspend[part], sp),
                Slot(_E.RESUME.code, self.t_resume[part], sp),
            ]
            events = fill_events(qp.size, slots, self.dept[part])
            early = table(statics.rows(part), events, self.dept_names)
            due = deadlines.due_at_batch(early, self.policy).view(np.int64)
            self.due_ns[part] = np.where(qp, due, NAT)

    # ----------------------------------------------------------------- queues
    def _queues(self, arr: Arrivals) -> None:
        b = self.behaviour
        n, attempts = arr.n, b.max_attempts
        rows = np.flatnonzero(self.queued)
        dept = self.dept[rows]
        models = [self.model.department(d) for d in self.dept_names]
        verify_step = not self.policy.workflow.close_without_verification
        edf = self.policy.workflow.queue_discipline is QueueDiscipline.EARLIEST_DUE
        # positions on each department's working-time line (whole minutes)
        arrive = np.empty(rows.size, dtype=np.int64)
        due_key = np.empty(rows.size, dtype=np.int64)
        kinds: dict[tuple[str, str], list[int]] = {}
        for i, m in enumerate(models):
            kinds.setdefault((m.hours, str(m.shift) if m.hours == "shifts" else ""), []).append(i)
        lines = list(kinds.values())
        line_of = np.zeros(len(models), dtype=np.int64)
        for g, group in enumerate(lines):
            line_of[group] = g
        clocks: list[WorkCalendar | None] = []
        end_pos: list[int] = []
        for g, group in enumerate(lines):
            clock = clock_of(models[group[0]], self.cal, self.start, self.days)
            sel = np.flatnonzero(line_of[dept] == g)
            w_arr = position(clock, self.start_ns, self.t_queue[rows[sel]])
            arrive[sel] = -(-w_arr // MIN)
            due_key[sel] = position(clock, self.start_ns, self.due_ns[rows[sel]])
            clocks.append(clock)
            end_pos.append(int(position(clock, self.start_ns, np.array([self.end_ns]))[0]) // MIN)
        # each department's cases in arrival order (ties: canonical order), and from
        # here on every per-case array in that order
        grouped = by_department(dept, arrive)
        rows, dept = rows[grouped], dept[grouped]
        arrive, due_key = arrive[grouped], due_key[grouped]
        del grouped
        key = arr.key[rows]
        mean = np.array([self.model.categories[s].service_minutes for s in self.slugs])[
            arr.category[rows]
        ]
        service = np.zeros((attempts, rows.size), dtype=np.int64)
        verify = np.zeros((attempts, rows.size), dtype=np.int64)
        fail = np.zeros((attempts, rows.size), dtype=np.bool_)
        # attempt r + 1 happens only after a failed verification of attempt r: its draws
        # are made for those cases alone (each draw is keyed by its case: the same values)
        need: npt.NDArray[np.intp] | None = None  # None: every case
        for r in range(attempts):
            for part in chunks(rows.size) if need is None else (need,):
                k = key[part]
                service[r, part] = self._service(k, mean[part], r)
                if verify_step:
                    verify[r, part] = np.ceil(
                        exponential(fold(k, _tag("verify", r)), b.verify_minutes)
                    ).astype(np.int64)
                    if r < attempts - 1:
                        fail[r, part] = _draw(k, "rework", r) < b.rework
            need = np.flatnonzero(fail[r]) if need is None else need[fail[r, need]]
        del mean, need
        bounds = np.searchsorted(dept, np.arange(len(self.dept_names) + 1))
        spans = tuple(
            (int(bounds[d]), int(bounds[d + 1]), models[d].servers)
            for d in range(len(self.dept_names))
            if bounds[d + 1] > bounds[d]
        )
        queues = Queues(arrive, due_key, service, verify, fail, spans, edf)
        served = serve_all(queues, self._workers(rows.size), self._tell_queues)
        del queues, arrive, service
        start, finish = served.start, served.finish
        # back to instants, one batch per working-time line; positions after the run's
        # end are events after it: dropped
        self.t_handle = np.full((attempts, n), NAT, dtype=np.int64)
        self.t_verify = np.full((attempts, n), NAT, dtype=np.int64)
        self.failed = np.zeros((attempts, n), dtype=np.bool_)
        self.t_extend = np.full(n, NAT, dtype=np.int64)
        ext_u = _draw(key, "extend")
        late = finish[0] * MIN > due_key
        wants = late & (ext_u < b.extend)
        del ext_u, late, key, due_key
        if verify_step:
            self.failed[:, rows] = fail & (finish >= 0)
        del fail
        line = line_of[dept]
        for g, (clock, last) in enumerate(zip(clocks, end_pos, strict=True)):
            sel = np.flatnonzero(line == g)
            ext = sel[wants[sel] & (start[0, sel] <= last)]
            self.t_extend[rows[ext]] = instant(clock, self.start_ns, start[0, ext])
            for r in range(attempts):
                fin = finish[r, sel]
                ok = sel[(fin >= 0) & (fin <= last)]
                self.t_handle[r, rows[ok]] = instant(clock, self.start_ns, finish[r, ok])
                if verify_step:
                    ver = fin + verify[r, sel]
                    okv = sel[(fin >= 0) & (ver <= last)]
                    self.t_verify[r, rows[okv]] = instant(
                        clock, self.start_ns, finish[r, okv] + verify[r, okv]
                    )

    def _service(self, key: npt.NDArray[np.uint64], mean: npt.NDArray[np.float64], r: int) -> I64:
        """Handling times of attempt ``r`` in whole working minutes (at least 1)."""
        b = self.behaviour
        if b.service == "exponential":
            drawn = exponential(fold(key, _tag("service", r)), mean)
        else:
            drawn = lognormal(fold(key, _tag("service", r)), mean, b.service_cv)
        out: I64 = np.maximum(1, np.ceil(drawn)).astype(np.int64)
        return out

    def _workers(self, total: int) -> int:
        if self.workers is not None:
            return self.workers
        return 1 if total < _PARALLEL_FROM else min(2, os.cpu_count() or 1)

    def _tell_queues(self, done: float) -> None:
        self.tell("queues", 0.3 + 0.4 * done)

    # ----------------------------------------------------------------- the table
    def _case_table(self, arr: Arrivals, statics: Statics) -> CaseColumns:
        b, n = self.behaviour, arr.n
        attempts = b.max_attempts
        verify_step = not self.policy.workflow.close_without_verification
        # the last handling, and the close after its passed verification
        done = np.full(n, NAT, dtype=np.int64)
        for r in range(attempts):
            passed = self.t_verify[r] if verify_step else self.t_handle[r]
            final = (passed != NAT) & ~self.failed[r]
            np.copyto(done, passed, where=final)
        del final
        close = np.full(n, NAT, dtype=np.int64)
        for part in chunks(n):
            d = done[part]
            late = _seconds(exponential(fold(arr.key[part], _tag("close")), b.close_minutes))
            close[part] = np.where(d != NAT, d + late, NAT)
        del done
        first = np.where(self.rejected, _E.REJECT.code, _E.ACCEPT.code).astype(np.int8)
        second = np.where(
            self.not_filed, _E.REJECT.code, np.where(self.voided, _E.VOID.code, _E.FILE.code)
        ).astype(np.int8)
        slots = [
            Slot(first, self.t_accept, None),
            Slot(second, self.t_file, ~self.rejected),
            Slot(_E.DISPATCH.code, self.t_dispatch, self.filed),
            Slot(_E.SUSPEND.code, self.t_suspend, self.suspended),
            Slot(_E.RESUME.code, self.t_resume, self.suspended),
            Slot(_E.EXTEND.code, self.t_extend),
        ]
        for r in range(attempts):
            slots.append(Slot(_E.HANDLE.code, self.t_handle[r]))
            if verify_step:
                kind = np.where(self.failed[r], _E.VERIFY_FAIL.code, _E.VERIFY_PASS.code)
                slots.append(Slot(kind.astype(np.int8), self.t_verify[r]))
        slots.append(Slot(_E.CLOSE.code, close))
        events = fill_events(n, slots, self.dept, end_ns=self.end_ns, extension=b.extension_days)
        del slots, close, first, second
        return table(statics, events, self.dept_names)

    def _release(self) -> None:
        """Drop the per-case working arrays once the case table holds the result."""
        for name in (
            "rejected", "not_filed", "voided", "filed", "urgent", "suspended", "dispatched",
            "queued", "t_accept", "t_file", "t_dispatch", "t_suspend", "t_resume", "t_queue",
            "t_handle", "t_verify", "failed", "t_extend", "due_ns", "dept",
        ):  # fmt: skip
            self.__dict__.pop(name, None)

    def _kpis(
        self, times: kpi.CaseTimes, due: npt.NDArray[np.datetime64]
    ) -> FrozenMap[str, kpi.KpiTable]:
        h = self.model.city.hierarchy
        end = self.start + _dt.timedelta(days=self.days)
        common: dict[str, Any] = {
            "period": "month",
            "start": self.start,
            "end": end,
            "due": due,
            "rules": self.policy,
            "hierarchy": h,
            "tz": self.cal.tz,
        }
        groups: dict[str, Any] = {}
        if h.at_level(Level.STREET):
            groups["street"] = Level.STREET
        groups.update(department="department", category="category", month=())
        return kpi.tables_from_columns(times, groups, **common)


def _evolve(result: SimResult, **changes: object) -> SimResult:
    out: SimResult = attrs.evolve(result, **changes)  # type: ignore[arg-type]
    return out
