//! The outbox dispatcher: delivers local changes to their vendor in order per record, on
//! its own timer, with backoff; an entry that keeps failing (or fails for good) is parked
//! as dead for a person to retry. Each delivery carries the entry id as idempotency key.

use std::time::Duration;

use storelink_connectors::connector::PushRequest;
use storelink_core::error::AppError;
use storelink_core::ids::now;
use storelink_core::outbox::{backoff, OutboxEntry, OutboxStatus};
use storelink_store::{db_error, outbox, systems};

use crate::locks::LockFile;
use crate::retry::RetryPolicy;
use crate::Engine;

/// Attempts before an entry whose failures are all transient is parked as dead.
pub const MAX_ATTEMPTS: i64 = 10;
/// How long a pass waits for another process's pass to end before skipping its turn.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// What one pass of the dispatcher did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DispatchReport {
    pub delivered: usize,
    pub retrying: usize,
    pub dead: usize,
    /// Entries of systems no connector can deliver to yet (left pending).
    pub waiting: usize,
    /// Entries a conflict resolution cancelled before they were sent.
    pub cancelled: usize,
}

impl Engine {
    /// Delivers what is due now, oldest first, one entry per record at a time.
    pub async fn dispatch_once(&self) -> Result<DispatchReport, AppError> {
        // Held for the whole pass; the OS releases it if the process dies.
        let Some(_lock) = self.dispatch_lock().await? else {
            return Ok(DispatchReport::default());
        };
        {
            // Every pass holds the lock, so an entry still in flight now was claimed by a
            // pass whose process died (SIGKILL, power cut) before saving the vendor's
            // answer: it goes back in line at once, and its idempotency key makes the
            // second delivery harmless. (It used to wait two minutes, holding back every
            // later change of its record.)
            let mut tx = self.db.write().await?;
            outbox::requeue_stuck(&mut tx, now()).await?;
            tx.commit().await.map_err(db_error)?;
        }
        let due = {
            let mut conn = self.db.read().await?;
            outbox::due(&mut conn, now(), 100).await?
        };
        let mut report = DispatchReport::default();
        for entry in due {
            match self.deliver(entry).await? {
                OutboxStatus::Done => report.delivered += 1,
                OutboxStatus::Dead => report.dead += 1,
                OutboxStatus::Pending => report.retrying += 1,
                OutboxStatus::InFlight => report.waiting += 1,
                OutboxStatus::Cancelled => report.cancelled += 1,
            }
        }
        Ok(report)
    }

    /// One dispatch pass at a time per data folder, across processes (the app, `storelink
    /// serve`, `storelink outbox send`): an exclusive lock on a file beside the database.
    /// `None` when another pass kept it for [`LOCK_WAIT`] (this turn is skipped).
    async fn dispatch_lock(&self) -> Result<Option<std::fs::File>, AppError> {
        let lock = LockFile::open(self.db.path(), "outbox-dispatch.lock")?;
        let deadline = tokio::time::Instant::now() + LOCK_WAIT;
        while !lock.try_lock()? {
            if tokio::time::Instant::now() >= deadline {
                tracing::debug!("another outbox pass is running; skipping this turn");
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok(Some(lock.file))
    }

    /// Runs the dispatcher every `every` until `stop` says so.
    pub async fn run_dispatcher(
        &self,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            if let Err(e) = self.dispatch_once().await {
                tracing::error!(error = %e, "outbox dispatch failed");
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }

    async fn deliver(&self, mut entry: OutboxEntry) -> Result<OutboxStatus, AppError> {
        let system = {
            let mut conn = self.db.read().await?;
            systems::require(&mut conn, entry.system_id).await?
        };
        let connector = match self.connector(&system).await {
            Ok(c) => c,
            Err(e) => {
                // No way to deliver yet (no connector or no credentials): wait, visibly.
                entry.last_error = Some(e.to_string());
                entry.next_attempt_at = now() + chrono::Duration::minutes(1);
                entry.updated_at = now();
                let mut tx = self.db.write().await?;
                outbox::save(&mut tx, &entry).await?;
                tx.commit().await.map_err(db_error)?;
                return Ok(OutboxStatus::InFlight);
            }
        };
        entry.status = OutboxStatus::InFlight;
        entry.attempts += 1;
        entry.updated_at = now();
        {
            let mut tx = self.db.write().await?;
            let claimed = outbox::claim(&mut tx, &entry).await?;
            tx.commit().await.map_err(db_error)?;
            if !claimed {
                return Ok(OutboxStatus::Cancelled);
            }
        }
        let limiter = self.limiter(&system);
        limiter.until_ready().await;
        let request = PushRequest {
            operation: entry.operation.clone(),
            payload: entry.payload.clone(),
            idempotency_key: entry.id.to_string(),
        };
        let outcome = connector.push(&request).await;
        let policy = RetryPolicy::from_config(&system.config);
        entry.updated_at = now();
        match outcome {
            Ok(reply) => {
                entry.status = OutboxStatus::Done;
                entry.vendor_reply = Some(reply);
                entry.last_error = None;
                entry.last_error_class = None;
            }
            Err(e) => {
                entry.last_error = Some(e.message.clone());
                entry.last_error_class = Some(e.class);
                if e.retryable() && entry.attempts < MAX_ATTEMPTS {
                    let attempt =
                        u32::try_from(entry.attempts.saturating_sub(1)).unwrap_or(u32::MAX);
                    let wait = policy.delay(attempt, &e).max(backoff_floor(entry.attempts));
                    // Each failed delivery is logged with its class, as a failed page is.
                    tracing::warn!(entry = %entry.id, attempt = entry.attempts, class = %e.class, error = %e.message, wait_ms = wait.as_millis() as u64, "delivery failed; retrying");
                    entry.status = OutboxStatus::Pending;
                    entry.next_attempt_at = now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::seconds(30));
                } else {
                    entry.status = OutboxStatus::Dead;
                    tracing::error!(entry = %entry.id, class = %e.class, error = %e.message, "outbox entry is dead; retry it by hand once the cause is fixed");
                }
            }
        }
        let mut tx = self.db.write().await?;
        outbox::save(&mut tx, &entry).await?;
        tx.commit().await.map_err(db_error)?;
        if entry.status == OutboxStatus::Dead {
            self.alert_outbox_dead(&entry);
        }
        Ok(entry.status)
    }
}

/// The outbox's own backoff (seed 004 §8.2 defaults), so retries spread out even when a
/// system's policy is aggressive.
fn backoff_floor(attempts: i64) -> Duration {
    let n = u32::try_from(attempts.clamp(0, 30)).unwrap_or(0);
    backoff(
        n,
        chrono::Duration::milliseconds(100),
        chrono::Duration::seconds(30),
    )
    .to_std()
    .unwrap_or(Duration::from_secs(30))
}
