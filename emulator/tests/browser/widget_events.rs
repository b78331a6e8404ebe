//! The widget's events as MX's widget sends them (WIDGET-PM): `postMessage` to a host
//! page on another origin that embeds it in an iframe, and navigations to
//! `<scheme>://connect/…` in a mobile WebView.

use std::net::SocketAddr;

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use crate::harness::{self, navigations, shown};
use crate::kit::{self, connected, log_in, only_member, pick, submit, widget_url};

/// A host page on its own loopback port (another origin than the emulator) that embeds
/// `widget` in an iframe and keeps every message it receives, with its origin.
async fn host_page(widget: &str) -> String {
    let page = format!(
        r#"<!doctype html><title>host</title>
<script>
window.received = [];
window.addEventListener("message", (event) => {{
  window.received.push({{origin: event.origin, data: event.data}});
}});
</script>
<iframe id="mx" src="{widget}" width="480" height="640"></iframe>"#
    );
    let app = Router::new().route("/", get(move || async move { Html(page) }));
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/")
}

/// The messages the host page received so far.
async fn received(client: &Client) -> Vec<Value> {
    client.enter_parent_frame().await.unwrap();
    let all = client
        .execute("return window.received;", Vec::new())
        .await
        .unwrap();
    client
        .find(Locator::Css("#mx"))
        .await
        .unwrap()
        .enter_frame()
        .await
        .unwrap();
    all.as_array().cloned().unwrap_or_default()
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["data"]["type"].as_str().unwrap_or("?").to_owned())
        .collect()
}

