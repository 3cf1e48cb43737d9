use storelink_core::audit::AuditOutcome;
use storelink_core::ids::now;
use storelink_core::{Actor, AppError, Operation};
use storelink_store::{db_error, systems as repo};

use super::{audit_view, parse_id};
use crate::audit::{record, Change};
use crate::Services;

impl Services {
    /// Deletes a system: it stops syncing and leaves the lists, its history (logs, orders,
    /// transactions) stays, and its secrets leave the keychain.
    pub async fn delete_system(&self, actor: &Actor, id: &str) -> Result<(), AppError> {
        self.authorize(actor, Operation::SystemsDelete, "system", Some(id.into()))
            .await?;
        let id = parse_id(id)?;
        let mut tx = self.db.write().await?;
        let current = repo::require(&mut tx, id).await?;
        repo::soft_delete(&mut tx, id, now()).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::SystemsDelete,
                entity: "system",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: audit_view(&current),
                after: None,
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.systems_cache.clear();
        let names: Vec<&str> = current.secret_fields.iter().map(String::as_str).collect();
        self.forget_secrets(&current, &names).await;
        tracing::info!(system = %id, "system deleted");
        Ok(())
    }
}
