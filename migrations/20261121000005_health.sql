-- Health of each external system, one row every few minutes per system (kept 30 days):
-- the figures of the last 24 h and the 0–100 score made from them (core::health::score).
CREATE TABLE health_snapshots (
    id                   TEXT PRIMARY KEY NOT NULL,
    system_id            TEXT NOT NULL REFERENCES external_systems (id),
    taken_at             TEXT NOT NULL,
    -- Successful outcomes per thousand over 24 h; NULL when there were none.
    success_permille     INTEGER CHECK (success_permille BETWEEN 0 AND 1000),
    outcomes_24h         INTEGER NOT NULL DEFAULT 0,
    -- NULL when no vendor call was timed in the window.
    p95_latency_ms       INTEGER,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    outbox_backlog       INTEGER NOT NULL DEFAULT 0,
    outbox_dead          INTEGER NOT NULL DEFAULT 0,
    score                INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100)
);
CREATE INDEX health_snapshots_system ON health_snapshots (system_id, taken_at);
-- The pruning of old snapshots reads by time alone.
CREATE INDEX health_snapshots_taken ON health_snapshots (taken_at);
-- The 24 h delivery rate reads a system's recently changed entries; without this it would
-- scan every entry the system ever had (delivered entries are kept).
CREATE INDEX outbox_system_updated ON outbox (system_id, updated_at);