#[tokio::test]
async fn a_host_page_on_another_origin_receives_the_events() {
    let mx = kit::emulator(None).await;
    harness::run("events-iframe", |client| async move {
        let user = mx.user().await;
        let host = host_page(&widget_url(&mx, &user, json!({})).await).await;
        client.goto(&host).await.unwrap();
        client
            .find(Locator::Css("#mx"))
            .await
            .unwrap()
            .enter_frame()
            .await
            .unwrap();
        pick(&client, "MX", "mxbank").await;
        log_in(&client, "challenge").await;
        shown(&client, "[data-test=mfa-answer]")
            .await
            .send_keys("correct")
            .await
            .unwrap();
        submit(&client).await;
        connected(&client).await;
        let member = only_member(&mx, &user).await;
        let guid = member["guid"].as_str().unwrap();

        let events = received(&client).await;
        let seen = types(&events);
        let expected = [
            "mx/connect/loaded",
            "mx/connect/selectedInstitution",
            "mx/connect/enterCredentials",
            "mx/connect/memberStatusUpdate",
            "mx/connect/submitMFA",
            "mx/connect/memberConnected",
        ];
        let mut at = 0;
        for wanted in expected {
            let found = seen[at..].iter().position(|t| t == wanted);
            assert!(
                found.is_some(),
                "{wanted} after {:?}: {seen:?}",
                &seen[..at]
            );
            at += found.unwrap_or(0) + 1;
        }
        assert_eq!(
            seen.last().map(String::as_str),
            Some("mx/connect/memberConnected")
        );
        let session = events[0]["data"]["metadata"]["session_guid"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(session.starts_with("SES-"), "{session}");
        for event in &events {
            assert!(
                event["origin"].as_str().unwrap().starts_with(&mx.base),
                "{event}"
            );
            assert_eq!(event["data"]["mx"], true);
            assert_eq!(event["data"]["metadata"]["user_guid"], user.as_str());
            assert_eq!(event["data"]["metadata"]["session_guid"], session.as_str());
        }
        let by_type = |t: &str| {
            events.iter().find(|e| e["data"]["type"] == t).unwrap()["data"]["metadata"].clone()
        };
        assert_eq!(by_type("mx/connect/loaded")["initial_step"], "search");
        assert_eq!(by_type("mx/connect/selectedInstitution")["code"], "mxbank");
        assert_eq!(
            by_type("mx/connect/enterCredentials")["institution"]["code"],
            "mxbank"
        );
        assert_eq!(by_type("mx/connect/submitMFA")["member_guid"], guid);
        assert_eq!(by_type("mx/connect/memberConnected")["member_guid"], guid);
        let statuses: Vec<i64> = events
            .iter()
            .filter(|e| e["data"]["type"] == "mx/connect/memberStatusUpdate")
            .map(|e| e["data"]["metadata"]["connection_status"].as_i64().unwrap())
            .collect();
        // CHALLENGED is 3 and CONNECTED 6 in MX's numbering.
        assert!(
            statuses.contains(&3) && statuses.last() == Some(&6),
            "{statuses:?}"
        );

        // OAuth in the same host page: oauthRequested carries the window's URL.
        let user = mx.user().await;
        let host = host_page(&widget_url(&mx, &user, json!({})).await).await;
        client.enter_parent_frame().await.unwrap();
        client.goto(&host).await.unwrap();
        client
            .find(Locator::Css("#mx"))
            .await
            .unwrap()
            .enter_frame()
            .await
            .unwrap();
        pick(&client, "oauth", "mx_bank_oauth").await;
        shown(&client, "[data-test=oauth-continue]")
            .await
            .click()
            .await
            .unwrap();
        connected(&client).await;
        let events = received(&client).await;
        let requested = events
            .iter()
            .find(|e| e["data"]["type"] == "mx/connect/oauthRequested")
            .expect("oauthRequested");
        let url = requested["data"]["metadata"]["url"].as_str().unwrap();
        assert!(url.contains("/oauth/authorize/"), "{url}");
        let member = only_member(&mx, &user).await;
        assert_eq!(requested["data"]["metadata"]["member_guid"], member["guid"]);
        assert!(types(&events).contains(&"mx/connect/memberConnected".to_owned()));
    })
    .await;
}

/// The event name and metadata of each `<scheme>://connect/…` navigation.
fn webview_events(urls: &[String], scheme: &str) -> Vec<(String, Value)> {
    let prefix = format!("{scheme}://connect/");
    urls.iter()
        .filter_map(|u| u.strip_prefix(&prefix))
        .map(|rest| {
            let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
            let encoded = query.strip_prefix("metadata=").unwrap_or("");
            let json = url::form_urlencoded::parse(format!("m={encoded}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            (
                name.to_owned(),
                serde_json::from_str(&json).unwrap_or(Value::Null),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_mobile_webview_gets_navigations() {
    let mx = kit::emulator(None).await;
    // Chromium asks before handing a URL to another application, and its question
    // (invisible in headless mode) holds the page's input; a WebView app intercepts
    // these navigations instead. Allowing the two schemes for the emulator's origin
    // stands in for that.
    let prefs = json!({"protocol_handler": {"allowed_origin_protocol_pairs": {
        mx.base.clone(): {"mx": true, "appscheme": true},
    }}});
    harness::run_with_prefs("events-webview", prefs, |client| async move {
        for scheme in ["mx", "appscheme"] {
            let user = mx.user().await;
            let mut options = json!({"is_mobile_webview": true});
            if scheme != "mx" {
                options["ui_message_webview_url_scheme"] = json!(scheme);
            }
            let url = widget_url(&mx, &user, options).await;
            navigations(&client).await;
            client.goto(&url).await.unwrap();
            pick(&client, "MX", "mxbank").await;
            log_in(&client, "password").await;
            connected(&client).await;
            // The last navigation is sent 150 ms after the one before.
            tokio::time::sleep(std::time::Duration::from_millis(600)).await;
            let events = webview_events(&navigations(&client).await, scheme);
            let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
            assert_eq!(names.first(), Some(&"loaded"), "{names:?}");
            assert!(names.contains(&"selectedInstitution"), "{names:?}");
            assert!(names.contains(&"enterCredentials"), "{names:?}");
            assert!(names.contains(&"memberStatusUpdate"), "{names:?}");
            assert_eq!(names.last(), Some(&"memberConnected"), "{names:?}");
            let member = only_member(&mx, &user).await;
            let (_, connected_metadata) = events.last().unwrap();
            assert_eq!(connected_metadata["member_guid"], member["guid"]);
            assert_eq!(connected_metadata["user_guid"], user.as_str());
            assert!(
                connected_metadata["session_guid"]
                    .as_str()
                    .is_some_and(|s| s.starts_with("SES-"))
            );
        }
    })
    .await;
}
