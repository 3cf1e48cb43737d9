//! Bearer tokens and their rate limits. The role check itself happens in the core, for
//! every operation; here the token becomes an actor and each token gets its own bucket.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use storelink_core::{Actor, AppError};
use uuid::Uuid;

use crate::problem::ApiError;
use crate::server::ListenerState;

/// One token bucket per API token, sized by the token's own rate limit.
#[derive(Default)]
pub struct Limiters {
    buckets: Mutex<HashMap<Uuid, (u32, Arc<DefaultDirectRateLimiter>)>>,
}

impl Limiters {
    /// `Ok` if the token may make a request now, else how many seconds to wait.
    pub fn check(&self, token: Uuid, per_second: u32) -> Result<(), u64> {
        let limiter = {
            let mut buckets = self
                .buckets
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let entry = buckets
                .entry(token)
                .or_insert_with(|| (0, Arc::new(bucket(1))));
            if entry.0 != per_second {
                *entry = (per_second, Arc::new(bucket(per_second)));
            }
            Arc::clone(&entry.1)
        };
        limiter.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Retry-After is whole seconds; never tell a client to retry at once.
            wait.as_secs()
                .saturating_add(u64::from(wait.subsec_nanos() > 0))
                .max(1)
        })
    }
}

fn bucket(per_second: u32) -> DefaultDirectRateLimiter {
    let rate = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_second(rate))
}

/// The actor behind a request's `Authorization: Bearer` token.
pub struct Authed(pub Actor);

impl FromRequestParts<ListenerState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ListenerState,
    ) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let session = state.services.authenticate_token(presented).await?;
        state
            .limiters
            .check(session.token.id, session.token.rate_limit)
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        Ok(Authed(session.actor))
    }
}
