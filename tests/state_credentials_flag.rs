//! `needs_updated_credentials` in the member state: a status read lacks the field, and
//! absent is unknown, not `false`. The state keeps the newest value a payload carried for
//! the job it shows; a newer job decides anew.

mod common;

use common::at;

use mx_aggregation::{Applied, EndUser, MemberState, NextAction, Observation, Policy, Reason};

/// A full read of a CONNECTED member whose credentials MX wants updated.
const FULL_READ: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z",
    "successfully_aggregated_at": "2026-11-24T11:00:00Z", "is_oauth": false,
    "needs_updated_credentials": true}}"#;
/// A status read of the same job: no `needs_updated_credentials` (MemberStatusResponse).
const STATUS_READ: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:00:00Z",
    "successfully_aggregated_at": "2026-11-24T11:00:00Z"}}"#;

fn fold(payloads: &[(&str, i64)]) -> MemberState {
    let mut state = MemberState::default();
    for (json, minute) in payloads {
        let _ = state.apply(&Observation::from_json(json).unwrap(), at(*minute));
    }
    state
}

fn decide(state: &MemberState) -> (NextAction, Reason) {
    let decision = state.decide(at(30), &Policy::default(), EndUser::Present);
    (decision.action, decision.reason)
}

#[test]
fn a_status_read_of_the_same_job_keeps_update_credentials() {
    for order in [
        [(FULL_READ, 0), (STATUS_READ, 5)],
        [(STATUS_READ, 5), (FULL_READ, 0)],
    ] {
        let state = fold(&order);
        assert!(
            state.snapshot().unwrap().needs_updated_credentials,
            "{order:?}"
        );
        assert_eq!(
            decide(&state),
            (
                NextAction::UpdateCredentials,
                Reason::NeedsUpdatedCredentials
            ),
            "{order:?}"
        );
    }
}

#[test]
fn a_status_read_adds_nothing_to_what_the_full_read_said() {
    let mut state = fold(&[(FULL_READ, 0)]);
    let before = state.clone();
    let applied = state.apply(&Observation::from_json(STATUS_READ).unwrap(), at(5));
    // Newer by receipt, so it is the newest payload, but the flag stays.
    assert_eq!(applied, Applied::Changed);
    assert_eq!(
        state.snapshot().unwrap().needs_updated_credentials,
        before.snapshot().unwrap().needs_updated_credentials
    );
}

#[test]
fn a_later_payload_of_the_same_job_that_carries_false_clears_it() {
    let cleared = FULL_READ.replace(
        r#""needs_updated_credentials": true"#,
        r#""needs_updated_credentials": false"#,
    );
    let state = fold(&[(FULL_READ, 0), (STATUS_READ, 5), (&cleared, 10)]);
    assert!(!state.snapshot().unwrap().needs_updated_credentials);
    assert_eq!(
        decide(&state).0.kind(),
        mx_aggregation::ActionKind::ReadData
    );
}

#[test]
fn null_is_unknown_like_absent() {
    let null = STATUS_READ.replace(
        r#""is_being_aggregated": false"#,
        r#""is_being_aggregated": false, "needs_updated_credentials": null"#,
    );
    let state = fold(&[(FULL_READ, 0), (&null, 5)]);
    assert!(state.snapshot().unwrap().needs_updated_credentials);
}

#[test]
fn a_newer_job_decides_anew() {
    // MX ran a newer job (it runs none while the flag is set): the credentials changed.
    let newer_job = STATUS_READ.replace("11:00:00Z", "11:20:00Z");
    let state = fold(&[(FULL_READ, 0), (&newer_job, 25)]);
    assert!(!state.snapshot().unwrap().needs_updated_credentials);
    assert_eq!(
        decide(&state).0.kind(),
        mx_aggregation::ActionKind::ReadData
    );
    // And a newer job's own full read that says true is taken.
    let newer_full = FULL_READ.replace("11:00:00Z", "11:20:00Z");
    let state = fold(&[(&newer_full, 26), (FULL_READ, 0), (&newer_job, 25)]);
    assert!(state.snapshot().unwrap().needs_updated_credentials);
}

#[test]
fn a_state_serialized_between_the_reads_keeps_the_flag() {
    let state = fold(&[(FULL_READ, 0)]);
    let mut back: MemberState =
        serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();
    let _ = back.apply(&Observation::from_json(STATUS_READ).unwrap(), at(5));
    assert!(back.snapshot().unwrap().needs_updated_credentials);
}
