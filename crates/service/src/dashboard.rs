//! The dashboard (issue 7): one card per system (health score, last sync, success rate over
//! the last 24 hours, changes waiting in the outbox), sync outcomes per hour over those 24
//! hours, today's POS volume per hour, and whether a vendor or the network is unreachable.
//! Every figure is an aggregate over an indexed range (`storelink_store::dashboard`).
//!
//! "Today" and the hours of the POS chart are the store's: the zone the systems' settings
//! give (`utc_offset_minutes` of the oldest system that sets one), else UTC+8, the zone of
//! every store the seeds describe.

mod assemble;
pub mod front_desk;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::AppError;
use storelink_core::ids::now;
use storelink_core::system::{LastSyncStatus, SystemStatus, SystemType, ValidSystemFilter};
use storelink_core::{Actor, Operation, PageRequest};
use storelink_store::dashboard as figures;
use storelink_store::{health as store_health, systems};
use uuid::Uuid;

use crate::Services;
use assemble::{card, hour_start, local_day, pos_hours, store_offset, sync_hours};

/// The sync chart's hours: the current one and the 23 before it.
pub const CHART_HOURS: i64 = 24;

/// Everything the dashboard shows, read at `generated_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct DashboardSummary {
    pub generated_at: DateTime<Utc>,
    /// The store's offset east of UTC: "today" and the charts' hour labels are read there.
    pub utc_offset_minutes: i32,
    /// The store's date today, `YYYY-MM-DD`.
    pub today: String,
    /// Live systems by name.
    pub systems: Vec<SystemCard>,
    /// [`CHART_HOURS`] hours, oldest first.
    pub sync_hours: Vec<SyncHour>,
    /// The 24 hours of today, 0 to 23.
    pub pos_hours: Vec<PosHour>,
    pub offline: OfflineStatus,
}

/// One system's card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SystemCard {
    pub system_id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub system_type: SystemType,
    pub provider: String,
    pub status: SystemStatus,
    pub sync_enabled: bool,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_sync_status: Option<LastSyncStatus>,
    /// The latest health score (0–100) and when it was taken; none before the first
    /// snapshot (snapshots are taken of systems with sync on).
    pub health_score: Option<i64>,
    pub health_at: Option<DateTime<Utc>>,
    /// Syncs that ended over the last 24 hours, and how many of them failed.
    pub syncs_24h: i64,
    pub failed_syncs_24h: i64,
    /// Successful syncs per thousand over the last 24 hours; none when none ended.
    pub success_permille_24h: Option<i64>,
    /// Changes waiting to be sent (pending or being sent), and those given up on.
    pub outbox_waiting: i64,
    pub outbox_dead: i64,
    /// Why the system counts as unreachable; none while it does not.
    pub unreachable: Option<UnreachableReason>,
}

/// Why a system counts as unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum UnreachableReason {
    /// The system is in status `error` (a failed connection test, or the scheduler paused
    /// a vendor that kept failing).
    SystemError,
    /// Its last connection test failed with a network error or a timeout.
    ConnectionFailed,
    /// Changes to it wait because their last delivery found it unreachable.
    DeliveriesFailing,
}

/// Sync outcomes of one hour, every system together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SyncHour {
    pub hour_start: DateTime<Utc>,
    pub succeeded: i64,
    pub failed: i64,
}

/// Today's POS volume in one hour of the store's day. Amounts are integer fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct PosHour {
    /// 0–23, store time.
    pub hour: u32,
    pub transactions: i64,
    pub sales_fen: i64,
    /// Refunds and voids.
    pub reversals_fen: i64,
    /// Sales less refunds and voids.
    pub net_fen: i64,
}

/// The offline banner: shown while any system is unreachable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct OfflineStatus {
    pub offline: bool,
    /// The unreachable systems.
    pub systems: Vec<Uuid>,
    /// Changes waiting in the outbox, every system together.
    pub outbox_waiting: i64,
}

impl Services {
    /// The dashboard, read with the permissions of the sync logs and the POS list (every
    /// signed-in role); a system-bound token sees its own system only.
    pub async fn dashboard(&self, actor: &Actor) -> Result<DashboardSummary, AppError> {
        self.authorize(actor, Operation::SyncLogsView, "dashboard", None)
            .await?;
        self.authorize(actor, Operation::PosTransactionsView, "dashboard", None)
            .await?;
        let scope = actor.scope(None)?;
        let at = now();
        let mut conn = self.db.read().await?;
        let mut live = systems::list(
            &mut conn,
            &ValidSystemFilter::default(),
            &PageRequest {
                cursor: None,
                limit: Some(PageRequest::MAX_LIMIT),
            },
        )
        .await?
        .items;
        live.retain(|s| scope.is_none_or(|id| s.id == id));
        live.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        let offset = store_offset(&mut conn).await?;
        let health = store_health::latest_all(&mut conn, scope).await?;
        let first_hour = hour_start(at)? - Duration::hours(CHART_HOURS - 1);
        let outcomes = figures::sync_outcomes(&mut conn, first_hour, scope).await?;
        let outbox = figures::outbox_waiting(&mut conn, scope).await?;
        let (day_start, today) = local_day(at, offset)?;
        let pos = figures::pos_hours(
            &mut conn,
            day_start,
            day_start + Duration::days(1),
            offset.local_minus_utc() / 60,
            scope,
        )
        .await?;
        let cards: Vec<SystemCard> = live
            .iter()
            .map(|s| card(s, &health, &outcomes, &outbox))
            .collect();
        let unreachable: Vec<Uuid> = cards
            .iter()
            .filter(|c| c.unreachable.is_some())
            .map(|c| c.system_id)
            .collect();
        Ok(DashboardSummary {
            generated_at: at,
            utc_offset_minutes: offset.local_minus_utc() / 60,
            today: today.format("%Y-%m-%d").to_string(),
            sync_hours: sync_hours(first_hour, &outcomes),
            pos_hours: pos_hours(&pos),
            offline: OfflineStatus {
                offline: !unreachable.is_empty(),
                systems: unreachable,
                outbox_waiting: outbox.iter().map(|o| o.waiting).sum(),
            },
            systems: cards,
        })
    }
}
