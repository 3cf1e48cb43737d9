//! Temu's webhook push: headers `x-tm-app-key`, `x-tm-event-code`, `x-tm-timestamp` (ms),
//! `x-tm-signature`, `x-tm-ext-param`; body `{"eventData":"<base64>"}`, AES-128-CBC with
//! PKCS#5 padding, key and IV both the first 16 bytes of the app secret.
//!
//! The signature is HMAC-SHA256 (key: the app secret) over the four headers and the
//! *decrypted* eventData, sorted by name. Temu's own material disagrees on the layout, so
//! every documented variant is accepted (hex compared without regard to case):
//! - [`Layout::Concatenated`] with `x-tm-ext-param`: the guide's base-string example
//!   (`eventData{…}x-tm-app-key…x-tm-ext-param{}x-tm-timestamp…`);
//! - [`Layout::Concatenated`] without it: the guide's example callback request;
//! - [`Layout::Pairs`] (`key=value&…`, blank values left out, uppercase hex): the guide's
//!   written steps and its Java tool.
//!
//! Because the signed text is the decrypted data, the check is: read `eventData` out of the
//! raw body, decrypt it, verify; nothing is kept or acted on before that passes.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use storelink_core::digest::hex_lower;
use subtle::ConstantTimeEq;

pub const APP_KEY_HEADER: &str = "x-tm-app-key";
pub const EVENT_CODE_HEADER: &str = "x-tm-event-code";
pub const TIMESTAMP_HEADER: &str = "x-tm-timestamp";
pub const SIGNATURE_HEADER: &str = "x-tm-signature";
pub const EXT_PARAM_HEADER: &str = "x-tm-ext-param";
/// The body field holding the encrypted event.
pub const BODY_FIELD: &str = "eventData";

/// How the signed fields are laid out before the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `name` + `value`, no separators.
    Concatenated,
    /// `name=value` joined by `&`.
    Pairs,
}

/// One accepted way of signing: the layout and whether `x-tm-ext-param` is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub layout: Layout,
    pub with_ext_param: bool,
}

/// Every documented variant, in the order they are tried.
pub const VARIANTS: [Variant; 4] = [
    Variant {
        layout: Layout::Concatenated,
        with_ext_param: true,
    },
    Variant {
        layout: Layout::Concatenated,
        with_ext_param: false,
    },
    Variant {
        layout: Layout::Pairs,
        with_ext_param: true,
    },
    Variant {
        layout: Layout::Pairs,
        with_ext_param: false,
    },
];

/// Why a push was refused. Never carries a secret, a MAC or event data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookError {
    MissingHeader(&'static str),
    /// The body is not `{"eventData":"…"}`.
    BadBody,
    /// eventData is not base64 AES data this app secret opens.
    Undecryptable,
    /// The app secret is shorter than the 16 bytes AES-128 needs.
    SecretTooShort,
    BadSignature,
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "the `{h}` header is missing"),
            Self::BadBody => write!(f, "the body is not {{\"eventData\": \"<base64>\"}}"),
            Self::Undecryptable => {
                write!(f, "eventData cannot be decrypted with this app's secret")
            }
            Self::SecretTooShort => write!(f, "the saved app_secret is shorter than 16 bytes"),
            Self::BadSignature => write!(f, "x-tm-signature does not match the event"),
        }
    }
}

impl std::error::Error for WebhookError {}

/// The signed fields of one push; `event_data` is the decrypted text.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    pub app_key: &'a str,
    pub event_code: &'a str,
    pub timestamp: &'a str,
    pub ext_param: Option<&'a str>,
    pub event_data: &'a str,
}

/// The lowercase hex HMAC of `fields` laid out as `variant` says.
pub fn signature(fields: &Signed<'_>, app_secret: &str, variant: Variant) -> String {
    // Already in name order: eventData < x-tm-app-key < x-tm-event-code < x-tm-ext-param < x-tm-timestamp.
    let ext = fields.ext_param.filter(|_| variant.with_ext_param);
    let parts = [
        (BODY_FIELD, Some(fields.event_data)),
        (APP_KEY_HEADER, Some(fields.app_key)),
        (EVENT_CODE_HEADER, Some(fields.event_code)),
        (EXT_PARAM_HEADER, ext),
        (TIMESTAMP_HEADER, Some(fields.timestamp)),
    ];
    let present = parts
        .iter()
        .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (*k, v)));
    let text = match variant.layout {
        Layout::Concatenated => present.map(|(k, v)| format!("{k}{v}")).collect::<String>(),
        Layout::Pairs => present
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
    };
    // HMAC takes keys of any length (long keys are hashed), so this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(text.as_bytes());
    hex_lower(&mac.finalize().into_bytes())
}

