//! Settings kept as one JSON value per key in the settings table (listener, backups,
//! notification preferences): read with defaults, and saved role-checked, validated and
//! audited with the before and after values in one transaction.

use serde::de::DeserializeOwned;
use serde::Serialize;
use storelink_core::audit::AuditOutcome;
use storelink_core::error::AppError;
use storelink_core::{Actor, Operation};
use storelink_store::{db_error, settings};

use crate::audit::{record, Change};
use crate::Services;

pub(crate) trait StoredSetting: Serialize + DeserializeOwned + Default {
    /// The settings table's key.
    const KEY: &'static str;
    /// What the role check and the audit log name.
    const ENTITY: &'static str;
    /// The operation a person needs to change it.
    const OPERATION: Operation;

    fn check(&self) -> Result<(), AppError>;
}

impl Services {
    /// The saved value (the default if never saved, or if what is saved no longer reads).
    pub(crate) async fn stored_setting<T: StoredSetting>(&self) -> Result<T, AppError> {
        let mut conn = self.db.read().await?;
        Ok(settings::get(&mut conn, T::KEY)
            .await?
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default())
    }

    pub(crate) async fn save_stored_setting<T: StoredSetting>(
        &self,
        actor: &Actor,
        new: T,
    ) -> Result<T, AppError> {
        self.authorize(actor, T::OPERATION, T::ENTITY, None).await?;
        new.check()?;
        let before: T = self.stored_setting().await?;
        let mut tx = self.db.write().await?;
        let text = serde_json::to_string(&new).map_err(AppError::internal)?;
        settings::set(&mut tx, T::KEY, &text).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: T::OPERATION,
                entity: T::ENTITY,
                entity_id: None,
                outcome: AuditOutcome::Success,
                before: serde_json::to_value(before).ok(),
                after: serde_json::to_value(&new).ok(),
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(new)
    }
}
