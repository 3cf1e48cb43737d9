//! Callbacks as YLH sends them to the store: form fields `AppKey`, `TimeStamp`
//! (`yyyyMMddHHmmss`), `Method`, `Data`, `Sign`. Sign: every field but `Sign` with a value,
//! sorted by name, name + value concatenated, the secret on both ends, (lower-cased, as the
//! vendor's sample code does), MD5, upper-case hex. Written here on its own, not shared
//! with the connector, so the two check each other.

use chrono::{FixedOffset, Utc};
use md5::{Digest, Md5};

/// The `Sign` of `fields`.
pub fn sign(secret: &str, fields: &[(String, String)], lowercase: bool) -> String {
    let mut sorted: Vec<&(String, String)> = fields
        .iter()
        .filter(|(k, v)| k != "Sign" && !v.trim().is_empty())
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = secret.to_owned();
    for (k, v) in sorted {
        text.push_str(k);
        text.push_str(v);
    }
    text.push_str(secret);
    if lowercase {
        text = text.to_lowercase();
    }
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// The five fields of a callback, signed.
pub fn signed_callback(
    app_key: &str,
    secret: &str,
    method: &str,
    data: &str,
    timestamp: &str,
    lowercase: bool,
) -> Vec<(String, String)> {
    let mut fields = vec![
        ("AppKey".to_owned(), app_key.to_owned()),
        ("TimeStamp".to_owned(), timestamp.to_owned()),
        ("Method".to_owned(), method.to_owned()),
        ("Data".to_owned(), data.to_owned()),
    ];
    let signed = sign(secret, &fields, lowercase);
    fields.push(("Sign".to_owned(), signed));
    fields
}

/// `yyyyMMddHHmmss` now, at `offset`.
pub(crate) fn timestamp_now(offset: FixedOffset) -> String {
    Utc::now()
        .with_timezone(&offset)
        .format("%Y%m%d%H%M%S")
        .to_string()
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// An `application/x-www-form-urlencoded` body.
pub fn encode_form(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The fields of a form body (`+` a space, `%XX` a byte), or `None` if it is not a form
/// of UTF-8 text.
pub(crate) fn decode_form(body: &[u8]) -> Option<Vec<(String, String)>> {
    fn decode(part: &[u8]) -> Option<String> {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(part.get(i + 1..i + 3)?).ok()?;
                    out.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).ok()
    }
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            Some((decode(it.next()?)?, decode(it.next().unwrap_or_default())?))
        })
        .collect()
}
