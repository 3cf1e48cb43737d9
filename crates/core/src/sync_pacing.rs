//! A system's pacing settings, checked when it is saved:
//! - `config.rate_limit_per_second`: calls a second the engine lets through to the vendor
//!   (a whole number: the engine's token bucket counts whole calls);
//! - `config.lookback_seconds`: how far an incremental sync reaches back behind its cursor,
//!   to catch records the vendor stamped late (at most a day).
//!
//! Both are optional; absent or null means the engine's default.

use serde_json::{Map, Value};

use crate::error::{Rule, Violations};
use crate::validate;

pub const RATE_LIMIT_KEY: &str = "rate_limit_per_second";
pub const RATE_LIMIT_MIN: i64 = 1;
/// Far above what any vendor allows: only syncs against the local simulators (tests,
/// `storelink bench sync`) go that fast.
pub const RATE_LIMIT_MAX: i64 = 100_000;
pub const LOOKBACK_KEY: &str = "lookback_seconds";
pub const LOOKBACK_MIN: i64 = 0;
pub const LOOKBACK_MAX: i64 = 86_400;

/// Checks both keys of a config about to be saved.
pub(crate) fn check(v: &mut Violations, config: &Map<String, Value>) {
    whole_in_range(v, config, RATE_LIMIT_KEY, RATE_LIMIT_MIN, RATE_LIMIT_MAX);
    whole_in_range(v, config, LOOKBACK_KEY, LOOKBACK_MIN, LOOKBACK_MAX);
}

fn whole_in_range(v: &mut Violations, config: &Map<String, Value>, key: &str, min: i64, max: i64) {
    let field = format!("config.{key}");
    match config.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) if n.as_i64().is_some() => {
            validate::range(v, &field, n.as_i64().unwrap_or_default(), min, max, "");
        }
        Some(other) => v.push(
            &field,
            Rule::Format {
                expected: "a whole number".into(),
            },
            format!(
                "{field} must be a whole number between {min} and {max} (got {})",
                other.to_string().chars().take(40).collect::<String>()
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AppError;
    use serde_json::json;

    fn refused(config: Value) -> Vec<(String, Rule)> {
        let mut v = Violations::new();
        if let Value::Object(map) = config {
            check(&mut v, &map);
        }
        match v.into_result() {
            Ok(()) => Vec::new(),
            Err(AppError::Validation { errors }) => {
                errors.into_iter().map(|e| (e.field, e.rule)).collect()
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn absent_null_and_bounds_are_accepted() {
        for ok in [
            json!({}),
            json!({"rate_limit_per_second": null, "lookback_seconds": null}),
            json!({"rate_limit_per_second": 1, "lookback_seconds": 0}),
            json!({"rate_limit_per_second": 100000, "lookback_seconds": 86400}),
        ] {
            assert_eq!(refused(ok.clone()), Vec::new(), "{ok}");
        }
    }

    #[test]
    fn out_of_range_and_non_numbers_are_named() {
        let errors = refused(json!({"rate_limit_per_second": 0, "lookback_seconds": 86401}));
        assert_eq!(
            errors,
            [
                (
                    "config.rate_limit_per_second".to_owned(),
                    Rule::OutOfRange {
                        min: 1,
                        max: 100_000
                    }
                ),
                (
                    "config.lookback_seconds".to_owned(),
                    Rule::OutOfRange { min: 0, max: 86400 }
                ),
            ]
        );
        for bad in [json!("20"), json!(2.5), json!(-1), json!([5])] {
            let errors = refused(json!({"rate_limit_per_second": bad}));
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].0, "config.rate_limit_per_second");
        }
        assert_eq!(
            refused(json!({"lookback_seconds": -5}))[0].1,
            Rule::OutOfRange { min: 0, max: 86400 }
        );
    }
}
