-- Customers are searched by name with "contains" (LIKE '%…%'), which no b-tree index can
-- serve; the index only cost a random-order write per synced record (a million for a large
-- ERP), measured with `storelink bench sync` (docs/BENCHMARKS.md).
DROP INDEX customers_name;

-- Sync logs get one row per record synced. Keyed by their id (UUID v7, so appended in
-- order) without a rowid, each row is one b-tree write fewer: no separate index for the
-- text primary key.
CREATE TABLE sync_logs_new (
    id            TEXT PRIMARY KEY NOT NULL,
    task_id       TEXT REFERENCES sync_tasks (id),
    system_id     TEXT NOT NULL REFERENCES external_systems (id),
    item_type     TEXT NOT NULL,
    item_id       TEXT NOT NULL,
    action        TEXT NOT NULL CHECK (action IN ('create','update','delete','unchanged')),
    status        TEXT NOT NULL CHECK (status IN ('success','failed')),
    error_class   TEXT,
    error_message TEXT,
    created_at    TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO sync_logs_new SELECT id, task_id, system_id, item_type, item_id, action, status,
    error_class, error_message, created_at FROM sync_logs;
DROP TABLE sync_logs;
ALTER TABLE sync_logs_new RENAME TO sync_logs;
CREATE INDEX sync_logs_system ON sync_logs (system_id, id);
CREATE INDEX sync_logs_task ON sync_logs (task_id, id);
CREATE INDEX sync_logs_failed ON sync_logs (id) WHERE status = 'failed';
