"""Small timing helpers shared by the benchmarks (no pytest-benchmark needed)."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def median_seconds(fn: Callable[[], Any], *, repeat: int = 5, number: int = 1) -> float:
    """Median wall time of ``number`` calls of ``fn``, over ``repeat`` rounds, per call."""
    times = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times.append((time.perf_counter() - start) / number)
    finally:
        if gc_was:
            gc.enable()
    return statistics.median(times)


def median_wall_and_cpu(fn: Callable[[], Any], *, repeat: int = 5) -> tuple[float, float]:
    """Median wall time and median CPU time (this process, all its threads) of ``fn``.

    On a shared machine the CPU time shows the work done when other jobs slow the wall
    clock; for a single-threaded ``fn`` on an idle machine the two agree.
    """
    walls, cpus = [], []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    finally:
        if gc_was:
            gc.enable()
    return statistics.median(walls), statistics.median(cpus)


def per_call_median(fn: Callable[..., Any], inputs: Sequence[Any], *, star: bool = False) -> float:
    """Median over ``inputs`` of the time of one call ``fn(x)`` (timed in blocks of 100);
    with ``star``, each input is a tuple of arguments and the call is ``fn(*x)`` (no
    wrapping lambda to time along with ``fn``)."""
    block = 100
    times = []
    for i in range(0, len(inputs), block):
        chunk = inputs[i : i + block]
        start = time.perf_counter()
        if star:
            for x in chunk:
                fn(*x)
        else:
            for x in chunk:
                fn(x)
        times.append((time.perf_counter() - start) / len(chunk))
    return statistics.median(times)


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return 0
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


def fmt_time(seconds: float) -> str:
    """Seconds in the most readable unit."""
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print an aligned plain-text table (benchmarks print; the library never does)."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"== {title} ==")
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))


def verdict(value: float, limit: float) -> str:
    """'ok' or 'OVER' against a target (targets are reported, not asserted)."""
    return "ok" if value <= limit else "OVER"
