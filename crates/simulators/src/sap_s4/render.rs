//! The dataset in S/4HANA's OData v2 shape, and its error shape. Decimals are strings, as
//! OData v2 writes Edm.Decimal; dates are `/Date(ms)/`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::erp::data::Kind;
use crate::erp::model::{Customer, Order, Product, Status};
use crate::erp::money::{quantity, yuan};
use crate::sap_b1::Store;

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

/// A refusal in the gateway's shape, answered by `into_response`.
#[derive(Debug)]
pub(crate) struct S4Error {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl S4Error {
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        S4Error {
            status,
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// A malformed or unknown request (gateway framework code).
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        S4Error::new(StatusCode::BAD_REQUEST, "/IWBEP/CM_MGW_RT/022", message)
    }

    /// The application refused the data (a business rule).
    pub(crate) fn business(code: &str, message: impl Into<String>) -> Self {
        S4Error::new(StatusCode::BAD_REQUEST, code, message)
    }
}

impl IntoResponse for S4Error {
    fn into_response(self) -> Response {
        error(self.status, &self.code, &self.message)
    }
}

/// `{"error":{"code","message":{"lang","value"},"innererror":{…}}}`
pub(crate) fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"error": {"code": code, "message": {"lang": "en", "value": message},
        "innererror": {"application": {"component_id": "", "service_namespace": "/SAP/"},
            "transactionid": uuid::Uuid::now_v7().simple().to_string()}}});
    json_response(status, &body)
}

pub(crate) fn not_found() -> S4Error {
    S4Error::new(
        StatusCode::NOT_FOUND,
        "/IWBEP/CM_MGW_RT/020",
        "Resource not found for segment",
    )
}

/// `/Date(ms)/` of the day of `ms` (Edm.DateTime with a date display format).
pub(crate) fn date(ms: i64) -> String {
    format!("/Date({})/", ms - ms.rem_euclid(86_400_000))
}

/// `PT07H30M05S` of `ms`.
fn time(ms: i64) -> String {
    let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    t.format("PT%HH%MM%SS").to_string()
}

/// `/Date(ms+0000)/` (Edm.DateTimeOffset).
fn offset(ms: i64) -> String {
    format!("/Date({ms}+0000)/")
}

fn results(items: Vec<Value>, expanded: bool, uri: &str) -> Value {
    if expanded {
        json!({"results": items})
    } else {
        json!({"__deferred": {"uri": uri}})
    }
}

fn partner(code: String, c: &Customer, ms: i64, expanded: bool) -> Value {
    let person = c.kind != "company";
    let address = json!({
        "BusinessPartner": code, "AddressID": "1", "StreetName": c.address,
        "CityName": c.city, "Region": c.province, "PostalCode": "", "Country": "CN",
        "to_PhoneNumber": {"results": [{"AddressID": "1", "PhoneNumber": c.contact_phone}]},
        "to_EmailAddress": {"results": [{"AddressID": "1", "EmailAddress": c.email}]},
    });
    let tax = json!({"BusinessPartner": code, "BPTaxType": "CN5", "BPTaxNumber": c.tax_number});
    json!({
        "__metadata": {"type": "API_BUSINESS_PARTNER.A_BusinessPartnerType"},
        "BusinessPartner": code,
        "Customer": code,
        "Supplier": "",
        "BusinessPartnerCategory": if person { "1" } else { "2" },
        "BusinessPartnerFullName": c.name,
        "BusinessPartnerGrouping": "BP02",
        "OrganizationBPName1": if person { "" } else { c.name.as_str() },
        "LastName": if person { c.name.as_str() } else { "" },
        "BusinessPartnerIsBlocked": c.status != "active",
        "CreationDate": date(ms),
        "CreationTime": time(ms),
        "LastChangeDate": date(ms),
        "LastChangeTime": time(ms),
        "to_BusinessPartnerAddress": results(vec![address], expanded, "to_BusinessPartnerAddress"),
        "to_BusinessPartnerTax": results(vec![tax], expanded, "to_BusinessPartnerTax"),
    })
}

