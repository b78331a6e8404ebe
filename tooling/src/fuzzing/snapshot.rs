//! Target `snapshot`: a structure-aware member, time, policy and end user, decided twice.

use arbitrary::{Arbitrary, Unstructured};
use chrono::{DateTime, TimeDelta, Utc};

use mx_aggregation::{
    ConnectionStatus, EndUser, ErrorCode, MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, MemberSnapshot,
    NextAction, PayloadKind, Policy, decide, decide_with,
};

use super::invariants::{assert_invariants, assert_timestamps_writable};
use crate::matrix::reference_now;

/// Target `snapshot`: a structure-aware [`SnapshotInput`] → decide.
///
/// Oracles: [`check_invariants`] at `now`, and at `now + later_by` a wait never ends
/// earlier and no aggregation starts before an earlier wait's end.
///
/// [`check_invariants`]: super::check_invariants
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
