//! The probe against real HTTP servers on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use storelink_connectors::{probe_endpoint, ProbeRequest};
use storelink_core::ErrorClass;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A one-route HTTP server: answers every request with `status` after `delay`, and keeps
/// the request heads it saw.
async fn server(status: u16, delay: Duration) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let seen = seen2.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                seen.lock()
                    .map(|mut s| s.push(String::from_utf8_lossy(&buf[..n]).into_owned()))
                    .ok();
                tokio::time::sleep(delay).await;
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/pos"), seen)
}

fn req(url: &str) -> ProbeRequest<'_> {
    ProbeRequest {
        url,
        bearer: Some("probe-token-xyz"),
        timeout: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn ok_endpoint_is_reached_with_the_credential() {
    let (url, seen) = server(200, Duration::ZERO).await;
    let out = probe_endpoint(req(&url)).await;
    assert!(out.ok(), "{out:?}");
    assert_eq!(out.http_status, Some(200));
    assert!(out.message.contains("HTTP 200"));
    let heads = seen.lock().map(|s| s.clone()).unwrap_or_default();
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
        let (url, _) = server(status, Duration::ZERO).await;
        let out = probe_endpoint(req(&url)).await;
        assert_eq!(out.error_class, Some(class), "{status}");
        assert_eq!(out.http_status, Some(status));
    }
}

#[tokio::test]
async fn slow_endpoint_times_out() {
    let (url, _) = server(200, Duration::from_secs(3)).await;
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
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let url = format!("http://{addr}/");
    let out = probe_endpoint(req(&url)).await;
    assert_eq!(out.error_class, Some(ErrorClass::NetworkError), "{out:?}");
    assert!(out.message.contains("could not connect"));
}
