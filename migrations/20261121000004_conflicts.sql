-- Conflicts between a local change and the vendor's: an outbox entry that a conflict
-- resolution makes pointless (the vendor's version won) is `cancelled`, never deleted, so
-- the history of what was and was not sent stays readable.
CREATE TABLE outbox_new (
    id               TEXT PRIMARY KEY NOT NULL,
    system_id        TEXT NOT NULL REFERENCES external_systems (id),
    record_key       TEXT NOT NULL,
    operation        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL
                     CHECK (status IN ('pending','in_flight','done','dead','cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error_class TEXT,
    last_error       TEXT,
    vendor_reply     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
INSERT INTO outbox_new SELECT id, system_id, record_key, operation, payload, status, attempts,
    next_attempt_at, last_error_class, last_error, vendor_reply, created_at, updated_at
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_record ON outbox (system_id, record_key, id);

-- One open conflict per record: a record the vendor changes again while its conflict waits
-- refreshes that conflict instead of queueing a second one.
CREATE UNIQUE INDEX conflicts_open_record ON conflicts (system_id, record_key)
    WHERE status = 'open';
-- The fingerprint of the vendor's version in `source_data`, so re-reading it changes nothing.
ALTER TABLE conflicts ADD COLUMN source_hash TEXT;
