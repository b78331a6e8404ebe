//! Snapshots and decisions survive a trip through JSON unchanged.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use mx_aggregation::{
    Decision, MAX_UNIX_SECONDS, MIN_UNIX_SECONDS, MemberSnapshot, Policy, decide,
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
        connection_status in proptest::sample::select(statuses_and_null().collect::<Vec<_>>()),
        flags in any::<[bool; 5]>(),
        aggregated_at in proptest::option::of(writable_instant()),
        successfully_aggregated_at in proptest::option::of(writable_instant()),
    ) -> MemberSnapshot {
        MemberSnapshot {
            connection_status, aggregated_at, successfully_aggregated_at,
            is_being_aggregated: flags[0], needs_updated_credentials: flags[1],
            background_aggregation_is_disabled: flags[2], is_oauth: flags[3], has_challenges: flags[4],
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
        // Wrapped the way MX's REST endpoints send it.
        let wrapped = format!(r#"{{"member": {json}}}"#);
        prop_assert_eq!(MemberSnapshot::from_json(&wrapped).unwrap(), m);
    }

    #[test]
    fn decisions_round_trip(m in member(), now in writable_instant()) {
        let decision = decide(&m, now, &Policy::default());
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
            r#"{"connection_status": "DENIED"}"#,
            r#"{"action":"update_credentials","reason":"credentials_required","requires_end_user":true}"#,
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
        let decision = decide(
            &MemberSnapshot::from_json(member).unwrap(),
            now,
            &Policy::default(),
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
    ] {
        let err = serde_json::from_str::<Decision>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{json}: {err}");
    }
}
