//! HTTP outcomes → seed 004 §8.1 error classes.

use storelink_core::ErrorClass;

/// The class of an HTTP status, or `None` when the status means the call worked.
pub fn classify_status(status: u16) -> Option<ErrorClass> {
    match status {
        200..=399 => None,
        401 => Some(ErrorClass::AuthenticationError),
        403 => Some(ErrorClass::AuthorizationError),
        408 | 504 => Some(ErrorClass::TimeoutError),
        429 => Some(ErrorClass::RateLimitError),
        // 5xx other than a gateway timeout: the vendor's side failed; worth repeating.
        500..=599 => Some(ErrorClass::NetworkError),
        400 | 404 | 405 | 409 | 410 | 413 | 415 | 422 => Some(ErrorClass::ValidationError),
        _ => Some(ErrorClass::UnknownError),
    }
}

/// The class of a failure before any HTTP status arrived.
pub fn classify_transport(err: &reqwest::Error) -> ErrorClass {
    if err.is_timeout() {
        ErrorClass::TimeoutError
    } else if err.is_connect() || err.is_request() || err.is_body() {
        ErrorClass::NetworkError
    } else if err.is_decode() {
        ErrorClass::ValidationError
    } else {
        ErrorClass::UnknownError
    }
}

/// What a person should do about a failed call of this class.
pub fn advice(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::AuthenticationError => "check the API key or credentials saved for this system",
        ErrorClass::AuthorizationError => "ask the vendor to grant this account access",
        ErrorClass::NetworkError => {
            "check the network and that the vendor's service is up; it will be retried"
        }
        ErrorClass::TimeoutError => "the vendor answered too slowly; it will be retried",
        ErrorClass::ValidationError => "check the API endpoint URL and the system's settings",
        ErrorClass::BusinessLogicError => "the vendor refused the request; see its message",
        ErrorClass::RateLimitError => "the vendor is limiting calls; it will be retried later",
        ErrorClass::UnknownError => "see the message and the log for details",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(classify_status(200), None);
        assert_eq!(classify_status(204), None);
        assert_eq!(classify_status(302), None);
        assert_eq!(classify_status(401), Some(ErrorClass::AuthenticationError));
        assert_eq!(classify_status(403), Some(ErrorClass::AuthorizationError));
        assert_eq!(classify_status(404), Some(ErrorClass::ValidationError));
        assert_eq!(classify_status(429), Some(ErrorClass::RateLimitError));
        assert_eq!(classify_status(503), Some(ErrorClass::NetworkError));
        assert_eq!(classify_status(504), Some(ErrorClass::TimeoutError));
        assert_eq!(classify_status(418), Some(ErrorClass::UnknownError));
        assert!(classify_status(503).is_some_and(ErrorClass::is_retryable));
        assert!(!classify_status(401).is_some_and(ErrorClass::is_retryable));
    }
}
