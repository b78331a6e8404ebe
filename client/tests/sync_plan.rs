//! The reads a sync plans: every read names `from_date`; the first reads the member's
//! whole history (120 days, or 24 months once extended); later ones read what changed
//! since the checkpoint less at least a day; every range spans at most 6 months; every
//! read but the PENDING window ends at the same `to_updated_at`, `now`.

use chrono::{DateTime, Months, TimeDelta, TimeZone, Utc};
use mx_aggregation_client::sync::{
    Checkpoint, History, MemoryStore, ReadKind, SyncOptions, TransactionSync,
};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn at_most_six_months(from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
    from.checked_add_months(Months::new(6)).unwrap() >= to
}

fn check_ranges(sync: &TransactionSync) {
    for read in sync.reads() {
        let f = read.filter;
        assert!(at_most_six_months(f.from_date, f.to_date), "{read:?}");
        if let (Some(from), Some(to)) = (f.from_updated_at, f.to_updated_at) {
            assert!(at_most_six_months(from, to), "{read:?}");
        }
        match read.kind {
            ReadKind::History | ReadKind::Updated => assert_eq!(f.to_updated_at, Some(now())),
            ReadKind::Pending => assert_eq!(f.to_updated_at, None),
        }
    }
}

#[test]
fn the_first_sync_reads_120_days_then_the_pending_window() {
    // A first sync killed earlier left a PENDING transaction of 2026-02-20.
    let mut store = MemoryStore::default();
    store.transactions.insert(
        "TRN-1".to_owned(),
        serde_json::from_value(serde_json::json!(
            {"guid": "TRN-1", "status": "PENDING", "date": "2026-02-20"}
        ))
        .unwrap(),
    );
    let sync = TransactionSync::start(
        &Checkpoint::default(),
        now(),
        &SyncOptions::default(),
        &store,
    );
    let kinds: Vec<ReadKind> = sync.reads().iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [ReadKind::History, ReadKind::Pending]);
    let history = sync.reads()[0].filter;
    assert_eq!(
        history.from_date,
        Utc.with_ymd_and_hms(2025, 11, 2, 0, 0, 0).unwrap()
    );
    assert_eq!(history.from_updated_at, None);
    assert_eq!(
        history.to_date,
        Utc.with_ymd_and_hms(2026, 3, 8, 0, 0, 0).unwrap()
    );
    let pending = sync.reads()[1].filter;
    assert_eq!(
        pending.from_date,
        Utc.with_ymd_and_hms(2026, 2, 20, 0, 0, 0).unwrap()
    );
    check_ranges(&sync);
}

#[test]
fn an_extended_history_is_read_in_ranges_of_six_months() {
    let options = SyncOptions {
        history: History::Extended,
        ..SyncOptions::default()
    };
    let sync = TransactionSync::start(
        &Checkpoint::default(),
        now(),
        &options,
        &MemoryStore::default(),
    );
    let history: Vec<_> = sync
        .reads()
        .iter()
        .filter(|r| r.kind == ReadKind::History)
        .collect();
    assert_eq!(history.len(), 5, "{history:?}");
    assert_eq!(
        history[0].filter.from_date,
        Utc.with_ymd_and_hms(2024, 3, 2, 0, 0, 0).unwrap()
    );
    for pair in history.windows(2) {
        assert_eq!(pair[0].filter.to_date, pair[1].filter.from_date);
    }
    check_ranges(&sync);
}

