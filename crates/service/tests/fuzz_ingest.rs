//! Pushes fuzzed through the service onto a real SQLite file: webhooks signed as the vendor
//! signs them (Standard Webhooks and `sha256=`) but with mutated envelopes and bodies,
//! webhooks with arbitrary headers or one changed byte, token pushes of mutated seed bodies
//! on every channel, Temu pushes (encrypted and signed) whose decrypted event is mutated,
//! and 易理货 callbacks (signed) with mutated form fields and `Data`. Each ends in a reply or
//! a validation/conflict/not-found/signature refusal, never another kind; a refused push
//! stores nothing, a repeat changes nothing, and an event kept for later (ERP, Temu) or
//! not applied (a 易理货 callback the order refuses) changes only the inbox. What is
//! stored is read through the service's lists and as a dump of every table.
//! Run under scripts/with-keyring.sh (webhook secrets live in the keychain).
//! Cases per property: 300, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;
#[path = "../../core/tests/props/seeds.rs"]
mod seeds;

#[path = "fuzz_ingest/bench.rs"]
mod bench;
#[path = "fuzz_ingest/vendors.rs"]
mod vendors;

use bench::{Bench, Pushed, Tally, Target};
use proptest::prelude::*;
use serde_json::{json, Value};
use storelink_connectors::temu::webhook::VARIANTS;
use storelink_connectors::temu::ORDER_EVENTS;
use storelink_connectors::ylh::callback::{
    format_timestamp, DEFAULT_CANCEL, DEFAULT_CONFIRM, DEFAULT_OUT_OF_STOCK,
};
use storelink_connectors::ylh::SignCase;
use storelink_core::ingest::{IngestReply, WebhookChannel};
use storelink_core::{Actor, AppError};
use storelink_service::ingest::RawPush;
use uuid::Uuid;
use vendors::{Sha256Style, TemuPush};

fn seed_of(channel: WebhookChannel) -> Value {
    match channel {
        WebhookChannel::Pos => seeds::pos_seed(),
        WebhookChannel::Supplier => seeds::supplier_seed(),
        WebhookChannel::Member => seeds::member_seed(),
        WebhookChannel::Reservation => seeds::reservation_seed(),
        WebhookChannel::Erp => json!({"externalId": "C000001", "name": "客户"}),
    }
}

/// An answer that breaks a property, reported as the unclean refusal `run` then finds.
fn broken(what: String) -> AppError {
    AppError::internal(what)
}

/// A webhook's answer: a repeat (nothing stored), an event kept for the sync engine, or
/// applied to a record.
fn webhook_outcome(reply: IngestReply) -> Pushed {
    match (reply.record_id, reply.duplicate) {
        (None, true) => Pushed::Repeat,
        (None, false) => Pushed::KeptOne,
        (Some(_), _) => Pushed::Applied,
    }
}

fn receive(
    bench: &Bench,
    target: Target,
    headers: vendors::Headers,
    body: Vec<u8>,
) -> Result<Pushed, AppError> {
    let push = RawPush { headers, body };
    let id = target.id.to_string();
    let channel = target.channel();
    bench
        .rt
        .block_on(bench.services.receive_webhook(channel, &id, push))
        .map(webhook_outcome)
}

fn assert_some_stored_some_refused(name: &str, tally: &Tally) {
    assert!(
        tally.stored() > 0 && tally.refused.get() > 0,
        "{name}: {tally:?}"
    );
}

/// The envelope's `timestamp`: none, now (RFC 3339 or China local time), or an hour old
/// (refused by the `sha256=` scheme, whose only replay guard it is).
fn envelope_timestamp(style: u8) -> Option<String> {
    let now = chrono::Utc::now();
    match style % 4 {
        0 => None,
        1 => Some(now.to_rfc3339()),
        2 => Some(
            (now + chrono::Duration::hours(8))
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string(),
        ),
        _ => Some((now - chrono::Duration::hours(1)).to_rfc3339()),
    }
}

/// An envelope for one of the target's events around its channel's seed, fresh id and
/// timestamp.
fn envelope_doc(target: Target, event: prop::sample::Index, stamp: u8) -> Value {
    let channel = target.channel();
    let event = channel.events()[event.index(channel.events().len())];
    let mut doc =
        json!({"id": format!("evt-{}", Uuid::now_v7()), "event": event, "data": seed_of(channel)});
    if let Some(t) = envelope_timestamp(stamp) {
        doc["timestamp"] = json!(t);
    }
    doc
}

/// A target and an envelope around a mutated seed body (or any bytes).
fn envelope(targets: Vec<Target>) -> impl Strategy<Value = (Target, Vec<u8>)> {
    (
        prop::sample::select(targets),
        any::<prop::sample::Index>(),
        any::<u8>(),
    )
        .prop_flat_map(|(target, event, stamp)| {
            json::body_from(envelope_doc(target, event, stamp)).prop_map(move |b| (target, b))
        })
}

