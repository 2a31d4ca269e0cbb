"""The one switch between urbangov's fast paths and their plain, exact twins (private).

A fast path earns its place by speed and must give the same answers as the plain path
beside it; ``URBANGOV_FAST_PATH=0`` (:data:`SWITCH`) turns every fast path off, so the
test suite can run both ways and property tests can compare them. The fast paths: the
scalar hot path of ``WorkCalendar.add`` (``urbangov.calendar``) and, in ``urbangov.io``,
pyarrow's JSON reader for JSON Lines logs, Arrow's own dictionaries for the text
columns of Parquet logs and Arrow tables (their indices cleared by one numpy bound for
the whole buffer, their nulls kept as Arrow's validity mask), timestamp columns cleared
by their bounds, and each row's case taken from its case id's code when the report rows
give the ids in the order of their codes (as urbangov writes logs).
"""

from __future__ import annotations

import os

__all__ = ["SWITCH", "enabled"]

SWITCH = "URBANGOV_FAST_PATH"
"""The environment variable that turns the fast paths off: ``URBANGOV_FAST_PATH=0``."""


def enabled() -> bool:
    """Whether the fast paths are on (they are unless ``URBANGOV_FAST_PATH=0``).

    >>> import os
    >>> enabled() == (os.environ.get(SWITCH, "1") != "0")
    True
    """
    return os.environ.get(SWITCH, "1") != "0"
