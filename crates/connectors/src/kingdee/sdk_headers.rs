//! The K3 Cloud WebAPI SDK 8.x way of authenticating: no login call; every request carries
//! signature headers computed from the app id and secret (the server may still hand out a
//! `kdservice-sessionid` cookie, which is sent back but not relied on).
//!
//! As the official SDKs (8.x, PHP/Python/Java) build them:
//! - `X-Kd-Appkey`: the app id (`{clientId}_{encoded gateway secret}`);
//! - `X-Kd-Appdata`: base64 of `{acctId},{user},{lcid},{orgNum}`;
//! - `X-Kd-Signature`: base64 of the lowercase hex HMAC-SHA256 of app id + app data, keyed
//!   by the app secret;
//! - `X-Api-ClientID` (the app id before `_`), `X-Api-Auth-Version: 2.0`,
//!   `x-api-timestamp` and `x-api-nonce` (both the Unix seconds),
//!   `x-api-signheaders: x-api-timestamp,x-api-nonce`;
//! - `X-Api-Signature`: base64 of the hex HMAC-SHA256 of
//!   `POST\n{url-encoded path}\n\nx-api-nonce:{n}\nx-api-timestamp:{t}\n`, keyed by the
//!   gateway secret: the app id's part after `_`, base64-decoded, XORed with a constant the
//!   SDKs publish, base64-encoded again.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use storelink_core::ErrorClass;

use crate::connector::CallError;

/// The XOR key every official SDK applies to the app id's encoded part.
const GATEWAY_XOR_KEY: &[u8] = b"0054f397c6234378b09ca7d3e5debce7";

/// What the headers are computed from.
pub struct SdkIdentity<'a> {
    pub app_id: &'a str,
    pub app_secret: &'a str,
    pub acct_id: &'a str,
    pub username: &'a str,
    pub lcid: i64,
    pub org_num: &'a str,
}

/// Base64 of the lowercase hex HMAC-SHA256 of `data` keyed by `key` (the SDKs' "HmacSHA256").
pub fn hmac_b64_hex(data: &str, key: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(data.as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    base64::engine::general_purpose::STANDARD.encode(hex)
}

/// The gateway secret hidden in an app id's part after `_`; `None` if it is not what the
/// SDKs expect (base64 of at most 32 bytes).
pub fn gateway_secret(encoded: &str) -> Option<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let bytes = b64.decode(encoded).ok()?;
    if bytes.len() > GATEWAY_XOR_KEY.len() {
        return None;
    }
    let xored: Vec<u8> = bytes
        .iter()
        .zip(GATEWAY_XOR_KEY)
        .map(|(b, k)| b ^ k)
        .collect();
    Some(b64.encode(xored))
}

/// A URL path encoded as the SDKs sign it: everything but letters, digits, `-`, `_` and `.`
/// percent-encoded in upper case (so `/` becomes `%2F`).
pub fn quote_path(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The headers for one request to `path` at `timestamp` (Unix seconds).
pub fn headers(
    id: &SdkIdentity<'_>,
    path: &str,
    timestamp: i64,
) -> Result<Vec<(&'static str, String)>, CallError> {
    let malformed = || {
        CallError::new(
            ErrorClass::ValidationError,
            "the K3 Cloud app id must look like `{clientId}_{key}` as the developer portal \
             issues it, for the SDK signature headers",
        )
    };
    let (client_id, encoded) = id.app_id.split_once('_').ok_or_else(malformed)?;
    let gateway = gateway_secret(encoded).ok_or_else(malformed)?;
    let app_data = format!("{},{},{},{}", id.acct_id, id.username, id.lcid, id.org_num);
    let ts = timestamp.to_string();
    let signed = format!(
        "POST\n{}\n\nx-api-nonce:{ts}\nx-api-timestamp:{ts}\n",
        quote_path(path)
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(vec![
        ("X-Api-ClientID", client_id.to_owned()),
        ("X-Api-Auth-Version", "2.0".to_owned()),
        ("x-api-timestamp", ts.clone()),
        ("x-api-nonce", ts),
        (
            "x-api-signheaders",
            "x-api-timestamp,x-api-nonce".to_owned(),
        ),
        ("X-Api-Signature", hmac_b64_hex(&signed, &gateway)),
        ("X-Kd-Appkey", id.app_id.to_owned()),
        ("X-Kd-Appdata", b64.encode(&app_data)),
        (
            "X-Kd-Signature",
            hmac_b64_hex(&format!("{}{app_data}", id.app_id), id.app_secret),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors published with an independent client as produced by the official Python SDK
    // (kingdee.cdp.webapi.sdk 8.2.0).
    #[test]
    fn gateway_secret_matches_the_sdk() {
        assert_eq!(
            gateway_secret("YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4").as_deref(),
            Some("UVJWUANVXl8KXFlfWV1YSBNCShcUQRNL")
        );
        assert_eq!(gateway_secret("not base64!"), None);
    }

    #[test]
    fn hmac_matches_the_sdk() {
        assert_eq!(
            hmac_b64_hex("POST\n%2Ftest\n\nx-api-nonce:1\nx-api-timestamp:1\n", "key123"),
            "MThmZGFiM2U5MGZhNmU0MDQ0MWI1NTNkNmNmMjY2MDY0YzEzZTllNTA0OTBmM2M0NDI2NzFiMTI3NTFkZmU1ZQ=="
        );
    }

    #[test]
    fn path_is_quoted_as_the_sdk_does() {
        assert_eq!(
            quote_path("/K3Cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc"),
            "%2FK3Cloud%2FKingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc"
        );
    }

    #[test]
    fn headers_match_the_sdk() {
        let id = SdkIdentity {
            app_id: "123456_YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4",
            app_secret: "test-app-secret-value",
            acct_id: "dcid-1",
            username: "user-1",
            lcid: 2052,
            org_num: "100",
        };
        let path =
            "/K3Cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc";
        let got = headers(&id, path, 1_700_000_000).expect("headers");
        let get = |name: &str| {
            got.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(get("X-Api-ClientID"), "123456");
        assert_eq!(get("x-api-timestamp"), "1700000000");
        assert_eq!(get("X-Kd-Appdata"), "ZGNpZC0xLHVzZXItMSwyMDUyLDEwMA==");
        assert_eq!(
            get("X-Api-Signature"),
            "MjNhMzg5MmZiMWE1MTQ1ZGE5NWFkYmZiZWYxYzhlY2NjNzcwM2ZjNDJlZTczMzBhNzkxOTk1ODhjNDZkMTEzYw=="
        );
        assert_eq!(
            get("X-Kd-Signature"),
            "NjI5MzRiZGVhNGJhOWY2N2Y2YzQ2MzQ5ODA3N2JiZTRiMDRmOTUwNjI3YWIzODU1ODBkZDdhNzgwMzdmMDgxMg=="
        );
    }

    #[test]
    fn an_app_id_without_its_key_part_is_refused() {
        let id = SdkIdentity {
            app_id: "123456",
            app_secret: "s",
            acct_id: "a",
            username: "u",
            lcid: 2052,
            org_num: "0",
        };
        let err = headers(&id, "/k3cloud/x", 1).expect_err("refused");
        assert_eq!(err.class, ErrorClass::ValidationError);
    }
}