/// The variant `given` matches, compared in constant time and without regard to case.
pub fn verify(fields: &Signed<'_>, app_secret: &str, given: &str) -> Result<Variant, WebhookError> {
    let given = given.trim().to_ascii_lowercase();
    VARIANTS
        .into_iter()
        .find(|v| {
            let expected = signature(fields, app_secret, *v);
            expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
        })
        .ok_or(WebhookError::BadSignature)
}

type Key = [u8; 16];

fn key_of(app_secret: &str) -> Result<Key, WebhookError> {
    app_secret
        .as_bytes()
        .get(..16)
        .and_then(|k| Key::try_from(k).ok())
        .ok_or(WebhookError::SecretTooShort)
}

/// eventData → the event's JSON text.
pub fn decrypt(event_data: &str, app_secret: &str) -> Result<String, WebhookError> {
    let key = key_of(app_secret)?;
    let bytes = STANDARD
        .decode(event_data.trim())
        .map_err(|_| WebhookError::Undecryptable)?;
    let plain = cbc::Decryptor::<aes::Aes128>::new(&key.into(), &key.into())
        .decrypt_padded_vec_mut::<Pkcs7>(&bytes)
        .map_err(|_| WebhookError::Undecryptable)?;
    String::from_utf8(plain).map_err(|_| WebhookError::Undecryptable)
}

/// The event's JSON text → eventData, as Temu sends it (for tests and demos).
pub fn encrypt(event: &str, app_secret: &str) -> Result<String, WebhookError> {
    let key = key_of(app_secret)?;
    let sealed = cbc::Encryptor::<aes::Aes128>::new(&key.into(), &key.into())
        .encrypt_padded_vec_mut::<Pkcs7>(event.as_bytes());
    Ok(STANDARD.encode(sealed))
}

/// A push that passed the check.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub app_key: String,
    pub event_code: String,
    pub timestamp_ms: String,
    /// The decrypted event as received (JSON text).
    pub data: String,
    pub variant: Variant,
}

/// Checks a push from its raw body and a header lookup: eventData decrypted with the app
/// secret, then the signature verified; only then is anything else read.
pub fn open(
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
    app_secret: &str,
) -> Result<Opened, WebhookError> {
    let need = |name: &'static str| {
        header(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or(WebhookError::MissingHeader(name))
    };
    let given = need(SIGNATURE_HEADER)?;
    let app_key = need(APP_KEY_HEADER)?;
    let event_code = need(EVENT_CODE_HEADER)?;
    let timestamp_ms = need(TIMESTAMP_HEADER)?;
    let ext_param = header(EXT_PARAM_HEADER);
    let sealed = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get(BODY_FIELD).and_then(Value::as_str).map(str::to_owned))
        .ok_or(WebhookError::BadBody)?;
    let data = decrypt(&sealed, app_secret)?;
    let fields = Signed {
        app_key: &app_key,
        event_code: &event_code,
        timestamp: &timestamp_ms,
        ext_param: ext_param.as_deref(),
        event_data: &data,
    };
    let variant = verify(&fields, app_secret, &given)?;
    Ok(Opened {
        app_key,
        event_code,
        timestamp_ms,
        data,
        variant,
    })
}

/// A push as Temu sends it: headers and body, for tests and demos.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Builds a signed, encrypted push of `event` (its JSON text is what gets signed).
pub fn build(
    app_key: &str,
    app_secret: &str,
    event_code: &str,
    timestamp_ms: i64,
    event: &Value,
    variant: Variant,
) -> Result<Push, WebhookError> {
    let data = event.to_string();
    let timestamp = timestamp_ms.to_string();
    let fields = Signed {
        app_key,
        event_code,
        timestamp: &timestamp,
        ext_param: Some("{}"),
        event_data: &data,
    };
    let mut sig = signature(&fields, app_secret, variant);
    if variant.layout == Layout::Pairs {
        // The Java tool prints uppercase hex.
        sig = sig.to_ascii_uppercase();
    }
    let body = serde_json::json!({ BODY_FIELD: encrypt(&data, app_secret)? });
    Ok(Push {
        headers: vec![
            (APP_KEY_HEADER.into(), app_key.into()),
            (EVENT_CODE_HEADER.into(), event_code.into()),
            (TIMESTAMP_HEADER.into(), timestamp),
            (SIGNATURE_HEADER.into(), sig),
            (EXT_PARAM_HEADER.into(), "{}".into()),
            ("content-type".into(), "application/json".into()),
        ],
        body: body.to_string().into_bytes(),
    })
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;
