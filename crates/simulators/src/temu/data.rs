//! The shop behind the simulator: seeded parent orders (with their sub-orders) and goods
//! (with SKUs), rendered in Temu's field names, and edits that move an order on.

use serde_json::{json, Value};

use crate::erp::gen::SimRng;

const GOODS_ID_BASE: i64 = 601_099_500_000_000;
const SKU_ID_BASE: i64 = 17_592_300_000_000;
const DAY: i64 = 86_400;

#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub sn: String,
    pub goods: usize,
    pub quantity: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub sn: String,
    pub status: i64,
    pub created: i64,
    pub updated: i64,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone)]
pub(crate) struct Goods {
    pub id: i64,
    pub name: String,
    pub out_sn: String,
    pub created: i64,
    pub price_cents: i64,
    pub quantity: i64,
    /// `goodsStatusFilterType` family: 1 on/off sale, 4 incomplete, 5 draft, 6 deleted.
    pub status: i64,
    pub sub_status: i64,
    pub skus: u32,
}

pub(crate) struct Shop {
    pub orders: Vec<Order>,
    pub goods: Vec<Goods>,
    /// Round-robin position of the next order an automatic edit moves on.
    pub churn_cursor: usize,
}

const NAMES: &[&str] = &[
    "Ceramic Mug",
    "Desk Lamp",
    "Yoga Mat",
    "Phone Stand",
    "Water Bottle",
    "Tote Bag",
    "Wireless Mouse",
    "Notebook Set",
    "Plant Pot",
    "Bath Towel",
    "Kitchen Scale",
    "Rain Jacket",
];
/// Statuses a seeded order may be in (most still moving).
const STATUSES: &[i64] = &[1, 1, 2, 2, 2, 4, 4, 5, 3, 41, 51];

impl Shop {
    /// `orders` parent orders and `goods` goods from `seed`, all changed before `now`;
    /// `crowded` orders share one `updateTime` second.
    pub(crate) fn generate(
        orders: usize,
        goods: usize,
        crowded: usize,
        seed: u64,
        now: i64,
    ) -> Shop {
        let mut rng = SimRng::new(seed ^ 0x7E4D_5EED);
        let goods_n = goods.max(1);
        let goods: Vec<Goods> = (0..goods_n)
            .map(|i| {
                let status = [1, 1, 1, 1, 4, 5, 6][rng.below(7) as usize];
                let sub_status = match status {
                    1 if i % 5 == 4 => 3002,
                    1 => 2001,
                    4 => 4002,
                    5 => 5001,
                    _ => 6001,
                };
                Goods {
                    id: GOODS_ID_BASE + i as i64,
                    name: format!("{} {}", NAMES[i % NAMES.len()], i + 1),
                    // Every tenth seller left the code empty.
                    out_sn: if i % 10 == 9 {
                        String::new()
                    } else {
                        format!("SKU-{:05}", i + 1)
                    },
                    created: now - 200 * DAY + i as i64 * 60,
                    price_cents: 199 + rng.below(9800) as i64,
                    quantity: rng.below(500) as i64,
                    status,
                    sub_status,
                    skus: 1 + rng.below(3) as u32,
                }
            })
            .collect();
        let base = 1_000_000_000_000_000 + (seed % 1000) as i64 * 1_000_000_000_000;
        let crowded_at = now - 2 * DAY;
        let mut list: Vec<Order> = Vec::with_capacity(orders);
        for i in 0..orders {
            let mut created = now - 3600 - rng.below(30 * DAY as u64) as i64;
            let mut updated = (created + rng.below(3 * DAY as u64) as i64).min(now - 60);
            if i % 7 == 6 {
                // Some orders share a second with the one before.
                if let Some(prev) = list.last() {
                    updated = prev.updated.max(created);
                }
            }
            if i >= orders.saturating_sub(crowded) {
                created = created.min(crowded_at - 3600);
                updated = crowded_at;
            }
            let lines = (0..1 + rng.below(3) as usize)
                .map(|k| Line {
                    sn: format!("211-{:017}", base + (i * 3 + k) as i64),
                    goods: rng.below(goods_n as u64) as usize,
                    quantity: 1 + rng.below(3) as i64,
                })
                .collect();
            list.push(Order {
                sn: format!("PO-211-{:017}", base + i as i64),
                status: STATUSES[rng.below(STATUSES.len() as u64) as usize],
                created,
                updated,
                lines,
            });
        }
        Shop {
            orders: list,
            goods,
            churn_cursor: 0,
        }
    }

