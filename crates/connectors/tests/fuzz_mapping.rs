//! Property tests of field mappings and connector settings, the configs a person types in:
//! overrides, `config.field_mapping` of every provider and whole system configs give a
//! mapping, a connector, or a validation error naming the field; a mapping applied and
//! reversed gives the vendor's fields back. Cases: the defaults below, or `PROPTEST_CASES`.

#[path = "../../core/tests/props/json.rs"]
mod json;

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use storelink_connectors::generic::{Contract, Kind};
use storelink_connectors::mapping::FieldMapping;
use storelink_connectors::registry::{self, ConnectorSettings};
use storelink_core::system::SystemType;
use storelink_core::AppError;

use json::{config, json_value, mutated, nasty_string};

/// Every (type, provider) a connector serves.
fn providers() -> Vec<(SystemType, &'static str)> {
    SystemType::ALL
        .iter()
        .flat_map(|t| registry::providers(*t).iter().map(move |p| (*t, *p)))
        .collect()
}

fn validation_or_ok<T>(r: Result<T, AppError>) -> Result<Option<T>, TestCaseError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AppError::Validation { errors }) if !errors.is_empty() => {
            for e in &errors {
                prop_assert!(
                    e.field == "api_endpoint"
                        || e.field == "provider"
                        || e.field.starts_with("config")
                        || e.field.starts_with("secrets"),
                    "{:?}",
                    e
                );
            }
            Ok(None)
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "not a validation error: {other:?}"
        ))),
    }
}

/// A path such as `a_1.b[3].c`: keys and indexes as the mapping grammar allows.
fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(("[a-z][a-z0-9_]{0,6}", prop::option::of(0usize..5)), 1..4).prop_map(
        |steps| {
            steps
                .into_iter()
                .map(|(k, i)| match i {
                    Some(i) => format!("{k}[{i}]"),
                    None => k,
                })
                .collect::<Vec<_>>()
                .join(".")
        },
    )
}

/// A mapping whose targets and sources each start with a distinct key (`t0`.., `s0`..),
/// so no field overlaps another and applying then reversing loses nothing.
fn disjoint_mapping() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((path(), path()), 1..6).prop_map(|pairs| {
        pairs
            .into_iter()
            .enumerate()
            .map(|(n, (t, s))| (format!("t{n}.{t}"), format!("s{n}.{s}")))
            .collect()
    })
}

