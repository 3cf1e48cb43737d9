//! No secret crosses IPC. Systems of every type are created through the desktop's commands
//! (Tauri's mock runtime, the real keychain) with distinctive secrets, then read, listed,
//! updated (secrets rotated and cleared), tested against a loopback server and a closed
//! port, synced, their connector settings read, their webhook secrets rotated by the app
//! (webhooks to the desktop's own listener signed with the new and, in the grace, the old
//! secret accepted; the old one refused once the grace is ended), exported, backed up and
//! audited; every IPC reply and error, every listener reply, and the data folder (database,
//! `-wal`, `-shm`, backups) and exports, are searched for every secret as is, in base64 at
//! any alignment and in hex: zero hits. Control strings prove the search sees what a reply,
//! an error and the database hold; each rotated secret must be seen in its rotation's
//! reply, and only there. (The CLI, logs, webhooks and syncs against every simulator are
//! crates/cli/tests/secrets_scan.rs.)
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-desktop --test secrets_ipc`

mod common;

#[path = "secrets_ipc/rotation.rs"]
mod rotation;
#[path = "../../crates/cli/tests/secrets_scan/scan.rs"]
mod scan;
#[path = "secrets_ipc/webhooks.rs"]
mod webhooks;

use std::path::PathBuf;

use serde_json::{json, Value};
use storelink_testkit::TestServer;

use common::Desktop;
use rotation::Webhooked;
use scan::{search, shown_once, Needles};

const TYPES: &[(&str, &str)] = &[
    ("pos", "generic"),
    ("supplier", "haier"),
    ("member", "wechat"),
    ("payment", "generic"),
    ("delivery", "generic"),
    ("erp", "custom"),
    ("reservation", "yiding"),
    ("ecommerce", "temu"),
];

/// The types whose systems take Standard Webhooks deliveries.
const WEBHOOK_CHANNELS: &[&str] = &["pos", "supplier", "member", "reservation", "erp"];

struct Planted(Vec<(String, String)>);

impl Planted {
    fn make(&mut self, label: &str) -> String {
        let random = uuid::Uuid::now_v7().simple().to_string();
        let value = format!("SLSECRET-{label}-{}", &random[20..]);
        self.0.push((label.to_owned(), value.clone()));
        value
    }
}

#[test]
fn no_secret_crosses_ipc_or_reaches_the_data_folder() {
    let d = Desktop::open();
    let status = d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );
    assert_eq!(status["username"], "admin");
    let data = PathBuf::from(
        d.ok("app_status", json!({}))["data_dir"]
            .as_str()
            .expect("data folder"),
    );
    let vendor = tauri::async_runtime::block_on(TestServer::start(200, Default::default()));
    let exports = tempfile::tempdir().expect("exports");
    let mut p = Planted(Vec::new());
    let mut replies: Vec<(String, String)> = Vec::new();
    let mut keep = |place: String, r: Result<Value, Value>| {
        let text = match r {
            Ok(v) | Err(v) => v.to_string(),
        };
        replies.push((place, text));
    };

    let mut ids = Vec::new();
    let mut webhooked = Vec::new();
    for (kind, provider) in TYPES {
        let label = format!("{kind}_{provider}");
        let webhook_secret = format!(
            "whsec_{}",
            scan::base64(p.make(&format!("{label}-whkey")).as_bytes())
        );
        let input = json!({"input": {"name": format!("{label} ipc"), "type": kind,
            "provider": provider, "store_id": "store-001", "api_endpoint": vendor.url("/api"),
            "sync_enabled": false,
            // A secret in config is lifted to the keychain like one in `secrets`.
            "config": {"app_secret": p.make(&format!("{label}-config-app_secret")), "timeout_ms": 2000},
            "secrets": {"api_key": p.make(&format!("{label}-api_key")),
                "password": p.make(&format!("{label}-password")),
                "webhook_secret": webhook_secret}}});
        let made = d.call("create_system", input);
        let id = made.as_ref().map(|v| v["id"].clone()).unwrap_or_default();
        if WEBHOOK_CHANNELS.contains(kind) {
            webhooked.push(Webhooked {
                label: label.clone(),
                channel: (*kind).to_owned(),
                id: id.clone(),
                secret: webhook_secret,
            });
        }
        keep(format!("create {label}"), made);
        ids.push((label, id));
    }
    let created: Vec<&String> = ids
        .iter()
        .filter(|(_, id)| id.is_null())
        .map(|(l, _)| l)
        .collect();
    assert!(created.is_empty(), "not created: {created:?} {replies:?}");
    for (label, id) in &ids {
        keep(
            format!("get {label}"),
            d.call("get_system", json!({"id": id})),
        );
        keep(
            format!("test {label}"),
            d.call("test_system", json!({"id": id})),
        );
        let patch = json!({"id": id, "patch": {"name": format!("{label} renamed"),
            "secrets": {"api_key": p.make(&format!("{label}-rotated"))},
            "clear_secrets": ["password"]}});
        keep(format!("update {label}"), d.call("update_system", patch));
        keep(
            format!("streams {label}"),
            d.call("sync_streams", json!({"systemId": id})),
        );
        let run = json!({"systemId": id, "stream": "customers", "mode": "full"});
        keep(format!("sync {label}"), d.call("run_sync", run));
    }
    // A closed port, a nested secret, an over-long one: refusals must not quote them.
    let closed = json!({"input": {"name": "closed", "type": "erp", "provider": "custom",
        "api_endpoint": "http://127.0.0.1:9/api", "secrets": {"password": p.make("closed-password")}}});
    let closed = d.ok("create_system", closed)["id"].clone();
    keep(
        "test closed".into(),
        d.call("test_system", json!({"id": closed})),
    );
    let nested = json!({"input": {"name": "nested", "type": "erp", "provider": "custom",
        "config": {"auth": {"password": p.make("nested-password")}}}});
    keep("nested".into(), d.call("create_system", nested));
    let long = format!("{}{}", p.make("too-long"), "x".repeat(5000));
    let long = json!({"input": {"name": "long", "type": "erp", "provider": "custom",
        "secrets": {"password": long}}});
    keep("too long".into(), d.call("create_system", long));

    // Connector settings of every system, and each webhook secret rotated: deliveries to
    // the desktop's listener signed with the new one, the old one in and after the grace.
    let rotations = rotation::rotate(&d, &ids, &mut webhooked, &mut p, &mut keep);

    // Controls: a name the database, the list reply and an error text must show.
    let mut controls = Planted(Vec::new());
    let name = controls.make("control-name");
    let control = json!({"input": {"name": name, "type": "payment", "provider": "control"}});
    keep("control create".into(), d.call("create_system", control));
    let missing = controls.make("control-error");
    keep(
        "control error".into(),
        d.call("get_system", json!({"id": missing})),
    );

    keep(
        "list".into(),
        d.call("list_systems", json!({"filter": {"limit": 100}})),
    );
    keep(
        "tasks".into(),
        d.call("list_sync_tasks", json!({"query": {}})),
    );
    keep(
        "logs".into(),
        d.call("list_sync_logs", json!({"query": {}})),
    );
    keep(
        "audit".into(),
        d.call("search_audit_log", json!({"query": {"limit": 500}})),
    );
    keep("dashboard".into(), d.call("dashboard", json!({})));
    keep("backup".into(), d.call("run_backup", json!({})));
    keep("backups".into(), d.call("backups_overview", json!({})));
    let export = json!({"exportId": "e1", "filter": {"kind": "customers"},
        "options": {"format": "csv", "language": "en"},
        "destination": {"folder": exports.path().display().to_string(), "file_name": "customers"},
        "onProgress": "__CHANNEL__:7"});
    keep("export".into(), d.call("export_records", export));

    let mut control_needles = Needles::new();
    for (label, value) in &controls.0 {
        control_needles.add(label, value);
    }
    let roots = [data.as_path(), exports.path()];
    let (seen, _) = search(&control_needles, &roots, &replies);
    for (label, place) in [
        ("control-name", "list"),
        ("control-name", "storelink.db"),
        ("control-error", "control error"),
    ] {
        assert!(
            seen.iter()
                .any(|h| h.label == label && h.place.contains(place)),
            "the search cannot see {label} in {place}: {seen:?}"
        );
    }

    let mut needles = Needles::new();
    for (label, value) in &p.0 {
        needles.add(label, value);
    }
    let (hits, bytes) = search(&needles, &roots, &replies);
    let hits = shown_once(&rotations.shown_once, hits);
    eprintln!(
        "IPC secrets scan: {} secrets ({} forms), {} replies, {bytes} bytes searched, {} hits",
        needles.labels(),
        needles.forms(),
        replies.len(),
        hits.len()
    );
    eprintln!(
        "IPC rotations: {} connector settings read, {} webhook secrets rotated (each seen only in its rotation's reply), {} deliveries to the listener: {} accepted, {} refused",
        rotations.settings_read,
        rotations.shown_once.len(),
        rotations.deliveries,
        rotations.accepted,
        rotations.refused,
    );
    let found: Vec<String> = hits.iter().map(scan::Hit::describe).collect();
    assert!(found.is_empty(), "secrets found:\n{}", found.join("\n"));
    // The vendor did receive them: the search is not blind to where they do belong.
    let seen_by_vendor = vendor.requests().join("\n");
    assert!(
        !needles.find(&seen_by_vendor).is_empty(),
        "the connection tests sent no secret at all"
    );
}
