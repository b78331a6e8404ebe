//! The oracle of every fuzz target and of the property tests: what the engine promises of
//! one decision ([`check_invariants`]), and the independent readings the crate's own
//! readers must agree with (serde_json for MX's plain JSON, chrono for RFC 3339).

use chrono::{DateTime, Datelike, TimeDelta, Utc};

use mx_aggregation::{
    ActionKind, ConnectionStatus, Decision, EndUser, ErrorCode, ErrorEffect, MAX_UNIX_SECONDS,
    MIN_UNIX_SECONDS, MemberJson, MemberSnapshot, NextAction, PayloadKind, Policy, Reason,
    SnapshotError, StatusGroup, TimestampError, parse_mx_timestamp,
};

use crate::time::delta;

/// What `MemberJson::parse` makes of `text`, and what serde_json alone makes of it
/// (`serde_json::from_str::<MemberJson>` never takes the plain-JSON reader), errors as
/// their messages: MX's plain JSON is read without serde_json, and both must agree.
pub fn plain_and_serde(
    text: &str,
) -> (
    Result<MemberJson<'_>, String>,
    Result<MemberJson<'_>, String>,
) {
    let plain_first = MemberJson::parse(text).map_err(|e| e.to_string());
    let serde_only = serde_json::from_str::<MemberJson<'_>>(text)
        .map_err(|e| SnapshotError::from(e).to_string());
    (plain_first, serde_only)
}

/// What chrono's RFC 3339 parser alone makes of `text`, limited to the years 0000–9999
/// as the crate limits every timestamp: what [`parse_mx_timestamp`] must give for text
/// that is not integer Unix seconds (MX's own form is read without chrono).
pub fn chrono_reading(text: &str) -> Result<DateTime<Utc>, TimestampError> {
    let t = DateTime::parse_from_rfc3339(text)
        .map_err(|_| TimestampError::NotRfc3339)?
        .to_utc();
    if (0..=9999).contains(&t.year()) {
        Ok(t)
    } else {
        Err(TimestampError::OutOfRange)
    }
}

/// Panics unless [`parse_mx_timestamp`] reads `text` as [`chrono_reading`] does, when it is
/// not integer Unix seconds.
pub fn assert_timestamp_reads_as_chrono(text: &str) {
    if text.parse::<i64>().is_ok() {
        return;
    }
    assert_eq!(
        parse_mx_timestamp(text),
        chrono_reading(text),
        "timestamp {text:?}"
    );
}

/// Panics unless every timestamp field (`until`, `as_of`) of the JSON object in `json` is
/// RFC 3339 in the years 0000–9999: four digits, then `-`, and it reads back.
pub fn assert_timestamps_writable(json: &[u8]) {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(json)
        .unwrap_or_else(|e| panic!("not a JSON object ({e}): {json:?}"));
    for field in ["until", "as_of"] {
        let Some(value) = object.get(field) else {
            continue;
        };
        let text = value
            .as_str()
            .unwrap_or_else(|| panic!("{field} is not a string: {value}"));
        let year_ok = text.len() > 5
            && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && text.as_bytes()[4] == b'-';
        assert!(year_ok, "{field} {text:?} is not a year 0000-9999");
        assert!(
            chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            "{field} {text:?} is not RFC 3339"
        );
    }
}

/// An invariant of [`decide`](mx_aggregation::decide) that a decision breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{invariant}: {decision:?}")]
pub struct InvariantViolation {
    /// Which invariant, in words.
    pub invariant: &'static str,
    /// The decision that breaks it.
    pub decision: Decision,
}

