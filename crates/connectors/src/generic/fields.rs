//! The streams of each seed 000 system and their shipped field mappings. Our field names
//! are the seed's own (snake_case, the bodies its pushes carry); the shipped mapping is
//! the identity, and `config.field_mapping.<stream>.<our field> = "<vendor field>"`
//! points any of them at the vendor's name for it.

use crate::connector::{Entity, PageStyle, StreamSpec};
use crate::mapping::FieldMapping;

/// POS data reaches Storelink by push and webhook (seed 000 has no POS list to read).
pub const POS_STREAMS: &[StreamSpec] = &[];
/// Supplier orders and their status (蜀海 and other seed 000 supply chains).
pub const SUPPLIER_STREAMS: &[StreamSpec] = &[StreamSpec::new(
    "orders",
    Entity::SupplierOrders,
    "updated_at",
    PageStyle::PageLimit,
)];
/// Members with points, level and balance (WeChat membership and the like).
pub const MEMBER_STREAMS: &[StreamSpec] = &[StreamSpec::new(
    "members",
    Entity::Members,
    "updated_at",
    PageStyle::PageLimit,
)];

/// Seed 000 `SupplierOrder` as its create body names it, plus the supplier's own times.
const ORDER_FIELDS: &[&str] = &[
    "order_number",
    "supplier_id",
    "supplier_name",
    "type",
    "status",
    "subtotal",
    "tax",
    "shipping",
    "total",
    "items",
    "delivery.address",
    "delivery.contact",
    "delivery.phone",
    "order_date",
    "expected_delivery",
    "actual_delivery",
    "updated_at",
];

/// Seed 000 `MemberSync` as its sync body names it, plus the platform's change time.
const MEMBER_FIELDS: &[&str] = &[
    "member_id",
    "external_id",
    "phone",
    "name",
    "email",
    "level",
    "points",
    "balance",
    "updated_at",
];

/// The field that names a record of a stream (after mapping): its vendor id for the
/// engine, and what `pull_one` and the push paths fill in.
pub(crate) fn id_field(stream: &str) -> Option<&'static str> {
    match stream {
        "orders" => Some("order_number"),
        "members" => Some("member_id"),
        _ => None,
    }
}

fn fields(stream: &str) -> &'static [&'static str] {
    match stream {
        "orders" => ORDER_FIELDS,
        "members" => MEMBER_FIELDS,
        _ => &[],
    }
}

/// The shipped mapping of a stream: every seed field from the vendor field of that name.
pub fn default_mapping(stream: &str) -> FieldMapping {
    let pairs: Vec<(&str, &str)> = fields(stream).iter().map(|f| (*f, *f)).collect();
    FieldMapping::from_pairs(&pairs)
}

/// The fields a system's mapping may fill, per stream (what the settings form offers).
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    fields(stream).to_vec()
}
