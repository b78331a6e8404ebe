//! Counts and webhooks that tell the truth: `member_data_updated` carries the job's real
//! created and updated counts, and MX's transaction webhooks (created, updated, deleted)
//! and account webhooks (the account's fields) are sent when enabled, and only then.

mod common;

use common::{Mx, Receiver, frozen_config};
use std::collections::BTreeSet;

use serde_json::json;

#[tokio::test]
async fn member_data_updated_counts_what_the_job_created_and_updated() {
    let receiver = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    let mx = Mx::start(config).await;
    let (user, member) = mx.connected().await;
    let first = receiver
        .wait_for(1, |r| r.body["type"] == "AGGREGATION")
        .await;
    let all = mx
        .all(
            &format!("/users/{user}/members/{member}/transactions?from_date=2000-01-01"),
            "transactions",
        )
        .await;
    assert_eq!(first[0].body["transactions_created_count"], all.len());
    assert_eq!(first[0].body["transactions_updated_count"], 0);
    // The next day's background aggregation.
    let before = mx.advance(0).await.timestamp();
    mx.advance(86_400 + 5).await;
    let hooks = receiver
        .wait_for(2, |r| r.body["type"] == "AGGREGATION")
        .await;
    let second = &hooks[1].body;
    assert_eq!(second["is_background"], true);
    let completed = second["completed_at"].as_i64().unwrap();
    let path = format!("/users/{user}/members/{member}/transactions?from_date=2000-01-01");
    let created = mx
        .all(
            &format!("{path}&from_created_at={completed}&to_created_at={completed}"),
            "transactions",
        )
        .await;
    let changed = mx
        .all(
            &format!("{path}&from_updated_at={completed}&to_updated_at={completed}"),
            "transactions",
        )
        .await;
    assert!(completed > before);
    assert!(!created.is_empty());
    assert_eq!(second["transactions_created_count"], created.len());
    assert_eq!(
        second["transactions_updated_count"],
        changed.len() - created.len()
    );
    // No transaction or account webhook unless enabled.
    assert!(
        receiver
            .all()
            .iter()
            .all(|r| r.body["type"] != "TRANSACTION" && r.body["type"] != "ACCOUNT")
    );
}

/// The member's accounts as `path` lists them, by guid.
async fn listed(mx: &Mx, path: &str) -> std::collections::BTreeMap<String, serde_json::Value> {
    mx.all(path, "accounts")
        .await
        .into_iter()
        .map(|a| (a["guid"].as_str().unwrap().to_owned(), a))
        .collect()
}

/// An emulator on a frozen clock whose webhooks go to a new receiver, with a fault plan
/// that turns on the opt-in webhooks `webhooks` names (`{"accounts": true}`, …).
async fn subscribed(webhooks: serde_json::Value) -> (Receiver, Mx) {
    let receiver = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    let mx = Mx::start(config).await;
    let plan = mx
        .send(
            "POST",
            "/emulator/faults",
            Some(json!({"rules": [], "webhooks": webhooks})),
        )
        .await;
    assert_eq!(plan.status, 200, "{}", plan.body);
    (receiver, mx)
}

/// Waits until the receiver has heard nothing new for a while.
async fn quiet(receiver: &Receiver) {
    let mut count = usize::MAX;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let now = receiver.all().len();
        if now == count {
            return;
        }
        count = now;
    }
}

/// The newest ACCOUNT webhook's account for each guid, `action` aside.
fn newest_accounts(receiver: &Receiver) -> std::collections::BTreeMap<String, serde_json::Value> {
    receiver
        .all()
        .iter()
        .filter(|r| r.body["type"] == "ACCOUNT")
        .map(|r| {
            let account = r.body["account"].clone();
            (account["guid"].as_str().unwrap().to_owned(), account)
        })
        .collect()
}

