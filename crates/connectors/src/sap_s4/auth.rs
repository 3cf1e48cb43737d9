//! Who the calls are made as, and the CSRF token writes need. Basic sends the
//! communication user on every call; OAuth2 fetches a client-credentials token, renews it
//! before it runs out and once more when a call is refused 401. Writes carry the CSRF token
//! and session cookies fetched from the service root (`X-CSRF-Token: Fetch`); a 403 with
//! `x-csrf-token: Required` fetches a new pair and repeats the write once.

use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use storelink_core::ErrorClass;

use super::wire::call_error;
use super::SapS4;
use crate::connector::CallError;
use crate::http;

/// How the connector authenticates (`config.auth`).
#[derive(Clone)]
pub enum Auth {
    Basic {
        username: String,
        password: String,
    },
    OAuth2 {
        client_id: String,
        client_secret: String,
        /// Default `{host}/sap/bc/sec/oauth2/token`.
        token_url: Option<String>,
    },
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log line.
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .finish_non_exhaustive(),
            Auth::OAuth2 {
                client_id,
                token_url,
                ..
            } => f
                .debug_struct("OAuth2")
                .field("client_id", client_id)
                .field("token_url", token_url)
                .finish_non_exhaustive(),
        }
    }
}

/// A CSRF token and the session cookies it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Csrf {
    pub token: String,
    pub cookie: String,
}

/// One answer: status, headers and body (decimals as text, `null` when empty).
pub(super) struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Every `name=value` pair the answer set as a cookie.
fn cookies(headers: &HeaderMap) -> String {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::trim)
        .filter(|p| p.contains('='))
        .collect::<Vec<_>>()
        .join("; ")
}

fn csrf_required(headers: &HeaderMap) -> bool {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("required"))
}

impl SapS4 {
    /// `{host}{path}`; a link with an origin keeps only its path, so credentials never go
    /// to a host other than the configured one.
    pub(super) fn url(&self, path: &str) -> String {
        let base = self.config.base_url.trim_end_matches('/');
        let path = match path.find("://") {
            Some(i) => path[i + 3..].find('/').map_or("/", |j| &path[i + 3 + j..]),
            None => path,
        };
        format!("{base}/{}", path.trim_start_matches('/'))
    }

    fn is_oauth(&self) -> bool {
        matches!(self.config.auth, Auth::OAuth2 { .. })
    }

    /// Forgets the token and the CSRF pair, so the next call authenticates afresh.
    pub(super) fn forget(&self) {
        *lock(&self.token) = None;
        *lock(&self.csrf) = None;
    }

    /// The `Authorization` header value, fetching an OAuth2 token when none is fresh.
    pub(super) async fn authorization(&self) -> Result<String, CallError> {
        let (client_id, client_secret, token_url) = match &self.config.auth {
            Auth::Basic { username, password } => {
                let pair = format!("{username}:{password}");
                let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
                return Ok(format!("Basic {encoded}"));
            }
            Auth::OAuth2 {
                client_id,
                client_secret,
                token_url,
            } => (client_id, client_secret, token_url),
        };
        let fresh = || {
            lock(&self.token)
                .as_ref()
                .filter(|(_, until)| Instant::now() < *until)
                .map(|(t, _)| format!("Bearer {t}"))
        };
        if let Some(t) = fresh() {
            return Ok(t);
        }
        let _one_fetch = self.auth_lock.lock().await;
        if let Some(t) = fresh() {
            return Ok(t);
        }
        let url = token_url
            .clone()
            .unwrap_or_else(|| self.url("/sap/bc/sec/oauth2/token"));
        let form = format!(
            "grant_type=client_credentials&client_id={}",
            crate::sap_b1::wire::encode(client_id)
        );
        let request = self
            .http
            .post(url)
            .basic_auth(client_id, Some(client_secret))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json")
            .body(form);
        let answer = http::exchange(request).await.map_err(http::transport)?;
        if !answer.status.is_success() {
            let status = answer.code();
            let mut err = call_error(status, &answer.text, answer.retry_after);
            if matches!(status, 400 | 401) {
                err.class = ErrorClass::AuthenticationError;
            }
            err.message = format!(
                "the OAuth2 token for client `{client_id}` was refused: {}",
                err.message
            );
            return Err(err);
        }
        let v = answer.json("the OAuth2 token request")?;
        let token = v["access_token"].as_str().ok_or_else(|| {
            CallError::new(
                ErrorClass::ValidationError,
                "the token answer has no access_token",
            )
        })?;
        let ttl = crate::http::vendor_lifetime(v["expires_in"].as_u64().unwrap_or(3600));
        // Renewed a little early, so a call never leaves with a token about to lapse.
        let margin = if ttl.as_secs() > 120 { 60 } else { 0 };
        let until = Instant::now() + ttl - Duration::from_secs(margin);
        *lock(&self.token) = Some((token.to_owned(), until));
        self.token_fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(format!("Bearer {token}"))
    }

