//! MX's 3-hour throttle, concurrent jobs (202/409) and rate limits (429).

mod common;

use std::time::Duration;

use common::{Mx, frozen_config};

async fn connected(mx: &Mx) -> (String, String) {
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
    (user, member)
}

#[tokio::test]
async fn an_aggregation_inside_the_window_is_202_and_starts_nothing_until_the_clock_jumps() {
    let mx = Mx::frozen().await;
    let (user, member) = connected(&mx).await;
    let before = mx.read(&user, &member).await;
    mx.advance(2 * 3600).await;
    let throttled = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(throttled.status, 202);
    assert_eq!(throttled.member()["is_being_aggregated"], false);
    assert_eq!(throttled.member()["aggregated_at"], before["aggregated_at"]);
    assert_eq!(
        throttled.member()["most_recent_job_guid"],
        before["most_recent_job_guid"]
    );

    mx.advance(3600).await;
    let started = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(started.status, 202);
    assert_eq!(started.member()["is_being_aggregated"], true);
    assert_ne!(started.member()["aggregated_at"], before["aggregated_at"]);
}

#[tokio::test]
async fn the_window_survives_deleting_and_recreating_the_member() {
    let mx = Mx::frozen().await;
    let (user, member) = connected(&mx).await;
    let before = mx.read(&user, &member).await;
    assert_eq!(
        mx.send("DELETE", &format!("/users/{user}/members/{member}"), None)
            .await
            .status,
        204
    );
    mx.advance(60).await;
    let again = mx.create_member(&user, "password").await;
    assert_eq!(again.status, 200, "nothing starts inside the window");
    assert_eq!(again.member()["is_being_aggregated"], false);
    assert_eq!(again.member()["aggregated_at"], before["aggregated_at"]);
    assert_eq!(
        again.member()["successfully_aggregated_at"],
        before["successfully_aggregated_at"]
    );
    let guid = again.member()["guid"].as_str().unwrap().to_owned();
    let throttled = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{guid}/aggregate"),
            None,
        )
        .await;
    assert_eq!(throttled.member()["is_being_aggregated"], false);
    mx.advance(3 * 3600).await;
    let started = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{guid}/aggregate"),
            None,
        )
        .await;
    assert_eq!(started.member()["is_being_aggregated"], true);
}

#[tokio::test]
async fn the_integration_environment_does_not_throttle_mxbank() {
    let mut config = frozen_config();
    config.integration_env = true;
    let mx = Mx::start(config).await;
    let (user, member) = connected(&mx).await;
    let started = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(started.status, 202);
    assert_eq!(started.member()["is_being_aggregated"], true);
}

#[tokio::test]
async fn throttling_from_any_job_blocks_after_a_failure_too() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "BAD_REQUEST").await;
    mx.advance(1).await;
    let throttled = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(throttled.status, 202);
    assert_eq!(throttled.member()["is_being_aggregated"], false);

    // Throttling from the last success only (the seed's reading): a failed member can try
    // again.
    let mut config = frozen_config();
    config.throttle_from = mx_emulator::ThrottleFrom::Success;
    let mx = Mx::start(config).await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "BAD_REQUEST").await;
    mx.advance(1).await;
    let started = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(started.member()["is_being_aggregated"], true);
}

#[tokio::test]
async fn the_same_job_kind_is_202_and_another_kind_409() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "challenge").await;
    mx.advance(1).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "CHALLENGED");
    let same = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(same.status, 202);
    assert_eq!(
        same.member()["most_recent_job_guid"],
        read["most_recent_job_guid"]
    );
    let other = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/verify"),
            None,
        )
        .await;
    assert_eq!(other.status, 409);
    assert!(other.body["error"]["message"].is_string());
    let identify = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/identify"),
            None,
        )
        .await;
    assert_eq!(identify.status, 409);
}

#[tokio::test]
async fn a_verification_inside_the_window_runs_and_an_aggregation_waits() {
    let mx = Mx::frozen().await;
    let (user, member) = connected(&mx).await;
    let verify = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/verify"),
            None,
        )
        .await;
    assert_eq!(verify.status, 200);
    assert_eq!(verify.member()["is_being_aggregated"], true);
    let aggregate = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(aggregate.status, 409);
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after() {
    let mut config = frozen_config();
    config.rate_limit = Some(3);
    let mx = Mx::start(config).await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            mx.send("GET", "/institutions/mxbank/credentials", None)
                .await,
        );
    }
    let codes: Vec<u16> = statuses.iter().map(|a| a.status).collect();
    assert_eq!(codes, [200, 200, 200, 429, 429]);
    assert_eq!(statuses[3].headers["retry-after"], "1");
    mx.emulator
        .as_ref()
        .unwrap()
        .advance_clock(Duration::from_secs(1))
        .unwrap();
    assert_eq!(
        mx.send("GET", "/institutions/mxbank/credentials", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn rate_limits_are_off_by_default() {
    let mx = Mx::frozen().await;
    for _ in 0..50 {
        assert_eq!(
            mx.send("GET", "/institutions/mxbank/credentials", None)
                .await
                .status,
            200
        );
    }
}
