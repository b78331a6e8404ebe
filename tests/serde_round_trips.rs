//! Snapshots and decisions survive a trip through JSON unchanged.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{
    Decision, EndUser, MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, MemberSnapshot, PayloadKind, Policy,
    decide_with,
};
use mx_aggregation_tooling::matrix::{reference_now, statuses_and_null};
use proptest::prelude::*;

/// Any instant RFC 3339 can write (years 0000–9999), with or without a fraction.
fn writable_instant() -> impl Strategy<Value = DateTime<Utc>> {
    let base = reference_now();
    prop_oneof![
        (-10 * 86_400i64..10 * 86_400, 0..1_000_000_000u32).prop_map(move |(s, n)| base
            + TimeDelta::seconds(s)
            + TimeDelta::nanoseconds(i64::from(n))),
        (
            MIN_UNIX_SECONDS..=MAX_UNIX_SECONDS,
            prop_oneof![Just(0u32), 0..1_000_000_000u32]
        )
            .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap()),
        // The edges of what RFC 3339 can write, where a cooldown can end past the year 9999.
        (0..2 * 86_400i64, 0..1_000_000_000u32).prop_map(|(back, n)| DateTime::from_timestamp(
            MAX_UNIX_SECONDS - back,
            n
        )
        .unwrap()),
        (0..86_400i64).prop_map(|s| DateTime::from_timestamp(MIN_UNIX_SECONDS + s, 0).unwrap()),
    ]
}

prop_compose! {
    fn member()(
        payload in proptest::sample::select(PayloadKind::ALL.to_vec()),
        connection_status in proptest::sample::select(statuses_and_null().collect::<Vec<_>>()),
        flags in any::<[bool; 4]>(),
        known in any::<[Option<bool>; 2]>(),
        aggregated_at in proptest::option::of(writable_instant()),
        successfully_aggregated_at in proptest::option::of(writable_instant()),
        completed_at in writable_instant(),
        error_code in proptest::option::of(prop_oneof![0..4000u32, any::<u32>()]),
    ) -> MemberSnapshot {
        // Each kind carries only its own fields (MemberJson::snapshot).
        match payload {
            PayloadKind::Member => MemberSnapshot {
                payload, connection_status, aggregated_at, successfully_aggregated_at,
                is_being_aggregated: flags[0], needs_updated_credentials: flags[1],
                is_manual: flags[2], has_challenges: flags[3],
                background_aggregation_is_disabled: known[0], is_oauth: known[1], error_code,
                completed_at: None,
            },
            PayloadKind::MemberReference => MemberSnapshot { payload, ..MemberSnapshot::default() },
            PayloadKind::ConnectionStatusWebhook => MemberSnapshot {
                payload, connection_status, ..MemberSnapshot::default()
            },
            PayloadKind::AggregationWebhook | PayloadKind::JobWebhook => MemberSnapshot {
                payload, completed_at: Some(completed_at), ..MemberSnapshot::default()
            },
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(common::proptest_cases(1024)))]

    #[test]
    fn snapshots_round_trip(m in member()) {
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(MemberSnapshot::from_json(&json).unwrap(), m);
        prop_assert_eq!(serde_json::from_str::<MemberSnapshot>(&json).unwrap(), m);
        // Members wrapped the way MX's REST endpoints send them.
        if m.payload == PayloadKind::Member {
            let wrapped = format!(r#"{{"member": {json}}}"#);
            prop_assert_eq!(MemberSnapshot::from_json(&wrapped).unwrap(), m);
        }
    }

    #[test]
    fn decisions_round_trip(m in member(), now in writable_instant(), absent in any::<bool>()) {
        let end_user = if absent { EndUser::Absent } else { EndUser::Present };
        let decision = decide_with(&m, now, &Policy::default(), end_user);
        let json = serde_json::to_string(&decision).unwrap();
        prop_assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), decision);
    }
}

