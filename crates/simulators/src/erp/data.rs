//! The simulator's records: three tables, a strictly increasing clock, and the vendor's
//! JSON shape, built on demand.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::gen::{customer_id, order_id, parse_id, product_id, Gen, SimRng};
use super::model::{Customer, Order, Product, Step};
use super::money::{quantity, yuan};
use super::table::{Page, Slot, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Customers,
    Products,
    Orders,
}

impl Kind {
    /// `"customers"` or `"customer"`, and so on.
    pub(crate) fn parse(text: &str) -> Option<Kind> {
        match text {
            "customers" | "customer" => Some(Kind::Customers),
            "products" | "product" => Some(Kind::Products),
            "orders" | "order" => Some(Kind::Orders),
            _ => None,
        }
    }

    pub(crate) fn plural(self) -> &'static str {
        match self {
            Kind::Customers => "customers",
            Kind::Products => "products",
            Kind::Orders => "orders",
        }
    }

    pub(crate) fn singular(self) -> &'static str {
        match self {
            Kind::Customers => "customer",
            Kind::Products => "product",
            Kind::Orders => "order",
        }
    }

    fn prefix(self) -> char {
        match self {
            Kind::Customers => 'C',
            Kind::Products => 'P',
            Kind::Orders => 'O',
        }
    }

    pub(crate) fn parse_id(self, id: &str) -> Option<u32> {
        parse_id(self.prefix(), id)
    }

    pub(crate) fn id(self, n: u32) -> String {
        match self {
            Kind::Customers => customer_id(n),
            Kind::Products => product_id(n),
            Kind::Orders => order_id(n),
        }
    }
}

