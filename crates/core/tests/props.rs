//! Property tests of the core's parsers of outside text: money, vendor times, cron
//! schedules, webhook envelopes, the pushed bodies of seeds 000/002 and system configs.
//! Arbitrary and mutated inputs never panic and end in a value or a typed error.
//! Cases per property: the defaults below, or `PROPTEST_CASES`.

#[path = "props/bodies.rs"]
mod bodies;
#[path = "props/json.rs"]
mod json;
#[path = "props/money.rs"]
mod money;
#[path = "props/schedule.rs"]
mod schedule;
#[path = "props/seeds.rs"]
mod seeds;
