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


NOT_JUDGED = "not judged at --tiny"


def target(
    value: float, limit: float, text: str, *, tiny: bool, at_least: bool = False
) -> tuple[str, str]:
    """The target and verdict cells of one measure.

    At full size: ``(text, "ok")`` when ``value`` is within ``limit`` (at most, or with
    ``at_least`` at least), else ``(text, "OVER")`` / ``(text, "UNDER")``. At ``--tiny``
    size: ``("—", "not judged at --tiny")`` — every target is set for the full size, and a
    tiny run's fixed costs and warm caches make its figures say nothing about it.
    """
    if tiny:
        return "—", NOT_JUDGED
    if at_least:
        return text, "ok" if value >= limit else "UNDER"
    return text, verdict(value, limit)


def judged(value: float, limit: float, text: str, *, tiny: bool, at_least: bool = False) -> str:
    """:func:`target` in one cell: ``"≤ 1 s: ok"`` at full size, ``"not judged at
    --tiny"`` at tiny size."""
    shown, result = target(value, limit, text, tiny=tiny, at_least=at_least)
    return result if tiny else f"{shown}: {result}"


def warm_median(fn: Callable[[], Any], *, repeat: int) -> float:
    """:func:`median_seconds` after one untimed call (every side of a comparison gets
    the same warm-up: imports, caches and lazily built indexes are paid before timing)."""
    fn()
    return median_seconds(fn, repeat=repeat)


def warm_per_call(fn: Callable[..., Any], inputs: Sequence[Any], *, star: bool = False) -> float:
    """:func:`per_call_median` after one untimed pass over ``inputs``."""
    for x in inputs:
        fn(*x) if star else fn(x)
    return per_call_median(fn, inputs, star=star)
