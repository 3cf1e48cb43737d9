//! The overall state the tray icon shows, made from the systems' status and health, and the
//! icon itself: the app icon with a coloured dot. Pure functions, tested without a tray.
//!
//! - **offline**: a vendor cannot be reached — a system the breaker paused (status `error`),
//!   or one whose last connection test failed on the network or timed out with no successful
//!   sync since. Changes for it wait in the outbox (the dashboard's offline banner, too).
//! - **degraded**: everything answers, but a system's last sync failed or partly failed, or
//!   its health score is below [`DEGRADED_BELOW`].
//! - **ok**: otherwise, including a store with no systems yet.
//!
//! Systems switched off (`inactive`) do not count.

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::health::HealthSnapshot;
use storelink_core::system::{ExternalSystem, LastSyncStatus, SystemStatus};
use storelink_core::ErrorClass;

use crate::notify_rules::Lang;

/// A health score below this shows as degraded (a healthy but slow vendor scores 85).
pub const DEGRADED_BELOW: i64 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum OverallState {
    Ok,
    Degraded,
    Offline,
}

fn unreachable(s: &ExternalSystem) -> bool {
    if s.status == SystemStatus::Error {
        return true;
    }
    let test_failed_on_network = matches!(
        s.last_test_error_class,
        Some(ErrorClass::NetworkError | ErrorClass::TimeoutError)
    );
    let synced_since = match (s.last_sync_at, s.last_test_at, s.last_sync_status) {
        (Some(synced), Some(tested), Some(LastSyncStatus::Success)) => synced > tested,
        _ => false,
    };
    test_failed_on_network && !synced_since
}

fn troubled(s: &ExternalSystem, health: &[HealthSnapshot]) -> bool {
    let failed = matches!(
        s.last_sync_status,
        Some(LastSyncStatus::Failed | LastSyncStatus::Partial)
    );
    let unhealthy = health
        .iter()
        .any(|h| h.system_id == s.id && h.score < DEGRADED_BELOW);
    failed || unhealthy
}

pub fn overall_state(systems: &[ExternalSystem], health: &[HealthSnapshot]) -> OverallState {
    let counted: Vec<&ExternalSystem> = systems
        .iter()
        .filter(|s| s.status != SystemStatus::Inactive)
        .collect();
    if counted.iter().any(|s| unreachable(s)) {
        OverallState::Offline
    } else if counted.iter().any(|s| troubled(s, health)) {
        OverallState::Degraded
    } else {
        OverallState::Ok
    }
}

/// The state line of the tray menu (and the tooltip where the desktop shows one).
pub fn state_label(state: OverallState, lang: Lang) -> &'static str {
    match (state, lang) {
        (OverallState::Ok, Lang::Zh) => "状态：正常",
        (OverallState::Degraded, Lang::Zh) => "状态：部分异常",
        (OverallState::Offline, Lang::Zh) => "状态：离线（变更等待发送）",
        (OverallState::Ok, Lang::En) => "Status: all good",
        (OverallState::Degraded, Lang::En) => "Status: degraded",
        (OverallState::Offline, Lang::En) => "Status: offline (changes waiting)",
    }
}

/// The tray menu's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuEntry {
    Open,
    SyncAll,
    Quit,
}

pub fn menu_label(entry: MenuEntry, lang: Lang) -> &'static str {
    match (entry, lang) {
        (MenuEntry::Open, Lang::Zh) => "打开主窗口",
        (MenuEntry::SyncAll, Lang::Zh) => "立即同步全部",
        (MenuEntry::Quit, Lang::Zh) => "退出智链",
        (MenuEntry::Open, Lang::En) => "Open window",
        (MenuEntry::SyncAll, Lang::En) => "Sync all now",
        (MenuEntry::Quit, Lang::En) => "Quit Storelink",
    }
}

/// The dot's colour, from Ant Design's palette (success, warning, error).
pub fn state_colour(state: OverallState) -> [u8; 3] {
    match state {
        OverallState::Ok => [0x52, 0xc4, 0x1a],
        OverallState::Degraded => [0xfa, 0xad, 0x14],
        OverallState::Offline => [0xff, 0x4d, 0x4f],
    }
}

