//! `--end-user-concurrency` bounds the end users' drives: with one slot, a second end
//! user's drive waits its turn (`mx_service_drives_queued`) while the first waits for
//! MX's job, both keep their leases past the lease's 30 s of wall time (the queued one
//! too, so no other instance takes its member over), and both finish once they may. When
//! the queued end user asks again, the newer drive stops the queued one at once. On
//! the followed clock, so that the first drive's wait lasts until this test moves the
//! clock.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Connection;
use support::Scratch;
use support::api::Api;
use support::db::Database;
use support::fleet::{Scenario, correct_answers};
use support::harness::Harness;
use support::metrics::{gauge, move_to_next_wait};

/// The member's view in the service.
async fn view(api: &Api, member: &str) -> Value {
    api.get(&format!("/members/{member}"))
        .await
        .map(|answer| answer.body["member"].clone())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_end_users_drive_waits_for_the_one_slot() {
    let scratch = Scratch::new("end-user-slots");
    let database = Database::sqlite(&scratch.path);
    let extra = ["--end-user-concurrency", "1"];
    let mut h = Harness::start_following("slots", &scratch.path, database, &extra).await;
    let (mx, api) = (&h.mx, &h.api);
    let base = h.instance.base_url.clone();
    let http = reqwest::Client::new();
    let log = || h.log();

    // Two end users (MX refuses a second member of one user at one institution).
    let mut members = Vec::new();
    for n in 0..2 {
        let user = api.user(&format!("u-slots-{n}")).await;
        let body = Scenario::Mfa.member(&format!("m-slots-{n}"));
        members.push(
            api.create_member(&user, &format!("k-slots-{n}"), &body)
                .await,
        );
    }
    // Both reach MX's challenge (the scheduler's drives, the clock moved to their waits).
    let mut challenged = Vec::new();
    for _ in 0..400 {
        challenged.clear();
        for member in &members {
            let view = view(api, member).await;
            if view["action"] == "answer_mfa" && view["challenges"].is_array() {
                challenged.push(view);
            }
        }
        if challenged.len() == members.len() {
            break;
        }
        move_to_next_wait(&http, &base, mx).await;
    }
    assert_eq!(challenged.len(), 2, "both challenged\n{}", log());

    // Both end users answer: one drive runs (and waits for MX's job), one is queued.
    for (member, view) in members.iter().zip(&challenged) {
        let answers = correct_answers(view);
        let answered = api
            .send(
                "POST",
                &format!("/members/{member}/mfa"),
                Some(&json!({ "answers": answers })),
                &[],
            )
            .await;
        assert_eq!(answered.map(|a| a.status), Some(202), "{}", log());
    }
    let mut queued = None;
    for _ in 0..200 {
        queued = gauge(&http, &base, "mx_service_drives_queued").await;
        let waits = gauge(&http, &base, "mx_service_clock_waits").await;
        if queued == Some(1) && waits == Some(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        queued,
        Some(1),
        "one end user's drive waits for the slot\n{}",
        log()
    );

    // The queued member's end user asks again (fresh data): the newer drive takes the
    // member over and stops the queued one at once, not at its lease's next renewal (up
    // to 10 s later, with the newer drive waiting on it and the service never idle).
    let again = api
        .send(
            "POST",
            &format!("/members/{}/aggregate", members[1]),
            None,
            &[],
        )
        .await;
    assert_eq!(again.map(|a| a.status), Some(202), "{}", log());
    let mut probe = Value::Null;
    for _ in 0..100 {
        probe = http
            .get(format!("{base}/scheduler"))
            .send()
            .await
            .expect("the scheduler probe")
            .json()
            .await
            .expect("its JSON");
        if probe["running"] == 2 && probe["queued"] == 1 && probe["idle"] == true {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        (&probe["running"], &probe["queued"], &probe["idle"]),
        (&json!(2), &json!(1), &json!(true)),
        "the older queued drive ended, the newer one queued: {probe}\n{}",
        log()
    );
    assert!(
        log().contains("a newer drive took the member over while this one waited for its turn"),
        "the queued drive was stopped by the newer one\n{}",
        log()
    );

    // Past a lease's length, both members' leases still run: the running drive renews
    // its own, the queued one's wait renews its own.
    tokio::time::sleep(Duration::from_secs(35)).await;
    let mut conn = sqlx::SqliteConnection::connect(h.database.url())
        .await
        .expect("the service's database");
    let now_ms = chrono::Utc::now().timestamp_millis();
    for member in &members {
        let until: Option<i64> =
            sqlx::query_scalar("SELECT lease_until FROM wakeups WHERE member_guid = $1")
                .bind(member)
                .fetch_one(&mut conn)
                .await
                .expect("the member's wake-up");
        assert!(
            until.is_some_and(|until| until > now_ms),
            "{member}'s lease runs (until {until:?}, now {now_ms})\n{}",
            log()
        );
    }
    conn.close().await.expect("closing the database");
    assert_eq!(
        gauge(&http, &base, "mx_service_drives_queued").await,
        Some(1),
        "still queued"
    );

    // Moving the clock lets the first finish and the second take the slot.
    let mut connected = 0;
    for _ in 0..400 {
        let mut synced = 0;
        for member in &members {
            if !view(api, member).await["synced_through"].is_null() {
                synced += 1;
            }
        }
        connected = synced;
        if connected == members.len() {
            break;
        }
        move_to_next_wait(&http, &base, mx).await;
    }
    assert_eq!(connected, 2, "both synced\n{}", log());
    assert_eq!(
        gauge(&http, &base, "mx_service_drives_queued").await,
        Some(0)
    );
    h.instance.kill();
}
