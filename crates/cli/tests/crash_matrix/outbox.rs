//! Case (c): the front desk moves reservations through arrived → seated → completed while
//! the Yiding platform is down, so the changes wait in the outbox. `storelink serve`
//! delivers them once the platform is back and is killed with SIGKILL during delivery (at
//! seeded points: after a seeded number of changes applied, plus a seeded part of a
//! delivery's latency). After the restart the platform, which logs every status change it
//! receives, has applied each change exactly once, in order per reservation; nothing is
//! lost and nothing is left pending. Some deliveries also lose their answer to a dropped
//! connection, so changes applied but unconfirmed are sent again as well.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde_json::json;
use storelink_core::reservation::StatusChange;
use storelink_core::system::NewSystem;
use storelink_core::Actor;
use storelink_service::Services;
use storelink_simulators::yiding::{FaultSpec, YidingSim, YidingSimConfig};

use crate::harness::{counts, raw_db, scalar, serve, sigkill, wait_until, Rng};

const STEPS: [&str; 3] = ["arrived", "seated", "completed"];

/// Printed (Debug) for docs/RELIABILITY.md, not otherwise read.
#[derive(Debug)]
#[allow(dead_code)]
pub struct OutboxFigures {
    pub changes: usize,
    pub kills: usize,
    /// Entries the killed processes left in flight (claimed, answer not saved).
    pub in_flight_at_kills: Vec<i64>,
    pub applied: usize,
    pub replayed: u64,
    pub resets: u64,
}

/// Pulls the platform's reservations, then makes `changes` front-desk changes to `ids`
/// (each reservation's steps in order, the reservations interleaved at random) while the
/// platform is down; one dispatch finds it down. Returns the system id.
async fn queue_while_down(dir: &Path, sim: &YidingSim, ids: &[String], rng: &mut Rng) -> String {
    let actor = Actor::local_cli();
    let services = Services::open(dir).await.expect("open");
    let mut secrets = BTreeMap::new();
    secrets.insert("api_key".to_owned(), sim.config().api_key.clone());
    let system = services
        .create_system(
            &actor,
            NewSystem {
                name: "易订".into(),
                system_type: "reservation".into(),
                provider: "Yiding".into(),
                store_id: Some("store-001".into()),
                api_endpoint: Some(sim.api_endpoint()),
                config: Some(json!({"page_size": 100, "rate_limit_per_second": 10000,
                    "timeout_ms": 5000,
                    "retryPolicy": {"maxRetries": 3, "initialDelay": 10, "maxDelay": 50}})),
                sync_enabled: Some(false),
                secrets,
                ..NewSystem::default()
            },
        )
        .await
        .expect("system");
    let system_id = system.id.to_string();
    services
        .run_sync(&actor, &system_id, "reservations", "full")
        .await
        .expect("reservations pulled");
    sim.set_outage(true);
    let mut next_step: Vec<usize> = vec![0; ids.len()];
    let mut left = ids.len() * STEPS.len();
    while left > 0 {
        let open: Vec<usize> = (0..ids.len())
            .filter(|i| next_step[*i] < STEPS.len())
            .collect();
        let i = open[rng.usize(0, open.len() - 1)];
        let status = STEPS[next_step[i]];
        let change = StatusChange {
            status: status.to_owned(),
            arrival_time: None,
            table_number: (status == "seated").then(|| format!("A{}", i + 1)),
        };
        services
            .update_reservation_status(&actor, &ids[i], Some(&system_id), change)
            .await
            .unwrap_or_else(|e| panic!("{} → {status}: {e}", ids[i]));
        next_step[i] += 1;
        left -= 1;
    }
    let report = services.dispatch_outbox(&actor).await.expect("dispatch");
    assert_eq!(report.delivered, 0, "the platform is down: {report:?}");
    assert!(
        report.retrying > 0,
        "the first changes were tried: {report:?}"
    );
    services.close().await;
    system_id
}

