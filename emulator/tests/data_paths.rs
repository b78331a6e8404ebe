//! A member's accounts and transactions on MX's paths, in MX's envelopes: by member, by
//! account and by user, after the member's first successful aggregation (none before).

mod common;

use common::Mx;
use serde_json::Value;

/// A user with one MX Bank member that aggregated once: (user, member).
async fn connected(mx: &Mx) -> (String, String) {
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    mx.advance(1).await;
    assert_eq!(
        mx.read(&user, &member).await["connection_status"],
        "CONNECTED"
    );
    (user, member)
}

async fn get(mx: &Mx, path: &str) -> Value {
    let answer = mx.send("GET", path, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.body
}

#[tokio::test]
async fn no_data_before_the_first_success() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    let accounts = get(&mx, &format!("/users/{user}/members/{member}/accounts")).await;
    assert_eq!(accounts["accounts"], serde_json::json!([]));
    assert_eq!(accounts["pagination"]["total_entries"], 0);
    let transactions = get(&mx, &format!("/users/{user}/transactions")).await;
    assert_eq!(transactions["pagination"]["total_entries"], 0);
}

#[tokio::test]
async fn accounts_by_member_and_by_user_read_alike() {
    let mx = Mx::frozen().await;
    let (user, member) = connected(&mx).await;
    let by_member = get(&mx, &format!("/users/{user}/members/{member}/accounts")).await;
    let accounts = by_member["accounts"].as_array().unwrap();
    let types: Vec<&str> = accounts
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["CHECKING", "SAVINGS", "CREDIT_CARD", "INVESTMENT"]);
    assert_eq!(by_member["pagination"]["total_entries"], 4);
    let by_user = get(&mx, &format!("/users/{user}/accounts")).await;
    assert_eq!(by_user["accounts"], by_member["accounts"]);
    for account in accounts {
        let guid = account["guid"].as_str().unwrap();
        assert!(guid.starts_with("ACT-"));
        assert_eq!(account["member_guid"], member.as_str());
        assert_eq!(account["user_guid"], user.as_str());
        let one = get(&mx, &format!("/users/{user}/accounts/{guid}")).await;
        assert_eq!(&one["account"], account);
        let one = get(
            &mx,
            &format!("/users/{user}/members/{member}/accounts/{guid}"),
        )
        .await;
        assert_eq!(&one["account"], account);
    }
    let missing = mx
        .send("GET", &format!("/users/{user}/accounts/ACT-nope"), None)
        .await;
    assert_eq!(missing.status, 404);
    // MX Bank's accounts are aggregated, and their member is managed by the user.
    let manual = get(&mx, &format!("/users/{user}/accounts?is_manual=true")).await;
    assert_eq!(manual["pagination"]["total_entries"], 0);
    let unmanaged = get(
        &mx,
        &format!("/users/{user}/members/{member}/accounts?member_is_managed_by_user=false"),
    )
    .await;
    assert_eq!(unmanaged["pagination"]["total_entries"], 0);
}

#[tokio::test]
async fn transactions_by_member_account_and_user_read_alike() {
    let mx = Mx::frozen().await;
    let (user, member) = connected(&mx).await;
    let all = "records_per_page=1000";
    let by_member = get(
        &mx,
        &format!("/users/{user}/members/{member}/transactions?{all}"),
    )
    .await;
    let by_user = get(&mx, &format!("/users/{user}/transactions?{all}")).await;
    assert_eq!(by_member["transactions"], by_user["transactions"]);
    let listed = by_member["transactions"].as_array().unwrap();
    // 120 days at 3 to 6 a day.
    assert!((360..=730).contains(&listed.len()), "{}", listed.len());
    let accounts = get(&mx, &format!("/users/{user}/accounts")).await;
    let mut per_account = 0;
    for account in accounts["accounts"].as_array().unwrap() {
        let guid = account["guid"].as_str().unwrap();
        let by_account = get(
            &mx,
            &format!("/users/{user}/accounts/{guid}/transactions?{all}"),
        )
        .await;
        let nested = get(
            &mx,
            &format!("/users/{user}/members/{member}/accounts/{guid}/transactions?{all}"),
        )
        .await;
        assert_eq!(by_account["transactions"], nested["transactions"]);
        let mine = by_account["transactions"].as_array().unwrap();
        // The investment account holds securities, not transactions.
        assert_eq!(
            mine.is_empty(),
            account["type"] == "INVESTMENT",
            "{guid}: {} transactions",
            mine.len()
        );
        assert!(mine.iter().all(|t| t["account_guid"] == guid));
        per_account += mine.len();
    }
    assert_eq!(per_account, listed.len());
    for t in listed {
        for field in [
            "account_guid",
            "member_guid",
            "user_guid",
            "amount",
            "date",
            "status",
            "created_at",
            "updated_at",
            "transacted_at",
        ] {
            assert!(!t[field].is_null(), "{field} in {t}");
        }
        assert!(t["guid"].as_str().unwrap().starts_with("TRN-"));
        assert!(["POSTED", "PENDING"].contains(&t["status"].as_str().unwrap()));
        assert_eq!(t["posted_at"].is_null(), t["status"] == "PENDING");
    }
    let guid = listed[0]["guid"].as_str().unwrap();
    let one = get(&mx, &format!("/users/{user}/transactions/{guid}")).await;
    assert_eq!(&one["transaction"], &listed[0]);
    let missing = mx
        .send("GET", &format!("/users/{user}/transactions/TRN-nope"), None)
        .await;
    assert_eq!(missing.status, 404);
}
