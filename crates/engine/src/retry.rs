//! Retries: only network, timeout, rate-limit and 5xx failures are repeated, with
//! exponential backoff and jitter, never sooner than the vendor's Retry-After.

use std::time::Duration;

use serde_json::Value;
use storelink_connectors::connector::CallError;

/// Seed 001's defaults (0.5 s, doubling, at most 30 s); seed 004 §8.2's settings
/// (`maxRetries`, `initialDelay`, `maxDelay`, `backoffMultiplier`, in ms) override them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub initial: Duration,
    pub max: Duration,
    pub multiplier: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            initial: Duration::from_millis(500),
            max: Duration::from_secs(30),
            multiplier: 2,
        }
    }
}

impl RetryPolicy {
    /// From a system's `config.retryPolicy` (seed 004 names), falling back per field.
    pub fn from_config(config: &Value) -> Self {
        let d = RetryPolicy::default();
        let Some(p) = config
            .get("retryPolicy")
            .or_else(|| config.get("retry_policy"))
        else {
            return d;
        };
        let ms = |k: &str| p.get(k).and_then(Value::as_u64).map(Duration::from_millis);
        RetryPolicy {
            max_retries: p
                .get("maxRetries")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n.min(20)).ok())
                .unwrap_or(d.max_retries),
            initial: ms("initialDelay").unwrap_or(d.initial),
            max: ms("maxDelay").unwrap_or(d.max),
            multiplier: p
                .get("backoffMultiplier")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n.clamp(1, 10)).ok())
                .unwrap_or(d.multiplier),
        }
    }

    /// The wait before retry `attempt` (0 = the first retry): the backoff ceiling with
    /// "equal jitter" (half fixed, half random), and at least what the vendor asked.
    pub fn delay(&self, attempt: u32, error: &CallError) -> Duration {
        let ceiling = (0..attempt.min(30))
            .try_fold(self.initial, |d, _| d.checked_mul(self.multiplier))
            .unwrap_or(self.max)
            .min(self.max);
        let half = ceiling / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        let jittered = half + Duration::from_millis(fastrand::u64(0..=jitter_ms));
        jittered.max(error.retry_after.unwrap_or_default())
    }

    /// Whether to try again after `attempt` failures of this kind.
    pub fn should_retry(&self, attempt: u32, error: &CallError) -> bool {
        error.retryable() && attempt < self.max_retries
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storelink_core::ErrorClass;

    #[test]
    fn backoff_doubles_with_jitter_and_honours_retry_after() {
        let p = RetryPolicy::default();
        let e = CallError::new(ErrorClass::NetworkError, "x");
        for attempt in 0..8 {
            let ceiling = Duration::from_millis(500 * (1 << attempt)).min(p.max);
            let d = p.delay(attempt, &e);
            assert!(d >= ceiling / 2 && d <= ceiling, "{attempt}: {d:?}");
        }
        let mut limited = CallError::new(ErrorClass::RateLimitError, "slow down");
        limited.retry_after = Some(Duration::from_secs(7));
        assert!(p.delay(0, &limited) >= Duration::from_secs(7));
    }

    #[test]
    fn only_transient_classes_retry() {
        let p = RetryPolicy::default();
        assert!(p.should_retry(0, &CallError::new(ErrorClass::TimeoutError, "")));
        assert!(!p.should_retry(0, &CallError::new(ErrorClass::AuthenticationError, "")));
        assert!(!p.should_retry(0, &CallError::new(ErrorClass::ValidationError, "")));
        assert!(!p.should_retry(5, &CallError::new(ErrorClass::NetworkError, "")));
    }

    #[test]
    fn seed_004_settings_apply() {
        let p = RetryPolicy::from_config(&serde_json::json!({"retryPolicy": {
            "maxRetries": 3, "initialDelay": 1000, "maxDelay": 30000, "backoffMultiplier": 2}}));
        assert_eq!(p.max_retries, 3);
        assert_eq!(p.initial, Duration::from_secs(1));
    }
}
