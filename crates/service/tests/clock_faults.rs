//! Webhook verification while this machine's clock is an hour off, both ways, over real
//! HTTP to the listener. The tolerance (5 minutes) is judged against the clock Storelink
//! reads (`storelink_core::ids::now`, moved with `set_clock_offset`): a sender that agrees
//! with it is accepted, one an hour away is refused with a message naming the clock, absurd
//! timestamps are refused without a panic, and a refusal stores nothing.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-service --test clock_faults`

mod common;

use serde_json::{json, Value};
use storelink_connectors::signature::{sign_sha256_hex, sign_standard};
use storelink_core::ids::{now, set_clock_offset};
use storelink_listener::ListenerConfig;
use uuid::Uuid;

use common::host;

const HOUR: i64 = 3600;
const WHSEC: &str = "whsec_c3RvcmVsaW5rLWNsb2NrLWZhdWx0LXdlYmhvb2sta2V5";
const HEX_SECRET: &str = "clock-fault-sha256-secret";

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

struct Sender {
    http: reqwest::Client,
    base: String,
}

impl Sender {
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
    let listener = storelink_listener::start(h.services.clone(), ListenerConfig::loopback(0))
        .await
        .expect("listener");
    let sender = Sender {
        http: reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client"),
        base: listener.base_url(),
    };
    let inbox = |id: Uuid| {
        let services = h.services.clone();
        let admin = h.admin.clone();
        async move {
            services
                .list_inbox(&admin, Some(id), None, &Default::default())
                .await
                .expect("inbox")
                .items
                .len()
        }
    };

    let mut n = 0;
    let (mut ok, mut refusals) = (0, 0);
    for jump in [HOUR, -HOUR] {
        set_clock_offset(chrono::Duration::seconds(jump));
        let ours = now().timestamp();
        let real = chrono::Utc::now().timestamp();
        let context = |what: &str| format!("clock {jump:+} s, {what}");
        let stored_before = (inbox(standard).await, inbox(sha).await);

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
        let stored_after = (inbox(standard).await, inbox(sha).await);
        assert_eq!(
            stored_after,
            (stored_before.0 + 3, stored_before.1 + 3),
            "only the accepted are stored"
        );
    }
    eprintln!("webhook clock faults: {ok} accepted, {refusals} refused");
    listener.stop().await;
}
