//! Pulled members (seed 000 two-way member sync). A member the platform reports is applied
//! as its webhook would be, unless a local change to it still waits in the outbox. Then
//! the member's remote fingerprint (the version the platform last reported) tells whether
//! the platform changed it too: if not, the local change simply goes on its way; if so,
//! the system's `conflict_strategy` decides, as for ERP records (seed 004 §7.3):
//! `source_wins` takes the platform's version and cancels the local change, `target_wins`
//! keeps ours (and remembers the platform's version as settled), `latest_wins` compares
//! the platform's change time with the local change's, `manual` parks a conflict (entity
//! `member`) and the outbox holds the change until a person resolves it here.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use storelink_connectors::connector::RemoteRecord;
use storelink_core::conflict::{decide, merge, Conflict, ConflictChoice, Decision};
use storelink_core::error::{AppError, ErrorClass};
use storelink_core::member::{MemberInput, MemberSync};
use storelink_core::pos::RecordSyncStatus;
use storelink_core::sync::ConflictStrategy;
use storelink_core::system::ExternalSystem;
use storelink_core::Actor;
use storelink_store::conflicts::{self, NewConflict, Parked};
use storelink_store::{members as repo, outbox, systems, SqliteConnection, Tx};

use super::Done;
use crate::ingest::{content_hash, member, parse_value};
use crate::Services;

/// The entity of member conflicts and the first part of members' outbox keys.
pub(super) const ENTITY: &str = "member";
/// The outbox operation that sends a member to its platform.
const UPSERT: &str = "member.upsert";

fn record_key(member_id: &str) -> String {
    format!("{ENTITY}:{member_id}")
}

/// A stored member as the body a push carries: the shape conflicts show and compare.
fn as_input(m: &MemberSync) -> MemberInput {
    MemberInput {
        member_id: m.member_id.clone(),
        external_id: m.external_member_id.clone(),
        phone: m.phone.clone(),
        name: m.name.clone(),
        email: m.email.clone(),
        level: m.level.clone(),
        points: m.points,
        balance: m.balance,
    }
}

fn to_json(input: &MemberInput) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(input).map_err(AppError::internal)
}

/// Applies one pulled member; `waiting` holds the members with an undelivered local change
/// (by outbox key) and when the newest of those changes was made.
pub(super) async fn store(
    tx: &mut SqliteConnection,
    system: &ExternalSystem,
    strategy: ConflictStrategy,
    waiting: &HashMap<String, DateTime<Utc>>,
    pulled: &RemoteRecord,
) -> Result<Done, AppError> {
    let input: MemberInput = parse_value(pulled.data.clone())?;
    input.validate()?;
    let hash = content_hash(&input)?;
    let matches = repo::find_matching(
        tx,
        system.id,
        &input.member_id,
        input.external_id.as_deref(),
    )
    .await?;
    // No member here yet, or two that the platform's ids join (which apply refuses).
    let [(current, current_hash)] = matches.as_slice() else {
        let applied = member::apply_unlogged(tx, system, input, false).await?;
        return Ok(Done::applied(applied));
    };
    let key = record_key(&current.member_id);
    let local_change = waiting.get(&key).copied();
    if *current_hash == hash {
        // The platform has exactly what we hold; a local change it got is now in sync.
        if local_change.is_none() && current.sync_status != RecordSyncStatus::Success {
            let synced = MemberSync {
                sync_status: RecordSyncStatus::Success,
                ..current.clone()
            };
            repo::upsert(tx, &synced, &hash).await?;
        }
        return Ok(Done::unchanged(None));
    }
    let Some(local_at) = local_change else {
        let applied = member::apply_unlogged(tx, system, input, false).await?;
        return Ok(Done::applied(applied));
    };
    if repo::remote_hash(tx, current.id).await?.as_deref() == Some(hash.as_str()) {
        // The platform still has the version our change was made on: no conflict.
        return Ok(Done::unchanged(Some(
            "a local change waits to be sent to the member platform".into(),
        )));
    }
    Ok(match decide(strategy, pulled.updated_at, local_at) {
        Decision::TakeRemote => {
            let reason = format!("cancelled: the member platform's newer version won ({strategy})");
            outbox::cancel_for_record(tx, system.id, &key, &reason).await?;
            let applied = member::apply_unlogged(tx, system, input, false).await?;
            Done::applied(applied).with_note(format!(
                "conflict: took the member platform's version; the local change was cancelled ({strategy})"
            ))
        }
        Decision::KeepLocal => {
            // This version is settled: reading it again is no new conflict.
            repo::set_remote_hash(tx, current.id, &hash).await?;
            Done::unchanged(Some(format!(
                "conflict: kept the local change, which will be sent to the member platform ({strategy})"
            )))
        }
        Decision::Park => {
            let parked = conflicts::park(
                tx,
                &NewConflict {
                    system_id: system.id,
                    entity: ENTITY,
                    record_key: &key,
                    source_data: &to_json(&input)?,
                    source_hash: &hash,
                    source_updated_at: pulled.updated_at,
                    target_data: &to_json(&as_input(current))?,
                    target_updated_at: Some(local_at),
                },
            )
            .await?;
            if let Parked::New(id) = parked {
                tracing::warn!(conflict = %id, record = %key, "member conflict parked for a person to resolve");
            }
            Done::held(
                ErrorClass::BusinessLogicError,
                "conflict: changed here and at the member platform; parked for a person to \
                 resolve (strategy manual) — see Conflicts or `storelink conflicts list`",
            )
        }
    })
}

impl Services {
    /// Settles an open member conflict as a person chose. `resolve_conflict` has checked
    /// the role, the system scope and that the conflict is open. Taking the platform's
    /// version cancels the unsent local changes; any other result replaces them with one
    /// `member.upsert` of the result, and the platform's version counts as settled.
    pub(crate) async fn resolve_member_conflict(
        &self,
        actor: &Actor,
        mut tx: Tx,
        conflict: Conflict,
        choice: &ConflictChoice,
    ) -> Result<Conflict, AppError> {
        let id = conflict.id;
        let system = systems::require(&mut tx, conflict.system_id).await?;
        let result = match choice {
            ConflictChoice::KeepLocal => conflict.target_data.clone(),
            ConflictChoice::TakeRemote => conflict.source_data.clone(),
            ConflictChoice::PerField { fields } => {
                merge(&conflict.target_data, &conflict.source_data, fields)?
            }
        };
        let input: MemberInput = parse_value(result.clone())?;
        input.validate()?;
        let source_hash = conflicts::source_hash(&mut tx, id).await?;
        let send = result != conflict.source_data;
        let replaced = outbox::cancel_for_record(
            &mut tx,
            system.id,
            &conflict.record_key,
            &format!("replaced by the resolution of conflict {id}"),
        )
        .await?;
        let payload = to_json(&input)?;
        let applied = member::apply_unlogged(&mut tx, &system, input, send).await?;
        if send {
            // Unchanged here (kept as it is) still needs sending: its entries were replaced.
            if applied.duplicate {
                outbox::append(&mut tx, system.id, &conflict.record_key, UPSERT, &payload).await?;
            }
            repo::set_remote_hash(&mut tx, applied.record_id, &source_hash).await?;
        }
        let resolution =
            json!({"choice": choice, "sent_to_vendor": send, "replaced_changes": replaced});
        crate::conflicts::settle(tx, actor, id, &conflict.record_key, resolution).await
    }
}
