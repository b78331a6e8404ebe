//! `POST /users/{u}/widget_urls` and the widget's own endpoints over loopback, without a
//! browser: the URL's shape, its single use and ten-minute life, the options refused,
//! and members created, verified and updated through a widget session exactly as the
//! API creates them.

mod common;

use common::{Mx, frozen_config};
use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::{Value, json};

/// A widget URL for `user` with `options` merged into a Connect request.
async fn widget_url(mx: &Mx, user: &str, options: Value) -> String {
    let mut body = json!({"widget_type": "connect_widget", "ui_message_version": 4});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), options.as_object()) {
        body.extend(extra.clone());
    }
    let answer = mx
        .send(
            "POST",
            &format!("/users/{user}/widget_urls"),
            Some(json!({ "widget_url": body })),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["widget_url"]["url"]
        .as_str()
        .expect("a url")
        .to_owned()
}

/// Loads `url` as a browser would (no credentials): status and body.
async fn load(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("the page answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

/// The session GUID the page was given.
fn session_of(page: &str) -> String {
    let at = page
        .find("\"session_guid\":\"")
        .expect("the page names its session")
        + 16;
    page[at..].split('"').next().unwrap().to_owned()
}

async fn session_call(mx: &Mx, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = mx.http.request(method, format!("{}{path}", mx.base));
    if let Some(body) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.expect("the widget answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn mxbank_credentials(password: &str) -> Value {
    json!([
        {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
        {"guid": MXBANK_PASSWORD.guid, "value": password},
    ])
}

#[tokio::test]
async fn the_answer_has_mx_shape_and_the_url_works_once() {
    let mx = Mx::frozen().await;
    let created = mx
        .send("POST", "/users", Some(json!({"user": {"id": "partner-7"}})))
        .await;
    let user = created.body["user"]["guid"].as_str().unwrap().to_owned();
    let answer = mx
        .send(
            "POST",
            &format!("/users/{user}/widget_urls"),
            Some(json!({"widget_url": {"widget_type": "connect_widget"}})),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let widget = &answer.body["widget_url"];
    assert_eq!(widget["type"], "connect_widget");
    assert_eq!(widget["user_id"], "partner-7");
    let url = widget["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/connect/", mx.base)), "{url}");

    let (first, page) = load(url).await;
    assert_eq!(first, 200);
    assert!(page.contains("data-test=\"search-input\""));
    let (second, expired) = load(url).await;
    assert_eq!(second, 410);
    assert!(expired.contains("already used"), "{expired}");
    assert_eq!(load(&format!("{}/connect/nope", mx.base)).await.0, 404);
}

#[tokio::test]
async fn an_unused_url_expires_after_ten_virtual_minutes() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let early = widget_url(&mx, &user, json!({})).await;
    let late = widget_url(&mx, &user, json!({})).await;
    mx.advance(599).await;
    assert_eq!(load(&early).await.0, 200, "still valid at 9:59");
    mx.advance(1).await;
    let (status, page) = load(&late).await;
    assert_eq!(status, 410, "expired at 10:00");
    assert!(page.contains("expired"), "{page}");
}

#[tokio::test]
async fn options_mx_does_not_define_are_refused_by_name() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    for (body, named) in [
        (json!({"widget_type": "pulse_widget"}), "widget_type"),
        (json!({}), "widget_type"),
        (
            json!({"widget_type": "connect_widget", "mode": "spying"}),
            "spying",
        ),
        (
            json!({"widget_type": "connect_widget", "color_scheme": "pink"}),
            "pink",
        ),
        (
            json!({"widget_type": "connect_widget", "ui_message_version": 1}),
            "ui_message_version",
        ),
        (
            json!({"widget_type": "connect_widget", "client_redirect_url": "nowhere"}),
            "client_redirect_url",
        ),
    ] {
        let answer = mx
            .send(
                "POST",
                &format!("/users/{user}/widget_urls"),
                Some(json!({ "widget_url": body })),
            )
            .await;
        assert_eq!(answer.status, 400, "{body}");
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(named), "{message}");
    }
    let unknown_member = mx
        .send(
            "POST",
            &format!("/users/{user}/widget_urls"),
            Some(json!({"widget_url": {"widget_type": "connect_widget",
                "current_member_guid": "MBR-nope"}})),
        )
        .await;
    assert_eq!(unknown_member.status, 404);
    let unknown_user = mx
        .send(
            "POST",
            "/users/USR-nope/widget_urls",
            Some(json!({"widget_url": {"widget_type": "connect_widget"}})),
        )
        .await;
    assert_eq!(unknown_user.status, 404);
}

