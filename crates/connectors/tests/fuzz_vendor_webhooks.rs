//! Property tests of the vendors' own push checks: Temu's encrypted, signed webhooks and
//! 易理货's form callbacks signed with `Sign`. A push built as the vendor builds it opens;
//! any one-byte change to the body or a signed field is refused; arbitrary bytes end in a
//! typed refusal. Cases per property: the defaults below, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;

use std::collections::HashMap;

use chrono::FixedOffset;
use proptest::prelude::*;
use serde_json::json;
use storelink_connectors::temu::webhook::{self, Push, VARIANTS};
use storelink_connectors::ylh::callback::{self, CallbackSettings};
use storelink_connectors::ylh::{sign, verify, SignCase};

use json::{config, json_value, mutated, nasty_string};

const TEMU_SECRET: &str = "sim0a1a63542be4de3cb5488f9fba8149e8fc290";

fn headers_of(push: &Push) -> impl Fn(&str) -> Option<String> + '_ {
    let map: HashMap<&str, &str> = push
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    move |name: &str| map.get(name).map(|v| (*v).to_owned())
}

fn temu_push() -> impl Strategy<Value = (Push, bool)> {
    (
        "[a-f0-9]{32}",
        "[a-z_]{3,30}",
        1_600_000_000_000i64..1_900_000_000_000,
        mutated(json!({"orderSn": "PO-211-00000000000001", "status": 2, "items": [1, 2]})),
        0usize..VARIANTS.len(),
    )
        .prop_map(|(key, code, ts, event, v)| {
            let push = webhook::build(&key, TEMU_SECRET, &code, ts, &event, VARIANTS[v])
                .expect("a 40-byte secret");
            (push, VARIANTS[v].with_ext_param)
        })
}

