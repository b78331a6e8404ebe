//! Invariants of `decide` over every status (and null) with arbitrary flags, timestamps
//! (none, recent, future, at chrono's limits) and `now`. `PROPTEST_CASES` raises the case
//! count (CI runs more).

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation_tooling::matrix::{reference_now, statuses_and_null};
use std::time::Duration;

use mx_aggregation::{
    ActionKind, ConnectionStatus as S, EndUser, ErrorCode, MemberSnapshot, NextAction, PayloadKind,
    Policy, Reason, decide, decide_with,
};
use mx_aggregation_tooling::fuzzing::check_invariants;
use proptest::prelude::*;

const HOUR: i64 = 3600;

fn status() -> impl Strategy<Value = Option<S>> {
    proptest::sample::select(statuses_and_null().collect::<Vec<_>>())
}

/// An instant: usually within ten days of the reference `now`, sometimes anywhere chrono
/// can represent, sometimes exactly at its limits.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let base = reference_now();
    let min = DateTime::<Utc>::MIN_UTC.timestamp();
    let max = DateTime::<Utc>::MAX_UTC.timestamp();
    prop_oneof![
        6 => (-10 * 24 * HOUR..10 * 24 * HOUR, 0..1_000_000_000u32)
            .prop_map(move |(s, n)| base + TimeDelta::seconds(s) + TimeDelta::nanoseconds(i64::from(n))),
        2 => (-5 * HOUR..5 * HOUR).prop_map(move |s| base + TimeDelta::seconds(s)),
        1 => (min..=max, 0..1_000_000_000u32)
            .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap_or(DateTime::<Utc>::MAX_UTC)),
        1 => prop_oneof![Just(DateTime::<Utc>::MIN_UTC), Just(DateTime::<Utc>::MAX_UTC)],
    ]
}

prop_compose! {
    fn member()(
        payload in prop_oneof![
            6 => Just(PayloadKind::Member),
            1 => proptest::sample::select(PayloadKind::ALL.to_vec()),
        ],
        connection_status in status(),
        is_being_aggregated in any::<bool>(),
        aggregated_at in proptest::option::of(instant()),
        successfully_aggregated_at in proptest::option::of(instant()),
        completed_at in proptest::option::of(instant()),
        needs_updated_credentials in any::<bool>(),
        background_aggregation_is_disabled in any::<Option<bool>>(),
        is_oauth in any::<Option<bool>>(),
        is_manual in proptest::bool::weighted(0.05),
        has_challenges in any::<bool>(),
        error_code in proptest::option::weighted(0.3, prop_oneof![
            proptest::sample::select(ErrorCode::ALL.to_vec()).prop_map(|c| c.code()),
            any::<u32>(),
        ]),
    ) -> MemberSnapshot {
        MemberSnapshot {
            payload, connection_status, is_being_aggregated, aggregated_at,
            successfully_aggregated_at, completed_at, needs_updated_credentials,
            background_aggregation_is_disabled, is_oauth, is_manual, has_challenges, error_code,
        }
    }
}

fn end_user() -> impl Strategy<Value = EndUser> {
    prop_oneof![Just(EndUser::Present), Just(EndUser::Absent)]
}

