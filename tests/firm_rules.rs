//! The firm rules, one test each (named after the reason code that carries it), over every
//! status they name.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{hours_ago, member, minutes_ago, now};
use mx_aggregation::{ConnectionStatus as S, MemberSnapshot, NextAction, Policy, Reason, decide};

fn decide_now(m: &MemberSnapshot) -> mx_aggregation::Decision {
    decide(m, now(), &Policy::default())
}

/// Every combination of flags and timestamps the rules below must not care about.
fn variations(status: Option<S>) -> Vec<MemberSnapshot> {
    let times = [
        None,
        Some(minutes_ago(1)),
        Some(hours_ago(1)),
        Some(hours_ago(48)),
        Some(now() + TimeDelta::hours(1)),
    ];
    let mut out = Vec::new();
    for aggregated_at in times {
        for successfully_aggregated_at in times {
            for bits in 0..16u8 {
                out.push(MemberSnapshot {
                    connection_status: status,
                    is_being_aggregated: bits & 1 != 0,
                    needs_updated_credentials: bits & 2 != 0,
                    background_aggregation_is_disabled: Some(bits & 4 != 0),
                    is_oauth: Some(bits & 8 != 0),
                    has_challenges: bits & 3 == 3,
                    aggregated_at,
                    successfully_aggregated_at,
                    ..MemberSnapshot::default()
                });
            }
        }
    }
    out
}

#[test]
fn rule_1_closed_disabled_discontinued_stop_whatever_else_the_member_says() {
    for status in [S::Closed, S::Disabled, S::Discontinued] {
        for m in variations(Some(status)) {
            let d = decide_now(&m);
            assert_eq!(
                (d.action, d.reason),
                (NextAction::Stop, Reason::TerminalStatus),
                "{m:?}"
            );
        }
    }
}

#[test]
fn rule_2_challenged_asks_for_the_mfa_answer_even_while_aggregating() {
    for m in variations(Some(S::Challenged)) {
        let d = decide_now(&m);
        assert_eq!(
            (d.action, d.reason),
            (NextAction::AnswerMfa, Reason::MfaChallenge),
            "{m:?}"
        );
        assert!(d.requires_end_user());
    }
}

#[test]
fn rule_3_any_other_status_while_being_aggregated_polls() {
    let others = S::ALL
        .into_iter()
        .filter(|s| ![S::Closed, S::Disabled, S::Discontinued, S::Challenged].contains(s));
    for status in others.map(Some).chain([None]) {
        for m in variations(status)
            .into_iter()
            .filter(|m| m.is_being_aggregated)
        {
            let d = decide_now(&m);
            assert_eq!(d.reason, Reason::AggregationInProgress, "{m:?}");
            assert!(
                matches!(d.action, NextAction::Poll { after_secs } if after_secs >= 3),
                "{d:?}"
            );
        }
    }
}

#[test]
fn rule_4_a_null_status_not_being_aggregated_stops() {
    for m in variations(None)
        .into_iter()
        .filter(|m| !m.is_being_aggregated)
    {
        let d = decide_now(&m);
        assert_eq!(
            (d.action, d.reason),
            (NextAction::Stop, Reason::NoCredentials),
            "{m:?}"
        );
    }
}

#[test]
fn rule_5_credential_statuses_and_the_flag_ask_for_new_credentials() {
    for status in [S::Prevented, S::Denied, S::Impaired, S::Imported] {
        for m in variations(Some(status))
            .into_iter()
            .filter(|m| !m.is_being_aggregated)
        {
            let d = decide_now(&m);
            let expected = if m.is_oauth == Some(true) {
                NextAction::AuthorizeOauth
            } else {
                NextAction::UpdateCredentials
            };
            assert_eq!(d.action, expected, "{m:?}");
        }
    }
    for status in S::ALL
        .into_iter()
        .filter(|s| !s.is_terminal() && *s != S::Challenged)
    {
        let m = MemberSnapshot {
            needs_updated_credentials: true,
            is_oauth: Some(false),
            ..member(status)
        };
        let d = decide_now(&m);
        assert_eq!(
            (d.action, d.reason),
            (
                NextAction::UpdateCredentials,
                Reason::NeedsUpdatedCredentials
            ),
            "{status}"
        );
    }
}

#[test]
fn rule_6_locked_and_impeded_send_the_user_to_the_institution() {
    for status in [S::Locked, S::Impeded] {
        for m in variations(Some(status))
            .into_iter()
            .filter(|m| !m.is_being_aggregated && !m.needs_updated_credentials)
        {
            let d = decide_now(&m);
            assert_eq!(
                (d.action, d.reason),
                (
                    NextAction::ResolveAtInstitution,
                    Reason::InstitutionActionRequired
                ),
                "{m:?}"
            );
        }
    }
}

#[test]
fn rule_7_connected_with_a_success_in_the_last_24h_reads_data() {
    for success in [
        minutes_ago(1),
        hours_ago(1),
        hours_ago(23),
        now() - TimeDelta::seconds(86_399),
    ] {
        let m = MemberSnapshot {
            successfully_aggregated_at: Some(success),
            ..member(S::Connected)
        };
        let d = decide_now(&m);
        assert_eq!(
            (d.action, d.reason),
            (NextAction::ReadData { as_of: success }, Reason::FreshData)
        );
    }
}

