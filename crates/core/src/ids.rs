//! Local ids are UUID v7: unique without coordination and ordered by creation time, which
//! is what keyset pagination walks.

use uuid::Uuid;

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// The current UTC time at the precision the database keeps (microseconds), so a value
/// read back equals the value written.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}
