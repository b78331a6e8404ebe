//! Members born in the emulator's Connect widget are members like any other: the driver
//! reads them, decides on them and stops where an API-created member would have.
//!
//! The widget is driven over loopback as its page drives it (no browser here: the
//! emulator's own browser tests cover the page): a widget URL, the page's session, then
//! the member created through it.

mod common;

use std::time::Duration;

use common::{Harness, assert_no_forbidden_aggregate, frozen_config};
use mx_aggregation::Reason;
use mx_aggregation_client::{MemberRef, Outcome, UserAction};
use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::{Value, json};

/// Loads a widget URL (`options` added to the request) and creates an MX Bank member
/// with `password` in its session, as the page does; returns the member's GUID.
async fn widget_member(h: &Harness, user: &str, options: Value, password: &str) -> String {
    let http = reqwest::Client::new();
    let base = h.emulator.base_url();
    let mut request = json!({"widget_type": "connect_widget"});
    if let (Some(request), Some(extra)) = (request.as_object_mut(), options.as_object()) {
        request.extend(extra.clone());
    }
    let answer: Value = http
        .post(format!("{base}/users/{user}/widget_urls"))
        .basic_auth(common::CLIENT_ID, Some(common::API_KEY))
        .header("Accept", "application/json")
        .header("Accept-Version", "v20250224")
        .json(&json!({ "widget_url": request }))
        .send()
        .await
        .expect("widget_urls answers")
        .json()
        .await
        .expect("JSON");
    let url = answer["widget_url"]["url"].as_str().expect("a url");
    let page = http.get(url).send().await.unwrap().text().await.unwrap();
    let at = page.find("\"session_guid\":\"").expect("a session") + 16;
    let session = page[at..].split('"').next().unwrap();
    let created: Value = http
        .post(format!("{base}/widget/{session}/members"))
        .json(&json!({"institution_code": "mxbank", "credentials": [
            {"guid": MXBANK_USERNAME.guid, "value": "mxuser"},
            {"guid": MXBANK_PASSWORD.guid, "value": password},
        ]}))
        .send()
        .await
        .expect("the widget creates the member")
        .json()
        .await
        .expect("JSON");
    created["member"]["guid"]
        .as_str()
        .expect("a member guid")
        .to_owned()
}

#[tokio::test]
async fn a_widget_member_is_read_not_aggregated() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let guid = widget_member(&h, &user, json!({}), "password").await;
    h.advance(Duration::from_secs(1));
    let member = MemberRef::new(&user, &guid);
    let outcome = h.driver.drive(&member).await.expect("drive");
    let Outcome::ReadData {
        member: read,
        reason,
        ..
    } = outcome
    else {
        panic!("expected read_data, got {outcome:?}");
    };
    assert_eq!(read.connection_status.as_deref(), Some("CONNECTED"));
    assert_eq!(reason, Reason::FreshData);
    assert!(
        h.calls("aggregate").is_empty(),
        "the widget's job was enough"
    );
    assert_no_forbidden_aggregate(&h.log);
}

#[tokio::test]
async fn a_denied_widget_member_asks_for_credentials() {
    let h = Harness::start(frozen_config()).await;
    let user = h.user().await;
    let guid = widget_member(&h, &user, json!({"mode": "verification"}), "INVALID").await;
    h.advance(Duration::from_secs(1));
    let member = MemberRef::new(&user, &guid);
    let outcome = h.driver.drive(&member).await.expect("drive");
    let Outcome::EndUser { action, .. } = outcome else {
        panic!("expected the end user, got {outcome:?}");
    };
    assert!(
        matches!(action, UserAction::UpdateCredentials),
        "{action:?}"
    );
    assert!(h.calls("aggregate").is_empty());
}
