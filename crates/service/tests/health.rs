//! Health through the service layer: role and system checks on reading it, the series in
//! order, and the engine's alerts arriving as domain events (real SQLite file, keychain).

mod common;

use std::time::Duration;

use serde_json::json;
use storelink_core::health::{AlertKind, HealthSnapshot};
use storelink_core::ids::{new_id, now};
use storelink_core::ingest::DomainEvent;
use storelink_core::system::NewSystem;
use storelink_core::{Actor, AppError, Role};
use storelink_testkit::closed_port_url;
use uuid::Uuid;

use common::{host, user};

/// An ERP system whose endpoint does not answer, failing at once (no retries).
async fn unreachable_erp(h: &common::Host) -> Uuid {
    let input: NewSystem = serde_json::from_value(json!({
        "name": format!("ERP {}", new_id()),
        "type": "erp",
        "provider": "custom",
        "api_endpoint": closed_port_url().await,
        "config": {"username": "storelink", "timeout_ms": 2000, "retryPolicy": {"maxRetries": 0}},
        "secrets": {"password": "erp-pass"},
    }))
    .expect("system body");
    h.services
        .create_system(&h.admin, input)
        .await
        .expect("create")
        .id
}

fn snapshot(system_id: Uuid, hours_ago: i64, score: i64) -> HealthSnapshot {
    HealthSnapshot {
        id: new_id(),
        system_id,
        taken_at: now() - chrono::Duration::hours(hours_ago),
        success_permille: Some(1000),
        outcomes_24h: 3,
        p95_latency_ms: Some(120),
        consecutive_failures: 0,
        outbox_backlog: 0,
        outbox_dead: 0,
        score,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sync_arrives_as_an_alert_event() {
    let h = host().await;
    let id = unreachable_erp(&h).await;
    let mut events = h.services.subscribe();
    h.services
        .run_sync(&h.admin, &id.to_string(), "customers", "full")
        .await
        .expect_err("nothing answers");
    let alert = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(DomainEvent::Alert { alert }) = events.recv().await {
                return alert;
            }
        }
    })
    .await
    .expect("an alert event");
    assert_eq!(alert.kind, AlertKind::TaskFailed);
    assert_eq!(alert.system_id, id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reads_in_order_for_any_role_within_its_system() {
    let h = host().await;
    let id = unreachable_erp(&h).await;
    let staff = user(&h, "clerk", Role::Staff).await;
    let empty = h
        .services
        .system_health(&staff, &id.to_string(), None)
        .await
        .expect("staff reads health");
    assert_eq!((empty.latest, empty.series.len()), (None, 0));

    let taken = [
        snapshot(id, 30, 100),
        snapshot(id, 3, 90),
        snapshot(id, 2, 60),
        snapshot(id, 1, 80),
    ];
    {
        let mut tx = h.services.db().write().await.expect("tx");
        // Written out of order: the series comes back by time all the same.
        for s in taken.iter().rev() {
            storelink_store::health::insert(&mut tx, s)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
    }
    let day = h
        .services
        .system_health(&staff, &id.to_string(), None)
        .await
        .expect("health");
    assert_eq!(day.series, &taken[1..], "the last 24 h, oldest first");
    assert_eq!(day.latest.as_ref(), Some(&taken[3]));
    let longer = h
        .services
        .system_health(
            &staff,
            &id.to_string(),
            Some(now() - chrono::Duration::hours(48)),
        )
        .await
        .expect("health");
    assert_eq!(longer.series, taken);
    assert_eq!(
        h.services.latest_health(&staff).await.expect("latest"),
        [taken[3].clone()]
    );

    let other = Actor {
        system_id: Some(new_id()),
        ..staff.clone()
    };
    assert!(matches!(
        h.services
            .system_health(&other, &id.to_string(), None)
            .await,
        Err(AppError::Forbidden { .. })
    ));
    assert!(h
        .services
        .latest_health(&other)
        .await
        .expect("own")
        .is_empty());
    assert!(matches!(
        h.services
            .system_health(&staff, &new_id().to_string(), None)
            .await,
        Err(AppError::NotFound { .. })
    ));
}
