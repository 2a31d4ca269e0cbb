"""One department's multi-server queue on its working-time line (private).

Positions are whole working minutes of the department's own calendar since the run's
start, so a handler serves only in working time and service is plain addition. The
only Python loop of the simulation is here: one heap step per handling.

- ``fifo``: handlings start in the order of arrival (a rework re-enters when its
  verification failed, after every case that arrived at the same minute); each takes the
  earliest free handler (the Kiefer–Wolfowitz recursion).
- ``earliest_due``: when a handler comes free, it takes the waiting case with the
  earliest due position (ties: the earlier case in canonical order, then reworks in the
  order they failed); an idle handler waits for the next arrival. Not pre-emptive.

Departments' queues are independent, so :func:`serve_all` runs them in worker
processes when asked: forked workers inherit the inputs (nothing is pickled but a
department's number) and write their results straight into shared memory, so nothing
large goes back either. Where ``fork`` is not available, each department's slices are
sent to a process pool. The result does not depend on the number of workers.
"""

from __future__ import annotations

import concurrent.futures
import heapq
import mmap
import multiprocessing
from collections.abc import Callable

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["Queues", "Served", "by_department", "serve", "serve_all"]

I64 = npt.NDArray[np.int64]
Bool = npt.NDArray[np.bool_]


@attrs.frozen(eq=False)
class Served:
    """Per case and attempt (rows ``r``): when handling started and finished (``-1``:
    not attempted)."""

    start: I64  # (attempts, cases)
    finish: I64  # (attempts, cases)


def by_department(dept: npt.NDArray[np.int32], arrive: I64) -> I64:
    """The order by department, then arrival position, then canonical order (the
    index): one sort of distinct packed integers (department, position, index), whose
    low bits are then the order; a stable argsort where they do not fit in 63 bits."""
    n = arrive.size
    if not n:
        return np.zeros(0, dtype=np.int64)
    if arrive.min() < 0:  # pragma: no cover - positions count from the run's start
        out: I64 = np.lexsort((arrive, dept))
        return out
    index_bits = max(1, (n - 1).bit_length())
    arrive_bits = max(1, int(arrive.max()).bit_length())
    dept_bits = max(1, int(dept.max()).bit_length())
    if index_bits + arrive_bits + dept_bits > 63:  # pragma: no cover - huge, long runs
        out = np.argsort((dept.astype(np.int64) << arrive_bits) | arrive, kind="stable")
        return out
    packed = dept.astype(np.int64) << arrive_bits
    packed |= arrive
    packed <<= index_bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << index_bits) - 1
    return packed


@attrs.frozen(eq=False)
class Queues:
    """Every department's queue: the cases grouped by department, each department's in
    arrival order; department ``k`` of ``spans`` holds cases ``lo:hi`` and has
    ``servers`` handlers. ``service``, ``verify`` and ``fail`` are ``(attempts, cases)``
    as in :func:`serve`."""

    arrival: I64
    due: I64
    service: I64
    verify: I64
    fail: Bool
    spans: tuple[tuple[int, int, int], ...]  # (lo, hi, servers)
    earliest_due: bool

    def arguments(self, k: int) -> tuple[I64, I64, I64, I64, Bool, int, bool]:
        """:func:`serve`'s arguments for department ``k`` (views, not copies)."""
        lo, hi, servers = self.spans[k]
        return (
            self.arrival[lo:hi], self.due[lo:hi], self.service[:, lo:hi],
            self.verify[:, lo:hi], self.fail[:, lo:hi], servers, self.earliest_due,
        )  # fmt: skip


def serve_all(queues: Queues, workers: int, tell: Callable[[float], None]) -> Served:
    """Serve every department's queue (in ``workers`` processes when above 1 and there
    are several departments); ``tell(share_done)`` after each department."""
    attempts, m = queues.service.shape
    # the largest departments first, so that the workers finish together
    order = sorted(range(len(queues.spans)), key=lambda k: queues.spans[k][0] - queues.spans[k][1])
    if workers <= 1 or len(order) < 2:
        start = np.full((attempts, m), -1, dtype=np.int64)
        finish = np.full((attempts, m), -1, dtype=np.int64)
        for done, k in enumerate(order, 1):
            _store(queues, k, serve(*queues.arguments(k)), start, finish)
            tell(done / len(order))
        return Served(start, finish)
    if "fork" in multiprocessing.get_all_start_methods():
        return _forked(queues, order, workers, tell)
    return _pooled(queues, order, workers, tell)


def _store(queues: Queues, k: int, got: Served, start: I64, finish: I64) -> None:
    lo, hi, _ = queues.spans[k]
    start[:, lo:hi] = got.start
    finish[:, lo:hi] = got.finish


def _forked(
    queues: Queues, order: list[int], workers: int, tell: Callable[[float], None]
) -> Served:
    attempts, m = queues.service.shape
    size = 2 * attempts * m
    shared = mmap.mmap(-1, max(1, size * 8))  # anonymous and shared with the children
    out = np.frombuffer(shared, dtype=np.int64, count=size).reshape(2, attempts, m)
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_adopt, initargs=(queues, out)
    ) as pool:
        futures = [pool.submit(_serve_shared, k) for k in order]
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            future.result()
            tell(done / len(order))
    return Served(out[0], out[1])


# A forked worker's inputs and output: set once in each worker process by the pool's
# initializer (the parent never sets it), so tasks name only a department.
_WORKER: list[tuple[Queues, I64]] = []


def _adopt(queues: Queues, out: I64) -> None:
    _WORKER.append((queues, out))


def _serve_shared(k: int) -> None:
    queues, out = _WORKER[0]
    _store(queues, k, serve(*queues.arguments(k)), out[0], out[1])


