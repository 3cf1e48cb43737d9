//! Writes: Save `BD_Customer` (create, update by FCUSTID) and Save `SAL_SaleOrder`, then
//! Submit/Audit when configured. K3 has no idempotency key, so a create that names its
//! number first looks it up: a retried delivery finds its earlier save and stops there.

use serde_json::{json, Map, Value};
use storelink_core::ErrorClass;

use super::Kingdee;
use crate::connector::{CallError, PushRequest};

/// Fields K3 sets itself; a pushed change never carries them.
const VENDOR_OWNED: &[&str] = &["FCUSTID", "FModifyDate", "FCreateDate", "FStatus"];

fn text_at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(ErrorClass::ValidationError, message)
}

/// `Result.Id` / `Result.Number` of a Save reply, or its first SuccessEntity.
fn saved(reply: &Value) -> (Value, Value) {
    let r = &reply["Result"];
    let entity = &r["ResponseStatus"]["SuccessEntitys"][0];
    let pick = |k: &str| {
        [&r[k], &entity[k]]
            .into_iter()
            .find(|v| !v.is_null())
            .cloned()
            .unwrap_or(Value::Null)
    };
    (pick("Id"), pick("Number"))
}

pub(super) async fn push(k: &Kingdee, request: &PushRequest) -> Result<Value, CallError> {
    match request.operation.as_str() {
        "customer.create" => create_customer(k, &request.payload).await,
        "customer.update" => update_customer(k, &request.payload).await,
        "order.create" => create_order(k, &request.payload).await,
        other => Err(invalid(format!("K3 Cloud cannot `{other}` yet"))),
    }
}

/// Our customer (or a `record` of it) in K3's fields; a `Model` is sent as given.
fn customer_model(k: &Kingdee, payload: &Value) -> Value {
    if let Some(model) = payload.get("Model") {
        return model.clone();
    }
    let ours = payload.get("record").unwrap_or(payload);
    k.mapping("customers")
        .map(|m| m.reverse(ours, VENDOR_OWNED))
        .unwrap_or_default()
}

async fn create_customer(k: &Kingdee, payload: &Value) -> Result<Value, CallError> {
    let mut model = customer_model(k, payload);
    if let Some(number) = model.get("FNumber").and_then(Value::as_str) {
        if let Some(id) = k.internal_id("customers", number).await? {
            return Ok(json!({"Id": id, "Number": number, "existing": true}));
        }
    }
    if let Some(m) = model.as_object_mut() {
        m.insert("FCUSTID".into(), json!(0));
    }
    let reply = k
        .form_call("Save", "BD_Customer", json!({"Model": model}))
        .await?;
    let (id, number) = saved(&reply);
    Ok(json!({"Id": id, "Number": number}))
}

async fn update_customer(k: &Kingdee, payload: &Value) -> Result<Value, CallError> {
    let number = payload["externalId"]
        .as_str()
        .ok_or_else(|| invalid("customer.update needs the customer's externalId (FNumber)"))?;
    let id = k.internal_id("customers", number).await?.ok_or_else(|| {
        CallError::new(
            ErrorClass::BusinessLogicError,
            format!("K3 Cloud has no customer {number}"),
        )
    })?;
    let mut model = customer_model(k, payload);
    let Some(m) = model.as_object_mut() else {
        return Err(invalid("the customer record is not an object"));
    };
    // Only the fields sent are written; the others keep their K3 values.
    let fields: Vec<Value> = m.keys().cloned().map(Value::String).collect();
    m.insert("FCUSTID".into(), id);
    let data = json!({"NeedUpDateFields": fields, "Model": model});
    let reply = k.form_call("Save", "BD_Customer", data).await?;
    let (id, number) = saved(&reply);
    Ok(json!({"Id": id, "Number": number}))
}

/// A decimal as K3 takes it: text stays text (never through a float).
fn decimal(v: Option<&Value>) -> Value {
    v.cloned().unwrap_or(Value::Null)
}

/// Our order (seed 004 §2.1) as a SAL_SaleOrder model; a `Model` is sent as given.
fn order_model(k: &Kingdee, payload: &Value) -> Result<Value, CallError> {
    if let Some(model) = payload.get("Model") {
        return Ok(model.clone());
    }
    let o = payload.get("record").unwrap_or(payload);
    let customer = text_at(o, &["customer", "code"])
        .or_else(|| text_at(o, &["customer", "id"]))
        .ok_or_else(|| invalid("the order names no customer (customer.code or customer.id)"))?;
    let items = o["items"]
        .as_array()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| invalid("the order has no items"))?;
    let mut entries = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let material = text_at(item, &["product", "sku"])
            .or_else(|| text_at(item, &["product", "id"]))
            .ok_or_else(|| invalid(format!("item {} names no product", i + 1)))?;
        let mut e = Map::new();
        e.insert("FMaterialId".into(), json!({"FNumber": material}));
        e.insert("FQty".into(), decimal(item.get("quantity")));
        e.insert("FTaxPrice".into(), decimal(item.get("unitPrice")));
        if let Some(s) = item.get("subtotal") {
            e.insert("FAllAmount".into(), s.clone());
        }
        entries.push(Value::Object(e));
    }
    let date = o["metadata"]["createdAt"]
        .as_str()
        .and_then(|t| storelink_core::vendor_time::parse(t, k.config.offset))
        .unwrap_or_else(chrono::Utc::now);
    let mut model = Map::new();
    if let Some(no) = text_at(o, &["orderNumber"]) {
        model.insert("FBillNo".into(), json!(no));
    }
    model.insert("FBillTypeID".into(), json!({"FNumber": "XSDD01_SYS"}));
    model.insert(
        "FDate".into(),
        json!(date
            .with_timezone(&k.config.offset)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()),
    );
    model.insert("FSaleOrgId".into(), json!({"FNumber": k.config.sale_org}));
    model.insert("FCustId".into(), json!({"FNumber": customer}));
    if let Some(cur) = text_at(o, &["amounts", "currency"]) {
        model.insert(
            "FSaleOrderFinance".into(),
            json!({"FSettleCurrId": {"FNumber": cur}}),
        );
    }
    model.insert("FSaleOrderEntry".into(), Value::Array(entries));
    Ok(Value::Object(model))
}

async fn create_order(k: &Kingdee, payload: &Value) -> Result<Value, CallError> {
    let model = order_model(k, payload)?;
    if let Some(no) = model.get("FBillNo").and_then(Value::as_str) {
        if let Some(id) = k.internal_id("orders", no).await? {
            return Ok(json!({"Id": id, "Number": no, "existing": true}));
        }
    }
    let reply = k
        .form_call("Save", "SAL_SaleOrder", json!({"Model": model}))
        .await?;
    let (id, number) = saved(&reply);
    let ids = match &id {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => String::new(),
    };
    let mut out = json!({"Id": id, "Number": number});
    if (k.config.submit_orders || k.config.audit_orders) && !ids.is_empty() {
        k.form_call("Submit", "SAL_SaleOrder", json!({"Ids": ids}))
            .await?;
        out["submitted"] = json!(true);
    }
    if k.config.audit_orders && !ids.is_empty() {
        k.form_call("Audit", "SAL_SaleOrder", json!({"Ids": ids}))
            .await?;
        out["audited"] = json!(true);
    }
    Ok(out)
}

#[cfg(test)]
pub(super) fn order_model_for_test(k: &Kingdee, payload: &Value) -> Result<Value, CallError> {
    order_model(k, payload)
}
