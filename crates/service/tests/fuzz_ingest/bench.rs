//! The bench every property runs on: `Services` on a real SQLite file in a temporary
//! folder, the systems the pushes go to, and what is stored, read two ways: through the
//! service's own lists (named when they differ) and as a dump of every table of the file
//! (so a write the lists do not show is caught too). And the runner: one push per case,
//! what it may have changed checked against what it came to.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Debug;

use proptest::prelude::*;
use proptest::test_runner::{TestCaseError, TestRunner};
use serde_json::{json, Value};
use storelink_core::ingest::WebhookChannel;
use storelink_core::system::NewSystem;
use storelink_core::{Actor, AppError, PageRequest};
use storelink_service::erp_lists::{
    CustomerQuery, ErpOrderQuery, MarketplaceOrderQuery, ProductQuery,
};
use storelink_service::ingest::RawPush;
use storelink_service::records::{
    MemberQuery, PosQuery, ReservationQuery, SupplierOrderQuery, SyncLogQuery,
};
use storelink_service::Services;
use uuid::Uuid;

use crate::vendors;

/// What a system holds, so a snapshot reads its lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// The records of a webhook channel (supplier orders for 易理货 too).
    Channel(WebhookChannel),
    /// Marketplace orders (Temu).
    Marketplace,
}

/// A system pushes go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: Uuid,
    pub holds: Holds,
}

impl Target {
    /// The webhook channel of a channel's system (a marketplace has none; ERP stands in).
    pub fn channel(&self) -> WebhookChannel {
        match self.holds {
            Holds::Channel(c) => c,
            Holds::Marketplace => WebhookChannel::Erp,
        }
    }
}

/// What one push came to, as the property reads its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// Applied to a record: the system's records, logs and inbox may all have changed.
    Applied,
    /// One new inbox event and nothing else (an ERP event or a Temu push left for the
    /// sync engine).
    KeptOne,
    /// Kept in the inbox but not applied (a 易理货 callback the order refuses): only the
    /// inbox may have changed, and it did not shrink.
    KeptUnapplied,
    /// A repeat of an event already stored: nothing changed.
    Repeat,
}

/// Everything stored, as text: list name (or `table:` name) → its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    parts: BTreeMap<String, String>,
    inbox_len: usize,
}

