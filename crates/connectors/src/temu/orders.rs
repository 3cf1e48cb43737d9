//! The `orders` stream over `bg.order.list.v2.get`.
//!
//! The engine reads a stream in change order (records changed at or after `since`, oldest
//! first). Temu's list does not sort that way: `sortby` is documented as newest first, by
//! creation time unless told otherwise. So each page the connector returns is one whole
//! time window `[start, end]` (`updateAtStart`/`updateAtEnd`, both inclusive, seconds) that
//! fits in one Temu page, sorted here by `updateTime`. The window's width adapts: halved
//! while Temu counts more orders in it than a page holds, doubled over empty stretches and
//! thin ones, remembered between pages; a search cut short by an error goes on where it
//! stood when the engine retries the page. A single second holding more orders than a page
//! is read by page number: the engine's page n+1 of that second is Temu's page n.
//!
//! An order edited during a sync gets a new `updateTime` and so lands in a later window:
//! it is read again, never skipped (except inside such an overfull second, paged by number
//! while it changes). The first window of a sync spans everything to read, so its
//! `totalItemNum` is the sync's total.

use std::sync::Mutex;

use serde_json::{Map, Value};
use storelink_core::ErrorClass;

use super::client::{count_of, list_of, Client};
use super::mapping::{enrich_order, instant, seconds};
use crate::connector::{CallError, PullRequest, PulledPage, RemoteRecord};
use crate::mapping::CompiledMapping;

pub const LIST: &str = "bg.order.list.v2.get";
pub const DETAIL: &str = "bg.order.detail.v2.get";
/// Temu's largest `pageSize`.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Window searches per page before giving up (each halving or doubling is one).
const MAX_PROBES: usize = 128;

/// Where a window search stands, so that a page retried after a failure (Temu's 4000004
/// half way through a search, say) goes on from there instead of starting over.
#[derive(Debug, Clone, Copy)]
struct Search {
    /// The request it serves: `since` (seconds) and page.
    key: (Option<i64>, u32),
    start: i64,
    width: i64,
    /// Whether this is the sync's first search, whose first count is the sync's total.
    counting: bool,
    total: Option<i64>,
}

/// The window width that last fitted, carried from page to page, and the search under way.
#[derive(Debug, Default)]
pub struct Windows {
    width: Mutex<Option<i64>>,
    search: Mutex<Option<Search>>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Windows {
    fn width(&self) -> Option<i64> {
        *locked(&self.width)
    }

    fn fitted(&self, width: i64) {
        *locked(&self.width) = Some(width.max(1));
        *locked(&self.search) = None;
    }

    fn resume(&self, key: (Option<i64>, u32)) -> Option<Search> {
        locked(&self.search).filter(|s| s.key == key)
    }

    fn save(&self, search: Search) {
        *locked(&self.search) = Some(search);
    }
}

/// What the connector's order reads need.
pub struct Orders<'a> {
    pub client: &'a Client,
    pub mapping: &'a CompiledMapping,
    pub windows: &'a Windows,
    /// Where a full sync starts (`config.history_start`, seconds).
    pub history_start: i64,
    /// `config.parent_order_status`: only orders in this status (all when `None`).
    pub status: Option<i64>,
}

struct Listing {
    total: i64,
    items: Vec<Value>,
}