#[test]
fn signed_webhooks_with_mutated_bodies() {
    let bench = Bench::start();
    let targets = bench.webhook_systems("standard_webhooks");
    let tally = bench::run(
        &bench,
        "standard webhooks",
        envelope(targets),
        |(target, _)| *target,
        |(target, body)| receive(&bench, target, vendors::standard_headers(&body), body),
    );
    assert_some_stored_some_refused("standard webhooks", &tally);
}

fn sha256_style() -> impl Strategy<Value = Sha256Style> {
    let event_id = prop_oneof![
        4 => Just(None),
        1 => (any::<bool>(), Just(())).prop_map(|(w, ())| Some((w, format!("evt-{}", Uuid::now_v7())))),
        1 => (any::<bool>(), json::nasty_string()).prop_map(Some),
    ];
    (0usize..3, any::<bool>(), any::<bool>(), event_id).prop_map(
        |(name, upper_prefix, upper_hex, event_id)| Sha256Style {
            name,
            upper_prefix,
            upper_hex,
            event_id,
        },
    )
}

#[test]
fn sha256_webhooks_with_mutated_bodies() {
    let bench = Bench::start();
    let targets = bench.webhook_systems("sha256");
    let tally = bench::run(
        &bench,
        "sha256= webhooks",
        (envelope(targets), sha256_style()),
        |((target, _), _)| *target,
        |((target, body), style)| {
            receive(&bench, target, vendors::sha256_headers(&body, &style), body)
        },
    );
    assert_some_stored_some_refused("sha256= webhooks", &tally);
}

/// Every header either scheme reads.
const SIGNATURE_HEADERS: [&str; 8] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "x-signature-256",
    "x-hub-signature-256",
    "x-signature",
    "x-event-id",
    "x-webhook-id",
];

#[test]
fn webhooks_with_arbitrary_headers_are_refused() {
    let bench = Bench::start();
    let mut targets = bench.webhook_systems("standard_webhooks");
    targets.extend(bench.webhook_systems("sha256"));
    let value = prop_oneof![
        3 => json::nasty_string(),
        1 => "sha256=[0-9a-f]{64}",
        1 => "v1,[A-Za-z0-9+/]{43}=",
        1 => "[0-9]{10}",
    ];
    let strategy = (
        prop::sample::select(targets),
        prop::collection::vec(any::<u8>(), 0..400),
        prop::collection::vec(prop::option::of(value), SIGNATURE_HEADERS.len()),
    );
    let tally = bench::run(
        &bench,
        "arbitrary headers",
        strategy,
        |(target, _, _)| *target,
        |(target, body, values)| {
            let headers = SIGNATURE_HEADERS
                .iter()
                .zip(values)
                .filter_map(|(n, v)| v.map(|v| ((*n).to_owned(), v)))
                .collect();
            match receive(&bench, target, headers, body) {
                Err(AppError::BadSignature { .. }) => Err(AppError::BadSignature {
                    message: String::new(),
                }),
                other => Err(broken(format!("not refused as unsigned: {other:?}"))),
            }
        },
    );
    assert_eq!(tally.refused.get() as u32, bench::cases());
}

#[test]
fn signed_webhooks_with_one_changed_byte_are_refused() {
    let bench = Bench::start();
    let standard = bench.webhook_systems("standard_webhooks");
    let sha = bench.webhook_systems("sha256");
    let targets: Vec<(Target, bool)> = standard
        .into_iter()
        .map(|t| (t, false))
        .chain(sha.into_iter().map(|t| (t, true)))
        .collect();
    let body = (
        prop::sample::select(targets),
        any::<prop::sample::Index>(),
        1u8..3,
        any::<bool>(),
    )
        .prop_flat_map(|((target, sha), event, stamp, as_is)| {
            let doc = envelope_doc(target, event, stamp);
            let bytes = if as_is {
                Just(serde_json::to_vec(&doc).expect("JSON")).boxed()
            } else {
                json::mutated(doc)
                    .prop_map(|v| serde_json::to_vec(&v).expect("JSON"))
                    .boxed()
            };
            bytes.prop_map(move |b| (target, sha, b))
        });
    let strategy = (body, sha256_style(), 0usize..5, any::<usize>(), any::<u8>());
    let tally = bench::run(
        &bench,
        "one changed byte",
        strategy,
        |((target, _, _), ..)| *target,
        |((target, sha, mut body), style, what, at, pick)| {
            let mut headers = if sha {
                vendors::sha256_headers(&body, &style)
            } else {
                vendors::standard_headers(&body)
            };
            match (sha, what % if sha { 4 } else { 5 }) {
                (_, 0) => {
                    let i = at % body.len();
                    body[i] ^= 1 << (pick % 8);
                }
                (true, 1) => headers[0].1 = vendors::other_char(&headers[0].1, at, pick),
                (true, 2) => {
                    headers.remove(0);
                }
                (true, _) => headers[0].0 = "x-signature-sha256".into(),
                (false, 4) => {
                    headers.remove(at % 3);
                }
                (false, n) => headers[n - 1].1 = vendors::other_char(&headers[n - 1].1, at, pick),
            }
            match receive(&bench, target, headers, body) {
                Err(e @ AppError::BadSignature { .. }) => Err(e),
                other => Err(broken(format!("a changed push was not refused: {other:?}"))),
            }
        },
    );
    assert_eq!(tally.refused.get() as u32, bench::cases());
}

