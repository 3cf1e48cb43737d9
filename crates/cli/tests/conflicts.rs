//! `storelink conflicts list|resolve` as a real process: a customer edited here and at the
//! ERP (the simulator) is parked under `manual`, listed with its differing fields, resolved
//! from the terminal, and the kept change reaches the ERP with `storelink outbox send`.

use std::path::Path;

use serde_json::{json, Value};
use storelink_core::Actor;
use storelink_service::Services;
use storelink_simulators::erp::{ErpSim, ErpSimConfig};
use tokio::process::Command;

async fn storelink(dir: &Path, args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_storelink"))
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .output()
        .await
        .expect("run");
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        value,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_conflict_is_listed_and_resolved_from_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let sim = ErpSim::start(ErpSimConfig {
        records: 10,
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let config = json!({"username": "storelink", "password": "erp-pass",
        "conflict_strategy": "manual", "rate_limit_per_second": 1000})
    .to_string();
    let (ok, system, err) = storelink(
        d,
        &[
            "systems",
            "add",
            "--name",
            "ERP",
            "--type",
            "erp",
            "--provider",
            "custom",
            "--api-endpoint",
            &sim.base_url(),
            "--config",
            &config,
        ],
    )
    .await;
    assert!(ok, "{err}");
    let system_id = system["id"].as_str().expect("id").to_owned();
    let (ok, _, err) = storelink(d, &["sync", "run", &system_id, "--stream", "customers"]).await;
    assert!(ok, "{err}");

    let customer = sim.customer_ids()[0].clone();
    {
        // The edit a person makes in the app, through the same core.
        let services = Services::open(d).await.expect("services");
        services
            .update_erp_customer(
                &Actor::local_cli(),
                &system_id,
                &customer,
                &json!({"name": "门店改名"}),
            )
            .await
            .expect("edit");
    }
    sim.touch("customers", std::slice::from_ref(&customer));
    let erp_name = sim.record("customers", &customer).expect("record")["name"].clone();
    let (ok, _, err) = storelink(d, &["sync", "run", &system_id, "--stream", "customers"]).await;
    assert!(ok, "{err}");

    let (ok, list, err) = storelink(d, &["conflicts", "list"]).await;
    assert!(ok, "{err}");
    let conflicts = list.as_array().expect("list");
    assert_eq!(conflicts.len(), 1, "{list}");
    let id = conflicts[0]["id"].as_str().expect("id").to_owned();
    let name = conflicts[0]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["path"] == "name")
        .expect("name differs")
        .clone();
    assert_eq!(
        (name["local"].clone(), name["remote"].clone()),
        (json!("门店改名"), erp_name)
    );

    let (ok, _, err) = storelink(d, &["conflicts", "resolve", &id, "--keep", "mine"]).await;
    assert!(!ok && err.contains("neither local nor remote"), "{err}");
    let (ok, resolved, err) = storelink(d, &["conflicts", "resolve", &id, "--keep", "local"]).await;
    assert!(ok, "{err}");
    assert_eq!(resolved["status"], "resolved");
    let (ok, open, _) = storelink(d, &["conflicts", "list"]).await;
    assert!(ok && open.as_array().is_some_and(Vec::is_empty), "{open}");

    let (ok, report, err) = storelink(d, &["outbox", "send"]).await;
    assert!(ok, "{err}");
    assert_eq!(report["delivered"], 1, "{report}");
    assert_eq!(
        sim.record("customers", &customer).expect("record")["name"],
        "门店改名"
    );
}
