//! Conflicts end to end against the custom ERP simulator: a customer edited here while the
//! ERP changed it too, under each strategy of seed 004 §7.3, and a person resolving the
//! `manual` ones. The simulator's own record shows what reached the ERP.

mod common;

use std::collections::BTreeMap;

use common::{host, Host};
use serde_json::{json, Value};
use storelink_core::conflict::{ConflictChoice, ConflictSide};
use storelink_core::system::{ExternalSystem, NewSystem};
use storelink_core::{AppError, PageRequest};
use storelink_simulators::erp::{ErpSim, ErpSimConfig};

struct Erp {
    host: Host,
    sim: ErpSim,
    system: ExternalSystem,
    customer: String,
}

const LOCAL_NAME: &str = "本店改过的名字";

async fn erp(strategy: &str) -> Erp {
    let host = host().await;
    let sim = ErpSim::start(ErpSimConfig {
        records: 20,
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let input: NewSystem = serde_json::from_value(json!({
        "name": format!("ERP {strategy}"),
        "type": "erp",
        "provider": "custom",
        "api_endpoint": sim.base_url(),
        "config": {"username": "storelink", "password": "erp-pass", "page_size": 100,
                   "rate_limit_per_second": 1000, "conflict_strategy": strategy},
    }))
    .expect("input");
    let system = host
        .services
        .create_system(&host.admin, input)
        .await
        .expect("system");
    let customer = sim.customer_ids()[0].clone();
    let erp = Erp {
        host,
        sim,
        system,
        customer,
    };
    erp.sync().await;
    erp
}

impl Erp {
    async fn sync(&self) {
        self.host
            .services
            .run_sync(
                &self.host.admin,
                &self.system.id.to_string(),
                "customers",
                "incremental",
            )
            .await
            .expect("sync");
    }

    async fn edit_here(&self, name: &str) {
        self.host
            .services
            .update_erp_customer(
                &self.host.admin,
                &self.system.id.to_string(),
                &self.customer,
                &json!({"name": name}),
            )
            .await
            .expect("local edit");
    }

    fn edit_at_erp(&self) {
        self.sim
            .touch("customers", std::slice::from_ref(&self.customer));
    }

    fn erp_name(&self) -> String {
        self.sim
            .record("customers", &self.customer)
            .expect("record")["name"]
            .as_str()
            .expect("name")
            .to_owned()
    }

    async fn local(&self) -> Value {
        self.host
            .services
            .get_erp_record(
                &self.host.admin,
                &self.system.id.to_string(),
                "customers",
                &self.customer,
            )
            .await
            .expect("stored customer")
    }

    async fn outbox(&self) -> Vec<String> {
        let page = self
            .host
            .services
            .list_outbox(
                &self.host.admin,
                Some(&self.system.id.to_string()),
                None,
                &PageRequest::default(),
            )
            .await
            .expect("outbox");
        page.items
            .into_iter()
            .rev()
            .map(|e| e.status.as_str().to_owned())
            .collect()
    }

    async fn send(&self) -> storelink_engine::outbox::DispatchReport {
        self.host
            .services
            .dispatch_outbox(&self.host.admin)
            .await
            .expect("dispatch")
    }

    async fn open_conflicts(&self) -> Vec<storelink_core::conflict::Conflict> {
        self.host
            .services
            .list_conflicts(
                &self.host.admin,
                None,
                Some("open"),
                &PageRequest::default(),
            )
            .await
            .expect("conflicts")
            .items
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_here_alone_reaches_the_erp_and_no_conflict_arises() {
    let e = erp("manual").await;
    e.edit_here(LOCAL_NAME).await;
    // The ERP did not change the customer: a sync keeps the local edit.
    e.sync().await;
    assert_eq!(e.local().await["name"], LOCAL_NAME);
    assert!(e.open_conflicts().await.is_empty());
    assert_eq!(e.send().await.delivered, 1);
    assert_eq!(e.erp_name(), LOCAL_NAME);
    // The ERP's new version (our edit, with its new version number) comes back as an update.
    e.sync().await;
    assert_eq!(e.local().await["name"], LOCAL_NAME);
    assert_eq!(e.outbox().await, ["done"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_wins_takes_the_erp_version_and_cancels_the_unsent_edit() {
    let e = erp("source_wins").await;
    e.edit_here(LOCAL_NAME).await;
    e.edit_at_erp();
    let erp_name = e.erp_name();
    e.sync().await;
    assert_eq!(e.local().await["name"], erp_name.as_str());
    assert_eq!(e.outbox().await, ["cancelled"]);
    assert_eq!(e.send().await.delivered, 0);
    assert_eq!(e.erp_name(), erp_name);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_wins_keeps_the_local_edit_and_sends_it() {
    let e = erp("target_wins").await;
    e.edit_here(LOCAL_NAME).await;
    e.edit_at_erp();
    e.sync().await;
    assert_eq!(e.local().await["name"], LOCAL_NAME);
    assert_eq!(e.send().await.delivered, 1);
    assert_eq!(e.erp_name(), LOCAL_NAME);
    // Re-reading the ERP's version that lost changes nothing here.
    e.sync().await;
    assert_eq!(e.local().await["name"], LOCAL_NAME);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_wins_compares_the_change_times() {
    // The ERP changed the customer after us: its version wins.
    let e = erp("latest_wins").await;
    e.edit_here(LOCAL_NAME).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    e.edit_at_erp();
    let erp_name = e.erp_name();
    e.sync().await;
    assert_eq!(e.local().await["name"], erp_name.as_str());
    assert_eq!(e.outbox().await, ["cancelled"]);

    // We changed it after the ERP: ours wins and is sent.
    e.edit_at_erp();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    e.edit_here(LOCAL_NAME).await;
    e.sync().await;
    assert_eq!(e.local().await["name"], LOCAL_NAME);
    assert_eq!(e.send().await.delivered, 1);
    assert_eq!(e.erp_name(), LOCAL_NAME);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_parks_one_conflict_and_holds_the_edit_until_a_person_keeps_it() {
    let e = erp("manual").await;
    e.edit_here(LOCAL_NAME).await;
    e.edit_at_erp();
    let erp_name = e.erp_name();
    e.sync().await;
    e.sync().await;
    let open = e.open_conflicts().await;
    assert_eq!(
        open.len(),
        1,
        "one conflict however often the sync re-reads it"
    );
    let conflict = &open[0];
    assert_eq!(conflict.record_key, format!("customers:{}", e.customer));
    assert!(conflict.fields.iter().any(|f| f.path == "name"
        && f.local == Some(json!(LOCAL_NAME))
        && f.remote == Some(json!(erp_name))));
    // Nothing changes on either side while it waits.
    assert_eq!(e.local().await["name"], LOCAL_NAME);
    assert_eq!(e.send().await.delivered, 0);
    assert_eq!(e.erp_name(), erp_name);

    let resolved = e
        .host
        .services
        .resolve_conflict(
            &e.host.admin,
            &conflict.id.to_string(),
            &ConflictChoice::KeepLocal,
        )
        .await
        .expect("resolve");
    assert_eq!(resolved.resolved_by.as_deref(), Some("admin"));
    let again = e
        .host
        .services
        .resolve_conflict(
            &e.host.admin,
            &conflict.id.to_string(),
            &ConflictChoice::TakeRemote,
        )
        .await;
    assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");
    assert_eq!(e.send().await.delivered, 1);
    assert_eq!(e.erp_name(), LOCAL_NAME);
    assert_eq!(e.outbox().await, ["cancelled", "done"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_per_field_choice_merges_both_versions() {
    let e = erp("manual").await;
    e.host
        .services
        .update_erp_customer(
            &e.host.admin,
            &e.system.id.to_string(),
            &e.customer,
            &json!({"name": LOCAL_NAME, "code": "LOCAL-CODE"}),
        )
        .await
        .expect("local edit");
    e.edit_at_erp();
    let erp_name = e.erp_name();
    e.sync().await;
    let conflict = e.open_conflicts().await.remove(0);
    // Every differing field needs a choice: naming only one is refused, naming them all works.
    let partial = ConflictChoice::PerField {
        fields: BTreeMap::from([("name".to_owned(), ConflictSide::Remote)]),
    };
    let refused = e
        .host
        .services
        .resolve_conflict(&e.host.admin, &conflict.id.to_string(), &partial)
        .await;
    assert!(
        matches!(refused, Err(AppError::Validation { .. })),
        "{refused:?}"
    );
    let fields = conflict
        .fields
        .iter()
        .map(|f| {
            let side = if f.path == "code" {
                ConflictSide::Local
            } else {
                ConflictSide::Remote
            };
            (f.path.clone(), side)
        })
        .collect();
    e.host
        .services
        .resolve_conflict(
            &e.host.admin,
            &conflict.id.to_string(),
            &ConflictChoice::PerField { fields },
        )
        .await
        .expect("resolve");
    let local = e.local().await;
    assert_eq!(local["name"], erp_name.as_str());
    assert_eq!(local["code"], "LOCAL-CODE");
    assert_eq!(e.send().await.delivered, 1);
    let at_erp = e.sim.record("customers", &e.customer).expect("record");
    assert_eq!(at_erp["name"], erp_name.as_str());
    assert_eq!(at_erp["code"], "LOCAL-CODE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_managers_resolve_and_edits_are_checked() {
    let e = erp("manual").await;
    let floor = common::user(&e.host, "floor", storelink_core::Role::FloorManager).await;
    let refused = e
        .host
        .services
        .update_erp_customer(
            &floor,
            &e.system.id.to_string(),
            &e.customer,
            &json!({"name": "x"}),
        )
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
    let bad = e
        .host
        .services
        .update_erp_customer(
            &e.host.admin,
            &e.system.id.to_string(),
            &e.customer,
            &json!({"externalId": "C9"}),
        )
        .await;
    assert!(matches!(bad, Err(AppError::Validation { .. })), "{bad:?}");
    let missing = e
        .host
        .services
        .update_erp_customer(
            &e.host.admin,
            &e.system.id.to_string(),
            "NO-SUCH",
            &json!({"name": "x"}),
        )
        .await;
    assert!(
        matches!(missing, Err(AppError::NotFound { .. })),
        "{missing:?}"
    );
    assert!(e.outbox().await.is_empty());
}
