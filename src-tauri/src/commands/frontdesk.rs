//! The front-desk board: one store day's reservations by time with the moves the core
//! allows next, and making one (role-checked, audited and queued for the platform).

use storelink_core::reservation::StatusChange;
use storelink_core::AppError;
use storelink_service::dashboard::front_desk::{BoardReservation, FrontDeskBoard};
use tauri::State;

use super::sync::given;
use crate::AppState;

/// The reservations of `date` (`YYYY-MM-DD`, the store's; none or empty: today).
#[tauri::command]
#[specta::specta]
pub async fn front_desk_board(
    state: State<'_, AppState>,
    date: Option<String>,
) -> Result<FrontDeskBoard, AppError> {
    let (_, actor) = state.actor().await?;
    let date = given(date);
    state
        .services()?
        .front_desk_board(&actor, date.as_deref())
        .await
}

/// Moves the reservation with local id `id` to `change.status` (seated needs
/// `change.table_number`).
#[tauri::command]
#[specta::specta]
pub async fn move_reservation(
    state: State<'_, AppState>,
    id: String,
    change: StatusChange,
) -> Result<BoardReservation, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .move_reservation(&actor, &id, change)
        .await
}
