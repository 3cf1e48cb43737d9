//! Local changes to S/4HANA: business partners created and patched, sales orders created.

use reqwest::Method;
use serde_json::{json, Map, Value};

use super::fields::VENDOR_OWNED;
use super::wire::{decimal_text, format_date};
use super::SapS4;
use crate::connector::{CallError, PushRequest};
use crate::sap_b1::wire::{encode, invalid, literal, text};

const PARTNERS: &str = "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner";
const ORDERS: &str = "/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder";

/// `2026-11-20T08:00:00Z` or `2026-11-20` → `/Date(ms)/` of that day.
fn day(v: &Value) -> Option<String> {
    let t = v.as_str()?.get(..10)?;
    let d = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    Some(format_date(d.and_time(Default::default()).and_utc()))
}

/// Our spellings of S/4HANA's values; the read-only full name becomes the writable name
/// field of the partner's category.
fn partner_fields(mut body: Map<String, Value>) -> Map<String, Value> {
    let category = match body.get("BusinessPartnerCategory").and_then(Value::as_str) {
        Some("individual" | "person" | "1") => "1",
        Some(_) | None => "2",
    };
    if body.contains_key("BusinessPartnerCategory") {
        body.insert("BusinessPartnerCategory".into(), json!(category));
    }
    if let Some(name) = body.remove("BusinessPartnerFullName") {
        let field = if category == "1" {
            "LastName"
        } else {
            "OrganizationBPName1"
        };
        body.entry(field).or_insert(name);
    }
    if let Some(status) = body.get("BusinessPartnerIsBlocked").and_then(Value::as_str) {
        let blocked = matches!(status, "blocked" | "inactive" | "true");
        body.insert("BusinessPartnerIsBlocked".into(), json!(blocked));
    }
    body
}

impl SapS4 {
    /// Our record (the payload or its `record`) in S/4HANA's fields, or the payload as is
    /// when it already speaks them.
    pub(super) fn partner_body(&self, payload: &Value, skip: &[&str]) -> Map<String, Value> {
        let ours = payload.get("record").unwrap_or(payload);
        let body = if ours.get("BusinessPartnerFullName").is_some()
            || ours.get("OrganizationBPName1").is_some()
        {
            ours.clone()
        } else {
            self.mapping("customers")
                .map(|m| m.reverse(ours, skip))
                .unwrap_or_default()
        };
        partner_fields(body.as_object().cloned().unwrap_or_default())
    }

