//! Local ids are UUID v7: unique without coordination and ordered by creation time, which
//! is what keyset pagination walks.

use uuid::Uuid;

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
