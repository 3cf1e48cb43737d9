//! Writing audit entries: inside the caller's transaction for changes, on their own for
//! refusals (a refused attempt changes nothing else but must still be on record).

use serde_json::Value;
use storelink_core::audit::{AuditEntry, AuditOutcome};
use storelink_core::ids::new_id;
use storelink_core::ids::now;
use storelink_core::{Actor, AppError, Operation};
use storelink_store::audit as repo;
use storelink_store::SqliteConnection;

use crate::Services;

pub(crate) struct Change<'a> {
    pub op: Operation,
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub outcome: AuditOutcome,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub detail: Option<String>,
}

pub(crate) async fn record(
    conn: &mut SqliteConnection,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), AppError> {
    write(
        conn,
        &actor.username,
        actor.role.as_str(),
        change.op.as_str(),
        change,
    )
    .await
}

/// A failed sign-in: nobody is signed in, so the name typed is recorded as it was given.
pub(crate) async fn record_failed_sign_in(
    conn: &mut SqliteConnection,
    username: &str,
) -> Result<(), AppError> {
    let change = Change {
        op: Operation::UsersView,
        entity: "session",
        entity_id: None,
        outcome: AuditOutcome::Failed,
        before: None,
        after: None,
        detail: Some("sign-in failed".into()),
    };
    let typed: String = username.trim().chars().take(64).collect();
    write(conn, &typed, "anonymous", "sign_in", change).await
}

async fn write(
    conn: &mut SqliteConnection,
    who: &str,
    role: &str,
    action: &str,
    change: Change<'_>,
) -> Result<(), AppError> {
    repo::insert(
        conn,
        &AuditEntry {
            id: new_id(),
            at: now(),
            actor: who.to_owned(),
            actor_role: role.to_owned(),
            action: action.to_owned(),
            entity: change.entity.to_owned(),
            entity_id: change.entity_id,
            outcome: change.outcome,
            before: change.before,
            after: change.after,
            detail: change.detail,
        },
    )
    .await
}

impl Services {
    /// Checks the role for `op`; a refusal is audited and returned as `Forbidden`.
    pub(crate) async fn authorize(
        &self,
        actor: &Actor,
        op: Operation,
        entity: &str,
        entity_id: Option<String>,
    ) -> Result<(), AppError> {
        match actor.require(op) {
            Ok(()) => Ok(()),
            Err(refusal) => Err(self.refuse(actor, op, entity, entity_id, refusal).await),
        }
    }

    /// Checks the role for `op` for a shell that does the work itself (the desktop's
    /// listener control); a refusal is audited like any other.
    pub async fn require(
        &self,
        actor: &Actor,
        op: Operation,
        entity: &str,
    ) -> Result<(), AppError> {
        self.authorize(actor, op, entity, None).await
    }

    /// Audits a refused attempt and hands the refusal back. If even the audit write fails,
    /// that failure is returned instead, so a refusal is never silently unrecorded.
    pub(crate) async fn refuse(
        &self,
        actor: &Actor,
        op: Operation,
        entity: &str,
        entity_id: Option<String>,
        refusal: AppError,
    ) -> AppError {
        tracing::warn!(user = %actor.username, role = %actor.role, operation = %op.as_str(), "forbidden");
        let written = async {
            let mut tx = self.db.write().await?;
            record(
                &mut tx,
                actor,
                Change {
                    op,
                    entity,
                    entity_id,
                    outcome: AuditOutcome::Forbidden,
                    before: None,
                    after: None,
                    detail: Some(refusal.to_string()),
                },
            )
            .await?;
            tx.commit().await.map_err(storelink_store::db_error)
        }
        .await;
        match written {
            Ok(()) => refusal,
            Err(e) => e,
        }
    }

    /// The audit log, newest first (admin only).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        entity_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, AppError> {
        self.authorize(actor, Operation::AuditView, "audit_log", None)
            .await?;
        let mut conn = self.db.read().await?;
        repo::list(&mut conn, entity_id, limit.clamp(1, 1000)).await
    }
}
