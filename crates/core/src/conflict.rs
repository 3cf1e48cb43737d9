//! A record both sides changed since the last sync: the vendor's version (the seeds'
//! "source") and a local change still waiting in the outbox (the "target"). The system's
//! strategy (seed 004 §7.3) decides, or `manual` parks it for a person.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::sync::ConflictStrategy;

string_enum!(ConflictStatus { Open => "open", Resolved => "resolved" });
string_enum!(ConflictSide { Local => "local", Remote => "remote" });

/// A strategy a system uses when none is configured: nobody's change is dropped silently.
pub const DEFAULT_STRATEGY: ConflictStrategy = ConflictStrategy::Manual;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Conflict {
    pub id: Uuid,
    pub system_id: Uuid,
    /// The stream the record belongs to (`customers`, `products`, `orders`).
    pub entity: String,
    /// The record as the outbox names it (`customers:C0001`).
    pub record_key: String,
    /// The vendor's version.
    pub source_data: Value,
    /// The local version, with the change not yet sent.
    pub target_data: Value,
    pub source_updated_at: Option<DateTime<Utc>>,
    pub target_updated_at: Option<DateTime<Utc>>,
    pub status: ConflictStatus,
    pub resolution: Option<Value>,
    pub resolved_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The fields whose values differ, for a side-by-side compare.
    pub fields: Vec<FieldDiff>,
}

/// One field (a dotted path into the record) that differs between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FieldDiff {
    pub path: String,
    pub local: Option<Value>,
    pub remote: Option<Value>,
}

/// How a person resolves a conflict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "choice", rename_all = "snake_case")]
pub enum ConflictChoice {
    /// The local change stands and is sent to the vendor.
    KeepLocal,
    /// The vendor's version replaces the local one; the unsent change is cancelled.
    TakeRemote,
    /// Each differing field from one side; the result is sent to the vendor.
    PerField {
        fields: BTreeMap<String, ConflictSide>,
    },
}

/// What the strategy does with a conflict found during a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    TakeRemote,
    KeepLocal,
    Park,
}

/// A system's `config.conflict_strategy`, when given, must be one of seed 004 §7.3's.
pub fn check_strategy(v: &mut Violations, config: &Map<String, Value>) {
    match config.get("conflict_strategy") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if ConflictStrategy::parse(s).is_some() => {}
        Some(other) => v.push(
            "config.conflict_strategy",
            Rule::OneOf {
                allowed: ConflictStrategy::NAMES
                    .iter()
                    .map(|n| (*n).to_owned())
                    .collect(),
            },
            format!(
                "config.conflict_strategy {other} is not one of {}",
                ConflictStrategy::NAMES.join(", ")
            ),
        ),
    }
}

/// Seed 004 §7.3. `latest_wins` compares the vendor's change time with the local change's;
/// a tie or a vendor that gives no time keeps the local change (the seed's strict `>`).
pub fn decide(
    strategy: ConflictStrategy,
    remote_updated_at: Option<DateTime<Utc>>,
    local_changed_at: DateTime<Utc>,
) -> Decision {
    match strategy {
        ConflictStrategy::SourceWins => Decision::TakeRemote,
        ConflictStrategy::TargetWins => Decision::KeepLocal,
        ConflictStrategy::LatestWins => match remote_updated_at {
            Some(remote) if remote > local_changed_at => Decision::TakeRemote,
            _ => Decision::KeepLocal,
        },
        ConflictStrategy::Manual => Decision::Park,
    }
}

fn flatten<'v>(prefix: &str, value: &'v Value, out: &mut BTreeMap<String, &'v Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&path, v, out);
            }
        }
        // Arrays (address lists, order lines) are compared and chosen whole.
        other => {
            out.insert(prefix.to_owned(), other);
        }
    }
}

/// The leaf fields whose values differ, in path order.
pub fn differing_fields(local: &Value, remote: &Value) -> Vec<FieldDiff> {
    let (mut l, mut r) = (BTreeMap::new(), BTreeMap::new());
    flatten("", local, &mut l);
    flatten("", remote, &mut r);
    let paths: std::collections::BTreeSet<&String> = l.keys().chain(r.keys()).collect();
    paths
        .into_iter()
        .filter_map(|p| {
            let (a, b) = (l.get(p).copied(), r.get(p).copied());
            (a != b).then(|| FieldDiff {
                path: p.clone(),
                local: a.cloned(),
                remote: b.cloned(),
            })
        })
        .collect()
}

