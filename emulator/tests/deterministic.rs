//! Deterministic runs: with `--seed` the same requests give the same GUIDs and answers,
//! and with `--frozen` jobs move only when the clock is advanced.

mod common;

use std::time::Duration;

use common::{Binary, Mx, frozen_config};
use serde_json::{Value, json};

/// A small scenario's answers (status and body of each request).
async fn scenario(mx: &Mx) -> Vec<(u16, Value)> {
    let mut answers = Vec::new();
    let user = mx
        .send("POST", "/users", Some(json!({"user": {"id": "u"}})))
        .await;
    let user_guid = user.body["user"]["guid"].as_str().unwrap().to_owned();
    answers.push((user.status, user.body));
    let created = mx.create_member(&user_guid, "challenge").await;
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    answers.push((created.status, created.body));
    mx.advance(1).await;
    let challenges = mx
        .send(
            "GET",
            &format!("/users/{user_guid}/members/{member}/challenges"),
            None,
        )
        .await;
    answers.push((challenges.status, challenges.body));
    let resumed = mx.answer_mfa(&user_guid, &member, "correct").await;
    answers.push((resumed.status, resumed.body));
    mx.advance(1).await;
    let read = mx
        .send("GET", &format!("/users/{user_guid}/members/{member}"), None)
        .await;
    answers.push((read.status, read.body));
    answers
}

async fn run_with_seed(seed: u64) -> Vec<(u16, Value)> {
    let mut config = frozen_config();
    config.seed = seed;
    scenario(&Mx::start(config).await).await
}

#[tokio::test]
async fn the_same_seed_gives_the_same_answers_and_another_seed_other_guids() {
    let first = run_with_seed(42).await;
    assert_eq!(first, run_with_seed(42).await);
    let other = run_with_seed(43).await;
    assert_ne!(first[0].1["user"]["guid"], other[0].1["user"]["guid"]);
    assert_ne!(first[1].1["member"]["guid"], other[1].1["member"]["guid"]);
    assert_eq!(first[4].1["member"]["connection_status"], "CONNECTED");
}

#[tokio::test]
async fn the_binary_with_seed_and_frozen_repeats_itself() {
    let one = Binary::start(&[
        "--seed",
        "9",
        "--frozen",
        "--start-at",
        "2026-03-02T09:00:00Z",
    ]);
    let two = Binary::start(&[
        "--seed",
        "9",
        "--frozen",
        "--start-at",
        "2026-03-02T09:00:00Z",
    ]);
    let a = scenario(&one.client()).await;
    let b = scenario(&two.client()).await;
    assert_eq!(a, b);
}

#[tokio::test]
async fn a_frozen_clock_moves_jobs_only_when_advanced() {
    let mut config = frozen_config();
    // Steps of a millisecond: a running clock would finish the job at once.
    config.step = Duration::from_millis(1);
    let mx = Mx::start(config).await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "any").await;
    let start = mx.advance(0).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let still = mx.read(&user, &member).await;
    assert_eq!(still["connection_status"], "CREATED");
    assert_eq!(still["is_being_aggregated"], true);
    assert_eq!(mx.advance(0).await, start);
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
}
