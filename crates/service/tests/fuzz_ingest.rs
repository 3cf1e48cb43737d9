//! Pushes fuzzed through the service onto a real SQLite file: webhooks signed as the vendor
//! signs them but with mutated envelopes and bodies, webhooks with arbitrary headers and
//! bytes, and token pushes of mutated seed bodies on every channel. Each ends in a reply or
//! a validation/conflict error, never another kind, and a refused push stores nothing.
//! Run under scripts/with-keyring.sh (webhook secrets live in the keychain).
//! Cases per property: 300, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;
#[path = "../../core/tests/props/seeds.rs"]
mod seeds;

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::{json, Value};
use storelink_connectors::signature::sign_standard;
use storelink_core::ingest::WebhookChannel;
use storelink_core::system::NewSystem;
use storelink_core::{Actor, AppError, PageRequest};
use storelink_service::ingest::RawPush;
use storelink_service::records::{MemberQuery, PosQuery, ReservationQuery, SupplierOrderQuery};
use storelink_service::Services;
use uuid::Uuid;

const WHSEC: &str = "whsec_c3RvcmVsaW5rLWZ1enotd2ViaG9vay1rZXktMDE=";

struct Bench {
    rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    services: Services,
    /// One system per channel, in `WebhookChannel::ALL` order.
    systems: Vec<(WebhookChannel, Uuid)>,
}

impl Bench {
    fn start() -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let services = rt.block_on(Services::open(dir.path())).expect("services");
        let systems = WebhookChannel::ALL
            .iter()
            .map(|channel| {
                let input = NewSystem {
                    name: format!("fuzz {channel} {}", Uuid::now_v7()),
                    system_type: channel.system_type().into(),
                    provider: "test".into(),
                    store_id: Some("store-001".into()),
                    secrets: [("webhook_secret".to_owned(), WHSEC.to_owned())].into(),
                    ..Default::default()
                };
                let system = rt.block_on(services.create_system(&Actor::local_cli(), input));
                (*channel, system.expect("system").id)
            })
            .collect();
        Bench {
            rt,
            _dir: dir,
            services,
            systems,
        }
    }

    /// Everything stored for a system: its inbox and its records, as one JSON text.
    fn stored(&self, channel: WebhookChannel, system: Uuid) -> String {
        let s = &self.services;
        let actor = Actor::local_cli();
        let id = Some(system.to_string());
        let page = PageRequest {
            cursor: None,
            limit: Some(1000),
        };
        self.rt.block_on(async {
            let inbox = s
                .list_inbox(&actor, Some(system), None, &page)
                .await
                .expect("inbox");
            let limit = Some(1000);
            let records = match channel {
                WebhookChannel::Pos => json!(
                    s.list_pos_transactions(
                        &actor,
                        PosQuery {
                            system_id: id,
                            limit,
                            ..Default::default()
                        }
                    )
                    .await
                    .expect("pos")
                    .items
                ),
                WebhookChannel::Supplier => json!(
                    s.list_supplier_orders(
                        &actor,
                        SupplierOrderQuery {
                            system_id: id,
                            limit,
                            ..Default::default()
                        }
                    )
                    .await
                    .expect("orders")
                    .items
                ),
                WebhookChannel::Member => json!(
                    s.list_members(
                        &actor,
                        MemberQuery {
                            system_id: id,
                            limit,
                            ..Default::default()
                        }
                    )
                    .await
                    .expect("members")
                    .items
                ),
                WebhookChannel::Reservation => json!(
                    s.list_reservations(
                        &actor,
                        ReservationQuery {
                            system_id: id,
                            limit,
                            ..Default::default()
                        }
                    )
                    .await
                    .expect("reservations")
                    .items
                ),
                WebhookChannel::Erp => Value::Null,
            };
            json!({"inbox": inbox.items, "records": records}).to_string()
        })
    }
}

fn seed_of(channel: WebhookChannel) -> Value {
    match channel {
        WebhookChannel::Pos => seeds::pos_seed(),
        WebhookChannel::Supplier => seeds::supplier_seed(),
        WebhookChannel::Member => seeds::member_seed(),
        WebhookChannel::Reservation => seeds::reservation_seed(),
        WebhookChannel::Erp => json!({"externalId": "C000001", "name": "客户"}),
    }
}

/// A refusal the sender can act on; anything else (internal, database) is a bug.
fn clean_refusal(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation { .. }
            | AppError::Conflict { .. }
            | AppError::NotFound { .. }
            | AppError::BadSignature { .. }
    )
}

