//! What a drive hands back: where it ended ([`Outcome`]), what the end user must do
//! ([`UserAction`]), and why it could not go on ([`DriveError`]).

use chrono::{DateTime, Utc};
use mx_aggregation::{HttpOutcome, Reason, SnapshotError};
use serde::Serialize;

use crate::endpoint::MemberRef;
use crate::error::MxError;
use crate::sync::{Checkpoint, Skipped, SyncCounts, SyncError};
use crate::types::{Challenge, Member};

/// What the end user must do: what the user interface shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum UserAction {
    /// Show these challenges, then [`Driver::answer_mfa`](crate::Driver::answer_mfa) with
    /// the answers.
    AnswerMfa {
        /// The open challenges (TEXT, OPTIONS, TOKEN, IMAGE_DATA, IMAGE_OPTIONS).
        challenges: Vec<Challenge>,
    },
    /// Ask for the institution's credentials, then
    /// [`Driver::update_credentials`](crate::Driver::update_credentials).
    UpdateCredentials,
    /// The end user must act at the institution's website, then come back.
    ResolveAtInstitution,
    /// Send the end user's browser to this one-time URI; drive again once they return.
    AuthorizeOauth {
        /// The OAuth window (single use).
        oauth_window_uri: String,
    },
    /// The end user is absent and the member needs a foreground aggregation: drive again
    /// with the end user present.
    Aggregate,
}

/// Where a drive ended. Every `reason` is the crate's [`Reason`] for the decision that
/// ended it (serialized as its code, e.g. `"fresh_data"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The member's data is current as of `as_of`: read accounts and transactions.
    ReadData {
        /// The member as last read.
        member: Member,
        /// When the data was last aggregated successfully.
        as_of: DateTime<Utc>,
        /// The crate's reason.
        reason: Reason,
    },
    /// The crate said `read_data`, and the member's accounts and transactions were
    /// synced ([`Driver::drive_and_sync`](crate::Driver::drive_and_sync)).
    Synced {
        /// The member as last read.
        member: Member,
        /// When the data was last aggregated successfully.
        as_of: DateTime<Utc>,
        /// The crate's reason.
        reason: Reason,
        /// What the sync read and changed, and the checkpoint it stored.
        report: SyncReport,
    },
    /// The crate said `read_data`, and a page could not be read: the checkpoint stays
    /// where it was, what earlier pages brought is kept; sync again later.
    SyncFailed {
        /// The member.
        member: MemberRef,
        /// Which read and page failed, and why.
        error: SyncError,
    },
    /// The end user must act; `user_message` is MX's text for them, when MX sent one.
    EndUser {
        /// The member.
        member: MemberRef,
        /// What to show.
        #[serde(flatten)]
        action: UserAction,
        /// MX's message for the end user (`error.user_message`), when present.
        user_message: Option<String>,
        /// The crate's reason.
        reason: Reason,
    },
    /// Decide again at `until` (past [`Limits::max_wait`](crate::Limits::max_wait)):
    /// MX's throttle window, a delayed member, a background aggregation to wait for.
    WaitUntil {
        /// When to drive again.
        until: DateTime<Utc>,
        /// The crate's reason: the decision's, or [`Reason::MxThrottled`] when MX answered
        /// `aggregate` with a `202` that started nothing.
        reason: Reason,
    },
    /// The crate still says `aggregate` after
    /// [`Limits::max_aggregations`](crate::Limits::max_aggregations) jobs in this drive
    /// that did not bring fresh data: the member keeps failing. Tell the end user the
    /// connection failed (`status`, `user_message`), and drive again later.
    AggregateLater {
        /// The member as last read.
        member: Member,
        /// The crate's reason (e.g. [`Reason::AggregationFailed`]).
        reason: Reason,
        /// MX's message for the end user, when present.
        user_message: Option<String>,
    },
    /// Nothing more can be done with the member (closed, discontinued, no credentials…).
    Stop {
        /// The member as last read.
        member: Member,
        /// The crate's reason.
        reason: Reason,
    },
    /// A call ended in an HTTP outcome the member cannot get past: member gone, the
    /// client's configuration (401/403/406), retries exhausted, job not supported.
    CallFailed {
        /// The call.
        endpoint: &'static str,
        /// The crate's classification (`step` and `rule`).
        http: HttpOutcome,
    },
}

/// A drive that could not go on.
#[derive(Debug, thiserror::Error)]
pub enum DriveError {
    /// The clock failed (the emulator's clock is an HTTP call).
    #[error("the clock failed: {0}")]
    Clock(#[source] MxError),
    /// MX answered with a body the call does not return.
    #[error(transparent)]
    Body(#[from] MxError),
    /// MX's member is not a payload the crate can decide on.
    #[error("{endpoint}: the member cannot be decided on: {source}")]
    Payload {
        /// The call whose body it was.
        endpoint: &'static str,
        /// The crate's error.
        #[source]
        source: SnapshotError,
    },
    /// [`Limits::max_steps`](crate::Limits::max_steps) reads without an outcome.
    #[error("no outcome after {0} reads of the member")]
    StepLimit(u32),
}

/// What a sync of a member's data did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Accounts added, modified and removed.
    pub accounts: AccountCounts,
    /// The transaction sync's totals; `None` when a `member_data_updated` webhook counted
    /// no transaction created or updated, and the transactions were not read.
    pub transactions: Option<SyncCounts>,
    /// The transactions removed.
    pub removed: Vec<String>,
    /// The rows that could not be read, by guid.
    pub skipped: Vec<Skipped>,
    /// The checkpoint stored after the sync.
    pub checkpoint: Checkpoint,
}

/// What an account listing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct AccountCounts {
    /// Pages read.
    pub pages: u32,
    /// Accounts added.
    pub added: u32,
    /// Accounts modified.
    pub modified: u32,
    /// Accounts removed.
    pub removed: u32,
}

/// Where [`Driver::drive_to_data`](crate::Driver::drive_to_data) stopped.
#[derive(Debug, Clone)]
pub enum DataStep {
    /// The drive is over: the crate did not say `read_data`, or the copy already holds
    /// MX's data as of its moment and no deletion was announced (the outcome is
    /// `Synced` with a report that read nothing).
    Over(Outcome),
    /// MX's data is to be read: [`Driver::sync_read`](crate::Driver::sync_read) finishes the drive.
    Read(DataRead),
}

/// A `read_data` decided by [`Driver::drive_to_data`](crate::Driver::drive_to_data), for [`Driver::sync_read`](crate::Driver::sync_read).
#[derive(Debug, Clone)]
pub struct DataRead {
    /// The member as last read (only its guids when it was not read).
    pub member: Member,
    /// The moment of MX's data.
    pub as_of: DateTime<Utc>,
    /// The crate's reason for reading it.
    pub reason: Reason,
}
