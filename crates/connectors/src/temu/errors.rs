//! The router's envelope `{success, errorCode, errorMsg, requestId, result}` and its error
//! codes → seed 004 §8.1 classes, each with what a person should do about it.

use std::time::Duration;

use storelink_core::ErrorClass;

use crate::connector::CallError;

pub const OK: i64 = 1_000_000;
pub const BAD_SIGN: i64 = 3_000_001;
pub const TIMESTAMP_INVALID: i64 = 3_000_011;
pub const TIMESTAMP_EXPIRED: i64 = 3_000_012;
pub const TOKEN_UNKNOWN: i64 = 3_000_031;
pub const TOKEN_EXPIRED: i64 = 3_000_034;
/// "The application information query is abnormal": the app key is not one Temu knows.
pub const APP_UNKNOWN: i64 = 4_000_000;
pub const RATE_LIMITED: i64 = 4_000_004;
pub const IP_NOT_ALLOWED: i64 = 5_000_003;
/// Product calls: "Invalid Request Parameters", "System error", "Try again later".
pub const INVALID_PARAMETERS: i64 = 150_010_003;
pub const SYSTEM_ERROR: i64 = 150_010_002;
pub const TRY_AGAIN_LATER: i64 = 150_010_005;
/// `bg.order.detail.v2.get`: "Order not found".
pub const ORDER_NOT_FOUND: i64 = 140_020_002;

/// How long to wait after Temu's 4000004 before the next call (its limit is per second).
pub const RATE_LIMIT_WAIT: Duration = Duration::from_secs(1);

/// The class of an error code and the advice that goes with it. Codes not listed keep the
/// vendor's message and are a business refusal (Temu answered, and said no).
pub fn classify(code: i64) -> (ErrorClass, &'static str) {
    use ErrorClass::*;
    match code {
        BAD_SIGN => (
            AuthenticationError,
            "Temu refused the request's sign: check that the saved app_secret belongs to this app_key",
        ),
        TIMESTAMP_INVALID | TIMESTAMP_EXPIRED => (
            ValidationError,
            "Temu refused the request time: set this computer's clock right (Temu allows 300 s)",
        ),
        TOKEN_UNKNOWN => (
            AuthenticationError,
            "Temu does not know this access_token: re-authorize the shop in Temu Seller Center and save the new access_token",
        ),
        TOKEN_EXPIRED => (
            AuthenticationError,
            "the shop's Temu authorization has expired: re-authorize the shop in Temu Seller Center and save the new access_token",
        ),
        APP_UNKNOWN => (
            AuthenticationError,
            "Temu does not know this app_key: check config.app_key and the region's API address",
        ),
        RATE_LIMITED => (
            RateLimitError,
            "Temu is limiting calls (20 per second per app); it will be retried",
        ),
        IP_NOT_ALLOWED => (
            AuthorizationError,
            "this computer's public IP is not on the app's IP allow list in the Temu Partner Platform",
        ),
        INVALID_PARAMETERS => (
            ValidationError,
            "Temu refused the request's parameters; check the system's settings",
        ),
        SYSTEM_ERROR | TRY_AGAIN_LATER => (
            NetworkError,
            "Temu had a passing fault; it will be retried",
        ),
        _ => (
            BusinessLogicError,
            "Temu refused the request; see its message",
        ),
    }
}

/// A non-OK envelope as a call error: the class, Temu's code and words, and the advice.
pub fn envelope_error(code: i64, message: &str, request_id: Option<&str>) -> CallError {
    let (class, advice) = classify(code);
    let message: String = message.chars().take(300).collect();
    let request = request_id
        .map(|r| format!(", request {}", r.chars().take(64).collect::<String>()))
        .unwrap_or_default();
    let mut err = CallError::new(
        class,
        format!("Temu error {code}: {message}{request} ({advice})"),
    );
    if code == RATE_LIMITED {
        err.retry_after = Some(RATE_LIMIT_WAIT);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_its_class() {
        use ErrorClass::*;
        let table = [
            (BAD_SIGN, AuthenticationError, false),
            (TIMESTAMP_INVALID, ValidationError, false),
            (TIMESTAMP_EXPIRED, ValidationError, false),
            (TOKEN_UNKNOWN, AuthenticationError, false),
            (TOKEN_EXPIRED, AuthenticationError, false),
            (APP_UNKNOWN, AuthenticationError, false),
            (RATE_LIMITED, RateLimitError, true),
            (IP_NOT_ALLOWED, AuthorizationError, false),
            (INVALID_PARAMETERS, ValidationError, false),
            (SYSTEM_ERROR, NetworkError, true),
            (TRY_AGAIN_LATER, NetworkError, true),
            (999_999_999, BusinessLogicError, false),
        ];
        for (code, class, retryable) in table {
            let err = envelope_error(code, "msg from Temu", Some("us-1"));
            assert_eq!(err.class, class, "{code}");
            assert_eq!(err.retryable(), retryable, "{code}");
            assert!(err.message.contains("msg from Temu"), "{}", err.message);
            assert!(err.message.contains(&code.to_string()), "{}", err.message);
        }
    }

    #[test]
    fn expiry_says_to_re_authorize_and_rate_limit_says_when() {
        let expired = envelope_error(TOKEN_EXPIRED, "access_token expired", None);
        assert!(
            expired.message.contains("re-authorize the shop"),
            "{}",
            expired.message
        );
        let limited = envelope_error(RATE_LIMITED, "RATE_LIMIT_EXCEED_EXCEPTION", None);
        assert_eq!(limited.retry_after, Some(RATE_LIMIT_WAIT));
    }
}
