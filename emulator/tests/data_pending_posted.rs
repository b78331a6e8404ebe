//! Pending to posted, as MX's most common case: the job that sees a pending transaction
//! posted deletes it and creates a POSTED one under a new GUID; the deleted one is gone
//! from every listing and its read answers 404.

mod common;

use common::Mx;
use serde_json::Value;

#[tokio::test]
async fn a_pending_transaction_posts_under_a_new_guid_and_the_old_one_is_gone() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    let path = format!("/users/{user}/transactions");
    let before = mx.all(&path, "transactions").await;
    let now = mx.advance(0).await.timestamp();
    let pending: Vec<&Value> = before.iter().filter(|t| t["status"] == "PENDING").collect();
    assert!(!pending.is_empty());
    let recent = |t: &&Value| {
        let at = chrono::DateTime::parse_from_rfc3339(t["transacted_at"].as_str().unwrap())
            .unwrap()
            .timestamp();
        now - at < 3 * 86_400
    };
    assert!(
        pending.iter().any(recent),
        "one pending dated within 3 days"
    );
    // Four days on: every pending purchase of the first read has posted or waits to be
    // dropped.
    mx.advance(4 * 86_400 + 10).await;
    let after = mx.all(&path, "transactions").await;
    let mut posted = 0;
    for old in &pending {
        let guid = old["guid"].as_str().unwrap();
        let still = after.iter().find(|t| t["guid"] == guid);
        if still.is_some() {
            continue; // one purchase in ten never posts: deleted after 14 days
        }
        let read = mx
            .send("GET", &format!("/users/{user}/transactions/{guid}"), None)
            .await;
        assert_eq!(read.status, 404, "{guid} was deleted");
        let by_member = mx
            .all(
                &format!("/users/{user}/members/{member}/transactions"),
                "transactions",
            )
            .await;
        assert!(by_member.iter().all(|t| t["guid"] != guid));
        let replacement = after
            .iter()
            .find(|t| {
                t["transacted_at"] == old["transacted_at"]
                    && t["amount"] == old["amount"]
                    && t["account_guid"] == old["account_guid"]
            })
            .expect("a posted replacement");
        assert_eq!(replacement["status"], "POSTED");
        assert_ne!(replacement["guid"], old["guid"]);
        assert!(!replacement["posted_at"].is_null());
        assert!(replacement["created_at"].as_str() > old["created_at"].as_str());
        posted += 1;
    }
    assert!(posted >= 1);
}

#[tokio::test]
async fn pending_left_14_days_is_deleted() {
    let mx = Mx::frozen().await;
    let (user, _) = mx.connected().await;
    let path = format!("/users/{user}/transactions");
    mx.advance(20 * 86_400).await;
    let now = mx.advance(0).await.timestamp();
    for t in mx.all(&path, "transactions").await {
        if t["status"] == "PENDING" {
            let at = chrono::DateTime::parse_from_rfc3339(t["transacted_at"].as_str().unwrap())
                .unwrap()
                .timestamp();
            assert!(now - at < 15 * 86_400, "{t}");
        }
    }
}
