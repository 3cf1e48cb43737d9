//! A POS terminal (or a fleet of them): pushes sales over HTTP as fast as the listener
//! answers, on many connections, and records which transactions were acknowledged.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::Mutex;

/// Where to push and as whom.
#[derive(Debug, Clone)]
pub struct Terminal {
    /// `http://127.0.0.1:8765`
    pub base_url: String,
    pub token: String,
    pub system_id: String,
}

#[derive(Debug, Clone)]
pub struct Load {
    pub transactions: usize,
    pub concurrency: usize,
    /// Transaction ids are `{prefix}-{n}`, so runs do not collide.
    pub prefix: String,
    pub timeout: Duration,
}

#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    /// Transaction ids answered 2xx (the listener promised they are on disk).
    pub acknowledged: Vec<String>,
    /// Latency of each 2xx, in microseconds.
    pub latencies_us: Vec<u64>,
    /// Non-2xx answers, by status.
    pub refused: Vec<u16>,
    /// Requests that got no answer (connection refused or reset, timeout).
    pub unanswered: usize,
    pub elapsed: Duration,
}

impl LoadReport {
    /// The latency at quantile `q` in per mille (990 = p99), in microseconds.
    pub fn percentile_us(&self, per_mille: usize) -> u64 {
        let mut sorted = self.latencies_us.clone();
        sorted.sort_unstable();
        if sorted.is_empty() {
            return 0;
        }
        let rank = (sorted.len() * per_mille).div_ceil(1000).max(1) - 1;
        sorted[rank.min(sorted.len() - 1)]
    }

    /// Acknowledged transactions a second, to a tenth.
    pub fn rate_per_sec_tenths(&self) -> u128 {
        let micros = self.elapsed.as_micros().max(1);
        (self.acknowledged.len() as u128) * 10_000_000 / micros
    }
}

/// A seed 000 sale whose totals add up to the fen; `n` varies the amounts.
pub fn sale(id: &str, n: usize) -> Value {
    let subtotal_fen = 1000 + (n % 9000) as i64;
    let tax_fen = subtotal_fen / 10;
    let discount_fen = (n % 7) as i64 * 10;
    let total_fen = subtotal_fen + tax_fen - discount_fen;
    let yuan = |fen: i64| format!("{}.{:02}", fen / 100, fen % 100);
    let payment_method = ["wechat_pay", "alipay", "cash", "card"][n % 4];
    json!({
        "transaction_id": id,
        "order_number": format!("ORD-{id}"),
        "type": "sale",
        "subtotal": yuan(subtotal_fen),
        "tax": yuan(tax_fen),
        "discount": yuan(discount_fen),
        "total": yuan(total_fen),
        "payment_method": payment_method,
        "items": [{"name": "宫保鸡丁", "quantity": 1 + n % 3, "price": "68.00"}],
        "customer": {"phone": "13800138000", "name": "张三"}
    })
}

/// Pushes `load.transactions` sales over `load.concurrency` connections.
pub async fn drive(terminal: &Terminal, load: &Load) -> LoadReport {
    let client = match reqwest::Client::builder()
        .timeout(load.timeout)
        .pool_max_idle_per_host(load.concurrency)
        .build()
    {
        Ok(c) => c,
        Err(_) => return LoadReport::default(),
    };
    let url = format!(
        "{}/api/v1/integrations/pos/{}/transactions",
        terminal.base_url, terminal.system_id
    );
    let next = Arc::new(AtomicUsize::new(0));
    let report = Arc::new(Mutex::new(LoadReport::default()));
    let started = Instant::now();
    let mut workers = Vec::with_capacity(load.concurrency);
    for _ in 0..load.concurrency.max(1) {
        let (client, url, next, report) = (
            client.clone(),
            url.clone(),
            Arc::clone(&next),
            Arc::clone(&report),
        );
        let (token, prefix, total) = (
            terminal.token.clone(),
            load.prefix.clone(),
            load.transactions,
        );
        workers.push(tokio::spawn(async move {
            let mut local = LoadReport::default();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    break;
                }
                let id = format!("{prefix}-{n}");
                let body = sale(&id, n);
                let sent = Instant::now();
                match client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(resp) if resp.status().is_success() => {
                        // Read the body: the answer is complete only when it has arrived.
                        let complete = resp.bytes().await.is_ok();
                        if complete {
                            local.latencies_us.push(
                                u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX),
                            );
                            local.acknowledged.push(id);
                        } else {
                            local.unanswered += 1;
                        }
                    }
                    Ok(resp) => local.refused.push(resp.status().as_u16()),
                    Err(_) => local.unanswered += 1,
                }
            }
            let mut shared = report.lock().await;
            shared.acknowledged.extend(local.acknowledged);
            shared.latencies_us.extend(local.latencies_us);
            shared.refused.extend(local.refused);
            shared.unanswered += local.unanswered;
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let mut report = report.lock().await.clone();
    report.elapsed = started.elapsed();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_add_up() {
        for n in [0, 1, 6, 8999, 12345] {
            let s = sale("T", n);
            let fen = |k: &str| {
                let text = s[k].as_str().unwrap_or_default().replace('.', "");
                text.parse::<i64>().unwrap_or(-1)
            };
            assert_eq!(
                fen("subtotal") + fen("tax") - fen("discount"),
                fen("total"),
                "{n}"
            );
        }
    }

    #[test]
    fn percentiles() {
        let r = LoadReport {
            latencies_us: (1..=100).collect(),
            ..LoadReport::default()
        };
        assert_eq!(r.percentile_us(500), 50);
        assert_eq!(r.percentile_us(990), 99);
        assert_eq!(r.percentile_us(1000), 100);
    }
}
