//! The product flow of seed 001: categories and brands (when their endpoints are
//! configured), product info for at most 20 codes per call, then per product its daily
//! sales price and its available stock, merged into one record.

use std::collections::HashMap;

use serde_json::{json, Value};
use storelink_core::ErrorClass;

use super::config::MAX_PRODUCT_CODES;
use super::mapping::{lookup_table, merge_product, rows, stock_summary, text_of, Lookups};
use super::Haier;
use crate::connector::{CallError, PulledPage, RemoteRecord};

fn missing(what: &str) -> CallError {
    CallError::new(ErrorClass::ValidationError, what.to_owned())
}

impl Haier {
    /// Product codes per product info call: the page size, never above the vendor's 20.
    pub(super) fn batch_size(&self, limit: u32) -> usize {
        (limit.max(1) as usize)
            .min(self.config.batch_size)
            .min(MAX_PRODUCT_CODES)
    }

    /// One product info call for at most 20 codes; no codes asks for every procurable
    /// product (the vendor's documented answer to an empty code list).
    pub(super) async fn product_info(&self, codes: &[String]) -> Result<Vec<Value>, CallError> {
        if codes.len() > MAX_PRODUCT_CODES {
            return Err(missing("Haier takes at most 20 product codes per call"));
        }
        let c = &self.config;
        let mut body = json!({
            "customerCode": c.customer_code,
            "supplierCode": c.supplier_code,
            "searchType": c.search_type,
            "passWord": c.password,
        });
        if !c.send_to_code.is_empty() {
            body["sendToCode"] = json!(c.send_to_code);
        }
        if !codes.is_empty() {
            body["productCodes"] = json!(codes);
        }
        let data = self
            .client
            .call(&c.paths.products, &body, "Haier product info")
            .await?;
        Ok(rows(&data).into_iter().cloned().collect())
    }

    /// Daily sales prices (`priceType`, default PT) by product code, 20 codes per call.
    async fn prices(&self, codes: &[String]) -> Result<HashMap<String, Value>, CallError> {
        let c = &self.config;
        let mut by_code = HashMap::new();
        for chunk in codes.chunks(MAX_PRODUCT_CODES) {
            let body = json!({
                "customerCode": c.customer_code,
                "sendToCode": c.send_to_code,
                "productCodes": chunk,
                "priceType": c.price_type,
                "passWord": c.password,
            });
            let data = self
                .client
                .call(&c.paths.prices, &body, "Haier prices")
                .await?;
            for entry in rows(&data) {
                if let Some(code) = text_of(&entry["productCode"]) {
                    by_code.insert(code, entry.clone());
                }
            }
        }
        Ok(by_code)
    }

    /// The available stock of one product in the configured county.
    async fn stock(&self, code: &str) -> Result<Value, CallError> {
        let c = &self.config;
        let county = c
            .county_code
            .as_deref()
            .ok_or_else(|| missing("stock is read for config.county_code, which is not set"))?;
        let seller_password = c.seller_password.as_deref().ok_or_else(|| {
            missing("the secret `seller_password` (客户密码) is needed to read stock")
        })?;
        let body = json!({
            "salesCode": c.customer_code,
            "senderCode": c.send_to_code,
            "productCode": code,
            "countyCode": county,
            "source": c.stock_source,
            "sellerPassword": seller_password,
        });
        let data = self
            .client
            .call(&c.paths.stock, &body, "Haier stock")
            .await?;
        Ok(stock_summary(&data, county))
    }

