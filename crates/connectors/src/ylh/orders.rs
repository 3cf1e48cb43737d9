//! Order writes: create (接收水联网订单), cancel (取消订单) and reschedule (订单改约), each
//! built from an outbox payload. Every vendor field name of a write is in this file.
//!
//! - `supplier_order.create`: the serialized `SupplierOrder` (snake_case) →
//!   `{sourceSystem, shopName, sellerCode, consigneeName, consigneeMobile, onlineNo, soId,
//!   totalQty, totalAmt, createTime, province, city, area, detailAddress, deliveryInstall,
//!   distributionTime, itemList: [{productCode, itemQty, retailPrice, discountAmount,
//!   actualPrice, isGift}]}`. `soId` and `onlineNo` are our order number (one order is one
//!   sub-order); an item's `name` is sent as the Haier `productCode` (seed 000 items carry
//!   no other code). The vendor refuses a `soId` it has seen; that refusal (its message
//!   holds one of `config.duplicate_markers`) means an earlier delivery arrived, and is
//!   answered as done with the vendor's reply.
//! - `supplier_order.cancel` `{order_number, reason}` → `{soId, cancelTime, cancelReason,
//!   sourceSystem}`; "already cancelled" (`config.cancelled_markers`) is done too.
//! - `supplier_order.reschedule` `{order_number, retail_order_no?, distribution_time?,
//!   install_time?}` → `{retailOrderNo, distributionTime, installTime}`. The vendor wants
//!   its own order number (巨商汇订单号, known once it confirmed the order) and times at
//!   23:59:59 of the day: each time is moved to the end of its local day.
//!
//! Timestamps are milliseconds (`config.timestamp_unit` = `s` for seconds): the vendor's
//! text says milliseconds, its examples show seconds.

use chrono::{DateTime, FixedOffset, NaiveTime, TimeZone, Utc};
use serde_json::{json, Map, Value};
use storelink_core::supplier::SupplierOrder;
use storelink_core::{ErrorClass, Money};

use super::{address, Ylh, YlhConfig};
use crate::connector::{CallError, PushRequest};

fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(ErrorClass::ValidationError, message)
}

/// Seconds or milliseconds since the epoch, as the system is configured.
pub fn stamp(config: &YlhConfig, t: DateTime<Utc>) -> i64 {
    if config.timestamp_seconds {
        t.timestamp()
    } else {
        t.timestamp_millis()
    }
}

/// 23:59:59 of `t`'s day at the vendor's offset.
pub fn end_of_day(t: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
    let last = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
    let local = t.with_timezone(&offset).date_naive().and_time(last);
    offset
        .from_local_datetime(&local)
        .single()
        .map_or(t, |d| d.with_timezone(&Utc))
}

