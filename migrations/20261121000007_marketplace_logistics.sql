-- Records pulled from marketplaces (Temu orders) and carriers (Haier and 易理货 logistics),
-- kept like the ERP's records: the mapped JSON, its fingerprint, and searchable columns.

CREATE TABLE marketplace_orders (
    id                TEXT PRIMARY KEY NOT NULL,
    system_id         TEXT NOT NULL REFERENCES external_systems (id),
    external_id       TEXT NOT NULL,
    order_sn          TEXT NOT NULL,
    status            TEXT,
    total_fen         INTEGER,
    currency          TEXT,
    data              TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    remote_updated_at TEXT,
    updated_at        TEXT NOT NULL,
    UNIQUE (system_id, external_id)
);
CREATE INDEX marketplace_orders_status ON marketplace_orders (status, id);

CREATE TABLE logistics (
    id                TEXT PRIMARY KEY NOT NULL,
    system_id         TEXT NOT NULL REFERENCES external_systems (id),
    external_id       TEXT NOT NULL,
    order_code        TEXT NOT NULL,
    tracking_number   TEXT,
    status            TEXT,
    data              TEXT NOT NULL,
    content_hash      TEXT NOT NULL,
    remote_updated_at TEXT,
    updated_at        TEXT NOT NULL,
    UNIQUE (system_id, external_id)
);
CREATE INDEX logistics_order_code ON logistics (order_code);
