-- Storelink initial schema. Conventions: ids are UUID v7 text; times are UTC RFC 3339 text
-- with microseconds and a Z suffix (so text order is time order); money is INTEGER fen in
-- columns ending _fen; JSON is text. Secrets are never stored here: external_systems keeps
-- only the names of the secrets it has in the OS keychain.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin','store_manager','floor_manager','warehouse_manager','customer_manager','staff')),
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE external_systems (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    type                  TEXT NOT NULL CHECK (type IN ('pos','supplier','member','payment','delivery','erp','reservation','ecommerce')),
    provider              TEXT NOT NULL,
    version               TEXT,
    status                TEXT NOT NULL CHECK (status IN ('active','inactive','error','testing')),
    store_id              TEXT,
    api_endpoint          TEXT,
    webhook_url           TEXT,
    config                TEXT NOT NULL DEFAULT '{}',
    sync_enabled          INTEGER NOT NULL DEFAULT 0,
    sync_interval         INTEGER NOT NULL DEFAULT 300 CHECK (sync_interval BETWEEN 30 AND 86400),
    last_sync_at          TEXT,
    last_sync_status      TEXT CHECK (last_sync_status IN ('success','failed','partial')),
    secret_fields         TEXT NOT NULL DEFAULT '[]',
    last_test_at          TEXT,
    last_test_latency_ms  INTEGER,
    last_test_error_class TEXT,
    last_test_message     TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    -- A deleted system keeps its history; it leaves every list and stops syncing.
    deleted_at            TEXT
);
-- One live system per name in a store (systems with no store share one namespace).
CREATE UNIQUE INDEX external_systems_store_name
    ON external_systems (ifnull(store_id, ''), name) WHERE deleted_at IS NULL;
CREATE INDEX external_systems_list ON external_systems (deleted_at, id);
CREATE INDEX external_systems_type ON external_systems (type, id) WHERE deleted_at IS NULL;
CREATE INDEX external_systems_store ON external_systems (store_id, id) WHERE deleted_at IS NULL;
CREATE INDEX external_systems_status ON external_systems (status, id) WHERE deleted_at IS NULL;

CREATE TABLE sync_tasks (
    id            TEXT PRIMARY KEY NOT NULL,
    system_id     TEXT NOT NULL REFERENCES external_systems (id),
    task_type     TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('full','incremental','single')),
    trigger_kind  TEXT NOT NULL CHECK (trigger_kind IN ('schedule','manual','event')),
    status        TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed','cancelled')),
    start_time    TEXT,
    end_time      TEXT,
    total_items   INTEGER NOT NULL DEFAULT 0,
    success_items INTEGER NOT NULL DEFAULT 0,
    failed_items  INTEGER NOT NULL DEFAULT 0,
    error_message TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX sync_tasks_system ON sync_tasks (system_id, id);
CREATE INDEX sync_tasks_status ON sync_tasks (status, id);
-- At most one running task per system and stream.
CREATE UNIQUE INDEX sync_tasks_one_running ON sync_tasks (system_id, task_type) WHERE status = 'running';

CREATE TABLE sync_logs (
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
);
CREATE INDEX sync_logs_system ON sync_logs (system_id, id);
CREATE INDEX sync_logs_task ON sync_logs (task_id, id);
CREATE INDEX sync_logs_status ON sync_logs (status, id);

CREATE TABLE checkpoints (
    system_id  TEXT NOT NULL REFERENCES external_systems (id),
    stream     TEXT NOT NULL,
    cursor     TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (system_id, stream)
);

