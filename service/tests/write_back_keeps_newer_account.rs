//! A drive's write-back stores the accounts its listing changed, except one whose row
//! held is newer: an ACCOUNT webhook that arrived while the drive listed an older
//! version of the account keeps its version (MX retries webhooks for about a day and a
//! listing and a webhook can cross). Accounts not held, and held older, are stored.

mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mx_aggregation_client::sync::AccountWebhook;
use mx_aggregation_service::core::data_changes::{DataChanges, RowChanges};
use mx_aggregation_service::store::{Db, Incoming, Written};
use serde_json::{Value, json};
use sqlx::Row;
use support::Scratch;
use support::store::write_data;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Account `guid` of member `MBR-1` as of `hours` after the start, with that balance.
fn account(guid: &str, hours: i64) -> Value {
    json!({
        "guid": guid,
        "member_guid": "MBR-1",
        "balance": hours,
        "updated_at": (start() + Duration::hours(hours)).to_rfc3339(),
    })
}

#[tokio::test]
async fn a_write_back_keeps_an_account_held_newer() {
    let scratch = Scratch::new("write-back-keeps-newer-account");
    let url = format!("sqlite://{}", scratch.path.join("mx.db").display());
    let db = Db::open(&url).await.expect("a database");
    db.insert_user("USR-1", None, start())
        .await
        .expect("a user");
    db.insert_member("MBR-1", "USR-1", None, start())
        .await
        .expect("a member");
    // Held: ACT-new as of hour 5 and ACT-old as of hour 1, from ACCOUNT webhooks.
    for (guid, hours) in [("ACT-new", 5), ("ACT-old", 1)] {
        let body = json!({"type": "ACCOUNT", "action": "updated", "account": account(guid, hours)});
        let webhook = AccountWebhook::read(&body).expect("an ACCOUNT webhook");
        db.receive_group(&[Incoming::Account {
            member_guid: "MBR-1".to_owned(),
            account: Box::new(webhook),
        }])
        .await
        .expect("stored");
    }
    let claimed = db
        .claim_due("worker", (start(), start()), 1, &[])
        .await
        .expect("a claim")
        .pop()
        .expect("the member is due");
    // The drive listed every account as of hour 3.
    let listed = |guid: &str| (guid.to_owned(), account(guid, 3).to_string());
    let changes = DataChanges {
        accounts: RowChanges {
            upsert: vec![listed("ACT-new"), listed("ACT-old"), listed("ACT-unheld")],
            delete: Vec::new(),
        },
        transactions: RowChanges::default(),
    };
    let written = write_data(&db, &claimed, &changes, start()).await;
    assert_eq!(written, Written::Stored);
    db.close().await;
    let pool = sqlx::SqlitePool::connect(&url).await.expect("a reader");
    let rows =
        sqlx::query("SELECT guid, body FROM accounts WHERE member_guid = 'MBR-1' ORDER BY guid")
            .fetch_all(&pool)
            .await
            .expect("the accounts");
    let balances: Vec<(String, Option<f64>)> = rows
        .iter()
        .map(|row| {
            let body: Value = serde_json::from_str(&row.get::<String, _>(1)).expect("JSON");
            (row.get(0), body["balance"].as_f64())
        })
        .collect();
    assert_eq!(
        balances,
        vec![
            ("ACT-new".to_owned(), Some(5.0)),
            ("ACT-old".to_owned(), Some(3.0)),
            ("ACT-unheld".to_owned(), Some(3.0)),
        ]
    );
}
