//! External systems (seed 000 系统管理): one file per operation.

pub mod connector_settings;
mod create;
mod delete;
mod test_connection;
mod update;

use storelink_core::audit::AuditOutcome;
use storelink_core::system::{ExternalSystem, SystemFilter};
use storelink_core::{Actor, AppError, Operation, Page, PageRequest};
use storelink_store::{db_error, systems as repo};
use uuid::Uuid;

use crate::audit::{record, Change};
use crate::Services;

/// The audit picture of a system: everything but secrets, which it never holds anyway.
pub(crate) fn audit_view(system: &ExternalSystem) -> Option<serde_json::Value> {
    serde_json::to_value(system).ok()
}

pub(crate) fn parse_id(id: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.trim()).map_err(|_| AppError::not_found("system", id))
}

impl Services {
    /// Changes a system row and records the audit entry in one commit. `change` sees the
    /// latest row, re-read inside the write lock, so concurrent edits do not undo each other.
    pub(crate) async fn rewrite_system(
        &self,
        actor: &Actor,
        id: Uuid,
        detail: Option<&str>,
        change: impl FnOnce(&ExternalSystem) -> ExternalSystem,
    ) -> Result<ExternalSystem, AppError> {
        let mut tx = self.db.write().await?;
        let latest = repo::require(&mut tx, id).await?;
        let updated = change(&latest);
        repo::update(&mut tx, &updated).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::SystemsUpdate,
                entity: "system",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: audit_view(&latest),
                after: audit_view(&updated),
                detail: detail.map(str::to_owned),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.systems_cache.clear();
        Ok(updated)
    }

    pub async fn list_systems(
        &self,
        actor: &Actor,
        filter: &SystemFilter,
    ) -> Result<Page<ExternalSystem>, AppError> {
        self.authorize(actor, Operation::SystemsView, "system", None)
            .await?;
        let valid = filter.validate()?;
        let page = PageRequest {
            cursor: filter.cursor.clone(),
            limit: filter.limit,
        };
        let mut conn = self.db.read().await?;
        repo::list(&mut conn, &valid, &page).await
    }

    /// How many live systems there are.
    pub async fn count_systems(&self, actor: &Actor) -> Result<i64, AppError> {
        self.authorize(actor, Operation::SystemsView, "system", None)
            .await?;
        let mut conn = self.db.read().await?;
        repo::count(&mut conn).await
    }

    pub async fn get_system(&self, actor: &Actor, id: &str) -> Result<ExternalSystem, AppError> {
        self.authorize(actor, Operation::SystemsView, "system", Some(id.into()))
            .await?;
        let id = parse_id(id)?;
        let mut conn = self.db.read().await?;
        repo::require(&mut conn, id).await
    }
}
