//! Every text filter of the lists the shells offer, and one call to apply any of them.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use storelink_core::{Actor, AppError, Page};
use storelink_service::Services;

/// (list, filter) for every text filter of every list (time filters are parsed, so a
/// far-future end rightly returns rows; they are covered over HTTP in the listener's
/// abuse tests).
pub const FILTERS: &[(&str, &str)] = &[
    ("customers", "status"),
    ("customers", "system_id"),
    ("products", "status"),
    ("products", "sku"),
    ("products", "system_id"),
    ("erp_orders", "status"),
    ("erp_orders", "type"),
    ("erp_orders", "order_number"),
    ("marketplace_orders", "status"),
    ("marketplace_orders", "order_sn"),
    ("pos", "system_id"),
    ("pos", "store_id"),
    ("pos", "sync_status"),
    ("pos", "type"),
    ("pos", "cursor"),
    ("supplier_orders", "system_id"),
    ("supplier_orders", "store_id"),
    ("supplier_orders", "status"),
    ("members", "system_id"),
    ("members", "phone"),
    ("reservations", "system_id"),
    ("reservations", "store_id"),
    ("reservations", "status"),
    ("sync_logs", "system_id"),
    ("sync_logs", "status"),
    ("sync_logs", "item_type"),
    ("sync_logs", "task_id"),
    ("audit", "actor"),
    ("audit", "action"),
    ("audit", "entity"),
    ("audit", "outcome"),
];

fn query<T: DeserializeOwned>(q: Value) -> T {
    serde_json::from_value(q).expect("every list query reads a filter and a limit")
}

fn count<T>(page: Result<Page<T>, AppError>) -> Result<usize, AppError> {
    page.map(|p| p.items.len())
}

/// The rows of `list` whose `field` filter is `text`.
pub async fn filtered(
    s: &Services,
    list: &str,
    field: &str,
    text: &str,
) -> Result<usize, AppError> {
    let a = Actor::local_cli();
    let q = json!({ field: text, "limit": 1000 });
    match list {
        "customers" => count(s.list_customers(&a, query(q)).await),
        "products" => count(s.list_products(&a, query(q)).await),
        "erp_orders" => count(s.list_erp_orders(&a, query(q)).await),
        "marketplace_orders" => count(s.list_marketplace_orders(&a, query(q)).await),
        "pos" => count(s.list_pos_transactions(&a, query(q)).await),
        "supplier_orders" => count(s.list_supplier_orders(&a, query(q)).await),
        "members" => count(s.list_members(&a, query(q)).await),
        "reservations" => count(s.list_reservations(&a, query(q)).await),
        "sync_logs" => count(s.list_sync_logs(&a, query(q)).await),
        _ => count(s.search_audit_log(&a, &query(q)).await),
    }
}
