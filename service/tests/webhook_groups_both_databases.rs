//! Webhooks that arrive together are stored together (one transaction for a group on
//! SQLite) and each is still answered only once stored, on SQLite and on PostgreSQL:
//! sixty sent at once, twenty of them twice, all answered 204; each distinct body is
//! stored once and each second copy counted as a repeat, even when both copies came in
//! one group; an ACCOUNT webhook for a member the service does not know is kept as a
//! body, not applied.

mod support;

use serde_json::{Value, json};
use support::Scratch;
use support::db::Database;
use support::harness::Harness;
use support::metrics::gauge;

/// A member webhook for a member the service does not know.
fn member_webhook(n: usize) -> Value {
    json!({
        "action": "member_data_updated",
        "type": "AGGREGATION",
        "member_guid": format!("MBR-group-{n}"),
        "user_guid": format!("USR-group-{n}"),
        "completed_at": 1_700_000_000 + n,
        "is_background": true,
    })
}

/// An ACCOUNT webhook for a member the service does not know.
fn account_webhook(n: usize) -> Value {
    json!({
        "type": "ACCOUNT",
        "action": "updated",
        "account": {
            "guid": format!("ACT-group-{n}"),
            "member_guid": format!("MBR-group-account-{n}"),
            "user_guid": format!("USR-group-account-{n}"),
            "updated_at": "2026-12-01T00:00:00Z",
            "balance": 100.0,
        },
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn webhooks_sent_at_once_are_each_stored_once_and_answered() {
    let scratch = Scratch::new("webhook-groups");
    for database in Database::all(&scratch.path, "webhook_groups_both_databases").await {
        let kind = database.kind();
        let h = Harness::start(kind, &scratch.path, database, &[]).await;
        let base = h.instance.base_url.clone();
        let http = reqwest::Client::new();
        let mut bodies: Vec<Value> = (0..50).map(member_webhook).collect();
        bodies.extend((0..10).map(account_webhook));
        // Twenty bodies twice, each copy beside the other in the burst.
        let mut burst: Vec<Value> = Vec::new();
        for (n, body) in bodies.iter().enumerate() {
            burst.push(body.clone());
            if n % 3 == 0 {
                burst.push(body.clone());
            }
        }
        let sent = burst.len();
        let mut sending = tokio::task::JoinSet::new();
        for body in burst {
            let http = http.clone();
            let url = format!("{base}/webhooks/mx");
            sending.spawn(async move {
                http.post(url)
                    .json(&body)
                    .send()
                    .await
                    .map(|answer| answer.status().as_u16())
                    .unwrap_or(0)
            });
        }
        let answers: Vec<u16> = sending.join_all().await;
        assert!(
            answers.iter().all(|status| *status == 204),
            "{kind}: {answers:?}\n{}",
            h.log()
        );
        let received = gauge(&http, &base, "mx_service_webhooks_received_total").await;
        let repeated = gauge(&http, &base, "mx_service_webhooks_repeated_total").await;
        assert_eq!(received, Some(60), "{kind}: each distinct body once");
        assert_eq!(
            repeated,
            Some(i64::try_from(sent - 60).unwrap_or(0)),
            "{kind}: each second copy a repeat"
        );
        h.finish().await;
    }
}
