//! Times and schedules from outside: vendor time stamps and `config.sync_cron`.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};
use proptest::prelude::*;
use serde_json::json;
use storelink_core::sync_cron::{self, SyncCron};
use storelink_core::system::NewSystem;
use storelink_core::{vendor_time, AppError};

use crate::json::{config, nasty_string};

/// One cron field built from the pieces croner understands, in odd combinations.
fn cron_field() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        Just("*".to_owned()),
        Just("?".to_owned()),
        Just("L".to_owned()),
        Just("W".to_owned()),
        (0u32..70).prop_map(|n| n.to_string()),
        (0u32..70, 0u32..70).prop_map(|(a, b)| format!("{a}-{b}")),
        (0u32..70).prop_map(|n| format!("*/{n}")),
        (0u32..70, 0u32..70).prop_map(|(a, b)| format!("{a}/{b}")),
        (0u32..32).prop_map(|n| format!("{n}W")),
        (0u32..8, 0u32..7).prop_map(|(d, n)| format!("{d}#{n}")),
        (0u32..8).prop_map(|d| format!("{d}L")),
        prop::sample::select(vec!["MON", "SUN-SAT", "JAN", "FEB-DEC", "LW", "L-3"])
            .prop_map(str::to_owned),
    ];
    prop::collection::vec(atom, 1..3).prop_map(|atoms| atoms.join(","))
}

fn cron_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(cron_field(), 4..8).prop_map(|f| f.join(" ")),
        1 => prop::sample::select(vec!["@daily", "@hourly", "@yearly", "@weekly", "@reboot", "@"])
            .prop_map(str::to_owned),
        1 => nasty_string(),
    ]
}

fn offset() -> impl Strategy<Value = FixedOffset> {
    (-86_399i32..=86_399)
        .prop_map(|s| FixedOffset::east_opt(s).unwrap_or(FixedOffset::east_opt(0).expect("UTC")))
}

fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    // From 1970 to 2200: far enough to reach leap days and year ends.
    (0i64..7_258_118_400).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap_or_default())
}

proptest! {
    #![proptest_config(config(1000))]

    /// Whatever time is accepted prints as the RFC 3339 text it is stored as, and reads
    /// back from it (a year past 9999 once made every list holding it unreadable).
    #[test]
    fn vendor_times_parse_to_storable_times_or_none(
        text in prop_oneof![
            nasty_string(),
            (-300_000i64..300_000, 1u32..13, 1u32..29, any::<bool>())
                .prop_map(|(y, m, d, t)| if t { format!("{y}-{m:02}-{d:02}T10:00:00") } else { format!("{y}-{m:02}-{d:02}") }),
            Just("9999-12-31T23:30:00-05:00".to_owned()),
            Just("0001-01-01T00:30:00+05:00".to_owned()),
        ],
        offset in offset(),
    ) {
        if let Some(t) = vendor_time::parse(&text, offset) {
            let stored = t.to_rfc3339_opts(SecondsFormat::Micros, true);
            prop_assert!(DateTime::parse_from_rfc3339(&stored).is_ok(), "{} -> {}", text, stored);
        }
    }

    #[test]
    fn local_times_parse_to_their_offset(t in instant(), offset in offset()) {
        let local = t.with_timezone(&offset).format("%Y-%m-%dT%H:%M:%S").to_string();
        prop_assert_eq!(vendor_time::parse(&local, offset), Some(t), "{}", local);
        prop_assert_eq!(vendor_time::parse(&t.to_rfc3339(), offset), Some(t));
    }

    #[test]
    fn a_cron_is_parsed_or_refused(expr in cron_text(), after in instant(), offset in offset()) {
        if let Ok(cron) = expr.parse::<SyncCron>() {
            if let Some(next) = cron.next_after(after, offset) {
                prop_assert!(next > after, "{} after {}: {}", expr, after, next);
            }
        }
    }

    /// Saving a system checks its schedule; whatever the text, the answer is the system or
    /// a field error naming `config.sync_cron`.
    #[test]
    fn a_saved_cron_is_accepted_or_named(expr in cron_text()) {
        let system = NewSystem {
            name: "ERP".into(),
            system_type: "erp".into(),
            provider: "custom".into(),
            config: Some(json!({ sync_cron::KEY: expr })),
            ..Default::default()
        };
        match system.validate() {
            Ok(valid) => {
                let schedule = sync_cron::of_config(&serde_json::Value::Object(valid.config));
                prop_assert!(!matches!(schedule, Some(Err(_))));
            }
            Err(AppError::Validation { errors }) => {
                prop_assert!(errors.iter().all(|e| e.field == "config.sync_cron"), "{:?}", errors);
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