CREATE TABLE pos_transactions (
    id                 TEXT PRIMARY KEY NOT NULL,
    system_id          TEXT NOT NULL REFERENCES external_systems (id),
    store_id           TEXT,
    pos_transaction_id TEXT NOT NULL,
    pos_order_number   TEXT,
    transaction_type   TEXT NOT NULL CHECK (transaction_type IN ('sale','refund','void')),
    subtotal_fen       INTEGER NOT NULL,
    tax_fen            INTEGER NOT NULL,
    discount_fen       INTEGER NOT NULL,
    total_fen          INTEGER NOT NULL,
    payment_method     TEXT NOT NULL CHECK (payment_method IN ('wechat_pay','alipay','cash','card')),
    items              TEXT NOT NULL DEFAULT '[]',
    customer_info      TEXT NOT NULL DEFAULT '{}',
    sync_status        TEXT NOT NULL CHECK (sync_status IN ('pending','success','failed')),
    transaction_time   TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    UNIQUE (system_id, pos_transaction_id)
);
CREATE INDEX pos_transactions_store ON pos_transactions (store_id, id);
CREATE INDEX pos_transactions_sync_status ON pos_transactions (sync_status, id);
CREATE INDEX pos_transactions_time ON pos_transactions (transaction_time);

CREATE TABLE supplier_orders (
    id                TEXT PRIMARY KEY NOT NULL,
    system_id         TEXT NOT NULL REFERENCES external_systems (id),
    store_id          TEXT,
    order_number      TEXT NOT NULL,
    supplier_id       TEXT NOT NULL,
    supplier_name     TEXT,
    order_type        TEXT NOT NULL CHECK (order_type IN ('purchase','return')),
    status            TEXT NOT NULL CHECK (status IN ('pending','confirmed','shipped','delivered','cancelled')),
    subtotal_fen      INTEGER NOT NULL,
    tax_fen           INTEGER NOT NULL,
    shipping_fen      INTEGER NOT NULL,
    total_fen         INTEGER NOT NULL,
    items             TEXT NOT NULL DEFAULT '[]',
    delivery_info     TEXT NOT NULL DEFAULT '{}',
    order_date        TEXT,
    expected_delivery TEXT,
    actual_delivery   TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (system_id, order_number)
);
CREATE INDEX supplier_orders_store ON supplier_orders (store_id, id);
CREATE INDEX supplier_orders_status ON supplier_orders (status, id);

CREATE TABLE member_syncs (
    id                 TEXT PRIMARY KEY NOT NULL,
    system_id          TEXT NOT NULL REFERENCES external_systems (id),
    member_id          TEXT NOT NULL,
    external_member_id TEXT,
    phone              TEXT,
    name               TEXT,
    email              TEXT,
    level              TEXT,
    points             INTEGER NOT NULL DEFAULT 0,
    balance_fen        INTEGER NOT NULL DEFAULT 0,
    sync_status        TEXT NOT NULL CHECK (sync_status IN ('pending','success','failed')),
    last_activity      TEXT,
    updated_at         TEXT NOT NULL,
    UNIQUE (system_id, member_id)
);
CREATE INDEX member_syncs_phone ON member_syncs (phone);

CREATE TABLE reservations (
    id                      TEXT PRIMARY KEY NOT NULL,
    system_id               TEXT NOT NULL REFERENCES external_systems (id),
    store_id                TEXT,
    reservation_id          TEXT NOT NULL,
    external_reservation_id TEXT,
    reservation_number      TEXT,
    customer_name           TEXT NOT NULL,
    customer_phone          TEXT,
    customer_count          INTEGER NOT NULL CHECK (customer_count > 0),
    reservation_date        TEXT NOT NULL,
    reservation_time        TEXT,
    arrival_time            TEXT,
    table_type              TEXT,
    table_number            TEXT,
    area                    TEXT,
    status                  TEXT NOT NULL CHECK (status IN ('pending','confirmed','arrived','seated','completed','cancelled','no_show')),
    special_requirements    TEXT,
    notes                   TEXT,
    deposit_required        INTEGER NOT NULL DEFAULT 0,
    deposit_amount_fen      INTEGER NOT NULL DEFAULT 0,
    deposit_paid            INTEGER NOT NULL DEFAULT 0,
    source                  TEXT,
    channel                 TEXT,
    raw_payload             TEXT NOT NULL DEFAULT '{}',
    sync_status             TEXT NOT NULL CHECK (sync_status IN ('pending','success','failed')),
    synced_at               TEXT,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    UNIQUE (system_id, reservation_id)
);
CREATE INDEX reservations_board ON reservations (store_id, reservation_date, status);
CREATE INDEX reservations_status ON reservations (status, reservation_date);