#[test]
fn token_pushes_with_mutated_bodies() {
    let bench = Bench::start();
    // The four push endpoints of seeds 000 and 002 (ERP systems take no token pushes).
    let targets = bench.webhook_systems("standard_webhooks")[..4].to_vec();
    let strategy = prop::sample::select(targets).prop_flat_map(|target| {
        json::body_from(seed_of(target.channel())).prop_map(move |b| (target, b))
    });
    let tally = bench::run(
        &bench,
        "token pushes",
        strategy,
        |(target, _)| *target,
        |(target, body)| {
            let (s, actor, id) = (&bench.services, Actor::local_cli(), target.id.to_string());
            let push = RawPush::new(body);
            bench
                .rt
                .block_on(async {
                    match target.channel() {
                        WebhookChannel::Pos => s.record_pos_transaction(&actor, &id, push).await,
                        WebhookChannel::Supplier => {
                            s.create_supplier_order(&actor, &id, push).await
                        }
                        WebhookChannel::Member => s.sync_member(&actor, &id, push).await,
                        _ => s.sync_reservation(&actor, &id, push).await,
                    }
                })
                .map(|_| Pushed::Applied)
        },
    );
    assert_some_stored_some_refused("token pushes", &tally);
}

/// Which route a Temu push takes.
#[derive(Debug, Clone, Copy)]
enum Route {
    /// `/api/webhook/temu`: the system found by the app key.
    AppKey,
    /// The system's own route.
    Own,
    /// Another Temu system's route (another app key): refused.
    Other,
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

fn temu_push() -> impl Strategy<Value = TemuPush> {
    let data = (
        prop::sample::select(vec!["PO-211-01234567890123456", "PO-211-1", "PO-211-2"]),
        0i64..6,
    )
        .prop_flat_map(|(sn, status)| {
            let seed = json!({"parentOrderSn": sn, "orderSn": sn, "status": status,
                "updateTime": 1_707_900_000});
            prop_oneof![
                1 => Just(seed.to_string()),
                3 => json::body_from(seed).prop_map(lossy),
            ]
        });
    let code = prop_oneof![
        6 => prop::sample::select(ORDER_EVENTS).prop_map(str::to_owned),
        1 => "bg_[a-z_]{1,20}",
        1 => json::nasty_string(),
    ];
    let timestamp = prop_oneof![
        6 => (0i64..600_000).prop_map(|ago| (chrono::Utc::now().timestamp_millis() - ago).to_string()),
        1 => json::nasty_string(),
    ];
    let ext = prop_oneof![
        3 => Just(Some("{}".to_owned())),
        1 => Just(None),
        1 => json::nasty_string().prop_map(Some),
    ];
    (data, code, timestamp, ext, 0..VARIANTS.len()).prop_map(
        |(data, event_code, timestamp, ext_param, variant)| TemuPush {
            data,
            event_code,
            timestamp,
            ext_param,
            variant,
        },
    )
}

#[test]
fn temu_pushes_with_mutated_events() {
    let bench = Bench::start();
    let temu = bench.temu_system(vendors::TEMU_APP_KEY);
    let other = bench.temu_system(vendors::TEMU_OTHER_APP_KEY);
    let route =
        prop_oneof![3 => Just(Route::AppKey), 3 => Just(Route::Own), 1 => Just(Route::Other)];
    let tally = bench::run(
        &bench,
        "Temu pushes",
        (temu_push(), route),
        |_| temu,
        |(push, route)| {
            let (headers, body) = push.build();
            let system = match route {
                Route::AppKey => None,
                Route::Own => Some(temu.id.to_string()),
                Route::Other => Some(other.id.to_string()),
            };
            let reply = bench.rt.block_on(
                bench
                    .services
                    .receive_temu_webhook(system.as_deref(), RawPush { headers, body }),
            )?;
            if matches!(route, Route::Other) || reply.status.as_deref() != Some("received") {
                return Err(broken(format!("{route:?}: {reply:?}")));
            }
            Ok(if reply.duplicate {
                Pushed::Repeat
            } else {
                Pushed::KeptOne
            })
        },
    );
    assert_some_stored_some_refused("Temu pushes", &tally);
}

const YLH_ORDERS: [&str; 5] = ["PO-YLH-1", "PO-YLH-2", "PO-YLH-3", "PO-YLH-4", "PO-YLH-5"];

/// A 易理货 callback's fields before they are signed.
#[derive(Debug, Clone)]
struct Callback {
    method: String,
    data: String,
    app_key: String,
    /// Seconds from now of a well-formed TimeStamp, or a TimeStamp's text.
    stamp: Result<i64, String>,
    extra: Vec<(String, String)>,
    /// A field left out (AppKey, TimeStamp, Method, Data), if any.
    drop: Option<usize>,
    lowercase_text: bool,
    lower_sign: bool,
}

impl Callback {
    fn form(&self) -> Vec<u8> {
        let stamp = match &self.stamp {
            Ok(secs) => format_timestamp(
                chrono::Utc::now() + chrono::Duration::seconds(*secs),
                storelink_core::vendor_time::china_offset(),
            ),
            Err(text) => text.clone(),
        };
        let mut fields: Vec<(String, String)> = [
            ("AppKey", self.app_key.clone()),
            ("TimeStamp", stamp),
            ("Method", self.method.clone()),
            ("Data", self.data.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Some(i) = self.drop {
            fields.remove(i % fields.len());
        }
        fields.extend(self.extra.iter().cloned());
        let case = if self.lowercase_text {
            SignCase::Lowercase
        } else {
            SignCase::AsIs
        };
        vendors::ylh_form(&fields, case, self.lower_sign)
    }
}

fn ylh_callback() -> impl Strategy<Value = Callback> {
    let data = (
        0..=YLH_ORDERS.len(),
        0i64..2,
        prop::option::of(json::nasty_string()),
    )
        .prop_flat_map(|(order, state, fail)| {
            let number = YLH_ORDERS.get(order).copied().unwrap_or("PO-YLH-UNKNOWN");
            let mut seed = json!({"ExtOrderNo": "SO.20240214.000001", "PlatformOrderNo": number,
                "State": state});
            if let Some(f) = fail {
                seed["FailMsg"] = json!(f);
            }
            prop_oneof![
                2 => Just(seed.to_string()),
                3 => json::body_from(seed).prop_map(lossy),
            ]
        });
    let method = prop_oneof![
        8 => prop::sample::select(vec![DEFAULT_CONFIRM, DEFAULT_CANCEL, DEFAULT_OUT_OF_STOCK])
            .prop_map(str::to_owned),
        1 => json::nasty_string(),
    ];
    let app_key =
        prop_oneof![8 => Just(vendors::YLH_APP_KEY.to_owned()), 1 => json::nasty_string()];
    let stamp = prop_oneof![
        8 => (-60i64..60).prop_map(Ok),
        1 => prop::sample::select(vec![-1200i64, 1200]).prop_map(Ok),
        1 => json::nasty_string().prop_map(Err),
    ];
    let extra = prop::collection::vec(
        (
            prop_oneof!["[A-Za-z]{1,10}", json::nasty_string()],
            json::nasty_string(),
        ),
        0..2,
    );
    let drop = prop_oneof![8 => Just(None), 1 => (0usize..4).prop_map(Some)];
    (
        method,
        data,
        app_key,
        stamp,
        extra,
        drop,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(method, data, app_key, stamp, extra, drop, lowercase_text, lower_sign)| Callback {
                method,
                data,
                app_key,
                stamp,
                extra,
                drop,
                lowercase_text,
                lower_sign,
            },
        )
}

#[test]
fn ylh_callbacks_with_mutated_forms() {
    let bench = Bench::start();
    let ylh = bench.ylh_system(&YLH_ORDERS);
    let tally = bench::run(
        &bench,
        "易理货 callbacks",
        ylh_callback(),
        |_| ylh,
        |callback| {
            let push = RawPush {
                headers: vec![(
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                )],
                body: callback.form(),
            };
            let reply = bench.rt.block_on(
                bench
                    .services
                    .receive_ylh_callback(&ylh.id.to_string(), push),
            )?;
            let success = reply.body["success"].as_bool();
            match reply.status {
                200 if success == Some(true) => Ok(Pushed::Applied),
                404 | 409 if success == Some(false) => Ok(Pushed::KeptUnapplied),
                _ => Err(broken(format!("an odd answer: {reply:?}"))),
            }
        },
    );
    assert_some_stored_some_refused("易理货 callbacks", &tally);
    assert!(tally.applied.get() > 0 && tally.kept.get() > 0, "{tally:?}");
}
