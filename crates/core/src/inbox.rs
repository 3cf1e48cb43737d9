//! Received webhook events, stored raw and once per event id.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

string_enum!(InboxStatus { Received => "received", Processed => "processed", Failed => "failed" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct InboxEvent {
    pub id: Uuid,
    pub system_id: Uuid,
    /// The sender's event id (`webhook-id`, seed 004 `id`, ...): the idempotency key.
    pub event_id: String,
    pub event_type: String,
    /// How it arrived: a `webhook` from a vendor, or an `api` push with a token.
    pub kind: String,
    /// The raw body as received, before parsing (UTF-8; other bytes are refused earlier).
    pub payload: String,
    /// The request headers worth keeping (no authorization or cookies).
    #[schema(value_type = Object)]
    pub headers: serde_json::Value,
    /// SHA-256 of the raw body: a repeat of the event id with other content is refused.
    pub content_hash: String,
    pub status: InboxStatus,
    pub error_message: Option<String>,
    /// How many times processing ran (replays count).
    pub attempts: i64,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}
