"""Case logs as Arrow tables and pandas or polars data frames (private; the public
names are in :mod:`urbangov.io`).

A table here is a case log, one row per event and one report row per case, with the
columns of a log file: what a Parquet log holds, so ``from_arrow(pq.read_table(path))
== read_columns(path)``. The schema is :func:`arrow_schema`; ``docs/io.md`` says why.
"""

from __future__ import annotations

import datetime as _dt
import importlib
from typing import Any

from urbangov.cases import CaseColumns
from urbangov.errors import CaseLogError, MissingExtraError
from urbangov.io._arrow import arrow_from_columns, log_schema, modules, table_from_arrow
from urbangov.io._convert import columns_from_table
from urbangov.io._table import COLUMNS
from urbangov.taxonomy import Taxonomy

__all__ = [
    "arrow_schema",
    "from_arrow",
    "from_pandas",
    "from_polars",
    "to_arrow",
    "to_pandas",
    "to_polars",
]


def arrow_schema(tz: str | _dt.tzinfo = "Asia/Shanghai") -> Any:
    """The Arrow schema of a case log, as :func:`to_arrow` and Parquet logs have it.

    The columns of :data:`COLUMNS`, in that order: ``at`` is ``timestamp[us, tz]``
    (UTC instants, shown in ``tz``); every other column is ``dictionary<int32,
    string>`` (text, each distinct value stored once), ``null`` where a row has none.

    Parameters
    ----------
    tz
        The zone the ``at`` column is shown in: a tz database name or a
        ``datetime.tzinfo`` with one (``ZoneInfo``, ``datetime.UTC``, a fixed offset of
        whole minutes).

    Raises
    ------
    MissingExtraError
        Without pyarrow (the ``parquet`` extra).

    Examples
    --------
    >>> schema = arrow_schema()
    >>> str(schema.field("at").type), str(schema.field("grid").type)
    ('timestamp[us, tz=Asia/Shanghai]', 'dictionary<values=string, indices=int32, ordered=0>')
    >>> schema.names == list(COLUMNS)
    True
    """
    return log_schema(tz)


def to_arrow(columns: CaseColumns, *, tz: str | _dt.tzinfo = "Asia/Shanghai") -> Any:
    """The case log of ``columns`` as a ``pyarrow.Table`` of :func:`arrow_schema`.

    The rows are those :func:`write_columns` writes, in its order: each case's report
    row, then its events. Written with ``pyarrow.parquet.write_table``, the table is a
    Parquet log :func:`read_columns` reads (and :func:`write_columns` writes this
    table). ``from_arrow(to_arrow(c)) == c`` for columns in canonical form (lookup
    tuples sorted and with no unused entry, as :func:`read_columns` and
    :meth:`CaseColumns.from_cases <urbangov.cases.CaseColumns.from_cases>` make them);
    other columns come back in canonical form.

    Parameters
    ----------
    columns
        The cases.
    tz
        The zone the ``at`` column is shown in (the instants are UTC either way).

    Raises
    ------
    CaseLogError
        As :func:`write_columns`: an instant that is not a whole microsecond or lies
        outside the years 1678–2261, a lookup holding an empty string.
    MissingExtraError
        Without pyarrow (the ``parquet`` extra).

    Examples
    --------
    >>> from urbangov.sim import example_log
    >>> cols = example_log(2, seed=1)
    >>> table = to_arrow(cols)
    >>> table.num_rows == cols.n_cases + cols.n_events
    True
    >>> table.column("event").to_pylist()[:3]
    ['report', 'accept', 'file']
    >>> from_arrow(table) == cols
    True
    """
    if not isinstance(columns, CaseColumns):
        raise CaseLogError(
            f"a {type(columns).__name__} is not CaseColumns",
            field="columns",
            hint="give urbangov.cases.CaseColumns (from read_columns, from_cases, example_log)",
        )
    return arrow_from_columns(columns, tz)


