//! A system whose connector logs in is tested by that connector: a real login plus one
//! cheap read against the simulator, with latency and the error class recorded.

mod common;

use common::host;
use serde_json::json;
use storelink_core::error::ErrorClass;
use storelink_core::system::{NewSystem, SystemStatus};
use storelink_simulators::erp::{ErpSim, ErpSimConfig};

async fn tested(password: &str) -> (ErpSim, storelink_core::system::ConnectionTestResult) {
    let h = host().await;
    let sim = ErpSim::start(ErpSimConfig {
        records: 5,
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let input: NewSystem = serde_json::from_value(json!({
        "name": "ERP under test", "type": "erp", "provider": "custom",
        "api_endpoint": sim.base_url(),
        "config": {"username": "storelink", "password": password},
    }))
    .expect("input");
    let system = h
        .services
        .create_system(&h.admin, input)
        .await
        .expect("system");
    let result = h
        .services
        .test_system(&h.admin, &system.id.to_string())
        .await
        .expect("test");
    (sim, result)
}

#[tokio::test]
async fn the_connector_logs_in_and_reads_once() {
    let (sim, result) = tested("erp-pass").await;
    assert!(result.ok, "{result:?}");
    assert_eq!(result.status, SystemStatus::Active);
    assert!(result.latency_ms.is_some());
    let stats = sim.stats();
    assert_eq!(stats.logins, 1, "{stats:?}");
    assert!(
        stats
            .requests
            .keys()
            .any(|r| r.starts_with("GET /customers")),
        "{stats:?}"
    );
}

#[tokio::test]
async fn a_wrong_password_is_an_authentication_error_without_the_secret() {
    let (sim, result) = tested("not-the-password").await;
    assert!(!result.ok);
    assert_eq!(result.status, SystemStatus::Error);
    assert_eq!(result.error_class, Some(ErrorClass::AuthenticationError));
    assert!(
        !result.message.contains("not-the-password"),
        "{}",
        result.message
    );
    assert_eq!(sim.stats().failed_logins, 1);
}
