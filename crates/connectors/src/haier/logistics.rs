//! Logistics of orders placed with Haier, by order code. The recorded request names one
//! `orderCode` per call, so a page of the system's open supplier orders is one call per
//! order; orders Haier has no logistics for yet are left out of the page.

use serde_json::{json, Value};
use storelink_core::ErrorClass;

use super::mapping::logistics_record;
use super::Haier;
use crate::connector::{CallError, PullRequest, PulledPage, RemoteRecord};

/// Order codes per page (each one call), so a page stays short whatever the page size.
pub const LOGISTICS_PAGE: usize = 20;

impl Haier {
    /// The logistics record of one order, or `None` when Haier has none yet.
    pub(super) async fn logistics_one(
        &self,
        order_code: &str,
    ) -> Result<Option<RemoteRecord>, CallError> {
        let c = &self.config;
        let seller_password = c.seller_password.as_deref().ok_or_else(|| {
            CallError::new(
                ErrorClass::ValidationError,
                "the secret `seller_password` (客户密码) is needed to read logistics",
            )
        })?;
        let body = json!({
            "orderCode": order_code,
            "sellerCode": c.seller_code,
            "sellerPassword": seller_password,
        });
        let data = self
            .client
            .call(&c.paths.logistics, &body, "Haier logistics")
            .await?;
        // The three lists come in one object; a list around it is unwrapped.
        let data = match &data {
            Value::Array(list) => list.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        Ok(
            logistics_record(order_code, &data, &c.logistics_lists).map(|raw| RemoteRecord {
                external_id: order_code.to_owned(),
                updated_at: None,
                data: self.logistics.apply(&raw),
            }),
        )
    }

    /// Page `page` of the order codes in `request.ids`.
    pub(super) async fn logistics_page(
        &self,
        request: &PullRequest,
    ) -> Result<PulledPage, CallError> {
        let size = (request.limit.max(1) as usize).min(LOGISTICS_PAGE);
        let ids = &request.ids;
        let start = (request.page.saturating_sub(1) as usize)
            .saturating_mul(size)
            .min(ids.len());
        let end = start.saturating_add(size).min(ids.len());
        let mut records = Vec::new();
        for code in &ids[start..end] {
            if let Some(r) = self.logistics_one(code).await? {
                records.push(r);
            }
        }
        Ok(PulledPage {
            records,
            has_more: end < ids.len(),
            total: None,
        })
    }
}
