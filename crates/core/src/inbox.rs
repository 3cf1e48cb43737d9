//! Received webhook events, stored raw and once per event id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

string_enum!(InboxStatus { Received => "received", Processed => "processed", Failed => "failed" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct InboxEvent {
    pub id: Uuid,
    pub system_id: Uuid,
    /// The sender's event id (`webhook-id`, seed 004 `id`, ...): the idempotency key.
    pub event_id: String,
    pub event_type: String,
    /// The raw body as received, before parsing (UTF-8; other bytes are refused earlier).
    pub payload: String,
    pub status: InboxStatus,
    pub error_message: Option<String>,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}
