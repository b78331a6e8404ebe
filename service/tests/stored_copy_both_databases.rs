//! A member's stored copy reads back as it was written, on SQLite and on PostgreSQL
//! alike: the accounts and transactions a drive's write-back stored (guids with quotes
//! and backslashes included), the rows a later write-back deleted gone, nothing of
//! another member's; an empty copy reads as empty; and a stored row that no longer reads
//! is an error naming that row. A sync's load of the copy holds each transaction by its
//! mark (a digest of the stored text and its `PENDING` day), not its text, and a row
//! stored without a mark is loaded as text once and marked by the next write-back.

mod support;

use chrono::{DateTime, TimeZone, Utc};
use mx_aggregation_client::sync::{MemoryStore, TransactionStore};
use mx_aggregation_client::types::{Account, Transaction};
use mx_aggregation_service::core::data_changes::DataChanges;
use mx_aggregation_service::store::{Db, StoreError, Written};
use serde_json::json;
use sqlx::Connection;
use support::Scratch;
use support::db::Database;
use support::store::write_data;

fn transaction(guid: &str, amount: f64, status: &str) -> Transaction {
    serde_json::from_value(json!({
        "guid": guid, "amount": amount, "status": status, "date": "2026-03-01",
        "description": "Caf\u{e9} \"Zoë\" \\ line\nbreak", "account_guid": "ACT-1",
    }))
    .expect("a transaction")
}

fn account(guid: &str, balance: f64) -> Account {
    serde_json::from_value(json!({"guid": guid, "balance": balance, "name": "Checking"}))
        .expect("an account")
}

fn copy(accounts: &[Account], transactions: &[Transaction]) -> MemoryStore {
    MemoryStore::new(
        accounts
            .iter()
            .map(|a| (a.guid.clone().unwrap_or_default(), a.clone()))
            .collect(),
        transactions
            .iter()
            .map(|t| (t.guid.clone().unwrap_or_default(), t.clone()))
            .collect(),
    )
}

/// The time every write-back of these tests runs at.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

/// `database` opened, with the members `MBR-1` and `MBR-2` of one user.
async fn opened(database: &Database) -> Db {
    let db = Db::open(database.url()).await.expect("the database opens");
    for member in ["MBR-1", "MBR-2"] {
        db.insert_member(member, "USR-1", None, now())
            .await
            .expect("a member");
    }
    db
}

/// Writes `changes` as a drive of `guid` does.
async fn write_changes(db: &Db, guid: &str, changes: &DataChanges) {
    let claimed = db
        .take_over(guid, "test", now())
        .await
        .expect("a take-over")
        .expect("the member is known")
        .claimed;
    let written = write_data(db, &claimed, changes, now()).await;
    assert_eq!(written, Written::Stored);
}

