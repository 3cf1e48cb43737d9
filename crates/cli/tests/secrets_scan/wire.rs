//! The flows that arrive over HTTP (webhooks signed with each system's secret, 易理货
//! callbacks, Temu pushes, token pushes and reads) and the headless CLI as a process with
//! trace logging: every reply and every line it prints is kept.

use std::path::Path;

use serde_json::json;
use storelink_core::token::NewToken;
use storelink_core::{Actor, Role};
use storelink_listener::{Listener, ListenerConfig};
use storelink_service::Services;
use storelink_simulators::temu::WebhookLayout;
use storelink_simulators::yiding::sign_standard;

use super::events::event;
use super::fleet::{Fleet, Planted};
use super::flows::Captured;

pub struct Wire {
    pub listener: Listener,
    http: reqwest::Client,
    base: String,
}

impl Wire {
    pub async fn start(services: &Services) -> Wire {
        let listener = storelink_listener::start(services.clone(), ListenerConfig::loopback(0))
            .await
            .expect("listener");
        let base = listener.base_url();
        Wire {
            listener,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            base,
        }
    }

    /// Posts to the listener; the reply is kept under `POST <path> (<status>)`, after
    /// `note` when given (so the counts of the first webhook round leave it out).
    pub async fn post_noted(
        &self,
        note: &str,
        path: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
        c: &mut Captured,
    ) -> u16 {
        let mut req = self.http.post(format!("{}{path}", self.base)).body(body);
        for (name, value) in headers {
            req = req.header(name.as_str(), value.as_str());
        }
        let reply = req.send().await.expect("the listener answers");
        let status = reply.status().as_u16();
        let text = reply.text().await.unwrap_or_default();
        c.text(&format!("{note}POST {path} ({status})"), text);
        status
    }

    async fn post(
        &self,
        path: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
        c: &mut Captured,
    ) {
        self.post_noted("", path, headers, body, c).await;
    }

    /// A Standard Webhooks delivery of a `channel` event to system `id`, signed with
    /// `secret`: the listener's status.
    pub async fn deliver(
        &self,
        note: &str,
        channel: &str,
        id: &str,
        secret: &str,
        n: usize,
        c: &mut Captured,
    ) -> u16 {
        let body = event(channel, n).to_string().into_bytes();
        let stamp = storelink_core::ids::now().timestamp();
        let msg = format!("msg-secrets-{n}");
        let signature = sign_standard(secret, &msg, stamp, &body).expect("sign");
        let headers = vec![
            ("content-type".to_owned(), "application/json".to_owned()),
            ("webhook-id".to_owned(), msg),
            ("webhook-timestamp".to_owned(), stamp.to_string()),
            ("webhook-signature".to_owned(), signature),
        ];
        let path = format!("/api/v1/integrations/webhooks/{channel}/{id}");
        self.post_noted(note, &path, &headers, body, c).await
    }
}

/// The channels a Standard Webhooks delivery reaches (易理货 has its own callbacks).
pub const CHANNELS: [&str; 5] = ["pos", "supplier", "member", "reservation", "erp"];

/// Whether a system of the fleet takes Standard Webhooks deliveries.
pub fn takes_webhooks(system_type: &str, provider: &str) -> bool {
    CHANNELS.contains(&system_type) && provider != "ylh"
}

