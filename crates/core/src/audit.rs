//! Who changed what, when; before and after, never with secrets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

string_enum!(AuditOutcome { Success => "success", Forbidden => "forbidden", Failed => "failed" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub actor_role: String,
    /// The operation, e.g. `systems_create`.
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub outcome: AuditOutcome,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub detail: Option<String>,
}
