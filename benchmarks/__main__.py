"""Run every ``benchmarks/bench_*.py`` module: ``python -m benchmarks [--tiny] [NAME...]``.

Each module defines ``main(tiny: bool) -> None`` that measures urbangov and its peers in
the same run — on the same inputs, each side warmed by one untimed call and timed as the
median of the same repeats, every answer compared — and prints the figures side by side
with their ratios. ``--tiny`` runs every benchmark at a size that finishes in seconds (CI
uses it so that benchmarks cannot rot); its targets are not judged (``_harness.target``):
they are set for the full size.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import time

import benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, for CI")
    parser.add_argument("names", nargs="*", help="run only these (e.g. hierarchy calendar)")
    args = parser.parse_args()
    found = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    chosen = [n for n in found if not args.names or n.removeprefix("bench_") in args.names]
    if args.names and not chosen:
        parser.error(f"no benchmark named {args.names}; have {[n[6:] for n in found]}")
    for name in chosen:
        start = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").main(tiny=args.tiny)
        print(f"[{name} done in {time.perf_counter() - start:.1f} s]\n")


if __name__ == "__main__":
    main()
