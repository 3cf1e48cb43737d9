//! The progress bar of `storelink sync run --wait` on a terminal. The sync runs in this
//! process while its task row is read back from SQLite every 200 ms, so the bar shows what
//! is committed, the same numbers `storelink sync tasks` would.

use std::collections::VecDeque;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use storelink_core::sync::{SyncTask, SyncTaskStatus};
use storelink_core::{Actor, AppError, PageRequest};
use storelink_service::Services;

const POLL: Duration = Duration::from_millis(200);
/// The rate is measured over this much recent time, so the ETA follows slowdowns (a
/// vendor's rate limit, retries) instead of averaging them away.
const WINDOW: Duration = Duration::from_secs(10);

/// Runs the sync and shows its progress; the bar is cleared before this returns, so the
/// result line stands alone.
pub async fn run_sync(
    services: &Services,
    actor: &Actor,
    system_id: &str,
    stream: &str,
    mode: &str,
) -> Result<SyncTask, AppError> {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stdout())
        .with_style(spinner_style())
        .with_message(format!("{stream}: starting"));
    bar.enable_steady_tick(Duration::from_millis(120));
    let (ended, mut end) = tokio::sync::watch::channel(false);
    let sync = async {
        let result = services.run_sync(actor, system_id, stream, mode).await;
        let _ = ended.send(true);
        result
    };
    let follow = async {
        let started = tokio::time::Instant::now();
        let mut meter = Meter::default();
        let mut known_total = false;
        loop {
            tokio::select! {
                _ = end.wait_for(|e| *e) => return,
                () = tokio::time::sleep(POLL) => {}
            }
            let Some(task) = running_task(services, actor, system_id, stream).await else {
                continue;
            };
            let done = task.success_items + task.failed_items;
            meter.observe(started.elapsed(), done);
            if task.total_items > 0 {
                if !known_total {
                    bar.set_style(bar_style());
                    known_total = true;
                }
                bar.set_length(u64::try_from(task.total_items).unwrap_or(0));
                bar.set_position(u64::try_from(done).unwrap_or(0));
            }
            bar.set_message(format!(
                "{stream}: {}",
                describe(done, task.total_items, task.failed_items, &meter)
            ));
        }
    };
    let (result, ()) = tokio::join!(sync, follow);
    bar.finish_and_clear();
    result
}

/// The running task of this stream (one at a time per system and stream, across processes).
async fn running_task(
    services: &Services,
    actor: &Actor,
    system_id: &str,
    stream: &str,
) -> Option<SyncTask> {
    let page = PageRequest {
        cursor: None,
        limit: Some(20),
    };
    services
        .list_sync_tasks(actor, Some(system_id), &page)
        .await
        .ok()?
        .items
        .into_iter()
        .find(|t| t.task_type == stream && t.status == SyncTaskStatus::Running)
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} [{bar:30}] {percent:>3}% {msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Items done over recent time, from the task rows seen in this process (a resumed task
/// starts with the items of its earlier run, which say nothing about the rate now).
#[derive(Debug, Default)]
struct Meter {
    samples: VecDeque<(Duration, i64)>,
}

impl Meter {
    fn observe(&mut self, at: Duration, done: i64) {
        self.samples.push_back((at, done));
        // Keep one sample older than the window, so the window is always fully spanned.
        while self.samples.len() > 2
            && self
                .samples
                .get(1)
                .is_some_and(|(t, _)| at.saturating_sub(*t) >= WINDOW)
        {
            self.samples.pop_front();
        }
    }

    /// Items a second, once a second of progress has been seen.
    fn per_sec(&self) -> Option<i64> {
        let (t0, d0) = self.samples.front()?;
        let (t1, d1) = self.samples.back()?;
        let ms = i64::try_from(t1.saturating_sub(*t0).as_millis()).ok()?;
        (ms >= 1000).then(|| (d1 - d0).max(0) * 1000 / ms)
    }

    /// Time left for `total` at the recent rate; `None` while the rate is unknown or zero.
    fn eta(&self, done: i64, total: i64) -> Option<Duration> {
        let (t0, d0) = self.samples.front()?;
        let (t1, d1) = self.samples.back()?;
        let ms = u64::try_from(t1.saturating_sub(*t0).as_millis()).ok()?;
        let gained = u64::try_from(d1 - d0).ok().filter(|g| *g > 0)?;
        let left = u64::try_from(total - done).unwrap_or(0);
        (ms >= 1000).then(|| Duration::from_millis(left.saturating_mul(ms) / gained))
    }
}

/// `1200/5000 · 3 failed · 480/s · ETA 7s`: what the bar says beside itself.
fn describe(done: i64, total: i64, failed: i64, meter: &Meter) -> String {
    let mut parts = vec![if total > 0 {
        format!("{done}/{total}")
    } else {
        format!("{done} records")
    }];
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    if let Some(rate) = meter.per_sec() {
        parts.push(format!("{rate}/s"));
    }
    if total > 0 {
        if let Some(eta) = meter.eta(done, total) {
            parts.push(format!("ETA {}", short_duration(eta)));
        }
    }
    parts.join(" · ")
}

/// `7s`, `4m05s`, `1h02m`.
fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn no_rate_or_eta_before_a_second_of_progress() {
        let mut m = Meter::default();
        assert_eq!(describe(0, 0, 0, &m), "0 records");
        m.observe(ms(200), 0);
        m.observe(ms(800), 500);
        assert_eq!(m.per_sec(), None);
        assert_eq!(describe(500, 5000, 0, &m), "500/5000");
    }

    #[test]
    fn rate_and_eta_from_progress_seen_here() {
        let mut m = Meter::default();
        // A resumed task: 10 000 items were done by an earlier run.
        m.observe(ms(200), 10_000);
        m.observe(ms(1200), 10_500);
        m.observe(ms(2200), 11_000);
        assert_eq!(m.per_sec(), Some(500));
        assert_eq!(m.eta(11_000, 20_000), Some(ms(18_000)));
        assert_eq!(
            describe(11_000, 20_000, 3, &m),
            "11000/20000 · 3 failed · 500/s · ETA 18s"
        );
    }

    #[test]
    fn the_rate_follows_the_recent_window() {
        let mut m = Meter::default();
        m.observe(ms(0), 0);
        m.observe(ms(10_000), 10_000); // 1000/s at first
        m.observe(ms(20_000), 11_000); // then 100/s
        m.observe(ms(20_200), 11_020);
        assert_eq!(m.per_sec(), Some(100));
        // Stalled (a long Retry-After): rate 0, no ETA rather than an endless one.
        let mut stalled = Meter::default();
        stalled.observe(ms(0), 700);
        stalled.observe(ms(3000), 700);
        assert_eq!(stalled.per_sec(), Some(0));
        assert_eq!(stalled.eta(700, 1000), None);
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(short_duration(ms(7_400)), "7s");
        assert_eq!(short_duration(ms(245_000)), "4m05s");
        assert_eq!(short_duration(ms(3_720_000)), "1h02m");
    }
}