/// Puts `value` at a mapping path in `doc` the way the vendor's record would hold it.
fn place(doc: &mut Value, path: &str, value: Value) {
    let mapping = FieldMapping::from_pairs(&[("v", path)]);
    let rebuilt = mapping.compile().reverse(&json!({ "v": value }), &[]);
    merge(doc, rebuilt);
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, v) in b.into_iter().enumerate() {
                if i >= a.len() {
                    a.push(Value::Null);
                }
                if !v.is_null() {
                    merge(&mut a[i], v);
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

proptest! {
    #![proptest_config(config(1500))]

    #[test]
    fn apply_then_reverse_gives_the_vendor_fields_back(
        pairs in disjoint_mapping(),
        // Null is "no value" to a mapping, so it is not among the values placed.
        values in prop::collection::vec(
            json::leaf().prop_map(|v| if v.is_null() { Value::Bool(false) } else { v }),
            6,
        ),
    ) {
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(t, s)| (t.as_str(), s.as_str())).collect();
        let mapping = FieldMapping::from_pairs(&refs).compile();
        let mut vendor = Value::Object(Map::new());
        for ((_, source), value) in pairs.iter().zip(values) {
            place(&mut vendor, source, value);
        }
        let ours = mapping.apply(&vendor);
        prop_assert_eq!(mapping.reverse(&ours, &[]), vendor);
    }

    #[test]
    fn mappings_apply_to_any_record(pairs in prop::collection::vec((nasty_string(), nasty_string()), 0..6), record in json_value()) {
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(t, s)| (t.as_str(), s.as_str())).collect();
        let compiled = FieldMapping::from_pairs(&refs).compile();
        let out = compiled.apply(&record);
        prop_assert!(out.is_object());
        prop_assert!(compiled.reverse(&out, &["id"]).is_object());
    }

    #[test]
    fn overrides_are_a_mapping_or_named(overrides in prop_oneof![json_value(), mutated(json!({"name": "cust_name", "code": "a.b[2].c"}))], stream in nasty_string()) {
        let default = FieldMapping::from_pairs(&[("name", "name"), ("code", "number")]);
        if let Some(m) = validation_or_ok(default.with_overrides(Some(&overrides), &["name", "code"], &stream))? {
            prop_assert!(m.fields.keys().all(|k| k == "name" || k == "code"));
        }
    }

    #[test]
    fn field_mapping_configs_of_every_provider(
        which in any::<prop::sample::Index>(),
        mapping in prop_oneof![
            json_value(),
            mutated(json!({"customers": {"name": "cust_name"}, "products": {"name": "title"},
                "orders": {"externalId": "id"}, "members": {"level": "vip_level"}})),
        ],
    ) {
        let all = providers();
        let (kind, provider) = all[which.index(all.len())];
        validation_or_ok(registry::check_field_mapping(kind, provider, &json!({ "field_mapping": mapping })))?;
    }

    /// A whole system config, as saved, builds a connector or is refused with a field
    /// error; a connector built from it answers about its streams and events.
    #[test]
    fn connectors_build_from_any_settings(
        which in any::<prop::sample::Index>(),
        config_value in prop_oneof![json_value(), mutated(json!({
            "username": "storelink", "company_db": "SBODEMOCN", "acct_id": "65f1", "app_id": "1_x",
            "client_id": "c", "customer_code": "8800633175", "product_codes": ["A1"], "app_key": "k",
            "from_account": "a", "token_url": "http://127.0.0.1:9", "page_size": 50,
            "timeout_ms": 2000, "rate_limit_per_second": 10, "lookback_seconds": 0,
            "retryPolicy": {"maxRetries": 1}, "paths": {"list_members": "/m"}, "auth": "basic"}))],
        endpoint in prop_oneof![Just(Some("http://127.0.0.1:9/api".to_owned())), prop::option::of(nasty_string())],
        secrets in prop::collection::btree_map(
            prop::sample::select(vec!["password", "api_key", "app_secret", "client_secret", "access_token", "seller_password"]),
            nasty_string(), 0..4),
        event in nasty_string(),
        payload in json_value(),
    ) {
        let all = providers();
        let (system_type, provider) = all[which.index(all.len())];
        let settings = ConnectorSettings {
            system_type,
            provider: provider.to_owned(),
            api_endpoint: endpoint,
            config: config_value,
            secrets: secrets.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<BTreeMap<_, _>>(),
        };
        let built = match registry::build(&settings) {
            Ok(c) => Some(c),
            // A setting no request could carry (a secret with a NUL for a header) is
            // refused as the vendor call it would make: a non-retryable external error.
            Err(AppError::Validation { .. } | AppError::External { retryable: false, .. }) => None,
            Err(other) => return Err(TestCaseError::fail(format!("{provider}: {other:?}"))),
        };
        if let Some(connector) = built {
            // Seed 000's POS systems push to us and have no streams to pull.
            for stream in connector.streams() {
                prop_assert!(connector.stream(stream.name).is_some());
            }
            let _ = connector.event_target(&event, &payload);
        }
    }

    #[test]
    fn generic_contracts_from_any_config(config_value in prop_oneof![json_value(), mutated(json!({
            "paths": {"list_members": "/members", "get_member": "/members/{id}"},
            "auth_header": "X-API-Key", "auth_scheme": "", "error_codes": {"40001": "validation_error"}}))],
        kind in prop::sample::select(vec![Kind::Pos, Kind::Supplier, Kind::Member])) {
        validation_or_ok(Contract::from_config(kind, &config_value))?;
    }
}
