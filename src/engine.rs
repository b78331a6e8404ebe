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
use crate::error_code::{ErrorCode, ErrorEffect};
use crate::payload::PayloadKind;
use crate::policy::{MX_MIN_POLL_INTERVAL, Policy};
use crate::reason::Reason;
use crate::situation::EndUser;
use crate::snapshot::MemberSnapshot;
use crate::status::{ConnectionStatus, StatusGroup};
use crate::timestamp::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, is_writable};

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
///   success ([`earliest_aggregation`]; a time in the future counts as within): then
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
    let now = Now::new(now);
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
    let mfa_failed = effect == Some(ErrorEffect::MfaFailed);
    let aggregate = |reason: Reason, background: bool| {
        if effect == Some(ErrorEffect::InstitutionUnavailable) {
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
        }
        let (reason, background) = if mfa_failed {
            (Reason::MfaFailed, false)
        } else {
            (reason, background)
        };
        aggregate_when_possible(member, now, policy, end_user, reason, background)
    };
    match group {
        StatusGroup::Terminal => decision(NextAction::Stop, Reason::TerminalStatus),
        StatusGroup::Challenged => decision(NextAction::AnswerMfa, Reason::MfaChallenge),
        StatusGroup::NeedsCredentials => by_oauth(
            member,
            decision(NextAction::AuthorizeOauth, Reason::OauthReauthorization),
            decision(NextAction::UpdateCredentials, Reason::CredentialsRequired),
        ),
        StatusGroup::Pending => by_oauth(
            member,
            decision(NextAction::AuthorizeOauth, Reason::OauthPending),
            decision(NextAction::UpdateCredentials, Reason::PendingCredentials),
        ),
        StatusGroup::NeedsInstitution => decision(
            NextAction::ResolveAtInstitution,
            Reason::InstitutionActionRequired,
        ),
        StatusGroup::Connected => match member.successfully_aggregated_at {
            Some(as_of) if younger_than(as_of, now, policy.fresh_for) => {
                read_data(as_of, Reason::FreshData)
            }
            Some(_) | None => aggregate(Reason::StaleData, true),
        },
        StatusGroup::Failed => aggregate(Reason::AggregationFailed, false),
        StatusGroup::MfaFailed => aggregate(Reason::MfaFailed, false),
        StatusGroup::Reconnected => aggregate(Reason::ForegroundRequired, false),
        StatusGroup::Transient => {
            if started_within(member, now, policy.transient_stall) {
                let after_secs = poll_backoff_secs(member.aggregated_at, now, policy);
                decision(NextAction::Poll { after_secs }, Reason::AggregationStarting)
            } else {
                // BG: background aggregation runs for CREATED and UPDATED, not RESUMED.
                let background = matches!(
                    status,
                    ConnectionStatus::Created | ConnectionStatus::Updated
                );
                aggregate(Reason::AggregationStalled, background)
            }
        }
        StatusGroup::Delayed => {
            if started_within(member, now, policy.delayed_stall) {
                let after_secs = ceil_secs(policy.delayed_recheck.max(poll_floor(policy)));
                decision(NextAction::Poll { after_secs }, Reason::AggregationDelayed)
            } else {
                aggregate(Reason::AggregationStalled, false)
            }
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
fn aggregate_when_possible(
    member: &MemberSnapshot,
    now: Now,
    policy: &Policy,
    end_user: EndUser,
    reason: Reason,
    background: bool,
) -> Decision {
    let background_on = member
        .background_aggregation_is_disabled
        .map(|disabled| !disabled)
        .or(policy.assume_background_aggregation);
    match (end_user, background, background_on) {
        (EndUser::Absent, true, Some(true)) => match expected_background(member, now, policy) {
            Expected::At(until) => {
                decision(NextAction::Wait { until }, Reason::BackgroundAggregation)
            }
            Expected::Overdue => aggregate_after_cooldown(member, now, policy, reason),
            Expected::NeverRepresentable => decision(NextAction::Stop, Reason::TimeOutOfRange),
        },
        (EndUser::Absent, true, None) => {
            match aggregate_after_cooldown(member, now, policy, reason) {
                wait @ Decision {
                    action: NextAction::Wait { .. } | NextAction::Stop,
                    ..
                } => wait,
                Decision { .. } => decision(NextAction::ReadMember, Reason::BackgroundUnknown),
            }
        }
        (EndUser::Present, _, _)
        | (EndUser::Absent, false, _)
        | (EndUser::Absent, true, Some(false)) => {
            aggregate_after_cooldown(member, now, policy, reason)
        }
    }
}

/// How many background cycles may pass without a job before the engine stops expecting
/// MX to refresh the member by itself: the one due, and two missed ("approximately every
/// 24 hours", AT-aggregate-member \[V\]).
const BACKGROUND_CYCLES: i64 = 3;

/// When MX's next background aggregation of a member is expected.
enum Expected {
    /// At this whole second, after `now`.
    At(DateTime<Utc>),
    /// More than [`BACKGROUND_CYCLES`] cycles after the member's latest job or success, or
    /// with none on record: MX is not refreshing it; the end user must.
    Overdue,
    /// After `9999-12-31T23:59:59Z`.
    NeverRepresentable,
}

/// The first `base + k × background_interval` (1 ≤ k ≤ [`BACKGROUND_CYCLES`]) after
/// `now` and not before the cooldown ends (MX starts no aggregation inside its window, its
/// own background ones included), where `base` is the later of the member's latest job and
/// latest success, on a whole second. An estimate: MX says "approximately every 24 hours"
/// (AT-aggregate-member \[V\]). It depends on `now` only through k, and k is counted from
/// the later of `now` and the window's end, so deciding again before it never moves it.
fn expected_background(member: &MemberSnapshot, now: Now, policy: &Policy) -> Expected {
    let Some(base) = latest_job(member, true) else {
        return Expected::Overdue;
    };
    let Ok(interval) = i64::try_from(ceil_secs(policy.background_interval).max(1)) else {
        return Expected::NeverRepresentable;
    };
    let opens = match window_secs(latest_job(member, policy.cooldown_from_any_job), policy) {
        Window::OpensAt(opens) => Some(opens),
        Window::Open => None,
        Window::NeverRepresentable => return Expected::NeverRepresentable,
    };
    // The cycle must fall after this instant, as Unix seconds and nanoseconds: `now`, or
    // the last second before the window opens when that is later (whole seconds, so the
    // cycle lands at or after the opening).
    let (reference, reference_nanos) = match opens {
        Some(opens) if opens - 1 > now.secs => (opens - 1, 0),
        Some(_) | None => (now.secs, now.at.timestamp_subsec_nanos()),
    };
    // Whole seconds from `base` to the reference, rounded down, in integer arithmetic.
    let (base_secs, base_nanos) = (base.timestamp(), base.timestamp_subsec_nanos());
    let behind = reference_nanos < base_nanos;
    let elapsed = reference
        .saturating_sub(base_secs)
        .saturating_sub(i64::from(behind))
        .max(0);
    let steps = elapsed / interval + 1;
    if steps > BACKGROUND_CYCLES {
        return Expected::Overdue;
    }
    let cycles = Duration::from_secs(steps.unsigned_abs().saturating_mul(interval.unsigned_abs()));
    let Some(expected) = ceil_secs_after(base_secs, base_nanos, cycles) else {
        return Expected::NeverRepresentable;
    };
    let expected = match opens {
        Some(opens) => expected.max(opens),
        None => expected,
    };
    match writable_second(Some(expected)) {
        Some(t) => Expected::At(t),
        None => Expected::NeverRepresentable,
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

/// When MX will next start an aggregation for a member, under a policy's cooldown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AggregationWindow {
    /// No job or success on record: an aggregation may start at any time.
    Open,
    /// The first whole second at or after the window's start + cooldown; from then
    /// on an aggregation may start (up to a second later than MX's exact window, never
    /// sooner). May be in the past.
    OpensAt(DateTime<Utc>),
    /// The cooldown ends after `9999-12-31T23:59:59Z`, the last second RFC 3339 (and so
    /// the pinned JSON form of a wait) can write: the timestamps or the clock are corrupt.
    NeverRepresentable,
}

/// When the cooldown after the member's latest job or success ends: the one computation
/// behind [`NextAction::Wait`] and the advice of [`NextAction::ResolveAtInstitution`],
/// whose follow-up aggregation is subject to the same window.
///
/// The window counts from the later of `successfully_aggregated_at` and, with
/// [`Policy::cooldown_from_any_job`] (the default), `aggregated_at`: "any aggregation
/// process will prevent a new standard aggregation for the next three hours" (REW \[V\]);
/// an aggregate call inside it is accepted with `202` but runs nothing (ERR \[V\]). The
/// seed speaks only of "three hours of a successful aggregation".
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
    window_after(latest_job(member, policy.cooldown_from_any_job), policy)
}

/// The later of the member's last success and, when `any_job`, its latest job's start.
fn latest_job(member: &MemberSnapshot, any_job: bool) -> Option<DateTime<Utc>> {
    let job = member.aggregated_at.filter(|_| any_job);
    match (member.successfully_aggregated_at, job) {
        (Some(success), Some(job)) => Some(success.max(job)),
        (Some(t), None) | (None, Some(t)) => Some(t),
        (None, None) => None,
    }
}

/// The cooldown window that starts at `start`.
fn window_after(start: Option<DateTime<Utc>>, policy: &Policy) -> AggregationWindow {
    match window_secs(start, policy) {
        Window::Open => AggregationWindow::Open,
        Window::OpensAt(opens) => writable_second(Some(opens)).map_or(
            AggregationWindow::NeverRepresentable,
            AggregationWindow::OpensAt,
        ),
        Window::NeverRepresentable => AggregationWindow::NeverRepresentable,
    }
}

/// [`AggregationWindow`] with the opening as Unix seconds, within the writable years:
/// what the engine compares with `now`, building a `DateTime` (which costs more than the
/// rest of a decision) only for a wait it returns.
enum Window {
    Open,
    OpensAt(i64),
    NeverRepresentable,
}

/// The cooldown window that starts at `start`, in Unix seconds.
fn window_secs(start: Option<DateTime<Utc>>, policy: &Policy) -> Window {
    let Some(start) = start else {
        return Window::Open;
    };
    match ceil_secs_after(
        start.timestamp(),
        start.timestamp_subsec_nanos(),
        policy.cooldown,
    ) {
        Some(opens) if (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&opens) => {
            Window::OpensAt(opens)
        }
        Some(_) | None => Window::NeverRepresentable,
    }
}

/// Wait until `secs`, a second [`window_secs`] found writable.
fn wait_until(secs: i64, reason: Reason) -> Decision {
    match writable_second(Some(secs)) {
        Some(until) => decision(NextAction::Wait { until }, reason),
        None => decision(NextAction::Stop, Reason::TimeOutOfRange),
    }
}

/// The first whole second at or after `secs.subsec_nanos + plus`, as Unix seconds, in
/// integer arithmetic (the engine's hot path does no calendar arithmetic). `None` on
/// overflow. A leap second's extra nanoseconds (chrono keeps them above 999,999,999) carry
/// into the next second.
fn ceil_secs_after(secs: i64, subsec_nanos: u32, plus: Duration) -> Option<i64> {
    let nanos = u64::from(subsec_nanos) + u64::from(plus.subsec_nanos());
    secs.checked_add(i64::try_from(plus.as_secs()).ok()?)?
        .checked_add(i64::try_from(nanos.div_ceil(1_000_000_000)).ok()?)
}

/// The instant of `secs` when RFC 3339 can write it (years 0000-9999): a window that ends
/// outside them comes from corrupt timestamps or a corrupt clock.
fn writable_second(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.filter(|&s| (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&s))
        .and_then(|s| DateTime::from_timestamp(s, 0))
}

/// `now` with its Unix seconds, converted once per decision: `timestamp()` is calendar
/// arithmetic, and a decision compares `now` several times.
#[derive(Clone, Copy)]
struct Now {
    at: DateTime<Utc>,
    secs: i64,
}

impl Now {
    fn new(at: DateTime<Utc>) -> Self {
        Self {
            at,
            secs: at.timestamp(),
        }
    }
}

/// True when `then` is less than `window` before `now`; an instant after `now` (clock
/// skew, or a corrupt timestamp) counts as younger than any window.
fn younger_than(then: DateTime<Utc>, now: Now, window: Duration) -> bool {
    // chrono's exact difference lies within 3 s of the whole seconds between the Unix
    // times (sub-second parts and a leap second's adjustment move it by less): outside
    // that margin the seconds decide, and chrono, which costs more than the rest of a
    // decision, is asked only near the edge.
    let seconds = now.secs - then.timestamp();
    let window_secs = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    if seconds.saturating_add(3) <= window_secs {
        true
    } else if seconds.saturating_sub(4) >= window_secs {
        // Then the difference exceeds window_secs + 1, more than the window.
        false
    } else {
        now.at.signed_duration_since(then) < delta(window)
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
    let floor = poll_floor(policy);
    let ceiling = policy.max_poll.max(floor);
    let age = started
        .and_then(|start| now.at.signed_duration_since(start).to_std().ok())
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Any instant chrono can hold near the edges that matter: leap seconds included
    /// (nanoseconds of 1_000_000_000 and over on second 59 of a minute).
    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (-100_000_000_000i64..100_000_000_000, 0..2_000_000_000u32).prop_map(|(s, n)| {
            DateTime::from_timestamp(s, n)
                .or_else(|| DateTime::from_timestamp(s - s.rem_euclid(60) + 59, n))
                .unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]

        /// The whole-second shortcut answers as chrono's exact difference does, near the
        /// edge of the window above all.
        #[test]
        fn younger_than_is_chronos_comparison(
            then in instant(),
            shift in prop_oneof![-10i64..10, any::<i32>().prop_map(i64::from)],
            shift_nanos in 0..2_000_000_000u32,
            window_secs in prop_oneof![0..100u64, any::<u32>().prop_map(u64::from), Just(u64::MAX)],
            window_nanos in prop_oneof![Just(0u32), 0..1_000_000_000u32],
        ) {
            let window = Duration::new(window_secs, window_nanos);
            // `now` near `then + window`, so the comparison is close.
            let near = i64::try_from(window_secs).unwrap_or(0).saturating_add(shift);
            let now = then.timestamp().checked_add(near).and_then(|s| {
                DateTime::from_timestamp(s, shift_nanos)
                    .or_else(|| DateTime::from_timestamp(s - s.rem_euclid(60) + 59, shift_nanos))
            });
            if let Some(now) = now {
                prop_assert_eq!(
                    younger_than(then, Now::new(now), window),
                    now.signed_duration_since(then) < delta(window)
                );
            }
        }
    }
}