def from_arrow(
    table: Any,
    *,
    taxonomy: Taxonomy | None = None,
    allow_unknown_columns: bool = False,
    check: bool = True,
) -> CaseColumns:
    """Read a case log held as an Arrow table into :class:`~urbangov.cases.CaseColumns`.

    The table has the columns of a log file (:data:`COLUMNS`, one row per event and one
    report row per case) and is read exactly as :func:`read_columns` reads a file, with
    the same checks and errors. ``at`` is a timestamp with a time zone (any unit) or
    ISO 8601 text with offsets; every other column is text: ``string``,
    ``large_string``, ``string_view`` or a dictionary of them; ``null`` or ``""`` is
    none. A column of nulls may have any type.

    Parameters
    ----------
    table
        A ``pyarrow.Table`` or ``RecordBatch``, or any object that exports an Arrow
        stream (``__arrow_c_stream__``).
    taxonomy, allow_unknown_columns, check
        As :func:`read_columns`.

    Returns
    -------
    CaseColumns
        Cases in the order of their report rows; lookup tuples sorted.

    Raises
    ------
    CaseLogError
        For the first bad column or row, naming the column and the row (counted from 1:
        the first row is row 1).
    MissingExtraError
        Without pyarrow (the ``parquet`` extra).

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = pa.table({
    ...     "case_id": ["A1", "A1"], "event": ["report", "accept"],
    ...     "at": ["2024-05-06T09:00:00+08:00", "2024-05-06T09:05:00+08:00"],
    ...     "category": ["暴露垃圾", None], "grid": ["320102001001001", None],
    ...     "source": ["hotline", None], "urgency": ["normal", None]})
    >>> cols = from_arrow(table)
    >>> cols.ids, cols.categories, cols.at.tolist()
    (('A1',), ('exposed_garbage',), [1714957500000000000])
    >>> from_arrow(table.set_column(5, "source", pa.array(["radio", None])))
    Traceback (most recent call last):
    ...
    urbangov.errors.CaseLogError: source: 'radio' is not a Source (row 1); use one of
    supervisor, hotline, video, public, media, leader, city_dispatch, department
    """
    pa, _ = modules()
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    elif not isinstance(table, pa.Table):
        if not hasattr(table, "__arrow_c_stream__"):
            raise CaseLogError(
                f"a {type(table).__name__} is not an Arrow table",
                field="table",
                hint="give a pyarrow.Table or RecordBatch (from_pandas and from_polars "
                "take data frames)",
            )
        table = pa.table(table)
    columns, _ = columns_from_table(
        table_from_arrow(table, None, allow_unknown_columns), taxonomy, check
    )
    return columns


def to_pandas(columns: CaseColumns, *, tz: str | _dt.tzinfo = "Asia/Shanghai") -> Any:
    """The case log of ``columns`` as a ``pandas.DataFrame``: :func:`to_arrow`'s table
    converted by pyarrow (text columns become categoricals, ``at`` becomes
    ``datetime64[us, tz]``); ``from_pandas(to_pandas(c)) == c`` as for Arrow.

    Raises
    ------
    MissingExtraError
        Without pandas and pyarrow (the ``parquet`` extra).

    Examples
    --------
    >>> from urbangov.sim import example_log
    >>> frame = to_pandas(example_log(2, seed=1))
    >>> str(frame["at"].dtype), str(frame["grid"].dtype)
    ('datetime64[us, Asia/Shanghai]', 'category')
    """
    _pandas()
    return to_arrow(columns, tz=tz).to_pandas()


def from_pandas(
    frame: Any,
    *,
    taxonomy: Taxonomy | None = None,
    allow_unknown_columns: bool = False,
    check: bool = True,
) -> CaseColumns:
    """Read a case log held as a ``pandas.DataFrame`` (the columns of a log file; the
    index is not read) into :class:`~urbangov.cases.CaseColumns`, through Arrow, as
    :func:`from_arrow` reads a table.

    Text columns may be ``object`` (``str``, ``None`` or ``NaN`` for none),
    ``string`` or ``category``; ``at`` may be ``datetime64[…, tz]`` or ISO 8601 text
    with offsets (a naive ``datetime64`` is refused: times are never naive). Errors
    name the row counted from 1, whatever the index.

    Raises
    ------
    CaseLogError
        For a column pyarrow cannot convert (e.g. numbers and strings mixed), and as
        :func:`from_arrow`.
    MissingExtraError
        Without pandas and pyarrow (the ``parquet`` extra).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "case_id": ["A1", "A1"], "event": ["report", "accept"],
    ...     "at": pd.to_datetime(["2024-05-06T09:00+08:00", "2024-05-06T09:05+08:00"]),
    ...     "category": ["exposed_garbage", None], "grid": ["320102001001001", None],
    ...     "source": ["hotline", None], "urgency": ["normal", None]})
    >>> from_pandas(frame).kind.tolist()
    [0]
    >>> frame.loc[1, "at"] = pd.NaT
    >>> from_pandas(frame)
    Traceback (most recent call last):
    ...
    urbangov.errors.CaseLogError: at: the field is required (row 2); give the time with its
    UTC offset
    """
    pd = _pandas()
    pa, _ = modules("pandas data frames")
    if not isinstance(frame, pd.DataFrame):
        raise CaseLogError(
            f"a {type(frame).__name__} is not a pandas DataFrame",
            field="frame",
            hint="give a pandas.DataFrame (from_arrow takes Arrow tables)",
        )
    names: list[str] = []
    arrays = []
    for i, name in enumerate(frame.columns):
        if not isinstance(name, str):
            raise CaseLogError(
                f"the column name {name!r} is not text",
                field=str(name),
                hint="name the columns as a log file does: " + ", ".join(COLUMNS),
            )
        try:
            arrays.append(pa.array(frame.iloc[:, i], from_pandas=True))
        except (pa.ArrowException, TypeError, ValueError) as exc:
            raise CaseLogError(
                f"the column cannot be read as an Arrow array: {exc}",
                field=name,
                hint="give text (str, None) in text columns and aware datetimes or ISO "
                "8601 text in at",
            ) from None
        names.append(name)
    table = pa.Table.from_arrays(arrays, names=names)
    return from_arrow(
        table, taxonomy=taxonomy, allow_unknown_columns=allow_unknown_columns, check=check
    )


