//! The OAuth2 password grant and the calls made with its token.
//!
//! `POST {auth_url}/oauth/token`, form-encoded `grant_type=password&username&password`,
//! `Authorization: Basic base64(client_id:client_secret)` and the `system-name` header. The
//! token (about an hour) is reused until 10 minutes before it runs out (half its life when
//! it is shorter than 20 minutes), fetched by one caller at a time. A business call refused
//! with 401 / `invalid_token` drops the token, logs in once more and repeats; refused again,
//! it is an authentication error.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;
use storelink_core::ErrorClass;

use super::wire::{self, Reply};
use crate::connector::CallError;
use crate::http;
use crate::yonyou::url_encode;

/// How early a token is renewed before it runs out.
const RENEW_BEFORE: Duration = Duration::from_secs(600);
/// The token's life when the answer does not say.
const DEFAULT_TTL: u64 = 3600;

#[derive(Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: String,
    pub username: String,
    pub password: String,
    /// The `system-name` header (`ylh-open-api`).
    pub system_name: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets never reach a log line.
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("system_name", &self.system_name)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// When a token that lives `ttl` seconds from now should be renewed.
pub(crate) fn renew_at(now: Instant, ttl: u64) -> Instant {
    let ttl = crate::http::vendor_lifetime(ttl.max(1));
    now + ttl - RENEW_BEFORE.min(ttl / 2)
}

pub(super) struct Session {
    http: reqwest::Client,
    token_url: String,
    creds: Credentials,
    /// The token and when to renew it.
    token: Mutex<Option<(String, Instant)>>,
    /// Held while logging in, so concurrent calls share one login.
    login_lock: tokio::sync::Mutex<()>,
}

impl Session {
    pub(super) fn new(http: reqwest::Client, token_url: String, creds: Credentials) -> Self {
        Session {
            http,
            token_url,
            creds,
            token: Mutex::new(None),
            login_lock: tokio::sync::Mutex::new(()),
        }
    }

    pub(super) fn forget(&self) {
        *lock(&self.token) = None;
    }

    /// Drops `token` if it is still the cached one (another call may have renewed it).
    fn drop_token(&self, token: &str) {
        let mut cached = lock(&self.token);
        if cached.as_ref().is_some_and(|(t, _)| t == token) {
            *cached = None;
        }
    }

    fn fresh(&self) -> Option<String> {
        lock(&self.token)
            .as_ref()
            .filter(|(_, renew)| Instant::now() < *renew)
            .map(|(t, _)| t.clone())
    }

    /// Logs in and caches the token.
    pub(super) async fn login(&self) -> Result<String, CallError> {
        let c = &self.creds;
        let form = format!(
            "grant_type=password&username={}&password={}",
            url_encode(&c.username),
            url_encode(&c.password)
        );
        let request = self
            .http
            .post(&self.token_url)
            .basic_auth(&c.client_id, Some(&c.client_secret))
            .header("system-name", &c.system_name)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form);
        let answer = http::exchange(request).await.map_err(http::transport)?;
        let status = answer.code();
        let body: Value = serde_json::from_str(&answer.text).unwrap_or(Value::Null);
        if !answer.status.is_success() {
            let said = match wire::message(&body) {
                m if m.is_empty() => http::excerpt(&answer.text, 200),
                m => m,
            };
            let class = match status {
                // Bad client, bad user or password, bad system-name: the credentials.
                400 | 401 => ErrorClass::AuthenticationError,
                other => {
                    crate::classify::classify_status(other).unwrap_or(ErrorClass::UnknownError)
                }
            };
            return Err(http::refused(
                class,
                format!(
                    "易理货 refused the token for client `{}`, user `{}`: {said}",
                    c.client_id, c.username
                ),
                status,
                answer.retry_after,
            ));
        }
        let token = body["access_token"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| http::not_json("the 易理货 token request", &answer.text, status))?;
        let ttl = body["expires_in"].as_u64().unwrap_or(DEFAULT_TTL);
        *lock(&self.token) = Some((token.to_owned(), renew_at(Instant::now(), ttl)));
        Ok(token.to_owned())
    }

    /// A fresh token: the cached one, else one login shared by every caller waiting.
    async fn token(&self) -> Result<String, CallError> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _one_login = self.login_lock.lock().await;
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        self.login().await
    }

    /// `POST url` with a JSON body and the bearer token; a refused token means one new
    /// login and one repeat. Any JSON answer comes back read (the caller checks it).
    pub(super) async fn post_json(
        &self,
        url: &str,
        body: &Value,
        what: &str,
    ) -> Result<Reply, CallError> {
        let mut refusal = String::new();
        for attempt in 0..2 {
            let token = self.token().await?;
            let request = self
                .http
                .post(url)
                .bearer_auth(&token)
                .header(reqwest::header::ACCEPT, "application/json")
                .json(body);
            let answer = http::exchange(request)
                .await
                .map_err(http::transport_with_url)?;
            let parsed: Value = serde_json::from_str(&answer.text).unwrap_or(Value::Null);
            if wire::token_refused(answer.code(), &parsed) {
                tracing::info!(what, attempt, "易理货 refused the token; logging in again");
                self.drop_token(&token);
                refusal = match wire::message(&parsed) {
                    m if m.is_empty() => http::excerpt(&answer.text, 200),
                    m => m,
                };
                continue;
            }
            return wire::read(&answer, what);
        }
        Err(CallError {
            class: ErrorClass::AuthenticationError,
            message: format!("易理货 refused a fresh token for {what}: {refusal}"),
            retry_after: None,
            status: Some(401),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_renewed_ten_minutes_early_or_at_half_life() {
        let now = Instant::now();
        assert_eq!(renew_at(now, 3600), now + Duration::from_secs(3000));
        assert_eq!(renew_at(now, 600), now + Duration::from_secs(300));
        assert_eq!(renew_at(now, 0), now + Duration::from_millis(500));
        // An absurd lifetime is believed for a day at most (instead of overflowing).
        assert_eq!(
            renew_at(now, u64::MAX),
            now + Duration::from_secs(86_400 - 600)
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials {
            client_id: "open_api_erp".into(),
            client_secret: "client-s3cret".into(),
            username: "erp".into(),
            password: "pa55word".into(),
            system_name: "ylh-open-api".into(),
        };
        let shown = format!("{c:?}");
        assert!(shown.contains("open_api_erp"));
        assert!(!shown.contains("client-s3cret") && !shown.contains("pa55word"));
    }
}
