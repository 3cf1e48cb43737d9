//! The listener under abuse, over real HTTP on 127.0.0.1: oversized bodies (413, nothing
//! stored), slow clients sending their headers byte by byte (others are still answered;
//! the slow ones are dropped after the header read timeout), header floods (431, the
//! server stays up), and SQL metacharacters in every filter of every list endpoint
//! (answered cleanly, nothing stored); and the OpenAPI fixes schemathesis led to.
//! Run under scripts/with-keyring.sh.

mod common;

#[path = "abuse/limits.rs"]
mod limits;
#[path = "abuse/raw.rs"]
mod raw;
#[path = "abuse/schema.rs"]
mod schema;
#[path = "abuse/slow.rs"]
mod slow;
#[path = "abuse/sql.rs"]
mod sql;