impl Orders<'_> {
    async fn list(&self, start: i64, end: i64, page: u32, size: u32) -> Result<Listing, CallError> {
        let mut params = Map::new();
        params.insert("pageNumber".into(), page.into());
        params.insert("pageSize".into(), size.into());
        params.insert("updateAtStart".into(), start.into());
        params.insert("updateAtEnd".into(), end.into());
        if let Some(status) = self.status {
            params.insert("parentOrderStatus".into(), status.into());
        }
        let result = self.client.call(LIST, params).await?;
        let items = list_of(&result, "pageItems", LIST)?.to_vec();
        let total = count_of(&result, "totalItemNum").unwrap_or(items.len() as i64);
        Ok(Listing { total, items })
    }

    /// One page item (or the detail's result) as a record.
    pub fn record(&self, mut item: Value) -> Result<RemoteRecord, CallError> {
        let sn = item["parentOrderMap"]["parentOrderSn"]
            .as_str()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    "a Temu order has no parentOrderMap.parentOrderSn",
                )
            })?;
        let updated_at = seconds(&item["parentOrderMap"]["updateTime"]).and_then(instant);
        enrich_order(&mut item);
        Ok(RemoteRecord {
            external_id: sn,
            updated_at,
            data: self.mapping.apply(&item),
        })
    }

    /// Records oldest change first (then by order number), as the engine reads them.
    fn records(&self, items: Vec<Value>) -> Result<Vec<RemoteRecord>, CallError> {
        let mut records = items
            .into_iter()
            .map(|i| self.record(i))
            .collect::<Result<Vec<_>, _>>()?;
        records.sort_by(|a, b| (a.updated_at, &a.external_id).cmp(&(b.updated_at, &b.external_id)));
        Ok(records)
    }

    fn page(
        &self,
        items: Vec<Value>,
        has_more: bool,
        total: Option<i64>,
    ) -> Result<PulledPage, CallError> {
        Ok(PulledPage {
            records: self.records(items)?,
            has_more,
            total,
        })
    }

    pub async fn pull(&self, request: &PullRequest) -> Result<PulledPage, CallError> {
        let size = request.limit.clamp(1, MAX_PAGE_SIZE);
        let now = chrono::Utc::now().timestamp();
        let since = request.since.map(|t| t.timestamp());
        let key = (since, request.page);
        let mut search = match self.windows.resume(key) {
            Some(search) => search,
            None => {
                let mut start = since.unwrap_or(self.history_start);
                if request.page > 1 {
                    // Stepping through one overfull second: its pages after the first,
                    // which came with the page that led here.
                    let listing = self.list(start, start, request.page - 1, size).await?;
                    if !listing.items.is_empty() {
                        return self.page(listing.items, true, None);
                    }
                    start = start.saturating_add(1);
                }
                let first = self.windows.width().is_none();
                Search {
                    key,
                    start,
                    // The first search spans everything, so its first count is the total.
                    width: self
                        .windows
                        .width()
                        .unwrap_or_else(|| now.saturating_sub(start).saturating_add(1))
                        .max(1),
                    counting: first,
                    total: None,
                }
            }
        };
        for _ in 0..MAX_PROBES {
            if search.start > now {
                self.windows.fitted(search.width);
                return self.page(Vec::new(), false, search.total);
            }
            let end = search.start.saturating_add(search.width - 1).min(now);
            let listing = self.list(search.start, end, 1, size).await?;
            if search.counting && search.total.is_none() {
                search.total = Some(listing.total);
            }
            let total = search.total;
            if listing.total > i64::from(size) {
                if end == search.start {
                    self.windows.fitted(1);
                    return self.page(listing.items, true, total);
                }
                search.width = ((end - search.start + 1) / 2).max(1);
            } else if listing.items.is_empty() {
                search.start = end.saturating_add(1);
                search.width = search.width.saturating_mul(2);
            } else {
                // A thin window: try a wider one next time.
                let thin = listing.total.saturating_mul(4) < i64::from(size);
                self.windows.fitted(if thin {
                    search.width.saturating_mul(2)
                } else {
                    search.width
                });
                return self.page(listing.items, end < now, total);
            }
            self.windows.save(search);
        }
        Err(CallError::new(
            ErrorClass::UnknownError,
            format!("Temu's order counts did not settle on a window after {MAX_PROBES} calls"),
        ))
    }

    /// One parent order by number (`bg.order.detail.v2.get`); `None` when Temu has none.
    pub async fn one(&self, parent_order_sn: &str) -> Result<Option<RemoteRecord>, CallError> {
        let mut params = Map::new();
        params.insert("parentOrderSn".into(), parent_order_sn.into());
        let envelope = self.client.envelope(DETAIL, params).await?;
        if envelope.code == super::errors::ORDER_NOT_FOUND {
            return Ok(None);
        }
        let result = envelope.into_result()?;
        if result["parentOrderMap"].is_null() {
            return Ok(None);
        }
        self.record(result).map(Some)
    }
}
