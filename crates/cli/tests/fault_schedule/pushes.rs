//! The outbox half of a lane: changes queued as the store makes them, delivered by the
//! dispatcher until nothing waits. Run once fault-free and once under faults (on other
//! records of the same simulator); the vendor's own log of what it received shows each
//! change applied exactly once, in order per record, and what the vendor ends up with is
//! the same both times.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use storelink_core::reservation::StatusChange;
use storelink_service::ingest::RawPush;

use crate::harness::Rng;
use crate::lanes::Push;
use crate::store::Store;

const ERP_STEPS: [&str; 3] = ["confirmed", "shipped", "delivered"];
const DESK_STEPS: [&str; 3] = ["arrived", "seated", "completed"];

/// The changes each record goes through.
pub fn steps(push: &Push) -> &'static [&'static str] {
    match push {
        Push::ErpOrders(_) => &ERP_STEPS,
        Push::FrontDesk(_) => &DESK_STEPS,
        Push::SupplierOrders(_) => &["create"],
    }
}

/// One change, made the way the store makes it.
async fn change(store: &Store, push: &Push, id: &str, step: &str, n: usize) {
    match push {
        Push::ErpOrders(_) => {
            // What a local order change appends (the record key names the order).
            let mut tx = store.services.db().write().await.expect("tx");
            storelink_store::outbox::append(
                &mut tx,
                store.system.id,
                &format!("order:{id}"),
                "order.status",
                &json!({"externalId": id, "status": step}),
            )
            .await
            .expect("append");
            tx.commit().await.expect("commit");
        }
        Push::FrontDesk(_) => {
            let change = StatusChange {
                status: step.to_owned(),
                arrival_time: None,
                table_number: (step == "seated").then(|| format!("T{n}")),
            };
            store
                .services
                .update_reservation_status(&store.actor, id, Some(&store.id()), change)
                .await
                .unwrap_or_else(|e| panic!("{id} → {step}: {e}"));
        }
        Push::SupplierOrders(_) => {
            let fen = 10_000 + n * 1_999;
            let total = format!("{}.{:02}", fen / 100, fen % 100);
            let body = json!({"order_number": id, "supplier_id": "HAIER",
                "subtotal": total, "total": total,
                "items": [{"name": format!("BS0{n}U000N"), "quantity": 1, "price": total}],
                "delivery": {"address": "江苏省南京市鼓楼区中山北路100号", "contact": "李四",
                    "phone": "13900139000"}});
            store
                .services
                .create_supplier_order(&store.actor, &store.id(), RawPush::new(body.to_string()))
                .await
                .unwrap_or_else(|e| panic!("order {id}: {e}"));
        }
    }
}

/// `count` records to change: orders the ERP holds as pending, confirmed reservations,
/// or new purchase order numbers.
fn pick(push: &Push, label: &str, count: usize, rng: &mut Rng) -> Vec<String> {
    let mut ids: Vec<String> = match push {
        Push::ErpOrders(sim) => sim
            .ids("orders")
            .into_iter()
            .filter(|id| {
                sim.record("orders", id)
                    .is_some_and(|o| o["status"] == "pending")
            })
            .collect(),
        Push::FrontDesk(sim) => sim
            .ids()
            .into_iter()
            .filter(|id| {
                sim.reservation(id)
                    .is_some_and(|r| r["status"] == "confirmed")
            })
            .collect(),
        Push::SupplierOrders(_) => (1..=count).map(|n| format!("PO-{label}-{n}")).collect(),
    };
    rng.shuffle(&mut ids);
    ids.truncate(count);
    assert_eq!(ids.len(), count, "records to change in the seeded data");
    ids
}

/// What the vendor has of each record after the changes, the same whichever records they
/// were: the statuses it applied (in order), or the order it created (less its number).
fn outcome(lane: &str, push: &Push, records: &[String]) -> Vec<String> {
    let applied_log: Vec<(String, String, String)> = match push {
        Push::ErpOrders(sim) => (sim.stats().writes.order_status_log.into_iter())
            .map(|u| (u.order_id, u.status, u.outcome))
            .collect(),
        Push::FrontDesk(sim) => (sim.stats().status_log.into_iter())
            .map(|u| (u.reservation_id, u.status, u.outcome))
            .collect(),
        Push::SupplierOrders(sim) => {
            let stats = sim.stats();
            return records
                .iter()
                .map(|id| {
                    let sent = stats.create_requests.get(id).copied().unwrap_or(0);
                    assert!(sent >= 1, "{lane}: {id} never sent");
                    let mut body = sim.order(id).expect("created at the vendor").body;
                    for number in ["soId", "onlineNo"] {
                        assert_eq!(body[number], id.as_str(), "{lane}: {body}");
                        body[number] = Value::Null;
                    }
                    // When the store placed the order: this run's clock, not content.
                    body["createTime"] = Value::Null;
                    body.to_string()
                })
                .collect();
        }
    };
    let mut applied: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, status, result) in &applied_log {
        match result.as_str() {
            "applied" => applied.entry(id).or_default().push(status),
            "replayed" => {}
            other => assert!(
                other.starts_with("fault:") || other == "token_expired" || other == "invalid_token",
                "{lane}: {id} → {status} answered `{other}`"
            ),
        }
    }
    records
        .iter()
        .map(|id| {
            let got = applied.get(id.as_str()).cloned().unwrap_or_default();
            assert_eq!(
                got,
                steps(push),
                "{lane}: {id} applied once per change, in order"
            );
            got.join(",")
        })
        .collect()
}

/// Makes `count` records' changes (each record's in order, records interleaved at
/// random), dispatches until none waits (a dead entry fails the lane), and returns what
/// the vendor made of them.
pub async fn run(
    lane: &str,
    label: &str,
    store: &Store,
    push: &Push,
    count: usize,
    rng: &mut Rng,
) -> Vec<String> {
    let records = pick(push, label, count, rng);
    let steps = steps(push);
    let mut next = vec![0usize; records.len()];
    loop {
        let open: Vec<usize> = (0..records.len())
            .filter(|i| next[*i] < steps.len())
            .collect();
        let Some(&i) = open.get(rng.usize(0, open.len().max(1) - 1)) else {
            break;
        };
        change(store, push, &records[i], steps[next[i]], i + 1).await;
        next[i] += 1;
    }
    let changes = records.len() * steps.len();
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        store
            .services
            .dispatch_outbox(&store.actor)
            .await
            .expect("dispatch");
        let statuses = store.outbox().await;
        assert!(
            !statuses.contains_key("dead"),
            "{lane}: a change was given up: {statuses:?}"
        );
        if statuses.get("done") == Some(&(changes as i64)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{lane}: changes still waiting: {statuses:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    outcome(lane, push, &records)
}
