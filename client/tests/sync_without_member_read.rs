//! With the end user absent, a `member_data_updated` webhook for data newer than the
//! copy is synced without reading the member, in one transaction read when the copy fits
//! one page; a second drive for the same moment lists nothing. Over loopback, through
//! the driver.

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use mx_aggregation::{EndUser, MemberState, Observation};
use mx_aggregation_client::sync::{MemberData, SyncOptions};
use mx_aggregation_client::{Limits, Outcome};
use serde_json::json;

#[tokio::test]
async fn a_data_webhook_is_synced_without_a_member_read_and_only_once() {
    let h = common::Harness::start(common::frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-no-read").await;
    let member = h.create(&user, &request).await;
    let (mut state, mut data) = (MemberState::default(), MemberData::default());
    let options = SyncOptions {
        records_per_page: 1000,
        ..SyncOptions::default()
    };
    let first = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap();
    assert!(matches!(first, Outcome::Synced { .. }), "{first:?}");

    // MX's background aggregation a day later, and its webhook.
    h.advance(Duration::from_secs(25 * 3600));
    let read = h.client.read_member(&member).await.unwrap();
    let completed: DateTime<Utc> = read
        .successfully_aggregated_at
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    let webhook = json!({"action": "member_data_updated", "type": "AGGREGATION",
        "member_guid": member.member, "user_guid": member.user,
        "completed_at": completed.timestamp(), "is_background": true,
        "transactions_created_count": 3, "transactions_updated_count": 0});
    let body = webhook.to_string();
    let _ = state.apply(&Observation::from_json(&body).unwrap(), completed);
    let _ = data.fold_webhook(&webhook);
    let h = h.limits(Limits {
        end_user: EndUser::Absent,
        ..Limits::default()
    });
    let before = |name: &str| h.calls(name).len();
    let (reads, accounts, transactions) = (
        before("read"),
        before("list_accounts"),
        before("list_transactions"),
    );

    let Outcome::Synced { as_of, report, .. } = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap()
    else {
        panic!("synced");
    };
    assert_eq!(as_of, completed);
    assert_eq!(h.calls("read").len(), reads, "no member read");
    assert_eq!(h.calls("list_accounts").len(), accounts + 1);
    assert_eq!(
        h.calls("list_transactions").len(),
        transactions + 1,
        "one read of the whole history: {report:?}"
    );
    assert_eq!(data.checkpoint.as_of, Some(completed));
    assert_eq!(
        data.store.transactions,
        h.listing(&member, &data.checkpoint).await
    );

    // The same moment again: the member is read, nothing is listed.
    let lists = before("list_accounts") + before("list_transactions");
    let Outcome::Synced { report, .. } = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap()
    else {
        panic!("synced");
    };
    assert_eq!(report.accounts.pages, 0);
    assert_eq!(report.transactions, None);
    assert_eq!(before("list_accounts") + before("list_transactions"), lists);

    // The webhook again, after the copy holds what it announces (MX's webhook arriving
    // after the drive that read the completed member): no call at all.
    let mx_calls = || {
        let entries = h.log.entries();
        entries
            .iter()
            .filter(|e| !e.endpoint.starts_with("emulator_"))
            .count()
    };
    let calls = mx_calls();
    let _ = state.apply(&Observation::from_json(&body).unwrap(), completed);
    let _ = data.fold_webhook(&webhook);
    let Outcome::Synced { as_of, report, .. } = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap()
    else {
        panic!("synced");
    };
    assert_eq!(as_of, completed);
    assert_eq!(mx_calls(), calls, "no MX call for an echo");
    assert_eq!(report.transactions, None);
    assert_eq!(data.due, None, "settled");
}