    pub(crate) fn order_index(&self, sn: &str) -> Option<usize> {
        self.orders.iter().position(|o| o.sn == sn)
    }

    /// The order moves on (pending → to ship → shipped → received) and is changed now.
    pub(crate) fn touch(&mut self, index: usize, now: i64) -> bool {
        let Some(order) = self.orders.get_mut(index) else {
            return false;
        };
        order.status = match order.status {
            1 => 2,
            2 => 4,
            4 | 41 => 5,
            51 => 5,
            other => other,
        };
        order.updated = now.max(order.updated);
        true
    }

    /// Moves `n` orders on, round robin (orders changing while a sync reads them).
    pub(crate) fn churn(&mut self, n: usize, now: i64) -> usize {
        let total = self.orders.len();
        let mut done = 0;
        for _ in 0..n.min(total) {
            let i = self.churn_cursor % total.max(1);
            self.churn_cursor = self.churn_cursor.wrapping_add(1);
            done += usize::from(self.touch(i, now));
        }
        done
    }

    fn line(&self, order: &Order, line: &Line, detail: bool) -> Value {
        let goods = &self.goods[line.goods % self.goods.len()];
        let mut v = json!({
            "orderSn": line.sn, "goodsId": goods.id, "skuId": SKU_ID_BASE + goods.id - GOODS_ID_BASE,
            "goodsName": goods.name, "quantity": line.quantity, "orderStatus": order.status,
            "fulfillmentType": "fulfillBySeller",
        });
        if detail {
            v["orderCreateTime"] = order.created.into();
        }
        v
    }

    /// A page item of `bg.order.list.v2.get`, or the result of `bg.order.detail.v2.get`
    /// (which carries no `updateTime` but the delivery times).
    pub(crate) fn render_order(&self, order: &Order, detail: bool) -> Value {
        let mut parent = json!({
            "parentOrderSn": order.sn, "parentOrderStatus": order.status,
            "parentOrderTime": order.created, "expectShipLatestTime": order.created + 3 * DAY,
            "regionId": 211, "siteId": 100, "shippingMethod": 1, "orderPaymentType": "PPD",
            "parentOrderLabel": [{"name": "soon_to_be_overdue", "value": 0}, {"name": "past_due", "value": 0}],
            "fulfillmentWarning": [],
        });
        if detail {
            parent["latestDeliveryTime"] = (order.created + 12 * DAY).into();
        } else {
            parent["updateTime"] = order.updated.into();
        }
        let lines: Vec<Value> = order
            .lines
            .iter()
            .map(|l| self.line(order, l, detail))
            .collect();
        json!({"parentOrderMap": parent, "orderList": lines})
    }

    /// A `goodsList` item of `bg.local.goods.list.query`; `price` is decimal text.
    pub(crate) fn render_goods(&self, g: &Goods) -> Value {
        let price = format!("{}.{:02}", g.price_cents / 100, g.price_cents % 100);
        let skus: Vec<Value> = (0..g.skus)
            .map(|k| {
                json!({"skuId": SKU_ID_BASE + (g.id - GOODS_ID_BASE) * 10 + i64::from(k),
                    "outSkuSn": if g.out_sn.is_empty() { String::new() } else { format!("{}-{}", g.out_sn, k + 1) },
                    "price": price, "quantity": g.quantity / i64::from(g.skus), "specName": format!("Style {}", k + 1)})
            })
            .collect();
        json!({
            "goodsId": g.id, "goodsName": g.name, "outGoodsSn": g.out_sn, "catId": 24_000 + g.id % 24,
            "price": price, "currency": "USD", "quantity": g.quantity,
            "thumbUrl": format!("https://img.example.invalid/goods/{}.jpg", g.id),
            "status": g.status, "subStatus": g.sub_status, "skuInfoList": skus,
        })
    }
}
