//! Property tests of the inbound signature schemes (Standard Webhooks and `sha256=`):
//! what a sender signs verifies, any one-byte change to the body, the MAC, the message id or
//! the timestamp is refused, and arbitrary headers, bodies and secrets end in a typed
//! refusal, never a panic. Cases per property: the defaults below, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use proptest::prelude::*;
use storelink_connectors::signature::{
    sign_sha256_hex, sign_standard, verify, Scheme, SignatureError, Verified, SHA256_HEADERS,
    TOLERANCE_SECS,
};

use json::{config, nasty_string};

const NOW: i64 = 1_760_000_000;

fn lookup(pairs: Vec<(String, String)>) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs.into_iter().collect();
    move |name: &str| map.get(name).cloned()
}

fn standard_headers(id: &str, ts: i64, sig: &str) -> Vec<(String, String)> {
    vec![
        ("webhook-id".into(), id.into()),
        ("webhook-timestamp".into(), ts.to_string()),
        ("webhook-signature".into(), sig.into()),
    ]
}

fn whsec(key: &[u8]) -> String {
    format!("whsec_{}", STANDARD.encode(key))
}

/// `bytes` with the byte at `at` (modulo the length) XORed with a non-zero `flip`.
fn one_byte_changed(bytes: &[u8], at: usize, flip: u8) -> Vec<u8> {
    let mut changed = bytes.to_vec();
    let i = at % changed.len();
    changed[i] ^= flip;
    changed
}

fn refused(r: &Result<Verified, SignatureError>) -> bool {
    matches!(
        r,
        Err(SignatureError::NoMatch | SignatureError::BadHeader(_))
    )
}

fn standard_case() -> impl Strategy<Value = (Vec<u8>, String, i64, Vec<u8>)> {
    (
        prop::collection::vec(any::<u8>(), 1..64),
        "[A-Za-z0-9_]{1,40}",
        -TOLERANCE_SECS..=TOLERANCE_SECS,
        prop::collection::vec(any::<u8>(), 1..2048),
    )
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn standard_signatures_verify((key, id, skew, body) in standard_case()) {
        let secret = whsec(&key);
        let ts = NOW + skew;
        let sig = sign_standard(&secret, &id, ts, &body).expect("sign");
        let v = verify(Scheme::StandardWebhooks, &[&secret], &lookup(standard_headers(&id, ts, &sig)), &body, NOW);
        prop_assert_eq!(v, Ok(Verified { event_id: Some(id), timestamp: Some(ts) }));
    }

    #[test]
    fn standard_refuses_any_one_byte_change(
        (key, id, skew, body) in standard_case(),
        at in any::<usize>(),
        flip in 1u8..=255,
        what in 0u8..4,
    ) {
        let secret = whsec(&key);
        let ts = NOW + skew;
        let sig = sign_standard(&secret, &id, ts, &body).expect("sign");
        let (headers, sent) = match what {
            0 => (standard_headers(&id, ts, &sig), one_byte_changed(&body, at, flip)),
            1 => {
                let mac = STANDARD.decode(&sig[3..]).expect("mac");
                let forged = format!("v1,{}", STANDARD.encode(one_byte_changed(&mac, at, flip)));
                (standard_headers(&id, ts, &forged), body.clone())
            }
            2 => {
                let changed = one_byte_changed(id.as_bytes(), at, flip);
                let id = String::from_utf8_lossy(&changed).into_owned();
                (standard_headers(&id, ts, &sig), body.clone())
            }
            _ => (standard_headers(&id, ts + 1 + (at % 10) as i64, &sig), body.clone()),
        };
        let v = verify(Scheme::StandardWebhooks, &[&secret], &lookup(headers), &sent, NOW);
        prop_assert!(v.is_err() && !matches!(v, Err(SignatureError::BadSecret)), "{:?}", v);
        if what < 2 {
            prop_assert!(refused(&v), "{:?}", v);
        }
    }

    #[test]
    fn sha256_signatures_verify_and_refuse_any_one_byte_change(
        secret in "[ -~]{1,64}",
        body in prop::collection::vec(any::<u8>(), 1..2048),
        header in prop::sample::select(SHA256_HEADERS.to_vec()),
        at in any::<usize>(),
        flip in 1u8..=255,
        digit in 0usize..64,
    ) {
        let sig = sign_sha256_hex(&secret, &body);
        let headers = |value: String| lookup(vec![(header.to_owned(), value)]);
        let v = verify(Scheme::Sha256Hex, &[&secret], &headers(sig.clone()), &body, NOW);
        prop_assert_eq!(v, Ok(Verified { event_id: None, timestamp: None }));
        let v = verify(Scheme::Sha256Hex, &[&secret], &headers(sig.clone()), &one_byte_changed(&body, at, flip), NOW);
        prop_assert_eq!(v, Err(SignatureError::NoMatch));
        // One hex digit replaced by a different value (a case change is the same MAC).
        let mut hex: Vec<char> = sig["sha256=".len()..].chars().collect();
        let old = hex[digit].to_digit(16).unwrap_or(0);
        hex[digit] = char::from_digit((old + 1 + (at as u32 % 15)) % 16, 16).unwrap_or('0');
        let forged = format!("sha256={}", hex.into_iter().collect::<String>());
        let v = verify(Scheme::Sha256Hex, &[&secret], &headers(forged), &body, NOW);
        prop_assert_eq!(v, Err(SignatureError::NoMatch));
    }

    /// Whatever arrives, the answer is a typed verdict; it is Ok only with a real MAC,
    /// which random headers do not carry.
    #[test]
    fn arbitrary_requests_get_a_typed_verdict(
        scheme in prop::sample::select(vec![Scheme::StandardWebhooks, Scheme::Sha256Hex]),
        secrets in prop::collection::vec(prop_oneof![nasty_string(), Just("whsec_c2VjcmV0".to_owned())], 0..3),
        names in prop::collection::vec(prop::sample::select(vec![
            "webhook-id", "webhook-timestamp", "webhook-signature", "x-signature-256",
            "x-hub-signature-256", "x-signature"]), 0..6),
        values in prop::collection::vec(prop_oneof![
            nasty_string(),
            Just("v1,AAAA v2,BBBB v1a,xx".to_owned()),
            Just("sha256=zz".to_owned()),
            Just(format!("{NOW}")),
            Just("9223372036854775807".to_owned()),
            Just("-9223372036854775808".to_owned()),
        ], 6),
        body in prop::collection::vec(any::<u8>(), 0..256),
        now in prop_oneof![Just(NOW), Just(i64::MIN), Just(i64::MAX), any::<i64>()],
    ) {
        let refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let headers = lookup(names.iter().map(|n| (*n).to_owned()).zip(values).collect());
        let v = verify(scheme, &refs, &headers, &body, now);
        prop_assert!(v.is_err(), "{:?}", v);
        if let Err(e) = v {
            let shown = e.to_string();
            for secret in refs.iter().filter(|s| s.len() > 8) {
                prop_assert!(!shown.contains(*secret), "the secret is in {}", shown);
            }
        }
    }
}