/// An amount as the JSON number the vendor takes (built from the fen text, never a float
/// computed here).
fn amount(m: Money) -> Value {
    serde_json::from_str(&m.to_yuan_string()).unwrap_or(Value::Null)
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The create body for one of our supplier orders.
pub fn create_body(config: &YlhConfig, order: &SupplierOrder) -> Result<Value, CallError> {
    let delivery = &order.delivery_info;
    let need = |key: &str, what: &str| {
        text(delivery, key).ok_or_else(|| {
            invalid(format!(
                "order {} has no delivery {key} ({what}), which 易理货 requires",
                order.order_number
            ))
        })
    };
    let name = need("contact", "consignee name")?;
    let phone = need("phone", "consignee mobile")?;
    let line = need("address", "delivery address")?;
    if order.items.is_empty() {
        return Err(invalid(format!(
            "order {} has no items; 易理货 needs an itemList",
            order.order_number
        )));
    }
    let items: Vec<Value> = order
        .items
        .iter()
        .map(|i| {
            json!({"productCode": i.name, "itemQty": i.quantity, "retailPrice": amount(i.price),
                "discountAmount": 0, "actualPrice": amount(i.price), "isGift": false})
        })
        .collect();
    let parts = address::split(line);
    let created = order.order_date.unwrap_or(order.created_at);
    let mut body = Map::new();
    let mut put = |k: &str, v: Value| {
        body.insert(k.to_owned(), v);
    };
    put("sourceSystem", json!(config.source_system));
    put("shopName", json!(config.shop_name));
    if let Some(code) = &config.seller_code {
        put("sellerCode", json!(code));
    }
    put("consigneeName", json!(name));
    put("consigneeMobile", json!(phone));
    put("onlineNo", json!(order.order_number));
    put("soId", json!(order.order_number));
    put(
        "totalQty",
        json!(order.items.iter().map(|i| i.quantity).sum::<i64>()),
    );
    put("totalAmt", amount(order.total));
    put("createTime", json!(stamp(config, created)));
    put("province", json!(parts.province));
    put("city", json!(parts.city));
    put("area", json!(parts.area));
    put("detailAddress", json!(parts.detail));
    put("deliveryInstall", json!("false"));
    if let Some(t) = order.expected_delivery {
        put(
            "distributionTime",
            json!(stamp(config, end_of_day(t, config.offset))),
        );
    }
    put("itemList", Value::Array(items));
    Ok(Value::Object(body))
}

pub fn cancel_body(
    config: &YlhConfig,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<Value, CallError> {
    let so_id = text(payload, "order_number")
        .ok_or_else(|| invalid("supplier_order.cancel needs order_number"))?;
    let reason =
        text(payload, "reason").ok_or_else(|| invalid("supplier_order.cancel needs a reason"))?;
    Ok(
        json!({"soId": so_id, "cancelTime": stamp(config, now).to_string(),
        "cancelReason": reason, "sourceSystem": config.source_system}),
    )
}

fn time_field(config: &YlhConfig, payload: &Value, key: &str) -> Result<Option<i64>, CallError> {
    let Some(t) = text(payload, key) else {
        return Ok(None);
    };
    let at = storelink_core::vendor_time::parse(t, config.offset)
        .ok_or_else(|| invalid(format!("{key} `{t}` is not a date-time")))?;
    Ok(Some(stamp(config, end_of_day(at, config.offset))))
}

pub fn reschedule_body(config: &YlhConfig, payload: &Value) -> Result<Value, CallError> {
    let number = text(payload, "retail_order_no")
        .or_else(|| text(payload, "order_number"))
        .ok_or_else(|| invalid("supplier_order.reschedule needs order_number"))?;
    let distribution = time_field(config, payload, "distribution_time")?;
    let install = time_field(config, payload, "install_time")?;
    if distribution.is_none() && install.is_none() {
        return Err(invalid(
            "supplier_order.reschedule needs distribution_time or install_time",
        ));
    }
    let mut body = Map::new();
    body.insert("retailOrderNo".into(), json!(number));
    if let Some(t) = distribution {
        body.insert("distributionTime".into(), json!(t));
    }
    if let Some(t) = install {
        body.insert("installTime".into(), json!(t));
    }
    Ok(Value::Object(body))
}

fn marked(message: &str, markers: &[String]) -> bool {
    markers
        .iter()
        .any(|m| !m.is_empty() && message.contains(m.as_str()))
}

/// Sends a write; a refusal whose message carries one of `done_markers` means the change
/// is already there, and is answered with the vendor's reply like a success.
async fn send(
    y: &Ylh,
    path: &str,
    body: &Value,
    what: &str,
    done_markers: &[String],
) -> Result<Value, CallError> {
    let reply = y.post(path, body, what).await?;
    match reply.check() {
        Ok(v) => Ok(v.clone()),
        Err(e)
            if matches!(
                e.class,
                ErrorClass::ValidationError | ErrorClass::BusinessLogicError
            ) && marked(&reply.message(), done_markers) =>
        {
            tracing::info!(what, message = %reply.message(), "易理货 already has this change; done");
            Ok(reply.body)
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn push(y: &Ylh, request: &PushRequest) -> Result<Value, CallError> {
    let c = &y.config;
    match request.operation.as_str() {
        "supplier_order.create" => {
            let order: SupplierOrder = serde_json::from_value(request.payload.clone())
                .map_err(|e| invalid(format!("the outbox payload is not a supplier order: {e}")))?;
            let body = create_body(c, &order)?;
            send(
                y,
                &c.paths.order_create,
                &body,
                "the 易理货 order create",
                &c.duplicate_markers,
            )
            .await
        }
        "supplier_order.cancel" => {
            let body = cancel_body(c, &request.payload, Utc::now())?;
            send(
                y,
                &c.paths.order_cancel,
                &body,
                "the 易理货 order cancel",
                &c.cancelled_markers,
            )
            .await
        }
        "supplier_order.reschedule" => {
            let body = reschedule_body(c, &request.payload)?;
            send(
                y,
                &c.paths.order_reschedule,
                &body,
                "the 易理货 reschedule (改约)",
                &[],
            )
            .await
        }
        other => Err(invalid(format!(
            "易理货 takes supplier_order.create, .cancel and .reschedule, not `{other}`"
        ))),
    }
}
