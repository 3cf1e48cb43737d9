//! Webhook verification while this machine's clock is an hour off, both ways, over real
//! HTTP to the listener. The tolerance (5 minutes) is judged against the clock Storelink
//! reads (`storelink_core::ids::now`, moved with `set_clock_offset`): a sender that agrees
//! with it is accepted, one an hour away is refused with a message naming the clock, absurd
//! timestamps are refused without a panic, and a refusal stores nothing.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-service --test clock_faults`

mod common;
#[path = "clock_faults/vendors.rs"]
mod vendors;

use serde_json::{json, Value};
use storelink_connectors::signature::{sign_sha256_hex, sign_standard};
use storelink_core::ids::{now, set_clock_offset};
use storelink_core::inbox::InboxEvent;
use storelink_core::supplier::SupplierOrderStatus;
use storelink_listener::ListenerConfig;
use uuid::Uuid;

use common::host;

const HOUR: i64 = 3600;
const WHSEC: &str = "whsec_c3RvcmVsaW5rLWNsb2NrLWZhdWx0LXdlYmhvb2sta2V5";
const HEX_SECRET: &str = "clock-fault-sha256-secret";

/// The clock is the whole process's: one test moves it at a time, and puts it back.
static CLOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        set_clock_offset(chrono::Duration::zero());
    }
}

fn event(n: u32) -> Value {
    json!({"id": format!("evt-clock-{n}"), "event": "reservation.created",
        "data": {"reservation_id": format!("RES-CLOCK-{n}"), "customer_name": "张三",
            "customer_phone": "13800138000", "customer_count": 2,
            "reservation_date": "2099-02-15T00:00:00", "reservation_time": "18:00-20:00",
            "status": "confirmed"}})
}

/// The 易理货 callbacks `system`'s inbox holds.
async fn callbacks(h: &common::Host, system: Uuid) -> usize {
    inbox(h, system)
        .await
        .iter()
        .filter(|e| e.kind == "callback")
        .count()
}

/// The entries `system`'s inbox holds.
async fn inbox(h: &common::Host, system: Uuid) -> Vec<InboxEvent> {
    h.services
        .list_inbox(&h.admin, Some(system), None, &Default::default())
        .await
        .expect("inbox")
        .items
}

struct Sender {
    http: reqwest::Client,
    base: String,
}

impl Sender {
    /// A listener on loopback for `h`'s services, and a client posting to it.
    async fn listen(h: &common::Host) -> (storelink_listener::Listener, Sender) {
        let listener = storelink_listener::start(h.services.clone(), ListenerConfig::loopback(0))
            .await
            .expect("listener");
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client");
        let sender = Sender {
            http,
            base: listener.base_url(),
        };
        (listener, sender)
    }

    async fn post(&self, system: Uuid, headers: &[(String, String)], body: &[u8]) -> (u16, String) {
        let mut req = self
            .http
            .post(format!(
                "{}/api/v1/integrations/webhooks/reservation/{system}",
                self.base
            ))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (name, value) in headers {
            req = req.header(name.as_str(), value.as_str());
        }
        let reply = req.send().await.expect("the listener answers");
        (reply.status().as_u16(), reply.text().await.expect("body"))
    }

    /// A Standard Webhooks delivery stamped `timestamp` (Unix seconds, as text).
    async fn standard(&self, system: Uuid, n: u32, timestamp: &str) -> (u16, String) {
        let body = event(n).to_string().into_bytes();
        let signed_at: i64 = timestamp.parse().unwrap_or(0);
        let signature = sign_standard(WHSEC, &format!("msg-{n}"), signed_at, &body).expect("sign");
        let headers = vec![
            ("webhook-id".to_owned(), format!("msg-{n}")),
            ("webhook-timestamp".to_owned(), timestamp.to_owned()),
            ("webhook-signature".to_owned(), signature),
        ];
        self.post(system, &headers, &body).await
    }

