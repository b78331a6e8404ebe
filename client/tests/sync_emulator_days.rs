//! End to end over loopback: a member synced through the driver, then the virtual clock
//! moved day after day (MX Bank's background aggregations post pending purchases under
//! new guids, clean descriptions, delete what stayed pending 14 days): after each sync
//! the copy equals the emulator's listing, transactions and accounts.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveTime;
use mx_aggregation::MemberState;
use mx_aggregation_client::sync::{MemberData, SyncOptions};
use mx_aggregation_client::types::AccountsPage;
use mx_aggregation_client::{DataList, Outcome};

#[tokio::test]
async fn the_copy_equals_the_emulators_listing_after_every_sync() {
    let h = common::Harness::start(common::frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-sync").await;
    let member = h.create(&user, &request).await;
    let mut state = MemberState::default();
    let mut data = MemberData::default();
    let options = SyncOptions::default();
    let mut removed = 0;
    let mut modified = 0;
    for day in 0..6 {
        let outcome = h
            .driver
            .drive_and_sync(&member, &mut state, &mut data, &options)
            .await
            .expect("the drive runs");
        let Outcome::Synced { report, .. } = outcome else {
            panic!("day {day}: {outcome:?}");
        };
        assert!(report.skipped.is_empty(), "{:?}", report.skipped);
        let counts = report.transactions.expect("transactions read");
        removed += counts.removed;
        modified += counts.modified;
        if day == 0 {
            assert!(counts.added > 300, "120 days of 3 to 6 a day: {counts:?}");
        } else {
            assert!(
                counts.added + counts.modified + counts.removed > 0,
                "day {day}: {counts:?}"
            );
        }
        let from = data
            .checkpoint
            .history_from
            .expect("synced")
            .and_time(NaiveTime::MIN)
            .and_utc();
        let expected = h.listing_from(&member, from).await;
        assert_eq!(
            data.store.transactions.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "day {day}"
        );
        assert!(
            data.store.transactions == expected,
            "day {day}: the same values"
        );
        let accounts: Vec<AccountsPage> = h
            .client
            .read_all(DataList::Accounts(member.clone()), 100)
            .await
            .unwrap();
        let accounts: BTreeMap<_, _> = accounts
            .into_iter()
            .flat_map(|p| p.accounts)
            .map(|a| (a.guid.clone().unwrap(), a))
            .collect();
        assert_eq!(
            accounts.len(),
            4,
            "checking, savings, credit card, investment"
        );
        assert!(data.store.accounts == accounts, "day {day}: the accounts");
        // A day passes: MX Bank's background aggregation runs.
        h.advance(Duration::from_secs(86_400 + 600));
    }
    assert!(
        removed > 0,
        "pending transactions were posted under new guids"
    );
    assert!(modified > 0, "descriptions were cleaned in place");
}
