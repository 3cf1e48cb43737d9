//! No secret leaks. One system of every type and provider is created with distinctive
//! secrets (`SLSECRET-<label>-<random>`, and `whsec_` webhook keys), each simulator takes
//! them as its real credentials, and every flow runs: create, update (rotating the webhook
//! secret), connection test, full and incremental sync, webhooks/callbacks/pushes over HTTP,
//! the connector settings and a webhook secret rotation (`rotate_webhook_secret`, deliveries
//! signed with the new and, in the grace, the old secret, `end_webhook_secret_grace`, the
//! old one refused after), outbox deliveries, exports, a backup, refusals, and the headless
//! CLI with trace logging: its reads, and its writes taking secrets on stdin (`systems add`
//! and `systems update` with `--api-key-stdin`/`--webhook-secret-stdin`, each secret then
//! shown to work by a connection test, a sync and signed webhooks).
//! Then the data folder (database, `-wal`, `-shm`, backups, exports), the trace logs (this
//! process's and the CLI's), the CLI's output, HTTP replies and error texts are searched for
//! every secret as is, in base64 at any alignment and in hex: zero hits. The search proves
//! it can fail first, on control strings planted where each kind of place would show them;
//! a secret Storelink makes in a rotation must be seen in that rotation's reply, and only
//! there.
//! The desktop's IPC replies are searched by src-tauri/tests/secrets_ipc.rs.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-cli --test secrets_scan`

#[path = "secrets_scan/cli_writes.rs"]
mod cli_writes;
#[path = "secrets_scan/events.rs"]
mod events;
#[path = "secrets_scan/fleet.rs"]
mod fleet;
#[path = "secrets_scan/flows.rs"]
mod flows;
#[path = "secrets_scan/rotation.rs"]
mod rotation;
#[path = "secrets_scan/scan.rs"]
mod scan;
#[path = "secrets_scan/specs.rs"]
mod specs;
#[path = "secrets_scan/wire.rs"]
mod wire;

use std::path::Path;

use storelink_core::system::NewSystem;
use storelink_service::Services;

use flows::Captured;
use scan::{places, search, shown_once, Hit, Needles};

fn trace_to(file: &Path) {
    let file = std::fs::File::create(file).expect("log file");
    // What Storelink and the libraries it calls write at the most verbose level; the
    // simulators stand for the vendors, whose logs are not ours.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "trace,storelink_simulators=off",
        ))
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

/// A control label, where it must be seen, and how that place is named.
type Check = (&'static str, &'static str, fn(&str) -> bool);