/// The RGBA icon with a dot of the state's colour in its lower right corner, ringed in white
/// so it shows on dark and light panels. `None` when the pixels do not match the size.
pub fn badge(rgba: &[u8], width: u32, height: u32, state: OverallState) -> Option<Vec<u8>> {
    let (w, h) = (i64::from(width), i64::from(height));
    let expected = usize::try_from(w.checked_mul(h)?.checked_mul(4)?).ok()?;
    if w == 0 || h == 0 || rgba.len() != expected {
        return None;
    }
    let radius = (w.min(h) * 3 / 16).max(2);
    let ring = (radius / 4).max(1);
    let (cx, cy) = (w - radius - ring - 1, h - radius - ring - 1);
    let [r, g, b] = state_colour(state);
    let mut out = rgba.to_vec();
    let outer = radius + ring;
    for y in (cy - outer).max(0)..=(cy + outer).min(h - 1) {
        for x in (cx - outer).max(0)..=(cx + outer).min(w - 1) {
            let d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            let colour = if d2 <= radius * radius {
                [r, g, b, 0xff]
            } else if d2 <= outer * outer {
                [0xff, 0xff, 0xff, 0xff]
            } else {
                continue;
            };
            let at = usize::try_from((y * w + x) * 4).ok()?;
            out.get_mut(at..at + 4)?.copy_from_slice(&colour);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration, Utc};
    use uuid::Uuid;

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default()
            + Duration::minutes(minutes)
    }

    fn system(n: u128) -> ExternalSystem {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(n), "name": format!("s{n}"), "type": "erp", "provider": "custom",
            "version": null, "status": "active", "store_id": null, "api_endpoint": null,
            "webhook_url": null, "config": {}, "sync_enabled": true, "sync_interval": 300,
            "last_sync_at": null, "last_sync_status": null, "secret_fields": [],
            "last_test_at": null, "last_test_latency_ms": null, "last_test_error_class": null,
            "last_test_message": null, "created_at": t(0), "updated_at": t(0),
        }))
        .expect("a system")
    }

    fn health(n: u128, score: i64) -> HealthSnapshot {
        serde_json::from_value(serde_json::json!({
            "id": Uuid::from_u128(100 + n), "system_id": Uuid::from_u128(n), "taken_at": t(0),
            "success_permille": null, "outcomes_24h": 0, "p95_latency_ms": null,
            "consecutive_failures": 0, "outbox_backlog": 0, "outbox_dead": 0, "score": score,
        }))
        .expect("a snapshot")
    }

    #[test]
    fn no_systems_or_healthy_ones_are_ok() {
        assert_eq!(overall_state(&[], &[]), OverallState::Ok);
        let mut synced = system(1);
        synced.last_sync_status = Some(LastSyncStatus::Success);
        assert_eq!(
            overall_state(&[synced, system(2)], &[health(1, 100), health(2, 85)]),
            OverallState::Ok
        );
    }

    #[test]
    fn a_failed_sync_or_a_low_score_is_degraded() {
        let mut failed = system(1);
        failed.last_sync_status = Some(LastSyncStatus::Failed);
        assert_eq!(
            overall_state(&[failed, system(2)], &[]),
            OverallState::Degraded
        );
        assert_eq!(
            overall_state(&[system(1)], &[health(1, DEGRADED_BELOW - 1)]),
            OverallState::Degraded
        );
        // A snapshot of another system does not count against this one.
        assert_eq!(
            overall_state(&[system(1)], &[health(9, 0)]),
            OverallState::Ok
        );
    }

    #[test]
    fn an_unreachable_vendor_is_offline_until_it_syncs_again() {
        let mut paused = system(1);
        paused.status = SystemStatus::Error;
        assert_eq!(
            overall_state(&[paused, system(2)], &[]),
            OverallState::Offline
        );

        let mut untested = system(1);
        untested.last_test_at = Some(t(10));
        untested.last_test_error_class = Some(ErrorClass::TimeoutError);
        assert_eq!(
            overall_state(&[untested.clone()], &[]),
            OverallState::Offline
        );
        // A successful sync after the failed test: reachable again.
        untested.last_sync_at = Some(t(20));
        untested.last_sync_status = Some(LastSyncStatus::Success);
        assert_eq!(overall_state(&[untested.clone()], &[]), OverallState::Ok);
        // A refused login is not the network: degraded at most, never offline.
        let mut refused = system(1);
        refused.last_test_at = Some(t(10));
        refused.last_test_error_class = Some(ErrorClass::AuthenticationError);
        assert_eq!(overall_state(&[refused], &[]), OverallState::Ok);
        // A switched-off system does not count.
        let mut off = system(1);
        off.status = SystemStatus::Inactive;
        off.last_sync_status = Some(LastSyncStatus::Failed);
        assert_eq!(overall_state(&[off], &[]), OverallState::Ok);
    }

    #[test]
    fn the_badge_colours_the_lower_right_corner_only() {
        let (w, h) = (32u32, 32u32);
        let plain = vec![10u8; 32 * 32 * 4];
        let icon = badge(&plain, w, h, OverallState::Offline).expect("badged");
        let pixel = |x: usize, y: usize| icon[(y * 32 + x) * 4..(y * 32 + x) * 4 + 4].to_vec();
        // radius 6, ring 1: the dot's centre is at (24, 24).
        assert_eq!(pixel(24, 24), vec![0xff, 0x4d, 0x4f, 0xff]);
        assert_eq!(
            pixel(24, 17),
            vec![0xff, 0xff, 0xff, 0xff],
            "the white ring"
        );
        assert_eq!(pixel(0, 0), vec![10, 10, 10, 10], "the icon is kept");
        assert_eq!(pixel(8, 24), vec![10, 10, 10, 10]);
        let ok = badge(&plain, w, h, OverallState::Ok).expect("badged");
        assert_eq!(
            ok[(24 * 32 + 24) * 4..(24 * 32 + 24) * 4 + 3],
            [0x52, 0xc4, 0x1a]
        );
        // Pixels that do not match the size are refused, not read out of bounds.
        assert_eq!(badge(&plain, 33, 32, OverallState::Ok), None);
        assert_eq!(badge(&[], 0, 0, OverallState::Ok), None);
    }

    #[test]
    fn labels_exist_in_both_languages() {
        for state in [
            OverallState::Ok,
            OverallState::Degraded,
            OverallState::Offline,
        ] {
            assert_ne!(state_label(state, Lang::Zh), state_label(state, Lang::En));
        }
        assert_eq!(menu_label(MenuEntry::SyncAll, Lang::Zh), "立即同步全部");
        assert_eq!(menu_label(MenuEntry::Quit, Lang::En), "Quit Storelink");
    }
}
