//! Answers to the service's own calls fold into the state: MX's throttle window, a gone
//! member, the client's own errors, a job of another kind, answers that do not show the
//! state. A newer member payload supersedes each, except MX's window, which lasts.

mod common;

use common::at;

use chrono::{TimeZone, Utc};
use mx_aggregation::{
    ActionKind, Answer, Call, EndUser, MemberState, NextAction, Observation, Policy, Reason,
};

// Stale data, last job five hours ago: the engine alone would aggregate.
const STALE: &str = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED",
    "is_being_aggregated": false, "aggregated_at": "2026-11-24T07:00:00Z",
    "successfully_aggregated_at": "2026-11-23T07:00:00Z", "is_oauth": false,
    "background_aggregation_is_disabled": false}}"#;

fn answer(state: &mut MemberState, call: Call, status: u16, body: &str, minute: i64) {
    let answer = Answer::Response {
        status,
        body,
        retry_after: None,
    };
    let outcome = call.classify(&answer, 1, at(minute), &Policy::default());
    let observation = Observation::from_answer(call, &answer, outcome)
        .unwrap()
        .with_guid("MBR-1");
    let _ = state.apply(&observation, at(minute));
}

fn decide(state: &MemberState, minute: i64) -> mx_aggregation::Decision {
    state.decide(at(minute), &Policy::default(), EndUser::Present)
}

fn stale() -> MemberState {
    let mut state = MemberState::default();
    let _ = state.apply(&Observation::from_json(STALE).unwrap(), at(0));
    assert_eq!(decide(&state, 1).action, NextAction::Aggregate);
    state
}

#[test]
fn a_throttled_aggregate_waits_for_the_window_mx_implied() {
    let mut state = stale();
    // MX's window is longer than the policy thinks: it answers 202 and starts nothing,
    // with a body whose timestamps say nothing new.
    answer(&mut state, Call::Aggregate, 202, STALE, 2);
    let decision = decide(&state, 3);
    assert_eq!(decision.reason, Reason::MxThrottled);
    let NextAction::Wait { until } = decision.action else {
        panic!("{decision:?}")
    };
    assert!(until > at(2));
    // The window lasts through newer reads.
    let _ = state.apply(&Observation::from_json(STALE).unwrap(), at(4));
    assert_eq!(decide(&state, 5).action, NextAction::Wait { until });
    assert_eq!(decide(&state, 4 * 60).action, NextAction::Aggregate);
}

#[test]
fn a_throttle_body_with_a_recent_job_waits_three_hours_from_it() {
    let mut state = stale();
    let body = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED", "is_being_aggregated": false,
        "aggregated_at": "2026-11-24T11:30:00Z", "successfully_aggregated_at": "2026-11-23T07:00:00Z"}}"#;
    answer(&mut state, Call::Aggregate, 202, body, 2);
    let until = Utc.with_ymd_and_hms(2026, 11, 24, 14, 30, 0).unwrap();
    assert_eq!(decide(&state, 3).action, NextAction::Wait { until });
}

#[test]
fn not_found_stops_until_a_newer_member_payload() {
    let mut state = stale();
    answer(
        &mut state,
        Call::Status,
        404,
        r#"{"error": "not found"}"#,
        2,
    );
    assert_eq!(
        (decide(&state, 3).action, decide(&state, 3).reason),
        (NextAction::Stop, Reason::MemberGone)
    );
    let _ = state.apply(&Observation::from_json(STALE).unwrap(), at(4));
    assert_eq!(decide(&state, 5).action, NextAction::Aggregate);
}

#[test]
fn the_clients_own_errors_stop_with_their_own_reason() {
    for status in [401, 403, 406] {
        let mut state = stale();
        answer(&mut state, Call::Read, status, "", 2);
        let decision = decide(&state, 3);
        assert_eq!(
            (decision.action, decision.reason),
            (NextAction::Stop, Reason::ClientConfiguration),
            "{status}"
        );
    }
}

#[test]
fn another_job_kind_polls_and_ambiguous_answers_read() {
    let mut state = stale();
    answer(&mut state, Call::Verify, 409, "", 2);
    assert_eq!(
        (decide(&state, 3).action.kind(), decide(&state, 3).reason),
        (ActionKind::Poll, Reason::OtherJobRunning)
    );
    answer(&mut state, Call::Aggregate, 504, "", 4);
    assert_eq!(
        (decide(&state, 5).action.kind(), decide(&state, 5).reason),
        (ActionKind::ReadMember, Reason::AnswerNeedsRead)
    );
    let no_content = Answer::Response {
        status: 204,
        body: "",
        retry_after: None,
    };
    let outcome = Call::Challenges.classify(&no_content, 0, at(6), &Policy::default());
    assert_eq!(outcome.step, mx_aggregation::NextStep::ReadMember);
}

#[test]
fn an_accepted_aggregate_with_its_member_body_polls() {
    let mut state = stale();
    let body = r#"{"member": {"guid": "MBR-1", "connection_status": "CONNECTED", "is_being_aggregated": true,
        "aggregated_at": "2026-11-24T12:02:00Z", "successfully_aggregated_at": "2026-11-23T07:00:00Z"}}"#;
    answer(&mut state, Call::Aggregate, 202, body, 2);
    assert_eq!(decide(&state, 3).reason, Reason::AggregationInProgress);
}
