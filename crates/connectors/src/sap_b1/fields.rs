//! The shipped field mappings: Service Layer field → seed 004 model field. Customers follow
//! seed 004 §5.1.2 (CardCode→code, CardName→name, Phone1, EmailAddress, Address,
//! FederalTaxID); products and orders use the Service Layer's Items and Orders fields.

use crate::mapping::FieldMapping;

/// Fields the Service Layer sets itself, never sent back in a write (the key of a PATCH is
/// in the URL, and a changed key or change date would be refused).
pub const VENDOR_OWNED: &[&str] = &[
    "CardCode",
    "ItemCode",
    "DocEntry",
    "DocNum",
    "UpdateDate",
    "UpdateTime",
    "CreateDate",
    "CreateTime",
];

const CUSTOMERS: &[(&str, &str)] = &[
    ("externalId", "CardCode"),
    ("code", "CardCode"),
    ("name", "CardName"),
    ("type", "CompanyPrivate"),
    ("contacts[0].name", "ContactPerson"),
    ("contacts[0].phone", "Phone1"),
    ("contacts[0].email", "EmailAddress"),
    ("addresses[0].address", "Address"),
    ("addresses[0].city", "City"),
    ("addresses[0].province", "County"),
    ("addresses[0].postalCode", "ZipCode"),
    ("addresses[0].country", "Country"),
    ("companyInfo.taxNumber", "FederalTaxID"),
    ("financialInfo.creditLimit", "CreditLimit"),
    ("financialInfo.currency", "Currency"),
    ("metadata.status", "Valid"),
    ("metadata.updatedAt", "UpdateDate"),
];

const PRODUCTS: &[(&str, &str)] = &[
    ("externalId", "ItemCode"),
    // Order lines name items by ItemCode (seed 004 §5.1.3: ItemCode ← sku).
    ("sku", "ItemCode"),
    ("name", "ItemName"),
    ("description", "User_Text"),
    ("category.id", "ItemsGroupCode"),
    ("pricing.standardPrice", "ItemPrices[0].Price"),
    ("pricing.currency", "ItemPrices[0].Currency"),
    ("pricing.costPrice", "MovingAveragePrice"),
    ("pricing.priceUnit", "SalesUnit"),
    ("inventory.quantity", "QuantityOnStock"),
    ("inventory.unit", "InventoryUOM"),
    (
        "inventory.warehouse",
        "ItemWarehouseInfoCollection[0].WarehouseCode",
    ),
    ("status", "Valid"),
    ("metadata.updatedAt", "UpdateDate"),
];

const ORDERS: &[(&str, &str)] = &[
    ("externalId", "DocEntry"),
    ("orderNumber", "DocNum"),
    ("customer.id", "CardCode"),
    ("customer.code", "CardCode"),
    ("customer.name", "CardName"),
    ("items", "DocumentLines"),
    ("amounts.totalAmount", "DocTotal"),
    ("amounts.taxAmount", "VatSum"),
    ("amounts.currency", "DocCurrency"),
    ("status.code", "DocumentStatus"),
    ("payment.dueDate", "DocDueDate"),
    ("references.contractId", "NumAtCard"),
    ("metadata.createdAt", "DocDate"),
    ("metadata.updatedAt", "UpdateDate"),
    ("metadata.notes", "Comments"),
];

fn pairs(stream: &str) -> &'static [(&'static str, &'static str)] {
    match stream {
        "customers" => CUSTOMERS,
        "products" => PRODUCTS,
        "orders" => ORDERS,
        _ => &[],
    }
}

pub fn default_mapping(stream: &str) -> FieldMapping {
    FieldMapping::from_pairs(pairs(stream))
}

/// The model fields a mapping may fill, per stream (what the settings form offers).
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    let extra: &[&str] = match stream {
        "customers" => &[
            "contacts[0].title",
            "companyInfo.legalName",
            "companyInfo.industry",
            "financialInfo.paymentTerms",
        ],
        "products" => &["category.name", "pricing.taxRate"],
        "orders" => &[
            "type",
            "amounts.subtotal",
            "amounts.discountAmount",
            "status.name",
            "delivery.address",
            "references.proposalId",
        ],
        _ => &[],
    };
    crate::mapping::mappable_with(pairs(stream), extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_follow_the_seed_table() {
        let c = default_mapping("customers");
        for (ours, theirs) in [
            ("code", "CardCode"),
            ("name", "CardName"),
            ("contacts[0].phone", "Phone1"),
            ("contacts[0].email", "EmailAddress"),
            ("addresses[0].address", "Address"),
            ("companyInfo.taxNumber", "FederalTaxID"),
        ] {
            assert_eq!(c.fields[ours], theirs, "{ours}");
        }
        let bp = json!({"CardCode": "C001", "CardName": "上海餐饮", "Phone1": "021-1",
            "ItemWarehouseInfoCollection": []});
        let ours = c.apply(&bp);
        assert_eq!(ours["externalId"], "C001");
        assert_eq!(ours["code"], "C001");
        assert_eq!(ours["contacts"][0]["phone"], "021-1");
        let item = json!({"ItemCode": "i001", "ItemName": "x", "QuantityOnStock": "12.5",
            "ItemPrices": [{"PriceList": 1, "Price": "68.00", "Currency": "CNY"}],
            "ItemWarehouseInfoCollection": [{"WarehouseCode": "01", "InStock": "12.5"}]});
        let p = default_mapping("products").apply(&item);
        assert_eq!(p["sku"], "i001");
        assert_eq!(p["pricing"]["standardPrice"], "68.00");
        assert_eq!(
            p["inventory"],
            json!({"quantity": "12.5", "warehouse": "01"})
        );
    }

    #[test]
    fn every_default_target_is_mappable_and_overrides_are_checked() {
        for stream in ["customers", "products", "orders"] {
            let fields = mappable_fields(stream);
            for target in default_mapping(stream).fields.keys() {
                assert!(fields.contains(&target.as_str()), "{stream}.{target}");
            }
        }
        let bad = default_mapping("customers").with_overrides(
            Some(&json!({"nickname": "U_Nick"})),
            &mappable_fields("customers"),
            "customers",
        );
        assert!(bad.is_err());
        let ok = default_mapping("customers")
            .with_overrides(
                Some(&json!({"contacts[0].name": "U_Contact"})),
                &mappable_fields("customers"),
                "customers",
            )
            .expect("valid override");
        assert_eq!(ok.fields["contacts[0].name"], "U_Contact");
    }
}