impl Snapshot {
    /// The parts that differ, leaving out the inbox (list and table) when `but_inbox`.
    pub fn changed(&self, other: &Snapshot, but_inbox: bool) -> Vec<String> {
        self.parts
            .iter()
            .filter(|(name, _)| !(but_inbox && (*name == "inbox" || *name == "table:inbox")))
            .filter(|(name, text)| other.parts.get(*name) != Some(text))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

pub struct Bench {
    pub rt: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    pub services: Services,
    /// Per table: its name and a query giving its rows as one text.
    dumps: Vec<(String, String)>,
}

impl Bench {
    pub fn start() -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let services = rt.block_on(Services::open(dir.path())).expect("services");
        let dumps = rt.block_on(table_dumps(&services));
        Bench {
            rt,
            _dir: dir,
            services,
            dumps,
        }
    }

    fn create(&self, input: NewSystem) -> Uuid {
        self.rt
            .block_on(self.services.create_system(&Actor::local_cli(), input))
            .expect("system")
            .id
    }

    /// One system per webhook channel, signing with `scheme` (`standard_webhooks` or
    /// `sha256`), in `WebhookChannel::ALL` order.
    pub fn webhook_systems(&self, scheme: &str) -> Vec<Target> {
        let secret = match scheme {
            "sha256" => vendors::HEX_SECRET,
            _ => vendors::WHSEC,
        };
        WebhookChannel::ALL
            .iter()
            .map(|channel| {
                let id = self.create(NewSystem {
                    name: format!("fuzz {channel} {scheme} {}", Uuid::now_v7()),
                    system_type: channel.system_type().into(),
                    provider: "test".into(),
                    store_id: Some("store-001".into()),
                    config: Some(json!({"webhook_signature": scheme})),
                    secrets: [("webhook_secret".to_owned(), secret.to_owned())].into(),
                    ..Default::default()
                });
                Target {
                    id,
                    holds: Holds::Channel(*channel),
                }
            })
            .collect()
    }

    /// A Temu system using `app_key`.
    pub fn temu_system(&self, app_key: &str) -> Target {
        let id = self.create(NewSystem {
            name: format!("Temu {}", Uuid::now_v7()),
            system_type: "ecommerce".into(),
            provider: "temu".into(),
            store_id: Some("store-001".into()),
            api_endpoint: Some("https://openapi-b-us.temu.com".into()),
            config: Some(json!({"app_key": app_key})),
            secrets: [
                ("app_secret".to_owned(), vendors::TEMU_SECRET.to_owned()),
                ("access_token".to_owned(), "upl-token-0042".to_owned()),
            ]
            .into(),
            ..Default::default()
        });
        Target {
            id,
            holds: Holds::Marketplace,
        }
    }

    /// A 易理货 supplier system with a pending order for each of `orders`.
    pub fn ylh_system(&self, orders: &[&str]) -> Target {
        let id = self.create(NewSystem {
            name: format!("易理货 {}", Uuid::now_v7()),
            system_type: "supplier".into(),
            provider: "ylh".into(),
            store_id: Some("store-001".into()),
            api_endpoint: Some("http://127.0.0.1:9".into()),
            config: Some(json!({"client_id": "c", "username": "u",
                "source_system": "storelink", "shop_name": "店", "app_key": vendors::YLH_APP_KEY})),
            secrets: [
                ("client_secret", "cs"),
                ("password", "pw"),
                ("callback_secret", vendors::YLH_SECRET),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
            ..Default::default()
        });
        for number in orders {
            let body = json!({"order_number": number, "supplier_id": "HAIER",
                "subtotal": "100.00", "total": "100.00",
                "items": [{"name": "BS01U000N", "quantity": 1, "price": "100.00"}],
                "delivery": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四",
                    "phone": "13900139000"}});
            self.rt
                .block_on(self.services.create_supplier_order(
                    &Actor::local_cli(),
                    &id.to_string(),
                    RawPush::new(body.to_string()),
                ))
                .expect("order");
        }
        Target {
            id,
            holds: Holds::Channel(WebhookChannel::Supplier),
        }
    }

    /// Everything stored: `target`'s lists (inbox, records, sync logs, outbox, conflicts)
    /// and every table of the file.
    pub fn snapshot(&self, target: Target) -> Snapshot {
        self.rt.block_on(async {
            let mut parts = BTreeMap::new();
            let inbox = self.lists(target, &mut parts).await;
            let mut conn = self.services.db().read().await.expect("a read connection");
            for (table, query) in &self.dumps {
                let (rows, text): (i64, Option<String>) = sqlx::query_as(query)
                    .fetch_one(&mut *conn)
                    .await
                    .expect("dump a table");
                parts.insert(
                    format!("table:{table}"),
                    format!("{rows}\n{}", text.unwrap_or_default()),
                );
            }
            Snapshot {
                parts,
                inbox_len: inbox,
            }
        })
    }

    /// Reads `target`'s lists into `parts`; the number of its inbox events.
    async fn lists(&self, target: Target, parts: &mut BTreeMap<String, String>) -> usize {
        let s = &self.services;
        let actor = Actor::local_cli();
        let id = target.id.to_string();
        let system_id = Some(id.clone());
        let limit = Some(PageRequest::MAX_LIMIT);
        let page = PageRequest {
            cursor: None,
            limit,
        };
        let mut put = |name: &str, value: Value| parts.insert(name.to_owned(), value.to_string());
        let inbox = s
            .list_inbox(&actor, Some(target.id), None, &page)
            .await
            .expect("inbox");
        let inbox_len = inbox.items.len();
        put("inbox", json!(inbox.items));
        let logs = s
            .list_sync_logs(
                &actor,
                SyncLogQuery {
                    system_id: system_id.clone(),
                    limit,
                    ..Default::default()
                },
            )
            .await
            .expect("sync logs");
        put("sync_logs", json!(logs.items));
        let outbox = s.list_outbox(&actor, Some(&id), None, &page).await;
        put("outbox", json!(outbox.expect("outbox").items));
        let conflicts = s.list_conflicts(&actor, Some(&id), None, &page).await;
        put("conflicts", json!(conflicts.expect("conflicts").items));
        match target.holds {
            Holds::Channel(WebhookChannel::Pos) => {
                let q = PosQuery {
                    system_id,
                    limit,
                    ..Default::default()
                };
                put(
                    "records",
                    json!(s.list_pos_transactions(&actor, q).await.expect("pos").items),
                );
            }
            Holds::Channel(WebhookChannel::Supplier) => {
                let q = SupplierOrderQuery {
                    system_id,
                    limit,
                    ..Default::default()
                };
                let orders = s.list_supplier_orders(&actor, q).await.expect("orders");
                put("records", json!(orders.items));
            }
            Holds::Channel(WebhookChannel::Member) => {
                let q = MemberQuery {
                    system_id,
                    limit,
                    ..Default::default()
                };
                put(
                    "records",
                    json!(s.list_members(&actor, q).await.expect("members").items),
                );
            }
            Holds::Channel(WebhookChannel::Reservation) => {
                let q = ReservationQuery {
                    system_id,
                    limit,
                    ..Default::default()
                };
                let reservations = s.list_reservations(&actor, q).await.expect("reservations");
                put("records", json!(reservations.items));
            }
            Holds::Channel(WebhookChannel::Erp) => {
                let q = CustomerQuery {
                    system_id: system_id.clone(),
                    limit,
                    ..Default::default()
                };
                put(
                    "customers",
                    json!(s.list_customers(&actor, q).await.expect("customers").items),
                );
                let q = ProductQuery {
                    system_id: system_id.clone(),
                    limit,
                    ..Default::default()
                };
                put(
                    "products",
                    json!(s.list_products(&actor, q).await.expect("products").items),
                );
                let q = ErpOrderQuery {
                    system_id,
                    limit,
                    ..Default::default()
                };
                put(
                    "erp_orders",
                    json!(s.list_erp_orders(&actor, q).await.expect("orders").items),
                );
            }
            Holds::Marketplace => {
                let q = MarketplaceOrderQuery {
                    system_id,
                    limit,
                    ..Default::default()
                };
                let orders = s.list_marketplace_orders(&actor, q).await.expect("orders");
                put("marketplace_orders", json!(orders.items));
            }
        }
        inbox_len
    }
}

/// For each table of the file, a query giving its row count and every row as text.
async fn table_dumps(services: &Services) -> Vec<(String, String)> {
    let mut conn = services.db().read().await.expect("a read connection");
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("tables");
    let mut dumps = Vec::new();
    for (table,) in tables {
        let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info(?)")
            .bind(&table)
            .fetch_all(&mut *conn)
            .await
            .expect("columns");
        let row = columns
            .iter()
            .map(|(c,)| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let query = format!("SELECT count(*), group_concat({row}, char(10)) FROM \"{table}\"");
        dumps.push((table, query));
    }
    assert!(dumps.len() > 10, "the schema's tables: {dumps:?}");
    dumps
}

/// A refusal the sender can act on; anything else (internal, database) is a bug.
pub fn clean_refusal(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation { .. }
            | AppError::Conflict { .. }
            | AppError::NotFound { .. }
            | AppError::BadSignature { .. }
    )
}

pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(300)
}

