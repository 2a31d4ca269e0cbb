"""Case event logs (案件流转日志) in CSV, JSON Lines and Parquet files.

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

Writing is deterministic: fixed column order, ``\\n`` line ends, UTF-8, cases in the
order given and each case's report row followed by its events in order. So
``read(write(v)) == v`` for ``Case`` lists and :class:`~urbangov.cases.CaseColumns`, and
a file urbangov wrote re-writes byte-identical. See ``docs/io.md``.

>>> import tempfile, pathlib
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

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Iterable
from pathlib import Path

from urbangov._io_convert import (
    cases_from_table,
    columns_from_table,
    table_from_cases,
    table_from_columns,
)
from urbangov._io_example import example_log
from urbangov._io_table import COLUMNS, format_of, read_table, write_table
from urbangov.cases import Case, CaseColumns
from urbangov.errors import CaseLogError
from urbangov.taxonomy import Taxonomy

__all__ = [
    "COLUMNS",
    "example_log",
    "read_cases",
    "read_columns",
    "write_cases",
    "write_columns",
]


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
    table = read_table(path, format_of(path, format), allow_unknown_columns)
    columns, _ = columns_from_table(table, taxonomy, check)
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
    >>> cases = example_log(3, seed=2).to_cases()
    >>> write_cases(path, cases)
    >>> read_cases(path) == cases
    True
    >>> tmp.cleanup()
    """
    table = read_table(path, format_of(path, format), allow_unknown_columns)
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
    zone = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
    write_table(path, format_of(path, format), table_from_columns(columns, zone))


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
    write_table(path, format_of(path, format), table_from_cases(cases))
