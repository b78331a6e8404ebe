//! The decision rules: one pure function from a member snapshot, the time and the policy
//! to the next action.
//!
//! [`decide`] applies the rules of [`Reason`] in precedence order. It reads no clock, does
//! no IO, touches no global state and does not allocate; every time computation is checked
//! or saturating, so it returns a decision for every input, including timestamps at
//! chrono's limits.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::window::{Expected, Window, expected_background, latest_job, window_secs};
use crate::model::action::NextAction;
use crate::model::decision::Decision;
use crate::model::end_user::EndUser;
use crate::model::error_code::{ErrorCode, ErrorEffect};
use crate::model::payload::PayloadKind;
use crate::model::policy::Policy;
use crate::model::reason::Reason;
use crate::model::snapshot::MemberSnapshot;
use crate::model::status::{ConnectionStatus, StatusGroup};
use crate::time::arithmetic::{Now, ceil_secs, writable_second, younger_than};
use crate::time::timestamp::is_writable;

/// Decides what to do next with `member`, as of `now`, under `policy`, with the end user
/// present: [`decide_with`] in the situation [`EndUser::Present`]. See [`decide_with`] for
/// the rules.
pub fn decide(member: &MemberSnapshot, now: DateTime<Utc>, policy: &Policy) -> Decision {
    decide_with(member, now, policy, EndUser::Present)
}

