//! The shipped field mappings: S/4HANA OData v2 field → seed 004 model field. Business
//! partners carry their address, phone, e-mail and tax number in expanded navigation
//! properties (`to_BusinessPartnerAddress`, `to_BusinessPartnerTax`); products their name
//! in `to_Description`; sales orders their lines in `to_Item`.

use crate::mapping::FieldMapping;

/// Fields S/4HANA sets itself, never sent back in a write.
pub const VENDOR_OWNED: &[&str] = &[
    "BusinessPartner",
    "Customer",
    "CreationDate",
    "CreationTime",
    "LastChangeDate",
    "LastChangeTime",
    "LastChangeDateTime",
    "SalesOrder",
];

const CUSTOMERS: &[(&str, &str)] = &[
    ("externalId", "BusinessPartner"),
    ("code", "Customer"),
    ("name", "BusinessPartnerFullName"),
    ("type", "BusinessPartnerCategory"),
    (
        "contacts[0].phone",
        "to_BusinessPartnerAddress.results[0].to_PhoneNumber.results[0].PhoneNumber",
    ),
    (
        "contacts[0].email",
        "to_BusinessPartnerAddress.results[0].to_EmailAddress.results[0].EmailAddress",
    ),
    (
        "addresses[0].address",
        "to_BusinessPartnerAddress.results[0].StreetName",
    ),
    (
        "addresses[0].city",
        "to_BusinessPartnerAddress.results[0].CityName",
    ),
    (
        "addresses[0].province",
        "to_BusinessPartnerAddress.results[0].Region",
    ),
    (
        "addresses[0].postalCode",
        "to_BusinessPartnerAddress.results[0].PostalCode",
    ),
    (
        "addresses[0].country",
        "to_BusinessPartnerAddress.results[0].Country",
    ),
    (
        "companyInfo.taxNumber",
        "to_BusinessPartnerTax.results[0].BPTaxNumber",
    ),
    ("metadata.status", "BusinessPartnerIsBlocked"),
    ("metadata.createdAt", "CreationDate"),
    ("metadata.updatedAt", "LastChangeDate"),
];

const PRODUCTS: &[(&str, &str)] = &[
    ("externalId", "Product"),
    ("sku", "Product"),
    ("name", "to_Description.results[0].ProductDescription"),
    ("category.id", "ProductGroup"),
    ("pricing.priceUnit", "BaseUnit"),
    ("inventory.unit", "BaseUnit"),
    ("status", "IsMarkedForDeletion"),
    ("metadata.createdAt", "CreationDate"),
    ("metadata.updatedAt", "LastChangeDateTime"),
];

const ORDERS: &[(&str, &str)] = &[
    ("externalId", "SalesOrder"),
    ("orderNumber", "SalesOrder"),
    ("customer.id", "SoldToParty"),
    ("customer.code", "SoldToParty"),
    ("items", "to_Item.results"),
    ("amounts.totalAmount", "TotalNetAmount"),
    ("amounts.currency", "TransactionCurrency"),
    ("status.code", "OverallSDProcessStatus"),
    ("delivery.expectedDate", "RequestedDeliveryDate"),
    ("references.contractId", "PurchaseOrderByCustomer"),
    ("metadata.createdAt", "CreationDate"),
    ("metadata.updatedAt", "LastChangeDateTime"),
];

fn pairs(stream: &str) -> &'static [(&'static str, &'static str)] {
    match stream {
        "customers" => CUSTOMERS,
        "products" => PRODUCTS,
        "orders" => ORDERS,
        _ => &[],
    }
}

/// The `$expand` a listing asks for, so the default mapping finds its fields.
pub fn expand(stream: &str) -> Option<&'static str> {
    match stream {
        "customers" => Some(
            "to_BusinessPartnerAddress/to_PhoneNumber,to_BusinessPartnerAddress/to_EmailAddress,to_BusinessPartnerTax",
        ),
        "products" => Some("to_Description"),
        "orders" => Some("to_Item"),
        _ => None,
    }
}

pub fn default_mapping(stream: &str) -> FieldMapping {
    FieldMapping::from_pairs(pairs(stream))
}

/// The model fields a mapping may fill, per stream (what the settings form offers).
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    let extra: &[&str] = match stream {
        "customers" => &[
            "contacts[0].name",
            "companyInfo.legalName",
            "companyInfo.industry",
            "financialInfo.creditLimit",
            "financialInfo.currency",
        ],
        "products" => &[
            "description",
            "category.name",
            "pricing.standardPrice",
            "pricing.currency",
            "inventory.quantity",
        ],
        "orders" => &[
            "type",
            "customer.name",
            "amounts.taxAmount",
            "status.name",
            "payment.dueDate",
            "metadata.notes",
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
    fn defaults_read_expanded_business_partners() {
        let bp = json!({"BusinessPartner": "C1", "Customer": "C1", "BusinessPartnerFullName": "上海餐饮",
            "to_BusinessPartnerAddress": {"results": [{"CityName": "上海",
                "to_PhoneNumber": {"results": [{"PhoneNumber": "021-1"}]},
                "to_EmailAddress": {"results": []}}]},
            "to_BusinessPartnerTax": {"results": [{"BPTaxNumber": "9131"}]}});
        let ours = default_mapping("customers").apply(&bp);
        assert_eq!(ours["externalId"], "C1");
        assert_eq!(ours["name"], "上海餐饮");
        assert_eq!(ours["contacts"][0], json!({"phone": "021-1"}));
        assert_eq!(ours["addresses"][0]["city"], "上海");
        assert_eq!(ours["companyInfo"]["taxNumber"], "9131");
        let so = json!({"SalesOrder": "7", "TotalNetAmount": "24.60", "to_Item": {"results": [{"Material": "P1"}]}});
        let o = default_mapping("orders").apply(&so);
        assert_eq!(o["amounts"]["totalAmount"], "24.60");
        assert_eq!(o["items"][0]["Material"], "P1");
    }

    #[test]
    fn every_default_target_is_mappable() {
        for stream in ["customers", "products", "orders"] {
            let fields = mappable_fields(stream);
            for target in default_mapping(stream).fields.keys() {
                assert!(fields.contains(&target.as_str()), "{stream}.{target}");
            }
            assert!(expand(stream).is_some());
        }
        assert!(default_mapping("customers")
            .with_overrides(
                Some(&json!({"nickname": "X"})),
                &mappable_fields("customers"),
                "customers"
            )
            .is_err());
    }
}
