//! Pushes signed as their senders sign them: Standard Webhooks and `sha256=` webhooks,
//! Temu's encrypted pushes (built as `temu::webhook::build` does, but around any decrypted
//! text, not only JSON) and 易理货's form callbacks with their `Sign`.

use storelink_connectors::signature::{sign_sha256_hex, sign_standard, SHA256_HEADERS};
use storelink_connectors::temu::webhook::{
    self, Layout, Signed, APP_KEY_HEADER, EVENT_CODE_HEADER, EXT_PARAM_HEADER, SIGNATURE_HEADER,
    TIMESTAMP_HEADER, VARIANTS,
};
use storelink_connectors::ylh::{sign, SignCase};
use storelink_simulators::ylh::encode_form;
use uuid::Uuid;

pub const WHSEC: &str = "whsec_c3RvcmVsaW5rLWZ1enotd2ViaG9vay1rZXktMDE=";
pub const HEX_SECRET: &str = "storelink-fuzz-sha256-secret";
pub const TEMU_APP_KEY: &str = "4ebbc9190ae410443d65b4c2faca0042";
pub const TEMU_OTHER_APP_KEY: &str = "0000c9190ae410443d65b4c2faca0042";
pub const TEMU_SECRET: &str = "c7e0a1a63542be4de3cb5488f9fba8149e8f0042";
pub const YLH_APP_KEY: &str = "storelink-ylh-app";
pub const YLH_SECRET: &str = "ylh-callback-secret";

pub type Headers = Vec<(String, String)>;

/// Standard Webhooks headers signing `body` now.
pub fn standard_headers(body: &[u8]) -> Headers {
    let id = format!("msg_{}", Uuid::now_v7().simple());
    let now = chrono::Utc::now().timestamp();
    let sig = sign_standard(WHSEC, &id, now, body).expect("a usable secret");
    vec![
        ("webhook-id".into(), id),
        ("webhook-timestamp".into(), now.to_string()),
        ("webhook-signature".into(), sig),
    ]
}

/// How a `sha256=` sender writes its header.
#[derive(Debug, Clone)]
pub struct Sha256Style {
    /// Which of the accepted header names.
    pub name: usize,
    /// `SHA256=` rather than `sha256=`.
    pub upper_prefix: bool,
    /// Upper-case hex.
    pub upper_hex: bool,
    /// An `x-event-id` (or `x-webhook-id`) header, which names the event.
    pub event_id: Option<(bool, String)>,
}

/// The `sha256=` header (and event id header) signing `body`.
pub fn sha256_headers(body: &[u8], style: &Sha256Style) -> Headers {
    let signed = sign_sha256_hex(HEX_SECRET, body);
    let hex = &signed["sha256=".len()..];
    let prefix = if style.upper_prefix {
        "SHA256="
    } else {
        "sha256="
    };
    let hex = if style.upper_hex {
        hex.to_ascii_uppercase()
    } else {
        hex.to_owned()
    };
    let name = SHA256_HEADERS[style.name % SHA256_HEADERS.len()];
    let mut headers = vec![(name.to_owned(), format!("{prefix}{hex}"))];
    if let Some((webhook_id, id)) = &style.event_id {
        let name = if *webhook_id {
            "x-webhook-id"
        } else {
            "x-event-id"
        };
        headers.push((name.into(), id.clone()));
    }
    headers
}

/// `text` with the character at `at` replaced by a printable ASCII one that is neither it
/// nor it in another letter case (hex and `sha256=` are read without regard to case).
pub fn other_char(text: &str, at: usize, pick: u8) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return "#".into();
    }
    let i = at % chars.len();
    let old = chars[i];
    let mut new = char::from(b'!' + pick % 94);
    if new.eq_ignore_ascii_case(&old) {
        new = if old == '#' { '$' } else { '#' };
    }
    chars
        .iter()
        .enumerate()
        .map(|(j, c)| if j == i { new } else { *c })
        .collect()
}

/// A Temu push as Temu sends it, around `data` (the decrypted text, JSON or not).
#[derive(Debug, Clone)]
pub struct TemuPush {
    pub data: String,
    pub event_code: String,
    pub timestamp: String,
    pub ext_param: Option<String>,
    pub variant: usize,
}

impl TemuPush {
    /// Headers and body: eventData encrypted with the app secret, the signature over the
    /// decrypted text (upper-case hex in the Java tool's layout).
    pub fn build(&self) -> (Headers, Vec<u8>) {
        let variant = VARIANTS[self.variant % VARIANTS.len()];
        let fields = Signed {
            app_key: TEMU_APP_KEY,
            event_code: &self.event_code,
            timestamp: &self.timestamp,
            ext_param: self.ext_param.as_deref(),
            event_data: &self.data,
        };
        let mut sig = webhook::signature(&fields, TEMU_SECRET, variant);
        if variant.layout == Layout::Pairs {
            sig = sig.to_ascii_uppercase();
        }
        let sealed = webhook::encrypt(&self.data, TEMU_SECRET).expect("a 40-byte secret");
        let body = serde_json::json!({ webhook::BODY_FIELD: sealed });
        let mut headers: Headers = vec![
            (APP_KEY_HEADER.into(), TEMU_APP_KEY.into()),
            (EVENT_CODE_HEADER.into(), self.event_code.clone()),
            (TIMESTAMP_HEADER.into(), self.timestamp.clone()),
            (SIGNATURE_HEADER.into(), sig),
            ("content-type".into(), "application/json".into()),
        ];
        if let Some(ext) = &self.ext_param {
            headers.push((EXT_PARAM_HEADER.into(), ext.clone()));
        }
        (headers, body.to_string().into_bytes())
    }
}

/// A callback form of `fields` and their `Sign` (made over the fields as sent, so it
/// verifies whatever they hold); `lower_sign` sends its hex in lower case.
pub fn ylh_form(fields: &[(String, String)], case: SignCase, lower_sign: bool) -> Vec<u8> {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut signed = sign(YLH_SECRET, &pairs, case);
    if lower_sign {
        signed = signed.to_ascii_lowercase();
    }
    let mut form = fields.to_vec();
    form.push(("Sign".to_owned(), signed));
    encode_form(&form).into_bytes()
}
