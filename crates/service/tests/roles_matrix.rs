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
