//! Stream `logistics` (通过SO单号查询物流单号、物流公司、SN码): the body is a JSON list of at
//! most 100 order codes; page N of a sync is batch N of the open order numbers the engine
//! hands over. The answer's record shape is not recorded: records are read from `data`
//! (a list, or `data.list` / `data.records` / `data.rows`) through the stream's field
//! mapping, whose shipped default expects `orderCode`, `logisticsNo`,
//! `logisticsCompanyName`, `snList` and `logisticsStatus` (override any of them under
//! `config.field_mapping.logistics`).

use serde_json::{json, Value};
use storelink_core::ErrorClass;

use super::Ylh;
use crate::connector::{CallError, PullRequest, PulledPage, RemoteRecord};
use crate::mapping::{mappable_with, FieldMapping};

/// The vendor's limit of order codes per call.
pub const BATCH_MAX: usize = 100;

pub const STREAM: &str = "logistics";

/// Our field ← the vendor's.
const PAIRS: &[(&str, &str)] = &[
    ("orderCode", "orderCode"),
    ("trackingNumber", "logisticsNo"),
    ("carrier", "logisticsCompanyName"),
    ("snCodes", "snList"),
    ("status", "logisticsStatus"),
];

pub fn default_mapping(stream: &str) -> FieldMapping {
    match stream {
        STREAM => FieldMapping::from_pairs(PAIRS),
        _ => FieldMapping::default(),
    }
}

pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    match stream {
        STREAM => mappable_with(PAIRS, &["deliveredAt", "shippedAt"]),
        _ => Vec::new(),
    }
}

/// Batch `page` (1-based) of `ids`, `size` at a time.
pub fn batch(ids: &[String], page: u32, size: usize) -> &[String] {
    let size = size.clamp(1, BATCH_MAX);
    let start = (page.max(1) as usize - 1).saturating_mul(size);
    let end = start.saturating_add(size).min(ids.len());
    ids.get(start..end).unwrap_or(&[])
}

/// The record list of an answer's `data`.
fn rows(data: &Value) -> Vec<&Value> {
    if let Some(list) = data.as_array() {
        return list.iter().collect();
    }
    ["list", "records", "rows"]
        .iter()
        .find_map(|k| data.get(k).and_then(Value::as_array))
        .map(|l| l.iter().collect())
        .unwrap_or_default()
}

impl Ylh {
    /// One call for these order codes; the records found.
    pub(super) async fn logistics(&self, codes: &[String]) -> Result<Vec<RemoteRecord>, CallError> {
        if codes.len() > BATCH_MAX {
            return Err(CallError::new(
                ErrorClass::ValidationError,
                format!("易理货 takes at most {BATCH_MAX} order codes a call"),
            ));
        }
        let data = self
            .post(
                &self.config.paths.logistics,
                &json!(codes),
                "the 易理货 logistics query",
            )
            .await?
            .into_data()?;
        Ok(rows(&data)
            .into_iter()
            .map(|raw| {
                let data = self.logistics_map.apply(raw);
                let external_id = match &data["orderCode"] {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    // Kept with no id: the engine logs it as missing its orderCode.
                    _ => String::new(),
                };
                RemoteRecord {
                    external_id,
                    updated_at: None,
                    data,
                }
            })
            .collect())
    }

    pub(super) async fn pull_logistics(
        &self,
        request: PullRequest,
    ) -> Result<PulledPage, CallError> {
        let size = self.config.logistics_batch;
        let codes = batch(&request.ids, request.page, size);
        let read = (request.page.max(1) as usize).saturating_mul(size.clamp(1, BATCH_MAX));
        let total = i64::try_from(request.ids.len()).ok();
        if codes.is_empty() {
            return Ok(PulledPage {
                records: Vec::new(),
                has_more: false,
                total,
            });
        }
        Ok(PulledPage {
            records: self.logistics(codes).await?,
            has_more: read < request.ids.len(),
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_never_exceed_the_vendor_limit() {
        let ids: Vec<String> = (0..250).map(|i| format!("PO-{i:03}")).collect();
        let sizes: Vec<usize> = (1..=4).map(|p| batch(&ids, p, 100).len()).collect();
        assert_eq!(sizes, [100, 100, 50, 0]);
        assert_eq!(batch(&ids, 2, 100)[0], "PO-100");
        assert_eq!(batch(&ids, 1, 500).len(), 100, "clamped to 100");
        assert_eq!(batch(&ids, 3, 120).len(), 50, "120 is read as 100");
        assert!(batch(&[], 1, 100).is_empty());
    }

    #[test]
    fn rows_are_found_in_the_usual_places() {
        assert_eq!(rows(&json!([{"a": 1}])).len(), 1);
        assert_eq!(rows(&json!({"list": [{"a": 1}, {"a": 2}]})).len(), 2);
        assert_eq!(rows(&json!({"records": []})).len(), 0);
        assert_eq!(rows(&Value::Null).len(), 0);
        let m = default_mapping(STREAM);
        let out = m.apply(&json!({"orderCode": "PO-1", "logisticsNo": "RRS1",
            "logisticsCompanyName": "日日顺物流", "snList": ["SN1"], "logisticsStatus": "已发货"}));
        assert_eq!(
            out,
            json!({"orderCode": "PO-1", "trackingNumber": "RRS1", "carrier": "日日顺物流",
                "snCodes": ["SN1"], "status": "已发货"})
        );
    }
}
