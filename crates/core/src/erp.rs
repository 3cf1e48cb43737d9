//! The unified ERP models of seed 004 §2.1 (customer, product with inventory, order).
//! Seed 004 writes them in camelCase, so they keep camelCase on the wire.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::money::Money;

string_enum!(CustomerType { Individual => "individual", Company => "company" });
string_enum!(ProductStatus { Active => "active", Inactive => "inactive", Discontinued => "discontinued" });
string_enum!(ErpOrderType { Sales => "sales", Purchase => "purchase" });
string_enum!(AddressType { Billing => "billing", Shipping => "shipping", Office => "office" });

/// Exact quantities and rates as decimal text (e.g. `12.5` kg, `0.13` tax rate); ERP
/// quantities are not always whole and must not drift through floats.
pub type DecimalText = String;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub is_primary: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CompanyInfo {
    pub legal_name: String,
    pub tax_number: String,
    pub industry: String,
    pub registered_address: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct FinancialInfo {
    pub credit_limit: Money,
    pub payment_terms: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(rename = "type")]
    pub address_type: AddressType,
    pub address: String,
    pub city: String,
    pub province: String,
    pub postal_code: String,
    pub country: String,
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub status: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Local id (UUID v7); `externalId` is the ERP's.
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub name: String,
    pub code: Option<String>,
    #[serde(rename = "type")]
    pub customer_type: CustomerType,
    pub contacts: Vec<Contact>,
    pub company_info: Option<CompanyInfo>,
    pub financial_info: Option<FinancialInfo>,
    pub addresses: Vec<Address>,
    pub metadata: Metadata,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub id: String,
    pub name: String,
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Specification {
    pub key: String,
    pub value: String,
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Pricing {
    pub standard_price: Money,
    pub cost_price: Option<Money>,
    pub currency: String,
    pub price_unit: String,
    pub tax_rate: Option<DecimalText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub quantity: DecimalText,
    pub unit: String,
    pub warehouse: Option<String>,
    pub min_order_quantity: Option<DecimalText>,
    pub max_order_quantity: Option<DecimalText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ProductSupplier {
    pub id: String,
    pub name: String,
    pub lead_time: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Category,
    pub specifications: Vec<Specification>,
    pub pricing: Pricing,
    pub inventory: Option<Inventory>,
    pub supplier: Option<ProductSupplier>,
    pub status: ProductStatus,
    pub metadata: Metadata,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PartyRef {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderProductRef {
    pub id: String,
    pub sku: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    pub line_number: i64,
    pub product: OrderProductRef,
    pub quantity: DecimalText,
    pub unit: String,
    pub unit_price: Money,
    pub discount: Option<Money>,
    pub tax_rate: Option<DecimalText>,
    pub subtotal: Money,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderAmounts {
    pub subtotal: Money,
    pub tax_amount: Money,
    pub discount_amount: Money,
    pub shipping_amount: Option<Money>,
    pub total_amount: Money,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct OrderStatusInfo {
    pub code: String,
    pub name: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ErpOrder {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub order_number: String,
    pub order_type: ErpOrderType,
    pub customer: PartyRef,
    pub items: Vec<OrderItem>,
    pub amounts: OrderAmounts,
    pub delivery: Option<Value>,
    pub payment: Option<Value>,
    pub status: OrderStatusInfo,
    pub references: Option<Value>,
    pub metadata: Metadata,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_amounts_use_seed_names_and_exact_money() {
        let a: OrderAmounts = serde_json::from_value(serde_json::json!({
            "subtotal": 100.10, "taxAmount": 13.01, "discountAmount": 0,
            "shippingAmount": null, "totalAmount": 113.11, "currency": "CNY"
        }))
        .expect("parses");
        assert_eq!(a.total_amount, Money::from_fen(11311));
        assert_eq!(a.subtotal.checked_add(a.tax_amount), Some(a.total_amount));
    }
}
