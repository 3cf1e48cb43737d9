use storelink_core::audit::AuditOutcome;
use storelink_core::ids::new_id;
use storelink_core::ids::now;
use storelink_core::system::{ExternalSystem, NewSystem, SystemStatus};
use storelink_core::{Actor, AppError, Operation};
use storelink_secrets::Secret;
use storelink_store::{db_error, systems as repo};

use super::audit_view;
use crate::audit::{record, Change};
use crate::Services;

impl Services {
    /// Adds a system. Secrets go to the keychain first; the row is written only when every
    /// secret is saved, and the secrets are removed again if the row cannot be written, so
    /// there is never a row without its secret nor a secret without its row.
    pub async fn create_system(
        &self,
        actor: &Actor,
        input: NewSystem,
    ) -> Result<ExternalSystem, AppError> {
        self.authorize(actor, Operation::SystemsCreate, "system", None)
            .await?;
        let valid = input.validate()?;
        storelink_connectors::registry::check_field_mapping(
            valid.system_type,
            &valid.provider,
            &serde_json::Value::Object(valid.config.clone()),
        )?;
        {
            let mut conn = self.db.read().await?;
            if repo::name_taken(&mut conn, valid.store_id.as_deref(), &valid.name, None).await? {
                return Err(repo::duplicate_name(valid.store_id.as_deref(), &valid.name));
            }
        }
        let now = now();
        let system = ExternalSystem {
            id: new_id(),
            name: valid.name,
            system_type: valid.system_type,
            provider: valid.provider,
            version: valid.version,
            status: SystemStatus::Inactive,
            store_id: valid.store_id,
            api_endpoint: valid.api_endpoint,
            webhook_url: valid.webhook_url,
            config: serde_json::Value::Object(valid.config),
            sync_enabled: valid.sync_enabled,
            sync_interval: valid.sync_interval,
            last_sync_at: None,
            last_sync_status: None,
            secret_fields: valid.secrets.keys().cloned().collect(),
            last_test_at: None,
            last_test_latency_ms: None,
            last_test_error_class: None,
            last_test_message: None,
            created_at: now,
            updated_at: now,
        };

        let mut saved: Vec<&str> = Vec::new();
        for (name, value) in &valid.secrets {
            if let Err(e) = self
                .keychain
                .set(system.id, name, &Secret::new(value.clone()))
                .await
            {
                self.forget_secrets(&system, &saved).await;
                return Err(e);
            }
            saved.push(name);
        }

        let written = async {
            let mut tx = self.db.write().await?;
            repo::insert(&mut tx, &system).await?;
            record(
                &mut tx,
                actor,
                Change {
                    op: Operation::SystemsCreate,
                    entity: "system",
                    entity_id: Some(system.id.to_string()),
                    outcome: AuditOutcome::Success,
                    before: None,
                    after: audit_view(&system),
                    detail: None,
                },
            )
            .await?;
            tx.commit().await.map_err(db_error)
        }
        .await;
        if let Err(e) = written {
            self.forget_secrets(&system, &saved).await;
            return Err(e);
        }
        tracing::info!(system = %system.id, name = %system.name, "system created");
        Ok(system)
    }

    /// Best-effort removal of secrets that belong to nothing any more.
    pub(crate) async fn forget_secrets(&self, system: &ExternalSystem, names: &[&str]) {
        for name in names {
            if let Err(e) = self.keychain.delete(system.id, name).await {
                tracing::warn!(system = %system.id, secret = %name, error = %e, "could not remove a secret from the keychain");
            }
        }
    }
}
