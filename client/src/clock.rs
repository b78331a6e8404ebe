//! [`Clock`]: where the driver reads the time and how it waits, so the same driver runs
//! on the system clock in production and on the emulator's virtual clock in tests.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::client::MxClient;
use crate::endpoint::Endpoint;
use crate::error::MxError;

/// The time source and the way to let time pass.
pub trait Clock: Send + Sync {
    /// The time now: the `now` every decision is made at.
    fn now(&self) -> impl Future<Output = Result<DateTime<Utc>, MxError>> + Send;

    /// Lets `duration` pass; returns the time after it.
    fn sleep(
        &self,
        duration: Duration,
    ) -> impl Future<Output = Result<DateTime<Utc>, MxError>> + Send;
}

/// The system clock and tokio's timer: production.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    async fn now(&self) -> Result<DateTime<Utc>, MxError> {
        Ok(Utc::now())
    }

    async fn sleep(&self, duration: Duration) -> Result<DateTime<Utc>, MxError> {
        tokio::time::sleep(duration).await;
        Ok(Utc::now())
    }
}

/// The emulator's virtual clock: `POST /emulator/clock {"advance_seconds": N}` answers
/// `{"now": RFC 3339}`; reading is advancing by 0. Sleeping moves the clock forward
/// instead of waiting, so a 3-hour throttle window passes in one request.
#[derive(Debug, Clone)]
pub struct EmulatorClock {
    client: MxClient,
}

impl EmulatorClock {
    /// The clock of the emulator `client` talks to.
    pub const fn new(client: MxClient) -> Self {
        Self { client }
    }

    async fn advance(&self, seconds: u64) -> Result<DateTime<Utc>, MxError> {
        #[derive(serde::Deserialize)]
        struct Now {
            now: DateTime<Utc>,
        }
        let reply = self
            .client
            .send(
                &Endpoint::EmulatorClock,
                Some(&json!({ "advance_seconds": seconds })),
            )
            .await?
            .success()?;
        reply.json::<Now>("{\"now\": RFC 3339}").map(|n| n.now)
    }
}

impl Clock for EmulatorClock {
    async fn now(&self) -> Result<DateTime<Utc>, MxError> {
        self.advance(0).await
    }

    /// Advances by whole seconds, rounding up: a wait never ends early.
    async fn sleep(&self, duration: Duration) -> Result<DateTime<Utc>, MxError> {
        let seconds = duration
            .as_secs()
            .saturating_add(u64::from(duration.subsec_nanos() > 0));
        self.advance(seconds).await
    }
}
