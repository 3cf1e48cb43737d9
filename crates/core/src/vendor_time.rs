//! Times as vendors send them. The seeds write local times without an offset
//! (`2024-02-15T18:05:00`); those are read in the store's zone (China Standard Time unless
//! a system says otherwise) and kept in UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::error::{Rule, Violations};

/// UTC+8, the offset of every store the seeds describe.
pub const CHINA_OFFSET_SECS: i32 = 8 * 3600;

pub fn china_offset() -> FixedOffset {
    offset_from_secs(CHINA_OFFSET_SECS)
}

/// An offset from seconds east of UTC; out-of-range values (over a day) fall back to UTC.
pub fn offset_from_secs(secs: i32) -> FixedOffset {
    FixedOffset::east_opt(secs).unwrap_or(UTC_OFFSET)
}

/// The store's offset a system's config sets (`utc_offset_minutes`), else China Standard
/// Time: local times from its vendor and its `sync_cron` are read there.
pub fn offset_of_config(config: &serde_json::Value) -> FixedOffset {
    config
        .get("utc_offset_minutes")
        .and_then(serde_json::Value::as_i64)
        .and_then(|m| i32::try_from(m.checked_mul(60)?).ok())
        .map(offset_from_secs)
        .unwrap_or_else(china_offset)
}

const UTC_OFFSET: FixedOffset = match FixedOffset::east_opt(0) {
    Some(o) => o,
    None => panic!("zero is a valid offset"),
};

/// RFC 3339 with an offset, or a local date-time (`T` or space, optional fraction), or a
/// bare date (midnight), the last two read at `offset`.
pub fn parse(text: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    parse_any(text, offset).filter(|t| storable(*t))
}

/// Whether `t` prints as RFC 3339 (years 0001 to 9999), the text it is stored as. A time
/// past 9999 (`+11085-07-18T…`, found by the import fuzzer) was stored, and every list
/// holding it then failed to read it back.
pub fn storable(t: DateTime<Utc>) -> bool {
    (1..=9999).contains(&chrono::Datelike::year(&t))
}

fn parse_any(text: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    const LOCAL: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ];
    let naive = LOCAL
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses an optional time field, recording a violation named after the field.
pub fn field(
    v: &mut Violations,
    name: &str,
    text: Option<&str>,
    offset: FixedOffset,
) -> Option<DateTime<Utc>> {
    let text = text?;
    let parsed = parse(text, offset);
    if parsed.is_none() {
        v.push(
            name,
            Rule::Format {
                expected: "ISO 8601 date-time, e.g. 2024-02-15T18:05:00 or 2024-02-15T10:05:00Z"
                    .into(),
            },
            format!(
                "{name} is not a date-time: `{}`",
                text.chars().take(40).collect::<String>()
            ),
        );
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_are_china_time() {
        let t = parse("2024-02-15T18:05:00", china_offset()).expect("parses");
        assert_eq!(t.to_rfc3339(), "2024-02-15T10:05:00+00:00");
        let d = parse("2024-02-15", china_offset()).expect("parses");
        assert_eq!(d.to_rfc3339(), "2024-02-14T16:00:00+00:00");
        let z = parse("2024-02-15T10:05:00Z", china_offset()).expect("parses");
        assert_eq!(z, t);
        assert!(parse("15/02/2024", china_offset()).is_none());
        assert!(parse("2024-02-30T00:00:00", china_offset()).is_none());
    }

    #[test]
    fn offset_from_config() {
        let east = |c: serde_json::Value| offset_of_config(&c).local_minus_utc();
        assert_eq!(east(serde_json::json!({})), CHINA_OFFSET_SECS);
        assert_eq!(
            east(serde_json::json!({"utc_offset_minutes": -300})),
            -5 * 3600
        );
        assert_eq!(
            east(serde_json::json!({"utc_offset_minutes": "x"})),
            CHINA_OFFSET_SECS
        );
        assert_eq!(east(serde_json::json!({"utc_offset_minutes": 100_000})), 0);
    }
}
