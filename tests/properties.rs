//! Invariants of `decide` over every status (and null) with arbitrary flags, timestamps
//! (none, recent, future, at chrono's limits) and `now`. `PROPTEST_CASES` raises the case
//! count (CI runs more).

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::matrix::{reference_now, statuses_and_null};
use mx_aggregation::{
    ActionKind, ConnectionStatus as S, Decision, MemberSnapshot, NextAction, Policy, Reason,
    StatusGroup, decide,
};
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

/// The instant `success + cooldown`, if chrono can represent it.
fn cooldown_end(success: DateTime<Utc>, policy: &Policy) -> Option<DateTime<Utc>> {
    success.checked_add_signed(TimeDelta::from_std(policy.cooldown).ok()?)
}

fn within(then: DateTime<Utc>, now: DateTime<Utc>, hours: i64) -> bool {
    now.signed_duration_since(then) < TimeDelta::hours(hours)
}

/// The firm rules of the core issue, checked against any decision.
fn check_firm_rules(
    m: &MemberSnapshot,
    now: DateTime<Utc>,
    d: &Decision,
) -> Result<(), TestCaseError> {
    let group = m.connection_status.map(S::group);
    let kind = d.action.kind();
    match group {
        Some(StatusGroup::Terminal) => prop_assert_eq!(kind, ActionKind::Stop, "rule 1"),
        Some(StatusGroup::Challenged) => prop_assert_eq!(kind, ActionKind::AnswerMfa, "rule 2"),
        _ if m.is_being_aggregated => prop_assert_eq!(kind, ActionKind::Poll, "rule 3"),
        None => prop_assert_eq!(kind, ActionKind::Stop, "rule 4"),
        Some(StatusGroup::NeedsCredentials) => {
            prop_assert_eq!(kind, ActionKind::UpdateCredentials, "rule 5")
        }
        Some(_) if m.needs_updated_credentials => {
            prop_assert_eq!(kind, ActionKind::UpdateCredentials, "rule 5")
        }
        Some(StatusGroup::NeedsInstitution) => {
            prop_assert_eq!(kind, ActionKind::ResolveAtInstitution, "rule 6")
        }
        Some(StatusGroup::Connected) => match m.successfully_aggregated_at {
            Some(s) if within(s, now, 24) => prop_assert_eq!(kind, ActionKind::ReadData, "rule 7"),
            _ => prop_assert!(
                matches!(
                    kind,
                    ActionKind::Aggregate | ActionKind::Wait | ActionKind::Stop
                ),
                "rule 9: {:?}",
                d
            ),
        },
        Some(StatusGroup::Failed | StatusGroup::MfaFailed | StatusGroup::Reconnected) => {
            match m.successfully_aggregated_at {
                Some(s) if within(s, now, 3) => prop_assert!(
                    matches!(kind, ActionKind::Wait | ActionKind::Stop),
                    "rule 8 inside: {:?}",
                    d
                ),
                _ => prop_assert_eq!(kind, ActionKind::Aggregate, "rule 8 outside"),
            }
        }
        Some(StatusGroup::Transient | StatusGroup::Delayed) => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(2048)))]

    #[test]
    fn every_decision_obeys_the_invariants(m in member(), now in instant()) {
        let policy = Policy::default();
        let d = decide(&m, now, &policy);

        // The reason names the rule, and the rule leads to exactly this action.
        prop_assert_eq!(d.reason.action(), d.action.kind());
        // requires_end_user is true exactly for the four end-user actions.
        let expected = matches!(d.action, NextAction::AnswerMfa | NextAction::UpdateCredentials | NextAction::ResolveAtInstitution | NextAction::Aggregate);
        prop_assert_eq!(d.requires_end_user(), expected);

        check_firm_rules(&m, now, &d)?;

        match d.action {
            NextAction::Poll { after_secs } => prop_assert!(after_secs >= 3),
            NextAction::Wait { until } => {
                prop_assert!(until > now, "until {} not after now {}", until, now);
                prop_assert_eq!(until.timestamp_subsec_nanos(), 0);
                let success = m.successfully_aggregated_at.expect("a wait needs a success");
                let end = cooldown_end(success, &policy).expect("a wait has a representable end");
                prop_assert!(until >= end && until - end < TimeDelta::seconds(1));
            }
            NextAction::Aggregate => {
                // Never inside the cooldown; a success in the future counts as inside.
                if let Some(success) = m.successfully_aggregated_at {
                    prop_assert!(now.signed_duration_since(success) >= TimeDelta::hours(3));
                }
                prop_assert!(!m.is_being_aggregated);
            }
            NextAction::ReadData { as_of } => prop_assert_eq!(Some(as_of), m.successfully_aggregated_at),
            NextAction::Stop if d.reason == Reason::TimeOutOfRange => {
                let success = m.successfully_aggregated_at.expect("overflow needs a success");
                prop_assert!(cooldown_end(success, &policy).and_then(|e| DateTime::from_timestamp(e.timestamp() + 1, 0)).is_none());
            }
            NextAction::AnswerMfa | NextAction::UpdateCredentials | NextAction::ResolveAtInstitution | NextAction::Stop => {}
        }
    }

    #[test]
    fn moving_now_forward_never_moves_a_wait_earlier(m in member(), now in instant(), step in 0i64..10 * 24 * HOUR) {
        let policy = Policy::default();
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
    fn the_decision_depends_on_the_policy_only_through_its_fields(m in member(), now in instant(), hours in 0u64..48) {
        // A longer cooldown can only turn an aggregate into a wait, never the reverse.
        let short = Policy::default();
        let long = Policy { cooldown: std::time::Duration::from_secs(hours * 3600).max(short.cooldown), ..short };
        let (a, b) = (decide(&m, now, &short), decide(&m, now, &long));
        if a.action.kind() == ActionKind::Wait {
            prop_assert!(matches!(b.action.kind(), ActionKind::Wait | ActionKind::Stop));
        }
    }
}
