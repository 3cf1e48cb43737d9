//! ERP record pages on a real SQLite file: each record's action comes from comparing its
//! fingerprint with the stored one, in page order, including a record twice in one page.

use serde_json::json;
use storelink_core::ids::{new_id, now};
use storelink_core::sync::SyncAction;
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_store::erp_records::{self, ErpTable, RecordRow};
use storelink_store::{systems, Db};

fn customer(id: &str, name: &str) -> RecordRow {
    RecordRow::new(
        ErpTable::Customers,
        id.to_owned(),
        &json!({"externalId": id, "name": name, "code": format!("C-{id}")}),
        None,
    )
}

#[tokio::test]
async fn actions_follow_the_stored_fingerprints_in_page_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("db");
    let at = now();
    let system = ExternalSystem {
        id: new_id(),
        name: "ERP".into(),
        system_type: SystemType::Erp,
        provider: "custom".into(),
        version: None,
        status: SystemStatus::Active,
        store_id: None,
        api_endpoint: None,
        webhook_url: None,
        config: json!({}),
        sync_enabled: true,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec![],
        last_test_at: None,
        last_test_latency_ms: None,
        last_test_error_class: None,
        last_test_message: None,
        created_at: at,
        updated_at: at,
    };
    let mut tx = db.write().await.expect("tx");
    systems::insert(&mut tx, &system).await.expect("system");
    let first = [customer("A", "甲"), customer("B", "乙")];
    let actions = erp_records::upsert_page(&mut tx, ErpTable::Customers, system.id, &first)
        .await
        .expect("first page");
    assert_eq!(actions, [SyncAction::Create, SyncAction::Create]);

    // A unchanged, B changed, C new, then C again unchanged and B changed once more.
    let second = [
        customer("A", "甲"),
        customer("B", "乙二"),
        customer("C", "丙"),
        customer("C", "丙"),
        customer("B", "乙三"),
    ];
    let actions = erp_records::upsert_page(&mut tx, ErpTable::Customers, system.id, &second)
        .await
        .expect("second page");
    assert_eq!(
        actions,
        [
            SyncAction::Unchanged,
            SyncAction::Update,
            SyncAction::Create,
            SyncAction::Unchanged,
            SyncAction::Update,
        ]
    );
    // The last copy of a record in a page is the one stored, with its searchable columns.
    let b = erp_records::get(&mut tx, ErpTable::Customers, system.id, "B")
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(b["name"], "乙三");
    let name: String = sqlx::query_scalar("SELECT name FROM customers WHERE external_id = 'B'")
        .fetch_one(&mut *tx)
        .await
        .expect("column");
    assert_eq!(name, "乙三");
    assert_eq!(
        erp_records::count(&mut tx, ErpTable::Customers, system.id)
            .await
            .expect("count"),
        3
    );
}
