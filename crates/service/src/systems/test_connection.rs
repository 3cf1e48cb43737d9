use std::time::Instant;

use storelink_connectors::classify::advice;
use storelink_connectors::registry;
use storelink_connectors::{probe_endpoint, ProbeOutcome, ProbeRequest};
use storelink_core::audit::AuditOutcome;
use storelink_core::error::ErrorClass;
use storelink_core::ids::now;
use storelink_core::system::ExternalSystem;
use storelink_core::system::{ConnectionTestResult, SystemStatus};
use storelink_core::{Actor, AppError, Operation, Rule};
use storelink_store::{db_error, systems as repo};

use super::parse_id;
use crate::audit::{record, Change};
use crate::Services;

impl Services {
    /// Tests a system's connection with a real request to its endpoint: the status goes to
    /// `testing`, then `active` or `error`, with latency and the error class recorded.
    pub async fn test_system(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<ConnectionTestResult, AppError> {
        self.authorize(actor, Operation::SystemsTest, "system", Some(id.into()))
            .await?;
        let id = parse_id(id)?;
        let system = {
            let mut conn = self.db.read().await?;
            repo::require(&mut conn, id).await?
        };
        let Some(endpoint) = system.api_endpoint.clone() else {
            return Err(AppError::field(
                "api_endpoint",
                Rule::Required,
                "api_endpoint is required to test the connection; set it first",
            ));
        };
        let api_key = if system.secret_fields.iter().any(|f| f == "api_key") {
            self.keychain.get(id, "api_key").await?
        } else {
            None
        };
        {
            let mut tx = self.db.write().await?;
            repo::set_status(&mut tx, id, SystemStatus::Testing, now()).await?;
            tx.commit().await.map_err(db_error)?;
        }

        let outcome = if registry::tests_by_login(system.system_type, &system.provider) {
            self.connector_probe(&system).await
        } else {
            probe_endpoint(ProbeRequest {
                url: &endpoint,
                bearer: api_key.as_ref().map(|s| s.expose()),
                timeout: self.probe_timeout,
            })
            .await
        };
        let status = if outcome.ok() {
            SystemStatus::Active
        } else {
            SystemStatus::Error
        };
        let tested_at = now();

        let mut tx = self.db.write().await?;
        repo::record_test(
            &mut tx,
            id,
            &repo::TestRecord {
                status,
                at: tested_at,
                latency_ms: Some(outcome.latency_ms),
                error_class: outcome.error_class,
                message: &outcome.message,
            },
        )
        .await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::SystemsTest,
                entity: "system",
                entity_id: Some(id.to_string()),
                outcome: if outcome.ok() {
                    AuditOutcome::Success
                } else {
                    AuditOutcome::Failed
                },
                before: Some(serde_json::json!({"status": system.status})),
                after: Some(serde_json::json!({"status": status})),
                detail: Some(outcome.message.clone()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(ConnectionTestResult {
            system_id: id,
            ok: outcome.ok(),
            status,
            latency_ms: Some(outcome.latency_ms),
            http_status: outcome.http_status,
            error_class: outcome.error_class,
            message: outcome.message,
            tested_at,
        })
    }
}

/// A connector's login and one cheap read may take two round trips.
const CONNECTOR_TEST_ROUNDS: u32 = 3;

impl Services {
    /// The connector's own test (a real login plus one cheap read), timed and classified.
    async fn connector_probe(&self, system: &ExternalSystem) -> ProbeOutcome {
        let started = Instant::now();
        let elapsed =
            |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let connector = match self.engine.connector(system).await {
            Ok(c) => c,
            Err(e) => {
                return ProbeOutcome {
                    latency_ms: 0,
                    http_status: None,
                    error_class: Some(ErrorClass::ValidationError),
                    message: format!("the connector cannot be set up: {e}"),
                }
            }
        };
        let limit = self.probe_timeout * CONNECTOR_TEST_ROUNDS;
        match tokio::time::timeout(limit, connector.test_connection()).await {
            Ok(Ok(())) => ProbeOutcome {
                latency_ms: elapsed(started),
                http_status: None,
                error_class: None,
                message: "signed in and read one record".into(),
            },
            Ok(Err(e)) => ProbeOutcome {
                latency_ms: elapsed(started),
                http_status: e.status,
                error_class: Some(e.class),
                message: format!("{e} ({})", advice(e.class)),
            },
            Err(_) => ProbeOutcome {
                latency_ms: elapsed(started),
                http_status: None,
                error_class: Some(ErrorClass::TimeoutError),
                message: format!(
                    "no answer within {} s ({})",
                    limit.as_secs(),
                    advice(ErrorClass::TimeoutError)
                ),
            },
        }
    }
}
