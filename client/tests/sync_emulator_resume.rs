//! End to end over loopback: a sync killed after any page and started again from the
//! stored checkpoint ends with the emulator's listing, a day of background aggregation
//! after the first sync; and a later sync reads pages in proportion to what changed (that
//! day's and, through the one-day overlap, the day before's), not to the 120 days of
//! history.

mod common;

use std::time::Duration;

use mx_aggregation_client::sync::{
    Checkpoint, MemoryStore, ReadKind, SyncOptions, TransactionSync,
};
use mx_aggregation_client::types::TransactionsPage;
use mx_aggregation_client::{Clock, DataList, MemberRef, Outcome};

/// Runs a sync over loopback, killed after `kill_after` pages when set; the pages read.
async fn sync(
    h: &common::Harness,
    member: &MemberRef,
    checkpoint: &mut Checkpoint,
    store: &mut MemoryStore,
    options: &SyncOptions,
    kill_after: Option<u32>,
) -> (u32, Vec<(ReadKind, u32)>) {
    let now = h.driver.clock().now().await.unwrap();
    let mut sync = TransactionSync::start(checkpoint, now, options, store);
    let mut pages = 0;
    let mut read = Vec::new();
    while let Some(request) = sync.next_page() {
        if kill_after == Some(pages) {
            return (pages, read);
        }
        let list = DataList::Transactions(member.clone(), request.filter);
        let page: TransactionsPage = h.client.list_page(&list, request.page).await.unwrap();
        let changes = sync.handle_page(&page, store).unwrap();
        store.apply(&changes);
        read.push((sync.reads()[request.read].kind, request.page.page));
        pages += 1;
    }
    let finished = sync.finish(store).unwrap();
    store.remove(&finished.removed);
    *checkpoint = finished.checkpoint;
    (pages, read)
}

/// A member MX Bank aggregated once, and the driver's word that its data can be read.
async fn connected(h: &common::Harness) -> MemberRef {
    let user = h.user().await;
    let request = h.mxbank("password", "m-resume").await;
    let member = h.create(&user, &request).await;
    let outcome = h.driver.drive(&member).await.unwrap();
    assert!(matches!(outcome, Outcome::ReadData { .. }), "{outcome:?}");
    member
}

#[tokio::test]
async fn a_sync_killed_after_any_page_ends_with_the_listing_when_resumed() {
    let h = common::Harness::start(common::frozen_config()).await;
    let member = connected(&h).await;
    let options = SyncOptions {
        records_per_page: 50,
        ..SyncOptions::default()
    };
    let (mut checkpoint, mut store) = (Checkpoint::default(), MemoryStore::default());
    let (first_pages, _) = sync(&h, &member, &mut checkpoint, &mut store, &options, None).await;
    assert!(first_pages >= 6, "{first_pages}");
    // A day later, after a background aggregation: a sync killed after page k, then a
    // new one from the same stored checkpoint.
    h.advance(Duration::from_secs(86_400 + 600));
    let expected_after = {
        let (mut c, mut s) = (checkpoint.clone(), store.clone());
        sync(&h, &member, &mut c, &mut s, &options, None).await;
        assert_eq!(s.transactions, h.listing(&member, &c).await);
        s.transactions
    };
    let (pages, _) = sync(
        &h,
        &member,
        &mut checkpoint.clone(),
        &mut store.clone(),
        &options,
        None,
    )
    .await;
    for kill_after in 0..pages {
        let (mut c, mut s) = (checkpoint.clone(), store.clone());
        let (read, _) = sync(&h, &member, &mut c, &mut s, &options, Some(kill_after)).await;
        assert_eq!(read, kill_after);
        assert_eq!(
            c, checkpoint,
            "killed after {kill_after} pages: the checkpoint stays"
        );
        sync(&h, &member, &mut c, &mut s, &options, None).await;
        assert!(
            s.transactions == expected_after,
            "killed after {kill_after} pages"
        );
    }
    // And the first sync, killed after each of its pages.
    for kill_after in (0..first_pages).step_by(3) {
        let (mut c, mut s) = (Checkpoint::default(), MemoryStore::default());
        sync(&h, &member, &mut c, &mut s, &options, Some(kill_after)).await;
        assert_eq!(c, Checkpoint::default());
        sync(&h, &member, &mut c, &mut s, &options, None).await;
        // A first sync today reads 120 days back from today.
        assert!(
            s.transactions == h.listing(&member, &c).await,
            "first sync killed after {kill_after} pages"
        );
    }
}

#[tokio::test]
async fn a_later_sync_reads_pages_in_proportion_to_the_changes() {
    let h = common::Harness::start(common::frozen_config()).await;
    let member = connected(&h).await;
    let options = SyncOptions {
        records_per_page: 10,
        ..SyncOptions::default()
    };
    let (mut checkpoint, mut store) = (Checkpoint::default(), MemoryStore::default());
    let (first, _) = sync(&h, &member, &mut checkpoint, &mut store, &options, None).await;
    // The first day's sync re-reads, within its one-day overlap, everything the first
    // aggregation stamped; from the day after, the overlap holds one day of changes.
    let mut changes = Vec::new();
    let mut last = (0, Vec::new());
    for _ in 0..2 {
        let before = store.transactions.clone();
        h.advance(Duration::from_secs(86_400 + 600));
        last = sync(&h, &member, &mut checkpoint, &mut store, &options, None).await;
        changes.push(
            store
                .transactions
                .iter()
                .filter(|(guid, t)| before.get(*guid) != Some(*t))
                .count(),
        );
    }
    let (third, read) = last;
    let updated_pages = read
        .iter()
        .filter(|(kind, _)| *kind == ReadKind::Updated)
        .count();
    // The updated read holds today's changes and yesterday's (the overlap).
    let bound = (changes[0] + changes[1]).div_ceil(10) + 1;
    assert!(
        updated_pages <= bound,
        "{updated_pages} pages for {changes:?} changes"
    );
    assert!(
        third * 4 < first,
        "first {first} pages, third {third}: {read:?}"
    );
    assert_eq!(store.transactions, h.listing(&member, &checkpoint).await);
}
