//! LAN POS terminals and their tokens. The token is shown once; only its hash is kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Terminal {
    pub id: Uuid,
    pub system_id: Uuid,
    pub name: String,
    pub role: crate::roles::Role,
    /// The first characters of the token, so a person can tell tokens apart.
    pub token_prefix: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}