/// `text` with one byte replaced so that it stays UTF-8 and is not a change of letter
/// case (hex is compared without regard to case).
fn other_byte(text: &str, at: usize, pick: u8) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let i = at % bytes.len();
    let old = bytes[i];
    let mut new = b'!' + pick % 94;
    if new.eq_ignore_ascii_case(&old) {
        new = if old == b'#' { b'$' } else { b'#' };
    }
    bytes[i] = new;
    String::from_utf8(bytes).unwrap_or_else(|_| format!("{text}#"))
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn temu_pushes_open_and_one_byte_changes_are_refused(
        (push, ext_signed) in temu_push(),
        target in 0usize..6,
        at in any::<usize>(),
        pick in any::<u8>(),
    ) {
        let opened = webhook::open(&headers_of(&push), &push.body, TEMU_SECRET);
        prop_assert!(opened.is_ok(), "{:?}", opened);
        let mut changed = push.clone();
        if target == 0 {
            let i = at % changed.body.len();
            changed.body[i] ^= 1 << (pick % 8);
        } else {
            // The four signed headers, the signature and the ext param (when it is signed).
            let names = ["x-tm-app-key", "x-tm-event-code", "x-tm-timestamp", "x-tm-signature", "x-tm-ext-param"];
            let name = names[(target - 1) % names.len()];
            if name == "x-tm-ext-param" && !ext_signed {
                return Ok(());
            }
            if let Some(slot) = changed.headers.iter_mut().find(|(k, _)| k == name) {
                slot.1 = other_byte(&slot.1, at, pick);
            }
        }
        let refused = webhook::open(&headers_of(&changed), &changed.body, TEMU_SECRET);
        prop_assert!(refused.is_err(), "accepted a changed push: {:?}", changed);
    }

    #[test]
    fn temu_arbitrary_pushes_are_refused_with_a_reason(
        body in json::body_from(json!({"eventData": "AAAAAAAAAAAAAAAAAAAAAA=="})),
        values in prop::collection::vec(nasty_string(), 5),
        secret in prop_oneof![Just(TEMU_SECRET.to_owned()), nasty_string()],
    ) {
        let names = ["x-tm-app-key", "x-tm-event-code", "x-tm-timestamp", "x-tm-signature", "x-tm-ext-param"];
        let map: HashMap<&str, String> = names.into_iter().zip(values).collect();
        let header = |n: &str| map.get(n).cloned();
        let r = webhook::open(&header, &body, &secret);
        prop_assert!(r.is_err(), "{:?}", r);
        if let Ok(text) = webhook::decrypt(&String::from_utf8_lossy(&body), &secret) {
            // Whatever decrypts re-encrypts to something that decrypts the same.
            let again = webhook::encrypt(&text, &secret).expect("secret long enough");
            prop_assert_eq!(webhook::decrypt(&again, &secret), Ok(text));
        }
    }

    #[test]
    fn temu_encryption_round_trips(text in any::<String>(), secret in "[ -~]{16,64}") {
        let sealed = webhook::encrypt(&text, &secret).expect("16 bytes or more");
        prop_assert_eq!(webhook::decrypt(&sealed, &secret), Ok(text));
    }

    #[test]
    fn ylh_signs_verify_and_one_byte_changes_are_refused(
        secret in "[ -~]{1,40}",
        fields in prop::collection::btree_map("[A-Za-z]{1,12}", "[ -~]*[!-~][ -~]*", 1..6),
        case in prop::sample::select(vec![SignCase::AsIs, SignCase::Lowercase]),
        at in any::<usize>(),
        pick in any::<u8>(),
        field in any::<usize>(),
    ) {
        let pairs: Vec<(&str, &str)> = fields.iter().filter(|(k, _)| k.as_str() != "Sign")
            .map(|(k, v)| (k.as_str(), v.as_str())).collect();
        prop_assume!(!pairs.is_empty());
        let given = sign(&secret, &pairs, case);
        prop_assert!(verify(&secret, &pairs, &given));
        prop_assert!(verify(&secret, &pairs, &given.to_ascii_lowercase()));
        // A value changed in one byte (not only in letter case, which the vendor's
        // lower-casing variant cannot see) is refused; so is a changed Sign.
        let (name, value) = pairs[field % pairs.len()];
        let changed = other_byte(value, at, pick);
        prop_assume!(!changed.trim().is_empty());
        let tampered: Vec<(&str, &str)> = pairs.iter()
            .map(|(k, v)| if *k == name { (*k, changed.as_str()) } else { (*k, *v) }).collect();
        prop_assert!(!verify(&secret, &tampered, &given), "{name}: {value} -> {changed}");
        prop_assert!(!verify(&secret, &pairs, &other_byte(&given, at, pick)));
    }

    #[test]
    fn ylh_forms_round_trip(fields in prop::collection::vec((any::<String>(), any::<String>()), 0..6)) {
        let fields: Vec<(String, String)> = fields.into_iter().filter(|(k, _)| !k.is_empty()).collect();
        let body = fields.iter().map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>().join("&");
        prop_assert_eq!(callback::parse_form(body.as_bytes()), Ok(fields));
    }

    #[test]
    fn ylh_callbacks_from_arbitrary_bytes(
        body in prop::collection::vec(any::<u8>(), 0..512),
        data in prop_oneof![nasty_string(), mutated(json!({"ExtOrderNo": "SO.1", "PlatformOrderNo": "PO-1", "State": 1, "FailMsg": null})).prop_map(|v| v.to_string())],
        stamp in nasty_string(),
        offset in -86_399i32..86_399,
        settings in json_value(),
    ) {
        let _ = callback::parse_form(&body);
        if let Ok(d) = callback::parse_data(&data) {
            prop_assert!(!d.platform_order_no.trim().is_empty());
        }
        let offset = FixedOffset::east_opt(offset).expect("in range");
        let _ = callback::parse_timestamp(&stamp, offset);
        let s = CallbackSettings::from_config(&settings);
        prop_assert!(s.tolerance_secs > 0);
        let _ = s.kind(&stamp);
    }
}

/// `application/x-www-form-urlencoded` as a sender writes it.
fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
