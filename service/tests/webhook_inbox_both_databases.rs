//! The webhook inbox on SQLite and on PostgreSQL alike: MX's webhooks are answered 204 and
//! counted in `webhooks_received`; the same body again, or with its keys in another order,
//! is answered 204 and changes nothing, except that a connection-status body (no id, no
//! time) again wakes its member, who is read again; a body that is not JSON is 400 with a
//! JSON error.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::Scratch;
use support::db::Database;
use support::fleet::{Fleet, Scenario};
use support::harness::Harness;

/// `body`'s JSON text with its top-level keys in reverse order.
fn reversed(body: &Value) -> String {
    let object = body.as_object().expect("a webhook body is an object");
    let fields: Vec<String> = object
        .iter()
        .rev()
        .map(|(key, value)| format!("{}:{value}", Value::String(key.clone())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn repeated_webhooks_change_nothing_on_each_database() {
    let scratch = Scratch::new("webhook-inbox");
    for database in Database::all(&scratch.path, "webhook_inbox_both_databases").await {
        let kind = database.kind();
        let h = Harness::start(kind, &scratch.path, database, &[]).await;
        let mut fleet = Fleet::new(kind);
        fleet.add(&h.api, Scenario::Success).await;
        if let Err(unsettled) = fleet.settle(&h.api, &h.mx, Duration::from_secs(60)).await {
            panic!("{kind}: {unsettled}\n{}", h.log());
        }
        let guid = fleet.members[0].guid.clone();
        let delivered: Vec<Value> =
            h.mx.webhooks()
                .into_iter()
                .filter(|w| w["member_guid"] == guid.as_str())
                .filter(|w| {
                    w["attempts"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|a| a["status"] == 204)
                })
                .map(|w| w["body"].clone())
                .collect();
        assert!(
            !delivered.is_empty(),
            "{kind}: MX sent webhooks for the member"
        );

        let received = |answer: Option<support::api::Answer>| {
            let answer = answer.expect("the service answers");
            assert_eq!(answer.status, 200, "{kind}: {}", answer.body);
            answer.body["member"]["webhooks_received"].as_u64()
        };
        let before = received(h.api.get(&format!("/members/{guid}")).await);
        assert!(before >= Some(1), "{kind}: webhooks_received {before:?}");

        let body = &delivered[0];
        for text in [body.to_string(), reversed(body)] {
            let answer = h
                .api
                .send_text("POST", "/webhooks/mx", &text)
                .await
                .expect("the service answers");
            assert_eq!(answer.status, 204, "{kind}: a repeat: {}", answer.body);
        }
        let after = received(h.api.get(&format!("/members/{guid}")).await);
        assert_eq!(after, before, "{kind}: a repeat is not counted again");

        // A connection-status body again is still news: it has no id and no time, so an MFA
        // member challenged again within a day (its next background aggregation) sends the
        // very body stored. The repeat is counted once and the member is read again.
        let mut mfa = Fleet::new(&format!("{kind}-mfa"));
        mfa.add(&h.api, Scenario::Mfa).await;
        if let Err(unsettled) = mfa.settle(&h.api, &h.mx, Duration::from_secs(60)).await {
            panic!("{kind}: {unsettled}\n{}", h.log());
        }
        let (mfa_guid, mfa_user) = (mfa.members[0].guid.clone(), mfa.members[0].user.clone());
        let challenged =
            h.mx.webhooks()
                .into_iter()
                .find(|w| w["member_guid"] == mfa_guid.as_str() && w["type"] == "CONNECTION_STATUS")
                .map(|w| w["body"].clone())
                .unwrap_or_else(|| {
                    panic!(
                        "{kind}: MX sent the MFA member a connection-status webhook: {:?}",
                        h.mx.webhooks()
                            .iter()
                            .map(|w| (
                                w["member_guid"].clone(),
                                w["type"].clone(),
                                w["state"].clone()
                            ))
                            .collect::<Vec<_>>()
                    )
                });
        let read_path = format!("/users/{mfa_user}/members/{mfa_guid}");
        let reads = |journal: Vec<Value>| {
            journal
                .iter()
                .filter(|e| {
                    e["method"] == "GET"
                        && e["path"].as_str().is_some_and(|p| {
                            p.ends_with(&read_path) || p.ends_with(&format!("{read_path}/status"))
                        })
                })
                .count()
        };
        let read_before = reads(h.mx.journal().await);
        let received_before = received(h.api.get(&format!("/members/{mfa_guid}")).await);
        let answer = h
            .api
            .send_text("POST", "/webhooks/mx", &reversed(&challenged))
            .await
            .expect("the service answers");
        assert_eq!(answer.status, 204, "{kind}: {}", answer.body);
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while reads(h.mx.journal().await) == read_before && std::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            reads(h.mx.journal().await) > read_before,
            "{kind}: a repeated connection-status webhook read the member again\n{}",
            h.log()
        );
        assert_eq!(
            received(h.api.get(&format!("/members/{mfa_guid}")).await),
            received_before,
            "{kind}: and counted once"
        );

        let bad = h
            .api
            .send_text("POST", "/webhooks/mx", "{not json")
            .await
            .expect("the service answers");
        assert_eq!(bad.status, 400, "{kind}");
        assert!(
            bad.body["error"].is_object(),
            "{kind}: a JSON error: {}",
            bad.body
        );
        h.finish().await;
    }
}