fn set_path(target: &mut Value, path: &str, value: Option<Value>) {
    let mut parts = path.split('.').peekable();
    let mut node = target;
    while let Some(part) = parts.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else { return };
        if parts.peek().is_none() {
            match value {
                Some(v) => {
                    map.insert(part.to_owned(), v);
                }
                None => {
                    map.remove(part);
                }
            }
            return;
        }
        node = map
            .entry(part.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// The record a per-field choice makes: the local version with the fields chosen `remote`
/// taken from the vendor's. Every differing field needs a choice, and only those may have one.
pub fn merge(
    local: &Value,
    remote: &Value,
    choices: &BTreeMap<String, ConflictSide>,
) -> Result<Value, AppError> {
    let diffs = differing_fields(local, remote);
    let mut v = Violations::new();
    for path in choices.keys() {
        if !diffs.iter().any(|d| &d.path == path) {
            v.push(
                format!("fields.{path}"),
                Rule::OneOf {
                    allowed: diffs.iter().map(|d| d.path.clone()).collect(),
                },
                format!("`{path}` is not a field that differs between the two versions"),
            );
        }
    }
    for d in &diffs {
        if !choices.contains_key(&d.path) {
            v.push(
                format!("fields.{}", d.path),
                Rule::Required,
                format!("choose the local or the vendor's value of `{}`", d.path),
            );
        }
    }
    v.into_result()?;
    let mut merged = local.clone();
    for d in diffs {
        if choices.get(&d.path) == Some(&ConflictSide::Remote) {
            set_path(&mut merged, &d.path, d.remote);
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, 0, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn strategies_decide_as_seed_004_says() {
        use ConflictStrategy as S;
        assert_eq!(
            decide(S::SourceWins, Some(at(1)), at(2)),
            Decision::TakeRemote
        );
        assert_eq!(
            decide(S::TargetWins, Some(at(3)), at(2)),
            Decision::KeepLocal
        );
        assert_eq!(
            decide(S::LatestWins, Some(at(3)), at(2)),
            Decision::TakeRemote
        );
        assert_eq!(
            decide(S::LatestWins, Some(at(1)), at(2)),
            Decision::KeepLocal
        );
        assert_eq!(
            decide(S::LatestWins, Some(at(2)), at(2)),
            Decision::KeepLocal
        );
        assert_eq!(decide(S::LatestWins, None, at(2)), Decision::KeepLocal);
        assert_eq!(decide(S::Manual, Some(at(3)), at(2)), Decision::Park);
    }

    #[test]
    fn differing_fields_are_leaf_paths() {
        let local = json!({"name": "Li", "contact": {"phone": "1", "email": "a@x"}, "tags": [1]});
        let remote =
            json!({"name": "Li", "contact": {"phone": "2"}, "tags": [1, 2], "level": "gold"});
        let paths: Vec<_> = differing_fields(&local, &remote)
            .into_iter()
            .map(|d| d.path)
            .collect();
        assert_eq!(paths, ["contact.email", "contact.phone", "level", "tags"]);
        assert!(differing_fields(&local, &local).is_empty());
    }

    #[test]
    fn merge_takes_each_field_from_the_chosen_side() {
        let local = json!({"name": "Local", "contact": {"phone": "1", "email": "a@x"}});
        let remote = json!({"name": "Remote", "contact": {"phone": "2"}, "level": "gold"});
        let choices = BTreeMap::from([
            ("name".to_owned(), ConflictSide::Local),
            ("contact.phone".to_owned(), ConflictSide::Remote),
            ("contact.email".to_owned(), ConflictSide::Remote),
            ("level".to_owned(), ConflictSide::Remote),
        ]);
        let merged = merge(&local, &remote, &choices).expect("merges");
        assert_eq!(
            merged,
            json!({"name": "Local", "contact": {"phone": "2"}, "level": "gold"})
        );
    }

    #[test]
    fn merge_names_missing_and_unknown_choices() {
        let local = json!({"name": "Local", "code": "C1"});
        let remote = json!({"name": "Remote", "code": "C1"});
        let err = merge(
            &local,
            &remote,
            &BTreeMap::from([("code".to_owned(), ConflictSide::Remote)]),
        )
        .expect_err("refused");
        let AppError::Validation { errors } = err else {
            panic!("not a validation error: {err:?}")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["fields.code", "fields.name"]);
    }

    #[test]
    fn only_seed_strategies_are_accepted() {
        let check = |c: Value| {
            let mut v = Violations::new();
            check_strategy(&mut v, c.as_object().expect("object"));
            v.is_empty()
        };
        assert!(check(json!({})));
        assert!(check(json!({"conflict_strategy": "latest_wins"})));
        assert!(!check(json!({"conflict_strategy": "newest_wins"})));
        assert!(!check(json!({"conflict_strategy": 3})));
    }

    #[test]
    fn choices_travel_as_tagged_json() {
        let c: ConflictChoice =
            serde_json::from_value(json!({"choice": "per_field", "fields": {"name": "remote"}}))
                .expect("parses");
        assert_eq!(
            c,
            ConflictChoice::PerField {
                fields: BTreeMap::from([("name".to_owned(), ConflictSide::Remote)])
            }
        );
        let keep: ConflictChoice =
            serde_json::from_value(json!({"choice": "keep_local"})).expect("parses");
        assert_eq!(keep, ConflictChoice::KeepLocal);
    }
}
