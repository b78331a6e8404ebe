//! Property: a service that loads its copy by each row's mark (a digest of MX's text and
//! whether it is `PENDING`, `MemoryStore::hold_mark`), not by the texts, ends with the
//! same copy as one that loads the texts and as one that reads every row, reports the
//! same transactions added and removed, and reads and writes nothing when MX changed
//! nothing.

mod model;

use mx_aggregation_client::sync::{MemoryStore, RowMark, TransactionStore};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_marked_copy_is_the_text_copy(
        initial in proptest::collection::vec(model::event(), 0..30),
        steps in proptest::collection::vec(model::step(), 0..60),
        options in model::options(),
    ) {
        let (mx, read) = model::run(&initial, &steps, &options);
        let (_, text) = model::run_with(model::Service::text(), &initial, &steps, &options);
        let (_, marked) = model::run_with(model::Service::marked(), &initial, &steps, &options);
        prop_assert_eq!(&marked.copy(), &mx.truth());
        prop_assert_eq!(&marked.database, &text.database);
        prop_assert_eq!(&marked.record.added, &read.record.added);
        prop_assert_eq!(&marked.record.removed, &read.record.removed);
        prop_assert_eq!(&marked.record.completed, &read.record.completed);
    }

    #[test]
    fn an_unchanged_history_is_neither_read_nor_written(
        initial in proptest::collection::vec(model::event(), 1..30),
        options in model::options(),
    ) {
        let (mx, mut marked) =
            model::run_with(model::Service::marked(), &initial, &[], &options);
        let database = marked.database.clone();
        marked.sync(&mx, &options, None);
        prop_assert!(marked.store.changed_transactions().is_empty());
        prop_assert_eq!(marked.database, database);
    }
}

/// A row held by its mark is found unchanged by its text, and held: a listed row with
/// one byte changed is not.
#[test]
fn a_mark_stands_for_its_text() {
    let text = r#"{"guid":"TRN-1","status":"POSTED","amount":1.5}"#;
    let mut store = MemoryStore::keeping_text();
    store.hold_mark("TRN-1".to_owned(), RowMark::of_text(text));
    assert!(store.holds("TRN-1"));
    assert!(store.holds_text("TRN-1", text));
    assert!(!store.holds_text("TRN-1", &text.replace("1.5", "1.6")));
    assert!(!store.holds_text("TRN-2", text));
    assert!(store.transaction("TRN-1").is_none());
    assert_eq!(store.count(), 1);
    assert!(store.pending().is_empty());
    assert!(store.remove_transaction("TRN-1"));
    assert!(!store.holds("TRN-1"));
}

/// A row stored before the service kept marks is loaded as text once and noted, so that
/// the write-back stores its mark.
#[test]
fn a_row_without_a_mark_is_noted_to_be_marked() {
    let text = r#"{"guid":"TRN-1","status":"PENDING","date":"2026-03-02"}"#;
    let mut store = MemoryStore::keeping_text();
    store.hold_text_to_mark("TRN-1".to_owned(), text.to_owned());
    assert!(store.changed_transactions().contains("TRN-1"));
    assert_eq!(store.transaction_text("TRN-1"), Some(text));
    assert_eq!(
        store.pending(),
        [(
            "TRN-1".to_owned(),
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
        )]
    );
}
