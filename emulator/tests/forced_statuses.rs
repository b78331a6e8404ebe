//! Every status on demand: `POST /emulator/members/{member}/connection_status` sets each
//! of MX's 22 statuses from any status, leaves the member as MX leaves one at the end of a
//! job that ended there, sends the CONNECTION_STATUS webhook where MX sends one, records
//! the move in the member's trace, and the library decides on the result by the status.

mod common;

use common::{Mx, Receiver, frozen_config};
use mx_aggregation::{ConnectionStatus, MemberSnapshot, Policy, decide};
use serde_json::{Value, json};

async fn force(mx: &Mx, member: &str, status: &str) -> common::Answer {
    mx.send(
        "POST",
        &format!("/emulator/members/{member}/connection_status"),
        Some(json!({ "connection_status": status })),
    )
    .await
}

async fn with_webhooks() -> (Mx, Receiver) {
    let receiver = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    (Mx::start(config).await, receiver)
}

async fn connected_member(mx: &Mx) -> (String, String) {
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
    (user, member)
}

async fn connection_status_webhooks(mx: &Mx, member: &str) -> Vec<Value> {
    let answer = mx
        .send(
            "GET",
            &format!("/emulator/webhooks?member={member}&type=CONNECTION_STATUS"),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["webhooks"].as_array().unwrap().clone()
}

/// The rule the library decides by for a member just set to each status, end user
/// present, from a member connected a second before (the 3-hour window open).
fn expected_reason(status: ConnectionStatus) -> &'static str {
    use ConnectionStatus as S;
    match status {
        S::Created | S::Updated | S::Resumed => "aggregation_starting",
        S::Prevented | S::Denied | S::Impaired | S::Imported => "credentials_required",
        S::Challenged => "mfa_challenge",
        S::Locked | S::Impeded => "institution_action_required",
        S::Connected => "fresh_data",
        S::Rejected | S::Reconnected | S::Degraded | S::Disconnected | S::Failed | S::Expired => {
            "cooldown"
        }
        S::Discontinued | S::Closed | S::Disabled => "terminal_status",
        S::Delayed => "aggregation_delayed",
        S::Pending => "pending_credentials",
    }
}

#[tokio::test]
async fn each_of_the_22_statuses_is_set_as_a_job_ending_there_leaves_it() {
    let (mx, _receiver) = with_webhooks().await;
    for status in ConnectionStatus::ALL {
        let (user, member) = connected_member(&mx).await;
        let answer = force(&mx, &member, status.as_str()).await;
        assert_eq!(answer.status, 200, "{status}: {:?}", answer.body);
        let shown = answer.member();
        assert_eq!(shown["connection_status"], status.as_str());
        assert_eq!(shown["guid"], member.as_str());
        let challenged = status == ConnectionStatus::Challenged;
        assert_eq!(shown["is_being_aggregated"], challenged, "{status}");

        let read = mx.read(&user, &member).await;
        assert_eq!(read["connection_status"], status.as_str());
        let challenges = mx
            .send(
                "GET",
                &format!("/users/{user}/members/{member}/challenges"),
                None,
            )
            .await;
        assert_eq!(
            challenges.status,
            if challenged { 200 } else { 204 },
            "{status}"
        );

        let webhooks = connection_status_webhooks(&mx, &member).await;
        let sent = usize::from(status.is_end_user_actionable());
        assert_eq!(webhooks.len(), sent, "{status}: {webhooks:?}");
        if let Some(webhook) = webhooks.first() {
            assert_eq!(webhook["body"]["connection_status"], status.as_str());
            assert_eq!(webhook["body"]["connection_status_id"], status.id());
        }

        let trace = mx
            .send("GET", &format!("/emulator/members/{member}/trace"), None)
            .await;
        let last = trace.body["trace"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["event"], "forced_status", "{last}");
        assert_eq!(last["to"], status.as_str());
        assert_eq!(last["from"], "CONNECTED");

        let snapshot = MemberSnapshot::from_json(&answer.body.to_string()).unwrap();
        let now = mx.advance(0).await;
        let decision = decide(&snapshot, now, &Policy::default());
        assert_eq!(decision.reason.code(), expected_reason(status), "{status}");
    }
    let emulator = mx.emulator.as_ref().unwrap();
    assert!(
        emulator.off_model_moves().is_empty(),
        "{:?}",
        emulator.off_model_moves()
    );
}

#[tokio::test]
async fn terminal_statuses_are_left_and_a_forced_challenge_can_be_answered() {
    let mx = Mx::frozen().await;
    let (user, member) = connected_member(&mx).await;
    for status in ["CLOSED", "DISABLED", "DISCONTINUED", "CHALLENGED"] {
        let answer = force(&mx, &member, status).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        assert_eq!(answer.member()["connection_status"], status);
    }
    let status = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/status"),
            None,
        )
        .await;
    let challenges = status.member()["challenges"].as_array().unwrap();
    assert_eq!(challenges.len(), 1);
    assert_eq!(status.member()["is_authenticated"], false);
    let resumed = mx.answer_mfa(&user, &member, "correct").await;
    assert_eq!(resumed.status, 202, "{:?}", resumed.body);
    mx.advance(1).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "CONNECTED");
    assert_eq!(read["is_being_aggregated"], false);
}

#[tokio::test]
async fn a_forced_connected_member_is_a_fresh_success_and_the_window_opens() {
    let mx = Mx::frozen().await;
    let (user, member) = connected_member(&mx).await;
    force(&mx, &member, "DENIED").await;
    mx.advance(4 * 3600).await;
    let answer = force(&mx, &member, "CONNECTED").await;
    let now = mx
        .advance(0)
        .await
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(answer.member()["successfully_aggregated_at"], now.as_str());
    assert_eq!(answer.member()["aggregated_at"], now.as_str());
    let aggregate = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(aggregate.status, 202);
    assert_eq!(
        aggregate.member()["is_being_aggregated"],
        false,
        "inside the window"
    );
}

#[tokio::test]
async fn an_unknown_status_or_member_is_refused() {
    let mx = Mx::frozen().await;
    let (_, member) = connected_member(&mx).await;
    let unknown = force(&mx, &member, "TELEPORTED").await;
    assert_eq!(unknown.status, 400);
    let message = unknown.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("TELEPORTED"), "{message}");
    let lowercase = force(&mx, &member, "connected").await;
    assert_eq!(lowercase.status, 400);
    let not_a_string = mx
        .send(
            "POST",
            &format!("/emulator/members/{member}/connection_status"),
            Some(json!({"connection_status": 6})),
        )
        .await;
    assert_eq!(not_a_string.status, 400);
    let missing = mx
        .send(
            "POST",
            &format!("/emulator/members/{member}/connection_status"),
            Some(json!({})),
        )
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(force(&mx, "MBR-none", "CONNECTED").await.status, 404);
}
