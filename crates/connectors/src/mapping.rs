//! Field mapping: which vendor field fills which field of Storelink's model. One mapping per
//! connector and stream ships as the default; a system's config may override entries
//! (`config.field_mapping.<stream>.<target> = "<source>"`), checked when saved.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use storelink_core::error::{AppError, Rule, Violations};

/// Target path (ours, e.g. `contacts[0].name`) → source path (the vendor's, e.g.
/// `contact_name`). Paths are dot-separated keys with optional `[n]` indexes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldMapping {
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return None;
        }
        steps.push(Step::Key(key.to_owned()));
        let mut rest = rest;
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']')?;
            let n: usize = inner[..end].parse().ok()?;
            if n > 64 {
                return None;
            }
            steps.push(Step::Index(n));
            rest = &inner[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(steps)
}

fn get<'v>(value: &'v Value, steps: &[Step]) -> Option<&'v Value> {
    steps.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

fn set(target: &mut Value, steps: &[Step], value: Value) {
    let Some((first, rest)) = steps.split_first() else {
        *target = value;
        return;
    };
    match first {
        Step::Key(k) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            if let Value::Object(map) = target {
                set(map.entry(k.clone()).or_insert(Value::Null), rest, value);
            }
        }
        Step::Index(i) => {
            if !target.is_array() {
                *target = Value::Array(Vec::new());
            }
            if let Value::Array(list) = target {
                while list.len() <= *i {
                    list.push(Value::Null);
                }
                set(&mut list[*i], rest, value);
            }
        }
    }
}

impl FieldMapping {
    pub fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        FieldMapping {
            fields: pairs
                .iter()
                .map(|(t, s)| ((*t).to_owned(), (*s).to_owned()))
                .collect(),
        }
    }

    /// The default with a system's overrides (`{target: source}`) applied on top; every
    /// target must be one of `known_targets` and every path well formed.
    pub fn with_overrides(
        &self,
        overrides: Option<&Value>,
        known_targets: &[&str],
        stream: &str,
    ) -> Result<FieldMapping, AppError> {
        let mut merged = self.clone();
        let Some(overrides) = overrides else {
            return Ok(merged);
        };
        let mut v = Violations::new();
        let Some(map) = overrides.as_object() else {
            return Err(AppError::field(
                format!("config.field_mapping.{stream}"),
                Rule::Json,
                "a field mapping is an object of target field → vendor field",
            ));
        };
        for (target, source) in map {
            let field = format!("config.field_mapping.{stream}.{target}");
            if !known_targets.contains(&target.as_str()) {
                v.push(
                    &field,
                    Rule::OneOf {
                        allowed: known_targets.iter().map(|t| (*t).to_owned()).collect(),
                    },
                    format!("`{target}` is not a field of the {stream} model"),
                );
                continue;
            }
            match source.as_str() {
                Some(s) if parse_path(s).is_some() => {
                    merged.fields.insert(target.clone(), s.to_owned());
                }
                _ => v.push(
                    &field,
                    Rule::Format {
                        expected:
                            "a vendor field path such as `contact_name` or `inventory.quantity`"
                                .into(),
                    },
                    format!("the source of `{target}` is not a field path"),
                ),
            }
        }
        v.into_result().map(|()| merged)
    }

    /// Builds Storelink's record from the vendor's: every mapped target that has a value.
    pub fn apply(&self, source: &Value) -> Value {
        self.compile().apply(source)
    }

    /// The mapping with its paths parsed once, for applying to many records.
    pub fn compile(&self) -> CompiledMapping {
        CompiledMapping {
            steps: self
                .fields
                .iter()
                .filter_map(|(t, s)| Some((parse_path(t)?, parse_path(s)?)))
                .collect(),
        }
    }
}

/// A mapping ready to apply: (target steps, source steps) per field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompiledMapping {
    steps: Vec<(Vec<Step>, Vec<Step>)>,
}

impl CompiledMapping {
    pub fn apply(&self, source: &Value) -> Value {
        let mut out = Value::Object(Map::new());
        for (target, from) in &self.steps {
            if let Some(v) = get(source, from).filter(|v| !v.is_null()) {
                set(&mut out, target, v.clone());
            }
        }
        out
    }

