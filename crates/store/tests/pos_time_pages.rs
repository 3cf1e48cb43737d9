//! POS lists filtered by a time range: newest transaction time first, walked page by page
//! through the time index, every matching row exactly once, including rows that share a
//! time and rows that arrived long after they happened.

use chrono::{DateTime, Duration, TimeZone, Utc};
use storelink_core::ids::new_id;
use storelink_core::pos::{PosTransaction, RecordSyncStatus, TransactionType};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_core::{AppError, Money, PageRequest};
use storelink_store::pos::{self, PosFilter};
use storelink_store::{systems, Db};
use uuid::Uuid;

fn system() -> ExternalSystem {
    let now = Utc::now();
    ExternalSystem {
        id: new_id(),
        name: "前台POS".into(),
        system_type: SystemType::Pos,
        provider: "Meituan".into(),
        version: None,
        status: SystemStatus::Inactive,
        store_id: Some("store-001".into()),
        api_endpoint: None,
        webhook_url: None,
        config: serde_json::json!({}),
        sync_enabled: false,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec![],
        last_test_at: None,
        last_test_latency_ms: None,
        last_test_error_class: None,
        last_test_message: None,
        created_at: now,
        updated_at: now,
    }
}

fn sale(system: Uuid, n: usize, time: DateTime<Utc>, status: RecordSyncStatus) -> PosTransaction {
    PosTransaction {
        id: new_id(),
        system_id: system,
        store_id: Some("store-001".into()),
        pos_transaction_id: format!("T{n:04}"),
        pos_order_number: None,
        transaction_type: TransactionType::Sale,
        original_transaction_id: None,
        subtotal: Money::from_fen(100),
        tax: Money::from_fen(0),
        discount: Money::from_fen(0),
        total: Money::from_fen(100),
        payment_method: None,
        items: vec![],
        customer_info: serde_json::json!({}),
        sync_status: status,
        transaction_time: time,
        created_at: Utc::now(),
    }
}

async fn all_pages(db: &Db, f: &PosFilter, limit: u32) -> Result<Vec<PosTransaction>, AppError> {
    let mut conn = db.read().await?;
    let mut page = PageRequest {
        cursor: None,
        limit: Some(limit),
    };
    let mut rows = Vec::new();
    loop {
        let p = pos::list(&mut conn, f, &page).await?;
        assert!(p.items.len() <= limit as usize);
        rows.extend(p.items);
        match p.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return Ok(rows),
        }
    }
}

#[tokio::test]
async fn a_time_range_is_listed_newest_time_first_each_row_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("open");
    let sys = system();
    let day = Utc
        .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("day");
    let mut written = Vec::new();
    {
        let mut tx = db.write().await.expect("tx");
        systems::insert(&mut tx, &sys).await.expect("system");
        // Inserted (so ids given) in an order unrelated to the times; rows 100–119 share
        // their times with rows 0–19, so ties are broken by id.
        for n in 0..120usize {
            let minute = i64::try_from((n * 37) % 100).expect("minute");
            let time = day + Duration::minutes(minute - i64::from(n % 4 == 1));
            let status = if n % 3 == 0 {
                RecordSyncStatus::Failed
            } else {
                RecordSyncStatus::Success
            };
            let t = sale(sys.id, n, time, status);
            pos::insert(&mut tx, &t, "h").await.expect("insert");
            written.push(t);
        }
        tx.commit().await.expect("commit");
    }
    let from = day + Duration::minutes(10);
    let to = day + Duration::minutes(80);
    let in_range = |t: &&PosTransaction| t.transaction_time >= from && t.transaction_time < to;
    let mut expected: Vec<&PosTransaction> = written.iter().filter(in_range).collect();
    expected.sort_by_key(|t| std::cmp::Reverse((t.transaction_time, t.id)));

    for limit in [1, 7, 50, 1000] {
        let f = PosFilter {
            from: Some(from),
            to: Some(to),
            ..PosFilter::default()
        };
        let got = all_pages(&db, &f, limit).await.expect("pages");
        let ids: Vec<Uuid> = got.iter().map(|t| t.id).collect();
        let want: Vec<Uuid> = expected.iter().map(|t| t.id).collect();
        assert_eq!(ids, want, "limit {limit}");
    }

    // With only one bound and another filter, as the POS page sends them.
    let f = PosFilter {
        sync_status: Some(RecordSyncStatus::Failed),
        to: Some(to),
        ..PosFilter::default()
    };
    let got = all_pages(&db, &f, 4).await.expect("pages");
    let mut want: Vec<&PosTransaction> = written
        .iter()
        .filter(|t| t.sync_status == RecordSyncStatus::Failed && t.transaction_time < to)
        .collect();
    want.sort_by_key(|t| std::cmp::Reverse((t.transaction_time, t.id)));
    assert_eq!(
        got.iter().map(|t| t.id).collect::<Vec<_>>(),
        want.iter().map(|t| t.id).collect::<Vec<_>>()
    );

    // A cursor from outside the range still never yields rows past the range's end.
    let outside = written
        .iter()
        .find(|t| t.transaction_time >= to)
        .expect("a row after the range");
    let mut conn = db.read().await.expect("read");
    let f = PosFilter {
        from: Some(from),
        to: Some(to),
        ..PosFilter::default()
    };
    let page = PageRequest {
        cursor: Some(outside.id.to_string()),
        limit: Some(1000),
    };
    let p = pos::list(&mut conn, &f, &page).await.expect("page");
    assert!(p.items.iter().all(|t| t.transaction_time < to));
    assert!(!p.items.is_empty());

    // A cursor naming no row is refused, not taken as the end of the list.
    let unknown = PageRequest {
        cursor: Some(new_id().to_string()),
        limit: Some(10),
    };
    let err = pos::list(&mut conn, &f, &unknown)
        .await
        .expect_err("refused");
    assert!(matches!(err, AppError::Validation { .. }), "{err:?}");
}
