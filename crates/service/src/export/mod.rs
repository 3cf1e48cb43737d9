//! Export of a records list to Excel (.xlsx) or CSV: exactly the rows the list shows with
//! its filter, in its order (newest first). Pages are read a thousand rows at a time and
//! streamed to a writer thread, so memory stays bounded whatever the row count. The file
//! is written under a temporary name in the chosen folder and renamed when complete; a
//! cancelled or failed export leaves nothing behind. Progress is reported after every
//! page, and a cancel is seen between pages.
//!
//! Money is written as exact decimal yuan text (`296.80`), never through a float (an
//! .xlsx number cell is a float), and times in the store's local time (UTC+8). Exports
//! are for managers (`records_export`) and each one is audited with its filter; the list's
//! own view permission is checked too, by reading it through the list operation.

mod destination;
mod pages;
mod sheet;
mod writer;

use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::{Actor, AppError, Operation};

pub use destination::ExportDestination;

use crate::audit::{record, Change};
use crate::erp_lists::{CustomerQuery, ErpOrderQuery, MarketplaceOrderQuery, ProductQuery};
use crate::records::{MemberQuery, PosQuery, SupplierOrderQuery};
use crate::Services;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }
}

/// The language of the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportLanguage {
    Zh,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportOptions {
    pub format: ExportFormat,
    pub language: ExportLanguage,
}

/// Which list is exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    PosTransactions,
    SupplierOrders,
    Members,
    Customers,
    Products,
    ErpOrders,
    MarketplaceOrders,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::PosTransactions => "pos_transactions",
            RecordKind::SupplierOrders => "supplier_orders",
            RecordKind::Members => "members",
            RecordKind::Customers => "customers",
            RecordKind::Products => "products",
            RecordKind::ErpOrders => "erp_orders",
            RecordKind::MarketplaceOrders => "marketplace_orders",
        }
    }
}

/// The list to export with the filter it is shown with: the list's own query (its
/// `cursor` and `limit` are ignored; every matching row is exported).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordFilter {
    PosTransactions(PosQuery),
    SupplierOrders(SupplierOrderQuery),
    Members(MemberQuery),
    Customers(CustomerQuery),
    Products(ProductQuery),
    ErpOrders(ErpOrderQuery),
    MarketplaceOrders(MarketplaceOrderQuery),
}

impl RecordFilter {
    pub fn kind(&self) -> RecordKind {
        match self {
            RecordFilter::PosTransactions(_) => RecordKind::PosTransactions,
            RecordFilter::SupplierOrders(_) => RecordKind::SupplierOrders,
            RecordFilter::Members(_) => RecordKind::Members,
            RecordFilter::Customers(_) => RecordKind::Customers,
            RecordFilter::Products(_) => RecordKind::Products,
            RecordFilter::ErpOrders(_) => RecordKind::ErpOrders,
            RecordFilter::MarketplaceOrders(_) => RecordKind::MarketplaceOrders,
        }
    }
}

/// Rows written so far of the rows the filter matched when the export started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportProgress {
    pub written: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportStatus {
    Completed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ExportOutcome {
    pub status: ExportStatus,
    /// Rows in the file (completed), or written before the cancel (then removed).
    pub rows: u64,
    /// The file written; only for a completed export.
    pub path: Option<String>,
}

/// A running export: where its progress goes, and the flag that asks it to stop.
pub struct ExportJob {
    cancelled: AtomicBool,
    progress: Box<dyn Fn(ExportProgress) + Send + Sync>,
}

impl std::fmt::Debug for ExportJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportJob")
            .field("cancelled", &self.is_cancelled())
            .finish_non_exhaustive()
    }
}

impl ExportJob {
    pub fn new(progress: impl Fn(ExportProgress) + Send + Sync + 'static) -> Self {
        ExportJob {
            cancelled: AtomicBool::new(false),
            progress: Box::new(progress),
        }
    }

    /// Asks the export to stop after the page it is on; its file is not kept.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

enum Streamed {
    Complete(u64),
    Cancelled(u64),
}

impl Services {
    /// The folder an export is first offered in: the person's downloads folder.
    pub fn default_export_folder(&self) -> String {
        dirs::download_dir()
            .or_else(dirs::document_dir)
            .or_else(dirs::home_dir)
            .unwrap_or_else(|| self.data_dir.clone())
            .display()
            .to_string()
    }

    /// Writes every row `filter` matches to a new file at `destination`.
    pub async fn export_records(
        &self,
        actor: &Actor,
        filter: RecordFilter,
        options: ExportOptions,
        destination: &ExportDestination,
        job: &ExportJob,
    ) -> Result<ExportOutcome, AppError> {
        let kind = filter.kind().as_str();
        self.authorize(actor, Operation::RecordsExport, kind, None)
            .await?;
        let target = destination.resolve(options.format)?;
        let systems = {
            let mut conn = self.db.read().await?;
            storelink_store::record_lists::system_names(&mut conn).await?
        };
        // The first page checks the list's permission and filter before any file exists.
        let first = self.export_page(actor, &filter, None, &systems).await?;
        let total = u64::try_from(self.export_total(actor, &filter).await?).unwrap_or(0);
        let (file, file_name) = (target.file.clone(), target.file_name.clone());
        let headers = sheet::headers(filter.kind(), options.language);
        let mut out = writer::start(target, options.format, headers);
        let streamed = async {
            let mut page = first;
            let mut written = 0_u64;
            loop {
                let rows = page.rows.len() as u64;
                if !out.send(page.rows).await {
                    return Err(AppError::internal("the export file writer stopped"));
                }
                written += rows;
                (job.progress)(ExportProgress {
                    written,
                    total: total.max(written),
                });
                let Some(cursor) = page.next else {
                    return Ok(Streamed::Complete(written));
                };
                if job.is_cancelled() {
                    return Ok(Streamed::Cancelled(written));
                }
                page = self
                    .export_page(actor, &filter, Some(cursor), &systems)
                    .await?;
            }
        }
        .await;
        let rows = match streamed {
            Ok(Streamed::Complete(rows)) => {
                out.finish().await?;
                rows
            }
            Ok(Streamed::Cancelled(rows)) => {
                out.abort().await?;
                return Ok(ExportOutcome {
                    status: ExportStatus::Cancelled,
                    rows,
                    path: None,
                });
            }
            // The writer's own failure, when it has one, says more than "it stopped".
            Err(e) => return Err(out.abort().await.err().unwrap_or(e)),
        };
        let mut tx = self.db.write().await?;
        let change = Change {
            op: Operation::RecordsExport,
            entity: kind,
            entity_id: None,
            outcome: AuditOutcome::Success,
            before: None,
            after: serde_json::to_value(&filter).ok(),
            detail: Some(format!("{rows} rows to {file_name}")),
        };
        record(&mut tx, actor, change).await?;
        tx.commit().await.map_err(storelink_store::db_error)?;
        Ok(ExportOutcome {
            status: ExportStatus::Completed,
            rows,
            path: Some(file.display().to_string()),
        })
    }
}
