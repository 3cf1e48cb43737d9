//! Rotating a system's webhook secret without dropping deliveries: the new secret becomes
//! `webhook_secret`, the old one `previous_webhook_secret` (the webhook check accepts
//! both) until a person ends the grace period once the vendor signs with the new one.
//! The new value is returned once and kept only in the keychain; audits name the event,
//! never a value.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::ids::now;
use storelink_core::system::ExternalSystem;
use storelink_core::{Actor, AppError, Operation};
use storelink_secrets::Secret;
use uuid::Uuid;

use super::{scheme_of, PREVIOUS_WEBHOOK_SECRET, WEBHOOK_SECRET};
use crate::Services;

/// The one answer that carries the new secret; nothing else ever does.
#[derive(Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct RotatedWebhookSecret {
    pub system_id: Uuid,
    /// `whsec_` + base64 of 32 random bytes: a Standard Webhooks secret, and usable as is
    /// by `sha256=` senders (they key the HMAC with the text itself).
    pub secret: String,
    pub scheme: String,
    /// The secret it replaced is still accepted until the grace period is ended.
    pub previous_kept: bool,
    pub rotated_at: DateTime<Utc>,
}

impl std::fmt::Debug for RotatedWebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RotatedWebhookSecret")
            .field("system_id", &self.system_id)
            .field("scheme", &self.scheme)
            .field("previous_kept", &self.previous_kept)
            .finish_non_exhaustive()
    }
}

fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The system with its secret names set to what the keychain now holds.
fn with_names(system: &ExternalSystem, current: bool, previous: bool) -> ExternalSystem {
    let mut s = system.clone();
    s.secret_fields
        .retain(|n| n != WEBHOOK_SECRET && n != PREVIOUS_WEBHOOK_SECRET);
    if current {
        s.secret_fields.push(WEBHOOK_SECRET.to_owned());
    }
    if previous {
        s.secret_fields.push(PREVIOUS_WEBHOOK_SECRET.to_owned());
    }
    s.secret_fields.sort();
    s.updated_at = now();
    s
}

impl Services {
    /// Makes a new webhook secret, keeping the current one accepted for the grace period.
    pub async fn rotate_webhook_secret(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<RotatedWebhookSecret, AppError> {
        let system = self
            .settings_system(actor, Operation::SystemsUpdate, id)
            .await?;
        let current = self.keychain.get(system.id, WEBHOOK_SECRET).await?;
        let older = self
            .keychain
            .get(system.id, PREVIOUS_WEBHOOK_SECRET)
            .await?;
        let secret = generate();
        let moved = async {
            if let Some(current) = &current {
                self.keychain
                    .set(system.id, PREVIOUS_WEBHOOK_SECRET, current)
                    .await?;
            }
            self.keychain
                .set(system.id, WEBHOOK_SECRET, &Secret::new(secret.clone()))
                .await?;
            let detail = if current.is_some() {
                "webhook secret rotated; the previous one is accepted until the grace period ends"
            } else {
                "webhook secret created"
            };
            self.save_secret_names(actor, system.id, true, current.is_some(), detail)
                .await
        }
        .await;
        if let Err(e) = moved {
            // Put the keychain back as it was, so the vendor's deliveries keep working.
            self.put_back(system.id, WEBHOOK_SECRET, current.as_ref())
                .await;
            self.put_back(system.id, PREVIOUS_WEBHOOK_SECRET, older.as_ref())
                .await;
            return Err(e);
        }
        Ok(RotatedWebhookSecret {
            system_id: system.id,
            secret,
            scheme: scheme_of(&system),
            previous_kept: current.is_some(),
            rotated_at: now(),
        })
    }

    /// Stops accepting the previous webhook secret.
    pub async fn end_webhook_secret_grace(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<ExternalSystem, AppError> {
        let system = self
            .settings_system(actor, Operation::SystemsUpdate, id)
            .await?;
        let listed = system
            .secret_fields
            .iter()
            .any(|n| n == PREVIOUS_WEBHOOK_SECRET);
        let kept = self
            .keychain
            .get(system.id, PREVIOUS_WEBHOOK_SECRET)
            .await?
            .is_some();
        if !listed && !kept {
            return Ok(system); // No grace period to end.
        }
        // The keychain first: the webhook check reads it, so the old secret stops working
        // now, whatever happens to the row after.
        self.keychain
            .delete(system.id, PREVIOUS_WEBHOOK_SECRET)
            .await?;
        let current = self
            .keychain
            .get(system.id, WEBHOOK_SECRET)
            .await?
            .is_some();
        self.save_secret_names(
            actor,
            system.id,
            current,
            false,
            "webhook secret grace period ended; only the current secret is accepted",
        )
        .await
    }

    /// Records which webhook secrets the system has, with the audit entry, in one commit.
    async fn save_secret_names(
        &self,
        actor: &Actor,
        id: Uuid,
        current: bool,
        previous: bool,
        detail: &str,
    ) -> Result<ExternalSystem, AppError> {
        self.rewrite_system(actor, id, Some(detail), |latest| {
            with_names(latest, current, previous)
        })
        .await
    }

    async fn put_back(&self, id: Uuid, name: &str, value: Option<&Secret>) {
        let result = match value {
            Some(v) => self.keychain.set(id, name, v).await,
            None => self.keychain.delete(id, name).await,
        };
        if let Err(e) = result {
            tracing::error!(system = %id, secret = %name, error = %e, "could not restore a webhook secret in the keychain");
        }
    }
}