fn headers(body: &[u8]) -> Vec<(String, String)> {
    let id = format!("msg_{}", Uuid::now_v7().simple());
    let now = chrono::Utc::now().timestamp();
    let sig = sign_standard(WHSEC, &id, now, body).expect("a usable secret");
    vec![
        ("webhook-id".into(), id),
        ("webhook-timestamp".into(), now.to_string()),
        ("webhook-signature".into(), sig),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300)
}

/// Runs `cases()` pushes: `push` sends one, given the channel, system and bytes.
fn fuzz<S, F>(bench: &Bench, strategy: S, push: F)
where
    S: Strategy<Value = (usize, Vec<u8>)>,
    F: Fn(WebhookChannel, Uuid, Vec<u8>) -> Result<(), AppError>,
{
    let mut runner = TestRunner::new(json::config(cases()));
    let (stored, refused) = (Cell::new(0usize), Cell::new(0usize));
    let result = runner.run(&strategy, |(which, body)| {
        let (channel, system) = bench.systems[which % bench.systems.len()];
        let before = bench.stored(channel, system);
        match push(channel, system, body) {
            Ok(()) => stored.set(stored.get() + 1),
            Err(e) => {
                refused.set(refused.get() + 1);
                prop_assert!(clean_refusal(&e), "{channel}: {e:?}");
                let after = bench.stored(channel, system);
                prop_assert_eq!(&after, &before, "a refused push changed what is stored");
            }
        }
        Ok::<(), TestCaseError>(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // Not vacuous: some mutated bodies are still valid and stored, most are refused.
    eprintln!("{} stored, {} refused", stored.get(), refused.get());
    assert!(stored.get() > 0 && refused.get() > 0);
}

/// An envelope for one of the channel's events around a mutated seed body (or any bytes).
fn envelope() -> impl Strategy<Value = (usize, Vec<u8>)> {
    (0usize..WebhookChannel::ALL.len(), any::<prop::sample::Index>()).prop_flat_map(|(which, event)| {
        let channel = WebhookChannel::ALL[which];
        let event = channel.events()[event.index(channel.events().len())];
        let doc = json!({"id": format!("evt-{}", Uuid::now_v7()), "event": event, "data": seed_of(channel)});
        json::body_from(doc).prop_map(move |body| (which, body))
    })
}

#[test]
fn signed_webhooks_with_mutated_bodies() {
    let bench = Bench::start();
    fuzz(&bench, envelope(), |channel, system, body| {
        let push = RawPush {
            headers: headers(&body),
            body,
        };
        bench
            .rt
            .block_on(
                bench
                    .services
                    .receive_webhook(channel, &system.to_string(), push),
            )
            .map(|_| ())
    });
}

#[test]
fn webhooks_with_arbitrary_headers_are_refused() {
    let bench = Bench::start();
    let strategy = (
        0usize..5,
        prop::collection::vec(any::<u8>(), 0..400),
        prop::collection::vec(json::nasty_string(), 3),
    );
    let mut runner = TestRunner::new(json::config(cases()));
    let result = runner.run(&strategy, |(which, body, values)| {
        let (channel, system) = bench.systems[which];
        let before = bench.stored(channel, system);
        let names = ["webhook-id", "webhook-timestamp", "webhook-signature"];
        let push = RawPush {
            body,
            headers: names.iter().map(|n| (*n).to_owned()).zip(values).collect(),
        };
        let r = bench.rt.block_on(bench.services.receive_webhook(
            channel,
            &system.to_string(),
            push,
        ));
        prop_assert!(matches!(r, Err(AppError::BadSignature { .. })), "{:?}", r);
        prop_assert_eq!(bench.stored(channel, system), before);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn token_pushes_with_mutated_bodies() {
    let bench = Bench::start();
    // The four push endpoints of seeds 000 and 002 (ERP systems take no token pushes).
    let strategy = (0usize..4).prop_flat_map(|which| {
        json::body_from(seed_of(WebhookChannel::ALL[which])).prop_map(move |b| (which, b))
    });
    fuzz(&bench, strategy, |channel, system, body| {
        let (s, actor, id) = (&bench.services, Actor::local_cli(), system.to_string());
        let push = RawPush::new(body);
        bench
            .rt
            .block_on(async {
                match channel {
                    WebhookChannel::Pos => s.record_pos_transaction(&actor, &id, push).await,
                    WebhookChannel::Supplier => s.create_supplier_order(&actor, &id, push).await,
                    WebhookChannel::Member => s.sync_member(&actor, &id, push).await,
                    _ => s.sync_reservation(&actor, &id, push).await,
                }
            })
            .map(|_| ())
    });
}
