//! A sync's errors: a row whose fields cannot be read is reported by guid and counted,
//! the rest of the page goes on, whether the page's rows are JSON values or raw JSON
//! text (as the driver reads them); a page MX did not deliver, or delivered out of turn,
//! names its read and page and leaves no checkpoint; `finish` comes only after the last
//! page.

use chrono::{DateTime, TimeZone, Utc};
use mx_aggregation_client::sync::{
    Checkpoint, MemoryStore, SyncError, SyncOptions, TransactionSync,
};
use mx_aggregation_client::types::{Pagination, TransactionsPage};
use serde_json::json;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn page(rows: Vec<serde_json::Value>, current_page: u32, total_pages: u32) -> TransactionsPage {
    TransactionsPage {
        pagination: Pagination {
            current_page,
            per_page: 100,
            total_entries: u32::try_from(rows.len()).unwrap(),
            total_pages,
        },
        transactions: rows,
    }
}

fn row(guid: &str, status: &str) -> serde_json::Value {
    json!({"guid": guid, "status": status, "date": "2026-03-01",
           "updated_at": "2026-03-01T10:00:00+00:00", "amount": 12.5})
}

#[test]
fn an_unreadable_row_is_skipped_by_guid_and_counted() {
    let mut store = MemoryStore::default();
    let mut sync = TransactionSync::start(
        &Checkpoint::default(),
        now(),
        &SyncOptions::default(),
        &store,
    );
    let rows = vec![
        row("TRN-1", "POSTED"),
        row("TRN-2", "CLEARED"),
        json!({"guid": "TRN-3", "amount": "twelve"}),
        json!({"amount": 1.0}),
        row("TRN-4", "PENDING"),
    ];
    let changes = sync.handle_page(&page(rows, 1, 1), &store).unwrap();
    let added: Vec<_> = changes
        .added
        .iter()
        .map(|t| t.guid.clone().unwrap())
        .collect();
    assert_eq!(added, ["TRN-1", "TRN-4"]);
    let skipped: Vec<_> = changes.skipped.iter().map(|s| s.guid.clone()).collect();
    assert_eq!(
        skipped,
        [Some("TRN-2".to_owned()), Some("TRN-3".to_owned()), None]
    );
    assert!(
        changes.skipped[0].reason.contains("CLEARED"),
        "{:?}",
        changes.skipped[0]
    );
    store.apply(&changes);
    assert_eq!(
        sync.next_page(),
        None,
        "one read: nothing PENDING was held at the start"
    );
    let finished = sync.finish(&store).unwrap();
    assert_eq!(finished.counts.skipped, 3);
    assert_eq!(finished.counts.added, 2);
    assert_eq!(finished.counts.pages, 1);
}

#[test]
fn raw_rows_read_as_their_values_do() {
    let rows = vec![
        row("TRN-1", "POSTED"),
        row("TRN-2", "CLEARED"),
        json!({"guid": "TRN-3", "amount": "twelve"}),
        json!({"amount": 1.0}),
        json!({"guid": 7, "amount": "x"}),
        row("TRN-4", "PENDING"),
    ];
    let store = MemoryStore::default();
    let start = || {
        TransactionSync::start(
            &Checkpoint::default(),
            now(),
            &SyncOptions::default(),
            &store,
        )
    };
    let values = page(rows.clone(), 1, 1);
    let raw: TransactionsPage<Box<serde_json::value::RawValue>> = TransactionsPage {
        transactions: rows
            .iter()
            .map(|row| serde_json::value::to_raw_value(row).unwrap())
            .collect(),
        pagination: values.pagination,
    };
    let from_values = start().handle_page(&values, &store).unwrap();
    let from_raw = start().handle_page(&raw, &store).unwrap();
    assert_eq!(from_raw.added, from_values.added);
    assert_eq!(from_raw.modified, from_values.modified);
    let guids = |changes: &mx_aggregation_client::sync::Changes| {
        changes
            .skipped
            .iter()
            .map(|s| s.guid.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(guids(&from_raw), guids(&from_values));
    assert_eq!(
        guids(&from_raw),
        [
            Some("TRN-2".to_owned()),
            Some("TRN-3".to_owned()),
            None,
            None
        ]
    );
    // A whole page read as MX sends it: the rows stay raw text until the sync reads them.
    let text = serde_json::to_string(&values).unwrap();
    let parsed: TransactionsPage<Box<serde_json::value::RawValue>> =
        serde_json::from_str(&text).unwrap();
    assert_eq!(parsed.transactions.len(), 6);
    assert_eq!(parsed.pagination, values.pagination);
}

#[test]
fn a_failed_page_is_named_and_finish_refuses_before_the_last_page() {
    let store = MemoryStore::default();
    let mut sync = TransactionSync::start(
        &Checkpoint::default(),
        now(),
        &SyncOptions::default(),
        &store,
    );
    let first = sync.next_page().unwrap();
    let _ = sync
        .handle_page(&page(vec![row("TRN-1", "POSTED")], 1, 3), &store)
        .unwrap();
    let second = sync.next_page().unwrap();
    assert_eq!((second.read, second.page.page), (first.read, 2));
    let error = sync.failed(&second, "MX answered 503 five times");
    assert_eq!(
        error.to_string(),
        "read 0, page 2: MX answered 503 five times"
    );
    assert_eq!(
        sync.clone().finish(&store).unwrap_err(),
        SyncError::Unfinished { read: 0, page: 2 }
    );
    let wrong = sync.handle_page(&page(vec![], 3, 3), &store).unwrap_err();
    assert_eq!(
        wrong,
        SyncError::WrongPage {
            read: 0,
            page: 2,
            answered: 3
        }
    );
}

#[test]
fn a_list_that_changes_between_pages_is_read_again_then_given_up() {
    let store = MemoryStore::default();
    let mut sync = TransactionSync::start(
        &Checkpoint::default(),
        now(),
        &SyncOptions::default(),
        &store,
    );
    let mut total = 200;
    let mut restarts = 0;
    loop {
        let request = sync.next_page().unwrap();
        let mut answer = page(vec![], request.page.page, 2);
        answer.pagination.total_entries = total;
        match sync.handle_page(&answer, &store) {
            Ok(_) => {}
            Err(error) => {
                assert_eq!(error, SyncError::Unsettled { read: 0, page: 2 });
                break;
            }
        }
        if request.page.page == 2 {
            restarts += 1;
        }
        total += 1;
    }
    assert_eq!(restarts, 3);
    assert_eq!(sync.counts().restarts, 3);
}