    /// Seed 004's order as an S/4HANA sales order with its items.
    pub(super) fn order_body(&self, o: &Value) -> Result<Value, CallError> {
        if o.get("to_Item").is_some() {
            return Ok(o.clone());
        }
        let c = &self.config;
        let sold_to = text(&o["customer"]["code"])
            .or_else(|| text(&o["customer"]["id"]))
            .ok_or_else(|| invalid("the order has no customer code (customer.code)"))?;
        let items = o["items"]
            .as_array()
            .filter(|i| !i.is_empty())
            .ok_or_else(|| invalid("the order has no items"))?;
        let currency = o["amounts"]["currency"].as_str();
        let mut lines = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let material = text(&item["product"]["sku"])
                .or_else(|| text(&item["product"]["id"]))
                .ok_or_else(|| invalid(format!("item {i} has no product sku")))?;
            let quantity = decimal_text(&item["quantity"])
                .ok_or_else(|| invalid(format!("item {i}: quantity is not a decimal")))?;
            let mut line = json!({"SalesOrderItem": ((i + 1) * 10).to_string(),
                "Material": material, "RequestedQuantity": quantity});
            if let Some(unit) = text(&item["unit"]) {
                line["RequestedQuantityUnit"] = json!(unit);
            }
            if let (Some(kind), Some(price)) =
                (&c.price_condition_type, decimal_text(&item["unitPrice"]))
            {
                let mut element = json!({"ConditionType": kind, "ConditionRateValue": price});
                if let Some(cur) = currency {
                    element["ConditionCurrency"] = json!(cur);
                }
                line["to_PricingElement"] = json!({"results": [element]});
            }
            lines.push(line);
        }
        let mut body = json!({
            "SalesOrderType": c.order_type,
            "SalesOrganization": c.sales_organization,
            "DistributionChannel": c.distribution_channel,
            "OrganizationDivision": c.division,
            "SoldToParty": sold_to,
            "to_Item": {"results": lines},
        });
        if let Some(n) = text(&o["orderNumber"]) {
            body["PurchaseOrderByCustomer"] = json!(n);
        }
        if let Some(cur) = currency {
            body["TransactionCurrency"] = json!(cur);
        }
        if let Some(d) = day(&o["metadata"]["createdAt"]) {
            body["SalesOrderDate"] = json!(d);
        }
        if let Some(d) = day(&o["delivery"]["expectedDate"]) {
            body["RequestedDeliveryDate"] = json!(d);
        }
        Ok(body)
    }

    /// The order already made from this customer reference, if a delivery was repeated.
    async fn existing_order(&self, reference: &str) -> Result<Option<Value>, CallError> {
        let filter = encode(&format!(
            "PurchaseOrderByCustomer eq {}",
            literal(reference)
        ));
        let path = format!("{ORDERS}?$select=SalesOrder,TotalNetAmount&$filter={filter}&$top=1");
        let answer = self.call(Method::GET, &path, None, &[]).await?;
        Ok(answer.body["d"]["results"]
            .as_array()
            .and_then(|v| v.first())
            .cloned())
    }

    pub(super) async fn push_change(&self, request: &PushRequest) -> Result<Value, CallError> {
        let p = &request.payload;
        match request.operation.as_str() {
            "customer.create" => {
                let skip: Vec<&str> = VENDOR_OWNED
                    .iter()
                    .copied()
                    .filter(|f| *f != "BusinessPartner")
                    .collect();
                let mut body = self.partner_body(p, &skip);
                body.entry("BusinessPartnerCategory").or_insert(json!("2"));
                body.entry("to_BusinessPartnerRole")
                    .or_insert(json!({"results": [
                    {"BusinessPartnerRole": "FLCU00"}, {"BusinessPartnerRole": "FLCU01"}]}));
                let answer = self
                    .call(Method::POST, PARTNERS, Some(&Value::Object(body)), &[])
                    .await?;
                let id = &answer.body["d"]["BusinessPartner"];
                Ok(json!({"externalId": id, "BusinessPartner": id}))
            }
            "customer.update" => {
                let id = text(&p["externalId"]).ok_or_else(|| {
                    invalid("customer.update needs the externalId (BusinessPartner)")
                })?;
                let mut skip = VENDOR_OWNED.to_vec();
                // Fixed once the partner exists.
                skip.push("BusinessPartnerCategory");
                let mut body = self.partner_body(p, &skip);
                // Sub-entities (addresses, tax numbers) cannot be patched through the partner.
                body.retain(|k, _| !k.starts_with("to_") && !k.starts_with("__"));
                let path = format!("{PARTNERS}({})", encode(&literal(&id)));
                let mut headers = Vec::new();
                if let Some(etag) = p["etag"].as_str() {
                    headers.push(("If-Match", etag.to_owned()));
                }
                let answer = self
                    .call(Method::PATCH, &path, Some(&Value::Object(body)), &headers)
                    .await?;
                Ok(json!({"externalId": id, "status": answer.status.as_u16()}))
            }
            "order.create" => {
                let body = self.order_body(p)?;
                if let Some(n) = body["PurchaseOrderByCustomer"].as_str() {
                    if let Some(found) = self.existing_order(n).await? {
                        return Ok(json!({"externalId": found["SalesOrder"],
                            "SalesOrder": found["SalesOrder"], "replayed": true}));
                    }
                }
                let answer = self.call(Method::POST, ORDERS, Some(&body), &[]).await?;
                let d = &answer.body["d"];
                Ok(
                    json!({"externalId": d["SalesOrder"], "SalesOrder": d["SalesOrder"],
                    "TotalNetAmount": d["TotalNetAmount"]}),
                )
            }
            other => Err(invalid(format!("SAP S/4HANA connector cannot `{other}`"))),
        }
    }
}
