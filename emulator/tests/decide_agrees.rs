//! The library deciding on the emulator's members agrees with the emulator's rules: each
//! scenario's member JSON through `mx_aggregation::decide` gives the action the scenario
//! calls for, and the emulator honours it (an `aggregate` starts a job, a `wait` ends
//! exactly when the throttle window does, `answer_mfa` has challenges to answer…).
//!
//! An OAuth member waiting for the end user (`PENDING`) gets `authorize_oauth`, and the
//! emulator hands out the one-time `oauth_window_uri` for it. Both count MX's throttle
//! window from the latest job of any kind, so a failed member waits too.

mod common;

use chrono::{DateTime, Utc};
use common::Mx;
use mx_aggregation::{ActionKind, Decision, MemberSnapshot, NextAction, Policy, decide};
use serde_json::json;

async fn decide_on(mx: &Mx, user: &str, member: &str) -> (Decision, DateTime<Utc>) {
    let answer = mx
        .send("GET", &format!("/users/{user}/members/{member}"), None)
        .await;
    let snapshot = MemberSnapshot::from_json(&answer.body.to_string()).expect("MX's JSON reads");
    let now = mx.advance(0).await;
    (decide(&snapshot, now, &Policy::default()), now)
}

async fn aggregate_starts(mx: &Mx, user: &str, member: &str) -> bool {
    let answer = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(answer.status, 202, "{:?}", answer.body);
    answer.member()["is_being_aggregated"] == true
}

/// Checks that the emulator honours `decision` for the member.
async fn honoured(mx: &Mx, user: &str, member: &str, decision: Decision, now: DateTime<Utc>) {
    let read = mx.read(user, member).await;
    match decision.action {
        NextAction::Poll { .. } => assert_eq!(read["is_being_aggregated"], true),
        NextAction::AnswerMfa => {
            let challenges = mx
                .send(
                    "GET",
                    &format!("/users/{user}/members/{member}/challenges"),
                    None,
                )
                .await;
            assert_eq!(challenges.status, 200);
        }
        NextAction::ReadData { .. } => {
            assert_eq!(read["connection_status"], "CONNECTED");
            assert!(
                !aggregate_starts(mx, user, member).await,
                "inside the window"
            );
        }
        NextAction::Aggregate => assert!(aggregate_starts(mx, user, member).await),
        NextAction::Wait { until } => {
            assert!(
                !aggregate_starts(mx, user, member).await,
                "nothing starts before {until}"
            );
            let seconds = u64::try_from((until - now).num_seconds()).unwrap();
            mx.advance(seconds - 1).await;
            assert!(
                !aggregate_starts(mx, user, member).await,
                "a second before {until}"
            );
            mx.advance(1).await;
            assert!(aggregate_starts(mx, user, member).await, "at {until}");
        }
        NextAction::UpdateCredentials => {
            assert!(
                !aggregate_starts(mx, user, member).await,
                "the old credentials fail"
            );
            let update = mx
                .send(
                    "PUT",
                    &format!("/users/{user}/members/{member}"),
                    Some(common::mxbank_member("new-password")),
                )
                .await;
            assert_eq!(update.member()["is_being_aggregated"], true);
        }
        NextAction::ResolveAtInstitution => {
            assert_eq!(read["connection_status"], "LOCKED");
        }
        NextAction::AuthorizeOauth => {
            assert!(
                !aggregate_starts(mx, user, member).await,
                "nothing runs before the end user authorizes"
            );
            let window = mx
                .send(
                    "GET",
                    &format!("/users/{user}/members/{member}/oauth_window_uri"),
                    None,
                )
                .await;
            assert_eq!(window.status, 200, "{:?}", window.body);
            assert!(window.member()["oauth_window_uri"].is_string());
        }
        NextAction::ReadMember => assert!(read["guid"].is_string()),
        NextAction::Stop => panic!("no emulator scenario ends a member"),
    }
}