/// Decides what to do next with `member`, as of `now`, under `policy`, with the end user
/// present or absent.
///
/// Pure and total: the same arguments always give the same decision, and every argument
/// gives one. The rules, in precedence order; each is a [`Reason`] (its code in brackets),
/// which cites its source, and `docs/transitions.md` §2 numbers them in this order:
///
/// - A connection-status webhook → [`ReadMember`](NextAction::ReadMember)
///   (`status_webhook`); a `member_data_updated` webhook → [`ReadData`](NextAction::ReadData)
///   as of its `completed_at` (`data_webhook`); a member reference (a guid, no status) →
///   read the member (`member_reference`).
/// - `is_manual` → [`Stop`](NextAction::Stop) (`manual_member`).
/// - `CLOSED`, `DISABLED`, `DISCONTINUED` → [`Stop`](NextAction::Stop), whatever else
///   the member says (`terminal_status`).
/// - `CHALLENGED` → [`AnswerMfa`](NextAction::AnswerMfa) (`mfa_challenge`).
/// - Any other status while `is_being_aggregated` → [`Poll`](NextAction::Poll), with a
///   backoff that grows with the job's age, from 3 s to [`Policy::max_poll`]
///   (`aggregation_in_progress`).
/// - Null status (no credentials) → [`Stop`](NextAction::Stop) (`no_credentials`).
/// - `needs_updated_credentials` (`needs_updated_credentials`), `PREVENTED`, `DENIED`,
///   `IMPAIRED`, `IMPORTED` (`credentials_required`) or `error_code` 1002, 2004, 2005
///   (`credentials_error`) → [`UpdateCredentials`](NextAction::UpdateCredentials); for an
///   OAuth member [`AuthorizeOauth`](NextAction::AuthorizeOauth) instead
///   (`oauth_reauthorization`). `PENDING` → [`AuthorizeOauth`](NextAction::AuthorizeOauth)
///   for an OAuth member (`oauth_pending`), credentials otherwise (`pending_credentials`).
///   When the payload does not say `is_oauth` → [`ReadMember`](NextAction::ReadMember)
///   (`oauth_unknown`).
/// - `LOCKED`, `IMPEDED` → [`ResolveAtInstitution`](NextAction::ResolveAtInstitution)
///   (`institution_action_required`).
/// - `CONNECTED` with a success younger than [`Policy::fresh_for`] →
///   [`ReadData`](NextAction::ReadData) (`fresh_data`).
/// - Transient statuses (`CREATED`, `UPDATED`, `RESUMED`) with an `aggregated_at` younger
///   than [`Policy::transient_stall`] → poll (`aggregation_starting`); `DELAYED` younger
///   than [`Policy::delayed_stall`] → poll after [`Policy::delayed_recheck`]
///   (`aggregation_delayed`).
/// - `error_code` 3000–3002 on a member that would be aggregated →
///   [`Wait`](NextAction::Wait) until the cooldown after the job that met the outage ends
///   (`institution_unavailable`).
/// - Everything else is aggregated → [`Aggregate`](NextAction::Aggregate): `CONNECTED` with
///   stale data (`stale_data`); `FAILED`, `DEGRADED`, `DISCONNECTED`
///   (`aggregation_failed`); `REJECTED`, `EXPIRED` or `error_code` 2001–2003 (`mfa_failed`);
///   `RECONNECTED` (`foreground_required`); stalled transient statuses
///   (`aggregation_stalled`). Except within [`Policy::cooldown`] of the latest job or
///   success ([`earliest_aggregation`](crate::earliest_aggregation); a time in the future counts as within): then
///   [`Wait`](NextAction::Wait) until the cooldown ends (`cooldown`), or
///   [`Stop`](NextAction::Stop) when that end cannot be written (`time_out_of_range`).
/// - With the end user [absent](EndUser::Absent), a member MX refreshes in the background
///   (`CONNECTED`, stalled `CREATED` or `UPDATED`, background aggregation on) →
///   [`Wait`](NextAction::Wait) until the expected background aggregation
///   (`background_aggregation`; within three [`Policy::background_interval`]s of its
///   latest job, later than that MX is not refreshing it), and one whose background flag
///   the payload does not say → [`ReadMember`](NextAction::ReadMember)
///   (`background_unknown`, or [`Policy::assume_background_aggregation`]). Every other
///   decision is the same as with the end user present; an `aggregate` then means "when
///   the end user is next present".
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use mx_aggregation::{decide_with, EndUser, MemberSnapshot, NextAction, Policy};
///
/// // A full read of a CONNECTED member whose last success is two days old.
/// let member = MemberSnapshot::from_json(r#"{"member": {"connection_status": "CONNECTED",
///     "aggregated_at": "2026-11-22T09:00:00Z", "successfully_aggregated_at": "2026-11-22T09:00:00Z",
///     "background_aggregation_is_disabled": false, "is_oauth": false}}"#)?;
/// let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
///
/// // Present: refresh it in the foreground.
/// assert_eq!(decide_with(&member, now, &Policy::default(), EndUser::Present).action, NextAction::Aggregate);
/// // Absent: MX aggregates it in the background every 24 hours; wait for the next one.
/// let until = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
/// assert_eq!(
///     decide_with(&member, now, &Policy::default(), EndUser::Absent).action,
///     NextAction::Wait { until }
/// );
/// # Ok::<(), mx_aggregation::SnapshotError>(())
/// ```
pub fn decide_with(
    member: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
) -> Decision {
    match member.payload {
        PayloadKind::Member => {}
        PayloadKind::ConnectionStatusWebhook => {
            return decision(NextAction::ReadMember, Reason::StatusWebhook);
        }
        PayloadKind::MemberReference => {
            return decision(NextAction::ReadMember, Reason::MemberReference);
        }
        PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => {
            return match member.completed_at {
                Some(as_of) => read_data(as_of, Reason::DataWebhook),
                None => decision(NextAction::ReadMember, Reason::MemberReference),
            };
        }
    }
    if member.is_manual {
        return decision(NextAction::Stop, Reason::ManualMember);
    }
    // Converted once, and only for the rules that compare times: what arrived and a manual
    // member decide without it.
    let now = Now::new(now);
    let Some(status) = member.connection_status else {
        return if member.is_being_aggregated {
            poll_running_job(member, now, policy)
        } else {
            decision(NextAction::Stop, Reason::NoCredentials)
        };
    };
    let group = status.group();
    let effect = member
        .error_code
        .and_then(ErrorCode::from_code)
        .map(ErrorCode::effect);
    if !group.overrides_member_flags() {
        if member.is_being_aggregated {
            return poll_running_job(member, now, policy);
        }
        let credentials = if member.needs_updated_credentials {
            Some(Reason::NeedsUpdatedCredentials)
        } else if group == StatusGroup::NeedsCredentials {
            Some(Reason::CredentialsRequired)
        } else if effect == Some(ErrorEffect::Credentials) {
            Some(Reason::CredentialsError)
        } else {
            None
        };
        if let Some(reason) = credentials {
            return by_oauth(
                member,
                decision(NextAction::AuthorizeOauth, Reason::OauthReauthorization),
                decision(NextAction::UpdateCredentials, reason),
            );
        }
    }
    // Every rule that aggregates names its reason and whether MX documents background
    // aggregation for the status; one call below then applies the error code, the
    // cooldown and the end user's absence to all of them.
    let (reason, background) = match group {
        StatusGroup::Terminal => return decision(NextAction::Stop, Reason::TerminalStatus),
        StatusGroup::Challenged => return decision(NextAction::AnswerMfa, Reason::MfaChallenge),
        StatusGroup::NeedsCredentials => {
            return by_oauth(
                member,
                decision(NextAction::AuthorizeOauth, Reason::OauthReauthorization),
                decision(NextAction::UpdateCredentials, Reason::CredentialsRequired),
            );
        }
        StatusGroup::Pending => {
            return by_oauth(
                member,
                decision(NextAction::AuthorizeOauth, Reason::OauthPending),
                decision(NextAction::UpdateCredentials, Reason::PendingCredentials),
            );
        }
        StatusGroup::NeedsInstitution => {
            return decision(
                NextAction::ResolveAtInstitution,
                Reason::InstitutionActionRequired,
            );
        }
        StatusGroup::Connected => match member.successfully_aggregated_at {
            Some(as_of) if younger_than(as_of, now, policy.fresh_for) => {
                return read_data(as_of, Reason::FreshData);
            }
            Some(_) | None => (Reason::StaleData, true),
        },
        StatusGroup::Failed => (Reason::AggregationFailed, false),
        StatusGroup::MfaFailed => (Reason::MfaFailed, false),
        StatusGroup::Reconnected => (Reason::ForegroundRequired, false),
        StatusGroup::Transient => {
            if started_within(member, now, policy.transient_stall) {
                let after_secs = poll_backoff_secs(member.aggregated_at, now, policy);
                return decision(NextAction::Poll { after_secs }, Reason::AggregationStarting);
            }
            // BG: background aggregation runs for CREATED and UPDATED, not RESUMED.
            let background = matches!(
                status,
                ConnectionStatus::Created | ConnectionStatus::Updated
            );
            (Reason::AggregationStalled, background)
        }
        StatusGroup::Delayed => {
            if started_within(member, now, policy.delayed_stall) {
                let after_secs = ceil_secs(policy.delayed_recheck.max(policy.poll_floor()));
                return decision(NextAction::Poll { after_secs }, Reason::AggregationDelayed);
            }
            (Reason::AggregationStalled, false)
        }
    };
    match effect {
        Some(ErrorEffect::InstitutionUnavailable) => {
            // "Please try again later" (CW-ERRORS): not before the cooldown after the job
            // that met the outage has passed, whatever Policy::cooldown_from_any_job says.
            match window_secs(latest_job(member, true), policy) {
                Window::OpensAt(opens) if opens > now.secs => {
                    return wait_until(opens, Reason::InstitutionUnavailable);
                }
                Window::NeverRepresentable => {
                    return decision(NextAction::Stop, Reason::TimeOutOfRange);
                }
                Window::Open | Window::OpensAt(_) => {}
            }
            aggregate_when_possible(member, now, policy, end_user, reason, background)
        }
        Some(ErrorEffect::MfaFailed) => {
            aggregate_when_possible(member, now, policy, end_user, Reason::MfaFailed, false)
        }
        Some(ErrorEffect::Credentials | ErrorEffect::Informational) | None => {
            aggregate_when_possible(member, now, policy, end_user, reason, background)
        }
    }
}