    /// Category and brand codes, read once per connector from the configured endpoints.
    async fn lookups(&self) -> Result<Lookups, CallError> {
        let mut cached = self.lookups.lock().await;
        if let Some(l) = cached.as_ref() {
            return Ok(l.clone());
        }
        let c = &self.config;
        let body = json!({
            "customerCode": c.customer_code,
            "sendToCode": c.send_to_code,
            "supplierCode": c.supplier_code,
            "passWord": c.password,
        });
        let mut lookups = Lookups::default();
        if let Some(path) = &c.paths.categories {
            let data = self.client.call(path, &body, "Haier categories").await?;
            lookups.categories = lookup_table(&data);
        }
        if let Some(path) = &c.paths.brands {
            let data = self.client.call(path, &body, "Haier brands").await?;
            lookups.brands = lookup_table(&data);
        }
        *cached = Some(lookups.clone());
        Ok(lookups)
    }

    /// Product info entries → merged, mapped records (prices and stock as configured).
    pub(super) async fn product_records(
        &self,
        infos: &[Value],
    ) -> Result<Vec<RemoteRecord>, CallError> {
        let lookups = self.lookups().await?;
        let coded: Vec<(String, &Value)> = infos
            .iter()
            .filter_map(|i| Some((text_of(&i["productCode"])?, i)))
            .collect();
        if coded.len() < infos.len() {
            tracing::warn!(
                skipped = infos.len() - coded.len(),
                "Haier product entries without productCode"
            );
        }
        let codes: Vec<String> = coded.iter().map(|(c, _)| c.clone()).collect();
        let prices = match self.config.sync_prices {
            true => self.prices(&codes).await?,
            false => HashMap::new(),
        };
        let mut records = Vec::with_capacity(coded.len());
        for (code, info) in coded {
            let stock = match self.config.sync_stock {
                true => Some(self.stock(&code).await?),
                false => None,
            };
            let raw = merge_product(
                info,
                prices.get(&code),
                stock,
                &lookups,
                &self.config.supplier_code,
            );
            records.push(RemoteRecord {
                external_id: code,
                updated_at: None,
                data: self.products.apply(&raw),
            });
        }
        Ok(records)
    }

    /// Every procurable product, asked for once per connector (no codes configured).
    async fn catalogue(&self) -> Result<Vec<Value>, CallError> {
        let mut cached = self.catalogue.lock().await;
        if let Some(all) = cached.as_ref() {
            return Ok(all.clone());
        }
        let all = self.product_info(&[]).await?;
        *cached = Some(all.clone());
        Ok(all)
    }

    /// Page `page` (1-based) is batch `page` of the product codes. A batch the vendor
    /// answers with nothing is passed over within the same page, because the engine ends a
    /// listed stream at the first empty page.
    pub(super) async fn product_page(
        &self,
        page: u32,
        limit: u32,
    ) -> Result<PulledPage, CallError> {
        let size = self.batch_size(limit);
        let mut index = page.saturating_sub(1) as usize;
        if self.config.product_codes.is_empty() {
            let all = self.catalogue().await?;
            let start = index.saturating_mul(size).min(all.len());
            let end = start.saturating_add(size).min(all.len());
            return Ok(PulledPage {
                records: self.product_records(&all[start..end]).await?,
                has_more: end < all.len(),
                total: i64::try_from(all.len()).ok(),
            });
        }
        let codes = &self.config.product_codes;
        loop {
            let start = index.saturating_mul(size).min(codes.len());
            let end = start.saturating_add(size).min(codes.len());
            let has_more = end < codes.len();
            let infos = match start < end {
                true => self.product_info(&codes[start..end]).await?,
                false => Vec::new(),
            };
            if infos.is_empty() && has_more {
                index += 1;
                continue;
            }
            return Ok(PulledPage {
                records: self.product_records(&infos).await?,
                has_more,
                total: None,
            });
        }
    }

    /// One product by its code (a record the vendor no longer lists is `None`).
    pub(super) async fn product_one(&self, code: &str) -> Result<Option<RemoteRecord>, CallError> {
        let infos = self.product_info(&[code.to_owned()]).await?;
        let mine: Vec<Value> = infos
            .into_iter()
            .filter(|i| text_of(&i["productCode"]).as_deref() == Some(code))
            .collect();
        Ok(self.product_records(&mine).await?.into_iter().next())
    }
}
