"""Case event logs (案件流转日志) in CSV, JSON Lines and Parquet files, and as Arrow
tables and pandas or polars data frames.

A log has one row per event and, for each case, one ``report`` row carrying the case's
attributes. The columns, in the order urbangov writes them:

=============  ===========================================================================
``case_id``    the case number (every row)
``event``      ``report`` or an event: ``accept``, ``file``, ``dispatch``, … (every row;
               the Chinese term and the member name are read too)
``at``         ISO 8601 with the UTC offset, e.g. ``2024-05-06T09:30:00+08:00`` (every
               row; on the report row it is the case's reported time)
``actor``      who acted (event rows, optional)
``department`` the department dispatched to (``dispatch`` rows only, required there)
``extension``  the approved extension, e.g. ``5 working days`` (``extend`` rows only)
``outcome``    ``penalised`` or ``educated`` (``handle`` or ``close`` rows, optional)
``note``       free text (event rows, optional)
``category``   the taxonomy slug (report rows; the Chinese name or code is read too)
``grid``       the unit code (report rows)
``segment``    the road segment (report rows, optional)
``source``     ``supervisor``, ``hotline``, … (report rows)
``urgency``    ``normal``, … (report rows)
``zone``       ``strict``, ``control``, … (report rows, optional)
=============  ===========================================================================

Reading is strict: a bad row raises :class:`~urbangov.errors.CaseLogError` naming the
file, the line (the row number for Parquet) and the field, and saying what to do;
nothing is dropped silently. Unknown columns are errors unless
``allow_unknown_columns=True``; a required field left empty, an event of a case with no
report row, an event the workflow does not allow, a time without an offset — all errors.

The same log held in memory as a ``pyarrow.Table`` (:func:`to_arrow`, :func:`from_arrow`;
:func:`to_pandas`, :func:`from_pandas`, :func:`to_polars`, :func:`from_polars`) has
these columns too, ``at`` as a timestamp with a time zone and the others as text
(:func:`arrow_schema`); it is what a Parquet log holds, and it is read with the same
checks and errors as a file.

Writing is deterministic: fixed column order, ``\n`` line ends, UTF-8, cases in the
order given and each case's report row followed by its events in order. So
``read(write(v)) == v`` for ``Case`` lists and :class:`~urbangov.cases.CaseColumns`, and
a file urbangov wrote re-writes byte-identical. See ``docs/io.md``.

>>> import tempfile, pathlib
>>> from urbangov.sim import example_log
>>> cols = example_log(50, seed=7)
>>> tmp = tempfile.TemporaryDirectory()
>>> path = pathlib.Path(tmp.name) / "log.csv"
>>> write_columns(path, cols)
>>> read_columns(path) == cols
True
>>> path.read_text(encoding="utf-8").splitlines()[0]
'case_id,event,at,actor,department,extension,outcome,note,category,grid,segment,source,urgency,zone'
>>> tmp.cleanup()
"""

import warnings
from typing import Any

from urbangov._internal.public import publish
from urbangov.io._frames import (
    arrow_schema,
    from_arrow,
    from_pandas,
    from_polars,
    to_arrow,
    to_pandas,
    to_polars,
)
from urbangov.io._logs import (
    read_cases,
    read_columns,
    write_cases,
    write_columns,
)
from urbangov.io._table import COLUMNS

__all__ = [
    "COLUMNS",
    "arrow_schema",
    "from_arrow",
    "from_pandas",
    "from_polars",
    "read_cases",
    "read_columns",
    "to_arrow",
    "to_pandas",
    "to_polars",
    "write_cases",
    "write_columns",
]

publish(__name__, __all__)


def __getattr__(name: str) -> Any:
    # Deprecated in 0.2, removed in 0.3: the synthetic log generator lives in urbangov.sim.
    if name == "example_log":
        warnings.warn(
            "urbangov.io.example_log moved to urbangov.sim.example_log; the old name goes "
            "in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        from urbangov import sim

        return sim.example_log
    raise AttributeError(f"module 'urbangov.io' has no attribute {name!r}")
