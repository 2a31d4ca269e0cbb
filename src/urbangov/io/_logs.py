"""Case event logs (案件流转日志) in CSV, JSON Lines and Parquet files.

Private: :mod:`urbangov.io` re-exports the public names.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Iterable
from pathlib import Path

from urbangov.cases import Case, CaseColumns
from urbangov.errors import CaseLogError
from urbangov.io._arrow import (
    arrow_from_columns,
    arrow_from_text,
    parquet_modules,
    read_jsonl,
    read_parquet,
    write_parquet,
)
from urbangov.io._convert import cases_from_table, columns_from_table
from urbangov.io._table import Table, format_of, read_bytes, read_text_table, write_table
from urbangov.io._written import table_from_cases, table_from_columns
from urbangov.taxonomy import Taxonomy

__all__ = ["read_cases", "read_columns", "write_cases", "write_columns"]


def _read(path: str | Path, format: str | None, allow_unknown: bool) -> Table:
    """The :class:`Table` of a log file: Parquet through Arrow; JSON Lines through
    pyarrow's JSON reader when it is sure to read the file as the Python reader does,
    else (and CSV) from the file's bytes."""
    found = format_of(path, format)
    if found == "parquet":
        return read_parquet(path, allow_unknown)
    raw = read_bytes(path)
    if found == "jsonl":
        fast = read_jsonl(raw, str(path), allow_unknown)
        if fast is not None:
            return fast
    return read_text_table(raw, str(path), found, allow_unknown)


def read_columns(
    path: str | Path,
    *,
    format: str | None = None,
    taxonomy: Taxonomy | None = None,
    allow_unknown_columns: bool = False,
    check: bool = True,
) -> CaseColumns:
    """Read a case log into :class:`~urbangov.cases.CaseColumns` (the fast path).

    Parameters
    ----------
    path
        The log file.
    format
        ``"csv"``, ``"jsonl"`` or ``"parquet"``; default from the suffix (``.csv``,
        ``.jsonl``/``.ndjson``, ``.parquet``).
    taxonomy
        Resolves the ``category`` column (default: the bundled taxonomy).
    allow_unknown_columns
        Ignore columns (keys) that are not in the layout instead of raising.
    check
        Check every event against the workflow (:meth:`CaseColumns.invalid`, with
        ``close`` allowed straight after ``handle``, as :class:`~urbangov.cases.Case`
        allows); a log that fails raises naming the first bad row.

    Returns
    -------
    CaseColumns
        Cases in the order of their report rows; events grouped by case, in file order;
        lookup tuples sorted.

    Raises
    ------
    CaseLogError
        For the first bad row, naming the file, line and field.
    MissingExtraError
        For Parquet without the ``parquet`` extra.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "log.csv"
    >>> _ = path.write_text(
    ...     "case_id,event,at,category,grid,source,urgency\\n"
    ...     "A1,report,2024-05-06T09:00:00+08:00,暴露垃圾,320102001001001,hotline,normal\\n"
    ...     "A1,受理,2024-05-06T09:05:00+08:00,,,,\\n", encoding="utf-8")
    >>> cols = read_columns(path)
    >>> cols.ids, cols.categories, cols.kind.tolist()
    (('A1',), ('exposed_garbage',), [0])
    >>> _ = path.write_text(
    ...     "case_id,event,at,category,grid,source,urgency\\n"
    ...     "A1,report,2024-05-06T09:00:00,暴露垃圾,320102001001001,hotline,normal\\n",
    ...     encoding="utf-8")
    >>> read_columns(path)
    Traceback (most recent call last):
    ...
    urbangov.errors.CaseLogError: at: '2024-05-06T09:00:00' has no UTC offset (.../log.csv,
    line 2); add the offset, e.g. 2024-05-06T09:30:00+08:00 (times are never naive)
    >>> tmp.cleanup()
    """
    columns, _ = columns_from_table(_read(path, format, allow_unknown_columns), taxonomy, check)
    return columns


def read_cases(
    path: str | Path,
    *,
    format: str | None = None,
    taxonomy: Taxonomy | None = None,
    allow_unknown_columns: bool = False,
) -> tuple[Case, ...]:
    """Read a case log into :class:`~urbangov.cases.Case` values (one per report row, in
    file order). Each time keeps the UTC offset written in the file.

    Parameters are those of :func:`read_columns`; the workflow is always checked.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "log.jsonl"
    >>> from urbangov.sim import example_log
    >>> cases = example_log(3, seed=2).to_cases()
    >>> write_cases(path, cases)
    >>> read_cases(path) == cases
    True
    >>> tmp.cleanup()
    """
    table = _read(path, format, allow_unknown_columns)
    columns, layout = columns_from_table(table, taxonomy, True)
    return cases_from_table(table, columns, layout)


def write_columns(
    path: str | Path,
    columns: CaseColumns,
    *,
    format: str | None = None,
    tz: str | _dt.tzinfo = "Asia/Shanghai",
) -> None:
    """Write :class:`~urbangov.cases.CaseColumns` as a case log, times in ``tz``.

    ``read_columns(path) == columns`` whenever the lookup tuples are canonical (sorted,
    with no unused entry, as :meth:`CaseColumns.from_cases` and :func:`read_columns` make
    them); the file is byte-identical to ``write_cases(path, columns.to_cases(tz))``.

    Raises
    ------
    CaseLogError
        If an instant is not a whole microsecond, or a lookup holds an empty string
        (the log could not give back the same value).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "log.csv"
    >>> from urbangov.cases import CaseEvent
    >>> t = _dt.datetime(2024, 5, 6, 9, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    >>> case = Case.new("A1", "暴露垃圾", "320102001001001", reported_at=t,
    ...                 history=[CaseEvent("accept", t, actor="operator_7")])
    >>> write_columns(path, CaseColumns.from_cases([case]), tz="UTC")
    >>> print(path.read_text(encoding="utf-8"))
    case_id,event,at,actor,department,extension,outcome,note,category,grid,segment,source,urgency,zone
    A1,report,2024-05-06T01:30:00+00:00,,,,,,exposed_garbage,320102001001001,,supervisor,normal,
    A1,accept,2024-05-06T01:30:00+00:00,operator_7,,,,,,,,,,
    <BLANKLINE>
    >>> tmp.cleanup()
    """
    found = format_of(path, format)
    if found == "parquet":
        parquet_modules()
        write_parquet(path, arrow_from_columns(columns, tz))
        return
    zone = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
    write_table(path, found, table_from_columns(columns, zone))


def write_cases(path: str | Path, cases: Iterable[Case], *, format: str | None = None) -> None:
    """Write :class:`~urbangov.cases.Case` values as a case log, each time with its own
    UTC offset; ``read_cases(path) == tuple(cases)``.

    Raises
    ------
    CaseLogError
        If two cases share an id.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(tmp.name) / "log.csv"
    >>> from urbangov.sim import example_log
    >>> case = example_log(1, seed=5).to_cases()[0]
    >>> write_cases(path, [case, case])
    Traceback (most recent call last):
    ...
    urbangov.errors.CaseLogError: case_id: two cases have the id 'C5-00000000'; give each
    case its own id (a log keys events by case id)
    >>> tmp.cleanup()
    """
    cases = tuple(cases)
    for i, case in enumerate(cases):
        if not isinstance(case, Case):
            raise CaseLogError(
                f"{type(case).__name__} is not a Case", field=f"cases[{i}]", hint="give Cases"
            )
    found = format_of(path, format)
    if found == "parquet":
        write_parquet(path, arrow_from_text(table_from_cases(cases)))
        return
    write_table(path, found, table_from_cases(cases))
