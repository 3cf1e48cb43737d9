//! Seed 002's webhooks from the Yiding simulator, signed as the system's settings say
//! (Standard Webhooks or `sha256=`), received through `Services`: created, updated and
//! cancelled apply; a forged body or a wrong secret is refused. Run under
//! scripts/with-keyring.sh.

mod common;
mod yiding;

use serde_json::json;
use storelink_core::reservation::ReservationStatus;
use storelink_core::AppError;
use storelink_simulators::yiding::WebhookScheme;
use yiding::yiding;

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_webhooks_apply_and_forged_ones_are_refused() {
    let y = yiding(
        10,
        json!({"webhook_signature": "standard_webhooks", "webhook_secret": WHSEC}),
    )
    .await;
    let id = "RES-000004";
    let hook = |event: &str| {
        y.sim
            .webhook(event, id, WebhookScheme::StandardWebhooks, WHSEC)
            .expect("hook")
    };
    let created = y
        .webhook(&hook("reservation.created"))
        .await
        .expect("created");
    assert!(created.created && !created.duplicate, "{created:?}");
    let forged = hook("reservation.updated").tampered();
    let refused = y.webhook(&forged).await.expect_err("forged");
    assert!(
        matches!(refused, AppError::BadSignature { .. }),
        "{refused:?}"
    );
    let wrong_key = y
        .sim
        .webhook(
            "reservation.updated",
            id,
            WebhookScheme::StandardWebhooks,
            "whsec_bm90IHRoZSBzZWNyZXQ=",
        )
        .expect("hook");
    assert!(matches!(
        y.webhook(&wrong_key).await,
        Err(AppError::BadSignature { .. })
    ));
    y.sim.touch(&[id.to_owned()], "加一位");
    let updated = y
        .webhook(&hook("reservation.updated"))
        .await
        .expect("updated");
    assert!(!updated.created && !updated.duplicate, "{updated:?}");
    assert_eq!(
        y.one(id).await.expect("row").notes.as_deref(),
        Some("加一位")
    );
    let cancelled = y
        .webhook(&hook("reservation.cancelled"))
        .await
        .expect("cancelled");
    assert_eq!(cancelled.status.as_deref(), Some("cancelled"));
    assert_eq!(
        y.one(id).await.expect("row").status,
        ReservationStatus::Cancelled
    );

    // The `sha256=` scheme, for platforms configured that way.
    let s = yiding(
        3,
        json!({"webhook_signature": "sha256", "webhook_secret": "s3cret"}),
    )
    .await;
    let good = s
        .sim
        .webhook(
            "reservation.created",
            "RES-000001",
            WebhookScheme::Sha256,
            "s3cret",
        )
        .expect("hook");
    assert!(s.webhook(&good).await.expect("accepted").created);
    let bad = s
        .sim
        .webhook(
            "reservation.updated",
            "RES-000001",
            WebhookScheme::Sha256,
            "other",
        )
        .expect("hook");
    assert!(matches!(
        s.webhook(&bad).await,
        Err(AppError::BadSignature { .. })
    ));
}
