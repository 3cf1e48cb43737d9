//! A record both sides changed since the last sync, parked for a person (strategy `manual`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

string_enum!(ConflictStatus { Open => "open", Resolved => "resolved" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Conflict {
    pub id: Uuid,
    pub system_id: Uuid,
    pub entity: String,
    pub record_key: String,
    pub source_data: Value,
    pub target_data: Value,
    pub source_updated_at: Option<DateTime<Utc>>,
    pub target_updated_at: Option<DateTime<Utc>>,
    pub status: ConflictStatus,
    pub resolution: Option<Value>,
    pub resolved_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}
