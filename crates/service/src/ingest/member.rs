//! Members: upserted by member id and external id. A change made here (not one the member
//! platform reported) is queued in the outbox for the platform.

use storelink_core::error::AppError;
use storelink_core::ids::{new_id, now};
use storelink_core::ingest::IngestReply;
use storelink_core::member::{MemberInput, MemberSync};
use storelink_core::pos::RecordSyncStatus;
use storelink_core::sync::SyncAction;
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::{Actor, Operation};
use storelink_store::{conflicts, members as repo, outbox, SqliteConnection};

use super::{audit_push, content_hash, keep_api_push, log_item, parse_body, Applied, RawPush};
use crate::Services;

pub(crate) const API_EVENT: &str = "member.sync";

impl Services {
    /// Seed 000 "同步会员数据": `POST member/{system_id}/sync`.
    pub async fn sync_member(
        &self,
        actor: &Actor,
        system_id: &str,
        push: RawPush,
    ) -> Result<IngestReply, AppError> {
        let system = self
            .push_target(
                actor,
                Operation::MembersSync,
                "member",
                system_id,
                SystemType::Member,
            )
            .await?;
        let input: MemberInput = parse_body(push.text()?)?;
        input.validate()?;
        let actor = actor.clone();
        let applied = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    let member_id = input.member_id.clone();
                    let applied = apply(conn, &system, input, true).await?;
                    if !applied.duplicate {
                        let event_id = format!("{API_EVENT}:{member_id}:{}", applied_at());
                        keep_api_push(conn, system.id, &event_id, API_EVENT, &push).await?;
                        audit_push(
                            conn,
                            &actor,
                            Operation::MembersSync,
                            "member",
                            applied.record_id,
                            serde_json::json!({ "member_id": member_id }),
                        )
                        .await?;
                    }
                    Ok(applied)
                })
            })
            .await?;
        Ok(applied.reply())
    }
}

/// Member pushes are upserts, so one member id arrives many times; the inbox key adds
/// the time to keep each accepted change.
fn applied_at() -> String {
    storelink_store::fmt_time(now())
}

/// Upserts a validated member and logs it. `local` marks a change made in the store, which
/// the member platform must hear about; a platform's own webhook is not echoed back.
pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    input: MemberInput,
    local: bool,
) -> Result<Applied, AppError> {
    let member_id = input.member_id.clone();
    let applied = apply_unlogged(conn, system, input, local).await?;
    if !applied.duplicate {
        let action = if applied.created {
            SyncAction::Create
        } else {
            SyncAction::Update
        };
        log_item(conn, system.id, "member", &member_id, action).await?;
    }
    Ok(applied)
}

/// [`apply`] without its sync log line (a pulled member is logged by the sync that read it).
pub(crate) async fn apply_unlogged(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    input: MemberInput,
    local: bool,
) -> Result<Applied, AppError> {
    let hash = content_hash(&input)?;
    let matches = repo::find_matching(
        conn,
        system.id,
        &input.member_id,
        input.external_id.as_deref(),
    )
    .await?;
    let existing = match matches.as_slice() {
        [] => None,
        [(one, stored_hash)] => Some((one.clone(), stored_hash.clone())),
        _ => {
            return Err(AppError::Conflict {
                message: format!(
                    "member_id {} and external_id {} belong to two different members",
                    input.member_id,
                    input.external_id.as_deref().unwrap_or("")
                ),
                field: Some("external_id".into()),
            })
        }
    };
    if let Some((stored, stored_hash)) = &existing {
        if *stored_hash == hash {
            return Ok(Applied {
                record_id: stored.id,
                created: false,
                duplicate: true,
                status: Some(stored.sync_status.as_str().into()),
                event: None,
            });
        }
    }
    let at = now();
    let member = MemberSync {
        id: existing.as_ref().map_or_else(new_id, |(m, _)| m.id),
        system_id: system.id,
        member_id: input.member_id.clone(),
        external_member_id: input.external_id.clone(),
        phone: input.phone.clone(),
        name: input.name.clone(),
        email: input.email.clone(),
        level: input.level.clone(),
        points: input.points,
        balance: input.balance,
        sync_status: if local {
            RecordSyncStatus::Pending
        } else {
            RecordSyncStatus::Success
        },
        last_activity: Some(at),
        updated_at: at,
    };
    repo::upsert(conn, &member, &hash).await?;
    if local {
        let payload = serde_json::to_value(&input).map_err(AppError::internal)?;
        let key = format!("member:{}", member.member_id);
        outbox::append(conn, system.id, &key, "member.upsert", &payload).await?;
        // While a conflict over this member waits for a person, this edit is its local side.
        conflicts::refresh_target(conn, system.id, &key, &payload).await?;
    }
    Ok(Applied {
        record_id: member.id,
        created: existing.is_none(),
        duplicate: false,
        status: Some(member.sync_status.as_str().into()),
        event: None,
    })
}
