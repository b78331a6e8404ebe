//! A member state survives JSON: a service can keep it in its database between events.

mod common;
#[path = "common/observations.rs"]
mod observations;

use mx_aggregation::{EndUser, MemberState, Policy};
use observations::{fold, line};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_folded_state_round_trips(lines in proptest::collection::vec(line(), 0..12)) {
        let state = fold(&lines);
        let json = serde_json::to_string(&state).unwrap();
        let back: MemberState = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &state, "{}", json);
        let now = common::now();
        prop_assert_eq!(
            back.decide(now, &Policy::default(), EndUser::Present),
            state.decide(now, &Policy::default(), EndUser::Present)
        );
    }
}

#[test]
fn the_empty_state_is_an_empty_object_and_unknown_fields_are_ignored() {
    assert_eq!(
        serde_json::to_string(&MemberState::default()).unwrap(),
        "{}"
    );
    let back: MemberState = serde_json::from_str(r#"{"added_in_a_later_version": 1}"#).unwrap();
    assert_eq!(back, MemberState::default());
}

#[test]
fn a_state_reads_as_documented_json() {
    let json = r#"{"guid":"MBR-1","member":{"stamp":{"aggregated_at":"2026-11-24T11:00:00Z","successfully_aggregated_at":null,"received_at":"2026-11-24T11:01:00Z"},"connection_status":"DENIED","is_being_aggregated":false,"needs_updated_credentials":false,"has_challenges":false,"error_code":null},"status_webhooks":{"DENIED":"2026-11-24T11:00:30Z"}}"#;
    let state: MemberState = serde_json::from_str(json).unwrap();
    assert_eq!(state.guid(), Some("MBR-1"));
    assert_eq!(serde_json::to_string(&state).unwrap(), json);
}

#[test]
fn webhook_copies_a_day_apart_write_their_first_and_last_receipt() {
    let json = r#"{"status_webhooks":{"DENIED":["2026-11-24T11:00:30Z","2026-11-25T20:00:00Z"],"LOCKED":"2026-11-24T11:00:30Z"}}"#;
    let state: MemberState = serde_json::from_str(json).unwrap();
    assert_eq!(serde_json::to_string(&state).unwrap(), json);
    // A pair the wrong way round, or not a pair, names what is wrong.
    for (bad, says) in [
        (
            r#"{"status_webhooks":{"DENIED":["2026-11-25T20:00:00Z","2026-11-24T11:00:30Z"]}}"#,
            "last receipt 2026-11-24 11:00:30 UTC is before its first 2026-11-25 20:00:00 UTC",
        ),
        (
            r#"{"status_webhooks":{"DENIED":["2026-11-24T11:00:30Z"]}}"#,
            "invalid length 1",
        ),
        (
            r#"{"status_webhooks":{"DENIED":7}}"#,
            "invalid type: integer `7`",
        ),
    ] {
        let error = serde_json::from_str::<MemberState>(bad)
            .unwrap_err()
            .to_string();
        assert!(error.contains(says), "{error}");
    }
}
