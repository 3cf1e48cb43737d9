//! The `products` stream over `bg.local.goods.list.query` (Temu's US local-goods list, the
//! call named in Temu's listing guide): `pageNo` from 1, `pageSize` up to 100, ordered by
//! `goodsId` ascending so pages stay put, filtered by `goodsSearchType` and
//! `goodsStatusFilterType` (both required by Temu; 1 = on sale and off sale, the seed's
//! filter). The list carries no change time, so an incremental sync reads it whole;
//! unchanged goods are recognised by content and left alone. SKUs stay in the product's
//! data (`skus`).

use serde_json::{Map, Value};

use super::client::{count_of, list_of, Client};
use super::mapping::enrich_goods;
use crate::connector::{CallError, PullRequest, PulledPage, RemoteRecord};
use crate::mapping::CompiledMapping;

pub const LIST: &str = "bg.local.goods.list.query";
pub const MAX_PAGE_SIZE: u32 = 100;

pub struct Products<'a> {
    pub client: &'a Client,
    pub mapping: &'a CompiledMapping,
    /// `config.goods_search_type` (1).
    pub search_type: i64,
    /// `config.goods_status_filter_type` (1).
    pub status_filter: i64,
}

impl Products<'_> {
    fn params(&self, page: u32, size: u32) -> Map<String, Value> {
        let mut params = Map::new();
        params.insert("pageNo".into(), page.into());
        params.insert("pageSize".into(), size.into());
        params.insert("goodsSearchType".into(), self.search_type.into());
        params.insert("goodsStatusFilterType".into(), self.status_filter.into());
        params.insert("orderField".into(), "goodsId".into());
        // 1 = ascending.
        params.insert("orderType".into(), 1.into());
        params
    }

    fn record(&self, mut goods: Value) -> Option<RemoteRecord> {
        let id = match &goods["goodsId"] {
            Value::Number(n) => n.to_string(),
            Value::String(s) if !s.trim().is_empty() => s.clone(),
            _ => return None,
        };
        enrich_goods(&mut goods);
        Some(RemoteRecord {
            external_id: id,
            updated_at: None,
            data: self.mapping.apply(&goods),
        })
    }

    fn records(&self, result: &Value) -> Result<Vec<RemoteRecord>, CallError> {
        let goods = list_of(result, "goodsList", LIST)?;
        let records: Vec<RemoteRecord> = goods
            .iter()
            .cloned()
            .filter_map(|g| self.record(g))
            .collect();
        if records.len() < goods.len() {
            tracing::warn!(
                skipped = goods.len() - records.len(),
                "temu goods without goodsId"
            );
        }
        Ok(records)
    }

    pub async fn pull(&self, request: &PullRequest) -> Result<PulledPage, CallError> {
        let size = request.limit.clamp(1, MAX_PAGE_SIZE);
        let page = request.page.max(1);
        let result = self.client.call(LIST, self.params(page, size)).await?;
        let records = self.records(&result)?;
        let total = count_of(&result, "total");
        let read = i64::from(page - 1) * i64::from(size) + records.len() as i64;
        let has_more = !records.is_empty() && total.is_some_and(|t| read < t);
        Ok(PulledPage {
            records,
            has_more,
            total,
        })
    }

    /// One product by its goods id (`goodsIdList`).
    pub async fn one(&self, goods_id: &str) -> Result<Option<RemoteRecord>, CallError> {
        let Ok(id) = goods_id.trim().parse::<i64>() else {
            return Ok(None);
        };
        let mut params = self.params(1, 1);
        params.insert("goodsIdList".into(), Value::Array(vec![id.into()]));
        let result = self.client.call(LIST, params).await?;
        Ok(self
            .records(&result)?
            .into_iter()
            .find(|r| r.external_id == id.to_string()))
    }
}
