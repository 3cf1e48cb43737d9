//! The field mapping preview: a stream's mapping (shipped default plus the overrides being
//! edited, checked exactly as on save) applied to a sample record, with what each field
//! got and why a field got nothing. The sample is the one the person pasted, else the
//! latest raw body the system sent about that stream (the inbox), else the connector's
//! shipped example.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use storelink_connectors::mapping::FieldMapping;
use storelink_connectors::registry::mapping_streams;
use storelink_connectors::samples::vendor_example;
use storelink_core::error::Rule;
use storelink_core::system::ExternalSystem;
use storelink_core::{Actor, AppError, Operation};
use storelink_store::{inbox, inbox_samples};
use uuid::Uuid;

use crate::Services;

/// A pasted sample larger than this is refused (a record, not a data dump).
const SAMPLE_MAX_BYTES: usize = 256 * 1024;
/// How many of a system's latest received events are looked at for a stored sample.
const INBOX_LOOKBACK: u32 = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PreviewRequest {
    pub stream: String,
    /// The stream's overrides being edited (`{target: source}`); none = the shipped mapping.
    #[serde(default)]
    pub overrides: Option<Value>,
    /// A record pasted by the person; none = the stored or shipped sample.
    #[serde(default)]
    pub sample: Option<Value>,
}

