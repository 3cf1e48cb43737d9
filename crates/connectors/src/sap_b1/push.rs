//! Local changes to the Service Layer: business partners created and patched, sales orders
//! created, closed and cancelled.

use reqwest::Method;
use serde_json::{json, Map, Value};
use storelink_core::ErrorClass;

use super::fields::VENDOR_OWNED;
use super::wire::{decimal, encode, invalid, literal, text, to_json_text};
use super::SapB1;
use crate::connector::{CallError, PushRequest};

/// Money and quantities go out as bare JSON numbers with the digits we hold.
fn decimals(mut v: Value, keys: &[&str]) -> Value {
    if let Some(map) = v.as_object_mut() {
        for k in keys {
            if let Some(d) = map.get(*k).and_then(decimal) {
                map.insert((*k).to_owned(), d);
            }
        }
    }
    v
}

/// Our spellings of SAP's enumerations (a locally made customer says `active`).
fn enums(mut body: Value) -> Value {
    if let Some(map) = body.as_object_mut() {
        for (key, from, to) in [
            ("Valid", "active", "tYES"),
            ("Valid", "inactive", "tNO"),
            ("CompanyPrivate", "company", "cCompany"),
            ("CompanyPrivate", "individual", "cPrivate"),
        ] {
            if map.get(key).and_then(Value::as_str) == Some(from) {
                map.insert(key.to_owned(), Value::String(to.to_owned()));
            }
        }
    }
    body
}

/// `2026-11-20T08:00:00Z` → `2026-11-20` (documents carry dates only).
fn date(v: &Value) -> Option<String> {
    let t = v.as_str()?;
    (t.len() >= 10).then(|| t[..10].to_owned())
}

impl SapB1 {
    /// A business partner in the Service Layer's shape: our model mapped back (the whole
    /// payload or its `record`), or the payload as is when it is already in SAP's fields.
    pub(super) fn partner_body(&self, payload: &Value, skip: &[&str]) -> Value {
        let ours = payload.get("record").unwrap_or(payload);
        let body = if ours.get("CardName").is_some() || ours.get("CardCode").is_some() {
            ours.clone()
        } else {
            self.mapping("customers")
                .map(|m| m.reverse(ours, skip))
                .unwrap_or_default()
        };
        decimals(enums(body), &["CreditLimit"])
    }

