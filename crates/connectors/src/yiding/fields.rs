//! The one stream, its shipped mapping (Yiding's names → the seed 002 push body) and the
//! fields a system's `config.field_mapping.reservations` may fill.

use crate::connector::{Entity, PageStyle, StreamSpec};
use crate::mapping::{mappable_with, FieldMapping};

/// The vendor field incremental syncs follow (seed 002 ReservationSync `updated_at`).
pub const UPDATED_AT: &str = "updated_at";

pub const STREAMS: &[StreamSpec] = &[StreamSpec::new(
    "reservations",
    Entity::Reservations,
    UPDATED_AT,
    PageStyle::PageLimit,
)];

/// Seed 002's ReservationSync model as the platform lists it → the `ReservationInput` body
/// a push sends (snake_case). The two differ only in the platform's own id, which the model
/// calls `external_reservation_id` and the push body `external_id`.
const PAIRS: &[(&str, &str)] = &[
    ("reservation_id", "reservation_id"),
    ("external_id", "external_reservation_id"),
    ("reservation_number", "reservation_number"),
    ("customer_name", "customer_name"),
    ("customer_phone", "customer_phone"),
    ("customer_count", "customer_count"),
    ("reservation_date", "reservation_date"),
    ("reservation_time", "reservation_time"),
    ("table_type", "table_type"),
    ("table_number", "table_number"),
    ("area", "area"),
    ("status", "status"),
    ("special_requirements", "special_requirements"),
    ("notes", "notes"),
    ("deposit_required", "deposit_required"),
    ("deposit_amount", "deposit_amount"),
    ("deposit_paid", "deposit_paid"),
    ("source", "source"),
    ("channel", "channel"),
];

pub fn default_mapping(stream: &str) -> FieldMapping {
    match stream {
        "reservations" => FieldMapping::from_pairs(PAIRS),
        _ => FieldMapping::default(),
    }
}

/// Every field of `ReservationInput` (the shipped mapping fills them all).
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    match stream {
        "reservations" => mappable_with(PAIRS, &[]),
        _ => Vec::new(),
    }
}
