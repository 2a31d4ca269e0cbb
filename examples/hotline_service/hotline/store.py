"""The SQLite store: migrations, one connection per request, transactions.

Standard library ``sqlite3`` only. The database runs in WAL mode (readers never block
the writer), every connection waits up to :data:`BUSY_SECONDS` for a lock instead of
failing with ``database is locked``, and every write is one ``BEGIN IMMEDIATE``
transaction: it takes the write lock before it reads, so concurrent writers queue
instead of deadlocking, and a request that fails rolls back and stores nothing.

Migrations are the files ``migrations/NNN_name.sql``, applied in order at startup,
each in its own transaction together with its row in ``schema_version``; a version
already recorded is skipped, so startup is idempotent (and safe when two processes
start at once: the second finds the version recorded once it gets the lock).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BUSY_SECONDS", "MIGRATIONS", "CaseRow", "EventRow", "Store"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BUSY_SECONDS = 30.0
"""How long a connection waits for another's write lock (``PRAGMA busy_timeout``)."""

_SCHEMA_VERSION = """CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL
) STRICT"""


@dataclass(frozen=True)
class CaseRow:
    """A row of ``cases``: what a report fixes once."""

    seq: int
    id: str
    category: str
    grid: str
    segment: str | None
    source: str
    urgency: str
    zone: str | None
    reported_at: str


@dataclass(frozen=True)
class EventRow:
    """A row of ``events``: one step of a case's history."""

    n: int
    kind: str
    at: str
    actor: str | None
    department: str | None
    extension: str | None
    outcome: str | None
    note: str


_CASE_COLUMNS = "seq, id, category, grid, segment, source, urgency, zone, reported_at"
_EVENT_COLUMNS = "n, kind, at, actor, department, extension, outcome, note"


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, split where SQLite says one is complete (a
    trigger's body keeps its semicolons)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    rest = [
        line for line in buffer.splitlines() if line.strip() and not line.strip().startswith("--")
    ]
    if rest:
        raise ValueError(f"an incomplete statement at the end of a migration: {buffer!r}")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Store:
    """The database file; every method opens its own connection."""

    path: Path

    def connect(self) -> sqlite3.Connection:
        """A new connection in autocommit mode (transactions are explicit)."""
        conn = sqlite3.connect(
            self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=True
        )
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe in WAL
        return conn

    def migrate(self, directory: Path = MIGRATIONS) -> list[int]:
        """Apply the migrations not yet recorded, in order; returns their versions."""
        applied: list[int] = []
        conn = self.connect()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise RuntimeError(f"{self.path}: the database would not enter WAL mode ({mode})")
            conn.execute(_SCHEMA_VERSION)
            for file in sorted(directory.glob("[0-9][0-9][0-9]_*.sql")):
                version = int(file.name[:3])
                conn.execute("BEGIN IMMEDIATE")
                try:
                    done = conn.execute(
                        "SELECT 1 FROM schema_version WHERE version = ?", (version,)
                    ).fetchone()
                    if done is None:
                        for statement in _statements(file.read_text(encoding="utf-8")):
                            conn.execute(statement)
                        conn.execute(
                            "INSERT INTO schema_version (version, name, applied_at) "
                            "VALUES (?, ?, ?)",
                            (version, file.stem, _now()),
                        )
                        applied.append(version)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
        finally:
            conn.close()
        return applied

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for every query in it."""
        conn = self.connect()
        try:
            conn.execute("BEGIN")
            yield conn
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): committed when the block ends,
        rolled back — nothing stored — when it raises."""
        conn = self.connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()


# ------------------------------------------------------------------ queries


def next_number(conn: sqlite3.Connection) -> int:
    """The next case's ``seq`` (inside a write transaction, so no other writer takes it)."""
    row = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM cases").fetchone()
    return int(row[0])


def insert_case(conn: sqlite3.Connection, row: CaseRow) -> None:
    """Store a new case's report."""
    conn.execute(
        f"INSERT INTO cases ({_CASE_COLUMNS}, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.seq, row.id, row.category, row.grid, row.segment, row.source, row.urgency,
         row.zone, row.reported_at, _now()),
    )  # fmt: skip


def append_events(conn: sqlite3.Connection, seq: int, events: Sequence[EventRow]) -> None:
    """Append events to a case's history (their ``n`` continue it)."""
    recorded = _now()
    conn.executemany(
        f"INSERT INTO events (case_seq, {_EVENT_COLUMNS}, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(seq, e.n, e.kind, e.at, e.actor, e.department, e.extension, e.outcome, e.note,
          recorded) for e in events],
    )  # fmt: skip


def _case(values: Sequence[Any]) -> CaseRow:
    return CaseRow(*values)


def _event(values: Sequence[Any]) -> EventRow:
    return EventRow(*values)


def load_case(conn: sqlite3.Connection, case_id: str) -> tuple[CaseRow, list[EventRow]] | None:
    """A case's report and its events in order, or ``None`` for an unknown id."""
    found = conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE id = ?", (case_id,)).fetchone()
    if found is None:
        return None
    row = _case(found)
    events = conn.execute(
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE case_seq = ? ORDER BY n", (row.seq,)
    ).fetchall()
    return row, [_event(e) for e in events]


def load_all(conn: sqlite3.Connection) -> list[tuple[CaseRow, list[EventRow]]]:
    """Every case with its events, in intake order."""
    cases = [_case(c) for c in conn.execute(f"SELECT {_CASE_COLUMNS} FROM cases ORDER BY seq")]
    events: dict[int, list[EventRow]] = {c.seq: [] for c in cases}
    for values in conn.execute(
        f"SELECT case_seq, {_EVENT_COLUMNS} FROM events ORDER BY case_seq, n"
    ):
        events[values[0]].append(_event(values[1:]))
    return [(c, events[c.seq]) for c in cases]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (what the tests compare before and after a failed request)."""
    return {
        table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("cases", "events", "schema_version")
    }
