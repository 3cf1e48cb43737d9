//! The front-desk board through the service layer: the store's day by time, the moves the
//! core allows, role checks, and the store's zone (real SQLite file, real keychain: run
//! under scripts/with-keyring.sh).

mod common;
mod home_fixtures;

use chrono::{Duration, Utc};
use serde_json::json;
use storelink_core::reservation::ReservationStatus;
use storelink_core::{AppError, Role};

use common::{host, user};
use home_fixtures::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_shows_the_store_day_by_time_and_moves_by_the_core() {
    let h = host().await;
    let system = reservation_system(&h, json!({})).await;
    let evening = book(&h, system, "R-EVENING", &local(0, "19:00"), json!({})).await;
    let lunch = book(
        &h,
        system,
        "R-LUNCH",
        &store_date(0).format("%Y-%m-%d").to_string(),
        json!({"reservation_time": "11:30-13:00"}),
    )
    .await;
    book(
        &h,
        system,
        "R-LATE",
        &local(0, "23:59"),
        json!({"status": "pending"}),
    )
    .await;
    book(&h, system, "R-YESTERDAY", &local(-1, "20:00"), json!({})).await;
    book(&h, system, "R-TOMORROW", &local(1, "00:30"), json!({})).await;

    let floor = user(&h, "floor", Role::FloorManager).await;
    let today = board(&h, &floor, None).await;
    assert_eq!(today.date, store_date(0).format("%Y-%m-%d").to_string());
    assert_eq!(board_ids(&today), ["R-LUNCH", "R-EVENING", "R-LATE"]);
    let times: Vec<&str> = today.reservations.iter().map(|r| r.time.as_str()).collect();
    assert_eq!(times, ["11:30", "19:00", "23:59"]);
    use ReservationStatus::*;
    assert_eq!(
        today.reservations[1].next_allowed,
        [Arrived, Cancelled, NoShow]
    );
    assert_eq!(
        today.reservations[2].next_allowed,
        [Confirmed, Cancelled, NoShow]
    );
    let yesterday = store_date(-1).format("%Y-%m-%d").to_string();
    assert_eq!(
        board_ids(&board(&h, &floor, Some(&yesterday)).await),
        ["R-YESTERDAY"]
    );
    assert!(matches!(
        h.services.front_desk_board(&floor, Some("tomorrow")).await,
        Err(AppError::Validation { .. })
    ));

    let id = evening.to_string();
    let arrived = h
        .services
        .move_reservation(&floor, &id, change("arrived", None))
        .await
        .expect("arrived");
    assert_eq!(arrived.reservation.status, Arrived);
    assert!(arrived.reservation.arrival_time.is_some());
    assert_eq!(arrived.next_allowed, [Seated, Cancelled]);
    let Err(AppError::Validation { errors }) = h
        .services
        .move_reservation(&floor, &id, change("seated", None))
        .await
    else {
        panic!("seating needs a table")
    };
    assert_eq!(errors[0].field, "table_number");
    let seated = h
        .services
        .move_reservation(&floor, &id, change("seated", Some("A8")))
        .await
        .expect("seated");
    assert_eq!(seated.reservation.table_number.as_deref(), Some("A8"));
    assert_eq!(seated.next_allowed, [Completed]);
    assert!(matches!(
        h.services
            .move_reservation(&floor, &lunch.to_string(), change("completed", None))
            .await,
        Err(AppError::Validation { .. })
    ));

    let staff = user(&h, "clerk", Role::Staff).await;
    assert_eq!(board(&h, &staff, None).await.reservations.len(), 3);
    assert!(matches!(
        h.services
            .move_reservation(&staff, &lunch.to_string(), change("arrived", None))
            .await,
        Err(AppError::Forbidden { .. })
    ));
    let after = board(&h, &floor, None).await;
    assert_eq!(after.reservations[1].reservation.status, Seated);
    assert_eq!(after.reservations[0].reservation.status, Confirmed);
    // Each move waits in the outbox for the platform.
    let d = h.services.dashboard(&floor).await.expect("dashboard");
    assert_eq!(card(&d, system).outbox_waiting, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_zone_comes_from_the_systems_settings() {
    let h = host().await;
    let system = reservation_system(&h, json!({"utc_offset_minutes": -300})).await;
    let local_today = (Utc::now() - Duration::hours(5)).date_naive();
    let date = format!("{}T08:00:00", local_today.format("%Y-%m-%d"));
    book(&h, system, "R-NY", &date, json!({})).await;
    let today = board(&h, &h.admin, None).await;
    assert_eq!(today.utc_offset_minutes, -300);
    assert_eq!(today.date, local_today.format("%Y-%m-%d").to_string());
    assert_eq!(board_ids(&today), ["R-NY"]);
    assert_eq!(today.reservations[0].time, "08:00");
    let d = h.services.dashboard(&h.admin).await.expect("dashboard");
    assert_eq!((d.utc_offset_minutes, d.today), (-300, today.date));
}
