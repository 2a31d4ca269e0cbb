-- 001: cases and their append-only event log.
--
-- A case's state is never stored: the service rebuilds it by replaying the case's
-- events through urbangov.cases.apply. A row of `cases` holds what a report fixes
-- once (what, where, from whom, when); `events` holds every step after it, in order.
-- Times are ISO 8601 text with their UTC offset, as urbangov's case logs write them.

CREATE TABLE cases (
    seq         INTEGER PRIMARY KEY,           -- allocation order (the number's digits)
    id          TEXT    NOT NULL UNIQUE,       -- the case number, e.g. HX-000001
    category    TEXT    NOT NULL,              -- the taxonomy slug, resolved at intake
    grid        TEXT    NOT NULL,              -- the unit code where the problem is
    segment     TEXT,                          -- the road segment, when given
    source      TEXT    NOT NULL,              -- hotline, supervisor, ... (Source value)
    urgency     TEXT    NOT NULL,              -- normal or urgent (Urgency value)
    zone        TEXT,                          -- the tier stamped at filing
    reported_at TEXT    NOT NULL,              -- when the problem was reported
    received_at TEXT    NOT NULL               -- the server's clock when it was stored
) STRICT;

CREATE TABLE events (
    case_seq    INTEGER NOT NULL REFERENCES cases (seq),
    n           INTEGER NOT NULL,              -- the event's place in the history, from 0
    kind        TEXT    NOT NULL,              -- EventKind value: accept, file, dispatch, ...
    at          TEXT    NOT NULL,              -- when it happened
    actor       TEXT,
    department  TEXT,                          -- dispatch events only
    extension   TEXT,                          -- extend events only, e.g. '2 working days'
    outcome     TEXT,                          -- handle or close: penalised or educated
    note        TEXT    NOT NULL DEFAULT '',
    recorded_at TEXT    NOT NULL,              -- the server's clock when it was stored
    PRIMARY KEY (case_seq, n)                  -- two writers cannot both append event n
) STRICT;

-- Append-only: history is corrected by new events (send_back, verify_fail), never by
-- rewriting rows.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER cases_no_update BEFORE UPDATE ON cases
BEGIN
    SELECT RAISE(ABORT, 'a case''s report is fixed at intake');
END;

CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
BEGIN
    SELECT RAISE(ABORT, 'cases are kept');
END;

-- The store as an urbangov case log (docs/io.md): one report row per case, then its
-- events, in the log's column order; `urbangov kpi` and `urbangov validate` read an
-- export of it (ORDER BY case_seq, n).
CREATE VIEW case_log AS
SELECT seq AS case_seq, -1 AS n, id AS case_id, 'report' AS event, reported_at AS at,
       '' AS actor, '' AS department, '' AS extension, '' AS outcome, '' AS note,
       category, grid, coalesce(segment, '') AS segment, source, urgency,
       coalesce(zone, '') AS zone
FROM cases
UNION ALL
SELECT e.case_seq, e.n, c.id, e.kind, e.at, coalesce(e.actor, ''),
       coalesce(e.department, ''), coalesce(e.extension, ''), coalesce(e.outcome, ''),
       e.note, '', '', '', '', '', ''
FROM events AS e JOIN cases AS c ON c.seq = e.case_seq;