/// Webhooks signed with each system's current secret (and one with a wrong secret),
/// callbacks, pushes, and reads with an API token.
pub async fn webhooks(
    w: &Wire,
    services: &Services,
    fleet: &Fleet,
    p: &mut Planted,
    c: &mut Captured,
) {
    for (n, made) in fleet.systems.iter().enumerate() {
        if !takes_webhooks(&made.system_type, &made.provider) {
            continue;
        }
        let body = event(&made.system_type, n).to_string().into_bytes();
        let stamp = storelink_core::ids::now().timestamp();
        let msg = format!("msg-secrets-{n}");
        for secret in [made.webhook_secret.clone(), p.webhook("forged")] {
            let signature = sign_standard(&secret, &msg, stamp, &body).expect("sign");
            let headers = vec![
                ("content-type".to_owned(), "application/json".to_owned()),
                ("webhook-id".to_owned(), msg.clone()),
                ("webhook-timestamp".to_owned(), stamp.to_string()),
                ("webhook-signature".to_owned(), signature),
            ];
            let path = format!(
                "/api/v1/integrations/webhooks/{}/{}",
                made.system_type, made.id
            );
            w.post(&path, &headers, body.clone(), c).await;
        }
    }

    let ylh = fleet.find("supplier", "ylh");
    let form = fleet.sims.ylh.callback_form(
        "hmm.scm_heorder.confirm",
        &json!({"OrderNo": "SIM-PO-000001"}),
    );
    let headers = [(
        "content-type".to_owned(),
        "application/x-www-form-urlencoded".to_owned(),
    )];
    let path = format!("/api/v1/integrations/callbacks/ylh/{}", ylh.id);
    w.post(&path, &headers, form.into_bytes(), c).await;

    let temu = fleet.find("ecommerce", "temu");
    let status_change =
        json!({"parentOrderSn": "PO-SECRETS-1", "orderSn": "PO-SECRETS-1", "status": 2});
    let push = fleet.sims.temu.webhook(
        "bg_order_status_change_event",
        &status_change,
        WebhookLayout::DocExample,
    );
    let path = format!("/api/v1/integrations/webhooks/temu/{}", temu.id);
    w.post(&path, &push.headers, push.body, c).await;

    // A terminal's token is a secret too, once it has been shown.
    let pos = fleet.find("pos", "generic");
    let token = services
        .add_token(
            &Actor::local_cli(),
            NewToken {
                name: "till".into(),
                role: Role::StoreManager,
                system_id: None,
                rate_limit: Some(1000),
            },
        )
        .await
        .expect("token")
        .token;
    p.add("api-token", &token);
    let bearer = [
        ("authorization".to_owned(), format!("Bearer {token}")),
        ("content-type".to_owned(), "application/json".to_owned()),
    ];
    let sale = event("pos", 9000).get("data").cloned().unwrap_or_default();
    let path = format!("/api/v1/integrations/pos/{}/transactions", pos.id);
    w.post(&path, &bearer, sale.to_string().into_bytes(), c)
        .await;
    for path in ["systems", "sync-logs", "pos/transactions", "members"] {
        let reply = w
            .http
            .get(format!("{}/api/v1/integrations/{path}?limit=100", w.base))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .expect("answer");
        c.text(
            &format!("GET {path}"),
            reply.text().await.unwrap_or_default(),
        );
    }
}

/// The headless binary on the same data folder, with trace logging: its JSON output and
/// its log (stderr) are written under `logs`.
pub fn cli(data: &Path, logs: &Path, fleet: &Fleet, c: &mut Captured) {
    let mut runs: Vec<Vec<String>> = vec![
        vec!["status".into()],
        vec!["systems".into(), "list".into()],
        vec!["sync".into(), "tasks".into()],
        vec!["sync".into(), "logs".into(), "--limit".into(), "500".into()],
        vec!["outbox".into(), "list".into()],
        vec!["inbox".into(), "list".into()],
        vec!["tokens".into(), "list".into()],
        vec!["health".into()],
    ];
    for made in &fleet.systems {
        runs.push(vec!["systems".into(), "show".into(), made.id.to_string()]);
        runs.push(vec!["systems".into(), "test".into(), made.id.to_string()]);
    }
    let erp = fleet.find("erp", "custom").id.to_string();
    runs.push(vec![
        "sync".into(),
        "run".into(),
        erp,
        "--mode".into(),
        "full".into(),
    ]);
    for (i, args) in runs.iter().enumerate() {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_storelink"))
            .arg("--data-dir")
            .arg(data)
            .arg("--json")
            .args(args)
            .env("STORELINK_LOG", "trace")
            .env("RUST_LOG", "trace")
            .output()
            .expect("run storelink");
        let name = format!("cli-{i:02}-{}", args.join("_"));
        std::fs::write(logs.join(format!("{name}.stdout")), &out.stdout).expect("stdout");
        std::fs::write(logs.join(format!("{name}.stderr.log")), &out.stderr).expect("stderr");
        c.text(&name, String::from_utf8_lossy(&out.stdout).into_owned());
    }
}
