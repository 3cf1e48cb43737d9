//! A circuit breaker per system: after a run of syncs that failed on transient errors
//! (retries exhausted), the vendor is left alone for a while (the system shows `error`),
//! then one cheap probe decides whether syncing resumes or the pause doubles.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

/// Failed syncs in a row that open the breaker.
pub const OPEN_AFTER: u32 = 3;
const MAX_PAUSE: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Sync as usual.
    Closed,
    /// Paused: leave the vendor alone.
    Open,
    /// The pause is over: probe once before syncing.
    Probe,
}

#[derive(Debug, Default)]
struct State {
    failures: u32,
    pause: Option<Duration>,
    open_until: Option<Instant>,
}

#[derive(Debug)]
pub struct Breakers {
    first_pause: Duration,
    states: Mutex<HashMap<Uuid, State>>,
}

impl Breakers {
    pub fn new(first_pause: Duration) -> Self {
        Breakers {
            first_pause,
            states: Mutex::new(HashMap::new()),
        }
    }

    fn with<T>(&self, system: Uuid, f: impl FnOnce(&mut State) -> T) -> T {
        let mut states = self
            .states
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(states.entry(system).or_default())
    }

    pub fn gate(&self, system: Uuid) -> Gate {
        self.with(system, |s| match s.open_until {
            None => Gate::Closed,
            Some(until) if Instant::now() < until => Gate::Open,
            Some(_) => Gate::Probe,
        })
    }

    /// A sync or probe worked: close.
    pub fn success(&self, system: Uuid) {
        self.with(system, |s| *s = State::default());
    }

    /// A sync or probe failed on a transient error. Returns true when this opened (or
    /// re-opened) the breaker.
    pub fn failure(&self, system: Uuid) -> bool {
        let first = self.first_pause;
        self.with(system, |s| {
            s.failures = s.failures.saturating_add(1);
            if s.failures < OPEN_AFTER && s.open_until.is_none() {
                return false;
            }
            let pause = s
                .pause
                .map_or(first, |p| p.saturating_mul(2))
                .min(MAX_PAUSE);
            s.pause = Some(pause);
            s.open_until = Some(Instant::now() + pause);
            true
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_repeated_failures_and_probes_after_the_pause() {
        let b = Breakers::new(Duration::ZERO);
        let id = Uuid::nil();
        assert_eq!(b.gate(id), Gate::Closed);
        assert!(!b.failure(id));
        assert!(!b.failure(id));
        assert!(b.failure(id), "the third failure opens it");
        assert_eq!(b.gate(id), Gate::Probe, "a zero pause is over at once");
        assert!(b.failure(id), "a failed probe re-opens it");
        b.success(id);
        assert_eq!(b.gate(id), Gate::Closed);

        let slow = Breakers::new(Duration::from_secs(60));
        for _ in 0..OPEN_AFTER {
            slow.failure(id);
        }
        assert_eq!(slow.gate(id), Gate::Open);
    }
}
