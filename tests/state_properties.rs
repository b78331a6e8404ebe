//! The member state's invariants over generated observation logs: folding is order
//! independent (the observations carry their own times), duplicates are idempotent, the
//! state never falls behind the newest full read, and deciding on the state never allows an
//! aggregation that the newest full read's window forbids.

mod common;
#[path = "common/observations.rs"]
mod observations;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{
    AggregationWindow, EndUser, MemberSnapshot, NextAction, Observation, Policy,
    earliest_aggregation,
};
use observations::{Line, fold, line};
use proptest::prelude::*;

fn newest_member(lines: &[Line]) -> Option<(MemberSnapshot, &Line)> {
    lines
        .iter()
        .filter(|l| l.is_member())
        .map(|l| (*l.observation().snapshot().unwrap(), l))
        .max_by_key(|(s, l)| (s.aggregated_at, s.successfully_aggregated_at, l.received_at))
}

/// The earliest and the latest receipt of the lines with this exact text.
fn copies_span(lines: &[Line], json: &str) -> (DateTime<Utc>, DateTime<Utc>) {
    let times = lines
        .iter()
        .filter(|l| l.json == json)
        .map(|l| l.received_at);
    (times.clone().min().unwrap(), times.max().unwrap())
}

/// `lines` in an order drawn from `seed` (a xorshift Fisher–Yates shuffle).
fn shuffled(lines: &[Line], seed: u64) -> Vec<Line> {
    let mut shuffled = lines.to_vec();
    let mut x = seed | 1;
    for i in (1..shuffled.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        shuffled.swap(i, (x % (i as u64 + 1)) as usize);
    }
    shuffled
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_order_folds_to_the_same_state(
        lines in proptest::collection::vec(line(), 0..12),
        seed in any::<u64>(),
    ) {
        let forward = fold(&lines);
        let mut reversed = lines.clone();
        reversed.reverse();
        prop_assert_eq!(&fold(&reversed), &forward);
        // A seeded shuffle too.
        prop_assert_eq!(&fold(&shuffled(&lines, seed)), &forward);
    }

    #[test]
    fn folding_an_observation_again_changes_nothing(
        lines in proptest::collection::vec(line(), 1..12),
        pick in any::<proptest::sample::Index>(),
    ) {
        let state = fold(&lines);
        let again = &lines[pick.index(lines.len())];
        let mut twice = state.clone();
        let applied = twice.apply(&again.observation(), again.received_at);
        prop_assert_ne!(applied, mx_aggregation::Applied::Changed);
        prop_assert_eq!(twice, state);
    }

    #[test]
    fn a_copy_received_between_the_first_and_the_last_changes_nothing(
        lines in proptest::collection::vec(line(), 0..10),
        webhook in observations::status_webhook_line(),
        later in observations::status_webhook_line(),
        between in 0.0f64..=1.0,
    ) {
        // Two copies of one status's webhook, then a third between them: nothing new.
        let later = Line { json: webhook.json.clone(), ..later };
        let mut log = lines.clone();
        log.push(webhook.clone());
        log.push(later.clone());
        let state = fold(&log);
        let (first, last) = copies_span(&log, &webhook.json);
        let offset = ((last - first).num_seconds() as f64 * between) as i64;
        let copy = Line { received_at: first + TimeDelta::seconds(offset), ..webhook };
        let mut again = state.clone();
        let applied = again.apply(&copy.observation(), copy.received_at);
        prop_assert_ne!(applied, mx_aggregation::Applied::Changed);
        prop_assert_eq!(again, state);
    }

    #[test]
    fn a_retry_within_a_day_of_the_first_copy_changes_no_decision(
        lines in proptest::collection::vec(line(), 0..10),
        webhook in observations::status_webhook_line(),
        later_minutes in 0i64..=(24 * 60),
        now in -600i64..3000,
    ) {
        let mut log = lines.clone();
        log.push(webhook.clone());
        let (first, last) = copies_span(&log, &webhook.json);
        let retry_at = first + TimeDelta::minutes(later_minutes);
        // A retry only while every copy stays within MX's retry window of the first.
        prop_assume!(last.max(retry_at) - first <= TimeDelta::hours(24));
        let state = fold(&log);
        let mut retried = state.clone();
        let _ = retried.apply(&Line { received_at: retry_at, ..webhook }.observation(), retry_at);
        let now = observations::base() + TimeDelta::minutes(now);
        for end_user in [EndUser::Present, EndUser::Absent] {
            prop_assert_eq!(
                retried.decide(now, &Policy::default(), end_user),
                state.decide(now, &Policy::default(), end_user)
            );
        }
    }

    #[test]
    fn copies_of_one_status_fold_alike_in_every_order(
        webhook in observations::status_webhook_line(),
        // Chains: each copy within a day of the one before, the first and last days apart.
        gaps in proptest::collection::vec(0i64..(30 * 60), 1..8),
        member in observations::member_line(),
        seed in any::<u64>(),
    ) {
        let mut log = vec![member];
        let mut at = webhook.received_at;
        for gap in gaps {
            log.push(Line { received_at: at, ..webhook.clone() });
            at += TimeDelta::minutes(gap);
        }
        let forward = fold(&log);
        prop_assert_eq!(&fold(&shuffled(&log, seed)), &forward);
        let mut reversed = log.clone();
        reversed.reverse();
        prop_assert_eq!(&fold(&reversed), &forward);
    }

    #[test]
    fn the_state_never_falls_behind_the_newest_full_read(
        lines in proptest::collection::vec(line(), 1..12),
    ) {
        let state = fold(&lines);
        let Some((newest, newest_line)) = newest_member(&lines) else {
            return Ok(());
        };
        let known = state.snapshot().expect("a member payload was folded");
        prop_assert!(known.aggregated_at >= newest.aggregated_at);
        prop_assert!(known.successfully_aggregated_at >= newest.successfully_aggregated_at);
        // Unless another payload has the very same timestamps and receipt, the status is
        // the newest read's.
        let ties = lines.iter().filter(|l| l.is_member()).filter(|l| {
            let s = *l.observation().snapshot().unwrap();
            (s.aggregated_at, s.successfully_aggregated_at, l.received_at)
                == (newest.aggregated_at, newest.successfully_aggregated_at, newest_line.received_at)
        }).count();
        if ties == 1 {
            prop_assert_eq!(known.connection_status, newest.connection_status);
            prop_assert_eq!(known.is_being_aggregated, newest.is_being_aggregated);
        }
    }

    /// `needs_updated_credentials` is the newest value carried by a payload of the newest
    /// job (status reads and member webhooks do not carry it), `false` when none did.
    #[test]
    fn the_credentials_flag_is_the_newest_carried_of_the_newest_job(
        lines in proptest::collection::vec(line(), 1..12),
    ) {
        let state = fold(&lines);
        let Some((newest, _)) = newest_member(&lines) else {
            return Ok(());
        };
        let job = (newest.aggregated_at, newest.successfully_aggregated_at);
        let expected = lines
            .iter()
            .filter(|l| l.is_member() && l.json.contains("needs_updated_credentials"))
            .map(|l| (*l.observation().snapshot().unwrap(), l.received_at))
            .filter(|(s, _)| (s.aggregated_at, s.successfully_aggregated_at) == job)
            .map(|(s, received)| (received, s.needs_updated_credentials))
            .max()
            .is_some_and(|(_, value)| value);
        let known = state.snapshot().expect("a member payload was folded");
        prop_assert_eq!(known.needs_updated_credentials, expected);
    }

    #[test]
    fn deciding_on_the_state_never_aggregates_inside_the_newest_reads_window(
        lines in proptest::collection::vec(line(), 1..12),
        now_minutes in -600i64..2000,
        absent in any::<bool>(),
    ) {
        let state = fold(&lines);
        let now = common::now() + chrono::TimeDelta::minutes(now_minutes);
        let end_user = if absent { EndUser::Absent } else { EndUser::Present };
        let policy = Policy::default();
        let decision = state.decide(now, &policy, end_user);
        prop_assert_eq!(decision.reason.action(), decision.action.kind());
        if decision.action != NextAction::Aggregate {
            return Ok(());
        }
        for line in lines.iter().filter(|l| l.is_member()) {
            let read = *line.observation().snapshot().unwrap();
            match earliest_aggregation(&read, &policy) {
                AggregationWindow::OpensAt(opens) => prop_assert!(opens <= now, "{} inside the window of {}", now, line.json),
                AggregationWindow::Open => {}
                AggregationWindow::NeverRepresentable => prop_assert!(false, "aggregate past 9999"),
            }
        }
    }
}

#[test]
fn observation_is_copy_and_borrowed() {
    fn copy<T: Copy>(_: T) {}
    copy(Observation::from_json(r#"{"connection_status": "CONNECTED"}"#).unwrap());
}
