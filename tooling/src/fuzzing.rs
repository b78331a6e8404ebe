//! Fuzz bodies and the engine's invariants, for `fuzz/` and the tests (feature `fuzzing`).
//!
//! The crate reads untrusted JSON from webhooks and exports, so every entry point is fuzzed.
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` are one-line shims around the functions
//! here, which ordinary stable builds compile: `cargo test` replays the committed corpus
//! (`fuzz/corpus/<target>/`) through them, and the property tests share
//! [`check_invariants`] as their oracle. Each body panics when an invariant breaks; that is
//! what a fuzzer reports.

mod member_state;

pub use member_state::{ObservationInput, StateInput, member_state, member_state_bytes};

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, Datelike, TimeDelta, Utc};

use mx_aggregation::batch::{LineOutcome, overlong_line, triage_line};
use mx_aggregation::lines::{Chunk, Chunker, Line};
use mx_aggregation::{
    ActionKind, ConnectionStatus, Decision, EndUser, ErrorCode, ErrorEffect, MAX_UNIX_SECONDS,
    MIN_UNIX_SECONDS, MemberJson, MemberSnapshot, NextAction, PayloadKind, Policy, Reason,
    SnapshotError, StatusGroup, TimestampError, decide, decide_with, parse_mx_timestamp,
};

use crate::matrix::reference_now;
use crate::time::delta;

/// Target `member_json`: arbitrary bytes → parse → snapshot → decide.
///
/// Oracles: parsing never panics; `MemberJson::parse` (plain JSON read by its fast reader)
/// and serde_json read alike ([`plain_and_serde`]); the text as a timestamp reads as chrono
/// reads it; serde's `Deserialize` for [`MemberSnapshot`] agrees with
/// [`MemberSnapshot::from_json`]; an accepted member survives a JSON round trip; its
/// decisions, with the end user present and absent, obey [`check_invariants`], write every
/// timestamp as RFC 3339 (years 0000–9999) and survive a JSON round trip too.
pub fn member_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (plain_first, serde_only) = plain_and_serde(text);
    assert_eq!(
        plain_first, serde_only,
        "the plain reader and serde_json differ on {text:?}"
    );
    assert_timestamp_reads_as_chrono(text);
    let parsed = MemberJson::parse(text).and_then(|member| {
        let _ = member.guid();
        member.snapshot()
    });
    let via_serde = serde_json::from_str::<MemberSnapshot>(text);
    let member = match (parsed, via_serde) {
        (Ok(member), Ok(same)) => {
            assert_eq!(member, same, "serde and from_json disagree on {text:?}");
            member
        }
        (Err(error), Err(_)) => {
            let _ = error.to_string();
            return;
        }
        (Ok(_), Err(e)) => panic!("from_json accepts what serde rejects ({e}): {text:?}"),
        (Err(e), Ok(_)) => panic!("serde accepts what from_json rejects ({e}): {text:?}"),
    };
    let written = serde_json::to_string(&member).expect("a snapshot always serializes");
    let reread = MemberSnapshot::from_json(&written)
        .unwrap_or_else(|e| panic!("cannot re-read {written:?}: {e}"));
    assert_eq!(reread, member, "snapshot round trip through {written:?}");

    for now in [
        reference_now(),
        member.aggregated_at.unwrap_or_else(reference_now),
    ] {
        for end_user in [EndUser::Present, EndUser::Absent] {
            let decision = decide_with(&member, now, &Policy::default(), end_user);
            assert_invariants(&member, now, &Policy::default(), end_user, &decision);
            let json = serde_json::to_string(&decision).expect("a decision always serializes");
            assert_timestamps_writable(json.as_bytes());
            let back: Decision = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("cannot re-read {json}: {e}"));
            assert_eq!(back, decision, "decision round trip through {json}");
        }
    }
}

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

/// The line limit of the `batch_lines` target: small, so fuzz inputs reach it.
const FUZZ_MAX_LINE: usize = 256;

/// Target `batch_lines`: arbitrary bytes as JSON Lines, through exactly what
/// `mx-aggregation batch` runs: cut into chunks of whole lines by
/// [`Chunker`], then [`triage_line`] on each line with
/// its number, or [`overlong_line`] for a line over the limit. The first byte picks the
/// size of the reads (1 to 64 bytes), so line ends fall anywhere in a read; the limit is
/// 256 bytes instead of 16 MiB, so inputs reach it.
///
/// Oracles: lines are numbered 1, 2, 3, … with none skipped; a blank line writes nothing;
/// any other line writes exactly one line of JSON ending in `\n`: either a decision that
/// reads back as the [`Decision`] returned, writes its timestamps as RFC 3339 (years
/// 0000–9999) and obeys [`check_invariants`] for the member on that line, or
/// `{"line": N, "error": …}` with this line's number. Odd lines are decided with the end
/// user present, even lines with the end user absent.
pub fn batch_lines(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let read = usize::from(first % 64) + 1;
    let mut chunker = Chunker::new(read, FUZZ_MAX_LINE);
    let mut next_line = 1;
    let mut check = |chunk: &Chunk| {
        for (line_no, line) in chunk.lines() {
            assert_eq!(line_no, next_line, "line numbers run 1, 2, 3, …");
            next_line += 1;
            batch_line(line_no, line);
        }
    };
    for piece in data.chunks(read) {
        chunker.space()[..piece.len()].copy_from_slice(piece);
        chunker.filled(piece.len());
        while let Some(chunk) = chunker.take() {
            check(&chunk);
            chunker.recycle(chunk);
        }
    }
    if let Some(chunk) = chunker.finish() {
        check(&chunk);
    }
}

/// One line of the `batch_lines` target, with its oracles.
fn batch_line(line_no: u64, line: Line<'_>) {
    let (now, policy) = (reference_now(), Policy::default());
    let mut out = Vec::new();
    let end_user = if line_no % 2 == 1 {
        EndUser::Present
    } else {
        EndUser::Absent
    };
    let (line, outcome) = match line {
        Line::Text(text) => (
            text,
            triage_line(text, line_no, now, &policy, end_user, &mut out),
        ),
        Line::TooLong => (&[][..], overlong_line(line_no, FUZZ_MAX_LINE, &mut out)),
    };
    if let LineOutcome::Blank = outcome {
        assert!(out.is_empty(), "a blank line wrote {out:?}");
        assert!(
            line.trim_ascii().is_empty(),
            "line {line_no} called blank: {line:?}"
        );
        return;
    }
    assert_eq!(
        out.iter().filter(|&&b| b == b'\n').count(),
        1,
        "not one line: {out:?}"
    );
    assert_eq!(out.last(), Some(&b'\n'));
    let written: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("output is not a JSON object ({e}): {out:?}"));
    match outcome {
        LineOutcome::Decided(decision) => {
            let back: Decision = serde_json::from_slice(&out)
                .unwrap_or_else(|e| panic!("cannot re-read {out:?}: {e}"));
            assert_eq!(back, decision);
            assert_timestamps_writable(&out);
            let member = MemberJson::parse_bytes(line)
                .and_then(|m| m.snapshot())
                .unwrap_or_else(|e| panic!("decided a line that does not parse: {e}"));
            assert_invariants(&member, now, &policy, end_user, &decision);
        }
        LineOutcome::Failed => {
            assert_eq!(written.get("line"), Some(&serde_json::Value::from(line_no)));
            assert!(
                written
                    .get("error")
                    .is_some_and(serde_json::Value::is_string)
            );
        }
        LineOutcome::Blank => {}
    }
}

/// Target `snapshot`: a structure-aware [`SnapshotInput`] → decide.
///
/// Oracles: [`check_invariants`] at `now`, and at `now + later_by` a wait never ends
/// earlier and no aggregation starts before an earlier wait's end.
pub fn snapshot(input: &SnapshotInput) {
    let SnapshotInput {
        member,
        now,
        policy,
        later_by,
        end_user,
    } = *input;
    let decision = decide_with(&member, now, &policy, end_user);
    assert_invariants(&member, now, &policy, end_user, &decision);
    assert_eq!(
        decide_with(&member, now, &policy, end_user),
        decision,
        "decide is deterministic"
    );
    if end_user == EndUser::Present {
        assert_eq!(
            decide(&member, now, &policy),
            decision,
            "decide is decide_with present"
        );
    }
    let json = serde_json::to_string(&decision).expect("a decision always serializes");
    assert_timestamps_writable(json.as_bytes());

    let Some(later) = now.checked_add_signed(later_by) else {
        return;
    };
    let next = decide_with(&member, later, &policy, end_user);
    assert_invariants(&member, later, &policy, end_user, &next);
    if let NextAction::Wait { until } = decision.action {
        match next.action {
            // Before the wait's end the same wait stands; after it, a new one may follow.
            NextAction::Wait { until: later_until } if later < until => {
                assert_eq!(later_until, until, "a wait's end moved as now advanced");
            }
            NextAction::Wait { .. } => {}
            other => assert!(
                later >= until,
                "{other:?} at {later}, before the wait's end {until}"
            ),
        }
    }
}

/// [`snapshot`] on raw fuzzer bytes, decoded with `arbitrary`.
pub fn snapshot_bytes(data: &[u8]) {
    if let Ok(input) = SnapshotInput::arbitrary_take_rest(Unstructured::new(data)) {
        snapshot(&input);
    }
}

/// One input of the `snapshot` target: a member, a time, a policy, a later time and the
/// end user's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotInput {
    /// The member to decide on.
    pub member: MemberSnapshot,
    /// The time of the decision.
    pub now: DateTime<Utc>,
    /// The policy: MX's defaults half the time, arbitrary durations otherwise.
    pub policy: Policy,
    /// How far to move `now` forward for the monotonicity oracle.
    pub later_by: TimeDelta,
    /// Whether the end user is there.
    pub end_user: EndUser,
}

impl<'a> Arbitrary<'a> for SnapshotInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let now = instant(u, reference_now())?;
        let status = match u.int_in_range(0..=ConnectionStatus::COUNT)? {
            0 => None,
            n => ConnectionStatus::from_id(u8::try_from(n - 1).unwrap_or(0)),
        };
        let payload = match u.int_in_range(0u8..=7)? {
            0 => PayloadKind::MemberReference,
            1 => PayloadKind::ConnectionStatusWebhook,
            2 => PayloadKind::AggregationWebhook,
            3 => PayloadKind::JobWebhook,
            _ => PayloadKind::Member,
        };
        let error_code = match u.int_in_range(0u8..=3)? {
            0 => Some(u.arbitrary()?),
            1 => Some(u.choose(&ErrorCode::ALL)?.code()),
            _ => None,
        };
        let member = MemberSnapshot {
            payload,
            connection_status: status,
            is_being_aggregated: u.arbitrary()?,
            aggregated_at: optional_instant(u, now)?,
            successfully_aggregated_at: optional_instant(u, now)?,
            completed_at: optional_instant(u, now)?,
            needs_updated_credentials: u.arbitrary()?,
            background_aggregation_is_disabled: u.arbitrary()?,
            is_oauth: u.arbitrary()?,
            is_manual: u.int_in_range(0u8..=7)? == 0,
            has_challenges: u.arbitrary()?,
            error_code,
        };
        let policy = if u.arbitrary()? {
            Policy::default()
        } else {
            Policy {
                cooldown: u.arbitrary()?,
                fresh_for: u.arbitrary()?,
                min_poll: u.arbitrary()?,
                max_poll: u.arbitrary()?,
                poll_backoff_divisor: u.arbitrary()?,
                transient_stall: u.arbitrary()?,
                delayed_recheck: u.arbitrary()?,
                delayed_stall: u.arbitrary()?,
                cooldown_from_any_job: u.arbitrary()?,
                background_interval: u.arbitrary()?,
                assume_background_aggregation: u.arbitrary()?,
                // The retry bounds do not reach `decide`.
                ..Policy::MX_DEFAULT
            }
        };
        let later_by = TimeDelta::seconds(i64::from(u.arbitrary::<u32>()?));
        let end_user = if u.arbitrary()? {
            EndUser::Absent
        } else {
            EndUser::Present
        };
        Ok(Self {
            member,
            now,
            policy,
            later_by,
            end_user,
        })
    }
}

/// An instant: mostly within about 68 years of `base` (and often within days), sometimes
/// anywhere chrono can represent, sometimes exactly at its limits or at the edges of the
/// years 0000–9999 that RFC 3339 can write.
fn instant(u: &mut Unstructured<'_>, base: DateTime<Utc>) -> arbitrary::Result<DateTime<Utc>> {
    Ok(match u.int_in_range(0u8..=9)? {
        0..=3 => shift(base, i64::from(u.arbitrary::<i16>()?) * 60),
        4..=5 => shift(base, i64::from(u.arbitrary::<i32>()?)),
        6..=7 => {
            let seconds = u.int_in_range(
                DateTime::<Utc>::MIN_UTC.timestamp()..=DateTime::<Utc>::MAX_UTC.timestamp(),
            )?;
            let nanos = u.int_in_range(0..=999_999_999)?;
            DateTime::from_timestamp(seconds, nanos).unwrap_or(DateTime::<Utc>::MAX_UTC)
        }
        8 => match u.int_in_range(0u8..=1)? {
            0 => DateTime::<Utc>::MIN_UTC,
            _ => DateTime::<Utc>::MAX_UTC,
        },
        // The edges of what RFC 3339 can write, where a cooldown can end past 9999.
        _ => match u.int_in_range(0u8..=1)? {
            0 => DateTime::from_timestamp(MIN_UNIX_SECONDS + i64::from(u.arbitrary::<u16>()?), 0),
            _ => DateTime::from_timestamp(
                MAX_UNIX_SECONDS - i64::from(u.arbitrary::<u32>()? % 200_000),
                0,
            ),
        }
        .unwrap_or(base),
    })
}

/// `base` moved by `seconds`, or `base` itself where that would leave chrono's range.
fn shift(base: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    base.checked_add_signed(TimeDelta::seconds(seconds))
        .unwrap_or(base)
}

fn optional_instant(
    u: &mut Unstructured<'_>,
    base: DateTime<Utc>,
) -> arbitrary::Result<Option<DateTime<Utc>>> {
    Ok(if u.arbitrary()? {
        Some(instant(u, base)?)
    } else {
        None
    })
}

/// An invariant of [`decide`] that a decision breaks.
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
fn writable(t: DateTime<Utc>) -> bool {
    (MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS).contains(&t.timestamp())
}

fn assert_invariants(
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

/// One input of the `payload` target: an MX-shaped JSON payload assembled from the keys and
/// values the recogniser tells apart, so the fuzzer spends its time on the decisions between
/// payload kinds rather than on JSON syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadInput {
    /// The payload's JSON text.
    pub json: String,
}

/// The keys the generator picks from: member fields, webhook fields, the keys that mark a
/// payload as something else, and camelCase slips.
const PAYLOAD_KEYS: [&str; 24] = [
    "connection_status",
    "connection_status_id",
    "guid",
    "member_guid",
    "type",
    "action",
    "completed_at",
    "aggregated_at",
    "successfully_aggregated_at",
    "is_being_aggregated",
    "needs_updated_credentials",
    "background_aggregation_is_disabled",
    "is_oauth",
    "is_manual",
    "challenges",
    "error",
    "members",
    "user",
    "institution",
    "accounts",
    "pagination",
    "connectionStatus",
    "memberGuid",
    "oauth_window_uri",
];

/// Values the recogniser and the field checks treat differently.
fn payload_value(u: &mut Unstructured<'_>, key: &str) -> arbitrary::Result<String> {
    let status = || {
        let names: Vec<String> = ConnectionStatus::ALL
            .iter()
            .map(|s| format!("\"{}\"", s.as_str()))
            .collect();
        names
    };
    Ok(match u.int_in_range(0u8..=9)? {
        0 => "null".to_owned(),
        1 => u.arbitrary::<bool>()?.to_string(),
        2 => u.arbitrary::<i64>()?.to_string(),
        3 => format!("{:?}", u.arbitrary::<&str>()?),
        4 => "{}".to_owned(),
        5 => "[]".to_owned(),
        _ => match key {
            "connection_status" => u.choose(&status())?.clone(),
            "connection_status_id" => u.int_in_range(-1i64..=22)?.to_string(),
            "type" => (*u.choose(&[
                "\"CONNECTION_STATUS\"",
                "\"AGGREGATION\"",
                "\"BALANCE\"",
                "\"REWARD\"",
                "\"MEMBER\"",
                "\"ACCOUNTS\"",
            ])?)
            .to_owned(),
            "action" => {
                (*u.choose(&["\"CHANGED\"", "\"member_data_updated\"", "\"created\""])?).to_owned()
            }
            "guid" | "member_guid" => "\"MBR-1\"".to_owned(),
            "completed_at" | "aggregated_at" | "successfully_aggregated_at" => (*u.choose(&[
                "1531947410",
                "253402300799",
                "253402300800",
                "-62167219201",
                "\"2018-07-18T20:56:50Z\"",
                "\"9999-12-31T23:59:59-23:59\"",
                "\"0000-01-01T00:00:00+05:00\"",
                "\"9999-12-31T23:59:59+23:59\"",
                "\"2016-12-31T23:59:60.5Z\"",
            ])?)
            .to_owned(),
            "error" => (*u.choose(&[
                r#"{"error_code": 3001, "user_message": "later"}"#,
                r#""{\"error_code\": 2005, \"user_message\": \"x\"}""#,
                r#"{"error_code": 2002}"#,
                r#"{"error_code": 4294967296}"#,
                r#""""#,
                r#""{not json""#,
            ])?)
            .to_owned(),
            "challenges" | "members" | "accounts" => r#"[{"type": 0}]"#.to_owned(),
            _ => u.arbitrary::<bool>()?.to_string(),
        },
    })
}

impl<'a> Arbitrary<'a> for PayloadInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut fields = Vec::new();
        for _ in 0..u.int_in_range(0u8..=8)? {
            let key = *u.choose(&PAYLOAD_KEYS)?;
            fields.push(format!("\"{key}\": {}", payload_value(u, key)?));
        }
        let object = format!("{{{}}}", fields.join(", "));
        let json = match u.int_in_range(0u8..=5)? {
            0 | 1 => format!("{{\"member\": {object}}}"),
            2 => format!("{{\"member\": {{\"member\": {object}}}}}"),
            3 => format!("{{\"members\": [{object}], \"pagination\": {{}}}}"),
            _ => object,
        };
        Ok(Self { json })
    }
}

/// Target `payload`: a structure-aware MX-shaped payload through the recogniser.
///
/// Oracles: everything [`member_json`] checks; [`MemberJson::payload_kind`] and
/// [`MemberJson::snapshot`] agree (an unrecognised payload is never decided, a recognised
/// one is snapshotted as its kind or fails on a field); only member payloads lead to
/// actions on the member, whoever is there.
pub fn payload(input: &PayloadInput) {
    member_json(input.json.as_bytes());
    let Ok(parsed) = MemberJson::parse(&input.json) else {
        return;
    };
    let kind = parsed.payload_kind();
    let snapshot = parsed.snapshot();
    match (&kind, &snapshot) {
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", input.json),
        (Err(e), Ok(_)) => panic!("recognised nothing ({e}) but decided: {}", input.json),
        (Ok(kind), Ok(member)) => assert_eq!(member.payload, *kind, "{}", input.json),
        (Ok(_), Err(_)) => {}
    }
    let Ok(member) = snapshot else {
        return;
    };
    for end_user in [EndUser::Present, EndUser::Absent] {
        let decision = decide_with(&member, reference_now(), &Policy::default(), end_user);
        if member.payload != PayloadKind::Member {
            assert!(
                matches!(
                    decision.action,
                    NextAction::ReadMember | NextAction::ReadData { .. } | NextAction::Stop
                ) && !decision.requires_end_user(),
                "{decision:?} on {}",
                input.json
            );
        }
    }
}

/// [`payload`] on raw fuzzer bytes, decoded with `arbitrary`.
pub fn payload_bytes(data: &[u8]) {
    if let Ok(input) = PayloadInput::arbitrary_take_rest(Unstructured::new(data)) {
        payload(&input);
    }
}
