//! Investment holdings over loopback: none before a member's first successful
//! aggregation, then a handful in its investment account, the same on the member, user,
//! account and single-holding paths, paged like every list, priced as of the latest
//! aggregation, and 404 with a JSON error for a holding or account the user does not have.

mod common;

use common::Mx;
use serde_json::Value;

async fn get(mx: &Mx, path: &str) -> Value {
    let answer = mx.send("GET", path, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.body
}

/// The user's investment account (by type) among the member's accounts.
async fn investment_account(mx: &Mx, user: &str, member: &str) -> Value {
    let accounts = mx
        .all(
            &format!("/users/{user}/members/{member}/accounts"),
            "accounts",
        )
        .await;
    accounts
        .into_iter()
        .find(|a| a["type"] == "INVESTMENT")
        .expect("an investment account")
}

fn cents(value: &Value) -> i64 {
    (value.as_f64().unwrap() * 100.0).round() as i64
}

#[tokio::test]
async fn none_before_the_first_successful_aggregation() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    let member = mx.member_guid(&user, "password").await;
    let before = get(
        &mx,
        &format!("/users/{user}/members/{member}/investment_holdings"),
    )
    .await;
    assert_eq!(before["investment_holdings"], serde_json::json!([]));
    assert_eq!(before["pagination"]["total_entries"], 0);
    let by_user = get(&mx, &format!("/users/{user}/investment_holdings")).await;
    assert_eq!(by_user["pagination"]["total_entries"], 0);
    mx.advance(1).await;
    let after = mx
        .all(
            &format!("/users/{user}/members/{member}/investment_holdings"),
            "investment_holdings",
        )
        .await;
    assert_eq!(after.len(), 4, "a handful once the member aggregated");
}

#[tokio::test]
async fn the_member_user_account_and_single_reads_agree() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    let by_member = mx
        .all(
            &format!("/users/{user}/members/{member}/investment_holdings"),
            "investment_holdings",
        )
        .await;
    let by_user = mx
        .all(
            &format!("/users/{user}/investment_holdings"),
            "investment_holdings",
        )
        .await;
    assert_eq!(by_member, by_user);
    let account = investment_account(&mx, &user, &member).await;
    let account_guid = account["guid"].as_str().unwrap();
    let by_account = mx
        .all(
            &format!("/users/{user}/accounts/{account_guid}/investment_holdings"),
            "investment_holdings",
        )
        .await;
    assert_eq!(by_member, by_account);
    let mut symbols = Vec::new();
    for holding in &by_member {
        let guid = holding["guid"].as_str().unwrap();
        assert!(guid.starts_with("HOL-"), "{guid}");
        assert_eq!(holding["account_guid"], account_guid);
        assert_eq!(holding["user_guid"], user.as_str());
        assert_eq!(holding["currency_code"], "USD");
        symbols.push(holding["symbol"].as_str().unwrap().to_owned());
        let one = get(&mx, &format!("/users/{user}/investment_holdings/{guid}")).await;
        assert_eq!(&one["investment_holding"], holding);
        // market_value = quantity × current_price, to the cent.
        let quantity: f64 = holding["quantity"].as_str().unwrap().parse().unwrap();
        let price = holding["current_price"].as_f64().unwrap();
        assert_eq!(
            cents(&holding["market_value"]),
            (quantity * price * 100.0).round() as i64,
            "{holding}"
        );
        assert_eq!(
            cents(&holding["total_ugl_amount"]),
            cents(&holding["market_value"]) - cents(&holding["cost_basis"]),
            "{holding}"
        );
    }
    symbols.sort();
    symbols.dedup();
    assert_eq!(symbols.len(), by_member.len(), "distinct securities");
    // The account's balance is what its holdings are worth.
    let worth: i64 = by_member.iter().map(|h| cents(&h["market_value"])).sum();
    assert_eq!(cents(&account["balance"]), worth);
    // Another account holds nothing.
    let accounts = mx
        .all(
            &format!("/users/{user}/members/{member}/accounts"),
            "accounts",
        )
        .await;
    let checking = accounts.iter().find(|a| a["type"] == "CHECKING").unwrap();
    let checking = checking["guid"].as_str().unwrap();
    let none = get(
        &mx,
        &format!("/users/{user}/accounts/{checking}/investment_holdings"),
    )
    .await;
    assert_eq!(none["pagination"]["total_entries"], 0);
}

#[tokio::test]
async fn the_user_list_is_paged_over_its_members() {
    let mx = Mx::frozen().await;
    let user = mx.user().await;
    for password in ["one", "two", "three"] {
        mx.member_guid(&user, password).await;
    }
    mx.advance(1).await;
    let path = format!("/users/{user}/investment_holdings?records_per_page=10");
    let first = get(&mx, &format!("{path}&page=1")).await;
    let second = get(&mx, &format!("{path}&page=2")).await;
    assert_eq!(first["pagination"]["total_entries"], 12);
    assert_eq!(first["pagination"]["total_pages"], 2);
    assert_eq!(first["investment_holdings"].as_array().unwrap().len(), 10);
    assert_eq!(second["investment_holdings"].as_array().unwrap().len(), 2);
    let mut guids: Vec<&str> = first["investment_holdings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["investment_holdings"].as_array().unwrap())
        .map(|h| h["guid"].as_str().unwrap())
        .collect();
    guids.sort_unstable();
    guids.dedup();
    assert_eq!(guids.len(), 12, "every holding once");
}

#[tokio::test]
async fn prices_follow_the_latest_aggregation_and_positions_stay() {
    let mx = Mx::frozen().await;
    let (user, member) = mx.connected().await;
    let path = format!("/users/{user}/members/{member}/investment_holdings");
    let before = mx.all(&path, "investment_holdings").await;
    // Three days of MX Bank's daily background aggregations.
    mx.advance(3 * 86_400 + 600).await;
    let after = mx.all(&path, "investment_holdings").await;
    let fields =
        |list: &[Value], key: &str| -> Vec<Value> { list.iter().map(|h| h[key].clone()).collect() };
    for same in ["guid", "symbol", "quantity", "cost_basis", "created_at"] {
        assert_eq!(fields(&before, same), fields(&after, same), "{same}");
    }
    assert_ne!(
        fields(&before, "current_price_as_of"),
        fields(&after, "current_price_as_of")
    );
    assert_ne!(
        fields(&before, "market_value"),
        fields(&after, "market_value")
    );
}

#[tokio::test]
async fn an_unknown_holding_or_account_is_a_json_404() {
    let mx = Mx::frozen().await;
    let (user, _) = mx.connected().await;
    for path in [
        format!("/users/{user}/investment_holdings/HOL-nope"),
        format!("/users/{user}/accounts/ACT-nope/investment_holdings"),
    ] {
        let answer = mx.send("GET", &path, None).await;
        assert_eq!(answer.status, 404, "{path}");
        let message = answer.body["error"]["message"].as_str().unwrap();
        assert!(message.ends_with("not found"), "{path}: {message}");
    }
    // Another user's holding is not this user's.
    let (other, member) = mx.connected().await;
    let theirs = get(
        &mx,
        &format!("/users/{other}/members/{member}/investment_holdings"),
    )
    .await;
    let guid = theirs["investment_holdings"][0]["guid"].as_str().unwrap();
    let answer = mx
        .send(
            "GET",
            &format!("/users/{user}/investment_holdings/{guid}"),
            None,
        )
        .await;
    assert_eq!(answer.status, 404);
}
