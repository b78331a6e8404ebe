//! The request journal: `GET /emulator/requests` lists each answered request of the
//! tenant (`seq`, `at`, `method`, `path`, `status`, `rule`, and `job_started` for the calls
//! that can start a job) in `seq` order, `?since=SEQ` reads only newer ones, an answer
//! stops after 10,000 entries with `"more": true`, the journal keeps the newest
//! `journal_entries`, and a reset clears it. `GET /emulator/clock` reads the clock.

mod common;

use common::{Mx, frozen_config, start_time};
use serde_json::{Value, json};

async fn journal(mx: &Mx, query: &str) -> Value {
    let answer = mx
        .send("GET", &format!("/emulator/requests{query}"), None)
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body
}

fn seqs(body: &Value) -> Vec<u64> {
    body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn each_request_is_journaled_with_its_rule_and_whether_a_job_started() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = mx.create_member(&user, "password").await;
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    mx.advance(1).await;
    let read = mx
        .send("GET", &format!("/users/{user}/members/{member}"), None)
        .await;
    let throttled = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    let missing = mx.send("GET", "/users/USR-none", None).await;
    assert_eq!(missing.status, 404);

    let body = journal(&mx, "").await;
    assert_eq!(body["more"], false);
    let entries = body["requests"].as_array().unwrap();
    // The control plane (the clock, this read) is not journaled.
    assert_eq!(seqs(&body), [1, 2, 3, 4, 5]);
    let rule = |answer: &common::Answer| {
        answer.headers["x-emulator-rule"]
            .to_str()
            .unwrap()
            .to_owned()
    };

    assert_eq!(entries[0]["method"], "POST");
    assert_eq!(entries[0]["path"], "/users");
    assert_eq!(entries[0]["status"], 200);
    assert!(entries[0].get("job_started").is_none(), "{}", entries[0]);
    assert_eq!(entries[0]["at"], "2026-03-02T09:00:00Z");

    assert_eq!(entries[1]["path"], format!("/users/{user}/members"));
    assert_eq!(entries[1]["status"], 202);
    assert_eq!(entries[1]["job_started"], true);
    assert_eq!(entries[1]["rule"], rule(&created).as_str());

    assert_eq!(entries[2]["method"], "GET");
    assert!(entries[2].get("job_started").is_none());
    assert_eq!(entries[2]["rule"], rule(&read).as_str());
    assert_eq!(entries[2]["at"], "2026-03-02T09:00:01Z");

    assert_eq!(entries[3]["status"], 202);
    assert_eq!(entries[3]["job_started"], false, "inside the window");
    assert_eq!(entries[3]["rule"], rule(&throttled).as_str());

    assert_eq!(entries[4]["status"], 404);
    assert_eq!(entries[4]["path"], "/users/USR-none");

    let newer = journal(&mx, "?since=3").await;
    assert_eq!(seqs(&newer), [4, 5]);
    assert!(
        journal(&mx, "?since=5").await["requests"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        mx.send("GET", "/emulator/requests?since=x", None)
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn the_journal_keeps_the_newest_entries_and_a_reset_clears_it() {
    let mut config = frozen_config();
    config.journal_entries = 3;
    let mx = Mx::start(config).await;
    for _ in 0..5 {
        mx.send("GET", "/users/USR-none", None).await;
    }
    let body = journal(&mx, "").await;
    assert_eq!(seqs(&body), [3, 4, 5]);
    assert_eq!(seqs(&journal(&mx, "?since=1").await), [3, 4, 5]);

    let reset = mx.send("POST", "/emulator/reset", None).await;
    assert_eq!(reset.status, 200);
    assert!(
        journal(&mx, "").await["requests"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    mx.send("GET", "/users/USR-none", None).await;
    assert_eq!(seqs(&journal(&mx, "").await), [1]);
}

#[tokio::test]
async fn an_answer_stops_after_10000_entries_with_more() {
    let mx = Mx::frozen().await;
    for _ in 0..10_002 {
        mx.send("GET", "/users/USR-none", None).await;
    }
    let first = journal(&mx, "").await;
    assert_eq!(first["requests"].as_array().unwrap().len(), 10_000);
    assert_eq!(first["more"], true);
    let last = seqs(&first).last().copied().unwrap();
    assert_eq!(last, 10_000);
    let rest = journal(&mx, &format!("?since={last}")).await;
    assert_eq!(seqs(&rest), [10_001, 10_002]);
    assert_eq!(rest["more"], false);
}

#[tokio::test]
async fn the_clock_reads_like_a_zero_second_advance() {
    let mx = Mx::frozen().await;
    let read = mx.send("GET", "/emulator/clock", None).await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body, json!({"now": "2026-03-02T09:00:00Z"}));
    let advanced = mx.advance(0).await;
    assert_eq!(advanced, start_time());
    mx.advance(90).await;
    let read = mx.send("GET", "/emulator/clock", None).await;
    assert_eq!(read.body["now"], "2026-03-02T09:01:30Z");
}
