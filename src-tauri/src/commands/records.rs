//! The records pages: POS transactions, supplier orders, members, the ERP's customers,
//! products and orders, and marketplace orders, each a keyset-paged list filtered in the
//! core; and their export to Excel or CSV, with progress sent over a channel and a cancel.
//!
//! The save location is a folder path the person types (prefilled with their downloads
//! folder) and a file name: tauri-plugin-dialog is not in the offline crate cache this
//! project builds from, so no native save dialog is used. The core refuses any file
//! outside the chosen folder.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::member::MemberSync;
use storelink_core::pos::{PaymentMethod, PosTransaction, RecordSyncStatus, TransactionType};
use storelink_core::supplier::{SupplierOrder, SupplierOrderStatus};
use storelink_core::{AppError, Page};
use storelink_service::erp_lists::{
    CustomerQuery, CustomerRecord, ErpOrderQuery, ErpOrderRecord, MarketplaceOrderQuery,
    MarketplaceOrderRecord, ProductQuery, ProductRecord, ERP_ORDER_TYPES,
};
use storelink_service::export::{
    ExportDestination, ExportJob, ExportOptions, ExportOutcome, ExportProgress, RecordFilter,
};
use storelink_service::records::{MemberQuery, PosQuery, SupplierOrderQuery};
use tauri::ipc::Channel;
use tauri::State;

use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_pos_transactions(
    state: State<'_, AppState>,
    query: PosQuery,
) -> Result<Page<PosTransaction>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_pos_transactions(&actor, query).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_supplier_orders(
    state: State<'_, AppState>,
    query: SupplierOrderQuery,
) -> Result<Page<SupplierOrder>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_supplier_orders(&actor, query).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_members(
    state: State<'_, AppState>,
    query: MemberQuery,
) -> Result<Page<MemberSync>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_members(&actor, query).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_customers(
    state: State<'_, AppState>,
    query: CustomerQuery,
) -> Result<Page<CustomerRecord>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_customers(&actor, query).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_products(
    state: State<'_, AppState>,
    query: ProductQuery,
) -> Result<Page<ProductRecord>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_products(&actor, query).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_erp_orders(
    state: State<'_, AppState>,
    query: ErpOrderQuery,
) -> Result<Page<ErpOrderRecord>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_erp_orders(&actor, query).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_marketplace_orders(
    state: State<'_, AppState>,
    query: MarketplaceOrderQuery,
) -> Result<Page<MarketplaceOrderRecord>, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .list_marketplace_orders(&actor, query)
        .await
}

/// The choices of the records pages' filters, as the core names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RecordChoices {
    pub transaction_types: Vec<String>,
    pub payment_methods: Vec<String>,
    pub sync_statuses: Vec<String>,
    pub supplier_order_statuses: Vec<String>,
    pub erp_order_types: Vec<String>,
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[tauri::command]
#[specta::specta]
pub async fn record_choices(state: State<'_, AppState>) -> Result<RecordChoices, AppError> {
    state.actor().await?;
    Ok(RecordChoices {
        transaction_types: owned(TransactionType::NAMES),
        payment_methods: owned(PaymentMethod::NAMES),
        sync_statuses: owned(RecordSyncStatus::NAMES),
        supplier_order_statuses: owned(SupplierOrderStatus::NAMES),
        erp_order_types: owned(ERP_ORDER_TYPES),
    })
}

/// The folder the export form starts with (the person's downloads folder).
#[tauri::command]
#[specta::specta]
pub async fn export_folder(state: State<'_, AppState>) -> Result<String, AppError> {
    state.actor().await?;
    Ok(state.services()?.default_export_folder())
}

/// Exports running now, by the id the window gave each, so a cancel can find its job.
static RUNNING: LazyLock<Mutex<HashMap<String, Arc<ExportJob>>>> = LazyLock::new(Default::default);

fn running() -> MutexGuard<'static, HashMap<String, Arc<ExportJob>>> {
    // The map stays consistent even if a holder panicked: each change is one insert/remove.
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Takes an export off the running list when it ends, however it ends.
struct Registered(String);

impl Drop for Registered {
    fn drop(&mut self) {
        running().remove(&self.0);
    }
}

fn register(export_id: &str, job: Arc<ExportJob>) -> Result<Registered, AppError> {
    let mut map = running();
    if export_id.trim().is_empty() || map.contains_key(export_id) {
        return Err(AppError::Conflict {
            message: format!("an export with id `{export_id}` is already running"),
            field: Some("export_id".into()),
        });
    }
    map.insert(export_id.to_owned(), job);
    Ok(Registered(export_id.to_owned()))
}

/// Writes the rows `filter` matches to a new file; progress arrives on `on_progress` after
/// every page. Answers when the file is complete, or cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_records(
    state: State<'_, AppState>,
    export_id: String,
    filter: RecordFilter,
    options: ExportOptions,
    destination: ExportDestination,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportOutcome, AppError> {
    let (_, actor) = state.actor().await?;
    let job = Arc::new(ExportJob::new(move |p| {
        // A window that went away just stops hearing progress.
        let _ = on_progress.send(p);
    }));
    let _registered = register(&export_id, job.clone())?;
    state
        .services()?
        .export_records(&actor, filter, options, &destination, &job)
        .await
}

/// Asks a running export to stop after its current page; `false` if none has this id.
#[tauri::command]
#[specta::specta]
pub async fn cancel_export(
    state: State<'_, AppState>,
    export_id: String,
) -> Result<bool, AppError> {
    state.actor().await?;
    Ok(match running().get(&export_id) {
        Some(job) => {
            job.cancel();
            true
        }
        None => false,
    })
}
