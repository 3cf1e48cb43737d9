//! The webhook guide's own vectors (secret `12345678abcdefgh`), one per documented variant,
//! and the decrypt round trip.

use super::*;
use serde_json::json;

const SECRET: &str = "12345678abcdefgh";
const DATA: &str = r#"{"orderSn":"XXYYZZ","status":1}"#;
/// The guide's example callback body.
const SEALED: &str = "sQmNTAKR2o4HrmCO3OchFgGyJU5Qta57+JQxxgVyVPU=";

fn doc_fields() -> Signed<'static> {
    Signed {
        app_key: "demo-test-app",
        event_code: "bg_test_event",
        timestamp: "1726127013525",
        ext_param: Some("{}"),
        event_data: DATA,
    }
}

fn variant(layout: Layout, with_ext_param: bool) -> Variant {
    Variant {
        layout,
        with_ext_param,
    }
}

#[test]
fn the_guides_base_string_example_is_concatenated_with_ext_param() {
    let sig = signature(&doc_fields(), SECRET, variant(Layout::Concatenated, true));
    assert_eq!(
        sig,
        "b5143d1a831453afbcf76d4621baa74a2dc07a486f26f5a956c6e50c61a338fb"
    );
    assert_eq!(
        verify(&doc_fields(), SECRET, &sig),
        Ok(variant(Layout::Concatenated, true))
    );
}

#[test]
fn the_guides_example_request_signs_without_ext_param() {
    let given = "987875c01ea5c7f608502fb92e1de102c59e1c9195c010ab8a80bdb501a04fbc";
    assert_eq!(
        signature(&doc_fields(), SECRET, variant(Layout::Concatenated, false)),
        given
    );
    assert_eq!(
        verify(&doc_fields(), SECRET, given),
        Ok(variant(Layout::Concatenated, false))
    );
}

#[test]
fn the_java_tools_pairs_in_uppercase_are_accepted() {
    let upper = "6341DED462A170A9A6D0AC99C1D963558D8635FE07165373F551F37E35E77934";
    assert_eq!(
        signature(&doc_fields(), SECRET, variant(Layout::Pairs, true)).to_ascii_uppercase(),
        upper
    );
    assert_eq!(
        verify(&doc_fields(), SECRET, upper),
        Ok(variant(Layout::Pairs, true))
    );
    let no_ext = "50ea6524f7262fc83b0ebf5815d826abcbdca8dd81f132bf8f7aaded97aba59f";
    assert_eq!(
        verify(&doc_fields(), SECRET, no_ext),
        Ok(variant(Layout::Pairs, false))
    );
}

#[test]
fn anything_else_is_refused() {
    let good = signature(&doc_fields(), SECRET, variant(Layout::Concatenated, true));
    assert_eq!(
        verify(&doc_fields(), "12345678abcdefgX", &good),
        Err(WebhookError::BadSignature),
        "another secret"
    );
    let mut changed = doc_fields();
    changed.event_data = r#"{"orderSn":"XXYYZZ","status":2}"#;
    assert_eq!(
        verify(&changed, SECRET, &good),
        Err(WebhookError::BadSignature)
    );
    assert_eq!(
        verify(&doc_fields(), SECRET, ""),
        Err(WebhookError::BadSignature)
    );
    assert_eq!(
        verify(&doc_fields(), SECRET, &good[..63]),
        Err(WebhookError::BadSignature)
    );
}

#[test]
fn the_guides_body_decrypts_and_round_trips() {
    assert_eq!(decrypt(SEALED, SECRET).as_deref(), Ok(DATA));
    assert_eq!(encrypt(DATA, SECRET).as_deref(), Ok(SEALED));
    let text = r#"{"parentOrderSn":"PO-211-0001","status":4,"note":"含中文与长文本 0123456789"}"#;
    let sealed = encrypt(text, "a-much-longer-app-secret-of-forty-bytes!").unwrap_or_default();
    assert_eq!(
        decrypt(&sealed, "a-much-longer-app-secret-of-forty-bytes!").as_deref(),
        Ok(text)
    );
    // Only the first 16 bytes are the key and IV.
    assert_eq!(
        decrypt(&sealed, "a-much-longer-apXXXX").as_deref(),
        Ok(text)
    );
    assert!(decrypt(&sealed, "b-much-longer-app-secret").is_err());
    assert_eq!(
        decrypt("not base64!", SECRET),
        Err(WebhookError::Undecryptable)
    );
    assert_eq!(decrypt(SEALED, "short"), Err(WebhookError::SecretTooShort));
}

fn lookup(headers: &[(String, String)]) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn the_guides_whole_request_opens() {
    let headers: Vec<(String, String)> = [
        ("x-tm-app-key", "demo-test-app"),
        ("x-tm-event-code", "bg_test_event"),
        ("x-tm-timestamp", "1726127013525"),
        (
            "x-tm-signature",
            "987875c01ea5c7f608502fb92e1de102c59e1c9195c010ab8a80bdb501a04fbc",
        ),
        ("x-tm-ext-param", "{}"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let body = format!(r#"{{"eventData": "{SEALED}"}}"#);
    let opened = open(&lookup(&headers), body.as_bytes(), SECRET).expect("accepted");
    assert_eq!(opened.data, DATA);
    assert_eq!(opened.event_code, "bg_test_event");
    assert_eq!(opened.variant, variant(Layout::Concatenated, false));
    let unsigned: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| n != SIGNATURE_HEADER)
        .cloned()
        .collect();
    assert_eq!(
        open(&lookup(&unsigned), body.as_bytes(), SECRET),
        Err(WebhookError::MissingHeader(SIGNATURE_HEADER))
    );
    assert_eq!(
        open(&lookup(&headers), b"{}", SECRET),
        Err(WebhookError::BadBody)
    );
}

#[test]
fn built_pushes_open_in_every_variant() {
    let event = json!({"parentOrderSn": "PO-211-0001", "orderSn": "PO-211-0001", "status": 4});
    for v in VARIANTS {
        let push = build(
            "app-1",
            "app-secret-0123456789",
            "bg_order_status_change_event",
            1_726_127_013_525,
            &event,
            v,
        )
        .expect("built");
        let opened =
            open(&lookup(&push.headers), &push.body, "app-secret-0123456789").expect("opens");
        assert_eq!(opened.variant, v);
        assert_eq!(
            serde_json::from_str::<Value>(&opened.data).ok(),
            Some(event.clone())
        );
        assert!(
            open(&lookup(&push.headers), &push.body, "app-secret-9876543210").is_err(),
            "another secret is refused"
        );
    }
}