CREATE TABLE customers (
    id          TEXT PRIMARY KEY NOT NULL,
    system_id   TEXT NOT NULL REFERENCES external_systems (id),
    external_id TEXT NOT NULL,
    code        TEXT,
    name        TEXT NOT NULL,
    status      TEXT,
    data        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    remote_updated_at TEXT,
    updated_at  TEXT NOT NULL,
    UNIQUE (system_id, external_id)
);
CREATE INDEX customers_name ON customers (name);

CREATE TABLE products (
    id          TEXT PRIMARY KEY NOT NULL,
    system_id   TEXT NOT NULL REFERENCES external_systems (id),
    external_id TEXT NOT NULL,
    sku         TEXT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT,
    standard_price_fen INTEGER,
    inventory_quantity TEXT,
    data        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    remote_updated_at TEXT,
    updated_at  TEXT NOT NULL,
    UNIQUE (system_id, external_id)
);
CREATE INDEX products_sku ON products (sku);

CREATE TABLE erp_orders (
    id           TEXT PRIMARY KEY NOT NULL,
    system_id    TEXT NOT NULL REFERENCES external_systems (id),
    external_id  TEXT NOT NULL,
    order_number TEXT NOT NULL,
    order_type   TEXT NOT NULL CHECK (order_type IN ('sales','purchase')),
    status_code  TEXT,
    total_fen    INTEGER NOT NULL,
    data         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    remote_updated_at TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (system_id, external_id)
);
CREATE INDEX erp_orders_number ON erp_orders (order_number);
CREATE INDEX erp_orders_status ON erp_orders (status_code, id);

CREATE TABLE inbox (
    id            TEXT PRIMARY KEY NOT NULL,
    system_id     TEXT NOT NULL REFERENCES external_systems (id),
    event_id      TEXT NOT NULL,
    event_type    TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('received','processed','failed')),
    error_message TEXT,
    received_at   TEXT NOT NULL,
    processed_at  TEXT,
    UNIQUE (system_id, event_id)
);
CREATE INDEX inbox_status ON inbox (status, id);

CREATE TABLE outbox (
    id               TEXT PRIMARY KEY NOT NULL,
    system_id        TEXT NOT NULL REFERENCES external_systems (id),
    record_key       TEXT NOT NULL,
    operation        TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending','in_flight','done','dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error_class TEXT,
    last_error       TEXT,
    vendor_reply     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_record ON outbox (system_id, record_key, id);

CREATE TABLE conflicts (
    id                TEXT PRIMARY KEY NOT NULL,
    system_id         TEXT NOT NULL REFERENCES external_systems (id),
    entity            TEXT NOT NULL,
    record_key        TEXT NOT NULL,
    source_data       TEXT NOT NULL,
    target_data       TEXT NOT NULL,
    source_updated_at TEXT,
    target_updated_at TEXT,
    status            TEXT NOT NULL CHECK (status IN ('open','resolved')),
    resolution        TEXT,
    resolved_by       TEXT,
    created_at        TEXT NOT NULL,
    resolved_at       TEXT
);
CREATE INDEX conflicts_open ON conflicts (status, id);

CREATE TABLE terminals (
    id           TEXT PRIMARY KEY NOT NULL,
    system_id    TEXT NOT NULL REFERENCES external_systems (id),
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    token_prefix TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);

CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY NOT NULL,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT,
    outcome     TEXT NOT NULL CHECK (outcome IN ('success','forbidden','failed')),
    before_json TEXT,
    after_json  TEXT,
    detail      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
