//! The probe against real HTTP servers on 127.0.0.1.

use std::time::Duration;

use storelink_connectors::{probe_endpoint, ProbeRequest};
use storelink_core::ErrorClass;
use storelink_testkit::{closed_port_url, TestServer};

fn req(url: &str) -> ProbeRequest<'_> {
    ProbeRequest {
        url,
        bearer: Some("probe-token-xyz"),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn ok_endpoint_is_reached_with_the_credential() {
    let server = TestServer::start(200, Duration::ZERO).await;
    let url = server.url("/pos");
    let out = probe_endpoint(req(&url)).await;
    assert!(out.ok(), "{out:?}");
    assert_eq!(out.http_status, Some(200));
    assert!(out.message.contains("HTTP 200"));
    let heads = server.requests();
    assert_eq!(heads.len(), 1);
    assert!(heads[0].starts_with("GET /pos HTTP/1.1"));
    assert!(heads[0]
        .to_ascii_lowercase()
        .contains("authorization: bearer probe-token-xyz"));
    assert!(!out.message.contains("probe-token-xyz"));
}

#[tokio::test]
async fn statuses_become_classes() {
    for (status, class) in [
        (401, ErrorClass::AuthenticationError),
        (403, ErrorClass::AuthorizationError),
        (404, ErrorClass::ValidationError),
        (429, ErrorClass::RateLimitError),
        (500, ErrorClass::NetworkError),
    ] {
        let server = TestServer::start(status, Duration::ZERO).await;
        let out = probe_endpoint(req(&server.url("/"))).await;
        assert_eq!(out.error_class, Some(class), "{status}");
        assert_eq!(out.http_status, Some(status));
    }
}

#[tokio::test]
async fn slow_endpoint_times_out() {
    let server = TestServer::start(200, Duration::from_secs(3)).await;
    let url = server.url("/");
    let out = probe_endpoint(ProbeRequest {
        url: &url,
        bearer: None,
        timeout: Duration::from_millis(300),
    })
    .await;
    assert_eq!(out.error_class, Some(ErrorClass::TimeoutError), "{out:?}");
    assert_eq!(out.http_status, None);
}

#[tokio::test]
async fn closed_port_is_a_network_error() {
    let url = closed_port_url().await;
    let out = probe_endpoint(req(&url)).await;
    assert_eq!(out.error_class, Some(ErrorClass::NetworkError), "{out:?}");
    assert!(out.message.contains("could not connect"));
}