    /// Seed 004 §5.1.3: an order of our model as an SAP sales order.
    pub(super) fn order_body(&self, o: &Value) -> Result<Value, CallError> {
        if o.get("DocumentLines").is_some() {
            return Ok(o.clone());
        }
        let card = text(&o["customer"]["code"])
            .or_else(|| text(&o["customer"]["id"]))
            .ok_or_else(|| invalid("the order has no customer code (customer.code)"))?;
        let items = o["items"]
            .as_array()
            .filter(|i| !i.is_empty())
            .ok_or_else(|| invalid("the order has no items"))?;
        let mut lines = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let code = text(&item["product"]["sku"])
                .or_else(|| text(&item["product"]["id"]))
                .ok_or_else(|| invalid(format!("item {i} has no product sku")))?;
            let quantity = decimal(&item["quantity"])
                .ok_or_else(|| invalid(format!("item {i}: quantity is not a decimal")))?;
            let mut line = json!({"LineNum": i, "ItemCode": code, "Quantity": quantity});
            let map = line.as_object_mut().ok_or_else(|| invalid("line"))?;
            if let Some(p) = decimal(&item["unitPrice"]) {
                map.insert("Price".into(), p);
            }
            if let Some(d) = decimal(&item["discount"]) {
                map.insert("DiscountPercent".into(), d);
            }
            if let Some(t) = &self.config.tax_code {
                map.insert("TaxCode".into(), Value::String(t.clone()));
            }
            lines.push(line);
        }
        let mut body = Map::new();
        body.insert("CardCode".into(), Value::String(card));
        let doc_date = date(&o["metadata"]["createdAt"]);
        if let Some(d) = &doc_date {
            body.insert("DocDate".into(), Value::String(d.clone()));
        }
        let due = date(&o["payment"]["dueDate"])
            .or_else(|| date(&o["delivery"]["expectedDate"]))
            .or(doc_date)
            .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%d").to_string());
        body.insert("DocDueDate".into(), Value::String(due));
        if let Some(n) = text(&o["orderNumber"]) {
            body.insert("NumAtCard".into(), Value::String(n));
        }
        if let Some(c) = o["amounts"]["currency"].as_str() {
            body.insert("DocCurrency".into(), Value::String(c.to_owned()));
        }
        if let Some(n) = text(&o["metadata"]["notes"]) {
            body.insert("Comments".into(), Value::String(n));
        }
        body.insert("DocumentLines".into(), Value::Array(lines));
        Ok(Value::Object(body))
    }

    /// The order already made from this `NumAtCard`, if a delivery was repeated.
    async fn existing_order(&self, num_at_card: &str) -> Result<Option<Value>, CallError> {
        let filter = encode(&format!("NumAtCard eq {}", literal(num_at_card)));
        let path = format!("Orders?$select=DocEntry,DocNum,NumAtCard&$filter={filter}&$top=1");
        let answer = self.call(Method::GET, &path, None, &[]).await?;
        Ok(answer.body["value"]
            .as_array()
            .and_then(|v| v.first())
            .cloned())
    }

    pub(super) async fn push_change(&self, request: &PushRequest) -> Result<Value, CallError> {
        let p = &request.payload;
        match request.operation.as_str() {
            "customer.create" => {
                let mut body = self.partner_body(p, &["UpdateDate", "UpdateTime"]);
                if let Some(map) = body.as_object_mut() {
                    map.entry("CardType")
                        .or_insert_with(|| Value::String("cCustomer".into()));
                }
                if body.get("CardCode").is_none() {
                    return Err(invalid("a new business partner needs a code (CardCode)"));
                }
                let answer = self
                    .call(
                        Method::POST,
                        "BusinessPartners",
                        Some(&to_json_text(&body)),
                        &[],
                    )
                    .await?;
                Ok(
                    json!({"externalId": answer.body["CardCode"], "CardCode": answer.body["CardCode"]}),
                )
            }
            "customer.update" => {
                let id = text(&p["externalId"])
                    .ok_or_else(|| invalid("customer.update needs the externalId (CardCode)"))?;
                let body = self.partner_body(p, VENDOR_OWNED);
                let path = format!("BusinessPartners({})", encode(&literal(&id)));
                let mut headers = Vec::new();
                if let Some(etag) = p["etag"].as_str() {
                    headers.push(("If-Match", etag.to_owned()));
                }
                let answer = self
                    .call(Method::PATCH, &path, Some(&to_json_text(&body)), &headers)
                    .await?;
                Ok(json!({"externalId": id, "status": answer.status.as_u16()}))
            }
            "order.create" => {
                let body = self.order_body(p)?;
                if let Some(n) = body["NumAtCard"].as_str() {
                    if let Some(found) = self.existing_order(n).await? {
                        return Ok(json!({"externalId": found["DocEntry"].to_string(),
                            "DocEntry": found["DocEntry"], "DocNum": found["DocNum"], "replayed": true}));
                    }
                }
                let answer = self
                    .call(Method::POST, "Orders", Some(&to_json_text(&body)), &[])
                    .await?;
                let b = &answer.body;
                Ok(
                    json!({"externalId": b["DocEntry"].to_string(), "DocEntry": b["DocEntry"],
                    "DocNum": b["DocNum"], "DocTotal": b["DocTotal"]}),
                )
            }
            "order.status" => {
                let id = text(&p["externalId"])
                    .and_then(|id| id.parse::<u64>().ok())
                    .ok_or_else(|| invalid("order.status needs the order's DocEntry"))?;
                let action = match p["status"].as_str().unwrap_or_default() {
                    "cancelled" | "canceled" => "Cancel",
                    "closed" | "delivered" => "Close",
                    other => {
                        return Err(CallError::new(
                            ErrorClass::BusinessLogicError,
                            format!("SAP Business One orders cannot be set to `{other}`; only closed or cancelled"),
                        ))
                    }
                };
                self.call(Method::POST, &format!("Orders({id})/{action}"), None, &[])
                    .await?;
                Ok(json!({"externalId": id.to_string(), "action": action}))
            }
            other => Err(invalid(format!(
                "SAP Business One connector cannot `{other}`"
            ))),
        }
    }
}
