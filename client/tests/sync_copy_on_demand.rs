//! A caller that keeps the copy in a database loads its transactions only when the
//! sync reads them: `Driver::drive_to_data` ends a drive that needs no data, or whose data
//! the copy holds with no deletion announced, without them; `MemberData::needs_transactions`
//! says when `Driver::sync_read` reads them; a copy loaded on demand ends equal to MX's
//! listing. Over loopback, through the driver, and on the rule alone.

mod common;

use std::time::Duration;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use mx_aggregation::{EndUser, MemberState, Observation};
use mx_aggregation_client::sync::{Checkpoint, DataDue, MemberData, SyncOptions};
use mx_aggregation_client::{DataStep, Limits, Outcome};
use serde_json::json;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap() + TimeDelta::minutes(minutes)
}

fn synced_at(minutes: i64) -> Checkpoint {
    let mut checkpoint = Checkpoint {
        updated_through: Some(at(0)),
        ..Checkpoint::default()
    };
    checkpoint.note_synced(at(minutes));
    checkpoint
}

#[test]
fn the_transactions_are_needed_only_by_a_sync_that_reads_them() {
    let never = MemberData::default();
    assert!(
        never.needs_transactions(at(5)),
        "a first sync compares with the copy"
    );

    let mut data = MemberData {
        checkpoint: synced_at(10),
        ..MemberData::default()
    };
    // Held data, nothing announced deleted: settled without the copy.
    assert!(!data.needs_transactions(at(10)));
    assert!(!data.needs_transactions(at(9)));
    data.due = Some(DataDue::Everything);
    assert!(!data.needs_transactions(at(10)), "the echo of a sync done");
    // Held data with a deletion announced: the deletion leaves the copy.
    data.checkpoint.note_deleted("TRN-1");
    assert!(data.needs_transactions(at(10)));

    // Newer data: a sync that reads transactions needs them; one that reads only the
    // accounts (the webhooks counted no transaction) does not.
    let mut newer = MemberData {
        checkpoint: synced_at(10),
        ..MemberData::default()
    };
    assert!(newer.needs_transactions(at(11)), "a look without news");
    newer.due = Some(DataDue::Everything);
    assert!(newer.needs_transactions(at(11)));
    newer.due = Some(DataDue::AccountsOnly);
    assert!(!newer.needs_transactions(at(11)));
}

#[tokio::test]
async fn a_copy_loaded_on_demand_ends_as_mx_lists_it() {
    let h = common::Harness::start(common::frozen_config()).await;
    let user = h.user().await;
    let request = h.mxbank("password", "m-on-demand").await;
    let member = h.create(&user, &request).await;
    let (mut state, mut full) = (MemberState::default(), MemberData::default());
    let options = SyncOptions {
        records_per_page: 1000,
        ..SyncOptions::default()
    };
    let first = h
        .driver
        .drive_and_sync(&member, &mut state, &mut full, &options)
        .await
        .unwrap();
    let Outcome::Synced { as_of: first, .. } = first else {
        panic!("synced: {first:?}");
    };
    assert!(!full.store.transactions.is_empty());
    let h = h.limits(Limits {
        end_user: EndUser::Absent,
        ..Limits::default()
    });
    // The copy as a database keeps it: the checkpoint and the accounts at hand, the
    // transactions loaded only when asked for.
    let unloaded = |full: &MemberData| {
        let mut data = full.clone();
        data.store.transactions.clear();
        data
    };

    // The echo of the first sync's aggregation: over, nothing read, nothing loaded.
    let echo = json!({"action": "member_data_updated", "type": "AGGREGATION",
        "member_guid": member.member, "user_guid": member.user,
        "completed_at": first.timestamp(), "is_background": false,
        "transactions_created_count": 3, "transactions_updated_count": 0});
    let _ = state.apply(&Observation::from_json(&echo.to_string()).unwrap(), first);
    let _ = full.fold_webhook(&echo);
    let mut data = unloaded(&full);
    let step = h
        .driver
        .drive_to_data(&member, &mut state, &mut data)
        .await
        .unwrap();
    let DataStep::Over(Outcome::Synced { report, .. }) = step else {
        panic!("over without the copy: {step:?}");
    };
    assert_eq!(report.transactions, None);
    assert!(data.store.transactions.is_empty(), "nothing loaded");
    assert_eq!(data.due, None, "settled");
    full.due = None;

    // MX's background aggregation a day later: read, with the copy loaded first.
    h.advance(Duration::from_secs(25 * 3600));
    let read = h.client.read_member(&member).await.unwrap();
    let completed: DateTime<Utc> = read
        .successfully_aggregated_at
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    let news = json!({"action": "member_data_updated", "type": "AGGREGATION",
        "member_guid": member.member, "user_guid": member.user,
        "completed_at": completed.timestamp(), "is_background": true,
        "transactions_created_count": 3, "transactions_updated_count": 1});
    let _ = state.apply(
        &Observation::from_json(&news.to_string()).unwrap(),
        completed,
    );
    let _ = full.fold_webhook(&news);
    let mut data = unloaded(&full);
    let step = h
        .driver
        .drive_to_data(&member, &mut state, &mut data)
        .await
        .unwrap();
    let DataStep::Read(read) = step else {
        panic!("a read: {step:?}");
    };
    assert_eq!(read.as_of, completed);
    assert!(data.needs_transactions(read.as_of));
    data.store.transactions.clone_from(&full.store.transactions);
    let outcome = h
        .driver
        .sync_read(&member, &mut data, &options, read)
        .await
        .unwrap();
    let Outcome::Synced { report, .. } = outcome else {
        panic!("synced: {outcome:?}");
    };
    assert_eq!(data.checkpoint.as_of, Some(completed));
    let listed = h.listing(&member, &data.checkpoint).await;
    // Compared with the loaded copy, only what MX's day brought is new: against an
    // empty copy every listed row would count as added.
    let new = listed
        .keys()
        .filter(|guid| !full.store.transactions.contains_key(*guid))
        .count();
    let counts = report.transactions.expect("transactions read");
    assert!(new > 0, "MX's day brought transactions");
    assert_eq!(counts.added as usize, new, "{counts:?}");
    assert_eq!(data.store.transactions, listed);
}