fn retry_statuses() -> [S; 5] {
    [
        S::Failed,
        S::Disconnected,
        S::Expired,
        S::Degraded,
        S::Reconnected,
    ]
}

#[test]
fn rule_8_no_aggregation_within_3h_of_a_success() {
    for status in retry_statuses() {
        for (success, until) in [
            (hours_ago(1), now() + TimeDelta::hours(2)),
            (
                now() - TimeDelta::seconds(3 * 3600 - 1),
                now() + TimeDelta::seconds(1),
            ),
            // A success in the future (clock skew) counts as inside the window.
            (now() + TimeDelta::hours(1), now() + TimeDelta::hours(4)),
        ] {
            let m = MemberSnapshot {
                successfully_aggregated_at: Some(success),
                aggregated_at: Some(success),
                ..member(status)
            };
            let d = decide_now(&m);
            assert_eq!(
                (d.action, d.reason),
                (NextAction::Wait { until }, Reason::Cooldown),
                "{status} {success}"
            );
        }
    }
}

#[test]
fn rule_8_outside_the_window_or_with_no_success_ever_aggregates() {
    for status in retry_statuses() {
        for success in [
            None,
            Some(hours_ago(3)),
            Some(hours_ago(4)),
            Some(hours_ago(24 * 30)),
        ] {
            let m = MemberSnapshot {
                successfully_aggregated_at: success,
                ..member(status)
            };
            let d = decide_now(&m);
            assert_eq!(d.action, NextAction::Aggregate, "{status} {success:?}");
            assert!(d.requires_end_user());
        }
    }
}

#[test]
fn rule_8_wait_ends_on_a_whole_second_after_fractional_successes() {
    let success: DateTime<Utc> = "2018-07-18T20:16:39.250Z".parse().unwrap();
    let m = MemberSnapshot {
        successfully_aggregated_at: Some(success),
        ..member(S::Failed)
    };
    let d = decide(&m, success + TimeDelta::minutes(5), &Policy::default());
    let until: DateTime<Utc> = "2018-07-18T23:16:40Z".parse().unwrap();
    assert_eq!(d.action, NextAction::Wait { until });
}

#[test]
fn rule_9_connected_without_a_recent_success_aggregates() {
    for success in [
        None,
        Some(hours_ago(24)),
        Some(hours_ago(25)),
        Some(hours_ago(24 * 400)),
    ] {
        let m = MemberSnapshot {
            successfully_aggregated_at: success,
            ..member(S::Connected)
        };
        let d = decide_now(&m);
        assert_eq!(
            (d.action, d.reason),
            (NextAction::Aggregate, Reason::StaleData),
            "{success:?}"
        );
    }
}

#[test]
fn rule_9_is_subject_to_the_cooldown() {
    // Only reachable when fresh_for is shorter than the cooldown.
    let policy = Policy {
        fresh_for: std::time::Duration::from_secs(3600),
        ..Policy::default()
    };
    let m = MemberSnapshot {
        successfully_aggregated_at: Some(hours_ago(2)),
        ..member(S::Connected)
    };
    let d = decide(&m, now(), &policy);
    assert_eq!(
        (d.action, d.reason),
        (
            NextAction::Wait {
                until: now() + TimeDelta::hours(1)
            },
            Reason::Cooldown
        )
    );
}

/// Found by the `snapshot` fuzz target: with a fractional success time, the engine
/// announced a wait until the next whole second, then allowed an aggregation inside that
/// last fraction of a second. The cooldown now ends on the announced second.
#[test]
fn rule_8_no_aggregation_before_the_announced_end_of_a_wait() {
    let success: DateTime<Utc> = "2018-07-18T20:16:39.250Z".parse().unwrap();
    let m = MemberSnapshot {
        successfully_aggregated_at: Some(success),
        ..member(S::Failed)
    };
    let until: DateTime<Utc> = "2018-07-18T23:16:40Z".parse().unwrap();
    let policy = Policy::default();
    for now in [
        success,
        success + TimeDelta::hours(3),
        until - TimeDelta::milliseconds(1),
    ] {
        assert_eq!(
            decide(&m, now, &policy).action,
            NextAction::Wait { until },
            "{now}"
        );
    }
    assert_eq!(decide(&m, until, &policy).action, NextAction::Aggregate);
}

/// Found in review: a success in the last 3 hours of the year 9999 put a wait's `until` in
/// the year 10000, which RFC 3339 (the pinned JSON form) cannot write. Such timestamps are
/// corrupt; the engine says so instead of writing a time nobody can read back.
#[test]
fn rule_8_a_cooldown_ending_after_9999_is_out_of_range() {
    let m = MemberSnapshot::from_json(
        r#"{"connection_status":"FAILED","successfully_aggregated_at":"9999-12-31T22:00:00Z"}"#,
    )
    .unwrap();
    let d = decide(&m, now(), &Policy::default());
    assert_eq!(
        (d.action, d.reason),
        (NextAction::Stop, Reason::TimeOutOfRange)
    );
    let last: DateTime<Utc> = "9999-12-31T20:59:59Z".parse().unwrap();
    let m = MemberSnapshot {
        successfully_aggregated_at: Some(last),
        ..m
    };
    let until: DateTime<Utc> = "9999-12-31T23:59:59Z".parse().unwrap();
    assert_eq!(
        decide(&m, now(), &Policy::default()).action,
        NextAction::Wait { until }
    );
}
