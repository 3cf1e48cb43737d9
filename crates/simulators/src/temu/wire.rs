//! What the router checks first, as Temu does: the body's top-level parameters read from
//! the raw text (so a nested value is signed exactly as the client wrote it, whatever its
//! key order), and the MD5 `sign` over them.

use md5::{Digest, Md5};

/// End of the JSON string token starting at `start` (a `"`): the index after its closing quote.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The raw value token starting at `start`: up to the `,` or `}` that closes it.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0i32;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth > 0 => depth -= 1,
            b',' | b'}' if depth == 0 => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// A raw value without the whitespace outside its strings.
fn compact(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let end = string_end(bytes, i).unwrap_or(bytes.len());
            out.push_str(&raw[i..end]);
            i = end;
        } else {
            if !bytes[i].is_ascii_whitespace() {
                out.push(char::from(bytes[i]));
            }
            i += 1;
        }
    }
    out
}

/// The body's top-level parameters as the sign reads them: (name, value text), a string
/// value decoded, anything else as its compact JSON text. `None` if the body is not a JSON
/// object.
pub(crate) fn members(body: &str) -> Option<Vec<(String, String)>> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(body).ok()?;
    let bytes = body.as_bytes();
    let mut i = skip_ws(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    loop {
        i = skip_ws(bytes, i + 1);
        if bytes.get(i) == Some(&b'}') {
            return Some(out);
        }
        let key_end = string_end(bytes, i)?;
        let key: String = serde_json::from_str(&body[i..key_end]).ok()?;
        i = skip_ws(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(bytes, i + 1);
        let end = value_end(bytes, start)?;
        let raw = body[start..end].trim_end();
        let text = if raw.starts_with('"') {
            serde_json::from_str::<String>(raw).ok()?
        } else {
            compact(raw)
        };
        out.push((key, text));
        i = end;
        if bytes.get(i) == Some(&b'}') {
            return Some(out);
        }
    }
}

/// MD5 of secret + sorted name/value pairs (without `sign`) + secret, uppercase hex.
pub(crate) fn sign(members: &[(String, String)], secret: &str) -> String {
    let mut sorted: Vec<&(String, String)> = members.iter().filter(|(k, _)| k != "sign").collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut md5 = Md5::new();
    md5.update(secret.as_bytes());
    for (k, v) in sorted {
        md5.update(k.as_bytes());
        md5.update(v.as_bytes());
    }
    md5.update(secret.as_bytes());
    md5.finalize().iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_request_body_checks_out() {
        // Step 5 of Temu's "Signature Method for API request": the body as sent (nested keys
        // in the doc's own order, pretty-printed), signed 4CCF219942D4180C6DDA3CE36C1B838F.
        let body = r#"{
  "app_key": "f9d5cc9313893a20d5aa85c654e8f503",
  "data_type": "JSON",
  "access_token": "2nifvmpyymvypwmcms5ct4uqqudrwgpmzbcnmkt1jzjkuaf3x56iixym",
  "sendRequestList": [
    {"orderSendInfoList": [{"quantity": 1, "orderSn": "211-21905473070712792",
        "parentOrderSn": "PO-211-21905452099192792", "goodsId": 601099548666279,
        "skuId": 17592352673534}],
     "carrierId": "699272611", "trackingNumber": "270324232756"}
  ],
  "sendType": 0,
  "sign": "4CCF219942D4180C6DDA3CE36C1B838F",
  "timestamp": 1711009072,
  "type": "bg.logistics.shipment.confirm"
}"#;
        let m = members(body).expect("an object");
        assert_eq!(m.len(), 8);
        assert_eq!(
            sign(&m, "c7e0a1a63542be4de3cb5488f9fba8149e8fc290"),
            "4CCF219942D4180C6DDA3CE36C1B838F"
        );
        assert_ne!(
            sign(&m, "another-secret"),
            "4CCF219942D4180C6DDA3CE36C1B838F"
        );
    }

    #[test]
    fn strings_are_decoded_and_non_objects_refused() {
        let m = members(r#"{"a":"x\"y","b":[1, {"c": "d e"}],"n":null}"#).expect("object");
        assert_eq!(
            m,
            vec![
                ("a".to_owned(), "x\"y".to_owned()),
                ("b".to_owned(), r#"[1,{"c":"d e"}]"#.to_owned()),
                ("n".to_owned(), "null".to_owned()),
            ]
        );
        assert_eq!(members("[1]"), None);
        assert_eq!(members("{\"a\":"), None);
        assert_eq!(members("{}"), Some(Vec::new()));
    }
}
