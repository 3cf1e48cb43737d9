//! Inbound webhook signature checks, done on the raw body bytes before anything parses them.
//!
//! Two schemes (see VENDORS.md "Webhook signature schemes"):
//! - Standard Webhooks (Svix and others): `webhook-id`, `webhook-timestamp`, `webhook-signature`,
//!   HMAC-SHA256 over `{id}.{timestamp}.{body}` keyed by the base64-decoded `whsec_` secret.
//! - `sha256=<hex>` (GitHub style): HMAC-SHA256 over the body keyed by the secret's UTF-8 bytes.
//!
//! Several secrets may be passed at once so a secret can be rotated without dropping deliveries.

use std::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use storelink_core::digest::hex_lower;
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// Largest accepted distance between the sender's timestamp and our clock, either direction.
pub const TOLERANCE_SECS: i64 = 300;

/// Header carrying the `sha256=` signature; the others in [`SHA256_HEADERS`] are accepted too.
pub const SHA256_HEADER: &str = "x-signature-256";

/// Header names accepted for the `sha256=` scheme, in lookup order.
pub const SHA256_HEADERS: [&str; 3] = [SHA256_HEADER, "x-hub-signature-256", "x-signature"];

/// Standard Webhooks header names.
pub const WEBHOOK_ID_HEADER: &str = "webhook-id";
pub const WEBHOOK_TIMESTAMP_HEADER: &str = "webhook-timestamp";
pub const WEBHOOK_SIGNATURE_HEADER: &str = "webhook-signature";

const WHSEC_PREFIX: &str = "whsec_";
const SHA256_PREFIX: &str = "sha256=";

/// Senders differ on base64 padding, so decoding accepts it present or absent.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Signature scheme configured for a webhook source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    StandardWebhooks,
    Sha256Hex,
}

impl Scheme {
    /// Parses the configuration value: `"standard_webhooks"` or `"sha256"`.
    pub fn parse(s: &str) -> Option<Scheme> {
        match s {
            "standard_webhooks" => Some(Scheme::StandardWebhooks),
            "sha256" => Some(Scheme::Sha256Hex),
            _ => None,
        }
    }

    /// The configuration value, the inverse of [`Scheme::parse`].
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::StandardWebhooks => "standard_webhooks",
            Scheme::Sha256Hex => "sha256",
        }
    }
}

/// What was verified: the sender's event id if the scheme carries one (Standard Webhooks'
/// `webhook-id`), and the timestamp if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub event_id: Option<String>,
    pub timestamp: Option<i64>,
}

