//! The demo's POS terminal: pushes one seed 000 sale (built by the simulators' POS
//! terminal) to the listener every few seconds, as a till on the store's network would,
//! until it is stopped. What the listener answered is kept for the status.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use storelink_core::ids::now;
use storelink_core::AppError;
use storelink_simulators::pos_terminal::{sale, Terminal};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// One sale this often: a busy till, without filling the disk.
pub const PUSH_EVERY: Duration = Duration::from_secs(5);

pub(super) struct TerminalTask {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    pushed: Arc<AtomicU32>,
    last_error: Arc<Mutex<Option<String>>>,
}

impl TerminalTask {
    /// Starts pushing at once, so the first sale is there within seconds.
    pub fn start(terminal: Terminal) -> Result<TerminalTask, AppError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| AppError::internal(format!("the demo POS terminal cannot start: {e}")))?;
        let (stop, stopped) = watch::channel(false);
        let pushed = Arc::new(AtomicU32::new(0));
        let last_error = Arc::new(Mutex::new(None));
        let task = tokio::spawn(run(
            terminal,
            client,
            Arc::clone(&pushed),
            Arc::clone(&last_error),
            stopped,
        ));
        Ok(TerminalTask {
            stop,
            task,
            pushed,
            last_error,
        })
    }

    /// Sales the listener acknowledged.
    pub fn pushed(&self) -> u32 {
        self.pushed.load(Ordering::Relaxed)
    }

    /// Why the last push was not acknowledged, if it was not.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|e| e.clone())
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

async fn run(
    terminal: Terminal,
    client: reqwest::Client,
    pushed: Arc<AtomicU32>,
    last_error: Arc<Mutex<Option<String>>>,
    mut stop: watch::Receiver<bool>,
) {
    let url = format!(
        "{}/api/v1/integrations/pos/{}/transactions",
        terminal.base_url, terminal.system_id
    );
    // Ids of this run never meet those of an earlier one.
    let run = now().format("%Y%m%d%H%M%S").to_string();
    let mut n: usize = 0;
    loop {
        let id = format!("DEMO-{run}-{n:05}");
        // Spread the amounts and payment methods the sale builder derives from `n`.
        let body = sale(&id, n.wrapping_mul(7919).wrapping_add(13));
        let outcome = match client
            .post(&url)
            .bearer_auth(&terminal.token)
            .json(&body)
            .send()
            .await
        {
            Ok(resp) if resp.status().is_success() => {
                pushed.fetch_add(1, Ordering::Relaxed);
                None
            }
            Ok(resp) => Some(format!("the listener answered {}", resp.status())),
            Err(e) if e.is_connect() => Some("the listener is not running".to_owned()),
            Err(e) if e.is_timeout() => Some("the listener did not answer in time".to_owned()),
            Err(_) => Some("the push could not be sent".to_owned()),
        };
        if let Some(why) = &outcome {
            tracing::debug!(transaction = %id, reason = %why, "demo sale not acknowledged");
        }
        if let Ok(mut last) = last_error.lock() {
            *last = outcome;
        }
        n += 1;
        tokio::select! {
            () = tokio::time::sleep(PUSH_EVERY) => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
}