def _pooled(
    queues: Queues, order: list[int], workers: int, tell: Callable[[float], None]
) -> Served:
    attempts, m = queues.service.shape
    start = np.full((attempts, m), -1, dtype=np.int64)
    finish = np.full((attempts, m), -1, dtype=np.int64)
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        futures = {pool.submit(serve, *queues.arguments(k)): k for k in order}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            _store(queues, futures[future], future.result(), start, finish)
            tell(done / len(order))
    return Served(start, finish)


def serve(
    arrival: I64,
    due: I64,
    service: I64,
    verify: I64,
    fail: npt.NDArray[np.bool_],
    servers: int,
    earliest_due: bool,
) -> Served:
    """Run the queue. ``arrival`` (sorted) and ``due`` are per case; ``service``,
    ``verify`` (the verification delay) and ``fail`` are ``(attempts, cases)``: attempt
    ``r + 1`` arrives ``verify[r]`` after attempt ``r`` finished, when ``fail[r]``."""
    attempts, n = service.shape
    start = np.full((attempts, n), -1, dtype=np.int64)
    finish = np.full((attempts, n), -1, dtype=np.int64)
    if n == 0:
        return Served(start, finish)
    # first attempts as Python lists (the loop's fast path); the few reworks read the
    # later attempts' arrays and are recorded as (attempt, case, start, finish)
    first = _First(service[0].tolist(), verify[0].tolist(), fail[0].tolist(), [0] * n, [0] * n)
    later = _Later(service, verify, fail, [])
    if earliest_due:
        _edf(arrival.tolist(), due.tolist(), first, later, servers)
    else:
        _fifo(arrival.tolist(), first, later, servers)
    start[0] = first.start
    finish[0] = first.finish
    if later.done:
        r, c, st, fin = np.array(later.done, dtype=np.int64).T
        start[r, c] = st
        finish[r, c] = fin
    return Served(start, finish)


@attrs.define
class _First:
    """The first attempts: handling and verification times, failures, and the results."""

    service: list[int]
    verify: list[int]
    fail: list[bool]
    start: list[int]
    finish: list[int]


@attrs.define
class _Later:
    """Attempts after a failed verification: their times, and the results so far."""

    service: I64
    verify: I64
    fail: npt.NDArray[np.bool_]
    done: list[tuple[int, int, int, int]]  # (attempt, case, start, finish)

    def attempt(self, r: int, c: int) -> tuple[int, int, bool]:
        """Handling time, verification time and failure of attempt ``r`` of case ``c``."""
        return int(self.service[r, c]), int(self.verify[r, c]), bool(self.fail[r, c])


def _fifo(arr: list[int], first: _First, later: _Later, servers: int) -> None:
    n = len(arr)
    free = [0] * servers
    again: list[tuple[int, int, int, int]] = []  # (position, order, case, attempt)
    push, pop, replace = heapq.heappush, heapq.heappop, heapq.heapreplace
    i = order = 0
    st0, fin0, svc0, ver0, bad0 = first.start, first.finish, first.service, first.verify, first.fail
    done = later.done
    while True:
        if again and (i >= n or again[0][0] < arr[i]):
            pos, _, c, r = pop(again)
        elif i < n:
            c, pos = i, arr[i]
            i += 1
            f = free[0]
            s = pos if pos > f else f
            end = s + svc0[c]
            replace(free, end)
            st0[c] = s
            fin0[c] = end
            if bad0[c]:
                push(again, (end + ver0[c], order, c, 1))
                order += 1
            continue
        else:
            break
        svc, ver, bad = later.attempt(r, c)
        f = free[0]
        s = pos if pos > f else f
        end = s + svc
        replace(free, end)
        done.append((r, c, s, end))
        if bad:
            push(again, (end + ver, order, c, r + 1))
            order += 1


def _edf(arr: list[int], due: list[int], first: _First, later: _Later, servers: int) -> None:
    n = len(arr)
    free = [0] * servers
    waiting: list[tuple[int, int, int, int, int]] = []  # (due, order, case, attempt, pos)
    again: list[tuple[int, int, int, int]] = []  # (position, order, case, attempt)
    push, pop, replace = heapq.heappush, heapq.heappop, heapq.heapreplace
    st0, fin0, svc0, ver0, bad0 = first.start, first.finish, first.service, first.verify, first.fail
    done = later.done
    i = 0
    order = n
    while True:
        f = free[0]
        while i < n and arr[i] <= f:
            push(waiting, (due[i], i, i, 0, arr[i]))
            i += 1
        while again and again[0][0] <= f:
            p, o, c, r = pop(again)
            push(waiting, (due[c], o, c, r, p))
        t = f
        if not waiting:
            if i >= n and not again:
                break
            if i >= n:
                nxt = again[0][0]
            elif again:
                nxt = min(arr[i], again[0][0])
            else:
                nxt = arr[i]
            while i < n and arr[i] <= nxt:
                push(waiting, (due[i], i, i, 0, arr[i]))
                i += 1
            while again and again[0][0] <= nxt:
                p, o, c, r = pop(again)
                push(waiting, (due[c], o, c, r, p))
            t = nxt
        _, _, c, r, pos = pop(waiting)
        if pos > t:  # another handler is free earlier than this case arrived
            t = pos
        if r == 0:
            end = t + svc0[c]
            st0[c] = t
            fin0[c] = end
            ver, bad = ver0[c], bad0[c]
        else:
            svc, ver, bad = later.attempt(r, c)
            end = t + svc
            done.append((r, c, t, end))
        replace(free, end)
        if bad:
            push(again, (end + ver, order, c, r + 1))
            order += 1
