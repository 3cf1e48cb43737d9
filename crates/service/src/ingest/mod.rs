//! Inbound pushes: POS terminals and scripts with a token, vendors with a signed webhook.
//! Each push is checked (role or signature, system, JSON shape, the seeds' rules), then
//! stored in one group-committed transaction with its raw body in the inbox, and answered
//! only after that commit is on disk. A repeat changes nothing and says so.

mod member;
mod pos;
mod pulled;
mod reservation;
mod reservation_import;
mod supplier;
mod temu;
pub(crate) mod webhook;
mod ylh;
pub use reservation_import::{ImportReport, RowError, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS};

use chrono::FixedOffset;
pub use pulled::PulledRecords;
use serde::de::DeserializeOwned;
pub(crate) use storelink_core::digest::sha256_hex;
use storelink_core::error::{AppError, FieldError, Rule};
use storelink_core::ids::{new_id, now};
use storelink_core::inbox::InboxStatus;
use storelink_core::ingest::IngestReply;
use storelink_core::sync::{SyncAction, SyncLog};
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::vendor_time;
use storelink_store::inbox::NewInboxEvent;
use storelink_store::{inbox, sync_logs, systems, SqliteConnection};
use uuid::Uuid;

/// A request body exactly as received, and its headers.
#[derive(Debug, Clone, Default)]
pub struct RawPush {
    pub body: Vec<u8>,
    /// Lower-case names. Credentials among them are dropped before anything is stored.
    pub headers: Vec<(String, String)>,
}

impl RawPush {
    pub fn new(body: impl Into<Vec<u8>>) -> Self {
        Self {
            body: body.into(),
            headers: Vec::new(),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// The headers worth keeping with the event: never credentials or cookies.
    fn safe_headers(&self) -> serde_json::Value {
        const DROPPED: &[&str] = &[
            "authorization",
            "cookie",
            "proxy-authorization",
            "x-api-key",
        ];
        let kept: serde_json::Map<String, serde_json::Value> = self
            .headers
            .iter()
            .filter(|(n, _)| !DROPPED.contains(&n.to_ascii_lowercase().as_str()))
            .take(64)
            .map(|(n, v)| {
                let v: String = v.chars().take(512).collect();
                (n.to_ascii_lowercase(), serde_json::Value::String(v))
            })
            .collect();
        serde_json::Value::Object(kept)
    }

    fn text(&self) -> Result<&str, AppError> {
        std::str::from_utf8(&self.body)
            .map_err(|_| AppError::field("body", Rule::Json, "the body is not UTF-8 text"))
    }
}

/// A stable hash of validated content, so a repeat is told from a change whatever the
/// whitespace or key order of the body it came in.
pub(crate) fn content_hash(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_vec(value)
        .map(|bytes| sha256_hex(&bytes))
        .map_err(AppError::internal)
}

/// Parses a JSON request body given as bytes (see `parse_body`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| AppError::field("body", Rule::Json, "the body is not UTF-8 text"))?;
    parse_body(text)
}

/// Parses a body. Text that is not JSON is `Rule::Json` on `body` (HTTP 400); JSON of the
/// wrong shape names the field (422).
pub(crate) fn parse_body<T: DeserializeOwned>(text: &str) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        AppError::field(
            "body",
            Rule::Json,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    parse_value(value)
}

pub(crate) fn parse_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (missing, path.as_str()) {
            (Some(name), "." | "") => name.to_owned(),
            (Some(name), parent) => format!("{parent}.{name}"),
            (None, "." | "") => "body".to_owned(),
            (None, p) => p.to_owned(),
        };
        let rule = if missing.is_some() {
            Rule::Required
        } else {
            Rule::Format {
                expected: "the type the field takes".into(),
            }
        };
        AppError::Validation {
            errors: vec![FieldError::new(
                field.clone(),
                rule,
                format!("{field}: {inner}"),
            )],
        }
    })
}

/// True when the only problem is a body that is not JSON at all (HTTP 400, not 422).
pub fn is_malformed_body(err: &AppError) -> bool {
    matches!(err, AppError::Validation { errors }
        if !errors.is_empty() && errors.iter().all(|e| e.rule == Rule::Json))
}

