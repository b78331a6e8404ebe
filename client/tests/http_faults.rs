//! MX's HTTP failures, injected between the client and the emulator: the driver follows
//! the crate's classification (retry, back off, check before repeating) and still
//! reaches the scenario's outcome, without a second member or a forbidden call.

mod common;

use std::time::Duration;

use axum::http::Method;
use common::proxy::{Fault, Proxy};
use common::{API_KEY, CLIENT_ID, Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation::{NextStep, Policy};
use mx_aggregation_client::{Driver, EmulatorClock, Limits, MxClient, MxConfig, Outcome};
use mx_emulator::Emulator;

/// A harness whose client talks to the emulator through the fault proxy.
async fn behind_proxy() -> (Harness, Proxy) {
    let emulator = Emulator::start(frozen_config()).await.expect("emulator");
    let proxy = Proxy::start(emulator.base_url()).await;
    let harness = Harness::with_base(emulator, &proxy.base_url, Limits::default());
    (harness, proxy)
}

#[tokio::test]
async fn rate_limited_reads_are_retried_after_retry_after() {
    let (h, proxy) = behind_proxy().await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-429").await;
    let member = h.create(&user, &request).await;
    let mut fault = Fault::new(Method::GET, "", 429);
    fault.retry_after = Some("7");
    proxy.inject(fault.clone());
    proxy.inject(fault);
    let before = h.emulator.now();

    let outcome = h.driver.drive(&member).await.expect("drive");

    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
    assert_eq!(proxy.injected().len(), 2);
    let statuses: Vec<_> = h.calls("read").iter().map(|c| c.status).collect();
    assert_eq!(&statuses[..2], &[Some(429), Some(429)]);
    let waited = (h.emulator.now() - before).num_seconds();
    assert!(waited >= 14, "waited {waited} s for two Retry-After: 7");
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_with_backoff() {
    let (h, proxy) = behind_proxy().await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-5xx").await;
    let member = h.create(&user, &request).await;
    for status in [500, 503, 502] {
        proxy.inject(Fault::new(Method::GET, "", status));
    }

    let outcome = h.driver.drive(&member).await.expect("drive");

    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
    assert_eq!(proxy.pending(), 0);
    assert_eq!(proxy.injected().len(), 3);
}

#[tokio::test]
async fn a_lost_create_answer_is_checked_and_the_member_is_not_created_twice() {
    let (h, proxy) = behind_proxy().await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-lost").await;
    // MX creates the member; the answer is lost on the way back.
    let mut fault = Fault::new(Method::POST, "/members", 503);
    fault.forward = true;
    proxy.inject(fault);

    let member = h.create(&user, &request).await;

    let members = h.client.all_members(&user).await.expect("list");
    assert_eq!(members.len(), 1, "one member, not two");
    assert_eq!(members[0].guid.as_deref(), Some(member.member.as_str()));
    assert_eq!(h.calls("create").len(), 1, "create was not repeated");
    assert_eq!(
        h.calls("list_members").len(),
        2,
        "the check listed the members"
    );
    let outcome = h.driver.drive(&member).await.expect("drive");
    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
}

#[tokio::test]
async fn a_create_answered_409_finds_the_existing_member() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-409").await;
    let first = h.create(&user, &request).await;

    let again = h.create(&user, &request).await;

    assert_eq!(again, first);
    let creates: Vec<_> = h.calls("create").iter().map(|c| c.status).collect();
    assert_eq!(creates, vec![Some(202), Some(409)]);
}

#[tokio::test]
async fn a_409_on_aggregate_polls_then_aggregates_again() {
    let (h, proxy) = behind_proxy().await;
    let h = h.limits(Limits {
        max_wait: Duration::from_secs(4 * 3600),
        ..Limits::default()
    });
    let user = h.user().await;
    let mut request = h.mxbank("password", "m-conflict").await;
    // No background aggregation: a day later the data is stale.
    request.background_aggregation_is_disabled = Some(true);
    let first = h.create(&user, &request).await;
    assert!(matches!(
        h.driver.drive(&first).await.expect("drive"),
        Outcome::ReadData { .. }
    ));
    // A day later the data is stale and the crate aggregates.
    h.advance(Duration::from_secs(30 * 3600));
    // The first aggregate meets another job kind (MX: 409).
    proxy.inject(Fault::new(Method::POST, "/aggregate", 409));

    let outcome = h.driver.drive(&first).await.expect("drive");

    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
    let statuses: Vec<_> = h.calls("aggregate").iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        vec![Some(409), Some(202)],
        "polled, then aggregated again"
    );
    // The injected 409 is not MX's answer: audit MX's answers only.
    for call in h.calls("aggregate").iter().skip(1) {
        let body: serde_json::Value = serde_json::from_str(&call.body).unwrap();
        assert_eq!(body["member"]["is_being_aggregated"], true);
    }
}

#[tokio::test]
async fn wrong_credentials_stop_with_fix_client() {
    let emulator = Emulator::start(frozen_config()).await.expect("emulator");
    let client =
        MxClient::new(MxConfig::new(emulator.base_url(), CLIENT_ID, "wrong")).expect("client");
    let good = MxClient::new(MxConfig::new(emulator.base_url(), CLIENT_ID, API_KEY)).unwrap();
    let driver = Driver::new(client, EmulatorClock::new(good), Policy::default());
    let member = mx_aggregation_client::MemberRef::new("USR-x", "MBR-x");

    let outcome = driver.drive(&member).await.expect("drive");

    let Outcome::CallFailed { endpoint, http } = outcome else {
        panic!("expected a failed call, got {outcome:?}");
    };
    assert_eq!(endpoint, "read");
    assert_eq!(http.step, NextStep::FixClient);
    assert_eq!(http.rule.code(), "unauthorized");
}

#[tokio::test]
async fn a_member_that_is_gone_ends_the_drive() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-gone").await;
    let member = h.create(&user, &request).await;
    h.client.delete_member(&member).await.expect("deleted");

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::CallFailed { http, .. } = outcome else {
        panic!("expected member gone, got {outcome:?}");
    };
    assert_eq!(http.step, NextStep::MemberGone);
    assert_no_forbidden_aggregate(&h.log);
}
