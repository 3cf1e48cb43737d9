//! A Storelink data folder with one Yiding reservation system against the Yiding
//! simulator, run through `Services` as the app runs it.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use storelink_core::ingest::{IngestReply, WebhookChannel};
use storelink_core::reservation::Reservation;
use storelink_core::sync::SyncTask;
use storelink_core::system::ExternalSystem;
use storelink_core::AppError;
use storelink_service::ingest::RawPush;
use storelink_service::records::ReservationQuery;
use storelink_simulators::yiding::{SignedWebhook, YidingSim, YidingSimConfig};

use crate::common::{host, Host};

pub struct Yiding {
    pub h: Host,
    pub sim: YidingSim,
    pub system: ExternalSystem,
}

/// The simulator with `records` reservations and a Yiding system using it; `extra`
/// settings go over the test ones (secret-looking keys end up in the keychain).
pub async fn yiding(records: usize, extra: Value) -> Yiding {
    let h = host().await;
    let sim = YidingSim::start(YidingSimConfig {
        records,
        ..YidingSimConfig::default()
    })
    .await
    .expect("simulator");
    let mut config = json!({"api_key": sim.config().api_key, "page_size": 500,
        "commit_every_records": 100, "rate_limit_per_second": 1000, "timeout_ms": 2000,
        "retryPolicy": {"maxRetries": 3, "initialDelay": 10, "maxDelay": 50}});
    if let (Some(c), Value::Object(extra)) = (config.as_object_mut(), extra) {
        c.extend(extra);
    }
    let input = serde_json::from_value(json!({
        "name": format!("易订预订管理系统 {}", uuid::Uuid::now_v7()),
        "type": "reservation",
        "provider": "Yiding",
        "store_id": "store-001",
        "api_endpoint": sim.api_endpoint(),
        "config": config,
    }))
    .expect("system input");
    let system = h
        .services
        .create_system(&h.admin, input)
        .await
        .expect("system");
    Yiding { h, sim, system }
}

impl Yiding {
    pub fn id(&self) -> String {
        self.system.id.to_string()
    }

    pub async fn sync(&self, mode: &str) -> Result<SyncTask, AppError> {
        self.h
            .services
            .run_sync(&self.h.admin, &self.id(), "reservations", mode)
            .await
    }

    pub async fn stored(&self) -> Vec<Reservation> {
        let q = ReservationQuery {
            system_id: Some(self.id()),
            limit: Some(1000),
            ..Default::default()
        };
        let page = self.h.services.list_reservations(&self.h.admin, q).await;
        page.expect("list").items
    }

    pub async fn one(&self, id: &str) -> Option<Reservation> {
        self.stored()
            .await
            .into_iter()
            .find(|r| r.reservation_id == id)
    }

    pub async fn webhook(&self, hook: &SignedWebhook) -> Result<IngestReply, AppError> {
        let push = RawPush {
            body: hook.body.clone(),
            headers: hook.headers.clone(),
        };
        self.h
            .services
            .receive_webhook(WebhookChannel::Reservation, &self.id(), push)
            .await
    }

    /// Dispatches until the outbox is empty of waiting entries (or 30 s passed).
    pub async fn deliver(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            self.h
                .services
                .dispatch_outbox(&self.h.admin)
                .await
                .expect("dispatch");
            let page = self
                .h
                .services
                .list_outbox(
                    &self.h.admin,
                    Some(&self.id()),
                    Some("pending"),
                    &Default::default(),
                )
                .await
                .expect("outbox");
            if page.items.is_empty() || Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
