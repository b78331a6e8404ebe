//! `skip_aggregation: true` starts no job: on create (inside `member` or at the body's top
//! level, where MX's two spec versions put it) and on update. MX's daily background
//! aggregation still comes, 23 to 24 hours after creation, unless the member's
//! `background_aggregation_is_disabled` (or the client-wide default) turns it off.

mod common;

use chrono::{DateTime, TimeDelta, Utc};
use common::{Mx, frozen_config, mxbank_member, start_time};
use serde_json::{Value, json};

fn at(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc))
}

async fn create(mx: &Mx, user: &str, body: Value) -> common::Answer {
    mx.send("POST", &format!("/users/{user}/members"), Some(body))
        .await
}

#[tokio::test]
async fn skip_aggregation_on_create_starts_nothing_until_the_background_aggregation() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let mut inside = mxbank_member("password");
    inside["member"]["skip_aggregation"] = json!(true);
    let mut top_level = mxbank_member("other-password");
    top_level["skip_aggregation"] = json!(true);
    let mut members = Vec::new();
    for body in [inside, top_level] {
        let created = create(&mx, &user, body).await;
        assert_eq!(created.status, 200, "{:?}", created.body);
        assert_eq!(created.member()["connection_status"], "CREATED");
        assert_eq!(created.member()["is_being_aggregated"], false);
        assert!(created.member()["aggregated_at"].is_null());
        members.push(created.member()["guid"].as_str().unwrap().to_owned());
    }
    let journal = mx.send("GET", "/emulator/requests", None).await;
    let creates: Vec<&Value> = journal.body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["method"] == "POST" && e["path"] != "/users")
        .collect();
    assert_eq!(creates.len(), 2);
    assert!(
        creates.iter().all(|e| e["job_started"] == false),
        "{creates:?}"
    );

    mx.advance(23 * 3600 - 1).await;
    for member in &members {
        let read = mx.read(&user, member).await;
        assert!(
            read["aggregated_at"].is_null(),
            "no job in the first 23 hours"
        );
        assert_eq!(read["connection_status"], "CREATED");
    }
    mx.advance(3600).await;
    for member in &members {
        let read = mx.read(&user, member).await;
        let started = at(&read["aggregated_at"]).expect("the background aggregation ran");
        let after = started - start_time();
        assert!(
            after >= TimeDelta::hours(23) && after < TimeDelta::hours(24),
            "{after}"
        );
        assert_eq!(read["connection_status"], "CONNECTED");
    }
}

#[tokio::test]
async fn background_off_for_the_member_or_by_default_keeps_it_unaggregated() {
    let mut config = frozen_config();
    config.background_off_by_default = true;
    let mx = Mx::start(config).await;
    let user = mx.user().await;
    let mut by_default = mxbank_member("password");
    by_default["member"]["skip_aggregation"] = json!(true);
    let mut enabled = mxbank_member("other-password");
    enabled["member"]["skip_aggregation"] = json!(true);
    enabled["member"]["background_aggregation_is_disabled"] = json!(false);
    let off = create(&mx, &user, by_default).await;
    assert_eq!(off.member()["background_aggregation_is_disabled"], true);
    let on = create(&mx, &user, enabled).await;
    assert_eq!(on.member()["background_aggregation_is_disabled"], false);
    mx.advance(48 * 3600).await;
    let off = mx.read(&user, off.member()["guid"].as_str().unwrap()).await;
    assert!(off["aggregated_at"].is_null());
    let on = mx.read(&user, on.member()["guid"].as_str().unwrap()).await;
    assert!(on["aggregated_at"].is_string());
}

#[tokio::test]
async fn skip_aggregation_on_update_starts_nothing_and_an_update_without_it_aggregates() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(4 * 3600).await;
    let before = mx.read(&user, &member).await;
    let path = format!("/users/{user}/members/{member}");
    let skipped = mx
        .send(
            "PUT",
            &path,
            Some(json!({"member": {"metadata": "m1"}, "skip_aggregation": true})),
        )
        .await;
    assert_eq!(skipped.status, 200, "{:?}", skipped.body);
    assert_eq!(skipped.member()["is_being_aggregated"], false);
    assert_eq!(skipped.member()["aggregated_at"], before["aggregated_at"]);
    let updated = mx
        .send("PUT", &path, Some(json!({"member": {"metadata": "m2"}})))
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(
        updated.member()["is_being_aggregated"],
        true,
        "{:?}",
        updated.body
    );
    let journal = mx.send("GET", "/emulator/requests", None).await;
    let puts: Vec<&Value> = journal.body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["method"] == "PUT")
        .collect();
    assert_eq!(puts[0]["job_started"], false);
    assert_eq!(puts[1]["job_started"], true);
}

#[tokio::test]
async fn skip_aggregation_on_the_oauth_window_authorizes_without_a_job() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = create(
        &mx,
        &user,
        json!({"member": {"institution_code": "mx_bank_oauth", "is_oauth": true}}),
    )
    .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    let window_path = format!("/users/{user}/members/{member}/oauth_window_uri");
    let bad = mx
        .send("GET", &format!("{window_path}?referral_source=PHONE"), None)
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("referral_source")
    );
    let bad = mx
        .send("GET", &format!("{window_path}?skip_aggregation=yes"), None)
        .await;
    assert_eq!(bad.status, 400);

    let query = "skip_aggregation=true&referral_source=APP&enable_app2app=false\
                 &client_redirect_url=https%3A%2F%2Fapp.example%2Fdone";
    let window = mx
        .send("GET", &format!("{window_path}?{query}"), None)
        .await;
    assert_eq!(window.status, 200, "{:?}", window.body);
    let uri = window.member()["oauth_window_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let opened = browser.get(&uri).send().await.unwrap();
    assert_eq!(opened.status().as_u16(), 303);
    let location = opened.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("https://app.example/done?status=success&member_guid={member}")
    );

    let read = mx.read(&user, &member).await;
    assert_eq!(read["is_being_aggregated"], false);
    assert!(read["aggregated_at"].is_null(), "no job started: {read}");
    let aggregate = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/aggregate"),
            None,
        )
        .await;
    assert_eq!(
        aggregate.member()["is_being_aggregated"],
        true,
        "authorized, it aggregates"
    );
    assert_eq!(start_time(), mx.advance(0).await);
}
