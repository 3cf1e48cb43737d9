-- The embedded listener: API tokens (replacing the unused per-terminal table), listener
-- settings, and what idempotent, replayable ingest needs on the inbound tables.

DROP TABLE terminals;

-- A token is shown once; only its SHA-256 is kept (tokens are 256-bit random, so a fast
-- hash is enough and lookups stay cheap at thousands of requests a second).
CREATE TABLE api_tokens (
    id             TEXT PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('admin','store_manager','floor_manager','warehouse_manager','customer_manager','staff')),
    -- A token bound to a system may only push to and read that system.
    system_id      TEXT REFERENCES external_systems (id),
    token_prefix   TEXT NOT NULL,
    token_hash     TEXT NOT NULL UNIQUE,
    rate_limit     INTEGER NOT NULL CHECK (rate_limit BETWEEN 1 AND 100000),
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    last_used_at   TEXT,
    revoked_at     TEXT
);
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every accepted push keeps its raw body, its safe headers and a content hash (a repeat of
-- an event id with other content is refused), and which route it came through.
ALTER TABLE inbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'webhook';
ALTER TABLE inbox ADD COLUMN headers TEXT NOT NULL DEFAULT '{}';
ALTER TABLE inbox ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX inbox_system ON inbox (system_id, id);

-- POS transactions: a vendor webhook may omit the payment method; refunds and voids name
-- the sale they reverse; the content hash tells a repeat from a different transaction
-- under the same id. SQLite cannot relax NOT NULL in place, so the table is rebuilt.
CREATE TABLE pos_transactions_new (
    id                      TEXT PRIMARY KEY NOT NULL,
    system_id               TEXT NOT NULL REFERENCES external_systems (id),
    store_id                TEXT,
    pos_transaction_id      TEXT NOT NULL,
    pos_order_number        TEXT,
    transaction_type        TEXT NOT NULL CHECK (transaction_type IN ('sale','refund','void')),
    original_transaction_id TEXT,
    subtotal_fen            INTEGER NOT NULL,
    tax_fen                 INTEGER NOT NULL,
    discount_fen            INTEGER NOT NULL,
    total_fen               INTEGER NOT NULL,
    payment_method          TEXT CHECK (payment_method IN ('wechat_pay','alipay','cash','card')),
    items                   TEXT NOT NULL DEFAULT '[]',
    customer_info           TEXT NOT NULL DEFAULT '{}',
    sync_status             TEXT NOT NULL CHECK (sync_status IN ('pending','success','failed')),
    transaction_time        TEXT NOT NULL,
    content_hash            TEXT NOT NULL,
    created_at              TEXT NOT NULL,
    UNIQUE (system_id, pos_transaction_id)
);
INSERT INTO pos_transactions_new (id, system_id, store_id, pos_transaction_id, pos_order_number,
    transaction_type, subtotal_fen, tax_fen, discount_fen, total_fen, payment_method, items,
    customer_info, sync_status, transaction_time, content_hash, created_at)
SELECT id, system_id, store_id, pos_transaction_id, pos_order_number, transaction_type,
    subtotal_fen, tax_fen, discount_fen, total_fen, payment_method, items, customer_info,
    sync_status, transaction_time, '', created_at
FROM pos_transactions;
DROP TABLE pos_transactions;
ALTER TABLE pos_transactions_new RENAME TO pos_transactions;
CREATE INDEX pos_transactions_store ON pos_transactions (store_id, id);
CREATE INDEX pos_transactions_sync_status ON pos_transactions (sync_status, id);
CREATE INDEX pos_transactions_time ON pos_transactions (transaction_time, id);
CREATE INDEX pos_transactions_system ON pos_transactions (system_id, id);

ALTER TABLE supplier_orders ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE supplier_orders ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local','webhook'));
CREATE INDEX supplier_orders_system ON supplier_orders (system_id, id);

ALTER TABLE member_syncs ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX member_syncs_external ON member_syncs (system_id, external_member_id)
    WHERE external_member_id IS NOT NULL;
CREATE INDEX member_syncs_system ON member_syncs (system_id, id);

ALTER TABLE reservations ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX reservations_system ON reservations (system_id, id);
