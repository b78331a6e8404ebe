//! A transaction page MX keeps failing (503 past the retry budget of `Call::classify`)
//! ends the sync with the read and page named; the checkpoint stays where it was, and the
//! next sync, MX healthy again, reads the same range and ends with the emulator's listing.

mod common;

use std::time::Duration;

use axum::http::Method;
use common::proxy::{Fault, Proxy};
use common::{Harness, frozen_config};
use mx_aggregation::{MemberState, Policy};
use mx_aggregation_client::sync::{MemberData, SyncError, SyncOptions};
use mx_aggregation_client::{Limits, Outcome};
use mx_emulator::Emulator;

#[tokio::test]
async fn a_page_that_keeps_failing_is_named_and_the_checkpoint_stays() {
    let emulator = Emulator::start(frozen_config()).await.expect("emulator");
    let proxy = Proxy::start(emulator.base_url()).await;
    let h = Harness::with_base(emulator, &proxy.base_url, Limits::default());
    let user = h.user().await;
    let request = h.mxbank("password", "m-page-fails").await;
    let member = h.create(&user, &request).await;
    let (mut state, mut data) = (MemberState::default(), MemberData::default());
    let options = SyncOptions::default();
    let outcome = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap();
    assert!(matches!(outcome, Outcome::Synced { .. }), "{outcome:?}");
    let checkpoint = data.checkpoint.clone();
    let held = data.store.transactions.len();

    h.advance(Duration::from_secs(86_400 + 600));
    for _ in 0..=Policy::default().retry_limit {
        proxy.inject(Fault::new(Method::GET, "/transactions", 503));
    }
    let outcome = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap();
    let Outcome::SyncFailed { error, .. } = outcome else {
        panic!("{outcome:?}");
    };
    let SyncError::PageFailed { read, page, reason } = &error else {
        panic!("{error:?}");
    };
    assert_eq!((*read, *page), (0, 1));
    assert_eq!(reason, "list_transactions: give_up (retries_exhausted)");
    assert_eq!(data.checkpoint, checkpoint, "the checkpoint stays");
    assert_eq!(data.store.transactions.len(), held, "nothing half-read");

    let outcome = h
        .driver
        .drive_and_sync(&member, &mut state, &mut data, &options)
        .await
        .unwrap();
    let Outcome::Synced { report, .. } = outcome else {
        panic!("{outcome:?}");
    };
    assert!(report.checkpoint.updated_through > checkpoint.updated_through);
    assert!(
        report.transactions.unwrap().added > 0,
        "the day's transactions"
    );
}
