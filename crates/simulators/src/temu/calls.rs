//! The calls the router serves, with Temu's parameters and limits.

use serde_json::{json, Map, Value};

use super::data::Shop;
use super::routes::{Outcome, INVALID_PARAMETERS, ORDER_NOT_FOUND, TYPE_UNKNOWN};
use super::{now_secs, Shared};
use crate::erp::lock;

type Params = Map<String, Value>;

fn invalid(what: &str) -> (i64, String) {
    (
        INVALID_PARAMETERS,
        format!("Invalid Request Parameters: {what}"),
    )
}

/// An integer parameter: absent is `None`, anything but an integer (or integer text) a refusal.
fn int(p: &Params, key: &str) -> Result<Option<i64>, (i64, String)> {
    match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| invalid(key)),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| invalid(key)),
        Some(_) => Err(invalid(key)),
    }
}

fn page_size(p: &Params, key: &str, default: Option<i64>) -> Result<usize, (i64, String)> {
    match int(p, key)?.or(default) {
        Some(n @ 1..=100) => Ok(n as usize),
        Some(_) => Err(invalid(&format!("{key} must be 1 to 100"))),
        None => Err(invalid(&format!("{key} is required"))),
    }
}

/// Both ends of a range, or neither (Temu requires them together).
fn range(p: &Params, from: &str, to: &str) -> Result<Option<(i64, i64)>, (i64, String)> {
    match (int(p, from)?, int(p, to)?) {
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (None, None) => Ok(None),
        _ => Err(invalid(&format!("{from} and {to} go together"))),
    }
}

fn page_of<T: Clone>(list: &[T], page: usize, size: usize) -> Vec<T> {
    list.iter()
        .skip(page.saturating_sub(1).saturating_mul(size))
        .take(size)
        .cloned()
        .collect()
}

pub(crate) fn dispatch(s: &Shared, api_type: &str, p: &Params) -> Outcome {
    match api_type {
        "bg.order.list.v2.get" => {
            churn(s);
            order_list(&lock(&s.shop), p)
        }
        "bg.order.detail.v2.get" => order_detail(&lock(&s.shop), p),
        "bg.local.goods.list.query" => goods_list(&lock(&s.shop), p),
        other => Err((TYPE_UNKNOWN, format!("type not exist: {other}"))),
    }
}

/// Orders that change while a sync reads them.
fn churn(s: &Shared) {
    let calls = {
        let mut n = lock(&s.list_calls);
        *n += 1;
        *n
    };
    let Some((every, orders)) = *lock(&s.churn) else {
        return;
    };
    if calls % every == 0 {
        let moved = lock(&s.shop).churn(orders, now_secs());
        lock(&s.stats).orders_touched += moved as u64;
    }
}

