//! Every role against every operation, through the core's check and through each public
//! service call, compared with the seeds' permission table typed out in
//! `roles_matrix/seed_table.rs` (not derived from roles.rs). An allowed call must get past
//! the check (and succeed, unless the probe names the state error it meets); a refused one
//! must be the typed `Forbidden` naming the operation and role, change no row and no file,
//! and leave exactly one `forbidden` audit entry.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-service --test roles_matrix`

mod common;

#[path = "roles_matrix/db_state.rs"]
mod db_state;
#[path = "roles_matrix/fixtures.rs"]
mod fixtures;
#[path = "roles_matrix/probe_table.rs"]
mod probe_table;
#[path = "roles_matrix/probes.rs"]
mod probes;
#[path = "roles_matrix/seed_table.rs"]
mod seed_table;

use std::collections::BTreeSet;

use storelink_core::{Actor, AppError, Operation, Role};

use common::{host, user};
use fixtures::Ctx;
use probe_table::PROBES;

fn kind(e: &AppError) -> String {
    serde_json::to_value(e).expect("error json")["kind"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_seed_table_names_every_role_and_operation_of_the_core() {
    let table: BTreeSet<&str> = seed_table::TABLE.iter().map(|(op, _, _)| *op).collect();
    let core: BTreeSet<&str> = Operation::NAMES.iter().copied().collect();
    assert_eq!(table, core, "operations of the seeds' table vs the core's");
    assert_eq!(
        seed_table::TABLE.len(),
        table.len(),
        "one row per operation"
    );
    let roles: BTreeSet<&str> = Role::NAMES.iter().copied().collect();
    assert_eq!(roles, seed_table::ROLES.iter().copied().collect());
}

/// (a) The core: `Actor::can` and `require` against the seeds, every cell.
#[test]
fn the_core_permission_table_matches_the_seeds() {
    let mut wrong = Vec::new();
    for &role in Role::ALL {
        let actor = Actor {
            user_id: None,
            username: "t".into(),
            role,
            system_id: None,
        };
        for &op in Operation::ALL {
            let expected = seed_table::allowed(op.as_str(), role.as_str());
            if actor.can(op) != expected {
                wrong.push(format!(
                    "{role} × {op}: core {} seeds {expected}",
                    actor.can(op)
                ));
            }
            match actor.require(op) {
                Ok(()) => assert!(actor.can(op), "{role} × {op}"),
                Err(AppError::Forbidden { operation, role: r }) => {
                    assert!(!actor.can(op), "{role} × {op}");
                    assert_eq!(
                        (operation.as_str(), r.as_str()),
                        (op.as_str(), role.as_str())
                    );
                }
                Err(other) => panic!("{role} × {op}: {other:?}"),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "roles.rs disagrees with the seeds:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_operation_has_a_service_probe() {
    let probed: BTreeSet<&str> = PROBES.iter().map(|(_, op, _)| *op).collect();
    let missing: Vec<&str> = Operation::NAMES
        .iter()
        .copied()
        .filter(|op| !probed.contains(op))
        .collect();
    assert!(
        missing.is_empty(),
        "operations no service call probes: {missing:?}"
    );
}

/// Probes named after what a shell does rather than the service method they call.
const PROBE_CALLS: &[(&str, &str)] = &[(
    "listener_status",
    // The listener is the shell's; its status is `require(ListenerManage)` around it.
    "require",
)];

/// Public methods of the service that take an `Actor` and have no probe, each with why.
/// (None today: every such method checks the caller's role and is probed.)
const NOT_PROBED: &[(&str, &str)] = &[];

/// The public methods (`pub fn`, `pub async fn`; not `pub(crate)`) taking `self` and an
/// `Actor`, read from the service crate's source, with the file each is in.
fn service_methods_taking_an_actor() -> BTreeSet<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut found = BTreeSet::new();
    for file in files {
        let text: String = std::fs::read_to_string(&file)
            .expect("source file")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut rest = text.as_str();
        while let Some(at) = rest.find("pub ") {
            rest = &rest[at + 4..];
            let head = rest
                .trim_start_matches("async ")
                .trim_start_matches("const ");
            let Some(sig) = head.strip_prefix("fn ") else {
                continue;
            };
            let name: String = sig
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(open) = sig.find('(') else { continue };
            let mut depth = 0;
            let params = sig[open..]
                .char_indices()
                .find_map(|(i, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    (depth == 0).then(|| &sig[open + 1..open + i])
                })
                .expect("a closed parameter list");
            let words: Vec<&str> = params
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .collect();
            if words.contains(&"self") && words.contains(&"Actor") {
                let at = file
                    .strip_prefix(&src)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                found.insert((name, at));
            }
        }
    }
    found
}

/// Every public service method that takes an `Actor` has a probe (or a stated reason not
/// to), and every probe calls such a method: a new call cannot skip the matrix.
#[test]
fn every_public_service_call_taking_an_actor_has_a_probe() {
    let methods = service_methods_taking_an_actor();
    assert!(
        methods.len() > 50 && methods.iter().any(|(m, _)| m == "list_systems"),
        "the source scan found the service's calls: {methods:?}"
    );
    let probed: BTreeSet<&str> = PROBES
        .iter()
        .map(|(probe, _, _)| {
            PROBE_CALLS
                .iter()
                .find(|(p, _)| p == probe)
                .map_or(*probe, |(_, method)| *method)
        })
        .collect();
    let excluded: BTreeSet<&str> = NOT_PROBED.iter().map(|(m, _)| *m).collect();
    let missing: Vec<String> = methods
        .iter()
        .filter(|(m, _)| !probed.contains(m.as_str()) && !excluded.contains(m.as_str()))
        .map(|(m, file)| format!("{m} (src/{file})"))
        .collect();
    assert!(
        missing.is_empty(),
        "public service calls taking an Actor with no probe in roles_matrix/probe_table.rs \
         (add one, or list it in NOT_PROBED with the reason): {missing:?}"
    );
    let names: BTreeSet<&str> = methods.iter().map(|(m, _)| m.as_str()).collect();
    let stale: Vec<&str> = probed
        .iter()
        .chain(&excluded)
        .copied()
        .filter(|m| !names.contains(m))
        .collect();
    assert!(
        stale.is_empty(),
        "probes or exclusions naming no public service call taking an Actor: {stale:?}"
    );
    let mut seen = BTreeSet::new();
    for (probe, _, _) in PROBES {
        assert!(seen.insert(*probe), "probe `{probe}` is listed twice");
    }
}

/// (a) The service: every role × every public call, with what a refusal leaves behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_service_call() {
    let h = host().await;
    let mut actors = vec![(Role::Admin, h.admin.clone())];
    for &role in &Role::ALL[1..] {
        actors.push((role, user(&h, &format!("u_{role}"), role).await));
    }
    let ctx = Ctx::new(h).await;
    let pool = ctx.host.services.db().pool().clone();
    let folders = [ctx.host.dir.path(), ctx.export_dir.path()];
    let (mut allowed_ok, mut refused) = (0, 0);
    for (probe, op, tolerated) in PROBES {
        for (role, actor) in &actors {
            let cell = format!("{role} × {probe} ({op})");
            let allowed = seed_table::allowed(op, role.as_str());
            let before = db_state::snapshot(&pool, &folders).await;
            let result = probes::run(&ctx, probe, actor, allowed).await;
            if allowed {
                match &result {
                    Ok(()) => {}
                    Err(e) if Some(kind(e).as_str()) == *tolerated => {}
                    Err(e) => panic!("{cell}: allowed by the seeds but failed: {e:?}"),
                }
                allowed_ok += 1;
                continue;
            }
            match result {
                Err(AppError::Forbidden { operation, role: r }) => {
                    assert_eq!(operation, *op, "{cell}: the refusal names the operation");
                    assert_eq!(r, role.as_str(), "{cell}: the refusal names the role");
                }
                other => panic!("{cell}: the seeds refuse it, the service answered {other:?}"),
            }
            let after = db_state::snapshot(&pool, &folders).await;
            db_state::assert_refusal_recorded(&pool, &before, &after, op, &cell).await;
            refused += 1;
        }
    }
    let cells = PROBES.len() * actors.len();
    assert_eq!(allowed_ok + refused, cells);
    assert!(refused > 0 && allowed_ok > 0);
    eprintln!("service roles matrix: {cells} cells, {allowed_ok} allowed, {refused} refused");
}