#[test]
fn a_later_sync_reads_changes_since_the_checkpoint_less_the_overlap() {
    let checkpoint = Checkpoint {
        updated_through: Some(now() - TimeDelta::hours(30)),
        history_from: Some(now().date_naive() - TimeDelta::days(200)),
        ..Checkpoint::default()
    };
    // An overlap under a day reads as a day.
    let options = SyncOptions {
        overlap: TimeDelta::minutes(5),
        ..SyncOptions::default()
    };
    let sync = TransactionSync::start(&checkpoint, now(), &options, &MemoryStore::default());
    let updated: Vec<_> = sync
        .reads()
        .iter()
        .filter(|r| r.kind == ReadKind::Updated)
        .collect();
    assert_eq!(
        updated.len(),
        2,
        "200 days of dates in two ranges: {updated:?}"
    );
    for read in &updated {
        assert_eq!(
            read.filter.from_updated_at,
            Some(now() - TimeDelta::hours(54))
        );
    }
    assert_eq!(
        updated[0].filter.from_date,
        Utc.with_ymd_and_hms(2025, 8, 14, 0, 0, 0).unwrap()
    );
    check_ranges(&sync);
}

#[test]
fn extending_the_history_reads_the_older_range_in_full() {
    let checkpoint = Checkpoint {
        updated_through: Some(now() - TimeDelta::days(1)),
        history_from: Some(now().date_naive() - TimeDelta::days(120)),
        ..Checkpoint::default()
    };
    let options = SyncOptions {
        history: History::Extended,
        ..SyncOptions::default()
    };
    let sync = TransactionSync::start(&checkpoint, now(), &options, &MemoryStore::default());
    let first = sync.reads()[0];
    assert_eq!(first.kind, ReadKind::History);
    assert_eq!(
        first.filter.from_date,
        Utc.with_ymd_and_hms(2024, 3, 2, 0, 0, 0).unwrap()
    );
    check_ranges(&sync);
}

#[test]
fn the_checkpoint_round_trips_through_json() {
    let mut checkpoint = Checkpoint {
        updated_through: Some(now()),
        history_from: Some(now().date_naive()),
        ..Checkpoint::default()
    };
    checkpoint.note_deleted("TRN-1");
    let json = serde_json::to_string(&checkpoint).unwrap();
    assert_eq!(
        json,
        r#"{"updated_through":"2026-03-02T09:00:00Z","history_from":"2026-03-02","deleted":["TRN-1"]}"#
    );
    assert_eq!(
        serde_json::from_str::<Checkpoint>(&json).unwrap(),
        checkpoint
    );
}

#[test]
fn a_later_sync_whose_history_fits_one_page_reads_it_once() {
    let checkpoint = Checkpoint {
        updated_through: Some(now() - TimeDelta::days(1)),
        history_from: Some(now().date_naive() - TimeDelta::days(120)),
        ..Checkpoint::default()
    };
    let mut store = MemoryStore::default();
    let row = |guid: &str, status: &str| {
        serde_json::from_value(serde_json::json!(
            {"guid": guid, "status": status, "date": "2026-02-28"}
        ))
        .unwrap()
    };
    store
        .transactions
        .insert("TRN-P".to_owned(), row("TRN-P", "PENDING"));
    for n in 0..70 {
        let guid = format!("TRN-{n}");
        store
            .transactions
            .insert(guid.clone(), row(&guid, "POSTED"));
    }
    // 71 held, a quarter of the page free: one read of the whole history.
    let sync = TransactionSync::start(&checkpoint, now(), &SyncOptions::default(), &store);
    let reads = sync.reads();
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0].kind, ReadKind::Pending);
    assert_eq!(
        reads[0].filter.from_date,
        Utc.with_ymd_and_hms(2025, 11, 2, 0, 0, 0).unwrap()
    );
    assert_eq!(reads[0].filter.from_updated_at, None);
    check_ranges(&sync);

    // 81 held: the updated read and the PENDING window.
    for n in 70..80 {
        let guid = format!("TRN-{n}");
        store
            .transactions
            .insert(guid.clone(), row(&guid, "POSTED"));
    }
    let sync = TransactionSync::start(&checkpoint, now(), &SyncOptions::default(), &store);
    let kinds: Vec<ReadKind> = sync.reads().iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [ReadKind::Updated, ReadKind::Pending]);
    check_ranges(&sync);
}
