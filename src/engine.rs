//! The decision engine: one pure function from a member snapshot, the time and the policy
//! to the next action.
//!
//! [`decide`] applies the rules of [`Reason`] in precedence order. It reads no clock, does
//! no IO, touches no global state and does not allocate; every time computation is checked
//! or saturating, so it returns a decision for every input, including timestamps at
//! chrono's limits.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::action::NextAction;
use crate::decision::Decision;
use crate::policy::{MX_MIN_POLL_INTERVAL, Policy};
use crate::reason::Reason;
use crate::snapshot::MemberSnapshot;
use crate::status::StatusGroup;
use crate::timestamp::{MAX_UNIX_SECONDS, ceil_to_second};

/// Decides what to do next with `member`, as of `now`, under `policy`.
///
/// Pure and total: the same arguments always give the same decision, and every argument
/// gives one. The rules, in precedence order; each is a [`Reason`] (its code in brackets),
/// which cites its source, and `docs/transitions.md` §2 numbers them in this order:
///
/// - `CLOSED`, `DISABLED`, `DISCONTINUED` → [`Stop`](NextAction::Stop), whatever else
///   the member says (`terminal_status`).
/// - `CHALLENGED` → [`AnswerMfa`](NextAction::AnswerMfa) (`mfa_challenge`).
/// - Any other status while `is_being_aggregated` → [`Poll`](NextAction::Poll), with a
///   backoff that grows with the job's age, from 3 s to [`Policy::max_poll`]
///   (`aggregation_in_progress`).
/// - Null status (no credentials) → [`Stop`](NextAction::Stop) (`no_credentials`).
/// - `needs_updated_credentials` (`needs_updated_credentials`), or `PREVENTED`, `DENIED`,
///   `IMPAIRED`, `IMPORTED` (`credentials_required`) →
///   [`UpdateCredentials`](NextAction::UpdateCredentials).
/// - `LOCKED`, `IMPEDED` → [`ResolveAtInstitution`](NextAction::ResolveAtInstitution)
///   (`institution_action_required`).
/// - `CONNECTED` with a success younger than [`Policy::fresh_for`] →
///   [`ReadData`](NextAction::ReadData) (`fresh_data`).
/// - Transient statuses (`CREATED`, `UPDATED`, `RESUMED`, `PENDING`) with an
///   `aggregated_at` younger than [`Policy::transient_stall`] → poll
///   (`aggregation_starting`); `DELAYED` younger than [`Policy::delayed_stall`] → poll after
///   [`Policy::delayed_recheck`] (`aggregation_delayed`).
/// - Everything else is aggregated → [`Aggregate`](NextAction::Aggregate): `CONNECTED` with
///   stale data (`stale_data`); `FAILED`, `DEGRADED`, `DISCONNECTED`
///   (`aggregation_failed`); `REJECTED`, `EXPIRED` (`mfa_failed`); `RECONNECTED`
///   (`foreground_required`); stalled transient statuses (`aggregation_stalled`). Except
///   within [`Policy::cooldown`] of `successfully_aggregated_at` (a success in the future
///   counts as within): then [`Wait`](NextAction::Wait) until the cooldown ends
///   (`cooldown`), or [`Stop`](NextAction::Stop) when that end cannot be written
///   (`time_out_of_range`).
pub fn decide(member: &MemberSnapshot, now: DateTime<Utc>, policy: &Policy) -> Decision {
    let Some(status) = member.connection_status else {
        return if member.is_being_aggregated {
            poll_running_job(member, now, policy)
        } else {
            decision(NextAction::Stop, Reason::NoCredentials)
        };
    };
    let group = status.group();
    if !group.overrides_member_flags() {
        if member.is_being_aggregated {
            return poll_running_job(member, now, policy);
        }
        if member.needs_updated_credentials {
            return decision(
                NextAction::UpdateCredentials,
                Reason::NeedsUpdatedCredentials,
            );
        }
    }
    match group {
        StatusGroup::Terminal => decision(NextAction::Stop, Reason::TerminalStatus),
        StatusGroup::Challenged => decision(NextAction::AnswerMfa, Reason::MfaChallenge),
        StatusGroup::NeedsCredentials => {
            decision(NextAction::UpdateCredentials, Reason::CredentialsRequired)
        }
        StatusGroup::NeedsInstitution => decision(
            NextAction::ResolveAtInstitution,
            Reason::InstitutionActionRequired,
        ),
        StatusGroup::Connected => match member.successfully_aggregated_at {
            Some(as_of) if younger_than(as_of, now, policy.fresh_for) => {
                decision(NextAction::ReadData { as_of }, Reason::FreshData)
            }
            Some(_) | None => aggregate_after_cooldown(member, now, policy, Reason::StaleData),
        },
        StatusGroup::Failed => {
            aggregate_after_cooldown(member, now, policy, Reason::AggregationFailed)
        }
        StatusGroup::MfaFailed => aggregate_after_cooldown(member, now, policy, Reason::MfaFailed),
        StatusGroup::Reconnected => {
            aggregate_after_cooldown(member, now, policy, Reason::ForegroundRequired)
        }
        StatusGroup::Transient => {
            if started_within(member, now, policy.transient_stall) {
                let after_secs = poll_backoff_secs(member.aggregated_at, now, policy);
                decision(NextAction::Poll { after_secs }, Reason::AggregationStarting)
            } else {
                aggregate_after_cooldown(member, now, policy, Reason::AggregationStalled)
            }
        }
        StatusGroup::Delayed => {
            if started_within(member, now, policy.delayed_stall) {
                let after_secs = ceil_secs(policy.delayed_recheck.max(poll_floor(policy)));
                decision(NextAction::Poll { after_secs }, Reason::AggregationDelayed)
            } else {
                aggregate_after_cooldown(member, now, policy, Reason::AggregationStalled)
            }
        }
    }
}

