use chrono::{DateTime, SecondsFormat, Utc};
use storelink_core::AppError;

/// Fixed-width UTC text, so that text order in SQLite is time order.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub fn parse_time(s: &str) -> Result<DateTime<Utc>, AppError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AppError::internal(format!("bad time `{s}` in database: {e}")))
}

pub(crate) fn parse_opt_time(s: Option<String>) -> Result<Option<DateTime<Utc>>, AppError> {
    s.as_deref().map(parse_time).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_order_is_time_order() {
        let a = parse_time("2026-01-02T03:04:05Z").unwrap_or_default();
        let b = a + chrono::Duration::microseconds(1);
        assert!(fmt_time(a) < fmt_time(b));
        assert_eq!(fmt_time(a), "2026-01-02T03:04:05.000000Z");
        assert_eq!(parse_time(&fmt_time(b)).ok(), Some(b));
    }
}
