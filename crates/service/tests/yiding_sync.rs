//! A Yiding reservation system run through `Services` against the Yiding simulator:
//! reservations pulled into the reservations table (full, incremental, an API key refused
//! half way), and front-desk status changes delivered to the platform once each. Run under
//! scripts/with-keyring.sh.

mod common;
mod yiding;

use std::collections::BTreeMap;

use serde_json::json;
use storelink_core::outbox::OutboxStatus;
use storelink_core::reservation::{ReservationStatus, StatusChange};
use storelink_core::sync::SyncTaskStatus;
use storelink_core::system::SystemPatch;
use storelink_core::{AppError, ErrorClass};
use storelink_simulators::yiding::FaultSpec;
use yiding::yiding;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reservations_are_pulled_in_full_then_only_what_changed() {
    let y = yiding(250, json!({})).await;
    let task = y.sync("full").await.expect("full");
    assert_eq!(
        (task.status, task.success_items, task.failed_items),
        (SyncTaskStatus::Completed, 250, 0)
    );
    let stored = y.stored().await;
    assert_eq!(stored.len(), 250);
    let raw = y.sim.reservation("RES-000008").expect("raw");
    let ours = y.one("RES-000008").await.expect("pulled");
    assert_eq!(
        ours.customer_name,
        raw["customer_name"].as_str().unwrap_or_default()
    );
    assert_eq!(
        ours.external_reservation_id.as_deref(),
        raw["external_reservation_id"].as_str()
    );
    assert_eq!(
        ours.status.as_str(),
        raw["status"].as_str().unwrap_or_default()
    );
    assert_eq!(
        ours.customer_count,
        raw["customer_count"].as_i64().unwrap_or_default()
    );
    // The engine asked for pages of 500; the platform's limit (100) was kept.
    assert_eq!(y.sim.stats().max_limit_asked, 100);

    let edited = vec!["RES-000017".to_owned()];
    assert_eq!(y.sim.touch(&edited, "客人改为靠窗"), 1);
    let task = y.sync("incremental").await.expect("incremental");
    // The edit, and what changed within the lookback before the last run's newest change.
    assert!((1..=10).contains(&task.success_items), "{task:?}");
    assert_eq!(
        y.one("RES-000017").await.expect("row").notes.as_deref(),
        Some("客人改为靠窗")
    );
    assert_eq!(y.stored().await.len(), 250);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_refused_half_way_stops_the_sync_and_the_next_run_finishes_it() {
    let y = yiding(300, json!({})).await;
    // The platform refuses the key on the second page (as if it expired there).
    y.sim
        .set_faults(FaultSpec::parse("expire_token_every:2").expect("faults"));
    let err = y.sync("full").await.expect_err("refused");
    assert!(
        matches!(
            err,
            AppError::External {
                class: ErrorClass::AuthenticationError,
                retryable: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains(&y.sim.config().api_key));
    assert_eq!(
        y.sim.stats().requests.get("GET /list"),
        Some(&2),
        "not retried"
    );
    assert_eq!(y.stored().await.len(), 100, "the page read before stays");
    y.sim.set_faults(FaultSpec::none());
    let task = y.sync("full").await.expect("next run");
    assert_eq!((task.success_items, task.failed_items), (300, 0));
    assert_eq!(y.stored().await.len(), 300);

    // A key the platform replaced: refused until the new one is saved.
    y.sim.rotate_api_key("rotated-key");
    let test =
        y.h.services
            .test_system(&y.h.admin, &y.id())
            .await
            .expect("test ran");
    assert_eq!(
        (test.ok, test.error_class),
        (false, Some(ErrorClass::AuthenticationError))
    );
    let patch = SystemPatch {
        secrets: BTreeMap::from([("api_key".to_owned(), "rotated-key".to_owned())]),
        ..Default::default()
    };
    y.h.services
        .update_system(&y.h.admin, &y.id(), patch)
        .await
        .expect("new key");
    assert_eq!(
        y.sync("incremental")
            .await
            .expect("with the new key")
            .status,
        SyncTaskStatus::Completed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desks_changes_reach_the_platform_once_each() {
    let y = yiding(20, json!({})).await;
    y.sync("full").await.expect("full");
    let id = y
        .stored()
        .await
        .into_iter()
        .find(|r| r.status == ReservationStatus::Confirmed)
        .expect("a confirmed reservation")
        .reservation_id;
    let change = |status: &str, table: Option<&str>| StatusChange {
        status: status.into(),
        arrival_time: None,
        table_number: table.map(Into::into),
    };
    y.h.services
        .update_reservation_status(&y.h.admin, &id, Some(&y.id()), change("arrived", None))
        .await
        .expect("arrived");
    y.sim.set_outage(true);
    let report =
        y.h.services
            .dispatch_outbox(&y.h.admin)
            .await
            .expect("dispatch");
    assert_eq!((report.delivered, report.retrying), (0, 1));
    y.sim.set_outage(false);
    y.deliver().await;
    y.h.services
        .update_reservation_status(
            &y.h.admin,
            &id,
            Some(&y.id()),
            change("seated", Some("A08")),
        )
        .await
        .expect("seated");
    y.deliver().await;
    let row = y.sim.reservation(&id).expect("row");
    assert_eq!(
        (row["status"].as_str(), row["table_number"].as_str()),
        (Some("seated"), Some("A08"))
    );
    assert!(row["arrival_time"].is_string());
    let stats = y.sim.stats();
    assert_eq!(stats.status_updates_applied, 2, "{:?}", stats.status_log);
    let applied: Vec<&str> = stats
        .status_log
        .iter()
        .filter(|u| u.outcome == "applied")
        .map(|u| u.status.as_str())
        .collect();
    assert_eq!(applied, ["arrived", "seated"]);
    let page =
        y.h.services
            .list_outbox(&y.h.admin, Some(&y.id()), None, &Default::default())
            .await
            .expect("outbox");
    assert!(
        page.items.iter().all(|e| e.status == OutboxStatus::Done),
        "{:?}",
        page.items
    );
}
