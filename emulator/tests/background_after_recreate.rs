//! A member created inside an identical member's throttle window (200, nothing starts)
//! is still aggregated in the background, 23 to 24 hours after its creation, and every
//! day after that.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::Mx;

fn at(value: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn a_throttled_re_create_is_aggregated_in_the_background() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let first = mx.member_guid(&user, "password").await;
    mx.advance(60).await;
    assert_eq!(
        mx.read(&user, &first).await["connection_status"],
        "CONNECTED"
    );
    let deleted = mx
        .send("DELETE", &format!("/users/{user}/members/{first}"), None)
        .await;
    assert_eq!(deleted.status, 204);
    mx.advance(3600).await;

    let again = mx.create_member(&user, "password").await;
    assert_eq!(again.status, 200, "inside the window: {:?}", again.body);
    assert_eq!(again.member()["is_being_aggregated"], false);
    let member = again.member()["guid"].as_str().unwrap().to_owned();
    let created_at = mx.advance(0).await;
    let throttled_job = again.member()["aggregated_at"].clone();

    mx.advance(25 * 3600).await;
    let read = mx.read(&user, &member).await;
    assert_ne!(read["aggregated_at"], throttled_job, "a background job ran");
    let started = at(&read["aggregated_at"]);
    let after = started - created_at;
    assert!(
        after >= TimeDelta::hours(23) && after < TimeDelta::hours(24),
        "{after}"
    );
    assert_eq!(read["connection_status"], "CONNECTED");
    assert!(
        at(&read["successfully_aggregated_at"]) > started,
        "it succeeded"
    );

    mx.advance(24 * 3600).await;
    let next = at(&mx.read(&user, &member).await["aggregated_at"]);
    let gap = next - started;
    assert!(
        gap >= TimeDelta::hours(23) && gap < TimeDelta::hours(24),
        "{gap}"
    );
}
