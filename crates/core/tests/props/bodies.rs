//! Pushed bodies (seeds 000 and 002), webhook envelopes and system configs: whatever the
//! bytes, parsing gives a value or a serde error, and checking gives a valid value or a
//! validation error naming fields; never a panic or another kind of error.

use chrono::FixedOffset;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::json;
use storelink_core::ingest::{WebhookChannel, WebhookEnvelope};
use storelink_core::member::MemberInput;
use storelink_core::pos::PosTransactionInput;
use storelink_core::reservation::{ReservationInput, StatusChange};
use storelink_core::supplier::{SupplierOrderInput, SupplierStatusChange};
use storelink_core::system::{NewSystem, SystemFilter, SystemPatch};
use storelink_core::AppError;

use crate::json::{body_from, config, json_value, mutated, nasty_string};
use crate::seeds::{member_seed, pos_seed, reservation_seed, supplier_seed};

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8")
}

/// A checker's verdict is a value or field-named validation errors (or, for a status
/// change, a refused transition, which is also a validation error).
fn checked<T>(result: Result<T, AppError>) -> Result<(), TestCaseError> {
    match result {
        Ok(_) => Ok(()),
        Err(AppError::Validation { errors }) if !errors.is_empty() => {
            for e in &errors {
                prop_assert!(!e.field.is_empty() && !e.message.is_empty(), "{:?}", e);
            }
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "not a validation error: {other:?}"
        ))),
    }
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    serde_json::from_slice(bytes).ok()
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn pos_bodies(body in body_from(pos_seed())) {
        if let Some(input) = parse::<PosTransactionInput>(&body) {
            checked(input.validate(china()))?;
        }
    }

    #[test]
    fn supplier_bodies(body in body_from(supplier_seed())) {
        if let Some(input) = parse::<SupplierOrderInput>(&body) {
            checked(input.validate(china()))?;
        }
        let _ = parse::<SupplierStatusChange>(&body);
    }

    #[test]
    fn member_bodies(body in body_from(member_seed())) {
        if let Some(input) = parse::<MemberInput>(&body) {
            checked(input.validate())?;
        }
    }

    #[test]
    fn reservation_bodies(body in body_from(reservation_seed())) {
        if let Some(input) = parse::<ReservationInput>(&body) {
            checked(input.validate(china()))?;
        }
    }

    #[test]
    fn reservation_status_changes(
        body in body_from(json!({"status": "seated", "table_number": "A12",
            "arrival_time": "2024-02-15T18:05:00"}))
    ) {
        if let Some(input) = parse::<StatusChange>(&body) {
            checked(input.validate(china()))?;
        }
    }

    #[test]
    fn webhook_envelopes(
        body in body_from(json!({"id": "evt-1", "event": "transaction.created",
            "timestamp": "2026-02-04T16:00:00Z", "source": "pos", "data": pos_seed()}))
    ) {
        if let Some(envelope) = parse::<WebhookEnvelope>(&body) {
            for channel in WebhookChannel::ALL {
                if let Err(e) = envelope.check_event(*channel) {
                    checked::<()>(Err(e))?;
                }
            }
        }
    }

    #[test]
    fn system_configs(config_value in prop_oneof![json_value(), mutated(json!({
            "api_endpoint": "http://127.0.0.1:9/api", "api_key": "k", "sync_cron": "*/15 * * * *",
            "conflict_strategy": "manual", "field_mapping": {"customers": {"name": "cust_name"}},
            "nested": {"list": [{"password": "p"}]}, "timeout_ms": 2000}))],
        kind in prop::sample::select(vec!["erp", "pos", "supplier", "member", "nope", ""]),
        name in nasty_string(),
        interval in any::<Option<i64>>(),
    ) {
        let new = NewSystem {
            name: name.clone(),
            system_type: kind.into(),
            provider: "custom".into(),
            config: Some(config_value.clone()),
            sync_interval: interval,
            ..Default::default()
        };
        checked(new.validate())?;
        let patch = SystemPatch {
            name: Some(name),
            config: Some(config_value),
            sync_interval: interval,
            ..Default::default()
        };
        checked(patch.validate())?;
    }

    #[test]
    fn system_list_filters(kind in nasty_string(), store in nasty_string(), status in nasty_string()) {
        let filter = SystemFilter {
            system_type: Some(kind),
            store_id: Some(store),
            status: Some(status),
            ..Default::default()
        };
        checked(filter.validate())?;
    }
}
