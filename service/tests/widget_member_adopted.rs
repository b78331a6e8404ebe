//! A member born in MX's Connect widget, not through the service, is adopted from MX's
//! member `created` webhook and driven like the service's own: it reaches `read_data`, its
//! data is synced, and MX sees no create from the service and no aggregation asked for it.
//! On SQLite and on PostgreSQL alike.
//!
//! The widget is driven over loopback as its page drives it (the emulator's browser tests
//! cover the page itself): a widget URL, the page's session, the member created in it.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use mx_emulator::institutions::{MXBANK_PASSWORD, MXBANK_USERNAME};
use serde_json::{Value, json};
use support::Scratch;
use support::db::Database;
use support::harness::Harness;

/// Opens a widget URL for `user` and creates an MX Bank member in its session with
/// `password`, as the page does; the member's GUID.
async fn widget_member(h: &Harness, user: &str, password: &str) -> String {
    let (status, answer) =
        h.mx.post(
            &format!("/users/{user}/widget_urls"),
            &json!({"widget_url": {"widget_type": "connect_widget"}}),
        )
        .await;
    assert_eq!(status, 200, "widget_urls: {answer}");
    let url = answer["widget_url"]["url"].as_str().expect("a widget url");
    let http = reqwest::Client::new();
    let page = http
        .get(url)
        .send()
        .await
        .expect("the widget page loads")
        .text()
        .await
        .expect("its HTML");
    let at = page
        .find("\"session_guid\":\"")
        .expect("the page names its session")
        + "\"session_guid\":\"".len();
    let session = page[at..].split('"').next().expect("a session guid");
    let created: Value = http
        .post(format!("{}/widget/{session}/members", h.mx.base_url()))
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
        .unwrap_or_else(|| panic!("the widget answered {created}"))
        .to_owned()
}

/// The GUIDs of `transactions`.
fn guids(transactions: &[Value]) -> BTreeSet<String> {
    transactions
        .iter()
        .filter_map(|transaction| transaction["guid"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_widget_member_is_adopted_and_synced_on_each_database() {
    let scratch = Scratch::new("widget-adopted");
    for database in Database::all(&scratch.path, "widget_member_adopted").await {
        let kind = database.kind();
        let h = Harness::start(kind, &scratch.path, database, &[]).await;
        let user = h.api.user("dana").await;
        let guid = widget_member(&h, &user, "password").await;

        // MX's created webhook reaches the service, which adopts the member and follows
        // MX's own aggregation to the data; the clock moves a second at a time.
        let mut view = Value::Null;
        for _ in 0..240 {
            if let Some(answer) = h.api.get(&format!("/members/{guid}")).await
                && answer.status == 200
            {
                view = answer.body["member"].clone();
                if !view["synced_through"].is_null() {
                    break;
                }
            }
            h.mx.advance(1);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            !view["synced_through"].is_null(),
            "{kind}: the widget's member was adopted and synced: {view}\n{}",
            h.log()
        );
        assert_eq!(view["user_guid"], json!(user), "{kind}: {view}");
        assert_eq!(view["connection_status"], json!("CONNECTED"), "{kind}");
        assert_eq!(view["action"], json!("read_data"), "{kind}: {view}");
        assert!(
            view["webhooks_received"].as_u64().unwrap_or(0) >= 1,
            "{kind}: the created webhook is counted: {view}"
        );

        let stored = h.api.transactions(&guid).await.expect("the stored copy");
        let (from, to) = h.mx.compared_dates();
        let stored_in_window: Vec<Value> = stored
            .into_iter()
            .filter(|transaction| {
                let date = transaction["date"].as_str().unwrap_or("");
                date >= from.as_str() && date <= to.as_str()
            })
            .collect();
        let at_mx = h.mx.transactions(&user, &guid).await;
        assert!(!at_mx.is_empty(), "{kind}: MX Bank has transactions");
        assert_eq!(
            guids(&stored_in_window),
            guids(&at_mx),
            "{kind}: the stored transactions are MX's"
        );

        let journal = h.mx.journal().await;
        let service_calls = |verb: &str, suffix: &str| {
            journal
                .iter()
                .filter(|entry| {
                    let path = entry["path"].as_str().unwrap_or("");
                    entry["method"].as_str() == Some(verb)
                        && path.contains(&guid)
                        && path.ends_with(suffix)
                })
                .count()
        };
        assert_eq!(
            service_calls("POST", "/aggregate"),
            0,
            "{kind}: MX's own aggregation is followed, never repeated"
        );
        let creates = journal
            .iter()
            .filter(|entry| {
                entry["method"].as_str() == Some("POST")
                    && entry["path"].as_str() == Some(&format!("/users/{user}/members"))
            })
            .count();
        assert_eq!(creates, 0, "{kind}: the service created nothing at MX");
        h.finish().await;
    }
}