/// `oauth` for an OAuth member, `credentials` for one that is not, and
/// [`NextAction::ReadMember`] when the payload does not say (status reads and webhooks):
/// an OAuth member never gets [`NextAction::UpdateCredentials`] (OAUTH \[V\]).
fn by_oauth(member: &MemberSnapshot, oauth: Decision, credentials: Decision) -> Decision {
    match member.is_oauth {
        Some(true) => oauth,
        Some(false) => credentials,
        None => decision(NextAction::ReadMember, Reason::OauthUnknown),
    }
}

/// The member would be aggregated with `reason`. With the end user present: aggregate, or
/// wait out the cooldown. With the end user absent and `background` (MX documents
/// background aggregation for the member's status): wait for the expected background
/// aggregation when it is on, read the member when the payload does not say; otherwise
/// the same as present, `aggregate` meaning "when the end user is next present".
#[inline(always)]
fn aggregate_when_possible(
    member: &MemberSnapshot,
    now: Now,
    policy: &Policy,
    end_user: EndUser,
    reason: Reason,
    background: bool,
) -> Decision {
    match (end_user, background) {
        (EndUser::Present, _) | (EndUser::Absent, false) => {
            aggregate_after_cooldown(member, now, policy, reason)
        }
        // Whether MX aggregates in the background matters to an absent end user only.
        (EndUser::Absent, true) => match member
            .background_aggregation_is_disabled
            .map(|disabled| !disabled)
            .or(policy.assume_background_aggregation)
        {
            Some(true) => absent_with_background(member, now, policy, reason),
            None => match aggregate_after_cooldown(member, now, policy, reason) {
                wait @ Decision {
                    action: NextAction::Wait { .. } | NextAction::Stop,
                    ..
                } => wait,
                Decision { .. } => decision(NextAction::ReadMember, Reason::BackgroundUnknown),
            },
            Some(false) => aggregate_after_cooldown(member, now, policy, reason),
        },
    }
}

