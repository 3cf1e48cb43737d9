//! A system's connector settings, for the Systems page's editors: what the field mapping
//! editor shows (streams, shipped mappings, mappable fields, the saved overrides), its live
//! preview against a sample record, and the webhook secret's rotation. The plain settings
//! (conflict strategy, cron, rate limit, lookback, signature scheme) are keys of `config`,
//! saved through `update_system` and checked by the core there.

mod preview;
mod webhook_secret;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_connectors::registry::mapping_streams;
use storelink_connectors::signature::Scheme;
use storelink_core::sync::ConflictStrategy;
use storelink_core::sync_pacing;
use storelink_core::system::ExternalSystem;
use storelink_core::{Actor, AppError, Operation};
use storelink_store::systems as repo;
use uuid::Uuid;

pub use preview::{FieldProblem, MappingPreview, PreviewField, PreviewRequest, SampleSource};
pub use webhook_secret::RotatedWebhookSecret;

use super::parse_id;
use crate::Services;

/// The keychain names and config key the webhook check reads: rotation writes what it reads.
pub use crate::ingest::webhook::{PREVIOUS_WEBHOOK_SECRET, SIGNATURE_SCHEME_KEY, WEBHOOK_SECRET};

/// Everything the connector settings section of a system needs besides the system itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ConnectorSettingsSpec {
    pub system_id: Uuid,
    /// The connector's streams in its own order; empty when no connector serves the system
    /// (its field mapping is then not editable).
    pub streams: Vec<StreamMappingSpec>,
    pub conflict_strategies: Vec<ConflictStrategy>,
    pub pacing: PacingLimits,
    pub webhook: WebhookSecretStatus,
}

/// One stream's mapping as the editor shows it: target field (ours) ← source path (the
/// vendor's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct StreamMappingSpec {
    pub stream: String,
    /// What it stores: `customer`, `product`, `order`, `reservation`, ...
    pub entity: String,
    /// The shipped mapping, target → source.
    pub default_mapping: BTreeMap<String, String>,
    /// The targets a system may point elsewhere (sorted); empty for a stream that shares
    /// another stream's mapping.
    pub mappable: Vec<String>,
    /// The saved `config.field_mapping.<stream>` entries, target → source.
    pub overrides: BTreeMap<String, String>,
}

/// The bounds the core checks `rate_limit_per_second` and `lookback_seconds` against, and
/// the engine's default rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PacingLimits {
    pub rate_limit_min: i64,
    pub rate_limit_max: i64,
    pub rate_limit_default: i64,
    pub lookback_min: i64,
    pub lookback_max: i64,
}

/// Which webhook secrets are in the keychain (never their values) and how they are used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct WebhookSecretStatus {
    /// The saved `config.webhook_signature` (`standard_webhooks` when unset).
    pub scheme: String,
    pub schemes: Vec<String>,
    pub has_secret: bool,
    /// A previous secret is still accepted: a rotation's grace period has not ended.
    pub in_grace: bool,
}

/// The scheme a system's webhooks are checked with, as its saved config names it.
pub(crate) fn scheme_of(system: &ExternalSystem) -> String {
    system
        .config
        .get(SIGNATURE_SCHEME_KEY)
        .and_then(serde_json::Value::as_str)
        .unwrap_or(Scheme::StandardWebhooks.as_str())
        .to_owned()
}

fn stream_specs(system: &ExternalSystem) -> Vec<StreamMappingSpec> {
    let saved = system.config.get("field_mapping");
    mapping_streams(system.system_type, &system.provider)
        .into_iter()
        .map(|(stream, default, mappable)| StreamMappingSpec {
            stream: stream.name.to_owned(),
            entity: stream.entity.as_str().to_owned(),
            default_mapping: default.fields,
            mappable: mappable.iter().map(|f| (*f).to_owned()).collect(),
            overrides: saved
                .and_then(|m| m.get(stream.name))
                .and_then(serde_json::Value::as_object)
                .map(|o| {
                    o.iter()
                        .filter_map(|(t, s)| Some((t.clone(), s.as_str()?.to_owned())))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

impl Services {
    /// The system an operation of this module is about, once the role allows `op` on it.
    async fn settings_system(
        &self,
        actor: &Actor,
        op: Operation,
        id: &str,
    ) -> Result<ExternalSystem, AppError> {
        self.authorize(actor, op, "system", Some(id.into())).await?;
        let id = parse_id(id)?;
        actor.require_system(id)?;
        let mut conn = self.db.read().await?;
        repo::require(&mut conn, id).await
    }

    /// What the connector settings section shows for a system (anyone who may see it).
    pub async fn connector_settings(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<ConnectorSettingsSpec, AppError> {
        let system = self
            .settings_system(actor, Operation::SystemsView, id)
            .await?;
        let has_secret = self
            .keychain
            .get(system.id, WEBHOOK_SECRET)
            .await?
            .is_some();
        let in_grace = self
            .keychain
            .get(system.id, PREVIOUS_WEBHOOK_SECRET)
            .await?
            .is_some();
        Ok(ConnectorSettingsSpec {
            system_id: system.id,
            streams: stream_specs(&system),
            conflict_strategies: ConflictStrategy::ALL.to_vec(),
            pacing: PacingLimits {
                rate_limit_min: sync_pacing::RATE_LIMIT_MIN,
                rate_limit_max: sync_pacing::RATE_LIMIT_MAX,
                rate_limit_default: i64::from(storelink_engine::DEFAULT_RATE_LIMIT),
                lookback_min: sync_pacing::LOOKBACK_MIN,
                lookback_max: sync_pacing::LOOKBACK_MAX,
            },
            webhook: WebhookSecretStatus {
                scheme: scheme_of(&system),
                schemes: [Scheme::StandardWebhooks, Scheme::Sha256Hex]
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
                has_secret,
                in_grace,
            },
        })
    }
}
