//! Data webhooks folded into a member's data: `member_data_updated` with counts of 0
//! makes the next sync read the accounts but not the transactions; any other count, or a
//! TRANSACTION webhook, makes it read both; a `deleted` TRANSACTION webhook removes the
//! transaction at the next sync, without a call when MX has no newer data. Over
//! loopback, through the driver.

mod common;

use mx_aggregation::MemberState;
use mx_aggregation_client::Outcome;
use mx_aggregation_client::sync::{DataDue, DataWebhook, MemberData, SyncOptions};
use serde_json::json;

fn data_updated(created: u64, updated: u64) -> serde_json::Value {
    json!({"action": "member_data_updated", "type": "AGGREGATION", "member_guid": "MBR-1",
           "transactions_created_count": created, "transactions_updated_count": updated,
           "completed_at": 1_772_442_000, "is_background": true})
}

#[test]
fn webhooks_note_what_the_next_sync_reads() {
    let mut data = MemberData::default();
    data.checkpoint.updated_through = Some(chrono::Utc::now());
    assert!(data.reads_transactions(), "no webhook: read both");
    assert_eq!(
        data.fold_webhook(&data_updated(0, 0)),
        DataWebhook::DataUpdated {
            transactions: false
        }
    );
    assert_eq!(data.due, Some(DataDue::AccountsOnly));
    assert!(!data.reads_transactions());
    let _ = data.fold_webhook(&data_updated(0, 2));
    assert_eq!(data.due, Some(DataDue::Everything));
    let _ = data.fold_webhook(&data_updated(0, 0));
    assert_eq!(
        data.due,
        Some(DataDue::Everything),
        "a later 0 does not undo it"
    );
    let deleted = json!({"type": "TRANSACTION", "action": "deleted",
                         "transaction": {"guid": "TRN-9", "member_guid": "MBR-1"}});
    assert_eq!(
        data.fold_webhook(&deleted),
        DataWebhook::Transaction {
            action: "deleted".to_owned(),
            guid: "TRN-9".to_owned()
        }
    );
    assert!(data.checkpoint.deleted.contains("TRN-9"));
    assert_eq!(
        data.fold_webhook(&json!({"type": "MEMBER", "action": "CHANGED"})),
        DataWebhook::Other
    );
    let mut fresh = MemberData::default();
    let _ = fresh.fold_webhook(&data_updated(0, 0));
    assert!(fresh.reads_transactions(), "never synced: read both");
}

#[tokio::test]
async fn counts_of_zero_skip_the_transactions_but_not_the_accounts() {
    let h = common::Harness::start(common::frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-webhooks").await;
    let member = h.create(&user, &request).await;
    let (mut state, mut data) = (MemberState::default(), MemberData::default());
    let options = SyncOptions::default();
    let outcome = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Synced { .. }), "{outcome:?}");
    let first = h.calls("list_transactions").len();
    assert!(first > 0);
    let held = data.store.transactions.keys().next().unwrap().clone();

    // MX's next background aggregation, a day later, announced with counts of 0.
    h.advance(std::time::Duration::from_secs(25 * 3600));
    let _ = data.fold_webhook(&data_updated(0, 0));
    let Outcome::Synced { report, .. } = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap()
    else {
        panic!("synced");
    };
    assert_eq!(report.transactions, None);
    assert_eq!(
        h.calls("list_transactions").len(),
        first,
        "no transaction read"
    );
    assert_eq!(
        h.calls("list_accounts").len(),
        2,
        "the accounts, both times"
    );

    let _ = data.fold_webhook(&json!({"type": "TRANSACTION", "action": "deleted",
                                      "transaction": {"guid": held}}));
    let Outcome::Synced { report, .. } = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap()
    else {
        panic!("synced");
    };
    assert_eq!(report.removed, std::slice::from_ref(&held));
    assert!(!data.store.transactions.contains_key(&held));
    assert!(data.checkpoint.deleted.is_empty());
}