/// An absent end user, a member MX refreshes in the background: wait for the expected
/// background aggregation, or aggregate (when the end user is next present) when MX is
/// overdue.
fn absent_with_background(
    member: &MemberSnapshot,
    now: Now,
    policy: &Policy,
    reason: Reason,
) -> Decision {
    match expected_background(member, now, policy) {
        Expected::At(until) => decision(NextAction::Wait { until }, Reason::BackgroundAggregation),
        Expected::Overdue => aggregate_after_cooldown(member, now, policy, reason),
        Expected::NeverRepresentable => decision(NextAction::Stop, Reason::TimeOutOfRange),
    }
}

/// Read data as of `as_of`, when RFC 3339 can write it; a time outside the years
/// 0000–9999 (a snapshot built in code, or corrupt data) gives `time_out_of_range`.
fn read_data(as_of: DateTime<Utc>, reason: Reason) -> Decision {
    if is_writable(as_of) {
        decision(NextAction::ReadData { as_of }, reason)
    } else {
        decision(NextAction::Stop, Reason::TimeOutOfRange)
    }
}

const fn decision(action: NextAction, reason: Reason) -> Decision {
    Decision { action, reason }
}

/// `aggregation_in_progress`: a job runs; look again after the backoff.
fn poll_running_job(member: &MemberSnapshot, now: Now, policy: &Policy) -> Decision {
    let after_secs = poll_backoff_secs(member.aggregated_at, now, policy);
    decision(
        NextAction::Poll { after_secs },
        Reason::AggregationInProgress,
    )
}

/// The member needs a new aggregation: start one, unless the last success is within the
/// cooldown (seed: "you cannot run a new aggregation within three hours of a successful
/// aggregation"); then wait for the first whole second after it.
#[inline(always)]
fn aggregate_after_cooldown(
    member: &MemberSnapshot,
    now: Now,
    policy: &Policy,
    reason: Reason,
) -> Decision {
    // The cooldown ends on the whole second a wait would announce, not on the exact
    // instant: an aggregation half a second before the end of a wait the engine itself
    // announced would break its own promise (found by the `snapshot` fuzz target).
    match window_secs(latest_job(member, policy.cooldown_from_any_job), policy) {
        Window::OpensAt(opens) if opens > now.secs => wait_until(opens, Reason::Cooldown),
        Window::Open | Window::OpensAt(_) => decision(NextAction::Aggregate, reason),
        Window::NeverRepresentable => decision(NextAction::Stop, Reason::TimeOutOfRange),
    }
}

/// Wait until `secs`, a second [`window_secs`] found writable.
fn wait_until(secs: i64, reason: Reason) -> Decision {
    match writable_second(Some(secs)) {
        Some(until) => decision(NextAction::Wait { until }, reason),
        None => decision(NextAction::Stop, Reason::TimeOutOfRange),
    }
}

/// True when the member's latest job started less than `window` before `now`.
fn started_within(member: &MemberSnapshot, now: Now, window: Duration) -> bool {
    member
        .aggregated_at
        .is_some_and(|start| younger_than(start, now, window))
}

/// The poll interval while a job runs: its age divided by
/// [`Policy::poll_backoff_divisor`], clamped to the policy's bounds and never below MX's
/// 3-second minimum. An unknown or future start polls at the minimum.
fn poll_backoff_secs(started: Option<DateTime<Utc>>, now: Now, policy: &Policy) -> u64 {
    let floor = policy.poll_floor();
    let ceiling = policy.max_poll.max(floor);
    let age = started
        .and_then(|start| now.at.signed_duration_since(start).to_std().ok())
        .unwrap_or(Duration::ZERO);
    ceil_secs((age / policy.poll_backoff_divisor.max(1)).clamp(floor, ceiling))
}
