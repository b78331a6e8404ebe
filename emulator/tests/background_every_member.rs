//! MX's daily background aggregation runs for every member whose background aggregation
//! is enabled, whatever its status: a FAILED member gets its background job 23 to 24 hours
//! after its latest job, and the job plays the member's credentials. MX Bank credentials
//! that are denied are tried in the background until the third failure makes the member
//! PREVENTED. A member MX holds for new credentials (PREVENTED, `needs_updated_credentials`
//! true) and a member with `background_aggregation_is_disabled` get none.

mod common;

use common::{Mx, Receiver, frozen_config};
use serde_json::{Value, json};

async fn with_webhooks() -> (Mx, Receiver) {
    let receiver = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    (Mx::start(config).await, receiver)
}

async fn force(mx: &Mx, member: &str, status: &str) -> Value {
    let answer = mx
        .send(
            "POST",
            &format!("/emulator/members/{member}/connection_status"),
            Some(json!({ "connection_status": status })),
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.member().clone()
}

/// The member's background jobs, as its trace records them.
async fn background_moves(mx: &Mx, member: &str) -> usize {
    let answer = mx
        .send("GET", &format!("/emulator/members/{member}/trace"), None)
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["event"] == "background_aggregation")
        .count()
}

/// The member's AGGREGATION webhooks with `is_background: true`.
async fn background_webhooks(mx: &Mx, member: &str) -> usize {
    let answer = mx
        .send(
            "GET",
            &format!("/emulator/webhooks?member={member}&type=AGGREGATION"),
            None,
        )
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|hook| hook["body"]["is_background"] == true)
        .count()
}

#[tokio::test]
async fn a_failed_member_gets_its_background_job() {
    let (mx, _receiver) = with_webhooks().await;
    let (user, member) = mx.connected().await;
    let forced = force(&mx, &member, "FAILED").await;
    assert_eq!(forced["needs_updated_credentials"], false);
    let forced_job = forced["aggregated_at"].clone();
    assert_eq!(background_moves(&mx, &member).await, 0);

    mx.advance(24 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_ne!(read["aggregated_at"], forced_job, "a background job ran");
    assert_eq!(background_moves(&mx, &member).await, 1);
    mx.advance(60).await;
    assert_eq!(background_webhooks(&mx, &member).await, 1);
    // MX Bank's `password` logs in: the job connects the member again.
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
}

#[tokio::test]
async fn a_prevented_member_waits_for_new_credentials() {
    let (mx, _receiver) = with_webhooks().await;
    let (user, member) = mx.connected().await;
    let forced = force(&mx, &member, "PREVENTED").await;
    assert_eq!(forced["needs_updated_credentials"], true);
    let forced_job = forced["aggregated_at"].clone();

    mx.advance(48 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["aggregated_at"], forced_job, "no job ran");
    assert_eq!(read["connection_status"], "PREVENTED");
    assert_eq!(background_moves(&mx, &member).await, 0);
    assert_eq!(background_webhooks(&mx, &member).await, 0);
}

#[tokio::test]
async fn denied_credentials_are_tried_in_the_background_until_prevented() {
    let (mx, _receiver) = with_webhooks().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "UNAUTHORIZED").await;
    mx.advance(60).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "DENIED");
    assert_eq!(read["needs_updated_credentials"], false);

    mx.advance(24 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "DENIED", "{read}");
    assert_eq!(background_moves(&mx, &member).await, 1);

    mx.advance(24 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "PREVENTED", "{read}");
    assert_eq!(read["needs_updated_credentials"], true);
    assert_eq!(background_moves(&mx, &member).await, 2);
    let prevented_job = read["aggregated_at"].clone();

    mx.advance(72 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["aggregated_at"], prevented_job, "no job ran");
    assert_eq!(background_moves(&mx, &member).await, 2);
}

#[tokio::test]
async fn a_member_with_background_disabled_gets_none() {
    let (mx, _receiver) = with_webhooks().await;
    let (user, member) = mx.connected().await;
    let update = mx
        .send(
            "PUT",
            &format!("/users/{user}/members/{member}"),
            Some(json!({ "member": { "background_aggregation_is_disabled": true } })),
        )
        .await;
    assert!(update.status < 300, "{:?}", update.body);
    mx.advance(4 * 3600).await;
    let forced = force(&mx, &member, "FAILED").await;
    assert_eq!(forced["background_aggregation_is_disabled"], true);
    let forced_job = forced["aggregated_at"].clone();

    mx.advance(48 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["aggregated_at"], forced_job, "no job ran");
    assert_eq!(read["connection_status"], "FAILED");
    assert_eq!(background_moves(&mx, &member).await, 0);
    assert_eq!(background_webhooks(&mx, &member).await, 0);
}
