//! Helpers of the connector settings tests: a custom ERP system that is never called, a
//! signed ERP webhook, a mapping preview as the admin, and the fields a refusal names.

use serde_json::{json, Value};
use storelink_core::ingest::WebhookChannel;
use storelink_core::system::{ExternalSystem, NewSystem};
use storelink_core::AppError;
use storelink_service::ingest::RawPush;
use storelink_service::systems::connector_settings::{MappingPreview, PreviewRequest};

use crate::common::Host;

pub const OLD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A custom REST ERP (seed 004 §6) that is never called: its endpoint is closed.
pub async fn erp(h: &Host, config: Value) -> ExternalSystem {
    let mut config = config;
    config["username"] = json!("storelink");
    let input: NewSystem = serde_json::from_value(json!({
        "name": "总部ERP", "type": "erp", "provider": "custom",
        "api_endpoint": storelink_testkit::closed_port_url().await,
        "config": config,
        "secrets": {"password": "erp-pass", "webhook_secret": OLD_SECRET},
    }))
    .expect("input");
    h.services
        .create_system(&h.admin, input)
        .await
        .expect("system")
}

/// An ERP webhook signed the Standard Webhooks way with `secret`.
pub async fn webhook(
    h: &Host,
    system: &ExternalSystem,
    secret: &str,
    msg_id: &str,
    event: &str,
    data: Value,
) -> Result<(), AppError> {
    let body = json!({"event": event, "data": data}).to_string();
    let ts = chrono::Utc::now().timestamp();
    let sig = storelink_connectors::signature::sign_standard(secret, msg_id, ts, body.as_bytes())
        .expect("sign");
    let push = RawPush {
        body: body.into_bytes(),
        headers: vec![
            ("webhook-id".into(), msg_id.into()),
            ("webhook-timestamp".into(), ts.to_string()),
            ("webhook-signature".into(), sig),
        ],
    };
    h.services
        .receive_webhook(WebhookChannel::Erp, &system.id.to_string(), push)
        .await
        .map(|_| ())
}

pub async fn preview(
    h: &Host,
    system: &ExternalSystem,
    request: Value,
) -> Result<MappingPreview, AppError> {
    let request: PreviewRequest = serde_json::from_value(request).expect("request");
    h.services
        .preview_mapping(&h.admin, &system.id.to_string(), request)
        .await
}

pub fn invalid_fields(err: AppError) -> Vec<String> {
    match err {
        AppError::Validation { errors } => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}
