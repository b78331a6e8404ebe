//! What the browser scenarios share: an emulator whose jobs move on a fast real-time
//! clock, widget URLs, and the end user's moves in the widget.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::common::{API_KEY, CLIENT_ID, Mx, start_time};
use crate::harness::{shown, text_contains};

/// An emulator on a running clock whose jobs take a step every 150 ms, MX's integration
/// environment (no throttle on MX Bank), webhooks to `webhook_url` when given.
pub async fn emulator(webhook_url: Option<String>) -> Mx {
    let mut config = mx_emulator::Config::new(CLIENT_ID, API_KEY);
    config.start_at = Some(start_time());
    config.step = Duration::from_millis(150);
    config.integration_env = true;
    config.webhook_url = webhook_url;
    Mx::start(config).await
}

/// A Connect widget URL for `user` with `options` added to the request.
pub async fn widget_url(mx: &Mx, user: &str, options: Value) -> String {
    let mut request = json!({"widget_type": "connect_widget", "ui_message_version": 4});
    if let (Some(request), Some(extra)) = (request.as_object_mut(), options.as_object()) {
        request.extend(extra.clone());
    }
    let answer = mx
        .send(
            "POST",
            &format!("/users/{user}/widget_urls"),
            Some(json!({ "widget_url": request })),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["widget_url"]["url"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Types `query` into the search and picks the institution `code`.
pub async fn pick(client: &Client, query: &str, code: &str) {
    shown(client, "[data-test=search-input]")
        .await
        .send_keys(query)
        .await
        .expect("typing in the search");
    shown(
        client,
        &format!("[data-test=institution][data-code={code}]"),
    )
    .await
    .click()
    .await
    .expect("picking the institution");
}

/// Fills MX Bank's credential form with `mxuser` and `password` and submits it.
pub async fn log_in(client: &Client, password: &str) {
    let login = shown(client, "[data-test=credential][name=LOGIN]").await;
    login.clear().await.expect("clearing the login");
    login.send_keys("mxuser").await.expect("typing the login");
    let secret = shown(client, "[data-test=credential][name=PASSWORD]").await;
    secret.clear().await.expect("clearing the password");
    secret
        .send_keys(password)
        .await
        .expect("typing the password");
    submit(client).await;
}

/// Clicks the one submit button.
pub async fn submit(client: &Client) {
    shown(client, "[data-test=submit]")
        .await
        .click()
        .await
        .expect("submitting");
}

/// Waits for the `done` mark and checks the status says CONNECTED.
pub async fn connected(client: &Client) {
    shown(client, "[data-test=done]").await;
    text_contains(client, "[data-test=status]", "CONNECTED").await;
}

/// The GUIDs of `user`'s members, as the API lists them.
pub async fn members(mx: &Mx, user: &str) -> Vec<Value> {
    let answer = mx
        .send("GET", &format!("/users/{user}/members"), None)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["members"].as_array().unwrap().clone()
}

/// `user`'s one member, as the API reads it.
pub async fn only_member(mx: &Mx, user: &str) -> Value {
    let all = members(mx, user).await;
    assert_eq!(all.len(), 1, "{all:?}");
    all.into_iter().next().unwrap()
}

/// The elements `css` now.
pub async fn count(client: &Client, css: &str) -> usize {
    client
        .find_all(Locator::Css(css))
        .await
        .map_or(0, |all| all.len())
}