/// Why a request was rejected. Never carries a secret or a MAC, so it is safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// A required header is absent (lowercase name).
    MissingHeader(&'static str),
    /// A header is present but cannot be parsed (lowercase name).
    BadHeader(&'static str),
    /// The sender's timestamp is more than [`TOLERANCE_SECS`] away from `now`.
    TimestampOutOfTolerance { timestamp: i64, now: i64 },
    /// The header parsed but no signature matches any secret.
    NoMatch,
    /// No secret is configured for the source.
    NoSecret,
    /// A configured secret is unusable (empty, or not base64 for Standard Webhooks).
    BadSecret,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureError::MissingHeader(name) => write!(f, "missing header {name}"),
            SignatureError::BadHeader(name) => write!(f, "malformed header {name}"),
            SignatureError::TimestampOutOfTolerance { timestamp, now } => write!(
                f,
                "signature timestamp {timestamp} is more than {TOLERANCE_SECS} s away from now ({now})"
            ),
            SignatureError::NoMatch => f.write_str("signature does not match"),
            SignatureError::NoSecret => f.write_str("no webhook secret configured"),
            SignatureError::BadSecret => f.write_str("webhook secret is malformed"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Verifies a request against any of `secrets`.
///
/// `headers` looks a header up by its lowercase name, so this module does not depend on any
/// HTTP crate. `body` must be the raw bytes as received.
pub fn verify(
    scheme: Scheme,
    secrets: &[&str],
    headers: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
    now_unix: i64,
) -> Result<Verified, SignatureError> {
    // A missing secret is a configuration problem; report it before judging the request.
    if secrets.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    match scheme {
        Scheme::StandardWebhooks => verify_standard(secrets, headers, body, now_unix),
        Scheme::Sha256Hex => verify_sha256_hex(secrets, headers, body),
    }
}

/// Signs like a Standard Webhooks sender; returns the `webhook-signature` value `v1,<base64>`.
pub fn sign_standard(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SignatureError> {
    let key = decode_standard_secret(secret)?;
    let mac = standard_mac(&key, msg_id, timestamp, body);
    Ok(format!("v1,{}", STANDARD.encode(mac)))
}

/// Signs like a GitHub-style sender; returns the header value `sha256=<lowercase hex>`.
pub fn sign_sha256_hex(secret: &str, body: &[u8]) -> String {
    let mac = hmac_sha256(secret.as_bytes(), &[body]);
    format!("{SHA256_PREFIX}{}", hex_lower(&mac))
}

fn verify_standard(
    secrets: &[&str],
    headers: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
    now_unix: i64,
) -> Result<Verified, SignatureError> {
    // Decode every secret first so a broken one is reported even when another would match.
    let keys = secrets
        .iter()
        .map(|s| decode_standard_secret(s))
        .collect::<Result<Vec<_>, _>>()?;

    let msg_id = required(headers, WEBHOOK_ID_HEADER)?;
    let timestamp_raw = required(headers, WEBHOOK_TIMESTAMP_HEADER)?;
    let signature_raw = required(headers, WEBHOOK_SIGNATURE_HEADER)?;
    if msg_id.is_empty() {
        return Err(SignatureError::BadHeader(WEBHOOK_ID_HEADER));
    }
    let timestamp: i64 = timestamp_raw
        .parse()
        .map_err(|_| SignatureError::BadHeader(WEBHOOK_TIMESTAMP_HEADER))?;
    check_tolerance(timestamp, now_unix)?;

    // Entries are "version,mac"; a header with no such entry at all is malformed.
    let entries: Vec<(&str, &str)> = signature_raw
        .split_whitespace()
        .filter_map(|entry| entry.split_once(','))
        .collect();
    if entries.is_empty() {
        return Err(SignatureError::BadHeader(WEBHOOK_SIGNATURE_HEADER));
    }
    // Other versions (e.g. asymmetric "v1a") are not ours to check; undecodable MACs cannot match.
    let candidates: Vec<Vec<u8>> = entries
        .iter()
        .filter(|(version, _)| *version == "v1")
        .filter_map(|(_, mac)| LENIENT_BASE64.decode(mac).ok())
        .collect();

    let matched = keys.iter().any(|key| {
        let expected = standard_mac(key, &msg_id, timestamp, body);
        candidates.iter().any(|c| ct_eq(&expected, c))
    });
    if matched {
        Ok(Verified {
            event_id: Some(msg_id),
            timestamp: Some(timestamp),
        })
    } else {
        Err(SignatureError::NoMatch)
    }
}

fn verify_sha256_hex(
    secrets: &[&str],
    headers: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<Verified, SignatureError> {
    if secrets.iter().any(|s| s.is_empty()) {
        return Err(SignatureError::BadSecret);
    }
    let (name, value) = SHA256_HEADERS
        .iter()
        .find_map(|name| headers(name).map(|v| (*name, v)))
        .ok_or(SignatureError::MissingHeader(SHA256_HEADER))?;
    let value = value.trim();
    let hex = value
        .get(..SHA256_PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(SHA256_PREFIX))
        .and_then(|_| value.get(SHA256_PREFIX.len()..))
        .ok_or(SignatureError::BadHeader(name))?;
    let provided = hex_decode(hex).ok_or(SignatureError::BadHeader(name))?;

    // A wrong-length MAC simply fails the comparison: NoMatch.
    let matched = secrets
        .iter()
        .any(|secret| ct_eq(&hmac_sha256(secret.as_bytes(), &[body]), &provided));
    if matched {
        Ok(Verified {
            event_id: None,
            timestamp: None,
        })
    } else {
        Err(SignatureError::NoMatch)
    }
}

fn required(
    headers: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<String, SignatureError> {
    headers(name)
        .map(|v| v.trim().to_owned())
        .ok_or(SignatureError::MissingHeader(name))
}

fn check_tolerance(timestamp: i64, now: i64) -> Result<(), SignatureError> {
    // unsigned_abs of a checked difference: no overflow on absurd timestamps.
    let within = now
        .checked_sub(timestamp)
        .is_some_and(|d| d.unsigned_abs() <= TOLERANCE_SECS.unsigned_abs());
    if within {
        Ok(())
    } else {
        Err(SignatureError::TimestampOutOfTolerance { timestamp, now })
    }
}

fn decode_standard_secret(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let secret = secret.trim();
    let encoded = secret.strip_prefix(WHSEC_PREFIX).unwrap_or(secret);
    let key = LENIENT_BASE64
        .decode(encoded)
        .map_err(|_| SignatureError::BadSecret)?;
    // An empty key would make every signature forgeable.
    if key.is_empty() {
        return Err(SignatureError::BadSecret);
    }
    Ok(key)
}

fn standard_mac(key: &[u8], msg_id: &str, timestamp: i64, body: &[u8]) -> [u8; 32] {
    // The timestamp is re-rendered from the parsed integer, as the reference libraries do.
    let ts = timestamp.to_string();
    hmac_sha256(key, &[msg_id.as_bytes(), b".", ts.as_bytes(), b".", body])
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length (long keys are hashed), so this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    // subtle returns false for different lengths; the length itself is not secret.
    bool::from(a.ct_eq(b))
}

/// Decodes upper- or lowercase hex; None if odd length or a non-hex character.
fn hex_decode(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some((nibble(pair[0])? << 4) | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const SW_TS: i64 = 1_614_265_330;
    const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SW_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    const GH_SECRET: &str = "It's a Secret to Everybody";
    const GH_BODY: &[u8] = b"Hello, World!";
    const GH_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    // A second, unrelated Standard Webhooks secret for rotation tests.
    const SW_SECRET_NEW: &str = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name: &str| map.get(name).cloned()
    }

    fn sw_headers(sig: &str, ts: i64) -> impl Fn(&str) -> Option<String> {
        let ts = ts.to_string();
        lookup(&[
            ("webhook-id", SW_ID),
            ("webhook-timestamp", ts.as_str()),
            ("webhook-signature", sig),
        ])
    }

    fn verify_sw(
        secrets: &[&str],
        sig: &str,
        ts: i64,
        body: &[u8],
        now: i64,
    ) -> Result<Verified, SignatureError> {
        verify(
            Scheme::StandardWebhooks,
            secrets,
            &sw_headers(sig, ts),
            body,
            now,
        )
    }

    /// Flips one bit inside the base64 MAC of a "v1,<base64>" value.
    fn flip_mac_byte(sig: &str) -> String {
        let b64 = sig.strip_prefix("v1,").expect("v1 prefix");
        let mut mac = STANDARD.decode(b64).expect("base64 mac");
        mac[5] ^= 0x01;
        format!("v1,{}", STANDARD.encode(mac))
    }

    #[test]
    fn scheme_parse_round_trips() {
        for scheme in [Scheme::StandardWebhooks, Scheme::Sha256Hex] {
            assert_eq!(Scheme::parse(scheme.as_str()), Some(scheme));
        }
        assert_eq!(
            Scheme::parse("standard_webhooks"),
            Some(Scheme::StandardWebhooks)
        );
        assert_eq!(Scheme::parse("sha256"), Some(Scheme::Sha256Hex));
        assert_eq!(Scheme::parse("stripe"), None);
    }

    #[test]
    fn standard_published_vector_signs() {
        let sig = sign_standard(SW_SECRET, SW_ID, SW_TS, SW_BODY).expect("sign");
        assert_eq!(sig, SW_SIG);
    }

    #[test]
    fn standard_published_vector_verifies() {
        let v = verify_sw(&[SW_SECRET], SW_SIG, SW_TS, SW_BODY, SW_TS).expect("verify");
        assert_eq!(
            v,
            Verified {
                event_id: Some(SW_ID.to_owned()),
                timestamp: Some(SW_TS)
            }
        );
    }

    #[test]
    fn standard_secret_without_prefix_works() {
        let bare = SW_SECRET.strip_prefix("whsec_").expect("prefix");
        assert_eq!(
            sign_standard(bare, SW_ID, SW_TS, SW_BODY).expect("sign"),
            SW_SIG
        );
        assert!(verify_sw(&[bare], SW_SIG, SW_TS, SW_BODY, SW_TS).is_ok());
    }

    #[test]
    fn standard_tampered_body_fails() {
        let body = br#"{"test": 2432232315}"#;
        assert_eq!(
            verify_sw(&[SW_SECRET], SW_SIG, SW_TS, body, SW_TS),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn standard_flipped_mac_byte_fails() {
        let bad = flip_mac_byte(SW_SIG);
        assert_ne!(bad, SW_SIG);
        assert_eq!(
            verify_sw(&[SW_SECRET], &bad, SW_TS, SW_BODY, SW_TS),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn standard_tampered_id_fails() {
        let headers = lookup(&[
            ("webhook-id", "msg_other"),
            ("webhook-timestamp", "1614265330"),
            ("webhook-signature", SW_SIG),
        ]);
        assert_eq!(
            verify(
                Scheme::StandardWebhooks,
                &[SW_SECRET],
                &headers,
                SW_BODY,
                SW_TS
            ),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn standard_timestamp_tolerance() {
        // Signature stays valid for the timestamp sent; only our clock moves.
        let ok = |now: i64| verify_sw(&[SW_SECRET], SW_SIG, SW_TS, SW_BODY, now);
        assert!(ok(SW_TS + 299).is_ok(), "299 s old passes");
        assert!(ok(SW_TS - 299).is_ok(), "299 s in the future passes");
        assert!(ok(SW_TS + 300).is_ok(), "exactly the tolerance passes");
        assert_eq!(
            ok(SW_TS + 301),
            Err(SignatureError::TimestampOutOfTolerance {
                timestamp: SW_TS,
                now: SW_TS + 301
            }),
            "301 s old fails"
        );
        assert_eq!(
            ok(SW_TS - 301),
            Err(SignatureError::TimestampOutOfTolerance {
                timestamp: SW_TS,
                now: SW_TS - 301
            }),
            "301 s in the future fails"
        );
    }

    #[test]
    fn standard_timestamp_tolerance_with_fresh_signatures() {
        let now = 1_700_000_000;
        for (ts, ok) in [
            (now - 299, true),
            (now - 301, false),
            (now + 299, true),
            (now + 301, false),
        ] {
            let sig = sign_standard(SW_SECRET, SW_ID, ts, SW_BODY).expect("sign");
            assert_eq!(
                verify_sw(&[SW_SECRET], &sig, ts, SW_BODY, now).is_ok(),
                ok,
                "ts offset {}",
                ts - now
            );
        }
    }

    #[test]
    fn standard_extreme_timestamp_does_not_overflow() {
        let headers = lookup(&[
            ("webhook-id", SW_ID),
            ("webhook-timestamp", "-9223372036854775808"),
            ("webhook-signature", SW_SIG),
        ]);
        assert!(matches!(
            verify(
                Scheme::StandardWebhooks,
                &[SW_SECRET],
                &headers,
                SW_BODY,
                i64::MAX
            ),
            Err(SignatureError::TimestampOutOfTolerance { .. })
        ));
    }

    #[test]
    fn standard_rotation_either_secret_passes() {
        let secrets = [SW_SECRET, SW_SECRET_NEW];
        let old_sig = sign_standard(SW_SECRET, SW_ID, SW_TS, SW_BODY).expect("sign old");
        let new_sig = sign_standard(SW_SECRET_NEW, SW_ID, SW_TS, SW_BODY).expect("sign new");
        assert_ne!(old_sig, new_sig);
        assert!(verify_sw(&secrets, &old_sig, SW_TS, SW_BODY, SW_TS).is_ok());
        assert!(verify_sw(&secrets, &new_sig, SW_TS, SW_BODY, SW_TS).is_ok());
        // The new signature alone does not pass with only the old secret.
        assert_eq!(
            verify_sw(&[SW_SECRET], &new_sig, SW_TS, SW_BODY, SW_TS),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn standard_rotation_second_entry_matches() {
        let wrong = sign_standard(SW_SECRET_NEW, SW_ID, SW_TS, SW_BODY).expect("sign");
        let header = format!("{wrong} {SW_SIG}");
        assert!(verify_sw(&[SW_SECRET], &header, SW_TS, SW_BODY, SW_TS).is_ok());
    }

    #[test]
    fn standard_other_versions_are_ignored() {
        let header = format!("v1a,{} {SW_SIG}", &SW_SIG[3..]);
        assert!(verify_sw(&[SW_SECRET], &header, SW_TS, SW_BODY, SW_TS).is_ok());
        // The correct MAC under another version label does not count.
        let relabelled = format!("v2,{}", &SW_SIG[3..]);
        assert_eq!(
            verify_sw(&[SW_SECRET], &relabelled, SW_TS, SW_BODY, SW_TS),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn standard_missing_headers_are_named() {
        let ts = SW_TS.to_string();
        let all = [
            ("webhook-id", SW_ID),
            ("webhook-timestamp", ts.as_str()),
            ("webhook-signature", SW_SIG),
        ];
        for skip in 0..all.len() {
            let pairs: Vec<(&str, &str)> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, p)| *p)
                .collect();
            let result = verify(
                Scheme::StandardWebhooks,
                &[SW_SECRET],
                &lookup(&pairs),
                SW_BODY,
                SW_TS,
            );
            assert_eq!(result, Err(SignatureError::MissingHeader(all[skip].0)));
        }
    }

    #[test]
    fn standard_garbage_headers_are_rejected() {
        for garbage in [
            "",
            "garbage",
            "v1,",
            "v1,!!!notbase64!!!",
            "v1,AAAA",
            "sha256=abcd",
        ] {
            let result = verify_sw(&[SW_SECRET], garbage, SW_TS, SW_BODY, SW_TS);
            assert!(
                matches!(
                    result,
                    Err(SignatureError::BadHeader("webhook-signature"))
                        | Err(SignatureError::NoMatch)
                ),
                "{garbage:?} gave {result:?}"
            );
        }
        let headers = lookup(&[
            ("webhook-id", SW_ID),
            ("webhook-timestamp", "yesterday"),
            ("webhook-signature", SW_SIG),
        ]);
        assert_eq!(
            verify(
                Scheme::StandardWebhooks,
                &[SW_SECRET],
                &headers,
                SW_BODY,
                SW_TS
            ),
            Err(SignatureError::BadHeader("webhook-timestamp"))
        );
    }

    #[test]
    fn standard_bad_secret() {
        assert_eq!(
            sign_standard("whsec_not base64!", SW_ID, SW_TS, SW_BODY),
            Err(SignatureError::BadSecret)
        );
        assert_eq!(
            sign_standard("whsec_", SW_ID, SW_TS, SW_BODY),
            Err(SignatureError::BadSecret)
        );
        assert_eq!(
            verify_sw(&["whsec_%%%"], SW_SIG, SW_TS, SW_BODY, SW_TS),
            Err(SignatureError::BadSecret)
        );
    }

    #[test]
    fn empty_secret_list_is_no_secret() {
        assert_eq!(
            verify_sw(&[], SW_SIG, SW_TS, SW_BODY, SW_TS),
            Err(SignatureError::NoSecret)
        );
        let headers = lookup(&[(SHA256_HEADER, GH_SIG)]);
        assert_eq!(
            verify(Scheme::Sha256Hex, &[], &headers, GH_BODY, 0),
            Err(SignatureError::NoSecret)
        );
    }

    #[test]
    fn sha256_published_vector_signs() {
        assert_eq!(sign_sha256_hex(GH_SECRET, GH_BODY), GH_SIG);
    }

    #[test]
    fn sha256_published_vector_verifies_on_all_header_names() {
        for name in SHA256_HEADERS {
            let headers = lookup(&[(name, GH_SIG)]);
            let v = verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0).expect(name);
            assert_eq!(
                v,
                Verified {
                    event_id: None,
                    timestamp: None
                }
            );
        }
    }

    #[test]
    fn sha256_uppercase_hex_is_accepted() {
        let upper = format!("sha256={}", GH_SIG["sha256=".len()..].to_ascii_uppercase());
        let headers = lookup(&[(SHA256_HEADER, upper.as_str())]);
        assert!(verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0).is_ok());
    }

    #[test]
    fn sha256_timestamp_header_is_ignored() {
        let headers = lookup(&[(SHA256_HEADER, GH_SIG), ("x-signature-timestamp", "1")]);
        let v = verify(
            Scheme::Sha256Hex,
            &[GH_SECRET],
            &headers,
            GH_BODY,
            1_700_000_000,
        )
        .expect("verify");
        assert_eq!(v.timestamp, None);
    }

    #[test]
    fn sha256_tampered_body_fails() {
        let headers = lookup(&[(SHA256_HEADER, GH_SIG)]);
        assert_eq!(
            verify(
                Scheme::Sha256Hex,
                &[GH_SECRET],
                &headers,
                b"Hello, World?",
                0
            ),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn sha256_flipped_mac_byte_fails() {
        // Last hex digit 7 -> 6 flips one bit of the last MAC byte.
        let bad = format!("{}6", &GH_SIG[..GH_SIG.len() - 1]);
        let headers = lookup(&[(SHA256_HEADER, bad.as_str())]);
        assert_eq!(
            verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn sha256_rotation_either_secret_passes() {
        let secrets = [GH_SECRET, "the new secret"];
        for secret in secrets {
            let sig = sign_sha256_hex(secret, GH_BODY);
            let headers = lookup(&[(SHA256_HEADER, sig.as_str())]);
            assert!(
                verify(Scheme::Sha256Hex, &secrets, &headers, GH_BODY, 0).is_ok(),
                "{secret}"
            );
        }
    }

    #[test]
    fn sha256_missing_header_is_named() {
        let headers = lookup(&[]);
        assert_eq!(
            verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0),
            Err(SignatureError::MissingHeader("x-signature-256"))
        );
    }

    #[test]
    fn sha256_garbage_headers_are_rejected() {
        for garbage in [
            "",
            "garbage",
            "sha256=",
            "sha256=xyz",
            "sha256=abc",
            "sha1=757107ea",
            "sha256=abcd",
        ] {
            let headers = lookup(&[(SHA256_HEADER, garbage)]);
            let result = verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0);
            assert!(
                matches!(
                    result,
                    Err(SignatureError::BadHeader("x-signature-256"))
                        | Err(SignatureError::NoMatch)
                ),
                "{garbage:?} gave {result:?}"
            );
        }
        // A well-formed but short MAC is a plain mismatch.
        let headers = lookup(&[(SHA256_HEADER, "sha256=abcd")]);
        assert_eq!(
            verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0),
            Err(SignatureError::NoMatch)
        );
    }

    #[test]
    fn sha256_empty_secret_is_bad_secret() {
        let headers = lookup(&[(SHA256_HEADER, GH_SIG)]);
        assert_eq!(
            verify(Scheme::Sha256Hex, &[""], &headers, GH_BODY, 0),
            Err(SignatureError::BadSecret)
        );
    }

    #[test]
    fn display_never_contains_secret_or_mac() {
        let mut errors = vec![
            SignatureError::MissingHeader("webhook-id"),
            SignatureError::BadHeader("webhook-signature"),
            SignatureError::TimestampOutOfTolerance {
                timestamp: 1,
                now: 1000,
            },
            SignatureError::NoMatch,
            SignatureError::NoSecret,
            SignatureError::BadSecret,
        ];
        // Also the errors actually produced while verifying with these secrets.
        errors.extend(verify_sw(&[SW_SECRET], &flip_mac_byte(SW_SIG), SW_TS, SW_BODY, SW_TS).err());
        errors.extend(verify_sw(&[SW_SECRET], SW_SIG, SW_TS, SW_BODY, SW_TS + 1000).err());
        errors.extend(verify_sw(&["whsec_%%%"], SW_SIG, SW_TS, SW_BODY, SW_TS).err());
        let headers = lookup(&[(SHA256_HEADER, "sha256=00")]);
        errors.extend(verify(Scheme::Sha256Hex, &[GH_SECRET], &headers, GH_BODY, 0).err());
        assert_eq!(errors.len(), 10);

        let sw_mac = &SW_SIG[3..];
        let gh_mac = &GH_SIG["sha256=".len()..];
        for e in &errors {
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.is_empty());
                for secret in [SW_SECRET, &SW_SECRET[6..], GH_SECRET, "%%%", sw_mac, gh_mac] {
                    assert!(!text.contains(secret), "{text:?} leaks {secret:?}");
                }
            }
        }
    }

    #[test]
    fn hex_helpers_round_trip() {
        let bytes = [0x00, 0x0f, 0xa5, 0xff];
        assert_eq!(hex_lower(&bytes), "000fa5ff");
        assert_eq!(hex_decode("000FA5ff"), Some(bytes.to_vec()));
        assert_eq!(hex_decode("0"), None);
        assert_eq!(hex_decode("zz"), None);
        assert_eq!(hex_decode(""), None);
    }
}
