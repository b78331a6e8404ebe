//! The webhook outbox and webhook faults: `GET /emulator/webhooks` lists every attempt and
//! its outcome, `POST /emulator/webhooks/{id}/redeliver` sends one again, and flags or
//! plans drop, duplicate, delay and reorder deliveries.

mod common;

use std::time::{Duration, Instant};

use common::{Mx, Receiver, frozen_config};
use mx_emulator::WebhookFaults;
use serde_json::{Value, json};

async fn with_receiver(failures: usize, faults: WebhookFaults) -> (Mx, Receiver) {
    let receiver = Receiver::start(failures).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    config.webhook_faults = faults;
    (Mx::start(config).await, receiver)
}

/// The outbox, once every delivery has left the `pending` state its `settled` says.
async fn outbox_when(mx: &Mx, settled: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = mx.send("GET", "/emulator/webhooks", None).await;
        assert_eq!(answer.status, 200);
        let list = answer.body["webhooks"].as_array().unwrap().clone();
        if settled(&list) || Instant::now() > deadline {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn outcomes(entry: &Value) -> Vec<String> {
    entry["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_outbox_lists_every_attempt_and_redelivers_on_demand() {
    let (mx, receiver) = with_receiver(1, WebhookFaults::default()).await;
    let user = mx.user().await;
    mx.member_guid(&user, "any").await;
    // The MEMBER created webhook: the receiver fails the first attempt.
    let list = outbox_when(&mx, |l| l.len() == 1 && outcomes(&l[0]).len() == 1).await;
    assert_eq!(list[0]["type"], "MEMBER");
    assert_eq!(list[0]["state"], "pending");
    assert_eq!(outcomes(&list[0]), ["failed"]);
    assert_eq!(list[0]["attempts"][0]["status"], 500);
    assert_eq!(list[0]["next_attempt_at"], "2026-03-02T09:00:20Z");

    // The retry is due 20 s later on the virtual clock.
    mx.advance(20).await;
    let list = outbox_when(&mx, |l| l[0]["state"] == "delivered").await;
    assert_eq!(outcomes(&list[0]), ["failed", "delivered"]);
    assert_eq!(list[0]["attempts"][1]["status"], 204);
    let id = list[0]["id"].as_u64().unwrap();

    let redeliver = mx
        .send("POST", &format!("/emulator/webhooks/{id}/redeliver"), None)
        .await;
    assert_eq!(redeliver.status, 202, "{:?}", redeliver.body);
    let list = outbox_when(&mx, |l| outcomes(&l[0]).len() == 3).await;
    assert_eq!(outcomes(&list[0]), ["failed", "delivered", "delivered"]);
    let members = receiver.wait_for(3, |r| r.body["type"] == "MEMBER").await;
    assert_eq!(members.len(), 3);
    assert_eq!(
        mx.send("POST", "/emulator/webhooks/999/redeliver", None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_drop_fault_sends_nothing_and_says_so() {
    let faults = WebhookFaults {
        drop: 1.0,
        ..WebhookFaults::default()
    };
    let (mx, receiver) = with_receiver(0, faults).await;
    let user = mx.user().await;
    mx.member_guid(&user, "any").await;
    mx.advance(2).await;
    let list = outbox_when(&mx, |l| {
        l.len() == 2 && l.iter().all(|w| w["state"] == "dropped")
    })
    .await;
    assert_eq!(list.len(), 2, "{list:?}");
    for entry in &list {
        assert_eq!(entry["state"], "dropped");
        assert_eq!(outcomes(entry), ["dropped"]);
    }
    assert!(receiver.all().is_empty());
}

#[tokio::test]
async fn a_duplicate_fault_from_a_plan_sends_each_webhook_twice() {
    let (mx, receiver) = with_receiver(0, WebhookFaults::default()).await;
    let loaded = mx
        .send(
            "POST",
            "/emulator/faults",
            Some(json!({"rules": [], "webhooks": {"duplicate": 1.0}})),
        )
        .await;
    assert_eq!(loaded.status, 200);
    let user = mx.user().await;
    let member = mx.member_guid(&user, "any").await;
    mx.advance(2).await;
    let data = receiver
        .wait_for(2, |r| r.body["type"] == "AGGREGATION")
        .await;
    assert_eq!(data.len(), 2);
    assert_eq!(data[0].body, data[1].body);
    assert_eq!(data[0].body["member_guid"], member.as_str());
    let list = outbox_when(&mx, |l| l.iter().all(|w| w["state"] == "delivered")).await;
    for entry in &list {
        assert_eq!(outcomes(entry), ["delivered", "duplicate"]);
    }
}

#[tokio::test]
async fn a_delay_holds_webhooks_on_the_virtual_clock() {
    let faults = WebhookFaults {
        delay_seconds: 30,
        ..WebhookFaults::default()
    };
    let (mx, receiver) = with_receiver(0, faults).await;
    let user = mx.user().await;
    mx.member_guid(&user, "any").await;
    mx.advance(29).await;
    let list = outbox_when(&mx, |_| true).await;
    assert!(list.iter().all(|w| w["state"] == "pending"), "{list:?}");
    assert_eq!(list[0]["next_attempt_at"], "2026-03-02T09:00:30Z");
    assert!(receiver.all().is_empty());
    mx.advance(1).await;
    assert_eq!(
        receiver
            .wait_for(1, |r| r.body["type"] == "MEMBER")
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn reordering_sends_the_webhooks_due_together_newest_first() {
    let faults = WebhookFaults {
        reorder: true,
        ..WebhookFaults::default()
    };
    let (mx, receiver) = with_receiver(0, faults).await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "any").await;
    // MEMBER queued at 09:00:00, AGGREGATION at 09:00:01, each held a second at least:
    // nothing leaves before the clock moves, and one jump makes both due together.
    let list = outbox_when(&mx, |_| true).await;
    assert_eq!(list[0]["next_attempt_at"], "2026-03-02T09:00:01Z");
    assert!(receiver.all().is_empty());
    mx.advance(2).await;
    let all = receiver.wait_for(2, |_| true).await;
    let kinds: Vec<_> = all.iter().map(|r| r.body["type"].clone()).collect();
    assert_eq!(kinds, ["AGGREGATION", "MEMBER"]);
    assert_eq!(all[0].body["member_guid"], member.as_str());
}

#[tokio::test]
async fn the_binary_takes_webhook_fault_flags() {
    let receiver = Receiver::start(0).await;
    let binary = common::Binary::start(&[
        "--frozen",
        "--webhook-url",
        &receiver.url,
        "--webhook-duplicate",
        "1",
        "--webhook-delay-secs",
        "5",
    ]);
    let mx = binary.client();
    let user = mx.user().await;
    mx.member_guid(&user, "any").await;
    let list = outbox_when(&mx, |_| true).await;
    assert_eq!(list[0]["state"], "pending");
    mx.advance(5).await;
    let members = receiver.wait_for(2, |r| r.body["type"] == "MEMBER").await;
    assert_eq!(members.len(), 2);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_mx-emulator"))
        .args([
            "--client-id",
            "I",
            "--api-key",
            "K",
            "--webhook-drop",
            "1.5",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

#[tokio::test]
async fn webhooks_due_counts_what_is_owed_until_answered() {
    // A receiver that takes the connection and never answers: the attempt stays in
    // flight until the emulator's 5 s timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = frozen_config();
    config.webhook_url = Some(format!("http://{}/hooks", silent.local_addr().unwrap()));
    let mx = Mx::start(config).await;
    let tenant = mx
        .emulator
        .as_ref()
        .and_then(|emulator| emulator.tenant(&mx.client_id))
        .expect("the emulator's tenant");
    assert_eq!(tenant.webhooks_due(), 0, "nothing queued");
    let user = mx.user().await;
    mx.member_guid(&user, "any").await;
    assert_eq!(
        tenant.webhooks_due(),
        1,
        "the MEMBER created webhook is owed"
    );

    // Answered (with a failure): the retry is due 20 s later on the virtual clock, so
    // nothing is owed meanwhile.
    let list = outbox_when(&mx, |l| l.len() == 1 && outcomes(&l[0]).len() == 1).await;
    assert_eq!(list[0]["state"], "pending", "{list:?}");
    assert_eq!(tenant.webhooks_due(), 0, "the retry is not due yet");
    drop(silent);
}