/// What a property's pushes came to.
#[derive(Debug, Default)]
pub struct Tally {
    pub applied: Cell<usize>,
    pub kept: Cell<usize>,
    pub repeats: Cell<usize>,
    pub refused: Cell<usize>,
}

impl Tally {
    fn add(counter: &Cell<usize>) {
        counter.set(counter.get() + 1);
    }

    pub fn stored(&self) -> usize {
        self.applied.get() + self.kept.get()
    }
}

/// Runs `cases()` pushes: `push` sends one (to the system `target` names) and says what
/// it came to; a refusal must be clean and change nothing stored, and each answer may
/// change only what it says. Prints the tally under `name`.
pub fn run<S, T, F>(bench: &Bench, name: &str, strategy: S, target: T, push: F) -> Tally
where
    S: Strategy,
    S::Value: Debug,
    T: Fn(&S::Value) -> Target,
    F: Fn(S::Value) -> Result<Pushed, AppError>,
{
    let mut runner = TestRunner::new(crate::json::config(cases()));
    let tally = Tally::default();
    let result = runner.run(&strategy, |case| {
        let target = target(&case);
        let before = bench.snapshot(target);
        let result = push(case);
        let after = bench.snapshot(target);
        let what = target.holds;
        match result {
            Err(e) => {
                Tally::add(&tally.refused);
                prop_assert!(clean_refusal(&e), "{what:?}: {e:?}");
                let changed = after.changed(&before, false);
                prop_assert!(
                    changed.is_empty(),
                    "a refused push ({e}) changed {changed:?}"
                );
            }
            Ok(Pushed::Repeat) => {
                Tally::add(&tally.repeats);
                let changed = after.changed(&before, false);
                prop_assert!(changed.is_empty(), "a repeat changed {changed:?}");
            }
            Ok(Pushed::KeptOne) => {
                Tally::add(&tally.kept);
                let changed = after.changed(&before, true);
                prop_assert!(
                    changed.is_empty(),
                    "an event kept for later changed {changed:?}"
                );
                prop_assert_eq!(after.inbox_len, (before.inbox_len + 1).min(1000));
                // The table dump sees what the lists see.
                let tables = after.changed(&before, false);
                prop_assert_eq!(tables, vec!["inbox".to_owned(), "table:inbox".to_owned()]);
            }
            Ok(Pushed::KeptUnapplied) => {
                Tally::add(&tally.kept);
                let changed = after.changed(&before, true);
                prop_assert!(changed.is_empty(), "an unapplied event changed {changed:?}");
                prop_assert!(after.inbox_len >= before.inbox_len);
            }
            Ok(Pushed::Applied) => Tally::add(&tally.applied),
        }
        Ok::<(), TestCaseError>(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    eprintln!(
        "{name}: {} pushes: {} stored ({} applied, {} kept in the inbox only), {} repeats, {} refused",
        cases(),
        tally.stored(),
        tally.applied.get(),
        tally.kept.get(),
        tally.repeats.get(),
        tally.refused.get()
    );
    tally
}
