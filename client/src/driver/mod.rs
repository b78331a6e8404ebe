//! [`Driver`]: takes a member from creation (or any state) to `read_data`, or to the
//! action that needs the end user, doing only what `mx_aggregation` decides.
//!
//! ```text
//! loop: read the member ──Call::classify──▶ (retry / poll / gone / fix client)
//!       ──MemberState::apply──▶ state ──MemberState::decide(now, policy, end user)──▶
//!       poll: sleep · wait: sleep or hand back · read_member: read again
//!       · aggregate: POST …/aggregate ──Call::classify──▶ folded; poll / throttled / …
//!       · read_data, answer_mfa, update_credentials, resolve_at_institution,
//!         authorize_oauth (with a fresh one-time window), stop: hand back
//! ```
//!
//! Every HTTP answer goes through `Call::classify` (MX's HTTP outcomes: retries with
//! bounded backoff, `Retry-After`, 409 conflicts, ambiguous timeouts on create and
//! aggregate) and is folded into the member's `MemberState`; every decision is the
//! state's (which is `decide_with` on the newest knowledge). The driver never calls
//! `aggregate` unless the decision it just made says `aggregate`, so it never aggregates
//! inside MX's 3-hour window.
//!
//! This file holds the driver, its limits and its clock; the other files, one way:
//! `outcome` (what a drive hands back) ← `exchange` (one call: classified, retried,
//! folded) ← `create` (a member, never twice), `drive` (the decision loop) ← `answers`
//! (the end user's MFA answers and new credentials, then the loop).

mod answers;
mod create;
mod data_sync;
mod drive;
mod exchange;
mod outcome;

use std::time::Duration;

use chrono::{DateTime, Utc};
use mx_aggregation::{EndUser, Policy, Reason};

use crate::client::MxClient;
use crate::clock::Clock;

pub use outcome::{AccountCounts, DataRead, DataStep, DriveError, Outcome, SyncReport, UserAction};

/// How far the driver goes on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest wait the driver sleeps through itself; a longer one (MX's 3-hour
    /// window) is handed back as [`Outcome::WaitUntil`] for a scheduler. Default 5 min.
    pub max_wait: Duration,
    /// The most reads of the member in one [`Driver::drive`]. Default 500.
    pub max_steps: u32,
    /// Whether the end user is there: the crate decides with it (`decide_with`), e.g.
    /// waits for MX's background aggregation when they are absent. An `aggregate`
    /// decided for an absent end user is handed back as [`UserAction::Aggregate`] ("when
    /// the end user is next present"). Default [`EndUser::Present`].
    pub end_user: EndUser,
    /// The most aggregations one drive starts. When the decision says `aggregate` again
    /// after that many (each job ended without fresh data: MX Bank's `BAD_REQUEST`, an
    /// institution that keeps failing), the drive ends with
    /// [`Outcome::AggregateLater`] instead of hammering the institution. Default 2.
    pub max_aggregations: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_wait: Duration::from_secs(5 * 60),
            max_steps: 500,
            end_user: EndUser::Present,
            max_aggregations: 2,
        }
    }
}

/// Drives members with an [`MxClient`], a [`Clock`] and the crate's [`Policy`].
#[derive(Debug, Clone)]
pub struct Driver<C> {
    client: MxClient,
    clock: C,
    policy: Policy,
    limits: Limits,
}

impl<C: Clock> Driver<C> {
    /// A driver with the default [`Limits`].
    pub fn new(client: MxClient, clock: C, policy: Policy) -> Self {
        Self {
            client,
            clock,
            policy,
            limits: Limits::default(),
        }
    }

    /// The same driver with `limits`.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The client.
    pub const fn client(&self) -> &MxClient {
        &self.client
    }

    /// The clock.
    pub const fn clock(&self) -> &C {
        &self.clock
    }

    async fn now(&self) -> Result<DateTime<Utc>, DriveError> {
        self.clock.now().await.map_err(DriveError::Clock)
    }

    async fn sleep_secs(&self, seconds: u64) -> Result<DateTime<Utc>, DriveError> {
        tracing::debug!(seconds, "sleeping");
        self.clock
            .sleep(Duration::from_secs(seconds))
            .await
            .map_err(DriveError::Clock)
    }

    /// Sleeps until `until` when that is within [`Limits::max_wait`], else hands it back.
    async fn wait_until(
        &self,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        reason: Reason,
    ) -> Result<Option<Outcome>, DriveError> {
        let Ok(wait) = until.signed_duration_since(now).to_std() else {
            return Ok(None);
        };
        if wait > self.limits.max_wait {
            return Ok(Some(Outcome::WaitUntil { until, reason }));
        }
        self.clock.sleep(wait).await.map_err(DriveError::Clock)?;
        Ok(None)
    }
}