impl crate::Services {
    /// The system a push is for: it must exist and be of the route's type. An id that is
    /// not a UUID is simply not found.
    pub(crate) async fn system_for(
        &self,
        system_id: &str,
        expected: SystemType,
    ) -> Result<std::sync::Arc<ExternalSystem>, AppError> {
        let not_found = || AppError::not_found(&format!("{expected} system"), system_id);
        let id = Uuid::parse_str(system_id.trim()).map_err(|_| not_found())?;
        let system = match self.systems_cache.get(&id) {
            Some(system) => system,
            None => {
                let mut conn = self.db.read().await?;
                let system =
                    std::sync::Arc::new(systems::get(&mut conn, id).await?.ok_or_else(not_found)?);
                self.systems_cache.put(id, std::sync::Arc::clone(&system));
                system
            }
        };
        if system.system_type == expected {
            Ok(system)
        } else {
            Err(not_found())
        }
    }
}

/// The zone local times from this system are read in: `config.utc_offset_minutes`, else
/// China Standard Time.
pub(crate) fn offset_of(system: &ExternalSystem) -> FixedOffset {
    vendor_time::offset_of_config(&system.config)
}

/// The inbox row for a raw push, with what became of it (`processed` when applied in
/// the same transaction, `received` when it waits for the sync engine).
pub(crate) fn raw_event(
    system_id: Uuid,
    event_id: &str,
    event_type: &str,
    kind: &str,
    push: &RawPush,
    status: InboxStatus,
) -> Result<NewInboxEvent, AppError> {
    Ok(NewInboxEvent {
        id: new_id(),
        system_id,
        event_id: event_id.to_owned(),
        event_type: event_type.to_owned(),
        kind: kind.to_owned(),
        payload: push.text()?.to_owned(),
        headers: push.safe_headers().to_string(),
        content_hash: sha256_hex(&push.body),
        status,
        received_at: now(),
    })
}

impl crate::Services {
    /// What every token push checks first: the role for `op`, then the system (which must
    /// be of the route's type), then that a bound token is bound to that system.
    pub(crate) async fn push_target(
        &self,
        actor: &storelink_core::Actor,
        op: storelink_core::Operation,
        entity: &str,
        system_id: &str,
        expected: SystemType,
    ) -> Result<std::sync::Arc<ExternalSystem>, AppError> {
        self.authorize(actor, op, entity, None).await?;
        let system = self.system_for(system_id, expected).await?;
        actor.require_system(system.id)?;
        Ok(system)
    }
}

/// Keeps a token push, applied in this same transaction, in the inbox.
pub(crate) async fn keep_api_push(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    event_id: &str,
    event_type: &str,
    push: &RawPush,
) -> Result<Uuid, AppError> {
    keep_raw(
        conn,
        system_id,
        event_id,
        event_type,
        "api",
        push,
        InboxStatus::Processed,
    )
    .await
}

/// The audit entry of a change a token or person pushed (audited with the change).
pub(crate) async fn audit_push(
    conn: &mut SqliteConnection,
    actor: &storelink_core::Actor,
    op: storelink_core::Operation,
    entity: &str,
    record_id: Uuid,
    after: serde_json::Value,
) -> Result<(), AppError> {
    crate::audit::record(
        conn,
        actor,
        crate::audit::Change {
            op,
            entity,
            entity_id: Some(record_id.to_string()),
            outcome: storelink_core::audit::AuditOutcome::Success,
            before: None,
            after: Some(after),
            detail: None,
        },
    )
    .await
}

/// Keeps the raw push in the inbox. Called inside the push's transaction.
pub(crate) async fn keep_raw(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    event_id: &str,
    event_type: &str,
    kind: &str,
    push: &RawPush,
    status: InboxStatus,
) -> Result<Uuid, AppError> {
    let row = raw_event(system_id, event_id, event_type, kind, push, status)?;
    inbox::insert(conn, &row).await?;
    Ok(row.id)
}

/// One sync log line for an item a push created or changed.
pub(crate) fn sync_log(
    system_id: Uuid,
    item_type: &str,
    item_id: &str,
    action: SyncAction,
) -> SyncLog {
    SyncLog::success(system_id, None, item_type, item_id, action)
}

pub(crate) async fn log_item(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    item_type: &str,
    item_id: &str,
    action: SyncAction,
) -> Result<(), AppError> {
    sync_logs::insert(conn, &sync_log(system_id, item_type, item_id, action)).await
}

/// What applying one push did.
#[derive(Debug, Clone)]
pub(crate) struct Applied {
    pub record_id: Uuid,
    /// A new record (HTTP 201) rather than a change to one or a repeat (200).
    pub created: bool,
    pub duplicate: bool,
    pub status: Option<String>,
    pub event: Option<storelink_core::ingest::DomainEvent>,
}

impl Applied {
    fn reply(&self) -> IngestReply {
        IngestReply {
            id: self.record_id,
            record_id: None,
            created: self.created,
            duplicate: self.duplicate,
            status: self.status.clone(),
        }
    }
}
