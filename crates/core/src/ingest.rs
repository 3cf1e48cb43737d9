//! What arrives through the listener: the webhook envelope of seeds 000, 002 and 004, the
//! events each channel accepts, and the answer to an accepted push.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule};

string_enum!(
    /// The webhook paths `webhooks/{channel}/{system_id}`.
    WebhookChannel {
    Pos => "pos",
    Supplier => "supplier",
    Member => "member",
    Reservation => "reservation",
    Erp => "erp",
});

/// Seed 004 §2.3.3: the ERP events, kept for the sync engine to act on.
pub const ERP_EVENTS: &[&str] = &[
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "product.created",
    "product.updated",
    "product.deleted",
    "product.inventory.changed",
    "order.created",
    "order.updated",
    "order.status.changed",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "invoice.created",
    "invoice.paid",
    "invoice.overdue",
];

impl WebhookChannel {
    /// The events a channel accepts: seed 000's `transaction.created` and
    /// `order.status_changed` (plus the order itself), member upserts, seed 002's
    /// reservation events and seed 004's ERP events.
    pub fn events(self) -> &'static [&'static str] {
        match self {
            Self::Pos => &["transaction.created"],
            Self::Supplier => &["order.created", "order.status_changed"],
            Self::Member => &["member.created", "member.updated"],
            Self::Reservation => &[
                "reservation.created",
                "reservation.updated",
                "reservation.cancelled",
            ],
            Self::Erp => ERP_EVENTS,
        }
    }

    /// The system type whose webhooks arrive on this channel.
    pub fn system_type(self) -> &'static str {
        self.as_str()
    }
}

/// `{"event": "...", "data": {...}}`, with seed 004's optional `id`, `timestamp` and
/// `source`. Unknown fields (seed 004's in-body `signature`) are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct WebhookEnvelope {
    #[serde(default)]
    pub id: Option<String>,
    pub event: String,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub data: Value,
}

impl WebhookEnvelope {
    pub fn check_event(&self, channel: WebhookChannel) -> Result<(), AppError> {
        if channel.events().contains(&self.event.as_str()) {
            Ok(())
        } else {
            Err(AppError::field(
                "event",
                Rule::OneOf {
                    allowed: channel.events().iter().map(|e| (*e).to_owned()).collect(),
                },
                format!(
                    "event `{}` is not one the {channel} webhook accepts: {}",
                    self.event.chars().take(60).collect::<String>(),
                    channel.events().join(", ")
                ),
            ))
        }
    }
}

/// The answer to an accepted push: the local record, and whether it had been received
/// before (a repeat changes nothing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct IngestReply {
    /// The local id of the stored record; for a webhook, of its inbox entry.
    pub id: Uuid,
    /// For a webhook: the record it created or changed, if any.
    #[serde(default)]
    pub record_id: Option<Uuid>,
    /// Whether the push created a new record (HTTP 201) rather than changed one (200).
    #[serde(default)]
    pub created: bool,
    pub duplicate: bool,
    /// The record's status after the push, where it has one.
    #[serde(default)]
    pub status: Option<String>,
}

/// Something that happened that a person may want to hear about; the desktop shell turns
/// these into notifications and live updates, the headless shell into log lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DomainEvent {
    PosTransactionRecorded {
        system_id: Uuid,
        id: Uuid,
        pos_transaction_id: String,
    },
    ReservationCreated {
        system_id: Uuid,
        id: Uuid,
        reservation_id: String,
        customer_name: String,
        reservation_date: DateTime<Utc>,
    },
    ReservationChanged {
        system_id: Uuid,
        id: Uuid,
        reservation_id: String,
        status: String,
    },
    ReservationCancelled {
        system_id: Uuid,
        id: Uuid,
        reservation_id: String,
        customer_name: String,
    },
    SupplierOrderChanged {
        system_id: Uuid,
        id: Uuid,
        order_number: String,
        status: String,
    },
    /// A failed sync, a dead outbox entry or a health drop (the alert's own `kind` says
    /// which; it is nested because `kind` here names the event).
    Alert { alert: crate::health::Alert },
    /// A sync task started, stored more items, or ended (seed 003's task fields).
    SyncTaskProgress {
        task_id: Uuid,
        system_id: Uuid,
        stream: String,
        status: crate::sync::SyncTaskStatus,
        success_items: i64,
        failed_items: i64,
        total_items: i64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_webhook_bodies_parse_and_check() {
        let pos: WebhookEnvelope = serde_json::from_str(
            r#"{"event":"transaction.created","data":{"transaction_id":"TXN-2024-002","total":150.00}}"#,
        )
        .expect("parses");
        assert!(pos.check_event(WebhookChannel::Pos).is_ok());
        assert!(pos.check_event(WebhookChannel::Supplier).is_err());
        let erp: WebhookEnvelope = serde_json::from_str(
            r#"{"id":"e1","event":"customer.updated","timestamp":"2026-02-04T16:00:00Z","source":"yonyou_erp","data":{},"signature":"sha256=..."}"#,
        )
        .expect("parses");
        assert!(erp.check_event(WebhookChannel::Erp).is_ok());
        assert_eq!(erp.id.as_deref(), Some("e1"));
    }
}
