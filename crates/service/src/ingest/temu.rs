//! Temu's webhook pushes (seed 003 `POST /api/webhook/temu`).
//!
//! The system is the `ecommerce` system with provider `temu` whose `config.app_key` is the
//! push's `x-tm-app-key` (or the one the per-system route names). Its `app_secret` comes
//! from the keychain; the push is opened and its signature checked on the raw body before
//! anything else (Temu signs the decrypted event, so opening comes first; a push that does
//! not open or verify is refused 401 and nothing is kept). The event is then kept in the
//! inbox once, as `received`, and the answer goes out at once: Temu wants a 200 within
//! 500 ms, so the order is pulled later by the sync engine (`process_events_once` asks the
//! connector which order the event names).
//!
//! Temu's pushes carry no event id, and a retry (Temu retries 8 times, up to 12 h apart) may
//! carry a new timestamp; the event id is therefore a hash of the event code and the
//! decrypted event, so a retry is a duplicate. No age limit is applied to the timestamp for
//! the same reason; replaying an old push only makes the engine pull the order's current
//! state. The inbox keeps the decrypted event (the body itself is ciphertext only the app
//! secret opens) and the push's headers.

use serde_json::Value;
use storelink_connectors::temu::webhook::{self, APP_KEY_HEADER};
use storelink_core::error::{AppError, Rule};
use storelink_core::inbox::InboxStatus;
use storelink_core::ingest::IngestReply;
use storelink_core::system::{ExternalSystem, SystemType, ValidSystemFilter};
use storelink_core::PageRequest;
use storelink_store::{inbox, systems};

use super::{keep_raw, sha256_hex, RawPush};
use crate::Services;

/// The keychain name of the secret that opens and verifies pushes.
pub const APP_SECRET: &str = "app_secret";

fn refused(message: impl Into<String>) -> AppError {
    AppError::BadSignature {
        message: message.into(),
    }
}

fn is_temu(system: &ExternalSystem) -> bool {
    system.system_type == SystemType::Ecommerce
        && system.provider.trim().eq_ignore_ascii_case("temu")
}

fn app_key_of(system: &ExternalSystem) -> Option<&str> {
    system
        .config
        .get("app_key")
        .and_then(Value::as_str)
        .map(str::trim)
}

impl Services {
    /// Receives one Temu push; `system_id` when it came on the per-system route.
    pub async fn receive_temu_webhook(
        &self,
        system_id: Option<&str>,
        push: RawPush,
    ) -> Result<IngestReply, AppError> {
        let app_key = push
            .header(APP_KEY_HEADER)
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or_else(|| refused("the x-tm-app-key header is missing"))?;
        let system = match system_id {
            Some(id) => {
                let system = self.system_for(id, SystemType::Ecommerce).await?;
                if !is_temu(&system) || app_key_of(&system).is_some_and(|k| k != app_key) {
                    return Err(refused("this system is not the Temu app the push names"));
                }
                system
            }
            None => std::sync::Arc::new(self.temu_system(&app_key).await?),
        };
        let secret = self
            .keychain
            .get(system.id, APP_SECRET)
            .await?
            .ok_or_else(|| {
                refused("this Temu system has no app_secret saved; set it in the system's settings")
            })?;
        let lookup = |name: &str| push.header(name);
        let opened = webhook::open(&lookup, &push.body, secret.expose())
            .map_err(|e| refused(format!("Temu push refused: {e}")))?;
        let event: Value = serde_json::from_str(&opened.data).map_err(|_| {
            AppError::field("eventData", Rule::Json, "the decrypted event is not JSON")
        })?;
        if !event.is_object() {
            return Err(AppError::field(
                "eventData",
                Rule::Json,
                "the decrypted event is not a JSON object",
            ));
        }
        let event_id = format!(
            "temu:{}",
            sha256_hex(format!("{}\n{}", opened.event_code, opened.data).as_bytes())
        );
        let kept = RawPush {
            body: opened.data.into_bytes(),
            headers: push.headers.clone(),
        };
        let event_code = opened.event_code;
        let (id, duplicate) = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    if let Some(seen) = inbox::find(conn, system.id, &event_id).await? {
                        return Ok((seen.id, true));
                    }
                    let id = keep_raw(
                        conn,
                        system.id,
                        &event_id,
                        &event_code,
                        "webhook",
                        &kept,
                        InboxStatus::Received,
                    )
                    .await?;
                    Ok((id, false))
                })
            })
            .await?;
        Ok(IngestReply {
            id,
            record_id: None,
            created: false,
            duplicate,
            status: Some(InboxStatus::Received.as_str().into()),
        })
    }

    /// The one Temu system using `app_key`.
    async fn temu_system(&self, app_key: &str) -> Result<ExternalSystem, AppError> {
        let filter = ValidSystemFilter {
            system_type: Some(SystemType::Ecommerce),
            store_id: None,
            status: None,
        };
        let mut found = Vec::new();
        let mut cursor = None;
        let mut conn = self.db.read().await?;
        loop {
            let page = systems::list(
                &mut conn,
                &filter,
                &PageRequest {
                    cursor,
                    limit: Some(200),
                },
            )
            .await?;
            found.extend(
                page.items
                    .into_iter()
                    .filter(|s| is_temu(s) && app_key_of(s) == Some(app_key)),
            );
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(refused(format!(
                "no Temu system here uses app key `{}`",
                app_key.chars().take(64).collect::<String>()
            ))),
            _ => Err(AppError::Conflict {
                message: "several Temu systems use this app key; point Temu at /api/v1/integrations/webhooks/temu/{system_id}".into(),
                field: Some("x-tm-app-key".into()),
            }),
        }
    }
}