/// Where the sample came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SampleSource {
    /// The latest body the system sent about the stream, as the inbox keeps it.
    Stored {
        inbox_id: Uuid,
        event_type: String,
        received_at: DateTime<Utc>,
    },
    /// The connector's shipped example of the stream.
    Shipped,
    /// Pasted by the person.
    Given,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum FieldProblem {
    /// Nothing (or null) at the source path in the sample.
    MissingSource,
    /// The source path holds an empty text, list or object.
    EmptyValue,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PreviewField {
    pub target: String,
    pub source: String,
    /// The source is the system's own, not the shipped default.
    pub overridden: bool,
    pub value: Option<Value>,
    pub problem: Option<FieldProblem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MappingPreview {
    pub stream: String,
    pub sample: Value,
    pub sample_source: SampleSource,
    /// The record as Storelink would keep it.
    pub mapped: Value,
    /// Every mapped field, in target order.
    pub fields: Vec<PreviewField>,
}

/// The value one source path holds in a record (null counts as nothing).
fn value_at(record: &Value, source: &str) -> Option<Value> {
    FieldMapping::from_pairs(&[("v", source)])
        .apply(record)
        .get("v")
        .cloned()
}

fn problem_of(value: Option<&Value>) -> Option<FieldProblem> {
    match value {
        None => Some(FieldProblem::MissingSource),
        Some(Value::String(s)) if s.trim().is_empty() => Some(FieldProblem::EmptyValue),
        Some(Value::Array(a)) if a.is_empty() => Some(FieldProblem::EmptyValue),
        Some(Value::Object(o)) if o.is_empty() => Some(FieldProblem::EmptyValue),
        Some(_) => None,
    }
}

/// Whether an event type is about a stream: `customer.updated` → `customers`,
/// `bg_order_status_change_event` → `orders`, `reservation.created` → `reservations`.
fn names_stream(event_type: &str, stream: &str) -> bool {
    let singular = stream.strip_suffix('s').unwrap_or(stream);
    event_type
        .split(['.', '_', '-'])
        .any(|part| part.eq_ignore_ascii_case(singular) || part.eq_ignore_ascii_case(stream))
}

/// The record inside a received body: its `data` object when it has one (seed 002/004
/// envelopes), else the body itself when it is an object.
fn record_of(body: &str) -> Option<Value> {
    let value: Value = serde_json::from_str(body).ok()?;
    match value.get("data") {
        Some(data @ Value::Object(_)) => Some(data.clone()),
        _ => value.is_object().then_some(value),
    }
}

fn check_given(sample: Value) -> Result<Value, AppError> {
    let size = serde_json::to_vec(&sample).map(|b| b.len()).unwrap_or(0);
    if !sample.is_object() {
        return Err(AppError::field(
            "sample",
            Rule::Json,
            "the sample must be one record, a JSON object",
        ));
    }
    if size > SAMPLE_MAX_BYTES {
        return Err(AppError::field(
            "sample",
            Rule::TooLong {
                max: SAMPLE_MAX_BYTES as u32,
            },
            format!("the sample must be at most {SAMPLE_MAX_BYTES} bytes of JSON"),
        ));
    }
    Ok(sample)
}

impl Services {
    /// Previews a stream's mapping. Managers only: a stored sample is raw vendor data from
    /// the inbox, which only they may read.
    pub async fn preview_mapping(
        &self,
        actor: &Actor,
        id: &str,
        request: PreviewRequest,
    ) -> Result<MappingPreview, AppError> {
        let system = self
            .settings_system(actor, Operation::SystemsUpdate, id)
            .await?;
        let streams = mapping_streams(system.system_type, &system.provider);
        let Some((stream, default, mappable)) =
            streams.iter().find(|(s, _, _)| s.name == request.stream)
        else {
            return Err(AppError::field(
                "stream",
                Rule::OneOf {
                    allowed: streams.iter().map(|(s, _, _)| s.name.to_owned()).collect(),
                },
                format!(
                    "`{}` is not a stream of this system's connector",
                    request.stream
                ),
            ));
        };
        let overrides = request.overrides.as_ref().filter(|o| !o.is_null());
        let mapping = default.with_overrides(overrides, mappable, stream.name)?;
        let (sample, sample_source) = match request.sample {
            Some(given) => (check_given(given)?, SampleSource::Given),
            None => match self.stored_sample(&system, stream.name).await? {
                Some(stored) => stored,
                None => (vendor_example(stream, default), SampleSource::Shipped),
            },
        };
        let fields = mapping
            .fields
            .iter()
            .map(|(target, source)| {
                let value = value_at(&sample, source);
                PreviewField {
                    target: target.clone(),
                    source: source.clone(),
                    overridden: default.fields.get(target) != Some(source),
                    problem: problem_of(value.as_ref()),
                    value,
                }
            })
            .collect();
        Ok(MappingPreview {
            stream: stream.name.to_owned(),
            mapped: mapping.apply(&sample),
            sample,
            sample_source,
            fields,
        })
    }

    /// The latest record the system sent about a stream, if the inbox holds one.
    async fn stored_sample(
        &self,
        system: &ExternalSystem,
        stream: &str,
    ) -> Result<Option<(Value, SampleSource)>, AppError> {
        let mut conn = self.db.read().await?;
        let recent =
            inbox_samples::recent_event_types(&mut conn, system.id, INBOX_LOOKBACK).await?;
        for (inbox_id, event_type) in recent {
            if !names_stream(&event_type, stream) {
                continue;
            }
            let event = inbox::get(&mut conn, inbox_id).await?;
            if let Some(record) = record_of(&event.payload) {
                let source = SampleSource::Stored {
                    inbox_id,
                    event_type,
                    received_at: event.received_at,
                };
                return Ok(Some((record, source)));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_types_name_their_stream() {
        assert!(names_stream("customer.updated", "customers"));
        assert!(names_stream("bg_order_status_change_event", "orders"));
        assert!(names_stream("reservation.created", "reservations"));
        assert!(names_stream("logistics.updated", "logistics"));
        assert!(!names_stream("customer.updated", "orders"));
        assert!(!names_stream("ordering.x", "orders"));
    }

    #[test]
    fn records_come_out_of_envelopes_and_problems_are_named() {
        assert_eq!(
            record_of(r#"{"event":"e","data":{"id":"1"}}"#),
            Some(json!({"id": "1"}))
        );
        assert_eq!(
            record_of(r#"{"orderSn":"1"}"#),
            Some(json!({"orderSn": "1"}))
        );
        assert_eq!(record_of("[1]"), None);
        let record = json!({"a": {"b": ""}, "c": [], "d": 0});
        assert_eq!(
            problem_of(value_at(&record, "a.b").as_ref()),
            Some(FieldProblem::EmptyValue)
        );
        assert_eq!(
            problem_of(value_at(&record, "x").as_ref()),
            Some(FieldProblem::MissingSource)
        );
        assert_eq!(problem_of(value_at(&record, "d").as_ref()), None);
    }
}
