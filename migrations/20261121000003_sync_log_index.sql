-- Sync logs are written one per item synced (a million for a large pull), and people filter
-- them for failures: index only the failed ones, so each successful line costs one index
-- write less.
DROP INDEX sync_logs_status;
CREATE INDEX sync_logs_failed ON sync_logs (id) WHERE status = 'failed';
