//! The outbox (local changes waiting for their vendor) and the inbox (received webhooks).

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::Rule;
use storelink_core::inbox::{InboxEvent, InboxStatus};
use storelink_core::ingest::IngestReply;
use storelink_core::outbox::OutboxEntry;
use storelink_core::{AppError, Page, PageRequest};
use storelink_service::DispatchReport;
use tauri::State;
use uuid::Uuid;

use super::sync::given;
use crate::AppState;

/// Which outbox entries, inbox events or conflicts to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct QueueQuery {
    #[serde(default)]
    pub system_id: Option<String>,
    /// An outbox status (`pending`, `in_flight`, `done`, `dead`, `cancelled`), an inbox
    /// one (`received`, `processed`, `failed`) or a conflict's (`open`, `resolved`).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

impl QueueQuery {
    /// The page asked for; blank filters count as none.
    pub(crate) fn split(self) -> (Option<String>, Option<String>, PageRequest) {
        let page = PageRequest {
            cursor: self.cursor,
            limit: self.limit,
        };
        (given(self.system_id), given(self.status), page)
    }
}

/// What one "send now" pass of the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct DispatchSummary {
    pub delivered: u32,
    pub retrying: u32,
    pub dead: u32,
    /// Entries of systems no connector can deliver to yet (left pending).
    pub waiting: u32,
    /// Entries a conflict resolution cancelled before they were sent.
    pub cancelled: u32,
}

impl From<DispatchReport> for DispatchSummary {
    fn from(r: DispatchReport) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        DispatchSummary {
            delivered: n(r.delivered),
            retrying: n(r.retrying),
            dead: n(r.dead),
            waiting: n(r.waiting),
            cancelled: n(r.cancelled),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_outbox(
    state: State<'_, AppState>,
    query: QueueQuery,
) -> Result<Page<OutboxEntry>, AppError> {
    let (_, actor) = state.actor().await?;
    let (system_id, status, page) = query.split();
    state
        .services()?
        .list_outbox(&actor, system_id.as_deref(), status.as_deref(), &page)
        .await
}

/// Puts a dead entry back in line.
#[tauri::command]
#[specta::specta]
pub async fn retry_outbox(state: State<'_, AppState>, id: String) -> Result<OutboxEntry, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.retry_outbox(&actor, &id).await
}

/// Sends what is due now instead of at the dispatcher's next turn.
#[tauri::command]
#[specta::specta]
pub async fn dispatch_outbox(state: State<'_, AppState>) -> Result<DispatchSummary, AppError> {
    let (_, actor) = state.actor().await?;
    Ok(state.services()?.dispatch_outbox(&actor).await?.into())
}

fn system_filter(value: Option<String>) -> Result<Option<Uuid>, AppError> {
    given(value)
        .map(|s| {
            Uuid::parse_str(s.trim()).map_err(|_| {
                AppError::field(
                    "system_id",
                    Rule::Format {
                        expected: "a UUID".into(),
                    },
                    "system_id is not a system id",
                )
            })
        })
        .transpose()
}

fn inbox_status(value: Option<String>) -> Result<Option<InboxStatus>, AppError> {
    given(value)
        .map(|s| {
            InboxStatus::parse(&s).ok_or_else(|| {
                AppError::field(
                    "status",
                    Rule::OneOf {
                        allowed: InboxStatus::NAMES.iter().map(|n| (*n).to_owned()).collect(),
                    },
                    format!("status must be one of {}", InboxStatus::NAMES.join(", ")),
                )
            })
        })
        .transpose()
}

#[tauri::command]
#[specta::specta]
pub async fn list_inbox(
    state: State<'_, AppState>,
    query: QueueQuery,
) -> Result<Page<InboxEvent>, AppError> {
    let (_, actor) = state.actor().await?;
    let (system_id, status, page) = query.split();
    let system_id = system_filter(system_id)?;
    let status = inbox_status(status)?;
    state
        .services()?
        .list_inbox(&actor, system_id, status, &page)
        .await
}

/// Processes a received webhook again from its raw body (one that failed or waits).
#[tauri::command]
#[specta::specta]
pub async fn replay_inbox(state: State<'_, AppState>, id: String) -> Result<IngestReply, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.replay_inbox(&actor, &id).await
}
