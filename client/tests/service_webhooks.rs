//! The reference service over loopback: MX's webhooks (from the emulator, and late or
//! repeated ones as MX's retries deliver them) are answered 204, repeats are dropped,
//! and a late webhook never rolls the member's outcome back.

mod common;

use std::time::Duration;

use common::{Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation_client::Limits;
use mx_aggregation_client::service::{MemberEntry, Service};
use mx_emulator::Emulator;
use serde_json::{Value, json};

struct Running {
    harness: Harness,
    service: Service<mx_aggregation_client::EmulatorClock>,
    base: String,
    http: reqwest::Client,
}

async fn start() -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = frozen_config();
    config.webhook_url = Some(format!("{base}/webhooks/mx"));
    let emulator = Emulator::start(config).await.expect("emulator");
    let mx = emulator.base_url().to_owned();
    let harness = Harness::with_base(emulator, &mx, Limits::default());
    let service = Service::new(harness.driver.clone());
    let router = service.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Running {
        harness,
        service,
        base,
        http: reqwest::Client::new(),
    }
}

impl Running {
    /// Waits (boundedly) until the member's background drive has ended.
    async fn settled(&self, member: &str) -> MemberEntry {
        for _ in 0..500 {
            if let Some(entry) = self.service.entry(member)
                && !entry.driving
                && (entry.outcome.is_some() || entry.error.is_some())
            {
                return entry;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the drive of {member} did not end");
    }

    async fn outcome(&self, member: &str) -> Value {
        let body: Value = self
            .http
            .get(format!("{}/members/{member}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["outcome"].clone()
    }

    async fn post_webhook(&self, body: &Value) -> u16 {
        self.http
            .post(format!("{}/webhooks/mx", self.base))
            .json(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

#[tokio::test]
async fn mfa_through_the_service_then_late_and_repeated_webhooks_change_nothing() {
    let run = start().await;
    let h = &run.harness;
    let user = h.user().await;
    let request = h.mxbank("challenge", "svc-1").await;
    let created: Value = run
        .http
        .post(format!("{}/users/{user}/members", run.base))
        .json(&json!({ "member": request }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guid = created["member"]["guid"].as_str().expect("guid").to_owned();

    run.settled(&guid).await;
    let outcome = run.outcome(&guid).await;
    assert_eq!(outcome["action"], "answer_mfa", "{outcome}");
    let challenge = outcome["challenges"][0]["guid"]
        .as_str()
        .unwrap()
        .to_owned();

    let status = run
        .http
        .post(format!("{}/members/{guid}/mfa", run.base))
        .json(&json!({ "answers": [{ "guid": challenge, "value": "correct" }] }))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 202);
    run.settled(&guid).await;
    let outcome = run.outcome(&guid).await;
    assert_eq!(outcome["outcome"], "read_data", "{outcome}");

    // MX's retry of the CHALLENGED webhook arrives after the member connected.
    let late = json!({
        "action": "CHANGED", "type": "CONNECTION_STATUS", "connection_status": "CHALLENGED",
        "connection_status_id": 3, "member_guid": guid, "user_guid": user,
        "late_field_mx_may_add": true,
    });
    let resumes = h.calls("resume").len();
    let challenges = h.calls("challenges").len();
    assert_eq!(run.post_webhook(&late).await, 204);
    run.settled(&guid).await;
    assert_eq!(
        run.outcome(&guid).await["outcome"],
        "read_data",
        "no rollback to MFA"
    );
    assert_eq!(h.calls("resume").len(), resumes);
    assert_eq!(
        h.calls("challenges").len(),
        challenges,
        "no challenge shown again"
    );

    // The same webhook again: dropped before any call.
    let entry = run.service.entry(&guid).unwrap();
    // Stamping a webhook reads the (virtual) clock; MX calls are what must not happen.
    let mx_calls = || {
        h.log
            .entries()
            .iter()
            .filter(|e| e.endpoint != "emulator_clock")
            .count()
    };
    let calls = mx_calls();
    assert_eq!(run.post_webhook(&late).await, 204);
    let after = run.service.entry(&guid).unwrap();
    assert_eq!(after.duplicates, entry.duplicates + 1);
    assert_eq!(after.webhooks, entry.webhooks);
    assert!(!after.driving);
    assert_eq!(mx_calls(), calls, "a repeat makes no call");
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn the_emulators_webhooks_reach_the_service_and_are_answered_204() {
    let run = start().await;
    let h = &run.harness;
    let user = h.user().await;
    let status = run
        .http
        .post(format!("{}/members/MBR-unknown/drive", run.base))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(
        status.as_u16(),
        404,
        "a member the service never created is unknown"
    );

    let created: Value = run
        .http
        .post(format!("{}/users/{user}/members", run.base))
        .json(&json!({ "member": h.mxbank("password", "svc-3").await }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let guid = created["member"]["guid"].as_str().unwrap().to_owned();
    run.settled(&guid).await;
    assert_eq!(run.outcome(&guid).await["outcome"], "read_data");
    // The completed aggregation's webhook is delivered by the emulator's task.
    for _ in 0..500 {
        let entry = run.service.entry(&guid).unwrap();
        if entry.webhooks + entry.duplicates > 0 {
            run.settled(&guid).await;
            assert_eq!(run.outcome(&guid).await["outcome"], "read_data");
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no webhook from the emulator reached the service");
}

#[tokio::test]
async fn a_body_that_is_not_a_webhook_is_still_answered_204() {
    let run = start().await;
    assert_eq!(run.post_webhook(&json!({ "not": "a webhook" })).await, 204);
    assert_eq!(run.post_webhook(&json!([1, 2, 3])).await, 204);
}
