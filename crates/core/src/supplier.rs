//! Supplier orders (seed 000 "SupplierOrder", seed 001 order lifecycle).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::money::Money;
use crate::pos::check_total;
use crate::{validate, vendor_time};

string_enum!(SupplierOrderType { Purchase => "purchase", Return => "return" });
string_enum!(SupplierOrderStatus {
    Pending => "pending",
    Confirmed => "confirmed",
    Shipped => "shipped",
    Delivered => "delivered",
    Cancelled => "cancelled",
});

impl SupplierOrderStatus {
    /// pending → confirmed → shipped → delivered, only forward; a supplier may skip a step
    /// (seed 000's example goes from pending straight to shipped). Cancelled from any state
    /// before delivery.
    pub fn next_allowed(self) -> &'static [SupplierOrderStatus] {
        use SupplierOrderStatus::*;
        match self {
            Pending => &[Confirmed, Shipped, Delivered, Cancelled],
            Confirmed => &[Shipped, Delivered, Cancelled],
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
                    allowed: names(self.next_allowed()),
                },
                format!(
                    "a supplier order cannot go from {self} to {next}; allowed next: {}",
                    allowed_text(self.next_allowed())
                ),
            ))
        }
    }
}

fn names(states: &[SupplierOrderStatus]) -> Vec<String> {
    states.iter().map(|s| s.as_str().to_owned()).collect()
}

fn allowed_text(states: &[SupplierOrderStatus]) -> String {
    if states.is_empty() {
        "none (final state)".into()
    } else {
        names(states).join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SupplierOrderItem {
    pub name: String,
    pub quantity: i64,
    #[serde(default)]
    pub unit: Option<String>,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
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
    #[schema(value_type = Object)]
    pub delivery_info: Value,
    pub order_date: Option<DateTime<Utc>>,
    pub expected_delivery: Option<DateTime<Utc>>,
    pub actual_delivery: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Seed 000 "创建供应商订单" body; also the data of a supplier's `order.created` webhook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SupplierOrderInput {
    pub order_number: String,
    pub supplier_id: String,
    #[serde(default)]
    pub supplier_name: Option<String>,
    #[serde(rename = "type", default = "purchase")]
    #[schema(default = "purchase")]
    pub order_type: String,
    #[serde(default)]
    pub status: Option<String>,
    pub subtotal: Money,
    #[serde(default)]
    pub tax: Money,
    #[serde(default)]
    pub shipping: Money,
    pub total: Money,
    #[serde(default)]
    pub items: Vec<SupplierOrderItem>,
    #[serde(default)]
    pub delivery: Option<DeliveryInfo>,
    #[serde(default)]
    pub order_date: Option<String>,
    #[serde(default)]
    pub expected_delivery: Option<String>,
}

fn purchase() -> String {
    "purchase".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct DeliveryInfo {
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidSupplierOrder {
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
    pub delivery: Option<DeliveryInfo>,
    pub order_date: Option<DateTime<Utc>>,
    pub expected_delivery: Option<DateTime<Utc>>,
}

impl SupplierOrderInput {
    pub fn validate(self, offset: FixedOffset) -> Result<ValidSupplierOrder, AppError> {
        let mut v = Violations::new();
        validate::required_text(&mut v, "order_number", &self.order_number, 64);
        validate::required_text(&mut v, "supplier_id", &self.supplier_id, 64);
        if let Some(n) = &self.supplier_name {
            validate::max_len(&mut v, "supplier_name", n, 200);
        }
        validate::one_of(&mut v, "type", &self.order_type, SupplierOrderType::NAMES);
        let status = match self.status.as_deref() {
            None => Some(SupplierOrderStatus::Pending),
            Some(s) => {
                validate::one_of(&mut v, "status", s, SupplierOrderStatus::NAMES);
                SupplierOrderStatus::parse(s)
            }
        };
        for (field, m) in [
            ("subtotal", self.subtotal),
            ("tax", self.tax),
            ("shipping", self.shipping),
            ("total", self.total),
        ] {
            validate::non_negative(&mut v, field, m);
        }
        check_total(
            &mut v,
            self.subtotal,
            &[self.tax, self.shipping],
            Money::ZERO,
            self.total,
        );
        for (i, item) in self.items.iter().enumerate() {
            validate::required_text(&mut v, &format!("items[{i}].name"), &item.name, 200);
            validate::range(
                &mut v,
                &format!("items[{i}].quantity"),
                item.quantity,
                1,
                1_000_000,
                "",
            );
        }
        if let Some(phone) = self.delivery.as_ref().and_then(|d| d.phone.as_deref()) {
            validate::cn_mobile(&mut v, "delivery.phone", phone);
        }
        let order_date =
            vendor_time::field(&mut v, "order_date", self.order_date.as_deref(), offset);
        let expected_delivery = vendor_time::field(
            &mut v,
            "expected_delivery",
            self.expected_delivery.as_deref(),
            offset,
        );
        v.into_result()?;
        let (Some(order_type), Some(status)) = (SupplierOrderType::parse(&self.order_type), status)
        else {
            return Err(AppError::internal("enums checked above"));
        };
        Ok(ValidSupplierOrder {
            order_number: self.order_number,
            supplier_id: self.supplier_id,
            supplier_name: self.supplier_name,
            order_type,
            status,
            subtotal: self.subtotal,
            tax: self.tax,
            shipping: self.shipping,
            total: self.total,
            items: self.items,
            delivery: self.delivery,
            order_date,
            expected_delivery,
        })
    }
}

/// Seed 000 supplier webhook `order.status_changed` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SupplierStatusChange {
    pub order_number: String,
    pub status: String,
    /// When the goods arrived (with `delivered`); defaults to receipt time.
    #[serde(default)]
    pub actual_delivery: Option<String>,
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
        assert!(Pending.can_become(Shipped), "seed 000 skips confirmation");
        assert!(!Shipped.can_become(Confirmed), "only forward");
        assert!(!Delivered.can_become(Cancelled));
        assert!(Cancelled.next_allowed().is_empty());
        let err = Delivered.transition(Pending).expect_err("must fail");
        assert!(err.to_string().contains("from delivered to pending"));
    }
}