#[test]
fn decision_json_has_the_pinned_shape() {
    let cases = [
        (
            r#"{"connection_status": "FAILED", "successfully_aggregated_at": "2018-07-18T20:16:40Z"}"#,
            r#"{"action":"wait","until":"2018-07-18T23:16:40Z","reason":"cooldown","requires_end_user":false}"#,
        ),
        (
            r#"{"connection_status": "CONNECTED", "is_being_aggregated": true}"#,
            r#"{"action":"poll","after_secs":3,"reason":"aggregation_in_progress","requires_end_user":false}"#,
        ),
        (
            r#"{"connection_status": "CONNECTED", "successfully_aggregated_at": "2018-07-18T20:16:40.5Z"}"#,
            r#"{"action":"read_data","as_of":"2018-07-18T20:16:40.500Z","reason":"fresh_data","requires_end_user":false}"#,
        ),
        (
            r#"{"connection_status": "CHALLENGED"}"#,
            r#"{"action":"answer_mfa","reason":"mfa_challenge","requires_end_user":true}"#,
        ),
        (
            r#"{"connection_status": "DENIED", "is_oauth": false}"#,
            r#"{"action":"update_credentials","reason":"credentials_required","requires_end_user":true}"#,
        ),
        (
            r#"{"connection_status": "DENIED", "is_oauth": true}"#,
            r#"{"action":"authorize_oauth","reason":"oauth_reauthorization","requires_end_user":true}"#,
        ),
        (
            r#"{"type": "CONNECTION_STATUS", "action": "CHANGED", "connection_status": "DENIED", "member_guid": "MBR-1"}"#,
            r#"{"action":"read_member","reason":"status_webhook","requires_end_user":false}"#,
        ),
        (
            r#"{"connection_status": "LOCKED"}"#,
            r#"{"action":"resolve_at_institution","reason":"institution_action_required","requires_end_user":true}"#,
        ),
        (
            r#"{"connection_status": "EXPIRED"}"#,
            r#"{"action":"aggregate","reason":"mfa_failed","requires_end_user":true}"#,
        ),
        (
            r#"{"connection_status": "CLOSED"}"#,
            r#"{"action":"stop","reason":"terminal_status","requires_end_user":false}"#,
        ),
    ];
    let now: DateTime<Utc> = "2018-07-18T21:00:00Z".parse().unwrap();
    for (member, expected) in cases {
        let decision = decide_with(
            &MemberSnapshot::from_json(member).unwrap(),
            now,
            &Policy::default(),
            EndUser::Present,
        );
        assert_eq!(
            serde_json::to_string(&decision).unwrap(),
            expected,
            "{member}"
        );
    }
}

#[test]
fn inconsistent_decision_json_is_rejected() {
    for (json, message) in [
        (
            r#"{"action":"poll","reason":"aggregation_in_progress","requires_end_user":false}"#,
            "missing field `after_secs`",
        ),
        (
            r#"{"action":"wait","until":"soon","reason":"cooldown","requires_end_user":false}"#,
            "until: expected RFC 3339",
        ),
        (
            r#"{"action":"stop","reason":"cooldown","requires_end_user":false}"#,
            "reason cooldown leads to wait, not stop",
        ),
        (
            r#"{"action":"stop","reason":"terminal_status","requires_end_user":true}"#,
            "requires_end_user is false for stop",
        ),
        (
            r#"{"action":"jump","reason":"terminal_status","requires_end_user":false}"#,
            "unknown action \"jump\"",
        ),
        (
            r#"{"action":"stop","reason":"because","requires_end_user":false}"#,
            "unknown reason \"because\"",
        ),
        (
            r#"{"action":"wait","until":"9999-12-31T23:59:59-23:59","reason":"cooldown","requires_end_user":false}"#,
            "until: expected RFC 3339",
        ),
        (
            r#"{"action":"read_member","reason":"status_webhook","requires_end_user":true}"#,
            "requires_end_user is false for read_member",
        ),
    ] {
        let err = serde_json::from_str::<Decision>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{json}: {err}");
    }
}