fn applied(sim: &YidingSim) -> usize {
    sim.stats()
        .status_log
        .iter()
        .filter(|u| u.outcome == "applied")
        .count()
}

pub async fn run(rng: &mut Rng) -> OutboxFigures {
    let sim = YidingSim::start(YidingSimConfig {
        records: rng.usize(40, 80),
        seed: rng.next_u64(),
        ..YidingSimConfig::default()
    })
    .await
    .expect("simulator");
    let mut confirmed: Vec<String> = sim
        .ids()
        .into_iter()
        .filter(|id| {
            sim.reservation(id)
                .is_some_and(|r| r["status"] == "confirmed")
        })
        .collect();
    rng.shuffle(&mut confirmed);
    confirmed.truncate(rng.usize(6, 16));
    assert!(
        confirmed.len() >= 3,
        "few confirmed reservations in the data"
    );
    let changes = confirmed.len() * STEPS.len();
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let system_id = queue_while_down(d, &sim, &confirmed, rng).await;

    sim.set_outage(false);
    let latency_ms = rng.range(10, 40);
    // Besides the kills, some answers are lost on the wire (a reset, the change applied
    // first half of the time), so redeliveries of applied changes happen too.
    let resets = format!("0.{:02}", rng.range(5, 20));
    sim.set_faults(
        FaultSpec::parse(&format!("slow:{latency_ms}ms:1,reset:{resets}")).expect("faults"),
    );
    let kills = rng.usize(1, 2);
    let mut in_flight_at_kills = Vec::new();
    for k in 0..kills {
        let (mut server, _) = serve(d).await;
        let at = (applied(&sim) + rng.usize(1, changes / (2 * kills))).min(changes - 1);
        let reached = wait_until(Duration::from_secs(60), || applied(&sim) >= at).await;
        assert!(reached, "kill {k}: {at} changes were not applied in time");
        // Inside the next delivery's latency, or between two deliveries.
        tokio::time::sleep(Duration::from_millis(rng.range(0, 2 * latency_ms))).await;
        sigkill(&mut server).await;
        let db = raw_db(d).await;
        in_flight_at_kills.push(
            scalar(
                &db,
                "SELECT count(*) FROM outbox WHERE system_id = ? AND status = 'in_flight'",
                &system_id,
            )
            .await,
        );
        db.close().await;
    }

    let (_server, _) = serve(d).await;
    let mut last = Vec::new();
    for _ in 0..600 {
        let db = raw_db(d).await;
        last = counts(
            &db,
            "SELECT status, count(*) FROM outbox WHERE system_id = ? GROUP BY status",
            &system_id,
        )
        .await;
        db.close().await;
        if last == [("done".to_owned(), changes as i64)] {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        last,
        [("done".to_owned(), changes as i64)],
        "every change delivered, nothing pending, in flight or dead"
    );

    let stats = sim.stats();
    let mut by_reservation: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for u in &stats.status_log {
        assert!(
            matches!(
                u.outcome.as_str(),
                "applied" | "replayed" | "outage" | "fault:reset"
            ),
            "an unexpected answer to a redelivery: {u:?}"
        );
        assert!(u.idempotency_key.is_some(), "sent without a key: {u:?}");
        if u.outcome == "applied" {
            by_reservation
                .entry(u.reservation_id.as_str())
                .or_default()
                .push(u.status.as_str());
        }
    }
    for id in &confirmed {
        assert_eq!(
            by_reservation.get(id.as_str()).map(Vec::as_slice),
            Some(&STEPS[..]),
            "{id}: each change applied once, in order"
        );
        assert_eq!(sim.reservation(id).expect("row")["status"], "completed");
    }
    assert_eq!(
        by_reservation.len(),
        confirmed.len(),
        "no other reservation touched"
    );
    OutboxFigures {
        changes,
        kills,
        in_flight_at_kills,
        applied: applied(&sim),
        replayed: stats.idempotent_replays,
        resets: stats.faults.get("reset").copied().unwrap_or(0),
    }
}