fn order_list(shop: &Shop, p: &Params) -> Outcome {
    let page = int(p, "pageNumber")?.unwrap_or(1);
    if page < 1 {
        return Err(invalid("pageNumber starts at 1"));
    }
    let size = page_size(p, "pageSize", Some(10))?;
    let updated = range(p, "updateAtStart", "updateAtEnd")?;
    let created = range(p, "createAfter", "createBefore")?;
    let status = int(p, "parentOrderStatus")?.unwrap_or(0);
    if ![0, 1, 2, 3, 4, 5, 41, 51].contains(&status) {
        return Err(invalid("parentOrderStatus"));
    }
    let sns: Option<Vec<String>> = match p.get("parentOrderSnList") {
        None | Some(Value::Null) => None,
        Some(Value::Array(list)) if list.len() <= 20 => Some(
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        Some(_) => return Err(invalid("parentOrderSnList holds at most 20 order numbers")),
    };
    let by_update = match p.get("sortby").and_then(Value::as_str) {
        None | Some("createTime") => false,
        Some("updateTime") => true,
        Some(_) => return Err(invalid("sortby is updateTime or createTime")),
    };
    let mut hits: Vec<_> = shop
        .orders
        .iter()
        .filter(|o| updated.is_none_or(|(a, b)| (a..=b).contains(&o.updated)))
        .filter(|o| created.is_none_or(|(a, b)| (a..=b).contains(&o.created)))
        .filter(|o| status == 0 || o.status == status)
        .filter(|o| sns.as_ref().is_none_or(|l| l.contains(&o.sn)))
        .collect();
    // Newest first, as Temu documents `sortby`.
    hits.sort_by(|a, b| {
        let key =
            |o: &&super::data::Order| (if by_update { o.updated } else { o.created }, o.sn.clone());
        key(b).cmp(&key(a))
    });
    let items: Vec<Value> = page_of(&hits, page as usize, size)
        .into_iter()
        .map(|o| shop.render_order(o, false))
        .collect();
    Ok(json!({"totalItemNum": hits.len(), "pageItems": items}))
}

fn order_detail(shop: &Shop, p: &Params) -> Outcome {
    let sn = p
        .get("parentOrderSn")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| invalid("parentOrderSn is required"))?;
    let order = shop
        .orders
        .iter()
        .find(|o| o.sn == sn)
        .ok_or_else(|| (ORDER_NOT_FOUND, "Order not found".to_owned()))?;
    Ok(shop.render_order(order, true))
}

fn goods_list(shop: &Shop, p: &Params) -> Outcome {
    let page = int(p, "pageNo")?.ok_or_else(|| invalid("pageNo is required"))?;
    if page < 1 {
        return Err(invalid("pageNo starts at 1"));
    }
    let size = page_size(p, "pageSize", None)?;
    let families = [1, 4, 5, 6];
    match int(p, "goodsSearchType")? {
        Some(t) if families.contains(&t) => {}
        _ => return Err(invalid("goodsSearchType is required (1, 4, 5 or 6)")),
    }
    let status = match int(p, "goodsStatusFilterType")? {
        Some(t) if families.contains(&t) => t,
        _ => return Err(invalid("goodsStatusFilterType is required (1, 4, 5 or 6)")),
    };
    let sub = int(p, "goodsSubStatusFilterType")?;
    let ids: Option<Vec<i64>> = match p.get("goodsIdList") {
        None | Some(Value::Null) => None,
        Some(Value::Array(l)) => Some(l.iter().filter_map(Value::as_i64).collect()),
        Some(_) => return Err(invalid("goodsIdList")),
    };
    let ascending = match int(p, "orderType")?.unwrap_or(0) {
        0 => false,
        1 => true,
        _ => return Err(invalid("orderType is 0 or 1")),
    };
    let field = p
        .get("orderField")
        .and_then(Value::as_str)
        .unwrap_or("createTime");
    let mut hits: Vec<_> = shop
        .goods
        .iter()
        .filter(|g| g.status == status && sub.is_none_or(|s| g.sub_status == s))
        .filter(|g| ids.as_ref().is_none_or(|l| l.contains(&g.id)))
        .collect();
    match field {
        "goodsId" => hits.sort_by_key(|g| g.id),
        "createTime" => hits.sort_by_key(|g| (g.created, g.id)),
        "goodsName" => hits.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id))),
        "outGoodsSn" => hits.sort_by(|a, b| (&a.out_sn, a.id).cmp(&(&b.out_sn, b.id))),
        "quantity" => hits.sort_by_key(|g| (g.quantity, g.id)),
        "price" => hits.sort_by_key(|g| (g.price_cents, g.id)),
        _ => return Err(invalid("orderField")),
    }
    if !ascending {
        hits.reverse();
    }
    let items: Vec<Value> = page_of(&hits, page as usize, size)
        .into_iter()
        .map(|g| shop.render_goods(g))
        .collect();
    Ok(json!({"goodsList": items, "total": hits.len(), "pageNo": page}))
}
