//! With `--account-webhooks`, MX's ACCOUNT webhooks carry the balances: the service
//! stores each account as the webhook brings it, at once and without a drive, and a
//! sync that a data webhook announced lists no accounts. The first sync lists them, and
//! the stored accounts equal MX's listing after every aggregation.

mod support;

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use serde_json::{Value, json};
use support::Scratch;
use support::api::Api;
use support::db::Database;
use support::fleet::Scenario;
use support::mx::Mx;
use support::process::{Instance, Launch, log_tail};

/// The fields of each account both copies are compared on, by guid.
fn balances(accounts: &[Value]) -> BTreeMap<String, Value> {
    accounts
        .iter()
        .map(|a| {
            let guid = a["guid"].as_str().unwrap_or_default().to_owned();
            let fields = json!([a["balance"], a["available_balance"], a["updated_at"]]);
            (guid, fields)
        })
        .collect()
}

/// The service's stored accounts of `member`.
async fn stored(api: &Api, member: &str) -> Vec<Value> {
    let answer = api
        .get(&format!("/members/{member}/accounts?records_per_page=1000"))
        .await
        .expect("the service answers");
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["accounts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// MX's accounts `listing` lists, compared as [`balances`].
async fn at_mx(mx: &Mx, listing: &str) -> BTreeMap<String, Value> {
    balances(&mx.all(listing, "accounts").await)
}

/// How many times the service listed the member's accounts at MX.
async fn account_listings(mx: &Mx, member: &str) -> usize {
    let suffix = format!("/members/{member}/accounts");
    mx.journal()
        .await
        .iter()
        .filter(|e| {
            e["method"] == "GET" && e["path"].as_str().is_some_and(|p| p.ends_with(&suffix))
        })
        .count()
}

/// Waits (up to a minute) until `check` holds.
async fn until<F, Fut>(what: &str, launch: &Launch, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}\n{}", log_tail(&launch.log_path(), 40));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_webhooks_keep_the_balances_without_listing_them() {
    let scratch = Scratch::new("account-webhooks");
    let database = Database::sqlite(&scratch.path);
    let mut launch = Launch::new("accounts", &scratch.path, database.url(), "");
    let mx = Mx::start(&launch.webhook_url(), 23).await;
    let (status, body) = mx
        .post(
            "/emulator/faults",
            &json!({"rules": [], "webhooks": {"accounts": true}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    launch.mx_base_url = mx.base_url().to_owned();
    launch.extra = vec!["--account-webhooks".to_owned()];
    let mut instance = Instance::start_async(&launch).await;
    let api = Api::new(vec![instance.base_url.clone()]);

    let user = api.user("u-accounts").await;
    let member = api
        .create_member(&user, "k-accounts", &Scenario::Success.member("m-accounts"))
        .await;
    // MX's truth through the user's accounts, not the member's listing the service uses.
    let listing = format!("/users/{user}/accounts");

    // The first sync lists the accounts.
    until("the member is synced", &launch, || async {
        api.get(&format!("/members/{member}"))
            .await
            .is_some_and(|v| !v.body["member"]["synced_through"].is_null())
    })
    .await;
    let first = at_mx(&mx, &listing).await;
    assert!(first.len() >= 2, "MX Bank's accounts: {first:?}");
    until("the stored accounts are MX's", &launch, || async {
        balances(&stored(&api, &member).await) == first
    })
    .await;
    assert_eq!(
        account_listings(&mx, &member).await,
        1,
        "the first sync lists them"
    );

    // Each day's background aggregation moves the balances; its ACCOUNT webhooks bring
    // them, its member_data_updated the transactions: no listing.
    let mut before = first;
    for day in 1..=2 {
        mx.advance(86_400);
        let mut now = None;
        for _ in 0..100 {
            let latest = at_mx(&mx, &listing).await;
            if latest != before {
                now = Some(latest);
                break;
            }
            mx.advance(600);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let now = now.unwrap_or_else(|| panic!("day {day}: MX aggregated and moved a balance"));
        until(
            &format!("day {day}: the stored accounts are MX's"),
            &launch,
            || async { balances(&stored(&api, &member).await) == now },
        )
        .await;
        // The transactions too, inside the window both sides hold (MX's 120 days).
        let truth = mx.transactions(&user, &member).await;
        let (from, to) = mx.compared_dates();
        let guids = |rows: &[Value], window: bool| {
            let mut guids: Vec<String> = rows
                .iter()
                .filter(|t| !window || t["date"].as_str().is_some_and(|d| *d >= *from && *d <= *to))
                .filter_map(|t| t["guid"].as_str().map(str::to_owned))
                .collect();
            guids.sort();
            guids
        };
        let expected = guids(&truth, false);
        assert!(!expected.is_empty());
        until(
            &format!("day {day}: the transactions are synced"),
            &launch,
            || async {
                guids(&api.transactions(&member).await.unwrap_or_default(), true) == expected
            },
        )
        .await;
        before = now;
    }
    assert_eq!(
        account_listings(&mx, &member).await,
        1,
        "no sync after the first listed the accounts\n{}",
        log_tail(&launch.log_path(), 40)
    );

    // MX's retry of an older version changes nothing; a newer one replaces it.
    let held = stored(&api, &member).await[0].clone();
    let guid = held["guid"].as_str().expect("a guid").to_owned();
    let at = support::mx::time_of(&held["updated_at"]).expect("an updated_at");
    let version = |minutes: i64, balance: f64| {
        let mut account = held.clone();
        account["balance"] = json!(balance);
        account["updated_at"] = json!((at + chrono::TimeDelta::minutes(minutes)).to_rfc3339());
        json!({"action": "updated", "type": "ACCOUNT", "account": account})
    };
    let http = reqwest::Client::new();
    let balance_now = || async {
        stored(&api, &member)
            .await
            .iter()
            .find(|a| a["guid"] == guid.as_str())
            .map(|a| a["balance"].clone())
    };
    for (minutes, balance, expected) in
        [(-60, 1.25, held["balance"].clone()), (60, 2.5, json!(2.5))]
    {
        let answer = http
            .post(launch.webhook_url())
            .json(&version(minutes, balance))
            .send()
            .await
            .expect("the service answers");
        assert_eq!(answer.status(), 204);
        assert_eq!(balance_now().await, Some(expected), "{minutes} minutes");
    }
    instance.kill();
}