    /// A `sha256=` delivery whose envelope carries `timestamp` (the scheme signs no time).
    async fn sha256(&self, system: Uuid, n: u32, timestamp: &str) -> (u16, String) {
        let mut e = event(n);
        e["timestamp"] = json!(timestamp);
        let body = e.to_string().into_bytes();
        let headers = vec![(
            "X-Signature-256".to_owned(),
            sign_sha256_hex(HEX_SECRET, &body),
        )];
        self.post(system, &headers, &body).await
    }
}

impl Sender {
    /// A 易理货 callback form, as the vendor posts it.
    async fn ylh(&self, system: Uuid, form: String) -> (u16, Value) {
        let reply = self
            .http
            .post(format!(
                "{}/api/v1/integrations/callbacks/ylh/{system}",
                self.base
            ))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .expect("the listener answers");
        let status = reply.status().as_u16();
        let text = reply.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A Temu push, on Temu's own route.
    async fn temu(&self, push: &storelink_connectors::temu::webhook::Push) -> (u16, Value) {
        let mut req = self
            .http
            .post(format!("{}/api/webhook/temu", self.base))
            .body(push.body.clone());
        for (name, value) in &push.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        let reply = req.send().await.expect("the listener answers");
        let status = reply.status().as_u16();
        let text = reply.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn accepted(reply: &(u16, String), context: &str) {
    assert!(
        matches!(reply.0, 200 | 201),
        "{context}: {} {}",
        reply.0,
        reply.1
    );
}

fn refused(reply: &(u16, String), context: &str) {
    assert_eq!(reply.0, 401, "{context}: {}", reply.1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_tolerance_follows_the_clock_storelink_reads() {
    let _clock = CLOCK.lock().await;
    let _reset = Reset;
    let h = host().await;
    let system = |scheme: &str, secret: &str| {
        json!({"name": format!("易订 {scheme}"), "type": "reservation", "provider": "yiding",
            "store_id": "store-001",
            "config": {"webhook_secret": secret, "webhook_signature": scheme}})
    };
    let mut ids = Vec::new();
    for (scheme, secret) in [("standard_webhooks", WHSEC), ("sha256", HEX_SECRET)] {
        let input = serde_json::from_value(system(scheme, secret)).expect("input");
        ids.push(
            h.services
                .create_system(&h.admin, input)
                .await
                .expect("system")
                .id,
        );
    }
    let (standard, sha) = (ids[0], ids[1]);
    let (listener, sender) = Sender::listen(&h).await;

    let mut n = 0;
    let (mut ok, mut refusals) = (0, 0);
    for jump in [HOUR, -HOUR] {
        set_clock_offset(chrono::Duration::seconds(jump));
        let ours = now().timestamp();
        let real = chrono::Utc::now().timestamp();
        let context = |what: &str| format!("clock {jump:+} s, {what}");
        let stored_before = (inbox(&h, standard).await.len(), inbox(&h, sha).await.len());

        for skew in [0, 250, -250] {
            n += 1;
            accepted(
                &sender
                    .standard(standard, n, &(ours + skew).to_string())
                    .await,
                &context("standard"),
            );
            n += 1;
            let at = chrono::DateTime::from_timestamp(ours + skew, 0).expect("time");
            accepted(
                &sender.sha256(sha, n, &at.to_rfc3339()).await,
                &context("sha256"),
            );
            ok += 2;
        }
        // The sender's clock is right, ours is an hour off: refused, naming the clock.
        n += 1;
        let reply = sender.standard(standard, n, &real.to_string()).await;
        refused(&reply, &context("real time, standard"));
        assert!(reply.1.contains("away from now"), "{}", reply.1);
        n += 1;
        let at = chrono::DateTime::from_timestamp(real, 0).expect("time");
        let reply = sender.sha256(sha, n, &at.to_rfc3339()).await;
        refused(&reply, &context("real time, sha256"));
        assert!(reply.1.contains("this machine's clock"), "{}", reply.1);
        refusals += 2;
        for skew in [400, -400] {
            n += 1;
            refused(
                &sender
                    .standard(standard, n, &(ours + skew).to_string())
                    .await,
                &context("400 s off"),
            );
            refusals += 1;
        }
        for absurd in [
            "0",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
            "99999999999999999999",
        ] {
            n += 1;
            refused(
                &sender.standard(standard, n, absurd).await,
                &context(absurd),
            );
            n += 1;
            refused(&sender.sha256(sha, n, absurd).await, &context(absurd));
            refusals += 2;
        }
        for text in [
            "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "+262143-01-01T00:00:00Z",
        ] {
            n += 1;
            refused(&sender.sha256(sha, n, text).await, &context(text));
            refusals += 1;
        }
        let stored_after = (inbox(&h, standard).await.len(), inbox(&h, sha).await.len());
        assert_eq!(
            stored_after,
            (stored_before.0 + 3, stored_before.1 + 3),
            "only the accepted are stored"
        );
    }
    eprintln!("webhook clock faults: {ok} accepted, {refusals} refused");
    listener.stop().await;
}

/// 易理货 callbacks with our clock an hour off either way: the `TimeStamp` (the vendor's
/// local time, UTC+8) is judged against the clock Storelink reads. Within the tolerance
/// (300 s) of our shifted clock a confirm is applied; the vendor's right clock (an hour
/// away), 400 s off ours, and absurd or unreadable stamps are refused 401 in the vendor's
/// reply shape, naming the clock where it is the time; a refusal stores nothing and leaves
/// the order pending, and the same callback stamped right is applied afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ylh_callback_timestamps_are_judged_by_the_clock_storelink_reads() {
    let _clock = CLOCK.lock().await;
    let _reset = Reset;
    let h = host().await;
    let system = vendors::ylh_system(&h).await;
    let (listener, sender) = Sender::listen(&h).await;

    let mut n = 0;
    let (mut ok, mut refusals) = (0, 0);
    for jump in [HOUR, -HOUR] {
        set_clock_offset(chrono::Duration::seconds(jump));
        let ours = now().timestamp();
        let real = chrono::Utc::now().timestamp();
        let context = |what: &str| format!("易理货, clock {jump:+} s, {what}");
        let stored_before = callbacks(&h, system).await;

        for skew in [0, 250, -250] {
            n += 1;
            let number = format!("PO-CLOCK-{n}");
            vendors::ylh_order(&h, system, &number).await;
            let stamp = vendors::ylh_stamp(ours + skew);
            let reply = sender
                .ylh(system, vendors::ylh_confirm(&number, &stamp))
                .await;
            let what = context(&format!("{skew:+} s from ours"));
            assert_eq!(reply.0, 200, "{what}: {}", reply.1);
            assert_eq!(reply.1["success"], true, "{what}: {}", reply.1);
            assert_eq!(
                vendors::ylh_order_status(&h, system, &number).await,
                SupplierOrderStatus::Confirmed,
                "{what}"
            );
            ok += 1;
        }

        // The vendor's clock is right and ours is an hour off; or 400 s off ours; or a
        // stamp no clock could give: refused, and the order waits.
        let mut off = vec![
            ("the real time".to_owned(), vendors::ylh_stamp(real), true),
            (
                "the real time + 250 s".to_owned(),
                vendors::ylh_stamp(real + 250),
                true,
            ),
        ];
        for skew in [400, -400] {
            off.push((
                format!("{skew:+} s from ours"),
                vendors::ylh_stamp(ours + skew),
                true,
            ));
        }
        for absurd in ["00010101000000", "99991231235959", "19700101080000"] {
            off.push((absurd.to_owned(), absurd.to_owned(), true));
        }
        for unreadable in [
            "",
            "20991332250000",
            "2099-01-01 00:00:00",
            "-1",
            "9223372036854775807",
        ] {
            off.push((format!("`{unreadable}`"), unreadable.to_owned(), false));
        }
        n += 1;
        let number = format!("PO-CLOCK-{n}");
        vendors::ylh_order(&h, system, &number).await;
        for (what, stamp, a_time) in &off {
            let what = context(what);
            let reply = sender
                .ylh(system, vendors::ylh_confirm(&number, stamp))
                .await;
            assert_eq!(reply.0, 401, "{what}: {}", reply.1);
            assert_eq!(reply.1["success"], false, "{what}: {}", reply.1);
            assert_eq!(reply.1["code"], "401", "{what}: {}", reply.1);
            let message = reply.1["description"].as_str().unwrap_or_default();
            if *a_time {
                assert!(
                    message.contains("this machine's clock"),
                    "{what}: {message}"
                );
            } else {
                assert!(message.contains("yyyyMMddHHmmss"), "{what}: {message}");
            }
            refusals += 1;
        }
        assert_eq!(
            vendors::ylh_order_status(&h, system, &number).await,
            SupplierOrderStatus::Pending,
            "{}",
            context("after the refusals")
        );
        assert_eq!(
            callbacks(&h, system).await,
            stored_before + 3,
            "{}: only the accepted are stored",
            context("callbacks")
        );
        // The vendor sends it again with a stamp our clock agrees with: applied.
        let reply = sender
            .ylh(
                system,
                vendors::ylh_confirm(&number, &vendors::ylh_stamp(now().timestamp())),
            )
            .await;
        assert_eq!(reply.0, 200, "{}: {}", context("sent again"), reply.1);
        assert_eq!(
            vendors::ylh_order_status(&h, system, &number).await,
            SupplierOrderStatus::Confirmed,
            "{}",
            context("sent again")
        );
        assert_eq!(
            callbacks(&h, system).await,
            stored_before + 4,
            "{}",
            context("sent again")
        );
        ok += 1;
    }
    eprintln!("易理货 callback clock faults: {ok} accepted, {refusals} refused");
    listener.stop().await;
}

/// Temu signs its push's `x-tm-timestamp` but sets no age limit on it (a retry, up to 12 h
/// later, may carry a new one; see `crates/service/src/ingest/temu.rs`): with our clock an
/// hour off either way, pushes stamped at the real time, at ours, and a day old are all
/// kept, once each, and a retry stamped otherwise is a duplicate. Nothing about them reads
/// our clock against theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temu_pushes_set_no_age_limit_whatever_our_clock_says() {
    let _clock = CLOCK.lock().await;
    let _reset = Reset;
    let h = host().await;
    let system = vendors::temu_system(&h).await;
    let (listener, sender) = Sender::listen(&h).await;
    let (mut ok, mut repeats, mut n) = (0, 0, 0);
    for jump in [HOUR, -HOUR] {
        set_clock_offset(chrono::Duration::seconds(jump));
        let ours = now().timestamp_millis();
        let real = chrono::Utc::now().timestamp_millis();
        let day = 24 * HOUR * 1000;
        for (what, at) in [
            ("the real time", real),
            ("our time", ours),
            ("a day old", real - day),
        ] {
            n += 1;
            let order = format!("PO-211-CLOCK-{n}");
            let context = format!("Temu, clock {jump:+} s, stamped {what}");
            let reply = sender.temu(&vendors::temu_push(&order, 2, at, n)).await;
            assert_eq!(reply.0, 200, "{context}: {}", reply.1);
            assert_eq!(reply.1["duplicate"], false, "{context}: {}", reply.1);
            ok += 1;
            // Temu's retry: the same event, stamped an hour later.
            let retry = sender
                .temu(&vendors::temu_push(&order, 2, at + HOUR * 1000, n + 1))
                .await;
            assert_eq!(retry.0, 200, "{context}, retried: {}", retry.1);
            assert_eq!(
                retry.1["duplicate"], true,
                "{context}, retried: {}",
                retry.1
            );
            assert_eq!(retry.1["id"], reply.1["id"], "{context}, retried");
            repeats += 1;
        }
    }
    assert_eq!(inbox(&h, system).await.len(), ok, "each push kept once");
    eprintln!("Temu push clock faults: {ok} kept, {repeats} retries duplicates");
    listener.stop().await;
}
