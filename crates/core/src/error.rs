//! The one error type of Storelink. It crosses IPC and the CLI as a tagged enum, so the UI
//! can show a field error next to its field and a person can act on every message.

use serde::{Deserialize, Serialize};
use specta::Type;

string_enum!(
    /// Error classes of seed 004 §8.1. Every failure talking to a vendor gets exactly one.
    ErrorClass {
    AuthenticationError => "authentication_error",
    AuthorizationError => "authorization_error",
    NetworkError => "network_error",
    TimeoutError => "timeout_error",
    ValidationError => "validation_error",
    BusinessLogicError => "business_logic_error",
    RateLimitError => "rate_limit_error",
    UnknownError => "unknown_error",
});

impl ErrorClass {
    /// Only transient failures are worth repeating; the rest need a person.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::NetworkError | Self::TimeoutError | Self::RateLimitError
        )
    }
}

/// Which rule a field broke, with the figures the message needs (the UI translates by code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rule {
    Required,
    TooLong {
        max: u32,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    OneOf {
        allowed: Vec<String>,
    },
    Url,
    PhoneCn,
    Email,
    Json,
    MoneyFormat,
    SumMismatch {
        expected: String,
        actual: String,
    },
    /// A status change the state machine does not allow; `allowed` lists the next states.
    Transition {
        from: String,
        to: String,
        allowed: Vec<String>,
    },
    Unique,
    Format {
        expected: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldError {
    /// The field as the seeds name it, e.g. `sync_interval` or `items[0].quantity`.
    pub field: String,
    pub rule: Rule,
    /// English text naming the field and the rule; the UI may show a translation instead.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            rule,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("invalid input: {}", summary(errors))]
    Validation { errors: Vec<FieldError> },
    #[error("{entity} {id} not found")]
    NotFound { entity: String, id: String },
    #[error("{message}")]
    Conflict {
        message: String,
        field: Option<String>,
    },
    #[error("role {role} may not {operation}")]
    Forbidden { operation: String, role: String },
    #[error("not signed in: sign in first")]
    Unauthenticated,
    #[error("wrong username or password")]
    BadCredentials,
    /// A webhook whose signature, timestamp or secret did not check out.
    #[error("webhook refused: {message}")]
    BadSignature { message: String },
    /// Too many requests from one token; try again after `retry_after_secs`.
    #[error("too many requests: try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The OS keychain could not be used; `remedy` tells the person what to do.
    #[error("keychain unavailable: {message}. {remedy}")]
    Keychain { message: String, remedy: String },
    /// The database was refused at start (unreadable, corrupt, or from a newer Storelink).
    #[error("database refused: {message}. {remedy}")]
    DatabaseRefused { message: String, remedy: String },
    #[error("database error: {message}")]
    Database { message: String },
    /// A vendor or endpoint failed; `class` is seed 004's error class.
    #[error("{class:?}: {message}")]
    External {
        class: ErrorClass,
        retryable: bool,
        message: String,
    },
    #[error("internal error: {message}")]
    Internal { message: String },
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    pub fn field(field: impl Into<String>, rule: Rule, message: impl Into<String>) -> Self {
        Self::Validation {
            errors: vec![FieldError::new(field, rule, message)],
        }
    }

    pub fn not_found(entity: &str, id: impl ToString) -> Self {
        Self::NotFound {
            entity: entity.to_owned(),
            id: id.to_string(),
        }
    }

    pub fn internal(message: impl ToString) -> Self {
        Self::Internal {
            message: message.to_string(),
        }
    }

    /// True for errors caused by what the caller sent (CLI exit code 2).
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Self::Validation { .. } | Self::NotFound { .. } | Self::Conflict { .. }
        )
    }

    /// Errors of this kind are safe to repeat later without a change by a person.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::External {
                retryable: true,
                ..
            }
        )
    }
}

/// Collects field errors so a form gets all of them at once, not one per submit.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, field: impl Into<String>, rule: Rule, message: impl Into<String>) {
        self.0.push(FieldError::new(field, rule, message));
    }

    pub fn extend(&mut self, other: Violations) {
        self.0.extend(other.0);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation { errors: self.0 })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_classes_retry() {
        let retryable: Vec<_> = ErrorClass::ALL
            .iter()
            .copied()
            .filter(|c| c.is_retryable())
            .collect();
        assert_eq!(
            retryable,
            vec![
                ErrorClass::NetworkError,
                ErrorClass::TimeoutError,
                ErrorClass::RateLimitError
            ]
        );
    }

    #[test]
    fn class_names_round_trip() {
        for &class in ErrorClass::ALL {
            assert_eq!(ErrorClass::parse(class.as_str()), Some(class));
            let json = serde_json::to_string(&class).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", class.as_str()));
        }
        assert_eq!(ErrorClass::parse("nope"), None);
    }

    #[test]
    fn errors_serialize_with_kind_tag() {
        let err = AppError::field(
            "sync_interval",
            Rule::OutOfRange {
                min: 30,
                max: 86400,
            },
            "sync_interval must be between 30 and 86400 seconds",
        );
        let json = serde_json::to_value(&err).unwrap_or_default();
        assert_eq!(json["kind"], "validation");
        assert_eq!(json["errors"][0]["field"], "sync_interval");
        assert_eq!(json["errors"][0]["rule"]["code"], "out_of_range");
        assert_eq!(json["errors"][0]["rule"]["max"], 86400);
        assert!(err.is_bad_input());
        assert!(err.to_string().contains("between 30 and 86400"));
    }
}
