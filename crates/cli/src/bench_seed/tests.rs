use std::collections::HashMap;

use storelink_core::pos::{PosTransaction, RecordSyncStatus, TransactionType};
use storelink_core::{Actor, Money};
use storelink_service::records::PosQuery;
use storelink_service::Services;
use uuid::Uuid;

use super::{seed_pos, PosGenerator, SeedPosArgs, SeedSystem};
use crate::output::Output;

const DAY_MS: i64 = 86_400_000;

fn systems(n: usize) -> Vec<SeedSystem> {
    (1..=n)
        .map(|i| SeedSystem {
            id: Uuid::now_v7(),
            store_id: format!("store-{i:03}"),
        })
        .collect()
}

fn generate(n: usize) -> Vec<PosTransaction> {
    PosGenerator::new(systems(3), n, 1_800_000_000_000, 10 * DAY_MS, 1)
        .map(|r| r.map(|(t, _)| t))
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn totals_add_up_and_reversals_name_an_earlier_sale_of_their_system() {
    let rows = generate(5_000);
    assert_eq!(rows.len(), 5_000);
    let mut sales: HashMap<(Uuid, String), Money> = HashMap::new();
    let mut reversals = 0;
    for t in &rows {
        let expected = t.subtotal.fen() + t.tax.fen() - t.discount.fen();
        assert_eq!(t.total.fen(), expected, "{}", t.pos_transaction_id);
        match t.transaction_type {
            TransactionType::Sale => {
                let lines: i64 = t.items.iter().map(|i| i.price.fen() * i.quantity).sum();
                assert_eq!(lines, t.subtotal.fen(), "{}", t.pos_transaction_id);
                assert!(t.original_transaction_id.is_none());
                sales.insert((t.system_id, t.pos_transaction_id.clone()), t.total);
            }
            TransactionType::Refund | TransactionType::Void => {
                reversals += 1;
                let original = t.original_transaction_id.clone().expect("names its sale");
                let sale = sales
                    .get(&(t.system_id, original))
                    .expect("the sale came earlier in the same system");
                assert!(t.total.fen() <= sale.fen());
            }
        }
    }
    assert!(reversals > 0, "some refunds and voids");
}

#[test]
fn rows_cover_the_span_in_time_order_with_v7_ids_of_their_arrival() {
    let rows = generate(2_000);
    let end = 1_800_000_000_000;
    for pair in rows.windows(2) {
        assert!(pair[0].transaction_time <= pair[1].transaction_time);
    }
    for t in &rows {
        let ms = t.transaction_time.timestamp_millis();
        assert!((end - 10 * DAY_MS..end).contains(&ms), "{ms}");
        let (secs, nanos) = t.id.get_timestamp().expect("v7").to_unix();
        let id_ms = i64::try_from(secs).expect("secs") * 1000 + i64::from(nanos / 1_000_000);
        assert_eq!(id_ms, t.created_at.timestamp_millis());
        assert!(t.created_at > t.transaction_time);
    }
    let failed = rows
        .iter()
        .filter(|t| t.sync_status == RecordSyncStatus::Failed)
        .count();
    assert!(
        failed > 0 && failed < rows.len() / 20,
        "about 1 % failed: {failed}"
    );
}

#[tokio::test]
async fn seeded_rows_are_listed_and_filtered_by_the_app_query() {
    let dir = tempfile::tempdir().expect("temp dir");
    let services = Services::open(dir.path()).await.expect("open");
    services
        .create_first_admin("admin", "Adm1n-pass!")
        .await
        .expect("admin");
    let args = SeedPosArgs {
        records: 2_500,
        systems: 2,
        days: 3,
        admin: "admin".into(),
        seed: 3,
    };
    seed_pos(&services, args, &Output { json: true })
        .await
        .expect("seed");

    let actor = Actor::local_cli();
    let mut seen = 0;
    let mut query = PosQuery {
        limit: Some(1000),
        ..PosQuery::default()
    };
    loop {
        let page = services
            .list_pos_transactions(&actor, query.clone())
            .await
            .expect("page");
        seen += page.items.len();
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen, 2_500);

    let failed = services
        .list_pos_transactions(
            &actor,
            PosQuery {
                sync_status: Some("failed".into()),
                store_id: Some("store-002".into()),
                limit: Some(1000),
                ..PosQuery::default()
            },
        )
        .await
        .expect("filtered");
    assert!(!failed.items.is_empty());
    assert!(failed
        .items
        .iter()
        .all(|t| t.sync_status == RecordSyncStatus::Failed
            && t.store_id.as_deref() == Some("store-002")));

    // A second seed into the same folder is refused rather than doubling the rows.
    let again = SeedPosArgs {
        records: 10,
        systems: 1,
        days: 1,
        admin: "admin".into(),
        seed: 4,
    };
    assert!(seed_pos(&services, again, &Output { json: true })
        .await
        .is_err());
    services.close().await;
}
