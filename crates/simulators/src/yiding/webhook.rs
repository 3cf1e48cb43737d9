//! Seed 002's webhooks as the platform would send them: `{"event","data"}` signed with
//! Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`)
//! or GitHub-style `x-signature-256: sha256=<hex>` (with the event id in `x-event-id`),
//! whichever the system's `config.webhook_signature` expects. Written here from the
//! VENDORS.md rules, independently of the receiving side, so each checks the other.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookScheme {
    StandardWebhooks,
    Sha256,
}

/// A webhook ready to send: its raw body and headers (lower-case names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedWebhook {
    pub event_id: String,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl SignedWebhook {
    /// The same request with one body byte changed after signing (what a forger sends).
    pub fn tampered(&self) -> SignedWebhook {
        let mut copy = self.clone();
        // The digit of the guest count: still valid JSON, no longer what was signed.
        if let Some(i) = copy
            .body
            .windows(17)
            .position(|w| w == b"\"customer_count\":")
            .map(|p| p + 17)
            .filter(|&p| copy.body.get(p).is_some_and(u8::is_ascii_digit))
        {
            copy.body[i] = if copy.body[i] == b'9' {
                b'1'
            } else {
                copy.body[i] + 1
            };
        } else if let Some(last) = copy.body.last_mut() {
            *last ^= 1;
        }
        copy
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the base64 secret
/// after its `whsec_` prefix; `None` if the secret is not base64.
pub fn sign_standard(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .ok()?;
    let mut mac = HmacSha256::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// `sha256=<lower-case hex HMAC-SHA256 of the body>`, keyed by the secret's bytes.
pub fn sign_sha256(secret: &str, body: &[u8]) -> String {
    let mut mac = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        // HMAC takes a key of any length; this arm is never taken.
        Err(_) => return String::new(),
    };
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

pub(crate) fn build(
    event: &str,
    data: Value,
    scheme: WebhookScheme,
    secret: &str,
    timestamp: i64,
) -> Option<SignedWebhook> {
    let event_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
    let body = serde_json::to_vec(&json!({"event": event, "data": data})).ok()?;
    let json = ("content-type".to_owned(), "application/json".to_owned());
    let headers = match scheme {
        WebhookScheme::StandardWebhooks => vec![
            json,
            ("webhook-id".to_owned(), event_id.clone()),
            ("webhook-timestamp".to_owned(), timestamp.to_string()),
            (
                "webhook-signature".to_owned(),
                sign_standard(secret, &event_id, timestamp, &body)?,
            ),
        ],
        WebhookScheme::Sha256 => vec![
            json,
            ("x-event-id".to_owned(), event_id.clone()),
            ("x-signature-256".to_owned(), sign_sha256(secret, &body)),
        ],
    };
    Some(SignedWebhook {
        event_id,
        body,
        headers,
    })
}
