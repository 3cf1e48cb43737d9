//! The built `storelink` binary, run as a script would run it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use storelink_testkit::{files_containing, TestServer};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn storelink(dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storelink"));
    cmd.arg("--data-dir").arg(dir).args(args);
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn storelink");
    if let Some(mut input) = child.stdin.take() {
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("stdin");
        }
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn json(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

#[tokio::test(flavor = "multi_thread")]
async fn systems_lifecycle_through_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let secret = "cli-secret-4b1d-distinctive";
    let server = TestServer::start(200, Duration::ZERO).await;
    let endpoint = server.url("/pos");

    let added = json(&storelink(
        d,
        &[
            "--json",
            "systems",
            "add",
            "--name",
            "美团POS系统",
            "--type",
            "pos",
            "--provider",
            "Meituan",
            "--store-id",
            "store-001",
            "--api-endpoint",
            &endpoint,
            "--config",
            r#"{"merchant_no":"M1"}"#,
            "--api-key-stdin",
        ],
        Some(&format!("{secret}\n")),
        &[],
    ));
    let id = added["id"].as_str().expect("id").to_owned();
    assert_eq!(added["type"], "pos");
    assert_eq!(added["status"], "inactive");
    assert_eq!(added["secret_fields"], serde_json::json!(["api_key"]));

    let list = json(&storelink(
        d,
        &[
            "--json",
            "systems",
            "list",
            "--type",
            "pos",
            "--store-id",
            "store-001",
        ],
        None,
        &[],
    ));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["name"], "美团POS系统");
    let none = json(&storelink(
        d,
        &["--json", "systems", "list", "--type", "erp"],
        None,
        &[],
    ));
    assert_eq!(none, serde_json::json!([]));

    let updated = json(&storelink(
        d,
        &[
            "--json",
            "systems",
            "update",
            &id,
            "--sync-interval",
            "600",
            "--sync-enabled",
            "true",
        ],
        None,
        &[],
    ));
    assert_eq!(updated["sync_interval"], 600);
    assert_eq!(updated["sync_enabled"], true);

    let tested = json(&storelink(
        d,
        &["--json", "systems", "test", &id],
        None,
        &[],
    ));
    assert_eq!(tested["ok"], true);
    assert_eq!(tested["status"], "active");
    assert!(
        server.requests()[0].contains(secret),
        "the key is sent to the vendor, and only there"
    );

    let shown = json(&storelink(
        d,
        &["--json", "systems", "show", &id],
        None,
        &[],
    ));
    assert_eq!(shown["status"], "active");

    let text = storelink(d, &["systems", "list"], None, &[]);
    assert_eq!(text.code, 0);
    assert!(text.stdout.contains("美团POS系统") && text.stdout.contains("active"));

    let deleted = storelink(d, &["systems", "delete", &id], None, &[]);
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert_eq!(
        json(&storelink(d, &["--json", "systems", "list"], None, &[])),
        serde_json::json!([])
    );
    let gone = storelink(d, &["systems", "show", &id], None, &[]);
    assert_eq!(gone.code, 2);
    assert!(gone.stderr.contains("not found"));

    assert!(
        files_containing(d, secret).is_empty(),
        "secret reached the data folder"
    );
}

#[test]
fn bad_input_exits_2_and_names_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = storelink(
        dir.path(),
        &[
            "systems",
            "add",
            "--name",
            "x",
            "--type",
            "fax",
            "--provider",
            "p",
            "--sync-interval",
            "5",
        ],
        None,
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("type: type must be one of pos"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("sync_interval: sync_interval must be between 30 and 86400"),
        "{}",
        run.stderr
    );

    let run = storelink(
        dir.path(),
        &[
            "--json",
            "systems",
            "add",
            "--name",
            "x",
            "--type",
            "pos",
            "--provider",
            "p",
            "--config",
            "{not json",
        ],
        None,
        &[],
    );
    assert_eq!(run.code, 2);
    let err: Value = serde_json::from_str(&run.stderr).expect("JSON error on stderr");
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["errors"][0]["field"], "config");

    let run = storelink(
        dir.path(),
        &["systems", "list", "--status", "broken"],
        None,
        &[],
    );
    assert_eq!(run.code, 2);
    let run = storelink(dir.path(), &["systems", "frobnicate"], None, &[]);
    assert_eq!(run.code, 2, "unknown subcommand is bad input");
    assert_eq!(
        json(&storelink(
            dir.path(),
            &["--json", "systems", "list"],
            None,
            &[]
        )),
        serde_json::json!([])
    );
}

#[test]
fn status_reports_database_and_keychain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = json(&storelink(dir.path(), &["--json", "status"], None, &[]));
    assert_eq!(status["database"], "ok");
    assert_eq!(status["keychain"], "ok");
    assert_eq!(status["needs_admin"], true);
    assert_eq!(status["systems"], 0);
    let broken = storelink(
        dir.path(),
        &["status"],
        None,
        &[
            ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"),
            ("DISPLAY", ""),
        ],
    );
    assert_eq!(
        broken.code, 0,
        "status reports, it does not fail: {}",
        broken.stderr
    );
    assert!(
        broken.stdout.contains("keychain:    keychain unavailable"),
        "{}",
        broken.stdout
    );
}

