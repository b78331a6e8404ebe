//! Invariants of `decide` over every status (and null) with arbitrary flags, timestamps
//! (none, recent, future, at chrono's limits) and `now`. `PROPTEST_CASES` raises the case
//! count (CI runs more).

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation_tooling::matrix::{reference_now, statuses_and_null};
use std::time::Duration;

use mx_aggregation::{
    ActionKind, ConnectionStatus as S, MemberSnapshot, NextAction, Policy, Reason, decide,
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
        connection_status in status(),
        is_being_aggregated in any::<bool>(),
        aggregated_at in proptest::option::of(instant()),
        successfully_aggregated_at in proptest::option::of(instant()),
        needs_updated_credentials in any::<bool>(),
        background_aggregation_is_disabled in any::<bool>(),
        is_oauth in any::<bool>(),
        has_challenges in any::<bool>(),
    ) -> MemberSnapshot {
        MemberSnapshot {
            connection_status, is_being_aggregated, aggregated_at, successfully_aggregated_at,
            needs_updated_credentials, background_aggregation_is_disabled, is_oauth, has_challenges,
        }
    }
}

/// Any policy: windows from zero to weeks, including values below MX's minimums.
fn policy() -> impl Strategy<Value = Policy> {
    let secs = || (0u64..30 * 24 * 3600).prop_map(Duration::from_secs);
    prop_oneof![
        Just(Policy::default()),
        (
            secs(),
            secs(),
            secs(),
            secs(),
            any::<u32>(),
            secs(),
            secs(),
            secs()
        )
            .prop_map(
                |(
                    cooldown,
                    fresh_for,
                    min_poll,
                    max_poll,
                    poll_backoff_divisor,
                    transient_stall,
                    delayed_recheck,
                    delayed_stall,
                )| Policy {
                    cooldown,
                    fresh_for,
                    min_poll,
                    max_poll,
                    poll_backoff_divisor,
                    transient_stall,
                    delayed_recheck,
                    delayed_stall,
                    ..Policy::MX_DEFAULT
                }
            ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(2048)))]

    /// The shared oracle (`fuzzing::check_invariants`, also the fuzzers'): the firm rules,
    /// reason ↔ action, requires_end_user, no aggregation while a job runs or inside the
    /// cooldown, waits ending with the cooldown after `now`, polls of at least 3 s.
    #[test]
    fn every_decision_obeys_the_invariants(m in member(), now in instant(), policy in policy()) {
        let d = decide(&m, now, &policy);
        if let Err(violation) = check_invariants(&m, now, &policy, &d) {
            return Err(TestCaseError::fail(format!("{violation} for {m:?} at {now} under {policy:?}")));
        }
    }

    /// The firm rules with MX's documented numbers spelled out, independently of the policy.
    #[test]
    fn the_default_policy_is_mx_numbers(m in member(), now in instant()) {
        let d = decide(&m, now, &Policy::default());
        let age = |t: DateTime<Utc>| now.signed_duration_since(t);
        match d.action {
            NextAction::Poll { after_secs } => prop_assert!((3..=300).contains(&after_secs) || d.reason == Reason::AggregationDelayed),
            NextAction::Aggregate => prop_assert!(m.successfully_aggregated_at.is_none_or(|s| age(s) >= TimeDelta::hours(3))),
            NextAction::ReadData { as_of } => prop_assert!(age(as_of) < TimeDelta::hours(24)),
            NextAction::Wait { until } => prop_assert!(until - m.successfully_aggregated_at.unwrap() < TimeDelta::seconds(3 * HOUR + 1)),
            NextAction::AnswerMfa | NextAction::UpdateCredentials | NextAction::ResolveAtInstitution | NextAction::Stop => {}
        }
    }

    #[test]
    fn moving_now_forward_never_moves_a_wait_earlier(m in member(), now in instant(), step in 0i64..10 * 24 * HOUR, policy in policy()) {
        let Some(later) = now.checked_add_signed(TimeDelta::seconds(step)) else { return Ok(()) };
        if let NextAction::Wait { until } = decide(&m, now, &policy).action {
            match decide(&m, later, &policy).action {
                NextAction::Wait { until: until_later } => prop_assert_eq!(until_later, until),
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
