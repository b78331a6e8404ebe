//! The state keeps the newest knowledge per field: a status read does not erase the flags
//! it lacks, an older payload does not roll the status back, whatever order they arrive in.

mod common;

use common::at;

use chrono::DateTime;
use mx_aggregation::{
    Applied, ConnectionStatus, EndUser, MemberState, NextAction, Observation, Policy, Reason,
};

const FULL_READ: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "DENIED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z",
    "successfully_aggregated_at": "2026-11-23T11:00:00Z", "is_oauth": true,
    "background_aggregation_is_disabled": false}}"#;
const STATUS_READ: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "DENIED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z",
    "successfully_aggregated_at": "2026-11-23T11:00:00Z"}}"#;

#[test]
fn a_status_read_does_not_erase_is_oauth_or_the_background_flag() {
    let mut state = MemberState::default();
    assert_eq!(
        state.apply(&Observation::from_json(FULL_READ).unwrap(), at(0)),
        Applied::Changed
    );
    let _ = state.apply(&Observation::from_json(STATUS_READ).unwrap(), at(1));
    let known = state.snapshot().unwrap();
    assert_eq!(known.is_oauth, Some(true));
    assert_eq!(known.background_aggregation_is_disabled, Some(false));
    // So the OAuth member gets the OAuth window, not a credentials form.
    let decision = state.decide(at(2), &Policy::default(), EndUser::Present);
    assert_eq!(decision.action, NextAction::AuthorizeOauth);
}

#[test]
fn an_older_payload_arriving_late_does_not_roll_the_status_back() {
    let newer = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
        "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:50:00Z",
        "successfully_aggregated_at": "2026-11-24T11:52:00Z"}}"#;
    let older_webhook = r#"{"guid": "MBR-1", "connection_status_id": 10, "is_being_aggregated": false,
        "aggregated_at": 1795514400, "successfully_aggregated_at": 1795428000}"#;
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(newer).unwrap(), at(0));
    let applied = state.apply(&Observation::from_json(older_webhook).unwrap(), at(5));
    assert_eq!(applied, Applied::Stale);
    assert_eq!(
        state.snapshot().unwrap().connection_status,
        Some(ConnectionStatus::Connected)
    );
    let decision = state.decide(at(6), &Policy::default(), EndUser::Present);
    assert_eq!(decision.reason, Reason::FreshData);
}

#[test]
fn reads_during_one_job_are_ordered_by_receipt() {
    let running = r#"{"member": {"guid": "MBR-1", "connection_status": "RESUMED", "is_being_aggregated": true,
        "aggregated_at": "2026-11-24T11:50:00Z", "successfully_aggregated_at": "2026-11-23T11:00:00Z"}}"#;
    let done = r#"{"member": {"guid": "MBR-1", "connection_status": "REJECTED", "is_being_aggregated": false,
        "aggregated_at": "2026-11-24T11:50:00Z", "successfully_aggregated_at": "2026-11-23T11:00:00Z"}}"#;
    for order in [[(running, 1), (done, 2)], [(done, 2), (running, 1)]] {
        let mut state = MemberState::default();
        for (json, minute) in order {
            let _ = state.apply(&Observation::from_json(json).unwrap(), at(minute));
        }
        assert_eq!(
            state.snapshot().unwrap().connection_status,
            Some(ConnectionStatus::Rejected)
        );
    }
}

#[test]
fn an_aggregation_webhook_newer_than_the_member_reads_the_data() {
    let running = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED", "is_being_aggregated": true,
        "aggregated_at": "2026-11-24T11:50:00Z", "successfully_aggregated_at": "2026-11-23T11:00:00Z"}}"#;
    let webhook = r#"{"type": "AGGREGATION", "action": "member_data_updated", "member_guid": "MBR-1",
        "completed_at": 1795521300, "is_background": false}"#;
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(running).unwrap(), at(0));
    assert_eq!(
        state
            .decide(at(1), &Policy::default(), EndUser::Present)
            .reason,
        Reason::AggregationInProgress
    );
    let _ = state.apply(&Observation::from_json(webhook).unwrap(), at(2));
    let as_of = DateTime::from_timestamp(1_795_521_300, 0).unwrap();
    let decision = state.decide(at(3), &Policy::default(), EndUser::Present);
    assert_eq!(decision.action, NextAction::ReadData { as_of });
}
