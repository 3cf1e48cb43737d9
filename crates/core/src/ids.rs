//! Local ids are UUID v7: unique without coordination and ordered by creation time, which
//! is what keyset pagination walks.

use std::sync::atomic::{AtomicI64, Ordering};

use uuid::Uuid;

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// How far this process's clock is moved from the system clock, in microseconds: zero,
/// except in the clock fault tests, which jump it back and forward the way a wrong
/// system clock, an NTP correction or a resumed laptop does.
static CLOCK_OFFSET_MICROS: AtomicI64 = AtomicI64::new(0);

/// The current UTC time at the precision the database keeps (microseconds), so a value
/// read back equals the value written. Every rule that depends on the wall clock reads it
/// here, so a clock jump can be tested.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    let offset = chrono::Duration::microseconds(CLOCK_OFFSET_MICROS.load(Ordering::Relaxed));
    let system = Utc::now();
    system
        .checked_add_signed(offset)
        .unwrap_or(system)
        .trunc_subsecs(6)
}

/// Moves the clock [`now`] reads by `offset` from the system clock (tests of clock
/// jumps; never called by the app).
pub fn set_clock_offset(offset: chrono::Duration) {
    let micros = offset.num_microseconds().unwrap_or(0);
    CLOCK_OFFSET_MICROS.store(micros, Ordering::Relaxed);
}
