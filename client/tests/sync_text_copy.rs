//! Property: a service that keeps its copy as MX's text (the durable service: the copy
//! loaded as text, MX's pages read as raw rows, the rows the sync noted written back)
//! ends with the same copy as one that reads every row, reports the same transactions
//! added and removed, keeps each row as MX's text, and reads no held row when MX
//! changed nothing.

mod model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_text_copy_is_the_read_copy(
        initial in proptest::collection::vec(model::event(), 0..30),
        steps in proptest::collection::vec(model::step(), 0..60),
        options in model::options(),
    ) {
        let (mx, read) = model::run(&initial, &steps, &options);
        let (_, text) = model::run_with(model::Service::text(), &initial, &steps, &options);
        prop_assert_eq!(&text.copy(), &mx.truth());
        // Each row kept as the text MX listed it, byte for byte.
        for (guid, kept) in &text.database {
            prop_assert_eq!(kept, &serde_json::to_string(&mx.transactions[guid]).unwrap());
        }
        prop_assert_eq!(&text.record.added, &read.record.added);
        prop_assert_eq!(&text.record.removed, &read.record.removed);
        prop_assert_eq!(&text.record.completed, &read.record.completed);
    }

    #[test]
    fn an_unchanged_history_is_not_read(
        initial in proptest::collection::vec(model::event(), 1..30),
        options in model::options(),
    ) {
        let (mx, mut read) = model::run(&initial, &[], &options);
        let (_, mut text) = model::run_with(model::Service::text(), &initial, &[], &options);
        let database = text.database.clone();
        let (read_before, text_before) = (read.rows_read, text.rows_read);
        read.sync(&mx, &options, None);
        text.sync(&mx, &options, None);
        // The service that reads every row read the ones MX listed again; the text copy
        // read none, and wrote nothing.
        prop_assert!(mx.truth().is_empty() || read.rows_read > read_before);
        prop_assert_eq!(text.rows_read, text_before);
        prop_assert!(text.store.changed_transactions().is_empty());
        prop_assert_eq!(text.database, database);
    }

    /// A copy stored in another text (the typed transactions written back out, as the
    /// service stored them before it kept MX's text) takes MX's text at the next sync,
    /// with nothing added or removed, and the sync after reads no row.
    #[test]
    fn an_older_copy_takes_mx_text_once(
        initial in proptest::collection::vec(model::event(), 1..30),
        options in model::options(),
    ) {
        let (mx, read) = model::run(&initial, &[], &options);
        let mut text = model::Service::text();
        text.checkpoint = read.checkpoint.clone();
        text.database = read
            .store
            .transactions
            .iter()
            .map(|(guid, row)| (guid.clone(), serde_json::to_string(row).unwrap()))
            .collect();
        text.sync(&mx, &options, None);
        prop_assert!(text.record.added.is_empty());
        prop_assert!(text.record.removed.is_empty());
        prop_assert_eq!(&text.copy(), &mx.truth());
        let before = text.rows_read;
        text.sync(&mx, &options, None);
        prop_assert_eq!(text.rows_read, before);
    }
}
