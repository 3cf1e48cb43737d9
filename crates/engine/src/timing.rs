//! How long vendor calls take: every connector the engine hands out is wrapped so each
//! call (page pulls and their retries, single-record pulls, deliveries, probes) is timed
//! into a rolling window per system, from which health takes the p95.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use storelink_connectors::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use uuid::Uuid;

/// Calls kept per system: the last this many, and none older than [`MAX_AGE`].
pub const WINDOW_CALLS: usize = 1000;
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// The recent call durations of each system, in memory (a restart starts afresh; the
/// snapshots already taken keep their p95).
#[derive(Debug, Default)]
pub struct CallTimings {
    calls: Mutex<HashMap<Uuid, VecDeque<(Instant, Duration)>>>,
}

impl CallTimings {
    pub fn record(&self, system: Uuid, took: Duration) {
        let mut calls = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = calls.entry(system).or_default();
        let now = Instant::now();
        window.push_back((now, took));
        while window.len() > WINDOW_CALLS
            || window
                .front()
                .is_some_and(|(at, _)| now.duration_since(*at) > MAX_AGE)
        {
            window.pop_front();
        }
    }

    /// The 95th percentile (nearest rank) of the system's calls in the window, in whole
    /// milliseconds; `None` when none was timed.
    pub fn p95_ms(&self, system: Uuid) -> Option<i64> {
        let calls = self
            .calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let mut ms: Vec<u128> = calls
            .get(&system)?
            .iter()
            .filter(|(at, _)| now.duration_since(*at) <= MAX_AGE)
            .map(|(_, took)| took.as_millis())
            .collect();
        if ms.is_empty() {
            return None;
        }
        ms.sort_unstable();
        let rank = (ms.len() * 95).div_ceil(100).max(1);
        ms.get(rank - 1)
            .map(|v| i64::try_from(*v).unwrap_or(i64::MAX))
    }
}

/// A connector whose calls are timed into the system's window.
pub(crate) struct Timed {
    inner: Box<dyn Connector>,
    system: Uuid,
    timings: Arc<CallTimings>,
}

impl Timed {
    pub(crate) fn new(inner: Box<dyn Connector>, system: Uuid, timings: Arc<CallTimings>) -> Self {
        Timed {
            inner,
            system,
            timings,
        }
    }

    fn timed<'a, T: 'a>(&'a self, call: BoxFuture<'a, T>) -> BoxFuture<'a, T> {
        Box::pin(async move {
            let start = Instant::now();
            let out = call.await;
            self.timings.record(self.system, start.elapsed());
            out
        })
    }
}

impl Connector for Timed {
    fn streams(&self) -> &'static [StreamSpec] {
        self.inner.streams()
    }

    fn stream(&self, name: &str) -> Option<&'static StreamSpec> {
        self.inner.stream(name)
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        self.timed(self.inner.test_connection())
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        self.timed(self.inner.pull(stream, request))
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        self.timed(self.inner.pull_one(stream, external_id))
    }

    fn push<'a>(
        &'a self,
        request: &'a PushRequest,
    ) -> BoxFuture<'a, Result<serde_json::Value, CallError>> {
        self.timed(self.inner.push(request))
    }

    fn event_target(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
    ) -> Option<(String, String)> {
        self.inner.event_target(event_type, payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p95_is_the_nearest_rank_of_the_window() {
        let t = CallTimings::default();
        let id = Uuid::nil();
        assert_eq!(t.p95_ms(id), None);
        for ms in 1..=100 {
            t.record(id, Duration::from_millis(ms));
        }
        assert_eq!(t.p95_ms(id), Some(95));
        t.record(Uuid::max(), Duration::from_millis(7));
        assert_eq!(t.p95_ms(Uuid::max()), Some(7), "one call is its own p95");
    }

    #[test]
    fn the_window_keeps_the_latest_calls() {
        let t = CallTimings::default();
        let id = Uuid::nil();
        for _ in 0..WINDOW_CALLS {
            t.record(id, Duration::from_secs(5));
        }
        for _ in 0..WINDOW_CALLS {
            t.record(id, Duration::from_millis(10));
        }
        assert_eq!(t.p95_ms(id), Some(10), "the slow calls left the window");
    }
}
