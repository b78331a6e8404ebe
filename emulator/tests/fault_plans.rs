//! Fault plans: rules matching path, method, member and call kind answer 202, 409, 429
//! (with Retry-After) or 5xx, as exact ordered sequences or with seeded probabilities,
//! loaded through the control plane, the library API or a file given to the binary.

mod common;

use common::{Binary, Mx, frozen_config};
use mx_emulator::FaultPlan;
use serde_json::{Value, json};

/// A CONNECTED member past its throttle window: the next aggregation would start.
async fn connected_member(mx: &Mx) -> (String, String) {
    let user = mx.user().await;
    let member = mx.member_guid(&user, "any").await;
    mx.advance(2).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
    mx.advance(3 * 3600).await;
    (user, member)
}

fn rule_header(answer: &common::Answer) -> String {
    answer.headers["x-emulator-rule"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_sequence_is_honoured_exactly_then_answers_are_normal() {
    let mx = Mx::frozen().await;
    let (user, member) = connected_member(&mx).await;
    let before = mx.read(&user, &member).await;
    let loaded = mx
        .send(
            "POST",
            "/emulator/faults",
            Some(json!({"rules": [{
                "name": "two 429s",
                "call": "aggregate",
                "sequence": [{"status": 429, "retry_after": 30}, {"status": 429, "retry_after": 7}, "normal", 503],
            }]})),
        )
        .await;
    assert_eq!(loaded.status, 200, "{:?}", loaded.body);
    let aggregate = format!("/users/{user}/members/{member}/aggregate");

    let first = mx.send("POST", &aggregate, None).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.headers["retry-after"], "30");
    assert_eq!(
        rule_header(&first),
        "429: fault plan rule \"two 429s\" (step 1 of 4)"
    );
    assert!(first.body["error"]["message"].is_string());
    // A faulted request changes nothing: MX refused it before doing anything.
    let unchanged = mx.read(&user, &member).await;
    assert_eq!(unchanged["aggregated_at"], before["aggregated_at"]);
    assert_eq!(unchanged["is_being_aggregated"], false);

    let second = mx.send("POST", &aggregate, None).await;
    assert_eq!(second.status, 429);
    assert_eq!(second.headers["retry-after"], "7");
    assert_eq!(
        rule_header(&second),
        "429: fault plan rule \"two 429s\" (step 2 of 4)"
    );

    let third = mx.send("POST", &aggregate, None).await;
    assert_eq!(third.status, 202, "{:?}", third.body);
    assert_eq!(third.member()["is_being_aggregated"], true);
    assert!(rule_header(&third).contains("aggregation started"));

    let fourth = mx.send("POST", &aggregate, None).await;
    assert_eq!(fourth.status, 503);
    assert_eq!(
        rule_header(&fourth),
        "503: fault plan rule \"two 429s\" (step 4 of 4)"
    );

    // After the sequence: MX's own answer (the same job kind runs: 202).
    let fifth = mx.send("POST", &aggregate, None).await;
    assert_eq!(fifth.status, 202);
    assert!(rule_header(&fifth).contains("already running"));

    // Other calls were never matched.
    assert_eq!(
        mx.send("GET", &format!("/users/{user}/members/{member}"), None)
            .await
            .status,
        200
    );
    let state = mx.send("GET", "/emulator/faults", None).await;
    assert_eq!(state.body["rules"][0]["matched"], 5);
    assert_eq!(state.body["rules"][0]["fired"], 3);
}

#[tokio::test]
async fn rules_match_a_member_a_path_pattern_and_a_method() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let a = mx.member_guid(&user, "one").await;
    let b = mx.member_guid(&user, "two").await;
    mx.emulator.as_ref().unwrap().load_faults(
        FaultPlan::from_json(
            &json!({"rules": [
                {"name": "a is down", "member": a, "sequence": [500], "repeat": true},
                {"name": "statuses conflict", "path": "/users/*/members/*/status", "method": "get",
                 "sequence": [409]},
                {"name": "verify accepted", "call": "verify", "sequence": [202]},
            ]})
            .to_string(),
        )
        .unwrap(),
    );
    for _ in 0..3 {
        let read_a = mx
            .send("GET", &format!("/users/{user}/members/{a}"), None)
            .await;
        assert_eq!(read_a.status, 500);
    }
    assert_eq!(
        mx.send("GET", &format!("/users/{user}/members/{b}"), None)
            .await
            .status,
        200
    );
    let status_b = mx
        .send("GET", &format!("/users/{user}/members/{b}/status"), None)
        .await;
    assert_eq!(status_b.status, 409);
    assert_eq!(
        mx.send("GET", &format!("/users/{user}/members/{b}/status"), None)
            .await
            .status,
        200
    );
    // 202 from a plan: the member as it is, nothing started.
    mx.advance(2).await;
    let verify = mx
        .send("POST", &format!("/users/{user}/members/{b}/verify"), None)
        .await;
    assert_eq!(verify.status, 202);
    assert_eq!(verify.member()["guid"], b.as_str());
    assert_eq!(verify.member()["is_being_aggregated"], false);
}

