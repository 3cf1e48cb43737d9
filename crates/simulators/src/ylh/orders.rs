//! The simulator's order book and the four business calls' answers (HTTP 200 envelopes
//! `{"success","code","description","data"}`; refusals carry the vendor's code).

use std::collections::HashMap;

use chrono::{FixedOffset, NaiveTime, TimeZone, Utc};
use serde_json::{json, Value};

use super::{Shared, SimOrder};
use crate::erp::lock;

/// The vendor's limit of order codes per logistics call.
pub(crate) const LOGISTICS_MAX: usize = 100;

#[derive(Debug, Default)]
pub(crate) struct Book {
    orders: HashMap<String, SimOrder>,
    /// 巨商汇订单号 → soId.
    by_retail: HashMap<String, String>,
    seq: u64,
}

impl Book {
    fn add(&mut self, so_id: &str, body: Value) -> &SimOrder {
        self.seq += 1;
        let retail = format!("SO.{}.{:06}", Utc::now().format("%Y%m%d"), self.seq);
        self.by_retail.insert(retail.clone(), so_id.to_owned());
        self.orders
            .entry(so_id.to_owned())
            .or_insert_with(|| SimOrder {
                so_id: so_id.to_owned(),
                retail_order_no: retail,
                body,
                cancel_reason: None,
                distribution_time: None,
                install_time: None,
            })
    }

    /// Orders known without a create call; existing ones are left alone.
    pub(crate) fn insert(&mut self, so_ids: &[String]) {
        for id in so_ids {
            if !self.orders.contains_key(id) {
                self.add(id, Value::Null);
            }
        }
    }

    pub(crate) fn get(&self, so_id: &str) -> Option<&SimOrder> {
        self.orders.get(so_id)
    }

    /// By soId or by the vendor's own number.
    fn find_mut(&mut self, number: &str) -> Option<&mut SimOrder> {
        let key = self
            .by_retail
            .get(number)
            .cloned()
            .unwrap_or_else(|| number.to_owned());
        self.orders.get_mut(&key)
    }
}

pub(crate) fn ok(data: Value) -> Value {
    json!({"success": true, "code": "200", "description": "成功", "data": data})
}

pub(crate) fn refusal(code: &str, description: &str) -> Value {
    json!({"success": false, "code": code, "description": description, "data": null})
}

fn text<'v>(body: &'v Value, key: &str) -> Option<&'v str> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The first required field missing, as the vendor names it.
fn missing(body: &Value, keys: &[&str]) -> Option<Value> {
    keys.iter()
        .find(|k| match body.get(**k) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(_) => false,
        })
        .map(|k| refusal("400", &format!("参数错误: {k}不能为空")))
}

pub(crate) fn create(s: &Shared, body: &Value) -> Value {
    const REQUIRED: &[&str] = &[
        "sourceSystem",
        "shopName",
        "consigneeName",
        "consigneeMobile",
        "onlineNo",
        "soId",
        "totalQty",
        "totalAmt",
        "createTime",
        "detailAddress",
        "itemList",
    ];
    if let Some(r) = missing(body, REQUIRED) {
        return r;
    }
    let so_id = text(body, "soId").unwrap_or_default().to_owned();
    *s.stats().create_requests.entry(so_id.clone()).or_default() += 1;
    let mut book = lock(&s.book);
    if book.get(&so_id).is_some() {
        s.stats().duplicate_creates += 1;
        return refusal("400", &format!("子订单号[{so_id}]已存在，请勿重复推送"));
    }
    let retail = book.add(&so_id, body.clone()).retail_order_no.clone();
    s.stats().orders_created += 1;
    ok(json!({"soId": so_id, "retailOrderNo": retail}))
}

