//! MX's rules for a member's jobs, once for every model that plays MX: the failure and
//! denial streak, when a guarded lifecycle edge may be taken, when MX starts a background
//! aggregation, and the timings those rules use. The emulator and the simulation both
//! call these, so they cannot disagree.

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{ConnectionStatus, Policy};

use crate::lifecycle::{self, Guard, LifecycleEvent, Node, Transition};

/// MX's throttle window: no standard aggregation starts within it (Seed; SPEC25 "typically
/// three hours"). Its length is the library's one constant for the fact,
/// [`Policy::MX_DEFAULT`]'s cooldown.
pub const THROTTLE_WINDOW: TimeDelta =
    match TimeDelta::try_seconds(Policy::MX_DEFAULT.cooldown.as_secs() as i64) {
        Some(window) => window,
        None => TimeDelta::MAX,
    };

/// How often MX aggregates a member in the background: "MX aggregates each member every 24
/// hours in the background" (Seed); "about every 24 hours" (BG).
pub const BACKGROUND_EVERY: TimeDelta = TimeDelta::hours(24);

/// How long without a success turns repeated failures into `DISCONNECTED` rather than
/// `DEGRADED`: "failed at least three times and no success for at least two weeks"
/// (Atrium).
pub const NO_SUCCESS_FOR: TimeDelta = TimeDelta::days(14);

/// How many jobs in a row failed, and how many of those in a row failed on the
/// credentials; what the guards of the repeated-failure edges read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Streak {
    /// Jobs in a row that did not succeed (denials, MFA timeouts and rejections included).
    pub failures_in_a_row: u32,
    /// Jobs in a row that ended on the credentials (see [`Streak::is_denial`]).
    pub denials_in_a_row: u32,
}

impl Streak {
    /// True when a job ending in `status` failed on the credentials: `DENIED` ("the
    /// credentials are invalid", NEXUS) or `PREVENTED`. A `PREVENTED` job is the third
    /// credential failure in a row, after which "MX stops trying to avoid an FI lockout"
    /// (NEXUS): it is a denial too, so the streak does not start again at it. Counting only
    /// `DENIED` would send the next two jobs to the institution with credentials MX
    /// already judged bad (`DENIED`, `DENIED`, `PREVENTED`, `DENIED`, `DENIED`, …), the
    /// lockout MX stops to avoid.
    pub const fn is_denial(status: ConnectionStatus) -> bool {
        matches!(
            status,
            ConnectionStatus::Denied | ConnectionStatus::Prevented
        )
    }

    /// A job succeeded: both streaks end.
    pub const fn job_succeeded(&mut self) {
        *self = Self {
            failures_in_a_row: 0,
            denials_in_a_row: 0,
        };
    }

    /// A job failed and the member went to `to`: one more failure; one more denial when
    /// `to` is a denial ([`Streak::is_denial`]), else the denial streak ends.
    pub const fn job_failed(&mut self, to: Node) {
        self.failures_in_a_row = self.failures_in_a_row.saturating_add(1);
        let denied = match to {
            Node::Status(status) => Self::is_denial(status),
            Node::Start | Node::NoCredentials | Node::Aggregating | Node::AnyLive => false,
        };
        self.denials_in_a_row = if denied {
            self.denials_in_a_row.saturating_add(1)
        } else {
            0
        };
    }

    /// True when `guard` allows its edge for a job ending at `now`, after the jobs this
    /// streak counts and the last success at `successfully_aggregated_at`.
    pub fn holds(
        &self,
        guard: Guard,
        now: DateTime<Utc>,
        successfully_aggregated_at: Option<DateTime<Utc>>,
    ) -> bool {
        match guard {
            Guard::Always => true,
            Guard::TwoDenialsBefore => self.denials_in_a_row >= 2,
            Guard::TwoFailuresBefore => self.failures_in_a_row >= 2,
            Guard::TwoFailuresBeforeNoSuccessFor14Days => {
                self.failures_in_a_row >= 2
                    && successfully_aggregated_at
                        .is_none_or(|success| now.signed_duration_since(success) >= NO_SUCCESS_FOR)
            }
        }
    }

    /// Where a job that fails at `now` in `status` goes instead, when this failure is the
    /// third in a row: a denial escalates along [`LifecycleEvent::RepeatedDenials`]
    /// (`PREVENTED`), any other failure along [`LifecycleEvent::RepeatedFailures`]
    /// (`DEGRADED`, or `DISCONNECTED` when no job succeeded for [`NO_SUCCESS_FOR`], the
    /// table's later and narrower edge). `None`: the job ends in `status`.
    pub fn escalation(
        &self,
        status: ConnectionStatus,
        now: DateTime<Utc>,
        successfully_aggregated_at: Option<DateTime<Utc>>,
    ) -> Option<&'static Transition> {
        let event = if Self::is_denial(status) {
            LifecycleEvent::RepeatedDenials
        } else {
            LifecycleEvent::RepeatedFailures
        };
        lifecycle::targets(Node::Aggregating, event)
            .filter(|edge| self.holds(edge.guard, now, successfully_aggregated_at))
            .last()
    }
}

/// What MX looks at before starting a background aggregation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackgroundCheck {
    /// Where the member is on the lifecycle model.
    pub node: Node,
    /// A job is running (`is_being_aggregated`).
    pub job_running: bool,
    /// `background_aggregation_is_disabled`.
    pub disabled: bool,
    /// `needs_updated_credentials`.
    pub needs_updated_credentials: bool,
    /// MX has something to log in with: credentials, or an OAuth member the end user
    /// authorized.
    pub can_log_in: bool,
    /// The throttle window is open.
    pub throttled: bool,
}

impl BackgroundCheck {
    /// True when MX starts the background aggregation that is due: no job runs, it is not
    /// disabled per member (BG: `background_aggregation_is_disabled`), MX can log in and
    /// needs no new credentials (MX waits for the end user, NEXUS), the throttle window is
    /// closed (Seed: not "within three hours of a successful aggregation, whether foreground
    /// or background"), and the lifecycle table has a background edge from the member's
    /// node (BG: `CONNECTED`, `UPDATED` or `CREATED`).
    pub fn allows(&self) -> bool {
        !self.job_running
            && !self.disabled
            && !self.needs_updated_credentials
            && self.can_log_in
            && !self.throttled
            && lifecycle::targets(self.node, LifecycleEvent::BackgroundAggregation)
                .next()
                .is_some()
    }
}