const fn decision(action: NextAction, reason: Reason) -> Decision {
    Decision { action, reason }
}

/// `aggregation_in_progress`: a job runs; look again after the backoff.
fn poll_running_job(member: &MemberSnapshot, now: DateTime<Utc>, policy: &Policy) -> Decision {
    let after_secs = poll_backoff_secs(member.aggregated_at, now, policy);
    decision(
        NextAction::Poll { after_secs },
        Reason::AggregationInProgress,
    )
}

/// The member needs a new aggregation: start one, unless the last success is within the
/// cooldown (seed: "you cannot run a new aggregation within three hours of a successful
/// aggregation"); then wait for the first whole second after it.
fn aggregate_after_cooldown(
    member: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
    reason: Reason,
) -> Decision {
    // The cooldown ends on the whole second a wait would announce, not on the exact
    // instant: an aggregation half a second before the end of a wait the engine itself
    // announced would break its own promise (found by the `snapshot` fuzz target).
    match earliest_aggregation(member, policy) {
        AggregationWindow::OpensAt(opens) if opens > now => {
            decision(NextAction::Wait { until: opens }, Reason::Cooldown)
        }
        AggregationWindow::Open | AggregationWindow::OpensAt(_) => {
            decision(NextAction::Aggregate, reason)
        }
        AggregationWindow::NeverRepresentable => decision(NextAction::Stop, Reason::TimeOutOfRange),
    }
}

/// When MX will next start an aggregation for a member, under a policy's cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregationWindow {
    /// No success on record: an aggregation may start at any time.
    Open,
    /// The first whole second at or after `successfully_aggregated_at + cooldown`; from then
    /// on an aggregation may start (up to a second later than MX's exact window, never
    /// sooner). May be in the past.
    OpensAt(DateTime<Utc>),
    /// The cooldown ends after `9999-12-31T23:59:59Z`, the last second RFC 3339 (and so
    /// the pinned JSON form of a wait) can write: the timestamps or the clock are corrupt.
    NeverRepresentable,
}

/// When the cooldown after the member's last success ends: the one computation behind both
/// [`NextAction::Wait`] and the advice of [`NextAction::ResolveAtInstitution`], whose
/// follow-up aggregation is subject to the same window.
///
/// Seed: "you cannot run a new aggregation within three hours of a successful aggregation,
/// whether foreground or background"; an aggregate call inside the window is accepted with
/// `202` but runs nothing (ERR \[V\]).
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use mx_aggregation::{AggregationWindow, MemberSnapshot, Policy, earliest_aggregation};
///
/// let member = MemberSnapshot::from_json(r#"{"connection_status": "LOCKED",
///     "successfully_aggregated_at": "2018-07-18T20:16:39.5Z"}"#)?;
/// let opens = Utc.with_ymd_and_hms(2018, 7, 18, 23, 16, 40).unwrap();
/// assert_eq!(earliest_aggregation(&member, &Policy::default()), AggregationWindow::OpensAt(opens));
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
pub fn earliest_aggregation(member: &MemberSnapshot, policy: &Policy) -> AggregationWindow {
    let Some(success) = member.successfully_aggregated_at else {
        return AggregationWindow::Open;
    };
    let opens = success
        .checked_add_signed(delta(policy.cooldown))
        .and_then(ceil_to_second)
        .filter(|opens| opens.timestamp() <= MAX_UNIX_SECONDS);
    match opens {
        Some(opens) => AggregationWindow::OpensAt(opens),
        None => AggregationWindow::NeverRepresentable,
    }
}

/// True when `then` is less than `window` before `now`; an instant after `now` (clock
/// skew, or a corrupt timestamp) counts as younger than any window.
fn younger_than(then: DateTime<Utc>, now: DateTime<Utc>, window: Duration) -> bool {
    now.signed_duration_since(then) < delta(window)
}

/// True when the member's latest job started less than `window` before `now`.
fn started_within(member: &MemberSnapshot, now: DateTime<Utc>, window: Duration) -> bool {
    member
        .aggregated_at
        .is_some_and(|start| younger_than(start, now, window))
}

/// The poll interval while a job runs: its age divided by
/// [`Policy::poll_backoff_divisor`], clamped to the policy's bounds and never below MX's
/// 3-second minimum. An unknown or future start polls at the minimum.
fn poll_backoff_secs(started: Option<DateTime<Utc>>, now: DateTime<Utc>, policy: &Policy) -> u64 {
    let floor = poll_floor(policy);
    let ceiling = policy.max_poll.max(floor);
    let age = started
        .and_then(|start| now.signed_duration_since(start).to_std().ok())
        .unwrap_or(Duration::ZERO);
    ceil_secs((age / policy.poll_backoff_divisor.max(1)).clamp(floor, ceiling))
}

pub(crate) fn poll_floor(policy: &Policy) -> Duration {
    policy.min_poll.max(MX_MIN_POLL_INTERVAL)
}

pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs().saturating_add(u64::from(d.subsec_nanos() > 0))
}

/// A policy duration as a chrono delta, saturating at chrono's maximum.
pub(crate) fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}
