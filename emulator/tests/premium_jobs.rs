//! MX's premium jobs over loopback: `check_balance`, `extend_history` and
//! `fetch_statements` start like any job (202), end with their `member_data_updated`
//! webhook (BALANCE, HISTORY, STATEMENT) and change what the data reads show; the job
//! rules are MX's (202 while the same kind runs or inside its window, 409 while another
//! kind runs).

mod common;

use common::{Mx, Receiver, frozen_config};
use serde_json::Value;

/// An emulator that sends webhooks to a fresh receiver.
async fn with_webhooks() -> (Mx, Receiver) {
    let receiver = Receiver::start(0).await;
    let mut config = frozen_config();
    config.webhook_url = Some(receiver.url.clone());
    (Mx::start(config).await, receiver)
}

async fn start(mx: &Mx, user: &str, member: &str, job: &str) -> common::Answer {
    mx.send(
        "POST",
        &format!("/users/{user}/members/{member}/{job}"),
        None,
    )
    .await
}

fn balances(accounts: &[Value]) -> Vec<(i64, String)> {
    accounts
        .iter()
        .map(|a| {
            (
                (a["balance"].as_f64().unwrap() * 100.0).round() as i64,
                a["updated_at"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

mod each_job {
    use super::*;

    #[tokio::test]
    async fn check_balance_refreshes_the_balances_and_brings_no_transaction() {
        let (mx, receiver) = with_webhooks().await;
        let (user, member) = mx.connected().await;
        let accounts = format!("/users/{user}/members/{member}/accounts");
        let transactions =
            format!("/users/{user}/members/{member}/transactions?from_date=2000-01-01");
        let before = balances(&mx.all(&accounts, "accounts").await);
        let listed = mx.all(&transactions, "transactions").await.len();
        // Four hours on, before the next background aggregation.
        mx.advance(4 * 3_600).await;
        let started = start(&mx, &user, &member, "check_balance").await;
        assert_eq!(started.status, 202, "{}", started.body);
        assert_eq!(started.member()["is_being_aggregated"], true);
        mx.advance(1).await;
        let hooks = receiver.wait_for(1, |r| r.body["type"] == "BALANCE").await;
        assert_eq!(hooks.len(), 1, "one BALANCE webhook");
        let hook = &hooks[0].body;
        assert_eq!(hook["action"], "member_data_updated");
        assert_eq!(hook["member_guid"], member.as_str());
        assert_eq!(hook["transactions_created_count"], 0);
        let after = balances(&mx.all(&accounts, "accounts").await);
        assert_ne!(before, after, "the balances are read again");
        assert!(after.iter().zip(&before).all(|(a, b)| a.1 > b.1));
        assert_eq!(mx.all(&transactions, "transactions").await.len(), listed);
        assert_eq!(
            mx.read(&user, &member).await["connection_status"],
            "CONNECTED"
        );
    }

    #[tokio::test]
    async fn extend_history_brings_transactions_up_to_24_months_back() {
        let (mx, receiver) = with_webhooks().await;
        let (user, member) = mx.connected().await;
        let path = format!("/users/{user}/members/{member}/transactions?from_date=2000-01-01");
        let oldest = |all: &[Value]| {
            all.iter()
                .map(|t| t["date"].as_str().unwrap().to_owned())
                .min()
                .unwrap()
        };
        let standard = mx.all(&path, "transactions").await;
        // The first aggregation brings 120 days.
        assert!(oldest(&standard).as_str() >= "2025-11-02");
        let started = start(&mx, &user, &member, "extend_history").await;
        assert_eq!(started.status, 202, "{}", started.body);
        mx.advance(1).await;
        let hooks = receiver.wait_for(1, |r| r.body["type"] == "HISTORY").await;
        assert_eq!(hooks.len(), 1, "one HISTORY webhook");
        let extended = mx.all(&path, "transactions").await;
        let created = hooks[0].body["transactions_created_count"]
            .as_u64()
            .unwrap();
        assert_eq!(created as usize, extended.len() - standard.len());
        let oldest = oldest(&extended);
        assert!(oldest.as_str() < "2025-06-01", "{oldest}");
        // 24 months before 2026-03-02.
        assert!(oldest.as_str() >= "2024-03-02", "{oldest}");
    }

    #[tokio::test]
    async fn fetch_statements_sends_a_statement_webhook() {
        let (mx, receiver) = with_webhooks().await;
        let (user, member) = mx.connected().await;
        let started = start(&mx, &user, &member, "fetch_statements").await;
        assert_eq!(started.status, 202, "{}", started.body);
        assert_eq!(started.member()["is_being_aggregated"], true);
        mx.advance(1).await;
        let hooks = receiver
            .wait_for(1, |r| r.body["type"] == "STATEMENT")
            .await;
        assert_eq!(hooks.len(), 1, "one STATEMENT webhook");
        assert_eq!(hooks[0].body["member_guid"], member.as_str());
    }
}

mod rules {
    use super::*;

    const JOBS: [&str; 3] = ["check_balance", "extend_history", "fetch_statements"];

    #[tokio::test]
    async fn the_same_kind_running_answers_202_and_starts_nothing() {
        for job in JOBS {
            let mx = Mx::frozen().await;
            let (user, member) = mx.connected().await;
            let first = start(&mx, &user, &member, job).await;
            let again = start(&mx, &user, &member, job).await;
            assert_eq!(again.status, 202, "{job}");
            assert_eq!(
                again.member()["most_recent_job_guid"],
                first.member()["most_recent_job_guid"],
                "{job}"
            );
            assert_eq!(again.member()["is_being_aggregated"], true, "{job}");
        }
    }

    #[tokio::test]
    async fn another_kind_running_answers_409() {
        for job in JOBS {
            let mx = Mx::frozen().await;
            let (user, member) = mx.connected().await;
            assert_eq!(start(&mx, &user, &member, job).await.status, 202);
            for other in JOBS.iter().chain(&["aggregate", "verify", "identify"]) {
                if *other == job {
                    continue;
                }
                let refused = start(&mx, &user, &member, other).await;
                assert_eq!(refused.status, 409, "{other} while {job} runs");
            }
            // And a premium job while a standard aggregation runs.
            let mx = Mx::frozen().await;
            let user = mx.user().await;
            let member = mx.member_guid(&user, "password").await;
            assert_eq!(start(&mx, &user, &member, job).await.status, 409, "{job}");
        }
    }

    #[tokio::test]
    async fn inside_the_window_of_its_last_start_nothing_starts() {
        for job in JOBS {
            let mx = Mx::frozen().await;
            let (user, member) = mx.connected().await;
            let first = start(&mx, &user, &member, job).await;
            mx.advance(1).await;
            let again = start(&mx, &user, &member, job).await;
            assert_eq!(again.status, 202, "{job}");
            assert_eq!(again.member()["is_being_aggregated"], false, "{job}");
            assert_eq!(
                again.member()["most_recent_job_guid"],
                first.member()["most_recent_job_guid"],
                "{job}"
            );
            let rule = again.headers["x-emulator-rule"].to_str().unwrap();
            assert!(rule.contains("window"), "{rule}");
            // Three hours after its start, it runs again.
            mx.advance(3 * 3_600).await;
            let later = start(&mx, &user, &member, job).await;
            assert_eq!(later.member()["is_being_aggregated"], true, "{job}");
        }
    }

    #[tokio::test]
    async fn a_standard_aggregation_does_not_hold_a_premium_job_back() {
        let mx = Mx::frozen().await;
        let (user, member) = mx.connected().await;
        for job in JOBS {
            let started = start(&mx, &user, &member, job).await;
            assert_eq!(started.status, 202, "{job}");
            assert_eq!(started.member()["is_being_aggregated"], true, "{job}");
            mx.advance(1).await;
        }
        // A premium job opens the window of a standard aggregation (MX's `aggregated_at`
        // counts premium jobs).
        let aggregate = start(&mx, &user, &member, "aggregate").await;
        assert_eq!(aggregate.status, 202);
        assert_eq!(aggregate.member()["is_being_aggregated"], false);
    }
}
