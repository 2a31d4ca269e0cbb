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
"""

from __future__ import annotations

import heapq

import attrs
import numpy as np
import numpy.typing as npt

__all__ = ["Served", "serve"]

I64 = npt.NDArray[np.int64]


@attrs.frozen(eq=False)
class Served:
    """Per case and attempt (rows ``r``): when handling started and finished (``-1``:
    not attempted)."""

    start: I64  # (attempts, cases)
    finish: I64  # (attempts, cases)


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
    arr = arrival.tolist()
    svc = service.tolist()
    ver = verify.tolist()
    bad = fail.tolist()
    st = [[-1] * n for _ in range(attempts)]
    fin = [[-1] * n for _ in range(attempts)]
    if earliest_due:
        _edf(arr, due.tolist(), svc, ver, bad, servers, st, fin)
    else:
        _fifo(arr, svc, ver, bad, servers, st, fin)
    return Served(np.array(st, dtype=np.int64), np.array(fin, dtype=np.int64))


def _fifo(
    arr: list[int],
    svc: list[list[int]],
    ver: list[list[int]],
    bad: list[list[bool]],
    servers: int,
    st: list[list[int]],
    fin: list[list[int]],
) -> None:
    n = len(arr)
    free = [0] * servers
    again: list[tuple[int, int, int, int]] = []  # (position, order, case, attempt)
    push, pop, replace = heapq.heappush, heapq.heappop, heapq.heapreplace
    i = order = 0
    st0, fin0, svc0, bad0 = st[0], fin[0], svc[0], bad[0]
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
                push(again, (end + ver[0][c], order, c, 1))
                order += 1
            continue
        else:
            break
        f = free[0]
        s = pos if pos > f else f
        end = s + svc[r][c]
        replace(free, end)
        st[r][c] = s
        fin[r][c] = end
        if bad[r][c]:
            push(again, (end + ver[r][c], order, c, r + 1))
            order += 1


def _edf(
    arr: list[int],
    due: list[int],
    svc: list[list[int]],
    ver: list[list[int]],
    bad: list[list[bool]],
    servers: int,
    st: list[list[int]],
    fin: list[list[int]],
) -> None:
    n = len(arr)
    free = [0] * servers
    waiting: list[tuple[int, int, int, int, int]] = []  # (due, order, case, attempt, pos)
    again: list[tuple[int, int, int, int]] = []  # (position, order, case, attempt)
    push, pop, replace = heapq.heappush, heapq.heappop, heapq.heapreplace
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
        end = t + svc[r][c]
        replace(free, end)
        st[r][c] = t
        fin[r][c] = end
        if bad[r][c]:
            push(again, (end + ver[r][c], order, c, r + 1))
            order += 1
