//! OAuth re-authorization can come back under a new member guid: the state follows the
//! link, and payloads of the old guid are stale. The `X-CALLBACK-PAYLOAD` header MX echoes
//! is kept for the caller. Other members' payloads are refused.

mod common;

use common::at;

use chrono::{DateTime, Utc};
use mx_aggregation::{Applied, MemberState, Observation};

fn member(guid: &str, status: &str) -> String {
    format!(
        r#"{{"member": {{"guid": "{guid}", "connection_status": "{status}", "is_oauth": true,
        "aggregated_at": "2026-11-24T11:00:00Z"}}}}"#
    )
}

#[test]
fn an_oauth_reauthorization_under_a_new_guid_relinks_the_state() {
    let old = member("MBR-old", "DENIED");
    let new = member("MBR-new", "CONNECTED");
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(&old).unwrap(), at(0));
    let relink = Observation::from_json(&new)
        .unwrap()
        .with_previous_guid("MBR-old");
    assert_eq!(state.apply(&relink, at(5)), Applied::Changed);
    assert_eq!(state.guid(), Some("MBR-new"));
    assert_eq!(state.previous_guids().collect::<Vec<_>>(), ["MBR-old"]);
    // A late payload of the old member is stale; the new member's are folded.
    assert_eq!(
        state.apply(&Observation::from_json(&old).unwrap(), at(6)),
        Applied::Stale
    );
    assert_eq!(
        state.apply(&Observation::from_json(&new).unwrap(), at(7)),
        Applied::Changed
    );
    let known = state.snapshot().unwrap();
    assert_eq!(
        known.connection_status,
        Some(mx_aggregation::ConnectionStatus::Connected)
    );
    // Relinking again is idempotent.
    let before = state.clone();
    assert_ne!(state.apply(&relink, at(5)), Applied::Changed);
    assert_eq!(state, before);
}

#[test]
fn another_members_payload_changes_nothing() {
    let mut state = MemberState::default();
    let _ = state.apply(
        &Observation::from_json(&member("MBR-1", "CONNECTED")).unwrap(),
        at(0),
    );
    let before = state.clone();
    assert_eq!(
        state.apply(
            &Observation::from_json(&member("MBR-2", "DENIED")).unwrap(),
            at(1)
        ),
        Applied::OtherMember
    );
    let third = member("MBR-3", "DENIED");
    let hijack = Observation::from_json(&third)
        .unwrap()
        .with_previous_guid("MBR-2");
    assert_eq!(state.apply(&hijack, at(2)), Applied::OtherMember);
    assert_eq!(state, before);
}

#[test]
fn the_latest_callback_payload_is_kept_for_the_caller() {
    let webhook =
        r#"{"guid": "MBR-1", "connection_status": "CONNECTED", "aggregated_at": 1795514400}"#;
    let mut state = MemberState::default();
    let first = Observation::from_json(webhook)
        .unwrap()
        .with_callback_payload("b3JkZXItMQ==");
    let second = Observation::from_json(webhook)
        .unwrap()
        .with_callback_payload("b3JkZXItMg==");
    let _ = state.apply(&second, at(2));
    let _ = state.apply(&first, at(1));
    assert_eq!(state.callback_payload(), Some("b3JkZXItMg=="));
    let json = serde_json::to_string(&state).unwrap();
    let back: MemberState = serde_json::from_str(&json).unwrap();
    assert_eq!(back.callback_payload(), Some("b3JkZXItMg=="));
}

#[test]
fn times_outside_what_json_can_write_are_refused() {
    let mut state = MemberState::default();
    let far = DateTime::<Utc>::MAX_UTC;
    let applied = state.apply(
        &Observation::from_json(&member("MBR-1", "CONNECTED")).unwrap(),
        far,
    );
    assert_eq!(applied, Applied::OutOfRange);
    assert_eq!(state, MemberState::default());
}
