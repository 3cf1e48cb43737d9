//! The roles matrix over IPC: every role signed in to the desktop (Tauri's mock runtime, no
//! window, the real keychain) against every command that carries an operation, compared
//! with the seeds' permission table (typed out from the seeds in
//! crates/service/tests/roles_matrix/seed_table.rs, not derived from roles.rs). A refusal
//! must cross IPC as the typed `forbidden` error naming operation and role, change no row
//! or file, and leave one `forbidden` audit entry. Refusals run first, while nothing else
//! writes; allowed calls after.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-desktop --test roles_matrix`

mod common;

#[path = "roles_matrix/commands.rs"]
mod commands;
#[path = "../../crates/service/tests/roles_matrix/db_state.rs"]
mod db_state;
#[path = "../../crates/service/tests/roles_matrix/seed_table.rs"]
mod seed_table;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use storelink_desktop::notify::{self, Presenter};
use storelink_desktop::notify_rules::Notice;
use storelink_desktop::AppState;
use tauri::Manager;

use commands::COMMANDS;
use common::Desktop;

/// Notifications are not what this test looks at.
struct Quiet;

impl Presenter for Quiet {
    fn present(&self, _id: u32, _notice: &Notice) -> Result<(), String> {
        Ok(())
    }
}

const PASSWORD: &str = "Passw0rd-long";

fn sign_in(d: &Desktop, role: &str) {
    let name = if role == "admin" { "admin" } else { role };
    let password = if role == "admin" {
        "Adm1n-pass!"
    } else {
        PASSWORD
    };
    d.ok("login", json!({"username": name, "password": password}));
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tauri::async_runtime::block_on(f)
}

/// Every command the app registers is in the matrix, or listed as checking no role with
/// the reason; none is both, none twice.
#[test]
fn every_registered_command_is_in_the_matrix_or_named_as_not_role_checked() {
    let registered = commands::registered_commands();
    assert!(
        registered.len() > 60 && registered.iter().any(|c| c == "list_systems"),
        "read the commands from lib.rs: {registered:?}"
    );
    let unique: BTreeSet<&str> = registered.iter().map(String::as_str).collect();
    assert_eq!(unique.len(), registered.len(), "a command registered twice");
    let probed: Vec<&str> = COMMANDS.iter().map(|(c, _, _)| *c).collect();
    let exempt: Vec<&str> = commands::NOT_ROLE_CHECKED.iter().map(|(c, _)| *c).collect();
    let listed: BTreeSet<&str> = probed.iter().chain(&exempt).copied().collect();
    assert_eq!(
        listed.len(),
        probed.len() + exempt.len(),
        "a command listed twice, or both probed and exempt"
    );
    let missing: Vec<&&str> = unique.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "registered commands neither in COMMANDS nor in NOT_ROLE_CHECKED \
         (roles_matrix/commands.rs): {missing:?}"
    );
    let unknown: Vec<&&str> = listed.difference(&unique).collect();
    assert!(unknown.is_empty(), "listed but not registered: {unknown:?}");
    for (command, _) in commands::SIGNED_IN_ONLY {
        assert!(exempt.contains(command), "{command}");
    }
}

#[test]
fn every_role_against_every_desktop_command() {
    let d = Desktop::open_with(|app| {
        let prefs = block(notify::saved_prefs(app.handle()));
        notify::start(app.handle(), Box::new(Quiet), prefs)
    });
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );
    for role in &seed_table::ROLES[1..] {
        d.ok(
            "add_user_account",
            json!({"username": role, "password": PASSWORD, "role": role}),
        );
    }
    let services = d
        .app
        .state::<AppState>()
        .services()
        .expect("services")
        .clone();
    let pool = services.db().pool().clone();
    let f = commands::fixture(&services);
    let folders = [services.data_dir(), f.export_dir.path()];
    let mut n = 0_u32;

    // What the UI is told it may do is the seeds' row for the role, exactly.
    for role in seed_table::ROLES {
        sign_in(&d, role);
        let told: BTreeSet<String> = serde_json::from_value(d.ok("my_permissions", json!({})))
            .expect("a list of operations");
        let seeds: BTreeSet<String> = seed_table::TABLE
            .iter()
            .filter(|(_, roles, _)| roles.contains(role))
            .map(|(op, _, _)| (*op).to_owned())
            .collect();
        assert_eq!(told, seeds, "my_permissions of {role}");
        // The commands that check no role answer every signed-in role.
        for (command, args) in commands::SIGNED_IN_ONLY {
            let args: Value = serde_json::from_str(args).expect("arguments");
            if let Err(e) = d.call(command, args) {
                panic!("{role} × {command}: checks no role, but answered {e}");
            }
        }
    }

    let mut refused = 0;
    for role in seed_table::ROLES {
        sign_in(&d, role);
        for (command, op, _) in COMMANDS {
            if seed_table::allowed(op, role) {
                continue;
            }
            n += 1;
            let cell = format!("{role} × {command} ({op})");
            let args = commands::args(&services, &f, command, n, false);
            let before = block(db_state::snapshot(&pool, &folders));
            let error: Value = match d.call(command, args) {
                Ok(v) => panic!("{cell}: the seeds refuse it, the command answered {v}"),
                Err(e) => e,
            };
            assert_eq!(
                error,
                json!({"kind": "forbidden", "operation": op, "role": role}),
                "{cell}"
            );
            let after = block(db_state::snapshot(&pool, &folders));
            block(db_state::assert_refusal_recorded(
                &pool, &before, &after, op, &cell,
            ));
            refused += 1;
        }
    }

    let mut allowed = 0;
    for role in seed_table::ROLES {
        sign_in(&d, role);
        for (command, op, tolerated) in COMMANDS {
            if !seed_table::allowed(op, role) {
                continue;
            }
            n += 1;
            let cell = format!("{role} × {command} ({op})");
            let args = commands::args(&services, &f, command, n, true);
            if let Err(e) = d.call(command, args) {
                let kind = e["kind"].as_str().unwrap_or_default();
                assert!(
                    tolerated.contains(&kind),
                    "{cell}: allowed by the seeds but failed: {e}"
                );
            }
            allowed += 1;
        }
    }
    // No demo is left running (simulators, the listener, the demo terminal).
    sign_in(&d, "admin");
    d.ok("remove_demo", json!({}));
    let demo = d.ok("demo_status", json!({}));
    assert_eq!(
        (&demo["running"], &demo["systems"]),
        (&json!(false), &json!([])),
        "{demo}"
    );
    assert_eq!(allowed + refused, COMMANDS.len() * seed_table::ROLES.len());
    eprintln!(
        "IPC roles matrix: {} cells, {allowed} allowed, {refused} refused",
        allowed + refused
    );
}
