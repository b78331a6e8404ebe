//! The decision matrix: [`decide_with`] over every status × member flags ([`RowFlags`]) × a set
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
use mx_aggregation::{Decision, EndUser, ErrorCode, MemberJson, NextAction, decide_with};

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

    /// A full read of a member with this bucket's timestamps: not OAuth, background
    /// aggregation on, no flag set but `is_being_aggregated`.
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
            is_oauth: Some(false),
            background_aggregation_is_disabled: Some(false),
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

/// The member flags and the situation a matrix row sets, beside its status. Every row is a
/// full read of a member that is not OAuth, with background aggregation on, unless it says
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowFlags {
    /// No job runs and no flag is set.
    Idle,
    /// `is_being_aggregated` is true.
    BeingAggregated,
    /// No job runs and `needs_updated_credentials` is true.
    NeedsUpdatedCredentials,
    /// No job runs; `is_oauth` is true.
    Oauth,
    /// No job runs; a status read, which says neither `is_oauth` nor
    /// `background_aggregation_is_disabled`.
    StatusRead,
    /// No job runs; the end user is absent.
    Absent,
    /// No job runs; the end user is absent and background aggregation is off.
    AbsentBackgroundOff,
    /// No job runs; a status read, with the end user absent.
    AbsentStatusRead,
}

impl RowFlags {
    /// Every row kind, in row order.
    pub const ALL: [Self; 8] = [
        Self::Idle,
        Self::BeingAggregated,
        Self::NeedsUpdatedCredentials,
        Self::Oauth,
        Self::StatusRead,
        Self::Absent,
        Self::AbsentBackgroundOff,
        Self::AbsentStatusRead,
    ];

    /// The row heading.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::BeingAggregated => "is_being_aggregated",
            Self::NeedsUpdatedCredentials => "needs_updated_credentials",
            Self::Oauth => "is_oauth",
            Self::StatusRead => "status read",
            Self::Absent => "end user absent",
            Self::AbsentBackgroundOff => "end user absent, background off",
            Self::AbsentStatusRead => "end user absent, status read",
        }
    }

    /// Whether the end user is there.
    pub const fn end_user(self) -> EndUser {
        match self {
            Self::Idle
            | Self::BeingAggregated
            | Self::NeedsUpdatedCredentials
            | Self::Oauth
            | Self::StatusRead => EndUser::Present,
            Self::Absent | Self::AbsentBackgroundOff | Self::AbsentStatusRead => EndUser::Absent,
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
        match self {
            Self::Idle | Self::BeingAggregated | Self::Absent => {}
            Self::NeedsUpdatedCredentials => member.needs_updated_credentials = true,
            Self::Oauth => member.is_oauth = Some(true),
            Self::StatusRead | Self::AbsentStatusRead => {
                member.is_oauth = None;
                member.background_aggregation_is_disabled = None;
            }
            Self::AbsentBackgroundOff => member.background_aggregation_is_disabled = Some(true),
        }
        member
    }

    /// The decision for this row's member.
    pub fn decide(
        self,
        status: Option<ConnectionStatus>,
        bucket: TimeBucket,
        now: DateTime<Utc>,
        policy: &Policy,
    ) -> Decision {
        decide_with(
            &self.snapshot(status, bucket, now),
            now,
            policy,
            self.end_user(),
        )
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
                let decision = flags.decide(status, bucket, now, policy);
                let _ = write!(out, " {} |", Cell { decision, now });
            }
            out.push('\n');
        }
    }
    out
}

/// What the engine decides on each kind of payload that is not a full member read, and on
/// each error code: one row each, with the end user present and absent. The members are
/// MX's example payloads' shapes, decided at [`reference_now`].
pub fn render_payloads_and_codes(policy: &Policy) -> String {
    let now = reference_now();
    let mut out = String::from(
        "| payload | recognised by | end user present | end user absent |\n|---|---|---|---|\n",
    );
    let payloads: [(&str, &str); 9] = [
        (
            "connection-status webhook",
            r#"{"type": "CONNECTION_STATUS", "action": "CHANGED", "member_guid": "MBR-1", "connection_status": "CHALLENGED"}"#,
        ),
        (
            "aggregation webhook",
            r#"{"type": "AGGREGATION", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 1795521000}"#,
        ),
        (
            "statement webhook",
            r#"{"type": "STATEMENT", "action": "member_data_updated", "member_guid": "MBR-1", "completed_at": 1795521000}"#,
        ),
        (
            "oauth_window_uri response",
            r#"{"member": {"guid": "MBR-1", "oauth_window_uri": "https://example.com/oauth"}}"#,
        ),
        (
            "OAuth member created (PENDING)",
            r#"{"member": {"guid": "MBR-1", "connection_status": "PENDING", "is_oauth": true}}"#,
        ),
        (
            "member created, not OAuth, PENDING",
            r#"{"member": {"guid": "MBR-1", "connection_status": "PENDING", "is_oauth": false}}"#,
        ),
        (
            "status read of a PENDING member",
            r#"{"member": {"guid": "MBR-1", "connection_status": "PENDING"}}"#,
        ),
        (
            "manual member",
            r#"{"member": {"guid": "MBR-1", "connection_status": null, "is_manual": true}}"#,
        ),
        ("a page of members", r#"{"members": [], "pagination": {}}"#),
    ];
    for (name, json) in payloads {
        let parsed = MemberJson::parse(json).and_then(|member| member.snapshot());
        match parsed {
            Ok(member) => {
                let cell = |who| Cell {
                    decision: decide_with(&member, now, policy, who),
                    now,
                };
                let _ = writeln!(
                    out,
                    "| {name} | {} | {} | {} |",
                    member.payload.recognised_by(),
                    cell(EndUser::Present),
                    cell(EndUser::Absent)
                );
            }
            Err(error) => {
                let _ = writeln!(
                    out,
                    "| {name} | not a member | error: {error} | error: {error} |"
                );
            }
        }
    }
    out.push_str(
        "\n| error_code | effect | FAILED, job 30m ago, not OAuth | CONNECTED, stale, OAuth | CONNECTED, stale, end user absent |\n|---|---|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        let member = |status, is_oauth| MemberSnapshot {
            connection_status: Some(status),
            aggregated_at: now.checked_sub_signed(TimeDelta::minutes(30)),
            successfully_aggregated_at: now.checked_sub_signed(TimeDelta::days(2)),
            is_oauth: Some(is_oauth),
            background_aggregation_is_disabled: Some(false),
            error_code: Some(code.code()),
            ..MemberSnapshot::default()
        };
        let cell = |m: MemberSnapshot, who| Cell {
            decision: decide_with(&m, now, policy, who),
            now,
        };
        let _ = writeln!(
            out,
            "| {code} | {} | {} | {} | {} |",
            code.effect().as_str(),
            cell(member(ConnectionStatus::Failed, false), EndUser::Present),
            cell(member(ConnectionStatus::Connected, true), EndUser::Present),
            cell(member(ConnectionStatus::Connected, false), EndUser::Absent),
        );
    }
    out
}
