//! Fuzz bodies and the engine's invariants, for `fuzz/` and the tests (feature `fuzzing`).
//!
//! The crate reads untrusted JSON from webhooks and exports, so every entry point is fuzzed.
//! The cargo-fuzz targets in `fuzz/fuzz_targets/` are one-line shims around the functions
//! here, which ordinary stable builds compile: `cargo test` replays the committed corpus
//! (`fuzz/corpus/<target>/`) through them, and the property tests share
//! [`check_invariants`] as their oracle. Each body panics when an invariant breaks; that is
//! what a fuzzer reports.

use std::io::BufRead as _;

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, TimeDelta, Utc};

use mx_aggregation::batch::{LineOutcome, triage_line};
use mx_aggregation::decide;
use mx_aggregation::{ActionKind, Decision, NextAction};

use crate::matrix::reference_now;
use crate::time::{ceil_to_second, delta};
use mx_aggregation::MemberJson;
use mx_aggregation::MemberSnapshot;
use mx_aggregation::Policy;
use mx_aggregation::Reason;
use mx_aggregation::{ConnectionStatus, StatusGroup};
use mx_aggregation::{MAX_UNIX_SECONDS, MIN_UNIX_SECONDS};

/// Target `member_json`: arbitrary bytes → parse → snapshot → decide.
///
/// Oracles: parsing never panics; serde's `Deserialize` for [`MemberSnapshot`] agrees with
/// [`MemberSnapshot::from_json`]; an accepted member survives a JSON round trip; its
/// decision obeys [`check_invariants`] and survives a JSON round trip too.
pub fn member_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
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
        let decision = decide(&member, now, &Policy::default());
        assert_invariants(&member, now, &Policy::default(), &decision);
        let json = serde_json::to_string(&decision).expect("a decision always serializes");
        let back: Decision =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("cannot re-read {json}: {e}"));
        assert_eq!(back, decision, "decision round trip through {json}");
    }
}