#[test]
fn duplicate_name_is_a_conflict_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let add = |name: &str| {
        storelink(
            dir.path(),
            &[
                "systems",
                "add",
                "--name",
                name,
                "--type",
                "supplier",
                "--provider",
                "Shuhai",
                "--store-id",
                "store-001",
            ],
            None,
            &[],
        )
    };
    assert_eq!(add("蜀海供应链").code, 0);
    let dup = add("蜀海供应链");
    assert_eq!(dup.code, 2);
    assert!(dup.stderr.contains("already exists"), "{}", dup.stderr);
}

#[test]
fn users_add_with_password_from_env() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = storelink(
        dir.path(),
        &[
            "--json",
            "users",
            "add",
            "--username",
            "floor",
            "--role",
            "floor_manager",
        ],
        None,
        &[("STORELINK_PASSWORD", "Fl00r-pass!")],
    );
    let user = json(&run);
    assert_eq!(user["role"], "floor_manager");
    assert!(!run.stdout.contains("Fl00r-pass!"));
    let weak = storelink(
        dir.path(),
        &["users", "add", "--username", "w", "--role", "staff"],
        None,
        &[("STORELINK_PASSWORD", "short")],
    );
    assert_eq!(weak.code, 2);
    assert!(weak.stderr.contains("at least 8"));
    let no_password = storelink(
        dir.path(),
        &["users", "add", "--username", "n", "--role", "staff"],
        None,
        &[],
    );
    assert_eq!(
        no_password.code, 2,
        "stdin is not a terminal: {}",
        no_password.stderr
    );
    let list = json(&storelink(
        dir.path(),
        &["--json", "users", "list"],
        None,
        &[],
    ));
    assert_eq!(list.as_array().map(Vec::len), Some(1));
}

#[test]
fn keychain_unavailable_says_how_to_fix_it_and_saves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let no_bus = [
        (
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/storelink-test-bus",
        ),
        ("DISPLAY", ""),
    ];
    let run = storelink(
        dir.path(),
        &[
            "systems",
            "add",
            "--name",
            "ERP",
            "--type",
            "erp",
            "--provider",
            "SAP",
            "--api-key-stdin",
        ],
        Some("erp-key\n"),
        &no_bus,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("keychain"), "{}", run.stderr);
    assert!(
        run.stderr.contains("gnome-keyring") || run.stderr.contains("unlock"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("erp-key"));
    assert_eq!(
        json(&storelink(
            dir.path(),
            &["--json", "systems", "list"],
            None,
            &[]
        )),
        serde_json::json!([]),
        "no row without its secret"
    );
}

#[test]
fn unreadable_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("storelink.db");
    let junk = b"definitely not sqlite ".repeat(300);
    std::fs::write(&db, &junk).expect("write");
    let run = storelink(dir.path(), &["systems", "list"], None, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("database refused"), "{}", run.stderr);
    assert_eq!(std::fs::read(&db).expect("read"), junk);
}

#[test]
fn a_cron_schedule_is_checked_set_kept_beside_config_and_cleared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let add = |cron: &str| {
        storelink(
            d,
            &[
                "--json",
                "systems",
                "add",
                "--name",
                "ERP",
                "--type",
                "erp",
                "--provider",
                "custom",
                "--config",
                r#"{"username":"u"}"#,
                "--cron",
                cron,
            ],
            None,
            &[],
        )
    };
    let run = add("61 * * * *");
    assert_eq!(run.code, 2, "{}", run.stderr);
    let err: Value = serde_json::from_str(&run.stderr).expect("JSON error on stderr");
    assert_eq!(err["errors"][0]["field"], "config.sync_cron");
    assert!(
        err["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("out of bounds")),
        "{err}"
    );

    let added = json(&add("*/15 * * * *"));
    assert_eq!(
        added["config"],
        serde_json::json!({"username": "u", "sync_cron": "*/15 * * * *"})
    );
    let id = added["id"].as_str().expect("id").to_owned();
    let updated = json(&storelink(
        d,
        &["--json", "systems", "update", &id, "--cron", "0 2 * * *"],
        None,
        &[],
    ));
    assert_eq!(
        updated["config"],
        serde_json::json!({"username": "u", "sync_cron": "0 2 * * *"})
    );
    let shown = storelink(d, &["systems", "show", &id], None, &[]);
    assert!(
        shown.stdout.contains("cron `0 2 * * *`"),
        "{}",
        shown.stdout
    );
    let cleared = json(&storelink(
        d,
        &["--json", "systems", "update", &id, "--no-cron"],
        None,
        &[],
    ));
    assert_eq!(cleared["config"], serde_json::json!({"username": "u"}));
}
