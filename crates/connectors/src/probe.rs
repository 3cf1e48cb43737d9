//! The generic connection test: one real HTTP GET to the system's endpoint with a timeout,
//! timed, and classified. Vendor-specific tests (a real login plus one cheap read) replace
//! it per connector.

use std::time::{Duration, Instant};

use storelink_core::ErrorClass;

use crate::classify::{advice, classify_status, classify_transport};

#[derive(Debug, Clone)]
pub struct ProbeRequest<'a> {
    pub url: &'a str,
    /// Sent as `Authorization: Bearer …` when present.
    pub bearer: Option<&'a str>,
    pub timeout: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeOutcome {
    pub latency_ms: i64,
    pub http_status: Option<u16>,
    pub error_class: Option<ErrorClass>,
    /// What happened, in words a manager can act on. Never contains the credential.
    pub message: String,
}

impl ProbeOutcome {
    pub fn ok(&self) -> bool {
        self.error_class.is_none()
    }
}

pub async fn probe_endpoint(req: ProbeRequest<'_>) -> ProbeOutcome {
    let client = match reqwest::Client::builder()
        .timeout(req.timeout)
        .connect_timeout(req.timeout)
        .user_agent(concat!("Storelink/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            return ProbeOutcome {
                latency_ms: 0,
                http_status: None,
                error_class: Some(ErrorClass::UnknownError),
                message: format!("could not prepare the HTTP client: {e}"),
            }
        }
    };
    let mut request = client.get(req.url);
    if let Some(token) = req.bearer {
        request = request.bearer_auth(token);
    }
    let started = Instant::now();
    let result = request.send().await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match result {
        Ok(response) => {
            let status = response.status().as_u16();
            let class = classify_status(status);
            let message = match class {
                None => format!("connected: HTTP {status} in {latency_ms} ms"),
                Some(c) => format!("the endpoint answered HTTP {status}: {}", advice(c)),
            };
            ProbeOutcome {
                latency_ms,
                http_status: Some(status),
                error_class: class,
                message,
            }
        }
        Err(err) => {
            let class = classify_transport(&err);
            let what = if err.is_timeout() {
                format!("no answer within {} s", req.timeout.as_secs())
            } else if err.is_connect() {
                "could not connect".to_owned()
            } else {
                "the request failed".to_owned()
            };
            // reqwest's error text names the URL, never headers, so no credential leaks.
            tracing::info!(error = %err, "connection test failed");
            ProbeOutcome {
                latency_ms,
                http_status: None,
                error_class: Some(class),
                message: format!("{what}: {}", advice(class)),
            }
        }
    }
}