#[tokio::test]
async fn account_webhooks_carry_every_account_as_the_listing_shows_it() {
    let (receiver, mx) = subscribed(json!({"accounts": true})).await;
    let (user, member) = mx.connected().await;
    receiver
        .wait_for(1, |r| r.body["type"] == "AGGREGATION")
        .await;
    quiet(&receiver).await;
    let path = format!("/users/{user}/members/{member}/accounts");
    let first = listed(&mx, &path).await;
    assert!(first.len() >= 2, "{first:?}");
    // The first aggregation creates every account, as the listing shows it.
    let created: Vec<_> = receiver
        .all()
        .into_iter()
        .filter(|r| r.body["type"] == "ACCOUNT")
        .collect();
    assert!(created.iter().all(|r| r.body["action"] == "created"));
    assert_eq!(newest_accounts(&receiver), first);
    // The account webhooks come before the job's member_data_updated.
    let kinds: Vec<String> = receiver
        .all()
        .iter()
        .map(|r| r.body["type"].as_str().unwrap_or("").to_owned())
        .filter(|kind| kind == "ACCOUNT" || kind == "AGGREGATION")
        .collect();
    assert_eq!(kinds.last().map(String::as_str), Some("AGGREGATION"));
    // A day's background aggregation moves the balances: each moved account is updated,
    // and the newest webhook of each account is what the listing shows.
    mx.advance(86_400 + 5).await;
    receiver
        .wait_for(2, |r| r.body["type"] == "AGGREGATION")
        .await;
    quiet(&receiver).await;
    let second = listed(&mx, &path).await;
    assert_ne!(second, first);
    let updated = receiver
        .all()
        .iter()
        .filter(|r| r.body["type"] == "ACCOUNT" && r.body["action"] == "updated")
        .count();
    assert_eq!(
        updated,
        second
            .iter()
            .filter(|(guid, a)| first[*guid] != **a)
            .count()
    );
    assert_eq!(newest_accounts(&receiver), second);
}

#[tokio::test]
async fn a_fault_plan_turns_on_transaction_webhooks_deletions_included() {
    let (receiver, mx) = subscribed(json!({"transactions": true})).await;
    let (user, member) = mx.connected().await;
    mx.advance(4 * 86_400 + 5).await;
    let deleted = receiver
        .wait_for(1, |r| {
            r.body["type"] == "TRANSACTION" && r.body["action"] == "deleted"
        })
        .await;
    let gone = &deleted[0].body["transaction"];
    assert_eq!(gone["member_guid"], member.as_str());
    assert_eq!(gone["status"], "PENDING");
    let guid = gone["guid"].as_str().unwrap();
    let read = mx
        .send("GET", &format!("/users/{user}/transactions/{guid}"), None)
        .await;
    assert_eq!(read.status, 404);
    // Once every webhook is in: the created ones less the deleted ones are the listing.
    quiet(&receiver).await;
    let guids = |action: &str| -> BTreeSet<String> {
        receiver
            .all()
            .iter()
            .filter(|r| r.body["type"] == "TRANSACTION" && r.body["action"] == action)
            .map(|r| r.body["transaction"]["guid"].as_str().unwrap().to_owned())
            .collect()
    };
    let live: BTreeSet<String> = mx
        .all(
            &format!("/users/{user}/transactions?from_date=2000-01-01"),
            "transactions",
        )
        .await
        .iter()
        .map(|t| t["guid"].as_str().unwrap().to_owned())
        .collect();
    let (created, deleted, updated) = (guids("created"), guids("deleted"), guids("updated"));
    assert!(deleted.is_subset(&created));
    assert_eq!(
        created
            .difference(&deleted)
            .cloned()
            .collect::<BTreeSet<_>>(),
        live
    );
    assert!(!updated.is_empty() && updated.is_subset(&created));
}

#[tokio::test]
async fn the_binary_sends_transaction_and_account_webhooks_with_their_flags() {
    let receiver = Receiver::start(0).await;
    let binary = common::Binary::start(&[
        "--frozen",
        "--transaction-webhooks",
        "--account-webhooks",
        "--webhook-url",
        &receiver.url,
    ]);
    let mx = binary.client();
    mx.connected().await;
    let created = receiver
        .wait_for(1, |r| {
            r.body["type"] == "TRANSACTION" && r.body["action"] == "created"
        })
        .await;
    assert!(!created.is_empty());
    let accounts = receiver
        .wait_for(1, |r| {
            r.body["type"] == "ACCOUNT" && r.body["action"] == "created"
        })
        .await;
    assert!(!accounts.is_empty());
}
