//! Webhook deliveries to the desktop's own listener, signed as a vendor signs them
//! (Standard Webhooks: HMAC-SHA256 keyed with the decoded `whsec_` key, made here from the
//! core's SHA-256), over a plain HTTP/1.1 connection; every reply is kept.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use storelink_core::digest::sha256_hex;

#[path = "../../../crates/cli/tests/secrets_scan/events.rs"]
mod events;

use super::scan::{base64, unbase64};

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    unhex(&sha256_hex(bytes))
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut k = if key.len() > 64 {
        sha256(key)
    } else {
        key.to_vec()
    };
    k.resize(64, 0);
    let inner: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(sha256(&inner)).collect();
    sha256(&outer)
}

/// The `webhook-signature` header of a Standard Webhooks delivery.
fn sign_standard(secret: &str, id: &str, stamp: i64, body: &[u8]) -> String {
    let key = unbase64(secret.strip_prefix("whsec_").unwrap_or(secret)).expect("whsec key");
    let mut signed = format!("{id}.{stamp}.").into_bytes();
    signed.extend_from_slice(body);
    format!("v1,{}", base64(&hmac(&key, &signed)))
}

/// One request to `base` (`http://127.0.0.1:<port>`): the status and the reply's body.
fn post(base: &str, path: &str, headers: &[(&str, String)], body: &[u8]) -> (u16, String) {
    let host = base.strip_prefix("http://").expect("an http address");
    let mut stream = TcpStream::connect(host).expect("the listener answers");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send");
    stream.write_all(body).expect("send body");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("reply");
    let reply = String::from_utf8_lossy(&reply).into_owned();
    let status = reply
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP reply: {reply}"));
    (status, reply)
}

/// Event `n` of `channel` to system `id`, signed with `secret`: the status, and the reply
/// (head and body) as a text to search.
pub fn deliver(base: &str, channel: &str, id: &str, secret: &str, n: usize) -> (u16, String) {
    let body = events::event(channel, n).to_string().into_bytes();
    let stamp = storelink_core::ids::now().timestamp();
    let msg = format!("msg-ipc-{n}");
    let headers = [
        ("content-type", "application/json".to_owned()),
        ("webhook-id", msg.clone()),
        ("webhook-timestamp", stamp.to_string()),
        (
            "webhook-signature",
            sign_standard(secret, &msg, stamp, &body),
        ),
    ];
    post(
        base,
        &format!("/api/v1/integrations/webhooks/{channel}/{id}"),
        &headers,
        &body,
    )
}

#[test]
fn hmac_matches_rfc_4231() {
    let mac = hmac(b"Jefe", b"what do ya want for nothing?");
    assert_eq!(
        super::scan::hex(&mac),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let long = hmac(
        &[0xaa; 131],
        b"Test Using Larger Than Block-Size Key - Hash Key First",
    );
    assert_eq!(
        super::scan::hex(&long),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}
