//! Supplier orders (seed 000 "SupplierOrder", seed 001 order lifecycle).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule};
use crate::money::Money;

string_enum!(SupplierOrderType { Purchase => "purchase", Return => "return" });
string_enum!(SupplierOrderStatus {
    Pending => "pending",
    Confirmed => "confirmed",
    Shipped => "shipped",
    Delivered => "delivered",
    Cancelled => "cancelled",
});

impl SupplierOrderStatus {
    /// pending → confirmed → shipped → delivered; cancelled from any state before delivery.
    pub fn next_allowed(self) -> &'static [SupplierOrderStatus] {
        use SupplierOrderStatus::*;
        match self {
            Pending => &[Confirmed, Cancelled],
            Confirmed => &[Shipped, Cancelled],
            Shipped => &[Delivered, Cancelled],
            Delivered | Cancelled => &[],
        }
    }

    pub fn can_become(self, next: SupplierOrderStatus) -> bool {
        self.next_allowed().contains(&next)
    }

    pub fn transition(self, next: SupplierOrderStatus) -> Result<SupplierOrderStatus, AppError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(AppError::field(
                "status",
                Rule::Transition {
                    from: self.as_str().into(),
                    to: next.as_str().into(),
                },
                format!("a supplier order cannot go from {self} to {next}"),
            ))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SupplierOrderItem {
    pub name: String,
    pub quantity: i64,
    #[serde(default)]
    pub unit: Option<String>,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SupplierOrder {
    pub id: Uuid,
    pub system_id: Uuid,
    pub store_id: Option<String>,
    pub order_number: String,
    pub supplier_id: String,
    pub supplier_name: Option<String>,
    pub order_type: SupplierOrderType,
    pub status: SupplierOrderStatus,
    pub subtotal: Money,
    pub tax: Money,
    pub shipping: Money,
    pub total: Money,
    pub items: Vec<SupplierOrderItem>,
    pub delivery_info: Value,
    pub order_date: Option<DateTime<Utc>>,
    pub expected_delivery: Option<DateTime<Utc>>,
    pub actual_delivery: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::SupplierOrderStatus::*;

    #[test]
    fn lifecycle() {
        assert!(Pending.can_become(Confirmed));
        assert!(Confirmed.can_become(Shipped));
        assert!(Shipped.can_become(Delivered));
        for s in [Pending, Confirmed, Shipped] {
            assert!(s.can_become(Cancelled), "{s}");
        }
        assert!(!Pending.can_become(Shipped));
        assert!(!Delivered.can_become(Cancelled));
        assert!(Cancelled.next_allowed().is_empty());
        let err = Delivered.transition(Pending).expect_err("must fail");
        assert!(err.to_string().contains("from delivered to pending"));
    }
}