/// The control strings must be found where each kind of place shows a stored value.
fn assert_controls_found(hits: &[Hit]) {
    let found = |label: &str, place: fn(&str) -> bool| {
        hits.iter().any(|h| h.label == label && place(&h.place))
    };
    let checks: [Check; 8] = [
        ("control-name", "the database or its WAL", |p: &str| {
            p.contains("storelink.db")
        }),
        ("control-name", "the trace log", |p: &str| {
            p.ends_with("in-process-trace.log")
        }),
        ("control-name", "the CLI output", |p: &str| {
            p.ends_with(".stdout")
        }),
        ("control-name", "an HTTP reply", |p: &str| {
            p.starts_with("GET systems")
        }),
        (
            "control-cli-write",
            "the output of a CLI write",
            |p: &str| p.starts_with("cli-write-") && p.ends_with("add stdout"),
        ),
        (
            "control-cli-write",
            "the trace of a CLI write",
            |p: &str| p.starts_with("cli-write-") && p.ends_with("add stderr"),
        ),
        ("control-error", "an error text", |p: &str| {
            p == "control error"
        }),
        ("control-b64", "the database, as base64", |p: &str| {
            p.contains("storelink.db")
        }),
    ];
    for (label, what, place) in checks {
        assert!(
            found(label, place),
            "the search cannot see {label} in {what}:\n{}",
            places(hits)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_a_file_a_log_an_output_or_an_error() {
    let root = tempfile::tempdir().expect("tempdir");
    let (data, logs, exports) = (
        root.path().join("data"),
        root.path().join("logs"),
        root.path().join("exports"),
    );
    for d in [&data, &logs, &exports] {
        std::fs::create_dir_all(d).expect("folder");
    }
    trace_to(&logs.join("in-process-trace.log"));

    let services = Services::open(&data).await.expect("open");
    let (_, admin) = services
        .create_first_admin("admin", "Adm1n-pass!")
        .await
        .expect("admin");
    let mut planted = fleet::Planted::default();
    let mut captured = Captured::default();
    let sims = fleet::start(&mut planted).await;
    let mut fleet = fleet::create(&services, &admin, sims, &mut planted).await;

    // Controls: stored, logged, printed and echoed like any value a person types.
    let mut controls = fleet::Planted::default();
    let name = controls.make("control-name");
    let hidden = controls.make("control-b64");
    let missing = controls.make("control-error");
    for (label, name) in [
        ("name", name.clone()),
        ("b64", format!("b64 {}", scan::base64(hidden.as_bytes()))),
    ] {
        let input = NewSystem {
            name,
            system_type: "payment".into(),
            provider: format!("control-{label}"),
            ..NewSystem::default()
        };
        services
            .create_system(&admin, input)
            .await
            .expect("control system");
    }
    captured.keep(
        "control error",
        &services.get_system(&admin, &missing).await,
    );

    flows::systems(&services, &admin, &mut fleet, &mut planted, &mut captured).await;
    flows::refusals(&services, &admin, &fleet, &mut planted, &mut captured).await;
    flows::outbox(&services, &admin, &fleet, &mut captured).await;
    let w = wire::Wire::start(&services).await;
    wire::webhooks(&w, &services, &fleet, &mut planted, &mut captured).await;
    let rotations = rotation::rotate(
        &w,
        &services,
        &admin,
        &mut fleet,
        &mut planted,
        &mut captured,
    )
    .await;
    flows::exports_and_backup(&services, &admin, &exports, &mut captured).await;
    wire::cli(&data, &logs, &fleet, &mut captured);
    let writes =
        cli_writes::cli_writes(&w, &data, &logs, &mut planted, &mut controls, &mut captured).await;

    // The flows did reach the vendors with those secrets.
    let synced = captured
        .0
        .iter()
        .filter(|(place, text)| {
            place.starts_with("sync ") && text.contains("\"status\":\"completed\"")
        })
        .count();
    assert!(
        synced >= 20,
        "streams synced with the planted secrets: {synced}"
    );
    let answered = |status: &str| {
        captured
            .0
            .iter()
            .filter(|(place, _)| {
                place.starts_with("POST ")
                    && place.contains("/webhooks/")
                    && place.ends_with(status)
            })
            .count()
    };
    let (signed, forged) = (answered("(200)") + answered("(201)"), answered("(401)"));
    assert!(
        signed >= 8 && forged >= 8,
        "webhooks: {signed} accepted, {forged} refused"
    );

    let mut needles = Needles::new();
    for (label, value) in &planted.0 {
        needles.add(label, value);
    }
    let mut control_needles = Needles::new();
    for (label, value) in &controls.0 {
        control_needles.add(label, value);
    }
    let roots = [data.as_path(), logs.as_path(), exports.as_path()];

    // While open (WAL and shared memory in use), then closed (checkpointed).
    let (control_hits, _) = search(&control_needles, &roots, &captured.0);
    assert_controls_found(&control_hits);
    let (open_hits, open_bytes) = search(&needles, &roots, &captured.0);
    let open_hits = shown_once(&rotations.shown_once, open_hits);
    w.listener.stop().await;
    services.close().await;
    let (closed_hits, closed_bytes) = search(&needles, &roots, &captured.0);
    let closed_hits = shown_once(&rotations.shown_once, closed_hits);
    let files = roots.iter().map(|r| scan::files(r).len()).sum::<usize>();
    eprintln!(
        "secrets scan: {} secrets ({} forms), {synced} syncs, {signed}+{forged} webhooks, {} texts, {files} files, {} + {} bytes searched, {} hits",
        needles.labels(),
        needles.forms(),
        captured.0.len(),
        open_bytes,
        closed_bytes,
        open_hits.len() + closed_hits.len()
    );
    eprintln!(
        "rotations: {} connector settings read, {} webhook secrets rotated (each seen only in its rotation's reply), {} deliveries signed with the new secret accepted, {} with the old one in grace accepted, {} after the grace refused; CLI writes: {} runs, {} webhooks accepted + {} refused",
        rotations.settings_read,
        rotations.shown_once.len(),
        rotations.new_accepted,
        rotations.old_accepted_in_grace,
        rotations.old_refused_after,
        writes.runs,
        writes.webhooks_accepted,
        writes.webhooks_refused,
    );
    assert!(
        open_hits.is_empty(),
        "secrets found (app open):\n{}",
        places(&open_hits)
    );
    assert!(
        closed_hits.is_empty(),
        "secrets found (app closed):\n{}",
        places(&closed_hits)
    );
}