#[tokio::test]
async fn a_widget_member_is_an_api_member() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let url = widget_url(&mx, &user, json!({})).await;
    let session = session_of(&load(&url).await.1);
    let api = format!("/widget/{session}");

    let (status, found) =
        session_call(&mx, "GET", &format!("{api}/institutions?search=bank"), None).await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = found["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["mxbank", "mx_bank_oauth"]);

    let (status, created) = session_call(
        &mx,
        "POST",
        &format!("{api}/members"),
        Some(json!({"institution_code": "mxbank", "credentials": mxbank_credentials("password")})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let member = created["member"]["guid"].as_str().unwrap().to_owned();
    assert_eq!(created["member"]["step"], "working");
    mx.advance(1).await;
    let (_, followed) = session_call(&mx, "GET", &format!("{api}/members/{member}"), None).await;
    assert_eq!(followed["member"]["step"], "connected");
    assert_eq!(followed["member"]["connection_status"], "CONNECTED");

    // The API sees the same member, aggregated with background aggregation on.
    let read = mx.read(&user, &member).await;
    assert_eq!(read["connection_status"], "CONNECTED");
    assert_eq!(read["background_aggregation_is_disabled"], false);
    let journal = mx.send("GET", "/emulator/requests", None).await;
    let paths: Vec<&str> = journal.body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&format!("{api}/members").as_str()),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&format!("{api}/members/{member}").as_str()),
        "polling is not journaled: {paths:?}"
    );

    // Another session cannot reach it; a session of another URL is unknown.
    let (status, _) = session_call(
        &mx,
        "GET",
        &format!("/widget/SES-nope/members/{member}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn verification_mode_verifies_with_background_off_unless_asked() {
    let mx = Mx::frozen().await;
    for (options, disabled) in [
        (json!({"mode": "verification"}), true),
        (
            json!({"mode": "verification", "disable_background_agg": false}),
            false,
        ),
        (json!({"disable_background_agg": true}), true),
    ] {
        let user = mx.user().await;
        let url = widget_url(&mx, &user, options.clone()).await;
        let session = session_of(&load(&url).await.1);
        let (status, created) = session_call(
            &mx,
            "POST",
            &format!("/widget/{session}/members"),
            Some(json!({"institution_code": "mxbank", "credentials": mxbank_credentials("password")})),
        )
        .await;
        assert_eq!(status, 200, "{created}");
        let member = created["member"]["guid"].as_str().unwrap().to_owned();
        mx.advance(1).await;
        let read = mx.read(&user, &member).await;
        assert_eq!(read["connection_status"], "CONNECTED", "{options}");
        assert_eq!(
            read["background_aggregation_is_disabled"], disabled,
            "{options}"
        );
        let verifying = options["mode"] == "verification";
        let status = mx
            .send(
                "GET",
                &format!("/users/{user}/members/{member}/status"),
                None,
            )
            .await;
        assert_eq!(
            status.body["member"]["has_processed_account_numbers"], verifying,
            "{options}: a verification reads account numbers"
        );
        assert_eq!(
            status.body["member"]["has_processed_transactions"], !verifying,
            "{options}: an aggregation reads transactions"
        );
    }
}

#[tokio::test]
async fn new_credentials_after_denied_and_mfa_through_the_session() {
    let mut config = frozen_config();
    config.integration_env = true;
    let mx = Mx::start(config).await;
    let user = mx.user().await;
    let url = widget_url(&mx, &user, json!({})).await;
    let api = format!("/widget/{}", session_of(&load(&url).await.1));
    let (_, created) = session_call(
        &mx,
        "POST",
        &format!("{api}/members"),
        Some(json!({"institution_code": "mxbank", "credentials": mxbank_credentials("INVALID")})),
    )
    .await;
    let member = created["member"]["guid"].as_str().unwrap().to_owned();
    mx.advance(1).await;
    let (_, denied) = session_call(&mx, "GET", &format!("{api}/members/{member}"), None).await;
    assert_eq!(denied["member"]["connection_status"], "DENIED");
    assert_eq!(denied["member"]["step"], "credentials");

    let (status, updated) = session_call(
        &mx,
        "PUT",
        &format!("{api}/members/{member}"),
        Some(json!({"credentials": mxbank_credentials("challenge")})),
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    mx.advance(1).await;
    let (_, challenged) = session_call(&mx, "GET", &format!("{api}/members/{member}"), None).await;
    assert_eq!(challenged["member"]["step"], "mfa");
    let challenge = challenged["member"]["challenges"][0]["guid"]
        .as_str()
        .unwrap();
    let (status, _) = session_call(
        &mx,
        "PUT",
        &format!("{api}/members/{member}/resume"),
        Some(json!({"challenges": [{"guid": challenge, "value": "correct"}]})),
    )
    .await;
    assert_eq!(status, 200);
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
}
