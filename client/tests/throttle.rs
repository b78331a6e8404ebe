//! MX's 3-hour window on the emulator's virtual clock: the driver waits it out (or hands
//! the wait back) and aggregates only once it is over.

mod common;

use std::time::Duration;

use chrono::DateTime;
use common::{Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation::Reason;
use mx_aggregation_client::{Limits, Outcome};

/// A member connected, deleted and created again an hour later: MX keeps the window of
/// the identical member, so the new one arrives inside it.
async fn recreated_inside_the_window(
    h: &Harness,
) -> (mx_aggregation_client::MemberRef, DateTime<chrono::Utc>) {
    let user = h.user().await;
    let request = h.mxbank("password", "m-throttle").await;
    let first = h.create(&user, &request).await;
    let Outcome::ReadData { member, .. } = h.driver.drive(&first).await.expect("drive") else {
        panic!("first member connects");
    };
    let success: DateTime<chrono::Utc> = member
        .successfully_aggregated_at
        .as_deref()
        .expect("success time")
        .parse()
        .expect("RFC 3339");
    h.client.delete_member(&first).await.expect("deleted");
    h.advance(Duration::from_secs(3600));
    let second = h.create(&user, &request).await;
    (second, success)
}

#[tokio::test]
async fn a_wait_past_max_wait_is_handed_back_and_nothing_is_aggregated() {
    let h = Harness::start(frozen_config()).await;
    let (member, success) = recreated_inside_the_window(&h).await;

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::WaitUntil { until, reason } = outcome else {
        panic!("expected a wait, got {outcome:?}");
    };
    assert_eq!(reason, Reason::Cooldown);
    assert_eq!(until, success + chrono::TimeDelta::hours(3));
    assert!(
        h.calls("aggregate").is_empty(),
        "no aggregate inside the window"
    );
}

#[tokio::test]
async fn the_driver_sleeps_through_the_window_then_aggregates_once() {
    let h = Harness::start(frozen_config()).await;
    let (member, success) = recreated_inside_the_window(&h).await;
    let h = h.limits(Limits {
        max_wait: Duration::from_secs(4 * 3600),
        ..Limits::default()
    });

    let outcome = h.driver.drive(&member).await.expect("drive");

    let Outcome::ReadData { member: read, .. } = outcome else {
        panic!("expected read_data after the window, got {outcome:?}");
    };
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    let aggregates = h.calls("aggregate");
    assert_eq!(aggregates.len(), 1, "one aggregate, after the window");
    let body: serde_json::Value = serde_json::from_str(&aggregates[0].body).unwrap();
    let started: DateTime<chrono::Utc> = body["member"]["aggregated_at"]
        .as_str()
        .expect("aggregated_at")
        .parse()
        .unwrap();
    assert!(
        started >= success + chrono::TimeDelta::hours(3),
        "aggregated at {started}, inside the window that ends 3 h after {success}"
    );
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn driving_again_after_the_handed_back_wait_reaches_read_data() {
    let h = Harness::start(frozen_config()).await;
    let (member, _) = recreated_inside_the_window(&h).await;
    let Outcome::WaitUntil { until, .. } = h.driver.drive(&member).await.expect("drive") else {
        panic!("expected a wait");
    };
    // A scheduler comes back at `until`: jump the virtual clock there.
    let now = h.emulator.now();
    h.advance((until - now).to_std().expect("until is ahead"));

    let outcome = h.driver.drive(&member).await.expect("drive");

    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
    assert_eq!(h.calls("aggregate").len(), 1);
    assert_no_forbidden_aggregate(&h.log);
}
