//! Every answer explained: `X-Emulator-Rule` names the rule behind each answer, and
//! `GET /emulator/members/{member}/trace` lists each transition with its lifecycle edge
//! and source.

mod common;

use common::Mx;

fn rule(answer: &common::Answer) -> &str {
    answer
        .headers
        .get("x-emulator-rule")
        .unwrap_or_else(|| panic!("no X-Emulator-Rule: {:?}", answer.headers))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn the_throttle_window_names_its_end() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = mx.create_member(&user, "any").await;
    assert_eq!(
        rule(&created),
        "202: created; MX starts an aggregation on the automatic_aggregation edge"
    );
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    let aggregate = format!("/users/{user}/members/{member}/aggregate");

    let running = mx.send("POST", &aggregate, None).await;
    assert_eq!(running.status, 202);
    assert!(
        rule(&running).starts_with("202: an aggregation is already running (JOB-"),
        "{}",
        rule(&running)
    );

    let verify = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/verify"),
            None,
        )
        .await;
    assert_eq!(verify.status, 409);
    assert_eq!(
        rule(&verify),
        "409: a job of another kind (aggregation) is running on this member"
    );

    // The job started at 09:00:00 and succeeded at 09:00:01: the window counts from the
    // later of the two and runs until 12:00:01.
    mx.advance(1).await;
    let throttled = mx.send("POST", &aggregate, None).await;
    assert_eq!(throttled.status, 202);
    assert_eq!(throttled.member()["is_being_aggregated"], false);
    assert_eq!(
        rule(&throttled),
        "202: inside the 3-hour window until 2026-03-02T12:00:01Z \
         (from the last aggregation-type job's start or success); nothing starts"
    );

    mx.advance(3 * 3600).await;
    let started = mx.send("POST", &aggregate, None).await;
    assert_eq!(started.status, 202);
    assert_eq!(started.member()["is_being_aggregated"], true);
    assert_eq!(
        rule(&started),
        "202: aggregation started on the lifecycle edge aggregate"
    );
}

#[tokio::test]
async fn errors_reads_and_the_control_plane_are_explained_too() {
    let mx = Mx::frozen().await;
    let missing = mx.send("GET", "/users/USR-none/members", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(rule(&missing), "404: user not found");
    let user = mx.user().await;
    let read = mx.send("GET", &format!("/users/{user}"), None).await;
    assert_eq!(
        rule(&read),
        "200: read_user, answered from the emulator's state"
    );
    let clock = mx
        .send(
            "POST",
            "/emulator/clock",
            Some(serde_json::json!({"advance_seconds": 0})),
        )
        .await;
    assert!(rule(&clock).contains("control plane"));
}

#[tokio::test]
async fn the_trace_lists_each_transition_with_its_rule_and_source() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "challenge").await;
    mx.advance(1).await;
    assert_eq!(mx.answer_mfa(&user, &member, "correct").await.status, 202);
    mx.advance(1).await;

    let answer = mx
        .send("GET", &format!("/emulator/members/{member}/trace"), None)
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["member_guid"], member.as_str());
    assert_eq!(answer.body["connection_status"], "CONNECTED");
    let trace = answer.body["trace"].as_array().unwrap();
    let moves: Vec<(String, String, String)> = trace
        .iter()
        .map(|t| {
            (
                t["from"].as_str().unwrap().to_owned(),
                t["event"].as_str().unwrap().to_owned(),
                t["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("[*]", "member_created", "CREATED"),
        ("CREATED", "automatic_aggregation", "AGGREGATING"),
        ("AGGREGATING", "mfa_required", "CHALLENGED"),
        ("CHALLENGED", "answer_mfa", "RESUMED"),
        ("RESUMED", "job_succeeded", "CONNECTED"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(moves, expected, "{trace:#?}");
    assert_eq!(trace[0]["at"], "2026-03-02T09:00:00Z");
    assert_eq!(trace[4]["at"], "2026-03-02T09:00:02Z");
    for entry in trace {
        let rule = entry["rule"].as_str().unwrap();
        assert!(
            rule.contains("-->") && !rule.contains("off the lifecycle model"),
            "{rule}"
        );
        assert!(!entry["source"].as_str().unwrap().is_empty());
        assert!(entry["cause"].is_string());
    }
    assert_eq!(trace[3]["cause"], "service");
    assert_eq!(trace[4]["cause"], "MX (job)");
    assert_eq!(
        mx.send("GET", "/emulator/members/MBR-none/trace", None)
            .await
            .status,
        404
    );
}
