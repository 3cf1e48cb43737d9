//! A system's optional cron schedule (`config.sync_cron`), used instead of `sync_interval`
//! when set. Five fields (`*/15 * * * *`) or six with seconds first (`0 */15 * * * *`),
//! read in the store's local offset (`config.utc_offset_minutes`, UTC+8 by default).

use std::str::FromStr;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use croner::parser::{CronParser, Year};
use serde_json::{Map, Value};

use crate::error::{Rule, Violations};
use crate::system::SYNC_INTERVAL_MIN;

/// The config key that holds the expression.
pub const KEY: &str = "sync_cron";
const FIELD: &str = "config.sync_cron";
const EXPECTED: &str = "a cron expression of 5 fields (minute hour day month weekday) or 6 (seconds first), e.g. */15 * * * *";
/// Occurrences looked at when checking runs are not closer than `SYNC_INTERVAL_MIN`.
const GAP_SAMPLE: usize = 64;

/// A parsed `sync_cron`.
#[derive(Debug, Clone)]
pub struct SyncCron(croner::Cron);

impl FromStr for SyncCron {
    type Err = String;

    /// Parses an expression; the error names what is wrong with it.
    fn from_str(expr: &str) -> Result<Self, String> {
        // A year field would make a schedule that silently ends; five or six fields only.
        CronParser::builder()
            .year(Year::Disallowed)
            .build()
            .parse(expr)
            .map(SyncCron)
            .map_err(|e| e.to_string())
    }
}

impl SyncCron {
    /// The first occurrence strictly after `after`, on the wall clock of `offset`; `None`
    /// when the expression never matches a date (e.g. 30 February).
    pub fn next_after(&self, after: DateTime<Utc>, offset: FixedOffset) -> Option<DateTime<Utc>> {
        self.0
            .find_next_occurrence(&after.with_timezone(&offset), false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// Why this schedule cannot be used for syncing, if it cannot: it never fires, or
    /// fires more often than the shortest `sync_interval`.
    fn problem(&self) -> Option<String> {
        let utc = FixedOffset::east_opt(0)?;
        let mut at = utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single()?.to_utc();
        let Some(first) = self.next_after(at, utc) else {
            return Some("it never matches a date".to_owned());
        };
        at = first;
        for _ in 0..GAP_SAMPLE {
            let next = self.next_after(at, utc)?;
            if (next - at).num_seconds() < SYNC_INTERVAL_MIN {
                return Some(format!(
                    "it runs more often than once every {SYNC_INTERVAL_MIN} seconds"
                ));
            }
            at = next;
        }
        None
    }
}

/// The schedule a system's config sets: `None` when there is none (absent, null or an
/// empty string), `Some(Err(why))` when it is set but not a usable expression.
pub fn of_config(config: &Value) -> Option<Result<SyncCron, String>> {
    config.get(KEY).and_then(of_value)
}

fn of_value(value: &Value) -> Option<Result<SyncCron, String>> {
    match value {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.parse()),
        _ => Some(Err("it must be a string".to_owned())),
    }
}

/// Checks `config.sync_cron` when a system is saved.
pub(crate) fn check(v: &mut Violations, config: &Map<String, Value>) {
    let Some(value) = config.get(KEY) else {
        return;
    };
    let problem = match of_value(value) {
        None => None,
        Some(Err(e)) => Some(e),
        Some(Ok(cron)) => cron.problem(),
    };
    if let Some(problem) = problem {
        let shown: String = value
            .as_str()
            .map(|s| s.chars().take(60).collect())
            .unwrap_or_else(|| value.to_string().chars().take(60).collect());
        v.push(
            FIELD,
            Rule::Format {
                expected: EXPECTED.into(),
            },
            format!("{FIELD} `{shown}` cannot be used: {problem}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;
    use serde_json::json;

    fn errors(config: Value) -> Vec<FieldError> {
        let mut v = Violations::new();
        if let Value::Object(map) = config {
            check(&mut v, &map);
        }
        match v.into_result() {
            Ok(()) => Vec::new(),
            Err(crate::AppError::Validation { errors }) => errors,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn five_and_six_fields_and_absence_are_accepted() {
        for ok in [
            json!({}),
            json!({"sync_cron": null}),
            json!({"sync_cron": ""}),
            json!({"sync_cron": "*/15 * * * *"}),
            json!({"sync_cron": "30 0 2 * * MON-FRI"}),
            json!({"sync_cron": "@daily"}),
        ] {
            assert_eq!(errors(ok.clone()), Vec::new(), "{ok}");
        }
    }

    #[test]
    fn bad_expressions_are_named_with_their_problem() {
        let cases = [
            (json!("61 * * * *"), "out of bounds"),
            (json!("* * * *"), "5 or 6 fields"),
            (json!("0 0 1 1 * 2030 *"), "5 or 6 fields"),
            (json!("a b c d e"), "illegal character"),
            (json!("0 0 30 2 *"), "never matches"),
            (
                json!("*/10 * * * * *"),
                "more often than once every 30 seconds",
            ),
            (json!(15), "must be a string"),
        ];
        for (expr, why) in cases {
            let errs = errors(json!({ "sync_cron": expr }));
            assert_eq!(errs.len(), 1, "{expr}");
            assert_eq!(errs[0].field, "config.sync_cron");
            assert!(
                matches!(errs[0].rule, Rule::Format { .. }),
                "{:?}",
                errs[0].rule
            );
            assert!(errs[0].message.contains(why), "{expr}: {}", errs[0].message);
        }
    }

    #[test]
    fn saving_a_system_checks_its_cron() {
        use crate::system::{NewSystem, SystemPatch};
        let body = NewSystem {
            name: "ERP".into(),
            system_type: "erp".into(),
            provider: "custom".into(),
            config: Some(json!({"sync_cron": "*/15 * * *"})),
            ..Default::default()
        };
        let field_of = |e: crate::AppError| match e {
            crate::AppError::Validation { errors } => {
                errors.into_iter().map(|e| e.field).collect::<Vec<_>>()
            }
            other => panic!("unexpected {other:?}"),
        };
        let err = body.clone().validate().expect_err("refused");
        assert_eq!(field_of(err), ["config.sync_cron"]);
        let patch = SystemPatch {
            config: Some(json!({"sync_cron": "0 0 31 4 *"})),
            ..Default::default()
        };
        let err = patch.validate().expect_err("refused");
        assert_eq!(field_of(err), ["config.sync_cron"]);
        let good = NewSystem {
            config: Some(json!({"sync_cron": "*/15 * * * *"})),
            ..body
        };
        let valid = good.validate().expect("valid");
        assert_eq!(valid.config.get(KEY), Some(&json!("*/15 * * * *")));
    }

    #[test]
    fn occurrences_follow_the_local_offset() {
        let cron: SyncCron = "0 2 * * *".parse().expect("valid");
        let china = FixedOffset::east_opt(8 * 3600).expect("offset");
        let after = DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z")
            .expect("time")
            .to_utc();
        // 02:00 in UTC+8 is 18:00 UTC the day before; the next one after midnight UTC.
        let next = cron.next_after(after, china).map(|t| t.to_rfc3339());
        assert_eq!(next.as_deref(), Some("2025-03-01T18:00:00+00:00"));
    }
}