/// Checks one decision against everything the engine promises, under any policy and with
/// the end user present or absent. Written apart from the engine, from the rules' text:
///
/// - the reason leads to the action, and `requires_end_user` is true exactly for
///   answer_mfa, update_credentials, resolve_at_institution, aggregate and authorize_oauth;
/// - payload kinds: a connection-status webhook and a member reference are read again, a
///   `member_data_updated` webhook reads data as of its `completed_at`;
/// - the firm member rules (manual, terminal, CHALLENGED, running job, null status,
///   credentials by `is_oauth`, PENDING by `is_oauth`, LOCKED/IMPEDED, fresh CONNECTED, and
///   aggregate-or-wait for the retry statuses), with the policy's windows;
/// - an OAuth member never gets update_credentials, one that is not never authorize_oauth;
/// - no aggregation while a job runs, within the cooldown (from the latest job or success,
///   as the policy says; from the latest job when an institution error code is present),
///   or with the end user absent while MX aggregates the member in the background;
/// - a wait ends after `now`, on a whole second, in the years 0000–9999: at the cooldown's
///   end, or for a background aggregation no sooner than the cooldown's end;
/// - a poll comes after at least 3 s;
/// - `time_out_of_range` only when some end the engine needs cannot be written.
pub fn check_invariants(
    member: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
    decision: &Decision,
) -> Result<(), InvariantViolation> {
    let fail = |invariant| {
        Err(InvariantViolation {
            invariant,
            decision: *decision,
        })
    };
    let kind = decision.action.kind();
    if decision.reason.action() != kind {
        return fail("the reason leads to another action");
    }
    let end_user_needed = matches!(
        kind,
        ActionKind::AnswerMfa
            | ActionKind::UpdateCredentials
            | ActionKind::ResolveAtInstitution
            | ActionKind::Aggregate
            | ActionKind::AuthorizeOauth
    );
    if decision.requires_end_user() != end_user_needed {
        return fail("requires_end_user does not match the action");
    }
    if let NextAction::Wait { until } = decision.action {
        if until <= now {
            return fail("a wait that ends before now");
        }
        if until.timestamp_subsec_nanos() != 0 {
            return fail("a wait that does not end on a whole second");
        }
        if until.timestamp() > MAX_UNIX_SECONDS {
            return fail("a wait past 9999");
        }
    }
    if let NextAction::Poll { after_secs } = decision.action
        && after_secs < 3
    {
        return fail("a poll sooner than 3 s");
    }

    match member.payload {
        PayloadKind::Member => {}
        PayloadKind::ConnectionStatusWebhook | PayloadKind::MemberReference => {
            return match decision.action {
                NextAction::ReadMember => Ok(()),
                _ => fail("a status webhook or member reference is read again"),
            };
        }
        PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => {
            return match (decision.action, member.completed_at) {
                (NextAction::ReadData { as_of }, Some(done)) if as_of == done => Ok(()),
                (NextAction::Stop, Some(done))
                    if decision.reason == Reason::TimeOutOfRange && !writable(done) =>
                {
                    Ok(())
                }
                (NextAction::ReadMember, None) => Ok(()),
                _ => fail("a member_data_updated webhook reads data as of completed_at"),
            };
        }
    }

    let effect = member
        .error_code
        .and_then(ErrorCode::from_code)
        .map(ErrorCode::effect);
    // The cooldown's end, from the later of the last success and (when the policy counts
    // any job, or an institution error code is present) the latest job's start.
    let window_end = |any_job: bool| {
        let start = [
            member.successfully_aggregated_at,
            member.aggregated_at.filter(|_| any_job),
        ]
        .into_iter()
        .flatten()
        .max();
        // In nanoseconds since the epoch, so a leap second (chrono keeps its extra second
        // in the nanoseconds) counts as the second after it, as in POSIX time.
        start.map(|s| {
            let start_ns =
                i128::from(s.timestamp()) * 1_000_000_000 + i128::from(s.timestamp_subsec_nanos());
            let cooldown_ns = i128::try_from(policy.cooldown.as_nanos()).unwrap_or(i128::MAX);
            let end_ns = start_ns.saturating_add(cooldown_ns);
            let end_secs = end_ns.saturating_add(999_999_999).div_euclid(1_000_000_000);
            i64::try_from(end_secs)
                .ok()
                .filter(|end| (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(end))
                .and_then(|end| DateTime::from_timestamp(end, 0))
        })
    };
    let policy_end = window_end(policy.cooldown_from_any_job);
    let institution_end = window_end(true);
    // Some(Some(end)): a window with a writable end; Some(None): one that cannot end.
    let closed = |end: Option<Option<DateTime<Utc>>>| match end {
        None => false,
        Some(None) => true,
        Some(Some(end)) => now < end,
    };
    let in_cooldown = closed(policy_end);
    let aggregate_or_wait = if in_cooldown {
        match policy_end {
            Some(Some(_)) => ActionKind::Wait,
            Some(None) | None => ActionKind::Stop,
        }
    } else {
        ActionKind::Aggregate
    };
    let by_oauth = |credentials: ActionKind| match member.is_oauth {
        Some(true) => ActionKind::AuthorizeOauth,
        Some(false) => credentials,
        None => ActionKind::ReadMember,
    };
    let group = member.connection_status.map(ConnectionStatus::group);
    let credentials_trigger = member.needs_updated_credentials
        || group == Some(StatusGroup::NeedsCredentials)
        || effect == Some(ErrorEffect::Credentials);
    let age = |t: DateTime<Utc>| now.signed_duration_since(t);
    let retry = matches!(
        group,
        Some(
            StatusGroup::Connected
                | StatusGroup::Failed
                | StatusGroup::MfaFailed
                | StatusGroup::Reconnected
        )
    );
    let firm = match group {
        _ if member.is_manual => Some(("manual members stop", ActionKind::Stop)),
        Some(StatusGroup::Terminal) => Some(("terminal statuses stop", ActionKind::Stop)),
        Some(StatusGroup::Challenged) => Some(("CHALLENGED answers MFA", ActionKind::AnswerMfa)),
        _ if member.is_being_aggregated => Some(("a running job is polled", ActionKind::Poll)),
        None => Some(("a null status stops", ActionKind::Stop)),
        Some(_) if credentials_trigger => Some((
            "credentials by is_oauth",
            by_oauth(ActionKind::UpdateCredentials),
        )),
        Some(StatusGroup::NeedsCredentials) => Some((
            "credential statuses by is_oauth",
            by_oauth(ActionKind::UpdateCredentials),
        )),
        Some(StatusGroup::Pending) => Some((
            "PENDING by is_oauth",
            by_oauth(ActionKind::UpdateCredentials),
        )),
        Some(StatusGroup::NeedsInstitution) => {
            Some(("LOCKED, IMPEDED", ActionKind::ResolveAtInstitution))
        }
        Some(StatusGroup::Connected)
            if member
                .successfully_aggregated_at
                .is_some_and(|s| age(s) < delta(policy.fresh_for)) =>
        {
            if member.successfully_aggregated_at.is_some_and(writable) {
                Some(("fresh CONNECTED reads data", ActionKind::ReadData))
            } else {
                Some((
                    "data dated outside 0000-9999 cannot be read as of",
                    ActionKind::Stop,
                ))
            }
        }
        Some(_) if effect == Some(ErrorEffect::InstitutionUnavailable) && retry => {
            if closed(institution_end) {
                match institution_end {
                    Some(Some(_)) => Some(("institution down waits", ActionKind::Wait)),
                    Some(None) | None => Some(("institution down, no end", ActionKind::Stop)),
                }
            } else {
                None
            }
        }
        Some(StatusGroup::Connected) if end_user == EndUser::Absent => None,
        Some(
            StatusGroup::Connected
            | StatusGroup::Failed
            | StatusGroup::MfaFailed
            | StatusGroup::Reconnected,
        ) => Some((
            "retry statuses aggregate outside the cooldown",
            aggregate_or_wait,
        )),
        Some(StatusGroup::Transient | StatusGroup::Delayed) => None,
    };
    if let Some((rule, expected)) = firm
        && kind != expected
    {
        return fail(rule);
    }
    // What the end user cannot do without a background aggregation the engine relies on.
    let background_on = member
        .background_aggregation_is_disabled
        .map(|disabled| !disabled)
        .or(policy.assume_background_aggregation);
    let background_status = matches!(
        member.connection_status,
        Some(ConnectionStatus::Connected | ConnectionStatus::Created | ConnectionStatus::Updated)
    ) && effect != Some(ErrorEffect::MfaFailed);
    // MX is expected to refresh the member only within three background cycles of its
    // latest job or success.
    let interval = delta(policy.background_interval).max(TimeDelta::seconds(1));
    let background_due = [member.aggregated_at, member.successfully_aggregated_at]
        .into_iter()
        .flatten()
        .max()
        .is_some_and(|latest| {
            interval
                .checked_mul(3)
                .and_then(|cycles| latest.checked_add_signed(cycles))
                .is_none_or(|end| now < end)
        });
    let background_status = background_status && background_due;

    match decision.action {
        NextAction::Aggregate if member.is_being_aggregated => fail("aggregate while a job runs"),
        NextAction::Aggregate if in_cooldown => fail("aggregate within the cooldown"),
        NextAction::Aggregate
            if end_user == EndUser::Absent && background_status && background_on != Some(false) =>
        {
            fail("aggregate with the end user absent while MX may aggregate in the background")
        }
        NextAction::UpdateCredentials if member.is_oauth == Some(true) => {
            fail("update_credentials for an OAuth member")
        }
        NextAction::AuthorizeOauth if member.is_oauth != Some(true) => {
            fail("authorize_oauth for a member not known to be OAuth")
        }
        NextAction::Wait { until } => match decision.reason {
            Reason::Cooldown if policy_end != Some(Some(until)) => {
                fail("a cooldown wait that does not end with the cooldown")
            }
            Reason::InstitutionUnavailable if institution_end != Some(Some(until)) => {
                fail("an institution wait that does not end with the cooldown after the job")
            }
            Reason::BackgroundAggregation
                if end_user != EndUser::Absent
                    || background_on != Some(true)
                    || policy_end.flatten().is_some_and(|end| until < end) =>
            {
                fail("a background wait when none is due, or before the cooldown ends")
            }
            _ => Ok(()),
        },
        NextAction::ReadData { as_of } if Some(as_of) != member.successfully_aggregated_at => {
            fail("read_data as of another time than the last success")
        }
        NextAction::Stop
            if decision.reason == Reason::TimeOutOfRange
                && member.successfully_aggregated_at.is_none_or(writable)
                && policy_end != Some(None)
                && institution_end != Some(None)
                && !(end_user == EndUser::Absent && background_on == Some(true)) =>
        {
            fail("time_out_of_range with representable ends")
        }
        NextAction::Poll { .. }
        | NextAction::AnswerMfa
        | NextAction::UpdateCredentials
        | NextAction::ResolveAtInstitution
        | NextAction::Aggregate
        | NextAction::AuthorizeOauth
        | NextAction::ReadMember
        | NextAction::ReadData { .. }
        | NextAction::Stop => Ok(()),
    }
}

/// True when RFC 3339 can write `t`: its year is 0000–9999.
pub(super) fn writable(t: DateTime<Utc>) -> bool {
    (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&t.timestamp())
}

pub(super) fn assert_invariants(
    member: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
    end_user: EndUser,
    d: &Decision,
) {
    if let Err(violation) = check_invariants(member, now, policy, end_user, d) {
        panic!(
            "{violation}\n  member: {member:?}\n  now: {now}\n  policy: {policy:?}\n  end user: {end_user}"
        );
    }
}
