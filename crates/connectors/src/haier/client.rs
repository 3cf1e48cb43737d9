//! One Haier call: a JSON POST with the Bearer token, its reply read by
//! [`read_reply`](super::reply::read_reply). A refused token (HTTP 401, or a token-invalid code) means one
//! new token and one repeat, then an authentication error.

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use storelink_core::ErrorClass;

use super::auth::Auth;
use super::config::HaierConfig;
use super::reply::{read_reply, Reply};
use crate::connector::CallError;
use crate::http;

pub struct Client {
    http: reqwest::Client,
    base_url: String,
    scheme: String,
    shape: super::reply::ReplyShape,
    pub auth: Auth,
}

impl Client {
    pub fn new(config: &HaierConfig) -> Result<Client, CallError> {
        let http = http::client(config.timeout)?;
        let auth = Auth::new(
            http.clone(),
            &config.token_url,
            &config.client_id,
            &config.client_secret,
        );
        Ok(Client {
            http,
            base_url: config.base_url.clone(),
            scheme: config.auth_scheme.clone(),
            shape: config.reply.clone(),
            auth,
        })
    }

    fn authorization(&self, token: &str) -> String {
        match self.scheme.is_empty() {
            true => token.to_owned(),
            false => format!("{} {token}", self.scheme),
        }
    }

    /// POSTs `body` to `path`; `what` names the call in messages.
    pub async fn call(&self, path: &str, body: &Value, what: &str) -> Result<Value, CallError> {
        let url = format!("{}{path}", self.base_url);
        let mut last = String::new();
        for _ in 0..2 {
            let token = self.auth.token().await?;
            let request = self
                .http
                .post(&url)
                .header(AUTHORIZATION, self.authorization(&token))
                .header(CONTENT_TYPE, "application/json")
                .header(ACCEPT, "application/json")
                .body(body.to_string());
            // The URL carries no secret (they travel in the body), so it may show.
            let answer = http::exchange(request)
                .await
                .map_err(http::transport_with_url)?;
            let reply = read_reply(&self.shape, answer.code(), answer.retry_after, &answer.text)
                .map_err(|mut e| {
                    e.message = format!("{what}: {}", e.message);
                    e
                })?;
            match reply {
                Reply::Data(v) => return Ok(v),
                Reply::TokenInvalid(words) => {
                    tracing::info!(what, "Haier refused the token; fetching a new one");
                    self.auth.refused(&token);
                    last = words;
                }
            }
        }
        Err(CallError {
            class: ErrorClass::AuthenticationError,
            message: format!("{what}: Haier refused a fresh token too: {last}"),
            retry_after: None,
            status: None,
        })
    }
}
