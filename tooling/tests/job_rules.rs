//! MX's job rules as the emulator and the simulation share them: the streak, the
//! escalation it leads to, and when a background aggregation starts.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mx_aggregation::ConnectionStatus as S;
use mx_aggregation_tooling::job_rules::{BackgroundCheck, NO_SUCCESS_FOR, Streak};
use mx_aggregation_tooling::lifecycle::{LifecycleEvent, Node};
use proptest::prelude::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0).unwrap()
}

/// Where a job failing in `status` goes after `streak`, and the streak after it.
fn fail(streak: &mut Streak, status: S, last_success: Option<DateTime<Utc>>) -> Node {
    let to = streak
        .escalation(status, now(), last_success)
        .map_or(Node::Status(status), |edge| edge.to);
    streak.job_failed(to);
    to
}

#[test]
fn the_third_denial_in_a_row_is_prevented_and_stays_a_denial() {
    let mut streak = Streak::default();
    let seen: Vec<Node> = (0..5).map(|_| fail(&mut streak, S::Denied, None)).collect();
    assert_eq!(
        seen,
        [
            Node::Status(S::Denied),
            Node::Status(S::Denied),
            Node::Status(S::Prevented),
            Node::Status(S::Prevented),
            Node::Status(S::Prevented),
        ]
    );
    assert_eq!(streak.denials_in_a_row, 5);
}

#[test]
fn another_failure_ends_the_denial_streak() {
    let mut streak = Streak::default();
    fail(&mut streak, S::Denied, None);
    fail(&mut streak, S::Expired, None);
    assert_eq!(streak.denials_in_a_row, 0);
    assert_eq!(streak.failures_in_a_row, 2);
    assert_eq!(fail(&mut streak, S::Denied, None), Node::Status(S::Denied));
}

#[test]
fn repeated_failures_degrade_then_disconnect_after_two_weeks_without_success() {
    let recent = Some(now() - TimeDelta::days(1));
    let mut streak = Streak::default();
    let seen: Vec<Node> = (0..3)
        .map(|_| fail(&mut streak, S::Failed, recent))
        .collect();
    assert_eq!(
        seen,
        [
            Node::Status(S::Failed),
            Node::Status(S::Failed),
            Node::Status(S::Degraded)
        ]
    );
    let old = Some(now() - NO_SUCCESS_FOR);
    assert_eq!(
        fail(&mut streak, S::Locked, old),
        Node::Status(S::Disconnected)
    );
    streak.job_succeeded();
    assert_eq!(streak, Streak::default());
    assert_eq!(fail(&mut streak, S::Failed, None), Node::Status(S::Failed));
}

#[test]
fn a_background_aggregation_needs_every_condition() {
    let allowed = BackgroundCheck {
        node: Node::Status(S::Connected),
        job_running: false,
        disabled: false,
        needs_updated_credentials: false,
        can_log_in: true,
        throttled: false,
    };
    assert!(allowed.allows());
    let refused = [
        BackgroundCheck {
            job_running: true,
            ..allowed
        },
        BackgroundCheck {
            disabled: true,
            ..allowed
        },
        BackgroundCheck {
            needs_updated_credentials: true,
            ..allowed
        },
        BackgroundCheck {
            can_log_in: false,
            ..allowed
        },
        BackgroundCheck {
            throttled: true,
            ..allowed
        },
        BackgroundCheck {
            node: Node::Status(S::Prevented),
            ..allowed
        },
    ];
    for check in refused {
        assert!(!check.allows(), "{check:?}");
    }
}

#[test]
fn escalation_edges_are_the_tables_repeated_events() {
    let streak = Streak {
        failures_in_a_row: 2,
        denials_in_a_row: 2,
    };
    let denial = streak.escalation(S::Denied, now(), None).unwrap();
    assert_eq!(denial.event, LifecycleEvent::RepeatedDenials);
    let failure = streak.escalation(S::Failed, now(), None).unwrap();
    assert_eq!(failure.event, LifecycleEvent::RepeatedFailures);
}

proptest! {
    /// Every denial is a failure: the denial streak never outruns the failure streak.
    #[test]
    fn denials_never_outnumber_failures(
        outcomes in proptest::collection::vec(0_u8..5, 0..40),
    ) {
        let mut streak = Streak::default();
        for outcome in outcomes {
            match outcome {
                0 => streak.job_succeeded(),
                1 => { fail(&mut streak, S::Denied, None); }
                2 => { fail(&mut streak, S::Failed, None); }
                3 => { fail(&mut streak, S::Expired, None); }
                _ => { fail(&mut streak, S::Locked, Some(now())); }
            }
            prop_assert!(streak.denials_in_a_row <= streak.failures_in_a_row);
        }
    }
}