def to_polars(columns: CaseColumns, *, tz: str | _dt.tzinfo = "Asia/Shanghai") -> Any:
    """The case log of ``columns`` as a ``polars.DataFrame``: :func:`to_arrow`'s table
    converted by polars (text columns become categoricals, ``at`` a
    ``Datetime("us", tz)``); ``from_polars(to_polars(c)) == c`` as for Arrow.

    Raises
    ------
    MissingExtraError
        Without polars and pyarrow (the ``polars`` extra).

    Examples
    --------
    >>> from urbangov.sim import example_log
    >>> frame = to_polars(example_log(2, seed=1))
    >>> frame.schema["at"]
    Datetime(time_unit='us', time_zone='Asia/Shanghai')
    """
    pl = _polars()
    return pl.from_arrow(to_arrow(columns, tz=tz))


def from_polars(
    frame: Any,
    *,
    taxonomy: Taxonomy | None = None,
    allow_unknown_columns: bool = False,
    check: bool = True,
) -> CaseColumns:
    """Read a case log held as a ``polars.DataFrame`` into
    :class:`~urbangov.cases.CaseColumns`, through Arrow (``frame.to_arrow()``), as
    :func:`from_arrow` reads a table. Text columns are ``String`` or ``Categorical``;
    ``at`` is a ``Datetime`` with a time zone or ISO 8601 text with offsets.

    Raises
    ------
    CaseLogError
        For a ``LazyFrame`` (collect it first) or another object, and as
        :func:`from_arrow`.
    MissingExtraError
        Without polars and pyarrow (the ``polars`` extra).

    Examples
    --------
    >>> from urbangov.sim import example_log
    >>> cols = example_log(3, seed=4)
    >>> from_polars(to_polars(cols)) == cols
    True
    """
    pl = _polars()
    if isinstance(frame, pl.LazyFrame):
        raise CaseLogError(
            "a polars LazyFrame is a query, not a table",
            field="frame",
            hint="collect it first: from_polars(lazy.collect())",
        )
    if not isinstance(frame, pl.DataFrame):
        raise CaseLogError(
            f"a {type(frame).__name__} is not a polars DataFrame",
            field="frame",
            hint="give a polars.DataFrame (from_arrow takes Arrow tables)",
        )
    return from_arrow(
        frame.to_arrow(),
        taxonomy=taxonomy,
        allow_unknown_columns=allow_unknown_columns,
        check=check,
    )


def _pandas() -> Any:
    modules("pandas data frames")
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise MissingExtraError(
            "pandas data frames need pandas, which is in the 'parquet' extra",
            hint="install it with: pip install 'urbangov[parquet]'",
        ) from exc


def _polars() -> Any:
    try:
        pl = importlib.import_module("polars")
    except ImportError as exc:
        raise MissingExtraError(
            "polars data frames need polars, which is in the 'polars' extra",
            hint="install it with: pip install 'urbangov[polars]'",
        ) from exc
    try:
        modules("polars data frames")
    except MissingExtraError as exc:
        raise MissingExtraError(
            "polars data frames need pyarrow, which is in the 'polars' extra",
            hint="install it with: pip install 'urbangov[polars]'",
        ) from exc.__cause__
    return pl
