//! SQL metacharacters in every filter of every list endpoint, sent as real query strings:
//! each answer is a 2xx page holding only rows that match (none, for these values) or a
//! 4xx problem; never a 5xx, and nothing stored changes.

use serde_json::json;

use crate::common::{host, member_seed, pos_seed, reservation_seed, supplier_seed, Host};

/// Text a query string may smuggle into SQL.
const VALUES: &[&str] = &[
    "' OR 1=1 --",
    "' OR '1'='1",
    "1; DROP TABLE pos_transactions; --",
    "' UNION SELECT * FROM api_tokens --",
    "%",
    "_",
    "%%",
    "\\",
    "\\%",
    "\0",
    "a\0b",
    "'",
    "\"",
    "`",
    "store-001' --",
    "store-001%",
    "sale' OR 'x'='x",
];

/// Every list endpoint with every filter it takes (time filters apart: they are parsed,
/// so a far-future `end_time` rightly returns rows).
const LISTS: &[(&str, &[&str])] = &[
    (
        "pos/transactions",
        &[
            "system_id",
            "store_id",
            "sync_status",
            "type",
            "cursor",
            "limit",
        ],
    ),
    (
        "supplier/orders",
        &["system_id", "store_id", "status", "cursor", "limit"],
    ),
    ("members", &["system_id", "phone", "cursor", "limit"]),
    (
        "reservation/list",
        &["system_id", "store_id", "status", "cursor", "limit"],
    ),
    (
        "sync-logs",
        &[
            "system_id",
            "status",
            "item_type",
            "task_id",
            "cursor",
            "limit",
        ],
    ),
    (
        "systems",
        &["type", "store_id", "status", "cursor", "limit"],
    ),
];
const TIME_FILTERS: &[(&str, &str)] = &[
    ("pos/transactions", "start_time"),
    ("pos/transactions", "end_time"),
    ("reservation/list", "date_from"),
    ("reservation/list", "date_to"),
];

/// Every list, unfiltered.
async fn everything(h: &Host) -> String {
    let mut all = Vec::new();
    for (path, _) in LISTS {
        all.push(json!(h.list(&format!("{path}?limit=1000")).await));
    }
    json!(all).to_string()
}

async fn seed(h: &Host) {
    let staff = h.admin.clone();
    let pos = h.system("pos", "POS").await;
    h.post(&format!("pos/{pos}/transactions"), &staff, &pos_seed())
        .await
        .expect(201);
    let supplier = h.system("supplier", "Supplier").await;
    h.post(
        &format!("supplier/{supplier}/orders"),
        &staff,
        &supplier_seed(),
    )
    .await
    .expect(201);
    let member = h.system("member", "Member").await;
    h.post(&format!("member/{member}/sync"), &staff, &member_seed())
        .await
        .expect(201);
    let reservation = h.system("reservation", "Reservation").await;
    h.post(
        &format!("reservation/{reservation}/sync"),
        &staff,
        &reservation_seed(),
    )
    .await
    .expect(201);
}

async fn query(h: &Host, path: &str, name: &str, value: &str) -> (u16, String, usize) {
    let url = h.url(path);
    let response = h
        .http
        .get(url)
        .query(&[(name, value)])
        .bearer_auth(&h.admin)
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let rows = body["items"].as_array().map_or(0, Vec::len);
    (status, text, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_metacharacters_in_every_filter_are_answered_cleanly() {
    let h = host().await;
    seed(&h).await;
    let before = everything(&h).await;
    assert!(
        before.contains("TXN-2024-001") && before.contains("RES-2024-001"),
        "{before}"
    );
    let mut asked = 0;
    for (path, filters) in LISTS {
        for name in *filters {
            for value in VALUES {
                let (status, text, rows) = query(&h, path, name, value).await;
                asked += 1;
                assert!(status < 500, "{path}?{name}={value:?}: {status} {text}");
                if (200..300).contains(&status) {
                    assert_eq!(rows, 0, "{path}?{name}={value:?} matched rows: {text}");
                } else {
                    assert!(
                        text.contains("urn:storelink:problem:"),
                        "{path}?{name}={value:?}: {text}"
                    );
                }
            }
        }
    }
    for (path, name) in TIME_FILTERS {
        for value in VALUES {
            let (status, text, _) = query(&h, path, name, value).await;
            assert!(status < 500, "{path}?{name}={value:?}: {status} {text}");
        }
    }
    assert!(asked > 400, "{asked}");
    assert_eq!(
        everything(&h).await,
        before,
        "a filter changed what is stored"
    );
}
