"""urbangov benchmarks: ``python -m benchmarks`` (full size) or ``python -m benchmarks --tiny``."""
