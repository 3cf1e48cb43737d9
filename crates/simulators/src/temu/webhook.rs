//! The push Temu sends to a subscribed app: `x-tm-*` headers and `{"eventData": base64}`,
//! the event AES-128-CBC/PKCS#5 encrypted with key = IV = the first 16 bytes of the app
//! secret, signed with HMAC-SHA256 (app secret) over the headers and the plain event,
//! sorted by name. Temu's guide shows two layouts of the signed text; both can be sent.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// How the signed text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookLayout {
    /// The guide's base-string example: `eventData{…}x-tm-app-key…x-tm-ext-param{}x-tm-timestamp…`,
    /// lowercase hex.
    DocExample,
    /// The guide's Java tool: `eventData={…}&x-tm-app-key=…`, uppercase hex.
    JavaPairs,
}

/// A push: headers (lower-case names) and the body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemuPush {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl TemuPush {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub(crate) fn encrypt(plain: &str, secret: &str) -> String {
    let mut key = [0u8; 16];
    for (k, b) in key.iter_mut().zip(secret.as_bytes()) {
        *k = *b;
    }
    let sealed = cbc::Encryptor::<aes::Aes128>::new(&key.into(), &key.into())
        .encrypt_padded_vec_mut::<Pkcs7>(plain.as_bytes());
    STANDARD.encode(sealed)
}

fn hmac_hex(secret: &str, text: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(text.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A signed, encrypted push of `event` stamped now.
pub(crate) fn push(
    app_key: &str,
    app_secret: &str,
    event_code: &str,
    event: &Value,
    layout: WebhookLayout,
) -> TemuPush {
    let now = chrono::Utc::now().timestamp_millis();
    push_at(
        app_key,
        app_secret,
        event_code,
        &event.to_string(),
        layout,
        now,
    )
}

/// A push of the event text `data` stamped `timestamp_ms`.
pub(crate) fn push_at(
    app_key: &str,
    app_secret: &str,
    event_code: &str,
    data: &str,
    layout: WebhookLayout,
    timestamp_ms: i64,
) -> TemuPush {
    let timestamp = timestamp_ms.to_string();
    let ext = "{}";
    let fields = [
        ("eventData", data),
        ("x-tm-app-key", app_key),
        ("x-tm-event-code", event_code),
        ("x-tm-ext-param", ext),
        ("x-tm-timestamp", timestamp.as_str()),
    ];
    let signature = match layout {
        WebhookLayout::DocExample => hmac_hex(
            app_secret,
            &fields
                .iter()
                .map(|(k, v)| format!("{k}{v}"))
                .collect::<String>(),
        ),
        WebhookLayout::JavaPairs => hmac_hex(
            app_secret,
            &fields
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
        )
        .to_ascii_uppercase(),
    };
    let body = serde_json::json!({"eventData": encrypt(data, app_secret)});
    TemuPush {
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("x-tm-app-key".into(), app_key.into()),
            ("x-tm-event-code".into(), event_code.into()),
            ("x-tm-timestamp".into(), timestamp),
            ("x-tm-signature".into(), signature),
            ("x-tm-ext-param".into(), ext.into()),
        ],
        body: body.to_string().into_bytes(),
    }
}