/// Writes `after` over `before` as a drive of `guid` does.
async fn write(db: &Db, guid: &str, before: &MemoryStore, after: &MemoryStore) {
    write_changes(db, guid, &DataChanges::between(before, after)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stored_copy_reads_back_on_each_database() {
    let scratch = Scratch::new("stored-copy");
    for database in Database::all(&scratch.path, "stored_copy_both_databases").await {
        let kind = database.kind();
        let db = opened(&database).await;
        let empty = db.stored_data("MBR-1").await.expect("an empty copy reads");
        assert_eq!(empty.store, MemoryStore::default(), "{kind}: empty");

        let first = copy(
            &[account("ACT-1", 10.5), account("ACT-\"2\\", -3.25)],
            &[
                transaction("TRN-1", 1.5, "POSTED"),
                transaction("TRN-\"quoted\"\\", -2.0, "PENDING"),
                transaction("TRN-3", 0.1, "POSTED"),
            ],
        );
        write(&db, "MBR-1", &MemoryStore::default(), &first).await;
        let other = copy(
            &[account("ACT-9", 1.0)],
            &[transaction("TRN-9", 9.0, "POSTED")],
        );
        write(&db, "MBR-2", &MemoryStore::default(), &other).await;
        let read = db.stored_data("MBR-1").await.expect("the copy reads");
        assert_eq!(read.store, first, "{kind}: as written");

        let second = copy(
            &[account("ACT-1", 11.0)],
            &[
                transaction("TRN-1", 1.5, "POSTED"),
                transaction("TRN-4", 4.0, "POSTED"),
            ],
        );
        write(&db, "MBR-1", &first, &second).await;
        let read = db.stored_data("MBR-1").await.expect("the copy reads");
        assert_eq!(read.store, second, "{kind}: after a second write-back");
        let read = db.stored_data("MBR-2").await.expect("the other copy reads");
        assert_eq!(read.store, other, "{kind}: the other member's copy");

        let mut conn = sqlx::AnyConnection::connect(database.url())
            .await
            .expect("a second connection");
        sqlx::query("UPDATE transactions SET body = $1 WHERE guid = $2")
            .bind("{\"guid\": 7")
            .bind("TRN-4")
            .execute(&mut conn)
            .await
            .expect("a row broken by hand");
        let _ = conn.close().await;
        match db.stored_data("MBR-1").await {
            Err(StoreError::Corrupt { column, key, .. }) => {
                assert_eq!((column, key.as_str()), ("transactions", "TRN-4"), "{kind}");
            }
            other => panic!("{kind}: a broken row must be named, got {other:?}"),
        }
        db.close().await;
        database.drop_database().await;
    }
}

/// What a sync's load of `guid`'s copy holds.
async fn held(db: &Db, guid: &str) -> MemoryStore {
    let mut store = MemoryStore::keeping_text();
    db.load_held_transactions(guid, &mut store)
        .await
        .expect("the held copy loads");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_loads_the_copy_by_its_marks_on_each_database() {
    let scratch = Scratch::new("held-marks");
    for database in Database::all(&scratch.path, "held_marks_both_databases").await {
        let kind = database.kind();
        let db = opened(&database).await;
        let rows = [
            transaction("TRN-1", 1.5, "POSTED"),
            transaction("TRN-\"quoted\"\\", -2.0, "PENDING"),
            transaction("TRN-3", 0.1, "POSTED"),
        ];
        write(&db, "MBR-1", &MemoryStore::default(), &copy(&[], &rows)).await;
        write(
            &db,
            "MBR-2",
            &MemoryStore::default(),
            &copy(&[], &rows[..1]),
        )
        .await;
        let texts: Vec<String> = rows
            .iter()
            .map(|row| serde_json::to_string(row).expect("a text"))
            .collect();

        let store = held(&db, "MBR-1").await;
        assert_eq!(store.count(), 3, "{kind}: every row held");
        for (row, text) in rows.iter().zip(&texts) {
            let guid = row.guid.as_deref().unwrap_or_default();
            assert!(
                store.holds_text(guid, text),
                "{kind}: {guid} unchanged by its text"
            );
            assert!(
                !store.holds_text(guid, &text.replace("Caf", "Kaf")),
                "{kind}: {guid} with other text is changed"
            );
            assert_eq!(store.transaction_text(guid), None, "{kind}: no text loaded");
        }
        assert_eq!(
            store.pending(),
            [(
                "TRN-\"quoted\"\\".to_owned(),
                chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
            )],
            "{kind}: the PENDING row and its day"
        );
        assert!(store.changed_transactions().is_empty(), "{kind}");
        assert_eq!(
            held(&db, "MBR-2").await.count(),
            1,
            "{kind}: the other member's"
        );

        // A row stored before rows had marks.
        let mut conn = sqlx::AnyConnection::connect(database.url())
            .await
            .expect("a second connection");
        sqlx::query("UPDATE transactions SET digest = NULL, pending_day = NULL WHERE guid = $1")
            .bind("TRN-3")
            .execute(&mut conn)
            .await
            .expect("a mark removed by hand");
        let _ = conn.close().await;
        let store = held(&db, "MBR-1").await;
        assert_eq!(
            store.transaction_text("TRN-3"),
            Some(texts[2].as_str()),
            "{kind}"
        );
        assert!(
            store.changed_transactions().contains("TRN-3"),
            "{kind}: noted"
        );
        assert_eq!(store.count(), 3, "{kind}");
        let changes = DataChanges::after_sync(&std::collections::BTreeMap::new(), &store);
        write_changes(&db, "MBR-1", &changes).await;
        let store = held(&db, "MBR-1").await;
        assert_eq!(
            store.transaction_text("TRN-3"),
            None,
            "{kind}: marked again"
        );
        assert!(store.holds_text("TRN-3", &texts[2]), "{kind}");
        let read = db.stored_data("MBR-1").await.expect("the copy reads");
        assert_eq!(
            read.store,
            copy(&[], &rows),
            "{kind}: the bodies as written"
        );
        db.close().await;
        database.drop_database().await;
    }
}
