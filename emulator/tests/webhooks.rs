//! Webhooks over loopback to a receiver the test runs: CONNECTION_STATUS, AGGREGATION
//! `member_data_updated`, member webhooks, the echoed `X-CALLBACK-PAYLOAD`, and retries
//! with backoff on the virtual clock.

mod common;

use common::{Mx, Receiver, frozen_config};

async fn with_receiver(failures: usize) -> (Mx, Receiver) {
    let receiver = Receiver::start(failures).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    (Mx::start(config).await, receiver)
}

fn of_type(kind: &'static str) -> impl Fn(&common::Received) -> bool {
    move |r| r.body["type"] == kind
}

#[tokio::test]
async fn a_challenge_sends_connection_status_and_a_success_member_data_updated() {
    let (mx, receiver) = with_receiver(0).await;
    let user = mx.user().await;
    let created = mx
        .send_with(
            "POST",
            &format!("/users/{user}/members"),
            Some(common::mxbank_member("challenge")),
            &[("X-CALLBACK-PAYLOAD", "b3JkZXItNDI=")],
        )
        .await;
    assert_eq!(created.status, 202);
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    mx.advance(1).await;

    let status = receiver.wait_for(1, of_type("CONNECTION_STATUS")).await;
    assert_eq!(status.len(), 1);
    let body = &status[0].body;
    assert_eq!(body["action"], "CHANGED");
    assert_eq!(body["connection_status"], "CHALLENGED");
    assert_eq!(body["connection_status_id"], 3);
    assert_eq!(body["member_guid"], member.as_str());
    assert_eq!(body["user_guid"], user.as_str());

    assert_eq!(mx.answer_mfa(&user, &member, "correct").await.status, 202);
    let after = mx.advance(1).await;
    let data = receiver.wait_for(1, of_type("AGGREGATION")).await;
    assert_eq!(data.len(), 1);
    let body = &data[0].body;
    assert_eq!(body["action"], "member_data_updated");
    assert_eq!(body["completed_at"], after.timestamp());
    assert_eq!(body["completed_on"], after.format("%Y-%m-%d").to_string());
    assert_eq!(body["is_background"], false);
    assert_eq!(body["member_guid"], member.as_str());
    assert_eq!(body["user_guid"], user.as_str());
    assert_eq!(data[0].headers["x-callback-payload"], "b3JkZXItNDI=");
    assert_eq!(data[0].body["callback_payload"], "b3JkZXItNDI=");

    let created_hook = receiver.wait_for(1, of_type("MEMBER")).await;
    assert_eq!(created_hook[0].body["action"], "created");
    assert_eq!(
        created_hook[0].headers["x-callback-payload"],
        "b3JkZXItNDI="
    );
    // CONNECTED is not end-user actionable: no second CONNECTION_STATUS.
    assert_eq!(
        receiver
            .all()
            .iter()
            .filter(|r| of_type("CONNECTION_STATUS")(r))
            .count(),
        1
    );
}

#[tokio::test]
async fn the_daily_background_aggregation_sends_is_background() {
    let (mx, receiver) = with_receiver(0).await;
    let user = mx.user().await;
    mx.member_guid(&user, "password").await;
    let first = mx.advance(1).await;
    let later = mx.advance(24 * 3600).await;
    let data = receiver.wait_for(2, of_type("AGGREGATION")).await;
    assert_eq!(data.len(), 2);
    assert_eq!(data[0].body["is_background"], false);
    assert_eq!(data[1].body["is_background"], true);
    // Each says when the emulator sent it, on its frozen clock: the first after the
    // one-second step, the background one after the day's jump.
    let sent_at = |n: usize| {
        let header = data[n].headers.get(mx_emulator::WEBHOOK_NOW_HEADER)?;
        chrono::DateTime::parse_from_rfc3339(header.to_str().ok()?)
            .map(|at| at.with_timezone(&chrono::Utc))
            .ok()
    };
    assert_eq!(sent_at(0), Some(first));
    assert_eq!(sent_at(1), Some(later));
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_the_backoff_on_the_virtual_clock() {
    let (mx, receiver) = with_receiver(1).await;
    let user = mx.user().await;
    let created = mx
        .send(
            "POST",
            &format!("/users/{user}/members"),
            Some(common::mxbank_member("LOCKED")),
        )
        .await;
    assert_eq!(created.status, 202);
    // The member webhook is the first delivery and fails.
    let first = receiver.wait_for(1, |_| true).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].answered, 500);
    assert_eq!(first[0].body["type"], "MEMBER");

    mx.advance(1).await;
    let locked = receiver.wait_for(1, of_type("CONNECTION_STATUS")).await;
    assert_eq!(locked[0].body["connection_status"], "LOCKED");
    let members = receiver
        .all()
        .iter()
        .filter(|r| of_type("MEMBER")(r))
        .count();
    assert_eq!(members, 1, "not retried before the backoff");

    mx.advance(20).await;
    let retried = receiver.wait_for(2, of_type("MEMBER")).await;
    assert_eq!(retried.len(), 2);
    assert_eq!(retried[1].answered, 204);
    assert_eq!(retried[1].body, retried[0].body);
}

#[tokio::test]
async fn a_clock_jump_replays_every_retry_due_in_it() {
    // Four failures: the first attempt and the retries due 20, 60 and 140 s later.
    let (mx, receiver) = with_receiver(4).await;
    let user = mx.user().await;
    // An OAuth member waits for the end user: its MEMBER webhook is the only one.
    let created = mx
        .send(
            "POST",
            &format!("/users/{user}/members"),
            Some(serde_json::json!({"member": {"institution_code": "mx_bank_oauth", "is_oauth": true}})),
        )
        .await;
    assert_eq!(created.status, 200);
    let first = receiver.wait_for(1, |_| true).await;
    assert_eq!(first.len(), 1);
    // Within 300 s the retries at +20, +60, +140 and +300 all come due; the fifth attempt
    // (at +300) is the first the receiver accepts.
    mx.advance(300).await;
    let members = receiver.wait_for(5, of_type("MEMBER")).await;
    let answered: Vec<u16> = members.iter().map(|r| r.answered).collect();
    assert_eq!(answered, [500, 500, 500, 500, 204]);
}
