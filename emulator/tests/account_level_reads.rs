//! The account-level reads over loopback: one transaction through its member's account
//! (`readTransactionByAccount`), the same as the user-level read and 404 through another
//! account; an account's numbers (`listAccountNumbersByAccount`), the member list's row for
//! that account once a verification succeeded, none for a card or before.

mod common;

use common::Mx;
use serde_json::Value;

async fn accounts(mx: &Mx, user: &str, member: &str) -> Vec<Value> {
    mx.all(
        &format!("/users/{user}/members/{member}/accounts"),
        "accounts",
    )
    .await
}

fn guid_of<'a>(accounts: &'a [Value], kind: &str) -> &'a str {
    accounts
        .iter()
        .find(|a| a["type"] == kind)
        .and_then(|a| a["guid"].as_str())
        .unwrap_or_else(|| panic!("a {kind} account"))
}

#[tokio::test]
async fn a_transaction_read_through_its_account() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    let accounts = accounts(&mx, &user, &member).await;
    let checking = guid_of(&accounts, "CHECKING");
    let savings = guid_of(&accounts, "SAVINGS");
    let listed = mx
        .all(
            &format!("/users/{user}/accounts/{checking}/transactions"),
            "transactions",
        )
        .await;
    assert!(!listed.is_empty());
    for t in listed.iter().take(5) {
        let guid = t["guid"].as_str().unwrap();
        let path =
            format!("/users/{user}/members/{member}/accounts/{checking}/transactions/{guid}");
        let read = mx.send("GET", &path, None).await;
        assert_eq!(read.status, 200, "{}", read.body);
        assert_eq!(&read.body["transaction"], t);
        let by_user = mx
            .send("GET", &format!("/users/{user}/transactions/{guid}"), None)
            .await;
        assert_eq!(by_user.body["transaction"], read.body["transaction"]);
        // Through another account it is not there.
        let elsewhere = mx
            .send(
                "GET",
                &format!("/users/{user}/members/{member}/accounts/{savings}/transactions/{guid}"),
                None,
            )
            .await;
        assert_eq!(elsewhere.status, 404);
        assert_eq!(elsewhere.body["error"]["message"], "transaction not found");
    }
    let missing = mx
        .send(
            "GET",
            &format!("/users/{user}/members/{member}/accounts/ACT-nope/transactions/TRN-nope"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.body["error"]["message"], "account not found");
}

#[tokio::test]
async fn an_accounts_numbers_after_a_verification() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    let accounts = accounts(&mx, &user, &member).await;
    let by_account = |guid: &str| format!("/users/{user}/accounts/{guid}/account_numbers");
    let checking = guid_of(&accounts, "CHECKING");
    assert!(
        mx.all(&by_account(checking), "account_numbers")
            .await
            .is_empty()
    );
    let verified = mx
        .send(
            "POST",
            &format!("/users/{user}/members/{member}/verify"),
            None,
        )
        .await;
    assert!(matches!(verified.status, 200 | 202), "{}", verified.body);
    mx.advance(1).await;
    let of_member = mx
        .all(
            &format!("/users/{user}/members/{member}/account_numbers"),
            "account_numbers",
        )
        .await;
    for account in &accounts {
        let guid = account["guid"].as_str().unwrap();
        let mine = mx.all(&by_account(guid), "account_numbers").await;
        let expected: Vec<Value> = of_member
            .iter()
            .filter(|n| n["account_guid"] == guid)
            .cloned()
            .collect();
        assert_eq!(mine, expected, "{}", account["type"]);
        let deposit = account["type"] == "CHECKING" || account["type"] == "SAVINGS";
        assert_eq!(mine.len(), usize::from(deposit), "{}", account["type"]);
    }
    let missing = mx.send("GET", &by_account("ACT-nope"), None).await;
    assert_eq!(missing.status, 404);
}
