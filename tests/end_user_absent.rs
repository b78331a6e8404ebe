//! Every status with the end user present and absent, background aggregation on, off and
//! unknown, for a member whose last job and success are two days old: the absent-user
//! column of the generated documentation, pinned as an insta snapshot, plus the cases the
//! issue names one by one.

mod common;

use chrono::TimeDelta;
use common::{hours_ago, now};
use mx_aggregation::{
    ConnectionStatus as S, EndUser, MemberSnapshot, NextAction, Policy, Reason, decide_with,
};

fn stale(status: S, background_disabled: Option<bool>) -> MemberSnapshot {
    MemberSnapshot {
        connection_status: Some(status),
        aggregated_at: Some(hours_ago(48)),
        successfully_aggregated_at: Some(hours_ago(48)),
        background_aggregation_is_disabled: background_disabled,
        is_oauth: Some(false),
        ..MemberSnapshot::default()
    }
}

#[test]
fn every_status_present_and_absent() {
    let mut out = String::new();
    for status in S::ALL {
        for (flag, label) in [(Some(false), "on"), (Some(true), "off"), (None, "unknown")] {
            let m = stale(status, flag);
            let cell = |who| {
                let d = decide_with(&m, now(), &Policy::default(), who);
                let mut text = format!("{} ({})", d.action.kind(), d.reason);
                if let NextAction::Wait { until } = d.action {
                    text.push_str(&format!(" +{}h", (until - now()).num_hours()));
                }
                text
            };
            out.push_str(&format!(
                "{status:<13} background {label:<7} present: {:<45} absent: {}\n",
                cell(EndUser::Present),
                cell(EndUser::Absent)
            ));
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn a_stale_connected_member_waits_for_the_next_background_aggregation() {
    let m = stale(S::Connected, Some(false));
    let d = decide_with(&m, now(), &Policy::default(), EndUser::Absent);
    // Last job 48 h ago: the next background aggregation is due 72 h after it, in 24 h.
    assert_eq!(
        (d.action, d.reason),
        (
            NextAction::Wait {
                until: now() + TimeDelta::hours(24)
            },
            Reason::BackgroundAggregation
        )
    );
    // Never before the cooldown after the latest job ends.
    let recent = MemberSnapshot {
        aggregated_at: Some(hours_ago(23)),
        successfully_aggregated_at: Some(hours_ago(30)),
        ..m
    };
    let d = decide_with(&recent, now(), &Policy::default(), EndUser::Absent);
    assert_eq!(
        d.action,
        NextAction::Wait {
            until: now() + TimeDelta::hours(1)
        }
    );
}

#[test]
fn background_off_or_reconnected_means_aggregate_when_the_user_is_next_present() {
    for m in [
        stale(S::Connected, Some(true)),
        stale(S::Reconnected, Some(false)),
        stale(S::Failed, Some(false)),
        stale(S::Expired, None),
    ] {
        let d = decide_with(&m, now(), &Policy::default(), EndUser::Absent);
        assert_eq!(d.action, NextAction::Aggregate, "{m:?}");
        assert!(d.requires_end_user());
    }
}

#[test]
fn an_unknown_background_flag_reads_the_member_unless_the_policy_says() {
    let m = stale(S::Connected, None);
    let d = decide_with(&m, now(), &Policy::default(), EndUser::Absent);
    assert_eq!(
        (d.action, d.reason),
        (NextAction::ReadMember, Reason::BackgroundUnknown)
    );
    let assume_on = Policy {
        assume_background_aggregation: Some(true),
        ..Policy::default()
    };
    let d = decide_with(&m, now(), &assume_on, EndUser::Absent);
    assert_eq!(d.reason, Reason::BackgroundAggregation);
}

#[test]
fn fresh_data_is_read_whoever_is_there() {
    let m = MemberSnapshot {
        successfully_aggregated_at: Some(hours_ago(2)),
        ..stale(S::Connected, None)
    };
    for who in [EndUser::Present, EndUser::Absent] {
        let d = decide_with(&m, now(), &Policy::default(), who);
        assert_eq!(d.reason, Reason::FreshData);
    }
}

#[test]
fn a_wait_for_background_past_9999_is_time_out_of_range() {
    let end: chrono::DateTime<chrono::Utc> = "9999-12-31T12:00:00Z".parse().unwrap();
    let m = MemberSnapshot {
        aggregated_at: Some(end - TimeDelta::hours(30)),
        successfully_aggregated_at: Some(end - TimeDelta::hours(30)),
        ..stale(S::Connected, Some(false))
    };
    let d = decide_with(&m, end, &Policy::default(), EndUser::Absent);
    assert_eq!(
        (d.action, d.reason),
        (NextAction::Stop, Reason::TimeOutOfRange)
    );
}
