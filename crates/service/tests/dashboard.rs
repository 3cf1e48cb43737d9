//! The dashboard through the service layer, on real data: syncs that worked against the
//! generic simulator and failed against a closed port, POS transactions pushed today and
//! yesterday, a reservation moved at the front desk (real SQLite file, real keychain: run
//! under scripts/with-keyring.sh).

mod common;
mod home_fixtures;
mod seed000;

use chrono::Duration;
use serde_json::json;
use storelink_core::health::HealthSnapshot;
use storelink_core::ids::{new_id, now};
use storelink_core::system::SystemStatus;
use storelink_core::{Actor, Role};
use storelink_service::dashboard::UnreachableReason;
use storelink_simulators::generic::System;

use common::user;
use home_fixtures::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_adds_up_syncs_sales_and_what_waits() {
    let s = seed000::seed000(System::Member, json!({})).await;
    let h = &s.host;
    let members = s.system.id;
    let calm = h.services.dashboard(&h.admin).await.expect("dashboard");
    assert!(!calm.offline.offline, "{calm:?}");
    assert_eq!(card(&calm, members).success_permille_24h, None);

    s.sync("members", "full").await;
    let erp = unreachable_erp(h).await;
    h.services
        .run_sync(&h.admin, &erp.to_string(), "customers", "full")
        .await
        .expect_err("nothing answers");
    let tested = h
        .services
        .test_system(&h.admin, &erp.to_string())
        .await
        .expect("test");
    assert!(tested.error_class.is_some(), "{tested:?}");

    let pos = pos_system(h).await;
    sell(h, pos, sale("S1", "100.00", local(0, "10:15"))).await;
    sell(h, pos, sale("S2", "50.50", local(0, "10:45"))).await;
    sell(h, pos, sale("Y1", "999.00", local(-1, "23:30"))).await;
    let refund = format!(
        r#"{{"transaction_id": "R1", "type": "refund", "original_transaction_id": "S1", "total": 20.00, "transaction_time": "{}"}}"#,
        local(0, "11:05")
    );
    sell(h, pos, refund).await;

    let bookings = reservation_system(h, json!({})).await;
    let booked = book(h, bookings, "RES-1", &local(0, "19:00"), json!({})).await;
    let floor = user(h, "floor", Role::FloorManager).await;
    h.services
        .move_reservation(&floor, &booked.to_string(), change("arrived", None))
        .await
        .expect("arrived");

    let mut tx = h.services.db().write().await.expect("tx");
    let snapshot = HealthSnapshot {
        id: new_id(),
        system_id: members,
        taken_at: now(),
        success_permille: Some(1000),
        outcomes_24h: 1,
        p95_latency_ms: Some(40),
        consecutive_failures: 0,
        outbox_backlog: 0,
        outbox_dead: 0,
        score: 88,
    };
    storelink_store::health::insert(&mut tx, &snapshot)
        .await
        .expect("snapshot");
    tx.commit().await.expect("commit");

    let staff = user(h, "clerk", Role::Staff).await;
    let d = h.services.dashboard(&staff).await.expect("dashboard");
    assert_eq!(d.today, store_date(0).format("%Y-%m-%d").to_string());
    assert_eq!(d.utc_offset_minutes, 480);
    assert_eq!(d.systems.len(), 4);

    let m = card(&d, members);
    assert_eq!((m.syncs_24h, m.failed_syncs_24h), (1, 0));
    assert_eq!(m.success_permille_24h, Some(1000));
    assert_eq!((m.health_score, m.unreachable), (Some(88), None));
    assert!(m.last_sync_at.is_some());

    let e = card(&d, erp);
    assert_eq!(e.status, SystemStatus::Error);
    assert_eq!(e.unreachable, Some(UnreachableReason::SystemError));
    assert_eq!((e.syncs_24h, e.failed_syncs_24h), (1, 1));
    assert_eq!(e.success_permille_24h, Some(0));
    assert_eq!(e.health_score, None);

    let r = card(&d, bookings);
    assert_eq!(
        (r.outbox_waiting, r.outbox_dead, r.unreachable),
        (1, 0, None)
    );
    assert_eq!(d.offline.systems, [erp]);
    assert!(d.offline.offline);
    assert_eq!(d.offline.outbox_waiting, 1);

    assert_eq!(d.sync_hours.len(), 24);
    let succeeded: i64 = d.sync_hours.iter().map(|h| h.succeeded).sum();
    let failed: i64 = d.sync_hours.iter().map(|h| h.failed).sum();
    assert_eq!((succeeded, failed), (1, 1));
    let last = &d.sync_hours[23];
    assert!(
        last.hour_start <= d.generated_at && d.generated_at < last.hour_start + Duration::hours(1)
    );

    assert_eq!(d.pos_hours.len(), 24);
    let ten = &d.pos_hours[10];
    assert_eq!(
        (ten.transactions, ten.sales_fen, ten.reversals_fen),
        (2, 15_050, 0)
    );
    let eleven = &d.pos_hours[11];
    assert_eq!(
        (eleven.transactions, eleven.reversals_fen, eleven.net_fen),
        (1, 2_000, -2_000)
    );
    let today: i64 = d.pos_hours.iter().map(|h| h.transactions).sum();
    assert_eq!(today, 3, "yesterday's sale is not today's");

    // A token bound to one system sees that system alone.
    let till = Actor {
        system_id: Some(pos),
        ..h.admin.clone()
    };
    let own = h.services.dashboard(&till).await.expect("own dashboard");
    assert_eq!(own.systems.len(), 1);
    assert!(!own.offline.offline);
    assert_eq!(own.pos_hours.iter().map(|h| h.transactions).sum::<i64>(), 3);
    let elsewhere = Actor {
        system_id: Some(erp),
        ..h.admin.clone()
    };
    let theirs = h
        .services
        .dashboard(&elsewhere)
        .await
        .expect("erp dashboard");
    assert_eq!(
        theirs.pos_hours.iter().map(|h| h.transactions).sum::<i64>(),
        0
    );
    assert_eq!(theirs.offline.systems, [erp]);
}