pub(crate) fn cancel(s: &Shared, body: &Value) -> Value {
    if let Some(r) = missing(
        body,
        &["soId", "cancelTime", "cancelReason", "sourceSystem"],
    ) {
        return r;
    }
    let so_id = text(body, "soId").unwrap_or_default();
    let reason = text(body, "cancelReason").unwrap_or_default();
    let mut book = lock(&s.book);
    let Some(order) = book.find_mut(so_id) else {
        return refusal("40001", &format!("订单[{so_id}]不存在"));
    };
    if order.cancel_reason.is_some() {
        return refusal("40002", &format!("订单[{so_id}]已取消"));
    }
    order.cancel_reason = Some(reason.to_owned());
    s.stats()
        .cancels
        .insert(order.so_id.clone(), reason.to_owned());
    ok(json!({"soId": order.so_id}))
}

/// A timestamp (ms, or s) that must be 23:59:59 of a local day.
fn end_of_day(value: &Value, seconds: bool, offset: FixedOffset) -> Result<Option<i64>, ()> {
    let Some(n) = value.as_i64() else {
        return if value.is_null() { Ok(None) } else { Err(()) };
    };
    let (secs, rest) = if seconds {
        (n, 0)
    } else {
        (n / 1000, n % 1000)
    };
    let at = offset.timestamp_opt(secs, 0).single().ok_or(())?;
    let last = NaiveTime::from_hms_opt(23, 59, 59).ok_or(())?;
    (rest == 0 && at.time() == last)
        .then_some(Some(n))
        .ok_or(())
}

pub(crate) fn reschedule(s: &Shared, body: &Value) -> Value {
    let Some(number) = text(body, "retailOrderNo") else {
        return refusal("400", "参数错误: retailOrderNo不能为空");
    };
    let seconds = s.config.timestamp_seconds;
    let times = (
        end_of_day(&body["distributionTime"], seconds, s.offset),
        end_of_day(&body["installTime"], seconds, s.offset),
    );
    let (distribution, install) = match times {
        (Ok(d), Ok(i)) if d.is_some() || i.is_some() => (d, i),
        (Ok(None), Ok(None)) => return refusal("400", "参数错误: 配送时间和安装时间不能都为空"),
        _ => return refusal("400", "参数错误: 配送/安装时间时分秒必须为23:59:59"),
    };
    let mut book = lock(&s.book);
    let Some(order) = book.find_mut(number) else {
        return refusal("40001", &format!("订单[{number}]不存在"));
    };
    if order.cancel_reason.is_some() {
        return refusal("40003", &format!("订单[{number}]已取消，不能改约"));
    }
    if distribution.is_some() {
        order.distribution_time = distribution;
    }
    if install.is_some() {
        order.install_time = install;
    }
    s.stats().reschedules.push(body.clone());
    ok(json!({"retailOrderNo": order.retail_order_no}))
}

/// FNV-1a, so each order's tracking number is the same on every run.
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub(crate) fn logistics(s: &Shared, body: &Value) -> Value {
    let Some(codes) = body.as_array() else {
        return refusal("400", "参数错误: 请求体应为订单号数组");
    };
    if codes.len() > LOGISTICS_MAX {
        s.stats().logistics_refused += 1;
        return refusal("400", "单次查询订单数量不能超过100");
    }
    s.stats().logistics_batches.push(codes.len());
    let book = lock(&s.book);
    let found: Vec<Value> = codes
        .iter()
        .filter_map(Value::as_str)
        .filter_map(|code| {
            let so_id = book.by_retail.get(code).map_or(code, String::as_str);
            let order = book.get(so_id)?;
            let h = hash(&order.so_id);
            let status = if order.cancel_reason.is_some() {
                "已取消"
            } else {
                "已发货"
            };
            Some(json!({
                "orderCode": code,
                "retailOrderNo": order.retail_order_no,
                "logisticsNo": format!("RRS{:010}", h % 10_000_000_000),
                "logisticsCompanyName": "日日顺物流",
                "snList": [format!("SN{:012X}", h & 0xFFFF_FFFF_FFFF)],
                "logisticsStatus": status,
            }))
        })
        .collect();
    ok(Value::Array(found))
}
