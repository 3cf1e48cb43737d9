//! The rows `bench seed-pos` writes: POS transactions in time order over a span of days,
//! spread over a few systems, with the mix a café's terminals produce (sales, ~4 % refunds
//! and ~2 % voids of an earlier sale, ~1 % failed and ~2 % pending sync).

use std::time::{Duration, SystemTime};

use storelink_core::digest::sha256_hex;
use storelink_core::pos::{
    Customer, PaymentMethod, PosItem, PosTransaction, RecordSyncStatus, TransactionType,
    ValidPosTransaction,
};
use storelink_core::{AppError, Money};
use uuid::Uuid;

/// A small, dependency-free PRNG (splitmix64): the rows only need to look varied.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

/// What a café-style POS sells, with prices in fen.
const MENU: &[(&str, i64)] = &[
    ("拿铁", 2_800),
    ("美式咖啡", 2_200),
    ("卡布奇诺", 3_000),
    ("抹茶拿铁", 3_200),
    ("牛角包", 1_500),
    ("三明治", 2_600),
    ("芝士蛋糕", 3_500),
    ("矿泉水", 500),
];

/// One POS system the rows are spread over: its id and store.
#[derive(Debug, Clone)]
pub struct SeedSystem {
    pub id: Uuid,
    pub store_id: String,
}

/// Makes the transactions in time order, like a day-by-day stream of pushes.
pub struct PosGenerator {
    rng: Rng,
    systems: Vec<SeedSystem>,
    /// Per system: the last sale (POS id, total in fen), for refunds and voids to reverse.
    last_sale: Vec<Option<(String, i64)>>,
    start_ms: i64,
    step_ms: i64,
    total: usize,
    next: usize,
}

impl PosGenerator {
    /// `total` transactions over `[end_ms - span_ms, end_ms)`.
    pub fn new(
        systems: Vec<SeedSystem>,
        total: usize,
        end_ms: i64,
        span_ms: i64,
        seed: u64,
    ) -> Self {
        let count = i64::try_from(total.max(1)).unwrap_or(i64::MAX);
        PosGenerator {
            rng: Rng(seed),
            last_sale: vec![None; systems.len()],
            systems,
            start_ms: end_ms - span_ms,
            step_ms: (span_ms / count).max(1),
            total,
            next: 0,
        }
    }

    fn items(&mut self) -> Vec<PosItem> {
        let lines = 1 + self.rng.below(4);
        (0..lines)
            .map(|_| {
                let (name, price) = MENU[self.rng.below(MENU.len() as u64) as usize];
                PosItem {
                    name: name.to_owned(),
                    quantity: 1 + self.rng.below(3) as i64,
                    price: Money::from_fen(price),
                }
            })
            .collect()
    }

    fn payment(&mut self) -> PaymentMethod {
        match self.rng.below(100) {
            0..=44 => PaymentMethod::WechatPay,
            45..=79 => PaymentMethod::Alipay,
            80..=89 => PaymentMethod::Cash,
            _ => PaymentMethod::Card,
        }
    }

    /// The validated body a terminal would have sent for row `n` of system `s`.
    fn body(&mut self, s: usize, n: usize, time_ms: i64) -> ValidPosTransaction {
        let transaction_id = format!("P{}-{n:08}", s + 1);
        let reversed = match self.rng.below(100) {
            0..=3 => Some(TransactionType::Refund),
            4..=5 => Some(TransactionType::Void),
            _ => None,
        }
        .and_then(|kind| self.last_sale[s].take().map(|sale| (kind, sale)));
        let time = Some(ms_to_time(time_ms).into());
        let customer = self.rng.chance(300).then(|| Customer {
            phone: Some(format!("138{:08}", self.rng.below(100_000_000))),
            name: None,
        });
        if let Some((kind, (original, sale_total))) = reversed {
            // A void takes back the whole sale, a refund all of it or half.
            let total = match kind {
                TransactionType::Refund if self.rng.chance(500) => sale_total / 2,
                _ => sale_total,
            };
            return ValidPosTransaction {
                transaction_id,
                order_number: None,
                transaction_type: kind,
                original_transaction_id: Some(original),
                subtotal: Money::from_fen(total),
                tax: Money::from_fen(0),
                discount: Money::from_fen(0),
                total: Money::from_fen(total),
                payment_method: Some(self.payment()),
                items: Vec::new(),
                customer,
                transaction_time: time,
            };
        }
        let items = self.items();
        let subtotal: i64 = items.iter().map(|i| i.price.fen() * i.quantity).sum();
        let discount = if self.rng.chance(150) {
            subtotal / 10
        } else {
            0
        };
        let total = subtotal - discount;
        self.last_sale[s] = Some((transaction_id.clone(), total));
        ValidPosTransaction {
            order_number: Some(format!("O{}-{n:08}", s + 1)),
            transaction_id,
            transaction_type: TransactionType::Sale,
            original_transaction_id: None,
            subtotal: Money::from_fen(subtotal),
            tax: Money::from_fen(0),
            discount: Money::from_fen(discount),
            total: Money::from_fen(total),
            payment_method: Some(self.payment()),
            items,
            customer,
            transaction_time: time,
        }
    }
}

fn ms_to_time(ms: i64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

impl Iterator for PosGenerator {
    /// The row and its content hash (as ingest computes it, over the validated body).
    type Item = Result<(PosTransaction, String), AppError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.total || self.systems.is_empty() {
            return None;
        }
        let n = self.next;
        self.next += 1;
        let offset = self.step_ms * i64::try_from(n).unwrap_or(i64::MAX);
        let time_ms = self.start_ms + offset + self.rng.below(self.step_ms as u64) as i64;
        // Received one to five seconds after the sale; the id is a UUID v7 of that moment.
        let received_ms = time_ms + 1_000 + self.rng.below(4_000) as i64;
        let s = self.rng.below(self.systems.len() as u64) as usize;
        let body = self.body(s, n, time_ms);
        let hash = match serde_json::to_vec(&body) {
            Ok(bytes) => sha256_hex(&bytes),
            Err(e) => return Some(Err(AppError::internal(e))),
        };
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.rng.next().to_le_bytes());
        random[8..].copy_from_slice(&self.rng.next().to_le_bytes()[..2]);
        let id = uuid::Builder::from_unix_timestamp_millis(
            u64::try_from(received_ms).unwrap_or(0),
            &random,
        )
        .into_uuid();
        let sync_status = match self.rng.below(100) {
            0 => RecordSyncStatus::Failed,
            1..=2 => RecordSyncStatus::Pending,
            _ => RecordSyncStatus::Success,
        };
        let system = &self.systems[s];
        let customer_info = match &body.customer {
            Some(c) => match serde_json::to_value(c) {
                Ok(v) => v,
                Err(e) => return Some(Err(AppError::internal(e))),
            },
            None => serde_json::json!({}),
        };
        let row = PosTransaction {
            id,
            system_id: system.id,
            store_id: Some(system.store_id.clone()),
            pos_transaction_id: body.transaction_id,
            pos_order_number: body.order_number,
            transaction_type: body.transaction_type,
            original_transaction_id: body.original_transaction_id,
            subtotal: body.subtotal,
            tax: body.tax,
            discount: body.discount,
            total: body.total,
            payment_method: body.payment_method,
            items: body.items,
            customer_info,
            sync_status,
            transaction_time: ms_to_time(time_ms).into(),
            created_at: ms_to_time(received_ms).into(),
        };
        Some(Ok((row, hash)))
    }
}
