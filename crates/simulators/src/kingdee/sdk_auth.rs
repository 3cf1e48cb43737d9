//! Checks the K3 Cloud WebAPI SDK 8.x signature headers, which replace a login: the app
//! data must name this data centre and user, `X-Kd-Signature` must be the app secret's HMAC
//! of app id + app data, and `X-Api-Signature` the gateway secret's HMAC of the method, the
//! URL-encoded path and the timestamp/nonce headers, with the timestamp within 5 minutes.
//! How a real server words a refusal is not recorded; this one answers MsgCode 15 (the
//! authentication class) with `签名验证失败`.

use axum::http::HeaderMap;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::KingdeeSimConfig;

const GATEWAY_XOR_KEY: &[u8] = b"0054f397c6234378b09ca7d3e5debce7";
const TOLERANCE_SECS: i64 = 300;

/// Whether the request carries SDK headers at all.
pub(crate) fn present(headers: &HeaderMap) -> bool {
    headers.contains_key("x-kd-signature")
}

fn hmac_b64_hex(data: &str, key: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    base64::engine::general_purpose::STANDARD.encode(hex)
}

fn quote(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `Ok` when the headers prove the caller holds this simulator's app id and secrets.
pub(crate) fn verify(c: &KingdeeSimConfig, headers: &HeaderMap, path: &str) -> Result<(), String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    if get("x-kd-appkey") != c.app_id {
        return Err("X-Kd-Appkey 不是已授权的应用".into());
    }
    let app_data = b64
        .decode(get("x-kd-appdata"))
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or("X-Kd-Appdata 格式错误")?;
    let mut parts = app_data.split(',');
    if parts.next() != Some(c.acct_id.as_str()) || parts.next() != Some(c.username.as_str()) {
        return Err("账套或用户不存在".into());
    }
    let expected = hmac_b64_hex(&format!("{}{app_data}", c.app_id), c.app_secret.as_bytes());
    if get("x-kd-signature") != expected {
        return Err("签名验证失败".into());
    }
    let ts = get("x-api-timestamp");
    let at: i64 = ts.parse().map_err(|_| "x-api-timestamp 格式错误")?;
    if (chrono::Utc::now().timestamp() - at).abs() > TOLERANCE_SECS {
        return Err("请求已过期".into());
    }
    let encoded = c.app_id.split_once('_').map(|(_, k)| k).unwrap_or_default();
    let gateway: Vec<u8> = b64
        .decode(encoded)
        .unwrap_or_default()
        .iter()
        .zip(GATEWAY_XOR_KEY)
        .map(|(b, k)| b ^ k)
        .collect();
    let gateway = b64.encode(gateway);
    let signed = format!(
        "POST\n{}\n\nx-api-nonce:{}\nx-api-timestamp:{ts}\n",
        quote(path),
        get("x-api-nonce")
    );
    if get("x-api-signature") != hmac_b64_hex(&signed, gateway.as_bytes()) {
        return Err("签名验证失败".into());
    }
    Ok(())
}
