//! OAuth at `mx_bank_oauth`: a PENDING member, a single-use window on the emulator, the
//! end user authorizing (or refusing) by opening it.

mod common;

use common::Mx;
use serde_json::json;

async fn oauth_member(mx: &Mx, user: &str) -> common::Answer {
    mx.send(
        "POST",
        &format!("/users/{user}/members"),
        Some(json!({"member": {"institution_code": "mx_bank_oauth", "is_oauth": true}})),
    )
    .await
}

#[tokio::test]
async fn authorizing_in_the_window_connects_the_member() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = oauth_member(&mx, &user).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    assert_eq!(created.member()["connection_status"], "PENDING");
    assert_eq!(created.member()["is_oauth"], true);
    assert_eq!(created.member()["is_being_aggregated"], false);

    let window = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/oauth_window_uri"),
            None,
        )
        .await;
    assert_eq!(window.status, 200);
    assert_eq!(window.member()["guid"], member.as_str());
    let uri = window.member()["oauth_window_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(uri.starts_with(&mx.base), "{uri}");

    // The browser opens it: no credentials, no version headers.
    let opened = reqwest::get(&uri).await.unwrap();
    assert_eq!(opened.status().as_u16(), 200);
    let again = reqwest::get(&uri).await.unwrap();
    assert_eq!(again.status().as_u16(), 404, "the window is single-use");

    let read = mx.read(&user, &member).await;
    assert_eq!(read["is_being_aggregated"], true);
    mx.advance(1).await;
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "CONNECTED");
    assert_eq!(read["is_being_aggregated"], false);
}

#[tokio::test]
async fn refusing_in_the_window_denies_the_member() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = oauth_member(&mx, &user).await;
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    let uri = created.member()["oauth_window_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let opened = reqwest::get(format!("{uri}?outcome=deny")).await.unwrap();
    assert_eq!(opened.status().as_u16(), 200);
    mx.advance(1).await;
    assert_eq!(mx.read(&user, &member).await["connection_status"], "DENIED");

    // A new window authorizes it again.
    let window = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/oauth_window_uri"),
            None,
        )
        .await;
    let uri = window.member()["oauth_window_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(reqwest::get(&uri).await.unwrap().status().as_u16(), 200);
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
    assert!(mx.emulator.as_ref().unwrap().off_model_moves().is_empty());
}

#[tokio::test]
async fn a_new_window_replaces_the_old_one() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let created = oauth_member(&mx, &user).await;
    let member = created.member()["guid"].as_str().unwrap().to_owned();
    let first = created.member()["oauth_window_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let window = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/oauth_window_uri"),
            None,
        )
        .await;
    let second = window.member()["oauth_window_uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    assert_eq!(reqwest::get(&first).await.unwrap().status().as_u16(), 404);
    assert_eq!(reqwest::get(&second).await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn oauth_where_the_institution_has_none_is_400() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let answer = mx
        .send(
            "POST",
            &format!("/users/{user}/members"),
            Some(json!({"member": {"institution_code": "mxbank", "is_oauth": true}})),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert!(answer.body["error"]["message"].is_string());
    // And credentials where the institution wants OAuth.
    let mut body = common::mxbank_member("password");
    body["member"]["institution_code"] = "mx_bank_oauth".into();
    let answer = mx
        .send("POST", &format!("/users/{user}/members"), Some(body))
        .await;
    assert_eq!(answer.status, 400);
}
