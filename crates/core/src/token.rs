//! API tokens for LAN POS terminals and scripts. The token is shown once when created; the
//! database keeps its SHA-256 and a short prefix so a person can tell tokens apart.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::roles::Role;
use crate::validate;

/// Every token starts with this, so a leaked one is easy to recognise and scan for.
pub const TOKEN_PREFIX: &str = "slk_";
/// Requests a second a token may make unless set otherwise.
pub const DEFAULT_RATE_LIMIT: u32 = 50;
pub const MAX_RATE_LIMIT: u32 = 100_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    /// A token bound to a system may only push to and read that system.
    pub system_id: Option<Uuid>,
    /// The first characters of the token (`slk_AbCd1234`).
    pub token_prefix: String,
    /// Requests a second before the listener answers 429.
    pub rate_limit: u32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct NewToken {
    pub name: String,
    pub role: Role,
    pub system_id: Option<Uuid>,
    pub rate_limit: Option<u32>,
}

impl NewToken {
    pub fn validate(&self) -> Result<u32, AppError> {
        let mut v = Violations::new();
        validate::required_text(&mut v, "name", &self.name, 64);
        let rate = self.rate_limit.unwrap_or(DEFAULT_RATE_LIMIT);
        if !(1..=MAX_RATE_LIMIT).contains(&rate) {
            v.push(
                "rate_limit",
                Rule::OutOfRange {
                    min: 1,
                    max: i64::from(MAX_RATE_LIMIT),
                },
                format!("rate_limit must be between 1 and {MAX_RATE_LIMIT} requests a second"),
            );
        }
        v.into_result().map(|()| rate)
    }
}

/// The one time the token itself is seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CreatedToken {
    pub token: String,
    pub info: ApiToken,
}
