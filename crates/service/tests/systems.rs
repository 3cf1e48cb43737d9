//! Systems management through the service layer: real SQLite file, real keychain, real
//! HTTP over loopback.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use storelink_core::audit::AuditOutcome;
use storelink_core::system::{NewSystem, SystemFilter, SystemPatch, SystemStatus};
use storelink_core::{AppError, ErrorClass, Role, Rule};
use storelink_secrets::Keychain;
use storelink_service::KEYCHAIN_SERVICE;
use storelink_testkit::{closed_port_url, files_containing, TestServer};
use uuid::Uuid;

use common::{host, user};

fn seed_body(name: &str, endpoint: &str, key: &str) -> NewSystem {
    serde_json::from_value(json!({
        "name": name,
        "type": "pos",
        "provider": "Meituan",
        "store_id": "store-001",
        "config": {
            "api_endpoint": endpoint,
            "api_key": key,
            "webhook_url": "http://127.0.0.1:9/api/v1/integrations/webhooks/pos",
            "merchant_no": "M001"
        }
    }))
    .expect("seed body")
}

async fn keychain_value(id: Uuid, name: &str) -> Option<String> {
    Keychain::new(KEYCHAIN_SERVICE)
        .get(id, name)
        .await
        .expect("keychain reachable")
        .map(|s| s.expose().to_owned())
}

#[tokio::test]
async fn create_keeps_the_secret_in_the_keychain_only() {
    let h = host().await;
    let secret = "sk-create-7f3a9e1c-distinctive";
    let made = h
        .services
        .create_system(
            &h.admin,
            seed_body("美团POS系统", "https://api.meituan.com/pos", secret),
        )
        .await
        .expect("create");
    assert_eq!(made.status, SystemStatus::Inactive);
    assert_eq!(made.secret_fields, ["api_key"]);
    assert_eq!(
        made.api_endpoint.as_deref(),
        Some("https://api.meituan.com/pos")
    );
    assert_eq!(made.config, json!({"merchant_no": "M001"}));
    assert_eq!(
        keychain_value(made.id, "api_key").await.as_deref(),
        Some(secret)
    );

    let listed = h
        .services
        .list_systems(&h.admin, &SystemFilter::default())
        .await
        .expect("list");
    assert_eq!(listed.items, vec![made.clone()]);
    let shown = serde_json::to_string(&listed).expect("json");
    assert!(!shown.contains(secret));

    let audit = h
        .services
        .audit_log(&h.admin, Some(&made.id.to_string()), 10)
        .await
        .expect("audit");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].action, "systems_create");
    assert_eq!(audit[0].actor, "admin");
    assert!(!serde_json::to_string(&audit)
        .expect("json")
        .contains(secret));

    h.services.close().await;
    assert_eq!(
        files_containing(h.dir.path(), secret),
        Vec::<String>::new(),
        "secret on disk"
    );
}

#[tokio::test]
async fn bad_input_is_named_and_changes_nothing() {
    let h = host().await;
    let mut body = seed_body("", "ftp://nowhere", "k");
    body.sync_interval = Some(10);
    let err = h
        .services
        .create_system(&h.admin, body)
        .await
        .expect_err("invalid");
    let AppError::Validation { errors } = err else {
        panic!("{err:?}")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "api_endpoint", "sync_interval"]);
    assert_eq!(
        errors[2].rule,
        Rule::OutOfRange {
            min: 30,
            max: 86400
        }
    );
    let listed = h
        .services
        .list_systems(&h.admin, &SystemFilter::default())
        .await
        .expect("list");
    assert!(listed.items.is_empty());

    let unknown = h
        .services
        .get_system(&h.admin, &Uuid::now_v7().to_string())
        .await;
    assert!(matches!(unknown, Err(AppError::NotFound { .. })));
    let garbage = h
        .services
        .update_system(&h.admin, "not-an-id", SystemPatch::default())
        .await;
    assert!(matches!(garbage, Err(AppError::NotFound { .. })));
}

