//! The decision matrix: [`decide`] over every status × member flags ([`RowFlags`]) × a set
//! of time buckets that straddle each boundary of the default [`Policy`].
//!
//! The tests snapshot it and the generated documentation prints it, so any change of
//! behaviour shows up as one reviewed diff of one readable table.

use std::fmt::{self, Write as _};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use mx_aggregation::ConnectionStatus;
use mx_aggregation::HumanDuration;
use mx_aggregation::MemberSnapshot;
use mx_aggregation::Policy;
use mx_aggregation::decide;
use mx_aggregation::{Decision, NextAction};

/// Where a member's timestamps stand relative to `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeBucket {
    /// Never aggregated: no `aggregated_at`, no `successfully_aggregated_at`.
    Never,
    /// A job started a minute ago; never a success.
    Started1m,
    /// A job started 30 minutes ago (past the transient stall window); never a success.
    Started30m,
    /// Success an hour ago, when the latest job started: inside the cooldown.
    Success1h,
    /// Success six hours ago, when the latest job started: fresh, outside the cooldown.
    Success6h,
    /// Success two days ago; a job started a minute ago.
    Success2dStarted1m,
    /// Success two days ago, when the latest job started: stale.
    Success2d,
    /// Success and start an hour in the future: the member's clock is ahead of ours.
    SuccessFuture,
}

impl TimeBucket {
    /// Every bucket, in column order.
    pub const ALL: [Self; 8] = [
        Self::Never,
        Self::Started1m,
        Self::Started30m,
        Self::Success1h,
        Self::Success6h,
        Self::Success2dStarted1m,
        Self::Success2d,
        Self::SuccessFuture,
    ];

    /// The column heading.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Never => "never aggregated",
            Self::Started1m => "started 1m ago, no success",
            Self::Started30m => "started 30m ago, no success",
            Self::Success1h => "success 1h ago",
            Self::Success6h => "success 6h ago",
            Self::Success2dStarted1m => "success 2d ago, started 1m ago",
            Self::Success2d => "success 2d ago",
            Self::SuccessFuture => "success 1h in the future",
        }
    }

    /// `(aggregated_at, successfully_aggregated_at)` relative to `now`.
    pub fn timestamps(self, now: DateTime<Utc>) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let ago = |minutes: i64| now.checked_sub_signed(TimeDelta::minutes(minutes));
        match self {
            Self::Never => (None, None),
            Self::Started1m => (ago(1), None),
            Self::Started30m => (ago(30), None),
            Self::Success1h => (ago(60), ago(60)),
            Self::Success6h => (ago(6 * 60), ago(6 * 60)),
            Self::Success2dStarted1m => (ago(1), ago(2 * 24 * 60)),
            Self::Success2d => (ago(2 * 24 * 60), ago(2 * 24 * 60)),
            Self::SuccessFuture => (ago(-60), ago(-60)),
        }
    }

    /// A snapshot with this bucket's timestamps, and no flag set but `is_being_aggregated`.
    pub fn snapshot(
        self,
        status: Option<ConnectionStatus>,
        is_being_aggregated: bool,
        now: DateTime<Utc>,
    ) -> MemberSnapshot {
        let (aggregated_at, successfully_aggregated_at) = self.timestamps(now);
        MemberSnapshot {
            connection_status: status,
            is_being_aggregated,
            aggregated_at,
            successfully_aggregated_at,
            ..MemberSnapshot::default()
        }
    }
}

/// The `now` the matrix is computed at. Any instant gives the same table, since every
/// timestamp is relative to it; a fixed one keeps the output byte-for-byte stable.
pub fn reference_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0)
        .single()
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// Every status (and `null`, written `null`) in MX id order.
pub fn statuses_and_null() -> impl Iterator<Item = Option<ConnectionStatus>> {
    ConnectionStatus::ALL.into_iter().map(Some).chain([None])
}

/// A decision written compactly for a table cell, with times relative to `now`:
/// `wait 2h (cooldown)`, `poll 3s (aggregation_in_progress)`.
pub struct Cell {
    /// The decision.
    pub decision: Decision,
    /// The instant the decision was made at.
    pub now: DateTime<Utc>,
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.decision.action.kind().as_str())?;
        match self.decision.action {
            NextAction::Poll { after_secs } => write!(f, " {}", seconds(after_secs))?,
            NextAction::Wait { until } => {
                let secs = until.signed_duration_since(self.now).num_seconds();
                write!(f, " {}", seconds(u64::try_from(secs).unwrap_or(0)))?;
            }
            NextAction::AnswerMfa
            | NextAction::UpdateCredentials
            | NextAction::ResolveAtInstitution
            | NextAction::Aggregate
            | NextAction::AuthorizeOauth
            | NextAction::ReadMember
            | NextAction::ReadData { .. }
            | NextAction::Stop => {}
        }
        write!(f, " ({})", self.decision.reason)
    }
}

fn seconds(secs: u64) -> HumanDuration {
    HumanDuration(std::time::Duration::from_secs(secs))
}

/// The member flags a matrix row sets, beside its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowFlags {
    /// No job runs and no flag is set.
    Idle,
    /// `is_being_aggregated` is true.
    BeingAggregated,
    /// No job runs and `needs_updated_credentials` is true.
    NeedsUpdatedCredentials,
}

impl RowFlags {
    /// Every row kind, in row order.
    pub const ALL: [Self; 3] = [
        Self::Idle,
        Self::BeingAggregated,
        Self::NeedsUpdatedCredentials,
    ];

    /// The row heading.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::BeingAggregated => "is_being_aggregated",
            Self::NeedsUpdatedCredentials => "needs_updated_credentials",
        }
    }

    /// A snapshot with these flags and `bucket`'s timestamps.
    pub fn snapshot(
        self,
        status: Option<ConnectionStatus>,
        bucket: TimeBucket,
        now: DateTime<Utc>,
    ) -> MemberSnapshot {
        let mut member = bucket.snapshot(status, self == Self::BeingAggregated, now);
        member.needs_updated_credentials = self == Self::NeedsUpdatedCredentials;
        member
    }
}

/// The decision matrix as a Markdown table: one row per status and [`RowFlags`], one
/// column per [`TimeBucket`], under `policy`.
pub fn render_markdown(policy: &Policy) -> String {
    let now = reference_now();
    let mut out = String::new();
    out.push_str("| connection_status | member |");
    for bucket in TimeBucket::ALL {
        let _ = write!(out, " {} |", bucket.label());
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(TimeBucket::ALL.len()));
    out.push('\n');
    for status in statuses_and_null() {
        for flags in RowFlags::ALL {
            let name = status.map_or("null", ConnectionStatus::as_str);
            let _ = write!(out, "| `{name}` | {} |", flags.label());
            for bucket in TimeBucket::ALL {
                let decision = decide(&flags.snapshot(status, bucket, now), now, policy);
                let _ = write!(out, " {} |", Cell { decision, now });
            }
            out.push('\n');
        }
    }
    out
}