/// Target `batch_lines`: arbitrary bytes as JSON Lines, through exactly what
/// `mx-aggregation batch` runs: split with `read_until(b'\n')`, then
/// [`triage_line`] on each line with its number.
///
/// Oracles: a blank line writes nothing; any other line writes exactly one line of JSON
/// ending in `\n`: either a decision that reads back as the [`Decision`] returned and
/// obeys [`check_invariants`] for the member on that line, or `{"line": N, "error": …}`
/// with this line's number.
pub fn batch_lines(data: &[u8]) {
    let (now, policy) = (reference_now(), Policy::default());
    let mut reader = data;
    let (mut line, mut out) = (Vec::new(), Vec::new());
    let mut line_no = 0u64;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => line_no += 1,
            Err(e) => panic!("reading a byte slice failed: {e}"),
        }
        out.clear();
        let outcome = triage_line(&line, line_no, now, &policy, &mut out);
        if let LineOutcome::Blank = outcome {
            assert!(out.is_empty(), "a blank line wrote {out:?}");
            assert!(
                line.trim_ascii().is_empty(),
                "line {line_no} called blank: {line:?}"
            );
            continue;
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
                let member = MemberJson::parse_bytes(&line)
                    .and_then(|m| m.snapshot())
                    .unwrap_or_else(|e| panic!("decided a line that does not parse: {e}"));
                assert_invariants(&member, now, &policy, &decision);
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
    } = *input;
    let decision = decide(&member, now, &policy);
    assert_invariants(&member, now, &policy, &decision);
    assert_eq!(
        decide(&member, now, &policy),
        decision,
        "decide is deterministic"
    );

    let Some(later) = now.checked_add_signed(later_by) else {
        return;
    };
    let next = decide(&member, later, &policy);
    assert_invariants(&member, later, &policy, &next);
    if let NextAction::Wait { until } = decision.action {
        match next.action {
            NextAction::Wait { until: later_until } => {
                assert_eq!(later_until, until, "a wait's end moved as now advanced");
            }
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

/// One input of the `snapshot` target: a member, a time, a policy and a later time.
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
}

impl<'a> Arbitrary<'a> for SnapshotInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let now = instant(u, reference_now())?;
        let status = match u.int_in_range(0..=ConnectionStatus::COUNT)? {
            0 => None,
            n => ConnectionStatus::from_id(u8::try_from(n - 1).unwrap_or(0)),
        };
        let member = MemberSnapshot {
            connection_status: status,
            is_being_aggregated: u.arbitrary()?,
            aggregated_at: optional_instant(u, now)?,
            successfully_aggregated_at: optional_instant(u, now)?,
            needs_updated_credentials: u.arbitrary()?,
            background_aggregation_is_disabled: u.arbitrary()?,
            is_oauth: u.arbitrary()?,
            has_challenges: u.arbitrary()?,
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
                // The retry bounds do not reach `decide`.
                ..Policy::MX_DEFAULT
            }
        };
        let later_by = TimeDelta::seconds(i64::from(u.arbitrary::<u32>()?));
        Ok(Self {
            member,
            now,
            policy,
            later_by,
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

/// Checks one decision against everything the engine promises, under any policy:
///
/// - the reason leads to the action, and `requires_end_user` is true exactly for
///   answer_mfa, update_credentials, resolve_at_institution and aggregate;
/// - the firm rules (named by the reason code that carries each), with the policy's
///   windows in place of 3 h / 24 h;
/// - no aggregation while a job runs or within the cooldown after a success (a success in
///   the future counts as within);
/// - a wait ends on the first whole second at or after `success + cooldown`, after `now`;
/// - a poll comes after at least 3 s;
/// - `time_out_of_range` only when the cooldown's end cannot be written as RFC 3339.
pub fn check_invariants(
    member: &MemberSnapshot,
    now: DateTime<Utc>,
    policy: &Policy,
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
    let end_user = matches!(
        kind,
        ActionKind::AnswerMfa
            | ActionKind::UpdateCredentials
            | ActionKind::ResolveAtInstitution
            | ActionKind::Aggregate
    );
    if decision.requires_end_user() != end_user {
        return fail("requires_end_user does not match the action");
    }

    let age = |t: DateTime<Utc>| now.signed_duration_since(t);
    let cooldown = delta(policy.cooldown);
    // The cooldown ends on the first whole second at or after `success + cooldown`, the
    // instant a wait announces; an end past chrono's range is never reached.
    let cooldown_end = member
        .successfully_aggregated_at
        .and_then(|s| s.checked_add_signed(cooldown))
        .and_then(ceil_to_second)
        .filter(|end| end.timestamp() <= MAX_UNIX_SECONDS);
    let in_cooldown = member
        .successfully_aggregated_at
        .is_some_and(|_| cooldown_end.is_none_or(|end| now < end));
    // When the member would be aggregated: aggregate, or wait out the cooldown.
    let aggregate_or_wait = if in_cooldown {
        match cooldown_end {
            Some(_) => ActionKind::Wait,
            None => ActionKind::Stop,
        }
    } else {
        ActionKind::Aggregate
    };

    let firm = match member.connection_status.map(ConnectionStatus::group) {
        Some(StatusGroup::Terminal) => {
            Some(("terminal_status: terminal statuses stop", ActionKind::Stop))
        }
        Some(StatusGroup::Challenged) => Some((
            "mfa_challenge: CHALLENGED answers MFA",
            ActionKind::AnswerMfa,
        )),
        _ if member.is_being_aggregated => Some((
            "aggregation_in_progress: a running job is polled",
            ActionKind::Poll,
        )),
        None => Some(("no_credentials: a null status stops", ActionKind::Stop)),
        Some(_) if member.needs_updated_credentials => Some((
            "needs_updated_credentials: the flag asks for credentials",
            ActionKind::UpdateCredentials,
        )),
        Some(StatusGroup::NeedsCredentials) => Some((
            "credentials_required: credential statuses",
            ActionKind::UpdateCredentials,
        )),
        Some(StatusGroup::NeedsInstitution) => Some((
            "institution_action_required: LOCKED, IMPEDED",
            ActionKind::ResolveAtInstitution,
        )),
        Some(StatusGroup::Connected) => match member.successfully_aggregated_at {
            Some(s) if age(s) < delta(policy.fresh_for) => Some((
                "fresh_data: fresh CONNECTED reads data",
                ActionKind::ReadData,
            )),
            Some(_) | None => Some(("stale_data: stale CONNECTED aggregates", aggregate_or_wait)),
        },
        Some(StatusGroup::Failed | StatusGroup::MfaFailed | StatusGroup::Reconnected) => Some((
            "aggregation_failed and the like: retry statuses aggregate outside the cooldown",
            aggregate_or_wait,
        )),
        Some(StatusGroup::Transient | StatusGroup::Delayed) => None,
    };
    if let Some((rule, expected)) = firm
        && kind != expected
    {
        return fail(rule);
    }

    match decision.action {
        NextAction::Aggregate if member.is_being_aggregated => fail("aggregate while a job runs"),
        NextAction::Aggregate if in_cooldown => fail("aggregate within the cooldown"),
        NextAction::Wait { until } if until <= now => fail("a wait that ends before now"),
        NextAction::Wait { until } if Some(until) != cooldown_end => {
            fail("a wait that does not end with the cooldown")
        }
        NextAction::Poll { after_secs } if after_secs < 3 => fail("a poll sooner than 3 s"),
        NextAction::ReadData { as_of } if Some(as_of) != member.successfully_aggregated_at => {
            fail("read_data as of another time than the last success")
        }
        NextAction::Stop if decision.reason == Reason::TimeOutOfRange && cooldown_end.is_some() => {
            fail("time_out_of_range with a representable cooldown end")
        }
        NextAction::Poll { .. }
        | NextAction::AnswerMfa
        | NextAction::UpdateCredentials
        | NextAction::ResolveAtInstitution
        | NextAction::Aggregate
        | NextAction::Wait { .. }
        | NextAction::ReadData { .. }
        | NextAction::Stop => Ok(()),
    }
}

fn assert_invariants(member: &MemberSnapshot, now: DateTime<Utc>, policy: &Policy, d: &Decision) {
    if let Err(violation) = check_invariants(member, now, policy, d) {
        panic!("{violation}\n  member: {member:?}\n  now: {now}\n  policy: {policy:?}");
    }
}
