use storelink_core::ids::now;
use storelink_core::system::{ExternalSystem, SystemPatch};
use storelink_core::{Actor, AppError, Operation};
use storelink_secrets::Secret;
use storelink_store::systems as repo;

use super::parse_id;
use crate::Services;

impl Services {
    /// Changes a system. New secret values are saved to the keychain before the row; if the
    /// row cannot be written the previous values are put back. Cleared secrets leave the
    /// keychain only after the row no longer names them.
    pub async fn update_system(
        &self,
        actor: &Actor,
        id: &str,
        patch: SystemPatch,
    ) -> Result<ExternalSystem, AppError> {
        self.authorize(actor, Operation::SystemsUpdate, "system", Some(id.into()))
            .await?;
        let id = parse_id(id)?;
        let patch = patch.validate()?;
        let current = {
            let mut conn = self.db.read().await?;
            repo::require(&mut conn, id).await?
        };
        if patch.is_empty() {
            return Ok(current);
        }
        let preview = patch.apply(&current);
        storelink_connectors::registry::check_field_mapping(
            preview.system_type,
            &preview.provider,
            &preview.config,
        )?;
        {
            let mut conn = self.db.read().await?;
            if repo::name_taken(
                &mut conn,
                preview.store_id.as_deref(),
                &preview.name,
                Some(id),
            )
            .await?
            {
                return Err(repo::duplicate_name(
                    preview.store_id.as_deref(),
                    &preview.name,
                ));
            }
        }

        // Keep the old values so a failed write can be undone.
        let mut previous: Vec<(&str, Option<Secret>)> = Vec::new();
        for (name, value) in &patch.set_secrets {
            let old = match self.keychain.get(id, name).await {
                Ok(old) => old,
                Err(e) => {
                    self.restore_secrets(&current, &previous).await;
                    return Err(e);
                }
            };
            if let Err(e) = self
                .keychain
                .set(id, name, &Secret::new(value.clone()))
                .await
            {
                self.restore_secrets(&current, &previous).await;
                return Err(e);
            }
            previous.push((name, old));
        }

        let written = self
            .rewrite_system(actor, id, None, |latest| {
                let mut updated = patch.apply(latest);
                updated.updated_at = now();
                updated
            })
            .await;
        let updated = match written {
            Ok(u) => u,
            Err(e) => {
                self.restore_secrets(&current, &previous).await;
                return Err(e);
            }
        };
        let cleared: Vec<&str> = patch
            .clear_secrets
            .iter()
            .map(String::as_str)
            .filter(|n| current.secret_fields.iter().any(|f| f == n))
            .collect();
        self.forget_secrets(&updated, &cleared).await;
        Ok(updated)
    }

    async fn restore_secrets(&self, system: &ExternalSystem, previous: &[(&str, Option<Secret>)]) {
        for (name, old) in previous {
            let result = match old {
                Some(value) => self.keychain.set(system.id, name, value).await,
                None => self.keychain.delete(system.id, name).await,
            };
            if let Err(e) = result {
                tracing::error!(system = %system.id, secret = %name, error = %e, "could not restore a secret in the keychain");
            }
        }
    }
}