    /// The vendor's shape of one of our records, for pushing a local change back: every
    /// mapped field that has a value, except the vendor-owned ones named in `skip` (its id,
    /// change time, version), which the vendor sets itself.
    pub fn reverse(&self, ours: &Value, skip: &[&str]) -> Value {
        let mut out = Value::Object(Map::new());
        for (target, from) in &self.steps {
            let vendor_owned =
                matches!(from.as_slice(), [Step::Key(k)] if skip.contains(&k.as_str()));
            if vendor_owned {
                continue;
            }
            if let Some(v) = get(ours, target).filter(|v| !v.is_null()) {
                set(&mut out, from, v.clone());
            }
        }
        out
    }
}

/// The mapping in force for a stream: the configured one, else the shipped default.
pub(crate) fn in_force(
    mappings: &[(String, FieldMapping)],
    stream: &str,
    default: impl Fn(&str) -> FieldMapping,
) -> FieldMapping {
    mappings
        .iter()
        .find(|(name, _)| name == stream)
        .map(|(_, m)| m.clone())
        .unwrap_or_else(|| default(stream))
}

/// Per stream, the mapping in force compiled once.
pub(crate) fn compile_streams(
    streams: &[crate::connector::StreamSpec],
    mappings: &[(String, FieldMapping)],
    default: impl Fn(&str) -> FieldMapping,
) -> Vec<(String, CompiledMapping)> {
    streams
        .iter()
        .map(|s| {
            let mapping = in_force(mappings, s.name, &default);
            (s.name.to_owned(), mapping.compile())
        })
        .collect()
}

/// The compiled mapping of a stream in a list built by [`compile_streams`].
pub(crate) fn compiled_for<'a>(
    compiled: &'a [(String, CompiledMapping)],
    stream: &str,
) -> Option<&'a CompiledMapping> {
    compiled.iter().find(|(s, _)| s == stream).map(|(_, m)| m)
}

/// The model fields a shipped mapping fills (the first of each pair) plus `extra`, sorted,
/// each once: what the settings form offers for a stream.
pub fn mappable_with(pairs: &[(&'static str, &str)], extra: &[&'static str]) -> Vec<&'static str> {
    let mut fields: Vec<&'static str> = pairs.iter().map(|(t, _)| *t).collect();
    fields.extend_from_slice(extra);
    fields.sort_unstable();
    fields.dedup();
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn maps_nested_targets_and_sources() {
        let m = FieldMapping::from_pairs(&[
            ("externalId", "id"),
            ("contacts[0].name", "contact_name"),
            ("inventory.quantity", "stock.qty"),
        ]);
        let out = m.apply(&json!({"id": "C1", "contact_name": "张三", "stock": {"qty": "12.5"}}));
        assert_eq!(
            out,
            json!({"externalId": "C1", "contacts": [{"name": "张三"}], "inventory": {"quantity": "12.5"}})
        );
    }

    #[test]
    fn reverse_gives_the_vendor_shape_without_vendor_owned_fields() {
        let m = FieldMapping::from_pairs(&[
            ("externalId", "id"),
            ("name", "name"),
            ("contacts[0].phone", "contact_phone"),
            ("metadata.version", "version"),
        ])
        .compile();
        let ours = json!({"externalId": "C1", "name": "李", "contacts": [{"phone": "13800138000"}], "metadata": {"version": 3}});
        assert_eq!(
            m.reverse(&ours, &["id", "version"]),
            json!({"name": "李", "contact_phone": "13800138000"})
        );
    }

    #[test]
    fn overrides_are_checked() {
        let m = FieldMapping::from_pairs(&[("name", "name")]);
        let ok = m
            .with_overrides(Some(&json!({"name": "cust_name"})), &["name"], "customers")
            .expect("valid");
        assert_eq!(ok.fields["name"], "cust_name");
        let err = m
            .with_overrides(
                Some(&json!({"nmae": "x", "name": "bad path!"})),
                &["name"],
                "customers",
            )
            .expect_err("invalid");
        let AppError::Validation { errors } = err else {
            panic!("validation")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "config.field_mapping.customers.name",
                "config.field_mapping.customers.nmae"
            ]
        );
    }
}
