//! The connector settings commands and the webhook secret's rotation over IPC, with
//! deliveries to the desktop's own listener: the new secret (answered once, by
//! `rotate_webhook_secret`) and the old one during the grace are accepted, the old one is
//! refused once `end_webhook_secret_grace` ran.

use serde_json::{json, Value};

use super::common::Desktop;
use super::webhooks::deliver;
use super::Planted;

/// The systems of the scan and their current webhook secrets: `(label, type, id, secret)`.
pub struct Webhooked {
    pub label: String,
    pub channel: String,
    pub id: Value,
    pub secret: String,
}

#[derive(Default)]
pub struct Rotations {
    /// Where each new secret may be seen: `(place, label)`.
    pub shown_once: Vec<(String, String)>,
    pub settings_read: usize,
    pub deliveries: usize,
    pub accepted: usize,
    pub refused: usize,
}

/// A free port on 127.0.0.1 (bound, then released) for the listener.
fn free_port() -> u16 {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    socket.local_addr().expect("addr").port()
}

fn webhook_status(reply: &Result<Value, Value>) -> Value {
    reply
        .as_ref()
        .map(|v| v["webhook"].clone())
        .unwrap_or_else(|e| e.clone())
}

pub fn rotate(
    d: &Desktop,
    all: &[(String, Value)],
    systems: &mut [Webhooked],
    p: &mut Planted,
    keep: &mut dyn FnMut(String, Result<Value, Value>),
) -> Rotations {
    let mut r = Rotations::default();
    let settings =
        json!({"settings": {"enabled": true, "lan": false, "port": free_port(), "tls": false}});
    let started = d.call("save_listener_settings", settings);
    let base = started
        .as_ref()
        .ok()
        .and_then(|s| s["url"].as_str())
        .unwrap_or_else(|| panic!("the listener did not start: {started:?}"))
        .to_owned();
    keep("listener".into(), started);
    for (label, id) in all {
        keep(
            format!("connector settings {label}"),
            d.call("connector_settings", json!({"id": id})),
        );
        r.settings_read += 1;
    }

    let mut n = 30_000;
    let mut send = |r: &mut Rotations,
                    note: &str,
                    s: &Webhooked,
                    secret: &str,
                    keep: &mut dyn FnMut(String, Result<Value, Value>)| {
        n += 1;
        let id = s.id.as_str().expect("id");
        let (status, reply) = deliver(&base, &s.channel, id, secret, n);
        keep(
            format!("{note} {}: POST ({status})", s.label),
            Ok(Value::String(reply)),
        );
        r.deliveries += 1;
        if (200..300).contains(&status) {
            r.accepted += 1;
        } else if status == 401 {
            r.refused += 1;
        }
        status
    };
    for s in systems.iter_mut() {
        let label = &s.label;
        let status = send(&mut r, "before rotation", s, &s.secret.clone(), keep);
        assert!(
            (200..300).contains(&status),
            "{label}: the secret given at create: {status}"
        );

        let place = format!("rotate {label}");
        let rotated = d.call("rotate_webhook_secret", json!({"id": s.id}));
        let new = rotated
            .as_ref()
            .ok()
            .and_then(|v| v["secret"].as_str())
            .unwrap_or_else(|| panic!("{label}: not rotated: {rotated:?}"))
            .to_owned();
        assert!(
            new.starts_with("whsec_"),
            "{label}: a Standard Webhooks secret"
        );
        keep(place.clone(), rotated);
        let secret_label = format!("{label}-rotation");
        p.0.push((secret_label.clone(), new.clone()));
        r.shown_once.push((place, secret_label));

        let spec = d.call("connector_settings", json!({"id": s.id}));
        let webhook = webhook_status(&spec);
        assert_eq!(webhook["in_grace"], true, "{label} in grace: {webhook}");
        keep(format!("connector settings in grace {label}"), spec);
        let old = s.secret.clone();
        let status = send(&mut r, "new in grace", s, &new, keep);
        assert!(
            (200..300).contains(&status),
            "{label}: the new secret: {status}"
        );
        let status = send(&mut r, "old in grace", s, &old, keep);
        assert!(
            (200..300).contains(&status),
            "{label}: the old secret in grace: {status}"
        );

        keep(
            format!("end grace {label}"),
            d.call("end_webhook_secret_grace", json!({"id": s.id})),
        );
        let spec = d.call("connector_settings", json!({"id": s.id}));
        let webhook = webhook_status(&spec);
        assert!(
            webhook["in_grace"] == false && webhook["has_secret"] == true,
            "{label} after grace: {webhook}"
        );
        keep(format!("connector settings after grace {label}"), spec);
        let status = send(&mut r, "old after grace", s, &old, keep);
        assert_eq!(status, 401, "{label}: the old secret after the grace");
        let status = send(&mut r, "new after grace", s, &new, keep);
        assert!(
            (200..300).contains(&status),
            "{label}: the new secret after grace: {status}"
        );
        // Nothing left to end: the answer is the system as it is.
        keep(
            format!("end grace again {label}"),
            d.call("end_webhook_secret_grace", json!({"id": s.id})),
        );
        s.secret = new;
    }
    let missing = json!({"id": uuid::Uuid::now_v7()});
    keep(
        "rotate missing".into(),
        d.call("rotate_webhook_secret", missing),
    );
    let stopped =
        json!({"settings": {"enabled": false, "lan": false, "port": free_port(), "tls": false}});
    keep(
        "listener stopped".into(),
        d.call("save_listener_settings", stopped),
    );
    r
}