#[tokio::test]
async fn each_mx_bank_row_after_its_job() {
    use ActionKind as A;
    let rows = [
        ("password", A::ReadData),
        ("challenge", A::AnswerMfa),
        ("options", A::AnswerMfa),
        ("image", A::AnswerMfa),
        ("BAD_REQUEST", A::Wait),
        ("UNAUTHORIZED", A::UpdateCredentials),
        ("INVALID", A::UpdateCredentials),
        ("DISABLED", A::UpdateCredentials),
        ("LOCKED", A::ResolveAtInstitution),
        ("SERVER_ERROR", A::Wait),
        ("UNAVAILABLE", A::Wait),
    ];
    assert_eq!(rows.len(), mx_emulator::mxbank::SCENARIOS.len());
    let mx = Mx::frozen().await;
    for (password, expected) in rows {
        let user = mx.user().await;
        let member = mx.member_guid(&user, password).await;
        let (running, now) = decide_on(&mx, &user, &member).await;
        assert_eq!(
            running.action.kind(),
            A::Poll,
            "{password} while the job runs"
        );
        honoured(&mx, &user, &member, running, now).await;
        mx.advance(1).await;
        let (decision, now) = decide_on(&mx, &user, &member).await;
        assert_eq!(decision.action.kind(), expected, "{password}: {decision:?}");
        honoured(&mx, &user, &member, decision, now).await;
    }
    assert!(mx.emulator.as_ref().unwrap().off_model_moves().is_empty());
}

#[tokio::test]
async fn after_a_wrong_answer_or_an_expired_challenge() {
    let mx = Mx::frozen().await;
    for wait in [0, 600] {
        let user = mx.user().await;
        let member = mx.member_guid(&user, "challenge").await;
        mx.advance(1).await;
        if wait == 0 {
            mx.answer_mfa(&user, &member, "wrong").await;
            mx.advance(1).await;
        } else {
            mx.advance(wait).await;
        }
        // The failed MFA job started the throttle window: wait for its end, then aggregate.
        let (decision, now) = decide_on(&mx, &user, &member).await;
        assert_eq!(
            decision.action.kind(),
            ActionKind::Wait,
            "{wait}: {decision:?}"
        );
        assert_eq!(decision.reason.code(), "cooldown");
        honoured(&mx, &user, &member, decision, now).await;
    }
}

#[tokio::test]
async fn an_oauth_member_waits_for_its_authorization() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = mx
        .send(
            "POST",
            &format!("/users/{user}/members"),
            Some(json!({"member": {"institution_code": "mx_bank_oauth", "is_oauth": true}})),
        )
        .await;
    assert!(created.status < 300, "{:?}", created.body);
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    assert_eq!(created.member()["connection_status"], "PENDING");
    mx.advance(1).await;
    let (decision, now) = decide_on(&mx, &user, &member).await;
    assert_eq!(decision.action, NextAction::AuthorizeOauth, "{decision:?}");
    honoured(&mx, &user, &member, decision, now).await;
}

#[tokio::test]
async fn a_connected_member_a_day_later_and_a_recreated_one_inside_the_window() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let mut body = common::mxbank_member("password");
    body["member"]["background_aggregation_is_disabled"] = json!(true);
    let created = mx
        .send("POST", &format!("/users/{user}/members"), Some(body))
        .await;
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    mx.advance(1).await;
    mx.advance(25 * 3600).await;
    let (decision, now) = decide_on(&mx, &user, &member).await;
    assert_eq!(decision.action, NextAction::Aggregate, "stale data");
    honoured(&mx, &user, &member, decision, now).await;

    // Re-created inside the window: nothing runs and the library waits for its end.
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    mx.send("DELETE", &format!("/users/{user}/members/{member}"), None)
        .await;
    let again = mx.create_member(&user, "password").await;
    let member = again.member()["guid"].as_str().unwrap().to_owned();
    mx.advance(11 * 60).await;
    let (decision, now) = decide_on(&mx, &user, &member).await;
    assert_eq!(decision.action.kind(), ActionKind::Wait, "{decision:?}");
    honoured(&mx, &user, &member, decision, now).await;
}
