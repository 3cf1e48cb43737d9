//! OAuth2 client credentials: `POST {token_url}` with the JSON body `{client_id,
//! client_secret, grant_type: "client_credentials"}`. The token is kept until shortly
//! before it runs out and shared by every call of the connector; when several calls find
//! none at once, one of them fetches it and the others wait for that one.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{json, Value};
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;
use crate::yonyou::{code_text, number};

/// Lifetime assumed when the answer gives none (`expires_in` is not recorded).
const DEFAULT_TTL_SECS: i64 = 3600;
/// A token is renewed this long before it runs out.
const RENEW_EARLY_SECS: i64 = 60;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long a token of `ttl` seconds is used: 60 s less, or half of a short one.
pub fn usable_for(ttl_secs: i64) -> Duration {
    let ttl = ttl_secs.max(1);
    let keep = if ttl > 2 * RENEW_EARLY_SECS {
        ttl - RENEW_EARLY_SECS
    } else {
        ttl / 2
    };
    crate::http::vendor_lifetime(keep.max(0).unsigned_abs())
}

/// The token and its lifetime in a token answer: `access_token` (or `token`, top level or
/// under `data`, as the transcribed client accepts) and `expires_in` seconds.
pub fn read_token(v: &Value) -> Option<(String, i64)> {
    let places = [v, &v["data"]];
    let token = places.iter().find_map(|p| {
        ["access_token", "token"]
            .iter()
            .find_map(|k| p[*k].as_str().filter(|t| !t.trim().is_empty()))
    })?;
    let ttl = places
        .iter()
        .find_map(|p| number(&p["expires_in"]))
        .unwrap_or(DEFAULT_TTL_SECS);
    Some((token.trim().to_owned(), ttl))
}

/// The vendor's words in a refused token answer (OAuth2 `error_description`/`error`, or an
/// envelope `message`/`msg`), never the request.
fn refusal_words(v: &Value) -> Option<String> {
    ["error_description", "error", "message", "msg"]
        .iter()
        .find_map(|k| v[*k].as_str().filter(|s| !s.is_empty()))
        .map(str::to_owned)
}

pub struct Auth {
    http: reqwest::Client,
    token_url: String,
    client_id: String,
    client_secret: String,
    current: Mutex<Option<(String, Instant)>>,
    /// Held while a token is fetched, so concurrent calls fetch one between them.
    fetching: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
}

impl Auth {
    pub fn new(http: reqwest::Client, token_url: &str, client_id: &str, secret: &str) -> Auth {
        Auth {
            http,
            token_url: token_url.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: secret.to_owned(),
            current: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
        }
    }

    /// Tokens fetched so far.
    pub fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn fresh(&self) -> Option<String> {
        lock(&self.current)
            .as_ref()
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(t, _)| t.clone())
    }

    /// Drops every cached token (test_connection checks the credentials for real).
    pub fn forget(&self) {
        *lock(&self.current) = None;
    }

    /// Drops `refused` if it is still the cached one (another call may have renewed it).
    pub fn refused(&self, refused: &str) {
        let mut current = lock(&self.current);
        if current.as_ref().is_some_and(|(t, _)| t == refused) {
            *current = None;
        }
    }

    /// The cached token, or a new one.
    pub async fn token(&self) -> Result<String, CallError> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _one_fetch = self.fetching.lock().await;
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let (token, ttl) = self.fetch().await?;
        *lock(&self.current) = Some((token.clone(), Instant::now() + usable_for(ttl)));
        self.fetches.fetch_add(1, Ordering::Relaxed);
        Ok(token)
    }

    async fn fetch(&self) -> Result<(String, i64), CallError> {
        let body = json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": "client_credentials",
        });
        let request = self
            .http
            .post(&self.token_url)
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(body.to_string());
        let answer = http::exchange(request)
            .await
            .map_err(http::transport_with_url)?;
        let status = answer.code();
        let parsed: Option<Value> = serde_json::from_str(&answer.text).ok();
        let words = parsed
            .as_ref()
            .and_then(refusal_words)
            .unwrap_or_else(|| http::excerpt(&answer.text, 200));
        let refused = |class: ErrorClass| {
            http::refused(
                class,
                format!(
                    "Haier refused a token for client `{}`: {words}",
                    self.client_id
                ),
                status,
                answer.retry_after,
            )
        };
        if let Some(class) = classify_status(status) {
            // A refused client is a credentials problem whatever status the gateway picks.
            return Err(refused(match status {
                400 | 401 | 403 => ErrorClass::AuthenticationError,
                _ => class,
            }));
        }
        let v = parsed
            .ok_or_else(|| http::not_json("the Haier token request", &answer.text, status))?;
        if let Some(found) = read_token(&v) {
            return Ok(found);
        }
        // A 200 envelope saying no (`success:false` or an error code) is a refusal too.
        let said_no = v["success"].as_bool() == Some(false)
            || code_text(&v["code"]).is_some_and(|c| c != "200" && c != "0");
        Err(if said_no {
            refused(ErrorClass::AuthenticationError)
        } else {
            http::refused(
                ErrorClass::ValidationError,
                "the Haier token answer carries no access_token".to_owned(),
                status,
                None,
            )
        })
    }
}