/// Any policy: windows from zero to weeks, including values below MX's minimums.
fn policy() -> impl Strategy<Value = Policy> {
    let secs = || (0u64..30 * 24 * 3600).prop_map(Duration::from_secs);
    prop_oneof![
        Just(Policy::default()),
        (
            (secs(), secs(), secs(), secs(), any::<u32>(), secs()),
            (secs(), secs(), any::<bool>(), secs(), any::<Option<bool>>()),
        )
            .prop_map(
                |(
                    (
                        cooldown,
                        fresh_for,
                        min_poll,
                        max_poll,
                        poll_backoff_divisor,
                        transient_stall,
                    ),
                    (
                        delayed_recheck,
                        delayed_stall,
                        cooldown_from_any_job,
                        background_interval,
                        assume_background_aggregation,
                    ),
                )| Policy {
                    cooldown,
                    fresh_for,
                    min_poll,
                    max_poll,
                    poll_backoff_divisor,
                    transient_stall,
                    delayed_recheck,
                    delayed_stall,
                    cooldown_from_any_job,
                    background_interval,
                    assume_background_aggregation,
                }
            ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(2048)))]

    /// The shared oracle (`fuzzing::check_invariants`, also the fuzzers'): the firm rules,
    /// payload kinds, OAuth, error codes, reason ↔ action, requires_end_user, no aggregation
    /// while a job runs, inside the cooldown or while MX refreshes an absent user's member,
    /// waits ending after `now` on writable seconds, polls of at least 3 s.
    #[test]
    fn every_decision_obeys_the_invariants(m in member(), now in instant(), policy in policy(), who in end_user()) {
        let d = decide_with(&m, now, &policy, who);
        if let Err(violation) = check_invariants(&m, now, &policy, who, &d) {
            return Err(TestCaseError::fail(format!("{violation} for {m:?} at {now} under {policy:?}, end user {who}")));
        }
    }

    /// The firm rules with MX's documented numbers spelled out, independently of the policy.
    #[test]
    fn the_default_policy_is_mx_numbers(m in member(), now in instant(), who in end_user()) {
        let d = decide_with(&m, now, &Policy::default(), who);
        let age = |t: DateTime<Utc>| now.signed_duration_since(t);
        // The latest job or success: the three-hour window counts from it (REW).
        let latest = m.aggregated_at.into_iter().chain(m.successfully_aggregated_at).max();
        match d.action {
            NextAction::Poll { after_secs } => prop_assert!((3..=300).contains(&after_secs) || d.reason == Reason::AggregationDelayed),
            NextAction::Aggregate => prop_assert!(latest.is_none_or(|s| age(s) >= TimeDelta::hours(3))),
            NextAction::ReadData { as_of } if d.reason == Reason::FreshData => prop_assert!(age(as_of) < TimeDelta::hours(24)),
            NextAction::ReadData { as_of } => prop_assert_eq!(Some(as_of), m.completed_at),
            NextAction::Wait { until } if d.reason == Reason::BackgroundAggregation => {
                prop_assert!(until > now);
                // MX's 24-hour cycle, counted from the latest job, at most three cycles on,
                // rounded up to a whole second (less than one more).
                let since = until - latest.unwrap();
                prop_assert!(since <= TimeDelta::hours(72) + TimeDelta::seconds(1) && since.num_seconds() % (24 * HOUR) <= 1, "{since}");
            }
            NextAction::Wait { until } => prop_assert!(until - latest.unwrap() < TimeDelta::seconds(3 * HOUR + 1)),
            NextAction::AnswerMfa | NextAction::UpdateCredentials | NextAction::ResolveAtInstitution
            | NextAction::AuthorizeOauth | NextAction::ReadMember | NextAction::Stop => {}
        }
    }

    #[test]
    fn moving_now_forward_never_moves_a_wait_earlier(m in member(), now in instant(), step in 0i64..10 * 24 * HOUR, policy in policy(), who in end_user()) {
        let Some(later) = now.checked_add_signed(TimeDelta::seconds(step)) else { return Ok(()) };
        if let NextAction::Wait { until } = decide_with(&m, now, &policy, who).action {
            match decide_with(&m, later, &policy, who).action {
                // Before its end, a wait is never changed; after it, a new one may follow
                // (a background aggregation expected in the next cycle).
                NextAction::Wait { until: until_later } if later < until => prop_assert_eq!(until_later, until),
                NextAction::Wait { until: until_later } => prop_assert!(until_later >= until),
                // Once the wait is over, the member may be aggregated: never before.
                NextAction::Aggregate => prop_assert!(later >= until),
                other => prop_assert!(later >= until, "{:?} at {} before {}", other, later, until),
            }
        }
    }

    #[test]
    fn a_longer_cooldown_only_turns_aggregations_into_waits(m in member(), now in instant(), hours in 0u64..48) {
        let short = Policy::default();
        let long = Policy { cooldown: std::time::Duration::from_secs(hours * 3600).max(short.cooldown), ..short };
        let (a, b) = (decide(&m, now, &short), decide(&m, now, &long));
        match (a.action.kind(), b.action.kind()) {
            // A wait stays a wait (or the longer window cannot be written: stop).
            (ActionKind::Wait, other) => prop_assert!(matches!(other, ActionKind::Wait | ActionKind::Stop), "{:?}", b),
            // An aggregation may become a wait, nothing else.
            (ActionKind::Aggregate, other) => prop_assert!(matches!(other, ActionKind::Aggregate | ActionKind::Wait | ActionKind::Stop), "{:?}", b),
            // Rules that do not look at the cooldown do not change.
            (kind, other) => prop_assert_eq!(kind, other),
        }
        if let (NextAction::Wait { until: early }, NextAction::Wait { until: late }) = (a.action, b.action) {
            prop_assert!(late >= early);
        }
    }
}