/// The statuses 40 reads get under a 50% rule, with `seed`.
#[tokio::test]
async fn the_data_reads_are_calls_a_rule_can_name() {
    let mx = Mx::frozen().await;
    let (user, member) = connected_member(&mx).await;
    let plan = json!({"rules": [
        {"call": "list_transactions", "sequence": [503]},
        {"call": "read_account", "sequence": [429]},
    ]});
    assert_eq!(
        mx.send("POST", "/emulator/faults", Some(plan)).await.status,
        200
    );
    let listed = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/transactions"),
            None,
        )
        .await;
    assert_eq!(listed.status, 503);
    let accounts = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/accounts"),
            None,
        )
        .await;
    assert_eq!(accounts.status, 200, "list_accounts is not read_account");
    let guid = accounts.body["accounts"][0]["guid"].as_str().unwrap();
    let read = mx
        .send("GET", &format!("/users/{user}/accounts/{guid}"), None)
        .await;
    assert_eq!(read.status, 429);
    let again = mx
        .send("GET", &format!("/users/{user}/transactions"), None)
        .await;
    assert_eq!(again.status, 200, "the sequence is spent");
}

async fn coin_flips(seed: u64) -> Vec<u16> {
    let mut config = frozen_config();
    config.seed = seed;
    config.faults = FaultPlan::from_json(
        r#"{"rules": [{"call": "create_user", "probability": 0.5, "answer": 502}]}"#,
    )
    .unwrap();
    let mx = Mx::start(config).await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(
            mx.send("POST", "/users", Some(json!({"user": {}})))
                .await
                .status,
        );
    }
    statuses
}

#[tokio::test]
async fn probabilities_are_drawn_from_the_seed() {
    let first = coin_flips(7).await;
    assert_eq!(first, coin_flips(7).await);
    assert!(first.contains(&502) && first.contains(&200), "{first:?}");
    assert_ne!(first, coin_flips(8).await);
}

#[tokio::test]
async fn a_plan_that_cannot_be_played_is_refused_with_400() {
    let mx = Mx::frozen().await;
    for plan in [
        json!({"rules": [{"sequence": [404]}]}),
        json!({"rules": [{"probability": 0.5}]}),
        json!({"rules": [{"probability": 2, "answer": 500}]}),
        json!({"rules": [{"sequence": [429], "colour": "red"}]}),
    ] {
        let answer = mx
            .send("POST", "/emulator/faults", Some(plan.clone()))
            .await;
        assert_eq!(answer.status, 400, "{plan}: {:?}", answer.body);
    }
    let cleared = mx.send("DELETE", "/emulator/faults", None).await;
    assert_eq!(cleared.status, 200);
    assert_eq!(
        mx.send("GET", "/emulator/faults", None).await.body["rules"],
        Value::Array(Vec::new())
    );
}

#[tokio::test]
async fn the_binary_loads_a_plan_from_a_file() {
    let dir = std::env::temp_dir().join(format!("mx-emulator-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("plan.json");
    std::fs::write(
        &file,
        r#"{"rules": [{"name": "busy", "call": "create_user", "sequence": [{"status": 429, "retry_after": 12}]}]}"#,
    )
    .unwrap();
    let binary = Binary::start(&["--frozen", "--faults", file.to_str().unwrap()]);
    let mx = binary.client();
    let first = mx.send("POST", "/users", Some(json!({"user": {}}))).await;
    let second = mx.send("POST", "/users", Some(json!({"user": {}}))).await;
    drop(binary);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(first.status, 429);
    assert_eq!(first.headers["retry-after"], "12");
    assert_eq!(second.status, 200);
}

#[test]
fn the_binary_refuses_a_bad_plan_file() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mx-emulator"))
        .args([
            "--client-id",
            "I",
            "--api-key",
            "K",
            "--faults",
            "/nonexistent/plan.json",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("fault plan"));
}