fn product(code: String, p: &Product, ms: i64, expanded: bool) -> Value {
    let description = json!({"Product": code, "Language": "ZH", "ProductDescription": p.name});
    json!({
        "__metadata": {"type": "API_PRODUCT_SRV.A_ProductType"},
        "Product": code,
        "ProductType": "HAWA",
        "ProductGroup": p.category_id,
        "BaseUnit": p.unit,
        "ProductOldID": p.sku,
        "IsMarkedForDeletion": p.status != "active",
        "CreationDate": date(ms),
        "LastChangeDate": date(ms),
        "LastChangeDateTime": offset(ms),
        "to_Description": results(vec![description], expanded, "to_Description"),
    })
}

fn sales_order(store: &Store, n: u32, o: &Order, ms: i64, expanded: bool) -> Value {
    let items: Vec<Value> = o
        .items
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "SalesOrder": n.to_string(),
                "SalesOrderItem": ((i + 1) * 10).to_string(),
                "Material": l.product_id,
                "SalesOrderItemText": l.name,
                "RequestedQuantity": quantity(l.quantity_milli),
                "RequestedQuantityUnit": "PC",
                "NetAmount": yuan(l.amount_fen),
                "TransactionCurrency": o.currency,
            })
        })
        .collect();
    let closed = matches!(o.status, Status::Delivered | Status::Cancelled);
    let sold_to = Kind::Customers
        .parse_id(&o.customer_id)
        .map_or_else(|| o.customer_id.clone(), |c| store.card_code(c));
    json!({
        "__metadata": {"type": "API_SALES_ORDER_SRV.A_SalesOrderType"},
        "SalesOrder": n.to_string(),
        "SalesOrderType": "OR",
        "SalesOrganization": "1010",
        "DistributionChannel": "10",
        "OrganizationDivision": "00",
        "SoldToParty": sold_to,
        "PurchaseOrderByCustomer": o.reference.clone().unwrap_or_else(|| o.order_number.clone()),
        "TransactionCurrency": o.currency,
        "TotalNetAmount": yuan(o.total_fen()),
        "OverallSDProcessStatus": if closed { "C" } else { "A" },
        "SalesOrderDate": date(o.created_ms),
        "CreationDate": date(o.created_ms),
        "LastChangeDate": date(ms),
        "LastChangeDateTime": offset(ms),
        "to_Item": results(items, expanded, "to_Item"),
    })
}

/// One record in S/4HANA's shape; navigation properties inline when `expanded`.
pub(crate) fn entity(store: &Store, kind: Kind, n: u32, expanded: bool) -> Option<Value> {
    let d = &store.data;
    match kind {
        Kind::Customers => d
            .customer(n)
            .map(|(c, s)| partner(store.card_code(n), &c, s.updated_ms, expanded)),
        Kind::Products => d
            .product(n)
            .map(|(p, s)| product(kind.id(n), &p, s.updated_ms, expanded)),
        Kind::Orders => d
            .order(n)
            .map(|(o, s)| sales_order(store, n, &o, s.updated_ms, expanded)),
    }
}

/// (service, entity set) of a kind.
pub(crate) fn set_of(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Customers => ("API_BUSINESS_PARTNER", "A_BusinessPartner"),
        Kind::Products => ("API_PRODUCT_SRV", "A_Product"),
        Kind::Orders => ("API_SALES_ORDER_SRV", "A_SalesOrder"),
    }
}

pub(crate) fn kind_of(service: &str, set: &str) -> Option<Kind> {
    [Kind::Customers, Kind::Products, Kind::Orders]
        .into_iter()
        .find(|k| set_of(*k) == (service, set))
}

/// Keeps only the `$select`ed properties (and `__metadata`).
pub(crate) fn select(v: Value, fields: Option<&[String]>) -> Value {
    match (fields, v) {
        (Some(keep), Value::Object(map)) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| k == "__metadata" || keep.iter().any(|f| f == k))
                .collect(),
        ),
        (_, v) => v,
    }
}