    /// Sends a request made by `build`, renewing an OAuth2 token refused 401 once.
    async fn send(
        &self,
        method: &Method,
        url: &str,
        build: impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<http::Answer, CallError> {
        for attempt in 0..2 {
            let auth = self.authorization().await?;
            let request = self
                .http
                .request(method.clone(), url)
                .header(AUTHORIZATION, &auth)
                .header(ACCEPT, "application/json");
            let answer = http::exchange(build(request))
                .await
                .map_err(http::transport)?;
            if answer.status != StatusCode::UNAUTHORIZED {
                return Ok(answer);
            }
            if attempt == 0 && self.is_oauth() {
                let mut token = lock(&self.token);
                if token
                    .as_ref()
                    .is_some_and(|(t, _)| auth.ends_with(t.as_str()))
                {
                    *token = None;
                }
                continue;
            }
            let mut err = call_error(401, &answer.text, None);
            err.message = format!(
                "S/4HANA refused the credentials: {}; check the communication user or client",
                err.message
            );
            return Err(err);
        }
        Err(CallError::new(
            ErrorClass::AuthenticationError,
            "S/4HANA refused a fresh token; check the OAuth2 client",
        ))
    }

    /// The CSRF pair in force for writes, fetched from `service`'s root when there is none.
    async fn csrf_pair(&self, service: &str) -> Result<Csrf, CallError> {
        if let Some(c) = lock(&self.csrf).clone() {
            return Ok(c);
        }
        let url = self.url(&format!("/sap/opu/odata/sap/{service}/"));
        let answer = self
            .send(&Method::GET, &url, |r| r.header("X-CSRF-Token", "Fetch"))
            .await?;
        if !answer.status.is_success() {
            return Err(call_error(answer.code(), &answer.text, answer.retry_after));
        }
        let token = answer
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("required"))
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::AuthorizationError,
                    "S/4HANA gave no CSRF token; the user may lack write access",
                )
            })?;
        let pair = Csrf {
            token: token.to_owned(),
            cookie: cookies(&answer.headers),
        };
        *lock(&self.csrf) = Some(pair.clone());
        self.csrf_fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(pair)
    }

    /// One call. Writes (anything but GET) go with the CSRF pair of `path`'s service.
    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, String)],
    ) -> Result<Answer, CallError> {
        let write = method != Method::GET;
        let service = path
            .trim_start_matches("/sap/opu/odata/sap/")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let url = self.url(path);
        for attempt in 0..2 {
            let csrf = match write {
                true => Some(self.csrf_pair(&service).await?),
                false => None,
            };
            let build = |mut r: reqwest::RequestBuilder| {
                for (name, value) in headers {
                    r = r.header(*name, value);
                }
                if let Some(c) = &csrf {
                    r = r.header("X-CSRF-Token", &c.token);
                    if !c.cookie.is_empty() {
                        r = r.header(COOKIE, &c.cookie);
                    }
                }
                if let Some(b) = body {
                    r = r
                        .header(CONTENT_TYPE, "application/json")
                        .body(b.to_string());
                }
                r
            };
            let answer = self.send(&method, &url, build).await?;
            if write && answer.status == StatusCode::FORBIDDEN && csrf_required(&answer.headers) {
                let mut cached = lock(&self.csrf);
                if *cached == csrf {
                    *cached = None;
                }
                drop(cached);
                if attempt == 0 {
                    continue;
                }
            }
            if !answer.status.is_success() {
                return Err(call_error(answer.code(), &answer.text, answer.retry_after));
            }
            let body = if answer.text.trim().is_empty() {
                Value::Null
            } else {
                let text = crate::sap_b1::wire::decimals_as_strings(&answer.text);
                serde_json::from_str(&text).map_err(|_| {
                    let what = format!("{method} {}", path.split('?').next().unwrap_or_default());
                    http::not_json(&what, &answer.text, answer.code())
                })?
            };
            return Ok(Answer {
                status: answer.status,
                body,
            });
        }
        Err(CallError::new(
            ErrorClass::AuthorizationError,
            "S/4HANA refused a fresh CSRF token",
        ))
    }
}