/// `2026-11-20T08:00:00.123Z`
pub(crate) fn timestamp(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn wall_ms() -> i64 {
    Utc::now().timestamp_millis()
}

const THIRTY_DAYS_MS: i64 = 30 * 24 * 3600 * 1000;

#[derive(Debug)]
pub(crate) struct Data {
    pub gen: Gen,
    pub customers: Table<Customer>,
    pub products: Table<Product>,
    pub orders: Table<Order>,
    last_ms: i64,
}

impl Data {
    /// [`Data::generate`] on a blocking thread, so a large dataset does not stall the
    /// runtime while a simulator starts.
    pub(crate) async fn generate_blocking(records: usize, seed: u64) -> std::io::Result<Data> {
        tokio::task::spawn_blocking(move || Data::generate(records, seed))
            .await
            .map_err(std::io::Error::other)
    }

    /// `records` customers, half as many products, a quarter as many orders (at least one
    /// of each), last changed over the 30 days before now.
    pub(crate) fn generate(records: usize, seed: u64) -> Data {
        let count = |n: usize| u32::try_from(n.max(1)).unwrap_or(u32::MAX);
        let counts = [count(records), count(records / 2), count(records / 4)];
        let now = wall_ms();
        let [c, p, o] = super::gen::timestamps(seed, counts, now - THIRTY_DAYS_MS, now - 1000);
        let version = |kind: u64| {
            move |n: u32| 1 + SimRng::new(seed ^ (kind << 32) ^ u64::from(n)).below(5) as u32
        };
        let data = Data {
            gen: Gen {
                seed,
                customers: counts[0],
                products: counts[1],
            },
            customers: Table::generated(&c, version(1)),
            products: Table::generated(&p, version(2)),
            orders: Table::generated(&o, version(3)),
            last_ms: now,
        };
        tracing::debug!(
            customers = counts[0],
            products = counts[1],
            orders = counts[2],
            "erp simulator data generated"
        );
        data
    }

    /// Now, in ms, strictly later than any earlier call (adds 1 ms when the wall clock has
    /// not moved), so no two writes share an `updated_at`.
    pub(crate) fn now(&mut self) -> i64 {
        let latest = [
            self.customers.latest_ms(),
            self.products.latest_ms(),
            self.orders.latest_ms(),
        ]
        .into_iter()
        .flatten()
        .fold(self.last_ms, i64::max);
        self.last_ms = wall_ms().max(latest + 1);
        self.last_ms
    }

    pub(crate) fn len(&self, kind: Kind) -> usize {
        match kind {
            Kind::Customers => self.customers.len(),
            Kind::Products => self.products.len(),
            Kind::Orders => self.orders.len(),
        }
    }

    pub(crate) fn customer(&self, n: u32) -> Option<(Customer, &Slot<Customer>)> {
        let slot = self.customers.get(n)?;
        let rec = slot
            .rec
            .as_deref()
            .cloned()
            .unwrap_or_else(|| self.gen.customer(n));
        Some((rec, slot))
    }

    pub(crate) fn product(&self, n: u32) -> Option<(Product, &Slot<Product>)> {
        let slot = self.products.get(n)?;
        let rec = slot
            .rec
            .as_deref()
            .cloned()
            .unwrap_or_else(|| self.gen.product(n));
        Some((rec, slot))
    }

    pub(crate) fn order(&self, n: u32) -> Option<(Order, &Slot<Order>)> {
        let slot = self.orders.get(n)?;
        let rec = match slot.rec.as_deref() {
            Some(o) => o.clone(),
            None => self.gen.order(n, slot.updated_ms),
        };
        Some((rec, slot))
    }

    /// The stored copy of a record, generated into storage on its first write.
    pub(crate) fn customer_mut(&mut self, n: u32) -> Option<&mut Customer> {
        let generated = self.gen.customer(n);
        let slot = self.customers.get_mut(n)?;
        Some(slot.rec.get_or_insert_with(|| Box::new(generated)))
    }

    pub(crate) fn product_mut(&mut self, n: u32) -> Option<&mut Product> {
        let generated = self.gen.product(n);
        let slot = self.products.get_mut(n)?;
        Some(slot.rec.get_or_insert_with(|| Box::new(generated)))
    }

    pub(crate) fn order_mut(&mut self, n: u32) -> Option<&mut Order> {
        let gen = self.gen;
        let slot = self.orders.get_mut(n)?;
        let at = slot.updated_ms;
        Some(slot.rec.get_or_insert_with(|| Box::new(gen.order(n, at))))
    }

    /// Marks a record written now (new version, end of the order); its new `updated_at`.
    pub(crate) fn bump(&mut self, kind: Kind, n: u32) -> i64 {
        let now = self.now();
        self.touch_at(kind, n, now);
        now
    }

    /// As [`Data::bump`], at a time already taken from [`Data::now`].
    pub(crate) fn touch_at(&mut self, kind: Kind, n: u32, now: i64) {
        match kind {
            Kind::Customers => self.customers.touch(n, now),
            Kind::Products => self.products.touch(n, now),
            Kind::Orders => self.orders.touch(n, now),
        }
    }

    /// A record in the vendor's JSON shape.
    pub(crate) fn render(&self, kind: Kind, n: u32) -> Option<Value> {
        match kind {
            Kind::Customers => self.customer(n).map(|(c, s)| render_customer(n, &c, s)),
            Kind::Products => self.product(n).map(|(p, s)| render_product(n, &p, s)),
            Kind::Orders => self.order(n).map(|(o, s)| render_order(n, &o, s)),
        }
    }

    pub(crate) fn page(&self, kind: Kind, since_ms: i64, offset: usize, limit: usize) -> Page {
        match kind {
            Kind::Customers => self.customers.page(since_ms, offset, limit),
            Kind::Products => self.products.page(since_ms, offset, limit),
            Kind::Orders => self.orders.page(since_ms, offset, limit),
        }
    }

    /// Simulates an edit made in the ERP: customers get a new name suffix, products a
    /// price one yuan higher, orders only a new version. Unknown ids are skipped; how many
    /// records changed.
    pub(crate) fn touch(&mut self, kind: Kind, ids: &[String]) -> usize {
        let mut changed = 0;
        for id in ids {
            let Some(n) = kind.parse_id(id) else { continue };
            if n as usize > self.len(kind) {
                continue;
            }
            let next_version = match kind {
                Kind::Customers => self.customers.get(n).map(|s| s.version + 1),
                Kind::Products => self.products.get(n).map(|s| s.version + 1),
                Kind::Orders => self.orders.get(n).map(|s| s.version + 1),
            }
            .unwrap_or(1);
            match kind {
                Kind::Customers => {
                    if let Some(c) = self.customer_mut(n) {
                        let base = match c.name.rfind(" (rev ") {
                            Some(i) if c.name.ends_with(')') => c.name[..i].to_owned(),
                            _ => c.name.clone(),
                        };
                        c.name = format!("{base} (rev {next_version})");
                    }
                }
                Kind::Products => {
                    if let Some(p) = self.product_mut(n) {
                        p.price_fen += 100;
                    }
                }
                Kind::Orders => {
                    let _ = self.order_mut(n);
                }
            }
            self.bump(kind, n);
            changed += 1;
        }
        changed
    }
}

fn meta(map: &mut serde_json::Map<String, Value>, ms: i64, version: u32) {
    map.insert("updated_at".to_owned(), Value::String(timestamp(ms)));
    map.insert("version".to_owned(), json!(version));
}

fn with_meta(mut v: Value, ms: i64, version: u32) -> Value {
    if let Some(map) = v.as_object_mut() {
        meta(map, ms, version);
    }
    v
}

fn render_customer<R>(n: u32, c: &Customer, slot: &Slot<R>) -> Value {
    let v = json!({
        "id": customer_id(n),
        "code": c.code,
        "name": c.name,
        "type": c.kind,
        "contact_name": c.contact_name,
        "contact_phone": c.contact_phone,
        "email": c.email,
        "address": c.address,
        "city": c.city,
        "province": c.province,
        "tax_number": c.tax_number,
        "credit_limit": yuan(c.credit_limit_fen),
        "status": c.status,
    });
    with_meta(v, slot.updated_ms, slot.version)
}

pub(crate) fn render_inventory(p: &Product) -> Value {
    json!({
        "quantity": quantity(p.quantity_milli),
        "unit": p.unit,
        "warehouse": p.warehouse,
    })
}

fn render_product<R>(n: u32, p: &Product, slot: &Slot<R>) -> Value {
    let v = json!({
        "id": product_id(n),
        "sku": p.sku,
        "name": p.name,
        "description": p.description,
        "category_id": p.category_id,
        "category_name": p.category_name,
        "price": yuan(p.price_fen),
        "cost_price": yuan(p.cost_fen),
        "currency": p.currency,
        "unit": p.unit,
        "tax_rate": p.tax_rate,
        "status": p.status,
        "inventory": render_inventory(p),
    });
    with_meta(v, slot.updated_ms, slot.version)
}

fn render_order<R>(n: u32, o: &Order, slot: &Slot<R>) -> Value {
    let items: Vec<Value> = o
        .items
        .iter()
        .map(|i| {
            json!({
                "product_id": i.product_id,
                "sku": i.sku,
                "name": i.name,
                "quantity": quantity(i.quantity_milli),
                "unit_price": yuan(i.unit_price_fen),
                "amount": yuan(i.amount_fen),
            })
        })
        .collect();
    let mut v = json!({
        "id": order_id(n),
        "order_number": o.order_number,
        "type": o.kind,
        "customer_id": o.customer_id,
        "customer_name": o.customer_name,
        "status": o.status.code(),
        "total": yuan(o.total_fen()),
        "currency": o.currency,
        "items": items,
        "created_at": timestamp(o.created_ms),
    });
    if let (Some(reference), Some(map)) = (&o.reference, v.as_object_mut()) {
        map.insert("reference".to_owned(), Value::String(reference.clone()));
    }
    with_meta(v, slot.updated_ms, slot.version)
}

/// `GET /orders/{id}/status`'s `data`.
pub(crate) fn render_status(o: &Order, updated_ms: i64) -> Value {
    let at = o.timeline.last().map_or(updated_ms, |s: &Step| s.at_ms);
    let timeline: Vec<Value> = o
        .timeline
        .iter()
        .map(|s| json!({"status": s.status.code(), "timestamp": timestamp(s.at_ms), "notes": s.notes}))
        .collect();
    json!({
        "status": {"code": o.status.code(), "name": o.status.name(), "updatedAt": timestamp(at)},
        "timeline": timeline,
    })
}
