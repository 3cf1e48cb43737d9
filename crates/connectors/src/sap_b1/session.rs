//! The Service Layer session: `POST Login` gives the `B1SESSION` and `ROUTEID` cookies
//! (ROUTEID pins a load-balanced call to the node holding the session), sent back on every
//! call. A 401 with code 301 means the session is gone: log in again, repeat once.

use std::time::Instant;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use storelink_core::ErrorClass;

use super::wire::{self, call_error, decimals_as_strings, INVALID_SESSION};
use super::SapB1;
use crate::connector::CallError;
use crate::http;

#[derive(Debug, Clone)]
pub(super) struct Session {
    /// `B1SESSION=...; ROUTEID=...`
    pub cookie: String,
    /// The session idles out after this long without a call (`SessionTimeout`, minutes).
    pub timeout: std::time::Duration,
    pub last_used: Instant,
}

/// One answer: status, body (decimals as text, `null` when empty) and headers.
pub(super) struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

/// The `name=value` part of the `B1SESSION` and `ROUTEID` cookies.
fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    let mut parts = Vec::new();
    for v in headers.get_all(reqwest::header::SET_COOKIE) {
        let Ok(text) = v.to_str() else { continue };
        let pair = text.split(';').next().unwrap_or_default().trim();
        if pair.starts_with("B1SESSION=") || pair.starts_with("ROUTEID=") {
            parts.push(pair.to_owned());
        }
    }
    parts.sort_unstable();
    parts
        .iter()
        .any(|p| p.starts_with("B1SESSION="))
        .then(|| parts.join("; "))
}

impl SapB1 {
    pub(super) fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            return path.to_owned();
        }
        let base = self.config.base_url.trim_end_matches('/');
        // A link absolute on the host (`/b1s/v1/Items?...`) keeps the base's origin.
        if let Some(rest) = path.strip_prefix('/') {
            let origin_end = base
                .find("://")
                .and_then(|i| base[i + 3..].find('/').map(|j| i + 3 + j))
                .unwrap_or(base.len());
            return format!("{}/{rest}", &base[..origin_end]);
        }
        format!("{base}/{path}")
    }

    fn cached(&self) -> Option<String> {
        let guard = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            // An idle session is renewed before use rather than refused mid-sync.
            .filter(|s| s.last_used.elapsed() + s.timeout / 10 < s.timeout)
            .map(|s| s.cookie.clone())
    }

    fn touch_session(&self, cookie: &str) {
        let mut guard = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(s) = guard.as_mut().filter(|s| s.cookie == cookie) {
            s.last_used = Instant::now();
        }
    }

    /// Forgets the session, unless another call already replaced it.
    pub(super) fn forget(&self, cookie: Option<&str>) {
        let mut guard = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cookie.is_none() || guard.as_ref().map(|s| s.cookie.as_str()) == cookie {
            *guard = None;
        }
    }

    pub(super) async fn login(&self) -> Result<String, CallError> {
        let body = json!({
            "CompanyDB": self.config.company_db,
            "UserName": self.config.username,
            "Password": self.config.password,
        });
        let request = self.http.post(self.url("Login")).json(&body);
        // Without the URL: query strings stay out of the log.
        let answer = http::exchange(request).await.map_err(http::transport)?;
        let (status, text) = (answer.status, &answer.text);
        let cookie = session_cookie(&answer.headers);
        if !status.is_success() {
            let mut err = call_error(status.as_u16(), text, answer.retry_after);
            err.message = format!(
                "login to company `{}` refused: {}",
                self.config.company_db, err.message
            );
            return Err(err);
        }
        let v: Value = serde_json::from_str(text).map_err(|_| {
            CallError::new(ErrorClass::ValidationError, "the Login answer is not JSON")
        })?;
        // ROUTEID comes only as a cookie; B1SESSION also as `SessionId` in the body.
        let cookie = cookie
            .or_else(|| v["SessionId"].as_str().map(|s| format!("B1SESSION={s}")))
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    "the Login answer has no session",
                )
            })?;
        let minutes = v["SessionTimeout"].as_u64().unwrap_or(30).max(1);
        let timeout = crate::http::vendor_lifetime(minutes.saturating_mul(60));
        let mut guard = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = Some(Session {
            cookie: cookie.clone(),
            timeout,
            last_used: Instant::now(),
        });
        drop(guard);
        self.logins
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(cookie)
    }

    /// The session in force, logging in (once, whoever asks first) when there is none.
    async fn session(&self) -> Result<String, CallError> {
        if let Some(c) = self.cached() {
            return Ok(c);
        }
        let _one_login = self.login_lock.lock().await;
        match self.cached() {
            Some(c) => Ok(c),
            None => self.login().await,
        }
    }

    /// One call in the session. `body` is JSON text (see `wire::to_json_text`).
    pub(super) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, String)],
    ) -> Result<Answer, CallError> {
        for attempt in 0..2 {
            let cookie = self.session().await?;
            let mut request = self
                .http
                .request(method.clone(), self.url(path))
                .header(reqwest::header::COOKIE, &cookie);
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            if let Some(b) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.to_owned());
            }
            let answer = http::exchange(request).await.map_err(http::transport)?;
            let (status, text) = (answer.status, &answer.text);
            if status == StatusCode::UNAUTHORIZED {
                let code = wire::vendor_error(text).map(|(c, _)| c);
                // 301 (or no code at all): the session expired; anything else is final.
                if attempt == 0 && matches!(code, Some(INVALID_SESSION) | None) {
                    self.forget(Some(&cookie));
                    continue;
                }
                let mut err = call_error(401, text, None);
                err.message = format!(
                    "the Service Layer refused a fresh session: {}; check the user and password",
                    err.message
                );
                return Err(err);
            }
            if !status.is_success() {
                return Err(call_error(status.as_u16(), text, answer.retry_after));
            }
            self.touch_session(&cookie);
            let body = if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&decimals_as_strings(text)).map_err(|_| {
                    let what = format!("{method} {}", path.split('?').next().unwrap_or_default());
                    http::not_json(&what, text, status.as_u16())
                })?
            };
            return Ok(Answer { status, body });
        }
        Err(CallError::new(
            ErrorClass::AuthenticationError,
            "the Service Layer refused the session twice; check the user and password",
        ))
    }

    /// Ends the session on the server (best effort: it would time out anyway).
    pub async fn logout(&self) {
        let cookie = self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .map(|s| s.cookie);
        if let Some(cookie) = cookie {
            let _ = self
                .http
                .post(self.url("Logout"))
                .header(reqwest::header::COOKIE, cookie)
                .send()
                .await;
        }
    }
}
