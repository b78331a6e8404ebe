//! Connection-status webhooks have no timestamp and are retried for about a day: one that
//! arrives after the newest read asks for a read, never for MFA or credentials; one that
//! arrives before it is history; a retry changes no decision, and copies fold alike in
//! every order.

mod common;

use common::at;

use chrono::TimeDelta;
use mx_aggregation::{ActionKind, Applied, EndUser, MemberState, Observation, Policy, Reason};

const CONNECTED: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:50:00Z",
    "successfully_aggregated_at": "2026-11-24T11:52:00Z", "is_oauth": false}}"#;
const DENIED: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "DENIED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T11:50:00Z",
    "successfully_aggregated_at": "2026-11-23T11:52:00Z", "is_oauth": false}}"#;

fn webhook(status: &str) -> String {
    format!(
        r#"{{"type": "CONNECTION_STATUS", "action": "CHANGED", "connection_status": "{status}", "member_guid": "MBR-1"}}"#
    )
}

fn decide(state: &MemberState, minute: i64) -> (ActionKind, Reason) {
    let decision = state.decide(at(minute), &Policy::default(), EndUser::Present);
    (decision.action.kind(), decision.reason)
}

#[test]
fn a_late_challenged_webhook_after_connected_asks_for_a_read() {
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(CONNECTED).unwrap(), at(0));
    let challenged = webhook("CHALLENGED");
    assert_eq!(
        state.apply(&Observation::from_json(&challenged).unwrap(), at(30)),
        Applied::Changed
    );
    assert_eq!(
        decide(&state, 31),
        (ActionKind::ReadMember, Reason::StatusWebhook)
    );
    // The read shows the member connected: the webhook was late.
    let _ = state.apply(&Observation::from_json(CONNECTED).unwrap(), at(32));
    assert_eq!(
        decide(&state, 33),
        (ActionKind::ReadData, Reason::FreshData)
    );
}

#[test]
fn a_webhook_received_before_the_newest_read_is_history() {
    let mut state = MemberState::default();
    let _ = state.apply(
        &Observation::from_json(&webhook("CHALLENGED")).unwrap(),
        at(0),
    );
    let _ = state.apply(&Observation::from_json(CONNECTED).unwrap(), at(1));
    assert_eq!(decide(&state, 2), (ActionKind::ReadData, Reason::FreshData));
}

#[test]
fn a_retried_denied_webhook_changes_no_decision() {
    let denied = webhook("DENIED");
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(&denied).unwrap(), at(0));
    assert_eq!(
        decide(&state, 1),
        (ActionKind::ReadMember, Reason::StatusWebhook)
    );
    let _ = state.apply(&Observation::from_json(DENIED).unwrap(), at(2));
    assert_eq!(
        decide(&state, 3),
        (ActionKind::UpdateCredentials, Reason::CredentialsRequired)
    );
    // MX retries the webhook hours later: the same event, already read.
    for hours in [1, 5, 23] {
        let retry = at(0) + TimeDelta::hours(hours);
        let _ = state.apply(&Observation::from_json(&denied).unwrap(), retry);
        assert_eq!(
            decide(&state, hours * 60 + 1),
            (ActionKind::UpdateCredentials, Reason::CredentialsRequired)
        );
        // The very same copy again changes nothing at all.
        let before = state.clone();
        assert_eq!(
            state.apply(&Observation::from_json(&denied).unwrap(), retry),
            Applied::Unchanged
        );
        assert_eq!(state, before);
    }
    assert_eq!(
        decide(&state, 24 * 60),
        (ActionKind::UpdateCredentials, Reason::CredentialsRequired)
    );
}

#[test]
fn chained_copies_fold_alike_in_every_order() {
    // A, B 13 h later, C 20 h after B: each within a day of the one before, C a day and
    // 9 h after A. Once the order of arrival decided whether C was an event of its own.
    let denied = webhook("DENIED");
    let times = [at(0), at(13 * 60), at(33 * 60)];
    let fold = |order: [usize; 3]| {
        let mut state = MemberState::default();
        let _ = state.apply(&Observation::from_json(DENIED).unwrap(), at(2));
        for i in order {
            let _ = state.apply(&Observation::from_json(&denied).unwrap(), times[i]);
        }
        state
    };
    let orders = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let first = fold(orders[0]);
    for order in orders {
        assert_eq!(fold(order), first, "order {order:?}");
    }
    // Spread over more than MX's retry window, the copies cannot all be one event: the
    // latest is read as news.
    assert_eq!(
        decide(&first, 33 * 60 + 1),
        (ActionKind::ReadMember, Reason::StatusWebhook)
    );
}

#[test]
fn the_same_status_a_day_later_is_a_new_event() {
    let denied = webhook("DENIED");
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(&denied).unwrap(), at(0));
    let _ = state.apply(&Observation::from_json(DENIED).unwrap(), at(2));
    let next_day = at(0) + TimeDelta::hours(25);
    assert_eq!(
        state.apply(&Observation::from_json(&denied).unwrap(), next_day),
        Applied::Changed
    );
    assert_eq!(
        decide(&state, 26 * 60),
        (ActionKind::ReadMember, Reason::StatusWebhook)
    );
}

#[test]
fn dedup_keys_name_the_event_not_the_delivery() {
    let denied = webhook("DENIED");
    let a = Observation::from_json(&denied).unwrap().dedup_key();
    let b = Observation::from_json(&denied)
        .unwrap()
        .with_callback_payload("x")
        .dedup_key();
    assert!(a.is_some());
    assert_eq!(a, b);
    assert_ne!(
        a,
        Observation::from_json(&webhook("LOCKED"))
            .unwrap()
            .dedup_key()
    );
    let other_member = denied.replace("MBR-1", "MBR-2");
    assert_ne!(
        a,
        Observation::from_json(&other_member).unwrap().dedup_key()
    );
    assert_ne!(
        Observation::from_json(CONNECTED).unwrap().dedup_key(),
        Observation::from_json(DENIED).unwrap().dedup_key()
    );
}