#[tokio::test]
async fn duplicate_name_in_a_store_is_a_conflict() {
    let h = host().await;
    h.services
        .create_system(
            &h.admin,
            seed_body("蜀海供应链", "https://a.example/x", "k1"),
        )
        .await
        .expect("first");
    let err = h
        .services
        .create_system(
            &h.admin,
            seed_body("蜀海供应链", "https://a.example/y", "k2"),
        )
        .await
        .expect_err("duplicate");
    assert!(
        matches!(&err, AppError::Conflict { field: Some(f), .. } if f == "name"),
        "{err:?}"
    );
    let mut other_store = seed_body("蜀海供应链", "https://a.example/z", "k3");
    other_store.store_id = Some("store-002".into());
    h.services
        .create_system(&h.admin, other_store)
        .await
        .expect("other store is fine");
    let listed = h
        .services
        .list_systems(&h.admin, &SystemFilter::default())
        .await
        .expect("list");
    assert_eq!(listed.items.len(), 2);
}

#[tokio::test]
async fn update_changes_fields_and_rotates_or_clears_secrets() {
    let h = host().await;
    let made = h
        .services
        .create_system(
            &h.admin,
            seed_body("微信会员系统", "https://api.weixin.qq.com", "old-key"),
        )
        .await
        .expect("create");
    let id = made.id.to_string();
    let updated = h
        .services
        .update_system(
            &h.admin,
            &id,
            SystemPatch {
                status: Some("active".into()),
                sync_enabled: Some(true),
                sync_interval: Some(600),
                secrets: BTreeMap::from([
                    ("api_key".into(), "new-key".into()),
                    ("client_secret".into(), "cs-1".into()),
                ]),
                ..Default::default()
            },
        )
        .await
        .expect("update");
    assert_eq!(
        (updated.status, updated.sync_enabled, updated.sync_interval),
        (SystemStatus::Active, true, 600)
    );
    assert_eq!(updated.secret_fields, ["api_key", "client_secret"]);
    assert_eq!(
        keychain_value(made.id, "api_key").await.as_deref(),
        Some("new-key")
    );
    assert_eq!(
        keychain_value(made.id, "client_secret").await.as_deref(),
        Some("cs-1")
    );

    let cleared = h
        .services
        .update_system(
            &h.admin,
            &id,
            SystemPatch {
                clear_secrets: vec!["client_secret".into()],
                ..Default::default()
            },
        )
        .await
        .expect("clear");
    assert_eq!(cleared.secret_fields, ["api_key"]);
    assert_eq!(keychain_value(made.id, "client_secret").await, None);

    let refused = h
        .services
        .update_system(
            &h.admin,
            &id,
            SystemPatch {
                sync_interval: Some(86_401),
                status: Some("testing".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(refused, Err(AppError::Validation { .. })));
    let now = h.services.get_system(&h.admin, &id).await.expect("get");
    assert_eq!(now.sync_interval, 600, "refused patch changed nothing");

    let audit = h
        .services
        .audit_log(&h.admin, Some(&id), 10)
        .await
        .expect("audit");
    let update = audit
        .iter()
        .rev()
        .find(|a| a.action == "systems_update")
        .expect("update audited");
    assert_eq!(
        update.before.as_ref().map(|b| b["sync_interval"].clone()),
        Some(json!(300))
    );
    assert!(!serde_json::to_string(&audit)
        .expect("json")
        .contains("new-key"));
}

#[tokio::test]
async fn delete_stops_sync_keeps_history_and_forgets_secrets() {
    let h = host().await;
    let made = h
        .services
        .create_system(
            &h.admin,
            seed_body("易订", "https://api.yiding.com/reservation", "yd-key"),
        )
        .await
        .expect("create");
    let id = made.id.to_string();
    h.services
        .delete_system(&h.admin, &id)
        .await
        .expect("delete");
    assert!(h
        .services
        .list_systems(&h.admin, &SystemFilter::default())
        .await
        .expect("list")
        .items
        .is_empty());
    assert!(matches!(
        h.services.get_system(&h.admin, &id).await,
        Err(AppError::NotFound { .. })
    ));
    assert_eq!(keychain_value(made.id, "api_key").await, None);
    assert!(matches!(
        h.services.delete_system(&h.admin, &id).await,
        Err(AppError::NotFound { .. })
    ));
    let audit = h
        .services
        .audit_log(&h.admin, Some(&id), 10)
        .await
        .expect("audit");
    assert!(audit
        .iter()
        .any(|a| a.action == "systems_delete" && a.before.is_some()));
}

#[tokio::test]
async fn test_connection_moves_status_and_records_class() {
    let h = host().await;
    let ok = TestServer::start(200, Duration::ZERO).await;
    let made = h
        .services
        .create_system(&h.admin, seed_body("POS-ok", &ok.url("/pos"), "bearer-abc"))
        .await
        .expect("create");
    let result = h
        .services
        .test_system(&h.admin, &made.id.to_string())
        .await
        .expect("test");
    assert!(result.ok, "{result:?}");
    assert_eq!(result.status, SystemStatus::Active);
    assert_eq!(result.http_status, Some(200));
    assert!(ok.requests()[0]
        .to_ascii_lowercase()
        .contains("authorization: bearer bearer-abc"));
    let after = h
        .services
        .get_system(&h.admin, &made.id.to_string())
        .await
        .expect("get");
    assert_eq!(after.status, SystemStatus::Active);
    assert!(after.last_test_latency_ms.is_some());
    assert_eq!(after.last_test_error_class, None);

    let denied = TestServer::start(401, Duration::ZERO).await;
    let bad = h
        .services
        .create_system(&h.admin, seed_body("POS-401", &denied.url("/"), "wrong"))
        .await
        .expect("create");
    let result = h
        .services
        .test_system(&h.admin, &bad.id.to_string())
        .await
        .expect("test runs");
    assert!(!result.ok);
    assert_eq!(result.status, SystemStatus::Error);
    assert_eq!(result.error_class, Some(ErrorClass::AuthenticationError));
    assert!(!result.message.contains("wrong"));

    let down = h
        .services
        .create_system(
            &h.admin,
            seed_body("POS-down", &closed_port_url().await, "k"),
        )
        .await
        .expect("create");
    let result = h
        .services
        .test_system(&h.admin, &down.id.to_string())
        .await
        .expect("test runs");
    assert_eq!(result.error_class, Some(ErrorClass::NetworkError));
    let stored = h
        .services
        .get_system(&h.admin, &down.id.to_string())
        .await
        .expect("get");
    assert_eq!(stored.status, SystemStatus::Error);
    assert_eq!(stored.last_test_error_class, Some(ErrorClass::NetworkError));

    let mut no_endpoint = seed_body("POS-none", "https://x.example", "k");
    no_endpoint.config = Some(json!({}));
    no_endpoint.api_endpoint = None;
    let none = h
        .services
        .create_system(&h.admin, no_endpoint)
        .await
        .expect("create");
    let err = h
        .services
        .test_system(&h.admin, &none.id.to_string())
        .await
        .expect_err("needs endpoint");
    assert!(
        matches!(err, AppError::Validation { ref errors } if errors[0].field == "api_endpoint")
    );
}

#[tokio::test]
async fn slow_endpoint_is_a_timeout_error() {
    let h = host().await;
    let services = h
        .services
        .clone()
        .with_probe_timeout(Duration::from_millis(300));
    let slow = TestServer::start(200, Duration::from_secs(3)).await;
    let made = services
        .create_system(&h.admin, seed_body("POS-slow", &slow.url("/"), "k"))
        .await
        .expect("create");
    let result = services
        .test_system(&h.admin, &made.id.to_string())
        .await
        .expect("test runs");
    assert_eq!(result.error_class, Some(ErrorClass::TimeoutError));
    assert_eq!(result.status, SystemStatus::Error);
}

#[tokio::test]
async fn roles_are_enforced_in_the_core_and_refusals_audited() {
    let h = host().await;
    let made = h
        .services
        .create_system(&h.admin, seed_body("POS", "https://x.example", "k"))
        .await
        .expect("create");
    let id = made.id.to_string();
    let floor = user(&h, "floor", Role::FloorManager).await;
    let manager = user(&h, "manager", Role::StoreManager).await;

    assert_eq!(
        h.services
            .list_systems(&floor, &SystemFilter::default())
            .await
            .expect("any role lists")
            .items
            .len(),
        1
    );
    let attempts = [
        h.services
            .create_system(&floor, seed_body("X", "https://x.example", "k"))
            .await
            .map(|_| ()),
        h.services
            .update_system(
                &floor,
                &id,
                SystemPatch {
                    sync_interval: Some(60),
                    ..Default::default()
                },
            )
            .await
            .map(|_| ()),
        h.services.delete_system(&floor, &id).await,
        h.services.test_system(&floor, &id).await.map(|_| ()),
    ];
    for attempt in attempts {
        assert!(
            matches!(&attempt, Err(AppError::Forbidden { role, .. }) if role == "floor_manager"),
            "{attempt:?}"
        );
    }
    let unchanged = h.services.get_system(&h.admin, &id).await.expect("get");
    assert_eq!(unchanged, made);
    let audit = h
        .services
        .audit_log(&h.admin, None, 100)
        .await
        .expect("audit");
    let refused: Vec<_> = audit
        .iter()
        .filter(|a| a.actor == "floor" && a.outcome == AuditOutcome::Forbidden)
        .map(|a| a.action.as_str())
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");

    // A store manager manages systems and staff, but not administrators or the audit log.
    h.services
        .update_system(
            &manager,
            &id,
            SystemPatch {
                sync_interval: Some(60),
                ..Default::default()
            },
        )
        .await
        .expect("manager updates");
    h.services
        .add_user(&manager, "waiter", "Passw0rd-long", "staff")
        .await
        .expect("manager adds staff");
    assert!(matches!(
        h.services
            .add_user(&manager, "boss", "Passw0rd-long", "admin")
            .await,
        Err(AppError::Forbidden { .. })
    ));
    assert!(matches!(
        h.services.audit_log(&manager, None, 10).await,
        Err(AppError::Forbidden { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_mapping_overrides_are_checked_when_the_system_is_saved() {
    let host = host().await;
    let erp = |mapping: serde_json::Value| -> NewSystem {
        serde_json::from_value(json!({
            "name": "ERP mapping",
            "type": "erp",
            "provider": "kingdee",
            "api_endpoint": "http://127.0.0.1:9",
            "config": {"acct_id": "1", "username": "u", "app_id": "a", "field_mapping": mapping},
        }))
        .expect("input")
    };
    let field_of = |r: Result<storelink_core::system::ExternalSystem, AppError>| match r {
        Err(AppError::Validation { errors }) => errors[0].field.clone(),
        other => panic!("not refused: {other:?}"),
    };
    let refused = host
        .services
        .create_system(&host.admin, erp(json!({"customers": {"nmae": "FName"}})))
        .await;
    assert_eq!(field_of(refused), "config.field_mapping.customers.nmae");
    let refused = host
        .services
        .create_system(&host.admin, erp(json!({"custmers": {"name": "FName"}})))
        .await;
    assert_eq!(field_of(refused), "config.field_mapping.custmers");
    let saved = host
        .services
        .create_system(
            &host.admin,
            erp(json!({"customers": {"name": "FShortName"}})),
        )
        .await
        .expect("a known field with a vendor path is saved");
    // The same check on update.
    let patch: SystemPatch = serde_json::from_value(json!({
        "config": {"acct_id": "1", "username": "u", "app_id": "a",
                   "field_mapping": {"customers": {"name": "bad path!"}}},
    }))
    .expect("patch");
    let refused = host
        .services
        .update_system(&host.admin, &saved.id.to_string(), patch)
        .await;
    assert_eq!(field_of(refused), "config.field_mapping.customers.name");
}
